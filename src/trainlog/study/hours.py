"""Training hours against the rules (学时, DESIGN.md "Training hours against the rules"): each
active cadre's group-training and online-study hours against the requirement of his rank.

Group hours are the hours credited by named attendance at sessions (any track, void ones left
out); online hours are his online study (every platform) in the checked year. A `county` cadre's
group hours are counted over `hours.county.years` calendar years ending with the checked year,
the other ranks' over that year. Each cadre is checked with his facts (active, rank, branch) on
the window's last day (`cadre_fact`), and every sum is a GROUP BY in the database: Python sees one
row a cadre checked.

A cadre promoted to `county` (his rank fact turned county from another rank on a date) less than
a year before the window's last day who does not meet the county requirement is not short: he
is in `grace` until the promotion day a year later (the 条例: a cadre promoted before meeting the
requirement completes it within one year of the promotion). The latest promotion is found by a
GROUP BY over `cadre_fact` joined to the row before it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from trainlog.dates import parse_date, today
from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.store.sql import Conn, as_date
from trainlog.study.compliance import EPSILON
from trainlog.vocab import RANKS, parse_choice, say

#: The ranks the online-study rule (hours.online) leaves out.
NO_ONLINE_RULE = ("village",)
#: The rank a promotion to which gives a year's grace, and the ranks promoted from.
GRACE_RANK = "county"
GRACE_FROM = ("section", "staff", "village")


def a_year_after(day: date) -> date:
    """The same day a year later (29 February: 28 February; in 9999: the last day there is)."""
    if day.year == date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def a_year_before(day: date) -> date:
    """The same day a year earlier (29 February: 28 February; in year 1: the first day there
    is)."""
    if day.year == date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def rounded(value: float, places: int = 1) -> float:
    """As people round (0.25 -> 0.3), after dropping the noise of binary sums (as
    `trainlog.reports.plan.round_half_up`: a sibling this module may not import)."""
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"))
    return float(exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def requirements(db: Conn) -> dict[str, tuple[float, float]]:
    """rank -> (group hours required in its window, online hours required in the year)."""
    online = db.setting("hours.online")
    return {rank: (db.setting(f"hours.{rank}.group"),
                   0.0 if rank in NO_ONLINE_RULE else online) for rank in RANKS}


def window_start(rank: str, end: date, county_years: int) -> date:
    """The first day of a rank's window ending on `end`: 1 January of its year, or for
    `county` of the year `county_years` - 1 before it."""
    years = county_years if rank == "county" else 1
    return date(max(end.year - years + 1, 1), 1, 1)


def check_day(year: int | None = None, as_of: str | date | None = None) -> date:
    """The window's last day: `as_of`, else the year's last day, else today."""
    if year is not None and not 1 <= year <= 9999:
        raise TrainlogError(say("msg.hours_bad_year", year=year))
    if as_of is not None:
        day = as_of if isinstance(as_of, date) else parse_date(as_of, "--as-of")
        if year is not None and day.year != year:
            raise TrainlogError(say("msg.hours_as_of_year", day=day.isoformat(), year=year))
        return day
    if year is not None:
        return date(year, 12, 31)
    return today()


def training_hours(db: Conn, year: int | None = None, as_of: str | date | None = None,
                   rank: str | None = None, branch: str | None = None,
                   short: bool = False, cadre: str | None = None) -> dict[str, Any]:
    """Each checked cadre's hours against his rank's requirement (the JSON of DESIGN.md).

    Checked: the cadres active with a rank on the window's last day whose rank has a rule (a
    requirement more than 0), narrowed to `rank` and `branch`; `short` lists only those short
    (the counts stay those of every cadre checked). `unranked` counts the active cadres (of the
    branch, when one is given) with no rank on that day. `cadre` checks that cadre only (a code;
    `cadre show`).

    Each cadre's `status` is `met`, `short`, or `grace` (not met, promoted to county less than a
    year before the last day: `grace_until` is the promotion day a year later); `short_count`
    and `--short` count only `short`, `rate` is met / checked."""
    end = check_day(year, as_of)
    year = end.year
    rank_key = parse_choice(rank, RANKS, "--rank") if rank else None
    branch_code = imp.norm_code(branch) if branch else None
    if branch_code is not None and db.scalar(
            "SELECT count(*) FROM branch WHERE office_id = :office AND code = :code",
            {"code": branch_code}) == 0:
        raise TrainlogError(say("msg.no_branch", code=repr(branch_code)))
    rules = requirements(db)
    county_years = int(db.setting("hours.county.years"))
    year_start = date(year, 1, 1)
    county_start = window_start("county", end, county_years)
    ruled = [r for r, (group, online) in rules.items() if (group > 0 or online > 0)
             and (rank_key is None or r == rank_key)]
    starts = {r: window_start(r, end, county_years) for r in RANKS}
    first = min((starts[r] for r in ruled), default=year_start)
    cadre_code = imp.norm_code(cadre) if cadre else None
    params: dict[str, Any] = {"end": end, "year_start": year_start, "first": first,
                              "county_start": county_start, "branch": branch_code,
                              "cadre": cadre_code, "grace_rank": GRACE_RANK,
                              "since": a_year_before(end)}

    on_end = ("FROM cadre c JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_from <= :end "
              "AND :end < f.valid_to LEFT OUTER JOIN branch b ON b.id = f.branch_id "
              "WHERE c.office_id = :office AND f.active"
              + (" AND b.code = :branch" if branch_code is not None else "")
              + (" AND c.code = :cadre" if cadre_code is not None else ""))
    unranked = int(db.scalar(f"SELECT count(*) {on_end} AND f.rank IS NULL", params) or 0)

    rows: list[Any] = []
    if ruled:
        marks = ", ".join(f":rank{i}" for i in range(len(ruled)))
        params |= {f"rank{i}": r for i, r in enumerate(ruled)}
        k = (f"SELECT c.id AS id, c.code AS code, c.name AS name, f.rank AS rank, "
             f"b.code AS branch {on_end} AND f.rank IN ({marks})")
        # the hours credited by named attendance per cadre: over the county window, and the year
        g = ("SELECT a.cadre_id AS cadre_id, "
             "sum(CASE WHEN s.date >= :county_start THEN a.hours ELSE 0 END) AS long_hours, "
             "sum(CASE WHEN s.date >= :year_start THEN a.hours ELSE 0 END) AS year_hours "
             "FROM attendance a JOIN training_session s ON s.id = a.session_id "
             "WHERE s.office_id = :office AND NOT s.void AND s.date >= :first "
             "AND s.date <= :end GROUP BY a.cadre_id")
        o = ("SELECT o.cadre_id AS cadre_id, sum(o.hours) AS hours FROM online_study o "
             "WHERE o.office_id = :office AND o.month >= :year_start AND o.month <= :end "
             "GROUP BY o.cadre_id")
        # the latest promotion to county in the year before the last day: a county fact row
        # whose row before it (ending the day it starts) held a lower rank
        froms = ", ".join(f":from{i}" for i in range(len(GRACE_FROM)))
        params |= {f"from{i}": r for i, r in enumerate(GRACE_FROM)}
        p = ("SELECT n.cadre_id AS cadre_id, max(n.valid_from) AS promoted FROM cadre_fact n "
             "JOIN cadre_fact q ON q.cadre_id = n.cadre_id AND q.valid_to = n.valid_from "
             "WHERE n.office_id = :office AND n.rank = :grace_rank AND n.valid_from > :since "
             f"AND n.valid_from <= :end AND q.rank IN ({froms}) GROUP BY n.cadre_id")
        rows = db.all(f"SELECT k.code, k.name, k.rank, k.branch, coalesce(g.long_hours, 0.0), "
                      f"coalesce(g.year_hours, 0.0), coalesce(o.hours, 0.0), p.promoted "
                      f"FROM ({k}) k "
                      f"LEFT OUTER JOIN ({g}) g ON g.cadre_id = k.id "
                      f"LEFT OUTER JOIN ({o}) o ON o.cadre_id = k.id "
                      f"LEFT OUTER JOIN ({p}) p ON p.cadre_id = k.id", params)

    cadres: list[dict[str, Any]] = []
    tally = {r: {"met": 0, "short": 0, "grace": 0} for r in RANKS}
    for code, name, rank_, branch_, long_hours, year_hours, online, promoted in rows:
        group_required, online_required = rules[rank_]
        group = float(long_hours if rank_ == "county" else year_hours)
        met = (group >= group_required - EPSILON and float(online) >= online_required - EPSILON)
        promoted_on = as_date(promoted) if rank_ == GRACE_RANK else None
        until = a_year_after(promoted_on) if promoted_on is not None else None
        status = "met" if met else "grace" if until is not None and end < until else "short"
        tally[rank_][status] += 1
        if short and status != "short":
            continue
        cadres.append({
            "cadre": code, "name": name, "rank": rank_, "branch": branch_,
            "window": {"from": starts[rank_].isoformat(), "to": end.isoformat()},
            "group_hours": rounded(group), "group_required": float(group_required),
            "online_hours": rounded(float(online)), "online_required": float(online_required),
            "met": met, "status": status,
            "grace_until": until.isoformat() if status == "grace" and until else None})
    cadres.sort(key=lambda c: c["cadre"])
    counts = {k: sum(t[k] for t in tally.values()) for k in ("met", "short", "grace")}
    checked = sum(counts.values())
    by_rank = []
    for r, t in tally.items():
        n = sum(t.values())
        if n:
            by_rank.append({"rank": r, "checked": n, "met": t["met"], "short": t["short"],
                            "grace": t["grace"], "rate": rounded(t["met"] / n, 4)})
    return {
        "year": year, "as_of": end.isoformat(),
        "checked": checked, "met": counts["met"], "short_count": counts["short"],
        "grace": counts["grace"], "unranked": unranked,
        "by_rank": by_rank,
        "cadres": cadres,
    }


def cadre_hours(db: Conn, code: str, year: int | None = None) -> dict[str, Any]:
    """One cadre's hours against his rank's requirement for `year` (default this year to today):
    `year`, `as_of`, `checked` (false when he is not active with a ruled rank that day) and,
    when checked, his row of `training_hours` (rank, window, the hours, met, status,
    grace_until)."""
    data = training_hours(db, year, cadre=code)
    out: dict[str, Any] = {"year": data["year"], "as_of": data["as_of"],
                           "checked": bool(data["cadres"])}
    for row in data["cadres"]:
        out |= {k: v for k, v in row.items() if k not in ("cadre", "name", "branch")}
    return out
