"""`-o FILE` / `--output FILE`: a listing or a report written to a file by its suffix, whole or
not at all: CSV (UTF-8 with a BOM, for Excel), an xlsx sheet, JSON, and the notice as Word."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.errors import TrainlogError
from trainlog.output.atomic import atomic_write
from trainlog.vocab import FIELD_CHOICES, say

#: what `-o` writes, by suffix; `.docx` only for `report` (the notice)
SUFFIXES = (".csv", ".xlsx", ".json")
#: columns whose ISO dates an xlsx holds as dates
DATE_KEYS = {"date", "registered_on", "deadline", "from", "to"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: what Excel does not allow in a sheet's name
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def save(path: Path, data: Any, table: tuple[Sequence[dict[str, Any]], Sequence[str]] | None,
         lang: str, labels: dict[str, str] | None = None,
         document: Callable[[], Any] | None = None) -> Path:
    """Write a command's result to `path`: JSON `data`; CSV or xlsx the rows and columns of
    `table` (its CSV view); .docx the Word document `document` makes (`notice_docx`)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        from trainlog.output.render import to_json

        text = to_json(data) + "\n"
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if suffix == ".docx" and document is not None:
        doc = document()
        return atomic_write(path, lambda tmp: doc.save(str(tmp)))
    if table is None or suffix not in (".csv", ".xlsx"):
        raise TrainlogError(say("msg.output_suffix", path=path))
    rows, columns = table
    if suffix == ".csv":
        from trainlog.output.render import write_csv

        def write(tmp: Path) -> None:
            # utf-8-sig: the BOM makes Excel read the file as UTF-8 (not the ANSI code page)
            with tmp.open("w", encoding="utf-8-sig", newline="") as f:
                write_csv(rows, columns, f, lineterminator="\r\n")

        return atomic_write(path, write)
    wb = sheet(rows, columns, lang, labels, path.stem)
    return atomic_write(path, lambda tmp: wb.save(tmp))


def sheet(rows: Sequence[dict[str, Any]], columns: Sequence[str], lang: str,
          labels: dict[str, str] | None, title: str) -> Any:
    """A workbook of one sheet (`trainlog.output.workbook.Book.table`): headers in the language,
    numbers as numbers, dates as dates, labels of choices in zh, the header row frozen."""
    from trainlog.output.render import header
    from trainlog.output.workbook import Book, Col

    book = Book(lang)
    kinds = [_kind(rows, key) for key in columns]
    cols = [Col(header(key, lang, labels), kind) for key, kind in zip(columns, kinds, strict=True)]
    name = _SHEET_NAME.sub("_", title).strip("'")[:31] or "Sheet1"

    def values(row: dict[str, Any]) -> list[Any]:
        out = []
        for key, kind in zip(columns, kinds, strict=True):
            v = row.get(key)
            if kind == "date" and isinstance(v, str):
                v = date.fromisoformat(v)
            out.append(v)
        return out

    book.table(name, cols, (values(r) for r in rows), freeze=0)
    return book.wb


def _kind(rows: Sequence[dict[str, Any]], key: str) -> str:
    """The kind of a column's values (`workbook.Col`), from its first value that is not None."""
    from trainlog.output.render import RATIO_KEYS

    value = next((r[key] for r in rows if r.get(key) is not None), None)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "ratio" if key in RATIO_KEYS else "float"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str):
        if key in DATE_KEYS and _ISO_DATE.fullmatch(value) and all(
                r.get(key) is None or _ISO_DATE.fullmatch(str(r[key])) for r in rows):
            return "date"
        if key in FIELD_CHOICES:
            return f"label:{key}"
    return "text"
