"""trainlog study add|import, trainlog compliance, trainlog coverage, trainlog config set|show."""

from pathlib import Path
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    CadreArg,
    DryRunOpt,
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PeriodOpts,
    PlatformOpt,
    QuietOpt,
    ReadOpts,
    RejectsOpt,
    State,
    command,
    finish_import,
    listing,
    run_import,
    show,
    warn,
)
from trainlog.vocab import own_labels, say, word

study_app = typer.Typer(help="Online study hours (网络学习) imported from the platforms.",
                        no_args_is_help=True)
config_app = typer.Typer(help="Settings kept in the database (compliance thresholds).",
                         no_args_is_help=True)
app.add_typer(study_app, name="study")
app.add_typer(config_app, name="config")

#: zh-CN headers where these commands' differ from trainlog.vocab.WORDS: a person's name is 姓名.
LABELS = own_labels("cadre")
SHORT_KEYS = ["cadre", "name", "branch", "hours", "required", "year_to_date", "months_short"]
COMPLIANCE_SUMMARY = ["period", "min_month", "min_year", "party_members", "registered",
                      "registration_coverage", "checked", "short_count"]
BRANCH_KEYS = ["branch", "name", "township", "sessions"]
COVERAGE_SUMMARY = ["period", "branches", "with_sessions", "coverage", "sessions"]
SETTING_KEYS = ["key", "value", "default", "set", "description"]
KeyArg = Annotated[str, typer.Argument(help="compliance.min_month or compliance.min_year.")]


def _summary(data: dict[str, Any], keys: list[str], lang: str):  # type: ignore[no-untyped-def]
    """A two-column table of a report's figures."""
    from trainlog.output.render import cell, header, table

    rows = []
    for key in keys:
        value = data[key]
        shown = value["label"] if key == "period" else cell(value, key, lang)
        rows.append({"field": header(key, lang, LABELS), "value": shown})
    return table(rows, ["field", "value"], lang)


@command(study_app, "add")
def study_add(
    st: State,
    code: CadreArg,
    month: Annotated[str, typer.Option("--month", help="YYYY-MM (also this, last).")],
    hours: Annotated[str, typer.Option("--hours", help="hours studied in that month.")],
    platform: PlatformOpt = None,
) -> None:
    """Record a cadre's online study hours in a month (replaces what was recorded)."""
    from trainlog.study.records import add_study

    with st.db.connect(write=True) as db:
        r = add_study(db, code, month, hours, platform)
    was = "" if r["previous"] is None else say("msg.was", value=f"{r['previous']:g}")
    typer.echo(say("msg.recorded_study", cadre=r["cadre"], month=r["month"],
                   platform=r["platform"], hours=f"{r['hours']:g}", was=was))
    warn(r["warnings"])


@command(study_app, "import")
def study_import(
    st: State,
    file: Annotated[Path, typer.Argument(help="a platform's monthly export: .csv (UTF-8, "
                                         "GB18030 or UTF-16), .xlsx or .xls with 干部编号 (or "
                                         "身份证号, or 姓名 and 单位), 学时 [, 平台, 月份].",
                                         show_default=False)],
    month: Annotated[str | None, typer.Option(
        "--month", help="the month of rows without a 月份 value; rows of another month are "
        "errors.")] = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="the platform of rows without a 平台 value (default academy).")] = None,
    options: ReadOpts = None,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    fmt: FormatOpt = Format.table,
    quiet: QuietOpt = False,
) -> None:
    """Import online study hours; one record per cadre, platform and month; all or nothing."""
    from trainlog.study.records import import_study

    result, rejected = run_import(st, import_study, file, options, dry_run, rejects,
                                  month=month, platform=platform)
    warn(result.warnings)
    verb = say("msg.would_import" if dry_run else "msg.imported")
    months = ", ".join(result.months) or say("msg.no_month")
    finish_import(result.as_dict(), fmt,
                  say("msg.study_imported", verb=verb, rows=result.rows, months=months,
                      created=result.created, updated=result.updated,
                      unchanged=result.unchanged), rejected, quiet)


@command(app, "compliance")
def compliance(
    st: State,
    period: PeriodOpts,
    min_month: Annotated[float | None, typer.Option(
        "--min-month", help="hours required per month (default: the database's "
        "compliance.min_month, else 5).", show_default=False)] = None,
    min_year: Annotated[float | None, typer.Option(
        "--min-year", help="hours required for a whole year (default: compliance.min_year, "
        "else 60).", show_default=False)] = None,
    platform: PlatformOpt = None,
    fail_if_any: Annotated[bool, typer.Option(
        "--fail-if-any", help="exit 3 when anyone is short of hours.")] = False,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """Registered cadres short of online study hours, and party members' registration coverage."""
    from trainlog.errors import ConditionHeld
    from trainlog.output.render import table
    from trainlog.study.compliance import compliance as report

    with st.db.connect() as s:
        data = report(s, period, min_month, min_year, platform)
    short = data["short"]
    show(data, fmt, csv=(short, SHORT_KEYS),
         table=lambda: [table(short, SHORT_KEYS, st.lang, labels=LABELS) if short else None,
                        _summary(data, COMPLIANCE_SUMMARY, st.lang)],
         after=None if short else ("无人学时不足" if st.lang == "zh" else "nobody is short of hours"),
         output=output, lang=st.lang, labels=LABELS)
    if fail_if_any and data["short_count"]:
        n = data["short_count"]
        raise ConditionHeld(say("msg.short", n=n, period=period.label))


@command(app, "coverage")
def coverage(
    st: State,
    period: PeriodOpts,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="only this kind of video session: academy, xuexi or remote "
        "(远程教育, the source's measure).")] = None,
    township: Annotated[str | None, typer.Option("--township", help="only this township's "
                                                 "branches.")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """Video sessions held by each party branch in the period, and the branches with none."""
    from trainlog.output.render import table
    from trainlog.reports.coverage import coverage as report

    with st.db.connect() as s:
        result = report(s, period, kind, township)
    data = result.data

    def tables() -> list[Any]:
        without = [b for b in result.branches if not b["sessions"]]
        title = word("without", "zh") if st.lang == "zh" else "without"
        return [table(data["rows"], BRANCH_KEYS, st.lang) if data["rows"] else None,
                table(without, ["branch", "name", "township"], st.lang, title=title)
                if without else None,
                _summary(data, COVERAGE_SUMMARY, st.lang)]

    # CSV: every branch, zeros included: a sheet to sort and filter
    show(data, fmt, csv=(result.branches, BRANCH_KEYS), table=tables, output=output,
         lang=st.lang)


@command(config_app, "show")
def config_show(st: State, fmt: FormatOpt = Format.table, lang: LangOpt = None,
                output: OutputOpt = None) -> None:
    """The settings of this database, with their defaults."""
    from trainlog.study.settings import get_settings

    with st.db.connect() as s:
        rows = get_settings(s)
    if st.lang == "zh" and fmt is Format.table:  # the description in words of the language
        rows = [r | {"description": say(f"setting.{r['key']}")} for r in rows]
    listing(rows, SETTING_KEYS, fmt.value, st.lang, labels=LABELS, output=output)


@command(config_app, "set")
def config_set(
    st: State,
    key: KeyArg,
    value: Annotated[str, typer.Argument(help="the new value (hours).")],
) -> None:
    """Store a setting in this database (e.g. compliance.min_month 4)."""
    from trainlog.study.settings import set_setting

    with st.db.connect(write=True) as conn:
        r = set_setting(conn, key, value)
    typer.echo(f"{r['key']} = {r['value']:g}")


@command(config_app, "unset")
def config_unset(st: State, key: KeyArg) -> None:
    """Remove a stored setting: its default applies again."""
    from trainlog.study.settings import unset_setting

    with st.db.connect(write=True) as conn:
        r = unset_setting(conn, key)
    typer.echo(f"{r['key']} = {r['value']:g}" + say("msg.default"))
