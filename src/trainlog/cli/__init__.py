"""The trainlog command: the Typer app, its global options, and the sub-commands' registration."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from trainlog.cli.common import State, set_state

app = typer.Typer(
    name="trainlog",
    help="Keep the record of how a district trains its cadres, and report on it against the plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from trainlog import __version__

        typer.echo(f"trainlog {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    db: Annotated[
        str | None,
        typer.Option("--db", help="database file or SQLAlchemy URL (default: TRAINLOG_DB, "
                     "then trainlog.db in the user data directory).", show_default=False),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="en or zh (default: TRAINLOG_LANG "
                                             "or the locale).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit.")] = False,
) -> None:
    set_state(State(db, lang))


# Each module adds its commands to `app` when imported; the order here is the order of --help.
from trainlog.cli import (  # noqa: E402,F401
    database,
    demo,
    export,
    registry,
    reports,
    sessions,
    study,
    survey,
)


def main() -> None:
    """The console script: run the app; an unexpected error is one line, not a traceback."""
    try:
        app(prog_name="trainlog")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing of the current command was written\n")
        sys.exit(130)
    except Exception as exc:  # a bug or an environment problem: say it plainly
        if os.environ.get("TRAINLOG_DEBUG"):
            raise
        sys.stderr.write(f"trainlog: unexpected error: {type(exc).__name__}: {exc}\n"
                         "(set TRAINLOG_DEBUG=1 to see the traceback)\n")
        sys.exit(1)
