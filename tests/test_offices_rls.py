"""PostgreSQL keeps each office to its own records: the README's shared-use setup run as written
(under test names), then what each role may do through trainlog and through plain SQL (psql).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_TAGS = itertools.count(1)


def setup_blocks() -> tuple[list[str], list[list[str]]]:
    """The README's shared-use setup: the superuser's SQL statements, the admin's commands."""
    text = README.read_text(encoding="utf-8")
    part = text[text.index("<!-- shared-setup:begin -->"):text.index("<!-- shared-setup:end -->")]
    sql_block = re.search(r"```sql\n(.*?)```", part, re.S).group(1)  # type: ignore[union-attr]
    sh_block = re.search(r"```sh\n(.*?)```", part, re.S).group(1)  # type: ignore[union-attr]
    statements = [s.strip() for s in sql_block.split(";") if s.strip()]
    commands = [shlex.split(line) for line in sh_block.splitlines() if line.startswith("trainlog")]
    return statements, commands


def connect(url: str) -> Any:
    import psycopg

    from trainlog.store.database import pg_conninfo

    return psycopg.connect(**{**pg_conninfo(url), "autocommit": True})


class Shared:
    """The README's database on the test server: roles and database named with a tag."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.tag = f"{os.getpid()}_{next(_TAGS)}"
        self.names = {n: f"{n}_{self.tag}" for n in ("trainlog_admin", "zhaoling", "yancheng",
                                                      "luohe")}
        self.database = f"trainlog_shared_{self.tag}"
        self.passwords = {n: f"{n}-password" for n in ("admin", "zhaoling", "yancheng", "luohe")}

    def rename(self, text: str) -> str:
        """The README's SQL with this test's names of the roles and the database."""
        text = re.sub(r"\b(trainlog_admin|zhaoling|yancheng|luohe)\b(?!-password)",
                      lambda m: self.names[m.group(1)], text)
        return re.sub(r"DATABASE trainlog\b", f"DATABASE {self.database}", text)

    def url(self, role: str) -> str:
        password = self.passwords["admin" if role == "trainlog_admin" else role]
        return self.server.url.set(database=self.database, username=self.names[role],
                                   password=password).render_as_string(hide_password=False)

    def drop(self) -> None:
        admin = self.server.admin
        admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        for role in self.names.values():
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def shared(test_server: Any, cli, monkeypatch: pytest.MonkeyPatch, write_csv,
           tmp_path: Path) -> Iterator[Shared]:  # type: ignore[no-untyped-def]
    """The README's setup done as written, then each district's records entered by its role."""
    if test_server is None:
        pytest.skip("needs a PostgreSQL server: --test-db URL or TRAINLOG_TEST_DB")
    s = Shared(test_server)
    try:
        statements, commands = setup_blocks()
        assert len(statements) == 6 and len(commands) == 6
        for statement in statements:
            test_server.admin.execute(s.rename(statement))
        for args in commands:
            assert args[0] == "trainlog"
            if args[1:3] == ["office", "grant"]:  # office grant ROLE CODE: the role's test name
                args[3] = s.names[args[3]]
            result = cli(*args[1:], env={"TRAINLOG_DB": s.url("trainlog_admin")})
            assert result.exit_code == 0, (args, result.stderr)
        for office, n in (("zhaoling", 4), ("yancheng", 6)):
            env = {"TRAINLOG_DB": s.url(office), "TRAINLOG_USER": f"{office}-clerk"}
            roster = write_csv(tmp_path / f"{office}.csv",
                               ["ref", "date", "track", "title", "cadre"],
                               [["1", "2020-04-02", "special", f"{office}专题班", f"G{i}"]
                                for i in range(n)])
            for args in (["branch", "add", "B001", f"{office}一支部"],
                         *[["cadre", "add", f"G{i}", f"{office}{i}", "--branch", "B001"]
                           for i in range(n)],
                         ["session", "import", roster],
                         ["plan", "set", "2020", "--target", str(10 * n)],
                         ["config", "set", "compliance.min_month", "4"]):
                result = cli(*args, env=env)
                assert result.exit_code == 0, (office, args, result.stderr)
        yield s
    finally:
        s.drop()


def report(cli, url: str, *args: str) -> Any:  # type: ignore[no-untyped-def]
    result = cli(*args, "--format", "json", env={"TRAINLOG_DB": url,
                                                 "TRAINLOG_TODAY": "2020-12-31"})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestThroughTrainlog:
    def test_each_district_sees_its_own(self, cli, shared: Shared) -> None:
        for office, n in (("zhaoling", 4), ("yancheng", 6)):
            data = report(cli, shared.url(office), "report", "--year", "2020")
            assert data["total"]["person_times"] == n and data["plan"]["target"] == 10 * n
            sessions = report(cli, shared.url(office), "session", "list")
            assert [s["title"] for s in sessions] == [f"{office}专题班"]
        other = cli("--office", "yancheng", "session", "list",
                    env={"TRAINLOG_DB": shared.url("zhaoling")})
        assert other.exit_code == 1
        assert "no office 'yancheng'" in other.stderr and "yancheng专题班" not in other.stderr

    def test_the_city_reads_below_and_writes_nothing(self, cli, shared: Shared) -> None:
        city = shared.url("luohe")
        rows = {r["office"]: r for r in report(cli, city, "report", "--year", "2020", "--by",
                                                "office")["rows"]}
        assert {k: (r["person_times"], r["plan"]["target"]) for k, r in rows.items()} == {
            "yancheng": (6, 60), "zhaoling": (4, 40)}
        shown = report(cli, city, "--office", "zhaoling", "session", "list")
        assert [s["title"] for s in shown] == ["zhaoling专题班"]
        for args in (["branch", "add", "B009", "九支部"],
                     ["--office", "zhaoling", "session", "void", "1", "--reason", "x"],
                     ["--office", "zhaoling", "cadre", "deactivate", "G1"]):
            result = cli(*args, env={"TRAINLOG_DB": city})
            assert result.exit_code == 1, args
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and "read" in lines[0] and "not change them" in lines[0], lines
        assert report(cli, shared.url("zhaoling"), "session", "list")[0]["void"] is False

    def test_db_upgrade_gives_granted_roles_the_new_tables(self, cli, shared: Shared) -> None:
        """A role granted before an upgrade added tables and columns (as the grants made before
        revision 0005 were) gets them from `db upgrade`, made from its grants."""
        role = shared.names["zhaoling"]
        with connect(shared.url("trainlog_admin")) as conn:  # privileges as they were at 0004
            conn.execute(f'REVOKE ALL ON cadre_fact, month_close, change_log FROM "{role}"')
            conn.execute(f'REVOKE INSERT (rank, id_number), UPDATE (rank, id_number) ON cadre '
                         f'FROM "{role}"')
        clerk = {"TRAINLOG_DB": shared.url("zhaoling"), "TRAINLOG_TODAY": "2020-12-31"}
        writes = (["cadre", "add", "G9", "新干部", "--branch", "B001", "--rank", "section"],
                  ["cadre", "edit", "G1", "--top-leader", "--from", "2020-06-01"],
                  ["month", "close", "2020-03"])
        assert cli(*writes[0], env=clerk).exit_code == 1  # no privilege on the new columns
        not_admin = cli("db", "upgrade", env=clerk)  # current: an office role remakes nothing
        assert not_admin.exit_code == 0, not_admin.stderr
        assert "privileges" not in not_admin.stderr
        upgraded = cli("db", "upgrade", env={"TRAINLOG_DB": shared.url("trainlog_admin")})
        assert upgraded.exit_code == 0, upgraded.stderr
        said = " ".join(upgraded.stderr.split())
        assert "privileges made again" in said and role in said, said
        for args in writes:
            result = cli(*args, env=clerk)
            assert result.exit_code == 0, (args, result.stderr)
        logged = report(cli, shared.url("zhaoling"), "log", "--key", "G9")
        assert [(r["kind"], r["action"]) for r in logged] == [("cadre", "create")]
        city = cli("--office", "zhaoling", "month", "close", "2020-04",
                   env={"TRAINLOG_DB": shared.url("luohe")})
        assert city.exit_code == 1 and "not change them" in city.stderr  # still read-only

    def test_an_import_refreshes_the_statistics_for_an_office_role(
            self, cli, shared: Shared, write_csv, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> None:
        """An import's ANALYZE (migration 0006) runs for a role that does not own the tables, in
        the import's transaction; a dry run and a small import leave the statistics alone."""
        def statistics() -> tuple[float, int]:
            with connect(shared.url("trainlog_admin")) as conn:
                return (conn.execute("SELECT reltuples FROM pg_class "
                                     "WHERE relname = 'cadre'").fetchone()[0],
                        conn.execute("SELECT count(*) FROM cadre").fetchone()[0])

        clerk = {"TRAINLOG_DB": shared.url("zhaoling")}
        new = write_csv(tmp_path / "new.csv", ["code", "name", "branch"],
                        [[f"N{i}", f"新{i}", "B001"] for i in range(3)])
        assert statistics() == (-1, 10)  # never analyzed: the fixture's imports are small
        assert cli("cadre", "import", new, env=clerk).exit_code == 0
        assert statistics() == (-1, 13)  # fewer rows than ANALYZE_AFTER
        monkeypatch.setattr("trainlog.store.sql.ANALYZE_AFTER", 3)
        again = write_csv(tmp_path / "again.csv", ["code", "name", "branch"],
                          [[f"M{i}", f"再{i}", "B001"] for i in range(3)])
        assert cli("cadre", "import", again, "--dry-run", env=clerk).exit_code == 0
        assert statistics() == (-1, 13)
        result = cli("cadre", "import", again, env=clerk)
        assert result.exit_code == 0, result.stderr
        assert statistics() == (16, 16)

    def test_the_audit_fields_name_the_role(self, shared: Shared) -> None:
        with connect(shared.url("trainlog_admin")) as conn:
            rows = conn.execute("SELECT o.code, s.created_by, s.created_role FROM "
                                "training_session s JOIN office o ON o.id = s.office_id "
                                "ORDER BY o.code").fetchall()
        assert rows == [("yancheng", "yancheng-clerk", shared.names["yancheng"]),
                        ("zhaoling", "zhaoling-clerk", shared.names["zhaoling"])]

    def test_a_replace_and_an_unset_work_without_delete(self, cli, shared: Shared,
                                                       write_csv, tmp_path: Path) -> None:
        env = {"TRAINLOG_DB": shared.url("zhaoling")}
        fewer = write_csv(tmp_path / "fewer.csv", ["ref", "date", "track", "title", "cadre"],
                          [["1", "2020-04-02", "special", "zhaoling专题班", "G0"]])
        result = cli("session", "import", fewer, env=env)
        assert result.exit_code == 0, result.stderr
        assert cli("config", "unset", "compliance.min_month", env=env).exit_code == 0
        assert report(cli, shared.url("zhaoling"), "report", "--year",
                      "2020")["total"]["person_times"] == 1
        assert report(cli, shared.url("yancheng"), "report", "--year",
                      "2020")["total"]["person_times"] == 6
        yc = report(cli, shared.url("yancheng"), "config", "show")
        assert [r["value"] for r in yc if r["key"] == "compliance.min_month"] == [4.0]


class TestThroughSql:
    """What a role may do in psql, past trainlog."""

    def test_select_sees_only_the_roles_offices(self, shared: Shared) -> None:
        counts = {}
        for role in ("zhaoling", "yancheng", "luohe", "trainlog_admin"):
            with connect(shared.url(role)) as conn:
                counts[role] = (conn.execute("SELECT count(*) FROM attendance").fetchone()[0],
                                conn.execute("SELECT count(*) FROM cadre").fetchone()[0],
                                conn.execute("SELECT count(*) FROM office").fetchone()[0])
        assert counts == {"zhaoling": (4, 4, 1), "yancheng": (6, 6, 1), "luohe": (10, 10, 3),
                          "trainlog_admin": (10, 10, 3)}

    def test_update_and_delete_of_another_office_touch_nothing(self, shared: Shared) -> None:
        import psycopg

        with connect(shared.url("trainlog_admin")) as conn:
            yc = conn.execute("SELECT id FROM office WHERE code = 'yancheng'").fetchone()[0]
            before = conn.execute("SELECT title FROM training_session ORDER BY id").fetchall()
        with connect(shared.url("zhaoling")) as conn:
            changed = conn.execute("UPDATE training_session SET title = 'x' "
                                   "WHERE office_id = %s", [yc]).rowcount
            assert changed == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM attendance")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM attendance WHERE office_id = %s", [yc])
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("INSERT INTO branch (office_id, code, name, active) "
                             "VALUES (%s, 'B666', '假支部', true)", [yc])
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the server sets it
                conn.execute("UPDATE cadre SET created_role = 'someone' WHERE code = 'G0'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor another office's
                conn.execute("SELECT trainlog_delete_attendance(id, NULL) FROM "
                             "(SELECT %s::integer AS id) t", [self._session(shared, "yancheng")])
        with connect(shared.url("trainlog_admin")) as conn:
            after = conn.execute("SELECT title FROM training_session ORDER BY id").fetchall()
            assert after == before
            assert conn.execute("SELECT count(*) FROM attendance").fetchone()[0] == 10

    @staticmethod
    def _session(shared: Shared, office: str) -> int:
        with connect(shared.url("trainlog_admin")) as conn:
            return conn.execute("SELECT s.id FROM training_session s JOIN office o "
                                "ON o.id = s.office_id WHERE o.code = %s", [office]).fetchone()[0]

    def test_a_read_only_role_cannot_write(self, shared: Shared) -> None:
        import psycopg

        with connect(shared.url("luohe")) as conn:
            for statement in ("UPDATE training_session SET title = 'x'",
                              "INSERT INTO plan (office_id, year, scope, target) "
                              "SELECT id, 2021, 'all', 1 FROM office LIMIT 1",
                              "DELETE FROM setting"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)

    def test_revoke_takes_the_office_back(self, cli, shared: Shared) -> None:
        admin = {"TRAINLOG_DB": shared.url("trainlog_admin")}
        result = cli("office", "revoke", shared.names["zhaoling"], "zhaoling", env=admin)
        assert result.exit_code == 0, result.stderr
        gone = cli("session", "list", env={"TRAINLOG_DB": shared.url("zhaoling")})
        assert gone.exit_code == 1
        assert "zhaoling专题班" not in gone.stdout + gone.stderr
        not_admin = cli("office", "grant", shared.names["zhaoling"], "zhaoling",
                        env={"TRAINLOG_DB": shared.url("yancheng")})
        assert not_admin.exit_code == 1 and "only the database's owner" in not_admin.stderr
