"""The year's plan (年度计划): a target of person-times, over all tracks or for one track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from trainlog.dates import parse_date
from trainlog.errors import TrainlogError
from trainlog.store.closing import refuse_closed
from trainlog.store.sql import Conn, IntegrityError, as_date
from trainlog.vocab import TRACKS, parse_choice, say

#: the scope of a plan over every track
ALL = "all"
PLAN_KEYS = ["year", "track", "target", "deadline"]
#: The largest target: an INTEGER column's range on PostgreSQL, so both backends take the same.
MAX_TARGET = 2**31 - 1


@dataclass(frozen=True)
class PlanInfo:
    """A plan as reports use it: `track` is None for a plan over all tracks."""

    year: int
    track: str | None
    target: int
    deadline: date

    @property
    def scope(self) -> str:
        return self.track or ALL

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "track": self.track, "target": self.target,
                "deadline": self.deadline.isoformat()}


def check_year(year: int) -> int:
    if not 1 <= int(year) <= 9999:
        raise TrainlogError(say("msg.not_year", field="year", year=year))
    return int(year)


def _plan(year: int, scope: str, target: int, deadline: date | str | None) -> PlanInfo:
    return PlanInfo(int(year), None if scope == ALL else scope, int(target),
                    as_date(deadline) or date(int(year), 12, 31))


def set_plan(conn: Conn, year: int, target: int, track: str | None = None,
             deadline: str | date | None = None) -> dict[str, Any]:
    """Set the plan of (year, track): a new one, or the one there gets this target and deadline.

    `conn` in a write transaction."""
    year = check_year(year)
    if int(target) < 1:
        raise TrainlogError(say("msg.target", target=target))
    if int(target) > MAX_TARGET:  # the column's range on PostgreSQL; SQLite would take more
        raise TrainlogError(say("msg.target_too_big", target=target, most=f"{MAX_TARGET:,}"))
    scope = parse_choice(track, TRACKS, "--track") if track else ALL
    when = None
    if deadline is not None and str(deadline).strip():
        when = parse_date(deadline, "--deadline")
        if when.year != year:
            raise TrainlogError(say("msg.deadline_year", when=when, year=year))
    stamp, who = conn.stamp()
    row = conn.first("SELECT id, year, scope, target, deadline FROM plan "
                     "WHERE office_id = :office AND year = :year AND scope = :scope",
                     {"year": year, "scope": scope})
    before = _plan(*row[1:]).as_dict() if row is not None else None
    if row is None or (int(row[3]), as_date(row[4])) != (int(target), when):
        refuse_closed(conn, date(year, 1, 1), say("msg.what_plan", year=year))
    values = {"target": int(target), "deadline": when, "updated_at": stamp, "updated_by": who}
    try:
        if row is None:
            conn.insert("INSERT INTO plan (office_id, year, scope, target, deadline, created_at, "
                        "created_by, updated_at, updated_by) VALUES (:office, :year, :scope, "
                        ":target, :deadline, :created_at, :created_by, :updated_at, :updated_by)",
                        values | {"year": year, "scope": scope, "created_at": stamp,
                                  "created_by": who})
        else:
            conn.run("UPDATE plan SET target = :target, deadline = :deadline, "
                     "updated_at = :updated_at, updated_by = :updated_by WHERE id = :id",
                     values | {"id": row[0]})
    except IntegrityError:  # another process set the same plan between our read and write
        raise TrainlogError(say("msg.plan_raced", year=year, scope=scope)) from None
    return _plan(year, scope, int(target), when).as_dict() | {"previous": before}


def plans_of_year(conn: Conn, year: int | None = None,
                  office: int | None = None) -> list[PlanInfo]:
    """The plans of a year (of every year for None), of the current office or another's."""
    sql = "SELECT year, scope, target, deadline FROM plan WHERE office_id = :office"
    params: dict[str, Any] = {} if office is None else {"office": office}
    if year is None:
        return [_plan(*row) for row in conn.all(sql, params)]
    return [_plan(*row) for row in conn.all(sql + " AND year = :year", params | {"year": year})]


def plan_for_report(db: Any, year: int, track: str | None = None,
                    office: int | None = None) -> PlanInfo | None:
    """The plan a report measures against.

    The plan of the report's track; else the plan over all tracks; else, for a report over all
    tracks, the year's only plan when it is scoped to one track (a district whose one target is
    for the special track). None when none applies.
    """
    found = {p.scope: p for p in plans_of_year(db, year, office)}
    if track and track in found:
        return found[track]
    if ALL in found:
        return found[ALL]
    if track is None and len(found) == 1:
        return next(iter(found.values()))
    return None


def list_plans(db: Any, year: int | None = None) -> list[dict[str, Any]]:
    """Plans, by year then over all tracks first, then by track order."""
    order = {ALL: -1} | {t: i for i, t in enumerate(TRACKS)}
    plans = sorted(plans_of_year(db, None if year is None else check_year(year)),
                   key=lambda p: (p.year, order.get(p.scope, 99), p.scope))
    return [p.as_dict() for p in plans]
