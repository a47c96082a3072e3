"""What every command shares: the state (database, language), options, and error translation.

Nothing here imports SQLAlchemy or the models: `--help` and option parsing stay fast.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer

from trainlog.errors import TrainlogError
from trainlog.files.meters import showing
from trainlog.output.progress import bar as progress_bar
from trainlog.output.render import detect_lang, message
from trainlog.store.database import Database, retrying

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """The global options, resolved late: the engine is made only when a command needs it."""

    def __init__(self, location: str | None, lang: str | None):
        self.location = location
        self.lang = detect_lang(lang)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.location, on_upgrade=say_upgraded)
        return self._db


def say_upgraded(done: dict[str, Any]) -> None:
    """On stderr, what the upgrade of an older database on opening it did (`Database.upgrade`)."""
    message(f"upgraded the database schema from revision {done['from']} to {done['to']}; "
            f"the copy from before is at {done['backup']}")


_current = State(None, None)


def set_state(st: State) -> None:
    """Called by the root callback before every command (one command per process or test run)."""
    global _current
    _current = st


def state(lang: str | None = None) -> State:
    """The current command's state; a command's own --lang overrides the global one."""
    if lang:
        _current.lang = detect_lang(lang)
    return _current


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="en or zh (labels and headers).")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="the CSV's encoding (default: detect UTF-8 or GB18030).")
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="check every row, write nothing.")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="YYYY-MM, this or last.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="a whole year.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="first day (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="last day (YYYY-MM-DD).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="count up to this day.")]


def command(group: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Register a command whose TrainlogError becomes a message on stderr and its exit code.

    While it runs, a long import shows a progress bar on a terminal (`trainlog.output.progress`).
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*a: Any, **k: Any) -> Any:
            try:
                # PostgreSQL may abort a write for a conflict and ask for it to be run again
                with showing(progress_bar):
                    return retrying(lambda: fn(*a, **k))
            except TrainlogError as exc:
                if str(exc):
                    message(str(exc))
                raise typer.Exit(exc.exit_code) from None

        wrapper.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
        group.command(*args, **kwargs)(wrapper)
        return fn

    return decorate
