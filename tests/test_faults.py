"""The faults of issue 21: each ends in one clear line and an exit code the README documents,
never a traceback, a wrong "nothing written", a raw driver error or a password.

Classes: values at the edges of the calendar, input files that are not files, database
locations (read-only, passwords, empty, in memory), backups onto devices, damaged databases,
driver errors (a full disk, a read-only role), export, and Ctrl-C around the commit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trainlog.store.database import Database

sqlite_only = pytest.mark.sqlite_only


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def refused(result: Any, *messages: str) -> str:
    """Exit 1, nothing on stdout, one line on stderr holding each message."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    for m in messages:
        assert m in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def registry(cli, db: Database) -> Database:
    ok(cli("cadre", "add", "G001", "张伟"))
    ok(cli("cadre", "add", "G002", "王芳"))
    return db


def sessions(cli) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("session", "list", "--format", "json")))


class TestValues:
    @pytest.mark.parametrize("command", [["report"], ["compliance"], ["session", "list"],
                                         ["coverage"]])
    def test_last_month_before_the_first_month(self, cli, registry: Database,
                                               command: list[str]) -> None:
        """Today in January of year 1: `--month last` is a clear message (was OverflowError)."""
        r = cli(*command, "--month", "last", env={"TRAINLOG_TODAY": "0001-01-15"})
        refused(r, "--month: 'last': there is no month before 0001-01")

    def test_year_one_and_9999_are_labelled_and_counted(self, cli, registry: Database,
                                                        tmp_path: Path) -> None:
        r = cli("report", "--format", "json", env={"TRAINLOG_TODAY": "0001-01-15"})
        assert json.loads(ok(r))["period"]["label"] == "0001-01"  # was "1-01"
        assert json.loads(ok(cli("report", "--year", "1", "--format", "json")))["period"][
            "label"] == "0001"
        by_month = json.loads(ok(cli("report", "--year", "9999", "--by", "month", "--format",
                                     "json")))  # was ValueError: year 10000 is out of range
        assert [r["month"] for r in by_month["rows"]][-1] == "9999-12"
        assert "wrote" in ok(cli("export", tmp_path / "y.xlsx", "--year", "9999"))
        assert "wrote" in ok(cli("export", tmp_path / "y.xlsx", "--year", "1"))

    def test_minus_zero_hours_is_zero(self, cli, registry: Database) -> None:
        ok(cli("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
               "--hours", "-0", "--attendee", "G001"))
        assert str(sessions(cli)[0]["hours"]) == "0.0"
        said = ok(cli("study", "add", "G001", "--month", "2020-04", "--hours", "-0"))
        assert said == "recorded G001 2020-04 academy: 0 hours\n"  # was "-0 hours"


def trainlog(*args: Any, db: str | Path | None = None, timeout: float = 60,
             **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`python -m trainlog ARGS…` as a user runs it (TRAINLOG_DB from the test's environment)."""
    extra = ["--db", str(db)] if db is not None else []
    return subprocess.run([sys.executable, "-m", "trainlog", *extra, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def one_line(r: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The process exited `code` with one line on stderr, no traceback."""
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "unexpected error" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    return r.stderr


class TestInputFiles:
    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos (POSIX)")
    def test_a_fifo_or_a_device_is_refused_not_read(self, registry: Database,
                                                    tmp_path: Path) -> None:
        """A fifo hung the import forever, /dev/zero ended in MemoryError."""
        fifo = tmp_path / "cadres.csv"
        os.mkfifo(fifo)
        for command in (["cadre", "import"], ["branch", "import"], ["session", "import"],
                        ["study", "import", "--month", "2020-04"], ["survey", "import"]):
            for given in (fifo, Path("/dev/zero")):
                said = one_line(trainlog(*command[:2], given, *command[2:], timeout=30))
                assert f"{given}: not a regular file" in said
        r = trainlog("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
                     "--attendees-file", fifo, timeout=30)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert f"--attendees-file: {fifo}: not a regular file" in r.stderr

    def test_big5_is_not_taken_for_gb18030(self, cli, registry: Database, tmp_path: Path,
                                           write_csv) -> None:
        """Big5 bytes decode as GB18030 into mojibake; the import asks for --encoding."""
        rows = [["G101", "張偉", "城關鎮機關黨支部"], ["G102", "李強", "東城鄉人民政府"]]
        big5 = write_csv(tmp_path / "big5.csv", ["code", "name", "unit"], rows, encoding="big5")
        said = refused(cli("cadre", "import", big5), "--encoding")
        assert "not UTF-8, and read as GB18030 its text is unlikely Chinese" in said
        assert len(said.splitlines()) == 1
        assert "G101" not in ok(cli("cadre", "list"))
        ok(cli("cadre", "import", big5, "--encoding", "big5"))
        listed = json.loads(ok(cli("cadre", "list", "--format", "json")))
        assert {c["code"]: c["name"] for c in listed}["G101"] == "張偉"
        # GB18030 of plain Chinese, rare names and all, is still detected as such
        gb = write_csv(tmp_path / "gb.csv", ["编号", "姓名", "单位"],
                       [["G103", "朱镕基", "城关镇机关党支部"], ["G104", "王堃", "东城乡人民政府"],
                        ["G105", "李强", "乡村振兴办公室"]], encoding="gb18030")
        ok(cli("cadre", "import", gb))
        listed = json.loads(ok(cli("cadre", "list", "--format", "json")))
        assert {c["code"]: c["name"] for c in listed}["G104"] == "王堃"


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def quiet_copy(source: str | Path, dest: Path) -> Path:
    """A one-file copy of a SQLite database (its WAL folded in, journal_mode DELETE)."""
    src = sqlite3.connect(source)
    out = sqlite3.connect(dest)
    src.backup(out)
    out.execute("PRAGMA journal_mode = DELETE")
    out.close()
    src.close()
    return dest


@pytest.fixture
def populated(cli, registry: Database, tmp_path: Path, write_csv) -> Path:
    """Some sessions with attendance, a plan and study hours, in the test's SQLite file."""
    rows = [[f"R{r}", "2020-04-03", "policy", f"会议{r}", "2", c]
            for r in range(20) for c in ("G001", "G002")]
    ok(cli("session", "import", write_csv(tmp_path / "s.csv",
                                          ["ref", "date", "track", "title", "hours", "cadre"],
                                          rows)))
    ok(cli("plan", "set", "2020", "--target", "100"))
    ok(cli("study", "add", "G001", "--month", "2020-04", "--hours", "6"))
    assert registry.path is not None
    return registry.path


WRITES = [["add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
           "--attendee", "G001"],
          ["cadre", "add", "G009", "新人"], ["plan", "set", "2021", "--target", "5"],
          ["session", "void", "R1", "--reason", "x"],
          ["study", "add", "G001", "--month", "2020-05", "--hours", "1"]]
READS = [["session", "list"], ["report", "--year", "2020"], ["cadre", "list"], ["db", "check"],
         ["db", "info", "--format", "json"], ["compliance", "--month", "2020-04"]]


@sqlite_only("SQLite files opened read-only")
class TestReadOnly:
    def test_mode_ro_reads_and_refuses_every_write(self, cli, populated: Path) -> None:
        """?mode=ro was ignored: writes went through, with a SQLAlchemy warning."""
        url = f"sqlite:///{populated}?mode=ro"
        quiet_copy(populated, populated.with_name("one.db"))
        (populated.with_name("one.db")).replace(populated)  # no -wal: the file is all of it
        before = sha256(populated)
        for args in READS:
            r = cli("--db", url, *args)
            assert r.exit_code == 0, (args, r.stderr)
            assert "Warning" not in r.stderr
        for args in WRITES:
            said = refused(cli("--db", url, *args))
            assert said == (f"the database {populated} is read-only (it is opened with "
                            "?mode=ro): nothing was written\n")
        assert sha256(populated) == before

    def test_reading_never_changes_a_file(self, cli, populated: Path, tmp_path: Path) -> None:
        """db check of a backup switched it to WAL: its checksum changed."""
        backup = tmp_path / "backup.db"
        ok(cli("db", "backup", backup))
        before = sha256(backup)
        for args in READS:
            r = cli("--db", backup, *args)
            assert r.exit_code == 0, (args, r.stderr)
        assert sha256(backup) == before
        conn = sqlite3.connect(backup)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()
        assert not Path(f"{backup}-wal").exists()
        # the first write to a copy put back in use makes it WAL again, as before
        ok(cli("--db", backup, *WRITES[1]))
        conn = sqlite3.connect(backup)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()

    @pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
    @pytest.mark.parametrize("what", ["file", "folder", "media"])
    def test_a_read_only_file_folder_or_medium(self, populated: Path, what: str) -> None:
        """Writes failed as 'unexpected error: attempt to write a readonly database'; in a
        read-only folder even `report` and `db check` failed. A file or folder that this user
        cannot write (skipped as root, who may write anything), or a read-only file system (a
        tmpfs remounted read-only: root only)."""
        import shutil
        import stat
        import tempfile

        root = os.geteuid() == 0
        if (what == "media") != root:
            pytest.skip("as root, permissions do not hold: a read-only mount instead" if root
                        else "a read-only mount needs root")
        folder = Path(tempfile.mkdtemp(prefix="trainlog-ro-"))
        mounted = False
        try:
            if what == "media":
                mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                                          str(folder)], capture_output=True).returncode == 0
                if not mounted:
                    pytest.skip("cannot mount a tmpfs here")
            dbs = {}
            for kind in ("wal", "backup"):
                db = dbs[kind] = folder / f"{kind}.db"
                if kind == "wal":  # WAL mode, as a database in use is, its WAL folded in
                    shutil.copyfile(populated, db)
                    conn = sqlite3.connect(db)
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    conn.close()
                    for suffix in ("-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                else:  # a backup copy: one file, journal_mode DELETE
                    quiet_copy(populated, db)
                if what == "file":
                    db.chmod(0o444)
            if what == "folder":
                folder.chmod(0o555)
            if what == "media":
                subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            why = {"file": "the file is read-only", "folder": "its folder is read-only",
                   "media": "the file is read-only"}[what]
            for kind, db in dbs.items():
                before = sha256(db)
                for args in READS:
                    r = trainlog(*args, db=db)
                    assert r.returncode == 0, (kind, args, r.stderr)
                for args in WRITES:
                    said = one_line(trainlog(*args, db=db))
                    assert f"the database {db} is read-only ({why}" in said, said
                assert sha256(db) == before
            # nothing beside them; a WAL file read in a writable folder keeps an empty -wal
            # and its -shm, which a read-only connection cannot remove (SQLite's way)
            left = {p.name: p.stat().st_size for p in folder.iterdir()}
            assert set(left) - {"wal.db-wal", "wal.db-shm"} == {"backup.db", "wal.db"}, left
            assert left.get("wal.db-wal", 0) == 0
        finally:
            if mounted:
                subprocess.run(["umount", str(folder)], check=True)
            folder.chmod(stat.S_IRWXU)
            shutil.rmtree(folder)


class TestLocations:
    @pytest.mark.parametrize("url", [
        "postgresql+psycopg://u@127.0.0.1:1/x?password=hunter2222",
        "postgresql+psycopg://u@127.0.0.1:1/x?sslmode=disable&password=hunter2222",
        "postgresql://u:hunter2222@127.0.0.1:1/x?sslpassword=hunter2222",
        "postgresql+psycopg://u@127.0.0.1:1/x?PASSWORD=hunter2222&connect_timeout=1",
    ])
    def test_a_password_is_never_printed(self, cli, url: str) -> None:
        """?password= was printed in clear by db info (text and JSON) and connection errors."""
        db = Database(url)
        assert "hunter2222" not in db.display() and "***" in db.display()
        assert "hunter2222" not in db.scrub(f"failed for {url}: password hunter2222")
        for args in (["db", "info"], ["db", "info", "--format", "json"], ["session", "list"],
                     ["init"], ["db", "check"], ["add-session", "--date", "2020-04-03",
                                                 "--track", "policy", "--title", "t",
                                                 "--headcount", "1"]):
            r = cli("--db", url, *args)
            assert r.exit_code == 1, (args, r.stdout, r.stderr)
            assert "hunter2222" not in r.stdout + r.stderr, (args, r.stderr)
            assert "***" in r.stderr

    def test_an_empty_location_is_an_error(self, cli, registry: Database,
                                           tmp_path: Path) -> None:
        """`--db ''` and TRAINLOG_DB= used the default database silently."""
        default = tmp_path / "home" / "data" / "trainlog" / "trainlog.db"
        for args in (["session", "list"], ["init"], ["cadre", "add", "G1", "x"]):
            refused(cli("--db", "", *args), "--db is empty")
            refused(cli("--db", "  ", *args), "--db is empty")
            refused(cli(*args, env={"TRAINLOG_DB": ""}), "TRAINLOG_DB is set but empty")
        assert not default.exists()

    @pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
    def test_in_memory_is_refused(self, cli, url: str) -> None:
        """`init` said it created a database that no later command finds."""
        for args in (["init"], ["session", "list"]):
            said = refused(cli("--db", url, *args), "an in-memory SQLite database lasts for "
                           "one command only; give a file path")
            assert len(said.splitlines()) == 1


@sqlite_only("db backup of a SQLite file (on PostgreSQL it is pg_dump's)")
class TestBackups:
    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos (POSIX)")
    def test_force_never_replaces_a_fifo_or_a_device(self, cli, populated: Path,
                                                     tmp_path: Path) -> None:
        """`db backup DEST --force` replaced a device node or a fifo by a regular file."""
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        import stat

        for force in ([], ["--force"]):
            said = refused(cli("db", "backup", fifo, *force))
            assert f"{fifo} is not a regular file (a device, a fifo or a socket)" in said
            assert stat.S_ISFIFO(fifo.stat().st_mode)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []


def pages(path: Path, table: str) -> tuple[int, int]:
    """The page size and `table`'s root page of a SQLite file, its WAL folded in first."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
        return size, root
    finally:
        conn.close()


@sqlite_only("damaged SQLite files")
class TestDamaged:
    def test_garbled_bytes_a_clear_line_and_writes_refused(self, cli, populated: Path,
                                                           tmp_path: Path) -> None:
        """200 garbled bytes: listings printed 'unexpected error' with SQL, and `add-session`
        still committed into the damaged file."""
        import random
        import shutil

        backup = tmp_path / "good.db"
        ok(cli("db", "backup", backup))
        rnd = random.Random(21)
        for name in ("attendance", "ix_attendance_session_cover", "training_session",
                     "ix_session_track_date"):
            size, root = pages(populated, name)
            with open(populated, "r+b") as f:  # inside the table's or index's first page
                f.seek((root - 1) * size)
                f.write(bytes(rnd.randrange(256) for _ in range(200)))
        said = refused(cli("report", "--year", "2020"),
                       f"the database {populated} is damaged (SQLite: database disk image is "
                       "malformed)")
        assert "SELECT" not in said and len(said.splitlines()) == 1
        before = sha256(populated)
        for args in WRITES:  # refused now that a command found it damaged, even where the
            said = refused(cli(*args), "was found damaged")  # write would miss the damage
            assert "nothing was written" in said
        assert sha256(populated) == before
        check = cli("db", "check")
        assert check.exit_code == 1 and "integrity" in check.stderr
        # Restore as the README says: the file set aside, the backup in its place, db check.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{populated}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(backup, populated)
        ok(cli("db", "check"))
        ok(cli(*WRITES[0]))

    def test_a_deleted_wal_is_a_clear_message(self, cli, populated: Path) -> None:
        """A deleted -wal gave 'disk I/O error' (raw, as an unexpected error)."""
        reader = sqlite3.connect(populated)  # holds a snapshot: the WAL is not checkpointed
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM cadre").fetchone()
        try:
            r = trainlog(*WRITES[0], db=populated)
            assert r.returncode == 0, r.stderr
            Path(f"{populated}-wal").unlink()
            for args in (["session", "list"], ["report", "--year", "2020"]):
                said = one_line(trainlog(*args, db=populated))
                assert "Was its -wal or -shm file deleted" in said
                assert "Never delete them while the database is in use" in said
            r = trainlog("db", "check", db=populated)
            assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
            assert "unexpected error" not in r.stderr
        finally:
            reader.close()

    def test_the_readme_says_never_to_delete_wal_or_shm(self) -> None:
        readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
        restore = readme[readme.index("**Restore.**"):]
        restore = restore[:restore.index("\n\n")]
        assert "Never delete `trainlog.db-wal` or `trainlog.db-shm`" in restore


class TestDriverErrors:
    @pytest.fixture
    def roster(self, tmp_path: Path, write_csv) -> dict[str, Path]:
        cadres = write_csv(tmp_path / "cadres.csv", ["code", "name", "unit"],
                           [[f"G{i:04d}", f"王秘密{i}", "城关镇"] for i in range(3000)])
        survey = write_csv(tmp_path / "survey.csv", ["date", "method", "topic", "respondent"],
                           [["2020-04-03", "visit", "capacity", f"王秘密{i}"]
                            for i in range(3000)])
        return {"cadre": cadres, "survey": survey}

    @sqlite_only("SQLite's page limit stands for a full disk")
    def test_full_disk_during_imports(self, cli, registry: Database, roster: dict[str, Path],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
        """A full disk printed SQLAlchemy's error with [SQL …] [parameters: …]: names."""
        import trainlog.store.database as tdb

        pragmas = tdb._sqlite_pragmas

        def full(conn: Any, *args: Any, **kwargs: Any) -> None:  # the disk fills up now
            pragmas(conn, *args, **kwargs)
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 2}")

        before = sha256(registry.path)
        with monkeypatch.context() as patched:
            patched.setattr(tdb, "_sqlite_pragmas", full)
            for kind, path in roster.items():
                said = refused(cli(kind, "import", path),
                               f"the disk holding the database {registry.path} is full: "
                               "nothing was written")
                assert "王秘密" not in said and "INSERT" not in said
                assert len(said.splitlines()) == 1
        assert "G0001" not in ok(cli("cadre", "list"))
        conn = sqlite3.connect(registry.path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert sha256(registry.path) == before

    @sqlite_only("a full file system under a SQLite file")
    def test_full_file_system(self, registry: Database, roster: dict[str, Path],
                              tmp_path: Path) -> None:
        """The same on a real full disk: a small tmpfs (root only; skipped elsewhere)."""
        import shutil

        folder = tmp_path / "small"
        folder.mkdir()
        if not hasattr(os, "geteuid") or os.geteuid() != 0 or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(folder)],
                capture_output=True).returncode != 0:
            pytest.skip("mounting a small tmpfs needs root")
        try:
            db = folder / "t.db"
            shutil.copyfile(registry.path, db)
            for kind, path in roster.items():
                said = one_line(trainlog(kind, "import", path, db=db))
                assert "is full: nothing was written" in said or \
                    "is the disk full" in said, said
                assert "王秘密" not in said
        finally:
            subprocess.run(["umount", str(folder)], check=True)


class TestInterrupts:
    def test_ctrl_c_after_the_commit_is_not_nothing_written(self, cli, registry: Database,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
        """A Ctrl-C while the summary printed exited 130, 'nothing written', after the COMMIT:
        run again without --ref, the session was recorded twice."""
        from trainlog.output import render

        def cut(*args: Any, **kwargs: Any) -> None:
            raise KeyboardInterrupt

        with monkeypatch.context() as patched:
            patched.setattr(render, "show", cut)
            r = cli("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
                    "--attendee", "G001")
        assert r.exit_code == 0, r.stderr
        assert r.stderr == ("interrupted after the changes were saved: they are kept (the "
                            "summary was cut short; do not enter them again)\n")
        assert len(sessions(cli)) == 1

    def test_ctrl_c_before_the_commit_writes_nothing(self, cli, registry: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        import trainlog.sessions.add as adding

        real = adding.add_session

        def then_cut(*args: Any, **kwargs: Any) -> Any:  # every write done, not committed
            real(*args, **kwargs)
            raise KeyboardInterrupt

        with monkeypatch.context() as patched:
            patched.setattr(adding, "add_session", then_cut)
            r = cli("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
                    "--attendee", "G001")
        assert r.exit_code == 130
        assert r.stderr == "interrupted; nothing of the current command was written\n"
        assert sessions(cli) == []

    def test_ctrl_c_while_the_modules_load(self, registry: Database) -> None:
        """A Ctrl-C in the first ~50 ms (typer, rich loading) printed a KeyboardInterrupt
        traceback: here it lands exactly while typer is imported."""
        hook = ("import os, signal, sys\n"
                "class Hook:\n"
                "    def find_spec(self, name, path=None, target=None):\n"
                "        if name == 'typer':\n"
                "            os.kill(os.getpid(), signal.SIGINT)\n"
                "        return None\n"
                "sys.meta_path.insert(0, Hook())\n"
                "sys.argv = ['trainlog', 'cadre', 'list']\n"
                "from trainlog.__main__ import run\n"
                "run()\n")
        r = subprocess.run([sys.executable, "-c", hook], capture_output=True, text=True,
                           preexec_fn=_default_sigint,
                           timeout=60)
        assert (r.returncode, r.stdout) == (130, "")
        assert r.stderr == "interrupted; nothing of the current command was written\n"

    @sqlite_only("counts the sessions in the SQLite file")
    @pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="POSIX")
    def test_ctrl_c_at_any_moment_says_the_truth(self, registry: Database, cli, write_csv,
                                                 tmp_path: Path) -> None:
        """SIGINT at random moments of `add-session` as a real process: exit 130 and the
        session not there, or exit 0 and the session there once; never a traceback, never
        killed by the signal after the write (a shell shows that as 130 too)."""
        import random
        import signal
        import time

        path = registry.path
        rnd = random.Random(130)
        seen: dict[int, int] = {}
        # 3,000 attendees: a run long enough past Python's own start for signals to land in it
        codes = [f"K{i:04d}" for i in range(3000)]
        ok(cli("cadre", "import", write_csv(tmp_path / "many.csv", ["code", "name"],
                                            [(c, f"干部{c}") for c in codes])))
        (tmp_path / "many.txt").write_text("\n".join(codes), encoding="utf-8")
        command = [sys.executable, "-m", "trainlog", "add-session", "--date", "2020-04-03",
                   "--track", "policy", "--title", "t", "--attendees-file",
                   str(tmp_path / "many.txt")]
        # how long one run takes on this machine now: the signals land within it
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, timeout=60)
        took = time.perf_counter() - started
        for _ in range(int(os.environ.get("TRAINLOG_INTERRUPTS", "24"))):
            before = _count(path)
            p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 preexec_fn=_default_sigint,
                                 text=True)
            # from 60 ms: before, Python itself is starting (runpy, functools), which no code
            # of trainlog's can guard; the modules' loading is tested exactly above
            time.sleep(rnd.uniform(0.06, max(0.08, took * 1.1)))
            p.send_signal(signal.SIGINT)
            _out, err = p.communicate(timeout=60)
            added = _count(path) - before
            seen[p.returncode] = seen.get(p.returncode, 0) + 1
            assert "Traceback" not in err, err
            if p.returncode == 0:
                assert added == 1, err
            else:
                assert p.returncode in (130, -signal.SIGINT) and added == 0, (p.returncode, err)
        assert seen.get(0) and seen.get(130), seen


def _default_sigint() -> None:
    """A child that Ctrl-C reaches: a shell's background job (`.ci/run &`) starts its children
    with SIGINT ignored, and Python then installs no KeyboardInterrupt for it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _count(path: Path | None, table: str = "training_session") -> int:
    assert path is not None
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@sqlite_only("signals to an export of a SQLite file")
class TestExport:
    @pytest.fixture
    def many(self, cli, registry: Database, tmp_path: Path, write_csv) -> Path:
        """3,000 cadres: a workbook of about 150 kB, half a second to write."""
        ok(cli("cadre", "import", write_csv(tmp_path / "c.csv", ["code", "name", "unit"],
                                            [[f"G{i:04d}", f"干部{i}", "城关镇"]
                                             for i in range(3000)])))
        assert registry.path is not None
        return registry.path

    @pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX resource limits")
    def test_full_disk_is_one_line(self, many: Path, tmp_path: Path) -> None:
        """A full disk printed 'cannot write …' and then five 'Exception ignored … OSError'
        tracebacks (openpyxl's zip file and sheet writers, failing again as they close).
        The disk fills up at 40 kB: a file-size limit (RLIMIT_FSIZE) stands for it."""
        import resource
        import signal

        def full() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

        target = tmp_path / "year.xlsx"
        said = one_line(trainlog("export", target, "--year", "2020", db=many,
                                 preexec_fn=full))
        assert said == f"cannot write {target}: File too large\n"
        assert sorted(p.name for p in tmp_path.iterdir() if "year" in p.name) == []

    @pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGKILL"])
    def test_a_signal_leaves_no_part_behind(self, many: Path, tmp_path: Path,
                                            name: str) -> None:
        """SIGINT printed openpyxl tracebacks; SIGKILL or SIGTERM left `.NAME.PID.part`."""
        import signal
        import time

        sig = getattr(signal, name, None)
        if sig is None:
            pytest.skip(f"no {name} here")
        target = tmp_path / "year.xlsx"
        codes = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL if name ==
                 "SIGKILL" else 0}
        seen = set()
        for delay in (0.3, 0.4, 0.5, 0.6, 0.7):
            p = subprocess.Popen([sys.executable, "-m", "trainlog", "--db", str(many), "export",
                                  str(target), "--year", "2020"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
            time.sleep(delay)
            p.send_signal(sig)
            _out, err = p.communicate(timeout=60)
            seen.add(p.returncode)
            assert p.returncode in (0, codes[name]), (delay, p.returncode, err)
            assert "Traceback" not in err and "Exception ignored" not in err, err
            parts = [q.name for q in tmp_path.iterdir() if q.name.endswith(".part")]
            if name != "SIGKILL":
                assert parts == [], (delay, err)
            elif parts:  # what a killed export leaves, the next one removes
                assert parts == [f".year.xlsx.{p.pid}.part"]
                r = trainlog("export", target, "--year", "2020", db=many)
                assert r.returncode == 0, r.stderr
                assert [q.name for q in tmp_path.iterdir() if q.name.endswith(".part")] == []
        assert codes[name] in seen, seen
        if name == "SIGKILL":  # a part of a process that is gone goes; a running one's stays
            gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                                  capture_output=True, text=True).stdout.strip()
            stale, running = (tmp_path / f".year.xlsx.{gone}.part",
                              tmp_path / f".year.xlsx.{os.getpid()}.part")
            stale.write_bytes(b"PK half a workbook")
            running.write_bytes(b"PK being written")
            r = trainlog("export", target, "--year", "2020", db=many)
            assert r.returncode == 0, r.stderr
            assert not stale.exists() and running.exists()


def test_an_unexpected_driver_error_is_said_without_its_sql() -> None:
    """The last resort (a bug): SQLAlchemy's text holds the SQL and its parameters."""
    from sqlalchemy.exc import OperationalError

    from trainlog.cli import _said

    exc = OperationalError("INSERT INTO cadre (code, name) VALUES (?, ?)", ("G1", "王秘密"),
                           sqlite3.OperationalError("no such table: cadre\nmore"))
    assert _said(exc) == "OperationalError: no such table: cadre"
    assert _said(ValueError("a\n[SQL: SELECT 1]")) == "ValueError: a"
