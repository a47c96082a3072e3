"""Online study hours: `study import` of a platform's monthly export and `study add` of one record.

This module is light on purpose: it imports neither SQLAlchemy nor SQLModel nor the models.
A district imports the month's exports from cron and adds single records by hand, and on a SQLite
file both run as SQL text through `trainlog.store.sql.Conn` on the standard library's sqlite3, where
importing SQLAlchemy alone would take longer than the whole import. On PostgreSQL the import's rows
are copied (COPY) into a temporary table and written from there with one statement. The public
names are importable from `trainlog.study` as they always were.
"""

from __future__ import annotations

import contextlib
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.dates import days_in_month, month_end, parse_month, today
from trainlog.errors import FieldError, FieldProblems, Problem, TrainlogError
from trainlog.files import tables as imp
from trainlog.files.meters import Meters
from trainlog.files.people import check_cadre_columns, finder_for
from trainlog.store.changelog import log_change, log_changes
from trainlog.store.closing import refuse_closed
from trainlog.store.sql import Conn, as_date, fresh_statistics, indexes_after, tune_for_import
from trainlog.vocab import PLATFORMS, parse_choice, say

DEFAULT_PLATFORM = "academy"
#: How many cadre codes a warning names before it says "…".
WARN_SAMPLE = 5
#: The savepoint an import writes in: rolled back for a dry run or when a row is bad.
_SAVEPOINT = "trainlog_study_import"
#: PostgreSQL: the temporary table an import's rows are copied into before they are written.
_STAGE = "trainlog_study_rows"
_COLUMNS = ("cadre_id, platform, month, hours, created_at, created_by, updated_at, updated_by, "
            "office_id")
#: Insert or update one record: INSERT … ON CONFLICT … DO UPDATE reads the same in SQLite (3.24+)
#: and PostgreSQL, keeps a replaced record's created_at, and leaves an equal one untouched.
_ON_CONFLICT = ("ON CONFLICT (cadre_id, platform, month) DO UPDATE SET hours = excluded.hours, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by "
                "WHERE online_study.hours <> excluded.hours")
_UPSERT = f"INSERT INTO online_study ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) {_ON_CONFLICT}"
#: SQLite: the records an import's upsert changed, (id, hours before), for their log rows (the
#: upsert says nothing of what it changed): the function `_SEEN` the upsert calls for each record
#: it changes keeps them (a trigger would give every row's INSERT a statement journal: 1.7 times
#: slower), and they go to this temporary table to be joined.
_CHANGED = "trainlog_study_changed"
_SEEN = "trainlog_study_seen"
_UPSERT_SEEN = _UPSERT.replace("WHERE online_study.hours <> excluded.hours",
                               "WHERE online_study.hours <> excluded.hours AND "
                               f"{_SEEN}(online_study.id, online_study.hours)")
#: The log rows of an import (`trainlog.store.changelog`): a record changed, its hours before →
#: after (key "G0190 2020-04 academy"); the records created, one row per month and platform with
#: their number (key "2020-04 academy"): a million rows of a province's first import would take
#: longer to log than to write.
_LOG = ("INSERT INTO change_log (office_id, at, user_name, kind, key, action, changes) "
        "SELECT :office, :stamp, :who, 'study', {key}, 'update', "
        "'{{\"hours\": [' || {before} || ', ' || {after} || ']}}' ")
_LOG_CREATED = ("INSERT INTO change_log (office_id, at, user_name, kind, key, action, changes) "
                "SELECT :office, :stamp, :who, 'study', {key}, 'create', "
                "'{{\"records\": [null, ' || count(*) || ']}}' ")
_UPSERT_STAGED = (f"INSERT INTO online_study ({_COLUMNS}) "
                  "SELECT cadre_id, platform, month, hours, :stamp, :who, :stamp, :who, :office "
                  f"FROM {_STAGE} ORDER BY seq {_ON_CONFLICT}")


@dataclass
class StudyImportResult:
    """What `study import` did (or, with dry_run, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    months: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    #: what the file had that was left out (`Table.summary`): only what there was
    read: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(out.pop("read"))
        return out


def _cadres(db: Conn) -> dict[str, tuple[int, bool, date | None]]:
    """code -> (id, active, registered_on) of every cadre."""
    rows = db.all("SELECT code, id, active, registered_on FROM cadre WHERE office_id = :office")
    return {c: (i, bool(a), as_date(r)) for c, i, a, r in rows}


class _Notes:
    """Rows that are accepted but worth a warning, counted with a few examples."""

    def __init__(self) -> None:
        self.inactive: list[str] = []
        self.inactive_n = 0
        self.unregistered: list[str] = []
        self.unregistered_n = 0
        self.late: list[str] = []
        self.late_n = 0

    def see(self, code: str, active: bool, registered_on: date | None, month: date) -> None:
        if not active:
            self.inactive_n += 1
            if len(self.inactive) < WARN_SAMPLE:
                self.inactive.append(code)
        if registered_on is None:
            self.unregistered_n += 1
            if len(self.unregistered) < WARN_SAMPLE:
                self.unregistered.append(code)
        elif registered_on > month_end(month):
            self.late_n += 1
            if len(self.late) < WARN_SAMPLE:
                self.late.append(f"{code} {month:%Y-%m}")

    def messages(self) -> list[str]:
        out = []
        if self.unregistered_n:
            out.append(say("msg.warn_unregistered", n=self.unregistered_n,
                           sample=_sample(self.unregistered, self.unregistered_n)))
        if self.late_n:
            out.append(say("msg.warn_before_registered", n=self.late_n,
                           sample=_sample(self.late, self.late_n)))
        if self.inactive_n:
            out.append(say("msg.warn_deactivated", n=self.inactive_n,
                           sample=_sample(self.inactive, self.inactive_n)))
        return out


def _sample(items: list[str], total: int) -> str:
    return ", ".join(items) + (", …" if total > len(items) else "")


#: a problem with a cell: (column, value, reason)
_Bad = tuple[str, Any, str]


@dataclass
class _Group:
    """One (platform, month) of an import, with what its rows are checked against."""

    platform: str
    month: date
    #: the month as the driver is given it (ISO text for SQLite, a date otherwise)
    value: Any
    limit: float
    last_day: date
    #: the row where each cadre id was first seen (0: not yet), to report repeats
    first_rows: array

    def records(self) -> int:
        """How many records of this group the file has."""
        return len(self.first_rows) - self.first_rows.count(0)


class _Parser:
    """Checks the month and platform of study rows against the options."""

    def __init__(self, month: str | date | None, platform: str | None):
        self.month = parse_month(month, "--month") if month not in (None, "") else None
        self.platform = parse_choice(platform, PLATFORMS, "--platform") if platform else None
        self.latest = today().replace(day=1)

    def parse_month(self, raw: Any, field: str = "month") -> date:
        """The month's first day; a FieldError says why not."""
        if raw == "" or raw is None:
            if self.month is None:
                raise FieldError(field, say("msg.no_month_given"))
            return self.month
        first = parse_month(raw, field)
        if self.month is not None and first != self.month:
            raise FieldError(field, say("msg.other_month", month=f"{first:%Y-%m}",
                                        given=f"{self.month:%Y-%m}"))
        if first > self.latest:
            raise FieldError(field, say("msg.future_month", month=f"{first:%Y-%m}"))
        return first

    def parse_platform(self, raw: Any) -> str:
        """The platform's key; a FieldError says why not."""
        if raw == "" or raw is None:
            return self.platform or DEFAULT_PLATFORM
        key = parse_choice(str(raw), PLATFORMS, "platform")
        if self.platform is not None and key != self.platform:
            raise FieldError("platform", say("msg.other_platform", platform=key,
                                             given=self.platform))
        return key


def parse_hours(raw: Any, month: date | None, field: str = "hours") -> float:
    """Hours studied in a month: a number from 0 to 24 × the month's days; a FieldError if not."""
    text = str(raw).strip()
    if text == "":
        raise FieldError(field, say("msg.required"))
    value = imp.number(text, field, -math.inf)
    if value < 0:
        raise FieldError(field, say("msg.negative_hours"))
    if month is not None:
        limit = 24 * days_in_month(month)
        if value > limit:
            raise FieldError(field, say("msg.month_hours", month=f"{month:%Y-%m}", limit=limit,
                                        days=days_in_month(month)))
    return value


class _Import:
    """One import while its rows stream from the file, checked, into the database."""

    def __init__(self, db: Conn, parser: _Parser, table: imp.Table, meters: Meters | None):
        self.db = db
        self.parser = parser
        self.table = table
        self.meters = meters
        self.cadres = _cadres(db)
        # Read before the rows stream: on PostgreSQL they stream into a COPY on this connection,
        # which takes no other statement until it ends.
        self.finder = finder_for(table.columns, db.all)  # by name and unit, or id number
        self.width = max((c[0] for c in self.cadres.values()), default=0) + 1
        self.chk = imp.Checker()
        self.notes = _Notes()
        self.groups: dict[tuple[str, date], _Group] = {}
        self.rows = 0
        #: rows yielded to be written
        self.records_n = 0

    def group(self, raw_platform: Any, raw_month: Any) -> _Group | list[_Bad]:
        """The group of a (platform, month) as a file writes them, or the problems with them."""
        problems = []
        try:
            key = self.parser.parse_platform(raw_platform)
        except FieldError as exc:
            problems.append(("platform", raw_platform, exc.reason))
        try:
            first = self.parser.parse_month(raw_month)
        except FieldError as exc:
            problems.append(("month", raw_month, exc.reason))
        if problems:
            return problems
        group = self.groups.get((key, first))
        if group is None:  # one group may be written several ways (2020-03, 2020/3; 学习强国)
            group = self.groups[(key, first)] = _Group(
                key, first, self.db.value(first), 24.0 * days_in_month(first), month_end(first),
                array("q", bytes(8 * self.width)))
        return group

    def records(self, tail: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        """Check every row; yield the good ones, (cadre_id, platform, month, hours) + tail, until
        the first problem is seen."""
        chk, cadres, notes = self.chk, self.cadres, self.notes
        at = {c: i for i, c in enumerate(self.table.columns)}
        ci, hi, mi, pi = at.get("cadre"), at["hours"], at.get("month"), at.get("platform")
        finder = self.finder
        by_text: dict[tuple[Any, Any], _Group | list[_Bad]] = {}
        bad = False
        for n, cells in self.table.cells("study import", self.meters):
            self.rows += 1
            row_ok = True
            code = cells[ci] if ci is not None else ""
            if not code and finder is not None and finder.names(cells, at):
                code = finder.in_row(chk, n, cells, at)
                row_ok = code is not None
            info = cadres.get(code) if code is not None else None
            if info is None and code is not None:
                row_ok = False
                chk.add(n, "cadre", code, say("msg.required" if code == "" else "msg.no_such_cadre"))
            text = (cells[pi] if pi is not None else "", cells[mi] if mi is not None else "")
            group = by_text.get(text)
            if group is None:
                group = by_text[text] = self.group(*text)
            good_group = isinstance(group, _Group)
            raw_hours = cells[hi]
            try:
                value = float(raw_hours)
            except ValueError:
                value = -1.0
            if not 0 <= value <= (group.limit if good_group else math.inf):  # NaN too
                try:
                    parse_hours(raw_hours, group.month if good_group else None)
                except FieldError as exc:
                    row_ok = False
                    chk.add(n, "hours", raw_hours, exc.reason)
            if not good_group:
                for column, raw, why in group:
                    chk.add(n, column, raw, why)
                bad = True
                continue
            if info is None:
                bad = True
                continue
            cadre_id, active, registered_on = info
            seen = group.first_rows[cadre_id]
            if seen:
                bad = True
                chk.add(n, "cadre", code, say("msg.twice_for", platform=group.platform,
                                              month=f"{group.month:%Y-%m}", row=seen))
                continue
            group.first_rows[cadre_id] = n
            if not row_ok:
                bad = True
            if bad:
                continue  # nothing more is written: the import will be rolled back
            if not active or registered_on is None or registered_on > group.last_day:
                notes.see(code, active, registered_on, group.month)
            self.records_n += 1
            yield (cadre_id, group.platform, group.value, value) + tail


#: The fewest bytes a row of a study file takes ("G0001,5,academy,2020-03" and its line end).
_ROW_BYTES = 24


def _rows_about(path: str | Path) -> int:
    """About how many rows a study file has at most, from its size (read before the rows stream:
    their number is known only at the end)."""
    try:
        return Path(path).stat().st_size // _ROW_BYTES
    except OSError:
        return 0


def import_study(db: Conn, path: str | Path, month: str | None = None,
                 platform: str | None = None, encoding: str | None = None,
                 dry_run: bool = False, meters: Meters | None = None,
                 options: imp.ReadOptions | None = None) -> StudyImportResult:
    """Import a platform's monthly export: one record per (cadre, platform, month); all or none.

    `db`: a `trainlog.store.sql.Conn` in a write transaction. With `dry_run` the writes are done
    all the same (the caller's transaction rolls them back, `Database.connect(write=True,
    dry_run=True)`); the result says it was a dry run.
    Rows are checked as they stream into the database inside a savepoint, which is rolled back
    when any row is bad (every bad row is reported): no row is held in memory.
    On SQLite they are upserted as they come; on PostgreSQL they are copied into a temporary
    table, and the records are written from it with one statement once every row is good.
    The rows read so far go to a progress meter from `meters`, or from the front end's
    (`trainlog.files.meters`).
    """
    parser = _Parser(month, platform)
    table = imp.open_table(path, imp.STUDY_COLUMNS, {"hours"}, encoding, options)
    check_cadre_columns(table)
    stamp, who = db.stamp()
    staged = db.dialect == "postgresql"
    db.run(f"SAVEPOINT {_SAVEPOINT}")
    try:
        tune_for_import(db)
        job = _Import(db, parser, table, meters)
        if staged:
            db.run(f"CREATE TEMPORARY TABLE {_STAGE} (seq bigint GENERATED ALWAYS AS IDENTITY, "
                   "cadre_id integer NOT NULL, platform varchar(20) NOT NULL, "
                   "month date NOT NULL, hours double precision NOT NULL) ON COMMIT DROP")
            db.insert_rows(_STAGE, ("cadre_id", "platform", "month", "hours"), job.records(()))
        else:
            last_id = db.scalar("SELECT max(id) FROM online_study") or 0
            before = db.scalar("SELECT total_changes()")
            seen_ids, seen_hours = array("q"), array("d")

            def seen(record_id: int, hours: float) -> int:
                seen_ids.append(record_id)
                seen_hours.append(hours)
                return 1

            db.sqlite_function(_SEEN, 2, seen)
            with indexes_after(db, "online_study", _rows_about(path)):
                db.executemany(_UPSERT_SEEN, job.records((stamp, who, stamp, who, db.office.id)))
        job.chk.problems.extend(table.problems)
        job.chk.problems.sort(key=lambda p: p.row)
        job.chk.raise_if_any(str(path))
        if staged:
            created, updated = _write_staged(db, stamp, who)
        else:
            # Ids only grow, so the records with a higher id than before are the new ones; the
            # others the upsert changed were updated (an equal record is not changed).
            created = db.scalar("SELECT count(*) FROM online_study WHERE id > :last",
                                {"last": last_id})
            updated = db.scalar("SELECT total_changes()") - before - created
        if created or updated:  # a closed month's hours stay as they are
            refuse_closed(db, [m for _, m in job.groups], say(
                "msg.what_study_month", month=", ".join(sorted({m.isoformat()[:7]
                                                         for _, m in job.groups}))))
        if not staged:
            # every record of the file created (a new month's export): their number is the
            # file's, with no query (a GROUP BY of a million rows takes a sort)
            made = ({k: g.records() for k, g in sorted(job.groups.items(),
                                                       key=lambda i: i[0][::-1])}
                    if created == job.records_n else None)
            _log_sqlite(db, stamp, who, last_id, created, made,
                        zip(seen_ids, seen_hours, strict=True))
    except BaseException:
        _rollback(db)
        raise
    db.run(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    if not dry_run:
        fresh_statistics(db, ["online_study", "change_log"], created + updated)
    keys = list(job.groups)
    total = job.records_n
    return StudyImportResult(rows=job.rows, created=created, updated=updated,
                             unchanged=total - created - updated, dry_run=dry_run,
                             months=sorted({m.isoformat()[:7] for _, m in keys}),
                             platforms=sorted({p for p, _ in keys}),
                             warnings=job.notes.messages(), read=table.summary)


def _write_staged(db: Conn, stamp: Any, who: str) -> tuple[int, int]:
    """PostgreSQL: count what the staged rows create and change, then write them with one
    INSERT … SELECT … ON CONFLICT, in file order. (created, updated)."""
    db.run(f"ANALYZE {_STAGE}")
    created, updated = db.first(
        "SELECT count(*) FILTER (WHERE o.id IS NULL), count(*) FILTER (WHERE o.hours <> s.hours) "
        f"FROM {_STAGE} s LEFT JOIN online_study o ON o.cadre_id = s.cadre_id "
        "AND o.platform = s.platform AND o.month = s.month") or (0, 0)
    if created or updated:  # the log rows first: the upsert overwrites the hours before
        found = (f"FROM {_STAGE} s LEFT JOIN online_study o ON o.cadre_id = s.cadre_id "
                 "AND o.platform = s.platform AND o.month = s.month ")
        params = {"stamp": stamp, "who": who}
        month = db.month_key("s.month")
        if created:
            db.run(_LOG_CREATED.format(key=f"{month} || ' ' || s.platform") + found
                   + "WHERE o.id IS NULL GROUP BY s.month, s.platform "
                   "ORDER BY s.month, s.platform", params)
        if updated:
            db.run(_LOG.format(key=f"c.code || ' ' || {month} || ' ' || s.platform",
                               before=_pg_number("o.hours"), after=_pg_number("s.hours"))
                   + found + "JOIN cadre c ON c.id = s.cadre_id WHERE o.hours <> s.hours "
                   "ORDER BY s.seq", params)
    db.run(_UPSERT_STAGED, {"stamp": stamp, "who": who})
    db.run(f"DROP TABLE {_STAGE}")
    return created, updated


def _pg_number(column: str) -> str:
    """PostgreSQL: a double precision as JSON text the way Python writes it (2.0, 2.5)."""
    return (f"CASE WHEN {column} = trunc({column}) THEN CAST(CAST({column} AS bigint) AS text) "
            f"|| '.0' ELSE CAST({column} AS text) END")


def _log_sqlite(db: Conn, stamp: Any, who: str, last_id: int, created: int,
                made: dict[tuple[str, date], int] | None,
                changed: Iterator[tuple[int, float]]) -> None:
    """SQLite: the log rows of the records created (ids above `last_id`; `made`, their number
    by (platform, month), when known) and of those `changed`, (id, hours before)."""
    params = {"stamp": stamp, "who": who, "last": last_id}
    if made is not None:
        log_changes(db, (("study", f"{month:%Y-%m} {platform}", "create", {"records": (None, n)})
                         for (platform, month), n in made.items() if n))
    elif created:
        db.run(_LOG_CREATED.format(key=f"{db.month_key('o.month')} || ' ' || o.platform")
               + "FROM online_study o WHERE o.id > :last GROUP BY o.month, o.platform "
               "ORDER BY o.month, o.platform", params)
    db.run(f"CREATE TEMPORARY TABLE {_CHANGED} (id INTEGER PRIMARY KEY, hours REAL)")
    if db.executemany(f"INSERT OR IGNORE INTO {_CHANGED} (id, hours) VALUES (?, ?)", changed):
        db.run(_LOG.format(key=f"c.code || ' ' || {db.month_key('o.month')} || ' ' || o.platform",
                           before="t.hours", after="o.hours")
               + f"FROM {_CHANGED} t JOIN online_study o ON o.id = t.id JOIN cadre c "
               "ON c.id = o.cadre_id WHERE o.hours <> t.hours ORDER BY t.id", params)
    db.run(f"DROP TABLE {_CHANGED}")


def _rollback(db: Conn) -> None:
    """Undo what the import wrote (a failed rollback leaves it to the caller's transaction)."""
    with contextlib.suppress(Exception):
        db.run(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        db.run(f"RELEASE SAVEPOINT {_SAVEPOINT}")


def add_study(db: Conn, code: str, month: str, hours: str | float,
              platform: str | None = None) -> dict[str, Any]:
    """Record one cadre's hours on a platform in a month, replacing what was recorded.

    `db`: a `trainlog.store.sql.Conn` in a write transaction.
    """
    parser = _Parser(None, None)
    problems: list[Problem] = []
    code_ = imp.norm_code(str(code))
    row = db.first("SELECT id, active, registered_on FROM cadre "
                   "WHERE office_id = :office AND code = :code", {"code": code_})
    if row is None:
        problems.append(Problem(0, "cadre", code_, say("msg.no_such_cadre")))
    first: date | None = None
    try:
        first = parser.parse_month(str(month).strip())
    except FieldError as exc:
        problems.append(Problem(0, "--month", month, exc.reason))
    key = parse_choice(platform, PLATFORMS, "--platform") if platform else DEFAULT_PLATFORM
    try:
        value = parse_hours(hours, first)
    except FieldError as exc:
        problems.append(Problem(0, "--hours", hours, exc.reason))
    if problems:
        raise FieldProblems(problems)
    assert row is not None and first is not None
    cadre_id, active, registered_on = row[0], bool(row[1]), as_date(row[2])
    previous = db.scalar("SELECT hours FROM online_study WHERE cadre_id = :cadre "
                         "AND platform = :platform AND month = :month",
                         {"cadre": cadre_id, "platform": key, "month": first})
    if previous is None or float(previous) != value:
        refuse_closed(db, first, say("msg.what_study_month", month=first.isoformat()[:7]))
    notes = _Notes()
    notes.see(code_, active, registered_on, first)
    stamp, who = db.stamp()
    db.executemany(_UPSERT, [(cadre_id, key, db.value(first), value, stamp, who, stamp, who,
                              db.office.id)])
    if previous is None or previous != value:
        log_change(db, "study", f"{code_} {first:%Y-%m} {key}",
                   "create" if previous is None else "update", {"hours": (previous, value)})
    return {"cadre": code_, "platform": key, "month": first.isoformat()[:7], "hours": value,
            "previous": previous, "warnings": notes.messages()}


def cadre_study(conn: Conn, code: str, year: int | None = None) -> list[dict[str, Any]]:
    """A cadre's online study hours by month and platform (for `cadre show`)."""
    sql = ("SELECT o.month, o.platform, o.hours FROM online_study o "
           "JOIN cadre c ON c.id = o.cadre_id WHERE c.office_id = :office AND c.code = :code")
    params: dict[str, Any] = {"code": imp.norm_code(code)}
    if year is not None:
        if not 1 <= year <= 9999:
            raise TrainlogError(say("msg.not_year", field="--year", year=year))
        sql += " AND o.month >= :first AND o.month <= :last"
        params.update(first=date(year, 1, 1), last=date(year, 12, 31))
    return [{"month": as_date(m).isoformat()[:7], "platform": p, "hours": round(h, 1)}
            for m, p, h in conn.all(sql + " ORDER BY o.month, o.platform", params)]
