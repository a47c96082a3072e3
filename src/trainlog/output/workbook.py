"""The Excel workbook of `trainlog export`: the year's figures as sheets and native charts.

Every figure comes from a GROUP BY in the database (the report's own functions, or the per-cadre
and per-session aggregates here, SQL text on a `trainlog.store.sql.Conn`); rows are streamed from
the database into a write-only workbook, so a province's 100,000 cadres never sit in memory.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainlog.dates import Period, month_end, resolve_period
from trainlog.errors import TrainlogError
from trainlog.output.periods import month
from trainlog.reports.plan import expected_share, monthly, round_half_up
from trainlog.store.sql import Conn, as_date
from trainlog.vocab import TRACKS, label, say, word

if TYPE_CHECKING:
    from openpyxl import Workbook

COUNT_KEYS = ["person_times", "people", "hours", "sessions"]
#: rows read before the column widths are fixed (a write-only sheet needs them up front)
WIDTH_SAMPLE = 2000
MAX_WIDTH = 60
#: a header wider than this (in columns) wraps rather than widen its column
HEADER_WIDTH = 16
#: townships a chart shows at most
CHART_TOWNSHIPS = 40
#: characters that would make a spreadsheet run a text as a formula
FORMULA_START = ("=", "+", "-", "@")
#: control characters an .xlsx cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)
_UNSAFE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

def w(key: str, lang: str) -> str:
    """A word of the workbook: its own (trainlog.vocab.WORDS["workbook.KEY"]) or the general one."""
    return word(key, lang, "workbook")


def _track_label(track: str | None, lang: str) -> str:
    return label(track, lang, "track") if track else w("all_tracks", lang)


# The figures


def cadre_rows(conn: Conn, period: Period) -> Iterator[tuple[Any, ...]]:
    """Each cadre (active on the period's last day, or with a record in the period), with his
    facts on that day, named person-times and hours per
    track and online study per month: GROUP BY cadre, track and cadre, month, pivoted in SQL.

    Rows stream from the database.
    """
    months = period.each_month()
    params: dict[str, Any] = {"start": period.start, "end": period.end, "first": months[0]}
    pivot = []
    for i, t in enumerate(TRACKS):
        params[f"t{i}"] = t
        pivot += [f"sum(CASE WHEN track = :t{i} THEN n ELSE 0 END) AS {t}_n",
                  f"sum(CASE WHEN track = :t{i} THEN h ELSE 0.0 END) AS {t}_h"]
    by_month = []
    for i, m in enumerate(months):
        params[f"m{i}"] = m
        by_month.append(f"sum(CASE WHEN m = :m{i} THEN h END) AS m{i}")
    sql = (
        "WITH att AS ("
        " SELECT a.cadre_id AS cid, s.track AS track, count(*) AS n, sum(a.hours) AS h"
        " FROM attendance a JOIN training_session s ON s.id = a.session_id"
        " WHERE s.office_id = :office AND NOT s.void AND s.date >= :start AND s.date <= :end"
        " GROUP BY a.cadre_id, s.track),"
        f" atp AS (SELECT cid, {', '.join(pivot)}, sum(n) AS all_n, sum(h) AS all_h"
        " FROM att GROUP BY cid),"
        " study AS ("
        " SELECT cadre_id AS cid, month AS m, sum(hours) AS h FROM online_study"
        " WHERE office_id = :office AND month >= :first AND month <= :end"
        " GROUP BY cadre_id, month),"
        f" stp AS (SELECT cid, {', '.join(by_month)}, sum(h) AS total FROM study GROUP BY cid)"
        " SELECT c.code, c.name, f.unit, f.level, b.code, b.township, f.top_leader,"
        " f.poverty_cadre, f.party_member, c.registered_on, coalesce(f.active, 0 = 1),"
        f" {', '.join(f'atp.{t}_n, atp.{t}_h' for t in TRACKS)}, atp.all_n, atp.all_h,"
        f" {', '.join(f'stp.m{i}' for i in range(len(months)))}, stp.total"
        " FROM cadre c"
        # the cadre's facts on the period's last day
        " LEFT JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_from <= :end"
        " AND :end < f.valid_to"
        " LEFT JOIN branch b ON b.id = f.branch_id"
        " LEFT JOIN atp ON atp.cid = c.id"
        " LEFT JOIN stp ON stp.cid = c.id"
        " WHERE c.office_id = :office"
        " AND (f.active OR atp.cid IS NOT NULL OR stp.cid IS NOT NULL)"
        " ORDER BY c.code")
    for row in conn.stream(sql, params, size=WIDTH_SAMPLE):
        yield (*row[:9], as_date(row[9]), *row[10:])


def session_rows(conn: Conn, period: Period) -> Iterator[tuple[Any, ...]]:
    """The period's sessions (not void) by date, with their branch and attendance counts."""
    sql = ("SELECT s.id, s.ref, s.date, s.track, s.kind, s.topic, s.title, s.hours, b.code,"
           " b.name, b.township, s.attendee_count, s.headcount, s.attendee_count + s.headcount"
           " FROM training_session s LEFT JOIN branch b ON b.id = s.branch_id"
           " WHERE s.office_id = :office AND NOT s.void AND s.date >= :start"
           " AND s.date <= :end ORDER BY s.date, s.id")
    for row in conn.stream(sql, {"start": period.start, "end": period.end}, size=WIDTH_SAMPLE):
        yield (*row[:2], as_date(row[2]), *row[3:])


def branch_rows(conn: Conn, period: Period) -> list[dict[str, Any]]:
    """Every active branch with its video sessions and its remote-education sessions."""
    from trainlog.reports.coverage import coverage

    video = {b["branch"]: b["sessions"] for b in coverage(conn, period).branches}
    return [b | {"video": video.get(b["branch"], 0)}
            for b in coverage(conn, period, kind="remote").branches]


def township_rows(branches: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branches per township (in order of their first branch code; none last): how many held
    remote-education sessions, and how many sessions."""
    out: dict[str | None, dict[str, Any]] = {}
    for b in branches:
        t = out.setdefault(b["township"], {"township": b["township"], "branches": 0,
                                           "with_sessions": 0, "sessions": 0})
        t["branches"] += 1
        t["with_sessions"] += 1 if b["sessions"] else 0
        t["sessions"] += b["sessions"]
    rows = sorted(out.values(), key=lambda r: r["township"] is None)
    for r in rows:
        r["without"] = r["branches"] - r["with_sessions"]
        r["coverage"] = round_half_up(r["with_sessions"] / r["branches"], 4)
    return rows


# Cells


@dataclass(frozen=True)
class Col:
    """A column: its header, the kind of its values (text, int, float, ratio, date, month,
    bool, label:FIELD) and whether it stays in view when scrolling right."""

    header: str
    kind: str = "text"


NUMBER_FORMATS = {"int": "#,##0", "float": "#,##0.0", "ratio": "0.0%", "date": "yyyy-mm-dd"}


def _month_format(lang: str) -> str:
    return 'yyyy"年"m"月"' if lang == "zh" else "yyyy-mm"


def display_width(text: str) -> int:
    """Columns a text takes: a Chinese character (East Asian wide or full-width) takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Book:
    """A write-only workbook and the styles of its cells."""

    def __init__(self, lang: str):
        from openpyxl import Workbook
        from openpyxl.styles import DEFAULT_FONT, Alignment, Border, Font, PatternFill, Side

        self.lang = lang
        self.wb: Workbook = Workbook(write_only=True)
        # The workbook's own font, bold or larger: a bare Font() would fall back to a serif.
        base = {"name": DEFAULT_FONT.name, "family": DEFAULT_FONT.family,
                "scheme": DEFAULT_FONT.scheme, "b": True}
        self.header_font = Font(sz=DEFAULT_FONT.sz, **base)
        self.header_fill = PatternFill("solid", fgColor="DDEBF7")
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.header_border = Border(bottom=Side(style="thin", color="8EA9DB"))
        self.bold = self.header_font
        self.title_font = Font(sz=14, **base)
        self.alert_fill = PatternFill("solid", fgColor="F8CBAD")

    def sheet(self, title: str, landscape: bool = True) -> Any:
        """A new sheet that prints as wide as the page (landscape unless told otherwise)."""
        ws = self.wb.create_sheet(title)
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        return ws

    def cell(self, ws: Any, value: Any, kind: str = "text", *, bold: bool = False,
             fill: Any = None) -> Any:
        """One cell: numbers and dates typed and formatted, text never run as a formula."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if value is None:
            c = WriteOnlyCell(ws)
        elif kind == "bool":
            c = WriteOnlyCell(ws, w("yes" if value else "no", self.lang))
        elif kind.startswith("label:"):
            c = self.text(ws, label(str(value), self.lang, kind[6:]))
        elif kind in NUMBER_FORMATS or kind == "month":
            if kind == "int":
                value = int(value)
            elif kind in ("float", "ratio"):
                value = float(value)
            c = WriteOnlyCell(ws, value)
            c.number_format = (_month_format(self.lang) if kind == "month"
                               else NUMBER_FORMATS[kind])
        else:
            c = self.text(ws, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        if bold:
            c.font = self.bold
        if fill is not None:
            c.fill = fill
        return c

    @staticmethod
    def text(ws: Any, value: str) -> Any:
        """A text cell; one that starts like a formula (= + - @) is stored and shown as text."""
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(ws, value)
        if value.startswith(FORMULA_START):
            c.data_type = "s"
            c.quotePrefix = True  # editing the cell in Excel keeps it text, too
        return c

    def header(self, ws: Any, text: str) -> Any:
        c = self.text(ws, text)
        c.font, c.fill, c.alignment, c.border = (self.header_font, self.header_fill,
                                                 self.header_align, self.header_border)
        return c

    def plain(self, ws: Any, kind: str, formatted: bool) -> Callable[[Any], Any]:
        """How a column's values are written: as plain values where Excel's General format
        shows them well (a styled cell costs openpyxl three times as much), else as cells."""
        lang = self.lang
        if kind in ("text", "bool") or kind.startswith("label:"):
            field = kind[6:] if kind.startswith("label:") else None
            yes, no = w("yes", lang), w("no", lang)

            def text(v: Any) -> Any:
                if v is None:
                    return None
                if kind == "bool":
                    return yes if v else no
                s = label(str(v), lang, field) if field else str(v)
                if _UNSAFE.search(s):
                    s = _UNSAFE.sub("", s)
                return self.text(ws, s) if s.startswith(FORMULA_START) else s

            return text
        if kind == "date":  # openpyxl gives a date the format yyyy-mm-dd by itself
            return lambda v: v
        if kind in ("int", "float") and not formatted:
            # a float sum without the noise of its order of addition (56.90000000000001), which
            # differs between SQLite and PostgreSQL
            cast = int if kind == "int" else (lambda v: round(float(v), 9))
            return lambda v: None if v is None else cast(v)
        return lambda v: None if v is None else self.cell(ws, v, kind)

    def table(self, title: str, cols: Sequence[Col], rows: Iterable[Sequence[Any]], *,
              freeze: int = 1, fills: Any = None, bold: Any = None,
              formatted: bool = False) -> tuple[Any, int]:
        """A sheet holding one table: header row frozen with the first `freeze` columns, a
        filter, widths from the header and the first rows. (sheet, number of data rows)

        Rows stream from `rows` into the file; `formatted` gives counts thousands separators
        and hours one decimal (for sheets of a few rows: a styled cell is slow to write).
        """
        from openpyxl.utils import get_column_letter

        ws = self.sheet(title, landscape=len(cols) > 6)
        ws.print_title_rows = "1:1"  # the header on every printed page
        it = iter(rows)
        head = list(islice(it, WIDTH_SAMPLE))
        lines = 1
        for i, col in enumerate(cols):
            title = display_width(col.header)
            width = min(max([title if title <= HEADER_WIDTH else HEADER_WIDTH] +
                            [self._shown_width(r[i], col.kind) for r in head]) + 2, MAX_WIDTH)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
            lines = max(lines, math.ceil(title / (width - 2)))
        if lines > 1:  # a long header wraps: its row is made high enough (LibreOffice needs it)
            ws.row_dimensions[1].height = 15 * min(lines, 4)
        ws.freeze_panes = f"{get_column_letter(freeze + 1)}2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(head) + 1}"
        ws.append([self.header(ws, c.header) for c in cols])
        writers = [self.plain(ws, c.kind, formatted) for c in cols]
        n = 0
        for row in chain(head, it):
            fill = fills(row) if fills else None
            strong = bool(bold and bold(row))
            if fill or strong:
                ws.append([self.cell(ws, v, c.kind, bold=strong,
                                     fill=fill.get(i) if fill else None)
                           for i, (v, c) in enumerate(zip(row, cols, strict=True))])
            else:
                ws.append([put(v) for put, v in zip(writers, row, strict=True)])
            n += 1
        if n > len(head):  # the filter covers every row, not only the first ones
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
        return ws, n

    def _shown_width(self, value: Any, kind: str) -> int:
        if value is None:
            return 0
        if kind in ("int", "float"):
            return len(f"{value:,.1f}")
        if kind == "ratio":
            return 7
        if kind == "date":
            return 10
        if kind == "month":
            return 9
        if kind == "bool":
            return 4
        if kind.startswith("label:"):
            return display_width(label(str(value), self.lang, kind[6:]))
        return display_width(str(value))


# The sheets


#: the words in the summary's first column
SUMMARY_LABELS = ["from", "to", "track", "total", "target", "to_date", "progress", "expected",
                  "behind", "deadline", "days_left", "needed_per_month", "figures", "top_leaders",
                  "branches", "with_sessions", "remote_sessions", "coverage", "party_members",
                  "registered", "registration_coverage", "min_month", "min_year", "checked",
                  "short_count", "no_plan"]


def _summary(book: Book, fig: dict[str, Any]) -> None:
    """Key figures: the report's tracks and total, the plan, coverage and compliance."""
    lang = book.lang
    r, cov, comp = fig["report"], fig["coverage"], fig["compliance"]
    ws = book.sheet(w("summary", lang), landscape=False)
    labels = [w(k, lang) for k in SUMMARY_LABELS]
    first = max(display_width(x) for x in labels) + 2
    for letter, width in zip("ABCDE", (first, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    cell = book.cell
    title = w("heading", lang)
    if fig["audience"] != "all":
        who = label(fig["audience"], lang, "audience")
        title += f"（仅计{who}）" if lang == "zh" else f" ({who} only)"
    t = book.text(ws, title)
    t.font = book.title_font
    ws.append([t])
    ws.append([cell(ws, w("from", lang)), cell(ws, date.fromisoformat(r["period"]["from"]), "date")])
    ws.append([cell(ws, w("to", lang)), cell(ws, date.fromisoformat(r["period"]["to"]), "date")])
    ws.append([])
    ws.append([book.header(ws, w(k, lang)) for k in ("track", "sessions", "person_times",
                                                      "people", "hours")])
    kinds = ("int", "int", "int", "float")
    for row in r["tracks"]:
        ws.append([cell(ws, row["track"], "label:track"),
                   *(cell(ws, row[k], kd) for k, kd in zip(("sessions", "person_times", "people",
                                                            "hours"), kinds, strict=True))])
    total = r["total"]
    ws.append([cell(ws, w("total", lang), bold=True),
               *(cell(ws, total[k], kd, bold=True) for k, kd in zip(
                   ("sessions", "person_times", "people", "hours"), kinds, strict=True))])
    ws.append([])
    plan = r["plan"]
    ws.append([book.header(ws, f"{w('plan', lang)}（{_track_label(plan['track'], lang)}）"
                           if plan and lang == "zh" else
                           f"{w('plan', lang)} ({_track_label(plan['track'], lang)})" if plan
                           else w("plan", lang)),
               book.header(ws, w("value", lang))])
    if plan is None:
        ws.append([cell(ws, w("no_plan", lang))])
    else:
        for key, kind in (("target", "int"), ("to_date", "int"), ("progress", "ratio"),
                          ("expected", "ratio"), ("behind", "bool"), ("deadline", "date"),
                          ("days_left", "int"), ("needed_per_month", "float")):
            value = date.fromisoformat(plan[key]) if kind == "date" else plan[key]
            fill = book.alert_fill if key == "behind" and plan["behind"] else None
            ws.append([cell(ws, w(key, lang)), cell(ws, value, kind, fill=fill)])
    ws.append([])
    ws.append([book.header(ws, w("figures", lang)), book.header(ws, w("value", lang))])
    figures = [("top_leaders", fig["top_leaders"], "int"),
               ("branches", cov["branches"], "int"),
               ("with_sessions", cov["with_sessions"], "int"),
               ("remote_sessions", cov["sessions"], "int"),
               ("coverage", cov["coverage"], "ratio"),
               ("party_members", comp["party_members"], "int"),
               ("registered", comp["registered"], "int"),
               ("registration_coverage", comp["registration_coverage"], "ratio"),
               ("min_month", comp["min_month"], "float"),
               ("min_year", comp["min_year"], "float"),
               ("checked", comp["checked"], "int"),
               ("short_count", comp["short_count"], "int")]
    for key, value, kind in figures:
        ws.append([cell(ws, w(key, lang)), cell(ws, value, kind)])


def _column(track: str, metric: str, lang: str) -> str:
    """A track's count as a header: 政策培训人次, 合计学时, 专题培训次数 / Policy person-times."""
    name = w("total", lang) if track == "total" else label(track, lang, "track")
    if lang == "zh":
        return name + ("次数" if metric == "sessions" else w(metric, lang))
    return f"{name} {w(metric, lang).lower()}"


def _monthly(book: Book, period: Period, rows: list[dict[str, Any]],
             plan: dict[str, Any] | None, fig: dict[str, Any]) -> tuple[Any, int, int]:
    """Months of the year (those after the period left blank) by metric and track, with the
    plan's track cumulated against a steady pace to its target. (sheet, months, columns)"""
    lang = book.lang
    keys = [*TRACKS, "total"]
    cols = [Col(w("month", lang), "month")]
    for metric in COUNT_KEYS:
        for k in keys:
            cols.append(Col(_column(k, metric, lang), "float" if metric == "hours" else "int"))
    scope = plan["track"] if plan else None
    scope_text = _track_label(scope, lang)
    cum_header = (f"{w('cumulative', lang)}（{scope_text}）" if lang == "zh"
                  else f"{w('cumulative', lang)} ({scope_text})")
    cols += [Col(cum_header, "int"), Col(w("pace", lang), "float"),
             Col(w("plan_target", lang), "int")]
    by_month = {r["month"]: r for r in rows}
    year = period.end.year
    deadline = date.fromisoformat(plan["deadline"]) if plan else None
    out, cumulative = [], 0
    for m in range(1, 13):
        first = date(year, m, 1)
        row: list[Any] = [first]
        data = by_month.get(f"{year:04d}-{m:02d}")
        for metric in COUNT_KEYS:
            row += [data[k][metric] if data else None for k in keys]
        if data:
            cumulative += data[scope or "total"]["person_times"]
        row.append(cumulative if data else None)
        if plan and deadline:
            # At each month's end: a straight line to the target (the as-of day's share is the
            # summary's `expected`).
            share = expected_share(year, deadline, month_end(first))
            row += [round_half_up(plan["target"] * share, 1),
                    plan["target"]]
        else:
            row += [None, None]
        out.append(row)
    # The period's totals, as the report gives them (people are distinct over the period).
    r = fig["report"]
    per_track = {t["track"]: t for t in r["tracks"]} | {"total": r["total"]}
    total_row: list[Any] = [w("total", lang)]
    for metric in COUNT_KEYS:
        total_row += [per_track[k][metric] for k in keys]
    total_row += [plan["to_date"] if plan else cumulative, None, None]
    ws, _ = book.table(w("monthly", lang), cols, [*out, total_row], freeze=1,
                       bold=lambda row: row is total_row, formatted=True)
    return ws, 12, len(cols)


def _charts(book: Book, ws: Any, monthly_ws: Any, n_cols: int, towns_ws: Any, n_towns: int,
            plan: dict[str, Any] | None) -> None:
    """Native charts: person-times per month by track (stacked columns) with the cumulative
    total against the plan's steady pace (lines, right axis); branches by township."""
    from openpyxl.chart import BarChart, LineChart, Reference, Series

    lang = book.lang
    bar = BarChart()
    bar.type, bar.grouping, bar.overlap = "col", "stacked", 100
    bar.title = w("chart_monthly", lang)
    bar.y_axis.title = w("chart_monthly_y", lang)
    months = Reference(monthly_ws, min_col=1, min_row=2, max_row=13)
    for i, t in enumerate(TRACKS):
        values = Reference(monthly_ws, min_col=2 + i, min_row=2, max_row=13)
        bar.series.append(Series(values, title=label(t, lang, "track")))
    bar.set_categories(months)
    bar.x_axis.number_format = 'm"月"' if lang == "zh" else "mmm"
    line = LineChart()
    scope = _track_label(plan["track"] if plan else None, lang)
    cum = Reference(monthly_ws, min_col=n_cols - 2, min_row=2, max_row=13)
    line.series.append(Series(cum, title=f"{w('cumulative', lang)}（{scope}）" if lang == "zh"
                              else f"{w('cumulative', lang)} ({scope})"))
    if plan:
        pace = Reference(monthly_ws, min_col=n_cols - 1, min_row=2, max_row=13)
        line.series.append(Series(pace, title=w("pace", lang)))
        line.series[1].graphicalProperties.line.dashStyle = "dash"
    for s in line.series:
        s.smooth = False
    line.y_axis.axId = 200
    line.y_axis.title = w("chart_monthly_y2", lang)
    line.y_axis.crosses = "max"
    line.y_axis.majorGridlines = None
    for axis in (bar.x_axis, bar.y_axis, line.y_axis):
        axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    bar += line
    bar.legend.position = "b"
    bar.width, bar.height = 24, 12
    ws.add_chart(bar, "A1")

    towns = BarChart()
    towns.type, towns.grouping, towns.overlap = "bar", "stacked", 100
    shown = min(n_towns, CHART_TOWNSHIPS)
    title = w("chart_townships", lang)
    if shown < n_towns:  # a province's thousand townships would make an unreadable chart
        title += (f"（前{shown}个，共{n_towns}个）" if lang == "zh"
                  else f" (first {shown} of {n_towns})")
    towns.title = title
    for col, key in ((3, "held"), (4, "not_held")):
        ref = Reference(towns_ws, min_col=col, min_row=2, max_row=shown + 1)
        towns.series.append(Series(ref, title=w(key, lang)))
    towns.set_categories(Reference(towns_ws, min_col=1, min_row=2, max_row=shown + 1))
    towns.x_axis.scaling.orientation = "maxMin"  # first township on top, as in the sheet
    towns.y_axis.title = w("branches", lang)
    towns.y_axis.crosses = "max"  # the value axis below the last township
    towns.gapWidth = 40
    towns.x_axis.tickLblSkip = 1  # every township's name, none skipped
    towns.x_axis.delete = towns.y_axis.delete = False
    towns.legend.position = "b"
    towns.width, towns.height = 24, max(8.0, 3 + 0.8 * shown)
    from openpyxl.worksheet.pagebreak import Break

    ws.add_chart(towns, "A28")
    ws.row_breaks.append(Break(id=27))  # each chart on its own printed page


def build(conn: Conn, period: Period, lang: str = "zh") -> tuple[Workbook, dict[str, Any]]:
    """The workbook for a period, and what it holds (sheet names and row counts).

    `conn` is read from while the sheets are
    written.
    """
    from trainlog.output.notice import gather

    book = Book(lang)
    fig = gather(conn, period)
    plan = fig["report"]["plan"]
    rows = monthly(conn, period)
    _summary(book, fig)
    charts_ws = book.sheet(w("charts", lang))  # second; its charts come at the end
    monthly_ws, _, n_cols = _monthly(book, period, rows, plan, fig)

    track_cols = [Col(w("id", lang), "int"), Col(w("ref", lang)), Col(w("date", lang), "date"),
                  Col(w("track", lang), "label:track"), Col(w("kind", lang), "label:kind"),
                  Col(w("topic", lang), "label:topic"), Col(w("title", lang)),
                  Col(w("session_hours", lang), "float"), Col(w("branch", lang)),
                  Col(w("branch_name", lang)), Col(w("township", lang)),
                  Col(w("named", lang), "int"), Col(w("headcount", lang), "int"),
                  Col(w("person_times", lang), "int")]
    _, n_sessions = book.table(w("sessions_sheet", lang), track_cols,
                               session_rows(conn, period), freeze=1)

    cadre_cols = [Col(w("cadre", lang)), Col(word("name", lang, "cadre")), Col(w("unit", lang)),
                  Col(w("level", lang), "label:level"), Col(w("branch", lang)),
                  Col(w("township", lang)), Col(w("top_leader", lang), "bool"),
                  Col(w("poverty_cadre", lang), "bool"), Col(w("party_member", lang), "bool"),
                  Col(w("registered_on", lang), "date"), Col(w("active", lang), "bool")]
    for t in [*TRACKS, "total"]:
        for metric, kind in (("person_times", "int"), ("hours", "float")):
            cadre_cols.append(Col(_column(t, metric, lang), kind))
    for m in period.each_month():
        cadre_cols.append(Col(f"{w('online', lang)} {month(m, lang)}", "float"))
    cadre_cols.append(Col(w("online_total", lang), "float"))
    _, n_cadres = book.table(w("cadres_sheet", lang), cadre_cols,
                             (_zero_counts(r, 11, 8) for r in cadre_rows(conn, period)),
                             freeze=2)

    comp = fig["compliance"]
    short_cols = [Col(w("cadre", lang)), Col(word("name", lang, "cadre")), Col(w("branch", lang)),
                  Col(w("period_hours", lang), "float"), Col(w("required", lang), "float"),
                  Col(w("year_to_date", lang), "float"), Col(w("months_short", lang), "int")]
    book.table(w("shortfall_sheet", lang), short_cols,
               ([r["cadre"], r["name"], r["branch"], r["hours"], r["required"],
                 r["year_to_date"], r["months_short"]] for r in comp["short"]), freeze=2)

    hours = fig["hours"]
    hours_cols = [Col(w("cadre", lang)), Col(word("name", lang, "cadre")), Col(w("branch", lang)),
                  Col(w("rank", lang), "label:rank"), Col(w("window_from", lang), "date"),
                  Col(w("window_to", lang), "date"),
                  Col(w("group_hours", lang), "float"), Col(w("group_required", lang), "float"),
                  Col(w("online_hours", lang), "float"), Col(w("online_required", lang), "float"),
                  Col(w("status", lang), "label:status"), Col(w("grace_until", lang), "date")]
    _, n_hours = book.table(
        w("hours_sheet", lang), hours_cols,
        ([c["cadre"], c["name"], c["branch"], c["rank"], date.fromisoformat(c["window"]["from"]),
          date.fromisoformat(c["window"]["to"]), c["group_hours"], c["group_required"],
          c["online_hours"], c["online_required"], c["status"],
          date.fromisoformat(c["grace_until"]) if c["grace_until"] else None]
         for c in hours["cadres"]), freeze=2,
        fills=lambda row: {10: book.alert_fill} if row[10] == "short" else None)

    branches = branch_rows(conn, period)
    branch_cols = [Col(w("branch", lang)), Col(w("branch_name", lang)),
                   Col(w("township", lang)), Col(w("video_sessions", lang), "int"),
                   Col(w("remote_sessions", lang), "int")]
    book.table(w("branches_sheet", lang), branch_cols,
               ([b["branch"], b["name"], b["township"], b["video"], b["sessions"]]
                for b in branches), freeze=2,
               fills=lambda row: {4: book.alert_fill} if not row[4] else None)

    towns = township_rows(branches)
    town_cols = [Col(w("township", lang)), Col(w("branches", lang), "int"),
                 Col(w("with_sessions", lang), "int"), Col(w("without", lang), "int"),
                 Col(w("coverage", lang), "ratio"), Col(w("remote_sessions", lang), "int")]
    towns_ws, n_towns = book.table(
        w("townships_sheet", lang), town_cols,
        ([t["township"] or w("no_township", lang), t["branches"], t["with_sessions"],
          t["without"], t["coverage"], t["sessions"]] for t in towns), freeze=1,
        formatted=True)

    _charts(book, charts_ws, monthly_ws, n_cols, towns_ws, n_towns, plan)
    info = {"period": period.as_dict(), "lang": lang,
            "sheets": [ws.title for ws in book.wb.worksheets],
            "sessions": n_sessions, "cadres": n_cadres, "short": comp["short_count"],
            "hours_checked": n_hours, "hours_short": hours["short_count"],
            "branches": len(branches), "townships": n_towns}
    return book.wb, info


def _zero_counts(row: Sequence[Any], start: int, n: int) -> list[Any]:
    """A cadre row with no attendance as zeros (not blanks): they attended nothing."""
    out = list(row)
    for i in range(start, start + n):
        if out[i] is None:
            out[i] = 0.0 if (i - start) % 2 else 0
    return out


def export_workbook(conn: Conn, path: str | Path, period: Period | int,
                    as_of: str | None = None, lang: str = "zh") -> dict[str, Any]:
    """Write the workbook of `period` (or of a whole year, cut off at `as_of`) to `path`,
    replacing it whole or not at all; what it holds, with the file's path."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise TrainlogError(say("msg.workbook_suffix", path=target))
    if target.is_dir():
        raise TrainlogError(say("msg.workbook_is_folder", path=target))
    if not target.parent.is_dir():
        raise TrainlogError(say("msg.no_such_folder", path=target.parent))
    if isinstance(period, int):
        period = resolve_period(year=period, as_of=as_of)
    _remove_stale_parts(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        info, failed = _write(conn, period, lang, tmp)
        if failed is not None:
            raise failed
        os.replace(tmp, target)
    except OSError as exc:
        raise TrainlogError(say("msg.cannot_write", path=target,
                                reason=exc.strerror or exc)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"file": str(target.absolute()), **info}


def _write(conn: Conn, period: Period, lang: str,
           tmp: Path) -> tuple[dict[str, Any], BaseException | None]:
    """Build the workbook and save it to `tmp`: what it holds, and what stopped the save (a full
    disk, Ctrl-C), without its traceback. The half-made workbook is freed here, with Python's
    report of errors in finalisers silenced meanwhile: its zip file and sheet writers fail again
    as they close, and would each print "Exception ignored … OSError" and a traceback."""
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    info: dict[str, Any] = {}
    failed: BaseException | None = None
    try:
        try:
            wb, info = build(conn, period, lang)
            wb.save(tmp)
        except (OSError, KeyboardInterrupt, SystemExit) as exc:
            failed = type(exc)(*exc.args)  # a copy: the original's tracebacks hold the frames
        except Exception as exc:  # lxml (python-docx's) writes openpyxl's XML: its IO error
            if type(exc).__name__ != "SerialisationError":
                raise
            import errno

            code = errno.EFBIG if "EFBIG" in str(exc) else errno.ENOSPC
            failed = OSError(code, os.strerror(code))
        wb = None  # noqa: F841 (the workbook and the frames of the failed save, freed here)
        if failed is not None:
            gc.collect()
    finally:
        sys.unraisablehook = hook
    return info, failed


def _remove_stale_parts(target: Path) -> None:
    """The partial files of exports killed (SIGKILL, a power cut) before they could remove
    their own: `.NAME.PID.part` beside NAME, of a process that no longer runs."""
    for part in target.parent.glob(f".{glob_escape(target.name)}.*.part"):
        pid = part.name[len(target.name) + 2:-len(".part")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # gone: its part is left over
            part.unlink(missing_ok=True)
        except (OSError, OverflowError):  # another user's process, or not a pid
            continue


def glob_escape(name: str) -> str:
    from glob import escape

    return escape(name)

