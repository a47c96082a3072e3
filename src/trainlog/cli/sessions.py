"""trainlog add-session and trainlog session list|show|import|void."""

from pathlib import Path
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    TRACK_HELP,
    BranchOpt,
    DateOpt,
    DatesOpts,
    DryRunOpt,
    EncodingOpt,
    Format,
    FormatOpt,
    KindOpt,
    LangOpt,
    OutputOpt,
    QuietOpt,
    ReadOpts,
    RejectsOpt,
    State,
    TrackOpt,
    command,
    finish_import,
    listing,
    read_options,
    run_import,
    show,
    warn,
)
from trainlog.vocab import own_labels, say

session_app = typer.Typer(help="Training sessions (培训) and their attendance.",
                          no_args_is_help=True)
app.add_typer(session_app, name="session")

IdArg = Annotated[str, typer.Argument(help="the session's ref, or its id.")]
ByIdOpt = Annotated[bool, typer.Option("--id", help="the key is the session's id.")]
ByRefOpt = Annotated[bool, typer.Option("--ref", help="the key is the session's ref.")]


def _by(by_id: bool, by_ref: bool) -> str | None:
    """--id or --ref: how the key names the session (None: whichever it is)."""
    if by_id and by_ref:
        from trainlog.errors import TrainlogError
        from trainlog.vocab import say

        raise TrainlogError(say("msg.id_or_ref_not_both"))
    return "id" if by_id else "ref" if by_ref else None


#: zh-CN headers where these commands' differ from trainlog.vocab.WORDS: a person's name is 姓名.
LABELS = own_labels("cadre")


@command(app, "add-session")
def add_session(
    st: State,
    date: DateOpt,
    track: Annotated[str, typer.Option("--track", help=TRACK_HELP)],
    title: Annotated[str, typer.Option("--title", help="the session's title (培训名称).")],
    kind: KindOpt = None,
    topic: Annotated[str | None, typer.Option(
        "--topic", help="what it is about (主题), key or zh-CN label; on any track.")] = None,
    hours: Annotated[str | None, typer.Option(
        "--hours", help="study hours credited to each attendee, 0-24 (default 0).")] = None,
    days: Annotated[str | None, typer.Option(
        "--days", help="days of training: credits days × credit.hours_per_day (6) hours, "
        "when --hours is not given.")] = None,
    attendee: Annotated[list[str] | None, typer.Option(
        "--attendee", help="a cadre's code; repeat it or separate codes with commas.")] = None,
    attendees_file: Annotated[Path | None, typer.Option(
        "--attendees-file", help="a CSV (UTF-8, GB18030 or UTF-16), .xlsx or .xls with a cadre "
        "(干部编号), 身份证号, or 姓名 and 单位 column(s), optional hours (学时) and 签到; or a text "
        "file of codes.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="leave this column of the attendees file out (repeatable).")] = None,
    ignore_extra: Annotated[bool, typer.Option(
        "--ignore-extra", help="leave every unknown column of the attendees file out.")] = False,
    headcount: Annotated[int | None, typer.Option(
        "--headcount", help="attendees recorded only as a number (未具名人数).")] = None,
    branch: BranchOpt = None,
    ref: Annotated[str | None, typer.Option(
        "--ref", help="an outside key (a roster's number); new unless --replace.")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="rewrite the session with this --ref and its attendance.")] = False,
    encoding: EncodingOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Record one training session with its attendees."""
    from trainlog.sessions.add import add_session as add  # no SQLAlchemy on a SQLite file

    with st.db.connect(write=True) as db:
        result = add(db, date=date, track=track, title=title, kind=kind, topic=topic, hours=hours,
                      days=days, attendees=attendee or [], attendees_file=attendees_file,
                      headcount=headcount, branch=branch, ref=ref, replace=replace,
                      encoding=encoding, options=read_options(ignore=ignore, ignore_extra=ignore_extra))
    ref_text = say("msg.ref", ref=result["ref"]) if result["ref"] else ""
    parts = [say("msg.named", n=result["attendees"])] + (
        [say("msg.headcount", n=result["headcount"])] if result["headcount"] else [])
    void = say("msg.warning", text=say("msg.stays_void", id=result["id"]))
    show(result, fmt,
         text=say("msg.replaced_session" if result["replaced"] else "msg.added_session",
                  id=result["id"], ref=ref_text, n=result["person_times"],
                  parts=say("msg.list_join").join(parts)),
         after=void if result["void"] else None)


@command(session_app, "list")
def session_list(
    st: State,
    period: DatesOpts,
    track: TrackOpt = None,
    kind: KindOpt = None,
    branch: BranchOpt = None,
    voided: Annotated[bool, typer.Option("--voided", help="include voided sessions.")] = False,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """List sessions of a period (all dates when no period is given)."""
    from trainlog.sessions.queries import LIST_KEYS, list_sessions

    with st.db.connect() as db:
        rows = list_sessions(db, period, track, kind, branch, voided)
    listing(rows, LIST_KEYS, fmt.value, st.lang, output=output)


@command(session_app, "show")
def session_show(st: State, id_or_ref: IdArg, by_id: ByIdOpt = False, by_ref: ByRefOpt = False,
                 fmt: FormatOpt = Format.table, lang: LangOpt = None,
                 output: OutputOpt = None) -> None:
    """One session with its attendees."""
    from trainlog.sessions.queries import ATTENDEE_KEYS, LIST_KEYS, show_session

    with st.db.connect() as db:
        data = show_session(db, id_or_ref, _by(by_id, by_ref))

    def tables() -> list[Any]:
        from trainlog.output.render import cell, header, table

        keys = [*LIST_KEYS, "created_at", "created_by", "updated_at", "updated_by"]
        if data["void"]:
            keys += ["voided_at", "voided_by"]
        return [table([{"field": header(k, st.lang, LABELS), "value": cell(data[k], k, st.lang)}
                       for k in keys], ["field", "value"], st.lang),
                table(data["attendees"], ATTENDEE_KEYS, st.lang, labels=LABELS)
                if data["attendees"] else None]

    show(data, fmt, csv=(data["attendees"], ATTENDEE_KEYS), table=tables, output=output,
         lang=st.lang, labels=LABELS)


@command(session_app, "import")
def session_import(
    st: State,
    file: Annotated[Path, typer.Argument(help="a long-format roster, one row per attendance: "
                                         ".csv (UTF-8, GB18030 or UTF-16), .xlsx or .xls.")],
    options: ReadOpts,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="rewrite a stored session whose ref the file gives with another date, "
        "track or branch (refused otherwise).")] = False,
    fmt: FormatOpt = Format.table,
    quiet: QuietOpt = False,
) -> None:
    """Import sessions (培训编号, 日期, 类别, …, 干部编号, 身份证号 or 姓名+单位); replaces by ref,
    all or nothing."""
    from trainlog.sessions.roster import import_sessions  # no SQLAlchemy on a SQLite file

    result, rejected = run_import(st, import_sessions, file, options, dry_run, rejects,
                                  replace=replace)
    warn(result.warnings)
    verb = say("msg.would_import" if dry_run else "msg.imported")
    what = ", ".join(f"{k} {n}" for k, n in result.changed.items())
    finish_import(result.as_dict(), fmt,
                  say("msg.sessions_imported", verb=verb, rows=result.rows,
                      sessions=result.sessions, created=result.created, updated=result.updated,
                      what=f" ({what})" if what else "", unchanged=result.unchanged,
                      attendances=result.attendances, person_times=result.person_times),
                  rejected, quiet)


@command(session_app, "void")
def session_void(
    st: State,
    id_or_ref: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="why it is voided (kept with it).")],
    by_id: ByIdOpt = False,
    by_ref: ByRefOpt = False,
) -> None:
    """Void a session: it is kept, shown as void, and left out of every count."""
    from trainlog.sessions.queries import void_session

    with st.db.connect(write=True) as db:
        result = void_session(db, id_or_ref, reason, _by(by_id, by_ref))
    ref_text = say("msg.ref", ref=result["ref"]) if result["ref"] else ""
    typer.echo(say("msg.voided_session", id=result["id"], ref=ref_text,
                   n=result["person_times"]))
