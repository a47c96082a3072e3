"""Dates and periods as users type them: 2020-04-03, 2020/4/3, 2020年4月3日; months; periods."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta

from trainlog.errors import FRAME, FieldError, TrainlogError

_DATE = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*$")
_DATETIME_TAIL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


#: The start of a cadre's first facts (they hold for every earlier date), and a fact's open end.
ALWAYS = date.min
FOREVER = date.max


def today() -> date:
    """Today, or TRAINLOG_TODAY when set (for tests and for replaying a past day's cron job)."""
    fixed = os.environ.get("TRAINLOG_TODAY")
    return parse_date(fixed, "TRAINLOG_TODAY") if fixed else date.today()


def parse_date(value: object, field: str = "date") -> date:
    """A date from a date object, YYYY-MM-DD, YYYY/M/D or YYYY年M月D日."""
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # datetime from xlsx
    text = str(value).strip()
    tail = _DATETIME_TAIL.match(text)
    if tail:
        text = tail.group(1)
    m = _DATE.match(text)
    if not m:
        raise FieldError(field, FRAME["not_date"].format(value=repr(value)))
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise FieldError(field, FRAME["not_real_date"].format(value=repr(value),
                                                              reason=exc)) from None


def parse_month(value: object, field: str = "month") -> date:
    """The first day of a month from YYYY-MM, YYYY/M, YYYY年M月, this or last."""
    if isinstance(value, date):
        return value.replace(day=1) if type(value) is date else value.date().replace(day=1)
    text = str(value).strip().lower()
    now = today()
    if text in ("this", "本月"):
        return now.replace(day=1)
    if text in ("last", "上月"):
        if (now.year, now.month) == (1, 1):  # today is in the first month a date can have
            raise FieldError(field, FRAME["no_month_before"].format(value=repr(value),
                                                                    today=now.isoformat()))
        return (now.replace(day=1) - timedelta(days=1)).replace(day=1)
    m = _MONTH.match(text)
    if not m:
        try:  # a full date names its month too
            return parse_date(text, field).replace(day=1)
        except TrainlogError:
            pass
        raise FieldError(field, FRAME["not_month"].format(value=repr(value)))
    year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or year < 1:
        raise FieldError(field, FRAME["not_real_month"].format(value=repr(value)))
    return date(year, month, 1)


def month_end(first: date) -> date:
    """The last day of the month of `first`."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def days_in_month(first: date) -> int:
    return calendar.monthrange(first.year, first.month)[1]


@dataclass(frozen=True)
class Period:
    """An inclusive range of days, with the label reports show."""

    start: date
    end: date
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "label": self.label}

    @property
    def months(self) -> int:
        """How many calendar months the period touches."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def each_month(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        out, d = [], self.start.replace(day=1)
        while d <= self.end:
            out.append(d)
            if (d.year, d.month) == (9999, 12):  # the last month a date can have
                break
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return out

    @property
    def whole_year(self) -> bool:
        s, e = self.start, self.end
        return s.year == e.year and (s.month, s.day, e.month, e.day) == (1, 1, 12, 31)


def _range_label(start: date, end: date) -> str:
    if start.day == 1 and end == month_end(start):
        return f"{start.year:04d}-{start.month:02d}"  # 0001-01, not strftime's 1-01
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year:04d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def resolve_period(
    month: str | None = None,
    year: int | None = None,
    start: str | None = None,
    end: str | None = None,
    as_of: str | None = None,
) -> Period:
    """The period a report covers, from the options of DESIGN.md, cut off at `as_of`."""
    cut = parse_date(as_of, "--as-of") if as_of else None
    given = sum(x is not None for x in (month, year)) + (start is not None or end is not None)
    if given > 1:
        raise TrainlogError(FRAME["one_period"])
    if month is not None:
        first = parse_month(month, "--month")
        lo, hi = first, month_end(first)
    elif year is not None:
        if not 1 <= year <= 9999:
            raise TrainlogError(FRAME["not_year"].format(year=year))
        lo, hi = date(year, 1, 1), date(year, 12, 31)
    elif start is not None or end is not None:
        hi = parse_date(end, "--to") if end is not None else (cut or today())
        lo = parse_date(start, "--from") if start is not None else date(hi.year, 1, 1)
        if lo > hi:
            raise TrainlogError(FRAME["from_after_to"].format(start=lo, end=hi))
    else:
        anchor = cut or today()
        lo, hi = anchor.replace(day=1), month_end(anchor)
    if cut is not None:
        if cut < lo:
            raise TrainlogError(FRAME["as_of_before"].format(day=cut, start=lo))
        hi = min(hi, cut)
    return Period(lo, hi, _range_label(lo, hi))
