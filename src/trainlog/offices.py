"""Offices (单位): add and list them; on PostgreSQL, grant a database role an office and revoke it.

An office owns its records (trainlog.store.offices says which office a command works in). On
PostgreSQL `grant_office` records the grant that row-level security reads (migration 0004) and
gives the role the table privileges it needs (`trainlog.store.privileges`).
"""

from __future__ import annotations

import re
from typing import Any

from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.store.changelog import log_change
from trainlog.store.offices import PG_ADMIN, office_code
from trainlog.store.privileges import make_privileges
from trainlog.store.sql import Conn
from trainlog.vocab import say

LIST_KEYS = ["code", "name", "parent", "current"]
_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


#: A new database's first office, unless `init --office CODE --office-name NAME` says otherwise.
FIRST_OFFICE = ("main", "本单位")


def first_office(code: str | None, name: str | None) -> tuple[str, str]:
    """`init`'s --office and --office-name, checked, with the defaults."""
    code_ = imp.code(office_code(code), "--office") if code is not None else FIRST_OFFICE[0]
    name_ = (imp.text(name, "--office-name", required=True, max_length=200)
             if name is not None else FIRST_OFFICE[1])
    return code_, name_


def check_first_office(conn: Conn, code: str, name: str) -> None:
    """`init --office` on an existing database: the office must be there already."""
    row = conn.first("SELECT name FROM office WHERE code = :code", {"code": code})
    if row is None:
        raise TrainlogError(say("msg.no_first_office", shown=repr(code), code=code))


def _office(conn: Conn, code: str, field: str = "office") -> tuple[int, str, str]:
    """(id, code, name) of an office the connection can see."""
    code_ = office_code(code)
    row = conn.first("SELECT id, code, name FROM office WHERE code = :code", {"code": code_})
    if row is None:
        raise TrainlogError(say("msg.no_office", field=field, code=repr(code_)))
    return int(row[0]), row[1], row[2]


def _require_admin(conn: Conn, what: str) -> None:
    if conn.dialect == "postgresql" and not conn.scalar(PG_ADMIN):
        raise TrainlogError(say("msg.owner_only", what=what))


def add_office(conn: Conn, code: str, name: str, parent: str | None = None) -> dict[str, Any]:
    """A new office, under `parent` (a city's or province's office) when given."""
    _require_admin(conn, "office add")
    code_ = imp.code(office_code(code), "code")
    name_ = imp.text(name, "name", required=True, max_length=200)
    parent_id, parent_code = None, None
    if parent is not None and str(parent).strip():
        parent_id, parent_code, _ = _office(conn, parent, "--parent")
    if conn.first("SELECT id FROM office WHERE code = :code", {"code": code_}):
        raise TrainlogError(say("msg.office_exists", code=code_))
    stamp, who = conn.stamp()
    office_id = conn.insert("INSERT INTO office (code, name, parent_id, created_at, created_by) "
                            "VALUES (:code, :name, :parent, :at, :by)",
                            {"code": code_, "name": name_, "parent": parent_id, "at": stamp,
                             "by": who})
    log_change(conn, "office", code_, "create",
               {"name": (None, name_)} | ({"parent": (None, parent_code)} if parent_code else {}),
               office=office_id)
    return {"code": code_, "name": name_, "parent": parent_code}


def list_offices(conn: Conn, current: int | None = None) -> list[dict[str, Any]]:
    """The offices this connection can see, by code; `current` marks the current one."""
    return [{"code": code, "name": name, "parent": parent, "current": int(i) == current}
            for i, code, name, parent in conn.all(
                "SELECT o.id, o.code, o.name, p.code FROM office o "
                "LEFT JOIN office p ON p.id = o.parent_id ORDER BY o.code")]


def children(conn: Conn) -> list[tuple[int, str, str]]:
    """(id, code, name) of the offices directly below the current one, by code."""
    return [(int(i), c, n) for i, c, n in conn.all(
        "SELECT id, code, name FROM office WHERE parent_id = :office ORDER BY code")]


def _pg_only(conn: Conn, what: str) -> None:
    if conn.dialect != "postgresql":
        raise TrainlogError(say("msg.grants_pg_only", what=what))


def _role(conn: Conn, role: str) -> str:
    """A role's name, checked: one that exists and is not the administrator's."""
    name = str(role).strip()
    if not _ROLE.match(name):
        raise TrainlogError(say("msg.bad_role", name=repr(name)))
    if not conn.scalar("SELECT 1 FROM pg_roles WHERE rolname = :role", {"role": name}):
        raise TrainlogError(say("msg.no_role", shown=repr(name), name=name))
    return name


def _access(read_only: bool) -> str:
    """A grant as its log rows name it."""
    return "read-only" if read_only else "read-write"


def grant_office(conn: Conn, role: str, code: str, read_only: bool = False) -> dict[str, Any]:
    """Let a database role read (and, unless `read_only`, write) an office's records."""
    _pg_only(conn, "office grant")
    _require_admin(conn, "office grant")
    name = _role(conn, role)
    office_id, code_, office_name = _office(conn, code, "CODE")
    stamp, who = conn.stamp()
    params = {"role": name, "office": office_id, "ro": read_only, "at": stamp, "by": who}
    was = conn.first("SELECT read_only FROM office_grant WHERE role = :role "
                     "AND office_id = :office", {"role": name, "office": office_id})
    before = None if was is None else _access(bool(was[0]))
    if before != _access(read_only):
        log_change(conn, "office", code_, "update",
                   {f"grant {name}": (before, _access(read_only))}, office=office_id)
    if not conn.run("UPDATE office_grant SET read_only = :ro, granted_at = :at, granted_by = :by "
                    "WHERE role = :role AND office_id = :office", params):
        conn.run("INSERT INTO office_grant (role, office_id, read_only, granted_at, granted_by) "
                 "VALUES (:role, :office, :ro, :at, :by)", params)
    make_privileges(conn, name)
    return {"role": name, "office": code_, "name": office_name, "read_only": read_only}


def revoke_office(conn: Conn, role: str, code: str) -> dict[str, Any]:
    """Take an office's records away from a database role."""
    _pg_only(conn, "office revoke")
    _require_admin(conn, "office revoke")
    name = _role(conn, role)
    office_id, code_, _ = _office(conn, code, "CODE")
    was = conn.first("SELECT read_only FROM office_grant WHERE role = :role "
                     "AND office_id = :office", {"role": name, "office": office_id})
    if was is None or not conn.run("DELETE FROM office_grant WHERE role = :role "
                                   "AND office_id = :office", {"role": name, "office": office_id}):
        raise TrainlogError(say("msg.no_grant", role=name, code=code_))
    log_change(conn, "office", code_, "update", {f"grant {name}": (_access(bool(was[0])), None)},
               office=office_id)
    make_privileges(conn, name)
    return {"role": name, "office": code_, "revoked": True}


def grants(conn: Conn) -> list[dict[str, Any]]:
    """Every grant (PostgreSQL), by role and office."""
    if conn.dialect != "postgresql":
        return []
    return [{"role": r, "office": c, "read_only": bool(ro)} for r, c, ro in conn.all(
        "SELECT g.role, o.code, g.read_only FROM office_grant g "
        "JOIN office o ON o.id = g.office_id ORDER BY g.role, o.code")]
