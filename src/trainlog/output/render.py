"""Rows to a Rich table, JSON or CSV; the one place that formats output. stdout is for data."""

from __future__ import annotations

import csv
import io
import locale
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from trainlog.vocab import WORDS, label, word

FORMATS = ("table", "json", "csv")
#: values that are shares of a whole: shown as percentages in tables
RATIO_KEYS = {"progress", "expected", "coverage", "registration_coverage", "share", "rate"}


#: columns of text that wraps when a table is too wide for the terminal (`Table.fit`)
WRAP_KEYS = {"title", "name", "unit", "void_reason", "description", "detail", "note",
             "respondent", "value", "field", "figure", "township", "topic", "survey.detail",
             "changes", "key"}
#: the columns a table too wide for the terminal leaves out first, in this order (then the last)
DROP_FIRST = ["db_role", "user", "void_reason", "created_by", "updated_by", "created_at", "updated_at", "voided_by",
              "voided_at", "void", "id", "headcount", "active", "party_member", "registered_on",
              "id_number", "default", "set", "kind", "topic", "unit", "level", "township"]


def detect_lang(option: str | None = None) -> str:
    """--lang > TRAINLOG_LANG > a zh* locale > en."""
    for value in (option, os.environ.get("TRAINLOG_LANG")):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    """A Rich console: colour only on a terminal; in a pipe as wide as `pipe_width` says.

    Rich's `Console(file=stream, width=width, soft_wrap=False, highlight=False)`, made when first
    needed: a `table()` printed on it alone is drawn without Rich when that gives the same bytes
    (output/tables.py).
    """
    from trainlog.output.tables import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stream, None if stream.isatty() else pipe_width())


def pipe_width() -> int:
    """The width of a table written to a pipe or a file: COLUMNS, else the terminal's the user
    reads it on (`| less`: stderr or stdin is that terminal), else 200 (a cron job, a script).
    Tables fit it by wrapping and leaving columns out (`trainlog.output.tables.Table.fit`)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.stderr, sys.stdin):
        try:
            if stream is not None and stream.isatty():
                return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            continue
    return 200


def message(text: str) -> None:
    """A message for the user, on stderr (plain text: no Rich needed for a line)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def cell(value: Any, key: str, lang: str) -> str:
    """One value as a table shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if isinstance(value, float):
        return f"{value:.1%}" if key in RATIO_KEYS else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}" if key not in ("id", "year") else str(value)
    if key in ("track", "kind", "topic", "level", "rank", "method", "tier", "platform",
               "audience", "status"):
        return label(str(value), lang, field=key)
    return str(value)


def header(key: str, lang: str, labels: dict[str, str] | None = None) -> str:
    """A column header: the key's word (trainlog.vocab.WORDS), in zh its label (`labels`
    overrides, e.g. name -> 姓名); a key with no word, as it is."""
    if lang != "zh":
        own = (labels or {}).get(key)
        if own is not None:  # a context's own word (check.name: Check), by its zh-CN label
            for k, (en, zh) in WORDS.items():
                if zh == own and k.endswith(f".{key}"):
                    return en
        return word(key, lang) if key in WORDS else key
    return (labels or {}).get(key) or label(key, lang)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], lang: str,
          title: str | None = None, numeric: Iterable[str] = (),
          labels: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A table of `rows` (not printed): Rich's default `Table` with a left-justified title, numbers
    right-justified, every cell `cell()`'s string. Printed on `console()`, it is drawn without Rich
    when that gives the bytes Rich prints; given to Rich, it is that Rich `Table` (tables.py)."""
    from trainlog.output.tables import Table

    numeric = set(numeric)
    justify = []
    for key in columns:
        right = key in numeric or (rows and isinstance(rows[0].get(key), int | float)
                                   and not isinstance(rows[0].get(key), bool))
        justify.append("right" if right else "left")
    drop = sorted((i for i, k in enumerate(columns) if k in DROP_FIRST),
                  key=lambda i: DROP_FIRST.index(columns[i]))
    return Table([header(key, lang, labels) for key in columns], justify,
                 [tuple(cell(row.get(k), k, lang) for k in columns) for row in rows], title,
                 wrap=[k in WRAP_KEYS for k in columns], drop=drop)


def to_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as is; dates as ISO text, datetimes as str() gives them.

    orjson, not the json module: with indent, json falls back to its pure-Python encoder, which
    took 0.3 s of a province's `coverage --format json` (36,000 rows); orjson takes 10 ms.
    """
    import orjson

    return orjson.dumps(data, default=str,
                        option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME
                        | orjson.OPT_NON_STR_KEYS).decode()


#: how a text starts that a spreadsheet would run as a formula (or strip): such a CSV cell is
#: written with a leading ' (DESIGN.md, "Output for people")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], stream=None,  # type: ignore[no-untyped-def]
              lineterminator: str = "\n") -> None:
    """CSV with the keys as headers; a text cell that would run as a formula starts with '."""
    stream = stream or sys.stdout
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow(columns)
    for row in rows:
        cells = ["" if row.get(k) is None else _csv_value(row.get(k)) for k in columns]
        if "\r" not in lineterminator and any(type(c) is str and "\r" in c for c in cells):
            # the csv module quotes a cell with a line end of its lineterminator only: a lone CR
            # would end the line for a reader
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerow(cells)
            stream.write(buffer.getvalue()[:-2] + lineterminator)
        else:
            writer.writerow(cells)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    # and a text of quotes before one of those, so that reading the file back (which drops one
    # quote: trainlog.files.tables) gives the text as it was
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def listing(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, lang: str,
            title: str | None = None, labels: dict[str, str] | None = None) -> None:
    """Print a listing in the chosen format: JSON an array of objects, CSV with key headers."""
    if fmt == "json":
        sys.stdout.write(to_json(list(rows)) + "\n")
    elif fmt == "csv":
        write_csv(rows, columns)
    else:
        out = console()
        if rows:
            out.print(table(rows, columns, lang, title, labels=labels))
        else:
            message("无记录" if lang == "zh" else "nothing to list")


def show(data: Any, fmt: str, *, table: Any = None, csv: Any = None, text: Any = None,
         notice: Any = None, before: Any = None, after: Any = None,
         echo: Callable[[str], object] | None = None) -> None:
    """Print a command's result in the format asked for: the one place that chooses the format.

    json: `data`, whole. csv: `csv`, a (rows, columns) pair. notice: the text `notice` as it is.
    table, and csv or notice where the command has no such view: the line `text`, or the items
    `table` gives (Rich renderables or text; None left out) printed in order, with the
    message `before` on stderr ahead of them and `after` behind. A view may be a function that
    makes it, called only in its format (a `table` function may print the view itself and give
    None). `echo` writes text on stdout (by default as it is).
    """
    write = echo or _write
    if fmt == "json":
        write(to_json(data) + "\n")
    elif fmt == "csv" and csv is not None:
        write_csv(*_made(csv))
    elif fmt == "notice" and notice is not None:
        write(_made(notice))
    else:
        if before:
            message(_made(before))
        if text is not None:
            write(_made(text) + "\n")
        elif table is not None:
            items = _made(table)
            if items is not None:
                out = console()
                for item in items:
                    if item is not None:
                        out.print(item)
        if after:
            message(_made(after))


def _made(view: Any) -> Any:
    return view() if callable(view) else view


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
