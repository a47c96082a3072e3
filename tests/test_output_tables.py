"""output/tables.py draws `render.table()` without Rich: byte for byte what Rich prints, or it
hands the table to Rich. The reference is `render.table()` as it was before (a Rich `Table`),
printed on a Rich `Console` made as `render.console()` makes it."""

from __future__ import annotations

import inspect
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console as RichConsole

from trainlog.output import render, tables
from trainlog.output.render import cell, header

# -- the reference ---------------------------------------------------------------------------


def rich_table(rows: list[dict[str, Any]], columns: list[str], lang: str,
               title: str | None = None, numeric: Any = (),
               labels: dict[str, str] | None = None) -> Any:
    """render.table() before output/tables.py, line for line."""
    from rich.table import Table

    numeric = set(numeric)
    t = Table(title=title, title_justify="left", show_lines=False)
    for key in columns:
        right = key in numeric or (rows and isinstance(rows[0].get(key), int | float)
                                   and not isinstance(rows[0].get(key), bool))
        t.add_column(header(key, lang, labels), justify="right" if right else "left", no_wrap=False)
    for row in rows:
        t.add_row(*(cell(row.get(k), k, lang) for k in columns))
    return t


def rich_prints(renderable: Any, width: int, terminal: bool = False, **options: Any) -> str:
    """What Rich writes for `renderable` on render.console()'s console of `width` cells (in a
    pipe, or on a terminal: styles on)."""
    out = io.StringIO()
    RichConsole(file=out, width=width, soft_wrap=False, highlight=False,
                force_terminal=terminal, **options).print(renderable)
    return out.getvalue()


def fast(rows: list[dict[str, Any]], columns: list[str], lang: str, width: int,
         terminal: bool = False, **kw: Any) -> str | None:
    return render.table(rows, columns, lang, **kw).text(width, terminal)


# -- generated tables ------------------------------------------------------------------------

#: characters Rich shows as they are, of every width: ASCII, CJK, full-width punctuation, the
#: ideographic and no-break spaces, a combining accent (0 cells), emoji (2), a zero-width space,
#: brackets and colons that are not markup or emoji codes
SAFE = ("abcxyzABZ019 -_./%,()#@!?'\"<>=+*&$~^`{}|;"
        "王玉华高宏刚召陵区委人民政府远程教育乡村振兴党支部学时"
        "，。：；（）【】《》、\u3000\xa0\u0301\u200b😀🎉Ωжé")
#: and what makes Rich change a string, or lay it out otherwise: markup, escapes, emoji codes,
#: tabs, newlines and other controls, separators str.splitlines() knows, ZWJ, VS16
RISKY = SAFE + "[]:\\\t\n\r\x1b\x00\x7f\x85\u2028\u2029\u200d\ufe0f\u2764"
RISKY_WORDS = ["[bold]", "[/]", "[red]x[/red]", "\\[x]", "[1]", "[b]", ":smile:", ":+1:",
               "09:00:00", ":thumbs_up-emoji:", "[link=http://x]", "a\\", "::", ":x:"]

KEYS = ["id", "year", "name", "title", "hours", "progress", "share", "track", "kind", "topic",
        "level", "method", "tier", "platform", "audience", "void", "branch", "count", "x"]
LABELS = {"name": "姓名", "title": "标题", "x": "其他"}
RISKY_LABELS = {**LABELS, "x": "[bold]x", "count": ":smile:"}


def texts(alphabet: str, words: list[str] | None = None) -> st.SearchStrategy[str]:
    text = st.text(alphabet=alphabet, max_size=24)
    if words:  # risky text: some of it, amid text that is not
        text = st.one_of(st.text(alphabet=SAFE, max_size=24), text, st.sampled_from(words),
                         st.builds(lambda a, w, b: a + w + b, text, st.sampled_from(words), text))
    return text


def values(alphabet: str, words: list[str] | None = None) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(), st.integers(-10**7, 10**9),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e7, max_value=1e7),
        texts(alphabet, words), st.sampled_from(["", " ", "  x", "x  ", "\u3000x\u3000"]),
        st.sampled_from(["video", "policy", "special", "remote", "district", "academy"]))


@st.composite
def tables_(draw: st.DrawFn, alphabet: str = SAFE, words: list[str] | None = None,
            unicode: bool = False) -> dict[str, Any]:
    columns = draw(st.lists(st.one_of(st.sampled_from(KEYS), texts(alphabet, words)),
                            min_size=1, max_size=6, unique=True))
    # each column's values of one kind mostly (numbers right-justified as render.table decides)
    kinds = {k: draw(st.sampled_from(["int", "float", "text", "any"])) for k in columns}
    any_text = st.text(max_size=12) if unicode else texts(alphabet, words)
    of_kind = {"int": st.one_of(st.none(), st.integers(-10**6, 10**12)),
               "float": st.one_of(st.none(), st.floats(-1e6, 1e6)),
               "text": st.one_of(st.none(), any_text), "any": values(alphabet, words)}
    rows = draw(st.lists(st.fixed_dictionaries({k: of_kind[kinds[k]] for k in columns}),
                         max_size=8))
    return {
        "rows": rows, "columns": columns,
        "lang": draw(st.sampled_from(["en", "zh"])),
        "title": draw(st.one_of(st.none(), st.just(""), any_text,
                                st.sampled_from(["召陵区 2020 年干部培训", "Branches with none"]))),
        "numeric": draw(st.lists(st.sampled_from(columns), max_size=2)),
        "labels": draw(st.sampled_from([None, LABELS, RISKY_LABELS] if words else [None, LABELS])),
        "width": draw(st.sampled_from([20, 40, 80, 120, 200, 250, 400])),
        "terminal": draw(st.booleans()),
    }


def check(case: dict[str, Any]) -> str | None:
    """Fast text == Rich's output whenever there is fast text; the fast text (or None)."""
    case = dict(case)
    width, terminal = case.pop("width"), case.pop("terminal")
    drawn = render.table(**case).text(width, terminal)
    try:
        expected = rich_prints(rich_table(**case), width, terminal)
    except Exception as error:  # e.g. MarkupError: then there is no fast text either
        assert drawn is None, repr(error)
        return None
    if drawn is not None:
        assert drawn == expected
    event("drawn" if drawn is not None else "left to Rich")
    return drawn


def _fits(case: dict[str, Any]) -> bool:
    """Whether the table's natural width fits (computed Rich's way, from the Rich table), and no
    column is 0 cells wide."""
    t = rich_table(**{k: v for k, v in case.items() if k not in ("width", "terminal")})
    console = RichConsole(file=io.StringIO(), width=10_000)
    from rich.measure import Measurement

    natural = Measurement.get(console, console.options, t).maximum
    title = case["title"]
    columns = [[c.header, *c.cells] for c in t.columns]
    blank = any(max(map(tables.cell_len, column)) == 0 for column in columns)
    return (natural <= case["width"] and (not title or tables.cell_len(title) <= natural)
            and not blank)


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=120, **SETTINGS)
@given(tables_())
def test_safe_text_is_drawn_as_rich_draws_it(case: dict[str, Any]) -> None:
    """Text Rich shows verbatim: drawn here whenever the table fits, and the same bytes."""
    drawn = check(case)
    if _fits(case):
        assert drawn is not None


@settings(max_examples=120, **SETTINGS)
@given(tables_(RISKY, RISKY_WORDS))
def test_risky_text_is_drawn_as_rich_draws_it_or_left_to_rich(case: dict[str, Any]) -> None:
    check(case)


@settings(max_examples=80, **SETTINGS)
@given(tables_(unicode=True))
def test_any_unicode_is_drawn_as_rich_draws_it_or_left_to_rich(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(st.one_of(tables_(), tables_(RISKY, RISKY_WORDS), tables_(unicode=True)))
def test_many_tables_are_drawn_as_rich_draws_them(case: dict[str, Any]) -> None:
    check(case)


@st.composite
def lines_(draw: st.DrawFn) -> tuple[str, int, bool]:
    text = draw(st.one_of(texts(SAFE), texts(RISKY, RISKY_WORDS), st.text(max_size=40),
                          st.sampled_from(["", " ", "x ", "e\u0301\u0301\u3000", "a" * 80])))
    return text, draw(st.sampled_from([1, 10, 40, 80, 200])), draw(st.booleans())


def check_line(text: str, width: int, terminal: bool) -> str | None:
    drawn = tables.line(text, width)
    try:
        expected = rich_prints(text, width, terminal)
    except Exception as error:
        assert drawn is None, repr(error)
        return None
    if drawn is not None:
        assert drawn == expected
    event("drawn" if drawn is not None else "left to Rich")
    return drawn


@settings(max_examples=150, **SETTINGS)
@given(lines_())
def test_a_string_is_printed_as_rich_prints_it(case: tuple[str, int, bool]) -> None:
    """console().print("text"): the same bytes as Rich's, when there is no markup and it fits."""
    text, width, terminal = case
    drawn = check_line(text, width, terminal)
    if all(c in SAFE for c in text) and tables.cell_len(text) <= width:
        assert drawn is not None


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(lines_())
def test_many_strings_are_printed_as_rich_prints_them(case: tuple[str, int, bool]) -> None:
    check_line(*case)


# -- examples: drawn, or left to Rich ----------------------------------------------------------

ROWS = [{"id": 1, "name": "高宏刚", "hours": 1.5, "void": False, "note": None},
        {"id": 22, "name": "Wang Yuhua", "hours": 12.0, "void": True, "note": "late"}]
COLUMNS = ["id", "name", "hours", "void", "note"]


def test_a_table_as_rich_draws_it() -> None:
    expected = (
        "Sessions" + " " * 33 + "\n"  # the title, padded to the table's width
        "┏━━━━┳━━━━━━━━━━━━┳━━━━━━━┳━━━━━━┳━━━━━━┓\n"
        "┃ ID ┃ Name       ┃ Hours ┃ Void ┃ Note ┃\n"
        "┡━━━━╇━━━━━━━━━━━━╇━━━━━━━╇━━━━━━╇━━━━━━┩\n"
        "│  1 │ 高宏刚     │   1.5 │ no   │      │\n"
        "│ 22 │ Wang Yuhua │  12.0 │ yes  │ late │\n"
        "└────┴────────────┴───────┴──────┴──────┘\n")
    assert fast(ROWS, COLUMNS, "en", 200, title="Sessions") == expected
    assert rich_prints(rich_table(ROWS, COLUMNS, "en", title="Sessions"), 200) == expected


def test_zh_headers_and_booleans() -> None:
    t = render.table(ROWS, COLUMNS, "zh", labels={"name": "姓名"})
    assert t.headers[1] == "姓名"
    assert t.text(200) == rich_prints(rich_table(ROWS, COLUMNS, "zh", labels={"name": "姓名"}), 200)
    assert "是" in t.text(200)


def test_no_rows() -> None:
    for title in (None, "T", "a long title, longer than the table"):
        drawn = fast([], ["a", "bb"], "en", 200, title=title)
        expected = rich_prints(rich_table([], ["a", "bb"], "en", title=title), 200)
        assert drawn in (expected, None)
        assert (drawn is None) == (title is not None and len(title) > 10)


def test_terminal_styles() -> None:
    for system in ("standard", "256", "truecolor"):
        expected = rich_prints(rich_table(ROWS, COLUMNS, "zh", title="标题"), 120, True,
                               color_system=system)
        assert fast(ROWS, COLUMNS, "zh", 120, True, title="标题") == expected
    assert "\x1b[1m" in expected and "\x1b[3m标题" in expected


@pytest.mark.parametrize("value", [
    "[bold]高宏刚[/bold]", "[red]", "a [b]c", "\\[x]", "[/]", ":smile:", "x :+1: y", "a:b:c",
    ":thumbs_up-emoji:", "a\tb", "a\n", "\na", "a\n\nb", "a\rb", "\x1b[31mred", "a\u2028b", "a\x85b",
    "👨\u200d👩", "❤\ufe0f", "\ud800",
])
def test_left_to_rich(value: str) -> None:
    """Markup, an escape, an emoji code, a control character...: Rich draws the table."""
    for rows, title in (([{"name": value}], None), ([{"name": "x"}], value),
                        ([{"name": "x"}], None)):
        columns = ["name"] if title is not None or rows[0]["name"] != "x" else [value]
        t = render.table(rows, columns, "en", title=title)
        assert t.text(200) is None
        assert t.text(200, True) is None


@pytest.mark.parametrize("value", ["[1]", "a[b", "[]", "[ x]", "09:00:00", "x:nothing:y", ":nope:",
                                   "【重要】", "x]", "a\\b", "\u3000全角\u3000", "e\u0301 ",
                                   "e\u0301\u0301\u3000"])
def test_drawn_though_it_looks_risky(value: str) -> None:
    """Brackets Rich does not read as a tag, colons that are no emoji code Rich knows."""
    for right in (False, True):
        rows = [{"v": value, "n": 1}]
        numeric = ["v"] if right else []
        drawn = fast(rows, ["v", "n"], "en", 200, title=value, numeric=numeric)
        assert drawn is not None
        assert drawn == rich_prints(rich_table(rows, ["v", "n"], "en", title=value,
                                               numeric=numeric), 200)


@pytest.mark.parametrize("value", ["a\nb", "高宏刚\n王玉华 x", "x\ny\nz"])
def test_cells_of_several_lines_drawn_as_rich_draws_them(value: str) -> None:
    """A cell (or header) of lines, as `Table.fit` wraps them: each line as Rich shows it; a
    header at the bottom of its row, a cell at the top of its row."""
    for terminal in (False, True):
        rows = [{"v": value, "n": 1}, {"v": "w", "n": 22}]
        drawn = fast(rows, ["v", "n"], "en", 200, terminal, labels=None)
        assert drawn == rich_prints(rich_table(rows, ["v", "n"], "en"), 200, terminal)
        t = render.table(rows, ["v", "n"], "zh", labels={"v": value, "n": "几\n个"})
        assert t.text(200, terminal) == rich_prints(t.rich_table(), 200, terminal)


def test_zero_width_characters_and_trailing_space() -> None:
    """Rich's Text.rstrip_end compares characters with cells: "é́\u3000" (two combining accents,
    3 cells in 4 characters) loses its ideographic space before it is padded."""
    rows = [{"v": "e\u0301\u0301\u3000"}]
    drawn = fast(rows, ["v"], "en", 200)
    assert drawn == rich_prints(rich_table(rows, ["v"], "en"), 200)
    assert "│ e\u0301\u0301   │" in drawn


def test_markup_errors_stay_rich_s() -> None:
    """A cadre named "[/b]" makes Rich raise today; it still does (through Rich)."""
    from rich.errors import MarkupError

    out = io.StringIO()
    with pytest.raises(MarkupError):
        RichConsole(file=out, width=200).print(rich_table([{"name": "[/b]"}], ["name"], "en"))
    with pytest.raises(MarkupError):
        tables.Console(io.StringIO(), 200).print(render.table([{"name": "[/b]"}], ["name"], "en"))


def test_too_wide_for_the_console_is_rich_s() -> None:
    """One cell more than the console and Rich wraps the table: Rich draws it."""
    for text in ("x" * 72, "远" * 36, "远" * 35 + "xx"):  # 72 + 2 | 1 + 2 | 3 borders: 80 cells
        rows = [{"title": text, "n": 1}]
        drawn = fast(rows, ["title", "n"], "en", 80)
        assert drawn is not None
        assert drawn == rich_prints(rich_table(rows, ["title", "n"], "en"), 80)
        rows = [{"title": text + "x", "n": 1}]
        assert fast(rows, ["title", "n"], "en", 80) is None
        assert fast(rows, ["title", "n"], "en", 81) is not None


def test_the_patterns_are_rich_s() -> None:
    from rich import markup, text
    from rich._emoji_replace import _emoji_replace

    emoji_sub = inspect.signature(_emoji_replace).parameters["_emoji_sub"].default
    for name, theirs in (("tag", markup.RE_TAGS), ("emoji", emoji_sub.__self__),
                         ("trailing space", text._re_whitespace)):
        ours = tables.pattern(name)
        assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)


def test_unsafe_characters() -> None:
    unsafe = {chr(c) for c in range(0x110000) if tables.pattern("unsafe").match(chr(c))}
    assert unsafe == {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029",
                      "\u200d", "\ufe0f", *map(chr, range(0xD800, 0xE000))}
    assert not any(c.isprintable() for c in unsafe - {"\ufe0f"})  # verbatim() relies on it
    assert all(not tables.verbatim(f"a{c}b") for c in unsafe)
    # what str.splitlines() splits on and Rich.control strips are all unsafe
    assert {c for c in map(chr, range(0x110000)) if len(f"a{c}b".splitlines()) > 1} <= unsafe


def test_the_box_is_rich_s_default() -> None:
    from rich import box
    from rich.table import Table

    assert Table().box is box.HEAVY_HEAD is tables.HEAVY_HEAD
    assert Table().padding == (0, 1, 0, 1)


# -- the table is still a Rich renderable ------------------------------------------------------


def test_printed_on_any_rich_console() -> None:
    t = render.table(ROWS, COLUMNS, "en", title="T")
    assert rich_prints(t, 200) == rich_prints(rich_table(ROWS, COLUMNS, "en", title="T"), 200)


def test_a_rich_table_once_asked_for() -> None:
    """Asked for a Rich Table's attribute, it is that Table; drawn by Rich from then on."""
    t = render.table(ROWS, COLUMNS, "en")
    assert t.text(200) is not None
    assert [c.header for c in t.columns] == ["ID", "Name", "Hours", "Void", "Note"]  # words, not keys
    t.add_row("3", "x", "1.0", "no", "")
    assert t.text(200) is None
    out = io.StringIO()
    tables.Console(out, 200).print(t)
    assert "│  3 │" in out.getvalue()
    assert out.getvalue() == rich_prints(t.rich_table(), 200)


# -- the console -------------------------------------------------------------------------------


class Stream(io.StringIO):
    """stdout as a test sets it: a terminal or not, an encoding."""

    def __init__(self, tty: bool = False, encoding: str | None = "utf-8") -> None:
        super().__init__()
        self.tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self.tty

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return self._encoding


ENVIRONMENTS: list[dict[str, str]] = [
    {}, {"TERM": "xterm-256color"}, {"COLORTERM": "truecolor"}, {"NO_COLOR": "1"},
    {"FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}, {"TTY_COMPATIBLE": "0"}, {"TTY_COMPATIBLE": "1"},
    {"COLUMNS": "100"}, {"COLUMNS": "30"}, {"COLUMNS": "x"}, {"COLUMNS": "0"}, {"TERM": "dumb"},
    {"TERM": "unknown", "COLUMNS": "300"},
]
ENV_NAMES = ["TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS",
             "LINES", "TTY_INTERACTIVE"]


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=[repr(e) for e in ENVIRONMENTS])
@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("size", [80, 150, 0])
def test_console_prints_what_rich_prints(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                         tty: bool, size: int) -> None:
    """render.console() on stdout, a pipe or a terminal of `size` columns (0: the size is
    unknown), under variables Rich reads: the bytes of Rich's console made the same way."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    terminal_size = os.terminal_size((size, 40))

    def get_terminal_size(fd: int = 1) -> os.terminal_size:
        if not size:
            raise OSError("not a terminal")
        return terminal_size

    monkeypatch.setattr(os, "get_terminal_size", get_terminal_size)
    rows = [*ROWS, {"id": 3, "name": "召陵区人民政府办公室" * 3, "hours": 0.5}]
    expected_out = Stream(tty)
    monkeypatch.setattr(sys, "stdout", expected_out)
    expected_console = RichConsole(file=expected_out, width=None if tty else render.pipe_width(),
                                   soft_wrap=False, highlight=False)
    # a table too wide for the console is fitted to it first (Table.fit: tested below)
    width = expected_console.width
    expected_console.print(render.table(rows, COLUMNS, "zh", title="召陵区").fit(width)
                           .rich_table())
    expected_console.print("位置: /tmp/召陵区.db")
    expected_console.print(render.table(rows[:1], COLUMNS, "en").fit(width).rich_table())
    expected_console.print("x" * 120)

    out = Stream(tty)
    monkeypatch.setattr(sys, "stdout", out)
    console = render.console()
    console.print(render.table(rows, COLUMNS, "zh", title="召陵区"))
    console.print("位置: /tmp/召陵区.db")
    console.print(render.table(rows[:1], COLUMNS, "en"))
    console.print("x" * 120)  # wrapped by Rich if the console is narrower
    assert out.getvalue() == expected_out.getvalue()
    dumb = env.get("TERM") in ("dumb", "unknown") and (tty or env.get("FORCE_COLOR")
                                                        or env.get("TTY_COMPATIBLE") == "1")
    assert (console._rich is None) == (not dumb and expected_console.width >= 120)


def test_console_in_other_encodings_is_rich_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ASCII or GBK stdout: Rich draws an ASCII box, so Rich draws the table."""
    for encoding in ("ascii", "gbk", "latin-1"):
        out = Stream(encoding=encoding)
        monkeypatch.setattr(sys, "stdout", out)
        console = render.console()
        console.print(render.table(ROWS[1:], COLUMNS, "en"))
        assert console._rich is not None
        assert "+" in out.getvalue() or "-" in out.getvalue()
    out = Stream(encoding="UTF-8")
    monkeypatch.setattr(sys, "stdout", out)
    console = render.console()
    console.print(render.table(ROWS, COLUMNS, "en"))
    assert console._rich is None and "┏" in out.getvalue()


def test_console_in_order_with_rich_s_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text printed by Rich and tables drawn here come out in the order printed."""
    from rich.text import Text

    out = Stream()
    monkeypatch.setattr(sys, "stdout", out)
    console = render.console()
    console.print("first")
    console.print("[bold]second[/bold] :smile:")
    console.print(render.table(ROWS, COLUMNS, "en"))
    console.print(Text("third", style="bold"))
    console.print(render.table(ROWS, COLUMNS, "en"), style="bold")  # options: Rich's
    expected = io.StringIO()
    rich = RichConsole(file=expected, width=200, soft_wrap=False, highlight=False)
    rich.print("first")
    rich.print("[bold]second[/bold] :smile:")
    rich.print(rich_table(ROWS, COLUMNS, "en"))
    rich.print(Text("third", style="bold"))
    rich.print(rich_table(ROWS, COLUMNS, "en"), style="bold")
    assert out.getvalue() == expected.getvalue()


def test_console_once_used_as_rich_s_is_rich_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """capture(), a `with` block: Rich's console's own, and every table through it."""
    out = Stream()
    monkeypatch.setattr(sys, "stdout", out)
    console = render.console()
    assert console.width == 200
    with console.capture() as captured:
        console.print(render.table(ROWS, COLUMNS, "en"))
    assert out.getvalue() == ""
    assert captured.get() == rich_prints(rich_table(ROWS, COLUMNS, "en"), 200)
    console = render.console()
    with console:
        console.print("a")
        console.print(render.table(ROWS, COLUMNS, "en"))
    assert out.getvalue() == "a\n" + rich_prints(rich_table(ROWS, COLUMNS, "en"), 200)


def test_stderr_console(monkeypatch: pytest.MonkeyPatch) -> None:
    err = Stream()
    monkeypatch.setattr(sys, "stderr", err)
    render.console(stderr=True).print(render.table(ROWS, COLUMNS, "en"))
    assert err.getvalue() == rich_prints(rich_table(ROWS, COLUMNS, "en"), 200)


def test_the_fast_path_imports_no_rich_console_or_table() -> None:
    code = ("import sys\n"
            "from trainlog.output.render import console, table\n"
            "console().print(table([{'id': 1, 'name': '高宏刚'}], ['id', 'name'], 'zh', 'T'))\n"
            "print(sorted(m for m in sys.modules if m.startswith('rich.')))\n")
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            encoding="utf-8", env=env, check=True,
                            cwd=Path(__file__).parent)
    table, modules = result.stdout.rsplit("\n", 2)[:2]
    assert "高宏刚" in table
    imported = set(re.findall(r"'(rich\.[\w.]+)'", modules))
    assert imported, modules
    assert not imported & {"rich.console", "rich.table", "rich.text", "rich.markup",
                           "rich.segment", "rich.style"}


# -- the commands ------------------------------------------------------------------------------

COMMANDS = [["cadre", "show", "G0001"], ["session", "show", "1"], ["db", "check"],
            ["session", "list", "--month", "2020-03", "--track", "policy"],
            ["coverage", "--from", "2020-01-01", "--to", "2020-04-03", "--kind", "remote"],
            ["survey", "report", "--year", "2020"], ["compliance", "--month", "2020-03"],
            ["plan", "show", "2020"]]
MORE_COMMANDS = [["cadre", "list"], ["branch", "list"], ["session", "list", "--month", "2020-03"],
                 ["coverage", "--year", "2020"], ["compliance", "--year", "2020"],
                 ["cadre", "show", "G0190", "--year", "2020"], ["db", "info"],
                 ["survey", "list", "--year", "2020"], ["config", "show"],
                 ["report", "--year", "2020", "--by", "branch"]]


def _same_as_rich(cli: Any, zhaoling: Path, monkeypatch: pytest.MonkeyPatch,
                  args: list[str]) -> None:
    monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))
    monkeypatch.setenv("TRAINLOG_TODAY", "2020-12-31")
    drawn = cli(*args)
    with monkeypatch.context() as m:
        m.setattr(tables.Console, "layout", lambda self: None)  # every table through Rich
        by_rich = cli(*args)
    assert (drawn.exit_code, drawn.stdout, drawn.stderr) == (by_rich.exit_code, by_rich.stdout,
                                                             by_rich.stderr)
    assert drawn.exit_code == 0 and "┏" in drawn.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_commands_print_what_rich_printed(cli: Any, zhaoling: Path,
                                          monkeypatch: pytest.MonkeyPatch, args: list[str],
                                          lang: str) -> None:
    _same_as_rich(cli, zhaoling, monkeypatch, ["--lang", lang, *args])


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", MORE_COMMANDS, ids=[" ".join(a) for a in MORE_COMMANDS])
def test_more_commands_print_what_rich_printed(cli: Any, zhaoling: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               args: list[str], lang: str) -> None:
    _same_as_rich(cli, zhaoling, monkeypatch, ["--lang", lang, *args])


BY_ROWS = [{"branch": f"B{i:03d}", "name": name, "sessions": 14 + i, "person_times": 161 * i,
            "people": 3, "hours": 231.5 * i}
           for i, name in enumerate(["区委办公室党支部", "召陵镇 East village branch", "老窝镇"], 1)]


def test_the_by_table_is_drawn_without_rich_when_it_fits() -> None:
    """`report --by`: a province's 10,000 branches, drawn as Rich draws them, without Rich."""

    from trainlog.output.report import _by_table

    for lang in ("en", "zh"):
        table = _by_table(BY_ROWS, "branch", lang, 100)
        assert isinstance(table, tables.Table)
        drawn = table.text(100)
        assert drawn is not None and drawn == rich_prints(table.rich_table(), 100)
        assert "召陵镇 East village branch" in drawn and "694.5" in drawn
        for i, r in enumerate(BY_ROWS, 3):
            assert drawn.splitlines()[i].startswith(f"│ {r['branch']} ")


def test_a_narrow_by_table_keeps_every_column_and_folds_the_names() -> None:
    """Too wide for the console: Rich's table, which squeezes every column (the figures kept
    where they fit) and folds code and name."""
    from rich.table import Table as RichTable

    from trainlog.output.report import _by_table

    table = _by_table(BY_ROWS, "branch", "en", 60)
    assert isinstance(table, RichTable)
    assert [c.overflow for c in table.columns] == ["fold", "fold"] + ["ellipsis"] * 4
    assert [c.justify for c in table.columns] == ["left", "left"] + ["right"] * 4
    printed = rich_prints(table, 60)
    assert all(f"{r['hours']:,.1f}" in printed for r in BY_ROWS)
    assert all(tables.cell_len(line) <= 60 for line in printed.splitlines())
    assert "│ East " in printed  # the name on lines of its own, in its narrowed column


# -- a table too wide for the console: wrapped, columns left out, never cut (issue 20) ---------


def check_fitted(case: dict[str, Any]) -> None:
    """`Table.fit(width)`: Rich draws what it gives without an ellipsis when it fits, and the
    fast text of it is Rich's, byte for byte."""
    case = dict(case)
    width, terminal = case.pop("width"), case.pop("terminal")
    fitted = render.table(**case).fit(width)
    try:
        expected = rich_prints(fitted.rich_table(), width, terminal)
    except Exception:  # markup Rich refuses: it refuses it unfitted too
        return
    drawn = fitted.text(width, terminal)
    if drawn is not None:
        assert drawn == expected
    cells = [fitted.headers, *fitted.rows]
    natural = [max(tables._cells(row[i]) for row in cells) for i in range(len(fitted.headers))]
    title = fitted.title or ""
    if tables._table_width(natural) <= width and tables.verbatim(title) and all(
            tables.verbatim(part) for row in cells for c in row for part in c.split("\n")):
        assert "…" not in expected.replace("…", "") or "…" in str(case)
        assert all(tables.cell_len(line) <= width for line in re.sub(
            r"\x1b\[[0-9;]*m", "", expected).splitlines())
    event("drawn" if drawn is not None else "left to Rich")


@settings(max_examples=200, **SETTINGS)
@given(tables_())
def test_a_fitted_table_is_drawn_as_rich_draws_it(case: dict[str, Any]) -> None:
    check_fitted(case)


@settings(max_examples=80, **SETTINGS)
@given(tables_(RISKY, RISKY_WORDS))
def test_a_fitted_risky_table_is_drawn_as_rich_draws_it(case: dict[str, Any]) -> None:
    check_fitted(case)


class TestFit:
    ROWS = [{"ref": "ZL-V-00001", "date": "2020-01-01", "title": "远程教育：习近平总书记关于扶贫"
             "工作的重要论述", "hours": 1.5, "note": "a long English note that wraps at spaces",
             "void_reason": "重复录入", "id": 1}]
    KEYS = ["id", "ref", "date", "title", "hours", "note", "void_reason"]

    def test_a_table_that_fits_is_itself(self) -> None:
        t = render.table(self.ROWS, self.KEYS, "en")
        assert t.fit(200) is t

    def test_text_wraps_and_low_priority_columns_go_first(self) -> None:
        t = render.table(self.ROWS, self.KEYS, "en").fit(60)
        assert t.headers[:2] == ["Ref", "Date"]  # id and the reason voided left out first
        assert "Reason voided" not in t.headers and "ID" not in t.headers
        text = t.text(60)
        assert text is not None and "…" not in text
        assert all(tables.cell_len(line) <= 60 for line in text.splitlines())
        joined = "".join(row[t.headers.index("Title")] for row in t.rows).replace("\n", "")
        assert joined == self.ROWS[0]["title"]  # wrapped, every character kept

    def test_wrap_text(self) -> None:
        assert tables.wrap_text("a long English note", 8) == "a long\nEnglish\nnote"
        assert tables.wrap_text("远程教育：习近平", 8) == "远程教育\n：习近平"
        assert tables.wrap_text("Person-times", 8) == "Person-\ntimes"
        assert tables.wrap_text("abcdefghijk", 4) == "abcd\nefgh\nijk"
        assert tables.wrap_text("short", 8) == "short"

    @staticmethod
    def measured_wrap(text: str, width: int) -> str:
        """wrap_text as it was first written: each line measured again with cell_len at every
        token (the rule wrap_text must keep while it counts the cells as a line grows)."""
        from rich.cells import cell_len

        if cell_len(text) <= width or width < 1:
            return text
        lines = [""]
        for token in re.findall(tables._TOKENS, text):
            if token.isspace():
                if cell_len(lines[-1]) + len(token) < width:
                    lines[-1] += token
                else:
                    lines.append("")
            elif cell_len(lines[-1]) + cell_len(token) <= width:
                lines[-1] += token
            elif cell_len(token) <= width:
                lines.append(token)
            else:
                for ch in token:
                    if lines[-1] and cell_len(lines[-1]) + cell_len(ch) > width:
                        lines.append("")
                    lines[-1] += ch
        return "\n".join(kept for kept in (ln.strip() for ln in lines) if kept)

    @settings(max_examples=500, deadline=None)
    @given(st.one_of(st.text(max_size=30), st.text(st.sampled_from(
        list("a 中文\u0301\u200d\ufe0f👍🇨🇳ｘ　\x1b\t")), max_size=30)))
    def test_cells_are_counted_as_cell_len_counts_them(self, text: str) -> None:
        from rich.cells import cell_len

        assert tables._cell_width(text) == cell_len(text)
        assert tables._token_cells(text) == cell_len(text)

    @settings(max_examples=400, deadline=None)
    @given(st.text(st.sampled_from(list("ab -,.中文干部学习\u0301\u200d\ufe0f👍🇨🇳ｘ１　")),
                   max_size=40), st.integers(0, 12))
    def test_wrap_text_counts_cells_as_cell_len_measures_them(self, text: str,
                                                              width: int) -> None:
        assert tables.wrap_text(text, width) == self.measured_wrap(text, width)

    def test_numbers_and_dates_are_never_wrapped(self) -> None:
        t = render.table(self.ROWS, self.KEYS, "zh").fit(50)
        for head, value in zip(t.headers, t.rows[0], strict=True):
            if head in ("日期", "学时", "培训编号"):
                assert "\n" not in value
