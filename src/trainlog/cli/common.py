"""What every command shares: the state (database, language), options, output and error
translation.

Nothing here imports SQLAlchemy or the models: `--help` and option parsing stay fast.
"""

import functools
import inspect
import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args

import typer

from trainlog.dates import Period
from trainlog.errors import TrainlogError
from trainlog.files.meters import showing
from trainlog.output import render
from trainlog.output.progress import bar as progress_bar
from trainlog.output.render import detect_lang, message
from trainlog.store.database import Database, commits, retrying
from trainlog.vocab import say, set_lang

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """The global options of one run, kept on the root context (`ctx.obj`) by the root callback;
    the engine is made only when a command needs it, and disposed of when the run ends."""

    def __init__(self, location: str | None = None, lang: str | None = None,
                 office: str | None = None):
        self.location = location
        self.office = office
        self.asked_lang = lang  # --lang as given: the command's own, else the global one
        self.lang = detect_lang(lang)
        set_lang(self.lang)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.location, on_upgrade=say_upgraded, office=self.office)
        return self._db

    def use_lang(self, lang: str | None) -> None:
        """A command's own --lang, which overrides the global one."""
        if lang:
            self.asked_lang = lang
            self.lang = detect_lang(lang)
            set_lang(self.lang)

    @property
    def document_lang(self) -> str:
        """The language of a document (the workbook, the notice): zh unless English is asked for
        by --lang or TRAINLOG_LANG; for a Chinese readership, a locale alone does not change it."""
        for value in (self.asked_lang, os.environ.get("TRAINLOG_LANG")):
            if value:
                return detect_lang(value)
        return "zh"

    def close(self) -> None:
        set_lang("en")  # the run is over: a library caller in the same process gets English
        if self._db is not None:
            self._db.dispose()


#: Whether `interrupted` said it already (typer's own Ctrl-C handling then says nothing more).
_SAID: list[bool] = []


def interrupted(exc: BaseException, saved: bool) -> int:
    """The line a Ctrl-C (or SIGTERM) gets, on stderr, and the exit code: 130 (143) when nothing
    of the command was written; 0 when its changes had been committed already (the summary was
    being printed): a run that says "nothing written" must not have written, or it is entered
    twice."""
    from trainlog.errors import Terminated

    _SAID.append(True)
    what = say("msg.terminated" if isinstance(exc, Terminated) else "msg.interrupted")
    try:
        if saved:
            message(say("msg.stopped_after_save", what=what))
            return 0
        message(say("msg.stopped", what=what))
    except (OSError, ValueError):  # stderr gone with the terminal
        pass
    return 143 if isinstance(exc, Terminated) else 130


def said_interrupted() -> bool:
    return bool(_SAID)


def say_upgraded(done: dict[str, Any]) -> None:
    """On stderr, what the upgrade of an older database on opening it did (`Database.upgrade`)."""
    message(say("msg.upgraded_on_open", **{"from": done["from"]}, to=done["to"],
                path=done["backup"]))


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")]
def _output_file(ctx: typer.Context, value: Path | None) -> Path | None:
    """--output's file: one of the suffixes it writes (.docx for `report` only), else exit 2."""
    from trainlog.vocab import say

    if value is None:
        return None
    report = ctx.command.name == "report"
    if value.suffix.lower() not in (".csv", ".xlsx", ".json", *((".docx",) if report else ())):
        raise typer.BadParameter(say("msg.output_suffix_report" if report
                                     else "msg.output_suffix", path=value))
    return value


OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", callback=_output_file, show_default=False,
    help="write to this file instead, by its suffix: .csv (UTF-8 with BOM, for Excel), .xlsx "
    "or .json.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="en or zh (labels and headers).")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="a text file's encoding (default: detect UTF-8, GB18030 or UTF-16 "
                     "with a BOM).")
]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="print nothing on stdout when all went well (warnings and errors "
    "still go to stderr): for cron, which mails what a job prints.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="check every row, write nothing.")]
FileArg = Annotated[Path, typer.Argument(help="a .csv (UTF-8, GB18030 or UTF-16), .xlsx or "
                                         ".xls file.",
                                         show_default=False)]
DateOpt = Annotated[str, typer.Option("--date", help="YYYY-MM-DD, YYYY/M/D or YYYY年M月D日.")]
CadreArg = Annotated[str, typer.Argument(help="the cadre's code.")]
BranchOpt = Annotated[str | None, typer.Option("--branch", help="the branch's code.")]
TRACK_HELP = "policy/video/special or 政策培训/视频培训/专题培训."
TrackOpt = Annotated[str | None, typer.Option("--track", help=TRACK_HELP)]
KindOpt = Annotated[str | None, typer.Option(
    "--kind", help="a kind of the track, key or zh-CN label (e.g. remote or 远程教育).")]
PlatformOpt = Annotated[str | None, typer.Option(
    "--platform", help="academy/xuexi/remote or 干部网络学院/学习强国/远程教育.")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="YYYY-MM, this or last.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="a whole year.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="first day (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="last day (YYYY-MM-DD).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="count up to this day.")]


class _Options:
    """Marks a parameter that `command` replaces by several options, the value made of theirs."""

    def __init__(self, options: dict[str, Any], make: Callable[..., Any]):
        self.options = options
        self.make = make


def _period(month: str | None, year: int | None, start: str | None, end: str | None,
            as_of: str | None = None) -> Period:
    from trainlog.dates import resolve_period

    return resolve_period(month, year, start, end, as_of)


def _dates(month: str | None, year: int | None, start: str | None,
           end: str | None) -> Period | None:
    if all(v is None for v in (month, year, start, end)):
        return None
    return _period(month, year, start, end)


_DATES = {"month": MonthOpt, "year": YearOpt, "start": FromOpt, "end": ToOpt}
#: A report's period: --month, --year, --from/--to (default: this month), cut at --as-of.
PeriodOpts = Annotated[Period, _Options({**_DATES, "as_of": AsOfOpt}, _period)]
#: A listing's dates: --month, --year or --from/--to; None (every date) when none is given.
DatesOpts = Annotated[Period | None, _Options(_DATES, _dates)]


def read_options(encoding: str | None = None, header_row: int | None = None,
                 sheet: str | None = None, ignore: list[str] | None = None,
                 ignore_extra: bool | None = None, maps: list[str] | None = None) -> Any:
    """The `trainlog.files.tables.ReadOptions` of an import's (or an attendees file's) options."""
    from trainlog.files.tables import ReadOptions

    return ReadOptions(encoding=encoding, header_row=header_row, sheet=sheet,
                       ignore=tuple(ignore or ()), ignore_extra=bool(ignore_extra),
                       maps=tuple(maps or ()))


#: How an import reads its file (`trainlog.files.tables.ReadOptions`): --encoding, --header-row,
#: --sheet, --ignore, --ignore-extra, --map.
ReadOpts = Annotated[Any, _Options({
    "encoding": EncodingOpt,
    "header_row": Annotated[int | None, typer.Option(
        "--header-row", help="the header's row number (default: found in the first 10 rows).")],
    "sheet": Annotated[str | None, typer.Option(
        "--sheet", help="a workbook's sheet, by name or number (default the first).")],
    "ignore": Annotated[list[str] | None, typer.Option(
        "--ignore", help="leave this column out (repeatable).")],
    "ignore_extra": Annotated[bool | None, typer.Option(
        "--ignore-extra", help="leave every unknown column out.")],
    "maps": Annotated[list[str] | None, typer.Option(
        "--map", help="read a header as a column: 'HEADER=KEY', e.g. 本月学时=hours "
        "(repeatable).")],
}, read_options)]
RejectsOpt = Annotated[Path | None, typer.Option(
    "--rejects", help="load the good rows; write the bad ones to this CSV with a problem "
    "column (exit 4 when any).")]


def run_import(st: State, importer: Callable[..., Any], file: Path, options: Any,
               dry_run: bool, rejects: Path | None, **kwargs: Any) -> tuple[Any, Any]:
    """Run an importer in one write transaction (undone for a dry run): all or nothing, or with
    `rejects` the good rows loaded and the bad ones written there. (result, Rejects or None)."""
    with st.db.connect(write=True, dry_run=dry_run) as conn:
        if rejects is None:
            return importer(conn, file, dry_run=dry_run, options=options, **kwargs), None
        from trainlog.files.rejects import import_with_rejects

        return import_with_rejects(
            conn, lambda o: importer(conn, file, dry_run=dry_run, options=o, **kwargs),
            options, rejects)


def import_notes(data: dict[str, Any], rejected: Any) -> str:
    """The lines an import's summary adds: what was left out of the file, what was rejected."""
    lines = []
    if data.get("columns_left_out"):
        lines.append(say("msg.left_out", columns=", ".join(data["columns_left_out"])))
    if data.get("total_rows_skipped"):
        lines.append(say("msg.totals_skipped", n=data["total_rows_skipped"]))
    if rejected is not None:
        lines.append(say("msg.rejected", n=rejected.rows, path=rejected.path))
    return "".join(f"\n{x}" for x in lines)


def finish_import(data: dict[str, Any], fmt: Any, text: str, rejected: Any,
                  quiet: bool = False) -> None:
    """Show an import's result (with the rejects, if any, in it), then exit 4 if rows were
    rejected. With `quiet`, nothing is shown when all went well (no row rejected)."""
    if rejected is not None:
        data = {**data, "rejected": rejected.rows, "rejects": str(rejected.path)}
    if not (quiet and not (rejected is not None and rejected.rows)):
        show(data, fmt, text=text + import_notes(data, rejected))
    if rejected is not None and rejected.rows:
        raise typer.Exit(4)


def show(data: Any, fmt: str, *, output: Path | None = None, lang: str = "en",
         labels: dict[str, str] | None = None, document: Any = None, **views: Any) -> None:
    """A command's result in the format asked for (`render.show`). JSON and lines of text go
    through Typer's echo, as the commands have always written them (it flushes, and copes with
    a stdout whose encoding is misconfigured).

    With `output` (-o FILE), nothing is printed: the file is written by its suffix, JSON `data`,
    CSV and xlsx the `csv` view (headers in `lang`, `labels` for zh), .docx the Word document
    `document` makes (`trainlog.output.files.save`).
    """
    if output is not None:
        from trainlog.output.files import save

        view = views.get("csv")
        save(output, data, view() if callable(view) else view, lang, labels, document)
    else:
        render.show(data, fmt, echo=_echo, **views)


def listing(rows: list[dict[str, Any]], columns: list[str], fmt: str, lang: str,
            labels: dict[str, str] | None = None, output: Path | None = None) -> None:
    """A listing in the format asked for (`render.listing`), or written to `output`."""
    if output is not None:
        from trainlog.output.files import save

        save(output, rows, (rows, columns), lang, labels)
    else:
        render.listing(rows, columns, fmt, lang, labels=labels)


def _echo(text: str) -> None:
    typer.echo(text, nl=False)


def warn(warnings: list[str]) -> None:
    """An importer's or a write's warnings, on stderr, whatever the format."""
    for w in warnings:
        message(say("msg.warning", text=w))


def _masked(text: str) -> str:
    """A message with anything that looks like an id number masked: the last guard (a code
    option given an id number, `cadre show 4111…`, is echoed in its message)."""
    if len(text) < 18:
        return text
    from trainlog.files.tables import mask_id_numbers

    return mask_id_numbers(text)


def command(group: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Register a command whose TrainlogError becomes a message on stderr and its exit code.

    A parameter annotated `State` is given the run's state (the root callback's `ctx.obj`), with
    the command's own --lang, if it has one and it is given, over the global one. A parameter of
    `PeriodOpts` or `DatesOpts` stands for the period options, which take its place in the
    command line; it is given the period they say. While the command runs, a long import shows a
    progress bar on a terminal (`trainlog.output.progress`).
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn, eval_str=True)
        params: list[inspect.Parameter] = []
        state_param = None
        groups: dict[str, _Options] = {}
        for p in sig.parameters.values():
            marker = next((m for m in get_args(p.annotation)[1:] if isinstance(m, _Options)),
                          None)
            if p.annotation is State:  # Typer gives the context, which the state is kept on
                if "ctx" in sig.parameters:
                    raise TypeError(f"{fn.__name__}: a command with a State has no ctx of its own")
                state_param = p.name
                params.insert(0, inspect.Parameter(
                    "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context))
            elif marker is not None:
                groups[p.name] = marker
                params += [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                             default=None, annotation=option)
                           for name, option in marker.options.items()]
            else:
                params.append(p)

        @functools.wraps(fn)
        def wrapper(**given: Any) -> Any:
            written = commits()
            try:
                with showing(progress_bar):
                    if state_param is not None:
                        st = given.pop("ctx").ensure_object(State)
                        st.use_lang(given.get("lang"))
                        given[state_param] = st
                    for name, marker in groups.items():
                        given[name] = marker.make(*(given.pop(o) for o in marker.options))
                    # PostgreSQL may abort a write for a conflict and ask for it to be run again
                    return retrying(lambda: fn(**given))
            except TrainlogError as exc:
                if str(exc):
                    message(_masked(str(exc)))
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt as exc:
                raise typer.Exit(interrupted(exc, commits() > written)) from None

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        group.command(*args, **kwargs)(wrapper)
        return fn

    return decorate
