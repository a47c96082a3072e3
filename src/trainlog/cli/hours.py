"""trainlog hours: each cadre's training hours (学时) against the requirement of his rank."""

from typing import Annotated, Any

import typer

from trainlog.cli import root as app
from trainlog.cli.common import (
    BranchOpt,
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    State,
    command,
    show,
)
from trainlog.vocab import own_labels, say

LABELS = own_labels("cadre")
#: the columns of the list (table, CSV and xlsx): the JSON's cadres, the window flattened
CADRE_KEYS = ["cadre", "name", "rank", "branch", "from", "to", "group_hours", "group_required",
              "online_hours", "online_required", "status", "grace_until"]
#: the table's columns: the window (each rank's own) in the summary by rank, not on every row;
#: the status (and the day a grace ends, when someone is in grace) early and the branch last, the
#: first a narrow terminal leaves out
TABLE_KEYS = ["cadre", "name", "rank", "status", "grace_until", "group_hours", "group_required",
              "online_hours", "online_required", "branch"]
RANK_KEYS = ["rank", "from", "to", "checked", "met", "grace", "rate"]
SUMMARY_KEYS = ["as_of", "checked", "met", "short_count", "grace", "unranked"]


def flat(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The cadres as rows: the window's days as from/to, and the status (met/short/grace, shown
    as 达标/未达标/晋升一年内 in zh-CN) with its grace_until."""
    return [{**{k: v for k, v in c.items() if k not in ("window", "met", "status", "grace_until")},
             "from": c["window"]["from"], "to": c["window"]["to"],
             "status": c["status"], "grace_until": c["grace_until"]}
            for c in data["cadres"]]


@command(app, "hours")
def hours(
    st: State,
    year: Annotated[int | None, typer.Option(
        "--year", help="the year checked (default: this year to today).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="count the hours through this day (its year is the one checked).")] = None,
    rank: Annotated[str | None, typer.Option(
        "--rank", help="only this rank: county, section, staff or village (职级).")] = None,
    branch: BranchOpt = None,
    short: Annotated[bool, typer.Option(
        "--short", help="list only the cadres short of hours.")] = False,
    fail_if_any: Annotated[bool, typer.Option(
        "--fail-if-any", help="exit 3 when anyone checked is short of hours.")] = False,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """Each active cadre's training hours (学时) against the requirement of his rank: group
    training over the year (county level: hours.county.years years) and online study."""
    from trainlog.errors import ConditionHeld
    from trainlog.study.hours import check_day, training_hours, window_start

    with st.db.connect() as s:
        data = training_hours(s, year, as_of, rank, branch, short)
        county_years = int(s.setting("hours.county.years"))
    end = check_day(data["year"], data["as_of"])
    rows = flat(data)

    def tables() -> list[Any]:
        from trainlog.output.render import cell, header, table

        summary = table([{"field": header(k, st.lang, LABELS), "value": cell(data[k], k, st.lang)}
                         for k in SUMMARY_KEYS], ["field", "value"], st.lang)
        ranks = [{**r, "from": window_start(r["rank"], end, county_years).isoformat(),
                  "to": data["as_of"]} for r in data["by_rank"]]
        by_rank = table(ranks, RANK_KEYS, st.lang) if ranks else None
        # the grace_until column only when someone is in grace
        keys = [k for k in TABLE_KEYS if k != "grace_until" or any(r["grace_until"] for r in rows)]
        listed = table(rows, keys, st.lang, labels=LABELS) if rows else None
        return [summary, by_rank, listed]

    after = None
    if not data["checked"]:
        after = say("msg.hours_nobody")
    elif not rows and not data["short_count"]:
        after = (say("msg.hours_none_short", n=data["grace"]) if data["grace"]
                 else say("msg.hours_all_met"))
    show(data, fmt, csv=(rows, CADRE_KEYS), table=tables, after=after, output=output,
         lang=st.lang, labels=LABELS)
    if fail_if_any and data["short_count"]:
        raise ConditionHeld(say("msg.hours_short", n=data["short_count"], day=data["as_of"]))
