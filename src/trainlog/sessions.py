"""Training sessions in the three tracks, with their attendance: add, import, list, show, void.

Adding one session (`add_session`) and the checks it shares with the import live in
`trainlog.adding`, which imports no SQLAlchemy so that `add-session` starts fast; their public
names are importable from here as they always were.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from trainlog import importing as imp
from trainlog.adding import ATTENDEE_COLUMNS as ATTENDEE_COLUMNS
from trainlog.adding import (
    IN_CHUNK,
    SESSION_FIELDS,
    SessionFields,
    _chunks,
    _filled,
    _normal,
    _tidy,
    check_fields,
    parse_kind,
    parse_ref,
    parse_track,
)
from trainlog.adding import REF_MAX as REF_MAX
from trainlog.adding import Listed as Listed
from trainlog.adding import add_session as add_session
from trainlog.adding import parse_topic as parse_topic
from trainlog.adding import read_attendees_file as read_attendees_file
from trainlog.dates import Period
from trainlog.db import actor, now
from trainlog.errors import InvalidInput, TrainlogError
from trainlog.models import Attendance, Branch, Cadre, TrainingSession
from trainlog.vocab import ALL_KINDS, TRACKS, parse_choice

#: The keys of a `session list` object (DESIGN.md, "Listings").
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
ATTENDEE_KEYS = ["cadre", "name", "unit", "hours"]
#: Rows per executemany batch.
CHUNK = 20_000
#: Sessions whose attendance is compared at once when an import replaces existing refs.
DIFF_CHUNK = 500
#: The session columns compared to tell an updated session from an unchanged one.
_COMPARED = ("date", "track", "kind", "topic", "title", "hours", "branch_id", "headcount",
             "attendee_count")


@dataclass
class SessionImportResult:
    """What `session import` did (or, with dry_run, would do)."""

    rows: int = 0
    sessions: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    attendances: int = 0
    person_times: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _agree(column: str, a: Any, b: Any) -> bool:
    try:
        return _normal(column, a) == _normal(column, b)
    except (TrainlogError, ValueError):
        return False


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _executemany(conn: Connection, sql: str, rows: Iterable[tuple[Any, ...]],
                 progress: str | None = None) -> int:
    """Run `sql` (driver placeholders) over `rows` through the driver's executemany, in chunks.

    With `progress` (a label), a terminal shows a progress bar once it takes over a second.
    """
    meter = imp.Progress(progress) if progress and imp._stderr_is_terminal() else None
    total = 0
    batch: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.exec_driver_sql(sql, batch)
                total += len(batch)
                batch = []
                if meter is not None:
                    meter.update(total)
        if batch:
            conn.exec_driver_sql(sql, batch)
            total += len(batch)
    finally:
        if meter is not None:
            meter.close()
    return total


def _insert_attendance(conn: Connection, rows: Iterable[tuple[int, int, float]],
                       progress: str | None = None) -> int:
    """Bulk insert (session_id, cadre_id, hours)."""
    mark = _mark(conn)
    sql = (f"INSERT INTO attendance (session_id, cadre_id, hours, created_at, created_by) "
           f"VALUES ({', '.join([mark] * 5)})")
    stamp = now()
    # The driver gets the text SQLAlchemy itself would store in SQLite's DATETIME column.
    stamp_value: Any = (stamp.strftime("%Y-%m-%d %H:%M:%S.000000")
                        if conn.dialect.name == "sqlite" else stamp)
    who = actor()
    if conn.dialect.name == "postgresql":
        return _copy_attendance(conn, ((sid, cid, h, stamp, who) for sid, cid, h in rows),
                                progress)
    return _executemany(conn, sql, ((sid, cid, h, stamp_value, who) for sid, cid, h in rows),
                        progress)


def _copy_attendance(conn: Connection, rows: Iterable[tuple[Any, ...]],
                     progress: str | None = None) -> int:
    """PostgreSQL: the rows through COPY in the command's transaction, several times faster than
    executemany's one INSERT per row (a province import holds the write lock that much less)."""
    meter = imp.Progress(progress) if progress and imp._stderr_is_terminal() else None
    total = 0
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy("COPY attendance (session_id, cadre_id, hours, created_at, created_by) "
                         "FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
                if meter is not None and total % CHUNK == 0:
                    meter.update(total)
    finally:
        cursor.close()
        if meter is not None:
            meter.close()
    return total


def _delete_attendance(conn: Connection, pairs: Iterable[tuple[int, int]]) -> int:
    mark = _mark(conn)
    return _executemany(conn, f"DELETE FROM attendance WHERE session_id = {mark} AND "
                              f"cadre_id = {mark}", pairs)


def _update_attendance(conn: Connection, rows: Iterable[tuple[float, int, int]]) -> int:
    """(hours, session_id, cadre_id) rows."""
    mark = _mark(conn)
    return _executemany(conn, f"UPDATE attendance SET hours = {mark} WHERE session_id = {mark} "
                              f"AND cadre_id = {mark}", rows)


def _update_sessions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrite sessions' fields by id (`_id`), in executemany batches."""
    if not rows:
        return
    table = TrainingSession.__table__
    stamp, who = now(), actor()
    stmt = (update(table).where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in (*_COMPARED, "updated_at", "updated_by")}))
    for part in _chunks(rows, CHUNK):
        conn.execute(stmt, [r | {"updated_at": stamp, "updated_by": who} for r in part])


def _insert_sessions(conn: Connection, items: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
    """Insert sessions with refs in executemany batches; ref -> new id."""
    stamp, who = now(), actor()
    table = TrainingSession.__table__
    for part in _chunks(items, CHUNK):
        conn.execute(table.insert(), [values | {
            "ref": ref, "void": False, "void_reason": None, "voided_at": None, "voided_by": None,
            "created_at": stamp, "created_by": who, "updated_at": stamp, "updated_by": who}
            for ref, values in part])
    ids: dict[str, int] = {}
    refs = [r for r, _ in items]
    for part in _chunks(refs, IN_CHUNK):
        ids.update(conn.execute(select(TrainingSession.ref, TrainingSession.id)
                                .where(TrainingSession.ref.in_(part))).all())
    return ids


@dataclass
class _Pending:
    """One ref of an import file while it is read."""

    row: int
    signature: tuple[Any, ...]
    cadres: array = field(default_factory=lambda: array("q"))
    rows: array = field(default_factory=lambda: array("q"))


@dataclass
class _Existing:
    """A session already in the database with a ref the file has."""

    id: int
    void: bool
    values: tuple[Any, ...]


def _existing_sessions(conn: Connection, refs: list[str]) -> dict[str, _Existing]:
    cols = [getattr(TrainingSession, c) for c in _COMPARED]
    out: dict[str, _Existing] = {}
    for part in _chunks(refs, IN_CHUNK):
        for row in conn.execute(select(TrainingSession.ref, TrainingSession.id,
                                       TrainingSession.void, *cols)
                                .where(TrainingSession.ref.in_(part))):
            out[row[0]] = _Existing(row[1], bool(row[2]), tuple(row[3:]))
    return out


def import_sessions(session: Session, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False) -> SessionImportResult:
    """Import a long-format roster (one row per attendance, grouped by ref); all or nothing.

    A ref already in the database is rewritten with the file's fields and attendance (a voided
    session stays voided, with a warning), so importing a file again changes nothing.
    """
    table = imp.open_table(path, imp.SESSION_COLUMNS, {"ref", "date", "track", "title"}, encoding)
    branches = dict(session.execute(select(Branch.code, Branch.id)).all())
    cadres = {c: (i, a) for c, i, a in session.execute(select(Cadre.code, Cadre.id, Cadre.active))}
    chk = imp.Checker()
    pending: dict[str, _Pending] = {}
    fields_of = [c for c in SESSION_FIELDS if c in table.columns]
    at = {c: i for i, c in enumerate(table.columns)}
    # date, track and title are required: the signature is always a tuple
    signature = itemgetter(*(at[c] for c in fields_of))
    ref_i = at["ref"]
    cadre_i = at.get("cadre")
    inactive: list[tuple[int, str, str, int]] = []  # (row, ref, code, cadre id)
    rows = 0
    for n, cells in table.cells("session import"):
        rows += 1
        ref = cells[ref_i]
        item = pending.get(ref)
        if item is None:
            try:
                ref = parse_ref(ref)
            except TrainlogError as exc:
                chk.add(n, "ref", cells[ref_i], str(exc).removeprefix("ref: "))
                continue
            item = pending.get(ref)
            if item is None:
                item = pending[ref] = _Pending(n, signature(cells))
        else:
            sig = signature(cells)
            if sig != item.signature:
                for c, a, b in zip(fields_of, sig, item.signature, strict=True):
                    if a != b and not _agree(c, a, b):
                        chk.add(n, c, a, f"disagrees with row {item.row} of ref {ref} "
                                f"({b if _filled(b) else 'empty'})")
        if cadre_i is not None:
            code = cells[cadre_i]
            if code:
                found = cadres.get(code)
                if found is None:
                    chk.add(n, "cadre", code, "no such cadre")
                    continue
                if not found[1]:
                    inactive.append((n, ref, code, found[0]))
                item.cadres.append(found[0])
                item.rows.append(n)
    chk.problems.extend(table.problems)

    conn = session.connection()
    imp.tune_for_import(conn)
    refs = list(pending)
    existing = _existing_sessions(conn, refs)
    if inactive:
        _check_inactive(conn, chk, inactive, existing)
    checked: list[tuple[str, SessionFields, _Pending]] = []
    codes: dict[int, str] = {}  # id -> code, built only to name a repeated cadre
    for ref, item in pending.items():
        fields = check_fields(dict(zip(fields_of, item.signature, strict=True)), chk, item.row,
                              branches)
        if len(set(item.cadres)) != len(item.cadres):
            if not codes:
                codes.update((i, c) for c, (i, _) in cadres.items())
            first: dict[int, int] = {}
            for cid, n in zip(item.cadres, item.rows, strict=True):
                if cid in first:
                    chk.add(n, "cadre", codes[cid], f"listed twice in ref {ref} "
                            f"(rows {first[cid]} and {n})")
                first.setdefault(cid, n)
        if fields is not None:
            if not item.cadres and fields.headcount == 0:
                chk.add(item.row, "cadre", "", f"ref {ref} has neither a named attendee (cadre) "
                        "nor a headcount")
            checked.append((ref, fields, item))
    if chk.problems:
        chk.problems.sort(key=lambda p: p.row)
        raise InvalidInput([_tidy(p) for p in chk.problems], str(path))

    result = SessionImportResult(rows=rows, sessions=len(checked), dry_run=dry_run)
    result.attendances = sum(len(item.cadres) for _, _, item in checked)
    result.person_times = result.attendances + sum(f.headcount for _, f, _ in checked)
    result.warnings = [f"ref {r} is void and stays void (session {existing[r].id}); its "
                       "attendance is replaced with the file's" for r in refs
                       if r in existing and existing[r].void]
    try:
        _replace_existing(conn, [(existing[r], f, it) for r, f, it in checked if r in existing],
                          result, write=not dry_run)
        new = [(r, f, it) for r, f, it in checked if r not in existing]
        result.created = len(new)
        if new and not dry_run:
            ids = _insert_sessions(conn, [(r, f.values(len(it.cadres))) for r, f, it in new])
            _insert_attendance(conn, ((ids[r], cid, f.hours) for r, f, it in new
                                      for cid in it.cadres), progress="session import: writing")
    except IntegrityError:
        raise TrainlogError(f"{path}: another writer added some of these refs just now; run "
                            "the import again (nothing was written)") from None
    return result


def _check_inactive(conn: Connection, chk: imp.Checker, inactive: list[tuple[int, str, str, int]],
                    existing: dict[str, _Existing]) -> None:
    """A deactivated cadre may stay on a session they attended before, not join a new one."""
    sessions = sorted({existing[r].id for _, r, _, _ in inactive if r in existing})
    attended: set[tuple[int, int]] = set()
    for part in _chunks(sessions, IN_CHUNK):
        attended.update(conn.execute(select(Attendance.session_id, Attendance.cadre_id)
                                     .where(Attendance.session_id.in_(part))).all())
    for n, ref, code, cid in inactive:
        if ref not in existing or (existing[ref].id, cid) not in attended:
            chk.add(n, "cadre", code, "cadre is deactivated; reactivate with "
                    "`trainlog cadre edit --active` first")


def _replace_existing(conn: Connection, items: list[tuple[_Existing, SessionFields, _Pending]],
                      result: SessionImportResult, write: bool) -> None:
    """Rewrite sessions whose refs exist: only what differs from the file is written."""
    for part in _chunks(items, DIFF_CHUNK):
        current: dict[int, dict[int, float]] = {e.id: {} for e, _, _ in part}
        for sid, cid, h in conn.execute(
                select(Attendance.session_id, Attendance.cadre_id, Attendance.hours)
                .where(Attendance.session_id.in_(list(current)))):
            current[sid][cid] = h
        sessions: list[dict[str, Any]] = []
        deletes: list[tuple[int, int]] = []
        inserts: list[tuple[int, int, float]] = []
        changes: list[tuple[float, int, int]] = []
        for e, f, item in part:
            have = current[e.id]
            want = set(item.cadres)
            gone = [(e.id, cid) for cid in have if cid not in want]
            added = [(e.id, cid, f.hours) for cid in item.cadres if cid not in have]
            changed = [(f.hours, e.id, cid) for cid, h in have.items()
                       if cid in want and h != f.hours]
            values = f.values(len(item.cadres))
            if not (gone or added or changed) and tuple(values[c] for c in _COMPARED) == e.values:
                result.unchanged += 1
                continue
            deletes += gone
            inserts += added
            changes += changed
            result.updated += 1
            sessions.append(values | {"_id": e.id})
        if not write:
            continue
        _update_sessions(conn, sessions)
        _delete_attendance(conn, deletes)
        _update_attendance(conn, changes)
        _insert_attendance(conn, inserts)


def find_session(session: Session, id_or_ref: str) -> TrainingSession:
    """A session by its ref, or by its id when the text is a number and no ref matches."""
    key = str(id_or_ref).strip()
    found = session.scalars(select(TrainingSession).where(TrainingSession.ref == key)).first()
    if found is None and key.isdigit():
        found = session.get(TrainingSession, int(key))
    if found is None:
        raise TrainlogError(f"no session with id or ref {key!r}")
    return found


def _session_row(s: TrainingSession, branch_code: str | None) -> dict[str, Any]:
    return {"id": s.id, "ref": s.ref, "date": s.date.isoformat(), "track": s.track, "kind": s.kind,
            "topic": s.topic, "title": s.title, "hours": s.hours, "branch": branch_code,
            "headcount": s.headcount, "person_times": s.attendee_count + s.headcount,
            "void": s.void, "void_reason": s.void_reason}


def list_sessions(session: Session, period: Period | None = None, track: str | None = None,
                  kind: str | None = None, branch: str | None = None,
                  voided: bool = False) -> list[dict[str, Any]]:
    """Sessions by date, then id; voided ones only when asked for."""
    stmt = (select(TrainingSession, Branch.code)
            .outerjoin(Branch, TrainingSession.branch_id == Branch.id)
            .order_by(TrainingSession.date, TrainingSession.id))
    if period is not None:
        stmt = stmt.where(TrainingSession.date.between(period.start, period.end))
    if track:
        track = parse_track(track, "--track")
        stmt = stmt.where(TrainingSession.track == track)
    if kind:
        kind = (parse_kind(kind, track, "--kind") if track
                else parse_choice(kind, ALL_KINDS, "--kind"))
        stmt = stmt.where(TrainingSession.kind == kind)
    if branch:
        branch = branch.strip()
        if session.scalar(select(Branch.id).where(Branch.code == branch)) is None:
            raise TrainlogError(f"--branch: no branch with code {branch!r}")
        stmt = stmt.where(Branch.code == branch)
    if not voided:
        stmt = stmt.where(TrainingSession.void.is_(False))
    return [_session_row(s, b) for s, b in session.execute(stmt)]


def _stamp(value: Any) -> str | None:
    return value.isoformat() if value else None


def show_session(session: Session, id_or_ref: str) -> dict[str, Any]:
    """A session with its attendees (by code) and who entered, changed or voided it."""
    s = find_session(session, id_or_ref)
    branch_code = (session.scalar(select(Branch.code).where(Branch.id == s.branch_id))
                   if s.branch_id else None)
    data = _session_row(s, branch_code)
    data["attendees"] = [
        {"cadre": code, "name": name, "unit": unit, "hours": hours}
        for code, name, unit, hours in session.execute(
            select(Cadre.code, Cadre.name, Cadre.unit, Attendance.hours)
            .join(Attendance, Attendance.cadre_id == Cadre.id)
            .where(Attendance.session_id == s.id).order_by(Cadre.code))
    ]
    data |= {"voided_at": _stamp(s.voided_at), "voided_by": s.voided_by,
             "created_at": _stamp(s.created_at), "created_by": s.created_by,
             "updated_at": _stamp(s.updated_at), "updated_by": s.updated_by}
    return data


def void_session(session: Session, id_or_ref: str, reason: str) -> dict[str, Any]:
    """Void a session: kept with its reason, left out of every count."""
    why = imp.text(reason, "--reason", required=True, max_length=500)
    s = find_session(session, id_or_ref)
    if s.void:
        since = f" since {s.voided_at:%Y-%m-%d}" if s.voided_at else ""
        raise TrainlogError(f"session {s.id} is void already{since} ({s.void_reason})")
    stamp, who = now(), actor()
    s.void, s.void_reason, s.voided_at, s.voided_by = True, why, stamp, who
    s.updated_at, s.updated_by = stamp, who
    session.flush()
    return {"id": s.id, "ref": s.ref, "void": True, "void_reason": why,
            "person_times": s.attendee_count + s.headcount}


def transcript(session: Session, cadre_code: str, year: int | None = None) -> dict[str, Any]:
    """A cadre's training record (培训档案): sessions and hours by track, voided ones left out."""
    cadre_id = session.scalar(select(Cadre.id).where(Cadre.code == cadre_code.strip()))
    if cadre_id is None:
        raise TrainlogError(f"no cadre with code {cadre_code!r}")
    where = [Attendance.cadre_id == cadre_id, TrainingSession.void.is_(False)]
    if year is not None:
        where.append(TrainingSession.date.between(date(year, 1, 1), date(year, 12, 31)))
    base = (select(TrainingSession, Attendance.hours)
            .join(Attendance, Attendance.session_id == TrainingSession.id).where(*where)
            .order_by(TrainingSession.date, TrainingSession.id))
    totals = (select(TrainingSession.track, func.count(), func.sum(Attendance.hours))
              .join(Attendance, Attendance.session_id == TrainingSession.id).where(*where)
              .group_by(TrainingSession.track))
    sessions = [{"id": s.id, "ref": s.ref, "date": s.date.isoformat(), "track": s.track,
                 "kind": s.kind, "topic": s.topic, "title": s.title, "hours": h}
                for s, h in session.execute(base)]
    by_track = {t: (n, h or 0.0) for t, n, h in session.execute(totals)}
    rows = [{"track": t, "sessions": by_track.get(t, (0, 0.0))[0],
             "hours": round(by_track.get(t, (0, 0.0))[1], 1)} for t in TRACKS]
    return {
        "year": year,
        "sessions": sessions,
        "by_track": rows,
        "total": {"sessions": sum(n for n, _ in by_track.values()),
                  "hours": round(sum(h for _, h in by_track.values()), 1)},
    }
