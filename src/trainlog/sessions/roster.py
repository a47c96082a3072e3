"""`trainlog session import`: a long-format roster (one row per attendance, grouped by ref).

This module is light on purpose: it imports neither SQLAlchemy nor SQLModel nor the models.
A district imports its rosters from cron all day, and on a SQLite file the whole import runs as
SQL text through `trainlog.store.sql.Conn` on the standard library's sqlite3, where importing
SQLAlchemy alone would take longer than the import. Bulk writes go through `Conn.executemany`
in chunks, and the attendance of new sessions through `Conn.insert_rows` (COPY on PostgreSQL).
The public names are importable from `trainlog.sessions` as they always were.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from trainlog.errors import FieldError, InvalidInput, TrainlogError
from trainlog.files import tables as imp
from trainlog.files.meters import Meters
from trainlog.files.meters import meter as make_meter
from trainlog.files.people import check_cadre_columns, finder_for
from trainlog.sessions.add import (
    SESSION_FIELDS,
    SessionFields,
    _filled,
    _normal,
    _tidy,
    check_fields,
    insert_attendance,
    parse_ref,
)
from trainlog.sessions.changes import (
    Changes,
    CodeOf,
    attendance_changes,
    field_changes,
    new_attendance,
)
from trainlog.store.changelog import log_changes, log_encoded
from trainlog.store.closing import refuse_closed
from trainlog.store.sql import (
    Conn,
    IntegrityError,
    as_date,
    chunks,
    fresh_statistics,
    in_list,
    indexes_after,
    tune_for_import,
)
from trainlog.vocab import say

#: Sessions whose attendance is compared at once when an import replaces existing refs.
DIFF_CHUNK = 500
#: Log rows written at once: a province's 50,000 new sessions' rows, made as they are written,
#: would hold 20 MB in one chunk of `Conn.executemany`.
LOG_CHUNK = 2000
#: The session columns compared to tell an updated session from an unchanged one.
_COMPARED = ("date", "track", "kind", "topic", "title", "hours", "branch_id", "headcount",
             "attendee_count")
_INSERT_SESSION = (
    f"INSERT INTO training_session (office_id, ref, {', '.join(_COMPARED)}, void, created_at, "
    f"created_by, updated_at, updated_by) VALUES ({', '.join('?' * (len(_COMPARED) + 7))})")
_UPDATE_SESSION = (
    f"UPDATE training_session SET {', '.join(f'{c} = ?' for c in _COMPARED)}, "
    "updated_at = ?, updated_by = ? WHERE id = ?")


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
    #: of the updated sessions, how many had each field changed ("attendees": their attendance)
    changed: dict[str, int] = field(default_factory=dict)
    #: what the file had that was left out (`Table.summary`): only what there was
    read: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(out.pop("read"))
        return out


def _agree(column: str, a: Any, b: Any) -> bool:
    try:
        return _normal(column, a) == _normal(column, b)
    except (TrainlogError, ValueError):
        return False


@contextmanager
def _meter(label: str | None, meters: Meters | None) -> Iterator[Callable[[int], None] | None]:
    """The progress callback of a bulk write: a meter's `update` (`trainlog.files.meters.meter`;
    the CLI's: a bar on a terminal, after a second), else None."""
    meter = make_meter(label, meters)
    if meter is None:
        yield None
        return
    try:
        yield meter.update
    finally:
        meter.close()


def _insert_attendance(db: Conn, rows: Iterable[tuple[int, int, float]],
                       progress: str | None = None, meters: Meters | None = None) -> int:
    """`insert_attendance`, its rows so far on a meter labelled `progress`."""
    with _meter(progress, meters) as update:
        return insert_attendance(db, rows, update)


def _delete_attendance(db: Conn, pairs: Iterable[tuple[int, int]]) -> int:
    """(session_id, cadre_id) rows."""
    return db.delete_attendance(pairs)


def _update_attendance(db: Conn, rows: Iterable[tuple[float, int, int]]) -> int:
    """(hours, session_id, cadre_id) rows."""
    return db.executemany("UPDATE attendance SET hours = ? WHERE session_id = ? AND cadre_id = ?",
                          rows)


def _update_sessions(db: Conn, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Rewrite sessions' fields: (id, SessionFields.values()) rows."""
    stamp, who = db.stamp()
    db.executemany(_UPDATE_SESSION, ((*(db.value(values[c]) for c in _COMPARED), stamp, who, sid)
                                     for sid, values in rows))


def _insert_sessions(db: Conn, items: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
    """Insert sessions with refs: (ref, SessionFields.values()) items; ref -> new id."""
    stamp, who = db.stamp()
    office = db.office.id
    db.executemany(_INSERT_SESSION, ((office, ref, *(db.value(values[c]) for c in _COMPARED),
                                      False, stamp, who, stamp, who) for ref, values in items))
    return {r: int(i) for r, i in db.all_in(
        "SELECT ref, id FROM training_session WHERE office_id = :office AND ref IN ({values})",
        [r for r, _ in items])}


@dataclass
class _Pending:
    """One ref of an import file while it is read."""

    row: int
    signature: tuple[Any, ...]
    cadres: array = field(default_factory=lambda: array("q"))
    rows: array = field(default_factory=lambda: array("q"))


@dataclass
class _Existing:
    """A session already in the database with a ref the file has; `values` are the _COMPARED
    columns as the driver returns them (a date is 'YYYY-MM-DD' text on SQLite)."""

    id: int
    void: bool
    values: tuple[Any, ...]
    ref: str = ""


def _existing_sessions(db: Conn, refs: list[str]) -> dict[str, _Existing]:
    return {row[0]: _Existing(int(row[1]), bool(row[2]), tuple(row[3:]), row[0]) for row in db.all_in(
        f"SELECT ref, id, void, {', '.join(_COMPARED)} FROM training_session "
        "WHERE office_id = :office AND ref IN ({values})", refs)}


@dataclass
class _Log:
    """The log rows of an import's sessions (`trainlog.sessions.changes`): one per session
    created or changed, never one per attendance; written at once (those of the sessions
    changed kept here until then, those of the new ones made as they are written)."""

    branches: dict[int, str]  # branch id -> code
    refs: dict[int, str]  # stored session id -> ref
    code_of: CodeOf
    rows: list[tuple[str, str, str, Changes]] = field(default_factory=list)

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return values | {"branch": self.branches.get(values["branch_id"])}

    def created(self, ref: str, f: SessionFields,
                cadres: Sequence[int]) -> tuple[str, str, str, str]:
        """A new session's row, its changes as JSON text: `field_changes(None, …)` and
        `encode` took 15 µs a session, 0.7 s of a province's 50,000."""
        changes: dict[str, Any] = {"date": [None, f.date], "track": [None, f.track],
                                   "title": [None, f.title], "hours": [None, f.hours]}
        if f.kind is not None:
            changes["kind"] = [None, f.kind]
        if f.topic is not None:
            changes["topic"] = [None, f.topic]
        if f.branch_id is not None:
            changes["branch"] = [None, self.branches.get(f.branch_id)]
        if f.headcount:
            changes["headcount"] = [None, f.headcount]
        changes |= new_attendance(cadres, self.code_of)
        return "session", ref, "create", orjson.dumps(
            changes, option=orjson.OPT_SORT_KEYS).decode()

    def updated(self, stored: _Existing, values: dict[str, Any], have: dict[int, float],
                want: dict[int, float]) -> None:
        before = self.fields(dict(zip(_COMPARED, stored.values, strict=True)))
        self.rows.append(("session", self.refs[stored.id], "update",
                          field_changes(before, self.fields(values))
                          | attendance_changes(have, want, self.code_of)))


#: A stored session's fields that make it that session: a ref whose file row gives another
#: date, track or branch is another session, not a correction (unless --replace).
_IDENTITY = ("date", "track", "branch_id")


def import_sessions(db: Conn, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False, meters: Meters | None = None,
                    replace: bool = False,
                    options: imp.ReadOptions | None = None) -> SessionImportResult:
    """Import a long-format roster (one row per attendance, grouped by ref); all or nothing.

    A ref already in the database is rewritten with the file's title, hours, headcount and
    attendance (a voided session stays voided, with a warning), so importing a file again
    changes nothing. A ref whose date, track or branch differ from the stored session's is
    refused, naming both versions, unless `replace`: two offices' or two years' refs `1` are not
    one session.
    `db` is a `trainlog.store.sql.Conn` in a write transaction. With `dry_run` the writes are done
    all the same (the caller's transaction rolls them back, `Database.connect(write=True,
    dry_run=True)`); the result says it was a dry run.
    The rows read and written so far go to progress meters from `meters`, or from the front end's
    (`trainlog.files.meters`). An attendee is named by code, id number, or name and unit
    (`trainlog.files.people`).
    """
    table = imp.open_table(path, imp.SESSION_COLUMNS, {"ref", "date", "track", "title"}, encoding,
                           options)
    check_cadre_columns(table, required=False)
    branches = {c: i for c, i in db.all("SELECT code, id FROM branch WHERE office_id = :office")}
    # code -> (id, active on every date); inactive on some date: checked on the session's date
    cadres = {c: (i, a is None) for c, i, a in db.all(
        "SELECT c.code, c.id, x.cadre_id FROM cadre c LEFT OUTER JOIN (SELECT DISTINCT "
        "f.cadre_id AS cadre_id FROM cadre_fact f WHERE f.office_id = :office AND NOT f.active) "
        "x ON x.cadre_id = c.id WHERE c.office_id = :office")}
    chk = imp.Checker()
    pending: dict[str, _Pending] = {}
    fields_of = [c for c in SESSION_FIELDS if c in table.columns]
    at = {c: i for i, c in enumerate(table.columns)}
    # date, track and title are required: the signature is always a tuple
    signature = itemgetter(*(at[c] for c in fields_of))
    ref_i = at["ref"]
    cadre_i = at.get("cadre")
    finder = finder_for(table.columns, db.all)  # by name and unit, or id number
    inactive: list[tuple[int, str, str, int]] = []  # (row, ref, code, cadre id)
    rows = 0
    for n, cells in table.cells("session import", meters):
        rows += 1
        ref = cells[ref_i]
        item = pending.get(ref)
        if item is None:
            try:
                ref = parse_ref(ref)
            except FieldError as exc:
                chk.add(n, "ref", cells[ref_i], exc.reason)
                continue
            item = pending.get(ref)
            if item is None:
                item = pending[ref] = _Pending(n, signature(cells))
        else:
            sig = signature(cells)
            if sig != item.signature:
                for c, a, b in zip(fields_of, sig, item.signature, strict=True):
                    if a != b and not _agree(c, a, b):
                        chk.add(n, c, a, say("msg.disagrees", row=item.row, ref=ref,
                                             other=b if _filled(b) else say("msg.empty")))
        code = cells[cadre_i] if cadre_i is not None else ""
        if not code and finder is not None and finder.names(cells, at):
            code = finder.in_row(chk, n, cells, at)
            if code is None:
                continue
        if code:
            found = cadres.get(code)
            if found is None:
                chk.add(n, "cadre", code, say("msg.no_such_cadre"))
                continue
            if not found[1]:
                inactive.append((n, ref, code, found[0]))
            item.cadres.append(found[0])
            item.rows.append(n)
    chk.problems.extend(table.problems)

    tune_for_import(db)
    per_day = db.setting("credit.hours_per_day")
    refs = list(pending)
    existing = _existing_sessions(db, refs)
    names = {i: c for c, i in branches.items()}
    checked: list[tuple[str, SessionFields, _Pending]] = []
    codes: dict[int, str] = {}  # id -> code, built only to name a repeated cadre
    for ref, item in pending.items():
        fields = check_fields(dict(zip(fields_of, item.signature, strict=True)), chk, item.row,
                              branches, per_day)
        if len(set(item.cadres)) != len(item.cadres):
            if not codes:
                codes.update((i, c) for c, (i, _) in cadres.items())
            first: dict[int, int] = {}
            for cid, n in zip(item.cadres, item.rows, strict=True):
                if cid in first:
                    chk.add(n, "cadre", codes[cid], say("msg.twice_in_ref", ref=ref,
                                                        first=first[cid], row=n))
                first.setdefault(cid, n)
        if fields is not None and ref in existing and not replace:
            _check_same_session(db, chk, ref, item.row, existing[ref], fields, names)
        if fields is not None:
            if not item.cadres and fields.headcount == 0:
                chk.add(item.row, "cadre", "", say("msg.no_attendee", ref=ref))
            checked.append((ref, fields, item))
    if inactive:
        _check_inactive(db, chk, inactive, existing, {r: f.date for r, f, _ in checked})
    if chk.problems:
        chk.problems.sort(key=lambda p: p.row)
        raise InvalidInput([_tidy(p) for p in chk.problems], str(path))
    refuse_closed(db, (f.date for r, f, _ in checked if r not in existing),
                  say("msg.what_import_new"))

    result = SessionImportResult(rows=rows, sessions=len(checked), dry_run=dry_run,
                                 read=table.summary)
    result.attendances = sum(len(item.cadres) for _, _, item in checked)
    result.person_times = result.attendances + sum(f.headcount for _, f, _ in checked)
    result.warnings = [say("msg.ref_stays_void", ref=r, id=existing[r].id) for r in refs
                       if r in existing and existing[r].void]
    log = _Log({i: c for c, i in branches.items()}, {e.id: r for r, e in existing.items()},
               _code_of(cadres))
    try:
        _replace_existing(db, [(existing[r], f, it) for r, f, it in checked if r in existing],
                          result, log)
        new = [(r, f, it) for r, f, it in checked if r not in existing]
        result.created = len(new)
        if new:
            ids = _insert_sessions(db, [(r, f.values(len(it.cadres))) for r, f, it in new])
            # new ids only grow, and each session's cadres go in sorted: the unique key's
            # B-tree is appended to, not split at random places
            with indexes_after(db, "attendance", sum(len(it.cadres) for _, _, it in new)):
                _insert_attendance(db, ((ids[r], cid, f.hours) for r, f, it in new
                                        for cid in sorted(it.cadres)),
                                   "session import: writing", meters)
        log_changes(db, log.rows)
        for part in chunks((log.created(r, f, it.cadres) for r, f, it in new), LOG_CHUNK):
            log_encoded(db, part)
    except IntegrityError:
        raise TrainlogError(say("msg.refs_raced", path=path)) from None
    if not dry_run:
        fresh_statistics(db, ["training_session", "attendance", "change_log"],
                         result.attendances if result.created or result.updated else 0)
    return result


def _code_of(cadres: dict[str, tuple[int, Any]]) -> CodeOf:
    """Cadre ids -> codes from the import's map of the office's cadres (reversed when first
    asked: only a changed attendance asks)."""
    reverse: dict[int, str] = {}

    def code_of(ids: Iterable[int]) -> dict[int, str]:
        if not reverse:
            reverse.update((int(i), c) for c, (i, _) in cadres.items())
        return reverse

    return code_of


def _check_same_session(db: Conn, chk: imp.Checker, ref: str, row: int, stored: _Existing,
                        fields: SessionFields, branches: dict[int, str]) -> None:
    """A ref of the file names the stored session only if date, track and branch agree."""
    new = fields.values(0)
    old = dict(zip(_COMPARED, stored.values, strict=True))

    def shown(column: str, value: Any) -> str:
        if column == "branch_id":
            return branches.get(value, say("msg.no_branch_word")) if value is not None else say(
                "msg.no_branch_word")
        return str(value)[:10]

    differ = [c for c in _IDENTITY if db.value(new[c]) != old[c]]
    if differ:
        was = " ".join(shown(c, old[c]) for c in _IDENTITY)
        now = " ".join(shown(c, db.value(new[c])) for c in _IDENTITY)
        chk.add(row, "ref", ref, say("msg.other_session", id=stored.id, was=was, now=now,
                                     differ=", ".join(c.removesuffix("_id") for c in differ)))


def _check_inactive(db: Conn, chk: imp.Checker, inactive: list[tuple[int, str, str, int]],
                    existing: dict[str, _Existing], dates: dict[str, date]) -> None:
    """A cadre inactive on a session's date may stay on it if he was on it already, not join
    it (`inactive`: the rows of cadres inactive on some date; `dates`: each ref's date)."""
    spans: dict[int, list[tuple[date, date]]] = {}
    for cid, start, end in db.all_in(
            "SELECT cadre_id, valid_from, valid_to FROM cadre_fact WHERE NOT active "
            "AND cadre_id IN ({values})", {cid for _, _, _, cid in inactive}):
        spans.setdefault(int(cid), []).append((as_date(start), as_date(end)))
    sessions = sorted({existing[r].id for _, r, _, _ in inactive if r in existing})
    attended = {(int(s), int(c)) for s, c in db.all_in(
        "SELECT session_id, cadre_id FROM attendance WHERE session_id IN ({values})", sessions)}
    for n, ref, code, cid in inactive:
        day = dates.get(ref)
        if day is None or not any(a <= day < b for a, b in spans.get(cid, ())):
            continue  # active that day (or the row's session has problems of its own)
        if ref not in existing or (existing[ref].id, cid) not in attended:
            chk.add(n, "cadre", code, say("msg.inactive_on", code=code, date=day.isoformat()))


def _replace_existing(db: Conn, items: list[tuple[_Existing, SessionFields, _Pending]],
                      result: SessionImportResult, log: _Log) -> None:
    """Rewrite sessions whose refs exist: only what differs from the file is written."""
    for part in chunks(items, DIFF_CHUNK):
        current: dict[int, dict[int, float]] = {e.id: {} for e, _, _ in part}
        marks, params = in_list("id", current)
        for sid, cid, h in db.all("SELECT session_id, cadre_id, hours FROM attendance "
                                  f"WHERE session_id IN ({marks})", params):
            current[int(sid)][int(cid)] = h
        sessions: list[tuple[int, dict[str, Any]]] = []
        deletes: list[tuple[int, int]] = []
        inserts: list[tuple[int, int, float]] = []
        changes: list[tuple[float, int, int]] = []
        for e, f, item in part:
            have = current[e.id]
            stored_on = as_date(e.values[_COMPARED.index("date")])
            want = set(item.cadres)
            gone = [(e.id, cid) for cid in have if cid not in want]
            added = [(e.id, cid, f.hours) for cid in item.cadres if cid not in have]
            changed = [(f.hours, e.id, cid) for cid, h in have.items()
                       if cid in want and h != f.hours]
            values = f.values(len(item.cadres))
            fields_changed = [c for c, old in zip(_COMPARED, e.values, strict=True)
                              if db.value(values[c]) != old and c != "attendee_count"]
            if not (gone or added or changed or fields_changed) and tuple(
                    db.value(values[c]) for c in _COMPARED) == e.values:
                result.unchanged += 1
                continue
            refuse_closed(db, [stored_on, f.date],
                          say("msg.what_session", ref=f" {e.ref}",
                              date=(stored_on if stored_on != f.date else f.date).isoformat()))
            for c in fields_changed:
                key = c.removesuffix("_id")
                result.changed[key] = result.changed.get(key, 0) + 1
            if gone or added or changed:
                result.changed["attendees"] = result.changed.get("attendees", 0) + 1
            deletes += gone
            inserts += added
            changes += changed
            result.updated += 1
            sessions.append((e.id, values))
            log.updated(e, values, have, dict.fromkeys(item.cadres, f.hours))
        order = [*(c.removesuffix("_id") for c in _COMPARED), "attendees"]
        result.changed = {k: result.changed[k] for k in order if k in result.changed}
        _update_sessions(db, sessions)
        _delete_attendance(db, deletes)
        _update_attendance(db, changes)
        _insert_attendance(db, inserts)
