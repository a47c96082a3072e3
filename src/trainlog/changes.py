"""The log of changes (`trainlog log`), and the log rows of the one write whose module leaves them
to its caller: a plan set (`trainlog.reports.plans`), written in the transaction of its change
(`trainlog.store.changelog`).

Reading the log imports nothing of the domain: `trainlog log` stays quick.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from trainlog.store.changelog import KINDS, log_change
from trainlog.store.sql import Conn, as_datetime

#: The keys of a log entry (`trainlog log --format json`), in order.
LOG_KEYS = ["at", "role", "user", "kind", "key", "action", "changes"]


def read_log(conn: Conn, since: date | None = None, kind: str | None = None,
             key: str | None = None) -> list[dict[str, Any]]:
    """The current office's log rows, oldest first: since a day (from its first moment, UTC),
    of a kind (`KINDS`), of a key (a code, a ref, a month; and the keys it begins, followed by a
    space: a cadre's code, its study records "G0190 2020-04 academy")."""
    where = ["office_id = :office"]
    params: dict[str, Any] = {}
    if since is not None:
        where.append("at >= :since")
        params["since"] = since if conn.dialect != "sqlite" else since.isoformat()
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"not a kind of change: {kind!r}")
        where.append("kind = :kind")
        params["kind"] = kind
    if key is not None:  # the record's own rows, and those keyed by it and more (G0190's study)
        where.append("(key = :key OR substr(key, 1, :n) = :prefix)")
        params.update(key=key, n=len(key) + 1, prefix=key + " ")
    return [_entry(row) for row in conn.all(
        "SELECT at, role, user_name, kind, key, action, changes FROM change_log "
        f"WHERE {' AND '.join(where)} ORDER BY at, id", params)]


def _entry(row: Any) -> dict[str, Any]:
    at, role, user, kind, key, action, changes = row
    when = as_datetime(at)
    return {"at": when.isoformat() if when is not None else None, "role": role, "user": user,
            "kind": kind, "key": key, "action": action, "changes": json.loads(changes or "{}")}


# -- the writes that log here ------------------------------------------------------------------
def set_plan(conn: Conn, year: int, target: int, track: str | None = None,
             deadline: str | date | None = None) -> dict[str, Any]:
    """`trainlog.reports.plans.set_plan`, logged (key: the year and its scope, "2020 all")."""
    from trainlog.reports.plans import set_plan as put

    result = put(conn, year, target, track, deadline)
    before = result.get("previous") or {}
    changes = {f: (before.get(f), result[f]) for f in ("target", "deadline")
               if before.get(f) != result[f]}
    if changes:
        log_change(conn, "plan", f"{result['year']} {result['track'] or 'all'}",
                   "update" if before else "create", changes)
    return result
