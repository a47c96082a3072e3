"""The registry of party branches and cadres: add, edit, list, import, deactivate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from trainlog.dates import parse_date
from trainlog.errors import Problem, TrainlogError
from trainlog.files import tables as imp
from trainlog.store.schema import Branch, Cadre
from trainlog.store.sql import actor, now
from trainlog.vocab import LEVELS, parse_bool, parse_choice

CADRE_FLAGS = ("top_leader", "poverty_cadre", "party_member")


@dataclass
class ImportResult:
    """What an import did (or, with dry_run, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def branch_ids(session: Session, codes: Iterable[str] | None = None) -> dict[str, int]:
    """code -> id of branches (all, or those among `codes`)."""
    stmt = select(Branch.code, Branch.id)
    if codes is not None:
        wanted = list(set(codes))
        if not wanted:
            return {}
        stmt = stmt.where(Branch.code.in_(wanted))
    return dict(session.execute(stmt).all())


def cadre_ids(session: Session, codes: Iterable[str] | None = None,
              active_only: bool = False) -> dict[str, int]:
    """code -> id of cadres (all, or those among `codes`), in chunks to keep IN lists short."""
    base = select(Cadre.code, Cadre.id)
    if active_only:
        base = base.where(Cadre.active)
    if codes is None:
        return dict(session.execute(base).all())
    wanted = list(set(codes))
    found: dict[str, int] = {}
    for i in range(0, len(wanted), 900):
        found.update(session.execute(base.where(Cadre.code.in_(wanted[i:i + 900]))).all())
    return found


def _branch_dict(b: Branch) -> dict[str, Any]:
    return {"code": b.code, "name": b.name, "township": b.township, "active": b.active}


def add_branch(session: Session, code: str, name: str,
               township: str | None = None) -> dict[str, Any]:
    """Add one branch; its code must be new."""
    code_ = imp.code(code, "code")
    name_ = imp.text(name, "name", required=True, max_length=200)
    township_ = imp.text(township, "township", max_length=100)
    if session.execute(select(Branch.id).where(Branch.code == code_)).first():
        raise TrainlogError(f"branch {code_} exists already (use `branch import` to update)")
    stamp, who = now(), actor()
    branch = Branch(code=code_, name=name_, township=township_, created_at=stamp, created_by=who,
                    updated_at=stamp, updated_by=who)
    session.add(branch)
    session.flush()
    return _branch_dict(branch)


def list_branches(session: Session, township: str | None = None) -> list[dict[str, Any]]:
    stmt = select(Branch).order_by(Branch.code)
    if township:
        stmt = stmt.where(Branch.township == township)
    return [_branch_dict(b) for b in session.scalars(stmt)]


def import_branches(session: Session, path: str | Path, encoding: str | None = None,
                    dry_run: bool = False) -> ImportResult:
    """Create or update branches by code from a file; all or nothing."""
    table = imp.open_table(path, imp.BRANCH_COLUMNS, {"code", "name"}, encoding)
    chk = imp.Checker()
    records: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for n, row in table.rows():
        code = chk.check(n, "code", row["code"], lambda v: imp.code(v, "code"))
        rec = {"code": code, "name": chk.check(n, "name", row["name"],
                                                lambda v: imp.text(v, "name", True, 200))}
        if "township" in row:
            rec["township"] = chk.check(n, "township", row["township"],
                                        lambda v: imp.text(v, "township", max_length=100))
        if code is not None:
            if code in first_row:
                chk.add(n, "code", code, f"repeats row {first_row[code]}")
            first_row.setdefault(code, n)
            records[code] = rec
    chk.problems.extend(table.problems)
    chk.raise_if_any(str(path))
    return _upsert(session, Branch, list(records.values()), dry_run)


def _cadre_dict(c: Cadre, branch_code: str | None) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "unit": c.unit,
        "level": c.level,
        "branch": branch_code,
        "top_leader": c.top_leader,
        "poverty_cadre": c.poverty_cadre,
        "party_member": c.party_member,
        "registered_on": c.registered_on.isoformat() if c.registered_on else None,
        "active": c.active,
    }


def _cadre_query():  # type: ignore[no-untyped-def]
    return select(Cadre, Branch.code).outerjoin(Branch, Cadre.branch_id == Branch.id)


def list_cadres(
    session: Session,
    branch: str | None = None,
    level: str | None = None,
    top_leader: bool | None = None,
    poverty_cadre: bool | None = None,
    active: bool | None = True,
) -> list[dict[str, Any]]:
    """Cadres by code, filtered; `active=None` lists every cadre."""
    stmt = _cadre_query().order_by(Cadre.code)
    if branch:
        branch = branch.strip()
        if not branch_ids(session, [branch]):  # a mistyped code must not look like "no cadres"
            raise TrainlogError(f"--branch: no branch with code {branch!r}")
        stmt = stmt.where(Branch.code == branch)
    if level:
        stmt = stmt.where(Cadre.level == parse_choice(level, LEVELS, "--level"))
    if top_leader is not None:
        stmt = stmt.where(Cadre.top_leader == top_leader)
    if poverty_cadre is not None:
        stmt = stmt.where(Cadre.poverty_cadre == poverty_cadre)
    if active is not None:
        stmt = stmt.where(Cadre.active == active)
    return [_cadre_dict(c, b) for c, b in session.execute(stmt)]


def get_cadre(session: Session, code: str) -> dict[str, Any]:
    row = session.execute(_cadre_query().where(Cadre.code == code.strip())).first()
    if row is None:
        raise TrainlogError(f"no cadre with code {code!r}")
    return _cadre_dict(*row)


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
                chk.add(row, key, branch, "no such branch")
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


def add_cadre(session: Session, code: str, name: str, **fields: Any) -> dict[str, Any]:
    """Add one cadre; its code must be new. `fields` are the other import columns."""
    chk = imp.Checker()
    given = {"code": code, "name": name} | {k: v for k, v in fields.items() if v is not None}
    branches = branch_ids(session, [str(given["branch"]).strip()]) if given.get("branch") else {}
    values = _parse_cadre_fields({k: _as_text(v) for k, v in given.items()}, chk, 0, branches)
    _raise_for_fields(chk)
    if session.execute(select(Cadre.id).where(Cadre.code == values["code"])).first():
        raise TrainlogError(
            f"cadre {values['code']} exists already (use `cadre edit` to change it)"
        )
    stamp, who = now(), actor()
    cadre = Cadre(**values, created_at=stamp, created_by=who, updated_at=stamp, updated_by=who)
    session.add(cadre)
    session.flush()
    return get_cadre(session, cadre.code)


def edit_cadre(session: Session, code: str, **fields: Any) -> dict[str, Any]:
    """Change the given fields of a cadre (None leaves a field as it is; "" clears text)."""
    cadre = session.scalars(select(Cadre).where(Cadre.code == code.strip())).first()
    if cadre is None:
        raise TrainlogError(f"no cadre with code {code!r}")
    given = {k: v for k, v in fields.items() if v is not None}
    active = given.pop("active", None)
    chk = imp.Checker()
    branches = branch_ids(session, [str(given["branch"]).strip()]) if given.get("branch") else {}
    values = _parse_cadre_fields({k: _as_text(v) for k, v in given.items()}, chk, 0, branches)
    _raise_for_fields(chk)
    if active is not None:
        values["active"] = bool(active)
    if values:
        for key, value in values.items():
            setattr(cadre, key, value)
        cadre.updated_at, cadre.updated_by = now(), actor()
        session.flush()
    return get_cadre(session, cadre.code)


def deactivate_cadre(session: Session, code: str) -> dict[str, Any]:
    """Mark a cadre inactive: kept, past records keep counting, no new attendance."""
    return edit_cadre(session, code, active=False)


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value
    return str(value)


def _raise_for_fields(chk: imp.Checker) -> None:
    if chk.problems:
        raise TrainlogError("; ".join(_field_problem(p) for p in chk.problems))


def _field_problem(p: Problem) -> str:
    """`column: 'value' reason`, the value left out when blank or already in the reason."""
    value = p.value if isinstance(p.value, str) else str(p.value)
    if value.strip() and repr(p.value) not in p.reason:
        return f"{p.column}: {p.value!r} {p.reason}"
    return f"{p.column}: {p.reason}"


def import_cadres(session: Session, path: str | Path, encoding: str | None = None,
                  dry_run: bool = False) -> ImportResult:
    """Create or update cadres by code from a file; all or nothing."""
    table = imp.open_table(path, imp.CADRE_COLUMNS, {"code", "name"}, encoding)
    branches = branch_ids(session)
    chk = imp.Checker()
    records: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for n, row in table.rows():
        values = _parse_cadre_fields(row, chk, n, branches)
        code = values.get("code")
        if code is not None:
            if code in first_row:
                chk.add(n, "code", code, f"repeats row {first_row[code]}")
            first_row.setdefault(code, n)
            records[code] = values
    chk.problems.extend(table.problems)
    chk.raise_if_any(str(path))
    return _upsert(session, Cadre, list(records.values()), dry_run)


def _upsert(session: Session, model: type[Branch] | type[Cadre], records: list[dict[str, Any]],
            dry_run: bool) -> ImportResult:
    """Insert new codes and update changed ones, in bulk; counts what changed."""
    result = ImportResult(rows=len(records), dry_run=dry_run)
    if not records:
        return result
    columns = sorted({k for r in records for k in r} - {"code"})
    existing: dict[str, tuple[Any, ...]] = {}
    codes = [r["code"] for r in records]
    cols = [model.id, model.code, *(getattr(model, c) for c in columns)]
    for i in range(0, len(codes), 900):
        for row in session.execute(select(*cols).where(model.code.in_(codes[i:i + 900]))):
            existing[row[1]] = tuple(row)
    stamp, who = now(), actor()
    inserts, updates = [], []
    for r in records:
        old = existing.get(r["code"])
        if old is None:
            inserts.append({"active": True, **_defaults(model), **r, "created_at": stamp,
                            "created_by": who, "updated_at": stamp, "updated_by": who})
        elif tuple(old[2:]) != tuple(r.get(c) for c in columns):
            updates.append({"_id": old[0], **r, "updated_at": stamp, "updated_by": who})
        else:
            result.unchanged += 1
    result.created, result.updated = len(inserts), len(updates)
    if dry_run:
        return result
    if inserts:
        session.execute(model.__table__.insert(), inserts)
    if updates:
        from sqlalchemy import bindparam

        table = model.__table__
        stmt = (update(table).where(table.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in [*columns, "updated_at", "updated_by"]}))
        keys = ["_id", *columns, "updated_at", "updated_by"]
        session.connection().execute(stmt, [{c: u.get(c) for c in keys} for u in updates])
    return result


def _defaults(model: type[Branch] | type[Cadre]) -> dict[str, Any]:
    if model is Cadre:
        return {"unit": None, "level": None, "branch_id": None, "top_leader": False,
                "poverty_cadre": False, "party_member": True, "registered_on": None}
    return {"township": None}

