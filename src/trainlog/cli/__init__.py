"""The trainlog command: the Typer app, its global options, and the sub-commands' registration."""

import os
import sys
from importlib import import_module
from typing import Annotated

import typer

from trainlog.cli.common import State
from trainlog.cli.words import Group

#: The root command. Its sub-commands are added by the modules of this package when they are
#: imported (`register`); `trainlog.cli.app` is the root with every one of them.
root = typer.Typer(
    name="trainlog",
    help="Keep the record of how a district trains its cadres, and report on it against the plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,  # the help in the language of the run (trainlog.cli.words)
)


def _version(value: bool) -> None:
    if value:
        from trainlog import __version__

        typer.echo(f"trainlog {__version__}")
        raise typer.Exit()


@root.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="database file or SQLAlchemy URL (default: TRAINLOG_DB, "
                     "then trainlog.db in the user data directory).", show_default=False),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="en or zh (default: TRAINLOG_LANG "
                                             "or the locale).")] = None,
    office: Annotated[
        str | None,
        typer.Option("--office", help="the office whose records to use (default: "
                     "TRAINLOG_OFFICE, then the database's only office, or the only one granted "
                     "to the database role).", show_default=False),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit.")] = False,
) -> None:
    ctx.obj = State(db, lang, office)  # each command's `st` (`trainlog.cli.common.command`)
    ctx.call_on_close(ctx.obj.close)


#: The modules that add commands, in the order of --help.
MODULES = ["database", "offices", "demo", "export", "registry", "reports", "sessions", "study",
           "survey", "months", "changes", "hours"]
#: The module of each top-level command or group: a command run from the shell imports its own
#: module only, so Typer builds one module's commands, not all 35 (a test checks this map).
COMMANDS = {"init": "database", "db": "database", "demo": "demo", "export": "export",
            "template": "export",
            "branch": "registry", "cadre": "registry", "plan": "reports", "report": "reports",
            "add-session": "sessions", "session": "sessions", "study": "study",
            "compliance": "study", "coverage": "study", "config": "study", "survey": "survey",
            "office": "offices", "month": "months", "log": "changes", "hours": "hours"}
#: Options of the root that take a value.
_VALUED = {"--db", "--lang", "--office"}


def register(modules: list[str] | None = None) -> typer.Typer:
    """Import the command modules (all by default), which adds their commands to `root`."""
    for name in modules or MODULES:
        import_module(f"trainlog.cli.{name}")
    return root


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole command tree, for tests and other front ends
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def modules_for(args: list[str]) -> list[str] | None:
    """The module of the command in a command line; None (all) for --help, --version or a name
    that is not a command (so Typer can list the commands and say what is wrong)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return [COMMANDS[arg]] if arg in COMMANDS else None
        elif arg == "--":
            return None
    return None


def main() -> None:
    """The console script: run the app; an unexpected error is one line, not a traceback."""
    import signal

    from trainlog.cli.common import interrupted, said_interrupted
    from trainlog.errors import Terminated
    from trainlog.store.database import commits

    def terminate(_signum: int, _frame: object) -> None:
        raise Terminated()

    if hasattr(signal, "SIGTERM"):  # a killed cron job cleans up as for Ctrl-C
        signal.signal(signal.SIGTERM, terminate)
    written = commits()
    try:
        register(modules_for(sys.argv[1:]))(prog_name="trainlog")
    except SystemExit as exc:
        # typer turns a Ctrl-C outside a command's body (parsing, closing) into a silent 130
        if exc.code == 130 and not said_interrupted():
            sys.exit(interrupted(KeyboardInterrupt(), commits() > written))
        raise
    except KeyboardInterrupt as exc:
        sys.exit(interrupted(exc, commits() > written))
    except Exception as exc:  # a bug or an environment problem: say it plainly
        if os.environ.get("TRAINLOG_DEBUG"):
            raise
        from trainlog.cli.words import lang_of
        from trainlog.vocab import say

        sys.stderr.write(say("msg.unexpected", lang_of(sys.argv[1:]), error=_said(exc)) + "\n")
        sys.exit(1)
    finally:
        # The outcome is decided: a signal now must not kill the process, which a shell would
        # report as 130 ("nothing written") after a write (Python restores the default
        # handlers as it exits, but leaves ignored signals ignored).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _said(exc: BaseException) -> str:
    """An unexpected error on one line: the driver's own error for a SQLAlchemy one, whose text
    holds the SQL and its parameters (cadres' names); never more than the first line."""
    orig = getattr(exc, "orig", None)
    shown = orig if isinstance(orig, BaseException) else exc
    text = str(shown).split("\n[SQL", 1)[0].strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(shown).__name__}: {first}" if first else type(shown).__name__
