"""The registry of party branches and cadres: add, edit, list, import, deactivate.

Every read and write is SQL text on a `trainlog.store.sql.Conn` (SQLite through the standard
library's sqlite3, PostgreSQL through SQLAlchemy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.dates import Period, parse_date
from trainlog.errors import FieldProblems, Problem, TrainlogError
from trainlog.files import tables as imp
from trainlog.store.sql import Conn, as_date
from trainlog.vocab import LEVELS, parse_bool, parse_choice, say

CADRE_FLAGS = ("top_leader", "poverty_cadre", "party_member")
AUDIT = ("created_at", "created_by", "updated_at", "updated_by")
#: The columns of each table an import or an add writes, with a new row's defaults.
DEFAULTS: dict[str, dict[str, Any]] = {
    "branch": {"name": None, "township": None, "active": True},
    "cadre": {"name": None, "unit": None, "level": None, "branch_id": None, "top_leader": False,
              "poverty_cadre": False, "party_member": True, "registered_on": None,
              "active": True},
}


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    #: what the file had that was left out (`Table.summary`): only what there was
    read: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(out.pop("read"))
        return out

    def add(self, other: ImportResult) -> None:
        self.rows += other.rows
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def branch_ids(conn: Conn, codes: Iterable[str] | None = None) -> dict[str, int]:
    """code -> id of branches (all, or those among `codes`)."""
    if codes is None:
        rows = conn.all("SELECT code, id FROM branch WHERE office_id = :office")
    else:
        rows = conn.all_in("SELECT code, id FROM branch WHERE office_id = :office "
                           "AND code IN ({values})", set(codes))
    return {c: int(i) for c, i in rows}


def cadre_ids(conn: Conn, codes: Iterable[str] | None = None,
              active_only: bool = False) -> dict[str, int]:
    """code -> id of cadres (all, or those among `codes`), in chunks to keep IN lists short."""
    sql = "SELECT code, id FROM cadre WHERE office_id = :office AND " + (
        "active AND " if active_only else "")
    if codes is None:
        rows = conn.all(sql + "1 = 1")
    else:
        rows = conn.all_in(sql + "code IN ({values})", set(codes))
    return {c: int(i) for c, i in rows}


def _branch_dict(row: Any) -> dict[str, Any]:
    code, name, township, active = row
    return {"code": code, "name": name, "township": township, "active": bool(active)}


def add_branch(conn: Conn, code: str, name: str, township: str | None = None) -> dict[str, Any]:
    """Add one branch; its code must be new."""
    code_ = imp.code(code, "code")
    name_ = imp.text(name, "name", required=True, max_length=200)
    township_ = imp.text(township, "township", max_length=100)
    if conn.first("SELECT id FROM branch WHERE office_id = :office AND code = :code",
                  {"code": code_}):
        raise TrainlogError(say("msg.branch_exists", code=code_))
    _insert(conn, "branch", {"code": code_, "name": name_, "township": township_})
    return _branch_dict((code_, name_, township_, True))


def list_branches(conn: Conn, township: str | None = None) -> list[dict[str, Any]]:
    sql, params = "SELECT code, name, township, active FROM branch WHERE office_id = :office", {}
    if township:
        sql, params = sql + " AND township = :township", {"township": township}
    return [_branch_dict(r) for r in conn.all(sql + " ORDER BY code", params)]


def import_branches(conn: Conn, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False, options: imp.ReadOptions | None = None) -> ImportResult:
    """Create or update branches by code from a file; all or nothing.

    With `dry_run` the writes are done all the same (the caller's transaction rolls them back,
    `Database.connect(write=True, dry_run=True)`); the result says it was a dry run.
    """
    table = imp.open_table(path, imp.BRANCH_COLUMNS, {"code", "name"}, encoding, options)

    def parse(chk: imp.Checker, n: int, row: dict[str, Any]) -> dict[str, Any]:
        rec = {"code": chk.check(n, "code", row["code"], lambda v: imp.code(v, "code")),
               "name": chk.check(n, "name", row["name"],
                                 lambda v: imp.text(v, "name", True, 200))}
        if "township" in row:
            rec["township"] = chk.check(n, "township", row["township"],
                                        lambda v: imp.text(v, "township", max_length=100))
        return rec

    return _import(conn, "branch", path, table, parse, dry_run)


def _cadre_dict(row: Any) -> dict[str, Any]:
    (code, name, unit, level, branch, top_leader, poverty_cadre, party_member, registered_on,
     active) = row
    registered = as_date(registered_on)
    return {
        "code": code,
        "name": name,
        "unit": unit,
        "level": level,
        "branch": branch,
        "top_leader": bool(top_leader),
        "poverty_cadre": bool(poverty_cadre),
        "party_member": bool(party_member),
        "registered_on": registered.isoformat() if registered else None,
        "active": bool(active),
    }


#: A cadre as `_cadre_dict` takes it, with its branch's code.
_CADRE_SELECT = ("SELECT c.code, c.name, c.unit, c.level, b.code, c.top_leader, c.poverty_cadre, "
                 "c.party_member, c.registered_on, c.active "
                 "FROM cadre c LEFT OUTER JOIN branch b ON c.branch_id = b.id "
                 "WHERE c.office_id = :office")


#: a cadre with no attendance and no online study in the period (:start to :end; the study of
#: the months from :first, the first of the period's first month)
_UNTRAINED = (
    "NOT EXISTS (SELECT 1 FROM attendance a JOIN training_session s ON s.id = a.session_id"
    " WHERE a.cadre_id = c.id AND NOT s.void AND s.date >= :start AND s.date <= :end)"
    " AND NOT EXISTS (SELECT 1 FROM online_study o WHERE o.cadre_id = c.id"
    " AND o.month >= :first AND o.month <= :end AND o.hours > 0)")


def list_cadres(
    conn: Conn,
    branch: str | None = None,
    level: str | None = None,
    top_leader: bool | None = None,
    poverty_cadre: bool | None = None,
    active: bool | None = True,
    name: str | None = None,
    untrained: Period | None = None,
) -> list[dict[str, Any]]:
    """Cadres by code, filtered; `active=None` lists every cadre. `name`: those whose name holds
    the text, spaces left out of both (`张 三` finds 张三); with `untrained`, only those with no
    named attendance at a session (not void) and no online study in that period."""
    where: list[str] = [""]
    params: dict[str, Any] = {}
    if untrained is not None:
        where.append(_UNTRAINED)
        params |= {"start": untrained.start, "end": untrained.end,
                   "first": untrained.start.replace(day=1)}
    if branch:
        branch = imp.norm_code(branch)
        if not branch_ids(conn, [branch]):  # a mistyped code must not look like "no cadres"
            raise TrainlogError(say("msg.no_branch", code=repr(branch)))
        where.append("b.code = :branch")
        params["branch"] = branch
    if level:
        where.append("c.level = :level")
        params["level"] = parse_choice(level, LEVELS, "--level")
    for column, wanted in (("top_leader", top_leader), ("poverty_cadre", poverty_cadre),
                           ("active", active)):
        if wanted is not None:
            where.append(f"c.{column} = :{column}")
            params[column] = bool(wanted)
    sql = _CADRE_SELECT + " AND ".join(where) + " ORDER BY c.code"
    rows = (_cadre_dict(r) for r in conn.all(sql, params))
    if name is not None and imp.norm_name(name):
        wanted = imp.norm_name(name)
        return [r for r in rows if wanted in imp.norm_name(r["name"])]
    return list(rows)


def get_cadre(db: Conn, code: str) -> dict[str, Any]:
    row = db.first(_CADRE_SELECT + " AND c.code = :code", {"code": imp.norm_code(code)})
    if row is None:
        raise TrainlogError(say("msg.no_cadre", code=repr(code)))
    return _cadre_dict(row)


def _parse_cadre_fields(values: dict[str, Any], chk: imp.Checker, row: int,
                        branches: dict[str, int]) -> dict[str, Any]:
    """Check the cadre fields present in `values`; returns column values (branch as branch_id)."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if key == "code":
            out["code"] = chk.check(row, key, raw, lambda v: imp.code(v, "code"))
        elif key == "name":
            out["name"] = chk.check(row, key, raw, lambda v: imp.text(v, "name", True, 100))
        elif key == "unit":
            out["unit"] = chk.check(row, key, raw, lambda v: imp.text(v, "unit", max_length=200))
        elif key == "level":
            out["level"] = chk.check(
                row, key, raw,
                lambda v: parse_choice(v, LEVELS, "level") if str(v).strip() else None)
        elif key == "branch":
            branch = chk.check(row, key, raw, lambda v: imp.code(v, "branch", required=False))
            if branch is not None and branch not in branches:
                chk.add(row, key, branch, say("msg.no_such_branch"))
            out["branch_id"] = branches.get(branch) if branch else None
        elif key in CADRE_FLAGS:
            default = key == "party_member"
            out[key] = chk.check(
                row, key, raw,
                lambda v, k=key, d=default: parse_bool(v, k) if str(v).strip() else d)
        elif key == "registered_on":
            out[key] = chk.check(
                row, key, raw,
                lambda v: parse_date(v, "registered_on") if str(v).strip() else None)
    return out


def add_cadre(conn: Conn, code: str, name: str, **fields: Any) -> dict[str, Any]:
    """Add one cadre; its code must be new. `fields` are the other import columns."""
    chk = imp.Checker()
    given = {"code": code, "name": name} | {k: v for k, v in fields.items() if v is not None}
    branches = branch_ids(conn, [imp.norm_code(str(given["branch"]))]) if given.get("branch") else {}
    values = _parse_cadre_fields({k: _as_text(v) for k, v in given.items()}, chk, 0, branches)
    _raise_for_fields(chk)
    if conn.first("SELECT id FROM cadre WHERE office_id = :office AND code = :code",
                  {"code": values["code"]}):
        raise TrainlogError(
            say("msg.cadre_exists", code=values['code'])
        )
    _insert(conn, "cadre", values)
    return get_cadre(conn, values["code"])


def edit_cadre(conn: Conn, code: str, **fields: Any) -> dict[str, Any]:
    """Change the given fields of a cadre (None leaves a field as it is; "" clears text)."""
    row = conn.first("SELECT id, code FROM cadre WHERE office_id = :office AND code = :code",
                     {"code": imp.norm_code(code)})
    if row is None:
        raise TrainlogError(say("msg.no_cadre", code=repr(code)))
    cadre_id, code_ = int(row[0]), row[1]
    given = {k: v for k, v in fields.items() if v is not None}
    active = given.pop("active", None)
    chk = imp.Checker()
    branches = branch_ids(conn, [imp.norm_code(str(given["branch"]))]) if given.get("branch") else {}
    values = _parse_cadre_fields({k: _as_text(v) for k, v in given.items()}, chk, 0, branches)
    _raise_for_fields(chk)
    if active is not None:
        values["active"] = bool(active)
    if values:
        stamp, who = conn.stamp()
        sets = ", ".join(f"{c} = :{c}" for c in values)
        conn.run(f"UPDATE cadre SET {sets}, updated_at = :updated_at, updated_by = :updated_by "
                 "WHERE id = :id", values | {"updated_at": stamp, "updated_by": who,
                                             "id": cadre_id})
        code_ = values.get("code", code_)
    return get_cadre(conn, code_)


def deactivate_cadre(db: Any, code: str) -> dict[str, Any]:
    """Mark a cadre inactive: kept, past records keep counting, no new attendance."""
    return edit_cadre(db, code, active=False)


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value
    return str(value)


def _raise_for_fields(chk: imp.Checker) -> None:
    if chk.problems:
        raise FieldProblems(chk.problems, _field_problem)


def _field_problem(p: Problem) -> str:
    """`column: 'value' reason`, the value left out when blank or already in the reason."""
    value = p.value if isinstance(p.value, str) else str(p.value)
    if value.strip() and repr(p.value) not in p.reason:
        return f"{p.column}: {p.value!r} {p.reason}"
    return f"{p.column}: {p.reason}"


def import_cadres(conn: Conn, path: str | Path, encoding: str | None = None,
                  dry_run: bool = False, options: imp.ReadOptions | None = None) -> ImportResult:
    """Create or update cadres by code from a file; all or nothing.

    With `dry_run` the writes are done all the same (the caller's transaction rolls them back,
    `Database.connect(write=True, dry_run=True)`); the result says it was a dry run.
    """
    table = imp.open_table(path, imp.CADRE_COLUMNS, {"code", "name"}, encoding, options)
    branches = branch_ids(conn)
    return _import(conn, "cadre", path, table,
                   lambda chk, n, row: _parse_cadre_fields(row, chk, n, branches), dry_run)


#: Records of a registry import written at once: the file streams through in chunks this big.
CHUNK = 5000


def _import(conn: Conn, kind: str, path: str | Path, table: imp.Table,
            parse: Callable[[imp.Checker, int, dict[str, Any]], dict[str, Any]],
            dry_run: bool) -> ImportResult:
    """Parse every row of a registry file and upsert the records in chunks as they come; all or
    nothing: after the first problem nothing more is written, every problem is reported, and
    InvalidInput undoes the transaction's writes (the caller's)."""
    chk = imp.Checker()
    result = ImportResult(dry_run=dry_run)
    for chunk in _chunks(_records(table, parse, chk)):
        if chk.problems or table.problems:
            continue  # checked to the end, written no more
        result.add(_upsert(conn, kind, chunk, dry_run))
    chk.problems.extend(table.problems)
    chk.problems.sort(key=lambda p: p.row)
    chk.raise_if_any(str(path))
    result.read = table.summary
    return result


def _chunks(records: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(table: imp.Table, parse: Callable[[imp.Checker, int, dict[str, Any]], dict[str, Any]],
             chk: imp.Checker) -> Iterator[dict[str, Any]]:
    """The rows of a registry file parsed, one record a code (a code on two rows is a problem;
    only the first row of a code is kept in memory, as its row number)."""
    first_row: dict[str, int] = {}
    for n, row in table.rows():
        rec = parse(chk, n, row)
        code = rec.get("code")
        if code is not None:
            seen = first_row.get(code)
            if seen is not None:
                chk.add(n, "code", code, say("msg.repeats_row", row=seen))
                continue
            first_row[code] = n
            yield rec


def _insert(conn: Conn, table: str, values: dict[str, Any]) -> int:
    """Insert one row: `values` over the table's defaults, with the audit stamp; the new id."""
    stamp, who = conn.stamp()
    row = {"office_id": conn.office.id, "code": values["code"], **DEFAULTS[table], **values,
           "created_at": stamp,
           "created_by": who, "updated_at": stamp, "updated_by": who}
    return conn.insert(f"INSERT INTO {table} ({', '.join(row)}) "
                       f"VALUES ({', '.join(':' + c for c in row)})", row)


def _upsert(conn: Conn, table: str, records: list[dict[str, Any]],
            dry_run: bool) -> ImportResult:
    """Insert new codes and update changed ones, in bulk; counts what changed."""
    result = ImportResult(rows=len(records), dry_run=dry_run)
    if not records:
        return result
    columns = sorted({k for r in records for k in r} - {"code"})
    existing = {row[1]: row for row in conn.all_in(
        f"SELECT id, code, {', '.join(columns)} FROM {table} "
        "WHERE office_id = :office AND code IN ({values})",
        [r["code"] for r in records])}
    stamp, who = conn.stamp()
    inserted = ["office_id", "code", *DEFAULTS[table], *AUDIT]
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for r in records:
        old = existing.get(r["code"])
        new = tuple(conn.value(r.get(c)) for c in columns)  # as the driver reads them back
        if old is None:
            full = {"office_id": conn.office.id, **DEFAULTS[table], **r, "created_at": stamp, "created_by": who,
                    "updated_at": stamp, "updated_by": who}
            inserts.append(tuple(conn.value(full[c]) for c in inserted))
        elif tuple(old[2:]) != new:
            updates.append((*new, stamp, who, old[0]))
        else:
            result.unchanged += 1
    result.created, result.updated = len(inserts), len(updates)
    if inserts:
        conn.executemany(f"INSERT INTO {table} ({', '.join(inserted)}) "
                         f"VALUES ({', '.join('?' * len(inserted))})", inserts)
    if updates:
        sets = ", ".join(f"{c} = ?" for c in [*columns, "updated_at", "updated_by"])
        conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", updates)
    return result
