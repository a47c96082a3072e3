"""Crash safety: a large import, an upgrade or a backup killed (SIGKILL) at many points.

After each kill the database passes `db check` and holds the whole import or none of it (the old
or the new state for a replacing import); running the command again then succeeds.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import trainlog.store.database as tdb
from trainlog.store.checks import run_checks
from trainlog.store.database import HEAD, Database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only("kills processes writing a SQLite file (a killed import on "
                            "PostgreSQL: test_postgres.py)"),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]

CADRES = 2000
REFS = 100
ROWS = CADRES * REFS  # 200,000 attendance rows
#: Kill points as shares of a full import's time, measured first in the same run.
SHARES = [0.05, 0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9]
#: Kill points as bytes the write-ahead log holds: certainly in the middle of writing.
WAL_MARKS = [256 * 1024, 4 << 20, 12 << 20]


def trainlog(*args: Any, db: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainlog", "--db", str(db), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def start(*args: Any, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "trainlog", "--db", str(db),
                             *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wal_size(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except OSError:
        return 0


def kill_at(proc: subprocess.Popen[str], db: Path, seconds: float | None = None,
            wal: int | None = None, limit: float = 600) -> int | None:
    """SIGKILL `proc` after `seconds`, or once the WAL holds `wal` bytes; the WAL's size then.

    None when the process finished first (no kill happened).
    """
    began = time.monotonic()
    while proc.poll() is None:
        size = wal_size(db)
        late = seconds is not None and time.monotonic() - began >= seconds
        if late or (wal is not None and size >= wal):
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return size
        if time.monotonic() - began > limit:
            proc.kill()
            raise AssertionError("the process neither finished nor was killed")
        time.sleep(0.005)
    proc.communicate()
    return None


def state(db: Path) -> tuple[int, int, float | None]:
    """(sessions, attendance rows, average attendance hours), read as a new user would."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT (SELECT count(*) FROM training_session), count(*), "
                            "avg(hours) FROM attendance").fetchone()
    finally:
        conn.close()


def checked(db: Path) -> dict[str, Any]:
    """`db check` after the crash: every check passes."""
    database = Database(str(db))
    try:
        report = run_checks(database)
    finally:
        database.dispose()
    assert report["ok"], [c for c in report["checks"] if not c["ok"]]
    return report


def write_roster(path: Path, hours: str, keep: int = CADRES) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ref", "date", "track", "kind", "title", "hours", "branch", "cadre"])
        for r in range(REFS):
            for c in range(keep):
                out.writerow([f"R{r:03d}", f"2020-{1 + r % 12:02d}-15", "policy", "meeting",
                              f"第{r}次会议", hours, "", f"G{c:05d}"])
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database with 2,000 cadres, and rosters of 200,000 attendances (and a changed one)."""
    root = tmp_path_factory.mktemp("crash")
    db = root / "base.db"
    cadres = root / "cadres.csv"
    with cadres.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["code", "name"])
        out.writerows([f"G{c:05d}", f"干部{c}"] for c in range(CADRES))
    assert trainlog("init", db=db).returncode == 0
    done = trainlog("cadre", "import", cadres, db=db)
    assert done.returncode == 0, done.stderr
    return {"db": db, "roster": write_roster(root / "roster.csv", "2"),
            "changed": write_roster(root / "changed.csv", "3", keep=CADRES * 9 // 10)}


def fresh(base: dict[str, Path], tmp_path: Path, name: str) -> Path:
    db = tmp_path / f"{name}.db"
    restore(base["db"], db)
    return db


def restore(source: Path, db: Path) -> None:
    """Put a copy of `source` in place of `db` (no process has it open)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, db)


def report(line: str) -> None:
    sys.stderr.write(f"\n{line}\n")


class TestKilledImport:
    def test_new_import_is_all_or_nothing(self, base: dict[str, Path], tmp_path: Path) -> None:
        # The full import, timed, and how its write-ahead log grew.
        db = fresh(base, tmp_path, "timed")
        proc = start("session", "import", base["roster"], db=db)
        began, first_write, peak = time.monotonic(), None, 0
        while proc.poll() is None:
            size = wal_size(db)
            if size and first_write is None:
                first_write = time.monotonic() - began
            peak = max(peak, size)
            time.sleep(0.005)
        took = time.monotonic() - began
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert state(db)[:2] == (REFS, ROWS)

        # Each kill on the database the previous one left behind (crash after crash), until an
        # import got through: then a fresh copy, so that the next kill meets a new import again.
        db = fresh(base, tmp_path, "killed")
        outcomes: Counter[str] = Counter()
        points = [("time", s * took) for s in SHARES] + [("wal", m) for m in WAL_MARKS
                                                         if m < peak]
        for kind, at in points:
            proc = start("session", "import", base["roster"], db=db)
            size = kill_at(proc, db, seconds=at if kind == "time" else None,
                           wal=int(at) if kind == "wal" else None)
            if size is None:
                outcomes["finished before the kill"] += 1
                restore(base["db"], db)
                continue
            checked(db)
            sessions, rows, _ = state(db)
            assert (sessions, rows) in ((0, 0), (REFS, ROWS)), (kind, at, sessions, rows)
            phase = "while writing" if size else "before writing"
            outcomes[f"killed {phase}, {'all' if rows else 'none'} kept"] += 1
            if rows:
                restore(base["db"], db)
        again = trainlog("session", "import", base["roster"], db=db)
        assert again.returncode == 0, again.stderr
        assert state(db)[:2] == (REFS, ROWS)
        checked(db)
        killed = sum(n for k, n in outcomes.items() if k.startswith("killed"))
        assert killed >= 6, outcomes
        assert sum(n for k, n in outcomes.items() if "while writing" in k) >= 2, outcomes
        report(f"new import of {ROWS:,} rows ({took:.1f} s, writing from "
               f"{first_write or 0:.1f} s, WAL up to {peak / 2**20:.0f} MB): {dict(outcomes)}")

    def test_replacing_import_is_old_or_new(self, base: dict[str, Path], tmp_path: Path) -> None:
        db = fresh(base, tmp_path, "replace")
        assert trainlog("session", "import", base["roster"], db=db).returncode == 0
        shutil.copyfile(db, tmp_path / "full.db")
        old = (REFS, ROWS, 2.0)
        new = (REFS, ROWS * 9 // 10, 3.0)
        # The replacing import, timed on a copy, so that the kills land inside it on any machine
        # (fixed times of 1, 2.5 and 4 s all fell after the end on a fast one).
        timed = tmp_path / "timed.db"
        shutil.copyfile(db, timed)
        began = time.monotonic()
        assert trainlog("session", "import", base["changed"], db=timed).returncode == 0
        took = time.monotonic() - began
        outcomes: Counter[str] = Counter()
        for kind, at in [("time", 0.3 * took), ("wal", 256 * 1024), ("time", 0.6 * took),
                         ("wal", 4 << 20), ("time", 0.85 * took)]:
            proc = start("session", "import", base["changed"], db=db)
            size = kill_at(proc, db, seconds=at if kind == "time" else None,
                           wal=int(at) if kind == "wal" else None)
            if size is None:
                outcomes["finished before the kill"] += 1
                assert state(db) == new
                restore(tmp_path / "full.db", db)
                continue
            checked(db)
            now = state(db)
            assert now in (old, new), (kind, at, now)
            outcomes[f"killed {'while' if size else 'before'} writing, "
                     f"{'new' if now == new else 'old'} kept"] += 1
            if now == new:
                restore(tmp_path / "full.db", db)
        again = trainlog("session", "import", base["changed"], db=db)
        assert again.returncode == 0, again.stderr
        assert state(db) == new
        checked(db)
        assert sum(n for k, n in outcomes.items() if k.startswith("killed")) >= 3, outcomes
        report(f"replacing import (200,000 -> 180,000 rows, hours 2 -> 3): {dict(outcomes)}")


class TestKilledMaintenance:
    def test_killed_upgrade_leaves_one_revision_or_the_other(self, base: dict[str, Path],
                                                             tmp_path: Path) -> None:
        from alembic import command

        from test_migrations import alembic_config

        db = fresh(base, tmp_path, "upgrade")
        assert trainlog("session", "import", base["roster"], db=db).returncode == 0
        engine = tdb._make_engine(tdb.to_url(str(db)))
        with engine.execution_options(trainlog_write=True, trainlog_migrate=True).begin() as conn:
            command.downgrade(alembic_config(conn), tdb.REVISIONS[0])
        engine.dispose()
        shutil.copyfile(db, tmp_path / "old.db")
        outcomes: Counter[str] = Counter()
        for kind, at in (("time", 0.5), ("wal", 64 * 1024), ("wal", 1 << 20), ("time", 3.0)):
            restore(tmp_path / "old.db", db)
            for leftover in db.parent.glob("*.bak"):
                leftover.unlink()
            size = kill_at(start("db", "upgrade", db=db), db,
                           seconds=at if kind == "time" else None,
                           wal=int(at) if kind == "wal" else None)
            conn = sqlite3.connect(db)
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                                  "WHERE type = 'index'")}
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
            assert revision in (tdb.REVISIONS[0], HEAD)
            assert ("ix_attendance_session_cover" in indexes) == (revision == HEAD)
            assert state(db)[:2] == (REFS, ROWS)
            outcomes[f"{'killed' if size is not None else 'finished'}, at {revision}"] += 1
            again = trainlog("db", "upgrade", db=db)
            assert again.returncode == 0, again.stderr
            checked(db)
        report(f"upgrade {tdb.REVISIONS[0]} -> {HEAD} of {ROWS:,} rows: {dict(outcomes)}")

    def test_killed_backup_never_leaves_a_half_copy(self, base: dict[str, Path],
                                                    tmp_path: Path) -> None:
        db = fresh(base, tmp_path, "backup")
        assert trainlog("session", "import", base["roster"], db=db).returncode == 0
        outcomes: Counter[str] = Counter()
        for k, at in enumerate((0.3, 0.7, 1.0, 1.5)):
            dest = tmp_path / f"copy-{k}.db"
            size = kill_at(start("db", "backup", dest, db=db), db, seconds=at)
            if dest.exists():
                conn = sqlite3.connect(dest)
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                assert conn.execute("SELECT count(*) FROM attendance").fetchone()[0] == ROWS
                conn.close()
            outcomes[f"{'killed' if size is not None else 'finished'}, "
                     f"{'a whole copy' if dest.exists() else 'no copy'}"] += 1
            done = trainlog("db", "backup", dest, "--force", "--format", "json", db=db)
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["integrity"] == "ok"
        checked(db)
        report(f"backup of {ROWS:,} rows: {dict(outcomes)}")
