"""Reading CSV and xlsx files: encoding detection, zh-CN or key headers, row numbers, field checks."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from trainlog.errors import FieldError, InvalidInput, NoInput, Problem, TrainlogError
from trainlog.files.meters import Meters
from trainlog.files.meters import meter as make_meter
from trainlog.vocab import labels, say

T = TypeVar("T")

#: The columns of each kind of file, keyed by column key, with the zh-CN header each may have
#: instead (DESIGN.md, "Input files"; the words are trainlog.vocab's).
BRANCH_COLUMNS = labels(["code", "name", "township"])
CADRE_COLUMNS = labels(["code", "name", "unit", "level", "branch", "top_leader", "poverty_cadre",
                        "party_member", "registered_on"], of="cadre")
SESSION_COLUMNS = labels(["ref", "date", "track", "kind", "topic", "title", "hours", "branch",
                          "cadre", "headcount"])
STUDY_COLUMNS = labels(["cadre", "hours", "platform", "month"])
SURVEY_COLUMNS = labels(["date", "method", "topic", "tier", "cadre", "respondent", "note"])

MAX_TEXT = 500
#: control characters a text may not hold (a tab is allowed)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
#: lone surrogates: the undecodable bytes of a command line, as Python keeps them
_SURROGATE = re.compile("[\ud800-\udfff]")
#: a text cell's first characters that trainlog's CSV prefixes with ' (`output.render.write_csv`);
#: reading the file back drops the '
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SNIFF_BYTES = 1 << 20
csv.field_size_limit(1 << 20)


@dataclass
class Table:
    """An input file whose header was checked; `rows()` streams (row number, {key: value})."""

    path: Path
    columns: list[str]
    _rows: Iterator[tuple[int, list[Any]]]
    problems: list[Problem] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        width = len(self.columns)
        for number, cells in self._rows:
            if len(cells) > width and not all(_blank(c) for c in cells[width:]):
                self.problems.append(
                    Problem(number, "", "", say("msg.cells", n=len(cells), width=width))
                )
                continue
            values = [_clean(c) for c in cells[:width]]
            if all(v == "" for v in values):
                continue  # spreadsheets leave empty rows behind
            values += [""] * (width - len(values))
            yield number, dict(zip(self.columns, values, strict=True))

    def cells(self, progress: str | None = None,
              meters: Meters | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cleaned cells in column order): `rows()` without a dict per row.

        A CSV's cells are only stripped (they are text); an xlsx goes through `rows()`, which
        also turns its numbers into text. Rows that are too wide go to `problems`, empty rows are
        skipped. With `progress` (a label), the rows read so far go to a meter from `meters`, or
        from the front end's (`trainlog.files.meters`): the CLI's is a bar with rows per second on
        a terminal's stderr once the reading took more than a second.
        """
        columns = self.columns
        width = len(columns)
        if self.path.suffix.lower() in (".xlsx", ".xlsm"):
            stream: Iterator[tuple[int, list[Any]]] = (
                (n, [row[c] for c in columns]) for n, row in self.rows())
        else:
            stream = self._csv_cells(width)
        meter = make_meter(progress, meters)
        if meter is None:
            yield from stream
            return
        try:
            every = PROGRESS_EVERY
            for i, item in enumerate(stream, 1):
                if not i % every:
                    meter.update(i)
                yield item
        finally:
            meter.close()

    def _csv_cells(self, width: int) -> Iterator[tuple[int, list[Any]]]:
        problems = self.problems
        strip = str.strip
        for n, cells in self._rows:
            if len(cells) != width:
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    problems.append(Problem(
                        n, "", "", say("msg.cells", n=len(cells), width=width)))
                    continue
                cells = (cells + [""] * width)[:width]
            cells = list(map(strip, cells))
            if any(cells):  # spreadsheets leave empty rows behind
                yield n, cells


#: Rows between two updates of a progress meter (keeps it out of the hot loop's cost).
PROGRESS_EVERY = 20_000


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _clean(cell: Any) -> Any:
    """Text stripped; xlsx numbers as text, integral ones without '.0'; dates kept as dates."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        if cell[:1] == "'" and cell.lstrip("'").startswith(_FORMULA_START):  # as trainlog's CSV
            # writes a text that would run as a formula (`trainlog.output.render.write_csv`)
            cell = cell[1:]
        return cell.strip()
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, datetime | date):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def open_table(path: str | Path, spec: dict[str, str], required: set[str],
               encoding: str | None = None) -> Table:
    """Open a CSV or xlsx file and check its header against `spec` (keys or zh-CN labels)."""
    path = Path(path)
    if not path.exists():
        raise NoInput(say("msg.no_such_file", path=path))
    if path.is_dir():
        raise TrainlogError(f"{path}: is a directory, not a file")
    if not path.is_file():  # a fifo would hang the import, /dev/zero never end
        raise TrainlogError(f"{path}: not a regular file (a pipe, a device or a socket); "
                            "save the data to a .csv or .xlsx file and give that")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = _xlsx_rows(path)
        else:
            rows = _csv_rows(path, encoding or detect_encoding(path))
        header_number, header = next(rows)
    except StopIteration:
        raise TrainlogError(say("msg.empty_file", path=path)) from None
    except OSError as exc:  # unreadable: permissions, a device, an I/O error
        raise TrainlogError(say("msg.cannot_read", path=path, reason=exc.strerror or exc)) from None
    columns = _map_header(path, header, spec, required)
    return Table(path, columns, rows)


def detect_encoding(path: Path) -> str:
    """utf-8-sig for a BOM, utf-8 when the start decodes as UTF-8, else gb18030."""
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < _SNIFF_BYTES)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    odd = _unlikely_gb18030(head)
    if odd:
        raise TrainlogError(
            f"{path}: not UTF-8, and read as GB18030 its text is unlikely Chinese ({odd}…); "
            "give the file's encoding with --encoding (e.g. big5, utf-16, or gb18030 to read it "
            "so all the same)")
    return "gb18030"


#: Of the non-ASCII characters of a file read as GB18030, the share that must be common Chinese
#: (GB 2312's hanzi, punctuation and full-width forms) for the reading to be plausible: nearly
#: any bytes decode as GB18030, so Big5 or another encoding would otherwise become mojibake.
_PLAUSIBLE_SHARE = 0.8
#: Fewer non-ASCII characters than this are too few to judge.
_PLAUSIBLE_SAMPLE = 4


def _unlikely_gb18030(head: bytes) -> str:
    """The first characters of `head` read as GB18030 when they are unlikely to be what the file
    says (Big5, for one, decodes as GB18030 into kana, Cyrillic and rare hanzi); else ""."""
    chars = [c for c in head.decode("gb18030", errors="replace") if c > "\x7f"]
    if len(chars) < _PLAUSIBLE_SAMPLE:
        return ""
    common = 0
    for c in chars:
        try:
            b = c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += len(b) == 2 and (0xB0 <= b[0] <= 0xF7 or b[0] in (0xA1, 0xA3))
    if common >= _PLAUSIBLE_SHARE * len(chars):
        return ""
    return "".join(chars[:12])


def text_encoding(encoding: str) -> str:
    """`encoding` when Python decodes text with it (not rot13, base64, zlib…), else an error."""
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        raise TrainlogError(f"--encoding: {encoding!r} is not an encoding Python knows "
                            "(e.g. utf-8, gb18030)") from None
    try:
        io.TextIOWrapper(io.BytesIO(b""), encoding=encoding)  # what open() will check
    except (LookupError, ValueError, TypeError):
        raise TrainlogError(f"--encoding: {encoding!r} is not a text encoding "
                            "(e.g. utf-8, gb18030)") from None
    return encoding


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    text_encoding(encoding)
    number = 0
    with path.open(encoding=encoding, newline="", errors="strict") as f:
        # One loop over the reader, with the row count kept for the messages: a million-row
        # file must not pay a try/next() per row.
        try:
            for cells in csv.reader(f):
                number += 1
                yield number, cells
        except UnicodeError as exc:  # UnicodeDecodeError, or a codec's own complaint
            reason = getattr(exc, "reason", None) or exc
            raise InvalidInput(
                [Problem(number + 1, "", "", f"cannot be read as {encoding} ({reason}); "
                         "give the file's encoding with --encoding")],
                str(path),
            ) from None
        except csv.Error as exc:
            raise InvalidInput([Problem(number + 1, "", "", f"not valid CSV: {exc}")],
                               str(path)) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    # A damaged workbook fails in many ways (zip, zlib, XML, openpyxl's own checks), when opened
    # or only when a row is read: each becomes the same message, never a traceback.
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TrainlogError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    except Exception as exc:
        raise TrainlogError(f"{path}: not a readable .xlsx workbook "
                            f"({type(exc).__name__}: {exc})") from None
    try:
        try:
            sheet = wb.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
        except Exception as exc:
            raise TrainlogError(f"{path}: not a readable .xlsx workbook ({exc})") from None
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise InvalidInput([Problem(number + 1, "", "", "the workbook is damaged here "
                                            f"({type(exc).__name__}: {exc})")], str(path)) from None
            number += 1
            yield number, list(cells)
    finally:
        wb.close()


def _map_header(path: Path, header: list[Any], spec: dict[str, str], required: set[str]) -> list[str]:
    by_name = {k.lower(): k for k in spec} | {v: k for k, v in spec.items()}
    header = list(header)
    while header and _blank(header[-1]):  # trailing empty header cells (common in xlsx)
        header.pop()
    problems: list[Problem] = []
    columns: list[str] = []
    seen: dict[str, str] = {}
    for raw in header:
        name = "" if raw is None else str(raw).strip().lstrip("\ufeff")
        key = by_name.get(name.lower()) or by_name.get(name)
        if key is None:
            if name == "":
                problems.append(Problem(1, "", "", say("msg.no_header")))
            else:
                allowed = ", ".join(f"{k}/{v}" for k, v in spec.items())
                problems.append(Problem(1, name, "", say("msg.unknown_column", allowed=allowed)))
            columns.append("")
            continue
        if key in seen:
            problems.append(Problem(1, name, "", say("msg.column_repeated", other=repr(seen[key]))))
        seen[key] = name
        columns.append(key)
    for key in sorted(required - set(seen)):
        problems.append(Problem(1, f"{key}/{spec[key]}", "", say("msg.column_missing")))
    if problems:
        raise InvalidInput(problems, str(path))
    return columns


class Checker:
    """Collects problems while rows are parsed, so every bad row is reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, row: int, column: str, value: object, reason: str) -> None:
        self.problems.append(Problem(row, column, value, reason))

    def check(self, row: int, column: str, value: Any, parse: Callable[[Any], T]) -> T | None:
        """parse(value), or None with a problem recorded when it raises TrainlogError."""
        try:
            return parse(value)
        except FieldError as exc:
            self.add(row, column, value, exc.reason if exc.field == column else str(exc))
        except TrainlogError as exc:
            self.add(row, column, value, str(exc))
        return None

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            raise InvalidInput(self.problems, what)


def text(value: Any, field: str, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
    """Stripped text, None when empty; refuses control characters and overlong values."""
    s = "" if value is None else str(value).strip()
    if not s:
        if required:
            raise FieldError(field, say("msg.required"))
        return None
    if len(s) > max_length:
        raise FieldError(field, say("msg.too_long", n=max_length))
    if _CONTROL.search(s):
        raise FieldError(field, say("msg.control"))
    if _SURROGATE.search(s):  # undecodable bytes of a command line
        raise FieldError(field, "is not valid text (typed in another encoding than the "
                            "terminal's?)")
    return s


def code(value: Any, field: str, required: bool = True) -> str | None:
    """A code: text with no whitespace inside."""
    s = text(value, field, required=required, max_length=50)
    if s is not None and any(c.isspace() for c in s):
        raise FieldError(field, say("msg.code_spaces", value=repr(s)))
    return s


def number(value: Any, field: str, low: float = 0.0, high: float = math.inf) -> float:
    """A finite decimal in [low, high]."""
    s = str(value).strip()
    try:
        x = float(s)
    except ValueError:
        raise FieldError(field, say("msg.not_number", value=repr(s))) from None
    if not math.isfinite(x):
        raise FieldError(field, say("msg.not_finite", value=repr(s)))
    if x < low or x > high:
        raise FieldError(field, f"{s} is outside {low:g}..{high:g}")
    return x + 0.0  # -0 is 0: never "-0 hours"


def hours(value: Any, field: str = "hours", high: float = 24.0) -> float:
    """Study hours: a decimal from 0 to `high` (24 a day)."""
    return number(value, field, 0.0, high)


def count(value: Any, field: str) -> int:
    """A whole number >= 0."""
    s = str(value).strip()
    if s == "":
        return 0
    try:
        n = int(s)
    except ValueError:
        try:
            x = float(s)
        except ValueError:
            raise FieldError(field, say("msg.not_whole", value=repr(s))) from None
        if not (math.isfinite(x) and x.is_integer()):
            raise FieldError(field, say("msg.not_whole", value=repr(s))) from None
        n = int(x)
    if n < 0 or n > 1_000_000:
        raise FieldError(field, say("msg.outside", value=n, low="0", high="1000000"))
    return n
