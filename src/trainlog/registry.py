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

from trainlog.dates import ALWAYS, FOREVER, Period, parse_date, today
from trainlog.errors import FieldProblems, Problem, TrainlogError
from trainlog.files import tables as imp
from trainlog.store.changelog import log_change, log_changes
from trainlog.store.closing import first_open_day, last_closed_day, refuse_closed
from trainlog.store.sql import IN_CHUNK, Conn, as_date, chunks, fresh_statistics
from trainlog.vocab import LEVELS, RANKS, parse_bool, parse_choice, say

CADRE_FLAGS = ("top_leader", "poverty_cadre", "party_member")
#: A cadre's facts that hold from a date (`cadre_fact`); `cadre` repeats the latest.
FACTS = ("branch_id", "unit", "level", "rank", "top_leader", "poverty_cadre", "party_member",
         "active")
#: Facts no report counts: correcting them for every date changes no closed month's figures.
UNCOUNTED = ("unit",)
AUDIT = ("created_at", "created_by", "updated_at", "updated_by")
#: The columns of each table an import or an add writes, with a new row's defaults.
DEFAULTS: dict[str, dict[str, Any]] = {
    "branch": {"name": None, "township": None, "active": True},
    "cadre": {"name": None, "unit": None, "level": None, "rank": None, "branch_id": None,
              "top_leader": False,
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
    log_change(conn, "branch", code_, "create", {"name": (None, name_)}
               | ({"township": (None, township_)} if township_ else {}))
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
    (code, name, unit, level, rank, branch, top_leader, poverty_cadre, party_member,
     registered_on, active) = row
    registered = as_date(registered_on)
    return {
        "code": code,
        "name": name,
        "unit": unit,
        "level": level,
        "rank": rank,
        "branch": branch,
        "top_leader": bool(top_leader),
        "poverty_cadre": bool(poverty_cadre),
        "party_member": bool(party_member),
        "registered_on": registered.isoformat() if registered else None,
        "active": bool(active),
    }


#: A cadre as `_cadre_dict` takes it, with its branch's code.
_CADRE_SELECT = ("SELECT c.code, c.name, c.unit, c.level, c.rank, b.code, c.top_leader, "
                 "c.poverty_cadre, "
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
    rank: str | None = None,
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
    if rank:
        where.append("c.rank = :rank")
        params["rank"] = parse_choice(rank, RANKS, "--rank")
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
        elif key == "rank":
            out["rank"] = chk.check(
                row, key, raw,
                lambda v: parse_choice(v, RANKS, "rank") if str(v).strip() else None)
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
    cadre_id = _insert(conn, "cadre", values)
    _first_facts(conn, [cadre_id])
    log_change(conn, "cadre", values["code"], "create",
               {k: (None, v) for k, v in _named(conn, values).items()})
    return get_cadre(conn, values["code"])


def edit_cadre(conn: Conn, code: str, *, start: date | None = None, correct: bool = False,
               reason: str | None = None, action: str = "update",
               **fields: Any) -> dict[str, Any]:
    """Change the given fields of a cadre (None leaves a field as it is; "" clears text).

    The facts (`FACTS`) change from `start` on (default today), or with `correct` for every date;
    the name and registration date are the cadre's, not dated. A change a closed month counted
    is refused (`trainlog.store.closing`)."""
    if start is not None and correct:
        raise TrainlogError(say("msg.from_and_correct"))
    row = conn.first("SELECT id, code, registered_on, name FROM cadre WHERE office_id = :office "
                     "AND code = :code", {"code": imp.norm_code(code)})
    if row is None:
        raise TrainlogError(say("msg.no_cadre", code=repr(code)))
    cadre_id, code_, registered, old_name = int(row[0]), row[1], as_date(row[2]), row[3]
    given = {k: v for k, v in fields.items() if v is not None}
    active = given.pop("active", None)
    chk = imp.Checker()
    branches = branch_ids(conn, [imp.norm_code(str(given["branch"]))]) if given.get("branch") else {}
    values = _parse_cadre_fields({k: _as_text(v) for k, v in given.items()}, chk, 0, branches)
    _raise_for_fields(chk)
    if active is not None:
        values["active"] = bool(active)
    facts = {k: v for k, v in values.items() if k in FACTS}
    own = {k: v for k, v in values.items() if k not in FACTS}
    day = ALWAYS if correct else (start or today())
    changes: dict[str, tuple[Any, Any]] = {}
    if "registered_on" in own and own["registered_on"] != registered:
        moved = [d for d in (registered, own["registered_on"]) if d is not None]
        refuse_closed(conn, min(moved), say("msg.what_registered", code=code_))
        changes["registered_on"] = (registered, own["registered_on"])
    if "name" in own and own["name"] != old_name:
        changes["name"] = (old_name, own["name"])
    if facts:
        changed = set_facts(conn, cadre_id, code_, facts, day, reason, correct=correct)
        changes |= _named(conn, changed)
    stamp, who = conn.stamp()
    if own or changes:
        sets = "".join(f"{c} = :{c}, " for c in own)
        conn.run(f"UPDATE cadre SET {sets}updated_at = :updated_at, updated_by = :updated_by "
                 "WHERE id = :id", own | {"updated_at": stamp, "updated_by": who,
                                          "id": cadre_id})
    if changes:
        extra: dict[str, tuple[Any, Any]] = {}
        if facts:
            extra["from"] = (None, None if correct else day)
        if reason:
            extra["reason"] = (None, reason)
        log_change(conn, "cadre", code_, action, changes | extra)
    return get_cadre(conn, code_)


def deactivate_cadre(conn: Conn, code: str, on: date | None = None,
                     reason: str | None = None) -> dict[str, Any]:
    """Mark a cadre inactive from `on` (default today): kept, records before that day keep
    counting, no attendance on or after it."""
    return edit_cadre(conn, code, start=on, reason=reason, action="deactivate", active=False)


def _named(conn: Conn, values: dict[str, Any]) -> dict[str, Any]:
    """Values (or (before, after) pairs) with branch_id as the branch's code, `branch`, and
    yes/no facts as booleans (SQLite reads them as 0 and 1)."""
    values = {k: (tuple(None if x is None else bool(x) for x in v) if isinstance(v, tuple)
                  else None if v is None else bool(v))
              if k in (*CADRE_FLAGS, "active") else v for k, v in values.items()}
    if "branch_id" not in values:
        return dict(values)
    out = {k: v for k, v in values.items() if k != "branch_id"}
    ids = values["branch_id"]
    pair = isinstance(ids, tuple)
    wanted = [i for i in (ids if pair else (ids,)) if i is not None]
    codes = {int(i): c for i, c in conn.all_in(
        "SELECT id, code FROM branch WHERE id IN ({values})", wanted)} if wanted else {}

    def code(i: Any) -> Any:
        return codes.get(int(i)) if i is not None else None

    out["branch"] = tuple(code(i) for i in ids) if pair else code(ids)
    return out


def _first_facts(conn: Conn, cadre_ids: list[int]) -> None:
    """The first facts of new cadres (their columns in `cadre`), holding for every date but the
    closed months' (a cadre added now counted in none of them)."""
    opened = first_open_day(conn) or ALWAYS
    stamp, who = conn.stamp()
    for part in chunks(cadre_ids, IN_CHUNK):
        marks = ", ".join(str(int(i)) for i in part)
        conn.run(f"INSERT INTO cadre_fact (office_id, cadre_id, valid_from, valid_to, "
                 f"{', '.join(FACTS)}, created_at, created_by) "
                 f"SELECT office_id, id, :opened, :forever, {', '.join(FACTS)}, :at, :by "
                 f"FROM cadre WHERE office_id = :office AND id IN ({marks})",
                 {"opened": opened, "forever": FOREVER, "at": stamp, "by": who})


def _fact_rows(conn: Conn, cadre_id: int) -> list[dict[str, Any]]:
    return [dict(zip(("id", "valid_from", "valid_to", *FACTS, "reason"), r, strict=True)) | {
        "valid_from": as_date(r[1]), "valid_to": as_date(r[2])} for r in conn.all(
        f"SELECT id, valid_from, valid_to, {', '.join(FACTS)}, reason FROM cadre_fact "
        "WHERE cadre_id = :cadre ORDER BY valid_from", {"cadre": cadre_id})]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b) if a is not None and b is not None else a is b
    return a == b


def set_facts(conn: Conn, cadre_id: int, code: str, values: dict[str, Any], day: date,
              reason: str | None = None, correct: bool = False) -> dict[str, tuple[Any, Any]]:
    """Give a cadre's facts `values` from `day` on (every later change of them included); the
    facts that changed, as (before, after): before is their value on `day` (or the first one).

    Refused when a closed month would count the change, or when the cadre would be inactive on
    a session he attended."""
    rows = _fact_rows(conn, cadre_id)
    touched = [r for r in rows if r["valid_to"] > day]
    changed = {k for k, v in values.items() for r in touched if not _same(r[k], v)}
    if not changed:
        return {}
    if correct:
        if changed - set(UNCOUNTED):
            refuse_closed(conn, last_closed_day(conn), say("msg.what_cadre_correct", code=code))
    else:
        refuse_closed(conn, day, say("msg.what_cadre_edit", code=code, day=day.isoformat()))
    at = next((r for r in touched if r["valid_from"] <= day), touched[0])
    before = {k: at[k] for k in changed}
    stamp, who = conn.stamp()
    if at["valid_from"] < day:  # split the facts holding on `day`
        conn.run(f"INSERT INTO cadre_fact (office_id, cadre_id, valid_from, valid_to, "
                 f"{', '.join(FACTS)}, reason, created_at, created_by) "
                 f"SELECT office_id, cadre_id, :day, valid_to, {', '.join(FACTS)}, :reason, "
                 ":at, :by FROM cadre_fact WHERE id = :id",
                 {"day": day, "reason": reason, "at": stamp, "by": who, "id": at["id"]})
        conn.run("UPDATE cadre_fact SET valid_to = :day WHERE id = :id",
                 {"day": day, "id": at["id"]})
    elif reason:
        conn.run("UPDATE cadre_fact SET reason = :reason WHERE id = :id",
                 {"reason": reason, "id": at["id"]})
    sets = ", ".join(f"{k} = :{k}" for k in changed)
    conn.run(f"UPDATE cadre_fact SET {sets} WHERE cadre_id = :cadre AND valid_from >= :day",
             {k: values[k] for k in changed} | {"cadre": cadre_id, "day": day})
    if "active" in changed and not values["active"]:
        _no_attendance_while_inactive(conn, cadre_id, code, day)
    _latest_into_cadre(conn, [cadre_id])
    return {k: (before[k], values[k]) for k in changed}


def _no_attendance_while_inactive(conn: Conn, cadre_id: int, code: str, day: date) -> None:
    row = conn.first(
        "SELECT s.date, coalesce(s.ref, CAST(s.id AS VARCHAR(20))) FROM attendance a "
        "JOIN training_session s ON s.id = a.session_id "
        "JOIN cadre_fact f ON f.cadre_id = a.cadre_id AND f.valid_from <= s.date "
        "AND s.date < f.valid_to WHERE a.cadre_id = :cadre AND NOT f.active "
        "ORDER BY s.date DESC", {"cadre": cadre_id})
    if row is not None:
        raise TrainlogError(say("msg.attended_after", code=code, session=row[1],
                                date=as_date(row[0]).isoformat(),
                                start=day.isoformat() if day != ALWAYS else "—"))


def _latest_into_cadre(conn: Conn, cadre_ids: list[int]) -> None:
    """`cadre`'s fact columns from each cadre's latest facts (what listings show)."""
    sets = ", ".join(f"{k} = (SELECT f.{k} FROM cadre_fact f WHERE f.cadre_id = cadre.id "
                     "AND f.valid_to = :forever)" for k in FACTS)
    for part in chunks(cadre_ids, IN_CHUNK):
        marks = ", ".join(str(int(i)) for i in part)
        conn.run(f"UPDATE cadre SET {sets} WHERE id IN ({marks})", {"forever": FOREVER})


def cadre_history(conn: Conn, code: str) -> dict[str, Any]:
    """Each of a cadre's facts with the values it held and the dates (from, to: None for
    always before, or still); adjacent dates of one value merged."""
    row = conn.first("SELECT id, code, name FROM cadre WHERE office_id = :office AND code = :code",
                     {"code": imp.norm_code(code)})
    if row is None:
        raise TrainlogError(say("msg.no_cadre", code=repr(code)))
    rows = _fact_rows(conn, int(row[0]))
    reasons = {r["valid_from"]: r["reason"] for r in rows}
    branch_codes = dict(conn.all("SELECT id, code FROM branch WHERE office_id = :office"))
    facts: list[dict[str, Any]] = []
    for key in FACTS:
        spans: list[list[Any]] = []
        for r in rows:
            value = r[key]
            if key == "branch_id":
                value = branch_codes.get(value)
            elif key in CADRE_FLAGS or key == "active":
                value = bool(value)
            if spans and _same(spans[-1][0], value) and spans[-1][2] == r["valid_from"]:
                spans[-1][2] = r["valid_to"]
            else:
                spans.append([value, r["valid_from"], r["valid_to"]])
        for value, start, end in spans:
            facts.append({
                "fact": "branch" if key == "branch_id" else key, "value": value,
                "from": None if start == ALWAYS else start.isoformat(),
                "to": None if end == FOREVER else date.fromordinal(end.toordinal() - 1).isoformat(),
                "reason": reasons.get(start) if len(spans) > 1 or start != ALWAYS else None})
    return {"code": row[1], "name": row[2], "facts": facts}


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
                  dry_run: bool = False, options: imp.ReadOptions | None = None,
                  start: date | None = None) -> ImportResult:
    """Create or update cadres by code from a file; all or nothing. Changed facts hold from
    `start` on (default today).

    With `dry_run` the writes are done all the same (the caller's transaction rolls them back,
    `Database.connect(write=True, dry_run=True)`); the result says it was a dry run.
    """
    table = imp.open_table(path, imp.CADRE_COLUMNS, {"code", "name"}, encoding, options)
    branches = branch_ids(conn)
    return _import(conn, "cadre", path, table,
                   lambda chk, n, row: _parse_cadre_fields(row, chk, n, branches), dry_run,
                   start)


#: Records of a registry import written at once: the file streams through in chunks this big.
CHUNK = 5000


def _import(conn: Conn, kind: str, path: str | Path, table: imp.Table,
            parse: Callable[[imp.Checker, int, dict[str, Any]], dict[str, Any]],
            dry_run: bool, start: date | None = None) -> ImportResult:
    """Parse every row of a registry file and upsert the records in chunks as they come; all or
    nothing: after the first problem nothing more is written, every problem is reported, and
    InvalidInput undoes the transaction's writes (the caller's)."""
    chk = imp.Checker()
    result = ImportResult(dry_run=dry_run)
    for chunk in _chunks(_records(table, parse, chk)):
        if chk.problems or table.problems:
            continue  # checked to the end, written no more
        result.add(_upsert(conn, kind, chunk, dry_run, start))
    chk.problems.extend(table.problems)
    chk.problems.sort(key=lambda p: p.row)
    chk.raise_if_any(str(path))
    result.read = table.summary
    if not dry_run:
        fresh_statistics(conn, ["branch"] if kind == "branch" else ["cadre", "cadre_fact"],
                         result.created + result.updated)
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
            dry_run: bool, start: date | None = None) -> ImportResult:
    """Insert new codes and update changed ones, in bulk; counts what changed, and logs it.

    A cadre's changed facts hold from `start` on (`set_facts`), new cadres' for every date."""
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
    logs: list[tuple[str, str, str, dict[str, tuple[Any, Any]]]] = []
    dated: list[tuple[int, str, dict[str, Any]]] = []
    for r in records:
        old = existing.get(r["code"])
        new = tuple(conn.value(r.get(c)) for c in columns)  # as the driver reads them back
        if old is None:
            full = {"office_id": conn.office.id, **DEFAULTS[table], **r, "created_at": stamp,
                    "created_by": who, "updated_at": stamp, "updated_by": who}
            inserts.append(tuple(conn.value(full[c]) for c in inserted))
            logs.append((table, r["code"], "create",
                         {c: (None, r[c]) for c in columns if r.get(c) is not None}))
        elif tuple(old[2:]) != new:
            changed = {c: (o, r.get(c)) for c, o, n in zip(columns, old[2:], new, strict=True)
                       if not _same(o, n)}
            if table == "cadre" and set(changed) & set(FACTS):
                dated.append((int(old[0]), r["code"],
                              {c: r.get(c) for c in changed if c in FACTS}))
            if table == "cadre" and "registered_on" in changed:
                moved = [as_date(d) for d in changed["registered_on"] if d is not None]
                refuse_closed(conn, min(moved), say("msg.what_registered", code=r["code"]))
            own = {c: v for c, v in changed.items() if table != "cadre" or c not in FACTS}
            if own:
                logs.append((table, r["code"], "update", own))
            updates.append((*new, stamp, who, old[0]))
        else:
            result.unchanged += 1
    result.created, result.updated = len(inserts), len(updates)
    day = start or today()
    for cadre_id, code, facts in dated:  # before the rows change: set_facts reads the old facts
        changed = set_facts(conn, cadre_id, code, facts, day)
        if changed:
            logs.append(("cadre", code, "update", changed | {"from": (None, day)}))
    if inserts:
        conn.executemany(f"INSERT INTO {table} ({', '.join(inserted)}) "
                         f"VALUES ({', '.join('?' * len(inserted))})", inserts)
        if table == "cadre":
            made = [int(i) for (i,) in conn.all_in(
                "SELECT id FROM cadre WHERE office_id = :office AND code IN ({values})",
                [r["code"] for r in records if r["code"] not in existing])]
            _first_facts(conn, made)
    if updates:
        sets = ", ".join(f"{c} = ?" for c in [*columns, "updated_at", "updated_by"])
        conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", updates)
    if logs:
        log_changes(conn, ((k, c, a, _named(conn, ch) if k == "cadre" else ch)
                           for k, c, a, ch in logs))
    return result
