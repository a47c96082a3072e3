"""Records through time (issue 17): facts that hold from a date, months that close.

On both backends: a small roster built through the CLI, where each dated change is checked to
leave the reports of the days before it as they were, and each write into a closed month is
refused with nothing written. On the Zhaoling data set (SQLite): the issue's own examples.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

TODAY = "2020-12-31"


@pytest.fixture
def roster(cli, db, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """B1, B2; G1 (B1, top leader), G2 (B2, party member); March: R1 (G1, G2), April: R2 (G1)."""
    monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
    for args in (["branch", "add", "B1", "一支部"], ["branch", "add", "B2", "二支部"],
                 ["cadre", "add", "G1", "张三", "--branch", "B1", "--top-leader"],
                 ["cadre", "add", "G2", "李四", "--branch", "B2", "--registered-on",
                  "2020-01-01"],
                 ["add-session", "--date", "2020-03-10", "--track", "policy", "--title", "会",
                  "--attendee", "G1", "--attendee", "G2", "--hours", "2", "--ref", "R1"],
                 ["add-session", "--date", "2020-04-10", "--track", "policy", "--title", "会",
                  "--attendee", "G1", "--hours", "2", "--ref", "R2"]):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.stderr)
    return cli


def report(cli, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = cli("report", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def by_branch(cli, month: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {row["branch"]: row["person_times"]
            for row in report(cli, "--month", month, "--by", "branch")["rows"]}


def leaders(cli, month: str) -> int:  # type: ignore[no-untyped-def]
    return report(cli, "--month", month, "--audience", "top-leaders")["total"]["person_times"]


def ok(cli, *args: str) -> Any:  # type: ignore[no-untyped-def]
    r = cli(*args)
    assert r.exit_code == 0, (args, r.stdout, r.stderr)
    return r


def refused(cli, *args: str, says: str = "") -> Any:  # type: ignore[no-untyped-def]
    r = cli(*args)
    assert r.exit_code == 1, (args, r.exit_code, r.stdout, r.stderr)
    assert r.stdout == "" and says in r.stderr, (args, r.stderr)
    assert "Traceback" not in r.stderr
    return r


class TestDatedFacts:
    def test_an_edit_from_today_leaves_the_past_as_it_was(self, roster) -> None:
        before = by_branch(roster, "2020-03"), by_branch(roster, "2020-04")
        assert before == ({"B1": 1, "B2": 1}, {"B1": 1})
        ok(roster, "cadre", "edit", "G1", "--branch", "B2")  # from today, 31 December
        assert (by_branch(roster, "2020-03"), by_branch(roster, "2020-04")) == before
        # the listing shows the cadre as he is now
        shown = json.loads(ok(roster, "cadre", "show", "G1", "--format", "json").stdout)
        assert shown["branch"] == "B2"

    def test_an_edit_from_a_date_changes_the_days_from_it_only(self, roster) -> None:
        ok(roster, "cadre", "edit", "G1", "--branch", "B2", "--from", "2020-04-01")
        assert by_branch(roster, "2020-03") == {"B1": 1, "B2": 1}
        assert by_branch(roster, "2020-04") == {"B2": 1}

    def test_a_correction_changes_every_date(self, roster) -> None:
        ok(roster, "cadre", "edit", "G1", "--branch", "B2", "--correct")
        assert by_branch(roster, "2020-03") == {"B2": 2}
        assert by_branch(roster, "2020-04") == {"B2": 1}

    def test_from_and_correct_together_are_refused(self, roster) -> None:
        refused(roster, "cadre", "edit", "G1", "--branch", "B2", "--correct", "--from",
                "2020-04-01", says="--correct")

    def test_the_audience_is_who_they_were_that_day(self, roster) -> None:
        assert (leaders(roster, "2020-03"), leaders(roster, "2020-04")) == (1, 1)
        ok(roster, "cadre", "edit", "G1", "--not-top-leader", "--from", "2020-04-01")
        assert (leaders(roster, "2020-03"), leaders(roster, "2020-04")) == (1, 0)
        ok(roster, "cadre", "edit", "G2", "--top-leader", "--from", "2020-03-11")
        assert (leaders(roster, "2020-03"), leaders(roster, "2020-04")) == (1, 0)

    def test_a_retirement_keeps_the_past_compliance(self, roster) -> None:
        def party(month: str) -> int:
            r = ok(roster, "compliance", "--month", month, "--format", "json")
            return json.loads(r.stdout)["party_members"]

        assert (party("2020-03"), party("2020-04")) == (2, 2)
        ok(roster, "cadre", "deactivate", "G2", "--on", "2020-04-01", "--reason", "退休")
        assert (party("2020-03"), party("2020-04")) == (2, 1)

    def test_a_retired_cadre_can_be_on_a_session_before_he_retired(self, roster) -> None:
        ok(roster, "cadre", "deactivate", "G2", "--on", "2020-04-01", "--reason", "退休")
        ok(roster, "add-session", "--date", "2020-03-20", "--track", "policy", "--title", "补",
           "--attendee", "G2")
        r = refused(roster, "add-session", "--date", "2020-04-20", "--track", "policy",
                    "--title", "后", "--attendee", "G2", says="G2")
        assert "2020-04-20" in r.stderr
        sessions = json.loads(ok(roster, "session", "list", "--year", "2020", "--format",
                                 "json").stdout)
        assert [s["date"] for s in sessions] == ["2020-03-10", "2020-03-20", "2020-04-10"]

    def test_an_import_checks_each_session_on_its_date(self, roster, tmp_path: Path) -> None:
        ok(roster, "cadre", "deactivate", "G2", "--on", "2020-04-01")
        f = tmp_path / "s.csv"
        f.write_text("ref,date,track,title,cadre\nR3,2020-03-25,policy,补,G2\n"
                     "R4,2020-04-25,policy,后,G2\n", encoding="utf-8")
        r = refused(roster, "session", "import", str(f), says="G2")
        assert "row 3" in r.stderr and "row 2" not in r.stderr
        f.write_text("ref,date,track,title,cadre\nR3,2020-03-25,policy,补,G2\n", encoding="utf-8")
        ok(roster, "session", "import", str(f))

    def test_deactivating_before_a_session_he_attended_is_refused(self, roster) -> None:
        refused(roster, "cadre", "deactivate", "G2", "--on", "2020-03-01", says="2020-03-10")
        shown = json.loads(ok(roster, "cadre", "show", "G2", "--format", "json").stdout)
        assert shown["active"] is True

    def test_history(self, roster) -> None:
        ok(roster, "cadre", "edit", "G1", "--branch", "B2", "--from", "2020-04-01")
        ok(roster, "cadre", "deactivate", "G1", "--on", "2020-06-01", "--reason", "调离")
        data = json.loads(ok(roster, "cadre", "history", "G1", "--format", "json").stdout)
        assert data["code"] == "G1"
        branch = [f for f in data["facts"] if f["fact"] == "branch"]
        assert branch == [
            {"fact": "branch", "value": "B1", "from": None, "to": "2020-03-31", "reason": None},
            {"fact": "branch", "value": "B2", "from": "2020-04-01", "to": None, "reason": None}]
        active = [f for f in data["facts"] if f["fact"] == "active"]
        assert active == [
            {"fact": "active", "value": True, "from": None, "to": "2020-05-31", "reason": None},
            {"fact": "active", "value": False, "from": "2020-06-01", "to": None,
             "reason": "调离"}]
        csv_out = ok(roster, "cadre", "history", "G1", "--format", "csv").stdout
        assert "2020-04-01" in csv_out and "调离" in csv_out
        table = ok(roster, "cadre", "history", "G1").stdout
        assert "2020-06-01" in table

    def test_an_import_from_a_date(self, roster, tmp_path: Path) -> None:
        f = tmp_path / "c.csv"
        f.write_text("code,name,branch\nG1,张三,B2\nG3,王五,B1\n", encoding="utf-8")
        ok(roster, "cadre", "import", str(f), "--from", "2020-04-01")
        assert by_branch(roster, "2020-03") == {"B1": 1, "B2": 1}
        assert by_branch(roster, "2020-04") == {"B2": 1}
        ok(roster, "db", "check")

    def test_db_check_holds_after_dated_edits(self, roster) -> None:
        for args in (["cadre", "edit", "G1", "--branch", "B2", "--from", "2020-04-01"],
                     ["cadre", "edit", "G1", "--level", "district", "--from", "2020-02-01"],
                     ["cadre", "edit", "G1", "--unit", "某单位", "--correct"],
                     ["cadre", "deactivate", "G1", "--on", "2020-07-01"],
                     ["cadre", "edit", "G1", "--active", "--from", "2020-09-01"]):
            ok(roster, *args)
        r = json.loads(ok(roster, "db", "check", "--format", "json").stdout)
        facts = next(c for c in r["checks"] if c["name"] == "facts")
        assert facts["ok"], facts


class TestClosedMonths:
    @pytest.fixture
    def closed(self, roster):  # type: ignore[no-untyped-def]
        ok(roster, "month", "close", "2020-03")
        return roster

    def test_close_list_reopen(self, closed) -> None:
        data = json.loads(ok(closed, "month", "list", "--format", "json").stdout)
        assert data["closed_through"] == "2020-03"
        assert [(m["month"], m["closed"]) for m in data["months"]] == [
            ("2020-03", True), ("2020-04", False)]
        again = ok(closed, "month", "close", "2020-02")
        assert "2020-03" in again.stdout
        refused(closed, "month", "reopen", "2020-04", "--reason", "x", says="2020-04")
        refused(closed, "month", "reopen", "2020-03", "--reason", " ", says="--reason")
        ok(closed, "month", "reopen", "2020-03", "--reason", "补录")
        data = json.loads(ok(closed, "month", "list", "--format", "json").stdout)
        assert data["closed_through"] == "2020-02"

    def test_a_month_not_over_cannot_close(self, roster) -> None:
        refused(roster, "month", "close", "2020-12", says="2020-12")

    def test_every_write_into_a_closed_month_is_refused(self, closed, tmp_path: Path) -> None:
        before = report(closed, "--month", "2020-03")
        sessions = tmp_path / "s.csv"
        sessions.write_text("ref,date,track,title,cadre\nR9,2020-03-30,policy,补,G1\n",
                            encoding="utf-8")
        moved = tmp_path / "moved.csv"
        moved.write_text("ref,date,track,title,cadre\nR2,2020-03-10,policy,会,G1\n",
                         encoding="utf-8")
        out_of = tmp_path / "out.csv"
        out_of.write_text("ref,date,track,title,cadre\nR1,2020-04-10,policy,会,G1\n",
                          encoding="utf-8")
        study = tmp_path / "study.csv"
        study.write_text("cadre,hours\nG1,6\n", encoding="utf-8")
        writes = [
            ["add-session", "--date", "2020-03-31", "--track", "video", "--title", "补",
             "--headcount", "5"],
            ["add-session", "--date", "2020-03-10", "--track", "policy", "--title", "改",
             "--attendee", "G1", "--ref", "R1", "--replace"],
            ["add-session", "--date", "2020-04-10", "--track", "policy", "--title", "移",
             "--attendee", "G1", "--ref", "R1", "--replace"],
            ["session", "void", "R1", "--reason", "错"],
            ["session", "import", str(sessions)],
            ["session", "import", str(moved), "--replace"],
            ["session", "import", str(out_of), "--replace"],
            ["study", "add", "G1", "--month", "2020-03", "--hours", "6"],
            ["study", "import", str(study), "--month", "2020-03"],
            ["plan", "set", "2020", "--target", "100"],
            ["cadre", "edit", "G1", "--branch", "B2", "--from", "2020-03-15"],
            ["cadre", "edit", "G1", "--branch", "B2", "--correct"],
            ["cadre", "deactivate", "G2", "--on", "2020-03-20"],
            ["cadre", "edit", "G2", "--registered-on", "2020-03-05"],
        ]
        for args in writes:
            r = refused(closed, *args, says="2020-03")
            assert "reopen" in r.stderr, (args, r.stderr)
        assert report(closed, "--month", "2020-03") == before
        info = json.loads(ok(closed, "db", "info", "--format", "json").stdout)["tables"]
        assert (info["training_session"], info["online_study"], info["plan"]) == (2, 0, 0)

    def test_writes_after_it_leave_the_closed_month_byte_identical(self, closed,
                                                                   tmp_path: Path) -> None:
        def march() -> str:
            r = closed("report", "--month", "2020-03", "--by", "branch", "--format", "json")
            return r.stdout

        def march_leaders() -> str:
            return closed("report", "--month", "2020-03", "--audience", "top-leaders",
                          "--format", "json").stdout

        before = (march(), march_leaders(),
                  closed("compliance", "--month", "2020-03", "--format", "json").stdout)
        f = tmp_path / "c.csv"
        f.write_text("code,name,branch,top_leader\nG1,张三,B2,否\nG4,赵六,B1,是\n",
                     encoding="utf-8")
        for args in (["cadre", "edit", "G1", "--branch", "B2"],
                     ["cadre", "edit", "G1", "--not-top-leader", "--from", "2020-04-01"],
                     ["cadre", "edit", "G1", "--unit", "新单位", "--correct"],
                     ["cadre", "deactivate", "G2", "--on", "2020-04-02", "--reason", "退休"],
                     ["cadre", "add", "G3", "王五", "--branch", "B1", "--top-leader"],
                     ["cadre", "import", str(f), "--from", "2020-05-01"],
                     ["add-session", "--date", "2020-04-15", "--track", "special", "--title",
                      "班", "--attendee", "G1", "--attendee", "G3", "--headcount", "4"],
                     ["session", "void", "R2", "--reason", "重复"],
                     ["study", "add", "G1", "--month", "2020-04", "--hours", "6"],
                     ["plan", "set", "2021", "--target", "100"]):
            ok(closed, *args)
        assert (march(), march_leaders(),
                closed("compliance", "--month", "2020-03", "--format", "json").stdout) == before

    def test_an_unchanged_reimport_is_not_refused(self, closed, tmp_path: Path) -> None:
        f = tmp_path / "s.csv"
        f.write_text("ref,date,track,title,cadre,hours\nR1,2020-03-10,policy,会,G1,2\n"
                     "R1,2020-03-10,policy,会,G2,2\n", encoding="utf-8")
        ok(closed, "session", "import", str(f))


@pytest.mark.sqlite_only("the Zhaoling data set is loaded into a SQLite file of its own")
class TestZhaoling:
    """The issue's examples on the Zhaoling data set, each now leaving the past unchanged."""

    @pytest.fixture
    def z(self, zhaoling: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli):  # type: ignore[no-untyped-def]
        from trainlog.demo.load import through_time
        from trainlog.store.database import Database

        copy = tmp_path / "z.db"
        shutil.copy(zhaoling, copy)
        db = Database(str(copy))
        self.change = through_time(db)  # what `trainlog demo` does after loading
        db.dispose()
        monkeypatch.setenv("TRAINLOG_DB", str(copy))
        monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
        return cli

    def test_the_demo_closed_the_first_quarter_and_retired_one(self, z) -> None:
        data = json.loads(ok(z, "month", "list", "--format", "json").stdout)
        assert data["closed_through"] == "2020-03"
        assert self.change["changes"] == {"active": [True, False], "from": [None, "2020-07-01"],
                                          "reason": [None, "退休"]}
        history = json.loads(ok(z, "cadre", "history", "G0009", "--format", "json").stdout)
        assert [f for f in history["facts"] if f["fact"] == "active"][-1] == {
            "fact": "active", "value": False, "from": "2020-07-01", "to": None, "reason": "退休"}

    def test_moving_a_cadre_leaves_march_by_branch(self, z) -> None:
        before = by_branch(z, "2020-03")
        ok(z, "cadre", "edit", "G0190", "--branch", "B001")
        assert by_branch(z, "2020-03") == before

    def test_a_top_leader_no_more_leaves_the_notice(self, z) -> None:
        def notice() -> str:
            return z("report", "--from", "2020-01-01", "--as-of", "2020-04-03", "--format",
                     "notice").stdout

        before = notice()
        ok(z, "cadre", "edit", "G0190", "--not-top-leader")
        assert notice() == before

    def test_a_retirement_leaves_march_compliance(self, z) -> None:
        def party() -> int:
            r = ok(z, "compliance", "--month", "2020-03", "--format", "json")
            return json.loads(r.stdout)["party_members"]

        before = party()
        ok(z, "cadre", "deactivate", "G0010", "--reason", "退休")
        assert party() == before
        shown = json.loads(ok(z, "cadre", "show", "G0010", "--format", "json").stdout)
        assert shown["active"] is False

    def test_a_closed_month_is_refused(self, z) -> None:
        refused(z, "add-session", "--date", "2020-03-05", "--track", "policy", "--title", "补",
                "--headcount", "3", says="2020-03")
