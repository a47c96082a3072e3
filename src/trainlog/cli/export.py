"""trainlog export: the year's figures as an Excel workbook with native charts."""

from pathlib import Path
from typing import Annotated

import typer

from trainlog.cli import root as app
from trainlog.cli.common import LangOpt, PeriodOpts, State, command


@command(app, "export")
def export(
    st: State,
    file: Annotated[Path, typer.Argument(help="the workbook to write (.xlsx); an existing one "
                                         "is replaced.", show_default=False)],
    period: PeriodOpts,
    lang: LangOpt = None,
) -> None:
    """Write a period's figures (default: this month) to an Excel workbook: summary, months,
    sessions, cadres, shortfall, branch coverage, with charts."""
    from trainlog.output.workbook import export_workbook

    with st.db.connect() as conn:
        info = export_workbook(conn, file, period, lang=st.document_lang)
    if st.lang == "zh":
        typer.echo(f"已写入 {info['file']}：{len(info['sheets'])} 张工作表（{info['period']['label']}），"
                   f"培训 {info['sessions']:,} 次，干部 {info['cadres']:,} 人，"
                   f"学时不足 {info['short']:,} 人，党支部 {info['branches']:,} 个")
    else:
        typer.echo(f"wrote {info['file']}: {len(info['sheets'])} sheets ({info['period']['label']}), "
                   f"{info['sessions']:,} sessions, {info['cadres']:,} cadres, "
                   f"{info['short']:,} short of hours, {info['branches']:,} branches")


@command(app, "template")
def template(
    st: State,
    kind: Annotated[str, typer.Argument(
        help="branches, cadres, sessions, study or survey.", show_default=False)],
    file: Annotated[Path, typer.Argument(help="the file to write (.xlsx or .csv).",
                                         show_default=False)],
    lang: LangOpt = None,
) -> None:
    """Write an empty import file: the headers (zh-CN with --lang zh); an .xlsx one also has
    drop-down lists for the choice columns and a sheet explaining each column."""
    from trainlog.output.template import write_template

    info = write_template(kind, file, st.lang)
    typer.echo(f"wrote {info['file']}: a {info['kind']} template, {len(info['columns'])} "
               f"columns ({', '.join(info['columns'])})")
