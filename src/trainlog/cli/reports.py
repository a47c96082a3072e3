"""trainlog plan set|show and trainlog report: the year's plan and the report against it."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PeriodOpts,
    State,
    TrackOpt,
    _output_file,
    command,
    show,
)
from trainlog.vocab import word as _w

plan_app = typer.Typer(help="The year's plan (年度计划): a target of person-times.",
                       no_args_is_help=True)
app.add_typer(plan_app, name="plan")


class ReportFormat(StrEnum):
    """The report's formats: those of every report, and the circulated notice (通报)."""

    table = "table"
    json = "json"
    csv = "csv"
    notice = "notice"


ReportOutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", callback=_output_file, show_default=False,
    help="write to this file instead, by its suffix: .csv (UTF-8 with BOM, for Excel), .xlsx, "
    ".json, or .docx: the notice (通报) as a Word document in the layout of official documents.")]
IssuerOpt = Annotated[str | None, typer.Option(
    "--issuer", help="the issuing office, signed at the end of the Word notice "
    "(default: 组织部).", show_default=False)]
ReportFormatOpt = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="table, json, csv or notice (通报: a short text with the same "
    "figures, zh-CN unless --lang en).")]


@command(plan_app, "set")
def plan_set(
    st: State,
    year: Annotated[int, typer.Argument(help="the plan's year.")],
    target: Annotated[int, typer.Option("--target", min=1, help="person-times (人次) to reach.")],
    track: TrackOpt = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", help="the day the target is due (default: 31 December).")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> None:
    """Set a year's target of person-times, over all tracks or for one; updates an existing one."""
    from trainlog.changes import set_plan

    with st.db.connect(write=True) as db:
        result = set_plan(db, year, target, track, deadline)
    show(result, fmt, text=lambda: _plan_set(result, st.lang))


def _plan_set(result: dict[str, Any], lang: str) -> str:
    """What `plan set` did, in a line."""
    from trainlog.vocab import label

    scope = (label(result["track"], lang, "track") if result["track"]
             else _w("all_tracks", lang))
    from trainlog.vocab import say

    prev = result["previous"]
    line = say("msg.plan_updated" if prev else "msg.plan_set", lang, year=result["year"],
               scope=scope, target=f"{result['target']:,}", deadline=result["deadline"])
    if prev:
        line += say("msg.plan_was", lang, target=f"{prev['target']:,}", deadline=prev["deadline"])
    return line


@command(plan_app, "show")
def plan_show(
    st: State,
    year: Annotated[int | None, typer.Argument(help="a year (default: every plan).")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """Show the plans set, of one year or all."""
    from trainlog.output.render import table
    from trainlog.reports.plans import PLAN_KEYS, list_plans

    with st.db.connect() as s:
        rows = list_plans(s, year)
    shown = [r | {"track": r["track"] or _w("all_tracks", st.lang)} for r in rows]
    show(rows, fmt, csv=(rows, PLAN_KEYS),
         table=lambda: [table(shown, PLAN_KEYS, st.lang)] if rows else None,
         after=None if rows else lambda: _no_plan_hint(year, st.lang), output=output,
         lang=st.lang)


def _no_plan_hint(year: int | None, lang: str, track: str | None = None,
                  others: list[dict[str, Any]] | None = None) -> str:
    """Why there is no plan to report against, and how to set one."""
    from trainlog.vocab import label, say

    y = str(year) if year is not None else "YEAR"
    t = f" --track {track}" if track else " [--track T]"
    if others:  # the year has plans, for other tracks only
        set_for = ", ".join(label(p["track"], lang, "track") for p in others)
        return say("msg.no_plan_of_track", lang, track=label(track, lang, "track"), year=year,
                   set_for=set_for, y=y, t=t)
    return say("msg.no_plan", lang, of="" if year is None else say("msg.plan_of", lang, year=year),
               y=y, t=t)


@command(app, "report")
def report(
    st: State,
    period: PeriodOpts,
    track: TrackOpt = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="track, kind, topic, branch, township, level, rank, month, or office (the "
        "offices below this one, each with its own plan).")] = None,
    audience: Annotated[str | None, typer.Option(
        "--audience", help="all, top-leaders or poverty-cadres (一把手, 扶贫干部).")] = None,
    fail_if_behind: Annotated[bool, typer.Option(
        "--fail-if-behind", help="exit 3 when behind a steady pace to the plan.")] = False,
    fmt: ReportFormatOpt = ReportFormat.table,
    lang: LangOpt = None,
    output: ReportOutputOpt = None,
    issuer: IssuerOpt = None,
) -> None:
    """Sessions, person-times, people and hours per track, and progress against the year's plan."""
    from trainlog.output.render import message
    from trainlog.output.report import csv_rows, print_report
    from trainlog.reports.plan import fail_if_behind as check_behind
    from trainlog.reports.plan import parse_options, plan_report
    from trainlog.reports.plans import list_plans

    track, audience, by = parse_options(track, audience, by)
    with st.db.connect() as s:  # what the format shows, read in one transaction
        data = plan_report(s, period, track=track, by=by, audience=audience)
        others = [] if data["plan"] else list_plans(s, period.end.year)
        monthly = None
        if by == "month" and fmt is ReportFormat.table:
            from trainlog.reports.plan import monthly as by_month_and_track

            monthly = by_month_and_track(s, period, track, audience)
        docx = output is not None and output.suffix.lower() == ".docx"
        if fmt is ReportFormat.notice or docx:
            from trainlog.output.notice import gather

            figures = gather(s, period, track=track, audience=audience, report=data)

    def notice() -> str:
        from trainlog.output.notice import notice_text

        return notice_text(figures, st.document_lang)

    def document():  # type: ignore[no-untyped-def]
        from trainlog.output.document import notice_docx

        return notice_docx(notice(), issuer, st.document_lang)

    show(data, fmt, csv=lambda: csv_rows(data, by), notice=notice,
         table=lambda: print_report(data, st.lang, track, audience, by, monthly),
         output=output, lang=st.lang, document=document)
    if data["plan"] is None:
        message(_no_plan_hint(period.end.year, st.lang, track, others))
    if fail_if_behind:
        check_behind(data)
