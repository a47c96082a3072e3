"""trainlog demo: load the Zhaoling 2020 example into a new database and show the report."""

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
    from trainlog.vocab import WORDS, say, word

    zh = st.lang == "zh"
    path = demo_location(db)
    database = Database(str(path))
    message(say("msg.demo_loading", path=path))

    def progress(item: Loaded) -> None:
        s = item.summary
        counts = say("msg.list_join").join(
            f"{word(k, 'zh') if zh and k in WORDS else k} {v}" for k, v in s.items()
            if isinstance(v, int) and not isinstance(v, bool) and k != "rows")
        message(say("msg.demo_loaded", file=item.file, rows=s.get("rows", ""),
                    what=say(f"msg.what_{item.what}"), counts=counts))

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
    _hours_summary(figures["hours"], st.lang)
    # The 通报 is a zh-CN document; the same figures as the report above.
    typer.echo("")
    typer.echo(notice_text(figures, "zh"), nl=False)
    _through_time(change, st.lang)
    _next_steps(path, st.lang)


def _through_time(change: dict[str, Any], lang: str) -> None:
    """The months the demo closed, and the log row of its one dated change."""
    import json

    from trainlog.vocab import say

    def shown(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    fields = "; ".join(f"{k}: {shown(b)} → {shown(a)}" if b is not None else f"{k}: {shown(a)}"
                       for k, (b, a) in change["changes"].items())
    typer.echo("")
    typer.echo(say("msg.demo_closed", lang, month=change["closed_through"]))
    typer.echo(say("msg.demo_log", lang, kind=change["kind"], key=change["key"],
                   action=change["action"], fields=fields))


def _source_figures(figures: dict[str, Any], lang: str) -> None:
    """The source document's figures as of 3 April 2020: those of the notice (`gather`: the
    remote-education coverage, compliance, the top leaders' policy training)."""
    from trainlog.output.render import console, table
    from trainlog.vocab import say

    cov, comp = figures["coverage"], figures["compliance"]
    rows = [
        ("msg.demo_branches", cov["branches"]),
        ("msg.demo_with_sessions", cov["with_sessions"]),
        ("msg.demo_sessions", cov["sessions"]),
        ("msg.demo_registered", comp["registered"]),
        ("msg.demo_top_leaders", figures["top_leaders"]),
    ]
    out = console()
    out.print(table([{"figure": say(key, lang), "value": f"{v:,}"} for key, v in rows],
                    ["figure", "value"], lang, title=say("msg.demo_as_of", lang)))
    without = say("msg.list_join", lang).join(cov["without"])
    out.print(say("msg.demo_without", lang) + (without or "-"))


def _hours_summary(hours: dict[str, Any], lang: str) -> None:
    """学时: the cadres checked against the training hours of their rank on the same day
    (`hours --as-of 2020-04-03`), by rank."""
    from trainlog.output.render import console, table
    from trainlog.study.hours import rounded
    from trainlog.vocab import say

    rows = [{"rank": r["rank"], "checked": r["checked"], "met": r["met"],
             "short_count": r["short"], "grace": r["grace"], "rate": r["rate"]}
            for r in hours["by_rank"]]
    total = {"rank": say("msg.demo_hours_total", lang), "checked": hours["checked"],
             "met": hours["met"], "short_count": hours["short_count"], "grace": hours["grace"],
             "rate": rounded(hours["met"] / hours["checked"], 4) if hours["checked"] else None}
    out = console()
    out.print(table([*rows, total], ["rank", "checked", "met", "short_count", "grace", "rate"],
                    lang, title=say("msg.demo_hours", lang, day=hours["as_of"])))


def _next_steps(path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from trainlog.output.render import message

    steps = [
        f"export TRAINLOG_DB={path}",
        "trainlog report --month 2020-04 --by track",
        "trainlog report --year 2020 --by month --track special",
        "trainlog compliance --month 2020-03",
        "trainlog hours --year 2020 --rank county",
        "trainlog coverage --from 2020-01-01 --to 2020-04-03 --kind remote",
        "trainlog survey report --year 2020",
        "trainlog export --year 2020 --as-of 2020-04-03 zhaoling2020.xlsx",
        "trainlog cadre list --lang zh",
        "trainlog month list",
        "trainlog cadre history G0009",
        "trainlog log --key G0009",
    ]
    from trainlog.vocab import say

    message("\n".join([say("msg.demo_next", lang, path=path), *(f"  {s}" for s in steps)]))
