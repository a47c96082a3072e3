"""add-session through `trainlog.sessions.add`: SQL text on a `trainlog.store.sql.Conn`, no SQLAlchemy on a
SQLite file, and rows exactly like the ones the ORM and `session import` write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from trainlog.errors import InvalidInput, TrainlogError
from trainlog.registry import add_branch, add_cadre, deactivate_cadre
from trainlog.sessions.add import add_session
from trainlog.store.database import Database
from trainlog.store.schema import Attendance, Cadre, TrainingSession
from trainlog.store.sql import IN_CHUNK, Conn, Params, Progress

#: What add-session must not import on a SQLite file (an .xlsx attendees file may load openpyxl).
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "openpyxl", "psycopg",
         "trainlog.store.schema")


@pytest.fixture
def registry(db: Database) -> Database:
    """A branch and three cadres; G003 is deactivated."""
    with db.connect(write=True) as s:
        add_branch(s, "B001", "城关镇机关党支部", "城关镇")
        for code, name in [("G001", "张伟"), ("G002", "王芳"), ("G003", "李强")]:
            add_cadre(s, code, name, branch="B001")
        deactivate_cadre(s, "G003", on=date(2020, 1, 1))  # before every session here
    return db


def _modules(code: str, db_path: Path, *args: str) -> list[str]:
    """The modules a fresh interpreter loaded running `code` (which ends by printing them)."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=dict(os.environ, TRAINLOG_DB=str(db_path)), timeout=120)
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES ")]
    assert line, (done.stdout, done.stderr)
    return json.loads(line[-1][len("MODULES "):])


def _heavy(modules: Iterable[str], also: tuple[str, ...] = ()) -> list[str]:
    names = HEAVY + also
    return [m for m in modules if m in names or m.split(".")[0] in names]


@pytest.mark.sqlite_only("tests what add-session imports on a SQLite file")
def test_the_command_imports_no_sqlalchemy(registry: Database) -> None:
    """`trainlog add-session` on a SQLite file: no SQLAlchemy, SQLModel, pydantic, Alembic,
    openpyxl or models; nor does the core function run on a Conn without the CLI."""
    cli = ("import json, sys\nfrom trainlog.cli import main\nsys.argv = ['trainlog', *sys.argv[1:]]\n"
           "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
           "print('MODULES ' + json.dumps(sorted(sys.modules)))\n")
    modules = _modules(cli, registry.path, "add-session", "--date", "2020-04-01", "--track",
                       "policy", "--title", "研判会", "--attendee", "G001,G002", "--branch", "B001",
                       "--ref", "R1")
    assert "trainlog.sessions.add" in modules and _heavy(modules) == []

    core = ("import json, os, sys\nfrom trainlog.store.database import Database\n"
            "from trainlog.sessions.add import add_session\n"
            "with Database(os.environ['TRAINLOG_DB']).connect(write=True) as db:\n"
            "    add_session(db, date='2020-04-02', track='video', kind='remote', title='远程教育',"
            " attendees=['G001'], headcount=3, ref='R2')\n"
            "print('MODULES ' + json.dumps(sorted(sys.modules)))\n")
    assert _heavy(_modules(core, registry.path), also=("typer",)) == []
    with registry.connect() as conn:
        assert [r for (r,) in conn.all("SELECT ref FROM training_session ORDER BY id")] == [
            "R1", "R2"]


def test_rows_are_the_ones_the_orm_and_the_import_write(registry: Database, cli, tmp_path: Path,
                                                        write_csv, backend: str,
                                                        orm_session) -> None:  # type: ignore[no-untyped-def]
    """A session added with SQL text and the same session imported read back alike through the
    ORM (dates, flags, audit stamps), and on SQLite are stored in the same forms."""
    done = cli("add-session", "--date", "2020/4/3", "--track", "专题培训", "--kind", "重点班",
               "--topic", "乡村振兴", "--title", "乡村振兴重点班", "--hours", "4", "--branch", "B001",
               "--attendee", "G001", "--attendee", "G002", "--headcount", "2", "--ref", "A")
    assert done.exit_code == 0, done.stderr
    rows = [["B", "2020-04-03", "special", "key", "rural-revitalization", "乡村振兴重点班", "4", "B001", code, "2"]
            for code in ("G001", "G002")]
    f = write_csv(tmp_path / "s.csv", ["ref", "date", "track", "kind", "topic", "title", "hours",
                                       "branch", "cadre", "headcount"], rows)
    assert cli("session", "import", f).exit_code == 0

    columns = ("date", "track", "kind", "topic", "title", "hours", "branch_id", "headcount",
               "attendee_count", "void", "void_reason", "voided_at", "voided_by", "created_by",
               "updated_by")
    with orm_session(registry) as s:
        a, b = (s.scalars(select(TrainingSession).where(TrainingSession.ref == r)).one()
                for r in ("A", "B"))
        assert {c: getattr(a, c) for c in columns} == {c: getattr(b, c) for c in columns}
        assert a.void is False and a.created_by == a.updated_by == "test"
        assert a.created_at is not None and a.created_at == a.updated_at
        attended = s.execute(select(Cadre.code, Attendance.hours, Attendance.created_by,
                                    Attendance.created_at)
                             .join(Attendance, Attendance.cadre_id == Cadre.id)
                             .where(Attendance.session_id == a.id).order_by(Cadre.code)).all()
        assert [(c, h, by) for c, h, by, _ in attended] == [("G001", 4.0, "test"),
                                                             ("G002", 4.0, "test")]
        assert all(at is not None for *_, at in attended)
    if backend == "sqlite":  # the text forms SQLAlchemy reads and compares (dates, stamps)
        import sqlite3

        raw = sqlite3.connect(registry.path)
        try:
            forms = [raw.execute(
                "SELECT typeof(date), date, typeof(hours), typeof(void), void, "
                "length(created_at), substr(created_at, 11, 1), length(updated_at) "
                "FROM training_session WHERE ref = ?", (r,)).fetchone() for r in ("A", "B")]
            stamps = raw.execute("SELECT DISTINCT length(created_at), typeof(hours) "
                                 "FROM attendance").fetchall()
        finally:
            raw.close()
        assert forms[0] == forms[1] == ("text", "2020-04-03", "real", "integer", 0, 26, " ", 26)
        assert stamps == [(26, "real")]


def test_more_attendees_than_one_in_list_holds(registry: Database, cli, tmp_path: Path,
                                               write_csv) -> None:  # type: ignore[no-untyped-def]
    """Codes are looked up IN_CHUNK at a time: a list longer than that is checked whole."""
    n = IN_CHUNK + 60
    cadres = write_csv(tmp_path / "cadres.csv", ["code", "name", "branch"],
                       [[f"X{i:04d}", f"干部{i}", "B001"] for i in range(n)])
    assert cli("cadre", "import", cadres).exit_code == 0
    codes = [f"X{i:04d}" for i in range(n)]
    listed = tmp_path / "codes.txt"
    listed.write_text("\n".join([*codes, "NOPE", "G003"]) + "\n", encoding="utf-8")
    refused = cli("add-session", "--date", "2020-05-01", "--track", "video", "--kind", "academy",
                  "--title", "网络学院", "--attendees-file", listed)
    assert refused.exit_code != 0
    assert "NOPE" in refused.stderr and "no such cadre" in refused.stderr
    assert "G003" in refused.stderr and "not active on 2020-05-01" in refused.stderr
    assert "X0" not in refused.stderr  # every other code was found, whichever chunk it was in

    listed.write_text("\n".join(codes) + "\n", encoding="utf-8")
    done = cli("add-session", "--date", "2020-05-01", "--track", "video", "--kind", "academy",
               "--title", "网络学院", "--hours", "1.5", "--attendees-file", listed,
               "--format", "json")
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["attendees"] == result["person_times"] == n
    shown = json.loads(cli("session", "show", str(result["id"]), "--format", "json").stdout)
    assert [a["cadre"] for a in shown["attendees"]] == codes
    assert {a["hours"] for a in shown["attendees"]} == {1.5}


class _Racing(Conn):
    """A Conn on which another writer inserts the same ref just before add-session does."""

    def __init__(self, inner: Conn):
        self.inner = inner
        self.dialect = inner.dialect

    def all(self, sql: str, params: Params = None) -> list[Any]:
        return self.inner.all(sql, params)

    def run(self, sql: str, params: Params = None) -> int:
        return self.inner.run(sql, params)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                    progress: Progress = None) -> int:
        return self.inner.insert_rows(table, columns, rows, progress)

    def insert(self, sql: str, params: Params = None) -> int:
        if sql.startswith("INSERT INTO training_session"):
            self.inner.insert(sql, dict(params or {}) | {"title": "another writer's"})
        return self.inner.insert(sql, params)


def test_a_ref_taken_meanwhile_is_a_clear_message(registry: Database) -> None:
    """The unique ref refuses the insert (trainlog.store.sql.IntegrityError on either backend): the
    command says to run it again, and nothing of it is written."""
    with pytest.raises(TrainlogError) as err, registry.connect(write=True) as db:
        add_session(_Racing(db), date="2020-04-01", track="policy", title="研判会",
                    attendees=["G001"], ref="R-RACE")
    assert not isinstance(err.value, InvalidInput)
    assert str(err.value) == ("--ref 'R-RACE' was added by another writer just now; run the "
                              "command again (with --replace to rewrite it)")
    with registry.connect() as conn:
        assert conn.all("SELECT * FROM training_session") == []
        assert conn.all("SELECT * FROM attendance") == []


def test_replace_through_a_conn_keeps_a_deactivated_attendee(registry: Database) -> None:
    """--replace through the CLI's Conn: the session keeps its id, a deactivated cadre who
    attended may stay, the attendance is rewritten, and a void session says so."""
    with registry.connect(write=True) as s:
        first = add_session(s, date="2020-04-01", track="policy", title="会",
                            attendees=["G001", "G002"], ref="R")
        deactivate_cadre(s, "G001", on=date(2020, 4, 2))  # the day after R
    with registry.connect(write=True) as db, pytest.raises(InvalidInput,
                                                           match="not active on 2020-04-02"):
        add_session(db, date="2020-04-02", track="policy", title="会", attendees=["G001"],
                    ref="NEW")
    with registry.connect(write=True) as db:
        again = add_session(db, date="2020-04-02", track="policy", title="会（更正）", hours="2",
                            attendees=["G001"], headcount=5, ref="R", replace=True)
    assert again == {"id": first["id"], "ref": "R", "date": "2020-04-02", "track": "policy",
                     "title": "会（更正）", "attendees": 1, "headcount": 5, "person_times": 6,
                     "replaced": True, "void": False}
    with registry.connect() as conn:
        row = conn.first("SELECT attendee_count, hours FROM training_session WHERE id = :id",
                         {"id": first["id"]})
        assert row is not None and row[0] == 1 and row[1] == 2.0
        assert [tuple(r) for r in conn.all(
            "SELECT cadre_id, hours FROM attendance WHERE session_id = :id",
            {"id": first["id"]})] == [
            (conn.scalar("SELECT id FROM cadre WHERE code = :c", {"c": "G001"}), 2.0)]
