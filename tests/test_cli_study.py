"""`trainlog study`, `compliance`, `coverage` and `config` as a user runs them: exit codes, stdout
versus stderr, formats; and the monthly cron job on the Zhaoling example data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "zhaoling2020"
ZH = ["干部编号", "学时", "平台", "月份"]


@pytest.fixture
def registry(cli, tmp_path: Path, write_csv):  # type: ignore[no-untyped-def]
    """A database with two branches and four cadres (G004 not registered, G003 no party member)."""
    assert cli("init").exit_code == 0
    branches = write_csv(tmp_path / "branches.csv", ["编号", "名称", "乡镇"],
                         [["B001", "东村党支部", "东城乡"], ["B002", "西村党支部", "东城乡"]])
    cadres = write_csv(tmp_path / "cadres.csv",
                       ["编号", "姓名", "党支部", "党员", "网络学院注册日期"],
                       [["G001", "张伟", "B001", "是", "2019-06-01"],
                        ["G002", "王芳", "B001", "是", "2020-03-15"],
                        ["G003", "李强", "B002", "否", "2020-01-02"],
                        ["G004", "赵敏", "B002", "是", ""]], encoding="gb18030")
    assert cli("branch", "import", branches).exit_code == 0
    assert cli("cadre", "import", cadres).exit_code == 0
    return tmp_path


class TestStudyImport:
    def test_import_then_reimport(self, cli, registry: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(registry / "03.csv", ["干部编号", "学时"],
                         [["G001", "5"], ["G002", "2.5"], ["G003", "6"]], encoding="gb18030")
        result = cli("study", "import", path, "--month", "2020-03")
        assert result.exit_code == 0, result.output
        assert result.stdout == ("online study: imported 3 rows (2020-03): 3 created, "
                                 "0 updated, 0 unchanged\n")
        assert result.stderr == ""
        path = write_csv(registry / "03b.csv", ["干部编号", "学时"],
                         [["G001", "5"], ["G002", "4"]], encoding="gb18030")
        result = cli("study", "import", path, "--month", "2020-03", "--format", "json")
        data = json.loads(result.stdout)
        assert (data["rows"], data["created"], data["updated"], data["unchanged"]) == (2, 0, 1, 1)
        shown = json.loads(cli("cadre", "show", "G002", "--format", "json").stdout)
        assert shown["study"] == [{"month": "2020-03", "platform": "academy", "hours": 4.0}]

    def test_bad_rows_exit_1_listing_each_and_write_nothing(self, cli, registry: Path,
                                                            write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(registry / "bad.csv", ZH, [["G001", "5", "", "2020-03"],
                                                   ["G404", "5", "", "2020-03"],
                                                   ["G002", "-3", "", "2020-03"],
                                                   ["G003", "800", "", "2020-03"],
                                                   ["G001", "4", "", "2020-04"]])
        result = cli("study", "import", path, "--month", "2020-03")
        assert result.exit_code == 1
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert "4 problem(s), nothing written" in lines[0]
        assert lines[1].strip() == "row 3, column cadre, value 'G404': no such cadre"
        assert lines[2].strip() == "row 4, column hours, value '-3': negative hours"
        assert lines[3].strip().startswith("row 5, column hours, value '800': more hours than")
        assert lines[4].strip() == ("row 6, column month, value '2020-04': is 2020-04, "
                                    "not the --month 2020-03")
        listed = json.loads(cli("cadre", "show", "G001", "--format", "json").stdout)
        assert listed["study"] == []

    def test_warnings_go_to_stderr(self, cli, registry: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(registry / "a.csv", ZH, [["G004", "5", "", "2020-03"]])
        result = cli("study", "import", path)
        assert result.exit_code == 0
        assert "1 created" in result.stdout
        assert "warning: 1 row(s) for cadres with no academy registration date (G004)" in \
            " ".join(result.stderr.split())

    def test_dry_run(self, cli, registry: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(registry / "a.csv", ZH, [["G001", "5", "", "2020-03"]])
        result = cli("study", "import", path, "--dry-run")
        assert result.exit_code == 0 and "would import 1 rows" in result.stdout
        assert json.loads(cli("cadre", "show", "G001", "-f", "json").stdout)["study"] == []

    def test_missing_file_and_bad_option(self, cli, registry: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("study", "import", registry / "nope.csv", "--month", "2020-03")
        assert result.exit_code == 5 and "no such file" in result.stderr  # its own code
        path = registry / "x.csv"
        path.write_text("cadre,hours\n", encoding="utf-8")
        result = cli("study", "import", path, "--month", "2020-3x")
        assert result.exit_code == 1 and "--month" in result.stderr

    def test_header_only_exits_0(self, cli, registry: Path) -> None:  # type: ignore[no-untyped-def]
        path = registry / "x.csv"
        path.write_text("干部编号,学时\n", encoding="utf-8")
        result = cli("study", "import", path, "--month", "2020-03")
        assert result.exit_code == 0 and "imported 0 rows" in result.stdout


class TestStudyAdd:
    def test_add_and_replace(self, cli, registry: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("study", "add", "G001", "--month", "2020-03", "--hours", "4")
        assert result.exit_code == 0, result.output
        assert result.stdout == "recorded G001 2020-03 academy: 4 hours\n"
        result = cli("study", "add", "G001", "--month", "2020-03", "--hours", "6.5",
                     "--platform", "干部网络学院")
        assert result.stdout == "recorded G001 2020-03 academy: 6.5 hours (was 4)\n"

    @pytest.mark.parametrize("args, message", [
        (["G404", "--month", "2020-03", "--hours", "4"], "no such cadre"),
        (["G001", "--month", "2020-03", "--hours", "-4"], "negative hours"),
        (["G001", "--month", "2020-02", "--hours", "697"], "more hours than 2020-02 has"),
        (["G001", "--month", "2020-03", "--hours", "4", "--platform", "wechat"],
         "--platform: 'wechat' is not one of"),
    ])
    def test_errors_exit_1(self, cli, registry: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
        result = cli("study", "add", *args)
        assert result.exit_code == 1
        assert message in result.stderr and result.stdout == ""

    def test_missing_option_is_usage(self, cli, registry: Path) -> None:  # type: ignore[no-untyped-def]
        assert cli("study", "add", "G001", "--hours", "4").exit_code == 2


@pytest.fixture
def studied(cli, registry: Path):  # type: ignore[no-untyped-def]
    for code, month, hours in [("G001", "2020-03", "5"), ("G002", "2020-03", "2"),
                               ("G003", "2020-02", "1"), ("G003", "2020-03", "7")]:
        assert cli("study", "add", code, "--month", month, "--hours", hours).exit_code == 0
    return registry


class TestCompliance:
    def test_json_keys_and_figures(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("compliance", "--month", "2020-03", "--format", "json")
        assert result.exit_code == 0 and result.stderr == ""
        data = json.loads(result.stdout)
        assert list(data) == ["period", "min_month", "min_year", "party_members", "registered",
                              "registration_coverage", "checked", "short_count", "short"]
        assert (data["party_members"], data["registered"], data["registration_coverage"],
                data["checked"], data["short_count"]) == (3, 2, 0.6667, 3, 1)
        assert data["short"] == [{"cadre": "G002", "name": "王芳", "branch": "B001",
                                  "hours": 2.0, "required": 5.0, "year_to_date": 2.0,
                                  "months_short": 1}]

    def test_fail_if_any_exits_3_after_the_output(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("compliance", "--month", "2020-03", "--fail-if-any", "-f", "json")
        assert result.exit_code == 3
        assert json.loads(result.stdout)["short_count"] == 1
        assert "1 cadre(s) short of online study hours in 2020-03" in result.stderr
        result = cli("compliance", "--month", "2020-03", "--fail-if-any", "--min-month", "2")
        assert result.exit_code == 0

    def test_thresholds_from_config(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        assert cli("config", "set", "compliance.min_month", "2").stdout == \
            "compliance.min_month = 2\n"
        data = json.loads(cli("compliance", "--month", "2020-03", "-f", "json").stdout)
        assert (data["min_month"], data["short_count"]) == (2.0, 0)
        shown = json.loads(cli("config", "show", "-f", "json").stdout)
        assert [(r["key"], r["value"], r["default"]) for r in shown] == [
            ("compliance.min_month", 2.0, 5.0), ("compliance.min_year", 60.0, 60.0),
            ("hours.county.group", 550.0, 550.0), ("hours.county.years", 5.0, 5.0),
            ("hours.section.group", 90.0, 90.0), ("hours.staff.group", 90.0, 90.0),
            ("hours.village.group", 0.0, 0.0), ("hours.online", 50.0, 50.0),
            ("credit.hours_per_day", 6.0, 6.0)]
        assert cli("config", "unset", "compliance.min_month").exit_code == 0
        data = json.loads(cli("compliance", "--month", "2020-03", "-f", "json").stdout)
        assert (data["min_month"], data["short_count"]) == (5.0, 1)

    @pytest.mark.parametrize("args", [["compliance.min_hours", "4"],
                                      ["compliance.min_month", "lots"],
                                      ["compliance.min_year", "0"]])
    def test_bad_config_exits_1(self, cli, studied: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
        result = cli("config", "set", *args)
        assert result.exit_code == 1 and result.stdout == "" and result.stderr

    def test_table_in_chinese_and_csv(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("--lang", "zh", "compliance", "--month", "2020-03")
        assert result.exit_code == 0
        for text in ("干部编号", "姓名", "应学学时", "本年累计学时", "不足月数", "注册率", "66.7%",
                     "王芳"):
            assert text in result.stdout
        rows = list(csv.DictReader(io.StringIO(
            cli("compliance", "--month", "2020-03", "-f", "csv").stdout)))
        assert rows == [{"cadre": "G002", "name": "王芳", "branch": "B001", "hours": "2.0",
                         "required": "5.0", "year_to_date": "2.0", "months_short": "1"}]

    def test_nobody_short_says_so_on_stderr(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("compliance", "--month", "2020-03", "--min-month", "1")
        assert result.exit_code == 0
        assert "nobody is short of hours" in result.stderr
        assert "Short of hours" in result.stdout

    def test_bad_period_and_platform(self, cli, studied: Path) -> None:  # type: ignore[no-untyped-def]
        assert cli("compliance", "--month", "2020-03", "--year", "2020").exit_code == 1
        result = cli("compliance", "--month", "2020-03", "--platform", "tv")
        assert result.exit_code == 1 and "--platform" in result.stderr

    def test_needs_a_database(self, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("compliance")
        assert result.exit_code == 1 and "trainlog init" in result.stderr


class TestCoverage:
    def test_formats(self, cli, registry: Path) -> None:  # type: ignore[no-untyped-def]
        assert cli("add-session", "--date", "2020-03-02", "--track", "video", "--kind", "remote",
                   "--title", "远程教育", "--headcount", "9", "--branch", "B001").exit_code == 0
        data = json.loads(cli("coverage", "--month", "2020-03", "-f", "json").stdout)
        assert list(data) == ["period", "branches", "with_sessions", "coverage", "sessions",
                              "rows", "without"]
        assert (data["branches"], data["with_sessions"], data["coverage"], data["sessions"],
                data["without"]) == (2, 1, 0.5, 1, ["B002"])
        rows = list(csv.DictReader(io.StringIO(
            cli("coverage", "--month", "2020-03", "-f", "csv").stdout)))
        assert [(r["branch"], r["sessions"]) for r in rows] == [("B001", "1"), ("B002", "0")]
        table = cli("--lang", "zh", "coverage", "--month", "2020-03").stdout
        assert "未开展支部" in table and "西村党支部" in table and "50.0%" in table
        result = cli("coverage", "--month", "2020-03", "--township", "北城乡")
        assert result.exit_code == 1 and "no branch in township" in result.stderr


class TestZhaolingCron:
    """The example data set: the monthly job after each export, and the source's figures."""

    @pytest.fixture
    def loaded(self, cli):  # type: ignore[no-untyped-def]
        assert cli("init").exit_code == 0
        for name in ("01_branches.csv", "02_cadres.csv"):
            kind = "branch" if "branch" in name else "cadre"
            assert cli(kind, "import", EXAMPLES / name).exit_code == 0
        for name in ("03_sessions_policy.xlsx", "04_sessions_video.csv",
                     "05_sessions_special.csv"):
            assert cli("session", "import", EXAMPLES / name).exit_code == 0
        for month in range(1, 7):
            path = next(EXAMPLES.glob(f"06_study_2020-{month:02d}.*"))
            result = cli("study", "import", path, "--month", f"2020-{month:02d}")
            assert result.exit_code == 0, result.output
        return cli

    def test_figures_of_the_source(self, loaded) -> None:  # type: ignore[no-untyped-def]
        cli = loaded
        data = json.loads(cli("coverage", "--from", "2020-01-01", "--to", "2020-04-03",
                              "-f", "json").stdout)
        assert (data["branches"], data["with_sessions"], data["sessions"], data["coverage"]) == (
            378, 371, 1034, 0.9815)
        assert data["without"] == ["B083", "B150", "B187", "B253", "B345", "B355", "B372"]
        remote = json.loads(cli("coverage", "--from", "2020-01-01", "--to", "2020-04-03",
                                "--kind", "remote", "-f", "json").stdout)
        assert remote["sessions"] == 1034
        data = json.loads(cli("compliance", "--from", "2020-04-01", "--to", "2020-04-03",
                              "-f", "json").stdout)
        assert (data["party_members"], data["registered"], data["registration_coverage"],
                data["checked"]) == (760, 739, 0.9724, 739)

    def test_monthly_job(self, loaded) -> None:  # type: ignore[no-untyped-def]
        cli = loaded
        march = json.loads(cli("compliance", "--month", "2020-03", "-f", "json").stdout)
        april = json.loads(cli("compliance", "--month", "2020-04", "-f", "json").stdout)
        assert (march["checked"], march["short_count"]) == (727, 35)
        assert (april["checked"], april["short_count"]) == (745, 47)
        assert all(r["hours"] < 5 for r in april["short"])
        # On 1 May, "last month" is April; a re-run of the import changes nothing.
        env = {"TRAINLOG_TODAY": "2020-05-01"}
        result = cli("study", "import", EXAMPLES / "06_study_2020-04.csv", "--month", "last",
                     env=env)
        assert "0 created, 0 updated, 730 unchanged" in result.stdout
        again = cli("compliance", "--month", "last", "--fail-if-any", "-f", "json", env=env)
        assert again.exit_code == 3 and json.loads(again.stdout) == april


@pytest.mark.sqlite_only("SQLite's indexes, built after the rows of a large first import")
def test_a_large_study_import_builds_the_month_index_after(  # type: ignore[no-untyped-def]
        cli, registry: Path, write_csv, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above REBUILD_AFTER rows (estimated from the file's size) into an emptier table the month
    index is built after the rows; a file with a bad row writes nothing and leaves the index as
    it was; a good one leaves it as it was too, with every record in place."""
    import sqlite3

    from trainlog.store import sql

    monkeypatch.setattr(sql, "REBUILD_AFTER", 2)
    database = str(registry / "trainlog.db")
    index_sql = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                 "AND tbl_name = 'online_study' ORDER BY name")

    def indexes() -> list[tuple[str, str]]:
        con = sqlite3.connect(database)
        try:
            return con.execute(index_sql).fetchall()
        finally:
            con.close()

    before = indexes()
    assert any(name == "ix_study_month" for name, _ in before)
    dropped: list[str] = []
    real_run = sql.SqliteConn.run

    def run(self, statement, params=None):  # type: ignore[no-untyped-def]
        if statement.startswith("DROP INDEX"):
            dropped.append(statement)
        return real_run(self, statement, params)

    monkeypatch.setattr(sql.SqliteConn, "run", run)
    bad = write_csv(registry / "bad.csv", ZH, [["G001", "5", "academy", "2020-03"],
                                               ["G002", "2.5", "academy", "2020-03"],
                                               ["G003", "-1", "academy", "2020-03"]])
    result = cli("study", "import", bad)
    assert result.exit_code == 1 and "row 4" in result.stderr
    assert dropped and indexes() == before
    good = write_csv(registry / "good.csv", ZH, [["G001", "5", "academy", "2020-03"],
                                                 ["G002", "2.5", "academy", "2020-03"],
                                                 ["G003", "6", "academy", "2020-04"]])
    result = cli("study", "import", good)
    assert result.exit_code == 0, result.stderr
    assert len(dropped) == 2 and indexes() == before
    con = sqlite3.connect(database)
    try:
        assert con.execute("SELECT c.code, s.month, s.hours FROM online_study s JOIN cadre c "
                           "ON c.id = s.cadre_id ORDER BY c.code").fetchall() == [
            ("G001", "2020-03-01", 5.0), ("G002", "2020-03-01", 2.5), ("G003", "2020-04-01", 6.0)]
    finally:
        con.close()
    assert cli("db", "check").exit_code == 0
