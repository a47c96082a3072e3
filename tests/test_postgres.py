"""trainlog on a PostgreSQL server, as on SQLite.

One data set loaded into each gives the same JSON from every report and listing; `db backup` runs
pg_dump (the password in its environment, never on its command line) and the copy restores;
`db check` runs the server's own checks; writers queue on an advisory lock and a conflict
PostgreSQL aborts is run again; a password never shows in any output.

Tests that need the server run when the suite runs against one (`--test-db URL` or
TRAINLOG_TEST_DB; `.ci/pg.sh start DIR` starts a throwaway one); the others always run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trainlog.store.database as tdb
from trainlog.errors import DatabaseBusy
from trainlog.store.database import HEAD, REVISIONS, Database, retrying

PASSWORD = "s3cret-Pa55"


def words(text: str) -> str:
    """Text with Rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def server(test_server: Any) -> Any:
    """The PostgreSQL server under test; the test is skipped on a SQLite run."""
    if test_server is None:
        pytest.skip("needs a PostgreSQL server: --test-db URL or TRAINLOG_TEST_DB "
                    "(.ci/pg.sh start DIR starts a throwaway one)")
    return test_server


def sql(url: str, *statements: str, params: dict[str, Any] | None = None) -> list[tuple]:
    """Run statements on a PostgreSQL database in one transaction; the last one's rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            rows: list[tuple] = []
            for statement in statements:
                result = conn.execute(text(statement), params or {})
                rows = [tuple(r) for r in result] if result.returns_rows else []
            return rows
    finally:
        engine.dispose()


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def trainlog(*args: Any, db: str, env: dict[str, str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m trainlog ARGS` as a separate process."""
    full = {**os.environ, "TRAINLOG_DB": db, **(env or {})}
    return subprocess.run([sys.executable, "-m", "trainlog", *map(str, args)], env=full,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def small(cli, db: Database, tmp_path: Path, write_csv) -> Database:
    """A few branches, cadres and sessions, through the CLI."""
    for code in ("B001", "B002", "B003"):
        assert cli("branch", "add", code, f"第{code}党支部", "--township", "召陵镇").exit_code == 0
    path = write_csv(tmp_path / "cadres.csv", ["code", "name", "branch", "top_leader"],
                     [[f"G{i:03d}", f"干部{i}", f"B00{1 + i % 3}", "1" if i % 5 == 0 else "0"]
                      for i in range(1, 21)])
    assert cli("cadre", "import", path).exit_code == 0
    for k in range(4):
        done = cli("add-session", "--date", f"2020-04-0{k + 1}", "--track", "policy", "--title",
                   f"会{k}", "--hours", "2", "--attendee", f"G00{k + 1},G01{k}", "--ref", f"P-{k}")
        assert done.exit_code == 0, done.stderr
    return db


def held_advisory_lock(url: str, seconds: float, ready: threading.Event) -> None:
    """Another writer: takes trainlog's write lock on the server and keeps it for a while."""
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (tdb.PG_WRITE_LOCK,))
        ready.set()
        time.sleep(seconds)
        conn.rollback()


class TestPasswordNeverShown:
    """No server needed: the URL is masked wherever trainlog says which database it uses."""

    @pytest.mark.parametrize(("url", "shown"), [
        (f"postgresql+psycopg://office1:{PASSWORD}@db.example:5432/trainlog",
         "postgresql+psycopg://office1:***@db.example:5432/trainlog"),
        (f"postgresql+psycopg://office1:{PASSWORD}@@db.example/trainlog",  # unescaped "@"
         "postgresql+psycopg://office1:***@db.example/trainlog"),
        (f"postgresql+psycopg://office1:{PASSWORD}@db.example:notaport/trainlog",
         "postgresql+psycopg://office1:***@db.example:notaport/trainlog"),
        ("postgresql+psycopg://office1@/trainlog?host=/var/run/postgresql",
         "postgresql+psycopg://office1@/trainlog?host=%2Fvar%2Frun%2Fpostgresql"),
    ])
    def test_display(self, url: str, shown: str) -> None:
        db = Database(url)
        assert db.display() == shown
        if PASSWORD in url:
            assert PASSWORD not in db.scrub(f"could not connect to {url} as {PASSWORD}")

    @pytest.mark.parametrize("url", [
        f"postgresql+psycopg://office1:{PASSWORD}@127.0.0.1:1/trainlog",  # nothing listens
        f"postgresql+psycopg://office1:{PASSWORD}@127.0.0.1:notaport/trainlog",
        f"postgresql+nosuchdriver://office1:{PASSWORD}@127.0.0.1/trainlog",
    ])
    @pytest.mark.parametrize("args", [["db", "info"], ["init"], ["db", "check"],
                                      ["session", "list"], ["db", "upgrade"]])
    def test_errors_mask_it(self, cli, url: str, args: list[str]) -> None:
        result = cli("--db", url, *args)
        assert result.exit_code == 1
        assert result.stderr.strip() and "Traceback" not in result.stderr
        assert PASSWORD not in result.stdout + result.stderr
        assert "office1:***@127.0.0.1" in words(result.stderr)

    def test_error_of_a_real_process(self) -> None:
        done = trainlog("db", "info", db=f"postgresql+psycopg://office1:{PASSWORD}@127.0.0.1:1/x")
        assert done.returncode == 1 and PASSWORD not in done.stderr
        assert "cannot open the database" in done.stderr and "Traceback" not in done.stderr

    def test_backup_without_pg_dump_says_how(self, cli, tmp_path: Path) -> None:
        result = cli("--db", f"postgresql+psycopg://office1:{PASSWORD}@127.0.0.1:1/trainlog",
                     "db", "backup", tmp_path / "x.dump", env={"PATH": str(tmp_path)})
        assert result.exit_code == 1 and result.stdout == ""
        said = words(result.stderr)
        assert "pg_dump, which is not on PATH" in said and "apt-get install postgresql-client" in said
        assert PASSWORD not in said and not (tmp_path / "x.dump").exists()


class TestRetries:
    """The CLI runs a command again when PostgreSQL aborted its transaction for a conflict."""

    @staticmethod
    def conflict(sqlstate: str) -> Exception:
        from sqlalchemy.exc import OperationalError

        class Orig(Exception):
            pass

        orig = Orig(f"conflict {sqlstate}")
        orig.sqlstate = sqlstate  # type: ignore[attr-defined]
        return OperationalError("UPDATE …", {}, orig)

    def test_run_again_until_it_commits(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tdb.time, "sleep", lambda _s: None)
        calls = []

        def command() -> str:
            calls.append(1)
            if len(calls) < 3:
                raise self.conflict("40001" if len(calls) == 1 else "40P01")
            return "committed"

        assert retrying(command) == "committed" and len(calls) == 3

    def test_a_persistent_conflict_is_a_clear_message(self,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tdb.time, "sleep", lambda _s: None)
        calls = []

        def command() -> None:
            calls.append(1)
            raise self.conflict("40001")

        with pytest.raises(DatabaseBusy, match="nothing was written, try again later"):
            retrying(command, attempts=4)
        assert len(calls) == 4

    def test_other_errors_at_once(self) -> None:
        calls = []

        def command() -> None:
            calls.append(1)
            raise self.conflict("23505")  # unique_violation: running again would not help

        from sqlalchemy.exc import OperationalError

        with pytest.raises(OperationalError):
            retrying(command)
        assert len(calls) == 1


# --- the same JSON on both backends -------------------------------------------------------------

PERIODS = [["--month", f"2020-0{m}"] for m in range(1, 7)] + [
    ["--year", "2020"], ["--from", "2020-01-01", "--to", "2020-04-03"], ["--as-of", "2020-04-03"],
    ["--year", "2020", "--as-of", "2020-06-30"], ["--month", "2020-07"], ["--year", "2019"]]
BY = ["track", "kind", "topic", "branch", "township", "level", "month"]
AUDIENCES = ["all", "top-leaders", "poverty-cadres"]

COMMANDS = (
    [["report", *p] for p in PERIODS]
    + [["report", *p, "--by", by, "--audience", a] for p in (["--year", "2020"],
       ["--from", "2020-01-01", "--to", "2020-04-03"]) for by in BY for a in AUDIENCES]
    + [["report", "--year", "2020", "--track", t, "--by", "month"]
       for t in ("policy", "video", "special")]
    + [["report", "--from", "2020-01-01", "--to", "2020-04-03", "--track", "policy",
        "--audience", "top-leaders"]]
    + [["compliance", *p] for p in PERIODS]
    + [["compliance", "--month", "2020-03", "--min-month", "6"],
       ["compliance", "--year", "2020", "--min-year", "30"],
       ["compliance", "--month", "2020-04", "--platform", "academy"]]
    + [["coverage", *p] for p in PERIODS]
    + [["coverage", "--from", "2020-01-01", "--to", "2020-04-03", "--kind", "remote"],
       ["coverage", "--year", "2020", "--kind", "xuexi"]]
    + [["survey", "report", *p] for p in (["--year", "2020"], ["--month", "2020-03"],
                                          ["--from", "2020-01-01", "--to", "2020-04-03"])]
    + [["survey", "list", "--year", "2020"],
       ["session", "list", "--year", "2020", "--voided"],
       ["session", "list", "--month", "2020-04", "--track", "video"],
       ["session", "list", "--month", "2020-05", "--track", "special"],
       ["cadre", "list"], ["cadre", "list", "--level", "village"], ["cadre", "list", "--top-leader"],
       ["branch", "list"], ["plan", "show", "2020"], ["config", "show"],
       ["cadre", "show", "G0001", "--year", "2020"], ["cadre", "show", "G0300", "--year", "2020"]]
)


@pytest.fixture(scope="module")
def twins(test_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The Zhaoling 2020 data set, plus a voided session and a second plan, in a SQLite file and
    in a PostgreSQL database with a Chinese (ICU zh-CN) collation, as a province's server has."""
    if test_server is None:
        pytest.skip("needs a PostgreSQL server: --test-db URL or TRAINLOG_TEST_DB")
    from trainlog.demo.load import load_demo
    from trainlog.reports.plans import set_plan
    from trainlog.sessions.queries import void_session

    work = tmp_path_factory.mktemp("twins")
    name = f"trainlog_twins_{os.getpid()}"
    test_server.admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    test_server.admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                              "LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8'")
    locations = [str(work / "zhaoling.db"), test_server.url.set(database=name)
                 .render_as_string(hide_password=False)]
    os.environ["TRAINLOG_USER"] = "twins"
    try:
        for location in locations:
            db = Database(location)
            load_demo(db, work / "data")
            with db.connect(write=True) as conn:
                set_plan(conn, 2020, 3000)
                void_session(conn, _first_ref(conn), "录入重复")
            db.dispose()
        yield locations
    finally:
        os.environ.pop("TRAINLOG_USER", None)
        test_server.drop(name)


def _first_ref(conn: Any) -> str:
    return conn.scalar("SELECT ref FROM training_session WHERE track = 'policy' "
                       "ORDER BY date, ref LIMIT 1")


class TestSameJson:
    """Every report and listing, run on the same data in SQLite and in PostgreSQL."""

    @pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
    def test_identical(self, cli, twins: list[str], args: list[str]) -> None:
        outputs = []
        for location in twins:
            result = cli("--db", location, *args, "--format", "json")
            assert result.exit_code == 0, (location[:30], result.stderr)
            outputs.append(json.loads(result.stdout))
        assert outputs[0] == outputs[1]
        assert outputs[0], "the command found something to show"

    def test_the_source_figures(self, cli, twins: list[str]) -> None:
        """Not only the same: the right figures (examples/zhaoling2020/README.md)."""
        for location in twins:
            cov = json.loads(cli("--db", location, "coverage", "--from", "2020-01-01", "--to",
                                 "2020-04-03", "--kind", "remote", "-f", "json").stdout)
            assert (cov["branches"], cov["with_sessions"], cov["sessions"]) == (378, 371, 1034)
            comp = json.loads(cli("--db", location, "compliance", "--from", "2020-04-01", "--to",
                                  "2020-04-03", "-f", "json").stdout)
            assert (comp["party_members"], comp["registered"]) == (760, 739)

    @pytest.mark.parametrize("args", [
        ["report", "--year", "2020", "--by", "branch", "--format", "csv"],
        ["report", "--month", "2020-04", "--format", "notice"],
        ["compliance", "--month", "2020-04", "--format", "csv"],
        ["coverage", "--year", "2020", "--format", "csv"],
        ["report", "--year", "2020", "--by", "township", "--lang", "zh"],
    ])
    def test_identical_text(self, cli, twins: list[str], args: list[str]) -> None:
        first, second = (cli("--db", location, *args) for location in twins)
        assert first.exit_code == second.exit_code == 0, first.stderr + second.stderr
        assert first.stdout == second.stdout and first.stdout.strip()

    def test_export_workbooks_hold_the_same_cells(self, cli, twins: list[str],
                                                  tmp_path: Path) -> None:
        from openpyxl import load_workbook

        cells = []
        for k, location in enumerate(twins):
            path = tmp_path / f"export-{k}.xlsx"
            result = cli("--db", location, "export", "--year", "2020", path)
            assert result.exit_code == 0, result.stderr
            wb = load_workbook(path)
            cells.append({ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                          for ws in wb.worksheets})
        assert cells[0] == cells[1] and len(cells[0]) >= 3

    def test_db_info_counts_alike(self, cli, twins: list[str]) -> None:
        infos = [json.loads(cli("--db", loc, "db", "info", "-f", "json").stdout) for loc in twins]
        assert infos[0]["tables"] == infos[1]["tables"]
        assert infos[0]["tables"]["attendance"] > 1000
        assert [i["engine"] for i in infos] == ["sqlite", "postgresql"]
        assert "***" in infos[1]["location"] and twins[1] != infos[1]["location"]


# --- the server -----------------------------------------------------------------------------------


class TestInfoAndInit:
    def test_info_masks_the_password(self, cli, server: Any, small: Database) -> None:
        password = server.url.password
        info = cli("db", "info", "-f", "json")
        assert info.exit_code == 0
        data = json.loads(info.stdout)
        assert data["engine"] == "postgresql" and data["revision"] == HEAD
        assert data["location"] == small.display() and ":***@" in data["location"]
        assert data["tables"]["cadre"] == 20 and data["tables"]["attendance"] == 8
        for args in (["db", "info"], ["db", "check"], ["init"], ["db", "upgrade"],
                     ["--lang", "zh", "db", "info"]):
            result = cli(*args)
            assert result.exit_code == 0, result.stderr
            assert password not in result.stdout + result.stderr, args

    def test_wrong_password_is_a_clear_message(self, cli, server: Any, database_url: str) -> None:
        from sqlalchemy.engine import make_url

        wrong = make_url(database_url).set(password="not-the-password")
        result = cli("--db", wrong.render_as_string(hide_password=False), "init")
        assert result.exit_code == 1
        said = words(result.stderr)
        assert "password authentication failed" in said and "not-the-password" not in said
        assert server.url.password not in said

    def test_missing_database_on_the_server(self, cli, server: Any) -> None:
        url = server.url.set(database="no_such_trainlog_db").render_as_string(hide_password=False)
        result = cli("--db", url, "session", "list")
        assert result.exit_code == 1 and "no_such_trainlog_db" in result.stderr
        assert "Traceback" not in result.stderr

    def test_schema_is_made_by_the_migrations(self, server: Any, small: Database) -> None:
        from sqlalchemy import inspect

        with small.engine.connect() as conn:
            insp = inspect(conn)
            indexes = {i["name"] for i in insp.get_indexes("attendance")}
            indexes |= {i["name"] for i in insp.get_indexes("training_session")}
            version = sql(small.url, "SELECT version_num FROM alembic_version")
        assert {"ix_attendance_session_cover", "ix_session_track_date"} <= indexes
        assert version == [(HEAD,)]


class TestRolePerOffice:
    """A database owned by an admin role that runs the migrations, and a login role (here in a
    group) granted its office (`office grant`): it may read and write its records, nothing
    more (the README's recipe itself: test_offices_rls.py)."""

    def test_office_roles_work_and_cannot_change_the_schema(self, cli, server: Any,
                                                            tmp_path: Path, write_csv) -> None:
        tag = os.getpid()
        admin, group, office = f"tl_admin_{tag}", f"tl_office_{tag}", f"tl_zhaoling_{tag}"
        name = f"trainlog_roles_{tag}"
        su = server.admin
        su.execute(f"CREATE ROLE {admin} LOGIN PASSWORD 'admin-pw-1'")
        su.execute(f"CREATE DATABASE {name} OWNER {admin} ENCODING 'UTF8' TEMPLATE template0")
        as_su = server.url.set(database=name).render_as_string(hide_password=False)
        as_admin = server.url.set(database=name, username=admin, password="admin-pw-1")
        as_office = server.url.set(database=name, username=office, password="office-pw-1")
        try:
            sql(as_su, f"CREATE ROLE {group} NOLOGIN",
                f"GRANT CONNECT ON DATABASE {name} TO {group}",
                f"CREATE ROLE {office} LOGIN PASSWORD 'office-pw-1' IN ROLE {group}")
            admin_url = as_admin.render_as_string(hide_password=False)
            assert cli("--db", admin_url, "init", "--office", "zl").exit_code == 0
            granted = cli("--db", admin_url, "office", "grant", office, "zl")
            assert granted.exit_code == 0, granted.stderr

            url = as_office.render_as_string(hide_password=False)
            roster = write_csv(tmp_path / "r.csv", ["ref", "date", "track", "title", "cadre"],
                               [["R-1", "2020-04-02", "special", "专题班", "G001"],
                                ["R-1", "2020-04-02", "special", "专题班", "G002"]])
            for args in (["branch", "add", "B001", "一支部"], ["cadre", "add", "G001", "张伟"],
                         ["cadre", "add", "G002", "李娜", "--branch", "B001"],
                         ["session", "import", roster], ["session", "import", roster],
                         ["study", "add", "G001", "--month", "2020-04", "--hours", "6"],
                         ["plan", "set", "2020", "--target", "100"],
                         ["config", "set", "compliance.min_month", "4"],
                         ["config", "unset", "compliance.min_month"],
                         ["session", "void", "R-1", "--reason", "重复"],
                         ["report", "--month", "2020-04"], ["db", "check"], ["db", "info"],
                         ["db", "upgrade"], ["init"]):
                result = cli("--db", url, *args)
                assert result.exit_code == 0, (args, result.stderr)
                assert "office-pw-1" not in result.stdout + result.stderr
            with pytest.raises(Exception, match="must be owner|permission denied"):
                sql(url, "ALTER TABLE cadre ADD COLUMN x integer")
        finally:
            su.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (office, group, admin):
                su.execute(f"DROP ROLE IF EXISTS {role}")


class TestReadOnlyRole:
    @pytest.mark.parametrize("how", ["read-only grant", "read-only transactions"])
    def test_a_role_that_may_only_read(self, cli, server: Any, small: Database,
                                       tmp_path: Path, write_csv, how: str) -> None:
        """A read-only role writing printed SQLAlchemy's error, [SQL …] [parameters: …] with
        cadres' names; now one line, nothing written (issue 21). Its office granted
        --read-only (trainlog says so before writing), or a role whose every transaction is
        read-only (default_transaction_read_only, as on a standby: the server refuses)."""
        role = f"tl_reader_{os.getpid()}"
        url = server.url.set(database=small.url.rsplit("/", 1)[1].split("?")[0])
        su = url.render_as_string(hide_password=False)
        sql(su, f"CREATE ROLE {role} LOGIN PASSWORD 'reader-pw-1'")
        try:
            office = json.loads(cli("--db", su, "office", "list", "--format", "json").stdout)
            grant = ["--read-only"] if how == "read-only grant" else []
            granted = cli("--db", su, "office", "grant", role, office[0]["code"], *grant)
            assert granted.exit_code == 0, granted.stderr
            if how == "read-only transactions":
                sql(su, f"ALTER ROLE {role} SET default_transaction_read_only = on")
            reader = url.set(username=role, password="reader-pw-1").render_as_string(
                hide_password=False)
            before = sql(su, "SELECT count(*) FROM training_session, cadre")
            for args in (["session", "list"], ["report", "--month", "2020-04"], ["db", "info"]):
                r = cli("--db", reader, *args)
                assert r.exit_code == 0, (args, r.stderr)
            roster = write_csv(tmp_path / "c.csv", ["code", "name"], [["G901", "秘密的名字"]])
            for args in (["cadre", "import", roster], ["cadre", "add", "G902", "秘密的名字"],
                         ["add-session", "--date", "2020-04-09", "--track", "policy",
                          "--title", "t", "--attendee", "G001"],
                         ["session", "void", "P-1", "--reason", "x"],
                         ["plan", "set", "2020", "--target", "9"]):
                r = cli("--db", reader, *args)
                assert r.exit_code == 1, (args, r.stdout, r.stderr)
                said = words(r.stderr)
                assert len(r.stderr.strip().splitlines()) == 1, r.stderr
                if how == "read-only transactions":
                    assert "may only be read by this role (PostgreSQL: cannot execute" in said
                    assert said.endswith("nothing was written"), said
                else:
                    assert "is read-only for the database role" in said, said
                for leak in ("秘密", "[SQL", "parameters", "reader-pw-1", "Traceback",
                             "unexpected error"):
                    assert leak not in r.stderr, (args, r.stderr)
            assert sql(su, "SELECT count(*) FROM training_session, cadre") == before
        finally:
            sql(su, f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


class TestRevisions:
    @pytest.fixture
    def old(self, server: Any, small: Database) -> Database:
        """The database taken back to the first revision (its records kept)."""
        from alembic import command
        from alembic.config import Config

        small.dispose()
        with small.engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location",
                                   str(Path(tdb.__file__).parent / "migrations"))
            config.attributes["connection"] = conn
            command.downgrade(config, REVISIONS[0])
        small.dispose()
        return small

    def test_older_schema_asks_for_a_backup_and_db_upgrade(self, cli, old: Database,
                                                          tmp_path: Path) -> None:
        result = cli("session", "list")
        assert result.exit_code == 1
        said = words(result.stderr)
        assert f"revision {REVISIONS[0]}" in said and "back it up" in said
        assert "trainlog db upgrade" in said
        upgraded = cli("db", "upgrade")
        assert upgraded.exit_code == 0, upgraded.stderr
        assert upgraded.stdout == f"{old.display()}\n"
        assert f"from revision {REVISIONS[0]} to {HEAD}" in words(upgraded.stderr)
        assert sql(old.url, "SELECT version_num FROM alembic_version") == [(HEAD,)]
        listed = json.loads(cli("session", "list", "-f", "json").stdout)
        assert sorted(s["ref"] for s in listed) == ["P-0", "P-1", "P-2", "P-3"]
        assert not list(tmp_path.glob("*.bak")), "the server's backup is pg_dump's, on purpose"

    def test_newer_schema_is_refused(self, cli, server: Any, small: Database) -> None:
        sql(small.url, "UPDATE alembic_version SET version_num = '0099'")
        small.dispose()
        for args in (["session", "list"], ["db", "upgrade"], ["init"]):
            result = cli(*args)
            assert result.exit_code == 1
            assert "newer than this trainlog" in words(result.stderr), args
        assert sql(small.url, "SELECT version_num FROM alembic_version") == [("0099",)]


class TestBackup:
    def test_pg_dump_and_restore(self, cli, server: Any, small: Database, tmp_path: Path) -> None:
        dest = tmp_path / "office.dump"
        result = cli("db", "backup", dest)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"{dest}\n"
        said = words(result.stderr)
        assert said.startswith(f"backed up {small.display()}") and "integrity ok" in said
        assert server.url.password not in said
        assert dest.read_bytes()[:5] == b"PGDMP", "pg_dump's custom format"
        assert not list(tmp_path.glob(".*.part"))
        before = json.loads(cli("report", "--month", "2020-04", "-f", "json").stdout)

        # Restore into a new database, as the README says, and use it.
        name, url = server.create()
        try:
            restore = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq(url)}",
                 str(dest)], capture_output=True, text=True, timeout=300)
            assert restore.returncode == 0, restore.stderr
            check = cli("--db", url, "db", "check", "-f", "json")
            assert check.exit_code == 0, check.stdout
            after = json.loads(cli("--db", url, "report", "--month", "2020-04", "-f",
                                   "json").stdout)
            assert after == before and after["total"]["person_times"] == 8
            added = cli("--db", url, "add-session", "--date", "2020-04-09", "--track", "video",
                        "--title", "恢复后", "--headcount", "5")
            assert added.exit_code == 0, "the restored sequences go on after the copied ids"
        finally:
            server.drop(name)

    def test_into_a_folder_json_and_refusals(self, cli, server: Any, small: Database,
                                             tmp_path: Path) -> None:
        from sqlalchemy.engine import make_url

        folder = tmp_path / "nightly"
        folder.mkdir()
        data = json.loads(cli("db", "backup", folder, "-f", "json").stdout)
        expected = folder / f"{make_url(small.url).database}.dump"
        assert data["backup"] == str(expected) and expected.is_file()
        assert data["bytes"] == expected.stat().st_size and data["revision"] == HEAD
        assert data["integrity"] == "ok" and data["database"] == small.display()
        again = cli("db", "backup", folder)
        assert again.exit_code == 1 and "give --force" in words(again.stderr)
        assert cli("db", "backup", folder, "--force").exit_code == 0
        nowhere = cli("db", "backup", tmp_path / "no" / "such" / "x.dump")
        assert nowhere.exit_code == 1 and "no such folder" in nowhere.stderr

    def test_password_goes_in_the_environment(self, cli, server: Any, small: Database,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        seen: list[tuple[list[str], dict[str, str]]] = []
        real = subprocess.run

        def spy(cmd, *a, **k):  # type: ignore[no-untyped-def]
            seen.append((list(cmd), dict(k.get("env") or {})))
            return real(cmd, *a, **k)

        monkeypatch.setattr(subprocess, "run", spy)
        assert cli("db", "backup", tmp_path / "x.dump").exit_code == 0
        tools = [Path(cmd[0]).name for cmd, _ in seen]
        assert tools[0] == "pg_dump" and "pg_restore" in tools
        password = server.url.password
        for cmd, _env in seen:
            assert not any(password in part for part in cmd), cmd
        assert seen[0][1]["PGPASSWORD"] == password
        assert seen[0][1]["PGDATABASE"] == small.url.rsplit("/", 1)[1]

    def test_a_failing_pg_dump_leaves_nothing_and_hides_the_password(
            self, cli, server: Any, small: Database, tmp_path: Path) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        fake = bin_dir / "pg_dump"
        fake.write_text('#!/bin/sh\necho "pg_dump: error: password $PGPASSWORD refused" >&2\n'
                        'for a; do case "$a" in --file=*) echo half > "${a#--file=}";; esac; done\n'
                        "exit 1\n")
        fake.chmod(0o755)
        dest = tmp_path / "x.dump"
        result = cli("db", "backup", dest, env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
        assert result.exit_code == 1
        said = words(result.stderr)
        assert said.startswith("pg_dump could not back up") and "password *** refused" in said
        assert server.url.password not in said
        assert not dest.exists() and not list(tmp_path.glob(".*.part"))

    def test_writers_go_on_during_a_backup(self, cli, server: Any, small: Database,
                                          tmp_path: Path) -> None:
        """pg_dump reads one snapshot: a copy holds whole sessions, a prefix of the commits."""
        stop = threading.Event()
        written: list[int] = []

        def writer() -> None:
            from trainlog.sessions.add import add_session

            db = Database(small.url)
            n = 0
            while not stop.is_set():
                with db.connect(write=True) as s:
                    add_session(s, date="2020-07-01", track="policy", title=f"并发 {n}",
                                hours="1", attendees=[f"G{1 + (n + k) % 20:03d}" for k in range(8)],
                                headcount=0, ref=f"W-{n}")
                n += 1
                written.append(n)
            db.dispose()

        thread = threading.Thread(target=writer)
        thread.start()
        copies = []
        try:
            while not written:
                time.sleep(0.01)
            for k in range(3):
                dest = tmp_path / f"copy-{k}.dump"
                result = cli("db", "backup", dest)
                assert result.exit_code == 0, result.stderr
                copies.append(dest)
        finally:
            stop.set()
            thread.join(60)
        assert len(written) > 3
        for dest in copies:
            name, url = server.create()
            try:
                restore = subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq(url)}",
                                          str(dest)], capture_output=True, text=True, timeout=300)
                assert restore.returncode == 0, restore.stderr
                refs = {r[0] for r in sql(url, "SELECT ref FROM training_session "
                                               "WHERE ref LIKE 'W-%'")}
                assert refs == {f"W-{n}" for n in range(len(refs))}, "a prefix of the commits"
                counts = sql(url, "SELECT count(*), coalesce(sum(attendee_count), 0) "
                                  "FROM training_session WHERE ref LIKE 'W-%'")[0]
                assert counts[1] == 8 * counts[0], "whole sessions only"
                assert cli("--db", url, "db", "check").exit_code == 0
            finally:
                server.drop(name)


class TestChecks:
    def test_the_servers_checks_on_a_clean_database(self, cli, server: Any,
                                                    small: Database) -> None:
        result = cli("db", "check", "-f", "json")
        assert result.exit_code == 0, result.stdout
        checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
        assert list(checks)[:3] == ["server", "constraints", "indexes"]
        assert "integrity" not in checks and "foreign_keys" not in checks
        assert "encoding UTF8" in checks["server"]["detail"]
        assert "validated and enforced" in checks["constraints"]["detail"]
        assert "all valid" in checks["indexes"]["detail"]

    @pytest.mark.parametrize(("name", "statements", "said"), [
        ("constraints", ["ALTER TABLE attendance DROP CONSTRAINT fk_attendance_cadre_id"],
         "attendance (cadre_id, office_id) -> cadre: foreign key missing"),
        ("constraints", ["ALTER TABLE attendance DROP CONSTRAINT fk_attendance_cadre_id",
                         "ALTER TABLE attendance ADD CONSTRAINT fk_attendance_cadre_id FOREIGN "
                         "KEY (office_id, cadre_id) REFERENCES cadre (office_id, id) NOT VALID"],
         "NOT VALID"),
        ("constraints", ["ALTER TABLE attendance DISABLE TRIGGER ALL"],
         "attendance: foreign keys not enforced"),
        ("constraints", ["ALTER TABLE cadre DROP CONSTRAINT uq_cadre_office_code"],
         "cadre (code, office_id): unique constraint missing"),
        ("constraints", ["ALTER TABLE setting DROP CONSTRAINT pk_setting"],
         "setting: primary key (key, office_id) missing"),
        ("constraints", ["ALTER TABLE office DROP CONSTRAINT uq_office_code"],
         "office (code): unique constraint missing"),
        ("constraints", ["ALTER TABLE survey_topic DROP CONSTRAINT fk_survey_topic_survey_id",
                         "ALTER TABLE survey_topic ADD CONSTRAINT fk_survey_topic_survey_id "
                         "FOREIGN KEY (office_id, survey_id) REFERENCES cadre (office_id, id)"],
         "survey_topic (office_id, survey_id) -> survey_answer: foreign key missing"),
        ("indexes", ["UPDATE pg_index SET indisvalid = false WHERE indexrelid = "
                     "'ix_session_track_date'::regclass"], "invalid index(es): ix_session_track_date"),
    ])
    def test_each_broken_fails(self, cli, server: Any, small: Database, name: str,
                               statements: list[str], said: str) -> None:
        sql(small.url, *statements)
        small.dispose()
        result = cli("db", "check", "-f", "json")
        assert result.exit_code == 1
        checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
        assert [c for c, v in checks.items() if not v["ok"]] == [name]
        assert said in checks[name]["detail"]
        assert f"checks failed: {name}" in words(result.stderr)

    def test_amcheck_verifies_the_indexes_when_installed(self, cli, server: Any,
                                                         small: Database) -> None:
        try:
            sql(small.url, "CREATE EXTENSION amcheck")
        except Exception as exc:  # contrib not installed with this server
            pytest.skip(f"no amcheck extension: {exc}")
        checks = {c["name"]: c for c in json.loads(cli("db", "check", "-f", "json").stdout)
                  ["checks"]}
        assert checks["indexes"]["ok"] and "verified" in checks["indexes"]["detail"]

    def test_a_database_not_in_utf8(self, cli, server: Any) -> None:
        name = f"trainlog_ascii_{os.getpid()}"
        server.admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'SQL_ASCII' "
                             "LC_COLLATE 'C' LC_CTYPE 'C'")
        try:
            url = server.url.set(database=name).render_as_string(hide_password=False)
            assert cli("--db", url, "init").exit_code == 0
            result = cli("--db", url, "db", "check", "-f", "json")
            assert result.exit_code == 1
            server_check = json.loads(result.stdout)["checks"][0]
            assert server_check["name"] == "server" and not server_check["ok"]
            assert "SQL_ASCII, not UTF8" in server_check["detail"]
        finally:
            server.drop(name)

    def test_trainlogs_invariants_are_checked_on_the_server_too(self, cli, server: Any,
                                                               small: Database) -> None:
        sql(small.url, "UPDATE training_session SET attendee_count = 7 WHERE ref = 'P-1'",
            "UPDATE training_session SET void = TRUE WHERE ref = 'P-2'")
        checks = {c["name"]: c for c in json.loads(cli("db", "check", "-f", "json").stdout)
                  ["checks"]}
        assert not checks["attendee_counts"]["ok"] and not checks["voids"]["ok"]
        assert checks["constraints"]["ok"]


class TestWriteLock:
    """Writers queue on a transaction-scoped advisory lock; readers never wait."""

    def test_writer_waits_for_another_writer(self, cli, server: Any, small: Database) -> None:
        ready = threading.Event()
        holder = threading.Thread(target=held_advisory_lock, args=(small.url, 1.5, ready))
        holder.start()
        try:
            assert ready.wait(10)
            started = time.monotonic()
            result = cli("add-session", "--date", "2020-04-20", "--track", "video", "--title",
                         "远程教育", "--headcount", "9", "--ref", "V-9")
            waited = time.monotonic() - started
            listing_started = time.monotonic()
        finally:
            holder.join()
        assert result.exit_code == 0, result.stderr
        assert waited >= 1.0, "it waited for the lock instead of failing"
        assert listing_started - started < 30
        assert sql(small.url, "SELECT count(*) FROM training_session WHERE ref = 'V-9'") == [(1,)]

    def test_readers_do_not_wait(self, cli, server: Any, small: Database) -> None:
        ready = threading.Event()
        holder = threading.Thread(target=held_advisory_lock, args=(small.url, 3.0, ready))
        holder.start()
        try:
            assert ready.wait(10)
            started = time.monotonic()
            for args in (["session", "list"], ["report", "--month", "2020-04"], ["db", "check"]):
                assert cli(*args).exit_code == 0, args
            took = time.monotonic() - started
        finally:
            holder.join()
        assert took < 2.5, "the readers did not wait for the writer's lock"

    def test_busy_server_is_a_clear_message(self, cli, server: Any, small: Database,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tdb, "BUSY_TIMEOUT_MS", 200)
        ready = threading.Event()
        holder = threading.Thread(target=held_advisory_lock, args=(small.url, 3.0, ready))
        holder.start()
        try:
            assert ready.wait(10)
            result = cli("add-session", "--date", "2020-04-21", "--track", "policy", "--title",
                         "会", "--headcount", "3", "--ref", "R-4")
        finally:
            holder.join()
        assert result.exit_code == 1 and result.stdout == ""
        said = words(result.stderr)
        assert "is busy" in said and "nothing was written" in said
        assert server.url.password not in said and ":***@" in said
        assert sql(small.url, "SELECT count(*) FROM training_session WHERE ref = 'R-4'") == [(0,)]

    def test_the_lock_ends_with_the_transaction(self, server: Any, small: Database) -> None:
        with small.connect(write=True) as s:
            held = s.scalar(_ADVISORY_LOCKS, {"key": tdb.PG_WRITE_LOCK})
        assert held == 1
        with small.connect() as s:  # a reading connection takes none
            assert s.scalar(_ADVISORY_LOCKS, {"key": tdb.PG_WRITE_LOCK}) == 0
        with small.connect() as s:
            assert s.scalar(_ADVISORY_LOCKS, {"key": tdb.PG_WRITE_LOCK}) == 0


#: Granted advisory locks on a key in this test's database (other test runs may share the server);
#: a bigint key is kept as two 32-bit halves: classid (high), objid (low)
_ADVISORY_LOCKS = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                   "AND (classid::bigint << 32 | objid::bigint) = :key "
                   "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


class TestConflictsRunAgain:
    """A deadlock PostgreSQL breaks by aborting trainlog's transaction: the command runs again."""

    def test_deadlock_victim_retries_and_commits(self, server: Any, small: Database) -> None:
        import psycopg

        before = sql(small.url, "SELECT deadlocks FROM pg_stat_database "
                                "WHERE datname = current_database()")[0][0]
        other = psycopg.connect(libpq(small.url))
        try:
            # Another program holds cadre G001's row, and looks for a deadlock only after 10 s:
            # trainlog (1 s) is the one PostgreSQL aborts.
            other.execute("SET deadlock_timeout = '10s'")
            other.execute("UPDATE cadre SET unit = '另一个程序' WHERE code = 'G001'")
            proc = subprocess.Popen([sys.executable, "-m", "trainlog", "cadre", "edit", "G001",
                                     "--unit", "组织部"], env={**os.environ,
                                                                "TRAINLOG_DB": small.url},
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _wait_for_lock_wait(small.url, proc)
            # trainlog holds the write lock and waits for the row; now wait for its lock
            other.execute("SELECT pg_advisory_xact_lock(%s)", (tdb.PG_WRITE_LOCK,))
            other.commit()
            out, err = proc.communicate(timeout=120)
        finally:
            other.close()
        assert proc.returncode == 0, err
        assert err == "" or "Traceback" not in err and "deadlock" not in err.lower()
        assert sql(small.url, "SELECT unit FROM cadre WHERE code = 'G001'") == [("组织部",)]
        after = sql(small.url, "SELECT deadlocks FROM pg_stat_database "
                               "WHERE datname = current_database()")[0][0]
        assert after == before + 1, "PostgreSQL did abort trainlog once"

    def test_serializable_default_does_not_fail_writers(self, cli, server: Any,
                                                        small: Database) -> None:
        """A server whose default isolation is SERIALIZABLE: trainlog's writes still queue."""
        import psycopg
        from sqlalchemy.engine import make_url

        database = make_url(small.url).database
        server.admin.execute(f'ALTER DATABASE "{database}" SET default_transaction_isolation '
                             "= 'serializable'")
        small.dispose()
        other = psycopg.connect(libpq(small.url))
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (tdb.PG_WRITE_LOCK,))
            proc = subprocess.Popen([sys.executable, "-m", "trainlog", "cadre", "edit", "G002",
                                     "--unit", "组织部"], env={**os.environ,
                                                                "TRAINLOG_DB": small.url},
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _wait_for_lock_wait(small.url, proc, lock="advisory")
            other.execute("UPDATE cadre SET unit = '先到' WHERE code = 'G002'")
            other.commit()
            out, err = proc.communicate(timeout=120)
        finally:
            other.close()
        assert proc.returncode == 0 and err == "", err
        assert sql(small.url, "SELECT unit FROM cadre WHERE code = 'G002'") == [("组织部",)]


def _wait_for_lock_wait(url: str, proc: subprocess.Popen[str], lock: str = "transactionid",
                        timeout: float = 60) -> None:
    """Until a backend of the database waits for a lock of that type (or the process ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        waiting = sql(url, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a "
                           "ON a.pid = l.pid WHERE NOT l.granted AND l.locktype = :lock "
                           "AND a.datname = current_database()", params={"lock": lock})
        if waiting[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError("trainlog never waited for the lock")


@pytest.mark.slow
class TestKilledImport:
    """A session import killed (SIGKILL) half way leaves none of it; running it again works."""

    def test_all_or_nothing(self, server: Any, small: Database, tmp_path: Path,
                            write_csv) -> None:
        cadres = write_csv(tmp_path / "many.csv", ["code", "name"],
                           [[f"K{i:04d}", f"干部{i}"] for i in range(1, 1001)])
        assert trainlog("cadre", "import", cadres, db=small.url).returncode == 0
        roster = write_csv(tmp_path / "roster.csv", ["ref", "date", "track", "title", "hours",
                                                     "cadre"],
                           [[f"K-{r}", "2020-05-01", "special", "专题班", "6", f"K{i:04d}"]
                            for r in range(40) for i in range(1, 1001)])
        started = time.monotonic()
        full = trainlog("session", "import", roster, db=small.url)
        took = time.monotonic() - started
        assert full.returncode == 0, full.stderr
        sql(small.url, "DELETE FROM attendance WHERE session_id IN "
                       "(SELECT id FROM training_session WHERE ref LIKE 'K-%')",
            "DELETE FROM training_session WHERE ref LIKE 'K-%'")
        for share in (0.3, 0.6, 0.85):
            proc = subprocess.Popen([sys.executable, "-m", "trainlog", "session", "import",
                                     str(roster)], env={**os.environ, "TRAINLOG_DB": small.url},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(took * share)
            proc.send_signal(signal.SIGKILL)
            proc.wait(60)
            kept = sql(small.url, "SELECT count(*) FROM training_session WHERE ref LIKE 'K-%'")
            assert kept[0][0] in (0, 40), share
            if kept[0][0]:  # it had committed: the whole of it, then start again
                assert sql(small.url, "SELECT count(*) FROM attendance a JOIN training_session s "
                                      "ON s.id = a.session_id WHERE s.ref LIKE 'K-%'") == [(40000,)]
                sql(small.url, "DELETE FROM attendance WHERE session_id IN "
                               "(SELECT id FROM training_session WHERE ref LIKE 'K-%')",
                    "DELETE FROM training_session WHERE ref LIKE 'K-%'")
        again = trainlog("session", "import", roster, db=small.url)
        assert again.returncode == 0, again.stderr
        assert sql(small.url, "SELECT count(*), sum(attendee_count) FROM training_session "
                              "WHERE ref LIKE 'K-%'") == [(40, 40000)]
        check = trainlog("db", "check", "-f", "json", db=small.url)
        assert check.returncode == 0, check.stdout


def test_pg_tools_are_found_when_installed() -> None:
    """The backups need pg_dump and pg_restore on PATH where the server tests run."""
    if not os.environ.get("TRAINLOG_TEST_DB"):
        pytest.skip("only where the suite runs against a server")
    assert shutil.which("pg_dump") and shutil.which("pg_restore")
