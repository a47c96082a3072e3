"""The year's plan (年度计划): a target of person-times, over all tracks or for one track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from trainlog.dates import parse_date
from trainlog.errors import TrainlogError
from trainlog.store.sql import actor, as_conn, as_date, now
from trainlog.vocab import TRACKS, parse_choice

if TYPE_CHECKING:
    from sqlmodel import Session

    from trainlog.store.schema import Plan

#: the scope of a plan over every track
ALL = "all"
PLAN_KEYS = ["year", "track", "target", "deadline"]


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
        raise TrainlogError(f"year: {year} is not a year")
    return int(year)


def _info(p: Plan) -> PlanInfo:
    return _plan(p.year, p.scope, p.target, p.deadline)


def _plan(year: int, scope: str, target: int, deadline: date | str | None) -> PlanInfo:
    return PlanInfo(int(year), None if scope == ALL else scope, int(target),
                    as_date(deadline) or date(int(year), 12, 31))


def set_plan(session: Session, year: int, target: int, track: str | None = None,
             deadline: str | date | None = None) -> dict[str, Any]:
    """Set the plan of (year, track): a new one, or the one there gets this target and deadline."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from trainlog.store.schema import Plan

    year = check_year(year)
    if int(target) < 1:
        raise TrainlogError(f"--target: {target} must be a whole number of person-times, >= 1")
    scope = parse_choice(track, TRACKS, "--track") if track else ALL
    when = None
    if deadline is not None and str(deadline).strip():
        when = parse_date(deadline, "--deadline")
        if when.year != year:
            raise TrainlogError(f"--deadline: {when} is not in {year}; a plan's deadline falls "
                                "within its year")
    stamp, who = now(), actor()
    plan = session.scalars(select(Plan).where(Plan.year == year, Plan.scope == scope)).first()
    before = _info(plan).as_dict() if plan is not None else None
    if plan is None:
        plan = Plan(year=year, scope=scope, target=int(target), deadline=when,
                    created_at=stamp, created_by=who, updated_at=stamp, updated_by=who)
        session.add(plan)
    else:
        plan.target, plan.deadline = int(target), when
        plan.updated_at, plan.updated_by = stamp, who
    try:
        session.flush()
    except IntegrityError:  # another process set the same plan between our read and write
        raise TrainlogError(f"the plan {year} {scope} was set by someone else just now; "
                            "run the command again") from None
    return _info(plan).as_dict() | {"previous": before}


def plans_of_year(session: Any, year: int | None = None) -> list[PlanInfo]:
    """The plans of a year (of every year for None); `session` a Conn or a SQLModel session."""
    db = as_conn(session)
    sql = "SELECT year, scope, target, deadline FROM plan"
    if year is None:
        return [_plan(*row) for row in db.all(sql)]
    return [_plan(*row) for row in db.all(sql + " WHERE year = :year", {"year": year})]


def plan_for_report(session: Any, year: int, track: str | None = None) -> PlanInfo | None:
    """The plan a report measures against.

    The plan of the report's track; else the plan over all tracks; else, for a report over all
    tracks, the year's only plan when it is scoped to one track (a district whose one target is
    for the special track). None when none applies.
    """
    found = {p.scope: p for p in plans_of_year(session, year)}
    if track and track in found:
        return found[track]
    if ALL in found:
        return found[ALL]
    if track is None and len(found) == 1:
        return next(iter(found.values()))
    return None


def list_plans(session: Any, year: int | None = None) -> list[dict[str, Any]]:
    """Plans, by year then over all tracks first, then by track order."""
    order = {ALL: -1} | {t: i for i, t in enumerate(TRACKS)}
    plans = sorted(plans_of_year(session, None if year is None else check_year(year)),
                   key=lambda p: (p.year, order.get(p.scope, 99), p.scope))
    return [p.as_dict() for p in plans]
