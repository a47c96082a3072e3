"""The command tree of trainlog as a bare Typer app: the framework's own start-up floor.

Same commands, sub-apps and (roughly) options as trainlog, so Typer builds and renders the
same amount of help; every command hands its name and arguments to one `Action`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

#: What a command does: called with the database location, the command's name and arguments.
Action = Callable[[str, str, dict[str, Any]], None]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    notice = "notice"


class Track(StrEnum):
    policy = "policy"
    video = "video"
    special = "special"


class By(StrEnum):
    track = "track"
    kind = "kind"
    topic = "topic"
    branch = "branch"
    township = "township"
    level = "level"
    month = "month"


class Audience(StrEnum):
    all = "all"
    top_leaders = "top-leaders"
    poverty_cadres = "poverty-cadres"


class Level(StrEnum):
    district = "district"
    township = "township"
    village = "village"


FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="A month: YYYY-MM, this, last.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="A whole year.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day of the period.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day of the period.")]
FileArg = Annotated[Path, typer.Argument(help="A CSV or .xlsx file.")]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help="The file's encoding.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")]


def build(action: Action) -> typer.Typer:
    """The app: every command calls `action`."""
    app = typer.Typer(help="Keep the record of how cadres are trained.", no_args_is_help=True)
    state: dict[str, str] = {}

    def run(command: str, **params: Any) -> None:
        default = os.environ.get("TRAINLOG_DB") or str(Path(tempfile.gettempdir()) / "minimal.db")
        action(state.get("db") or default, command, params)

    @app.callback()
    def main(
        db: Annotated[str | None, typer.Option("--db", help="Database path or URL.")] = None,
        lang: Annotated[str | None, typer.Option("--lang", help="Output language.")] = None,
    ) -> None:
        """Keep the record of how cadres are trained."""
        if db:
            state["db"] = db

    @app.command()
    def init() -> None:
        """Create the database (idempotent) and print where it is."""
        run("init")

    db_app = typer.Typer(help="The database: where it is, checks, backups, upgrades.")
    app.add_typer(db_app, name="db")

    @db_app.command("info")
    def db_info() -> None:
        """Say which database is in use."""
        run("db info")

    @db_app.command("check")
    def db_check() -> None:
        """Check the database's integrity."""
        run("db check")

    @db_app.command("backup")
    def db_backup(dest: Annotated[Path, typer.Argument(help="Where to copy it.")]) -> None:
        """Copy the database safely."""
        run("db backup", dest=dest)

    @db_app.command("upgrade")
    def db_upgrade() -> None:
        """Upgrade the schema."""
        run("db upgrade")

    branch_app = typer.Typer(help="Party branches.")
    app.add_typer(branch_app, name="branch")

    @branch_app.command("add")
    def branch_add(code: str, name: str,
                   township: Annotated[str | None, typer.Option(help="乡镇/街道.")] = None) -> None:
        """Add a party branch."""
        run("branch add", code=code, name=name, township=township)

    @branch_app.command("list")
    def branch_list(fmt: FormatOpt = Format.table) -> None:
        """List the branches."""
        run("branch list", format=fmt)

    @branch_app.command("import")
    def branch_import(file: FileArg, encoding: EncodingOpt = None,
                      dry_run: DryRunOpt = False) -> None:
        """Import branches from a file."""
        run("branch import", file=file, encoding=encoding, dry_run=dry_run)

    cadre_app = typer.Typer(help="Cadres.")
    app.add_typer(cadre_app, name="cadre")

    @cadre_app.command("add")
    def cadre_add(
        code: str, name: str,
        unit: Annotated[str | None, typer.Option(help="单位.")] = None,
        level: Annotated[Level | None, typer.Option(help="The cadre's level.")] = None,
        branch: Annotated[str | None, typer.Option(help="Branch code.")] = None,
        top_leader: Annotated[bool, typer.Option("--top-leader", help="一把手.")] = False,
        poverty_cadre: Annotated[bool, typer.Option("--poverty-cadre", help="扶贫干部.")] = False,
        no_party_member: Annotated[bool, typer.Option("--no-party-member",
                                                      help="Not a party member.")] = False,
        registered_on: Annotated[str | None, typer.Option(help="Academy registration.")] = None,
    ) -> None:
        """Add a cadre."""
        run("cadre add", code=code, name=name, unit=unit, level=level, branch=branch,
            top_leader=top_leader, poverty_cadre=poverty_cadre,
            no_party_member=no_party_member, registered_on=registered_on)

    @cadre_app.command("list")
    def cadre_list(
        branch: Annotated[str | None, typer.Option(help="Only this branch.")] = None,
        level: Annotated[Level | None, typer.Option(help="Only this level.")] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """List cadres."""
        run("cadre list", branch=branch, level=level, format=fmt)

    @cadre_app.command("show")
    def cadre_show(code: str, year: YearOpt = None, fmt: FormatOpt = Format.table) -> None:
        """Show a cadre and their training."""
        run("cadre show", code=code, year=year, format=fmt)

    @cadre_app.command("edit")
    def cadre_edit(
        code: str,
        name: Annotated[str | None, typer.Option(help="New name.")] = None,
        unit: Annotated[str | None, typer.Option(help="New unit.")] = None,
        branch: Annotated[str | None, typer.Option(help="New branch.")] = None,
    ) -> None:
        """Change a cadre's details."""
        run("cadre edit", code=code, name=name, unit=unit, branch=branch)

    @cadre_app.command("import")
    def cadre_import(file: FileArg, encoding: EncodingOpt = None,
                     dry_run: DryRunOpt = False) -> None:
        """Import cadres from a file."""
        run("cadre import", file=file, encoding=encoding, dry_run=dry_run)

    @cadre_app.command("deactivate")
    def cadre_deactivate(code: str) -> None:
        """Deactivate a cadre; their records keep counting."""
        run("cadre deactivate", code=code)

    @app.command("add-session")
    def add_session(
        date: Annotated[str, typer.Option(help="The session's date.")],
        track: Annotated[Track, typer.Option(help="The training track.")],
        title: Annotated[str, typer.Option(help="The session's title.")],
        kind: Annotated[str | None, typer.Option(help="The kind within the track.")] = None,
        topic: Annotated[str | None, typer.Option(help="The topic of a class.")] = None,
        hours: Annotated[float, typer.Option(help="Study hours credited.")] = 0.0,
        attendee: Annotated[list[str] | None, typer.Option(help="A cadre code.")] = None,
        attendees_file: Annotated[Path | None, typer.Option(help="Cadre codes.")] = None,
        headcount: Annotated[int, typer.Option(help="Unnamed attendees.")] = 0,
        branch: Annotated[str | None, typer.Option(help="The branch holding it.")] = None,
        ref: Annotated[str | None, typer.Option(help="A reference of your own.")] = None,
        replace: Annotated[bool, typer.Option("--replace", help="Replace that ref.")] = False,
    ) -> None:
        """Record a training session and who attended."""
        run("add-session", date=date, track=track, title=title, kind=kind, topic=topic,
            hours=hours, attendee=attendee, attendees_file=attendees_file,
            headcount=headcount, branch=branch, ref=ref, replace=replace)

    session_app = typer.Typer(help="Training sessions.")
    app.add_typer(session_app, name="session")

    @session_app.command("list")
    def session_list(month: MonthOpt = None, year: YearOpt = None,
                     track: Annotated[Track | None, typer.Option(help="Only a track.")] = None,
                     voided: Annotated[bool, typer.Option("--voided", help="Voided too.")] = False,
                     fmt: FormatOpt = Format.table) -> None:
        """List sessions."""
        run("session list", month=month, year=year, track=track, voided=voided, format=fmt)

    @session_app.command("show")
    def session_show(ident: Annotated[str, typer.Argument(metavar="ID|REF")],
                     fmt: FormatOpt = Format.table) -> None:
        """Show a session and its attendees."""
        run("session show", ident=ident, format=fmt)

    @session_app.command("import")
    def session_import(file: FileArg, encoding: EncodingOpt = None,
                       dry_run: DryRunOpt = False) -> None:
        """Import sessions, one row per attendance."""
        run("session import", file=file, encoding=encoding, dry_run=dry_run)

    @session_app.command("void")
    def session_void(ident: Annotated[str, typer.Argument(metavar="ID|REF")],
                     reason: Annotated[str, typer.Option(help="Why.")]) -> None:
        """Void a session, with a reason."""
        run("session void", ident=ident, reason=reason)

    study_app = typer.Typer(help="Online study hours.")
    app.add_typer(study_app, name="study")

    @study_app.command("add")
    def study_add(code: str, month: Annotated[str, typer.Option(help="YYYY-MM.")],
                  hours: Annotated[float, typer.Option(help="Hours studied.")],
                  platform: Annotated[str, typer.Option(help="The platform.")] = "academy"
                  ) -> None:
        """Record a cadre's hours in one month."""
        run("study add", code=code, month=month, hours=hours, platform=platform)

    @study_app.command("import")
    def study_import(file: FileArg, month: MonthOpt = None,
                     platform: Annotated[str | None, typer.Option(help="The platform.")] = None,
                     encoding: EncodingOpt = None, dry_run: DryRunOpt = False) -> None:
        """Import a platform's monthly export."""
        run("study import", file=file, month=month, platform=platform, encoding=encoding,
            dry_run=dry_run)

    plan_app = typer.Typer(help="The yearly plan.")
    app.add_typer(plan_app, name="plan")

    @plan_app.command("set")
    def plan_set(year: int, target: Annotated[int, typer.Option(help="Person-times.")],
                 track: Annotated[Track | None, typer.Option(help="Only a track.")] = None,
                 deadline: Annotated[str | None, typer.Option(help="Deadline.")] = None) -> None:
        """Set a year's target."""
        run("plan set", year=year, target=target, track=track, deadline=deadline)

    @plan_app.command("show")
    def plan_show(year: Annotated[int | None, typer.Argument()] = None,
                  fmt: FormatOpt = Format.table) -> None:
        """Show a year's plan."""
        run("plan show", year=year, format=fmt)

    @app.command()
    def report(
        month: MonthOpt = None, year: YearOpt = None, from_: FromOpt = None, to: ToOpt = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Count up to this day.")] = None,
        by: Annotated[By | None, typer.Option("--by", help="Break down by.")] = None,
        audience: Annotated[Audience, typer.Option(help="Whose attendances.")] = Audience.all,
        track: Annotated[Track | None, typer.Option(help="Only a track.")] = None,
        fail_if_behind: Annotated[bool, typer.Option("--fail-if-behind",
                                                     help="Exit 3 if behind.")] = False,
        fmt: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = (
            ReportFormat.table),
    ) -> None:
        """Person-times, people and hours per track, against the plan."""
        run("report", month=month, year=year, from_=from_, to=to, as_of=as_of, by=by,
            audience=audience, track=track, fail_if_behind=fail_if_behind, format=fmt)

    @app.command()
    def compliance(
        month: MonthOpt = None, year: YearOpt = None, from_: FromOpt = None, to: ToOpt = None,
        min_month: Annotated[float, typer.Option(help="Hours a month.")] = 5.0,
        min_year: Annotated[float, typer.Option(help="Hours a year.")] = 60.0,
        platform: Annotated[str | None, typer.Option(help="Only a platform.")] = None,
        fail_if_any: Annotated[bool, typer.Option("--fail-if-any", help="Exit 3.")] = False,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Who is short of online study hours."""
        run("compliance", month=month, year=year, from_=from_, to=to, min_month=min_month,
            min_year=min_year, platform=platform, fail_if_any=fail_if_any, format=fmt)

    @app.command()
    def coverage(month: MonthOpt = None, year: YearOpt = None, from_: FromOpt = None,
                 to: ToOpt = None,
                 kind: Annotated[str | None, typer.Option(help="Only a kind.")] = None,
                 fmt: FormatOpt = Format.table) -> None:
        """Video sessions per branch, and the branches with none."""
        run("coverage", month=month, year=year, from_=from_, to=to, kind=kind, format=fmt)

    config_app = typer.Typer(help="Settings.")
    app.add_typer(config_app, name="config")

    @config_app.command("set")
    def config_set(key: str, value: str) -> None:
        """Set a setting."""
        run("config set", key=key, value=value)

    @config_app.command("show")
    def config_show(fmt: FormatOpt = Format.table) -> None:
        """Show the settings."""
        run("config show", format=fmt)

    survey_app = typer.Typer(help="The training-needs survey.")
    app.add_typer(survey_app, name="survey")

    @survey_app.command("add")
    def survey_add(date: Annotated[str, typer.Option(help="Date.")],
                   method: Annotated[str, typer.Option(help="How it was asked.")],
                   topic: Annotated[list[str], typer.Option(help="Topics asked for.")],
                   cadre: Annotated[str | None, typer.Option(help="Cadre code.")] = None,
                   note: Annotated[str | None, typer.Option(help="Note.")] = None) -> None:
        """Record a survey answer."""
        run("survey add", date=date, method=method, topic=topic, cadre=cadre, note=note)

    @survey_app.command("list")
    def survey_list(month: MonthOpt = None, year: YearOpt = None,
                    fmt: FormatOpt = Format.table) -> None:
        """List survey answers."""
        run("survey list", month=month, year=year, format=fmt)

    @survey_app.command("import")
    def survey_import(file: FileArg, encoding: EncodingOpt = None,
                      dry_run: DryRunOpt = False) -> None:
        """Import survey answers."""
        run("survey import", file=file, encoding=encoding, dry_run=dry_run)

    @survey_app.command("report")
    def survey_report(month: MonthOpt = None, year: YearOpt = None,
                      fmt: FormatOpt = Format.table) -> None:
        """Topics and methods asked for."""
        run("survey report", month=month, year=year, format=fmt)

    @app.command()
    def export(year: Annotated[int, typer.Option(help="The year.")],
               file: Annotated[Path, typer.Argument(help="An .xlsx file.")]) -> None:
        """Export a year to a workbook."""
        run("export", year=year, file=file)

    @app.command()
    def demo() -> None:
        """Fill a database with the Zhaoling 2020 example."""
        run("demo")

    return app
