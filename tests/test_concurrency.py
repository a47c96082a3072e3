"""Several writers on one SQLite file: the write lock up front, waiting, WAL readers, no record lost."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import trainlog.store.database as tdb
from trainlog.errors import DatabaseBusy
from trainlog.store.database import Database, retrying

#: The stress test: WRITERS processes at once, each running COMMANDS `trainlog add-session`.
WRITERS = 8
COMMANDS = int(os.environ.get("TRAINLOG_STRESS_COMMANDS", "100"))
#: The same with one `python -m trainlog` process per command: LAUNCHES per writer (slower: each
#: start costs ~0.6 s of CPU, so 8 x 100 takes minutes on two cores; raise it to soak-test).
LAUNCHES = int(os.environ.get("TRAINLOG_STRESS_LAUNCHES", "5"))
CADRES = 60


@pytest.fixture(autouse=True)
def _cli_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer rebuilds the click command on every CliRunner.invoke (0.1 s); build it once."""
    import typer.testing

    if hasattr(typer.testing, "_get_command"):
        built = _built_command()
        monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)


@functools.cache
def _built_command():  # type: ignore[no-untyped-def]
    import typer.testing

    from trainlog.cli import app

    return typer.testing._get_command(app)


def count(path: str | Path, sql: str) -> Any:
    """One value of a query, on a SQLite file or a PostgreSQL URL (TRAINLOG_TEST_DB)."""
    if "://" in str(path):
        return _server_query(str(path), sql)
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _server_query(url: str, sql: str) -> Any:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def registry(cli, db: Database, tmp_path: Path, write_csv) -> str:
    """Branches and cadres, so sessions can name attendees."""
    for b in ("B001", "B002", "B003"):
        assert cli("branch", "add", b, f"第{b}党支部").exit_code == 0
    path = write_csv(tmp_path / "cadres.csv", ["code", "name", "branch", "registered_on"],
                     [[f"G{i:03d}", f"干部{i}", f"B00{1 + i % 3}", "2019-01-01"]
                      for i in range(1, CADRES + 1)])
    assert cli("cadre", "import", path).exit_code == 0
    return db.location  # a SQLite file's path, or a PostgreSQL URL


def hold_lock(path: str, seconds: float, ready: threading.Event) -> None:
    """Another process's writer: takes the write lock and keeps it for a while."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO setting (office_id, key, value) VALUES (1, 'compliance.min_month', '3')")
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


#: SQLite's write lock, taken and held with the sqlite3 module (PostgreSQL's advisory lock is
#: tested in test_postgres.py).
sqlite_lock = pytest.mark.sqlite_only("SQLite's file lock (PostgreSQL's: test_postgres.py)")


@sqlite_lock
class TestLocking:
    def test_sqlite_settings(self, db: Database) -> None:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == tdb.BUSY_TIMEOUT_MS
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL

    def test_write_lock_is_taken_up_front(self, registry: str) -> None:
        db = Database(registry)
        other = sqlite3.connect(registry, isolation_level=None, timeout=0)
        try:
            # Not one statement run yet, and the lock is held: no late upgrade can deadlock.
            with db.connect(write=True), pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")  # released at the end of the transaction
            other.execute("ROLLBACK")
            with db.connect():
                other.execute("BEGIN IMMEDIATE")  # a reading connection takes no write lock
                other.execute("ROLLBACK")
        finally:
            other.close()
            db.dispose()

    def test_reader_never_blocks_a_writer(self, cli, registry: str) -> None:
        reader = sqlite3.connect(registry, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM training_session").fetchone()[0] == 0
            started = time.monotonic()
            result = cli("add-session", "--date", "2020-04-01", "--track", "policy", "--title",
                         "会", "--attendee", "G001,G002", "--ref", "R-1")
            assert result.exit_code == 0, result.stderr
            assert time.monotonic() - started < 5, "the writer did not wait for the reader"
            # The reader keeps its snapshot; a new transaction sees the write.
            assert reader.execute("SELECT count(*) FROM training_session").fetchone()[0] == 0
            reader.execute("COMMIT")
            assert reader.execute("SELECT count(*) FROM training_session").fetchone()[0] == 1
        finally:
            reader.close()

    def test_writer_waits_for_another_writer(self, cli, registry: str) -> None:
        ready = threading.Event()
        holder = threading.Thread(target=hold_lock, args=(registry, 1.5, ready))
        holder.start()
        try:
            assert ready.wait(10)
            started = time.monotonic()
            result = cli("add-session", "--date", "2020-04-01", "--track", "video", "--title",
                         "远程教育", "--headcount", "9", "--ref", "R-2")
            waited = time.monotonic() - started
        finally:
            holder.join()
        assert result.exit_code == 0, result.stderr
        assert waited >= 1.0, "it waited for the lock instead of failing"
        assert count(registry, "SELECT count(*) FROM training_session WHERE ref = 'R-2'") == 1

    def test_begin_is_retried_when_the_timeout_runs_out(self, cli, registry: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tdb, "BUSY_TIMEOUT_MS", 300)
        ready = threading.Event()
        holder = threading.Thread(target=hold_lock, args=(registry, 0.5, ready))
        holder.start()
        try:
            assert ready.wait(10)
            result = cli("add-session", "--date", "2020-04-01", "--track", "policy", "--title",
                         "会", "--headcount", "3", "--ref", "R-3")
        finally:
            holder.join()
        assert result.exit_code == 0, result.stderr
        assert count(registry, "SELECT count(*) FROM training_session WHERE ref = 'R-3'") == 1

    def test_busy_database_is_a_clear_message(self, cli, registry: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tdb, "BUSY_TIMEOUT_MS", 200)
        before = count(registry, "SELECT count(*) FROM training_session")
        ready = threading.Event()
        holder = threading.Thread(target=hold_lock, args=(registry, 3.0, ready))
        holder.start()
        try:
            assert ready.wait(10)
            result = cli("add-session", "--date", "2020-04-01", "--track", "policy", "--title",
                         "会", "--headcount", "3", "--ref", "R-4")
            listing = cli("session", "list", "--format", "json")
        finally:
            holder.join()
        assert result.exit_code == 1
        said = " ".join(result.stderr.split())
        assert "is busy" in said and "nothing was written" in said and "locked" not in said
        assert result.stdout == ""
        assert listing.exit_code == 0, "reading is not blocked by the stuck writer"
        assert count(registry, "SELECT count(*) FROM training_session") == before


class _Conflict(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(f"could not serialize access ({sqlstate})")
        self.sqlstate = sqlstate


def _db_error(sqlstate: str) -> Exception:
    from sqlalchemy.exc import OperationalError

    return OperationalError("UPDATE …", {}, _Conflict(sqlstate))


class TestWriteRetries:
    """`retrying` runs a whole write transaction again when the database aborted it for a
    conflict (PostgreSQL): `db.connect(write=True)` inside the call, as the CLI's `command`
    wrapper runs each command."""

    def test_serialization_failures_are_retried_then_committed_once(self, registry: str) -> None:
        from trainlog.registry import add_branch

        db = Database(registry)
        calls = []

        def work() -> str:
            with db.connect(write=True) as conn:
                calls.append(1)
                add_branch(conn, "B900", "重试")
                if len(calls) < 3:
                    raise _db_error("40001" if len(calls) == 1 else "40P01")
                return "done"

        assert retrying(work) == "done"
        db.dispose()
        assert len(calls) == 3
        assert count(registry, "SELECT count(*) FROM branch WHERE code = 'B900'") == 1

    def test_other_errors_are_not_retried(self, registry: str) -> None:
        db = Database(registry)
        calls = []

        def work() -> None:
            with db.connect(write=True):
                calls.append(1)
                raise _db_error("23505")

        from sqlalchemy.exc import OperationalError

        with pytest.raises(OperationalError):
            retrying(work)
        db.dispose()
        assert len(calls) == 1

    def test_gives_up_after_the_attempts(self, registry: str) -> None:
        """The last conflict becomes `retrying`'s clear message, not the driver's error."""
        db = Database(registry)
        calls = []

        def work() -> None:
            with db.connect(write=True):
                calls.append(1)
                raise _db_error("40001")

        with pytest.raises(DatabaseBusy, match=r"SQLSTATE 40001, 3 times\); nothing was written"):
            retrying(work, attempts=3)
        db.dispose()
        assert len(calls) == 3


def trainlog(*args: Any, db: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m trainlog ARGS` as a separate process."""
    env = {**os.environ, "TRAINLOG_DB": db}
    return subprocess.run([sys.executable, "-m", "trainlog", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)


#: A writer process: runs each command of a JSON file (a list of argument lists) through
#: trainlog's console entry point; each run closes its database when it ends, as a finished
#: process does.
WRITER = """
import json, sys
from trainlog.cli import main

codes = []
for args in json.load(open(sys.argv[1], encoding="utf-8")):
    sys.argv = ["trainlog", *args]
    try:
        main()
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code or 0)
sys.stderr.flush()
print(json.dumps(codes), file=sys.__stdout__)
"""


def writer_args(w: int, k: int) -> tuple[list[str], int, int]:
    """The k-th add-session of writer w: its arguments, named attendees and headcount."""
    named = 1 + (w + k) % 4
    codes = [f"G{1 + (w * 7 + k + j * 13) % CADRES:03d}" for j in range(named)]
    headcount = k % 3
    track = ("policy", "video", "special")[k % 3]
    args = ["add-session", "--date", f"2020-{1 + k % 12:02d}-{1 + w:02d}", "--track", track,
            "--title", f"写入者{w} 第{k}次", "--hours", str(0.5 + k % 4), "--attendee",
            ",".join(codes), "--ref", f"W{w}-{k:03d}", "--branch", f"B00{1 + w % 3}"]
    if headcount:
        args += ["--headcount", str(headcount)]
    return args, named, headcount


def expected(writers: int, commands: int) -> tuple[int, int]:
    """Named attendances and headcounts the writers' sessions hold."""
    named = heads = 0
    for w in range(writers):
        for k in range(commands):
            _, n, h = writer_args(w, k)
            named, heads = named + n, heads + h
    return named, heads


def assert_all_there(path: str, sessions: int, named: int, heads: int) -> None:
    """Every writer's session exactly once, each with its attendance, and db check clean."""
    assert count(path, "SELECT count(*) FROM training_session WHERE ref LIKE 'W%'") == sessions
    assert count(path, "SELECT count(DISTINCT ref) FROM training_session "
                 "WHERE ref LIKE 'W%'") == sessions
    assert count(path, "SELECT sum(attendee_count) FROM training_session "
                 "WHERE ref LIKE 'W%'") == named
    assert count(path, "SELECT sum(headcount) FROM training_session WHERE ref LIKE 'W%'") == heads
    assert count(path, "SELECT count(*) FROM attendance a JOIN training_session s "
                 "ON s.id = a.session_id WHERE s.ref LIKE 'W%'") == named
    check = trainlog("db", "check", "--format", "json", db=path)
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout)["ok"] is True


class LongReader(threading.Thread):
    """A reader that keeps a transaction open a second at a time, all along."""

    def __init__(self, path: str):
        super().__init__()
        self.path, self.stop, self.reads = path, threading.Event(), []

    def run(self) -> None:
        if "://" in self.path:
            return self._run_on_server()
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            while not self.stop.is_set():
                conn.execute("BEGIN")
                n = conn.execute("SELECT count(*) FROM training_session").fetchone()[0]
                self.stop.wait(1)
                conn.execute("COMMIT")
                self.reads.append(n)
        finally:
            conn.close()

    def _run_on_server(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.path)
        try:
            with engine.connect() as conn:
                while not self.stop.is_set():
                    with conn.begin():
                        query = "SELECT count(*) FROM training_session"
                        n = conn.execute(text(query)).scalar()
                        self.stop.wait(1)
                    self.reads.append(n)
        finally:
            engine.dispose()


@pytest.mark.slow
class TestManyWriters:
    def test_eight_writers_and_imports_lose_nothing(self, registry: str, tmp_path: Path,
                                                    write_csv) -> None:
        study = [write_csv(tmp_path / f"study-{m}.csv", ["cadre", "hours"],
                           [[f"G{i:03d}", str((i * m) % 20 + 0.5)] for i in range(1, CADRES + 1)])
                 for m in (1, 2, 3)]
        rosters = [write_csv(tmp_path / f"roster-{f}.csv",
                             ["ref", "date", "track", "title", "hours", "cadre"],
                             [[f"IMP{f}-{r}", "2020-06-15", "special", "导入班", "6",
                               f"G{c:03d}"] for r in range(5) for c in range(1, 21)])
                   for f in (1, 2)]
        others = [["study", "import", study[0], "--month", "2020-01"],
                  ["session", "import", rosters[0]],
                  ["study", "import", study[1], "--month", "2020-02"],
                  ["report", "--year", "2020", "--format", "json"],
                  ["session", "import", rosters[1]],
                  ["study", "import", study[2], "--month", "2020-03"],
                  ["session", "list", "--format", "json"]]
        reader = LongReader(registry)
        started = time.monotonic()
        reader.start()
        env = {**os.environ, "TRAINLOG_DB": registry}
        jobs = []
        for w in range(WRITERS):
            jobs.append(tmp_path / f"writer-{w}.json")
            jobs[-1].write_text(json.dumps([writer_args(w, k)[0] for k in range(COMMANDS)]),
                                encoding="utf-8")
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(job)], env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for job in jobs]
        try:
            done_others = []
            for args in others:  # separate processes, while the writers write
                done_others.append(trainlog(*args, db=registry))
            outputs = [proc.communicate(timeout=900) for proc in writers]
        finally:
            for proc in writers:
                if proc.poll() is None:
                    proc.kill()
            reader.stop.set()
            reader.join()
        elapsed = time.monotonic() - started

        for proc, (out, err) in zip(writers, outputs, strict=True):
            assert proc.returncode == 0, err[-2000:]
            codes = json.loads(out.strip().splitlines()[-1])
            assert codes == [0] * COMMANDS, err[-2000:]
            assert err == "", err[-2000:]
        for args, r in zip(others, done_others, strict=True):
            assert r.returncode == 0, (args, r.stderr)
            assert "Traceback" not in r.stderr and "locked" not in r.stderr
        named, heads = expected(WRITERS, COMMANDS)
        assert_all_there(registry, WRITERS * COMMANDS, named, heads)
        assert count(registry, "SELECT count(*) FROM training_session WHERE ref LIKE 'IMP%'") == 10
        assert count(registry, "SELECT count(*) FROM attendance a JOIN training_session s "
                     "ON s.id = a.session_id WHERE s.ref LIKE 'IMP%'") == 200
        assert count(registry, "SELECT count(*) FROM online_study") == 3 * CADRES
        assert reader.reads == sorted(reader.reads) and len(reader.reads) >= 2
        sys.stderr.write(f"\n{WRITERS} writer processes x {COMMANDS} add-session, with 7 imports "
                         f"and reports beside: {WRITERS * COMMANDS} sessions, {named} "
                         f"attendances, {heads} headcount, all there once; {elapsed:.1f} s; "
                         f"reader transactions {len(reader.reads)}\n")

    def test_one_process_per_command(self, registry: str) -> None:
        reader = LongReader(registry)
        results: list[subprocess.CompletedProcess[str]] = []
        lock = threading.Lock()

        def write(w: int) -> None:
            for k in range(LAUNCHES):
                done = trainlog(*writer_args(w, k)[0], db=registry)
                with lock:
                    results.append(done)

        started = time.monotonic()
        reader.start()
        try:
            with ThreadPoolExecutor(WRITERS) as pool:
                list(pool.map(write, range(WRITERS)))
        finally:
            reader.stop.set()
            reader.join()
        elapsed = time.monotonic() - started
        assert len(results) == WRITERS * LAUNCHES
        bad = [(r.returncode, r.stderr) for r in results if r.returncode != 0 or r.stderr]
        assert not bad, bad[:3]
        named, heads = expected(WRITERS, LAUNCHES)
        assert_all_there(registry, WRITERS * LAUNCHES, named, heads)
        sys.stderr.write(f"\n{WRITERS} writers x {LAUNCHES} `python -m trainlog add-session` "
                         f"processes: {WRITERS * LAUNCHES} sessions, {named} attendances, all "
                         f"there once; {elapsed:.1f} s\n")

    def test_racing_for_the_same_records_counts_each_once(self, registry: str, tmp_path: Path,
                                                          write_csv) -> None:
        """Writers racing to add the same refs and import the same roster: each record once."""
        roster = write_csv(tmp_path / "same.csv", ["ref", "date", "track", "title", "cadre"],
                           [[f"SAME-{r}", "2020-07-01", "video", "同一名单", f"G{c:03d}"]
                            for r in range(4) for c in range(1, 31)])
        refs = [f"RACE-{k}" for k in range(12)]
        jobs = []
        for w in range(4):
            mine = refs[w * 3:] + refs[:w * 3]  # every writer tries every ref, in its own order
            commands = [["add-session", "--date", "2020-07-02", "--track", "policy", "--title",
                         f"抢先 {w}", "--attendee", f"G{1 + w:03d}", "--ref", ref] for ref in mine]
            commands.insert(w, ["session", "import", str(roster)])
            jobs.append(tmp_path / f"race-{w}.json")
            jobs[-1].write_text(json.dumps(commands), encoding="utf-8")
        env = {**os.environ, "TRAINLOG_DB": registry}
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(job)], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for job in jobs]
        outputs = [p.communicate(timeout=600) for p in procs]
        added = Counter()
        for w, (proc, (out, err)) in enumerate(zip(procs, outputs, strict=True)):
            assert proc.returncode == 0, err[-2000:]
            codes = json.loads(out.strip().splitlines()[-1])
            assert codes[w] == 0, "every import of the same roster succeeds"
            del codes[w]
            assert set(codes) <= {0, 1}, codes
            assert "Traceback" not in err and "locked" not in err
            assert err.count("has this ref already") == codes.count(1), err[-2000:]
            mine = refs[w * 3:] + refs[:w * 3]
            added.update(ref for ref, code in zip(mine, codes, strict=True) if code == 0)
        assert added == Counter({ref: 1 for ref in refs}), "each ref added by one writer only"
        assert count(registry, "SELECT count(*) FROM training_session "
                     "WHERE ref LIKE 'RACE-%'") == 12
        assert count(registry, "SELECT count(*) FROM attendance a JOIN training_session s "
                     "ON s.id = a.session_id WHERE s.ref LIKE 'RACE-%'") == 12
        assert count(registry, "SELECT count(*) FROM training_session "
                     "WHERE ref LIKE 'SAME-%'") == 4
        assert count(registry, "SELECT count(*) FROM attendance a JOIN training_session s "
                     "ON s.id = a.session_id WHERE s.ref LIKE 'SAME-%'") == 120
        check = trainlog("db", "check", "--format", "json", db=registry)
        assert check.returncode == 0, check.stdout
