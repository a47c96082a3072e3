"""trainlog month close|reopen|list: months that close, so a report that went out stays true."""

from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import Format, FormatOpt, LangOpt, OutputOpt, State, command, show
from trainlog.vocab import say

month_app = typer.Typer(help="Months that close (结账): a closed month's figures no longer "
                        "change.", no_args_is_help=True)
app.add_typer(month_app, name="month")

MonthArg = Annotated[str, typer.Argument(help="the month, YYYY-MM.", show_default=False)]
MONTH_KEYS = ["month", "closed", "sessions", "person_times", "study_records"]


def _month(value: str) -> Any:
    from trainlog.dates import parse_month

    return parse_month(value, "MONTH")


@command(month_app, "close")
def month_close(st: State, month: MonthArg, fmt: FormatOpt = Format.table) -> None:
    """Close a month and every month before it."""
    from trainlog.months import close_month

    with st.db.connect(write=True) as conn:
        done = close_month(conn, _month(month))
    key = "msg.closed_through" if done["changed"] else "msg.already_closed"
    show(done, fmt.value, text=say(key, month=done["closed_through"]))


@command(month_app, "reopen")
def month_reopen(
    st: State,
    month: MonthArg,
    reason: Annotated[str, typer.Option("--reason", help="why it is reopened (logged).",
                                        show_default=False)],
    fmt: FormatOpt = Format.table,
) -> None:
    """Reopen a closed month and every later one."""
    from trainlog.months import reopen_month

    with st.db.connect(write=True) as conn:
        done = reopen_month(conn, _month(month), reason)
    show(done, fmt.value, text=say("msg.reopened", month=_month(month).strftime("%Y-%m"),
                                   through=done["closed_through"] or "—"))


@command(month_app, "list")
def month_list(st: State, fmt: FormatOpt = Format.table, lang: LangOpt = None,
               output: OutputOpt = None) -> None:
    """Each month with records: closed or open, its sessions, person-times and study records."""
    from trainlog.months import list_months

    with st.db.connect() as conn:
        data = list_months(conn)

    def tables() -> list[Any]:
        from trainlog.output.render import table

        title = say("msg.closed_through_title", month=data["closed_through"] or "—")
        return [table(data["months"], MONTH_KEYS, st.lang, title=title)]

    show(data, fmt, csv=(data["months"], MONTH_KEYS), table=tables, output=output, lang=st.lang)
