"""Training hours against the rules (issue 18, DESIGN.md "Training hours against the rules").

On both backends: a small roster built through the CLI whose figures are counted by hand below;
the rules per rank, the county window across year boundaries, void sessions and inactive cadres
left out, a rank changed mid-year, --as-of, --short, --fail-if-any, the settings (0: no rule),
add-session --days and the days column, report --by rank.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trainlog.errors import TrainlogError
from trainlog.store.database import Database
from trainlog.study.hours import training_hours

TODAY = "2020-12-31"


def ok(cli, *args: str) -> Any:  # type: ignore[no-untyped-def]
    r = cli(*args)
    assert r.exit_code == 0, (args, r.stdout, r.stderr)
    return r


def session(cli, day: str, *codes: str, hours: str | None = "24", days: str | None = None,
            ref: str | None = None) -> None:  # type: ignore[no-untyped-def]
    args = ["add-session", "--date", day, "--track", "policy", "--title", "会"]
    args += ["--hours", hours] if hours is not None else []
    args += ["--days", days] if days is not None else []
    args += ["--ref", ref] if ref else []
    for code in codes:
        args += ["--attendee", code]
    ok(cli, *args)


@pytest.fixture
def roster(cli, db, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The roster the figures below are counted on.

    G1 county (B1), G2 section (B1), G3 staff (B2), G4 village (B2), G5 no rank (B1), G6 section
    (B2, retired from 2020-06-01).

    Group hours, 2020: G1 24 (S3); over 2016-2020 34 (S2 10, S3 24; S1 of 2015 left out).
    G2 92 (S3 24, S4 20, S6 24, S7 24; the void S5 and 2021's S8 left out). G3 68 (S3, S4, S6).
    G4 24. G6 24 (S3).
    Online, 2020: G1 50 (30 + 20), G2 50 (30 + 20; 2019's 10 left out), G3 49.96 (shown 50.0,
    short: the unrounded sum is compared).
    """
    monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
    for args in (["branch", "add", "B1", "一支部"], ["branch", "add", "B2", "二支部"],
                 ["cadre", "add", "G1", "张一", "--rank", "county", "--branch", "B1"],
                 ["cadre", "add", "G2", "张二", "--rank", "乡科级", "--branch", "B1"],
                 ["cadre", "add", "G3", "张三", "--rank", "staff", "--branch", "B2"],
                 ["cadre", "add", "G4", "张四", "--rank", "村（社区）干部", "--branch", "B2"],
                 ["cadre", "add", "G5", "张五", "--branch", "B1"],
                 ["cadre", "add", "G6", "张六", "--rank", "section", "--branch", "B2"]):
        ok(cli, *args)
    session(cli, "2015-12-31", "G1", hours="10")  # S1
    session(cli, "2016-01-01", "G1", hours="10")  # S2
    session(cli, "2020-03-10", "G1", "G2", "G3", "G4", "G6", hours=None, days="4")  # S3: 24
    session(cli, "2020-06-15", "G2", "G3", hours="20")  # S4
    session(cli, "2020-07-01", "G2", ref="S5")  # S5, voided
    ok(cli, "session", "void", "S5", "--reason", "录重")
    session(cli, "2020-09-01", "G2", "G3")  # S6
    session(cli, "2020-11-01", "G2")  # S7
    session(cli, "2021-01-01", "G2")  # S8
    ok(cli, "cadre", "deactivate", "G6", "--on", "2020-06-01", "--reason", "退休")
    for code, month, hours in (("G1", "2020-01", "30"), ("G1", "2020-12", "20"),
                               ("G2", "2019-12", "10"), ("G2", "2020-02", "30"),
                               ("G2", "2020-08", "20"), ("G3", "2020-03", "25"),
                               ("G3", "2020-04", "24.96")):
        ok(cli, "study", "add", code, "--month", month, "--hours", hours)
    return cli


def hours(cli, *args: str, code: int = 0) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = cli("hours", *args, "--format", "json")
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    return json.loads(r.stdout)


def figures(data: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {c["cadre"]: (c["rank"], c["group_hours"], c["group_required"], c["online_hours"],
                         c["online_required"], c["met"]) for c in data["cadres"]}


class TestRules:
    def test_each_rank_with_hand_counted_figures(self, roster) -> None:
        data = hours(roster, "--year", "2020")
        assert figures(data) == {
            "G1": ("county", 34.0, 550.0, 50.0, 50.0, False),
            "G2": ("section", 92.0, 90.0, 50.0, 50.0, True),
            "G3": ("staff", 68.0, 90.0, 50.0, 50.0, False),
        }
        assert (data["checked"], data["met"], data["short_count"], data["unranked"]) == (3, 1, 2, 1)
        assert data["by_rank"] == [
            {"rank": "county", "checked": 1, "met": 0, "short": 1, "grace": 0, "rate": 0.0},
            {"rank": "section", "checked": 1, "met": 1, "short": 0, "grace": 0, "rate": 1.0},
            {"rank": "staff", "checked": 1, "met": 0, "short": 1, "grace": 0, "rate": 0.0}]

    def test_the_json_shape(self, roster) -> None:
        data = hours(roster, "--year", "2020")
        assert list(data) == ["year", "as_of", "checked", "met", "short_count", "grace",
                              "unranked", "by_rank", "cadres"]
        assert (data["year"], data["as_of"]) == (2020, "2020-12-31")
        assert data["cadres"][0] == {
            "cadre": "G1", "name": "张一", "rank": "county", "branch": "B1",
            "window": {"from": "2016-01-01", "to": "2020-12-31"},
            "group_hours": 34.0, "group_required": 550.0, "online_hours": 50.0,
            "online_required": 50.0, "met": False, "status": "short", "grace_until": None}
        assert [c["cadre"] for c in data["cadres"]] == sorted(c["cadre"] for c in data["cadres"])
        assert data["cadres"][1]["window"] == {"from": "2020-01-01", "to": "2020-12-31"}

    def test_the_county_window_is_five_calendar_years(self, roster) -> None:
        roster("config", "set", "hours.county.group", "30")
        assert figures(hours(roster, "--year", "2020"))["G1"][1:] == (34.0, 30.0, 50.0, 50.0,
                                                                      True)
        # 2019: 2015-2019, S1 and S2; no online study that year
        g1 = hours(roster, "--year", "2019")["cadres"][0]
        assert (g1["window"], g1["group_hours"], g1["online_hours"], g1["met"]) == (
            {"from": "2015-01-01", "to": "2019-12-31"}, 20.0, 0.0, False)
        # 2021: 2017-2021, S3 only
        assert figures(hours(roster, "--year", "2021"))["G1"][1] == 24.0
        ok(roster, "config", "set", "hours.county.years", "1")
        assert figures(hours(roster, "--year", "2020"))["G1"][1] == 24.0

    def test_void_sessions_and_other_years_are_left_out(self, roster) -> None:
        # S5 (void, 24) and S8 (2021) would make G2's 92 into 116 and 140
        assert figures(hours(roster, "--year", "2020"))["G2"][1] == 92.0
        assert figures(hours(roster, "--year", "2021"))["G2"][1] == 24.0

    def test_the_unrounded_sum_decides(self, roster) -> None:
        ok(roster, "config", "set", "hours.staff.group", "60")
        g3 = next(c for c in hours(roster, "--year", "2020")["cadres"] if c["cadre"] == "G3")
        assert (g3["group_hours"], g3["online_hours"], g3["met"]) == (68.0, 50.0, False)
        ok(roster, "study", "add", "G3", "--month", "2020-05", "--hours", "0.04")
        g3 = next(c for c in hours(roster, "--year", "2020")["cadres"] if c["cadre"] == "G3")
        assert g3["met"] is True

    def test_inactive_cadres_are_left_out_and_as_of_checks_that_day(self, roster) -> None:
        data = hours(roster, "--as-of", "2020-05-31")
        assert (data["year"], data["as_of"]) == (2020, "2020-05-31")
        # G6 was active then; hours through that day: S3 only, and the study of January-May
        assert figures(data) == {
            "G1": ("county", 34.0, 550.0, 30.0, 50.0, False),
            "G2": ("section", 24.0, 90.0, 30.0, 50.0, False),
            "G3": ("staff", 24.0, 90.0, 50.0, 50.0, False),  # 49.96
            "G6": ("section", 24.0, 90.0, 0.0, 50.0, False)}
        assert data["cadres"][0]["window"] == {"from": "2016-01-01", "to": "2020-05-31"}
        assert "G6" not in figures(hours(roster, "--year", "2020"))

    def test_a_rank_changed_mid_year_is_checked_by_the_last_day(self, roster) -> None:
        ok(roster, "cadre", "edit", "G1", "--rank", "section", "--from", "2020-07-01")
        data = hours(roster, "--year", "2020")
        g1 = next(c for c in data["cadres"] if c["cadre"] == "G1")
        assert (g1["rank"], g1["window"]["from"], g1["group_hours"], g1["group_required"]) == (
            "section", "2020-01-01", 24.0, 90.0)
        assert [r["rank"] for r in data["by_rank"]] == ["section", "staff"]
        before = next(c for c in hours(roster, "--as-of", "2020-06-30")["cadres"]
                      if c["cadre"] == "G1")
        assert (before["rank"], before["group_hours"]) == ("county", 34.0)
        history = json.loads(ok(roster, "cadre", "history", "G1", "--format", "json").stdout)
        assert [f for f in history["facts"] if f["fact"] == "rank"] == [
            {"fact": "rank", "value": "county", "from": None, "to": "2020-06-30", "reason": None},
            {"fact": "rank", "value": "section", "from": "2020-07-01", "to": None,
             "reason": None}]

    def test_settings_change_the_rules_and_0_is_no_rule(self, roster) -> None:
        ok(roster, "config", "set", "hours.online", "0")
        ok(roster, "config", "set", "hours.staff.group", "60")
        assert {k: v[-1] for k, v in figures(hours(roster, "--year", "2020")).items()} == {
            "G1": False, "G2": True, "G3": True}
        ok(roster, "config", "set", "hours.section.group", "0")  # no rule left for section
        ok(roster, "config", "set", "hours.village.group", "10")  # G4: 24 of 10
        data = hours(roster, "--year", "2020")
        assert figures(data) == {"G1": ("county", 34.0, 550.0, 50.0, 0.0, False),
                                 "G3": ("staff", 68.0, 60.0, 50.0, 0.0, True),
                                 "G4": ("village", 24.0, 10.0, 0.0, 0.0, True)}
        ok(roster, "config", "unset", "hours.online")
        g4 = figures(hours(roster, "--year", "2020"))["G4"]
        assert g4 == ("village", 24.0, 10.0, 0.0, 0.0, True)  # village owes no online hours

    def test_settings_are_checked(self, roster) -> None:
        for key, value, says in (("hours.county.years", "2.5", "whole number"),
                                 ("hours.county.years", "0", "more than 0"),
                                 ("credit.hours_per_day", "0", "more than 0"),
                                 ("credit.hours_per_day", "25", "outside"),
                                 ("hours.online", "9000", "outside")):
            r = roster("config", "set", key, value)
            assert r.exit_code == 1 and says in r.stderr, (key, value, r.stderr)
        shown = json.loads(ok(roster, "config", "show", "--format", "json").stdout)
        assert {s["key"]: s["value"] for s in shown if s["key"].startswith(("hours", "credit"))} == {
            "hours.county.group": 550.0, "hours.county.years": 5.0, "hours.section.group": 90.0,
            "hours.staff.group": 90.0, "hours.village.group": 0.0, "hours.online": 50.0,
            "credit.hours_per_day": 6.0}


class TestCommand:
    def test_rank_and_branch_narrow_it(self, roster) -> None:
        assert list(figures(hours(roster, "--year", "2020", "--rank", "乡科级"))) == ["G2"]
        data = hours(roster, "--year", "2020", "--branch", "B2")
        assert (list(figures(data)), data["unranked"]) == (["G3"], 0)
        r = roster("hours", "--branch", "B9")
        assert r.exit_code == 1 and "B9" in r.stderr
        r = roster("hours", "--rank", "province")
        assert r.exit_code == 1 and "county" in r.stderr

    def test_short_lists_only_those_short(self, roster) -> None:
        data = hours(roster, "--year", "2020", "--short")
        assert list(figures(data)) == ["G1", "G3"]
        assert (data["checked"], data["met"], data["short_count"]) == (3, 1, 2)

    def test_fail_if_any_exits_3_after_printing(self, roster) -> None:
        data = hours(roster, "--year", "2020", "--fail-if-any", code=3)
        assert data["short_count"] == 2
        r = roster("hours", "--year", "2020", "--fail-if-any")
        assert r.exit_code == 3 and "2 cadre(s) short" in r.stderr
        ok(roster, "config", "set", "hours.county.group", "0")
        ok(roster, "config", "set", "hours.online", "0")
        ok(roster, "config", "set", "hours.staff.group", "0")
        data = hours(roster, "--year", "2020", "--fail-if-any")
        assert (data["checked"], data["short_count"]) == (1, 0)

    def test_default_is_this_year_to_today(self, roster) -> None:
        data = hours(roster)
        assert (data["year"], data["as_of"]) == (2020, TODAY)

    def test_year_and_as_of_must_agree(self, roster) -> None:
        r = roster("hours", "--year", "2019", "--as-of", "2020-03-01")
        assert r.exit_code == 1 and "--year 2019" in r.stderr
        assert hours(roster, "--year", "2020", "--as-of", "2020-05-31")["as_of"] == "2020-05-31"

    def test_table_csv_and_zh(self, roster, tmp_path: Path) -> None:
        zh = ok(roster, "hours", "--year", "2020", "--lang", "zh").stdout
        assert "达标率" in zh and "未达标" in zh and "县处级以上" in zh and "达标 " in zh
        en = ok(roster, "hours", "--year", "2020").stdout
        assert "Rate met" in en and "short" in en
        csv = ok(roster, "hours", "--year", "2020", "--format", "csv").stdout.splitlines()
        assert csv[0] == ("cadre,name,rank,branch,from,to,group_hours,group_required,"
                          "online_hours,online_required,status,grace_until")
        assert csv[2] == "G2,张二,section,B1,2020-01-01,2020-12-31,92.0,90.0,50.0,50.0,met,"
        ok(roster, "hours", "--year", "2020", "-o", str(tmp_path / "h.xlsx"))
        assert (tmp_path / "h.xlsx").stat().st_size > 0

    def test_nobody_checked_says_so(self, cli, db) -> None:
        r = ok(cli, "hours", "--year", "2020")
        assert "nobody is checked" in r.stderr


class TestCoreFunction:
    def test_the_function_gives_what_the_command_prints(self, roster, db: Database) -> None:
        with db.connect() as conn:
            data = training_hours(conn, 2020)
            assert data == hours(roster, "--year", "2020")
            assert training_hours(conn, as_of="2020-05-31", rank="section")["checked"] == 2
            with pytest.raises(TrainlogError, match="--as-of"):
                training_hours(conn, 2019, as_of="2020-01-01")

    def test_group_by_per_cadre_not_row_by_row(self, roster, db: Database) -> None:
        """The figures agree with a row-by-row count of the attendance, in Python."""
        with db.connect() as conn:
            rows = conn.all("SELECT c.code, s.date, a.hours, s.void FROM attendance a "
                            "JOIN training_session s ON s.id = a.session_id "
                            "JOIN cadre c ON c.id = a.cadre_id")
            data = training_hours(conn, 2020)
        for c in data["cadres"]:
            start, end = c["window"]["from"], c["window"]["to"]
            total = sum(float(h) for code, d, h, void in rows if code == c["cadre"] and not void
                        and start <= str(d)[:10] <= end)
            assert c["group_hours"] == round(total, 1)


class TestDays:
    def test_days_credit_hours_per_day(self, roster) -> None:
        sessions = json.loads(ok(roster, "session", "list", "--year", "2020", "--format",
                                 "json").stdout)
        assert sessions[0]["date"] == "2020-03-10" and sessions[0]["hours"] == 24.0
        ok(roster, "config", "set", "credit.hours_per_day", "3")
        session(roster, "2020-12-01", "G3", hours=None, days="1.5", ref="D1")
        listed = json.loads(ok(roster, "session", "list", "--year", "2020", "--format",
                               "json").stdout)
        assert next(s for s in listed if s["ref"] == "D1")["hours"] == 4.5

    def test_hours_and_days_together_are_refused(self, roster) -> None:
        r = roster("add-session", "--date", "2020-12-01", "--track", "policy", "--title", "会",
                   "--hours", "3", "--days", "1", "--attendee", "G3")
        assert r.exit_code == 1 and "not both" in r.stderr
        r = roster("add-session", "--date", "2020-12-01", "--track", "policy", "--title", "会",
                   "--days", "5", "--attendee", "G3")
        assert r.exit_code == 1 and "--days" in r.stderr and "30 hours" in r.stderr

    def test_a_days_column_in_session_import(self, roster, tmp_path: Path) -> None:
        f = tmp_path / "s.csv"
        f.write_text("培训编号,日期,类别,培训名称,天数,干部编号\nD1,2020-12-02,policy,班,2,G3\n"
                     "D1,2020-12-02,policy,班,2,G2\n", encoding="utf-8")
        ok(roster, "session", "import", str(f))
        listed = json.loads(ok(roster, "session", "list", "--year", "2020", "--format",
                               "json").stdout)
        assert next(s for s in listed if s["ref"] == "D1")["hours"] == 12.0
        g3 = figures(hours(roster, "--year", "2020"))["G3"]
        assert g3[1] == 80.0
        f.write_text("ref,date,track,title,hours,days,cadre\nD2,2020-12-03,policy,班,3,1,G3\n",
                     encoding="utf-8")
        r = roster("session", "import", str(f))
        assert r.exit_code == 1 and "row 2" in r.stderr and "not both" in r.stderr


class TestRank:
    def test_report_by_rank_counts_the_rank_on_the_day(self, roster) -> None:
        def by_rank() -> dict[Any, int]:
            r = ok(roster, "report", "--year", "2020", "--by", "rank", "--format", "json")
            return {row["rank"]: row["person_times"] for row in json.loads(r.stdout)["rows"]}

        # S3: G1 county, G2 and G6 section, G3 staff, G4 village; S4, S6: G2, G3; S7: G2
        assert by_rank() == {"county": 1, "section": 5, "staff": 3, "village": 1}
        ok(roster, "cadre", "edit", "G3", "--rank", "section", "--from", "2020-07-01")
        assert by_rank() == {"county": 1, "section": 6, "staff": 2, "village": 1}
        zh = ok(roster, "report", "--year", "2020", "--by", "职级", "--lang", "zh").stdout
        assert "乡科级" in zh

    def test_list_filter_show_and_import(self, roster, tmp_path: Path) -> None:
        rows = json.loads(ok(roster, "cadre", "list", "--rank", "section", "--format",
                             "json").stdout)
        assert [r["code"] for r in rows] == ["G2"]
        shown = json.loads(ok(roster, "cadre", "show", "G4", "--format", "json").stdout)
        assert shown["rank"] == "village"
        assert "村（社区）干部" in ok(roster, "cadre", "show", "G4", "--lang", "zh").stdout
        f = tmp_path / "c.csv"
        f.write_text("编号,姓名,职级\nG5,张五,科员及以下\nG7,张七,county\n", encoding="utf-8")
        ok(roster, "cadre", "import", str(f), "--from", "2020-12-01")
        rows = json.loads(ok(roster, "cadre", "list", "--format", "json").stdout)
        assert {r["code"]: r["rank"] for r in rows}["G5"] == "staff"
        assert {r["code"]: r["rank"] for r in rows}["G7"] == "county"
        f.write_text("code,name,rank\nG8,张八,province\n", encoding="utf-8")
        r = roster("cadre", "import", str(f))
        assert r.exit_code == 1 and "row 2" in r.stderr and "rank" in r.stderr

    def test_a_correction_changes_the_rank_for_every_date(self, roster) -> None:
        ok(roster, "cadre", "edit", "G5", "--rank", "staff", "--correct")
        data = hours(roster, "--year", "2020")
        assert data["unranked"] == 0 and "G5" in figures(data)


class TestGrace:
    """A cadre promoted to county less than 12 months before the check's last day who does not
    meet the county requirement is in grace until the promotion day a year later."""

    def status(self, cli, *args: str) -> dict[str, tuple[Any, ...]]:  # type: ignore[no-untyped-def]
        return {c["cadre"]: (c["rank"], c["status"], c["grace_until"])
                for c in hours(cli, *args)["cadres"]}

    def test_inside_the_year_after_the_promotion(self, roster) -> None:
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-03-01")
        data = hours(roster, "--year", "2020")
        g2 = next(c for c in data["cadres"] if c["cadre"] == "G2")
        # 92 hours over 2016-2020 of 550: not met, but promoted on 1 March 2020
        assert (g2["rank"], g2["group_hours"], g2["group_required"], g2["met"], g2["status"],
                g2["grace_until"]) == ("county", 92.0, 550.0, False, "grace", "2021-03-01")
        assert (data["checked"], data["met"], data["short_count"], data["grace"]) == (3, 0, 2, 1)
        assert data["by_rank"] == [
            {"rank": "county", "checked": 2, "met": 0, "short": 1, "grace": 1, "rate": 0.0},
            {"rank": "staff", "checked": 1, "met": 0, "short": 1, "grace": 0, "rate": 0.0}]
        assert self.status(roster, "--year", "2020")["G1"] == ("county", "short", None)

    def test_across_the_year_boundary_and_after_12_months(self, roster) -> None:
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-03-01")
        assert self.status(roster, "--as-of", "2021-02-28")["G2"] == (
            "county", "grace", "2021-03-01")
        # 12 months to the day: not less than 12 months, short
        assert self.status(roster, "--as-of", "2021-03-01")["G2"] == ("county", "short", None)
        assert self.status(roster, "--year", "2021")["G2"] == ("county", "short", None)
        # before the promotion he is checked as section (S3 and S4 by then: 44 of 90)
        assert self.status(roster, "--as-of", "2020-02-29")["G2"] == ("section", "short", None)

    def test_met_is_met_not_grace(self, roster) -> None:
        ok(roster, "config", "set", "hours.county.group", "90")
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-03-01")
        assert self.status(roster, "--year", "2020")["G2"] == ("county", "met", None)

    def test_only_a_promotion_from_a_lower_rank(self, roster) -> None:
        # G5 had no rank: a rank first recorded as county is no promotion
        ok(roster, "cadre", "edit", "G5", "--rank", "county", "--from", "2020-06-01")
        # G3 promoted and moved back to staff: checked as staff, short, no grace
        ok(roster, "cadre", "edit", "G3", "--rank", "county", "--from", "2020-03-01")
        ok(roster, "cadre", "edit", "G3", "--rank", "staff", "--from", "2020-09-01")
        # G1 county, section from March, county again from September: the latest promotion
        ok(roster, "cadre", "edit", "G1", "--rank", "section", "--from", "2020-03-01")
        ok(roster, "cadre", "edit", "G1", "--rank", "county", "--from", "2020-09-01")
        # G2 promoted, then moved to another branch: the promotion's day still counts
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-04-15")
        ok(roster, "cadre", "edit", "G2", "--branch", "B2", "--from", "2020-06-01")
        got = self.status(roster, "--year", "2020")
        assert got == {"G1": ("county", "grace", "2021-09-01"),
                       "G2": ("county", "grace", "2021-04-15"),
                       "G3": ("staff", "short", None),
                       "G5": ("county", "short", None)}

    def test_a_leap_day_promotion(self, roster) -> None:
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-02-29")
        assert self.status(roster, "--as-of", "2021-02-27")["G2"] == (
            "county", "grace", "2021-02-28")
        assert self.status(roster, "--as-of", "2021-02-28")["G2"][1] == "short"

    def test_the_first_and_last_years(self, roster) -> None:
        # a grace ending after 9999 ends on the last day there is; year 1 has nobody before it
        # (--as-of the day before: a fact holds up to FOREVER, 9999-12-31, not on it)
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "9999-06-01")
        assert self.status(roster, "--as-of", "9999-12-30")["G2"] == (
            "county", "grace", "9999-12-31")
        assert self.status(roster, "--year", "1")["G2"] == ("section", "short", None)

    def test_short_and_fail_if_any_leave_grace_out(self, roster) -> None:
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-03-01")
        assert list(figures(hours(roster, "--year", "2020", "--short"))) == ["G1", "G3"]
        for key in ("hours.county.group", "hours.online", "hours.staff.group"):
            ok(roster, "config", "set", key, "0")
        ok(roster, "config", "set", "hours.county.group", "550")
        # staff has no rule now: G1 (made staff) and G3 are not checked, only G2, in grace
        ok(roster, "cadre", "edit", "G1", "--rank", "staff", "--from", "2020-01-01")
        data = hours(roster, "--year", "2020", "--fail-if-any")
        assert (data["checked"], data["short_count"], data["grace"]) == (1, 0, 1)
        r = ok(roster, "hours", "--year", "2020", "--short")
        assert "1 in the year after a promotion" in r.stderr

    def test_the_table_in_zh_and_en(self, roster) -> None:
        ok(roster, "cadre", "edit", "G2", "--rank", "county", "--from", "2020-03-01")
        zh = ok(roster, "hours", "--year", "2020", "--lang", "zh").stdout
        assert "晋升一年内" in zh and "补足期限" in zh and "2021-03-01" in zh
        assert "晋升一年内人数" in zh
        en = ok(roster, "hours", "--year", "2020").stdout
        assert "grace" in en and "Grace until" in en and "In grace" in en
        csv = ok(roster, "hours", "--year", "2020", "--format", "csv").stdout.splitlines()
        assert csv[2].endswith(",grace,2021-03-01")


class TestCadreShow:
    def show(self, cli, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        return json.loads(ok(cli, "cadre", "show", *args, "--format", "json").stdout)["hours"]

    def test_the_hours_of_the_year_in_json(self, roster) -> None:
        # this year (2020) to today, 31 December: the figures of `hours --year 2020`
        assert self.show(roster, "G2") == {
            "year": 2020, "as_of": "2020-12-31", "checked": True, "rank": "section",
            "window": {"from": "2020-01-01", "to": "2020-12-31"}, "group_hours": 92.0,
            "group_required": 90.0, "online_hours": 50.0, "online_required": 50.0,
            "met": True, "status": "met", "grace_until": None}
        g1 = self.show(roster, "G1", "--year", "2019")
        assert (g1["as_of"], g1["window"]["from"], g1["group_hours"], g1["online_hours"],
                g1["status"]) == ("2019-12-31", "2015-01-01", 20.0, 0.0, "short")
        ok(roster, "cadre", "edit", "G3", "--rank", "county", "--from", "2020-10-01")
        g3 = self.show(roster, "G3")
        assert (g3["rank"], g3["status"], g3["grace_until"]) == ("county", "grace", "2021-10-01")
        # not checked: no rank (G5), a rank without a rule (G4 village), retired (G6)
        for code in ("G5", "G4", "G6"):
            assert self.show(roster, code) == {"year": 2020, "as_of": "2020-12-31",
                                               "checked": False}, code
        assert self.show(roster, "G6", "--year", "2019")["status"] == "short"

    def test_the_table_in_en_and_zh(self, roster) -> None:
        ok(roster, "cadre", "edit", "G3", "--rank", "county", "--from", "2020-10-01")
        en = ok(roster, "cadre", "show", "G3").stdout
        assert "Training hours 2020" in en and "Group required" in en and "2021-10-01" in en
        zh = ok(roster, "cadre", "show", "G3", "--lang", "zh").stdout
        assert "2020年学时" in zh and "晋升一年内" in zh and "补足期限" in zh and "550.0" in zh
        zh = ok(roster, "cadre", "show", "G2", "--lang", "zh", "--year", "2020").stdout
        assert "达标" in zh and "补足期限" not in zh
        assert "未检查" in ok(roster, "cadre", "show", "G5", "--lang", "zh").stdout
        assert "not checked" in ok(roster, "cadre", "show", "G5").stdout
