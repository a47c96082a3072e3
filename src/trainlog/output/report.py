"""The report in the terminal (`trainlog report`, table format, and the demo): a table per track
and in total, the --by groups, bars per month, and the plan block as a leader reads it."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from trainlog.output.periods import day as day_words
from trainlog.output.periods import month as month_words
from trainlog.output.periods import period as period_words
from trainlog.vocab import label, word

#: cells of the plan's bars
BAR_WIDTH = 30
#: the shortest they get on a narrow terminal
MIN_PLAN_BAR = 10


def _group_cell(value: Any, dim: str, lang: str) -> str:
    if value is None:
        return word("none", lang)
    if dim == "month":
        return month_words(str(value), lang)
    if dim in ("track", "kind", "topic", "level", "rank"):
        return label(str(value), lang, field=dim)
    return str(value)


def print_report(data: dict[str, Any], lang: str, track: str | None = None,
                 audience: str = "all", by: str | None = None,
                 monthly: list[dict[str, Any]] | None = None) -> None:
    """The report as a table on stdout: the tracks and total, the --by groups, the month bars
    (`monthly`, of `trainlog.reports.plan.monthly`) and the plan block."""
    from rich.table import Table
    from rich.text import Text

    from trainlog.output.render import cell, console

    out = console()
    zh = lang == "zh"
    title = ("干部培训情况 " if zh else "Training report ") + period_words(data["period"], lang)
    qualifiers = []
    if track:
        qualifiers.append(label(track, lang, "track") + ("" if zh else " track"))
    if audience != "all":
        who = label(audience, lang, "audience")
        qualifiers.append(f"仅计{who}" if zh else f"{who.replace('-', ' ')} only")
    if qualifiers:
        title += ("，" if zh else ", ") + ("，" if zh else ", ").join(qualifiers)
    counts = ["sessions", "person_times", "people", "hours"]
    out.print(Text(title, style="bold"))
    t = Table()
    t.add_column(word("track", lang))
    for k in counts:
        t.add_column(word(k, lang), justify="right")
    for i, r in enumerate(data["tracks"]):
        t.add_row(label(r["track"], lang, "track"), *(cell(r[k], k, lang) for k in counts),
                  end_section=i == len(data["tracks"]) - 1)
    t.add_row(word("total", lang), *(cell(data["total"][k], k, lang) for k in counts), style="bold")
    out.print(t)
    if by:
        out.print(Text(f"按{word(by, 'zh')}" if zh else f"By {by}", style="bold"))
        out.print(_by_table(data["rows"], by, lang, out.width))
    if monthly is not None:
        from trainlog.output.charts import month_bars

        out.print(month_bars(monthly, lang, [track] if track else None, width=out.width))
    out.print(_plan_text(data, lang, out.width))


def _by_table(rows: list[dict[str, Any]], dim: str, lang: str, width: int):  # type: ignore[no-untyped-def]
    """The --by groups, one row a group (a province has some 10,000 branches): drawn as Rich
    draws its default table, without Rich when it fits `width` (`trainlog.output.tables`: Rich
    itself takes 0.6 ms a row); on a narrower console Rich's table, every column kept, the
    group's code and name folded, never cut to an ellipsis."""
    from trainlog.output.render import cell
    from trainlog.output.tables import Table

    counts = ["sessions", "person_times", "people", "hours"]
    keys = [dim, "name"] if dim in ("branch", "office") else [dim]
    plans = ["target", "progress"] if dim == "office" else []  # each office's own plan
    body = []
    for r in rows:
        first = [_group_cell(r[dim], dim, lang)] + [r[k] or "" for k in keys[1:]]
        plan = r.get("plan") or {}
        shown = ([f"{plan['target']:,}", f"{plan['progress']:.1%}"] if plan else ["—", "—"]
                 ) if plans else []
        body.append((*first, *(cell(r[k], k, lang) for k in counts), *shown))
    numbers = counts + plans
    table = Table([word(k, lang) for k in keys + numbers],
                  ["left"] * len(keys) + ["right"] * len(numbers), body)
    if table.fit(width) is table:
        return table
    drawn = table.rich_table()
    for column in drawn.columns[:len(keys)]:
        column.overflow = "fold"
    return drawn


def _plan_text(data: dict[str, Any], lang: str, width: int = 200):  # type: ignore[no-untyped-def]
    """The plan block as a leader reads it: done vs a steady pace, as two bars, and what is left."""
    from rich.text import Text

    from trainlog.output.charts import bar_text
    from trainlog.reports.plan import expected_share

    zh = lang == "zh"
    plan = data["plan"]
    day = date.fromisoformat(data["period"]["to"])
    if plan is None:
        if zh:
            return Text(f"\n{day.year} 年度计划：未设定", style="bold")
        return Text(f"\nPlan {day.year}: none set", style="bold")
    scope = label(plan["track"], lang, "track") if plan["track"] else word("all_tracks", lang)
    behind = plan["behind"]
    # The gap to a steady pace in person-times, from the unrounded share.
    pace_count = plan["target"] * expected_share(plan["year"], date.fromisoformat(plan["deadline"]),
                                                 day)
    gap = (math.ceil(pace_count - plan["to_date"]) if behind
           else math.floor(plan["to_date"] - pace_count))
    text = Text("\n")
    if zh:
        text.append(f"{plan['year']} 年度计划（{scope}）：截至 {day_words(day, lang)} 完成 ",
                    style="bold")
        text.append(f"{plan['to_date']:,} / {plan['target']:,}", style="bold")
        text.append(" 人次\n", style="bold")
        rows = [("已完成", plan["progress"]), ("应完成", plan["expected"])]
    else:
        text.append(f"Plan {plan['year']} ({scope}): ", style="bold")
        text.append(f"{plan['to_date']:,} of {plan['target']:,}", style="bold")
        text.append(f" person-times by {day_words(day, lang)}\n", style="bold")
        rows = [("done    ", plan["progress"]), ("expected", plan["expected"])]
    done_style = "red" if behind else "green"
    if zh:
        status = f"落后进度 {gap:,} 人次" if behind else "进度正常" + (
            f"，超前 {gap:,} 人次" if gap > 0 else "")
    else:
        status = (f"BEHIND a steady pace by {gap:,} person-times" if behind
                  else "on pace" + (f", {gap:,} person-times ahead" if gap > 0 else ""))
    # the bars as long as the line with the status leaves room for (a status too long for the
    # line wraps below the shortest bar)
    from rich.cells import cell_len

    rest = cell_len(f"  {rows[0][0]}    {1:6.1%}   {status}")
    bar_width = max(MIN_PLAN_BAR, min(BAR_WIDTH, width - rest))
    for i, (name, share) in enumerate(rows):
        text.append(f"  {name}  ")
        text.append_text(bar_text(share, done_style if i == 0 else "blue", bar_width))
        text.append(f"  {share:6.1%}")
        if i == 0:
            text.append("   ")
            text.append(status, style="bold red" if behind else "bold green")
        text.append("\n")
    if zh:
        text.append(f"  截止 {plan['deadline']}，剩余 {plan['days_left']:,} 天，"
                    f"每月需完成 {plan['needed_per_month']:,.1f} 人次")
    else:
        text.append(f"  deadline {plan['deadline']}, {plan['days_left']:,} days left, "
                    f"{plan['needed_per_month']:,.1f} person-times needed per month")
    return text



#: The report's CSV columns: one line a track, the total, then a line a --by group.
CSV_COLUMNS = ["from", "to", "dim", "value", "sessions", "person_times", "people", "hours"]


def csv_rows(data: dict[str, Any], by: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The report as CSV rows: each track, the total, then the --by groups (`dim` says which)."""
    span = {"from": data["period"]["from"], "to": data["period"]["to"]}
    rows = [span | {"dim": "track", "value": r["track"], **r} for r in data["tracks"]]
    rows.append(span | {"dim": "total", "value": None, **data["total"]})
    for r in data.get("rows", []):
        rows.append(span | {"dim": by, "value": r[by], **r})
    return rows, CSV_COLUMNS
