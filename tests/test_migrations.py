"""Schema migrations: the revision in the database, upgrade on open after a backup, newer refused."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import trainlog.store.database as tdb
from trainlog.store.database import HEAD, REVISIONS, Database

MIGRATIONS = Path(tdb.__file__).parent / "migrations"
TABLES = ["branch", "cadre", "training_session", "attendance", "online_study", "plan", "setting",
          "survey_answer", "survey_topic"]
NEW_INDEXES = {"ix_attendance_session_cover", "ix_session_track_date"}


def alembic_config(conn=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def migrate(path: Path, revision: str, down: bool = False) -> None:
    """Bring the database at `path` to `revision` with Alembic itself, as an older trainlog did."""
    from alembic import command

    engine = tdb._make_engine(tdb.to_url(str(path)))
    try:
        with engine.execution_options(trainlog_write=True, trainlog_migrate=True).begin() as conn:
            (command.downgrade if down else command.upgrade)(alembic_config(conn), revision)
    finally:
        engine.dispose()


def stored_revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


#: The columns of revision 0001's tables (a later revision adds columns: the office's, …).
COLUMNS_0001 = {
    "branch": "created_at, created_by, updated_at, updated_by, id, code, name, township, active",
    "cadre": "created_at, created_by, updated_at, updated_by, id, code, name, unit, level, "
             "branch_id, top_leader, poverty_cadre, party_member, registered_on, active",
    "training_session": "created_at, created_by, updated_at, updated_by, id, ref, date, track, "
                        "kind, topic, title, hours, branch_id, headcount, attendee_count, void, "
                        "void_reason, voided_at, voided_by",
    "attendance": "id, session_id, cadre_id, hours, created_at, created_by",
    "online_study": "created_at, created_by, updated_at, updated_by, id, cadre_id, platform, "
                    "month, hours",
    "plan": "created_at, created_by, updated_at, updated_by, id, year, scope, target, deadline",
    "setting": "key, value",
    "survey_answer": "created_at, created_by, updated_at, updated_by, id, date, method, "
                     "cadre_id, respondent, tier, note",
    "survey_topic": "id, survey_id, topic, detail",
}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every trainlog table, in rowid order: the columns of revision 0001."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT {COLUMNS_0001[t]} FROM {t} ORDER BY rowid").fetchall()
                for t in TABLES}
    finally:
        conn.close()


def offices_of_records(path: Path) -> dict[str, set[int]]:
    """The office ids every table's records hold (after the offices revision)."""
    conn = sqlite3.connect(path)
    try:
        return {t: {o for (o,) in conn.execute(f"SELECT DISTINCT office_id FROM {t}")}
                for t in TABLES}
    finally:
        conn.close()


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


STAMP = "2020-03-01 08:00:00.000000"
LATER = "2020-04-02 09:30:00.000000"


def fill(path: Path) -> None:
    """Records of every kind, as trainlog 0001 wrote them (awkward text included)."""
    conn = sqlite3.connect(path)
    audit = (STAMP, "clerk", LATER, "王芳")
    with conn:
        conn.executemany(
            "INSERT INTO branch (id, code, name, township, active, created_at, created_by, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            [(i, f"B{i:03d}", f"城关镇第{i}党支部", "城关镇", *audit) for i in range(1, 4)])
        conn.executemany(
            "INSERT INTO cadre (id, code, name, unit, level, branch_id, top_leader, poverty_cadre, "
            "party_member, registered_on, active, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
            [(i, f"G{i:04d}", ["张伟", "王𠮷", "阿不都·热合曼", "O'Brien; DROP TABLE cadre;--"][i % 4],
              "人民政府 🏛", ["district", "township", "village"][i % 3], 1 + i % 3, i % 5 == 0,
              i % 4 == 0, "2019-05-0" + str(1 + i % 9), int(i != 7), *audit)
             for i in range(1, 21)])
        sessions = [
            (1, "R-001", "2020-01-15", "policy", "assessment", None, "研判会 =1+1", 2.0, 1, 0, 8,
             0, None, None, None),
            (2, "R-002", "2020-02-20", "video", "remote", None, "远程教育 ‮RTL‬", 1.5, 2, 12, 6,
             0, None, None, None),
            (3, "R-003", "2020-03-10", "special", "key", "rural-revitalization", "乡村振兴重点班",
             24.0, None, 0, 10, 0, None, None, None),
            (4, None, "2020-03-11", "policy", None, None, "duplicate entry", 1.0, None, 5, 4,
             1, "entered twice", LATER, "王芳"),
        ]
        conn.executemany(
            "INSERT INTO training_session (id, ref, date, track, kind, topic, title, hours, "
            "branch_id, headcount, attendee_count, void, void_reason, voided_at, voided_by, "
            "created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [s + audit for s in sessions])
        attendance = [(sid, cid, hours) for sid, n, hours in ((1, 8, 2.0), (2, 6, 1.5),
                                                               (3, 10, 24.0), (4, 4, 1.0))
                      for cid in range(1, n + 1)]
        conn.executemany(
            "INSERT INTO attendance (session_id, cadre_id, hours, created_at, created_by) "
            "VALUES (?, ?, ?, ?, 'clerk')", [(*a, STAMP) for a in attendance])
        conn.executemany(
            "INSERT INTO online_study (cadre_id, platform, month, hours, created_at, created_by, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(c, p, f"2020-0{m}-01", 0.5 * c + m, *audit) for c in range(1, 11)
             for p in ("academy", "xuexi") for m in (1, 2, 3)])
        conn.executemany(
            "INSERT INTO plan (year, scope, target, deadline, created_at, created_by, updated_at, "
            "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(2020, "all", 2000, None, *audit), (2020, "special", 300, "2020-11-30", *audit)])
        conn.execute("INSERT INTO setting (key, value) VALUES ('compliance.min_month', '4')")
        conn.executemany(
            "INSERT INTO survey_answer (id, date, method, cadre_id, respondent, tier, note, "
            "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, "2020-02-01", "visit", 3, None, "key", "想学电商 😀", *audit),
             (2, "2020-02-02", "questionnaire", None, "村支书", None, None, *audit)])
        conn.executemany("INSERT INTO survey_topic (survey_id, topic, detail) VALUES (?, ?, ?)",
                         [(1, "poverty-industry", None), (1, "other", "直播带货"),
                          (2, "capacity", None)])
    conn.close()


#: Alembic and sqlite3 on the file itself; PostgreSQL's schema revisions: test_postgres.py.
sqlite_file = pytest.mark.sqlite_only("migrates or reads the SQLite file directly "
                                      "(PostgreSQL: test_postgres.py)")


@pytest.fixture
def old_db(database_url: str) -> Path:
    """A database at the first revision, holding records of every kind."""
    path = Path(database_url)
    migrate(path, REVISIONS[0])
    fill(path)
    assert stored_revision(path) == REVISIONS[0]
    return path


def test_the_models_declare_what_the_migrations_build(db: Database) -> None:
    """Alembic finds no difference between the migrated schema and models.py (indexes too),
    so a future `alembic revision --autogenerate` proposes only what is new."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import trainlog.store.schema  # noqa: F401  (the tables, on SQLModel.metadata)

    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


class TestRevisions:
    def test_head_is_alembics_head(self) -> None:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config())
        assert script.get_heads() == [HEAD]
        walked = [r.revision for r in script.walk_revisions("base", "heads")]
        assert list(reversed(walked)) == REVISIONS, "REVISIONS lists every revision, oldest first"

    @sqlite_file
    def test_new_database_is_at_head(self, db: Database, database_url: str) -> None:
        assert stored_revision(Path(database_url)) == HEAD
        assert indexes(Path(database_url)) >= NEW_INDEXES

    @sqlite_file
    def test_downgrade_and_upgrade_again(self, old_db: Path) -> None:
        before = dump(old_db)
        migrate(old_db, HEAD)
        assert indexes(old_db) >= NEW_INDEXES
        migrate(old_db, REVISIONS[0], down=True)
        assert not NEW_INDEXES & indexes(old_db)
        migrate(old_db, HEAD)
        assert dump(old_db) == before and stored_revision(old_db) == HEAD

    @sqlite_file
    def test_reports_read_attendance_from_the_index_alone(self, db: Database,
                                                          database_url: str) -> None:
        with sqlite3.connect(database_url) as conn:
            plan = " ".join(r[-1] for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT s.track, count(*), count(DISTINCT a.cadre_id), "
                "sum(a.hours) FROM training_session s JOIN attendance a ON a.session_id = s.id "
                "WHERE s.date BETWEEN '2020-01-01' AND '2020-04-30' AND s.void = 0 "
                "GROUP BY s.track"))
        assert "COVERING INDEX ix_attendance_session_cover" in plan


@sqlite_file
class TestUpgradeOnOpen:
    def test_every_record_survives(self, cli, old_db: Path) -> None:
        before = dump(old_db)
        assert sum(len(rows) for rows in before.values()) == 123
        result = cli("session", "list", "--voided", "--format", "json")
        assert result.exit_code == 0, result.stderr
        said = " ".join(result.stderr.split())
        assert f"from revision {REVISIONS[0]} to {HEAD}" in said
        listed = json.loads(result.stdout)
        assert [s["id"] for s in listed] == [1, 2, 3, 4]
        assert listed[3]["void"] is True and listed[3]["void_reason"] == "entered twice"
        assert stored_revision(old_db) == HEAD
        assert dump(old_db) == before
        assert indexes(old_db) >= NEW_INDEXES

        backups = sorted(old_db.parent.glob(f"{old_db.name}.{REVISIONS[0]}.*.bak"))
        assert len(backups) == 1 and str(backups[0]) in said
        assert stored_revision(backups[0]) == REVISIONS[0]
        assert dump(backups[0]) == before

        check = cli("db", "check", "--format", "json")
        assert check.exit_code == 0, check.stdout
        again = cli("session", "list")
        assert again.exit_code == 0 and "upgraded" not in again.stderr
        assert len(list(old_db.parent.glob("*.bak"))) == 1

    def test_storage_upgrades_in_silence_and_tells_its_owner(
            self, old_db: Path, capfd: pytest.CaptureFixture[str]) -> None:
        """Storage prints nothing: `on_upgrade` hears what the upgrade on opening did (the CLI
        says it, as above)."""
        heard: list[dict[str, object]] = []
        db = Database(str(old_db), on_upgrade=heard.append)
        with db.connect() as conn:
            assert conn.scalar("SELECT count(*) FROM training_session") == 4
        db.dispose()
        assert capfd.readouterr() == ("", "")
        assert [(h["from"], h["to"], h["upgraded"]) for h in heard] == [(REVISIONS[0], HEAD, True)]
        backups = list(old_db.parent.glob(f"{old_db.name}.{REVISIONS[0]}.*.bak"))
        assert [str(b) for b in backups] == [heard[0]["backup"]]
        again = Database(str(old_db), on_upgrade=heard.append)
        assert again.require() is None and len(heard) == 1  # current now: nothing to say
        again.dispose()

    def test_require_returns_what_the_upgrade_did(self, old_db: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
        db = Database(str(old_db))
        done = db.require()
        db.dispose()
        assert capfd.readouterr() == ("", "")
        assert done is not None and (done["from"], done["to"], done["upgraded"]) == (
            REVISIONS[0], HEAD, True)
        assert stored_revision(old_db) == HEAD and Path(done["backup"]).is_file()

    def test_db_upgrade_command(self, cli, old_db: Path) -> None:
        before = dump(old_db)
        result = cli("db", "upgrade")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == str(old_db)
        said = " ".join(result.stderr.split())
        assert f"upgraded the schema from revision {REVISIONS[0]} to {HEAD}" in said
        assert "backup copy at" in said
        assert stored_revision(old_db) == HEAD and dump(old_db) == before
        # every record is the one office's, `main` (本单位)
        assert set().union(*offices_of_records(old_db).values()) == {1}
        with sqlite3.connect(old_db) as conn:
            assert conn.execute("SELECT id, code, name FROM office").fetchall() == [
                (1, "main", "本单位")]
        again = cli("db", "upgrade")
        assert again.exit_code == 0 and f"up to date (revision {HEAD})" in again.stderr

    def test_info_after_upgrade_says_head(self, cli, old_db: Path) -> None:
        result = cli("db", "info", "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["revision"] == HEAD

    def test_several_processes_open_an_old_database_at_once(self, old_db: Path) -> None:
        before = dump(old_db)
        env = {**os.environ, "TRAINLOG_DB": str(old_db)}

        def run(_: int) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "trainlog", "session", "list"],
                                  env=env, capture_output=True, text=True, timeout=120)

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(run, range(4)))
        assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
        assert sum("upgraded the database schema" in r.stderr for r in results) == 1
        assert not any("Traceback" in r.stderr for r in results)
        assert len(list(old_db.parent.glob("*.bak"))) == 1
        assert stored_revision(old_db) == HEAD and dump(old_db) == before


@sqlite_file
class TestNewerRefused:
    @pytest.fixture
    def newer(self, db: Database, database_url: str) -> Path:
        db.dispose()
        path = Path(database_url)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0099'")
        return path

    @pytest.mark.parametrize("args", [
        ["session", "list"], ["db", "upgrade"], ["db", "info"], ["init"],
        ["add-session", "--date", "2020-04-01", "--track", "policy", "--title", "x",
         "--headcount", "3"],
    ])
    def test_refused_with_a_clear_message(self, cli, newer: Path, args: list[str]) -> None:
        before = dump(newer)
        result = cli(*args)
        assert result.exit_code == 1
        said = " ".join(result.stderr.split())
        assert "'0099'" in said and "newer than this trainlog" in said
        assert "upgrade trainlog" in said
        assert stored_revision(newer) == "0099" and dump(newer) == before
        assert not list(newer.parent.glob("*.bak"))

    def test_db_check_reports_it(self, cli, newer: Path) -> None:
        result = cli("db", "check", "--format", "json")
        assert result.exit_code == 1
        checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
        assert checks["revision"]["ok"] is False and "0099" in checks["revision"]["detail"]

    def test_backup_still_copies_it(self, cli, newer: Path, tmp_path: Path) -> None:
        result = cli("db", "backup", tmp_path / "copy.db")
        assert result.exit_code == 0, result.stderr
        assert stored_revision(tmp_path / "copy.db") == "0099"


def imported_modules(*args: str, db: str) -> set[str]:
    """The modules `python -m trainlog ARGS` imports, from -X importtime."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "trainlog", *args],
                            env={**os.environ, "TRAINLOG_DB": db}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


class TestStartupCost:
    def test_no_alembic_when_the_schema_is_current(self, db: Database, database_url: str,
                                                   backend: str) -> None:
        modules = imported_modules("session", "list", db=database_url)
        assert "trainlog.sessions.queries" in modules, "the measurement sees the command's imports"
        # neither backend: sqlite3 on a SQLite file, psycopg on PostgreSQL (a current schema)
        assert "sqlalchemy" not in modules
        assert ("psycopg" in modules) == (backend == "postgresql")
        assert not {m for m in modules if m.split(".")[0] == "alembic"}

    @sqlite_file
    def test_alembic_only_when_there_is_something_to_do(self, old_db: Path) -> None:
        modules = imported_modules("session", "list", db=str(old_db))
        assert "alembic" in modules
        assert stored_revision(old_db) == HEAD

    def test_help_imports_neither(self, database_url: str) -> None:
        modules = imported_modules("--help", db=database_url)
        roots = {m.split(".")[0] for m in modules}
        assert not roots & {"alembic", "sqlalchemy", "sqlmodel"}

    def test_in_process_command_leaves_alembic_unimported(self, cli, db: Database) -> None:
        code = ("import sys\nfrom typer.testing import CliRunner\nfrom trainlog.cli import app\n"
                "r = CliRunner().invoke(app, ['cadre', 'list'])\n"
                "assert r.exit_code == 0, r.output\n"
                "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[]"
