"""trainlog init, trainlog db info|upgrade."""

from __future__ import annotations

import sys

import typer

from trainlog.cli import app
from trainlog.cli.common import Format, FormatOpt, command, state

db_app = typer.Typer(help="The database: info, check, backup, upgrade.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@command(app, "init")
def init() -> None:
    """Create the database (idempotent) and print where it is."""
    db = state().db
    created = db.init()
    typer.echo(db.display())
    from trainlog.render import message

    message("created a new trainlog database" if created
            else "the database exists and is up to date")


@command(db_app, "info")
def info(fmt: FormatOpt = Format.table) -> None:
    """Which database is in use: location, engine, schema revision, rows per table."""
    from trainlog.dbinfo import database_info
    from trainlog.render import console, to_json, write_csv

    st = state()
    data = database_info(st.db)
    if fmt is Format.json:
        typer.echo(to_json(data))
    elif fmt is Format.csv:
        write_csv([{"table": t, "rows": n} for t, n in data["tables"].items()], ["table", "rows"])
    else:
        out = console()
        zh = st.lang == "zh"
        out.print(f"{'位置' if zh else 'location'}: {data['location']}")
        out.print(f"{'引擎' if zh else 'engine'}: {data['engine']}")
        out.print(f"{'版本' if zh else 'revision'}: {data['revision']}")
        from trainlog.render import table

        rows = [{"table": t, "rows": n} for t, n in data["tables"].items()]
        out.print(table(rows, ["table", "rows"], st.lang))


@command(db_app, "upgrade")
def upgrade() -> None:
    """Bring an older database's schema up to this version (a backup copy is written first)."""
    from trainlog.render import message

    db = state().db
    if not db.exists():
        raise typer.Exit(_no_db(db))
    backup = db.upgrade()
    message(f"upgraded; backup copy at {backup}" if backup else "the schema is up to date")
    sys.stdout.write(db.display() + "\n")


def _no_db(db) -> int:  # type: ignore[no-untyped-def]
    from trainlog.render import message

    message(f"no trainlog database at {db.display()}; create it with `trainlog init`")
    return 1
