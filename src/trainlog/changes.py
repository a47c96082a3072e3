"""The log of changes (`trainlog log`), and the log rows of the writes whose modules leave them to
their callers: a branch added or imported (`trainlog.registry`), a plan set
(`trainlog.reports.plans`). Each is written in the transaction of its change
(`trainlog.store.changelog`).

Reading the log imports nothing of the domain: `trainlog log` stays quick.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.store.changelog import KINDS, log_change, log_changes
from trainlog.store.sql import Conn, as_datetime

#: The keys of a log entry (`trainlog log --format json`), in order.
LOG_KEYS = ["at", "role", "user", "kind", "key", "action", "changes"]
#: A branch's fields its log rows name.
BRANCH_FIELDS = ("name", "township", "active")


def read_log(conn: Conn, since: date | None = None, kind: str | None = None,
             key: str | None = None) -> list[dict[str, Any]]:
    """The current office's log rows, oldest first: since a day (from its first moment, UTC),
    of a kind (`KINDS`), of a key (a code, a ref, a month; and the keys it begins, followed by a
    space: a cadre's code, its study records "G0190 2020-04 academy")."""
    sql = ("SELECT at, role, user_name, kind, key, action, changes FROM change_log "
           "WHERE office_id = :office")
    params: dict[str, Any] = {}
    if since is not None:
        sql += " AND at >= :since"
        params["since"] = since if conn.dialect != "sqlite" else since.isoformat()
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"not a kind of change: {kind!r}")
        sql += " AND kind = :kind"
        params["kind"] = kind
    if key is not None:  # the record's own rows, and those keyed by it and more (G0190's study)
        sql += " AND (key = :key OR substr(key, 1, :n) = :prefix)"
        params.update(key=key, n=len(key) + 1, prefix=key + " ")
    return [_entry(row) for row in conn.all(sql + " ORDER BY at, id", params)]


def _entry(row: Any) -> dict[str, Any]:
    at, role, user, kind, key, action, changes = row
    when = as_datetime(at)
    return {"at": when.isoformat() if when is not None else None, "role": role, "user": user,
            "kind": kind, "key": key, "action": action, "changes": json.loads(changes or "{}")}


# -- the writes that log here ------------------------------------------------------------------
def _branches(conn: Conn) -> dict[str, tuple[Any, ...]]:
    """code -> (name, township, active) of every branch of the office (a district has hundreds)."""
    return {code: (name, township, bool(active)) for code, name, township, active in conn.all(
        "SELECT code, name, township, active FROM branch WHERE office_id = :office")}


def _branch_rows(before: dict[str, tuple[Any, ...]],
                 after: dict[str, tuple[Any, ...]]) -> Iterator[tuple[str, str, str, Any]]:
    for code, now in after.items():
        was = before.get(code)
        changes = {f: (None if was is None else old, new)
                   for f, old, new in zip(BRANCH_FIELDS, was or (None,) * 3, now, strict=True)
                   if (old != new if was is not None else new is not None and f != "active")}
        if was is None:
            yield "branch", code, "create", changes
        elif changes:
            yield "branch", code, "update", changes


def add_branch(conn: Conn, code: str, name: str, township: str | None = None) -> dict[str, Any]:
    """`trainlog.registry.add_branch`, logged."""
    from trainlog.registry import add_branch as add

    branch = add(conn, code, name, township)
    log_change(conn, "branch", branch["code"], "create",
               {f: (None, branch[f]) for f in ("name", "township") if branch[f] is not None})
    return branch


def import_branches(conn: Conn, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False, options: Any = None) -> Any:
    """`trainlog.registry.import_branches`, logged: one row per branch created or changed (the
    office's branches compared before and after)."""
    from trainlog.registry import import_branches as run

    before = _branches(conn)
    result = run(conn, path, encoding, dry_run, options)
    if result.created or result.updated:
        log_changes(conn, _branch_rows(before, _branches(conn)))
    return result


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
