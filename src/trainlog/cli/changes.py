"""trainlog log: the log of changes."""

from typing import Annotated

import typer

from trainlog.cli import root as app
from trainlog.cli.common import Format, FormatOpt, LangOpt, OutputOpt, State, command, show
from trainlog.vocab import CHANGE_KINDS, own_labels, parse_choice

#: zh-CN headers of the log's columns (its kind is 记录类别, not a session's 形式).
LABELS = own_labels("log")


@command(app, "log")
def log(
    st: State,
    since: Annotated[str | None, typer.Option(
        "--since", help="only changes made on or after this day (YYYY-MM-DD, YYYY/M/D or "
        "YYYY年M月D日).")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="only changes of this kind of record: cadre, branch, session, study, "
        "plan, month, office (or 干部, 党支部, 培训, 网络学习, 年度计划, 月份, 单位).")] = None,
    key: Annotated[str | None, typer.Option(
        "--key", help="only changes of this record: a cadre's or branch's code, a session's "
        "ref, a month.")] = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the changes of the records, oldest first: when, who, what, each field before → after."""
    from trainlog.changes import read_log
    from trainlog.dates import parse_date
    from trainlog.errors import FieldError, TrainlogError
    from trainlog.output import changes as shown
    from trainlog.output.render import message, table

    try:
        day = parse_date(since, "--since") if since is not None else None
        what = parse_choice(kind, CHANGE_KINDS, "--kind") if kind is not None else None
    except FieldError as exc:
        raise TrainlogError(str(exc)) from None
    with st.db.connect() as conn:
        entries = read_log(conn, day, what, key.strip() if key is not None else None)
    if not entries and fmt is Format.table and output is None:
        message("无记录" if st.lang == "zh" else "nothing to list")
        return
    columns = shown.columns(entries)
    show(entries, fmt.value, output=output, lang=st.lang, labels=LABELS,
         table=lambda: [table(shown.log_rows(entries, st.lang), columns, st.lang,
                              labels=LABELS)],
         csv=lambda: (shown.log_rows(entries, st.lang, table=False), shown.COLUMNS))
