"""trainlog branch … and trainlog cadre …: the registry of party branches and cadres."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    BranchOpt,
    CadreArg,
    DatesOpts,
    DryRunOpt,
    FileArg,
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    QuietOpt,
    ReadOpts,
    RejectsOpt,
    State,
    command,
    finish_import,
    listing,
    run_import,
    show,
)
from trainlog.errors import TrainlogError
from trainlog.vocab import own_labels, say

branch_app = typer.Typer(help="Party branches (党支部).", no_args_is_help=True)
cadre_app = typer.Typer(help="Cadres (干部).", no_args_is_help=True)
app.add_typer(branch_app, name="branch")
app.add_typer(cadre_app, name="cadre")

BRANCH_KEYS = ["code", "name", "township", "active"]
CADRE_KEYS = ["code", "name", "unit", "level", "rank", "branch", "top_leader", "poverty_cadre",
              "party_member", "registered_on", "id_number", "active"]
#: zh-CN headers where a cadre's differ from trainlog.vocab.WORDS (a person's name is 姓名).
CADRE_LABELS = own_labels("cadre")


def _import(st: State, importer: Callable[..., Any], what: str, file: Path, options: Any,
            dry_run: bool, rejects: Path | None, fmt: Format, quiet: bool = False) -> None:
    """Import a file of branches or cadres in one transaction (undone for a dry run), and say
    what it did on stdout (nothing with `quiet`, when all went well)."""
    result, rejected = run_import(st, importer, file, options, dry_run, rejects)
    data = result.as_dict()
    verb = say("msg.would_import" if result.dry_run else "msg.imported")
    finish_import(data, fmt, say("msg.registry_imported", what=say(f"msg.what_{what}"), verb=verb,
                                 **data), rejected, quiet)


@command(branch_app, "add")
def branch_add(
    st: State,
    code: Annotated[str, typer.Argument(help="the branch's code.")],
    name: Annotated[str, typer.Argument(help="the branch's name.")],
    township: Annotated[str | None, typer.Option("--township", help="乡镇/街道.")] = None,
) -> None:
    """Add a party branch."""
    from trainlog.registry import add_branch

    with st.db.connect(write=True) as conn:
        b = add_branch(conn, code, name, township)
    typer.echo(say("msg.added_branch", code=b["code"], name=b["name"]))


@command(branch_app, "list")
def branch_list(
    st: State,
    township: Annotated[str | None, typer.Option("--township", help="only this township.")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """List party branches."""
    from trainlog.registry import list_branches

    with st.db.connect() as conn:
        rows = list_branches(conn, township)
    listing(rows, BRANCH_KEYS, fmt.value, st.lang, output=output)


@command(branch_app, "import")
def branch_import(st: State, file: FileArg, options: ReadOpts, dry_run: DryRunOpt = False,
                  rejects: RejectsOpt = None, fmt: FormatOpt = Format.table,
                  quiet: QuietOpt = False) -> None:
    """Import branches (编号, 名称, 乡镇); updates by code, all or nothing."""
    from trainlog.registry import import_branches

    _import(st, import_branches, "branches", file, options, dry_run, rejects, fmt, quiet)


LevelOpt = Annotated[str | None, typer.Option(
    "--level", help="district/township/village or 区级/乡级/村级.")]
RankOpt = Annotated[str | None, typer.Option(
    "--rank", help="county/section/staff/village or 县处级以上/乡科级/科员及以下/村（社区）干部.")]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="单位.")]
RegisteredOpt = Annotated[str | None, typer.Option(
    "--registered-on", help="date of registration at the online academy.")]
IdNumberOpt = Annotated[str | None, typer.Option(
    "--id-number", help="身份证号: 18 characters with a right check digit, unique in the office; "
    "shown masked.")]


FromOpt = Annotated[str | None, typer.Option(
    "--from", help="the day the change holds from (default today).")]


def _day(value: str | None, option: str) -> Any:
    from trainlog.dates import parse_date

    return parse_date(value, option) if value is not None else None


@command(cadre_app, "add")
def cadre_add(
    st: State,
    code: CadreArg,
    name: Annotated[str, typer.Argument(help="the cadre's name.")],
    unit: UnitOpt = None,
    level: LevelOpt = None,
    rank: RankOpt = None,
    branch: BranchOpt = None,
    top_leader: Annotated[bool, typer.Option(
        "--top-leader", help="head of a unit (一把手).")] = False,
    poverty_cadre: Annotated[bool, typer.Option(
        "--poverty-cadre", help="works on poverty alleviation (扶贫干部).")] = False,
    no_party_member: Annotated[bool, typer.Option(
        "--no-party-member", help="not a party member (党员 by default).")] = False,
    registered_on: RegisteredOpt = None,
    id_number: IdNumberOpt = None,
) -> None:
    """Add a cadre."""
    from trainlog.registry import add_cadre

    with st.db.connect(write=True) as conn:
        c = add_cadre(conn, code, name, unit=unit, level=level, rank=rank, branch=branch,
                      top_leader=top_leader, poverty_cadre=poverty_cadre,
                      party_member=not no_party_member,
                      registered_on=registered_on, id_number=id_number)
    typer.echo(say("msg.added_cadre", code=c["code"], name=c["name"]))


@command(cadre_app, "list")
def cadre_list(
    st: State,
    branch: BranchOpt = None,
    level: LevelOpt = None,
    rank: RankOpt = None,
    top_leader: Annotated[bool | None, typer.Option("--top-leader/--not-top-leader",
                                                    help="only (or no) top leaders.")] = None,
    poverty_cadre: Annotated[bool | None, typer.Option("--poverty-cadre/--not-poverty-cadre",
                                                       help="only (or no) poverty cadres.")] = None,
    active: Annotated[bool, typer.Option(
        "--active/--all", help="active cadres only, or all.")] = True,
    name: Annotated[str | None, typer.Option(
        "--name", help="only cadres whose name holds this text (spaces left out).")] = None,
    untrained: Annotated[bool, typer.Option(
        "--untrained", help="only cadres with no named attendance and no online study in the "
        "period (default: this year to today).")] = False,
    period: DatesOpts = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """List cadres, with filters."""
    from trainlog.registry import list_cadres

    if period is not None and not untrained:
        raise TrainlogError(say("msg.period_needs_untrained"))
    if untrained and period is None:
        from trainlog.dates import resolve_period, today

        period = resolve_period(year=today().year, as_of=today().isoformat())
    with st.db.connect() as conn:
        rows = list_cadres(conn, branch, level, top_leader, poverty_cadre, True if active else None,
                           name=name, untrained=period if untrained else None, rank=rank)
    listing(rows, CADRE_KEYS, fmt.value, st.lang, labels=CADRE_LABELS, output=output)


@command(cadre_app, "show")
def cadre_show(
    st: State,
    code: CadreArg,
    year: Annotated[int | None, typer.Option(
        "--year", min=1, max=9999,
        help="only this year's records, and this year's training hours against the rules.")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """One cadre: the record, the training transcript (培训档案), and his training hours (学时)
    against the requirement of his rank for the year (this year to today by default)."""
    from trainlog.registry import get_cadre
    from trainlog.sessions.queries import transcript
    from trainlog.study.hours import cadre_hours
    from trainlog.study.records import cadre_study

    with st.db.connect() as conn:
        data = get_cadre(conn, code)
        study = cadre_study(conn, code, year)  # online study hours by month (issue 5)
        data |= transcript(conn, code, year)
        hours = cadre_hours(conn, data["code"], year)
    data["study"] = study
    data["hours"] = hours
    zh, span = st.lang == "zh", f" {year}" if year else ""

    def tables() -> list[Any]:
        from trainlog.output.render import header, table

        total = {"track": "合计" if zh else "total", **data["total"]}
        return [
            table([{"field": header(k, st.lang, CADRE_LABELS),
                    "value": _show_value(k, data[k], st.lang)}
                   for k in CADRE_KEYS], ["field", "value"], st.lang),
            table([*data["by_track"], total], ["track", "sessions", "hours"], st.lang,
                  title=f"培训档案{span}" if zh else f"training transcript{span}"),
            table(data["sessions"], SESSION_KEYS, st.lang) if data["sessions"] else None,
            table(data["study"], ["month", "platform", "hours"], st.lang,
                  title=f"网络学习{span}" if zh else f"online study{span}")
            if data["study"] else None,
            _hours_table(hours, st.lang),
        ]

    show(data, fmt, csv=(data["sessions"], SESSION_KEYS), table=tables, output=output,
         lang=st.lang)


#: the rows of cadre show's hours table (trainlog hours' columns)
HOURS_KEYS = ["rank", "from", "to", "group_hours", "group_required", "online_hours",
              "online_required", "status", "grace_until"]


def _hours_table(hours: dict[str, Any], lang: str) -> Any:
    """The cadre's hours against his rank's requirement, as field/value rows titled with the
    year; a cadre not checked that day, as a line saying so."""
    from trainlog.output.render import cell, header, table
    from trainlog.vocab import word

    title = word("hours_title", lang).format(year=hours["year"])
    if not hours["checked"]:
        rows = [{"field": title, "value": say("msg.hours_not_checked", day=hours["as_of"])}]
        return table(rows, ["field", "value"], lang)
    flat = {**hours, "from": hours["window"]["from"], "to": hours["window"]["to"]}
    keys = [k for k in HOURS_KEYS if k != "grace_until" or flat["grace_until"]]
    return table([{"field": header(k, lang, CADRE_LABELS), "value": cell(flat[k], k, lang)}
                  for k in keys], ["field", "value"], lang, title=title)


SESSION_KEYS = ["date", "ref", "track", "kind", "topic", "title", "hours"]


def _show_value(key: str, value, lang: str) -> str:  # type: ignore[no-untyped-def]
    from trainlog.output.render import cell

    return cell(value, key, lang)


@command(cadre_app, "edit")
def cadre_edit(
    st: State,
    code: CadreArg,
    name: Annotated[str | None, typer.Option("--name", help="new name.")] = None,
    unit: UnitOpt = None,
    level: LevelOpt = None,
    rank: RankOpt = None,
    branch: BranchOpt = None,
    top_leader: Annotated[bool | None, typer.Option(
        "--top-leader/--not-top-leader", help="head of a unit (一把手), or not.")] = None,
    poverty_cadre: Annotated[bool | None, typer.Option(
        "--poverty-cadre/--not-poverty-cadre", help="poverty cadre (扶贫干部), or not.")] = None,
    party_member: Annotated[bool | None, typer.Option(
        "--party-member/--no-party-member", help="party member (党员), or not.")] = None,
    registered_on: RegisteredOpt = None,
    id_number: Annotated[str | None, typer.Option(
        "--id-number", help="new 身份证号 (shown masked); '' clears it.")] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive",
                                                help="reactivate or deactivate.")] = None,
    start: FromOpt = None,
    correct: Annotated[bool, typer.Option(
        "--correct", help="change the facts for every date (a mistake in the roster).")] = False,
) -> None:
    """Change a cadre's fields; options not given are left as they are. The facts (branch,
    unit, level, rank, flags, active) change from --from DATE on (default today), or with --correct
    for every date."""
    from trainlog.registry import edit_cadre

    with st.db.connect(write=True) as conn:
        c = edit_cadre(conn, code, start=_day(start, "--from"), correct=correct, name=name,
                       unit=unit, level=level, rank=rank, branch=branch, top_leader=top_leader,
                       poverty_cadre=poverty_cadre, party_member=party_member,
                       registered_on=registered_on, id_number=id_number, active=active)
    typer.echo(say("msg.updated_cadre", code=c["code"], name=c["name"]))


@command(cadre_app, "deactivate")
def cadre_deactivate(
    st: State,
    code: CadreArg,
    on: Annotated[str | None, typer.Option(
        "--on", help="the first day the cadre is inactive (default today).")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="why (retired, transferred…), kept in the history and the log.")] = None,
) -> None:
    """Deactivate a cadre from a day: kept, with records before it still counting; no
    attendance on or after it."""
    from trainlog.registry import deactivate_cadre

    with st.db.connect(write=True) as conn:
        c = deactivate_cadre(conn, code, on=_day(on, "--on"), reason=reason)
    typer.echo(say("msg.deactivated_cadre", code=c["code"], name=c["name"]))


@command(cadre_app, "import")
def cadre_import(st: State, file: FileArg, options: ReadOpts, dry_run: DryRunOpt = False,
                 rejects: RejectsOpt = None, fmt: FormatOpt = Format.table,
                 quiet: QuietOpt = False, start: FromOpt = None) -> None:
    """Import cadres (编号, 姓名, 单位, 级别, 职级, 党支部, 一把手, 扶贫干部, 党员,
    网络学院注册日期, 身份证号); changed facts hold from --from DATE on (default today)."""
    from functools import partial

    from trainlog.registry import import_cadres

    _import(st, partial(import_cadres, start=_day(start, "--from")), "cadres", file, options,
            dry_run, rejects, fmt, quiet)


HISTORY_KEYS = ["fact", "value", "from", "to", "reason"]


@command(cadre_app, "history")
def cadre_history(st: State, code: CadreArg, fmt: FormatOpt = Format.table,
                  lang: LangOpt = None, output: OutputOpt = None) -> None:
    """Each of a cadre's facts with the values it held and the dates it held them."""
    from trainlog.registry import cadre_history as history

    with st.db.connect() as conn:
        data = history(conn, code)

    def tables() -> list[Any]:
        from trainlog.output.render import table

        return [table(data["facts"], HISTORY_KEYS, st.lang,
                      title=f"{data['code']} {data['name']}")]

    show(data, fmt, csv=(data["facts"], HISTORY_KEYS), table=tables, output=output,
         lang=st.lang)
