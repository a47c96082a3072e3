"""Online study hours (import, add, by cadre), the compliance and coverage reports, and settings."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlmodel import Session

from trainlog import importing as imp
from trainlog.compliance import (  # noqa: F401  (the reports, re-exported)
    EPSILON,
    SETTINGS,
    Coverage,
    compliance,
    coverage,
    get_settings,
    setting,
)
from trainlog.dates import days_in_month, month_end, parse_month, today
from trainlog.db import actor, now
from trainlog.errors import Problem, TrainlogError
from trainlog.models import Cadre, OnlineStudy, Setting
from trainlog.vocab import PLATFORMS, parse_choice

DEFAULT_PLATFORM = "academy"
CHUNK = 20_000
#: How many cadre codes a warning names before it says "…".
WARN_SAMPLE = 5


def _check_key(key: str) -> str:
    key = key.strip()
    if key not in SETTINGS:
        raise TrainlogError(f"no setting {key!r}; the settings are {', '.join(SETTINGS)}")
    return key


def set_setting(session: Session, key: str, value: str | float) -> dict[str, Any]:
    """Store a setting for this database after checking its value."""
    key = _check_key(key)
    limit = SETTINGS[key][1]
    number = imp.number(value, key, 0.0, limit)
    if number <= 0:
        raise TrainlogError(f"{key}: must be more than 0")
    text = f"{number:g}"
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
    session.flush()
    return {"key": key, "value": number}


def unset_setting(session: Session, key: str) -> dict[str, Any]:
    """Remove a stored setting: the default applies again."""
    key = _check_key(key)
    session.execute(delete(Setting).where(Setting.key == key))
    return {"key": key, "value": SETTINGS[key][0]}


@dataclass
class StudyImportResult:
    """What `study import` did (or, with dry_run, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    months: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _cadres(session: Session) -> dict[str, tuple[int, bool, date | None]]:
    """code -> (id, active, registered_on) of every cadre."""
    stmt = select(Cadre.code, Cadre.id, Cadre.active, Cadre.registered_on)
    return {c: (i, a, r) for c, i, a, r in session.execute(stmt)}


class _Notes:
    """Rows that are accepted but worth a warning, counted with a few examples."""

    def __init__(self) -> None:
        self.inactive: list[str] = []
        self.inactive_n = 0
        self.unregistered: list[str] = []
        self.unregistered_n = 0
        self.late: list[str] = []
        self.late_n = 0

    def see(self, code: str, active: bool, registered_on: date | None, month: date) -> None:
        if not active:
            self.inactive_n += 1
            if len(self.inactive) < WARN_SAMPLE:
                self.inactive.append(code)
        if registered_on is None:
            self.unregistered_n += 1
            if len(self.unregistered) < WARN_SAMPLE:
                self.unregistered.append(code)
        elif registered_on > month_end(month):
            self.late_n += 1
            if len(self.late) < WARN_SAMPLE:
                self.late.append(f"{code} {month:%Y-%m}")

    def messages(self) -> list[str]:
        out = []
        if self.unregistered_n:
            out.append(f"{self.unregistered_n} row(s) for cadres with no academy registration date "
                       f"({_sample(self.unregistered, self.unregistered_n)}): kept, not checked "
                       "until the date is set")
        if self.late_n:
            out.append(f"{self.late_n} row(s) for a month before the cadre registered at the "
                       f"academy ({_sample(self.late, self.late_n)}): kept; check the dates")
        if self.inactive_n:
            out.append(f"{self.inactive_n} row(s) for deactivated cadres "
                       f"({_sample(self.inactive, self.inactive_n)}): kept")
        return out


def _sample(items: list[str], total: int) -> str:
    return ", ".join(items) + (", …" if total > len(items) else "")


#: a problem with a cell: (column, value, reason)
_Bad = tuple[str, Any, str]


@dataclass
class _Group:
    """One (platform, month) of an import, with what its rows are checked against."""

    platform: str
    month: date
    #: the month as the driver is given it (ISO text for SQLite, a date otherwise)
    value: Any
    limit: float
    last_day: date
    #: the row where each cadre id was first seen (0: not yet), to report repeats
    first_rows: array


class _Parser:
    """Checks the month and platform of study rows against the options."""

    def __init__(self, month: str | date | None, platform: str | None):
        self.month = parse_month(month, "--month") if month not in (None, "") else None
        self.platform = parse_choice(platform, PLATFORMS, "--platform") if platform else None
        self.latest = today().replace(day=1)

    def parse_month(self, raw: Any) -> date | str:
        """The month's first day, or the reason it is wrong (a str)."""
        if raw == "" or raw is None:
            if self.month is None:
                return "no month: give the 月份 (month) column a value or use --month"
            return self.month
        try:
            first = parse_month(raw, "month")
        except TrainlogError as exc:
            return str(exc).removeprefix("month: ")
        if self.month is not None and first != self.month:
            return f"is {first:%Y-%m}, not the --month {self.month:%Y-%m}"
        if first > self.latest:
            return f"{first:%Y-%m} is in the future"
        return first

    def parse_platform(self, raw: Any) -> str | tuple[str]:
        """The platform's key, or the reason it is wrong (in a 1-tuple)."""
        if raw == "" or raw is None:
            return self.platform or DEFAULT_PLATFORM
        try:
            key = parse_choice(str(raw), PLATFORMS, "platform")
        except TrainlogError as exc:
            return (str(exc).removeprefix("platform: "),)
        if self.platform is not None and key != self.platform:
            return (f"is {key}, not the --platform {self.platform}",)
        return key


def parse_hours(raw: Any, month: date | None) -> float | str:
    """Hours studied in a month: a number from 0 to 24 × the month's days, or why not (a str)."""
    text = str(raw).strip()
    if text == "":
        return "is required"
    try:
        value = float(text)
    except ValueError:
        return f"{text!r} is not a number"
    if not math.isfinite(value):
        return f"{text!r} is not a finite number"
    if value < 0:
        return "negative hours"
    if month is not None:
        limit = 24 * days_in_month(month)
        if value > limit:
            return f"more hours than {month:%Y-%m} has ({limit} = 24 × {days_in_month(month)} days)"
    return value


class _Import:
    """One import while its rows stream from the file, checked, into the database."""

    def __init__(self, session: Session, parser: _Parser, table: imp.Table, sqlite: bool):
        self.parser = parser
        self.table = table
        self.sqlite = sqlite
        self.cadres = _cadres(session)
        self.width = max((c[0] for c in self.cadres.values()), default=0) + 1
        self.chk = imp.Checker()
        self.notes = _Notes()
        self.groups: dict[tuple[str, date], _Group] = {}
        self.rows = 0
        #: rows yielded to be written
        self.records_n = 0

    def group(self, raw_platform: Any, raw_month: Any) -> _Group | list[_Bad]:
        """The group of a (platform, month) as a file writes them, or the problems with them."""
        problems = []
        key = self.parser.parse_platform(raw_platform)
        if isinstance(key, tuple):
            problems.append(("platform", raw_platform, key[0]))
        first = self.parser.parse_month(raw_month)
        if isinstance(first, str):
            problems.append(("month", raw_month, first))
        if problems:
            return problems
        assert isinstance(key, str) and isinstance(first, date)
        group = self.groups.get((key, first))
        if group is None:  # one group may be written several ways (2020-03, 2020/3; 学习强国)
            group = self.groups[(key, first)] = _Group(
                key, first, first.isoformat() if self.sqlite else first,
                24.0 * days_in_month(first), month_end(first), array("q", bytes(8 * self.width)))
        return group

    def records(self, stamp: Any, who: str) -> Iterator[tuple[Any, ...]]:
        """Check every row; yield the good ones as table rows until the first problem is seen."""
        chk, cadres, notes = self.chk, self.cadres, self.notes
        at = {c: i for i, c in enumerate(self.table.columns)}
        ci, hi, mi, pi = at["cadre"], at["hours"], at.get("month"), at.get("platform")
        by_text: dict[tuple[Any, Any], _Group | list[_Bad]] = {}
        bad = False
        for n, cells in self.table.cells("study import"):
            self.rows += 1
            row_ok = True
            code = cells[ci]
            info = cadres.get(code)
            if info is None:
                row_ok = False
                chk.add(n, "cadre", code, "is required" if code == "" else "no such cadre")
            text = (cells[pi] if pi is not None else "", cells[mi] if mi is not None else "")
            group = by_text.get(text)
            if group is None:
                group = by_text[text] = self.group(*text)
            good_group = isinstance(group, _Group)
            raw_hours = cells[hi]
            try:
                value = float(raw_hours)
            except ValueError:
                value = -1.0
            if not 0 <= value <= (group.limit if good_group else math.inf):  # NaN too
                reason = parse_hours(raw_hours, group.month if good_group else None)
                if isinstance(reason, str):
                    row_ok = False
                    chk.add(n, "hours", raw_hours, reason)
            if not good_group:
                for column, raw, why in group:
                    chk.add(n, column, raw, why)
                bad = True
                continue
            if info is None:
                bad = True
                continue
            cadre_id, active, registered_on = info
            seen = group.first_rows[cadre_id]
            if seen:
                bad = True
                chk.add(n, "cadre", code, f"listed twice for {group.platform} "
                        f"{group.month:%Y-%m} (row {seen})")
                continue
            group.first_rows[cadre_id] = n
            if not row_ok:
                bad = True
            if bad:
                continue  # nothing more is written: the import will be rolled back
            if not active or registered_on is None or registered_on > group.last_day:
                notes.see(code, active, registered_on, group.month)
            self.records_n += 1
            yield cadre_id, group.platform, group.value, value, stamp, who, stamp, who


def import_study(session: Session, path: str | Path, month: str | None = None,
                 platform: str | None = None, encoding: str | None = None,
                 dry_run: bool = False) -> StudyImportResult:
    """Import a platform's monthly export: one record per (cadre, platform, month); all or none.

    Rows are checked as they stream into the database inside a savepoint, which is rolled back
    when any row is bad (every bad row is reported) or for a dry run: no row is held in memory.
    """
    parser = _Parser(month, platform)
    table = imp.open_table(path, imp.STUDY_COLUMNS, {"cadre", "hours"}, encoding)
    savepoint = session.begin_nested()
    try:
        conn = session.connection()
        imp.tune_for_import(conn)
        job = _Import(session, parser, table, conn.dialect.name == "sqlite")
        last_id = conn.execute(select(func.max(OnlineStudy.id))).scalar() or 0
        changed = _upsert(conn, job.records(*_stamp(conn)))
        total = job.records_n
        job.chk.problems.extend(table.problems)
        job.chk.problems.sort(key=lambda p: p.row)
        job.chk.raise_if_any(str(path))
        # Ids only grow, so the records with a higher id than before are the new ones.
        created = conn.execute(select(func.count()).select_from(OnlineStudy)
                               .where(OnlineStudy.id > last_id)).scalar_one()
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    keys = list(job.groups)
    result = StudyImportResult(rows=job.rows, created=created, dry_run=dry_run,
                               months=sorted({m.strftime("%Y-%m") for _, m in keys}),
                               platforms=sorted({p for p, _ in keys}),
                               warnings=job.notes.messages())
    if changed >= 0:
        result.updated, result.unchanged = changed - created, total - changed
    else:  # the driver did not count: call every existing record updated
        result.updated = total - created
    return result


def _stamp(conn: Connection) -> tuple[Any, str]:
    """Now and who, as the driver is given them (SQLAlchemy's DateTime text in SQLite)."""
    stamp: Any = now()
    if conn.dialect.name == "sqlite":
        stamp = stamp.strftime("%Y-%m-%d %H:%M:%S.000000")
    return stamp, actor()


_UPSERT = ("INSERT INTO online_study (cadre_id, platform, month, hours, created_at, created_by, "
           "updated_at, updated_by) VALUES ({marks}) "
           "ON CONFLICT (cadre_id, platform, month) DO UPDATE SET hours = excluded.hours, "
           "updated_at = excluded.updated_at, updated_by = excluded.updated_by "
           "WHERE online_study.hours <> excluded.hours")


def _upsert(conn: Connection, rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert or update online_study rows; how many were inserted or changed (-1: unknown).

    INSERT … ON CONFLICT … DO UPDATE reads the same in SQLite (3.24+) and PostgreSQL, and keeps
    a replaced record's created_at. SQLite's driver takes the generator itself, in the
    transaction the session began; other drivers get it in chunks.
    """
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = _UPSERT.format(marks=", ".join([mark] * 8))
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, rows)
            return cursor.rowcount
        finally:
            cursor.close()
    changed = 0
    while True:
        batch = list(islice(rows, CHUNK))
        if not batch:
            return changed
        count = conn.exec_driver_sql(sql, batch).rowcount
        changed = -1 if count is None or count < 0 or changed < 0 else changed + count


def add_study(session: Session, code: str, month: str, hours: str | float,
              platform: str | None = None) -> dict[str, Any]:
    """Record one cadre's hours on a platform in a month, replacing what was recorded."""
    parser = _Parser(None, None)
    problems: list[Problem] = []
    code_ = str(code).strip()
    row = session.execute(select(Cadre.id, Cadre.active, Cadre.registered_on)
                          .where(Cadre.code == code_)).first()
    if row is None:
        problems.append(Problem(0, "cadre", code_, "no such cadre"))
    first = parser.parse_month(str(month).strip())
    if isinstance(first, str):
        problems.append(Problem(0, "--month", month, first))
        first = None
    key = parse_choice(platform, PLATFORMS, "--platform") if platform else DEFAULT_PLATFORM
    value = parse_hours(hours, first)
    if isinstance(value, str):
        problems.append(Problem(0, "--hours", hours, value))
    if problems:
        raise TrainlogError("; ".join(str(p) for p in problems))
    assert row is not None and first is not None and not isinstance(value, str)
    cadre_id, active, registered_on = row
    previous = session.scalar(select(OnlineStudy.hours).where(
        OnlineStudy.cadre_id == cadre_id, OnlineStudy.platform == key, OnlineStudy.month == first))
    notes = _Notes()
    notes.see(code_, active, registered_on, first)
    conn = session.connection()
    month_value = first.isoformat() if conn.dialect.name == "sqlite" else first
    stamp, who = _stamp(conn)
    _upsert(conn, iter([(cadre_id, key, month_value, value, stamp, who, stamp, who)]))
    return {"cadre": code_, "platform": key, "month": first.strftime("%Y-%m"), "hours": value,
            "previous": previous, "warnings": notes.messages()}


def cadre_study(session: Session, code: str, year: int | None = None) -> list[dict[str, Any]]:
    """A cadre's online study hours by month and platform (for `cadre show`)."""
    stmt = (select(OnlineStudy.month, OnlineStudy.platform, OnlineStudy.hours)
            .join(Cadre, Cadre.id == OnlineStudy.cadre_id)
            .where(Cadre.code == code.strip())
            .order_by(OnlineStudy.month, OnlineStudy.platform))
    if year is not None:
        if not 1 <= year <= 9999:
            raise TrainlogError(f"--year: {year} is not a year")
        stmt = stmt.where(OnlineStudy.month.between(date(year, 1, 1), date(year, 12, 31)))
    return [{"month": m.strftime("%Y-%m"), "platform": p, "hours": round(h, 1)}
            for m, p, h in session.execute(stmt)]
