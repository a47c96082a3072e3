"""Training sessions as they are asked for: list, show (with attendees), a cadre's transcript, void.

Adding a session is `trainlog.sessions.add`; importing a file of them, `trainlog.sessions.roster`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from trainlog.dates import Period
from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.sessions.add import parse_kind, parse_track
from trainlog.store.schema import Attendance, Branch, Cadre, TrainingSession
from trainlog.store.sql import actor, now
from trainlog.vocab import ALL_KINDS, TRACKS, parse_choice

#: The keys of a `session list` object (DESIGN.md, "Listings").
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
ATTENDEE_KEYS = ["cadre", "name", "unit", "hours"]


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
