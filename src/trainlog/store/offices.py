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
from trainlog.vocab import say

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
            raise NoOffice(say("msg.no_office_choice", code=repr(code))
                           + _known(offices, role, say("frame.join")))
    else:
        mine = [c for c, (i, _, _) in offices.items() if i in grants] if grants else list(offices)
        if len(mine) != 1:
            if not offices:
                raise NoOffice(say("msg.no_offices"))
            raise NoOffice(say("msg.which_office",
                               known=_known({c: offices[c] for c in mine}, role)))
        code = mine[0]
    office_id, name, parent = offices[code]
    writable = admin or grants.get(office_id) is False
    if write and not writable:
        granted = say("msg.read_only_grant" if office_id in grants else "msg.read_below")
        raise NoOffice(say("msg.office_read_only", code=code, granted=granted, role=role))
    return Office(office_id, code, name, int(parent) if parent is not None else None,
                  writable, role)


def _known(offices: dict[str, object], role: str | None, before: str = "") -> str:
    """The offices there are (of the role's grants), `before` it unless there is nothing to say."""
    if not offices:
        return before + say("msg.role_no_office", role=role) if role else ""
    shown = say("msg.list_join").join(list(offices)[:20]) + (" …" if len(offices) > 20 else "")
    if role:
        return before + say("msg.offices_of_role", role=role, shown=shown)
    return before + say("msg.offices_are", shown=shown)
