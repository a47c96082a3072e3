"""Dates, months and periods as people read them, in English or zh-CN: the one wording of the
report, the notice, the workbook and the charts.

Two styles: the terse one of titles, tables and headers (2020-04-03, 2020-04 / 2020年4月3日,
2020年4月) and the prose of the notice (3 April 2020, April 2020 / 2020年4月3日, a range that says
its year once). Machine-readable forms (ISO dates, YYYY-MM keys, Period.label) are
trainlog.dates'.
"""

from __future__ import annotations

from datetime import date

#: English month names (not strftime's %B, which follows the locale)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def day(d: date, lang: str, *, prose: bool = False, year: bool = True) -> str:
    """A day: 2020年4月3日 (4月3日 without the year); in English 2020-04-03, or in prose
    3 April 2020 (3 April)."""
    if lang == "zh":
        return (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"
    if not prose:
        return d.isoformat()
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def month(first: date | str, lang: str, *, prose: bool = False) -> str:
    """A month (a date in it, or YYYY-MM): 2020年4月; in English 2020-04, or in prose April 2020."""
    if isinstance(first, str):
        y, m = first.split("-")
        first = date(int(y), int(m), 1)
    if lang == "zh":
        return f"{first.year}年{first.month}月"
    if prose:
        return f"{MONTHS[first.month - 1]} {first.year}"
    return f"{first.year:04d}-{first.month:02d}"


def period(p: dict[str, str], lang: str, *, prose: bool = False) -> str:
    """A period (`Period.as_dict()`: from, to, label) as a title names it: a year (2020年), a
    month (2020年4月), else its first and last days (2020年1月5日至2020年3月1日; in prose the
    last day's year only when it is another year). In English: the label with " to " (2020,
    2020-04, 2020-01-05 to 2020-03-01), or in prose 2020, April 2020, 5 January 2020 to 1 March
    2020."""
    start, end = date.fromisoformat(p["from"]), date.fromisoformat(p["to"])
    label = p["label"]
    zh = lang == "zh"
    if not (zh or prose):
        return label.replace("..", " to ")
    if len(label) == 4:  # a whole year
        return f"{label}年" if zh else label
    if len(label) == 7:  # a whole month
        return month(start, lang, prose=prose)
    if zh:
        last = day(end, lang, year=not prose or start.year != end.year)
        return f"{day(start, lang)}至{last}"
    return f"{day(start, lang, prose=True)} to {day(end, lang, prose=True)}"
