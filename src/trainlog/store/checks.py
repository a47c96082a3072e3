"""`trainlog db check`: the database's own checks, then trainlog's invariants, each a SQL query.

Every check is read-only and aggregates in the database (no table is loaded into Python), so it
runs on a large database in seconds and on SQLite or PostgreSQL alike: SQL text on one
trainlog.store.sql.Conn, in one read transaction. The two PRAGMA checks are SQLite's; on
PostgreSQL, trainlog.store.postgres checks the encoding, that the keys are enforced and that the
indexes are valid. On a SQLite file, and on PostgreSQL through psycopg, nothing here imports
SQLAlchemy or the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from trainlog.errors import NoDatabase
from trainlog.store.database import HEAD, REVISIONS, Database
from trainlog.store.sql import AlchemyConn, Conn, Params, PgConn, in_list
from trainlog.vocab import (
    KINDS,
    LEVELS,
    METHODS,
    PLATFORMS,
    RANKS,
    SETTINGS,
    TIERS,
    TOPICS,
    TRACKS,
    ZERO_MEANS_NO_RULE,
    say,
)

#: How many offending ids or refs a failed check names.
EXAMPLES = 5
#: Each check runs in this savepoint, rolled back when the database refuses one of its
#: statements: on PostgreSQL a refused statement aborts the whole transaction otherwise.
SAVEPOINT = "trainlog_check"

#: A check's outcome: whether it passed, and what it found.
Outcome = tuple[bool, str]


@dataclass
class Check:
    """One check's outcome: its name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str


def run_checks(db: Database) -> dict[str, Any]:
    """Every check, in one read transaction: {"ok": bool, "checks": [{"name", "ok", "detail"}]}."""
    # On PostgreSQL through psycopg, whether the schema is there is asked on the checks'
    # connection (db.exists() would open one of SQLAlchemy's first).
    direct = db.path is None and db.is_psycopg
    if not direct and not db.exists():
        raise NoDatabase(say("msg.no_database", where=db.display()))
    # require=False: the schema as it is, of whatever revision (the revision check says which)
    with db.connect(require=False) as conn:
        if conn.dialect == "sqlite":
            first = SQLITE_CHECKS
        else:  # the server's own: encoding, keys enforced, indexes valid
            from trainlog.store.postgres import CHECKS as first

            # one snapshot for every check, as SQLite's read transaction is
            conn.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if direct and not _schema_there(conn):
                raise NoDatabase(say("msg.no_database", where=db.display()))
        refused = _refusals(conn)
        checks = [_run(conn, name, fn, refused)
                  for name, fn in [*first, ("revision", _revision), *CHECKS]]
    ok = all(c.ok for c in checks)
    marker = db.damaged_marker()
    if ok and marker is not None and marker.exists():  # restored or repaired: writes go on
        with suppress(OSError):  # read-only media: it stays, and so do the refusals
            marker.unlink()
    for c in checks:
        if c.name == "integrity" and not c.ok:  # writes refused until it is restored
            db.mark_damaged(c.detail)
    return {"ok": ok, "checks": [asdict(c) for c in checks]}


def _schema_there(conn: Conn) -> bool:
    """Whether trainlog's schema is in this server database: a revision in alembic_version
    (what Database.exists() asks)."""
    if not conn.scalar("SELECT to_regclass('alembic_version') IS NOT NULL"):
        return False
    return conn.scalar("SELECT version_num FROM alembic_version") is not None


def _refusals(conn: Conn) -> tuple[type[Exception], ...]:
    """What a statement the database refused raises on this connection."""
    if isinstance(conn, PgConn):
        import psycopg

        return (psycopg.Error,)
    if isinstance(conn, AlchemyConn):
        from sqlalchemy.exc import DBAPIError

        return (DBAPIError,)
    import sqlite3

    return (sqlite3.Error,)


def _run(conn: Conn, name: str, fn: Callable[[Conn], Outcome],
         refused: tuple[type[Exception], ...]) -> Check:
    """One check in its savepoint: one the database refuses leaves the others runnable."""
    conn.run(f"SAVEPOINT {SAVEPOINT}")
    try:
        ok, detail = fn(conn)
    except refused as exc:  # a damaged database: say so, go on with the next check
        _ended(conn, f"ROLLBACK TO SAVEPOINT {SAVEPOINT}", refused)
        said = getattr(exc, "orig", None) or exc  # SQLAlchemy's error wraps the driver's
        said = str(said).splitlines()[0] if str(said) else type(said).__name__
        hint = say("msg.check_io_hint") if "disk I/O error" in said else ""
        ok, detail = False, say("msg.check_damaged" if name == "integrity" else "msg.check_not_run",
                                said=said, hint=hint)
    _ended(conn, f"RELEASE SAVEPOINT {SAVEPOINT}", refused)
    return Check(name, ok, detail)


def _ended(conn: Conn, statement: str, refused: tuple[type[Exception], ...]) -> None:
    """End a check's savepoint; an I/O error may have rolled back the whole transaction with
    it (SQLite), and the next check's SAVEPOINT then begins a new one."""
    with suppress(*refused):
        conn.run(statement)


# -- SQL of the checks ---------------------------------------------------------------------------

def _count(conn: Conn, table: str, where: str = "1 = 1", params: Params = None) -> int:
    return int(conn.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params))


def _ids(conn: Conn, table: str, where: str, params: Params = None, key: str = "id") -> str:
    """A few ids (or refs) of the rows matching `where`, for a detail."""
    rows = conn.all(f"SELECT {key} FROM {table} WHERE {where} ORDER BY {key} LIMIT {EXAMPLES}",
                    params)
    return ", ".join(str(r[0]) for r in rows)


#: strftime's formats of the parts of a date `_part` takes.
_STRFTIME = {"day": "%d", "year": "%Y"}


def _part(conn: Conn, field: str, column: str) -> str:
    """SQL for a date column's day or year, as a number (NULL for no date, on SQLite)."""
    if conn.dialect == "sqlite":  # a Date is 'YYYY-MM-DD' text there
        return f"CAST(strftime('{_STRFTIME[field]}', {column}) AS INTEGER)"
    return f"EXTRACT({field.upper()} FROM {column})"


class _Keys(dict[str, Any]):
    """The parameters of the IN lists of a few statements, each list under names of its own."""

    def one_of(self, column: str, keys: Iterable[str], nullable: bool = True) -> str:
        """SQL for: the column holds one of `keys` (or NULL, when `nullable`)."""
        marks, params = in_list(f"k{len(self)}_", keys)
        self.update(params)
        allowed = f"{column} IN ({marks})"
        return f"({column} IS NULL OR {allowed})" if nullable else allowed


#: A rule of a check: what offends, in which table, and the SQL condition of the offending rows.
Rule = tuple[str, str, str]


def _rules(conn: Conn, rules: list[Rule], fine: str, params: Params = None,
           key: str = "id") -> Outcome:
    """The rules' offending rows, counted with one scan of each table (a count of each rule's
    rows in one SELECT), and a few ids of each rule that finds some."""
    of_table: dict[str, list[int]] = {}
    for i, (_, table, _) in enumerate(rules):
        of_table.setdefault(table, []).append(i)
    counts: dict[int, int] = {}
    for table, which in of_table.items():
        row = conn.first("SELECT " + ", ".join(f"count(CASE WHEN {rules[i][2]} THEN 1 END)"
                                               for i in which) + f" FROM {table}", params)
        counts.update(zip(which, map(int, row), strict=True))
    found = [say("msg.check_rule", n=counts[i], what=what, key=key,
                 ids=_ids(conn, table, bad, params, key=key))
             for i, (what, table, bad) in enumerate(rules) if counts[i]]
    return _outcome(found, fine)


def _outcome(found: list[str], fine: str) -> Outcome:
    """Failed with what was found, or passed with `fine`."""
    return not found, say("frame.join").join(found) if found else fine


# -- the checks ----------------------------------------------------------------------------------

def _integrity(conn: Conn) -> Outcome:
    rows = [r[0] for r in conn.all("PRAGMA integrity_check")]
    ok = rows == ["ok"]
    return ok, say("msg.check_integrity") if ok else "; ".join(rows[:EXAMPLES])


def _foreign_keys(conn: Conn) -> Outcome:
    rows = conn.all("PRAGMA foreign_key_check")
    if not rows:
        return True, say("msg.check_foreign_keys")
    shown = say("frame.join").join(say("msg.check_violation", table=t, row=rowid, parent=parent)
                                   for t, rowid, parent, _ in rows[:EXAMPLES])
    return False, say("msg.check_violations", n=len(rows), shown=shown)


def _revision(conn: Conn) -> Outcome:
    current = conn.scalar("SELECT version_num FROM alembic_version")
    if current == HEAD:
        return True, say("msg.check_revision", current=current)
    if current in REVISIONS:
        return False, say("msg.check_revision_older", current=current, head=HEAD)
    return False, say("msg.check_revision_unknown", current=repr(current), head=HEAD)


#: Every foreign key of the schema (trainlog.store.schema, not imported: it imports SQLModel),
#: table by table (in the order of schema.TABLES) and column by column: (table, column, the
#: table it refers to by id). A reference from one record to another is within the office
#: (the key is (office_id, column)). tests/test_checks.py checks it against the schema.
FOREIGN_KEYS = [
    ("office", "parent_id", "office"),
    ("office_grant", "office_id", "office"),
    ("branch", "office_id", "office"),
    ("cadre", "branch_id", "branch"),
    ("cadre", "office_id", "office"),
    ("cadre_fact", "branch_id", "branch"),
    ("cadre_fact", "cadre_id", "cadre"),
    ("cadre_fact", "office_id", "office"),
    ("training_session", "branch_id", "branch"),
    ("training_session", "office_id", "office"),
    ("attendance", "cadre_id", "cadre"),
    ("attendance", "office_id", "office"),
    ("attendance", "session_id", "training_session"),
    ("online_study", "cadre_id", "cadre"),
    ("online_study", "office_id", "office"),
    ("plan", "office_id", "office"),
    ("setting", "office_id", "office"),
    ("survey_answer", "cadre_id", "cadre"),
    ("survey_answer", "office_id", "office"),
    ("survey_topic", "office_id", "office"),
    ("survey_topic", "survey_id", "survey_answer"),
    ("month_close", "office_id", "office"),
    ("change_log", "office_id", "office"),
]


def _orphans(conn: Conn) -> Outcome:
    """Rows whose reference points at no row, for every foreign key of the schema."""
    found = []
    for child, column, parent in FOREIGN_KEYS:
        same = "" if parent == "office" else " AND c.office_id = p.office_id"
        n = conn.scalar(f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p "
                        f"ON c.{column} = p.id{same} WHERE c.{column} IS NOT NULL AND p.id IS NULL")
        if n:
            found.append(say("msg.check_orphans", n=n, child=child, column=column, parent=parent,
                             of=say("msg.check_of_office") if same else ""))
    return _outcome(found, say("msg.check_orphans_fine"))


#: Natural keys: each must name one record only.
NATURAL_KEYS = [
    ("office", ("code",)),
    ("branch", ("office_id", "code")),
    ("cadre", ("office_id", "code")),
    ("training_session", ("office_id", "ref")),
    ("attendance", ("session_id", "cadre_id")),
    ("online_study", ("cadre_id", "platform", "month")),
    ("plan", ("office_id", "year", "scope")),
]


def _duplicates(conn: Conn) -> Outcome:
    found = []
    for name, cols in NATURAL_KEYS:
        keys = ", ".join(cols)
        held = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        n = conn.scalar(f"SELECT count(*) FROM (SELECT {keys} FROM {name} WHERE {held} "
                        f"GROUP BY {keys} HAVING count(*) > 1) AS dup")
        if n:
            found.append(say("msg.check_duplicates", n=n, name=name, keys=keys))
    return _outcome(found, say("msg.check_duplicates_fine"))


def _attendee_counts(conn: Conn) -> Outcome:
    """The session's kept count of named attendees equals its attendance rows."""
    wrong = ("SELECT s.id, s.attendee_count, coalesce(per.n, 0) FROM training_session s "
             "LEFT JOIN (SELECT session_id, count(*) AS n FROM attendance GROUP BY session_id) "
             "per ON per.session_id = s.id WHERE s.attendee_count <> coalesce(per.n, 0)")
    n = conn.scalar(f"SELECT count(*) FROM ({wrong}) AS wrong")
    if not n:
        return True, say("msg.check_counts_fine", n=_count(conn, "attendance"))
    shown = say("msg.list_join").join(
        say("msg.check_count", id=i, kept=k, rows=m)
        for i, k, m in conn.all(f"{wrong} ORDER BY s.id LIMIT {EXAMPLES}"))
    return False, say("msg.check_counts", n=n, shown=shown)


def _facts(conn: Conn) -> Outcome:
    """Each cadre's dated facts cover every date from his first without gap or overlap, end open,
    and the cadre's own columns repeat his latest facts (what listings show)."""
    if (conn.scalar("SELECT version_num FROM alembic_version") or "") < "0005":
        return True, say("msg.check_facts_none")
    forever = {"forever": date.max}
    open_ends = ("SELECT c.id FROM cadre c LEFT JOIN cadre_fact f ON f.cadre_id = c.id "
                 "AND f.valid_to = :forever GROUP BY c.id HAVING count(f.id) <> 1")
    empty = "valid_from >= valid_to"
    gaps = ("SELECT f.id FROM cadre_fact f WHERE f.valid_to <> :forever AND NOT EXISTS "
            "(SELECT 1 FROM cadre_fact g WHERE g.cadre_id = f.cadre_id "
            "AND g.valid_from = f.valid_to)")
    stale = ("SELECT c.id FROM cadre c JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_to = "
             ":forever WHERE " + " OR ".join(
                 f"(c.{k} <> f.{k} OR (c.{k} IS NULL) <> (f.{k} IS NULL))"
                 for k in ("branch_id", "unit", "level", "rank", "top_leader", "poverty_cadre",
                           "party_member", "active")))
    found = []
    for what, sql in (("msg.check_facts_open", open_ends), ("msg.check_facts_gap", gaps),
                      ("msg.check_facts_stale", stale)):
        n = conn.scalar(f"SELECT count(*) FROM ({sql}) AS bad", forever)
        if n:
            ids = ", ".join(str(r[0]) for r in conn.all(f"{sql} LIMIT {EXAMPLES}", forever))
            found.append(say(what, n=n, ids=ids))
    n = _count(conn, "cadre_fact", empty)
    if n:
        found.append(say("msg.check_facts_empty", n=n, ids=_ids(conn, "cadre_fact", empty)))
    return _outcome(found, say("msg.check_facts_fine", n=_count(conn, "cadre_fact"),
                               cadres=_count(conn, "cadre")))


def _voids(conn: Conn) -> Outcome:
    """Voided sessions keep their reason, when and by whom; their attendance is kept, not deleted.

    Reports leave them out by filtering on `void`; that every report does is tested against the
    report totals (tests/test_backup_check.py), since it is a property of the queries, not data.
    """
    unexplained = ("void AND (void_reason IS NULL OR trim(void_reason) = '' "
                   "OR voided_at IS NULL OR voided_by IS NULL)")
    stray = "NOT void AND (void_reason IS NOT NULL OR voided_at IS NOT NULL)"
    bad = f"({unexplained}) OR ({stray})"
    n = _count(conn, "training_session", bad)
    if n:
        return False, say("msg.check_voids", n=n, ids=_ids(conn, "training_session", bad))
    voided = _count(conn, "training_session", "void")
    kept = conn.scalar("SELECT count(*) FROM attendance a JOIN training_session s "
                       "ON a.session_id = s.id WHERE s.void")
    return True, say("msg.check_voids_fine", voided=voided, kept=kept)


def _values(conn: Conn) -> Outcome:
    """Every stored value is one trainlog could have written: known keys, hours in range."""
    k = _Keys()
    kind_ok = " OR ".join(["kind IS NULL", *(
        f"({k.one_of('track', [track], False)} AND {k.one_of('kind', kinds, False)})"
        for track, kinds in KINDS.items())])
    rules: list[Rule] = [
        (say("msg.check_bad_track"), "training_session",
         f"NOT ({k.one_of('track', TRACKS, False)} AND ({kind_ok}))"),
        (say("msg.check_bad_topic"), "training_session", f"NOT {k.one_of('topic', TOPICS)}"),
        (say("msg.check_session_hours"), "training_session", "NOT (hours BETWEEN 0 AND 24)"),
        (say("msg.check_negative"), "training_session", "headcount < 0 OR attendee_count < 0"),
        (say("msg.check_blank_title"), "training_session", "trim(title) = ''"),
        (say("msg.check_attendance_hours"), "attendance", "NOT (hours BETWEEN 0 AND 24)"),
        (say("msg.check_bad_level"), "cadre", f"NOT {k.one_of('level', LEVELS)}"),
        (say("msg.check_bad_rank"), "cadre", f"NOT {k.one_of('rank', RANKS)}"),
        (say("msg.check_bad_platform"), "online_study",
         f"NOT ({k.one_of('platform', PLATFORMS, False)})"),
        (say("msg.check_study_hours"), "online_study", "NOT (hours BETWEEN 0 AND 744)"),
        (say("msg.check_study_month"), "online_study", f"{_part(conn, 'day', 'month')} <> 1"),
        (say("msg.check_bad_answer"), "survey_answer",
         f"NOT ({k.one_of('method', METHODS, False)} AND {k.one_of('tier', TIERS)})"),
        (say("msg.check_bad_survey_topic"), "survey_topic",
         f"NOT ({k.one_of('topic', TOPICS, False)})"),
    ]
    return _rules(conn, rules, say("msg.check_values_fine"), k)


def _plans(conn: Conn) -> Outcome:
    k = _Keys()
    rules: list[Rule] = [
        (say("msg.check_plan_scope"), "plan", f"NOT ({k.one_of('scope', ['all', *TRACKS], False)})"),
        (say("msg.check_plan_target"), "plan", "target IS NULL OR target <= 0"),
        (say("msg.check_plan_year"), "plan", "NOT (year BETWEEN 1 AND 9999)"),
        (say("msg.check_plan_deadline"), "plan",
         f"deadline IS NOT NULL AND {_part(conn, 'year', 'deadline')} <> year"),
    ]
    return _rules(conn, rules, say("msg.check_plans_fine", n=_count(conn, "plan")), k)


def _settings(conn: Conn) -> Outcome:
    """Each stored setting is one trainlog knows, with a number in its range (a handful of rows)."""
    found = []
    rows = conn.all("SELECT key, value FROM setting ORDER BY key")
    for key, value in rows:
        if key not in SETTINGS:
            found.append(say("msg.check_unknown_setting", key=repr(key)))
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            found.append(say("msg.check_setting_number", key=key, value=repr(value)))
            continue
        low_ok = number >= 0 if key in ZERO_MEANS_NO_RULE else number > 0
        if not (low_ok and number <= SETTINGS[key][1]):
            found.append(say("msg.check_setting_range", key=key, value=value,
                             high=f"{SETTINGS[key][1]:g}"))
    return _outcome(found, say("msg.check_settings_fine", n=len(rows)))


#: Tables whose rows keep when they were created and changed, and by whom.
AUDITED = ["branch", "cadre", "training_session", "online_study", "plan", "survey_answer"]


def _audit(conn: Conn) -> Outcome:
    rules: list[Rule] = [
        (say("msg.check_unaudited", table=name), name,
         "created_at IS NULL OR created_by IS NULL OR updated_at IS NULL OR updated_by IS NULL "
         "OR updated_at < created_at")
        for name in AUDITED]
    rules.append((say("msg.check_unaudited_attendance"), "attendance",
                  "created_at IS NULL OR created_by IS NULL"))
    return _rules(conn, rules, say("msg.check_audit_fine"))


#: trainlog's invariants, checked on either backend after the database's own checks.
CHECKS: list[tuple[str, Callable[[Conn], Outcome]]] = [
    ("orphans", _orphans), ("duplicates", _duplicates), ("attendee_counts", _attendee_counts),
    ("facts", _facts), ("voids", _voids), ("values", _values), ("plans", _plans), ("settings", _settings),
    ("audit", _audit),
]

#: SQLite's own checks, first on a SQLite database.
SQLITE_CHECKS: list[tuple[str, Callable[[Conn], Outcome]]] = [
    ("integrity", _integrity), ("foreign_keys", _foreign_keys)]
