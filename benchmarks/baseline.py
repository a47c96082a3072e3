"""The raw baselines: the same loads and aggregates as trainlog, with only `csv` and `sqlite3`.

    python benchmarks/baseline.py DB init
    python benchmarks/baseline.py DB load-registry DATA_DIR     (branches.csv, cadres.csv)
    python benchmarks/baseline.py DB load-sessions sessions.csv
    python benchmarks/baseline.py DB load-study study.csv
    python benchmarks/baseline.py DB init-lean
    python benchmarks/baseline.py DB load-sessions-lean sessions.csv
    python benchmarks/baseline.py DB load-study-lean study.csv
    python benchmarks/baseline.py DB load-sessions-schema sessions.csv   (DB: prepared by trainlog)
    python benchmarks/baseline.py DB load-study-schema study.csv
    python benchmarks/baseline.py DB report --year 2020 --by month
    python benchmarks/baseline.py DB report --month 2020-04
    python benchmarks/baseline.py DB compliance --month 2020-04
    python benchmarks/baseline.py DB coverage --year 2020

Each step is meant to run as its own fresh process (run.py times it from the outside). A load
streams the file through `csv`, maps codes to integer ids with dicts, and writes with
`executemany` in one transaction (a session is inserted at the first row of its ref). The
schema has the constraints and indexes trainlog's has (natural keys unique, foreign keys on,
WAL, synchronous=NORMAL), so the two do the same work. The aggregates print JSON with the keys
of trainlog's `--format json` output, so run.py can check that both computed the same figures.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS branch (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    township TEXT
);
CREATE INDEX IF NOT EXISTS ix_branch_township ON branch (township);
CREATE TABLE IF NOT EXISTS cadre (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT,
    level TEXT,
    branch_id INTEGER REFERENCES branch (id),
    top_leader INTEGER NOT NULL,
    poverty_cadre INTEGER NOT NULL,
    party_member INTEGER NOT NULL,
    registered_on TEXT,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS ix_cadre_branch_id ON cadre (branch_id);
CREATE TABLE IF NOT EXISTS session (
    id INTEGER PRIMARY KEY,
    ref TEXT UNIQUE,
    date TEXT NOT NULL,
    track TEXT NOT NULL,
    kind TEXT,
    topic TEXT,
    title TEXT NOT NULL,
    hours REAL NOT NULL,
    branch_id INTEGER REFERENCES branch (id),
    headcount INTEGER NOT NULL DEFAULT 0,
    void INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_session_date_track ON session (date, track, void);
CREATE INDEX IF NOT EXISTS ix_session_branch_id ON session (branch_id);
CREATE TABLE IF NOT EXISTS attendance (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES session (id),
    cadre_id INTEGER NOT NULL REFERENCES cadre (id),
    hours REAL NOT NULL,
    UNIQUE (session_id, cadre_id)
);
CREATE INDEX IF NOT EXISTS ix_attendance_cadre ON attendance (cadre_id);
CREATE TABLE IF NOT EXISTS online_study (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES cadre (id),
    platform TEXT NOT NULL,
    month TEXT NOT NULL,  -- the first day of the month, YYYY-MM-01
    hours REAL NOT NULL,
    UNIQUE (cadre_id, platform, month)
);
CREATE INDEX IF NOT EXISTS ix_study_month ON online_study (month, platform);
"""

#: The lean floor of the imports (figure 7): the registry as above, but the session table
#: without constraints or indexes, attendance with just (session_id, cadre_id, hours) and
#: study with its four columns, no foreign keys; the unique keys are built after the load.
LEAN_SCHEMA = SCHEMA.split("CREATE TABLE IF NOT EXISTS session")[0] + """
CREATE TABLE IF NOT EXISTS session (
    id INTEGER PRIMARY KEY,
    ref TEXT,
    date TEXT NOT NULL,
    track TEXT NOT NULL,
    kind TEXT,
    topic TEXT,
    title TEXT NOT NULL,
    hours REAL NOT NULL,
    branch_id INTEGER,
    headcount INTEGER NOT NULL DEFAULT 0,
    void INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attendance (
    session_id INTEGER NOT NULL,
    cadre_id INTEGER NOT NULL,
    hours REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS online_study (
    cadre_id INTEGER NOT NULL,
    platform TEXT NOT NULL,
    month TEXT NOT NULL,
    hours REAL NOT NULL
);
"""
LEAN_SESSION_KEYS = """
CREATE UNIQUE INDEX ux_session_ref ON session (ref);
CREATE UNIQUE INDEX ux_attendance ON attendance (session_id, cadre_id);
"""
LEAN_STUDY_KEYS = "CREATE UNIQUE INDEX ux_study ON online_study (cadre_id, platform, month);"

TRACKS = ("policy", "video", "special")
TRUE = {"1", "true", "yes", "是"}


#: The page cache of a load, in KiB: trainlog's imports set the same
#: (trainlog.store.sql.IMPORT_CACHE_KIB).
IMPORT_CACHE_KIB = 32_768


def connect(db: Path) -> sqlite3.Connection:
    """A connection with trainlog's pragmas; transactions are explicit."""
    con = sqlite3.connect(db, isolation_level=None, timeout=30)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA foreign_keys = ON")
    return con


@contextmanager
def csv_rows(path: Path) -> Iterator[tuple[dict[str, int], Iterator[list[str]]]]:
    """The column positions and the data rows of a UTF-8 CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        yield {name: i for i, name in enumerate(next(reader))}, reader


def init(con: sqlite3.Connection) -> None:
    con.executescript(SCHEMA)


def load_registry(con: sqlite3.Connection, data: Path) -> None:
    """branches.csv and cadres.csv, in one transaction (preparation, not timed)."""
    con.execute("BEGIN IMMEDIATE")
    with csv_rows(data / "branches.csv") as (c, rows):
        con.executemany("INSERT INTO branch (code, name, township) VALUES (?, ?, ?)",
                        ((r[c["code"]], r[c["name"]], r[c["township"]] or None) for r in rows))
    branch_ids = dict(con.execute("SELECT code, id FROM branch"))
    with csv_rows(data / "cadres.csv") as (c, rows):
        con.executemany(
            "INSERT INTO cadre (code, name, unit, level, branch_id, top_leader, poverty_cadre,"
            " party_member, registered_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((r[c["code"]], r[c["name"]], r[c["unit"]] or None, r[c["level"]] or None,
              branch_ids.get(r[c["branch"]]), r[c["top_leader"]] in TRUE,
              r[c["poverty_cadre"]] in TRUE, r[c["party_member"]] in TRUE,
              r[c["registered_on"]] or None) for r in rows))
    con.execute("COMMIT")


def session_fields(r: list[str], c: dict[str, int], branch_ids: dict[str, int]) -> tuple:
    """A session's fields from the first row of its ref: (ref, date, track, kind, topic, title,
    hours, branch_id, headcount)."""
    return (r[c["ref"]], r[c["date"]], r[c["track"]], r[c["kind"]] or None,
            r[c["topic"]] or None, r[c["title"]], float(r[c["hours"]] or 0),
            branch_ids.get(r[c["branch"]]), int(r[c["headcount"]] or 0))


def attendance_rows(c: dict[str, int], rows: Iterator[list[str]], cadre_ids: dict[str, int],
                    branch_ids: dict[str, int], new_session: Callable[[tuple], int]
                    ) -> Iterator[tuple[int, int, float]]:
    """(session_id, cadre_id, hours) of each row of sessions.csv that names a cadre; at the first
    row of each ref, `new_session(session_fields(...))` writes or keeps the session and gives
    its id."""
    sessions: dict[str, tuple[int, float]] = {}  # ref -> (id, hours)
    ref_i, cadre_i = c["ref"], c["cadre"]
    for r in rows:
        session = sessions.get(r[ref_i])
        if session is None:
            fields = session_fields(r, c, branch_ids)
            session = sessions[fields[0]] = (new_session(fields), fields[6])
        if r[cadre_i]:
            yield session[0], cadre_ids[r[cadre_i]], session[1]


def load_sessions(con: sqlite3.Connection, path: Path) -> int:
    """sessions.csv: a session from the first row of each ref, an attendance from every row."""
    branch_ids = dict(con.execute("SELECT code, id FROM branch"))
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre"))

    def new_session(fields: tuple) -> int:
        return con.execute(
            "INSERT INTO session (ref, date, track, kind, topic, title, hours, branch_id,"
            " headcount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", fields).lastrowid or 0

    con.execute("BEGIN IMMEDIATE")
    with csv_rows(path) as (c, rows):
        cur = con.executemany(
            "INSERT INTO attendance (session_id, cadre_id, hours) VALUES (?, ?, ?)",
            attendance_rows(c, rows, cadre_ids, branch_ids, new_session))
    con.execute("COMMIT")
    return cur.rowcount


def load_study(con: sqlite3.Connection, path: Path) -> int:
    """study.csv: one online_study row per cadre, platform and month."""
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre"))
    con.execute("BEGIN IMMEDIATE")
    with csv_rows(path) as (c, rows):
        cadre_i, hours_i, platform_i, month_i = c["cadre"], c["hours"], c["platform"], c["month"]
        cur = con.executemany(
            "INSERT INTO online_study (cadre_id, platform, month, hours) VALUES (?, ?, ?, ?)",
            ((cadre_ids[r[cadre_i]], r[platform_i] or "academy", r[month_i] + "-01",
              float(r[hours_i])) for r in rows))
    con.execute("COMMIT")
    return cur.rowcount


def load_sessions_lean(con: sqlite3.Connection, path: Path) -> int:
    """sessions.csv into the lean schema: ids assigned in Python, the sessions and the
    attendance rows each with one executemany, in one transaction, no foreign keys; the
    unique keys (session ref, attendance (session_id, cadre_id)) built after the rows."""
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    branch_ids = dict(con.execute("SELECT code, id FROM branch"))
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre"))
    session_rows: list[tuple] = []

    def new_session(fields: tuple) -> int:
        session_rows.append((len(session_rows) + 1, *fields))
        return len(session_rows)

    con.execute("BEGIN IMMEDIATE")
    with csv_rows(path) as (c, rows):
        cur = con.executemany(
            "INSERT INTO attendance (session_id, cadre_id, hours) VALUES (?, ?, ?)",
            attendance_rows(c, rows, cadre_ids, branch_ids, new_session))
    count = cur.rowcount
    con.executemany(
        "INSERT INTO session (id, ref, date, track, kind, topic, title, hours, branch_id,"
        " headcount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", session_rows)
    for statement in LEAN_SESSION_KEYS.strip().splitlines():
        con.execute(statement)
    con.execute("COMMIT")
    return count


def load_study_lean(con: sqlite3.Connection, path: Path) -> int:
    """study.csv into the lean online_study table, its unique key built after the rows."""
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre"))
    con.execute("BEGIN IMMEDIATE")
    with csv_rows(path) as (c, rows):
        cadre_i, hours_i, platform_i, month_i = c["cadre"], c["hours"], c["platform"], c["month"]
        cur = con.executemany(
            "INSERT INTO online_study (cadre_id, platform, month, hours) VALUES (?, ?, ?, ?)",
            ((cadre_ids[r[cadre_i]], r[platform_i] or "academy", r[month_i] + "-01",
              float(r[hours_i])) for r in rows))
    count = cur.rowcount
    con.execute(LEAN_STUDY_KEYS)
    con.execute("COMMIT")
    return count


def _plain_indexes(con: sqlite3.Connection, table: str) -> list[str]:
    """The CREATE statements of a table's plain (not unique) indexes."""
    return [sql for (sql,) in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
        " AND sql NOT LIKE 'CREATE UNIQUE%'", (table,))]


@contextmanager
def _indexes_rebuilt(con: sqlite3.Connection, table: str) -> Iterator[None]:
    """The table's plain indexes dropped for the rows written inside, built again after, as
    trainlog's imports do for a first large load (trainlog.store.sql.indexes_after)."""
    made = _plain_indexes(con, table)
    for sql in made:
        con.execute("DROP INDEX " + sql.split(" ON ")[0].split()[-1])
    yield
    for sql in made:
        con.execute(sql)


def _stamp() -> tuple[str, str]:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), "bench"


def load_sessions_schema(con: sqlite3.Connection, path: Path) -> int:
    """sessions.csv into trainlog's own schema, in a database trainlog prepared (init, branch
    import, cadre import: one office), doing only what that schema asks of any writer: the
    office's ids, the audit columns, every foreign key checked and unique key kept, the plain
    indexes built after the rows (as trainlog does for a first load), and the log row of each
    new session, committed as trainlog commits (synchronous = FULL). No row is checked and the
    log names no attendee: the floor of trainlog's import on its schema, against which the lean
    load shows what the schema itself costs."""
    con.execute("PRAGMA synchronous = FULL")
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    (office,) = con.execute("SELECT id FROM office").fetchone()
    branch_ids = dict(con.execute("SELECT code, id FROM branch WHERE office_id = ?", (office,)))
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre WHERE office_id = ?", (office,)))
    (last,) = con.execute("SELECT coalesce(max(id), 0) FROM training_session").fetchone()
    stamp, who = _stamp()
    # the file read first, then written: a session must be in before its attendance (its
    # foreign key), and one executemany of the sessions is faster than an INSERT at each new
    # ref (0.4 s at 300,000 rows)
    sessions: list[list] = []  # the sessions' rows: id, office, session_fields, void, ...

    def new_session(fields: tuple) -> int:
        sessions.append([last + len(sessions) + 1, office, *fields, False, 0, stamp, who,
                         stamp, who])
        return sessions[-1][0]

    with csv_rows(path) as (c, rows):
        attendance = list(attendance_rows(c, rows, cadre_ids, branch_ids, new_session))
    named = Counter(s for s, _, _ in attendance)
    for session in sessions:
        session[12] = named[session[0]]  # attendee_count
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO training_session (id, office_id, ref, date, track, kind, topic, title, hours,"
        " branch_id, headcount, void, attendee_count, created_at, created_by, updated_at,"
        " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sessions)
    with _indexes_rebuilt(con, "attendance"):
        cur = con.executemany(
            "INSERT INTO attendance (session_id, cadre_id, hours, office_id, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?)",
            ((s, k, h, office, stamp, who) for s, k, h in attendance))
    count = cur.rowcount
    con.executemany(
        "INSERT INTO change_log (office_id, at, user_name, kind, key, action, changes)"
        " VALUES (?, ?, ?, 'session', ?, 'create', ?)",
        ((office, stamp, who, s[2], json.dumps(
            {"date": [None, s[3]], "track": [None, s[4]], "title": [None, s[7]],
             "hours": [None, s[8]]}, ensure_ascii=False)) for s in sessions))
    con.execute("COMMIT")
    return count


def load_study_schema(con: sqlite3.Connection, path: Path) -> int:
    """study.csv into trainlog's own schema (see load_sessions_schema): office, audit columns,
    foreign keys and the unique key kept, the month index built after the rows."""
    con.execute("PRAGMA synchronous = FULL")
    con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    (office,) = con.execute("SELECT id FROM office").fetchone()
    cadre_ids = dict(con.execute("SELECT code, id FROM cadre WHERE office_id = ?", (office,)))
    stamp, who = _stamp()
    con.execute("BEGIN IMMEDIATE")
    with csv_rows(path) as (c, rows), _indexes_rebuilt(con, "online_study"):
        cadre_i, hours_i, platform_i, month_i = c["cadre"], c["hours"], c["platform"], c["month"]
        cur = con.executemany(
            "INSERT INTO online_study (cadre_id, platform, month, hours, office_id, created_at,"
            " created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((cadre_ids[r[cadre_i]], r[platform_i] or "academy", r[month_i] + "-01",
              float(r[hours_i]), office, stamp, who, stamp, who) for r in rows))
    count = cur.rowcount
    con.execute("COMMIT")
    return count


def period(year: int | None, month: str | None) -> dict[str, str]:
    """The period of `--year YYYY` or `--month YYYY-MM`."""
    if month:
        y, m = (int(part) for part in month.split("-"))
        last = calendar.monthrange(y, m)[1]
        return {"from": f"{y}-{m:02d}-01", "to": f"{y}-{m:02d}-{last:02d}", "label": month}
    return {"from": f"{year}-01-01", "to": f"{year}-12-31", "label": str(year)}


NAMED = """
SELECT {key}, count(*), count(DISTINCT a.cadre_id), sum(a.hours)
FROM attendance a JOIN session s ON s.id = a.session_id
WHERE s.date BETWEEN :start AND :end AND NOT s.void
GROUP BY 1
"""
UNNAMED = """
SELECT {key}, count(*), sum(s.headcount), sum(s.headcount * s.hours)
FROM session s
WHERE s.date BETWEEN :start AND :end AND NOT s.void
GROUP BY 1
"""
MONTH = "CAST(strftime('%m', s.date) AS INTEGER)"


def figures(con: sqlite3.Connection, key: str, span: dict[str, str]) -> dict[object, dict]:
    """Sessions, person-times, people and hours per value of `key` (a SQL expression)."""
    params = {"start": span["from"], "end": span["to"]}
    out: dict[object, dict] = {}
    for value, sessions, headcount, head_hours in con.execute(UNNAMED.format(key=key), params):
        out[value] = {"sessions": sessions, "person_times": headcount, "people": 0,
                      "hours": head_hours}
    for value, named, people, hours in con.execute(NAMED.format(key=key), params):
        row = out[value]
        row["person_times"] += named
        row["people"] = people
        row["hours"] += hours
    for row in out.values():
        row["hours"] = round(row["hours"], 1)
    return out


def report(con: sqlite3.Connection, year: int | None, month: str | None,
           by: str | None) -> dict:
    """`trainlog report`: per track and in total, and per month with `--by month`."""
    span = period(year, month)
    empty = {"sessions": 0, "person_times": 0, "people": 0, "hours": 0.0}
    per_track = figures(con, "s.track", span)
    tracks = [{"track": t, **per_track.get(t, empty)} for t in TRACKS]
    total = figures(con, "'all'", span).get("all", empty)
    result: dict[str, object] = {"period": span, "tracks": tracks, "total": total, "plan": None}
    if by == "month":
        result["rows"] = [{"month": f"{span['from'][:4]}-{m:02d}", **row}
                          for m, row in sorted(figures(con, MONTH, span).items())]
    return result


COMPLIANCE = """
WITH checked AS (
    SELECT id, code, name, branch_id,
           CASE WHEN registered_on < :year_start THEN 1
                ELSE CAST(strftime('%m', registered_on) AS INTEGER) END AS first_month
    FROM cadre WHERE active AND registered_on IS NOT NULL AND registered_on <= :end
), monthly AS (
    SELECT cadre_id, month, sum(hours) AS hours
    FROM online_study WHERE month BETWEEN :year_start AND :end
    GROUP BY cadre_id, month
)
SELECT k.code, k.name, b.code,
       coalesce(sum(CASE WHEN m.month >= :start THEN m.hours END), 0) AS period_hours,
       coalesce(sum(m.hours), 0),
       :end_month - k.first_month + 1 - count(CASE WHEN m.hours >= :min_month
           AND CAST(strftime('%m', m.month) AS INTEGER) >= k.first_month THEN 1 END)
FROM checked k
LEFT JOIN monthly m ON m.cadre_id = k.id
LEFT JOIN branch b ON b.id = k.branch_id
GROUP BY k.id
HAVING period_hours < :required
ORDER BY period_hours, k.code
"""
COUNTS = """
SELECT count(*) FILTER (WHERE party_member),
       count(*) FILTER (WHERE party_member AND registered_on <= :end),
       count(*) FILTER (WHERE registered_on <= :end)
FROM cadre WHERE active
"""


def compliance(con: sqlite3.Connection, year: int | None, month: str | None,
               min_month: float = 5.0, min_year: float = 60.0) -> dict:
    """`trainlog compliance`: registered cadres short of the online-study hours."""
    span = period(year, month)
    start_month, end_month = int(span["from"][5:7]), int(span["to"][5:7])
    required = min_year if month is None else min_month * (end_month - start_month + 1)
    params = {"start": span["from"], "end": span["to"], "year_start": span["from"][:4] + "-01-01",
              "end_month": end_month, "min_month": min_month, "required": required}
    party, registered, checked = con.execute(COUNTS, params).fetchone()
    short = [{"cadre": code, "name": name, "branch": branch, "hours": round(hours, 1),
              "required": required, "year_to_date": round(ytd, 1), "months_short": months}
             for code, name, branch, hours, ytd, months in con.execute(COMPLIANCE, params)]
    return {"period": span, "min_month": min_month, "min_year": min_year,
            "party_members": party, "registered": registered,
            "registration_coverage": round(registered / party, 4) if party else None,
            "checked": checked, "short_count": len(short), "short": short}


COVERAGE = """
SELECT b.code, b.name, b.township, count(s.id)
FROM branch b
LEFT JOIN session s ON s.branch_id = b.id AND s.track = 'video' AND NOT s.void
    AND s.date BETWEEN :start AND :end
GROUP BY b.id
ORDER BY b.code
"""


def coverage(con: sqlite3.Connection, year: int | None, month: str | None) -> dict:
    """`trainlog coverage`: video sessions held by each branch, and the branches with none."""
    span = period(year, month)
    counts = con.execute(COVERAGE, {"start": span["from"], "end": span["to"]}).fetchall()
    rows = [{"branch": code, "name": name, "township": township, "sessions": n}
            for code, name, township, n in counts if n]
    return {"period": span, "branches": len(counts), "with_sessions": len(rows),
            "coverage": round(len(rows) / len(counts), 4) if counts else None,
            "sessions": sum(row["sessions"] for row in rows), "rows": rows,
            "without": [code for code, _, _, n in counts if not n]}


#: The ranks the benchmark gives the generated cadres (their files have none), from the level
#: and the id: a district's cadres county-level, a township's section or staff, a village's
#: village; every 50th none. The same UPDATE ranks trainlog's database (run.py, figure 3).
RANK_RULE = ("CASE WHEN id % 50 = 0 THEN NULL WHEN level = 'district' THEN 'county' "
             "WHEN level = 'township' AND id % 2 = 0 THEN 'section' "
             "WHEN level = 'township' THEN 'staff' WHEN level = 'village' THEN 'village' END")

HOURS = """
SELECT c.code, c.rank, coalesce(g.long_hours, 0.0), coalesce(g.year_hours, 0.0),
    coalesce(o.hours, 0.0)
FROM cadre c
LEFT JOIN (SELECT a.cadre_id AS cadre_id,
        sum(CASE WHEN s.date >= :county_start THEN a.hours ELSE 0 END) AS long_hours,
        sum(CASE WHEN s.date >= :year_start THEN a.hours ELSE 0 END) AS year_hours
    FROM attendance a JOIN session s ON s.id = a.session_id
    WHERE NOT s.void AND s.date BETWEEN :county_start AND :end GROUP BY a.cadre_id) g
    ON g.cadre_id = c.id
LEFT JOIN (SELECT cadre_id, sum(hours) AS hours FROM online_study
    WHERE month BETWEEN :year_start AND :end GROUP BY cadre_id) o ON o.cadre_id = c.id
WHERE c.active AND c.rank IN ('county', 'section', 'staff')
ORDER BY c.code
"""


def rank(con: sqlite3.Connection) -> None:
    """Give the cadres the benchmark's ranks (RANK_RULE); preparation, not timed."""
    if "rank" not in {r[1] for r in con.execute("PRAGMA table_info(cadre)")}:
        con.execute("ALTER TABLE cadre ADD COLUMN rank TEXT")
    con.execute(f"UPDATE cadre SET rank = {RANK_RULE}")


def hours(con: sqlite3.Connection, year: int) -> dict:
    """`trainlog hours --year`: the default rules (county 550 over 5 years, section and staff
    90, online 50 but village; village has no rule and is not checked)."""
    params = {"county_start": f"{year - 4}-01-01", "year_start": f"{year}-01-01",
              "end": f"{year}-12-31"}
    required = {"county": 550.0, "section": 90.0, "staff": 90.0}
    cadres = []
    for code, rank_, long_hours, year_hours, online in con.execute(HOURS, params):
        group = long_hours if rank_ == "county" else year_hours
        met = group >= required[rank_] - 1e-6 and online >= 50.0 - 1e-6
        cadres.append({"cadre": code, "rank": rank_, "group_hours": round(group, 1),
                       "online_hours": round(online, 1), "met": met})
    unranked = con.execute("SELECT count(*) FROM cadre WHERE active AND rank IS NULL").fetchone()
    met = sum(c["met"] for c in cadres)
    return {"year": year, "checked": len(cadres), "met": met, "short_count": len(cadres) - met,
            "unranked": unranked[0], "cadres": cadres}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("db", type=Path, help="the SQLite file")
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("init", help="create the raw schema")
    sub.add_parser("load-registry", help="load branches.csv and cadres.csv").add_argument(
        "data", type=Path)
    sub.add_parser("load-sessions", help="load sessions.csv").add_argument("file", type=Path)
    sub.add_parser("load-study", help="load study.csv").add_argument("file", type=Path)
    sub.add_parser("init-lean", help="create the registry and the lean import tables")
    sub.add_parser("load-sessions-lean", help="load sessions.csv into the lean tables"
                   ).add_argument("file", type=Path)
    sub.add_parser("load-study-lean", help="load study.csv into the lean table"
                   ).add_argument("file", type=Path)
    sub.add_parser("load-sessions-schema", help="load sessions.csv into trainlog's own schema "
                   "(a database trainlog prepared)").add_argument("file", type=Path)
    sub.add_parser("load-study-schema", help="load study.csv into trainlog's own schema"
                   ).add_argument("file", type=Path)
    sub.add_parser("rank", help="give the cadres the benchmark's ranks (RANK_RULE)")
    sub.add_parser("hours", help="the raw-SQL figures of `trainlog hours`").add_argument(
        "--year", type=int, required=True)
    for name in ("report", "compliance", "coverage"):
        p = sub.add_parser(name, help=f"the raw-SQL figures of `trainlog {name}`")
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--year", type=int)
        group.add_argument("--month", help="YYYY-MM")
        if name == "report":
            p.add_argument("--by", choices=["month"])
    args = parser.parse_args(argv)

    con = connect(args.db)
    if args.step == "init":
        init(con)
    elif args.step == "init-lean":
        con.executescript(LEAN_SCHEMA)
    elif args.step == "load-sessions-lean":
        print(load_sessions_lean(con, args.file), "attendance rows", file=sys.stderr)
    elif args.step == "load-study-lean":
        print(load_study_lean(con, args.file), "study rows", file=sys.stderr)
    elif args.step == "load-sessions-schema":
        print(load_sessions_schema(con, args.file), "attendance rows", file=sys.stderr)
    elif args.step == "load-study-schema":
        print(load_study_schema(con, args.file), "study rows", file=sys.stderr)
    elif args.step == "load-registry":
        load_registry(con, args.data)
    elif args.step == "load-sessions":
        print(load_sessions(con, args.file), "attendance rows", file=sys.stderr)
    elif args.step == "load-study":
        print(load_study(con, args.file), "study rows", file=sys.stderr)
    elif args.step == "rank":
        rank(con)
    elif args.step == "hours":
        print(json.dumps(hours(con, args.year), ensure_ascii=False))
    elif args.step == "report":
        print(json.dumps(report(con, args.year, args.month, args.by), ensure_ascii=False))
    elif args.step == "compliance":
        print(json.dumps(compliance(con, args.year, args.month), ensure_ascii=False))
    else:
        print(json.dumps(coverage(con, args.year, args.month), ensure_ascii=False))
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
