"""Charts drawn in the terminal with Rich: person-times per month and track, as bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trainlog.output.periods import month
from trainlog.vocab import TRACKS, label, word

BAR_WIDTH = 16
#: the shortest bar worth drawing; narrower than that, the table shows the numbers only
MIN_BAR = 4
#: the colour of each track, as in the workbook's chart
STYLES = {"policy": "blue", "video": "red", "special": "green", "total": "bold"}
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, largest: float, width: int = BAR_WIDTH, *, empty: str = " ",
        show_any: bool = True) -> str:
    """A bar `width` cells long at `largest` (longer values are cut), in eighths of a cell, the
    rest of the cells `empty`; with `show_any`, a value above 0 shows at least an eighth."""
    eighths = 0
    if largest > 0 and value > 0:
        eighths = round(min(value / largest, 1.0) * width * 8)
        if show_any:
            eighths = max(1, eighths)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text + empty * (width - len(text))


def bar_text(share: float, style: str, width: int = BAR_WIDTH):  # type: ignore[no-untyped-def]
    """A share of 1 as a Rich bar `width` cells long in `style`, the rest ░ dimmed (a bar that
    reads without colour too)."""
    from rich.text import Text

    drawn = bar(share, 1.0, width, empty="", show_any=False)
    text = Text(drawn, style=style)
    text.append("░" * (width - len(drawn)), style="dim")
    return text


def month_bars(rows: Sequence[dict[str, Any]], lang: str, tracks: Sequence[str] | None = None,
               metric: str = "person_times", width: int = 200):  # type: ignore[no-untyped-def]
    """A table of bars: a row per month, a column per track (and the total when several), each
    column scaled to its own largest month so that a small track's months can be compared too.

    It fits `width` cells: the bars are shortened (BAR_WIDTH cells at most, MIN_BAR at least)
    and, when even those do not fit, left out: the numbers stay."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    shown = list(tracks or TRACKS)
    keys = [*shown, "total"] if len(shown) > 1 else shown
    zh = lang == "zh"
    title = (f"各月{word(metric, lang)}（每列按本列最大值缩放）" if zh
             else f"{word(metric, lang)} per month (each column scaled to its largest month)")
    largest = {k: max((_value(r, k, metric) for r in rows), default=0) for k in keys}
    names = [word(k, lang) if k == "total" else label(k, lang, "track") for k in keys]
    months = [month(r["month"], lang) for r in rows]
    digits = [_digits(largest[k], metric) for k in keys]
    first = max(map(cell_len, [word("month", lang), *months]))

    def table_width(bar_width: int) -> int:
        cells = [max(cell_len(n), bar_width + (1 if bar_width else 0) + d)
                 for n, d in zip(names, digits, strict=True)]
        return first + sum(cells) + 3 * (len(cells) + 1) + 1

    bar_width = BAR_WIDTH
    while bar_width > MIN_BAR and table_width(bar_width) > width:
        bar_width -= 1
    if table_width(bar_width) > width:
        bar_width = 0
    t = Table(title=title, title_justify="left", show_lines=False)
    t.add_column(word("month", lang), no_wrap=True)
    for name in names:
        t.add_column(name, no_wrap=True, justify="left" if bar_width else "right")
    for r, shown_month in zip(rows, months, strict=True):
        cells = []
        for k, d in zip(keys, digits, strict=True):
            value = _value(r, k, metric)
            text = Text(bar(value, largest[k], bar_width) + " " if bar_width else "",
                        style=STYLES.get(k, ""))
            shown_value = f"{value:,.1f}" if metric == "hours" else f"{int(value):,}"
            text.append(f"{shown_value:>{d}}")
            cells.append(text)
        t.add_row(shown_month, *cells)
    return t


def _value(row: dict[str, Any], key: str, metric: str) -> float:
    counts = row.get(key)
    return counts[metric] if counts else 0


def _digits(largest: float, metric: str) -> int:
    return len(f"{largest:,.1f}" if metric == "hours" else f"{int(largest):,}")
