"""Adding one training session with its attendees (`trainlog add-session`): its attendees file,
and the checks of a session's fields that `session import` (trainlog.sessions.roster) shares.

This module is light on purpose: it imports neither SQLAlchemy nor SQLModel nor the models.
`add-session` is run by hand all day, and on a SQLite file its whole work (a few lookups, one
session, its attendance) runs as SQL text through `trainlog.store.sql.Conn` on the standard library's
sqlite3, answering in a fraction of a second where importing SQLAlchemy alone would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.dates import parse_date
from trainlog.errors import FieldError, InvalidInput, NoInput, Problem, TrainlogError
from trainlog.files import tables as imp
from trainlog.files.people import finder_for
from trainlog.sessions.changes import LOGGED, attendance_changes, cadre_codes, field_changes
from trainlog.store.changelog import log_change
from trainlog.store.closing import refuse_closed
from trainlog.store.sql import Conn, IntegrityError, Progress, as_date
from trainlog.vocab import (
    ALL_KINDS,
    KINDS,
    TOPICS,
    TRACKS,
    labels,
    parse_bool,
    parse_choice,
    say,
)

#: The columns of an import file that belong to the session (they repeat on each of its rows).
SESSION_FIELDS = ("date", "track", "kind", "topic", "title", "hours", "days", "branch",
                  "headcount")
#: Columns of an --attendees-file: the cadre's code (干部编号, or 编号 as `cadre list` writes it),
#: optional hours, and a name or unit that are checked against the registry or ignored.
ATTENDEE_COLUMNS = labels(["cadre", "code", "name", "unit", "hours", "signed", "id_number"],
                          of="cadre")
REF_MAX = 100
_OPTIONS = {c: f"--{c}" for c in (*SESSION_FIELDS, "ref")}
_SPLIT = re.compile(r"[\s,，、;；]+")
#: The columns of training_session a write sets, besides its id and the audit columns.
SESSION_COLUMNS = ("ref", "date", "track", "kind", "topic", "title", "hours", "branch_id",
                   "headcount", "attendee_count", "void", "void_reason", "voided_at", "voided_by")
#: An attendance row as the bulk writes give it.
ATTENDANCE_COLUMNS = ("office_id", "session_id", "cadre_id", "hours", "created_at", "created_by")


@dataclass
class SessionFields:
    """A session's checked fields (branch as its id)."""

    date: date
    track: str
    kind: str | None
    topic: str | None
    title: str
    hours: float
    branch_id: int | None
    headcount: int

    def values(self, named: int) -> dict[str, Any]:
        """The training_session columns for these fields and `named` attendees."""
        return {"date": self.date, "track": self.track, "kind": self.kind, "topic": self.topic,
                "title": self.title, "hours": self.hours, "branch_id": self.branch_id,
                "headcount": self.headcount, "attendee_count": named}


def parse_ref(value: Any, field: str = "ref", required: bool = True) -> str | None:
    """A session's outside key: one word of up to 100 characters."""
    s = imp.text(value, field, required=required, max_length=REF_MAX)
    if s is not None and any(c.isspace() for c in s):
        raise FieldError(field, say("msg.ref_spaces", value=repr(s)))
    return s


def parse_track(value: Any, field: str = "track") -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise FieldError(field, say("msg.track_required"))
    return parse_choice(text, TRACKS, field)


def parse_kind(value: Any, track: str, field: str = "kind") -> str | None:
    """A kind of `track`, by key or label; the error lists the kinds the track allows."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    kinds = KINDS[track]
    try:
        return parse_choice(text, kinds, field)
    except TrainlogError:
        allowed = ", ".join(f"{k} ({v})" for k, v in kinds.items())
        raise FieldError(field, say("msg.not_kind", value=repr(text), track=track,
                                    label=TRACKS[track], allowed=allowed)) from None


def parse_topic(value: Any, field: str = "topic") -> str | None:
    """A topic by key or label, on any track: special classes have one, meetings and videos may."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    return parse_choice(text, TOPICS, field)


#: The most days a session may credit: a year.
MAX_DAYS = 366.0


def credited_hours(raw: dict[str, Any], per_day: float) -> float:
    """The hours a session credits: its hours, else its days × `per_day` (credit.hours_per_day),
    else 0. Both given is refused: which one is meant cannot be told."""
    if _filled(raw.get("hours")):
        if _filled(raw.get("days")):
            raise FieldError("hours", say("msg.hours_and_days"))
        return imp.hours(raw["hours"])
    if not _filled(raw.get("days")):
        return 0.0
    days = imp.number(raw["days"], "days", 0.0, MAX_DAYS)
    hours = days * per_day
    if hours > 24.0:
        raise FieldError("days", say("msg.days_too_many", days=f"{days:g}",
                                     per_day=f"{per_day:g}", hours=f"{hours:g}"))
    return hours + 0.0


def check_fields(raw: dict[str, Any], chk: imp.Checker, row: int,
                 branches: dict[str, int], per_day: float = 6.0) -> SessionFields | None:
    """Check a session's fields given as text; problems go to `chk`, None when any is bad.
    `days` credit `per_day` hours each when `hours` is not given."""
    before = len(chk.problems)
    when = chk.check(row, "date", raw.get("date"), lambda v: parse_date(v, "date"))
    track = chk.check(row, "track", raw.get("track"), parse_track)
    kind = None
    if track is not None:
        kind = chk.check(row, "kind", raw.get("kind"), lambda v: parse_kind(v, track))
    topic = chk.check(row, "topic", raw.get("topic"), parse_topic)
    title = chk.check(row, "title", raw.get("title"), lambda v: imp.text(v, "title", True, 300))
    column = "days" if _filled(raw.get("days")) and not _filled(raw.get("hours")) else "hours"
    hours = chk.check(row, column, raw.get(column), lambda _: credited_hours(raw, per_day))
    headcount = chk.check(row, "headcount", raw.get("headcount"),
                          lambda v: imp.count(v if _filled(v) else "", "headcount"))
    branch_code = chk.check(row, "branch", raw.get("branch"),
                            lambda v: imp.code(v, "branch", required=False))
    branch_id = None
    if branch_code:
        branch_id = branches.get(branch_code)
        if branch_id is None:
            chk.add(row, "branch", branch_code, say("msg.no_such_branch"))
    if len(chk.problems) > before:
        return None
    return SessionFields(when, track, kind, topic, title, hours, branch_id, headcount)  # type: ignore[arg-type]


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _normal(column: str, value: Any) -> Any:
    """A field as stored, so that `2020/4/3` agrees with `2020-04-03` and 政策培训 with policy."""
    if not _filled(value):
        return 0 if column in ("hours", "days", "headcount") else None
    if column == "date":
        return parse_date(value)
    if column == "track":
        return parse_choice(str(value), TRACKS, column)
    if column == "kind":
        return parse_choice(str(value), ALL_KINDS, column)
    if column == "topic":
        return parse_choice(str(value), TOPICS, column)
    if column in ("hours", "days"):
        return float(str(value))
    if column == "headcount":
        return imp.count(value, column)
    return str(value).strip()


def _tidy(p: Problem, column: str | None = None) -> Problem:
    """The problem without its value repeated at the start of its reason."""
    reason = p.reason
    if _filled(p.value):
        for shown in (repr(str(p.value).strip()), str(p.value).strip()):
            if reason.startswith(shown + " "):
                reason = reason[len(shown) + 1:]
                break
    value = p.value if _filled(p.value) else ""
    return Problem(p.row, column if column is not None else p.column, value, reason)


def _cadre_info(conn: Conn, codes: Iterable[str],
                day: date | None = None) -> dict[str, tuple[int, bool, str]]:
    """code -> (id, active, name) of the given codes: active on `day` (his facts then), or now."""
    if day is None:
        return {c: (i, bool(a), n) for c, i, a, n in conn.all_in(
            "SELECT code, id, active, name FROM cadre WHERE office_id = :office "
            "AND code IN ({values})", set(codes))}
    return {c: (i, bool(a), n) for c, i, a, n in conn.all_in(
        "SELECT c.code, c.id, coalesce(f.active, 0 = 1), c.name FROM cadre c "
        "LEFT OUTER JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_from <= :day "
        "AND :day < f.valid_to WHERE c.office_id = :office AND c.code IN ({values})",
        set(codes), {"day": day})}


@dataclass
class Listed:
    """One attendee as given: where (an option or a file's row), the code, hours text, name
    and unit (a sign-in sheet names its attendees by name and unit, without codes)."""

    where: str
    code: str
    hours: str = ""
    name: str = ""
    unit: str = ""
    id_number: str = ""


def read_attendees_file(path: str | Path, encoding: str | None = None,
                        options: imp.ReadOptions | None = None) -> list[Listed]:
    """The attendees in a file: a CSV/xlsx with a header, or any other file as a list of codes.

    A CSV or workbook needs a `cadre`/`干部编号` (or `code`/`编号`) column, an
    `id_number`/`身份证号` one, or `name`/`姓名` and `unit`/`单位` (a sign-in sheet: the cadre is
    found by them), and may have `hours`/`学时`
    (credited to that attendee; empty means the session's hours) and `signed`/`签到` (a row
    whose 签到 is empty, ×, 无 or 否 is someone who did not come, and is left out). With a code,
    a name must match the registry. A list of codes may separate them by lines, spaces, commas
    or 、, with `#` starting a comment. `options`: how a CSV or workbook is read (--ignore-extra).
    """
    p = Path(path)
    if p.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".tsv"):
        try:
            table = imp.open_table(p, ATTENDEE_COLUMNS, set(), encoding, options)
        except InvalidInput as exc:
            raise InvalidInput(exc.problems + [Problem(
                1, "", "", say("msg.attendees_header"))], str(p)) from None
        key = "cadre" if "cadre" in table.columns else "code" if "code" in table.columns else None
        by_name = ("name" in table.columns and "unit" in table.columns
                   or "id_number" in table.columns)
        if (key is None and not by_name) or ("cadre" in table.columns
                                             and "code" in table.columns):
            raise InvalidInput([Problem(table.header_row, "cadre/干部编号", "",
                                        say("msg.attendees_one_column"))], str(p))
        out = []
        for n, r in table.rows():
            if "signed" in r and not _signed(r["signed"]):
                continue
            out.append(Listed(say("msg.file_row", file=p.name, row=n),
                              imp.norm_code(str(r[key])) if key else "",
                              str(r.get("hours", "")), str(r.get("name", "")),
                              str(r.get("unit", "")), str(r.get("id_number", ""))))
        if table.problems:
            raise InvalidInput(table.problems, str(p))
        return out
    if not p.exists():
        raise NoInput(say("msg.no_such_file", path=p))
    if p.is_dir():
        raise TrainlogError(say("msg.is_folder", path=p))
    try:
        text = p.read_bytes().decode(encoding or imp.detect_encoding(p))
    except (UnicodeDecodeError, LookupError) as exc:
        raise TrainlogError(say("msg.attendees_encoding", path=p,
                                encoding=encoding or say("msg.utf8_or_gb"), reason=exc)) from None
    out = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        for code in _SPLIT.split(line.split("#", 1)[0]):
            if code:
                out.append(Listed(f"{p.name} line {n}", imp.norm_code(code)))
    return out


def _signed(value: Any) -> bool:
    """A sign-in sheet's 签到 cell: a tick, yes or a signature is someone who came."""
    text = "" if value is None else str(value).strip()
    if not text:
        return False
    try:
        return parse_bool(text, "signed")
    except TrainlogError:
        return True  # a signature


def _find_by_name(db: Conn, listed: list[Listed], chk: imp.Checker) -> None:
    """Give the attendees named by id number, or name and unit, their codes
    (`trainlog.files.people`)."""
    columns = {"name"} | ({"id_number"} if any(a.id_number for a in listed) else set())
    finder = finder_for(columns, db.all)
    assert finder is not None
    for a in listed:
        if not a.code and (a.name or a.id_number):
            try:
                a.code = finder.find(a.name, a.unit, a.id_number)
            except FieldError as exc:
                value = {"name": a.name, "unit": a.unit, "id_number": a.id_number}.get(exc.field, "")
                if exc.field == "id_number":
                    value = imp.mask_id_number(value)
                chk.add(0, f"{a.where}, {exc.field}", value, exc.reason)


def add_session(
    db: Conn,
    *,
    date: str,
    track: str,
    title: str,
    kind: str | None = None,
    topic: str | None = None,
    hours: str | float | None = None,
    days: str | float | None = None,
    attendees: Sequence[str] = (),
    attendees_file: str | Path | None = None,
    headcount: int | str | None = None,
    branch: str | None = None,
    ref: str | None = None,
    replace: bool = False,
    encoding: str | None = None,
    options: imp.ReadOptions | None = None,
) -> dict[str, Any]:
    """Record one session with its attendees, or rewrite the one with `ref` when `replace`.
    `options`: how the attendees file is read (`trainlog.files.tables.ReadOptions`).

    Every problem is reported at once (InvalidInput naming the options); nothing is written then.
    `db` is a `trainlog.store.sql.Conn` in a write transaction.
    """
    chk = imp.Checker()
    raw = {"date": date, "track": track, "kind": kind, "topic": topic, "title": title,
           "hours": hours, "days": days, "branch": branch, "headcount": headcount}
    branches: dict[str, int] = {}
    if _filled(branch):
        branches = {c: i for c, i in db.all(
            "SELECT code, id FROM branch WHERE office_id = :office AND code = :code",
            {"code": imp.norm_code(str(branch))})}
    fields = check_fields(raw, chk, 0, branches, db.setting("credit.hours_per_day"))
    ref_ = chk.check(0, "ref", ref, lambda v: parse_ref(v, required=False))

    listed = [Listed("--attendee", imp.norm_code(code)) for item in attendees
              for code in _SPLIT.split(str(item)) if code]
    if attendees_file:
        try:
            listed += read_attendees_file(attendees_file, encoding, options)
        except InvalidInput as exc:
            name = Path(attendees_file).name
            for p in exc.problems:
                where = f"{name} row {p.row}" if p.row else name
                chk.problems.append(Problem(0, f"{where}, {p.column}" if p.column else where,
                                            p.value, p.reason))
        except NoInput:  # nothing to check the rest against: exit 5, as an import's file
            raise
        except TrainlogError as exc:
            chk.add(0, "--attendees-file", "", str(exc))

    existing = None  # (id, void) of the session with this ref
    old_date = None  # its date
    if ref_:
        row = db.first("SELECT id, void, date, title FROM training_session "
                       "WHERE office_id = :office AND ref = :ref", {"ref": ref_})
        if row is not None:
            existing = (int(row[0]), bool(row[1]))
            old_date = as_date(row[2])
            if not replace:  # the date is a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite
                chk.add(0, "ref", ref_, say("msg.ref_taken", id=row[0], date=row[2],
                                            title=row[3]))
        elif replace:
            chk.add(0, "ref", ref_, say("msg.nothing_to_replace"))
    elif replace:
        chk.add(0, "ref", "", say("msg.replace_needs_ref"))
    kept: dict[int, float] = {}  # a deactivated cadre may stay on a session they attended
    if existing is not None and replace:
        kept = {int(cid): h for cid, h in db.all("SELECT cadre_id, hours FROM attendance "
                                                 "WHERE session_id = :id", {"id": existing[0]})}

    if any(not a.code and (a.name or a.id_number) for a in listed):
        _find_by_name(db, listed, chk)
    known = _cadre_info(db, [a.code for a in listed if a.code],
                        fields.date if fields is not None else None)
    default = fields.hours if fields else 0.0
    people: dict[int, float] = {}
    seen: dict[str, str] = {}
    for a in listed:
        if not a.code:
            if not a.name and not a.id_number:
                chk.add(0, a.where, "", say("msg.names_no_cadre"))
            continue  # else not found by name and unit: that problem is recorded
        if a.code in seen:
            chk.add(0, a.where, a.code, say("msg.listed_twice", first=seen[a.code],
                                            second=a.where))
            continue
        seen[a.code] = a.where
        found = known.get(a.code)
        if found is None:
            chk.add(0, a.where, a.code, say("msg.no_such_cadre"))
            continue
        cadre_id, active, name = found
        if not active and cadre_id not in kept:
            chk.add(0, a.where, a.code, say("msg.inactive_on", code=a.code,
                                            date=fields.date.isoformat()) if fields is not None
                    else say("msg.deactivated"))
            continue
        if a.name and imp.norm_name(a.name) != imp.norm_name(name):
            chk.add(0, a.where, a.code, say("msg.other_name", given=repr(a.name), name=name))
            continue
        column = f"{a.where}, hours"
        h = chk.check(0, column, a.hours,
                      lambda v, c=column: imp.hours(v, c) if _filled(v) else default)
        if h is not None:
            people[cadre_id] = h
    if fields is not None and not people and fields.headcount == 0 and not listed:
        chk.add(0, "--attendee", "", say("msg.needs_attendees"))
    if chk.problems:
        raise InvalidInput([_tidy(p, _OPTIONS.get(p.column, p.column)) for p in chk.problems],
                           "add-session")
    assert fields is not None
    refuse_closed(db, [fields.date, old_date],
                  say("msg.what_session", ref=f" {ref_}" if ref_ else "", date=fields.date.isoformat()))
    stamp = db.stamp()
    values = fields.values(len(people))
    before = _logged(db, existing[0]) if existing is not None else None
    try:
        if existing is not None:
            session_id = existing[0]
            update_session(db, session_id, values, stamp)
            db.delete_session_attendance(session_id)
        else:
            session_id = insert_session(db, values | {"ref": ref_, "void": False}, stamp)
        insert_attendance(db, ((session_id, cid, h) for cid, h in people.items()))
    except IntegrityError:
        raise TrainlogError(say("msg.ref_raced", ref=repr(ref_))) from None
    after = values | {"branch": imp.norm_code(str(branch)) if _filled(branch) else None}
    log_change(db, "session", ref_ or str(session_id), "update" if before is not None else "create",
               field_changes(before, after) | attendance_changes(
                   kept if before is not None else None, people, cadre_codes(db)))
    return {"id": session_id, "ref": ref_, "date": fields.date.isoformat(), "track": fields.track,
            "title": fields.title, "attendees": len(people), "headcount": fields.headcount,
            "person_times": len(people) + fields.headcount, "replaced": existing is not None,
            "void": existing[1] if existing is not None else False}


def _logged(db: Conn, session_id: int) -> dict[str, Any]:
    """A stored session's fields as its log rows name them (`trainlog.sessions.changes`)."""
    row = db.first("SELECT s.date, s.track, s.kind, s.topic, s.title, s.hours, b.code, "
                   "s.headcount FROM training_session s LEFT JOIN branch b ON b.id = s.branch_id "
                   "WHERE s.id = :id", {"id": session_id})
    return dict(zip(LOGGED, row or (), strict=False))


def _columns(values: Mapping[str, Any]) -> list[str]:
    unknown = set(values) - set(SESSION_COLUMNS)
    if unknown:  # column names go into the SQL text: only the table's own
        raise ValueError(f"not columns of training_session: {sorted(unknown)}")
    return list(values)


def insert_session(db: Conn, values: Mapping[str, Any], stamp: tuple[Any, str]) -> int:
    """The one INSERT of a session: `values` by column (of SESSION_COLUMNS), created and
    updated at `stamp` (`Conn.stamp()`); the new id."""
    columns = [*_columns(values), "created_at", "created_by", "updated_at", "updated_by"]
    when, who = stamp
    return db.insert(f"INSERT INTO training_session (office_id, {', '.join(columns)}) "
                     f"VALUES (:office, {', '.join(':' + c for c in columns)})",
                     {**values, "created_at": when, "created_by": who, "updated_at": when,
                      "updated_by": who})


def update_session(db: Conn, session_id: int, values: Mapping[str, Any],
                   stamp: tuple[Any, str]) -> int:
    """The one UPDATE of a session (add-session --replace, void): set `values` by column (of
    SESSION_COLUMNS), updated at `stamp` (`Conn.stamp()`); the rows changed."""
    sets = ", ".join(f"{c} = :{c}" for c in _columns(values))
    when, who = stamp
    return db.run(f"UPDATE training_session SET {sets}, updated_at = :updated_at, "
                  "updated_by = :updated_by WHERE id = :id",
                  {**values, "updated_at": when, "updated_by": who, "id": session_id})


def insert_attendance(db: Conn, rows: Iterable[tuple[int, int, float]],
                      progress: Progress = None) -> int:
    """Bulk insert (session_id, cadre_id, hours), stamped now; COPY on PostgreSQL."""
    stamp, who = db.stamp()
    office = db.office.id
    return db.insert_rows("attendance", ATTENDANCE_COLUMNS,
                          ((office, sid, cid, h, stamp, who) for sid, cid, h in rows), progress)
