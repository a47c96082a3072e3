"""What every command shares: the state (database, language), options, and error translation.

Nothing here imports SQLAlchemy or the models: `--help` and option parsing stay fast.
"""

from __future__ import annotations

import functools
import inspect
import os
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
    """The global options of one run, kept on the root context (`ctx.obj`) by the root callback;
    the engine is made only when a command needs it, and disposed of when the run ends."""

    def __init__(self, location: str | None = None, lang: str | None = None):
        self.location = location
        self.asked_lang = lang  # --lang as given: the command's own, else the global one
        self.lang = detect_lang(lang)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.location, on_upgrade=say_upgraded)
        return self._db

    def use_lang(self, lang: str | None) -> None:
        """A command's own --lang, which overrides the global one."""
        if lang:
            self.asked_lang = lang
            self.lang = detect_lang(lang)

    @property
    def document_lang(self) -> str:
        """The language of a document (the workbook, the notice): zh unless English is asked for
        by --lang or TRAINLOG_LANG; for a Chinese readership, a locale alone does not change it."""
        for value in (self.asked_lang, os.environ.get("TRAINLOG_LANG")):
            if value:
                return detect_lang(value)
        return "zh"

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def say_upgraded(done: dict[str, Any]) -> None:
    """On stderr, what the upgrade of an older database on opening it did (`Database.upgrade`)."""
    message(f"upgraded the database schema from revision {done['from']} to {done['to']}; "
            f"the copy from before is at {done['backup']}")


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

    A parameter annotated `State` is given the run's state (the root callback's `ctx.obj`), with
    the command's own --lang, if it has one and it is given, over the global one. While the
    command runs, a long import shows a progress bar on a terminal (`trainlog.output.progress`).
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn, eval_str=True)
        params: list[inspect.Parameter] = []
        state_param = None
        for p in sig.parameters.values():
            if p.annotation is State:  # Typer gives the context, which the state is kept on
                if "ctx" in sig.parameters:
                    raise TypeError(f"{fn.__name__}: a command with a State has no ctx of its own")
                state_param = p.name
                params.insert(0, inspect.Parameter(
                    "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context))
            else:
                params.append(p)

        @functools.wraps(fn)
        def wrapper(**given: Any) -> Any:
            try:
                with showing(progress_bar):
                    if state_param is not None:
                        st = given.pop("ctx").ensure_object(State)
                        st.use_lang(given.get("lang"))
                        given[state_param] = st
                    # PostgreSQL may abort a write for a conflict and ask for it to be run again
                    return retrying(lambda: fn(**given))
            except TrainlogError as exc:
                if str(exc):
                    message(str(exc))
                raise typer.Exit(exc.exit_code) from None

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        group.command(*args, **kwargs)(wrapper)
        return fn

    return decorate
