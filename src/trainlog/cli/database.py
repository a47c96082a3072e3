"""trainlog init, trainlog db info|check|backup|upgrade."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import Format, FormatOpt, LangOpt, OutputOpt, State, command, show
from trainlog.vocab import own_labels, say

db_app = typer.Typer(help="The database: info, check, backup, upgrade.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@command(app, "init")
def init(
    st: State,
    office: Annotated[str | None, typer.Option(
        "--office", help="a new database's first office: its code (default: main).")] = None,
    office_name: Annotated[str | None, typer.Option(
        "--office-name", help="the first office's name (default: 本单位).")] = None,
) -> None:
    """Create the database (idempotent) and print where it is."""
    from trainlog.offices import first_office
    from trainlog.output.render import message

    db = st.db
    first = first_office(office, office_name)
    created = db.init(first)
    typer.echo(db.display())
    if created:
        message(say("msg.created_db", code=first[0], name=first[1]))
        return
    message(say("msg.db_up_to_date"))
    if office is not None or office_name is not None:
        from trainlog.offices import check_first_office

        with db.connect() as conn:
            check_first_office(conn, *first)


@command(db_app, "info")
def info(st: State, fmt: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """Which database is in use: location, engine, schema revision, rows per table."""
    from trainlog.store.info import database_info

    data = database_info(st.db)
    rows = [{"table": t, "rows": n} for t, n in data["tables"].items()]

    def lines() -> list[Any]:
        from trainlog.output.render import table

        zh = st.lang == "zh"
        return [f"{'位置' if zh else 'location'}: {data['location']}",
                f"{'引擎' if zh else 'engine'}: {data['engine']}",
                f"{'版本' if zh else 'revision'}: {data['revision']}",
                table(rows, ["table", "rows"], st.lang)]

    show(data, fmt, csv=(rows, ["table", "rows"]), table=lines, output=output, lang=st.lang)


@command(db_app, "check")
def check(st: State, fmt: FormatOpt = Format.table, lang: LangOpt = None,
          output: OutputOpt = None) -> None:
    """Check the database: SQLite's or PostgreSQL's own checks, trainlog's invariants; exit 1 if not."""
    from trainlog.errors import TrainlogError
    from trainlog.output.render import table
    from trainlog.store.checks import run_checks

    report = run_checks(st.db)
    keys = ["name", "ok", "detail"]
    labels = own_labels("check")  # a check's name is 检查项
    show(report, fmt, csv=(report["checks"], keys),
         table=lambda: [table(report["checks"], keys, st.lang, labels=labels)],
         output=output, lang=st.lang, labels=labels)
    failed = [c["name"] for c in report["checks"] if not c["ok"]]
    if failed:
        raise TrainlogError(say("msg.checks_failed", n=len(failed), of=len(report["checks"]))
                            + ", ".join(failed))


@command(db_app, "backup")
def backup(
    st: State,
    dest: Annotated[Path, typer.Argument(help="the copy's file name, or a folder to put it in.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="overwrite DEST if it exists.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Back up the database to DEST, safe while others write (SQLite: a checked copy of the file;
    PostgreSQL: pg_dump --format=custom)."""
    result = st.db.backup(dest, overwrite=force)
    show(result, fmt, text=result["backup"],
         before=say("msg.backed_up", database=result["database"], bytes=f"{result['bytes']:,}",
                    revision=result["revision"]))


@command(db_app, "upgrade")
def upgrade(st: State) -> None:
    """Bring an older database's schema up to this version (a backup copy is written first)."""
    from trainlog.output.render import message

    db = st.db
    if not db.exists():
        raise db.missing()
    done = db.upgrade()
    if not done["upgraded"]:
        message(say("msg.schema_current", to=done["to"]))
    else:
        copy = say("msg.backup_copy", path=done["backup"]) if done["backup"] else ""
        message(say("msg.schema_upgraded", **{"from": done["from"]}, to=done["to"], copy=copy))
    if done.get("regranted"):
        message(say("msg.privileges_remade", roles=", ".join(done["regranted"])))
    sys.stdout.write(db.display() + "\n")
