"""`db check`, `db backup` (and restore), audit fields, and voided sessions left out of counts."""

from __future__ import annotations

import functools
import getpass
import json
import multiprocessing
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from trainlog.store.database import HEAD, Database

TABLES = ["branch", "cadre", "training_session", "attendance", "online_study", "plan", "setting",
          "survey_answer", "survey_topic", "alembic_version"]
CHECK_NAMES = ["integrity", "foreign_keys", "revision", "orphans", "duplicates",
               "attendee_counts", "facts", "voids", "values", "plans", "settings", "audit"]
#: On PostgreSQL the server's own checks take the place of SQLite's two.
PG_CHECK_NAMES = ["server", "constraints", "indexes", *CHECK_NAMES[2:]]
#: A copy of the SQLite file itself; pg_dump backups are tested in test_postgres.py.
sqlite_file = pytest.mark.sqlite_only("copies or damages the SQLite file (pg_dump: test_postgres.py)")


def on_server(path: str | Path) -> bool:
    """Whether the database under test is a PostgreSQL URL (TRAINLOG_TEST_DB), not a file."""
    return "://" in str(path)


def server_rows(url: str, *statements: str, tamper: bool = False) -> list[tuple]:
    """Run statements on a PostgreSQL database; the last one's rows.

    Tampering switches off the foreign keys' triggers, as another tool (or a bug) could.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if tamper:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            rows: list[tuple] = []
            for sql in statements:
                result = conn.execute(text(sql))
                rows = [tuple(r) for r in result] if result.returns_rows else []
            return rows
    finally:
        engine.dispose()


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


def dump(path: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table, in rowid order."""
    if on_server(path):
        keys = {"setting": "key", "alembic_version": "version_num"}
        return {t: server_rows(str(path), f"SELECT * FROM {t} ORDER BY {keys.get(t, 'id')}")
                for t in TABLES}
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def query(path: str | Path, sql: str, *args: Any) -> list[tuple]:
    if on_server(path):
        assert not args, "no parameters on the server"
        return server_rows(str(path), sql)
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def tamper(path: str | Path, *statements: str) -> None:
    """Change the file behind trainlog's back, as another tool (or a bug) could."""
    if on_server(path):
        server_rows(str(path), *statements, tamper=True)
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def words(text: str) -> str:
    """Text with Rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def populated(cli, db: Database, database_url: str, tmp_path: Path, write_csv) -> str:
    """A database filled through the CLI: every kind of record trainlog writes."""
    for code, township in (("B001", "城关镇"), ("B002", "召陵镇"), ("B003", "老窝镇")):
        assert cli("branch", "add", code, f"{township}党支部", "--township", township).exit_code == 0
    cadres = [[f"G{i:03d}", f"干部{i}", "区政府", ["district", "township", "village"][i % 3],
               f"B00{1 + i % 3}", "1" if i % 5 == 0 else "0", "1" if i % 4 == 0 else "0", "1",
               "2019-03-01"] for i in range(1, 31)]
    path = write_csv(tmp_path / "cadres.csv", ["code", "name", "unit", "level", "branch",
                                               "top_leader", "poverty_cadre", "party_member",
                                               "registered_on"], cadres)
    assert cli("cadre", "import", path).exit_code == 0
    ok = [
        cli("add-session", "--date", "2020-04-03", "--track", "policy", "--kind", "assessment",
            "--title", "脱贫攻坚研判会", "--hours", "2", "--attendee", "G001,G002,G003,G004",
            "--headcount", "5", "--branch", "B001", "--ref", "P-1"),
        cli("add-session", "--date", "2020-04-10", "--track", "video", "--kind", "remote",
            "--title", "远程教育", "--hours", "1.5", "--attendee", "G005,G006,G008",
            "--branch", "B002", "--ref", "V-1"),
        cli("add-session", "--date", "2020-04-12", "--track", "video", "--kind", "remote",
            "--title", "远程教育 二", "--hours", "1", "--headcount", "7", "--branch", "B003",
            "--ref", "V-2"),
    ]
    assert [r.exit_code for r in ok] == [0, 0, 0], [r.stderr for r in ok]
    rows = [["S-1", "2020-04-20", "special", "key", "rural-revitalization", "乡村振兴重点班", "8",
             "", f"G{i:03d}", ""] for i in range(1, 21)]
    rows += [["S-2", "2020-05-06", "special", "regular", "capacity", "能力提升班", "4", "",
              f"G{i:03d}", ""] for i in range(10, 16)]
    path = write_csv(tmp_path / "sessions.csv", ["ref", "date", "track", "kind", "topic", "title",
                                                 "hours", "branch", "cadre", "headcount"], rows)
    assert cli("session", "import", path).exit_code == 0
    study = write_csv(tmp_path / "study.csv", ["cadre", "hours"],
                      [[f"G{i:03d}", str(i % 9)] for i in range(1, 31)])
    assert cli("study", "import", study, "--month", "2020-04").exit_code == 0
    assert cli("plan", "set", "2020", "--target", "2000").exit_code == 0
    assert cli("config", "set", "compliance.min_month", "4").exit_code == 0
    answer = cli("survey", "add", "--date", "2020-03-02", "--method", "visit", "--topic",
                 "poverty-industry", "--topic", "other:直播带货", "--cadre", "G003")
    assert answer.exit_code == 0, answer.stderr
    return database_url


class TestDbCheck:
    def test_clean_database_passes_in_every_format(self, cli, populated: str) -> None:
        result = cli("db", "check", "--format", "json")
        assert result.exit_code == 0, result.stdout
        data = json.loads(result.stdout)
        assert data["ok"] is True
        names = PG_CHECK_NAMES if on_server(populated) else CHECK_NAMES
        assert [c["name"] for c in data["checks"]] == names
        assert all(set(c) == {"name", "ok", "detail"} and c["ok"] for c in data["checks"])
        detail = {c["name"]: c["detail"] for c in data["checks"]}
        assert "matches its 33 attendance row(s)" in detail["attendee_counts"]
        assert f"schema revision {HEAD}" in detail["revision"]

        table = cli("db", "check")
        assert table.exit_code == 0 and table.stderr == ""
        assert all(name in table.stdout for name in names)
        csv_out = cli("db", "check", "--format", "csv").stdout.splitlines()
        assert csv_out[0] == "name,ok,detail" and len(csv_out) == 1 + len(names)
        zh = cli("db", "check", "--lang", "zh")
        assert "检查项" in zh.stdout and "是" in zh.stdout

    BROKEN = {
        "orphans": ("INSERT INTO attendance (office_id, session_id, cadre_id, hours, created_at, "
                    "created_by) VALUES (1, 999, 1, 2.0, '2020-04-01 00:00:00', 'x')",),
        "attendee_counts": ("UPDATE training_session SET attendee_count = attendee_count + 1 "
                            "WHERE ref = 'V-1'",),
        "voids": ("UPDATE training_session SET void = TRUE WHERE ref = 'P-1'",),
        "facts": ("UPDATE cadre_fact SET valid_to = '2020-01-01' WHERE cadre_id = "
                  "(SELECT id FROM cadre WHERE code = 'G007')",),
        "values": ("UPDATE training_session SET track = 'football' WHERE ref = 'V-2'",),
        "plans": ("UPDATE plan SET target = 0",),
        "settings": ("INSERT INTO setting (office_id, key, value) VALUES (1, 'colour', 'blue')",),
        "audit": ("UPDATE cadre SET created_by = NULL WHERE code = 'G007'",),
        "duplicates": (
            "CREATE TABLE plan2 AS SELECT * FROM plan", "DROP TABLE plan",
            "ALTER TABLE plan2 RENAME TO plan",
            "INSERT INTO plan (id, office_id, year, scope, target, deadline, created_at, "
            "created_by, updated_at, updated_by) SELECT id + 1, office_id, year, scope, target, "
            "deadline, created_at, created_by, updated_at, updated_by FROM plan",
        ),
        "revision": ("UPDATE alembic_version SET version_num = '0001'",),
    }

    @pytest.mark.parametrize("name", sorted(BROKEN))
    def test_each_broken_invariant_fails(self, cli, populated: str, name: str) -> None:
        tamper(populated, *self.BROKEN[name])
        before = dump(populated)
        result = cli("db", "check", "--format", "json")
        assert result.exit_code == 1
        checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
        assert checks[name]["ok"] is False, checks[name]
        # SQLite's foreign_key_check sees an orphan too; PostgreSQL's constraints check sees
        # that the re-created plan table lost its keys
        assert [c for c, v in checks.items() if not v["ok"]] in (
            [name], ["foreign_keys", name], ["constraints", name])
        said = words(result.stderr)
        assert said.startswith("db check: ") and name in said
        assert dump(populated) == before, "db check only reads"

    def test_each_rule_of_a_table_is_counted_on_its_own(self, cli, populated: str) -> None:
        """The value rules of one table are counted in one scan: each names its own rows."""
        tamper(populated, "UPDATE training_session SET track = 'football' WHERE ref = 'V-2'",
               "UPDATE training_session SET hours = 30 WHERE ref IN ('P-1', 'V-1')",
               "UPDATE cadre SET level = 'galaxy' WHERE code = 'G007'")
        ids = dict(query(populated, "SELECT ref, id FROM training_session"))
        cadre = query(populated, "SELECT id FROM cadre WHERE code = 'G007'")[0][0]
        checks = {c["name"]: c for c in json.loads(cli("db", "check", "-f", "json").stdout)["checks"]}
        found = checks["values"]["detail"].split("; ")
        assert found == [
            f"1 sessions with an unknown track or a kind not of their track (id {ids['V-2']})",
            "2 sessions with hours outside 0..24 (id "
            f"{', '.join(str(i) for i in sorted([ids['P-1'], ids['V-1']]))})",
            f"1 cadres with an unknown level (id {cadre})"]

    @sqlite_file
    def test_orphan_also_breaks_sqlite_foreign_keys(self, cli, populated: str) -> None:
        tamper(populated, *self.BROKEN["orphans"])
        checks = {c["name"]: c for c in json.loads(cli("db", "check", "-f", "json").stdout)["checks"]}
        assert not checks["foreign_keys"]["ok"] and "attendance" in checks["foreign_keys"]["detail"]
        assert "1 attendance row(s) whose session_id is no training_session of their office" in \
            checks["orphans"]["detail"]

    @sqlite_file
    def test_damaged_file_fails_integrity_without_a_traceback(self, cli, populated: str,
                                                              tmp_path: Path) -> None:
        tamper(populated, "PRAGMA wal_checkpoint(TRUNCATE)")
        page = query(populated, "PRAGMA page_size")[0][0]
        root = query(populated, "SELECT rootpage FROM sqlite_master WHERE name = 'attendance'")[0][0]
        with open(populated, "r+b") as f:  # the attendance table's first page, overwritten
            f.seek((root - 1) * page)
            f.write(b"\x5a" * page)
        result = cli("db", "check", "--format", "json")
        assert result.exit_code == 1
        checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
        assert checks["integrity"]["ok"] is False

    def test_missing_database(self, cli, database_url: str) -> None:
        result = cli("db", "check")
        assert result.exit_code == 1 and "trainlog init" in result.stderr
        assert not Path(database_url).exists()


class TestVoidsLeftOutOfCounts:
    """A voided session keeps its attendance, and no figure counts it."""

    def figures(self, cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        out: dict[str, Any] = {}
        for by in (None, "track", "branch", "level", "month", "topic"):
            args = ["report", "--year", "2020", "--format", "json"] + (["--by", by] if by else [])
            result = cli(*args)
            assert result.exit_code == 0, result.stderr
            out[by or "total"] = json.loads(result.stdout)
        for audience in ("top-leaders", "poverty-cadres"):
            result = cli("report", "--year", "2020", "--audience", audience, "--format", "json")
            out[audience] = json.loads(result.stdout)["total"]
        out["coverage"] = json.loads(cli("coverage", "--year", "2020", "-f", "json").stdout)
        out["G005"] = json.loads(cli("cadre", "show", "G005", "-f", "json").stdout)
        return out

    def test_void_changes_every_figure_by_the_session(self, cli, populated: str) -> None:
        before = self.figures(cli)
        total = before["total"]["total"]
        assert total == {"sessions": 5, "person_times": 45, "people": 20, "hours": 213.5}
        attendance = query(populated, "SELECT count(*) FROM attendance")[0][0]

        result = cli("session", "void", "V-1", "--reason", "录入重复")
        assert result.exit_code == 0, result.stderr
        after = self.figures(cli)
        # V-1: video, branch B002, 3 named attendees (G005, G006, G008) of 1.5 hours each.
        assert after["total"]["total"] == {"sessions": 4, "person_times": 42, "people": 20,
                                           "hours": 209.0}
        assert after["total"]["plan"]["to_date"] == before["total"]["plan"]["to_date"] - 3
        video = [t for t in after["total"]["tracks"] if t["track"] == "video"][0]
        assert video == {"track": "video", "sessions": 1, "person_times": 7, "people": 0,
                         "hours": 7.0}
        for by in ("track", "branch", "level", "month", "topic"):
            assert sum(r["person_times"] for r in after[by]["rows"]) == 42, by
            assert sum(r["person_times"] for r in before[by]["rows"]) == 45, by
        assert after["coverage"]["sessions"] == before["coverage"]["sessions"] - 1
        assert after["G005"] != before["G005"]
        assert "V-1" in json.dumps(before["G005"]) and "V-1" not in json.dumps(after["G005"])
        # poverty cadres among V-1's attendees: G008 (i % 4 == 0); top leaders: G005 (i % 5 == 0)
        assert after["poverty-cadres"]["person_times"] == before["poverty-cadres"]["person_times"] - 1
        assert after["top-leaders"]["person_times"] == before["top-leaders"]["person_times"] - 1

        assert query(populated, "SELECT count(*) FROM attendance")[0][0] == attendance
        check = json.loads(cli("db", "check", "-f", "json").stdout)
        voids = [c for c in check["checks"] if c["name"] == "voids"][0]
        assert check["ok"] and "1 voided session(s)" in voids["detail"]
        assert "their 3 attendance row(s) kept" in voids["detail"]


class TestAudit:
    def test_created_changed_voided_and_by_whom(self, cli, populated: str) -> None:
        add = cli("add-session", "--date", "2020-06-01", "--track", "policy", "--title", "会",
                  "--attendee", "G010", "--ref", "A-1", env={"TRAINLOG_USER": "alice"})
        assert add.exit_code == 0, add.stderr
        time.sleep(1.1)  # timestamps are kept to the second
        again = cli("add-session", "--date", "2020-06-01", "--track", "policy", "--title", "会议",
                    "--attendee", "G010,G011", "--ref", "A-1", "--replace",
                    env={"TRAINLOG_USER": "bob"})
        assert again.exit_code == 0, again.stderr
        void = cli("session", "void", "A-1", "--reason", "未实际召开", env={"TRAINLOG_USER": "carol"})
        assert void.exit_code == 0, void.stderr

        (created_at, created_by, updated_at, updated_by, reason, voided_at, voided_by), = query(
            populated, "SELECT created_at, created_by, updated_at, updated_by, void_reason, "
            "voided_at, voided_by FROM training_session WHERE ref = 'A-1'")
        assert (created_by, updated_by, voided_by) == ("alice", "carol", "carol")
        assert created_at < voided_at and updated_at == voided_at
        assert reason == "未实际召开"
        who = query(populated, "SELECT c.code, a.created_by FROM attendance a JOIN cadre c "
                    "ON c.id = a.cadre_id JOIN training_session s ON s.id = a.session_id "
                    "WHERE s.ref = 'A-1' ORDER BY c.code")
        assert who == [("G010", "alice"), ("G011", "bob")] or who == [("G010", "bob"),
                                                                      ("G011", "bob")]

        listed = json.loads(cli("session", "list", "--voided", "--format", "json").stdout)
        mine = [s for s in listed if s["ref"] == "A-1"]
        assert mine and mine[0]["void"] is True and mine[0]["void_reason"] == "未实际召开"
        hidden = json.loads(cli("session", "list", "--format", "json").stdout)
        assert "A-1" not in {s["ref"] for s in hidden}
        table = cli("session", "list", "--voided")
        assert "未实际召开" in table.stdout

    def test_os_user_when_trainlog_user_is_unset(self, cli, populated: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("TRAINLOG_USER")
        assert cli("cadre", "edit", "G001", "--unit", "新单位").exit_code == 0
        (created_by, updated_by), = query(populated, "SELECT created_by, updated_by FROM cadre "
                                          "WHERE code = 'G001'")
        assert created_by == "test" and updated_by == getpass.getuser()

    def test_every_writer_fills_the_audit_fields(self, cli, populated: str) -> None:
        for table in ("branch", "cadre", "training_session", "online_study", "plan",
                      "survey_answer"):
            rows = query(populated, f"SELECT count(*), sum(CASE WHEN created_at IS NULL OR "
                         f"created_by IS NULL OR updated_at IS NULL OR updated_by IS NULL "
                         f"THEN 1 ELSE 0 END), min(created_by), max(updated_by) FROM {table}")
            count, missing, first, last = rows[0]
            assert count > 0 and missing == 0 and first == last == "test", table


def _writer(url: str, stop: Any, started: Any, counter: Any) -> None:
    """Add sessions as fast as possible, one transaction each, until told to stop."""
    os.environ["TRAINLOG_USER"] = "writer"
    from trainlog.sessions.add import add_session

    db = Database(url)
    n = 0
    while not stop.is_set():
        with db.connect(write=True) as s:
            add_session(s, date="2020-07-01", track="policy", title=f"并发 {n}", hours="1",
                        attendees=[f"G{1 + (n + k) % 30:03d}" for k in range(12)], headcount=0,
                        ref=f"W-{n}")
        n += 1
        counter.value = n
        started.set()


class TestBackup:
    @sqlite_file
    def test_copy_equals_the_database(self, cli, populated: str, tmp_path: Path) -> None:
        dest = tmp_path / "backups" / "trainlog-2020-04.db"
        dest.parent.mkdir()
        result = cli("db", "backup", dest)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == str(dest)
        assert "integrity ok" in words(result.stderr)
        assert dump(dest) == dump(populated)
        assert not list(dest.parent.glob("*.part")) and not Path(f"{dest}-wal").exists()
        assert query(dest, "PRAGMA journal_mode")[0][0] == "delete", "one self-contained file"
        check = cli("--db", dest, "db", "check")
        assert check.exit_code == 0

    @sqlite_file
    def test_into_a_folder_and_json(self, cli, populated: str, tmp_path: Path) -> None:
        folder = tmp_path / "nightly"
        folder.mkdir()
        result = cli("db", "backup", folder, "--format", "json")
        assert result.exit_code == 0
        data = json.loads(result.stdout)
        assert data["backup"] == str(folder / Path(populated).name)
        assert data["revision"] == HEAD and data["integrity"] == "ok"
        assert data["bytes"] == os.path.getsize(data["backup"])

    @sqlite_file
    def test_refusals_leave_everything_as_it_was(self, cli, populated: str,
                                                 tmp_path: Path) -> None:
        before = dump(populated)
        existing = tmp_path / "old.db"
        existing.write_bytes(b"yesterday's copy")
        cases = [
            ((existing,), "exists already; give --force"),
            ((populated,), "is the database itself"),
            ((f"{populated}-wal",), "is the database itself"),
            ((tmp_path / "no" / "such" / "x.db",), "no such folder"),
        ]
        for args, said in cases:
            result = cli("db", "backup", *args)
            assert result.exit_code == 1 and said in words(result.stderr), (args, result.stderr)
            assert result.stdout == ""
        assert existing.read_bytes() == b"yesterday's copy"
        assert dump(populated) == before
        forced = cli("db", "backup", existing, "--force")
        assert forced.exit_code == 0 and dump(existing) == before

    def test_no_database_and_postgresql(self, cli, database_url: str, tmp_path: Path) -> None:
        result = cli("db", "backup", tmp_path / "x.db")
        assert result.exit_code == 1 and "no trainlog database" in result.stderr
        assert not (tmp_path / "x.db").exists() and not Path(database_url).exists()
        pg = cli("--db", "postgresql+psycopg://u:secret@localhost:1/trainlog", "db", "backup",
                 tmp_path / "x.db")
        assert pg.exit_code == 1 and pg.stderr.strip() and "secret" not in pg.stderr
        assert not (tmp_path / "x.db").exists()

    @sqlite_file
    @pytest.mark.slow
    def test_backup_while_another_process_writes(self, cli, populated: str,
                                                 tmp_path: Path) -> None:
        # Bulk, so that each copy takes a while: 60 sessions of 30 attendees.
        rows = [[f"BULK-{s}", "2020-03-01", "policy", "批量", "2", f"G{i:03d}"]
                for s in range(60) for i in range(1, 31)]
        path = tmp_path / "bulk.csv"
        path.write_text("ref,date,track,title,hours,cadre\n" + "\n".join(",".join(r) for r in rows),
                        encoding="utf-8")
        assert cli("session", "import", path).exit_code == 0
        ctx = multiprocessing.get_context("spawn")
        stop, started, counter = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
        proc = ctx.Process(target=_writer, args=(populated, stop, started, counter))
        proc.start()
        copies = []
        try:
            assert started.wait(60), "the writer started"
            for k in range(6):
                seen = counter.value
                dest = tmp_path / f"copy-{k}.db"
                result = cli("db", "backup", dest)
                assert result.exit_code == 0, result.stderr
                copies.append((dest, seen, counter.value))
                time.sleep(0.05)
        finally:
            stop.set()
            proc.join(60)
        assert proc.exitcode == 0
        assert counter.value > copies[0][1], "the writer wrote while the copies were made"
        for dest, low, high in copies:
            check = cli("--db", dest, "db", "check", "--format", "json")
            assert check.exit_code == 0, check.stdout
            written = query(dest, "SELECT count(*), sum(attendee_count) FROM training_session "
                            "WHERE ref LIKE 'W-%'")[0]
            assert low <= written[0] <= high + 1
            assert written[0] == 0 or written[1] == 12 * written[0], "whole sessions only"
            refs = {r[0] for r in query(dest, "SELECT ref FROM training_session "
                                        "WHERE ref LIKE 'W-%'")}
            assert refs == {f"W-{n}" for n in range(written[0])}, "a prefix of the commits"
        final = json.loads(cli("db", "check", "-f", "json").stdout)
        assert final["ok"]


@sqlite_file
class TestRestore:
    def test_restore_as_the_readme_says(self, cli, populated: str, tmp_path: Path) -> None:
        backup = tmp_path / "before.db"
        assert cli("db", "backup", backup).exit_code == 0
        saved = dump(backup)
        # Later writes, then the file is damaged.
        assert cli("session", "void", "P-1", "--reason", "x").exit_code == 0
        tamper(populated, "PRAGMA wal_checkpoint(TRUNCATE)")
        with open(populated, "r+b") as f:
            f.write(b"not a database any more" * 10)
        broken = cli("session", "list")
        assert broken.exit_code == 1 and "cannot open the database" in broken.stderr
        # Restore: writers stopped; the damaged file and its -wal/-shm set aside; the copy in place.
        for suffix in ("", "-wal", "-shm"):
            damaged = Path(populated + suffix)
            if damaged.exists():
                damaged.rename(tmp_path / f"damaged{suffix or '.db'}")
        shutil.copyfile(backup, populated)
        check = cli("db", "check")
        assert check.exit_code == 0, check.stdout
        assert dump(populated) == saved
        listed = json.loads(cli("session", "list", "--voided", "-f", "json").stdout)
        assert not any(s["void"] for s in listed)
