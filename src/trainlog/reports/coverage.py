"""The coverage report: video-track sessions held by each branch in a period, and the branches
that held none (the source document's measure of remote education)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trainlog.dates import Period
from trainlog.errors import TrainlogError
from trainlog.store.sql import Conn
from trainlog.vocab import KINDS, parse_choice, say


@dataclass
class Coverage:
    """The coverage report (`data`, the JSON) and every branch's row, zeros included."""

    data: dict[str, Any]
    branches: list[dict[str, Any]]


def coverage(db: Conn, period: Period, kind: str | None = None,
             township: str | None = None) -> Coverage:
    """Video-track sessions held by each active branch in the period; the branches with none."""
    params: dict[str, Any] = {"start": period.start, "end": period.end}
    # Sessions are counted per branch first (one pass over the period's video sessions), then
    # joined to the branches: a join with the conditions inside would search once per branch.
    held = ("SELECT s.branch_id AS branch_id, count(*) AS n FROM training_session s "
            "WHERE s.office_id = :office AND s.track = 'video' AND NOT s.void AND s.date >= :start AND s.date <= :end "
            "AND s.branch_id IS NOT NULL")
    if kind:
        held += " AND s.kind = :kind"
        params["kind"] = _video_kind(kind)
    sql = ("SELECT b.code, b.name, b.township, coalesce(held.n, 0) FROM branch b "
           f"LEFT OUTER JOIN ({held} GROUP BY s.branch_id) held ON held.branch_id = b.id "
           "WHERE b.office_id = :office AND b.active")
    if township:
        params["township"] = township = township.strip()
        sql += " AND b.township = :township"
        if not db.scalar("SELECT count(*) FROM branch b WHERE b.office_id = :office "
                         "AND b.township = :township", params):
            raise TrainlogError(say("msg.no_township", township=repr(township)))
    branches = [{"branch": c, "name": n, "township": t, "sessions": int(s)}
                for c, n, t, s in db.all(sql + " ORDER BY b.code", params)]
    rows = [b for b in branches if b["sessions"]]
    data = {
        "period": period.as_dict(),
        "branches": len(branches),
        "with_sessions": len(rows),
        "coverage": round(len(rows) / len(branches), 4) if branches else None,
        "sessions": sum(b["sessions"] for b in rows),
        "rows": rows,
        "without": [b["branch"] for b in branches if not b["sessions"]],
    }
    return Coverage(data, branches)


def _video_kind(value: str) -> str:
    kinds = KINDS["video"]
    try:
        return parse_choice(value, kinds, "--kind")
    except TrainlogError:
        allowed = ", ".join(f"{k} ({v})" for k, v in kinds.items())
        raise TrainlogError(say("msg.not_video_kind", value=repr(value),
                                allowed=allowed)) from None
