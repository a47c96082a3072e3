"""Training sessions in the three tracks, with their attendance: add, import, list, show, void."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlmodel import Session

from trainlog import importing as imp
from trainlog.dates import Period, parse_date
from trainlog.db import actor, now
from trainlog.errors import InvalidInput, TrainlogError
from trainlog.models import Attendance, Branch, Cadre, TrainingSession
from trainlog.vocab import KINDS, TOPICS, TRACKS, parse_choice

SESSION_FIELDS = ("date", "track", "kind", "topic", "title", "hours", "branch", "headcount")
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
CHUNK = 20_000


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


@dataclass
class SessionImportResult:
    """What `session import` did (or would do)."""

    rows: int = 0
    sessions: int = 0
    created: int = 0
    replaced: int = 0
    attendances: int = 0
    person_times: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_kind(value: Any, track: str) -> str | None:
    """A kind of `track`, by key or label; the error lists the kinds the track allows."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    kinds = KINDS[track]
    try:
        return parse_choice(text, kinds, "kind")
    except TrainlogError:
        allowed = ", ".join(f"{k} ({v})" for k, v in kinds.items())
        raise TrainlogError(f"kind: {text!r} is not a kind of the {track} track; "
                            f"allowed: {allowed}") from None


def parse_topic(value: Any, track: str) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    # Topics name what special classes are about; meetings and videos may carry one too.
    return parse_choice(text, TOPICS, "topic")


def check_fields(raw: dict[str, Any], chk: imp.Checker, row: int,
                 branches: dict[str, int]) -> SessionFields | None:
    """Check a session's fields given as text; problems go to `chk`, None when any is bad."""
    before = len(chk.problems)
    when = chk.check(row, "date", raw.get("date"), lambda v: parse_date(v, "date"))
    track = chk.check(row, "track", raw.get("track"),
                      lambda v: parse_choice(str(v or ""), TRACKS, "track"))
    kind = topic = None
    if track is not None:
        kind = chk.check(row, "kind", raw.get("kind"), lambda v: parse_kind(v, track))
        topic = chk.check(row, "topic", raw.get("topic"), lambda v: parse_topic(v, track))
    title = chk.check(row, "title", raw.get("title"), lambda v: imp.text(v, "title", True, 300))
    hours_raw = raw.get("hours")
    hours = chk.check(row, "hours", hours_raw,
                      lambda v: imp.hours(v) if str(v or "").strip() else 0.0)
    headcount = chk.check(row, "headcount", raw.get("headcount"),
                          lambda v: imp.count(v or "", "headcount"))
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


def _cadres(session: Session, codes: Iterable[str] | None = None) -> dict[str, tuple[int, bool]]:
    """code -> (id, active), for all cadres or the given codes."""
    stmt = select(Cadre.code, Cadre.id, Cadre.active)
    if codes is None:
        return {c: (i, a) for c, i, a in session.execute(stmt)}
    wanted = list(set(codes))
    out: dict[str, tuple[int, bool]] = {}
    for i in range(0, len(wanted), 900):
        out.update({c: (i_, a) for c, i_, a in
                    session.execute(stmt.where(Cadre.code.in_(wanted[i:i + 900])))})
    return out


def read_attendees_file(path: str | Path, encoding: str | None = None) -> list[tuple[int, str, str]]:
    """(row, code, hours text) from a CSV/xlsx with a cadre column (hours optional), or a text list."""
    p = Path(path)
    if p.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        table = imp.open_table(p, {"cadre": "干部编号", "hours": "学时", "name": "姓名"}, {"cadre"},
                               encoding)
        out = [(n, str(r["cadre"]), str(r.get("hours", "") or "")) for n, r in table.rows()]
        if table.problems:
            raise InvalidInput(table.problems, str(p))
        return out
    if not p.exists():
        raise TrainlogError(f"{p}: no such file")
    try:
        text = p.read_bytes().decode(encoding or imp.detect_encoding(p))
    except UnicodeDecodeError as exc:
        raise TrainlogError(f"{p}: cannot be decoded ({exc.reason}); give --encoding") from None
    out = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        for code in line.replace(",", " ").replace("，", " ").split():
            out.append((n, code, ""))
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
    """Record one session with its attendees; every problem is reported at once."""
    chk = imp.Checker()
    raw = {"date": date, "track": track, "kind": kind, "topic": topic, "title": title,
           "hours": "" if hours is None else hours, "branch": branch,
           "headcount": "" if headcount is None else headcount}
    branches = {}
    if branch:
        branches = dict(session.execute(select(Branch.code, Branch.id)
                                        .where(Branch.code == str(branch).strip())).all())
    fields = check_fields(raw, chk, 0, branches)
    ref_ = chk.check(0, "ref", ref, lambda v: imp.code(v, "ref", required=False))

    listed: list[tuple[str, str, str]] = []  # (where, code, hours text)
    for item in attendees:
        for code in str(item).replace("，", ",").split(","):
            if code.strip():
                listed.append(("--attendee", code.strip(), ""))
    if attendees_file:
        try:
            listed += [(f"{attendees_file} row {n}", c.strip(), h)
                       for n, c, h in read_attendees_file(attendees_file, encoding)]
        except InvalidInput as exc:
            chk.problems.extend(exc.problems)
    known = _cadres(session, [c for _, c, _ in listed])
    people: dict[int, float] = {}
    seen: dict[str, str] = {}
    for where, code, hours_text in listed:
        if code in seen:
            chk.add(0, "attendee", code, f"listed twice ({seen[code]} and {where})")
            continue
        seen[code] = where
        found = known.get(code)
        if found is None:
            chk.add(0, "attendee", code, f"no such cadre ({where})")
            continue
        if not found[1]:
            chk.add(0, "attendee", code, f"cadre is inactive (deactivated) ({where})")
            continue
        default = fields.hours if fields else 0.0
        h = chk.check(0, "hours", hours_text,
                      lambda v: imp.hours(v) if str(v).strip() else default)
        if h is not None:
            people[found[0]] = h
    if fields is not None and not people and fields.headcount == 0:
        chk.add(0, "attendee", "", "a session needs attendees or a headcount")
    existing = None
    if ref_:
        existing = session.scalars(select(TrainingSession).where(TrainingSession.ref == ref_)).first()
        if existing is not None and not replace:
            chk.add(0, "ref", ref_, f"session {existing.id} has this ref already; "
                    "give --replace to rewrite it")
    if chk.problems:
        raise InvalidInput(chk.problems, "add-session")
    assert fields is not None
    conn = session.connection()
    if existing is not None:
        session_id = existing.id
        _rewrite(conn, [(session_id, fields, len(people))])
        conn.execute(delete(Attendance).where(Attendance.session_id == session_id))
    else:
        session_id = _insert_sessions(conn, [(ref_, fields, len(people))])[0]
    _insert_attendance(conn, ((session_id, cid, h) for cid, h in people.items()))
    return {"id": session_id, "ref": ref_, "person_times": len(people) + fields.headcount,
            "replaced": existing is not None,
            "void": bool(existing.void) if existing is not None else False}


def _session_values(fields: SessionFields, named: int) -> dict[str, Any]:
    return {"date": fields.date, "track": fields.track, "kind": fields.kind, "topic": fields.topic,
            "title": fields.title, "hours": fields.hours, "branch_id": fields.branch_id,
            "headcount": fields.headcount, "attendee_count": named}


def _insert_sessions(conn: Connection, items: list[tuple[str | None, SessionFields, int]]) -> list[int]:
    """Insert sessions; their ids in order."""
    stamp, who = now(), actor()
    ids = []
    table = TrainingSession.__table__
    for ref, fields, named in items:
        values = _session_values(fields, named) | {
            "ref": ref, "void": False, "created_at": stamp, "created_by": who,
            "updated_at": stamp, "updated_by": who}
        ids.append(conn.execute(table.insert().values(**values)).inserted_primary_key[0])
    return ids


def _insert_sessions_bulk(conn: Connection, items: list[tuple[str, SessionFields, int]]) -> dict[str, int]:
    """Insert many sessions with refs in chunks; ref -> id."""
    stamp, who = now(), actor()
    table = TrainingSession.__table__
    refs = []
    for i in range(0, len(items), CHUNK):
        rows = [_session_values(f, n) | {"ref": r, "void": False, "created_at": stamp,
                                         "created_by": who, "updated_at": stamp, "updated_by": who}
                for r, f, n in items[i:i + CHUNK]]
        conn.execute(table.insert(), rows)
        refs += [r for r, _, _ in items[i:i + CHUNK]]
    return _ids_by_ref(conn, refs)


def _ids_by_ref(conn: Connection, refs: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(refs), 900):
        out.update(conn.execute(select(TrainingSession.ref, TrainingSession.id)
                                .where(TrainingSession.ref.in_(refs[i:i + 900]))).all())
    return out


def _rewrite(conn: Connection, items: list[tuple[int, SessionFields, int]]) -> None:
    stamp, who = now(), actor()
    for session_id, fields, named in items:
        conn.execute(update(TrainingSession).where(TrainingSession.id == session_id)
                     .values(**_session_values(fields, named), updated_at=stamp, updated_by=who))


def _insert_attendance(conn: Connection, rows: Iterable[tuple[int, int, float]]) -> int:
    """Bulk insert (session_id, cadre_id, hours) through the driver's executemany, in chunks."""
    dialect = conn.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO attendance (session_id, cadre_id, hours, created_at, created_by) "
           f"VALUES ({', '.join([mark] * 5)})")
    stamp = now()
    stamp_value: Any = stamp.strftime("%Y-%m-%d %H:%M:%S.000000") if dialect.name == "sqlite" else stamp
    who = actor()
    total = 0
    batch: list[tuple[Any, ...]] = []
    for sid, cid, h in rows:
        batch.append((sid, cid, h, stamp_value, who))
        if len(batch) >= CHUNK:
            conn.exec_driver_sql(sql, batch)
            total += len(batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)
        total += len(batch)
    return total


@dataclass
class _Pending:
    """One ref of an import file while it is read."""

    row: int
    signature: tuple[Any, ...]
    raw: dict[str, Any]
    cadres: array = field(default_factory=lambda: array("q"))
    rows: array = field(default_factory=lambda: array("q"))


def import_sessions(session: Session, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False) -> SessionImportResult:
    """Import a long-format roster (one row per attendance, grouped by ref); all or nothing."""
    table = imp.open_table(path, imp.SESSION_COLUMNS, {"ref", "date", "track", "title"}, encoding)
    branches = dict(session.execute(select(Branch.code, Branch.id)).all())
    cadres = _cadres(session)
    chk = imp.Checker()
    pending: dict[str, _Pending] = {}
    fields_of = [c for c in SESSION_FIELDS if c in table.columns]
    result = SessionImportResult(dry_run=dry_run)
    for n, row in table.rows():
        result.rows += 1
        ref = row["ref"]
        if not ref or any(c.isspace() for c in str(ref)) or len(str(ref)) > 100:
            chk.check(n, "ref", ref, lambda v: imp.code(v, "ref"))
            continue
        signature = tuple(row[c] for c in fields_of)
        item = pending.get(ref)
        if item is None:
            item = pending[ref] = _Pending(n, signature, {c: row[c] for c in fields_of})
        elif signature != item.signature:
            differ = [c for c, a, b in zip(fields_of, signature, item.signature, strict=True) if a != b]
            for c in differ:
                chk.add(n, c, row[c], f"disagrees with row {item.row} of ref {ref} "
                        f"({item.raw[c]!r})")
        code = row.get("cadre")
        if code:
            found = cadres.get(code)
            if found is None:
                chk.add(n, "cadre", code, "no such cadre")
            elif not found[1]:
                chk.add(n, "cadre", code, "cadre is inactive (deactivated)")
            else:
                item.cadres.append(found[0])
                item.rows.append(n)
    chk.problems.extend(table.problems)
    checked: list[tuple[str, SessionFields, _Pending]] = []
    for ref, item in pending.items():
        fields = check_fields(item.raw, chk, item.row, branches)
        if len(set(item.cadres)) != len(item.cadres):
            first: dict[int, int] = {}
            codes = {v: k for k, (v, _) in cadres.items() if v in set(item.cadres)}
            for cid, n in zip(item.cadres, item.rows, strict=True):
                if cid in first:
                    chk.add(n, "cadre", codes[cid], f"listed twice in ref {ref} (row {first[cid]})")
                first.setdefault(cid, n)
        if fields is not None:
            if not item.cadres and fields.headcount == 0:
                chk.add(item.row, "cadre", "", f"ref {ref} has neither attendees nor a headcount")
            checked.append((ref, fields, item))
    chk.problems.sort(key=lambda p: p.row)
    chk.raise_if_any(str(path))

    conn = session.connection()
    existing: dict[str, tuple[int, bool]] = {}
    refs = list(pending)
    for i in range(0, len(refs), 900):
        for r, sid, void in conn.execute(select(TrainingSession.ref, TrainingSession.id,
                                                TrainingSession.void)
                                         .where(TrainingSession.ref.in_(refs[i:i + 900]))):
            existing[r] = (sid, void)
    result.sessions = len(checked)
    result.replaced = sum(1 for r in refs if r in existing)
    result.created = result.sessions - result.replaced
    result.attendances = sum(len(item.cadres) for _, _, item in checked)
    result.person_times = result.attendances + sum(f.headcount for _, f, _ in checked)
    result.warnings = [f"ref {r} is void and stays void (session {existing[r][0]})"
                       for r in refs if r in existing and existing[r][1]]
    if dry_run:
        return result
    replaced = [(existing[r][0], f, len(it.cadres)) for r, f, it in checked if r in existing]
    if replaced:
        _rewrite(conn, replaced)
        ids = [sid for sid, _, _ in replaced]
        for i in range(0, len(ids), 900):
            conn.execute(delete(Attendance).where(Attendance.session_id.in_(ids[i:i + 900])))
    new_ids = _insert_sessions_bulk(conn, [(r, f, len(it.cadres)) for r, f, it in checked
                                           if r not in existing])
    ids_by_ref = {r: sid for r, (sid, _) in existing.items()} | new_ids
    _insert_attendance(conn, ((ids_by_ref[r], cid, f.hours) for r, f, it in checked
                              for cid in it.cadres))
    return result


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
    """Sessions by date; voided ones only when asked for."""
    stmt = (select(TrainingSession, Branch.code)
            .outerjoin(Branch, TrainingSession.branch_id == Branch.id)
            .order_by(TrainingSession.date, TrainingSession.id))
    if period is not None:
        stmt = stmt.where(TrainingSession.date.between(period.start, period.end))
    if track:
        track = parse_choice(track, TRACKS, "--track")
        stmt = stmt.where(TrainingSession.track == track)
    if kind:
        from trainlog.vocab import ALL_KINDS

        kind = parse_kind(kind, track) if track else parse_choice(kind, ALL_KINDS, "--kind")
        stmt = stmt.where(TrainingSession.kind == kind)
    if branch:
        stmt = stmt.where(Branch.code == branch)
    if not voided:
        stmt = stmt.where(TrainingSession.void.is_(False))
    return [_session_row(s, b) for s, b in session.execute(stmt)]


def show_session(session: Session, id_or_ref: str) -> dict[str, Any]:
    """A session with its attendees."""
    s = find_session(session, id_or_ref)
    branch_code = session.scalar(select(Branch.code).where(Branch.id == s.branch_id)) if s.branch_id else None
    data = _session_row(s, branch_code)
    data["attendees"] = [
        {"cadre": code, "name": name, "unit": unit, "hours": hours}
        for code, name, unit, hours in session.execute(
            select(Cadre.code, Cadre.name, Cadre.unit, Attendance.hours)
            .join(Attendance, Attendance.cadre_id == Cadre.id)
            .where(Attendance.session_id == s.id).order_by(Cadre.code))
    ]
    data["created_at"] = s.created_at.isoformat() if s.created_at else None
    data["created_by"] = s.created_by
    data["updated_at"] = s.updated_at.isoformat() if s.updated_at else None
    data["updated_by"] = s.updated_by
    return data


def void_session(session: Session, id_or_ref: str, reason: str) -> dict[str, Any]:
    """Void a session: kept with its reason, left out of every count."""
    why = imp.text(reason, "reason", required=True, max_length=500)
    s = find_session(session, id_or_ref)
    if s.void:
        raise TrainlogError(f"session {s.id} is void already ({s.void_reason})")
    stamp, who = now(), actor()
    s.void, s.void_reason, s.voided_at, s.voided_by = True, why, stamp, who
    s.updated_at, s.updated_by = stamp, who
    session.flush()
    return {"id": s.id, "ref": s.ref, "void": True, "void_reason": why}


def transcript(session: Session, cadre_code: str, year: int | None = None) -> dict[str, Any]:
    """A cadre's training record (培训档案): sessions attended and hours by track, voids excluded."""
    cadre_id = session.scalar(select(Cadre.id).where(Cadre.code == cadre_code.strip()))
    if cadre_id is None:
        raise TrainlogError(f"no cadre with code {cadre_code!r}")
    base = (select(TrainingSession, Attendance.hours)
            .join(Attendance, Attendance.session_id == TrainingSession.id)
            .where(Attendance.cadre_id == cadre_id, TrainingSession.void.is_(False)))
    totals = (select(TrainingSession.track, func.count(), func.sum(Attendance.hours))
              .join(Attendance, Attendance.session_id == TrainingSession.id)
              .where(Attendance.cadre_id == cadre_id, TrainingSession.void.is_(False))
              .group_by(TrainingSession.track))
    if year is not None:
        span = (date(year, 1, 1), date(year, 12, 31))
        base = base.where(TrainingSession.date.between(*span))
        totals = totals.where(TrainingSession.date.between(*span))
    sessions = [{"id": s.id, "ref": s.ref, "date": s.date.isoformat(), "track": s.track,
                 "kind": s.kind, "topic": s.topic, "title": s.title, "hours": h}
                for s, h in session.execute(base.order_by(TrainingSession.date, TrainingSession.id))]
    by_track = {t: (n, h or 0.0) for t, n, h in session.execute(totals)}
    return {
        "sessions": sessions,
        "by_track": [{"track": t, "sessions": by_track.get(t, (0, 0.0))[0],
                      "hours": round(by_track.get(t, (0, 0.0))[1], 1)} for t in TRACKS],
    }

