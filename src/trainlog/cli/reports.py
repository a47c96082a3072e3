"""trainlog plan set|show and trainlog report: the year's plan and the report against it."""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    AsOfOpt,
    Format,
    FormatOpt,
    FromOpt,
    LangOpt,
    MonthOpt,
    ToOpt,
    YearOpt,
    command,
    state,
)

plan_app = typer.Typer(help="The year's plan (年度计划): a target of person-times.",
                       no_args_is_help=True)
app.add_typer(plan_app, name="plan")

TrackOpt = Annotated[str | None, typer.Option(
    "--track", help="policy/video/special or 政策培训/视频培训/专题培训.")]


class ReportFormat(StrEnum):
    """The report's formats: those of every report, and the circulated notice (通报)."""

    table = "table"
    json = "json"
    csv = "csv"
    notice = "notice"


ReportFormatOpt = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="table, json, csv or notice (通报: a short text with the same "
    "figures, zh-CN unless --lang en).")]

#: headers and words of the report, (en, zh)
WORDS = {
    "track": ("Track", "类别"),
    "kind": ("Kind", "形式"),
    "topic": ("Topic", "主题"),
    "branch": ("Branch", "党支部"),
    "name": ("Name", "名称"),
    "township": ("Township", "乡镇"),
    "level": ("Level", "级别"),
    "month": ("Month", "月份"),
    "sessions": ("Sessions", "培训次数"),
    "person_times": ("Person-times", "人次"),
    "people": ("People", "人数"),
    "hours": ("Hours", "学时"),
    "total": ("Total", "合计"),
    "none": ("(none)", "（无）"),
    "year": ("Year", "年度"),
    "target": ("Target", "目标人次"),
    "deadline": ("Deadline", "截止日期"),
    "all_tracks": ("all tracks", "全部类别"),
}
BAR_WIDTH = 30


def _w(key: str, lang: str) -> str:
    en, zh = WORDS[key]
    return zh if lang == "zh" else en


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _period_title(period: dict[str, str], lang: str) -> str:
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    label = period["label"]
    if lang != "zh":
        return label.replace("..", " to ")
    if len(label) == 4:
        return f"{label}年"
    if len(label) == 7:
        return f"{start.year}年{start.month}月"
    return f"{_zh_date(start)}至{_zh_date(end)}"


def _group_cell(value: Any, dim: str, lang: str) -> str:
    from trainlog.vocab import label

    if value is None:
        return _w("none", lang)
    if dim == "month" and lang == "zh":
        y, m = str(value).split("-")
        return f"{y}年{int(m)}月"
    if dim in ("track", "kind", "topic", "level"):
        return label(str(value), lang, field=dim)
    return str(value)


@command(plan_app, "set")
def plan_set(
    year: Annotated[int, typer.Argument(help="the plan's year.")],
    target: Annotated[int, typer.Option("--target", min=1, help="person-times (人次) to reach.")],
    track: TrackOpt = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", help="the day the target is due (default: 31 December).")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """Set a year's target of person-times, over all tracks or for one; updates an existing one."""
    from trainlog.output.render import to_json
    from trainlog.reports.plans import set_plan

    st = state(lang)
    with st.db.connect(write=True) as db:
        result = set_plan(db, year, target, track, deadline)
    if fmt is Format.json:
        typer.echo(to_json(result))
        return
    from trainlog.vocab import label

    scope = (label(result["track"], st.lang, "track") if result["track"]
             else _w("all_tracks", st.lang))
    prev = result["previous"]
    if st.lang == "zh":
        verb = "已更新" if prev else "已设定"
        line = (f"{verb} {result['year']} 年度计划（{scope}）：{result['target']:,} 人次，"
                f"截止 {result['deadline']}")
        if prev:
            line += f"（原为 {prev['target']:,} 人次，截止 {prev['deadline']}）"
    else:
        verb = "updated" if prev else "set"
        line = (f"{verb} the {result['year']} plan ({scope}): {result['target']:,} person-times "
                f"by {result['deadline']}")
        if prev:
            line += f" (was {prev['target']:,} by {prev['deadline']})"
    typer.echo(line)


@command(plan_app, "show")
def plan_show(
    year: Annotated[int | None, typer.Argument(help="a year (default: every plan).")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """Show the plans set, of one year or all."""
    from trainlog.output.render import listing, message
    from trainlog.reports.plans import PLAN_KEYS, list_plans

    st = state(lang)
    with st.db.connect() as s:
        rows = list_plans(s, year)
    if not rows and fmt is Format.table:
        message(_no_plan_hint(year, st.lang))
        return
    if fmt is Format.table:
        rows = [r | {"track": r["track"] or _w("all_tracks", st.lang)} for r in rows]
    labels = {k: _w(k, "zh") for k in PLAN_KEYS}
    listing(rows, PLAN_KEYS, fmt.value, st.lang, labels=labels)


def _no_plan_hint(year: int | None, lang: str, track: str | None = None,
                  others: list[dict[str, Any]] | None = None) -> str:
    """Why there is no plan to report against, and how to set one."""
    from trainlog.vocab import label

    y = str(year) if year is not None else "YEAR"
    t = f" --track {track}" if track else " [--track T]"
    if others:  # the year has plans, for other tracks only
        set_for = ", ".join(label(p["track"], lang, "track") for p in others)
        if lang == "zh":
            return (f"{year} 年没有{label(track, lang, 'track')}或全部类别的计划"
                    f"（已设定：{set_for}）；设定方法：trainlog plan set {y} --target 人次{t}")
        return (f"no plan for the {track} track or all tracks in {year} (plans set: {set_for}); "
                f"set one with `trainlog plan set {y} --target N{t}`")
    if lang == "zh":
        return (f"{'' if year is None else f'{year} 年'}尚未设定年度计划；设定方法："
                f"trainlog plan set {y} --target 人次{t}")
    return (f"no plan set{'' if year is None else f' for {year}'}; set one with "
            f"`trainlog plan set {y} --target N{t}`")


@command(app, "report")
def report(
    ctx: typer.Context = None,  # type: ignore[assignment]  # None: called from Python (demo)
    month: MonthOpt = None,
    year: YearOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    as_of: AsOfOpt = None,
    track: TrackOpt = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="track, kind, topic, branch, township, level or month.")] = None,
    audience: Annotated[str | None, typer.Option(
        "--audience", help="all, top-leaders or poverty-cadres (一把手, 扶贫干部).")] = None,
    fail_if_behind: Annotated[bool, typer.Option(
        "--fail-if-behind", help="exit 3 when behind a steady pace to the plan.")] = False,
    fmt: ReportFormatOpt = ReportFormat.table,
    lang: LangOpt = None,
) -> None:
    """Sessions, person-times, people and hours per track, and progress against the year's plan."""
    from trainlog.dates import resolve_period
    from trainlog.output.render import message, to_json
    from trainlog.reports.plan import fail_if_behind as check_behind
    from trainlog.reports.plan import parse_options, plan_report
    from trainlog.reports.plans import list_plans

    st = state(lang)
    period = resolve_period(month, year, start, end, as_of)
    track, audience, by = parse_options(track, audience, by)
    with st.db.connect() as s:
        data = plan_report(s, period, track=track, by=by, audience=audience)
        others = [] if data["plan"] else list_plans(s, period.end.year)
        monthly = None
        if by == "month" and fmt is ReportFormat.table:
            from trainlog.reports.plan import monthly as by_month_and_track

            monthly = by_month_and_track(s, period, track, audience)
        if fmt is ReportFormat.notice:
            from trainlog.output.notice import gather

            figures = gather(s, period, track=track, audience=audience, report=data)
    if fmt is ReportFormat.json:
        typer.echo(to_json(data))
    elif fmt is ReportFormat.csv:
        _csv(data, by)
    elif fmt is ReportFormat.notice:
        from trainlog.cli.export import chosen_lang
        from trainlog.output.notice import notice_text

        typer.echo(notice_text(figures, chosen_lang(ctx, lang)), nl=False)
    else:
        _table(data, st.lang, track, audience, by, monthly)
    if data["plan"] is None:
        message(_no_plan_hint(period.end.year, st.lang, track, others))
    if fail_if_behind:
        check_behind(data)


CSV_COLUMNS = ["from", "to", "dim", "value", "sessions", "person_times", "people", "hours"]


def _csv(data: dict[str, Any], by: str | None) -> None:
    """One header line; rows: each track, the total, then the --by groups (`dim` says which)."""
    from trainlog.output.render import write_csv

    span = {"from": data["period"]["from"], "to": data["period"]["to"]}
    rows = [span | {"dim": "track", "value": r["track"], **r} for r in data["tracks"]]
    rows.append(span | {"dim": "total", "value": None, **data["total"]})
    for r in data.get("rows", []):
        rows.append(span | {"dim": by, "value": r[by], **r})
    write_csv(rows, CSV_COLUMNS)


def _table(data: dict[str, Any], lang: str, track: str | None, audience: str,
           by: str | None, monthly: list[dict[str, Any]] | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    from trainlog.output.render import cell, console
    from trainlog.vocab import label

    out = console()
    zh = lang == "zh"
    title = ("干部培训情况 " if zh else "Training report ") + _period_title(data["period"], lang)
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
    t.add_column(_w("track", lang))
    for k in counts:
        t.add_column(_w(k, lang), justify="right")
    for i, r in enumerate(data["tracks"]):
        t.add_row(label(r["track"], lang, "track"), *(cell(r[k], k, lang) for k in counts),
                  end_section=i == len(data["tracks"]) - 1)
    t.add_row(_w("total", lang), *(cell(data["total"][k], k, lang) for k in counts), style="bold")
    out.print(t)
    if by:
        out.print(Text(f"按{_w(by, 'zh')}" if zh else f"By {by}", style="bold"))
        out.print(_by_table(data["rows"], by, lang))
    if monthly is not None:
        from trainlog.output.charts import month_bars

        out.print(month_bars(monthly, lang, [track] if track else None))
    out.print(_plan_text(data, lang))


def _by_table(rows: list[dict[str, Any]], dim: str, lang: str):  # type: ignore[no-untyped-def]
    from rich.table import Table

    from trainlog.output.render import cell

    counts = ["sessions", "person_times", "people", "hours"]
    keys = [dim, "name"] if dim == "branch" else [dim]
    t = Table()
    for k in keys:
        t.add_column(_w(k, lang))
    for k in counts:
        t.add_column(_w(k, lang), justify="right")
    for r in rows:
        first = [_group_cell(r[dim], dim, lang)] + [r[k] or "" for k in keys[1:]]
        t.add_row(*first, *(cell(r[k], k, lang) for k in counts))
    return t


def _bar(share: float, style: str):  # type: ignore[no-untyped-def]
    """A bar of BAR_WIDTH cells, eighths included, that reads without colour too."""
    from rich.text import Text

    eighths = round(max(0.0, min(share, 1.0)) * BAR_WIDTH * 8)
    full, part = divmod(eighths, 8)
    text = Text("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else ""), style=style)
    text.append("░" * (BAR_WIDTH - full - (1 if part else 0)), style="dim")
    return text


def _plan_text(data: dict[str, Any], lang: str):  # type: ignore[no-untyped-def]
    """The plan block as a leader reads it: done vs a steady pace, as two bars, and what is left."""
    from rich.text import Text

    from trainlog.reports.plan import expected_share
    from trainlog.vocab import label

    zh = lang == "zh"
    plan = data["plan"]
    day = date.fromisoformat(data["period"]["to"])
    if plan is None:
        if zh:
            return Text(f"\n{day.year} 年度计划：未设定", style="bold")
        return Text(f"\nPlan {day.year}: none set", style="bold")
    scope = label(plan["track"], lang, "track") if plan["track"] else _w("all_tracks", lang)
    behind = plan["behind"]
    # The gap to a steady pace in person-times, from the unrounded share.
    pace_count = plan["target"] * expected_share(plan["year"], date.fromisoformat(plan["deadline"]),
                                                 day)
    gap = (math.ceil(pace_count - plan["to_date"]) if behind
           else math.floor(plan["to_date"] - pace_count))
    text = Text("\n")
    if zh:
        text.append(f"{plan['year']} 年度计划（{scope}）：截至 {_zh_date(day)} 完成 ", style="bold")
        text.append(f"{plan['to_date']:,} / {plan['target']:,}", style="bold")
        text.append(" 人次\n", style="bold")
        rows = [("已完成", plan["progress"]), ("应完成", plan["expected"])]
    else:
        text.append(f"Plan {plan['year']} ({scope}): ", style="bold")
        text.append(f"{plan['to_date']:,} of {plan['target']:,}", style="bold")
        text.append(f" person-times by {day.isoformat()}\n", style="bold")
        rows = [("done    ", plan["progress"]), ("expected", plan["expected"])]
    done_style = "red" if behind else "green"
    for i, (name, share) in enumerate(rows):
        text.append(f"  {name}  ")
        text.append_text(_bar(share, done_style if i == 0 else "blue"))
        text.append(f"  {share:6.1%}")
        if i == 0:
            if zh:
                status = f"落后进度 {gap:,} 人次" if behind else "进度正常" + (
                    f"，超前 {gap:,} 人次" if gap > 0 else "")
            else:
                status = (f"BEHIND a steady pace by {gap:,} person-times" if behind
                          else "on pace" + (f", {gap:,} person-times ahead" if gap > 0 else ""))
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

