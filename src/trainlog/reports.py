"""The plan report: sessions, person-times, people and hours per track; progress against the plan.

Every count is a GROUP BY in the database (portable between SQLite and PostgreSQL); Python only
adds up the few grouped rows and rounds once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import String, cast, distinct, extract, func, literal, null, select, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from trainlog.dates import Period
from trainlog.errors import ConditionHeld
from trainlog.models import Attendance, Branch, Cadre, TrainingSession
from trainlog.plans import PlanInfo, plan_for_report
from trainlog.vocab import ALL_KINDS, AUDIENCES, LEVELS, TOPICS, TRACKS, parse_choice

#: the dimensions of --by, with their zh-CN labels (also accepted as input)
DIMENSIONS = {"track": "类别", "kind": "形式", "topic": "主题", "branch": "党支部",
              "township": "乡镇", "level": "级别", "month": "月份"}
#: dimensions that are the attending cadre's (a headcount takes the session's branch)
CADRE_DIMENSIONS = ("branch", "township", "level")
COUNT_KEYS = ["sessions", "person_times", "people", "hours"]

S, A, C = TrainingSession, Attendance, Cadre
Cond = ColumnElement[bool]


@dataclass
class Counts:
    """Unrounded sums of one group."""

    sessions: int = 0
    person_times: int = 0
    people: int = 0
    hours: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "person_times": self.person_times,
                "people": self.people, "hours": round_half_up(self.hours, 1)}


def round_half_up(value: float, places: int) -> float:
    """Round as people do (0.25 -> 0.3), after dropping the noise of binary sums
    (0.35 + 0.35 + 0.35 is 1.0499999999999998, which is 1.05 and rounds to 1.1)."""
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"))
    return float(exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _int(value: Any) -> int:
    return int(value or 0)


def _float(value: Any) -> float:
    return float(value or 0)


def _where(start: date, end: date, track: str | None) -> list[Cond]:
    """Sessions that count: not void, dated in [start, end], in the track when one is given."""
    cond = [S.void.is_(False), S.date >= start, S.date <= end]
    if track:
        cond.append(S.track == track)
    return cond


def _audience(audience: str) -> Cond | None:
    """The cadres of an audience, as a condition on Cadre; None for all."""
    if audience == "top-leaders":
        return C.top_leader.is_(True)
    if audience == "poverty-cadres":
        return C.poverty_cadre.is_(True)
    return None


def _attended_by(aud: Cond) -> Cond:
    """Attendances of the audience's cadres.

    `cadre_id + 0 IN (ids)` rather than a join: SQLite would otherwise drive the query by the
    cadre index or look each attendance's cadre up in its table, both several times slower than
    reading the period's attendance by session and testing the id against the (small) id list.
    """
    return (A.cadre_id + 0).in_(select(C.id).where(aud))


def _session_keys(dim: str | None) -> list[ColumnElement[Any]]:
    """The GROUP BY columns of a dimension that is the session's."""
    if dim is None:
        return []
    if dim == "month":
        return [extract("year", S.date).label("y"), extract("month", S.date).label("m")]
    return [getattr(S, dim).label("k")]


def _key(dim: str | None, row: Any) -> Any:
    """A group's key from a result row whose leading columns are the dimension's."""
    if dim is None:
        return None
    if dim == "month":
        return f"{int(row[0]):04d}-{int(row[1]):02d}"
    return row[0]


def _width(dim: str | None) -> int:
    return 0 if dim is None else 2 if dim == "month" else 1


def _grouped_by_session(session: Session, where: list[Cond], aud: Cond | None,
                        dim: str | None) -> dict[Any, Counts]:
    """Counts per group of a session dimension (or one group, None, for no dimension)."""
    keys = _session_keys(dim)
    n = _width(dim)
    out: dict[Any, Counts] = {}
    if aud is not None:
        # Only the group's named attendances count; headcounts are nobody's in particular.
        stmt = (select(*keys, func.count(distinct(A.session_id)), func.count(),
                       func.count(distinct(A.cadre_id)), func.sum(A.hours))
                .select_from(S).join(A, A.session_id == S.id).where(*where, _attended_by(aud)))
        for row in session.execute(stmt.group_by(*keys) if keys else stmt):
            if row[n + 1]:
                out[_key(dim, row)] = Counts(_int(row[n]), _int(row[n + 1]), _int(row[n + 2]),
                                             _float(row[n + 3]))
        return out
    # Sessions, person-times (the denormalised attendee_count + headcount) and the headcounts'
    # hours from the sessions alone; people and named hours from their attendance.
    sessions: Select[Any] = select(*keys, func.count(), func.sum(S.attendee_count + S.headcount),
                                   func.sum(S.headcount * S.hours)).where(*where)
    for row in session.execute(sessions.group_by(*keys) if keys else sessions):
        if row[n]:
            out[_key(dim, row)] = Counts(_int(row[n]), _int(row[n + 1]), 0, _float(row[n + 2]))
    named = (select(*keys, func.count(distinct(A.cadre_id)), func.sum(A.hours))
             .select_from(S).join(A, A.session_id == S.id).where(*where))
    for row in session.execute(named.group_by(*keys) if keys else named):
        counts = out.get(_key(dim, row))
        if counts is not None:
            counts.people = _int(row[n])
            counts.hours += _float(row[n + 1])
    return out


def _grouped_by_cadre(session: Session, where: list[Cond], aud: Cond | None,
                      dim: str) -> dict[Any, Counts]:
    """Counts per group of the attending cadre's branch, township or level.

    A named attendance goes to its cadre's group, a headcount to its session's branch (level:
    none); a session counts once in every group it has person-times in.
    """
    # Each cadre's group (of the audience's cadres), a derived table of the cadres: DISTINCT keeps
    # SQLite from flattening it into a lookup in the cadre table per attendance (3x slower).
    if dim == "level":
        keys = select(C.id.label("id"), C.level.label("k"))
    else:
        keys = (select(C.id.label("id"), (Branch.code if dim == "branch" else Branch.township)
                       .label("k")).outerjoin(Branch, Branch.id == C.branch_id))
    if aud is not None:
        keys = keys.where(aud)
    ck = keys.distinct().subquery("ck")
    named = (select(ck.c.k, A.session_id.label("sid"), A.cadre_id.label("cid"),
                    literal(1).label("pt"), A.hours.label("h"))
             .select_from(S).join(A, A.session_id == S.id).join(ck, ck.c.id == A.cadre_id)
             .where(*where))
    parts: list[Select[Any]] = [named]
    if aud is None:
        if dim == "level":
            head_key: ColumnElement[Any] = cast(null(), String)
        else:
            head_key = Branch.code if dim == "branch" else Branch.township
        head = select(head_key.label("k"), S.id.label("sid"), cast(null(), C.id.type).label("cid"),
                      S.headcount.label("pt"), (S.headcount * S.hours).label("h"))
        if dim != "level":
            head = head.select_from(S).outerjoin(Branch, Branch.id == S.branch_id)
        parts.append(head.where(*where, S.headcount > 0))
    facts = union_all(*parts).subquery()
    stmt = (select(facts.c.k, func.count(distinct(facts.c.sid)), func.sum(facts.c.pt),
                   func.count(distinct(facts.c.cid)), func.sum(facts.c.h))
            .group_by(facts.c.k))
    return {k: Counts(_int(s), _int(pt), _int(p), _float(h))
            for k, s, pt, p, h in session.execute(stmt)}


def _people(session: Session, where: list[Cond], aud: Cond | None) -> int:
    """Distinct named cadres over the whole period (not a sum of the tracks' people)."""
    stmt = select(func.count(distinct(A.cadre_id))).select_from(S).join(A, A.session_id == S.id)
    if aud is not None:
        stmt = stmt.where(_attended_by(aud))
    return _int(session.scalar(stmt.where(*where)))


def person_times(session: Session, start: date, end: date, track: str | None = None,
                 audience: str = "all") -> int:
    """Person-times of the sessions in [start, end] (one track or all), of one audience or all."""
    where = _where(start, end, track)
    aud = _audience(audience)
    if aud is None:
        stmt = select(func.sum(S.attendee_count + S.headcount)).where(*where)
    else:
        stmt = (select(func.count()).select_from(S).join(A, A.session_id == S.id)
                .where(*where, _attended_by(aud)))
    return _int(session.scalar(stmt))


def expected_share(year: int, deadline: date, day: date) -> float:
    """The share of the target a steady pace reaches by `day`: days from 1 January through `day`,
    inclusive, over days from 1 January through the deadline, inclusive; 1 past the deadline."""
    if day > deadline:
        return 1.0
    jan1 = date(year, 1, 1)
    return ((day - jan1).days + 1) / ((deadline - jan1).days + 1)


def plan_block(plan: PlanInfo, day: date, to_date: int) -> dict[str, Any]:
    """The plan's figures on `day` (DESIGN.md: "JSON shape of trainlog report")."""
    expected = expected_share(plan.year, plan.deadline, day)
    days_left = max((plan.deadline - day).days, 0)
    progress = to_date / plan.target
    needed = max(plan.target - to_date, 0) * 30 / days_left if days_left > 0 else 0.0
    return {"year": plan.year, "track": plan.track, "target": plan.target, "to_date": to_date,
            "progress": round_half_up(progress, 4), "expected": round_half_up(expected, 4),
            "behind": progress < expected, "deadline": plan.deadline.isoformat(),
            "days_left": days_left, "needed_per_month": round_half_up(needed, 1)}


def _order(dim: str, keys: list[Any]) -> list[Any]:
    """Groups in a reader's order: the vocabulary's, else by code or name; the empty group last."""
    vocab = {"track": TRACKS, "kind": ALL_KINDS, "topic": TOPICS, "level": LEVELS}.get(dim)
    rank = {k: i for i, k in enumerate(vocab)} if vocab else {}
    return sorted(keys, key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))


def _months(period: Period) -> list[str]:
    y, m = period.start.year, period.start.month
    out = []
    while (y, m) <= (period.end.year, period.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def parse_options(track: str | None, audience: str | None,
                  by: str | None) -> tuple[str | None, str, str | None]:
    """--track, --audience and --by as keys (each also taken as its zh-CN label)."""
    return (parse_choice(track, TRACKS, "--track") if track else None,
            parse_choice(audience, AUDIENCES, "--audience") if audience else "all",
            parse_choice(by, DIMENSIONS, "--by") if by else None)


def plan_report(session: Session, period: Period, *, track: str | None = None,
                by: str | None = None, audience: str | None = None) -> dict[str, Any]:
    """The report of DESIGN.md for `period` (already cut off at --as-of), as plain data."""
    track, audience, by = parse_options(track, audience, by)
    where = _where(period.start, period.end, track)
    aud = _audience(audience)

    per_track = _grouped_by_session(session, where, aud, "track")
    shown = list(TRACKS)  # DESIGN.md: always the three tracks, in order, zeros included
    tracks = [{"track": t, **per_track.get(t, Counts()).as_dict()} for t in shown]
    total = Counts(sessions=sum(c.sessions for c in per_track.values()),
                   person_times=sum(c.person_times for c in per_track.values()),
                   people=_people(session, where, aud),
                   hours=sum(c.hours for c in per_track.values()))

    data: dict[str, Any] = {"period": period.as_dict(), "tracks": tracks,
                            "total": total.as_dict()}
    day = period.end
    plan = plan_for_report(session, day.year, track)
    data["plan"] = None
    if plan is not None:
        done = person_times(session, date(day.year, 1, 1), day, plan.track, audience)
        data["plan"] = plan_block(plan, day, done)
    if by:
        data["rows"] = _rows(session, period, where, aud, by, shown, per_track)
    return data


def _rows(session: Session, period: Period, where: list[Cond], aud: Cond | None, by: str,
          shown: list[str], per_track: dict[Any, Counts]) -> list[dict[str, Any]]:
    """The --by rows: every track and month of the period, zeros included; else groups with data."""
    if by == "track":
        groups = per_track
    elif by in CADRE_DIMENSIONS:
        groups = _grouped_by_cadre(session, where, aud, by)
    else:
        groups = _grouped_by_session(session, where, aud, by)
    if by == "track":
        keys: list[Any] = shown
    else:
        keys = _months(period) if by == "month" else _order(by, list(groups))
    rows = [{by: k, **groups.get(k, Counts()).as_dict()} for k in keys]
    if by == "branch":
        codes = [k for k in keys if k is not None]
        names: dict[str, str] = {}
        for i in range(0, len(codes), 900):
            names.update(session.execute(select(Branch.code, Branch.name)
                                         .where(Branch.code.in_(codes[i:i + 900]))).all())
        rows = [{"branch": r["branch"], "name": names.get(r["branch"]),
                 **{k: r[k] for k in COUNT_KEYS}} for r in rows]
    return rows


def fail_if_behind(data: dict[str, Any]) -> None:
    """Raise ConditionHeld when the report's plan is behind a steady pace."""
    plan = data.get("plan")
    if plan and plan["behind"]:
        raise ConditionHeld(
            f"behind the plan: {plan['to_date']:,} of {plan['target']:,} person-times "
            f"({plan['progress']:.1%}) by {data['period']['to']}, "
            f"a steady pace would have reached {plan['expected']:.1%}"
        )

