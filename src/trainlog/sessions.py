"""Training sessions in the three tracks, with their attendance: add, import, list, show, void."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from trainlog import importing as imp
from trainlog.dates import Period, parse_date
from trainlog.db import actor, now
from trainlog.errors import InvalidInput, Problem, TrainlogError
from trainlog.models import Attendance, Branch, Cadre, TrainingSession
from trainlog.vocab import ALL_KINDS, KINDS, TOPICS, TRACKS, parse_choice

T = TypeVar("T")

#: The columns of an import file that belong to the session (they repeat on each of its rows).
SESSION_FIELDS = ("date", "track", "kind", "topic", "title", "hours", "branch", "headcount")
#: The keys of a `session list` object (DESIGN.md, "Listings").
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
ATTENDEE_KEYS = ["cadre", "name", "unit", "hours"]
#: Columns of an --attendees-file: the cadre's code (干部编号, or 编号 as `cadre list` writes it),
#: optional hours, and a name or unit that are checked against the registry or ignored.
ATTENDEE_COLUMNS = {"cadre": "干部编号", "code": "编号", "name": "姓名", "unit": "单位",
                    "hours": "学时"}
#: Rows per executemany batch, and ids per IN (...) list (SQLite's old limit is 999 parameters).
CHUNK = 20_000
IN_CHUNK = 900
#: Sessions whose attendance is compared at once when an import replaces existing refs.
DIFF_CHUNK = 500
REF_MAX = 100
_OPTIONS = {c: f"--{c}" for c in (*SESSION_FIELDS, "ref")}
_SPLIT = re.compile(r"[\s,，、;；]+")
#: The session columns compared to tell an updated session from an unchanged one.
_COMPARED = ("date", "track", "kind", "topic", "title", "hours", "branch_id", "headcount",
             "attendee_count")


@dataclass
class SessionFields:
    """A session's checked fields (branch as its id)."""

    date: date
    track: str
    kind: str | None
    topic: str | None
    title: str
    hours: float
    branch_id: int | None
    headcount: int

    def values(self, named: int) -> dict[str, Any]:
        """The training_session columns for these fields and `named` attendees."""
        return {"date": self.date, "track": self.track, "kind": self.kind, "topic": self.topic,
                "title": self.title, "hours": self.hours, "branch_id": self.branch_id,
                "headcount": self.headcount, "attendee_count": named}


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


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def parse_ref(value: Any, field: str = "ref", required: bool = True) -> str | None:
    """A session's outside key: one word of up to 100 characters."""
    s = imp.text(value, field, required=required, max_length=REF_MAX)
    if s is not None and any(c.isspace() for c in s):
        raise TrainlogError(f"{field}: {s!r} contains spaces; a ref is one word")
    return s


def parse_track(value: Any, field: str = "track") -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise TrainlogError(f"{field}: is required (policy/政策培训, video/视频培训, "
                            "special/专题培训)")
    return parse_choice(text, TRACKS, field)


def parse_kind(value: Any, track: str, field: str = "kind") -> str | None:
    """A kind of `track`, by key or label; the error lists the kinds the track allows."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    kinds = KINDS[track]
    try:
        return parse_choice(text, kinds, field)
    except TrainlogError:
        allowed = ", ".join(f"{k} ({v})" for k, v in kinds.items())
        raise TrainlogError(f"{field}: {text!r} is not a kind of the {track} track "
                            f"({TRACKS[track]}); allowed: {allowed}") from None


def parse_topic(value: Any, field: str = "topic") -> str | None:
    """A topic by key or label, on any track: special classes have one, meetings and videos may."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    return parse_choice(text, TOPICS, field)


def check_fields(raw: dict[str, Any], chk: imp.Checker, row: int,
                 branches: dict[str, int]) -> SessionFields | None:
    """Check a session's fields given as text; problems go to `chk`, None when any is bad."""
    before = len(chk.problems)
    when = chk.check(row, "date", raw.get("date"), lambda v: parse_date(v, "date"))
    track = chk.check(row, "track", raw.get("track"), parse_track)
    kind = None
    if track is not None:
        kind = chk.check(row, "kind", raw.get("kind"), lambda v: parse_kind(v, track))
    topic = chk.check(row, "topic", raw.get("topic"), parse_topic)
    title = chk.check(row, "title", raw.get("title"), lambda v: imp.text(v, "title", True, 300))
    hours = chk.check(row, "hours", raw.get("hours"),
                      lambda v: imp.hours(v) if _filled(v) else 0.0)
    headcount = chk.check(row, "headcount", raw.get("headcount"),
                          lambda v: imp.count(v if _filled(v) else "", "headcount"))
    branch_code = chk.check(row, "branch", raw.get("branch"),
                            lambda v: imp.code(v, "branch", required=False))
    branch_id = None
    if branch_code:
        branch_id = branches.get(branch_code)
        if branch_id is None:
            chk.add(row, "branch", branch_code, "no such branch")
    if len(chk.problems) > before:
        return None
    return SessionFields(when, track, kind, topic, title, hours, branch_id, headcount)  # type: ignore[arg-type]


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _normal(column: str, value: Any) -> Any:
    """A field as stored, so that `2020/4/3` agrees with `2020-04-03` and 政策培训 with policy."""
    if not _filled(value):
        return 0 if column in ("hours", "headcount") else None
    if column == "date":
        return parse_date(value)
    if column == "track":
        return parse_choice(str(value), TRACKS, column)
    if column == "kind":
        return parse_choice(str(value), ALL_KINDS, column)
    if column == "topic":
        return parse_choice(str(value), TOPICS, column)
    if column == "hours":
        return float(str(value))
    if column == "headcount":
        return imp.count(value, column)
    return str(value).strip()


def _agree(column: str, a: Any, b: Any) -> bool:
    try:
        return _normal(column, a) == _normal(column, b)
    except (TrainlogError, ValueError):
        return False


def _tidy(p: Problem, column: str | None = None) -> Problem:
    """The problem without its value repeated at the start of its reason."""
    reason = p.reason
    if _filled(p.value):
        for shown in (repr(str(p.value).strip()), str(p.value).strip()):
            if reason.startswith(shown + " "):
                reason = reason[len(shown) + 1:]
                break
    value = p.value if _filled(p.value) else ""
    return Problem(p.row, column if column is not None else p.column, value, reason)


def _cadre_info(session: Session, codes: Iterable[str]) -> dict[str, tuple[int, bool, str]]:
    """code -> (id, active, name) of the given codes."""
    wanted = list(set(codes))
    out: dict[str, tuple[int, bool, str]] = {}
    for part in _chunks(wanted, IN_CHUNK):
        out.update({c: (i, a, n) for c, i, a, n in session.execute(
            select(Cadre.code, Cadre.id, Cadre.active, Cadre.name).where(Cadre.code.in_(part)))})
    return out


@dataclass
class Listed:
    """One attendee as given: where (an option or a file's row), the code, hours text, name."""

    where: str
    code: str
    hours: str = ""
    name: str = ""


def read_attendees_file(path: str | Path, encoding: str | None = None) -> list[Listed]:
    """The attendees in a file: a CSV/xlsx with a header, or any other file as a list of codes.

    A CSV or xlsx needs a `cadre`/`干部编号` (or `code`/`编号`) column and may have `hours`/`学时`
    (credited to that attendee; empty means the session's hours), `name`/`姓名` (must match the
    registry) and `unit`/`单位` (ignored). A list of codes may separate them by lines, spaces,
    commas or 、, with `#` starting a comment.
    """
    p = Path(path)
    if p.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        try:
            table = imp.open_table(p, ATTENDEE_COLUMNS, set(), encoding)
        except InvalidInput as exc:
            raise InvalidInput(exc.problems + [Problem(
                1, "", "", "an attendees file's header needs a cadre/干部编号 column; a plain "
                "list of codes goes in a .txt file")], str(p)) from None
        key = "cadre" if "cadre" in table.columns else "code" if "code" in table.columns else None
        if key is None or ("cadre" in table.columns and "code" in table.columns):
            raise InvalidInput([Problem(1, "cadre/干部编号", "", "give the cadres' codes in "
                                        "one column: cadre/干部编号 (or code/编号)")], str(p))
        out = [Listed(f"{p.name} row {n}", str(r[key]), str(r.get("hours", "")),
                      str(r.get("name", ""))) for n, r in table.rows()]
        if table.problems:
            raise InvalidInput(table.problems, str(p))
        return out
    if not p.exists():
        raise TrainlogError(f"{p}: no such file")
    if p.is_dir():
        raise TrainlogError(f"{p}: is a directory, not a file")
    try:
        text = p.read_bytes().decode(encoding or imp.detect_encoding(p))
    except (UnicodeDecodeError, LookupError) as exc:
        raise TrainlogError(f"{p}: cannot be read as {encoding or 'UTF-8 or GB18030'} ({exc}); "
                            "give --encoding") from None
    out = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        for code in _SPLIT.split(line.split("#", 1)[0]):
            if code:
                out.append(Listed(f"{p.name} line {n}", code))
    return out


def add_session(
    session: Session,
    *,
    date: str,
    track: str,
    title: str,
    kind: str | None = None,
    topic: str | None = None,
    hours: str | float | None = None,
    attendees: Sequence[str] = (),
    attendees_file: str | Path | None = None,
    headcount: int | str | None = None,
    branch: str | None = None,
    ref: str | None = None,
    replace: bool = False,
    encoding: str | None = None,
) -> dict[str, Any]:
    """Record one session with its attendees, or rewrite the one with `ref` when `replace`.

    Every problem is reported at once (InvalidInput naming the options); nothing is written then.
    """
    chk = imp.Checker()
    raw = {"date": date, "track": track, "kind": kind, "topic": topic, "title": title,
           "hours": hours, "branch": branch, "headcount": headcount}
    branches: dict[str, int] = {}
    if _filled(branch):
        branches = dict(session.execute(select(Branch.code, Branch.id)
                                        .where(Branch.code == str(branch).strip())).all())
    fields = check_fields(raw, chk, 0, branches)
    ref_ = chk.check(0, "ref", ref, lambda v: parse_ref(v, required=False))

    listed = [Listed("--attendee", code) for item in attendees
              for code in _SPLIT.split(str(item)) if code]
    if attendees_file:
        try:
            listed += read_attendees_file(attendees_file, encoding)
        except InvalidInput as exc:
            name = Path(attendees_file).name
            for p in exc.problems:
                where = f"{name} row {p.row}" if p.row else name
                chk.problems.append(Problem(0, f"{where}, {p.column}" if p.column else where,
                                            p.value, p.reason))
        except TrainlogError as exc:
            chk.add(0, "--attendees-file", "", str(exc))

    existing = None
    if ref_:
        existing = session.execute(
            select(TrainingSession.id, TrainingSession.void, TrainingSession.date,
                   TrainingSession.title).where(TrainingSession.ref == ref_)).first()
        if existing is not None and not replace:
            chk.add(0, "ref", ref_, f"session {existing.id} ({existing.date} {existing.title}) "
                    "has this ref already; give --replace to rewrite it")
    kept: set[int] = set()  # a deactivated cadre may stay on a session they attended
    if existing is not None and replace:
        kept = set(session.scalars(select(Attendance.cadre_id)
                                   .where(Attendance.session_id == existing.id)))

    known = _cadre_info(session, [a.code for a in listed])
    default = fields.hours if fields else 0.0
    people: dict[int, float] = {}
    seen: dict[str, str] = {}
    for a in listed:
        if a.code in seen:
            chk.add(0, a.where, a.code, f"listed twice ({seen[a.code]} and {a.where})")
            continue
        seen[a.code] = a.where
        found = known.get(a.code)
        if found is None:
            chk.add(0, a.where, a.code, "no such cadre")
            continue
        cadre_id, active, name = found
        if not active and cadre_id not in kept:
            chk.add(0, a.where, a.code, "cadre is deactivated; reactivate with "
                    "`trainlog cadre edit --active` first")
            continue
        if a.name and a.name != name:
            chk.add(0, a.where, a.code, f"the name {a.name!r} is not this cadre's ({name})")
            continue
        column = f"{a.where}, hours"
        h = chk.check(0, column, a.hours,
                      lambda v, c=column: imp.hours(v, c) if _filled(v) else default)
        if h is not None:
            people[cadre_id] = h
    if fields is not None and not people and fields.headcount == 0 and not listed:
        chk.add(0, "--attendee", "", "a session needs attendees (--attendee, --attendees-file) "
                "or a --headcount")
    if chk.problems:
        raise InvalidInput([_tidy(p, _OPTIONS.get(p.column, p.column)) for p in chk.problems],
                           "add-session")
    assert fields is not None
    conn = session.connection()
    stamp, who = now(), actor()
    values = fields.values(len(people))
    try:
        if existing is not None:
            session_id = existing.id
            conn.execute(update(TrainingSession.__table__)
                         .where(TrainingSession.__table__.c.id == session_id)
                         .values(**values, updated_at=stamp, updated_by=who))
            conn.execute(delete(Attendance).where(Attendance.session_id == session_id))
        else:
            session_id = conn.execute(TrainingSession.__table__.insert().values(
                **values, ref=ref_, void=False, created_at=stamp, created_by=who,
                updated_at=stamp, updated_by=who)).inserted_primary_key[0]
        _insert_attendance(conn, ((session_id, cid, h) for cid, h in people.items()))
    except IntegrityError:
        raise TrainlogError(f"--ref {ref_!r} was added by another writer just now; run the "
                            "command again (with --replace to rewrite it)") from None
    return {"id": session_id, "ref": ref_, "date": fields.date.isoformat(), "track": fields.track,
            "title": fields.title, "attendees": len(people), "headcount": fields.headcount,
            "person_times": len(people) + fields.headcount, "replaced": existing is not None,
            "void": bool(existing.void) if existing is not None else False}


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
