"""`trainlog db check`: SQLite's own checks, then trainlog's invariants, each a SQL query.

Every check is read-only and aggregates in the database (no table is loaded into Python), so it
runs on a large database in seconds and on SQLite or PostgreSQL alike (the two PRAGMA checks are
SQLite's; on PostgreSQL, trainlog.store.postgres checks the encoding, that the keys are enforced and
that the indexes are valid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    extract,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.exc import DBAPIError

from trainlog.errors import NoDatabase
from trainlog.store.database import HEAD, REVISIONS, Database
from trainlog.store.schema import (
    TABLES,
    Attendance,
    OnlineStudy,
    Plan,
    Setting,
    SQLModel,
    SurveyAnswer,
    SurveyTopic,
    TrainingSession,
)
from trainlog.vocab import KINDS, LEVELS, METHODS, PLATFORMS, TIERS, TOPICS, TRACKS

#: How many offending ids or refs a failed check names.
EXAMPLES = 5


@dataclass
class Check:
    """One check's outcome: its name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str


def run_checks(db: Database) -> dict[str, Any]:
    """Every check, in one read transaction: {"ok": bool, "checks": [{"name", "ok", "detail"}]}."""
    if not db.exists():
        raise NoDatabase(f"no trainlog database at {db.display()}; create it with `trainlog init`")
    checks: list[Check] = []
    with db._connect() as conn:
        if conn.dialect.name == "sqlite":
            todo = [("integrity", _integrity), ("foreign_keys", _foreign_keys)]
        else:  # the server's own: encoding, keys enforced, indexes valid
            from trainlog.store.postgres import CHECKS as todo
        for name, fn in [*todo, ("revision", _revision), *CHECKS]:
            try:
                with conn.begin_nested():  # one failing check leaves the others runnable
                    checks.append(fn(conn))
            except DBAPIError as exc:  # a damaged database: say so, go on with the next check
                detail = (f"the database is damaged ({exc.orig}): restore it from a backup"
                          if name == "integrity" else f"could not run: {exc.orig}")
                checks.append(Check(name, False, detail))
    return {"ok": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _count(conn: Connection, table: Table, *where: Any) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _ids(conn: Connection, table: Table, *where: Any, key: str = "id") -> str:
    """A few ids (or refs) of the rows matching `where`, for a detail."""
    col = table.c[key]
    rows = conn.execute(select(col).where(*where).order_by(col).limit(EXAMPLES)).scalars().all()
    return ", ".join(str(r) for r in rows)


def _integrity(conn: Connection) -> Check:
    rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    ok = rows == ["ok"]
    detail = "SQLite integrity_check: ok" if ok else "; ".join(rows[:EXAMPLES])
    return Check("integrity", ok, detail)


def _foreign_keys(conn: Connection) -> Check:
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Check("foreign_keys", True, "SQLite foreign_key_check: no violation")
    shown = "; ".join(f"{t} row {rowid} -> missing {parent}"
                      for t, rowid, parent, _ in rows[:EXAMPLES])
    return Check("foreign_keys", False, f"{len(rows)} violation(s): {shown}")


def _revision(conn: Connection) -> Check:
    from trainlog.store.database import _read_revision

    current = _read_revision(conn)
    if current == HEAD:
        return Check("revision", True, f"schema revision {current}, current")
    if current in REVISIONS:
        return Check("revision", False, f"schema revision {current}, older than {HEAD}: "
                     "run `trainlog db upgrade`")
    return Check("revision", False, f"schema revision {current!r}, unknown to this trainlog "
                 f"({HEAD}): use a newer trainlog")


def _orphans(conn: Connection) -> Check:
    """Rows whose reference points at no row, for every foreign key of the schema."""
    found = []
    for name in TABLES:
        child = _table(name)
        for fk in sorted(child.foreign_keys, key=lambda f: f.parent.name):
            parent = fk.column.table
            col = fk.parent
            missing = (select(func.count()).select_from(child.outerjoin(parent, col == fk.column))
                       .where(col.is_not(None), fk.column.is_(None)))
            n = conn.execute(missing).scalar_one()
            if n:
                found.append(f"{n} {name} row(s) whose {col.name} is no {parent.name}")
    if found:
        return Check("orphans", False, "; ".join(found))
    return Check("orphans", True, "every reference points at an existing row")


#: Natural keys: each must name one record only.
NATURAL_KEYS = [
    ("branch", ("code",)),
    ("cadre", ("code",)),
    ("training_session", ("ref",)),
    ("attendance", ("session_id", "cadre_id")),
    ("online_study", ("cadre_id", "platform", "month")),
    ("plan", ("year", "scope")),
]


def _duplicates(conn: Connection) -> Check:
    found = []
    for name, cols in NATURAL_KEYS:
        table = _table(name)
        keys = [table.c[c] for c in cols]
        groups = (select(*keys).where(*(k.is_not(None) for k in keys)).group_by(*keys)
                  .having(func.count() > 1).subquery())
        n = conn.execute(select(func.count()).select_from(groups)).scalar_one()
        if n:
            found.append(f"{n} {name} key(s) ({', '.join(cols)}) held by more than one row")
    if found:
        return Check("duplicates", False, "; ".join(found))
    return Check("duplicates", True, "every record is there once (codes, refs, attendances, "
                 "online study months, plans)")


def _attendee_counts(conn: Connection) -> Check:
    """The session's kept count of named attendees equals its attendance rows."""
    s = _table("training_session")
    a = Attendance.__table__
    per = select(a.c.session_id, func.count().label("n")).group_by(a.c.session_id).subquery()
    actual = func.coalesce(per.c.n, 0)
    wrong = (select(s.c.id, s.c.attendee_count, actual)
             .select_from(s.outerjoin(per, per.c.session_id == s.c.id))
             .where(s.c.attendee_count != actual))
    n = conn.execute(select(func.count()).select_from(wrong.subquery())).scalar_one()
    if not n:
        total = _count(conn, a)
        return Check("attendee_counts", True, f"every session's attendee count matches its "
                     f"{total} attendance row(s)")
    shown = ", ".join(f"session {i}: {k} kept, {m} rows"
                      for i, k, m in conn.execute(wrong.order_by(s.c.id).limit(EXAMPLES)))
    return Check("attendee_counts", False, f"{n} session(s) whose attendee count differs from "
                 f"their attendance rows: {shown}")


def _voids(conn: Connection) -> Check:
    """Voided sessions keep their reason, when and by whom; their attendance is kept, not deleted.

    Reports leave them out by filtering on `void`; that every report does is tested against the
    report totals (tests/test_backup_check.py), since it is a property of the queries, not data.
    """
    s = _table("training_session")
    a = Attendance.__table__
    void = s.c.void.is_(True)
    unexplained = and_(void, or_(s.c.void_reason.is_(None), func.trim(s.c.void_reason) == "",
                                 s.c.voided_at.is_(None), s.c.voided_by.is_(None)))
    stray = and_(not_(void), or_(s.c.void_reason.is_not(None), s.c.voided_at.is_not(None)))
    bad = _count(conn, s, or_(unexplained, stray))
    if bad:
        return Check("voids", False, f"{bad} session(s) whose void mark and reason disagree: "
                     f"ids {_ids(conn, s, or_(unexplained, stray))}")
    voided = _count(conn, s, void)
    kept = conn.execute(select(func.count()).select_from(a.join(s, a.c.session_id == s.c.id))
                        .where(void)).scalar_one()
    return Check("voids", True, f"{voided} voided session(s), each with its reason, when and by "
                 f"whom; their {kept} attendance row(s) kept and left out of counts")


def _in(col: Any, keys: Any, nullable: bool = True) -> Any:
    allowed = col.in_(list(keys))
    return or_(col.is_(None), allowed) if nullable else allowed


def _values(conn: Connection) -> Check:
    """Every stored value is one trainlog could have written: known keys, hours in range."""
    s = TrainingSession.__table__
    a = Attendance.__table__
    c = _table("cadre")
    o = OnlineStudy.__table__
    sa_ = SurveyAnswer.__table__
    st = SurveyTopic.__table__
    kind_ok = or_(s.c.kind.is_(None),
                  *(and_(s.c.track == t, s.c.kind.in_(list(k))) for t, k in KINDS.items()))
    rules: list[tuple[str, Table, Any]] = [
        ("sessions with an unknown track or a kind not of their track", s,
         not_(and_(_in(s.c.track, TRACKS, nullable=False), kind_ok))),
        ("sessions with an unknown topic", s, not_(_in(s.c.topic, TOPICS))),
        ("sessions with hours outside 0..24", s, not_(s.c.hours.between(0, 24))),
        ("sessions with a negative headcount or attendee count", s,
         or_(s.c.headcount < 0, s.c.attendee_count < 0)),
        ("sessions with a blank title", s, func.trim(s.c.title) == ""),
        ("attendances with hours outside 0..24", a, not_(a.c.hours.between(0, 24))),
        ("cadres with an unknown level", c, not_(_in(c.c.level, LEVELS))),
        ("online study with an unknown platform", o, not_(_in(o.c.platform, PLATFORMS, False))),
        ("online study with hours outside 0..744 (24 x 31)", o, not_(o.c.hours.between(0, 744))),
        ("online study whose month is not a month's first day", o,
         extract("day", o.c.month) != 1),
        ("survey answers with an unknown method or tier", sa_,
         not_(and_(_in(sa_.c.method, METHODS, False), _in(sa_.c.tier, TIERS)))),
        ("survey topics that are no topic", st, not_(_in(st.c.topic, TOPICS, False))),
    ]
    return _rules("values", rules, conn, "every value is a known key or within its range")


def _plans(conn: Connection) -> Check:
    p = Plan.__table__
    rules: list[tuple[str, Table, Any]] = [
        ("plans whose scope is neither all nor a track", p,
         not_(p.c.scope.in_(["all", *TRACKS]))),
        ("plans with a target that is not a positive number", p,
         or_(p.c.target.is_(None), p.c.target <= 0)),
        ("plans of no real year", p, not_(p.c.year.between(1, 9999))),
        ("plans whose deadline is outside the plan's year", p,
         and_(p.c.deadline.is_not(None), extract("year", p.c.deadline) != p.c.year)),
    ]
    return _rules("plans", rules, conn, f"{_count(conn, p)} plan(s), each with a scope, a "
                  "positive target and a deadline within its year")


def _settings(conn: Connection) -> Check:
    """Each stored setting is one trainlog knows, with a number in its range (a handful of rows)."""
    try:
        from trainlog.study.settings import SETTINGS
    except ImportError:  # pragma: no cover - an install without online study
        SETTINGS = {}
    t = Setting.__table__
    found = []
    rows = conn.execute(select(t.c.key, t.c.value).order_by(t.c.key)).all()
    for key, value in rows:
        if key not in SETTINGS:
            found.append(f"unknown setting {key!r}")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            found.append(f"{key} = {value!r} is not a number")
            continue
        if not 0 < number <= SETTINGS[key][1]:
            found.append(f"{key} = {value} is outside its range (0, {SETTINGS[key][1]:g}]")
    if found:
        return Check("settings", False, "; ".join(found))
    return Check("settings", True, f"{len(rows)} setting(s), each known and in its range")


#: Tables whose rows keep when they were created and changed, and by whom.
AUDITED = ["branch", "cadre", "training_session", "online_study", "plan", "survey_answer"]


def _audit(conn: Connection) -> Check:
    rules: list[tuple[str, Table, Any]] = []
    for name in AUDITED:
        t = _table(name)
        rules.append((f"{name} rows without when/by whom created and changed", t,
                      or_(t.c.created_at.is_(None), t.c.created_by.is_(None),
                          t.c.updated_at.is_(None), t.c.updated_by.is_(None),
                          t.c.updated_at < t.c.created_at)))
    a = Attendance.__table__
    rules.append(("attendance rows without when/by whom created", a,
                  or_(a.c.created_at.is_(None), a.c.created_by.is_(None))))
    return _rules("audit", rules, conn, "every record keeps when it was created and changed, "
                  "and by whom")


def _rules(name: str, rules: list[tuple[str, Table, Any]], conn: Connection, fine: str,
           key: str = "id") -> Check:
    found = []
    for what, table, bad in rules:
        n = _count(conn, table, bad)
        if n:
            found.append(f"{n} {what} ({key} {_ids(conn, table, bad, key=key)})")
    return Check(name, not found, "; ".join(found) if found else fine)


CHECKS: list[tuple[str, Callable[[Connection], Check]]] = [
    ("orphans", _orphans), ("duplicates", _duplicates), ("attendee_counts", _attendee_counts),
    ("voids", _voids), ("values", _values), ("plans", _plans), ("settings", _settings),
    ("audit", _audit),
]
