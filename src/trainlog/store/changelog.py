"""The log of changes: one row per change of the records, written in the transaction of the change
(so a change undone, or an import killed, leaves no row). `trainlog log` reads it.

A row says when, the database role (PostgreSQL sets it: `session_user`), the user (TRAINLOG_USER
or the OS user), what kind of record (`KINDS`) under which key (a code, a ref, a month), the action
(`ACTIONS`) and each changed field as [before, after] (JSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from trainlog.store.sql import Conn

KINDS = ("cadre", "branch", "session", "study", "plan", "month", "office")
ACTIONS = ("create", "update", "void", "deactivate", "close", "reopen")
#: the columns a log row is written with (the role is the server's, on PostgreSQL)
COLUMNS = ("office_id", "at", "user_name", "kind", "key", "action", "changes")

#: a change: field -> (before, after); a created record's before is None
Changes = Mapping[str, tuple[Any, Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return value  # kept a float: 2.0 stays 2.0 in the log, as the hours were given
    return value


def encode(changes: Changes) -> str:
    """{field: [before, after]} as JSON text, fields sorted, Chinese as it is."""
    import json  # not imported by the commands that only read

    return json.dumps({k: [_plain(b), _plain(a)] for k, (b, a) in sorted(changes.items())},
                      ensure_ascii=False, default=str)


def log_change(conn: Conn, kind: str, key: str, action: str, changes: Changes,
               office: int | None = None) -> None:
    """Write one log row (in the caller's transaction): one INSERT (`log_changes`' bulk write is
    a COPY on PostgreSQL, which needs the current office found first: `office add` has none)."""
    stamp, who = conn.stamp()
    values = (conn.office.id if office is None else office, stamp, who, kind, str(key)[:200],
              action, encode(changes))
    # parameters v0…v6: one named :office… would be taken for the current office's id
    conn.run(f"INSERT INTO change_log ({', '.join(COLUMNS)}) "
             f"VALUES ({', '.join(f':v{i}' for i in range(len(COLUMNS)))})",
             {f"v{i}": v for i, v in enumerate(values)})


def log_changes(conn: Conn, rows: Iterable[tuple[str, str, str, Changes]],
                office: int | None = None) -> int:
    """Write many log rows at once (an import's); the number written.

    The rows are made before the write starts: on PostgreSQL it is a COPY, during which the
    connection can run no query (a row that looks up a branch's code would wait forever)."""
    return log_encoded(conn, [(kind, key, action, encode(changes))
                              for kind, key, action, changes in rows], office)


def log_encoded(conn: Conn, rows: Iterable[tuple[str, str, str, str]],
                office: int | None = None) -> int:
    """`log_changes` of rows whose changes are JSON text already (`{field: [before, after]}`,
    as an import of many makes it faster than `encode`); the number written. The rows are made
    before the write starts, as `log_changes`' are."""
    stamp, who = conn.stamp()
    office_id = conn.office.id if office is None else office
    made = [(office_id, stamp, who, kind, str(key)[:200], action, changes)
            for kind, key, action, changes in rows]
    return conn.insert_rows("change_log", COLUMNS, made)
