"""The current office of a connection: whose records a command reads and writes.

`--office CODE` (before the command) > TRAINLOG_OFFICE > the only office of a SQLite file, or the
only office granted to the connecting PostgreSQL role. On PostgreSQL the server holds each role to
its offices (row-level security, see the 0004 migration): what a role may read is what the
`office` table shows it, and it may write only the offices granted to it without `--read-only`.
A role that owns the tables (the administrator who ran `trainlog init`) reads and writes every
office.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainlog.errors import TrainlogError

if TYPE_CHECKING:
    from trainlog.store.sql import Conn

#: SQL: whether the connecting role administers trainlog's tables (owns them, or is a superuser).
PG_ADMIN = ("SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class "
            "WHERE oid = 'office'::regclass), 'MEMBER') OR "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = session_user)")


@dataclass(frozen=True)
class Office:
    """An office as a command works in it."""

    id: int
    code: str
    name: str
    parent_id: int | None
    #: whether this connection may write its records
    writable: bool = True
    #: the PostgreSQL role connected (None on SQLite)
    role: str | None = None


class NoOffice(TrainlogError):
    """No single current office, or one the connection may not use."""


def office_code(value: str) -> str:
    """An office code as typed: NFKC (full-width Ｚ０１ is Z01), without surrounding spaces."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def current_office(db: Conn, choice: str | None, write: bool) -> Office:
    """The office `db`'s command works in (see the module's doc); NoOffice when there is none."""
    if choice is None:
        choice = os.environ.get("TRAINLOG_OFFICE") or None
    offices = {code: (int(i), name, parent) for i, code, name, parent in db.all(
        "SELECT id, code, name, parent_id FROM office ORDER BY code")}
    role, admin, grants = None, True, {}
    if db.dialect == "postgresql":
        role, admin = db.first(f"SELECT session_user, ({PG_ADMIN})")  # type: ignore[misc]
        grants = {int(o): bool(ro) for o, ro in db.all(
            "SELECT office_id, read_only FROM office_grant WHERE role = session_user")}
    if choice is not None:
        code = office_code(choice)
        if code not in offices:
            raise NoOffice(f"--office: no office {code!r}" + _known(offices, role))
    else:
        mine = [c for c, (i, _, _) in offices.items() if i in grants] if grants else list(offices)
        if len(mine) != 1:
            if not offices:
                raise NoOffice("this database has no office; create one with "
                               "`trainlog office add CODE NAME`")
            raise NoOffice(f"which office? {_known({c: offices[c] for c in mine}, role)[2:]}; "
                           "give --office CODE (before the command) or set TRAINLOG_OFFICE")
        code = mine[0]
    office_id, name, parent = offices[code]
    writable = admin or grants.get(office_id) is False
    if write and not writable:
        granted = "read-only" if office_id in grants else "readable as an office below yours"
        raise NoOffice(f"office {code} is {granted} for the database role {role}: it may read "
                       "these records, not change them")
    return Office(office_id, code, name, int(parent) if parent is not None else None,
                  writable, role)


def _known(offices: dict[str, object], role: str | None) -> str:
    if not offices:
        return f"; the role {role} has no office granted" if role else ""
    shown = ", ".join(list(offices)[:20]) + (" …" if len(offices) > 20 else "")
    return f"; the offices{' of the role ' + role if role else ''}: {shown}"
