"""The log of changes: each write path's log rows, in the transaction of the write (a dry run, a
failed or a killed import leaves none), and `trainlog log` as a user reads it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from trainlog.changes import read_log
from trainlog.store.database import Database


def logged(cli, *args: Any, kind: str | None = None) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """`trainlog log --format json` (of one kind)."""
    result = cli("log", "--format", "json", *(("--kind", kind) if kind else ()), *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ok(cli, *args: Any, env: dict[str, str] | None = None) -> Any:  # type: ignore[no-untyped-def]
    result = cli(*args, env=env)
    assert result.exit_code == 0, (args, result.stderr)
    return result


@pytest.fixture
def office(cli, db: Database, write_csv, tmp_path: Path) -> Database:  # type: ignore[no-untyped-def]
    """Two branches and six cadres, entered as a user would."""
    ok(cli, "branch", "add", "B001", "城关镇机关党支部", "--township", "城关镇")
    ok(cli, "branch", "add", "B002", "东城村党支部")
    cadres = write_csv(tmp_path / "cadres.csv", ["code", "name", "branch"],
                       [[f"G00{i}", f"干部{i}", "B001"] for i in range(1, 7)])
    ok(cli, "cadre", "import", cadres)
    return db


def roster(write_csv, path: Path, sessions: dict[str, tuple[str, str, list[str]]]) -> Path:  # type: ignore[no-untyped-def]
    """A session import file: ref -> (title, hours, cadres)."""
    return write_csv(path, ["ref", "date", "track", "title", "hours", "cadre"],
                     [[ref, "2020-04-02", "special", title, hours, c]
                      for ref, (title, hours, cadres) in sessions.items() for c in cadres])


class TestWrites:
    def test_branch_add_and_import(self, cli, office: Database, write_csv, tmp_path: Path) -> None:
        rows = logged(cli, kind="branch")
        assert [(r["key"], r["action"], r["changes"]) for r in rows] == [
            ("B001", "create", {"name": [None, "城关镇机关党支部"], "township": [None, "城关镇"]}),
            ("B002", "create", {"name": [None, "东城村党支部"]})]
        assert {r["user"] for r in rows} and all(r["at"] for r in rows)
        again = write_csv(tmp_path / "b.csv", ["code", "name", "township"],
                          [["B001", "城关镇机关党支部", "城关镇"],  # unchanged: no row
                           ["B002", "东城村党支部", "东城乡"],
                           ["B003", "西城村党支部", ""]])
        ok(cli, "branch", "import", again)
        rows = logged(cli, kind="branch")[2:]
        assert [(r["key"], r["action"], r["changes"]) for r in rows] == [
            ("B002", "update", {"township": [None, "东城乡"]}),
            ("B003", "create", {"name": [None, "西城村党支部"]})]

    def test_add_session_create_and_replace(self, cli, office: Database) -> None:
        ok(cli, "add-session", "--date", "2020-04-02", "--track", "policy", "--kind",
           "assessment", "--title", "研判会", "--hours", "2", "--branch", "B001", "--ref",
           "ZL-1", "--attendee", "G001,G002,G003")
        ok(cli, "add-session", "--date", "2020-04-03", "--track", "special", "--title",
           "专题班", "--headcount", "12")
        rows = logged(cli, kind="session")
        assert [(r["key"], r["action"]) for r in rows] == [("ZL-1", "create"), ("2", "create")]
        assert rows[0]["changes"] == {
            "date": [None, "2020-04-02"], "track": [None, "policy"], "kind": [None, "assessment"],
            "title": [None, "研判会"], "hours": [None, 2.0], "branch": [None, "B001"],
            "attendees": [None, 3], "added": [None, ["G001", "G002", "G003"]]}
        assert rows[1]["changes"]["headcount"] == [None, 12]
        assert "attendees" not in rows[1]["changes"]

        ok(cli, "add-session", "--date", "2020-04-02", "--track", "policy", "--kind",
           "assessment", "--title", "一季度研判会", "--hours", "2", "--branch", "B002",
           "--ref", "ZL-1", "--replace", "--attendee", "G001,G002,G004,G005")
        replaced = logged(cli, "--key", "ZL-1")[-1]
        assert replaced["action"] == "update"
        assert replaced["changes"] == {
            "title": ["研判会", "一季度研判会"], "branch": ["B001", "B002"],
            "attendees": [3, 4], "added": [None, ["G004", "G005"]],
            "removed": [["G003"], None]}

    def test_a_replace_changing_one_attendees_hours(self, cli, office: Database,
                                                   write_csv, tmp_path: Path) -> None:
        base = ["add-session", "--date", "2020-04-02", "--track", "policy", "--title", "会",
                "--hours", "2", "--ref", "R", "--attendees-file"]
        first = write_csv(tmp_path / "a.csv", ["code", "hours"], [["G001", "2"], ["G002", "2"]])
        second = write_csv(tmp_path / "b.csv", ["code", "hours"], [["G001", "2"], ["G002", "1.5"]])
        ok(cli, *base, first)
        ok(cli, *base, second, "--replace")
        assert logged(cli, "--key", "R")[-1]["changes"] == {
            "attendee_hours": [{"G002": 2.0}, {"G002": 1.5}]}

    def test_session_import_logs_sessions_not_attendances(self, cli, office: Database,
                                                          write_csv, tmp_path: Path) -> None:
        everyone = [f"G00{i}" for i in range(1, 6)]
        first = roster(write_csv, tmp_path / "s1.csv", {"S1": ("专题班", "4", everyone),
                                                        "S2": ("重点班", "3", everyone[:2])})
        ok(cli, "session", "import", first)
        rows = logged(cli, kind="session")
        assert [(r["key"], r["action"]) for r in rows] == [("S1", "create"), ("S2", "create")]
        assert rows[0]["changes"] == {"date": [None, "2020-04-02"], "track": [None, "special"],
                                      "title": [None, "专题班"], "hours": [None, 4.0],
                                      "attendees": [None, 5], "added": [None, everyone]}
        ok(cli, "session", "import", first)  # the same again: nothing changed, nothing logged
        assert len(logged(cli, kind="session")) == 2
        second = roster(write_csv, tmp_path / "s2.csv", {"S1": ("专题班", "4", everyone),
                                                         "S2": ("重点班（二）", "2", ["G001"])})
        ok(cli, "session", "import", second)
        rows = logged(cli, kind="session")
        assert [(r["key"], r["action"]) for r in rows[2:]] == [("S2", "update")]
        assert rows[2]["changes"] == {"title": ["重点班", "重点班（二）"], "hours": [3.0, 2.0],
                                      "attendees": [2, 1], "removed": [["G002"], None]}

    def test_a_large_change_of_attendance_is_logged_as_numbers(self, cli, db: Database,
                                                               write_csv, tmp_path: Path) -> None:
        cadres = write_csv(tmp_path / "c.csv", ["code", "name"],
                           [[f"G{i:04}", f"干部{i}"] for i in range(300)])
        ok(cli, "cadre", "import", cadres)
        codes = [f"G{i:04}" for i in range(300)]
        ok(cli, "session", "import", roster(write_csv, tmp_path / "a.csv",
                                            {"BIG": ("大班", "2", codes[:250])}))
        ok(cli, "session", "import", roster(write_csv, tmp_path / "b.csv",
                                            {"BIG": ("大班", "2", codes[50:])}))
        created, updated = logged(cli, kind="session")
        assert created["changes"]["attendees"] == [None, 250]
        assert created["changes"]["added"] == [None, 250]  # a number, not 250 codes
        assert updated["changes"] == {"attendees": [250, 250], "added": [None, 50],
                                      "removed": [50, None]}
        assert len(json.dumps(updated["changes"])) < 100

    def test_void(self, cli, office: Database) -> None:
        ok(cli, "add-session", "--date", "2020-04-02", "--track", "policy", "--title", "会",
           "--ref", "V1", "--attendee", "G001")
        ok(cli, "session", "void", "V1", "--reason", "重复录入")
        row = logged(cli, "--key", "V1")[-1]
        assert (row["action"], row["changes"]) == (
            "void", {"void": [False, True], "reason": [None, "重复录入"]})

    def test_study_add_and_import(self, cli, office: Database, write_csv, tmp_path: Path) -> None:
        ok(cli, "study", "add", "G001", "--month", "2020-03", "--hours", "6")
        ok(cli, "study", "add", "G001", "--month", "2020-03", "--hours", "7.5")
        ok(cli, "study", "add", "G001", "--month", "2020-03", "--hours", "7.5")  # no change
        rows = logged(cli, kind="study")
        assert [(r["key"], r["action"], r["changes"]) for r in rows] == [
            ("G001 2020-03 academy", "create", {"hours": [None, 6.0]}),
            ("G001 2020-03 academy", "update", {"hours": [6.0, 7.5]})]
        export = write_csv(tmp_path / "study.csv", ["cadre", "hours"],
                           [["G001", "7.5"], ["G002", "5"], ["G003", "0.5"]])
        ok(cli, "study", "import", export, "--month", "2020-03")
        ok(cli, "study", "import", export, "--month", "2020-03")  # the same: nothing logged
        changed = write_csv(tmp_path / "study2.csv", ["cadre", "hours", "month"],
                            [["G001", "7.5", "2020-03"], ["G002", "12.5", "2020-03"],
                             ["G003", "0.5", "2020-03"], ["G001", "2", "2020-04"]])
        ok(cli, "study", "import", changed)
        rows = logged(cli, kind="study")[2:]
        assert [(r["key"], r["action"], r["changes"]) for r in rows] == [
            # the records an import creates: a row per month and platform; each one changed
            ("2020-03 academy", "create", {"records": [None, 2]}),
            ("2020-04 academy", "create", {"records": [None, 1]}),
            ("G002 2020-03 academy", "update", {"hours": [5.0, 12.5]})]
        assert [r["key"] for r in logged(cli, "--key", "2020-04")] == ["2020-04 academy"]

    def test_plan_set(self, cli, db: Database) -> None:
        ok(cli, "plan", "set", "2020", "--target", "500")
        ok(cli, "plan", "set", "2020", "--target", "600", "--deadline", "2020-11-30")
        ok(cli, "plan", "set", "2020", "--target", "600", "--deadline", "2020-11-30")
        ok(cli, "plan", "set", "2020", "--target", "90", "--track", "special")
        rows = logged(cli, kind="plan")
        assert [(r["key"], r["action"], r["changes"]) for r in rows] == [
            ("2020 all", "create", {"target": [None, 500], "deadline": [None, "2020-12-31"]}),
            ("2020 all", "update", {"target": [500, 600],
                                    "deadline": ["2020-12-31", "2020-11-30"]}),
            ("2020 special", "create", {"target": [None, 90], "deadline": [None, "2020-12-31"]})]

    def test_office_add_logs_into_the_new_office(self, cli, db: Database) -> None:
        ok(cli, "office", "add", "yancheng", "郾城区")
        main = json.loads(ok(cli, "--office", "main", "log", "--format", "json").stdout)
        assert main == []  # the current office's log only
        rows = json.loads(ok(cli, "--office", "yancheng", "log", "--format", "json").stdout)
        assert [(r["kind"], r["key"], r["action"], r["changes"]) for r in rows] == [
            ("office", "yancheng", "create", {"name": [None, "郾城区"]})]


class TestNothingWritten:
    def test_a_dry_run_logs_nothing(self, cli, office: Database, write_csv,
                                    tmp_path: Path) -> None:
        before = logged(cli)
        ok(cli, "branch", "import", write_csv(tmp_path / "b.csv", ["code", "name"],
                                              [["B009", "九支部"]]), "--dry-run")
        ok(cli, "session", "import", roster(write_csv, tmp_path / "s.csv",
                                            {"D1": ("班", "2", ["G001"])}), "--dry-run")
        ok(cli, "study", "import", write_csv(tmp_path / "st.csv", ["cadre", "hours"],
                                             [["G001", "3"]]), "--month", "2020-03", "--dry-run")
        assert logged(cli) == before

    def test_a_failed_import_logs_nothing(self, cli, office: Database, write_csv,
                                          tmp_path: Path) -> None:
        before = logged(cli)
        bad_sessions = roster(write_csv, tmp_path / "s.csv", {"F1": ("班", "2", ["G001"]),
                                                              "F2": ("班", "2", ["G999"])})
        bad_study = write_csv(tmp_path / "st.csv", ["cadre", "hours"],
                              [["G001", "3"], ["G002", "3"], ["G999", "3"]])
        bad_branches = write_csv(tmp_path / "b.csv", ["code", "name"],
                                 [["B009", "九支部"], ["B009", "又一个"]])
        for args in (["session", "import", bad_sessions],
                     ["study", "import", bad_study, "--month", "2020-03"],
                     ["branch", "import", bad_branches]):
            assert cli(*args).exit_code == 1, args
        assert logged(cli) == before

    def test_with_rejects_only_what_was_loaded_is_logged(self, cli, office: Database,
                                                         write_csv, tmp_path: Path) -> None:
        mixed = roster(write_csv, tmp_path / "s.csv", {"R1": ("班", "2", ["G001", "G002"]),
                                                       "R2": ("班", "2", ["G999"])})
        result = cli("session", "import", mixed, "--rejects", tmp_path / "bad.csv")
        assert result.exit_code == 4, result.stderr
        assert [(r["key"], r["action"]) for r in logged(cli, kind="session")] == [
            ("R1", "create")]
        study = write_csv(tmp_path / "st.csv", ["cadre", "hours"], [["G001", "3"], ["G999", "3"]])
        result = cli("study", "import", study, "--month", "2020-03", "--rejects",
                     tmp_path / "bad2.csv")
        assert result.exit_code == 4, result.stderr
        assert [(r["key"], r["changes"]) for r in logged(cli, kind="study")] == [
            ("2020-03 academy", {"records": [None, 1]})]

    def test_a_refused_add_session_logs_nothing(self, cli, office: Database) -> None:
        before = logged(cli)
        result = cli("add-session", "--date", "2020-04-02", "--track", "policy", "--title", "会",
                     "--attendee", "G999")
        assert result.exit_code == 1
        assert logged(cli) == before


class TestLogCommand:
    @pytest.fixture
    def entries(self, cli, office: Database) -> Database:  # type: ignore[no-untyped-def]
        ok(cli, "add-session", "--date", "2020-04-02", "--track", "policy", "--title", "研判会",
           "--ref", "ZL-1", "--attendee", "G001,G002")
        ok(cli, "study", "add", "G001", "--month", "2020-03", "--hours", "6")
        ok(cli, "plan", "set", "2020", "--target", "500")
        return office

    def test_filters(self, cli, entries: Database) -> None:
        kinds = [r["kind"] for r in logged(cli)]
        assert kinds.index("branch") < kinds.index("session") < kinds.index("study") < \
            kinds.index("plan")  # oldest first
        assert {r["kind"] for r in logged(cli, kind="session")} == {"session"}
        assert logged(cli, "--kind", "培训") == logged(cli, kind="session")
        assert [r["key"] for r in logged(cli, "--key", "ZL-1")] == ["ZL-1"]
        # a cadre's code: its own rows and its study records' (a longer code is not it)
        assert {r["key"] for r in logged(cli, "--key", "G001", kind="study")} == {
            "G001 2020-03 academy"}
        assert logged(cli, "--key", "G00") == []
        assert logged(cli, "--since", "2999-01-01") == []
        assert logged(cli, "--since", "2000/1/1") == logged(cli)
        result = cli("log", "--kind", "cadres")
        assert result.exit_code == 1 and "--kind" in result.stderr and "cadre" in result.stderr
        result = cli("log", "--since", "yesterday")
        assert result.exit_code == 1 and "--since" in result.stderr

    def test_json_keys(self, cli, entries: Database) -> None:
        for row in logged(cli):
            assert list(row) == ["at", "role", "user", "kind", "key", "action", "changes"]
            assert isinstance(row["changes"], dict)

    def test_user_is_trainlog_user(self, cli, entries: Database) -> None:
        ok(cli, "study", "add", "G002", "--month", "2020-03", "--hours", "6",
           env={"TRAINLOG_USER": "王科长"})
        assert logged(cli, kind="study")[-1]["user"] == "王科长"

    def test_table_fits_80_columns(self, cli, entries: Database) -> None:
        result = cli("log", env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        text = result.stdout
        for word in ("ZL-1", "G001 2020-03", "hours: 6.0", "title: 研判会", "target: 500"):
            assert word in text.replace("│\n│", " ") or word.split()[0] in text, word
        assert "Changes" in lines[1]

    def test_compact_changes(self) -> None:
        from trainlog.output.changes import compact

        assert compact({"hours": [6.0, 7.5], "title": [None, "班"]}) == "title: 班; hours: 6.0 → 7.5"
        assert compact({"removed": [["G003"], None], "added": [None, ["G004", "G005"]],
                        "attendees": [3, 4]}) == (
            "attendees: 3 → 4; added: G004, G005; removed: G003")
        assert compact({"track": ["policy", "special"]}, "zh") == "类别: 政策培训 → 专题培训"
        assert compact({"grant x": ["read-only", None]}) == "grant x: read-only → —"

    def test_zh_headers(self, cli, entries: Database) -> None:
        result = cli("log", "--lang", "zh", "--kind", "session")
        assert result.exit_code == 0, result.stderr
        for word in ("时间", "操作人", "记录类别", "编号", "操作", "变更内容", "培训", "新增",
                     "具名参训人数: 2"):
            assert word in result.stdout, word

    def test_csv_and_file(self, cli, entries: Database, tmp_path: Path) -> None:
        result = cli("log", "--format", "csv", "--kind", "plan")
        assert result.exit_code == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["kind"], r["key"], r["action"], r["changes"]) for r in rows] == [
            ("plan", "2020 all", "create", "target: 500; deadline: 2020-12-31")]
        out = tmp_path / "log.json"
        ok(cli, "log", "-o", out)
        assert json.loads(out.read_text(encoding="utf-8")) == logged(cli)
        book = tmp_path / "log.xlsx"
        ok(cli, "log", "--lang", "zh", "-o", book)
        from openpyxl import load_workbook

        head = [c.value for c in next(load_workbook(book).active.iter_rows(max_row=1))]
        assert head == ["时间", "数据库角色", "操作人", "记录类别", "编号", "操作", "变更内容"]

    def test_a_narrow_table_leaves_the_role_out_first(self) -> None:
        from trainlog.cli.changes import LABELS
        from trainlog.output.changes import columns, log_rows
        from trainlog.output.render import table

        entry = {"at": "2020-04-03T09:30:00+00:00", "role": "zhaoling_clerk_role",
                 "user": "zhaoling-clerk", "kind": "study", "key": "G0190 2020-04 academy",
                 "action": "update", "changes": {"hours": [6.0, 7.5]}}
        def headers(width: int) -> list[str]:
            return table(log_rows([entry], "en"), columns([entry]), "en",
                         labels=LABELS).fit(width).headers

        assert headers(200) == ["At", "Role", "User", "Kind", "Key", "Action", "Changes"]
        assert headers(80) == ["At", "User", "Kind", "Key", "Action", "Changes"]
        assert headers(66) == ["At", "Kind", "Key", "Action", "Changes"]

    def test_empty(self, cli, db: Database) -> None:
        result = cli("log")
        assert result.exit_code == 0 and result.stdout == ""
        assert "nothing to list" in result.stderr
        assert logged(cli) == []

    def test_read_log_directly(self, cli, entries: Database) -> None:
        with entries.connect() as conn:
            rows = read_log(conn, kind="plan")
        assert [r["key"] for r in rows] == ["2020 all"]


# -- a killed import ------------------------------------------------------------------------------
CADRES = 3000
MONTHS = 12
REFS = 300


def _big_files(tmp_path: Path) -> dict[str, Path]:
    """The registry's cadres; their study, 12 months; 300 sessions of 100 attendees."""
    files = {k: tmp_path / f"{k}.csv" for k in ("cadres", "study", "sessions")}
    with files["cadres"].open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["code", "name"], *([f"G{i:05}", f"干部{i}"]
                                                     for i in range(CADRES))])
    with files["study"].open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["cadre", "hours", "month"],
                                 *([f"G{i:05}", str(1 + (i + m) % 9), f"2020-{m:02}"]
                                   for m in range(1, MONTHS + 1) for i in range(CADRES))])
    with files["sessions"].open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["ref", "date", "track", "title", "cadre"],
                                 *([f"S{r:03}", "2020-04-02", "special", f"专题班{r}",
                                    f"G{(r * 7 + i) % CADRES:05}"]
                                   for r in range(REFS) for i in range(100))])
    return files


#: What each import writes, and its log rows: (records, log rows) when it is whole.
_KILLED = {"study": ("SELECT (SELECT count(*) FROM online_study), (SELECT count(*) FROM "
                     "change_log WHERE kind = 'study')", (CADRES * MONTHS, MONTHS)),
           "sessions": ("SELECT (SELECT count(*) FROM training_session), (SELECT count(*) FROM "
                        "change_log WHERE kind = 'session')", (REFS, REFS))}


def _counts(db: Path, sql: str) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.sqlite_only("kills a process writing a SQLite file")
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("what", ["study", "sessions"])
def test_a_killed_import_leaves_no_log_rows_for_what_it_did_not_write(tmp_path: Path,
                                                                     what: str) -> None:
    db = tmp_path / "k.db"
    files = _big_files(tmp_path)
    command = ["study", "import", files["study"]] if what == "study" else [
        "session", "import", files["sessions"]]
    sql, whole = _KILLED[what]

    def trainlog(*args: Any) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "trainlog", "--db", str(db),
                                 *map(str, args)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    for args in (["init"], ["cadre", "import", files["cadres"]]):
        assert trainlog(*args).wait(timeout=300) == 0
    began = time.monotonic()
    assert trainlog(*command, "--dry-run").wait(timeout=300) == 0
    took = time.monotonic() - began
    assert _counts(db, sql) == (0, 0)
    killed = 0
    # killed as it starts to write (the write-ahead log growing), then at shares of its time
    for wal, share in ((64 * 1024, None), (None, 0.5), (None, 0.8), (None, 0.95)):
        proc, began = trainlog(*command), time.monotonic()
        while proc.poll() is None:
            size = Path(f"{db}-wal").stat().st_size if Path(f"{db}-wal").exists() else 0
            if (wal is not None and size >= wal) or (
                    share is not None and time.monotonic() - began >= took * share):
                proc.send_signal(signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.002)
        proc.communicate()
        got = _counts(db, sql)
        assert got in ((0, 0), whole), (wal, share, got)  # all and its log, or neither
        if got == whole:
            break
    assert killed, "the import finished before every kill"
    assert trainlog(*command).wait(timeout=300) == 0
    assert _counts(db, sql) == whole


# -- the README's example -------------------------------------------------------------------------
README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- log:begin -->", "<!-- log:end -->"
#: A log row's time in a table, CSV or JSON, shown in the README as one fixed moment.
_STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d\+00:00)?")


def _fixed(text: str) -> str:
    return _STAMP.sub(lambda m: "2020-04-03T09:30:00+00:00" if m.group(1) else
                      "2020-04-03 09:30", text)


@pytest.mark.sqlite_only("the README's example runs on a SQLite file")
def test_the_readme_example_is_real(cli, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `TRAINLOG_UPDATE_README=1 python -m pytest tests/test_log.py -k readme` to paste
    fresh output (each row's time shown as 2020-04-03 09:30)."""
    from trainlog.registry import add_cadre

    monkeypatch.setenv("TRAINLOG_USER", "wang")
    monkeypatch.setenv("COLUMNS", "80")
    with db.connect(write=True) as conn:
        for code, name in (("G0190", "张伟"), ("G0191", "王芳"), ("G0192", "李强"),
                           ("G0193", "赵敏")):
            add_cadre(conn, code, name)
    text = README.read_text(encoding="utf-8")
    part = text[text.index(BEGIN):text.index(END)]
    block = re.search(r"```console\n(.*?)```", part, re.S).group(1)  # type: ignore[union-attr]
    chunks = re.split(r"^\$ ", block, flags=re.M)[1:]
    fresh = []
    for chunk in chunks:
        command, _, pasted = chunk.partition("\n")
        args = shlex.split(command)
        assert args[0] == "trainlog", command
        result = cli(*args[1:])
        assert result.exit_code == 0, (command, result.stderr)
        fresh.append((command, pasted, _fixed(result.stdout)))
    if os.environ.get("TRAINLOG_UPDATE_README"):
        new = "```console\n" + "".join(f"$ {c}\n{out}" for c, _, out in fresh) + "```"
        README.write_text(text.replace(part, part.replace(f"```console\n{block}```", new)),
                          encoding="utf-8")
        return
    for command, pasted, got in fresh:
        assert pasted == got, f"README output of `{command}` is out of date"


# -- PostgreSQL: the role, an append-only log, each office's own -----------------------------------
from test_offices_rls import connect, shared  # noqa: E402,F401  (the README's shared database)


def _log_of(cli, url: str, *args: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = cli(*args, "log", "--format", "json", env={"TRAINLOG_DB": url})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestPostgres:
    def test_the_role_is_the_servers(self, cli, shared) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
        rows = _log_of(cli, shared.url("zhaoling"))
        written = [r for r in rows if r["kind"] in ("branch", "session", "plan")]
        assert {r["kind"] for r in written} == {"branch", "session", "plan"}
        assert {(r["role"], r["user"]) for r in written} == {
            (shared.names["zhaoling"], "zhaoling-clerk")}
        # the admin's office add and grant, logged into the office concerned, as the admin
        offices = [r for r in rows if r["kind"] == "office"]
        role = shared.names["zhaoling"]
        assert [(r["key"], r["action"], r["changes"]) for r in offices] == [
            ("zhaoling", "create", {"name": [None, "召陵区委组织部"], "parent": [None, "luohe"]}),
            ("zhaoling", "update", {f"grant {role}": [None, "read-write"]})]
        assert {r["role"] for r in offices} == {shared.names["trainlog_admin"]}

    def test_a_revoke_is_logged(self, cli, shared) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
        admin = {"TRAINLOG_DB": shared.url("trainlog_admin")}
        role = shared.names["yancheng"]
        for args in (["office", "grant", role, "yancheng", "--read-only"],
                     ["office", "revoke", role, "yancheng"]):
            assert cli(*args, env=admin).exit_code == 0, args
        rows = _log_of(cli, shared.url("trainlog_admin"), "--office", "yancheng")
        assert [r["changes"] for r in rows if r["kind"] == "office"][-2:] == [
            {f"grant {role}": ["read-write", "read-only"]},
            {f"grant {role}": ["read-only", None]}]

    def test_an_office_role_cannot_change_the_log(self, shared) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
        import psycopg

        with connect(shared.url("zhaoling")) as conn:
            mine = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
            assert mine > 0
            for sql in ("UPDATE change_log SET changes = '{}'",
                        "UPDATE change_log SET role = 'someone'",
                        "DELETE FROM change_log",
                        "TRUNCATE change_log"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
            office = conn.execute("SELECT id FROM office WHERE code = 'zhaoling'").fetchone()[0]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the server sets the role
                conn.execute("INSERT INTO change_log (office_id, at, role, kind, key, action, "
                             "changes) VALUES (%s, now(), 'someone', 'plan', 'x', 'create', '{}')",
                             [office])
            assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == mine

    def test_an_office_reads_only_its_own_log(self, cli, shared) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
        import psycopg

        with connect(shared.url("zhaoling")) as conn:
            seen = {code for (code,) in conn.execute(
                "SELECT DISTINCT o.code FROM change_log l JOIN office o ON o.id = l.office_id")}
            yc = conn.execute("SELECT count(*) FROM change_log l JOIN office o "
                              "ON o.id = l.office_id WHERE o.code = 'yancheng'").fetchone()[0]
        assert seen == {"zhaoling"} and yc == 0
        zhaoling_id = _office_id(shared, "zhaoling")
        with connect(shared.url("yancheng")) as conn, pytest.raises(  # nor write another's
                psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO change_log (office_id, at, kind, key, action, changes) "
                         "VALUES (%s, now(), 'plan', 'x', 'create', '{}')", [zhaoling_id])
        other = cli("--office", "yancheng", "log", env={"TRAINLOG_DB": shared.url("zhaoling")})
        assert other.exit_code == 1 and "yancheng" not in other.stdout
        zhaoling = _log_of(cli, shared.url("zhaoling"))
        assert not any("yancheng" in json.dumps(r, ensure_ascii=False) for r in zhaoling)
        # the city reads below it: each district's log by --office, its own by default
        city = _log_of(cli, shared.url("luohe"), "--office", "yancheng")
        assert {r["kind"] for r in city} >= {"branch", "session", "plan"}
        assert {r["kind"] for r in _log_of(cli, shared.url("luohe"))} == {"office"}


def _office_id(shared, code: str) -> int:  # type: ignore[no-untyped-def]  # noqa: F811
    """An office's id, read as the admin."""
    with connect(shared.url("trainlog_admin")) as conn:
        return conn.execute("SELECT id FROM office WHERE code = %s", [code]).fetchone()[0]
