"""`trainlog plan set|show` and `trainlog report` as a user runs them: output, streams, exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from trainlog.sessions.add import add_session
from trainlog.store.database import Database
from trainlog.store.schema import Branch, Cadre

PLAN_KEYS = ["year", "track", "target", "to_date", "progress", "expected", "behind", "deadline",
             "days_left", "needed_per_month"]


def run(*args: Any, env: dict[str, str] | None = None) -> Result:
    """`trainlog ARGS…` in-process; a traceback fails the test."""
    from trainlog.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def database() -> Iterator[Database]:
    db = Database()
    db.init()
    yield db
    db.dispose()


@pytest.fixture
def april(database: Database, orm_session) -> Database:  # type: ignore[no-untyped-def]
    """April 2020: policy 2 named; video headcount 10; special 1 named + headcount 3 (30 Apr);
    and one special attendance on 29 February."""
    with orm_session(database, write=True) as s:
        s.add(Branch(code="B1", name="一支部", township="T1"))
        s.flush()
        s.add_all([Cadre(code="C1", name="甲", top_leader=True, level="district"),
                   Cadre(code="C2", name="乙", poverty_cadre=True, level="village")])
    with database.connect(write=True) as s:
        add_session(s, date="2020-04-01", track="policy", title="推进会", hours=2,
                    attendees=["C1", "C2"])
        add_session(s, date="2020-04-10", track="video", title="远程教育", hours=1, headcount=10,
                    branch="B1")
        add_session(s, date="2020-04-30", track="special", title="专题班", hours=6,
                    attendees=["C2"], headcount=3)
        add_session(s, date="2020-02-29", track="special", title="专题班", hours=6,
                    attendees=["C2"])
    return database


def report_json(*args: Any) -> dict[str, Any]:
    result = run("report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestPlanCommands:
    def test_a_target_in_the_range_both_backends_hold(self, database: Database) -> None:
        """1 .. 2**31 - 1 person-times on SQLite and PostgreSQL alike; past it, a clear message
        and nothing written (was an OverflowError on SQLite, a DataError on PostgreSQL)."""
        for too_many in (2**31, 10**30):
            r = run("plan", "set", 2021, "--target", too_many)
            assert r.exit_code == 1, r.stderr
            assert r.stderr == (f"--target: {too_many} is more person-times than a plan can "
                                "hold (at most 2,147,483,647)\n")
        assert json.loads(run("plan", "show", "--format", "json").stdout) == []
        assert run("plan", "set", 2021, "--target", 2**31 - 1).exit_code == 0
        assert json.loads(run("plan", "show", "--format", "json").stdout)[0]["target"] == 2**31 - 1

    def test_set_update_show(self, database: Database) -> None:
        r = run("plan", "set", 2020, "--target", 2000, "--track", "专题培训")
        assert r.exit_code == 0, r.stderr
        assert r.stdout == "set the 2020 plan (special): 2,000 person-times by 2020-12-31\n"
        r = run("plan", "set", 2020, "--target", 2500, "--track", "special",
                "--deadline", "2020/11/30")
        assert r.stdout == ("updated the 2020 plan (special): 2,500 person-times by 2020-11-30 "
                            "(was 2,000 by 2020-12-31)\n")
        assert run("plan", "set", 2020, "--target", 100).exit_code == 0
        r = run("plan", "show", "--format", "json")
        assert json.loads(r.stdout) == [
            {"year": 2020, "track": None, "target": 100, "deadline": "2020-12-31"},
            {"year": 2020, "track": "special", "target": 2500, "deadline": "2020-11-30"}]

    def test_set_json(self, database: Database) -> None:
        r = run("plan", "set", 2020, "--target", 2000, "--format", "json")
        assert json.loads(r.stdout) == {"year": 2020, "track": None, "target": 2000,
                                        "deadline": "2020-12-31", "previous": None}

    def test_show_table(self, database: Database) -> None:
        run("plan", "set", 2020, "--target", 2000, "--track", "special")
        run("plan", "set", 2020, "--target", 3000)
        r = run("plan", "show", 2020)
        assert r.exit_code == 0
        assert "all tracks" in r.stdout and "2,000" in r.stdout and "3,000" in r.stdout
        zh = run("--lang", "zh", "plan", "show")
        assert "专题培训" in zh.stdout and "全部类别" in zh.stdout and "目标人次" in zh.stdout

    def test_show_nothing(self, database: Database) -> None:
        r = run("plan", "show", 2021)
        assert (r.exit_code, r.stdout) == (0, "")
        assert "no plan set for 2021" in r.stderr
        assert "trainlog plan set 2021 --target N" in r.stderr
        assert run("plan", "show", "--format", "json").stdout.strip() == "[]"

    @pytest.mark.parametrize(("args", "code", "message"), [
        (["--target", "0"], 2, ""),
        (["--target", "10", "--track", "online"], 1, "--track: 'online' is not one of"),
        (["--target", "10", "--deadline", "2021-01-31"], 1, "not in 2020"),
        (["--target", "10", "--deadline", "soon"], 1, "is not a date"),
    ])
    def test_bad_input(self, database: Database, args: list[str], code: int,
                       message: str) -> None:
        r = run("plan", "set", 2020, *args)
        assert r.exit_code == code
        assert message in r.stderr
        assert r.stdout == ""
        assert json.loads(run("plan", "show", "--format", "json").stdout) == []


class TestReportJson:
    def test_figures(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 100)
        data = report_json("--month", "2020-04")
        assert list(data) == ["period", "tracks", "total", "plan"]
        assert data["period"] == {"from": "2020-04-01", "to": "2020-04-30", "label": "2020-04"}
        assert data["tracks"] == [
            {"track": "policy", "sessions": 1, "person_times": 2, "people": 2, "hours": 4.0},
            {"track": "video", "sessions": 1, "person_times": 10, "people": 0, "hours": 10.0},
            {"track": "special", "sessions": 1, "person_times": 4, "people": 1, "hours": 24.0},
        ]
        assert data["total"] == {"sessions": 3, "person_times": 16, "people": 2, "hours": 38.0}
        assert list(data["plan"]) == PLAN_KEYS
        # 2 + 10 + 4 in April and 1 on 29 February; 121 / 366; 83 * 30 / 245
        assert data["plan"] == {"year": 2020, "track": None, "target": 100, "to_date": 17,
                                "progress": 0.17, "expected": 0.3306, "behind": True,
                                "deadline": "2020-12-31", "days_left": 245,
                                "needed_per_month": 10.2}

    def test_as_of_and_leap_day(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 2000, "--track", "special")
        data = report_json("--as-of", "2020-02-29")
        assert data["period"] == {"from": "2020-02-01", "to": "2020-02-29",
                                  "label": "2020-02"}
        assert data["total"]["person_times"] == 1
        assert data["plan"]["track"] == "special"
        assert (data["plan"]["to_date"], data["plan"]["expected"],
                data["plan"]["days_left"]) == (1, 0.1639, 306)

    def test_default_period_is_this_month(self, april: Database) -> None:
        r = run("report", "--format", "json", env={"TRAINLOG_TODAY": "2020-04-15"})
        data = json.loads(r.stdout)
        assert data["period"]["label"] == "2020-04"
        assert data["total"]["person_times"] == 16
        r = run("report", "--month", "last", "--format", "json",
                env={"TRAINLOG_TODAY": "2020-03-01"})
        assert json.loads(r.stdout)["total"]["person_times"] == 1

    def test_audience_and_by(self, april: Database) -> None:
        data = report_json("--month", "2020-04", "--audience", "一把手", "--by", "level")
        assert data["total"] == {"sessions": 1, "person_times": 1, "people": 1, "hours": 2.0}
        assert data["rows"] == [{"level": "district", "sessions": 1, "person_times": 1,
                                 "people": 1, "hours": 2.0}]

    def test_track(self, april: Database) -> None:
        data = report_json("--month", "2020-04", "--track", "video", "--by", "branch")
        zero = {"sessions": 0, "person_times": 0, "people": 0, "hours": 0.0}
        assert data["tracks"] == [{"track": "policy", **zero},
                                  {"track": "video", "sessions": 1, "person_times": 10,
                                   "people": 0, "hours": 10.0},
                                  {"track": "special", **zero}]
        assert data["rows"] == [{"branch": "B1", "name": "一支部", "sessions": 1,
                                 "person_times": 10, "people": 0, "hours": 10.0}]

    def test_no_plan(self, april: Database) -> None:
        r = run("report", "--month", "2020-04", "--format", "json")
        assert r.exit_code == 0
        assert json.loads(r.stdout)["plan"] is None
        assert "no plan set for 2020" in r.stderr
        assert "trainlog plan set 2020 --target N" in r.stderr

    def test_plan_of_another_track_only(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 2000, "--track", "special")
        r = run("report", "--month", "2020-04", "--track", "policy", "--format", "json")
        assert json.loads(r.stdout)["plan"] is None
        assert "no plan for the policy track or all tracks in 2020 (plans set: special)" in r.stderr


class TestReportTable:
    def test_english(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 100)
        r = run("report", "--month", "2020-04")
        assert r.exit_code == 0, r.stderr
        out = r.stdout
        assert out.startswith("Training report 2020-04\n")
        for text in ("policy", "video", "special", "Total", "Person-times", "38.0",
                     "Plan 2020 (all tracks): 17 of 100 person-times by 2020-04-30",
                     "17.0%", "33.1%", "BEHIND a steady pace by 17 person-times",
                     "deadline 2020-12-31, 245 days left, 10.2 person-times needed per month"):
            assert text in out, text
        assert "█" in out and "░" in out
        assert "\x1b[" not in out  # no colour in a pipe
        assert r.stderr == ""

    def test_chinese(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 40)
        r = run("report", "--month", "2020-04", "--lang", "zh", "--by", "month")
        out = r.stdout
        for text in ("干部培训情况 2020年4月", "政策培训", "视频培训", "专题培训", "合计", "人次",
                     "人数", "学时", "按月份", "2020年4月",
                     "2020 年度计划（全部类别）：截至 2020年4月30日 完成 17 / 40 人次",
                     "已完成", "应完成", "进度正常", "截止 2020-12-31，剩余 245 天，每月需完成 2.8 人次"):
            assert text in out, text

    def test_as_of_title(self, april: Database) -> None:
        r = run("report", "--as-of", "2020-04-03", "--lang", "zh", "--audience", "poverty-cadres")
        assert "干部培训情况 2020年4月1日至2020年4月3日，仅计扶贫干部" in r.stdout
        assert "2020 年度计划：未设定" in r.stdout
        assert "尚未设定年度计划" in r.stderr

    def test_by_branch_names_and_empty_group(self, april: Database) -> None:
        r = run("report", "--month", "2020-04", "--by", "branch")
        assert "By branch" in r.stdout
        assert "一支部" in r.stdout and "(none)" in r.stdout


class TestReportCsv:
    def test_layout(self, april: Database) -> None:
        r = run("report", "--month", "2020-04", "--by", "month", "--format", "csv")
        assert r.exit_code == 0
        rows = list(csv.reader(io.StringIO(r.stdout)))
        assert rows[0] == ["from", "to", "dim", "value", "sessions", "person_times", "people",
                           "hours"]
        assert rows[1:] == [
            ["2020-04-01", "2020-04-30", "track", "policy", "1", "2", "2", "4.0"],
            ["2020-04-01", "2020-04-30", "track", "video", "1", "10", "0", "10.0"],
            ["2020-04-01", "2020-04-30", "track", "special", "1", "4", "1", "24.0"],
            ["2020-04-01", "2020-04-30", "total", "", "3", "16", "2", "38.0"],
            ["2020-04-01", "2020-04-30", "month", "2020-04", "3", "16", "2", "38.0"],
        ]


class TestFailIfBehind:
    def test_behind_exits_3_after_the_report(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 100)
        r = run("report", "--month", "2020-04", "--fail-if-behind", "--format", "json")
        assert r.exit_code == 3
        assert json.loads(r.stdout)["plan"]["behind"] is True
        assert r.stderr.startswith("behind the plan: 17 of 100 person-times (17.0%) by "
                                   "2020-04-30, a steady pace would have reached 33.1%")
        table = run("report", "--month", "2020-04", "--fail-if-behind")
        assert table.exit_code == 3 and "Plan 2020" in table.stdout

    def test_on_pace_exits_0(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 40)
        r = run("report", "--month", "2020-04", "--fail-if-behind", "--format", "json")
        assert r.exit_code == 0
        assert json.loads(r.stdout)["plan"]["behind"] is False
        assert r.stderr == ""

    def test_audience_can_be_behind_when_all_is_not(self, april: Database) -> None:
        run("plan", "set", 2020, "--target", 40)
        r = run("report", "--month", "2020-04", "--fail-if-behind", "--audience", "top-leaders",
                "--format", "json")
        assert r.exit_code == 3
        assert json.loads(r.stdout)["plan"]["to_date"] == 1

    def test_no_plan_is_not_behind(self, april: Database) -> None:
        r = run("report", "--month", "2020-04", "--fail-if-behind")
        assert r.exit_code == 0
        assert "no plan set for 2020" in r.stderr


class TestReportErrors:
    @pytest.mark.parametrize(("args", "message"), [
        (["--by", "colour"], "--by: 'colour' is not one of"),
        (["--audience", "everyone"], "--audience"),
        (["--track", "online"], "--track"),
        (["--month", "2020-13"], "not a real month"),
        (["--month", "2020-04", "--year", "2020"], "give one period"),
        (["--month", "2020-04", "--as-of", "2020-03-31"], "before the period starts"),
    ])
    def test_bad_input_exits_1(self, april: Database, args: list[str], message: str) -> None:
        r = run("report", *args)
        assert r.exit_code == 1
        assert message in r.stderr
        assert r.stdout == ""

    def test_unknown_option_exits_2(self, april: Database) -> None:
        assert run("report", "--colour").exit_code == 2

    def test_no_database(self) -> None:
        r = run("report", "--month", "2020-04")
        assert r.exit_code == 1
        assert "trainlog init" in r.stderr

    def test_help(self) -> None:
        r = run("report", "--help")
        assert r.exit_code == 0
        for option in ("--month", "--as-of", "--by", "--audience", "--fail-if-behind",
                       "--track", "--format"):
            assert option in r.stdout
        assert run("plan", "set", "--help").exit_code == 0
