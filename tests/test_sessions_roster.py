"""session import through `trainlog.sessions.roster`: SQL text on a `trainlog.store.sql.Conn`, no
SQLAlchemy on a SQLite file, the same results and messages as in-process runs, and the progress
of its bulk writes on a terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from test_startup import heavy, loaded
from trainlog.files import tables as imp
from trainlog.sessions.roster import import_sessions
from trainlog.store import sql
from trainlog.store.database import Database

HEADER = ["ref", "date", "track", "kind", "topic", "title", "hours", "branch", "cadre", "headcount"]


@pytest.fixture
def registry(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    """A branch and three cadres in the test's database; G3 is deactivated."""
    assert cli("branch", "add", "B1", "一支部").exit_code == 0
    for code in ("G1", "G2", "G3"):
        assert cli("cadre", "add", code, "张三", "--branch", "B1").exit_code == 0
    assert cli("cadre", "deactivate", "G3", "--on", "2020-01-01").exit_code == 0  # before every session


def _rows(hours: str = "2") -> list[list[Any]]:
    return [["R1", "2020-04-03", "policy", "assessment", "", "研判会", hours, "B1", "G1", "0"],
            ["R1", "2020/4/3", "政策培训", "研判会", "", "研判会", hours, "B1", "G2", "0"],
            ["R2", "2020-04-09", "video", "remote", "", "远程教育", "1.5", "B1", "", "12"]]


@pytest.mark.sqlite_only("tests what session import loads on a SQLite file")
def test_session_import_loads_no_heavy_module(registry: None, cli, db: Database,  # type: ignore[no-untyped-def]
                                              tmp_path: Path, write_csv, write_xlsx) -> None:
    """A dry run, an import, the same file again and a changed one, in fresh interpreters: no
    SQLAlchemy, SQLModel, pydantic, Alembic, openpyxl or models, and what in-process runs say."""
    first = write_csv(tmp_path / "s.csv", HEADER, _rows())
    changed = write_csv(tmp_path / "t.csv", HEADER, _rows(hours="3")[:2])
    cases = [
        ["session", "import", str(first), "--dry-run", "--format", "json"],
        ["session", "import", str(first), "--format", "json"],
        ["session", "import", str(first), "--format", "json"],
        ["session", "import", str(changed)],
    ]
    outs = []
    for args in cases:
        modules, out = loaded(args, str(db.path))
        assert "trainlog.sessions.roster" in modules, (args, out)
        assert heavy(modules) == [] and "pydantic" not in modules, (args, heavy(modules))
        outs.append(out)
    dry, done, again = (json.loads(o) for o in outs[:3])
    assert dry | {"dry_run": False} == done
    assert (done["sessions"], done["created"], done["attendances"], done["person_times"]) == (
        2, 2, 2, 14)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert outs[3] == ("sessions: imported 2 rows: 1 sessions (0 created, 1 updated (hours 1, "
                       "attendees 1), 0 unchanged), 2 attendances, 2 person-times\n")
    # In-process (everything imported) the file now reads as unchanged, as it does above.
    assert cli(*cases[3]).stdout == outs[3].replace("1 updated (hours 1, attendees 1), "
                                                    "0 unchanged", "0 updated, 1 unchanged")
    shown = json.loads(cli("session", "show", "R1", "--format", "json").stdout)
    assert [(a["cadre"], a["hours"]) for a in shown["attendees"]] == [("G1", 3.0), ("G2", 3.0)]
    assert shown["hours"] == 3.0 and shown["person_times"] == 2

    # An .xlsx roster needs openpyxl, and still no SQLAlchemy; a bad row is reported alike.
    book = write_xlsx(tmp_path / "s.xlsx", HEADER,
                      [["R3", "2020-04-10", "special", "key", "", "重点班", 4, "", "G3", 0]])
    args = ["session", "import", str(book)]
    modules, out = loaded(args, str(db.path))
    assert "openpyxl" in modules and [m for m in heavy(modules)
                                      if m.split(".")[0] != "openpyxl"] == []
    assert out == "" and cli(*args).exit_code == 1


def test_the_writes_show_progress_on_a_terminal(registry: None, db: Database, tmp_path: Path,
                                                write_csv,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch,
                                                progress_shown: list[tuple[str, int]]) -> None:
    """Reading and writing each have a bar on a terminal, updated per executemany chunk."""
    shown = progress_shown
    rows = [[f"R{i}", "2020-04-03", "policy", "", "", "会", "2", "", code, "0"]
            for i in range(3) for code in ("G1", "G2")]
    path = write_csv(tmp_path / "s.csv", HEADER, rows)
    monkeypatch.setattr(imp, "PROGRESS_EVERY", 4)
    monkeypatch.setattr(sql, "CHUNK", 4)
    with db.connect(write=True) as conn:
        result = import_sessions(conn, path)
    assert (result.created, result.attendances) == (3, 6)
    # after each chunk (executemany) or each CHUNK rows and at the end (COPY on PostgreSQL)
    assert shown == [("session import", 4), ("session import", -1),
                     *(("session import: writing", n) for n in (4, 6)),
                     ("session import: writing", -1)]


@pytest.mark.sqlite_only("SQLite's indexes, built after the rows of a large first import")
def test_a_large_import_builds_the_attendance_indexes_after(
        registry: None, cli, db: Database, tmp_path: Path, write_csv,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Above REBUILD_AFTER rows into an emptier table the plain indexes are dropped and built
    again (trainlog.store.sql.indexes_after): the schema afterwards is the schema before, the
    reports read the same figures, and db check is content."""
    monkeypatch.setattr(sql, "REBUILD_AFTER", 2)
    index_sql = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                 "AND tbl_name = 'attendance' ORDER BY name")
    with db.connect() as conn:
        before = conn.all(index_sql)
    assert len(before) >= 3
    ran: list[str] = []
    real_run = sql.SqliteConn.run

    def run(self, statement, params=None):  # type: ignore[no-untyped-def]
        ran.append(statement)
        return real_run(self, statement, params)

    monkeypatch.setattr(sql.SqliteConn, "run", run)
    path = write_csv(tmp_path / "r.csv", HEADER, [
        ["R1", "2020-04-03", "policy", "", "", "研判会", "2", "B1", "G2", "0"],
        ["R1", "2020-04-03", "policy", "", "", "研判会", "2", "B1", "G1", "0"],
        ["R2", "2020-04-09", "video", "", "", "远程教育", "1.5", "B1", "G1", "0"]])
    result = cli("session", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert any(s.startswith("DROP INDEX") for s in ran)
    with db.connect() as conn:
        assert conn.all(index_sql) == before
        assert conn.all("SELECT s.ref, c.code, a.hours FROM attendance a JOIN training_session s "
                        "ON s.id = a.session_id JOIN cadre c ON c.id = a.cadre_id "
                        "ORDER BY s.ref, c.code") == [("R1", "G1", 2.0), ("R1", "G2", 2.0),
                                                      ("R2", "G1", 1.5)]
    report = json.loads(cli("report", "--month", "2020-04", "--format", "json").stdout)
    assert report["total"]["person_times"] == 3
    assert cli("db", "check").exit_code == 0
