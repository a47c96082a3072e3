"""trainlog demo: load the Zhaoling 2020 example into a new database and show the report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import LangOpt, State, command


@command(app, "demo")
def demo(
    st: State,
    db: Annotated[str | None, typer.Option(
        "--db", help="where to create the demo database (a new file; default: a temporary "
        "directory). Never the database of --db/TRAINLOG_DB.")] = None,
    lang: LangOpt = None,
) -> None:
    """Load the Zhaoling District 2020 example data set and print its report as of 3 April 2020."""
    from trainlog.demo.load import AS_OF, Loaded, demo_location, load_demo, through_time
    from trainlog.output.render import message
    from trainlog.store.database import Database

    zh = st.lang == "zh"
    path = demo_location(db)
    database = Database(str(path))
    message(f"正在把召陵区 2020 年示例数据导入 {path} …" if zh else
            f"Loading the Zhaoling District 2020 example data set into {path} …")

    def progress(item: Loaded) -> None:
        s = item.summary
        counts = ", ".join(f"{k} {v}" for k, v in s.items()
                           if isinstance(v, int) and not isinstance(v, bool) and k != "rows")
        message(f"  {item.file}: {s.get('rows', '')} rows ({item.what}: {counts})")

    load_demo(database, path.parent / "zhaoling2020", progress)
    change = through_time(database)
    database.dispose()

    # The rest is what a user sees from the same commands on this database: `report --from
    # 2020-01-01 --as-of 2020-04-03`, the source document's figures, the same report as a notice.
    from trainlog.dates import resolve_period
    from trainlog.output.notice import gather, notice_text
    from trainlog.output.report import print_report
    from trainlog.reports.plan import plan_report

    period = resolve_period(start="2020-01-01", as_of=AS_OF.isoformat())
    with database.connect() as conn:
        data = plan_report(conn, period)
        figures = gather(conn, period, report=data)
    print_report(data, st.lang)
    _source_figures(figures, st.lang)
    # The 通报 is a zh-CN document; the same figures as the report above.
    typer.echo("")
    typer.echo(notice_text(figures, "zh"), nl=False)
    _through_time(change, st.lang)
    _next_steps(path, st.lang)


def _through_time(change: dict[str, Any], lang: str) -> None:
    """The months the demo closed, and the log row of its one dated change."""
    zh = lang == "zh"
    import json

    def shown(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    fields = "; ".join(f"{k}: {shown(b)} → {shown(a)}" if b is not None else f"{k}: {shown(a)}"
                       for k, (b, a) in change["changes"].items())
    typer.echo("")
    typer.echo(f"已结账：{change['closed_through']} 及以前各月" if zh else
                f"Closed: every month through {change['closed_through']}")
    typer.echo(f"变更日志：{change['kind']} {change['key']} {change['action']}：{fields}" if zh
                else f"The log of one change: {change['kind']} {change['key']} "
                     f"{change['action']}: {fields}")


def _source_figures(figures: dict[str, Any], lang: str) -> None:
    """The source document's figures as of 3 April 2020: those of the notice (`gather`: the
    remote-education coverage, compliance, the top leaders' policy training)."""
    from trainlog.output.render import console, table

    cov, comp = figures["coverage"], figures["compliance"]
    zh = lang == "zh"
    rows = [
        ("党支部", "party branches", cov["branches"]),
        ("开展远程教育的党支部", "branches that held remote education", cov["with_sessions"]),
        ("远程教育学习培训次数", "remote-education sessions", cov["sessions"]),
        ("网络干部学院注册党员干部", "party-member cadres registered at the academy",
         comp["registered"]),
        ("以会代训培训一把手人次", "top leaders trained through meetings (person-times)",
         figures["top_leaders"]),
    ]
    title = "截至2020年4月3日（对照原文）" if zh else "As of 3 April 2020 (the source document's figures)"
    out = console()
    out.print(table([{"figure": zh_ if zh else en, "value": f"{v:,}"} for zh_, en, v in rows],
                    ["figure", "value"], lang, title=title))
    without = ", ".join(cov["without"])
    out.print(("未开展远程教育的党支部：" if zh else "Branches with no remote-education session: ")
              + (without or "-"))


def _next_steps(path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from trainlog.output.render import message

    steps = [
        f"export TRAINLOG_DB={path}",
        "trainlog report --month 2020-04 --by track",
        "trainlog report --year 2020 --by month --track special",
        "trainlog compliance --month 2020-03",
        "trainlog coverage --from 2020-01-01 --to 2020-04-03 --kind remote",
        "trainlog survey report --year 2020",
        "trainlog export --year 2020 --as-of 2020-04-03 zhaoling2020.xlsx",
        "trainlog cadre list --lang zh",
        "trainlog month list",
        "trainlog cadre history G0009",
        "trainlog log --key G0009",
    ]
    head = f"\n示例数据库：{path}\n接下来可以试试：" if lang == "zh" else (
        f"\nThe demo database is {path}\nTry next:")
    message("\n".join([head, *(f"  {s}" for s in steps)]))
