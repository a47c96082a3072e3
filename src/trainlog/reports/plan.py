"""The plan report: sessions, person-times, people and hours per track; progress against the plan.

Every count is a GROUP BY in the database, in SQL text portable between SQLite and PostgreSQL
(`trainlog.store.sql`); Python only adds up the few grouped rows and rounds once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from trainlog.dates import Period
from trainlog.errors import ConditionHeld
from trainlog.reports.plans import PlanInfo, plan_for_report
from trainlog.store.sql import Conn
from trainlog.vocab import ALL_KINDS, AUDIENCES, LEVELS, RANKS, TOPICS, TRACKS, parse_choice, say

#: the dimensions of --by, with their zh-CN labels (also accepted as input)
DIMENSIONS = {"track": "类别", "kind": "形式", "topic": "主题", "branch": "党支部",
              "township": "乡镇", "level": "级别", "rank": "职级", "month": "月份", "office": "单位"}
#: dimensions that are the attending cadre's (a headcount takes the session's branch)
CADRE_DIMENSIONS = ("branch", "township", "level", "rank")
COUNT_KEYS = ["sessions", "person_times", "people", "hours"]
#: the offices below the current one, each with the child of the current office it is under
#: (itself, or an ancestor): `report --by office` sums each child's descendants into it
TREE = ("WITH RECURSIVE tree(id, top) AS (SELECT o.id, o.id FROM office o "
        "WHERE o.parent_id = :office UNION ALL SELECT o.id, t.top FROM office o "
        "JOIN tree t ON o.parent_id = t.id) ")


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


@dataclass(frozen=True)
class Where:
    """The sessions that count (not void, dated in [start, end], of the track when one is given)
    and the audience whose attendances count (None for everyone's, headcounts included)."""

    start: date
    end: date
    track: str | None = None
    audience: str | None = None
    #: the records of the offices below the current one, `tree.top` their child office
    #: (`report --by office`); else the current office's own
    below: bool = False
    #: of those, the records under one child office only (its id)
    top: int | None = None

    @property
    def sql(self) -> str:
        cond = "NOT s.void AND s.date >= :start AND s.date <= :end"
        if not self.below:
            cond = "s.office_id = :office AND " + cond
        elif self.top is not None:
            cond = "t.top = :top AND " + cond
        return cond + (" AND s.track = :track" if self.track else "")

    @property
    def with_(self) -> str:
        """The WITH clause the FROM clauses need."""
        return TREE if self.below else ""

    @property
    def sessions(self) -> str:
        """FROM the sessions that may count."""
        return ("training_session s JOIN tree t ON t.id = s.office_id" if self.below
                else "training_session s")

    @property
    def attendance(self) -> str:
        """FROM the sessions and their named attendance."""
        return f"{self.sessions} JOIN attendance a ON a.session_id = s.id"

    @property
    def joined(self) -> str:
        """FROM the sessions and the named attendance that counts: with an audience, each
        attendance with its cadre's facts on the session's day (`cadre_fact au`, its conditions
        in `attended`). CROSS JOIN fixes SQLite's order: sessions, their attendance, then each
        attendance's facts by the index (office, cadre, valid_from); left to itself SQLite may
        scan the facts for every session (minutes at province scale)."""
        if self.cadres is None:
            return self.attendance
        return f"{self.attendance} CROSS JOIN cadre_fact au"

    @property
    def attended(self) -> str:
        """The conditions of `joined` on the audience's facts (empty without an audience)."""
        if self.cadres is None:
            return ""
        return f" AND {ON_THE_DAY.format('au')} AND au.{self.cadres}"

    @property
    def params(self) -> dict[str, Any]:
        return ({"start": self.start, "end": self.end}
                | ({"track": self.track} if self.track else {})
                | ({"top": self.top} if self.top is not None else {}))

    @property
    def cadres(self) -> str | None:
        """The audience's cadres: the yes/no fact of `cadre_fact` they have; None for all."""
        return {"top-leaders": "top_leader", "poverty-cadres": "poverty_cadre"}.get(
            self.audience or "all")



#: the conditions of a cadre's facts `{0}` on the session's day, for the attendance `a`
ON_THE_DAY = ("{0}.office_id = s.office_id AND {0}.cadre_id = a.cadre_id "
              "AND {0}.valid_from <= s.date AND s.date < {0}.valid_to")


def _session_key(db: Conn, dim: str | None) -> str | None:
    """The GROUP BY expression of a dimension that is the session's."""
    if dim is None:
        return None
    if dim == "office":
        return "t.top"
    return db.month_key("s.date") if dim == "month" else f"s.{dim}"


def _query(where: Where, select: str, key: str | None, rest: str) -> str:
    """[WITH …] SELECT [key,] columns ... [GROUP BY key]."""
    if key is None:
        return f"{where.with_}SELECT {select} {rest}"
    return f"{where.with_}SELECT {key}, {select} {rest} GROUP BY {key}"



def _grouped_by_session(db: Conn, where: Where, dim: str | None) -> dict[Any, Counts]:
    """Counts per group of a session dimension (or one group, None, for no dimension)."""
    key = _session_key(db, dim)
    n = 0 if key is None else 1
    out: dict[Any, Counts] = {}
    if where.cadres is not None:
        # Only the group's named attendances count; headcounts are nobody's in particular.
        sql = _query(where, "count(DISTINCT a.session_id), count(*), "
                     "count(DISTINCT a.cadre_id), sum(a.hours)", key,
                     f"FROM {where.joined} WHERE {where.sql}{where.attended}")
        for row in db.all(sql, where.params):
            if row[n + 1]:
                out[row[0] if n else None] = Counts(_int(row[n]), _int(row[n + 1]),
                                                    _int(row[n + 2]), _float(row[n + 3]))
        return out
    # Sessions, person-times (the denormalised attendee_count + headcount) and the headcounts'
    # hours from the sessions alone; people and named hours from their attendance.
    sql = _query(where, "count(*), sum(s.attendee_count + s.headcount), "
                 "sum(s.headcount * s.hours)", key, f"FROM {where.sessions} WHERE {where.sql}")
    for row in db.all(sql, where.params):
        if row[n]:
            out[row[0] if n else None] = Counts(_int(row[n]), _int(row[n + 1]), 0,
                                                _float(row[n + 2]))
    sql = _query(where, "count(DISTINCT a.cadre_id), sum(a.hours)", key,
                 f"FROM {where.joined} WHERE {where.sql}")
    for row in db.all(sql, where.params):
        counts = out.get(row[0] if n else None)
        if counts is not None:
            counts.people = _int(row[n])
            counts.hours += _float(row[n + 1])
    return out


def _grouped_by_cadre(db: Conn, where: Where, dim: str) -> dict[Any, Counts]:
    """Counts per group of the attending cadre's branch, township, level or rank.

    A named attendance goes to its cadre's group, a headcount to its session's branch (level,
    rank: none); a session counts once in every group it has person-times in.
    """
    # Each attendance in its cadre's group (of the audience's cadres) by his facts on the
    # session's day (the order of the joins fixed as in `Where.joined`).
    if dim in ("level", "rank"):
        key, branch = f"cf.{dim}", ""
    else:
        key = "b.code" if dim == "branch" else "b.township"
        branch = " LEFT OUTER JOIN branch b ON b.id = cf.branch_id"
    audience = f" AND cf.{where.cadres}" if where.cadres is not None else ""
    facts = (f"SELECT {key} AS k, a.session_id AS sid, a.cadre_id AS cid, 1 AS pt, "
             f"a.hours AS h FROM {where.attendance} CROSS JOIN cadre_fact cf{branch} "
             f"WHERE {where.sql} AND {ON_THE_DAY.format('cf')}{audience}")
    if where.cadres is None:
        if dim in ("level", "rank"):
            head_key, head_from = "CAST(NULL AS VARCHAR(20))", "training_session s"
        else:
            head_key = "b.code" if dim == "branch" else "b.township"
            head_from = "training_session s LEFT OUTER JOIN branch b ON b.id = s.branch_id"
        facts += (f" UNION ALL SELECT {head_key} AS k, s.id AS sid, CAST(NULL AS INTEGER) AS cid, "
                  f"s.headcount AS pt, s.headcount * s.hours AS h FROM {head_from} "
                  f"WHERE {where.sql} AND s.headcount > 0")
    sql = (f"SELECT f.k, count(DISTINCT f.sid), sum(f.pt), count(DISTINCT f.cid), sum(f.h) "
           f"FROM ({facts}) f GROUP BY f.k")
    return {k: Counts(_int(s), _int(pt), _int(p), _float(h))
            for k, s, pt, p, h in db.all(sql, where.params)}


def _people(db: Conn, where: Where) -> int:
    """Distinct named cadres over the whole period (not a sum of the tracks' people)."""
    return _int(db.scalar(f"{where.with_}SELECT count(DISTINCT a.cadre_id) FROM {where.joined} "
                          f"WHERE {where.sql}{where.attended}", where.params))


def person_times(db: Conn, start: date, end: date, track: str | None = None,
                 audience: str = "all", under: int | None = None) -> int:
    """Person-times of the sessions in [start, end] (one track or all), of one audience or all;
    the current office's, or those of the child office `under` and the offices below it."""
    where = Where(start, end, track, audience, below=under is not None, top=under)
    if where.cadres is None:
        sql = f"SELECT sum(s.attendee_count + s.headcount) FROM {where.sessions} WHERE {where.sql}"
    else:
        sql = f"SELECT count(*) FROM {where.joined} WHERE {where.sql}{where.attended}"
    return _int(db.scalar(where.with_ + sql, where.params))


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
    vocab = {"track": TRACKS, "kind": ALL_KINDS, "topic": TOPICS, "level": LEVELS,
             "rank": RANKS}.get(dim)
    rank = {k: i for i, k in enumerate(vocab)} if vocab else {}
    return sorted(keys, key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))


def parse_options(track: str | None, audience: str | None,
                  by: str | None) -> tuple[str | None, str, str | None]:
    """--track, --audience and --by as keys (each also taken as its zh-CN label)."""
    return (parse_choice(track, TRACKS, "--track") if track else None,
            parse_choice(audience, AUDIENCES, "--audience") if audience else "all",
            parse_choice(by, DIMENSIONS, "--by") if by else None)


def plan_report(db: Conn, period: Period, *, track: str | None = None,
                by: str | None = None, audience: str | None = None) -> dict[str, Any]:
    """The report of DESIGN.md for `period` (already cut off at --as-of), as plain data.

    `db`: a `trainlog.store.sql.Conn`.
    """
    track, audience, by = parse_options(track, audience, by)
    where = Where(period.start, period.end, track, audience)

    per_track = _grouped_by_session(db, where, "track")
    shown = list(TRACKS)  # DESIGN.md: always the three tracks, in order, zeros included
    tracks = [{"track": t, **per_track.get(t, Counts()).as_dict()} for t in shown]
    total = Counts(sessions=sum(c.sessions for c in per_track.values()),
                   person_times=sum(c.person_times for c in per_track.values()),
                   people=_people(db, where),
                   hours=sum(c.hours for c in per_track.values()))

    data: dict[str, Any] = {"period": period.as_dict(), "tracks": tracks,
                            "total": total.as_dict()}
    day = period.end
    plan = plan_for_report(db, day.year, track)
    data["plan"] = None
    if plan is not None:
        done = person_times(db, date(day.year, 1, 1), day, plan.track, audience)
        data["plan"] = plan_block(plan, day, done)
    if by == "office":
        data["rows"] = _office_rows(db, period, track, audience)
    elif by:
        data["rows"] = _rows(db, period, where, by, shown, per_track)
    return data


def _office_rows(db: Conn, period: Period, track: str | None,
                 audience: str) -> list[dict[str, Any]]:
    """`--by office`: a row for each office directly below the current one, the offices below
    it summed into it, with its own plan's progress (`plan`, None without a plan)."""
    below = Where(period.start, period.end, track, audience, below=True)
    groups = _grouped_by_session(db, below, "office")
    day = period.end
    rows = []
    for office_id, code, name in db.all("SELECT id, code, name FROM office "
                                         "WHERE parent_id = :office ORDER BY code"):
        office_id = int(office_id)
        plan = plan_for_report(db, day.year, track, office=office_id)
        block = None
        if plan is not None:
            done = person_times(db, date(day.year, 1, 1), day, plan.track, audience,
                                under=office_id)
            block = plan_block(plan, day, done)
        rows.append({"office": code, "name": name,
                     **groups.get(office_id, Counts()).as_dict(), "plan": block})
    return rows


def _rows(db: Conn, period: Period, where: Where, by: str, shown: list[str],
          per_track: dict[Any, Counts]) -> list[dict[str, Any]]:
    """The --by rows: every track and month of the period, zeros included; else groups with data."""
    if by == "track":
        groups = per_track
    elif by in CADRE_DIMENSIONS:
        groups = _grouped_by_cadre(db, where, by)
    else:
        groups = _grouped_by_session(db, where, by)
    if by == "track":
        keys: list[Any] = shown
    else:
        keys = ([f"{m.year:04d}-{m.month:02d}" for m in period.each_month()] if by == "month"
                else _order(by, list(groups)))
    rows = [{by: k, **groups.get(k, Counts()).as_dict()} for k in keys]
    if by == "branch":
        names = dict(db.all_in("SELECT code, name FROM branch WHERE office_id = :office "
                               "AND code IN ({values})", [k for k in keys if k is not None]))
        rows = [{"branch": r["branch"], "name": names.get(r["branch"]),
                 **{k: r[k] for k in COUNT_KEYS}} for r in rows]
    return rows


def monthly(db: Conn, period: Period, track: str | None = None,
            audience: str | None = None) -> list[dict[str, Any]]:
    """Counts per month and track: [{"month": "2020-01", "policy": {...}, …, "total": {...}}].

    Each track's months are the report's own `--track T --by month` rows, and the total its
    `--by month` rows, so every figure equals what `trainlog report … --format json` says.
    """
    rows: dict[str, dict[str, Any]] = {}
    for t in [track] if track else [*TRACKS, None]:
        data = plan_report(db, period, track=t, by="month", audience=audience)
        for r in data["rows"]:
            counts = {k: r[k] for k in COUNT_KEYS}
            row = rows.setdefault(r["month"], {"month": r["month"]})
            row[t or "total"] = counts
            if track:  # the one track is the total
                row["total"] = counts
    return list(rows.values())


def fail_if_behind(data: dict[str, Any]) -> None:
    """Raise ConditionHeld when the report's plan is behind a steady pace."""
    plan = data.get("plan")
    if plan and plan["behind"]:
        raise ConditionHeld(say(
            "msg.behind", done=f"{plan['to_date']:,}", target=f"{plan['target']:,}",
            progress=f"{plan['progress']:.1%}", day=data['period']['to'],
            expected=f"{plan['expected']:.1%}"))

