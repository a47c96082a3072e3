"""Many offices in one PostgreSQL database: one office's commands against the same office alone.

    python benchmarks/offices.py --db postgresql+psycopg://SUPERUSER:PW@HOST:PORT/postgres
                                 [--offices 100] [--repeat 5] [--keep]

Builds two databases on the server (dropped again unless --keep):

  shared  a province office `prov` with N district offices below it (d001 … dNNN), each holding
          the benchmark's district data set (benchmarks/generate.py: 378 branches, 1,000 cadres,
          500 sessions, 10,000 attendance rows, 12,000 study rows): N x 10,000 attendance rows.
          d001 is loaded through `trainlog … import`; the others are copies of it made in SQL.
  alone   the district data set in its own database, its only office d050.

Then times, as fresh processes (median of --repeat), each command a district runs, as a login
role granted d050 (so row-level security applies, as for any office role), in the shared
database against the alone one; and the province's `report --year 2020 --by office` as a role
granted `prov` read-only. Targets (issue 16): one office's `report --month` within 1.2x of the
office alone; the province's roll-up under 2 s. The JSON of every command is compared between
the two databases too (ids left out).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
ROLE, PROVINCE = "bench_office_d050", "bench_office_prov"
PASSWORD = "bench-password"
#: The commands a district runs, timed in both databases.
COMMANDS = [
    ["report", "--month", "2020-04"],
    ["report", "--year", "2020"],
    ["report", "--year", "2020", "--by", "branch"],
    ["compliance", "--month", "2020-04"],
    ["coverage", "--year", "2020"],
    ["session", "list", "--month", "2020-04"],
    ["cadre", "list"],
    ["branch", "list"],
]
#: Copies of one office's records into another, in SQL (ids remapped by code and ref).
COPY = [
    "INSERT INTO branch (office_id, code, name, township, active, created_at, created_by, "
    "updated_at, updated_by) SELECT %(o)s, code, name, township, active, created_at, created_by, "
    "updated_at, updated_by FROM branch WHERE office_id = %(src)s",
    "INSERT INTO cadre (office_id, code, name, unit, level, branch_id, top_leader, poverty_cadre, "
    "party_member, registered_on, active, created_at, created_by, updated_at, updated_by) "
    "SELECT %(o)s, c.code, c.name, c.unit, c.level, nb.id, c.top_leader, c.poverty_cadre, "
    "c.party_member, c.registered_on, c.active, c.created_at, c.created_by, c.updated_at, "
    "c.updated_by FROM cadre c LEFT JOIN branch b ON b.id = c.branch_id "
    "LEFT JOIN branch nb ON nb.office_id = %(o)s AND nb.code = b.code "
    "WHERE c.office_id = %(src)s",
    "INSERT INTO training_session (office_id, ref, date, track, kind, topic, title, hours, "
    "branch_id, headcount, attendee_count, void, void_reason, voided_at, voided_by, created_at, "
    "created_by, updated_at, updated_by) "
    "SELECT %(o)s, s.ref, s.date, s.track, s.kind, s.topic, s.title, s.hours, nb.id, "
    "s.headcount, s.attendee_count, s.void, s.void_reason, s.voided_at, s.voided_by, "
    "s.created_at, s.created_by, s.updated_at, "
    "s.updated_by FROM training_session s LEFT JOIN branch b ON b.id = s.branch_id "
    "LEFT JOIN branch nb ON nb.office_id = %(o)s AND nb.code = b.code "
    "WHERE s.office_id = %(src)s",
    "INSERT INTO attendance (office_id, session_id, cadre_id, hours, created_at, created_by) "
    "SELECT %(o)s, ns.id, nc.id, a.hours, a.created_at, a.created_by FROM attendance a "
    "JOIN training_session s ON s.id = a.session_id JOIN cadre c ON c.id = a.cadre_id "
    "JOIN training_session ns ON ns.office_id = %(o)s AND ns.ref = s.ref "
    "JOIN cadre nc ON nc.office_id = %(o)s AND nc.code = c.code WHERE a.office_id = %(src)s",
    "INSERT INTO online_study (office_id, cadre_id, platform, month, hours, created_at, "
    "created_by, updated_at, updated_by) SELECT %(o)s, nc.id, o.platform, o.month, o.hours, "
    "o.created_at, o.created_by, o.updated_at, o.updated_by FROM online_study o "
    "JOIN cadre c ON c.id = o.cadre_id JOIN cadre nc ON nc.office_id = %(o)s "
    "AND nc.code = c.code WHERE o.office_id = %(src)s",
    "INSERT INTO plan (office_id, year, scope, target, deadline, created_at, created_by, "
    "updated_at, updated_by) SELECT %(o)s, year, scope, target, deadline, created_at, "
    "created_by, updated_at, updated_by FROM plan WHERE office_id = %(src)s",
]


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_db(url: str, name: str, user: str | None = None, password: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url).set(database=name)
    if user is not None:
        u = u.set(username=user, password=password)
    return u.render_as_string(hide_password=False)


def trainlog(url: str, *args: str, office: str | None = None, check: bool = True,
             ) -> subprocess.CompletedProcess[str]:
    pre = ["--office", office] if office else []
    env = {**os.environ, "TRAINLOG_DB": url, "TRAINLOG_TODAY": "2020-12-31"}
    done = subprocess.run([sys.executable, "-m", "trainlog", *pre, *args], env=env,
                          capture_output=True, text=True, timeout=3600)
    if check and done.returncode not in (0, 3):
        raise SystemExit(f"trainlog {' '.join(args)}: {done.stderr}")
    return done


def load(url: str, data: Path, office: str) -> None:
    trainlog(url, "branch", "import", str(data / "branches.csv"), office=office)
    trainlog(url, "cadre", "import", str(data / "cadres.csv"), office=office)
    trainlog(url, "session", "import", str(data / "sessions.csv"), office=office)
    trainlog(url, "study", "import", str(data / "study.csv"), office=office)
    trainlog(url, "plan", "set", "2020", "--target", "2000", office=office)


def timed(url: str, args: list[str], repeat: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = trainlog(url, *args, "--format", "json")
        times.append(time.perf_counter() - start)
        out = done.stdout
    return statistics.median(times), out


def without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("id",)}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a superuser's URL on the server")
    parser.add_argument("--offices", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args(argv)

    import psycopg

    data = HERE / "data" / "district"
    generate.ensure("district", data)
    su = psycopg.connect(libpq(args.db), autocommit=True)
    names = {"shared": f"bench_offices_{os.getpid()}", "alone": f"bench_alone_{os.getpid()}"}
    for role in (ROLE, PROVINCE):
        su.execute(f"DROP ROLE IF EXISTS {role}")
        su.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    try:
        for name in names.values():
            su.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        shared, alone = (with_db(args.db, names[k]) for k in ("shared", "alone"))
        started = time.perf_counter()
        target = f"d{min(50, args.offices):03d}"  # the office timed
        trainlog(alone, "init", "--office", target, "--office-name", "第50区")
        load(alone, data, target)
        trainlog(alone, "office", "grant", ROLE, target)
        trainlog(shared, "init", "--office", "prov", "--office-name", "某省")
        codes = [f"d{i:03d}" for i in range(1, args.offices + 1)]
        for code in codes:
            trainlog(shared, "office", "add", code, f"第{int(code[1:])}区", "--parent", "prov")
        load(shared, data, "d001")
        # prepare_threshold=None: each copy planned for its own office (a generic plan of a
        # prepared statement joins the growing tables badly)
        with psycopg.connect(libpq(shared), autocommit=True, prepare_threshold=None) as conn:
            ids = dict(conn.execute("SELECT code, id FROM office").fetchall())
            for code in codes[1:]:
                params = {"o": ids[code], "src": ids["d001"]}
                with conn.transaction():
                    for statement in COPY[:3]:
                        conn.execute(statement, params)
                # the new office's cadres and sessions known to the planner before they are
                # joined (estimated as none, a nested loop over them takes minutes)
                conn.execute("ANALYZE cadre, training_session")
                with conn.transaction():
                    for statement in COPY[3:]:
                        conn.execute(statement, params)
            conn.execute("VACUUM ANALYZE")
            rows = conn.execute("SELECT count(*) FROM attendance").fetchone()[0]
        with psycopg.connect(libpq(alone), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        trainlog(shared, "office", "grant", ROLE, target)
        trainlog(shared, "office", "grant", PROVINCE, "prov", "--read-only")
        print(f"loaded {args.offices} offices, {rows:,} attendance rows in all, in "
              f"{time.perf_counter() - started:.0f} s")

        as_office = {k: with_db(args.db, names[k], ROLE, PASSWORD) for k in names}
        print(f"\n{'command (as the office role of d050)':<44} {'shared':>8} {'alone':>8} "
              f"{'ratio':>6}  same JSON")
        worst = 0.0
        for command in COMMANDS:
            t_shared, out_shared = timed(as_office["shared"], command, args.repeat)
            t_alone, out_alone = timed(as_office["alone"], command, args.repeat)
            same = without_ids(json.loads(out_shared)) == without_ids(json.loads(out_alone))
            ratio = t_shared / t_alone
            worst = max(worst, ratio) if command[:2] == ["report", "--month"] else worst
            print(f"{' '.join(command):<44} {t_shared:>7.3f}s {t_alone:>7.3f}s {ratio:>5.2f}x  "
                  f"{'yes' if same else 'NO'}")
        province = with_db(args.db, names["shared"], PROVINCE, PASSWORD)
        t_by, out_by = timed(province, ["report", "--year", "2020", "--by", "office"],
                             args.repeat)
        n_rows = len(json.loads(out_by)["rows"])
        print(f"\nreport --year 2020 --by office (the province, {n_rows} rows): {t_by:.3f} s "
              f"(target < 2 s: {'pass' if t_by < 2 else 'FAIL'})")
        print(f"report --month 2020-04, shared / alone: {worst:.2f}x "
              f"(target <= 1.2x: {'pass' if worst <= 1.2 else 'FAIL'})")
    finally:
        if not args.keep:
            for name in names.values():
                su.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (ROLE, PROVINCE):
                su.execute(f"DROP ROLE IF EXISTS {role}")
        su.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
