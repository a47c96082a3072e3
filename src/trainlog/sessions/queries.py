"""Training sessions as they are asked for: list, show (with attendees), a cadre's transcript, void.

Adding a session is `trainlog.sessions.add`; importing a file of them, `trainlog.sessions.roster`.
Like them, this module imports neither SQLAlchemy nor SQLModel nor the models: its queries are SQL
text on `trainlog.store.sql.Conn`, so `session list` and `session show` on a SQLite file run on
the standard library's sqlite3.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from trainlog.dates import Period
from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.sessions.add import parse_kind, parse_track, update_session
from trainlog.store.changelog import log_change
from trainlog.store.closing import refuse_closed
from trainlog.store.sql import Conn, as_date, as_datetime
from trainlog.vocab import ALL_KINDS, TRACKS, parse_choice, say

#: The keys of a `session list` object (DESIGN.md, "Listings").
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
ATTENDEE_KEYS = ["cadre", "name", "unit", "hours"]
#: The training_session columns a session is read with, then its branch's code as "branch".
_COLUMNS = ("id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch_id",
            "headcount", "attendee_count", "void", "void_reason", "voided_at", "voided_by",
            "created_at", "created_by", "updated_at", "updated_by")
_SELECT = (f"SELECT {', '.join('s.' + c for c in _COLUMNS)}, b.code FROM training_session s "
           "LEFT JOIN branch b ON b.id = s.branch_id")


def _session(row: Any) -> dict[str, Any]:
    """A row of `_SELECT` by column, with Python values (whatever the backend's driver gives)."""
    s = dict(zip((*_COLUMNS, "branch"), row, strict=True))
    s["date"] = as_date(s["date"])
    s["void"] = bool(s["void"])
    for key in ("voided_at", "created_at", "updated_at"):
        s[key] = as_datetime(s[key])
    return s


#: The largest id a row can have on both backends (PostgreSQL's SERIAL is a 32-bit integer).
MAX_ID = 2**31 - 1


def find_session(conn: Conn, id_or_ref: str, by: str | None = None) -> dict[str, Any]:
    """A session by its ref or its id (`by` "ref" or "id"; None: whichever the key is): its
    columns by name, and its branch's code as "branch". A key that is one session's id and
    another's ref names neither: the caller must say which (`--id`, `--ref`)."""
    key = imp.norm_code(str(id_or_ref))
    by_ref = by_id = None
    if by != "id":
        by_ref = conn.first(f"{_SELECT} WHERE s.office_id = :office AND s.ref = :ref",
                            {"ref": key})
    if by != "ref" and key.isdigit() and int(key) <= MAX_ID:
        by_id = conn.first(f"{_SELECT} WHERE s.office_id = :office AND s.id = :id",
                           {"id": int(key)})
    if by_ref is not None and by_id is not None and by_ref[0] != by_id[0]:
        raise TrainlogError(say("msg.id_and_ref", key=key, by_id=by_id[0], by_ref=by_ref[0]))
    row = by_ref if by_ref is not None else by_id
    if row is None:
        what = {"id": "id", "ref": "ref"}.get(by or "") or say("msg.id_or_ref")
        raise TrainlogError(say("msg.no_session", what=what, key=repr(key)))
    return _session(row)


def _session_row(s: dict[str, Any]) -> dict[str, Any]:
    return {"id": s["id"], "ref": s["ref"], "date": s["date"].isoformat(), "track": s["track"],
            "kind": s["kind"], "topic": s["topic"], "title": s["title"], "hours": s["hours"],
            "branch": s["branch"], "headcount": s["headcount"],
            "person_times": s["attendee_count"] + s["headcount"], "void": s["void"],
            "void_reason": s["void_reason"]}


def list_sessions(conn: Conn, period: Period | None = None, track: str | None = None,
                  kind: str | None = None, branch: str | None = None,
                  voided: bool = False) -> list[dict[str, Any]]:
    """Sessions by date, then id; voided ones only when asked for."""
    where: list[str] = ["s.office_id = :office"]
    params: dict[str, Any] = {}
    if period is not None:
        where.append("s.date BETWEEN :start AND :end")
        params |= {"start": period.start, "end": period.end}
    if track:
        track = parse_track(track, "--track")
        where.append("s.track = :track")
        params["track"] = track
    if kind:
        kind = (parse_kind(kind, track, "--kind") if track
                else parse_choice(kind, ALL_KINDS, "--kind"))
        where.append("s.kind = :kind")
        params["kind"] = kind
    if branch:
        branch = imp.norm_code(branch)
        if conn.scalar("SELECT id FROM branch WHERE office_id = :office AND code = :code",
                       {"code": branch}) is None:
            raise TrainlogError(say("msg.no_branch", code=repr(branch)))
        where.append("b.code = :branch")
        params["branch"] = branch
    if not voided:
        where.append("NOT s.void")
    sql = _SELECT + f" WHERE {' AND '.join(where)}" + " ORDER BY s.date, s.id"
    return [_session_row(_session(row)) for row in conn.all(sql, params)]


def _stamp(value: Any) -> str | None:
    return value.isoformat() if value else None


def show_session(conn: Conn, id_or_ref: str, by: str | None = None) -> dict[str, Any]:
    """A session with its attendees (by code) and who entered, changed or voided it."""
    s = find_session(conn, id_or_ref, by)
    data = _session_row(s)
    data["attendees"] = [
        {"cadre": code, "name": name, "unit": unit, "hours": hours}
        for code, name, unit, hours in conn.all(
            "SELECT c.code, c.name, c.unit, a.hours FROM cadre c "
            "JOIN attendance a ON a.cadre_id = c.id WHERE a.session_id = :id ORDER BY c.code",
            {"id": s["id"]})
    ]
    data |= {"voided_at": _stamp(s["voided_at"]), "voided_by": s["voided_by"],
             "created_at": _stamp(s["created_at"]), "created_by": s["created_by"],
             "updated_at": _stamp(s["updated_at"]), "updated_by": s["updated_by"]}
    return data


def void_session(conn: Conn, id_or_ref: str, reason: str,
                 by: str | None = None) -> dict[str, Any]:
    """Void a session: kept with its reason, left out of every count."""
    why = imp.text(reason, "--reason", required=True, max_length=500)
    s = find_session(conn, id_or_ref, by)
    if s["void"]:
        since = say("msg.since", day=f"{s['voided_at']:%Y-%m-%d}") if s["voided_at"] else ""
        raise TrainlogError(say("msg.void_already", id=s["id"], since=since,
                                reason=s["void_reason"]))
    day = as_date(s["date"])
    refuse_closed(conn, day, say("msg.what_void", ref=s["ref"] or s["id"], date=day.isoformat()))
    stamp = conn.stamp()
    when, who = stamp
    update_session(conn, s["id"], {"void": True, "void_reason": why, "voided_at": when,
                                   "voided_by": who}, stamp)
    log_change(conn, "session", s["ref"] or str(s["id"]), "void",
               {"void": (False, True), "reason": (None, why)})
    return {"id": s["id"], "ref": s["ref"], "void": True, "void_reason": why,
            "person_times": s["attendee_count"] + s["headcount"]}


def transcript(conn: Conn, cadre_code: str, year: int | None = None) -> dict[str, Any]:
    """A cadre's training record (培训档案): sessions and hours by track, voided ones left out."""
    cadre_id = conn.scalar("SELECT id FROM cadre WHERE office_id = :office AND code = :code",
                           {"code": imp.norm_code(cadre_code)})
    if cadre_id is None:
        raise TrainlogError(say("msg.no_cadre", code=repr(cadre_code)))
    where = "a.cadre_id = :cadre AND NOT s.void"
    params: dict[str, Any] = {"cadre": cadre_id}
    if year is not None:
        where += " AND s.date BETWEEN :start AND :end"
        params |= {"start": date(year, 1, 1), "end": date(year, 12, 31)}
    joined = f"FROM training_session s JOIN attendance a ON a.session_id = s.id WHERE {where}"
    sessions = [{"id": i, "ref": ref, "date": as_date(day).isoformat(), "track": track,
                 "kind": kind, "topic": topic, "title": title, "hours": h}
                for i, ref, day, track, kind, topic, title, h in conn.all(
                    "SELECT s.id, s.ref, s.date, s.track, s.kind, s.topic, s.title, a.hours "
                    f"{joined} ORDER BY s.date, s.id", params)]
    by_track = {t: (n, h or 0.0) for t, n, h in conn.all(
        f"SELECT s.track, count(*), sum(a.hours) {joined} GROUP BY s.track", params)}
    rows = [{"track": t, "sessions": by_track.get(t, (0, 0.0))[0],
             "hours": round(by_track.get(t, (0, 0.0))[1], 1)} for t in TRACKS]
    return {
        "year": year,
        "sessions": sessions,
        "by_track": rows,
        "total": {"sessions": sum(n for n, _ in by_track.values()),
                  "hours": round(sum(h for _, h in by_track.values()), 1)},
    }
