"""Months that close: `month close`, `month reopen`, `month list`.

Closing a month closes it and every month before it (the office's `month_close` row); reopening
one reopens it and every later one. While a month is closed every write that would change one of
its figures is refused (`trainlog.store.closing.refuse_closed`, called by each write path), so a
report that went to leadership stays true. Each close and reopen is logged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from trainlog.dates import month_end, today
from trainlog.errors import TrainlogError
from trainlog.store.changelog import log_change
from trainlog.store.closing import closed_through, forget
from trainlog.store.sql import Conn, as_date
from trainlog.vocab import say


def _label(month: date | None) -> str | None:
    return f"{month.year:04d}-{month.month:02d}" if month is not None else None


def _previous(month: date) -> date | None:
    return None if month == date.min else (month - timedelta(days=1)).replace(day=1)


def _set(conn: Conn, through: date | None) -> None:
    stamp, who = conn.stamp()
    params = {"through": through, "at": stamp, "by": who}
    if not conn.run("UPDATE month_close SET through = :through, closed_at = :at, "
                    "closed_by = :by WHERE office_id = :office", params):
        conn.run("INSERT INTO month_close (office_id, through, closed_at, closed_by) "
                 "VALUES (:office, :through, :at, :by)", params)
    forget(conn)


def close_month(conn: Conn, month: date) -> dict[str, Any]:
    """Close `month` (its first day) and every month before it."""
    if month_end(month) >= today():
        raise TrainlogError(say("msg.month_not_ended", month=_label(month)))
    through = closed_through(conn)
    if through is not None and through >= month:
        return {"closed_through": _label(through), "changed": False}
    _set(conn, month)
    log_change(conn, "month", _label(month) or "", "close",
               {"closed_through": (_label(through), _label(month))})
    return {"closed_through": _label(month), "changed": True}


def reopen_month(conn: Conn, month: date, reason: str) -> dict[str, Any]:
    """Reopen `month` and every later one; the reason is logged."""
    if not reason or not reason.strip():
        raise TrainlogError(say("msg.reopen_needs_reason"))
    through = closed_through(conn)
    if through is None or month > through:
        raise TrainlogError(say("msg.month_not_closed", month=_label(month),
                                through=_label(through) or "—"))
    new = _previous(month)
    _set(conn, new)
    log_change(conn, "month", _label(month) or "", "reopen",
               {"closed_through": (_label(through), _label(new)), "reason": (None, reason.strip())})
    return {"closed_through": _label(new), "changed": True}


def list_months(conn: Conn) -> dict[str, Any]:
    """Each month from the first with records (sessions or online study) or closed to the last:
    its state, sessions and person-times (not void), and online-study records."""
    through = closed_through(conn, lock=False)
    stamp = conn.first("SELECT closed_at, closed_by FROM month_close WHERE office_id = :office")
    key = conn.month_key("s.date")
    sessions = {k: (int(n), int(p or 0)) for k, n, p in conn.all(
        f"SELECT {key}, count(*), sum(s.attendee_count + s.headcount) FROM training_session s "
        f"WHERE s.office_id = :office AND NOT s.void GROUP BY {key}")}
    okey = conn.month_key("o.month")
    study = {k: int(n) for k, n in conn.all(
        f"SELECT {okey}, count(*) FROM online_study o WHERE o.office_id = :office "
        f"GROUP BY {okey}")}
    known = set(sessions) | set(study) | ({_label(through)} if through else set())
    rows = []
    if known:
        first = min(known)
        last = max(known)
        month = date(int(first[:4]), int(first[5:7]), 1)
        while (label := _label(month)) is not None and label <= last:
            closed = through is not None and month <= through
            n, pt = sessions.get(label, (0, 0))
            rows.append({"month": label, "closed": closed, "sessions": n, "person_times": pt,
                         "study_records": study.get(label, 0)})
            month = (month_end(month) + timedelta(days=1))
    return {"closed_through": _label(through),
            "closed_at": str(as_date(stamp[0]) if stamp and stamp[0] and through else "") or None,
            "closed_by": stamp[1] if stamp and through else None,
            "months": rows}
