"""Rich's default table, drawn here with string joins when that gives the very bytes Rich prints.

Rich lays a table out through its renderable protocol, a Padding, a Text and a list of Segments
for every cell: about 4 ms a row, 2 s of `cadre list` (790 rows). `render.table()` returns a
`Table` (the strings it would have given Rich) and `render.console()` a `Console`; printed alone
on that console, a `Table` is drawn by `Table.text` (a string by `line`) in the case that is
certain to look as Rich draws it, and handed to Rich unchanged in any other case:

- Rich's box (HEAVY_HEAD), padding (0, 1), `title_justify="left"`, columns justified left or
  right, no wrapping: the table's natural width (each column as wide as its widest cell, in
  terminal cells as `rich.cells.cell_len` counts them, none 0 cells wide) fits the console's
  width, and the title fits the table's (a string: it fits the console's width);
- every header, cell and the title is text Rich shows as it is: no markup tag or escaped
  bracket (`[bold]`, `\\[`), no emoji code Rich knows (`:smile:`), no control character, line
  or paragraph separator, zero-width joiner, variation selector 16 or lone surrogate;
- a console Rich would give the same text: not on Windows, in Jupyter or IDLE, not writing
  through a live display's proxy, an encoding that is UTF-*, and on a terminal (or with
  FORCE_COLOR / TTY_COMPATIBLE=1) one that is not "dumb": there Rich makes the header bold and
  the title italic (SGR 1 and 3, whatever the colour system), and so does `Table.text`.

tests/test_output_tables.py checks both against Rich byte for byte (Hypothesis), and each
reason to hand a table to Rich. Only `rich.box` and `rich.cells` are imported here (a
millisecond); `rich.console` and `rich.table` are imported when Rich is needed.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import IO, Any

from rich.box import HEAVY_HEAD
from rich.cells import cell_len

#: the patterns `verbatim` and `_fit` use, compiled when first needed (all four: 1-2 ms)
PATTERNS: dict[str, tuple[str, int]] = {
    # what Rich does not show as it is, or measures and draws by rules `Table.text` does not
    # follow: C0/C1 controls (tab, newline, CR... Rich strips, expands or splits on them), the
    # separators str.splitlines() splits on, ZWJ and VS16 (cell_len then measures a string as
    # more than the sum of its characters), lone surrogates (UTF-8 cannot write them, and Rich
    # words the error its way)
    "unsafe": ("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200d\ufe0f\ud800-\udfff]", 0),
    # rich.markup.RE_TAGS: a markup tag, or an escaped one (a test checks it is still Rich's)
    "tag": (r"""((\\*)\[([a-z#/@][^[]*?)])""", re.VERBOSE),
    # the pattern of rich._emoji_replace: what may be an emoji code (a test checks it is Rich's)
    "emoji": (r"(:(\S*?)(?:(?:\-)(emoji|text))?:)", 0),
    # rich.text._re_whitespace
    "trailing space": (r"\s+$", 0),
}


@cache
def pattern(name: str) -> re.Pattern[str]:
    """PATTERNS[name], compiled."""
    return re.compile(*PATTERNS[name])


_BOLD, _ITALIC = "1", "3"  # the SGR codes of Rich's styles table.header and table.title


def verbatim(text: str) -> bool:
    """Whether Rich's `Console.render_str` (markup and emoji on) gives `text` back unchanged, as
    one line measured character by character."""
    # isprintable() is False for all "unsafe" characters but VS16 (and for some safe ones)
    if "\ufe0f" in text or (not text.isprintable() and pattern("unsafe").search(text)):
        return False
    if "[" in text and ("\\[" in text or pattern("tag").search(text)):
        return False
    if ":" in text and pattern("emoji").search(text):
        from rich._emoji_replace import _emoji_replace

        return _emoji_replace(text) == text
    return True


def line(text: str, width: int) -> str | None:
    """`text` as Rich's console `width` cells wide prints it (`print(text)`: one line), or None if
    that is not certain: text Rich would change or wrap."""
    if not verbatim(text) or _cell_width(text) > width:
        return None
    return _rstrip_end(text, width) + "\n"


def _rstrip_end(text: str, width: int) -> str:
    """Rich's `Text.rstrip_end`: it compares characters with cells, so a line with zero-width
    characters (a combining accent) loses some of its trailing space though it fits."""
    if len(text) > width:
        match = pattern("trailing space").search(text)
        if match is not None:
            text = text[:-min(len(match.group(0)), len(text) - width)]
    return text


def _fit(text: str, width: int, right: bool) -> str:
    """One line of `text` (verbatim, at most `width` cells) as Rich's `Text.wrap` justifies it in
    `width` cells: `rstrip_end`, then left (pad on the right) or right (rstrip, pad on the left)."""
    text = _rstrip_end(text, width)
    if right:
        text = text.rstrip()
        return " " * (width - _cell_width(text)) + text
    return text + " " * (width - _cell_width(text))


def _padded(text: str, width: int, right: bool, cells: int) -> str:
    """A one-line cell `cells` wide as its column `width` cells wide draws it, with the column's
    padding: `_fit`, without its work for text that is not longer than the column in characters
    and does not end in a space."""
    if len(text) > width or text[-1:].isspace():
        return f" {_fit(text, width, right)} "
    return f" {' ' * (width - cells)}{text} " if right else f" {text}{' ' * (width - cells)} "


def _cell_width(text: str) -> int:
    """`cell_len(text)`, faster: printable ASCII is a cell a character; text without a zero-width
    joiner or VS16 the sum of its characters' cells (Rich's own rule), each character measured
    by Rich once (`_char_cells`). A log of 56,000 rows measures some 500,000 texts, most of them
    Chinese, which Rich measures character by character once its cache of 4,096 is full."""
    if text.isascii() and text.isprintable():
        return len(text)
    if "\u200d" in text or "\ufe0f" in text:
        return cell_len(text)
    return sum(map(_char_cells, text))


@cache
def _char_cells(character: str) -> int:
    """The cells Rich gives one character."""
    return cell_len(character)


@cache
def _token_cells(token: str) -> int:
    """The cells of a token of `_TOKENS` (a word, spaces or one character), kept: a table's
    texts are made of the same few thousand."""
    return _cell_width(token)


#: the narrowest a wrapping column gets (in cells) before `Table.fit` drops columns instead
MIN_WRAP = 10
#: a word up to this wide (in cells) keeps a wrapping column as wide as itself
MAX_WORD = 20
#: a header at most this wide (in cells) is not wrapped: 一把手 stays on one line
HEADER_WRAP = 8
#: what a line may break before: a word of ASCII (up to and with a hyphen), spaces, or any
#: other character
_TOKENS = r"[!-,.-~]*-|[!-,.-~]+| +|[^ !-~]"


def _cells(text: str) -> int:
    """The cells the widest line of a text takes."""
    return max(map(_cell_width, text.split("\n"))) if "\n" in text else _cell_width(text)


def _table_width(widths: Sequence[int]) -> int:
    """The cells a table with columns this wide takes: padding (0, 1) and the box's lines."""
    return sum(widths) + 3 * len(widths) + 1


def _least(text: str) -> int:
    """The narrowest a text wraps to (`wrap_text`): its widest ASCII word or other character."""
    return max((_token_cells(t) for t in re.findall(_TOKENS, text) if not t.isspace()), default=1)


def wrap_text(text: str, width: int) -> str:
    """`text` in lines of at most `width` cells, joined by newlines: broken at spaces, between
    two Chinese characters, or, for a word wider than the line, inside it; never shortened."""
    if _cell_width(text) <= width or width < 1:
        return text
    # Without a zero-width joiner or VS16, cell_len is the sum of the characters' cells: the
    # line's cells are counted as it grows, not measured again at each token
    added = "\u200d" not in text and "\ufe0f" not in text
    lines = [""]
    used = 0  # the cells of lines[-1]

    def grow(piece: str, cells: int) -> None:
        nonlocal used
        lines[-1] += piece
        used = used + cells if added else _cell_width(lines[-1])

    def new_line(piece: str = "", cells: int = 0) -> None:
        nonlocal used
        lines.append(piece)
        used = cells

    for token in re.findall(_TOKENS, text):
        cells = _token_cells(token)
        if token.isspace():
            if used + len(token) < width:
                grow(token, cells)
            else:
                new_line()
        elif used + cells <= width:
            grow(token, cells)
        elif cells <= width:
            new_line(token, cells)
        else:  # a word wider than the line: folded
            for ch in token:
                cells = _char_cells(ch)
                if lines[-1] and used + cells > width:
                    new_line()
                grow(ch, cells)
    return "\n".join(kept for kept in (ln.strip() for ln in lines) if kept)


def _sgr(text: str, code: str) -> str:
    """`text` as Rich's `Style.render` writes it in a style of one attribute ("" stays "")."""
    return f"\x1b[{code}m{text}\x1b[0m" if text else ""


class Table:
    """A table as `render.table()` builds it: the headers, each column's justify ("left" or
    "right"), the rows (tuples of strings) and an optional title.

    `text()` draws it for a console of a given width; anything else asked of it (Rich's
    `__rich__`, an attribute of a Rich `Table`) builds the Rich `Table` `render.table()` used
    to return, and from then on only Rich draws it (a caller may have changed it).
    """

    def __init__(self, headers: Sequence[str], justify: Sequence[str],
                 rows: Sequence[Sequence[str]], title: str | None = None,
                 wrap: Sequence[bool] | None = None, drop: Sequence[int] = ()) -> None:
        self.headers = list(headers)
        self.justify = list(justify)
        self.rows = [tuple(row) for row in rows]
        self.title = title
        #: which columns' text may wrap to fit a narrow console (`fit`), and the columns
        #: `fit` leaves out first, in order, when the others do not fit even wrapped
        self.wrap = list(wrap) if wrap is not None else [False] * len(self.headers)
        self.drop = list(drop)
        self._rich: Any = None

    def fit(self, width: int) -> Table:
        """This table as it fits a console `width` cells wide: itself when it does; else with
        its wrapping columns' text (and every header) broken into lines (at spaces where it can,
        between Chinese characters anywhere, never cut to an ellipsis) and, when even that is too
        wide, without the columns of `drop`, in turn, then the last ones. Rich draws the table
        `fit` gives as it is: every line fits its column."""
        if self._rich is not None or not self.headers:
            return self
        columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.headers]
        distinct = [set(column) for column in columns]  # each distinct text measured once
        natural = [max(map(_cells, {head, *texts}))
                   for head, texts in zip(self.headers, distinct, strict=True)]
        if _table_width(natural) <= width:
            return self
        # a wrapping column down to MIN_WRAP cells, or its longest word (up to MAX_WORD), which
        # is folded only if it is longer still
        least = [min(n, max(MIN_WRAP, min(MAX_WORD, max(map(_least, texts), default=0))))
                 if w else max(map(_cells, texts), default=0)
                 for n, w, texts in zip(natural, self.wrap, distinct, strict=True)]
        # a header wider than HEADER_WRAP wraps at its spaces, hyphens or between its Chinese
        # characters, down to its widest word; a narrower one stays on a line
        least = [max(m, _least(h) if _cells(h) > HEADER_WRAP else _cells(h))
                 for m, h in zip(least, self.headers, strict=True)]
        kept = list(range(len(self.headers)))
        order = [i for i in self.drop if i in kept] + kept[::-1]
        while len(kept) > 1 and _table_width([least[i] for i in kept]) > width:
            kept.remove(next(i for i in order if i in kept))
        # the room left goes to the wrapping columns, up to their natural width, a cell at a time
        # to the one furthest from it (in proportion)
        widths = {i: least[i] for i in kept}
        room = width - _table_width(list(widths.values()))
        growing = [i for i in kept if widths[i] < natural[i]]
        while room > 0 and growing:
            i = min(growing, key=lambda i: widths[i] / natural[i])
            widths[i] += 1
            room -= 1
            if widths[i] >= natural[i]:
                growing.remove(i)
        wrapped = [{text: wrap_text(text, widths[i]) for text in distinct[i]} for i in kept]
        rows = list(zip(*([lines[text] for text in columns[i]]
                          for i, lines in zip(kept, wrapped, strict=True)), strict=True))
        return Table([wrap_text(self.headers[i], widths[i]) for i in kept],
                     [self.justify[i] for i in kept], rows, self.title)

    def rich_table(self) -> Any:
        """The Rich `Table` of these rows, as `render.table()` built it before it had this class."""
        if self._rich is None:
            from rich.table import Table as RichTable

            t = RichTable(title=self.title, title_justify="left", show_lines=False)
            for head, justify in zip(self.headers, self.justify, strict=True):
                t.add_column(head, justify=justify, no_wrap=False)  # type: ignore[arg-type]
            for row in self.rows:
                t.add_row(*row)
            self._rich = t
        return self._rich

    def __rich__(self) -> Any:
        return self.rich_table()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_rich":
            raise AttributeError(name)
        return getattr(self.rich_table(), name)

    def text(self, width: int, ansi: bool = False) -> str | None:
        """The table as Rich prints it on a console `width` cells wide (with its bold header and
        italic title if `ansi`), or None if that is not certain (see the module's docstring)."""
        if self._rich is not None:
            return None
        headers, rows, title = self.headers, self.rows, self.title
        if not headers or len(self.justify) != len(headers) \
                or any(j not in ("left", "right") for j in self.justify):
            return None
        measured: dict[str, int] = {}  # each distinct text: the cells it takes
        for values in (headers, *rows):
            if len(values) != len(headers):
                return None
            for value in values:
                if type(value) is not str:
                    return None
                if value not in measured:
                    # a cell of several lines (`fit`): each line as Rich shows it
                    if not (all(part and verbatim(part) for part in value.split("\n"))
                            if "\n" in value else verbatim(value)):
                        return None
                    measured[value] = _cells(value)
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
        widths = [max(measured[head], *map(measured.__getitem__, column)) if column
                  else measured[head]
                  for head, column in zip(headers, columns, strict=True)]
        if 0 in widths:  # Rich renders nothing in 0 cells, and pads the cell unstyled
            return None
        padded = [w + 2 for w in widths]
        table_width = sum(padded) + len(padded) + 1
        if table_width > width:
            return None
        right = [j == "right" for j in self.justify]

        box = HEAVY_HEAD
        lines: list[str] = []
        if title:
            if type(title) is not str or not verbatim(title) or _cell_width(title) > table_width:
                return None
            heading = _fit(title, table_width, False)
            lines.append(_sgr(heading, _ITALIC) if ansi else heading)
        lines.append(box.get_top(padded))
        # a header of several lines sits at the bottom of the header row (Rich's header
        # cells are aligned to the bottom), a cell at the top of its row
        height = max(h.count("\n") for h in headers) + 1
        heads = [[None] * (height - h.count("\n") - 1) + h.split("\n") for h in headers]
        for n in range(height):
            if ansi:  # Rich styles a line it adds above a header as one segment
                pad = _sgr(" ", _BOLD)
                head = [_sgr(" " * (w + 2), _BOLD) if h[n] is None
                        else pad + _sgr(_fit(h[n], w, r), _BOLD) + pad
                        for h, w, r in zip(heads, widths, right, strict=True)]
            else:
                head = [f" {_fit(h[n] or '', w, r)} " for h, w, r in zip(heads, widths, right,
                                                                         strict=True)]
            lines.append(box.head_left + box.head_vertical.join(head) + box.head_right)
        lines.append(box.get_row(padded, "head", edge=True))
        specs = list(zip(widths, right, strict=True))
        distinct = [set(column) for column in columns]
        if not any("\n" in value for texts in distinct for value in texts):
            # one line a row: each column's cells padded once per distinct text, then joined
            pads = [{value: _padded(value, w, r, measured[value]) for value in texts}
                    for texts, (w, r) in zip(distinct, specs, strict=True)]
            body = list(zip(*([pad[value] for value in column]
                              for pad, column in zip(pads, columns, strict=True)), strict=True))
            mid, foot = box.mid_vertical, box.foot_vertical
            lines.extend(box.mid_left + mid.join(cells) + box.mid_right for cells in body[:-1])
            lines.extend(box.foot_left + foot.join(cells) + box.foot_right for cells in body[-1:])
        else:  # a cell of several lines: the row as tall as its tallest cell
            def lines_of(value: str, w: int, r: bool) -> list[str]:
                return [f" {_fit(part, w, r)} " for part in value.split("\n")]

            # a column's lines made once per distinct text where texts repeat (a log's changes
            # do not: made as each row is drawn, not all held at once)
            shown = [{value: lines_of(value, w, r) for value in texts}
                     if len(texts) * 2 <= len(rows) else None
                     for texts, (w, r) in zip(distinct, specs, strict=True)]
            del measured, distinct
            blank = [" " * (w + 2) for w in widths]
            last = len(rows) - 1
            for index, row in enumerate(rows):
                if index == last:
                    left, divider, end = box.foot_left, box.foot_vertical, box.foot_right
                else:
                    left, divider, end = box.mid_left, box.mid_vertical, box.mid_right
                parts = [of[value] if of is not None else lines_of(value, w, r)
                         for of, value, (w, r) in zip(shown, row, specs, strict=True)]
                for n in range(max(map(len, parts))):
                    lines.append(left + divider.join(
                        [p[n] if n < len(p) else b for p, b in zip(parts, blank, strict=True)])
                        + end)
        lines.append(box.get_bottom(padded))
        lines.append("")
        return "\n".join(lines)


class Console:
    """What `render.console()` returns: the Rich `Console` it used to return, made only when
    something needs it; a `Table` printed alone is written as `Table.text` draws it, and a string
    as `line` does, when that is certain to be what Rich would write.

    Anything but `print` asked of it goes to the Rich console, and from then on so does every
    `print` (a caller may be capturing or buffering Rich's output).
    """

    def __init__(self, stream: IO[str], width: int | None) -> None:
        self._stream = stream
        self._width = width
        self._rich: Any = None
        self._only_rich = False

    @property
    def rich(self) -> Any:
        """The Rich console, as `render.console()` configured it."""
        if self._rich is None:
            from rich.console import Console as RichConsole

            self._rich = RichConsole(file=self._stream, width=self._width, soft_wrap=False,
                                     highlight=False)
        return self._rich

    def print(self, *objects: Any, **options: Any) -> None:
        if len(objects) == 1 and not options and not self._only_rich:
            what = objects[0]
            if isinstance(what, Table) or type(what) is str:
                layout = self.layout()
                if isinstance(what, Table):  # narrowed to the console, or as it is
                    what = what.fit(layout[0] if layout is not None else self.rich.width)
                    objects = (what,)
                if layout is not None:
                    text = what.text(*layout) if isinstance(what, Table) else line(what, layout[0])
                    if text is not None:
                        self._stream.write(text)
                        self._stream.flush()
                        return
        self.rich.print(*objects, **options)

    @property
    def width(self) -> int:
        """The width Rich's console has (or would have), in cells."""
        layout = self.layout()
        return layout[0] if layout is not None else int(self.rich.width)

    def layout(self) -> tuple[int, bool] | None:
        """(width, terminal): the width Rich's console would have and whether it would write
        styles; None if Rich would write a table otherwise than `Table.text` (see the module)."""
        stream = self._stream
        if sys.platform == "win32" or hasattr(stream, "rich_proxied_file"):
            return None
        import builtins

        if hasattr(builtins, "get_ipython"):  # Rich's Jupyter detection
            return None
        if str(getattr(sys.stdin, "__module__", "")).startswith("idlelib"):
            return None
        encoding = (getattr(stream, "encoding", "utf-8") or "utf-8").lower()
        if not encoding.startswith("utf"):  # Rich draws an ASCII box
            return None
        environ = os.environ
        terminal = _is_terminal(stream, environ)
        if terminal and environ.get("TERM", "").lower() in ("dumb", "unknown"):
            return None
        width = self._width if self._width is not None else _width(environ)
        return width, terminal

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_rich", "_only_rich", "_stream", "_width", "width"):
            raise AttributeError(name)
        self._only_rich = True
        return getattr(self.rich, name)

    def __enter__(self) -> Any:
        self._only_rich = True
        return self.rich.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.rich.__exit__(*exc)


def _is_terminal(stream: IO[str], environ: Any) -> bool:
    """Rich's `Console.is_terminal` for a console made with no force_terminal."""
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible == "0":
        return False
    if tty_compatible == "1":
        return True
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


def _width(environ: Any) -> int:
    """Rich's `Console.width` for a console made with no width (not on Windows)."""
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = None
    for stream, default in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        try:
            width, _ = os.get_terminal_size(_fileno(stream, default))
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def _fileno(stream: Any, default: int) -> int:
    """The descriptor Rich asks the terminal size of (rich.console's _STDIN_FILENO and so on)."""
    try:
        return int(stream.fileno())
    except Exception:
        return default
