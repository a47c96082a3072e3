"""Reading the files offices hand in: CSV (UTF-8, GB18030, UTF-16 "Unicode text"), .xlsx and
.xls; the header row found below title rows, headers compared as people type them, row numbers as
the spreadsheet shows them, and the field checks (DESIGN.md, "Reading the files offices hand in").
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from trainlog.errors import FieldError, InvalidInput, NoInput, Problem, TrainlogError
from trainlog.files.meters import Meters
from trainlog.files.meters import meter as make_meter
from trainlog.vocab import WORDS, labels, say

T = TypeVar("T")

#: The columns of each kind of file, keyed by column key, with the zh-CN header each may have
#: instead (DESIGN.md, "Input files"; the words are trainlog.vocab's).
BRANCH_COLUMNS = labels(["code", "name", "township"])
CADRE_COLUMNS = labels(["code", "name", "unit", "level", "rank", "branch", "top_leader",
                        "poverty_cadre", "party_member", "registered_on", "id_number"], of="cadre")
#: A session or study file may name its cadres by id number (身份证号), or by name (姓名, a
#: person's) and unit.
SESSION_COLUMNS = labels(["ref", "date", "track", "kind", "topic", "title", "hours", "days",
                          "branch", "cadre", "headcount", "name", "unit", "id_number"], of="cadre")
STUDY_COLUMNS = labels(["cadre", "hours", "platform", "month", "name", "unit", "id_number"],
                       of="cadre")
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


#: How many rows at the top of a sheet are searched for the header (title rows sit above it).
HEADER_SEARCH = 10
#: A row whose first non-empty cell is one of these (spaces left out) is a total: skipped, counted.
TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
_TOTAL_START = frozenset("合总小 \u3000\t")
#: The columns holding codes (NFKC-normalised: `Ｇ０１９０` is `G0190`) and dates (a number in a
#: workbook's date column is an Excel date serial).
CODE_KEYS = frozenset({"code", "cadre", "ref", "branch", "id_number"})
DATE_KEYS = frozenset({"date", "registered_on", "month"})
#: A workbook is refused before it is read when its members would unzip to more than this
#: (a zip bomb, or a sheet too big for memory), or its shared strings to more than the other:
#: openpyxl keeps every shared string in memory, the sheet itself is streamed.
MAX_UNZIPPED = 1 << 30  # 1 GiB
MAX_SHARED_STRINGS = 64 << 20  # 64 MiB
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Excel 97-2003 (.xls) file starts so
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)


class BadHeader(InvalidInput):
    """The header of a file is wrong (or not found): no row of it can be imported."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read an input file, as the import commands' options say it.

    `header_row`: the header's row number (1-based; default: found in the first 10 rows).
    `sheet`: a workbook's sheet by name or number (1-based; default the first).
    `ignore`: headers to leave out; `ignore_extra`: leave out every unknown column.
    `maps`: 'HEADER=KEY' pairs, the header read as the column KEY (`本月学时=hours`).
    `skip`: row numbers left out (the rows `--rejects` took out of an import).
    """

    encoding: str | None = None
    header_row: int | None = None
    sheet: str | None = None
    ignore: tuple[str, ...] = ()
    ignore_extra: bool = False
    maps: tuple[str, ...] = ()
    skip: frozenset[int] = frozenset()
    #: where `open_table` leaves each table it opens (for `--rejects`, which rereads the file)
    opened: list[Any] | None = field(default=None, compare=False)

    def but(self, **changes: Any) -> ReadOptions:
        from dataclasses import replace

        return replace(self, **changes)


def fold(text: Any) -> str:
    """A header as it is compared: NFKC (full-width letters half-width), no spaces, lower case;
    `姓  名` is `姓名`, `Ｃｏｄｅ` is `code`."""
    s = unicodedata.normalize("NFKC", "" if text is None else str(text)).lstrip("\ufeff")
    return "".join(s.split()).lower()


def norm_code(value: str) -> str:
    """A code, ref or id number as stored and compared: NFKC, no surrounding spaces."""
    if value.isascii():
        return value.strip()
    return unicodedata.normalize("NFKC", value).strip()


def norm_name(value: Any) -> str:
    """A name or unit as compared: NFKC, no spaces at all (`张 三` is `张三`)."""
    return "".join(unicodedata.normalize("NFKC", "" if value is None else str(value)).split())


def excel_date(serial: float, epoch: datetime = _EXCEL_EPOCH) -> date | None:
    """The day an Excel date serial names (1900 date system unless `epoch` says 1904), or None
    when the number is no date Excel can show."""
    if isinstance(serial, bool) or not 1 <= serial < 2_958_466:
        return None
    return (epoch + timedelta(days=int(serial))).date()


@dataclass
class Table:
    """An input file whose header was checked; `rows()` streams (row number, {key: value}).

    `columns` are the keys read, `positions` where each is in a row of the file; `left_out`
    names the columns left out (--ignore, --ignore-extra), `totals` counts the 合计 rows skipped,
    `header_row` is the header's row number.
    """

    path: Path
    columns: list[str]
    _rows: Iterator[tuple[int, list[Any]]]
    problems: list[Problem] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    width: int = 0
    header_row: int = 1
    workbook: bool = False
    epoch: datetime = _EXCEL_EPOCH
    left_out: list[str] = field(default_factory=list)
    totals: int = 0
    skip: frozenset[int] = frozenset()
    header: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.positions:
            self.positions = list(range(len(self.columns)))
        if not self.width:
            self.width = max(self.positions, default=-1) + 1

    @property
    def summary(self) -> dict[str, Any]:
        """What was left out of the file, for an import's result: only what there was."""
        out: dict[str, Any] = {}
        if self.left_out:
            out["columns_left_out"] = list(self.left_out)
        if self.totals:
            out["total_rows_skipped"] = self.totals
        return out

    def _too_wide(self, number: int, cells: list[Any]) -> bool:
        width = self.width
        if len(cells) > width and not all(_blank(c) for c in cells[width:]):
            self.problems.append(
                Problem(number, "", "", say("msg.cells", n=len(cells), width=width)))
            return True
        return False

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        columns, positions, skip = self.columns, self.positions, self.skip
        dates = [i for i, c in enumerate(columns) if c in DATE_KEYS] if self.workbook else []
        codes = [i for i, c in enumerate(columns) if c in CODE_KEYS]
        for number, cells in self._rows:
            if skip and number in skip:
                continue
            if self._too_wide(number, cells):
                continue
            if _is_total(cells):
                self.totals += 1
                continue
            n = len(cells)
            raw = [cells[i] if i < n else None for i in positions]
            for i in dates:
                v = raw[i]
                if isinstance(v, int | float) and not isinstance(v, bool):
                    raw[i] = excel_date(v, self.epoch) or v
            values = [_clean(c) for c in raw]
            if all(v == "" for v in values):
                continue  # spreadsheets leave empty rows behind
            for i in codes:
                v = values[i]
                if isinstance(v, str) and not v.isascii():
                    values[i] = norm_code(v)
            yield number, dict(zip(columns, values, strict=True))

    def cells(self, progress: str | None = None,
              meters: Meters | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cleaned cells in column order): `rows()` without a dict per row.

        A CSV's cells are only stripped (they are text); a workbook goes through `rows()`, which
        also turns its numbers into text. Rows that are too wide go to `problems`, empty rows and
        totals are skipped. With `progress` (a label), the rows read so far go to a meter from
        `meters`, or from the front end's (`trainlog.files.meters`): the CLI's is a bar with rows
        per second on a terminal's stderr once the reading took more than a second.
        """
        columns = self.columns
        if self.workbook:
            stream: Iterator[tuple[int, list[Any]]] = (
                (n, [row[c] for c in columns]) for n, row in self.rows())
        else:
            stream = self._csv_cells()
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

    def _csv_cells(self) -> Iterator[tuple[int, list[Any]]]:
        problems, skip, width = self.problems, self.skip, self.width
        strip = str.strip
        positions = self.positions
        whole = positions == list(range(width))
        codes = [i for i, c in enumerate(self.columns) if c in CODE_KEYS]
        total_start = _TOTAL_START
        for n, cells in self._rows:
            if skip and n in skip:
                continue
            if len(cells) != width:
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    problems.append(Problem(
                        n, "", "", say("msg.cells", n=len(cells), width=width)))
                    continue
                cells = (cells + [""] * width)[:width]
            first = cells[0] if cells else ""
            if (not first or first[0] in total_start) and _is_total(cells):
                self.totals += 1
                continue
            if not whole:
                cells = [cells[i] for i in positions]
            cells = list(map(strip, cells))
            if any(cells):  # spreadsheets leave empty rows behind
                for i in codes:
                    if not cells[i].isascii():
                        cells[i] = norm_code(cells[i])
                yield n, cells


#: Rows between two updates of a progress meter (keeps it out of the hot loop's cost).
PROGRESS_EVERY = 20_000


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _is_total(cells: list[Any]) -> bool:
    """Whether the row's first non-empty cell is 合计, 总计 or 小计."""
    for c in cells:
        if not _blank(c):
            return isinstance(c, str) and "".join(c.split()) in TOTAL_WORDS
    return False


def _clean(cell: Any) -> Any:
    """Text stripped; workbook numbers as text, integral ones without '.0'; dates kept."""
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
               encoding: str | None = None, options: ReadOptions | None = None) -> Table:
    """Open a CSV, .xlsx or .xls file and check its header against `spec` (keys or zh-CN labels).

    The header is the first of the first 10 rows in which at least two cells name columns of
    `spec` (or `options.header_row`); the rows above it are skipped.
    """
    opts = options or ReadOptions()
    path = Path(path)
    if not path.exists():
        raise NoInput(say("msg.no_such_file", path=path))
    if path.is_dir():
        raise TrainlogError(say("msg.is_folder", path=path))
    if not path.is_file():  # a fifo would hang the import, /dev/zero never end
        raise TrainlogError(say("msg.not_regular_file", path=path))
    maps = _parse_maps(opts.maps, spec)
    known = _known_names(spec) | {h: k for h, k in maps.items()}
    sheets: list[str] = []
    epoch = _EXCEL_EPOCH
    try:
        kind = _file_kind(path)
        if kind == "xlsx":
            rows, sheets = _xlsx_rows(path, opts.sheet)
        elif kind == "xls":
            rows, sheets, epoch = _xls_rows(path, opts.sheet)
        else:
            if opts.sheet is not None:
                raise TrainlogError(say("msg.sheet_of_text", name=path.name))
            enc = encoding or opts.encoding or detect_encoding(path)
            rows = _csv_rows(path, enc)
        header_number, header, head = _find_header(path, rows, known, opts.header_row, spec,
                                                   sheets)
    except StopIteration:
        raise TrainlogError(say("msg.empty_file", path=path)) from None
    except OSError as exc:  # unreadable: permissions, a device, an I/O error
        raise TrainlogError(say("msg.cannot_read", path=path, reason=exc.strerror or exc)) from None
    columns, positions, left_out, names = _map_header(path, header, header_number, spec,
                                                      required, known, opts)
    width = len(header)
    while width and _blank(header[width - 1]):
        width -= 1
    table = Table(path, columns, itertools.chain(head, rows), positions=positions, width=width,
                  header_row=header_number, workbook=kind != "csv", epoch=epoch,
                  left_out=left_out, skip=opts.skip, header=names)
    if opts.opened is not None:
        opts.opened.append(table)
    return table


def raw_rows(table: Table, options: ReadOptions) -> Iterator[tuple[int, list[Any]]]:
    """The rows below the header of a file opened before as `table`, every cell as read."""
    again = open_table(table.path, {}, set(),
                       options=options.but(header_row=table.header_row, ignore=(), maps=(),
                                           ignore_extra=True, skip=frozenset(), opened=None))
    return again._rows


def _file_kind(path: Path) -> str:
    """csv, xlsx or xls: by the file's first bytes where the suffix says a workbook (platforms
    save tab-separated text as .xls, and some workbooks carry the other suffix)."""
    suffix = path.suffix.lower()
    if suffix not in _WORKBOOK_SUFFIXES:
        return "csv"
    with path.open("rb") as f:
        start = f.read(8)
    if start.startswith(b"PK"):
        return "xlsx"
    if start == _OLE2:
        return "xls"
    if start.lstrip().lower().startswith((b"<html", b"<!doc", b"<?xml", b"<table")):
        raise TrainlogError(say("msg.web_page", path=path))
    if suffix == ".xls":
        return "csv"  # tab-separated text named .xls, as many platforms export it
    return "xlsx"  # a damaged .xlsx: openpyxl says why


def _known_names(spec: dict[str, str]) -> dict[str, str]:
    """folded header -> key, for the keys, the zh-CN labels of `spec` and the English words
    trainlog's own English headers use (an `.xlsx` listing's `Top leader`: what trainlog writes
    reads back)."""
    out = {fold(k): k for k in spec}
    out |= {fold(v): k for k, v in spec.items()}
    words: dict[str, list[str]] = {}
    for k in spec:
        for en in {WORDS[w][0] for w in (k, f"cadre.{k}") if w in WORDS}:
            words.setdefault(fold(en), []).append(k)
    for f, keys in words.items():
        if len(keys) == 1 and f not in out:  # never a key's or label's, never two keys'
            out[f] = keys[0]
    return out


def _parse_maps(maps: tuple[str, ...], spec: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    by_name = _known_names(spec)
    for item in maps:
        header, sep, key = str(item).partition("=")
        if not sep or not header.strip() or not key.strip():
            raise TrainlogError(say("msg.map_form", item=repr(item)))
        k = by_name.get(fold(key))
        if k is None:
            allowed = say("msg.list_join").join(spec)
            raise TrainlogError(say("msg.map_unknown", key=repr(key.strip()), allowed=allowed))
        out[fold(header)] = k
    return out


def _find_header(path: Path, rows: Iterator[tuple[int, list[Any]]], known: dict[str, str],
                 header_row: int | None, spec: dict[str, str], sheets: list[str],
                 ) -> tuple[int, list[Any], list[tuple[int, list[Any]]]]:
    """(row number, cells) of the header, and the rows read past it to give back."""
    if header_row is not None:
        if header_row < 1:
            raise TrainlogError(say("msg.header_row_number", n=header_row))
        for n, cells in rows:
            if n == header_row:
                return n, cells, []
        raise TrainlogError(say("msg.header_row_beyond", path=path, n=header_row))
    head: list[tuple[int, list[Any]]] = []
    for n, cells in rows:
        head.append((n, cells))
        if _known_count(cells, known) >= 2:
            return n, cells, []
        if len(head) >= HEADER_SEARCH:
            break
    if not head:
        raise StopIteration
    counts = [_known_count(c, known) for _, c in head]
    best = max(range(len(head)), key=lambda i: (counts[i], -i))
    if counts[best] >= 1:  # one column known: that row, with its other columns as problems
        return head[best][0], head[best][1], head[best + 1:]
    looks = next(((n, c) for n, c in head
                  if sum(isinstance(x, str) and x.strip() != "" for x in c) >= 2), None)
    allowed = ", ".join(f"{k}/{v}" for k, v in spec.items())
    where = ""
    if looks is not None:
        shown = ", ".join(str(x).strip() for x in looks[1] if not _blank(x))
        where = say("msg.looks_like_header", row=looks[0], shown=_clip(shown))
    other = (say("msg.sheets_are", sheets=", ".join(sheets)) if len(sheets) > 1 else "")
    raise BadHeader([Problem(0, "header", "", say("msg.no_header_row",
                                                  rows=_rows_searched(len(head)), allowed=allowed,
                                                  where=where, other=other))], str(path))


def _rows_searched(n: int) -> str:
    return say("msg.row_1") if n == 1 else say("msg.rows_1_n", n=n)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _known_count(cells: list[Any], known: dict[str, str]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and fold(c) in known)


def detect_encoding(path: Path) -> str:
    """utf-16 for a UTF-16 BOM (Excel's "Unicode text"), utf-8-sig for a UTF-8 BOM, utf-8 when
    the start decodes as UTF-8, else gb18030."""
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < _SNIFF_BYTES)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    odd = _unlikely_gb18030(head)
    if odd:
        raise TrainlogError(say("msg.unlikely_chinese", path=path, odd=odd))
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
        raise TrainlogError(say("msg.not_encoding", encoding=repr(encoding))) from None
    try:
        io.TextIOWrapper(io.BytesIO(b""), encoding=encoding)  # what open() will check
    except (LookupError, ValueError, TypeError):
        raise TrainlogError(say("msg.not_text_encoding", encoding=repr(encoding))) from None
    return encoding


def _delimiter(path: Path, encoding: str) -> str:
    """Tab for UTF-16 text (Excel's "Unicode text") or a first line with tabs and no commas."""
    if codecs.lookup(encoding).name.startswith("utf-16"):
        return "\t"
    try:
        with path.open(encoding=encoding, newline="", errors="replace") as f:
            first = f.readline(1 << 16)
    except (OSError, LookupError):
        return ","
    return "\t" if "\t" in first and "," not in first else ","


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    text_encoding(encoding)
    if encoding.lower().replace("_", "-") == "utf-16" or encoding.lower() == "utf16":
        encoding = "utf-16"
    delimiter = _delimiter(path, encoding)
    return _csv_reader(path, encoding, delimiter)


def _csv_reader(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    with path.open(encoding=encoding, newline="", errors="strict") as f:
        # One loop over the reader, with the row count kept for the messages: a million-row
        # file must not pay a try/next() per row.
        try:
            for cells in csv.reader(f, delimiter=delimiter):
                number += 1
                yield number, cells
        except UnicodeError as exc:  # UnicodeDecodeError, or a codec's own complaint
            reason = getattr(exc, "reason", None) or exc
            raise InvalidInput(
                [Problem(number + 1, "", "", say("msg.cannot_decode", encoding=encoding,
                                                 reason=reason))],
                str(path),
            ) from None
        except csv.Error as exc:
            raise InvalidInput([Problem(number + 1, "", "", say("msg.not_csv", reason=exc))],
                               str(path)) from None


def _pick_sheet(path: Path, names: list[str], sheet: str | None) -> int:
    """The index of the sheet `--sheet` names (a name, else a number from 1), default 0."""
    if sheet is None:
        return 0
    wanted = str(sheet).strip()
    folded = [fold(n) for n in names]
    if fold(wanted) in folded:
        return folded.index(fold(wanted))
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return int(wanted) - 1
    raise TrainlogError(say("msg.no_sheet", name=path.name, wanted=repr(wanted), sheets=", ".join(
        f"{i} {n}" for i, n in enumerate(names, 1))))


def check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose members would unzip past MAX_UNZIPPED (or whose shared strings,
    held in memory, past MAX_SHARED_STRINGS), before anything is inflated."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as z:
            members = z.infolist()
    except (BadZipFile, OSError, ValueError) as exc:
        raise TrainlogError(say("msg.not_xlsx", path=path, reason=exc)) from None
    except Exception as exc:  # zipfile's NotImplementedError for an unknown version, …
        raise TrainlogError(say("msg.not_xlsx", path=path,
                                reason=f"{type(exc).__name__}: {exc}")) from None
    total = sum(m.file_size for m in members)
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if total > MAX_UNZIPPED:
        raise TrainlogError(say("msg.unzips_to", path=path, mb=f"{total / 2**20:,.0f}",
                                most=f"{MAX_UNZIPPED >> 20:,}"))
    if strings > MAX_SHARED_STRINGS:
        raise TrainlogError(say("msg.strings_unzip_to", path=path, mb=f"{strings / 2**20:,.0f}",
                                most=MAX_SHARED_STRINGS >> 20))


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[Iterator[tuple[int, list[Any]]], list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    check_workbook_size(path)
    # A damaged workbook fails in many ways (zip, zlib, XML, openpyxl's own checks), when opened
    # or only when a row is read: each becomes the same message, never a traceback.
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TrainlogError(say("msg.not_xlsx", path=path, reason=exc)) from None
    except Exception as exc:
        raise TrainlogError(say("msg.not_xlsx", path=path,
                                reason=f"{type(exc).__name__}: {exc}")) from None
    names = list(wb.sheetnames)
    try:
        index = _pick_sheet(path, names, sheet)
    except TrainlogError:
        wb.close()
        raise
    return _xlsx_stream(path, wb, index), names


def _xlsx_stream(path: Path, wb: Any, index: int) -> Iterator[tuple[int, list[Any]]]:
    try:
        try:
            ws = wb.worksheets[index]
            # The stored <dimension> may be smaller than the data (some writers leave it wrong):
            # read-only mode would stop there. Every row is read instead.
            ws.reset_dimensions()
            rows = ws.iter_rows(min_row=1, min_col=1, values_only=True)
        except Exception as exc:
            raise TrainlogError(say("msg.not_xlsx", path=path, reason=exc)) from None
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise InvalidInput([Problem(number + 1, "", "", say(
                    "msg.damaged_here", reason=f"{type(exc).__name__}: {exc}"))],
                    str(path)) from None
            number += 1
            yield number, list(cells)
    finally:
        wb.close()


def _xls_rows(path: Path, sheet: str | None,
              ) -> tuple[Iterator[tuple[int, list[Any]]], list[str], datetime]:
    """An Excel 97-2003 workbook through xlrd (imported only for one)."""
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a dependency
        raise TrainlogError(say("msg.needs_xlrd", path=path)) from None
    try:
        # xlrd writes its warnings about a damaged file to stdout unless given a log
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd's own errors, struct errors of a damaged file
        raise TrainlogError(say("msg.not_xls", path=path, reason=exc)) from None
    names = list(book.sheet_names())
    try:
        index = _pick_sheet(path, names, sheet)
    except TrainlogError:
        book.release_resources()
        raise
    epoch = _EXCEL_EPOCH_1904 if book.datemode else _EXCEL_EPOCH
    return _xls_stream(path, book, index), names, epoch


def _xls_stream(path: Path, book: Any, index: int) -> Iterator[tuple[int, list[Any]]]:
    import xlrd

    try:
        try:
            ws = book.sheet_by_index(index)
        except Exception as exc:
            raise TrainlogError(say("msg.not_xls", path=path, reason=exc)) from None
        for r in range(ws.nrows):
            out: list[Any] = []
            for cell in ws.row(r):
                t, v = cell.ctype, cell.value
                if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    out.append(None)
                elif t == xlrd.XL_CELL_DATE:
                    try:
                        out.append(xlrd.xldate_as_datetime(v, book.datemode))
                    except Exception:
                        out.append(v)
                elif t == xlrd.XL_CELL_BOOLEAN:
                    out.append(bool(v))
                else:
                    out.append(v)
            yield r + 1, out
    finally:
        book.release_resources()


def _map_header(path: Path, header: list[Any], row: int, spec: dict[str, str],
                required: set[str], known: dict[str, str], opts: ReadOptions,
                ) -> tuple[list[str], list[int], list[str], list[str]]:
    """(keys, their positions, the headers left out, the header as written) of a header row."""
    header = list(header)
    while header and _blank(header[-1]):  # trailing empty header cells (common in xlsx)
        header.pop()
    ignore = {fold(x) for x in opts.ignore}
    problems: list[Problem] = []
    columns: list[str] = []
    positions: list[int] = []
    left_out: list[str] = []
    unknown: list[str] = []
    unknown_at: int | None = None
    seen: dict[str, str] = {}
    names = ["" if raw is None else str(raw).strip().lstrip("\ufeff") for raw in header]
    found_ignored: set[str] = set()
    for i, name in enumerate(names):
        f = fold(name)
        if f and f in ignore:
            found_ignored.add(f)
            left_out.append(name)
            continue
        key = known.get(f)
        if key is None:
            if f == "":
                if opts.ignore_extra:
                    continue
                problems.append(Problem(row, "", "", say("msg.no_header")))
            elif opts.ignore_extra:
                left_out.append(name)
            else:
                if unknown_at is None:
                    unknown_at = len(problems)
                    problems.append(Problem(row, "", "", ""))  # filled in below
                unknown.append(name)
            continue
        if key in seen:
            problems.append(Problem(row, name, "", say("msg.column_repeated",
                                                       other=repr(seen[key]))))
            continue
        seen[key] = name
        columns.append(key)
        positions.append(i)
    if unknown_at is not None:
        allowed = ", ".join(f"{k}/{v}" for k, v in spec.items())
        which = say("msg.unknown_column" if len(unknown) == 1 else "msg.unknown_columns",
                    allowed=allowed)
        problems[unknown_at] = Problem(row, ", ".join(unknown), "",
                                       f"{which}; {say('msg.unknown_hint')}")
    for key in sorted(required - set(seen)):
        hint = ""
        if left_out:  # the column may be there under another header
            hint = say("msg.left_out_hint", left=", ".join(left_out), key=key)
        problems.append(Problem(row, f"{key}/{spec[key]}", "", say("msg.column_missing") + hint))
    for x in opts.ignore:
        if fold(x) not in found_ignored:
            problems.append(Problem(row, str(x), "", say("msg.ignore_no_column")))
    if problems:
        raise BadHeader(problems, str(path))
    return columns, positions, left_out, names


class Checker:
    """Collects problems while rows are parsed, so every bad row is reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, row: int, column: str, value: object, reason: str) -> None:
        """One problem; an id number's value is kept masked (`mask_id_number`): no message,
        rejects file's problem or JSON shows a personal number whole."""
        if column == "id_number" and value not in (None, ""):
            value = mask_id_number(value)
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


def mask_id_number(value: Any) -> str:
    """An id number as every output shows it: the first 6 and last 4 kept, `411102********1234`
    (shorter text is masked whole but for its last character)."""
    s = "" if value is None else str(value)
    if len(s) > 10:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    return "*" * max(len(s) - 1, 0) + s[-1:]


#: Text that may be a resident identity number (18 characters, the last a check digit), where
#: a message could show one: `mask_id_numbers` masks them.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9０-９]{17}[0-9Xx０-９ｘＸ](?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """`text` with anything that looks like an id number masked (the last guard of a message)."""
    if len(text) < 18:
        return text
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), text)


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
        raise FieldError(field, say("msg.bad_text"))
    return s


def code(value: Any, field: str, required: bool = True) -> str | None:
    """A code: text with no whitespace inside, NFKC-normalised (`Ｇ０１９０` is `G0190`)."""
    s = text(value, field, required=required, max_length=50)
    if s is not None:
        s = norm_code(s)
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
        raise FieldError(field, say("msg.outside", value=s, low=f"{low:g}", high=f"{high:g}"))
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
