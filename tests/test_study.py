"""Online study, compliance, coverage and settings: the core functions against a temporary database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trainlog.dates import resolve_period
from trainlog.errors import InvalidInput, TrainlogError
from trainlog.registry import add_branch, add_cadre, deactivate_cadre
from trainlog.reports.coverage import coverage
from trainlog.sessions.add import add_session
from trainlog.sessions.queries import void_session
from trainlog.store.database import Database
from trainlog.store.sql import as_date
from trainlog.study.compliance import compliance
from trainlog.study.records import add_study, cadre_study, import_study
from trainlog.study.settings import get_settings, set_setting, setting, unset_setting

ZH = ["干部编号", "学时", "平台", "月份"]


@pytest.fixture
def world(db: Database) -> Database:
    """Three branches and six cadres whose registration dates and states differ.

    G001 registered before the year; G002 in the middle of March; G003 never (a party member);
    G004 in January, not a party member; G005 registered, then deactivated; G006 in May.
    """
    with db.connect(write=True) as s:
        add_branch(s, "B001", "东村党支部", "东城乡")
        add_branch(s, "B002", "西村党支部", "东城乡")
        add_branch(s, "B003", "南村党支部", "南城乡")
        add_cadre(s, "G001", "张伟", branch="B001", registered_on="2019-12-01")
        add_cadre(s, "G002", "王芳", branch="B001", registered_on="2020-03-15")
        add_cadre(s, "G003", "李强", branch="B002")
        add_cadre(s, "G004", "赵敏", branch="B002", party_member=False,
                  registered_on="2020-01-10")
        add_cadre(s, "G005", "刘洋", branch="B003", registered_on="2020-01-01")
        add_cadre(s, "G006", "陈静", registered_on="2020-05-02")
        # from 1 January 2020, so inactive on the last day of every period checked below
        deactivate_cadre(s, "G005", on=date(2020, 1, 1))
    return db


def stored(db: Database) -> dict[tuple[str, str, str], float]:
    """(cadre, platform, YYYY-MM) -> hours of every online_study record."""
    with db.connect() as conn:
        rows = conn.all("SELECT c.code, o.platform, o.month, o.hours FROM online_study o "
                        "JOIN cadre c ON c.id = o.cadre_id")
        return {(c, p, as_date(m).strftime("%Y-%m")): h for c, p, m, h in rows}


def load(db: Database, path: Path, **options: object):  # type: ignore[no-untyped-def]
    with db.connect(write=True, dry_run=bool(options.get("dry_run"))) as s:
        return import_study(s, path, **options)  # type: ignore[arg-type]


def period(**kw: str | int) -> object:
    return resolve_period(**kw)  # type: ignore[arg-type]


class TestImport:
    """`study import`: one record per (cadre, platform, month); all or nothing."""

    def test_gb18030_export_with_zh_headers(self, world: Database, tmp_path: Path,
                                            write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "03.csv", ["干部编号", "学时"],
                         [["G001", "6.5"], ["G002", "2"], ["G004", "0"]], encoding="gb18030")
        result = load(world, path, month="2020-03")
        assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
        assert result.months == ["2020-03"] and result.platforms == ["academy"]
        assert stored(world) == {("G001", "academy", "2020-03"): 6.5,
                                 ("G002", "academy", "2020-03"): 2.0,
                                 ("G004", "academy", "2020-03"): 0.0}

    def test_reimport_replaces_never_adds(self, world: Database, tmp_path: Path,
                                          write_csv) -> None:  # type: ignore[no-untyped-def]
        first = write_csv(tmp_path / "a.csv", ZH, [["G001", "6", "干部网络学院", "2020-03"],
                                                  ["G002", "2", "", "2020-03"]])
        load(world, first)
        again = write_csv(tmp_path / "b.csv", ZH, [["G001", "6", "academy", "2020/3"],
                                                  ["G002", "4.5", "", "2020年3月"],
                                                  ["G004", "7", "", "2020-03"]])
        result = load(world, again)
        assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
        assert stored(world) == {("G001", "academy", "2020-03"): 6.0,
                                 ("G002", "academy", "2020-03"): 4.5,
                                 ("G004", "academy", "2020-03"): 7.0}
        result = load(world, again)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
        with world.connect() as conn:
            assert conn.scalar("SELECT count(*) FROM online_study") == 3

    def test_replaced_record_keeps_when_it_was_created(self, world: Database, tmp_path: Path,
                                                       write_csv) -> None:  # type: ignore[no-untyped-def]
        load(world, write_csv(tmp_path / "a.csv", ZH, [["G001", "6", "", "2020-03"]]))
        with world.connect() as conn:
            (before,) = conn.all("SELECT id, created_at FROM online_study")
        load(world, write_csv(tmp_path / "b.csv", ZH, [["G001", "7", "", "2020-03"]]))
        with world.connect() as conn:
            (after,) = conn.all("SELECT id, created_at, hours FROM online_study")
        assert tuple(after[:2]) == tuple(before) and after[2] == 7.0

    def test_platforms_are_separate_records(self, world: Database, tmp_path: Path,
                                            write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "3", "干部网络学院", "2020-03"],
                                                 ["G001", "2", "学习强国", "2020-03"],
                                                 ["G001", "1", "remote", "2020-03"]])
        assert load(world, path).created == 3
        assert stored(world) == {("G001", "academy", "2020-03"): 3.0,
                                 ("G001", "xuexi", "2020-03"): 2.0,
                                 ("G001", "remote", "2020-03"): 1.0}

    def test_platform_option_is_the_default(self, world: Database, tmp_path: Path,
                                            write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ["cadre", "hours"], [["G001", "3"]])
        load(world, path, month="2020-03", platform="学习强国")
        assert stored(world) == {("G001", "xuexi", "2020-03"): 3.0}

    def test_every_bad_row_is_reported_and_nothing_written(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "bad.csv", ZH, [
            ["G001", "5", "", "2020-02"],      # row 2: fine
            ["G999", "5", "", "2020-02"],      # row 3: unknown cadre
            ["G002", "-1", "", "2020-02"],     # row 4: negative
            ["G004", "697", "", "2020-02"],    # row 5: 2020-02 has 29 × 24 = 696 hours
            ["G001", "1", "", "2020-02"],      # row 6: G001 again, same platform and month
            ["G003", "abc", "微信", "2020-13"],  # row 7: three bad cells
            ["", "1", "", "2020-02"],          # row 8: no cadre
        ])
        with pytest.raises(InvalidInput) as info:
            load(world, path)
        found = [(p.row, p.column, p.reason) for p in info.value.problems]
        assert found[0] == (3, "cadre", "no such cadre")
        assert found[1] == (4, "hours", "negative hours")
        assert found[2][:2] == (5, "hours") and "more hours than 2020-02 has (696" in found[2][2]
        assert found[3] == (6, "cadre", "listed twice for academy 2020-02 (row 2)")
        assert sorted(c for r, c, _ in found if r == 7) == ["hours", "month", "platform"]
        assert found[-1] == (8, "cadre", "is required")
        assert "nothing written" in str(info.value) and "row 5, column hours" in str(info.value)
        assert stored(world) == {}

    def test_hours_exactly_a_month_full_are_accepted(self, world: Database, tmp_path: Path,
                                                     write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "696", "", "2020-02"],
                                                 ["G001", "744", "", "2020-03"]])
        assert load(world, path).created == 2

    def test_a_row_of_another_month_than_the_option_is_an_error(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "5", "", "2020-03"],
                                                 ["G002", "5", "", ""],
                                                 ["G004", "5", "", "2020-04"]])
        with pytest.raises(InvalidInput) as info:
            load(world, path, month="2020-03")
        assert [(p.row, p.column, p.value, p.reason) for p in info.value.problems] == [
            (4, "month", "2020-04", "is 2020-04, not the --month 2020-03")]
        assert stored(world) == {}

    def test_a_row_of_another_platform_than_the_option_is_an_error(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "5", "学习强国", "2020-03"]])
        with pytest.raises(InvalidInput, match="row 2, column platform.*not the --platform"):
            load(world, path, platform="academy")

    def test_no_month_anywhere_is_an_error(self, world: Database, tmp_path: Path,
                                           write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ["cadre", "hours"], [["G001", "5"]])
        with pytest.raises(InvalidInput, match="row 2, column month: no month"):
            load(world, path)

    def test_a_future_month_is_an_error(self, world: Database, tmp_path: Path, write_csv,
                                        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setenv("TRAINLOG_TODAY", "2020-04-03")
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "5", "", "2020-04"],
                                                 ["G002", "5", "", "2020-05"]])
        with pytest.raises(InvalidInput) as info:
            load(world, path)
        assert [(p.row, p.reason) for p in info.value.problems] == [
            (3, "2020-05 is in the future")]

    def test_repeat_is_found_when_the_month_is_written_another_way(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G001", "5", "干部网络学院", "2020-03"],
                                                 ["G001", "6", "academy", "2020/3"]])
        with pytest.raises(InvalidInput, match=r"row 3, column cadre.*listed twice.*\(row 2\)"):
            load(world, path)

    def test_extra_cells_are_an_error(self, world: Database, tmp_path: Path,
                                      write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ["cadre", "hours"], [["G001", "5", "oops"]])
        with pytest.raises(InvalidInput, match="row 2: 3 cells but the header has 2"):
            load(world, path, month="2020-03")

    def test_unknown_column_is_an_error(self, world: Database, tmp_path: Path,
                                        write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ["干部编号", "学时数"], [["G001", "5"]])
        with pytest.raises(InvalidInput, match="学时数.*unknown column"):
            load(world, path, month="2020-03")

    def test_header_only_imports_nothing(self, world: Database, tmp_path: Path,
                                         write_csv) -> None:  # type: ignore[no-untyped-def]
        result = load(world, write_csv(tmp_path / "a.csv", ZH, []), month="2020-03")
        assert (result.rows, result.created, result.months) == (0, 0, [])

    def test_blank_rows_and_padding_are_ignored(self, world: Database, tmp_path: Path,
                                                write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [[" G001 ", " 5 ", "", " 2020-03"],
                                                 ["", "", "", ""], ["G002", "1"]])
        result = load(world, path, month="2020-03")
        assert (result.rows, result.created) == (2, 2)

    def test_xlsx_with_date_and_number_cells(self, world: Database, tmp_path: Path,
                                             write_xlsx) -> None:  # type: ignore[no-untyped-def]
        path = write_xlsx(tmp_path / "03.xlsx", ZH, [["G001", 5.5, "干部网络学院", date(2020, 3, 1)],
                                                    ["G002", 3, None, "2020-03"]])
        assert load(world, path, month="2020-03").created == 2
        assert stored(world) == {("G001", "academy", "2020-03"): 5.5,
                                 ("G002", "academy", "2020-03"): 3.0}

    def test_dry_run_counts_and_writes_nothing(self, world: Database, tmp_path: Path,
                                               write_csv) -> None:  # type: ignore[no-untyped-def]
        load(world, write_csv(tmp_path / "a.csv", ZH, [["G001", "6", "", "2020-03"]]))
        path = write_csv(tmp_path / "b.csv", ZH, [["G001", "7", "", "2020-03"],
                                                 ["G002", "1", "", "2020-03"]])
        result = load(world, path, dry_run=True)
        assert (result.created, result.updated, result.unchanged, result.dry_run) == (1, 1, 0, True)
        assert stored(world) == {("G001", "academy", "2020-03"): 6.0}

    def test_unregistered_late_and_deactivated_cadres_are_kept_with_warnings(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [
            ["G003", "5", "", "2020-02"],   # never registered
            ["G002", "5", "", "2020-02"],   # registers on 15 March
            ["G005", "5", "", "2020-02"],   # deactivated
            ["G001", "5", "", "2020-02"],   # nothing to say
        ])
        result = load(world, path)
        assert result.created == 4
        assert len(result.warnings) == 3
        text = "\n".join(result.warnings)
        assert "1 row(s) for cadres with no academy registration date (G003)" in text
        assert "1 row(s) for a month before the cadre registered at the academy (G002 2020-02)" in text
        assert "1 row(s) for deactivated cadres (G005)" in text

    def test_registered_mid_month_is_no_warning_for_that_month(
            self, world: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "a.csv", ZH, [["G002", "5", "", "2020-03"]])
        assert load(world, path).warnings == []


class TestAdd:
    def test_add_then_replace(self, world: Database) -> None:
        with world.connect(write=True) as s:
            first = add_study(s, "G001", "2020-03", "4")
        with world.connect(write=True) as s:
            second = add_study(s, "G001", "2020年3月", 6.5, platform="干部网络学院")
        assert (first["previous"], second["previous"]) == (None, 4.0)
        assert second["month"] == "2020-03" and second["platform"] == "academy"
        assert stored(world) == {("G001", "academy", "2020-03"): 6.5}

    @pytest.mark.parametrize("code, month, hours, message", [
        ("G999", "2020-03", "5", "no such cadre"),
        ("G001", "2020-03", "-2", "negative hours"),
        ("G001", "2020-02", "700", "more hours than 2020-02 has"),
        ("G001", "March", "5", "not a month"),
        ("G001", "2020-03", "five", "not a number"),
    ])
    def test_bad_values(self, world: Database, code: str, month: str, hours: str,
                        message: str) -> None:
        with pytest.raises(TrainlogError, match=message), world.connect(write=True) as s:
            add_study(s, code, month, hours)
        assert stored(world) == {}

    def test_by_cadre_and_month(self, world: Database) -> None:
        with world.connect(write=True) as s:
            add_study(s, "G001", "2020-02", "3")
            add_study(s, "G001", "2020-01", "6", platform="xuexi")
            add_study(s, "G001", "2019-12", "1")
            add_study(s, "G002", "2020-01", "9")
        with world.connect() as s:
            assert cadre_study(s, "G001", 2020) == [
                {"month": "2020-01", "platform": "xuexi", "hours": 6.0},
                {"month": "2020-02", "platform": "academy", "hours": 3.0}]
            assert len(cadre_study(s, "G001")) == 3
            with pytest.raises(TrainlogError, match="--year: 0 is not a year"):
                cadre_study(s, "G001", 0)


class TestSettings:
    def test_defaults_set_and_unset(self, world: Database) -> None:
        with world.connect() as s:
            assert [(r["key"], r["value"], r["set"]) for r in get_settings(s)] == [
                ("compliance.min_month", 5.0, False), ("compliance.min_year", 60.0, False),
                ("hours.county.group", 550.0, False), ("hours.county.years", 5.0, False),
                ("hours.section.group", 90.0, False), ("hours.staff.group", 90.0, False),
                ("hours.village.group", 0.0, False), ("hours.online", 50.0, False),
                ("credit.hours_per_day", 6.0, False)]
        with world.connect(write=True) as s:
            set_setting(s, "compliance.min_month", "4")
            set_setting(s, "compliance.min_month", "4.5")
        with world.connect() as s:
            assert setting(s, "compliance.min_month") == 4.5
            assert get_settings(s)[0]["set"] is True
        with world.connect(write=True) as s:
            unset_setting(s, "compliance.min_month")
        with world.connect() as s:
            assert setting(s, "compliance.min_month") == 5.0

    @pytest.mark.parametrize("key, value, message", [
        ("compliance.min_hours", "4", "no setting 'compliance.min_hours'"),
        ("compliance.min_month", "four", "not a number"),
        ("compliance.min_month", "0", "more than 0"),
        ("compliance.min_month", "-1", "outside"),
        ("compliance.min_month", "800", "outside"),
    ])
    def test_bad_settings(self, world: Database, key: str, value: str, message: str) -> None:
        with pytest.raises(TrainlogError, match=message), world.connect(write=True) as s:
            set_setting(s, key, value)


@pytest.fixture
def studied(world: Database) -> Database:
    """Hours of January to April 2020 (G005 deactivated, G006 registered in May)."""
    hours = {
        "G001": {"2020-01": 6, "2020-02": 3, "2020-03": 5, "2020-04": 8},
        "G002": {"2020-03": 2, "2020-04": 5},
        "G003": {"2020-03": 1},
        "G004": {"2020-02": 4.7, "2020-03": 5.5},
        "G005": {"2020-03": 0},
    }
    with world.connect(write=True) as s:
        for code, months in hours.items():
            for month, h in months.items():
                add_study(s, code, month, h)
        add_study(s, "G004", "2020-02", 0.3, platform="xuexi")  # 4.7 + 0.3: exactly 5
    return world


def report(db: Database, min_month: float | None = None, platform: str | None = None,
           **kw: str | int) -> dict:
    with db.connect() as s:
        return compliance(s, resolve_period(**kw), min_month=min_month,  # type: ignore[arg-type]
                          platform=platform)


class TestCompliance:
    def test_keys_of_design(self, studied: Database) -> None:
        data = report(studied, month="2020-03")
        assert list(data) == ["period", "min_month", "min_year", "party_members", "registered",
                              "registration_coverage", "checked", "short_count", "short"]
        assert list(data["short"][0]) == ["cadre", "name", "branch", "hours", "required",
                                          "year_to_date", "months_short"]

    def test_march(self, studied: Database) -> None:
        """G001 has exactly 5 (not short); G002 registered on 15 March is held to March."""
        data = report(studied, month="2020-03")
        assert data["period"] == {"from": "2020-03-01", "to": "2020-03-31", "label": "2020-03"}
        # Active party members: G001 G002 G003 G006; registered by 31 March: G001 G002.
        assert (data["party_members"], data["registered"], data["registration_coverage"]) == (
            4, 2, 0.5)
        # Checked: G001 G002 G004 (G003 not registered, G005 deactivated, G006 registers later).
        assert (data["checked"], data["short_count"]) == (3, 1)
        assert data["short"] == [{"cadre": "G002", "name": "王芳", "branch": "B001", "hours": 2.0,
                                  "required": 5.0, "year_to_date": 2.0, "months_short": 1}]

    def test_february_sums_every_platform(self, studied: Database) -> None:
        data = report(studied, month="2020-02")
        assert [(r["cadre"], r["hours"], r["year_to_date"], r["months_short"])
                for r in data["short"]] == [("G001", 3.0, 9.0, 1)]
        # G004's 4.7 + 0.3 is exactly the 5 required; on the academy alone it is short.
        academy = report(studied, month="2020-02", platform="干部网络学院")
        assert [(r["cadre"], r["hours"]) for r in academy["short"]] == [
            ("G001", 3.0), ("G004", 4.7)]

    def test_a_cadre_with_no_record_has_zero_hours(self, studied: Database) -> None:
        data = report(studied, month="2020-01")
        # Checked in January: G001 (6 hours) and G004 (registered on 10 January, nothing).
        assert data["checked"] == 2
        assert [(r["cadre"], r["hours"], r["months_short"]) for r in data["short"]] == [
            ("G004", 0.0, 1)]

    def test_months_short_from_january_or_registration(self, studied: Database) -> None:
        data = report(studied, month="2020-04", min_month=5.5)
        # G001 has 8 in April. G002 is below 5.5 in March (2) and April (5), counted from its
        # registration month; G004 in January (0), February (5) and April (0), not in March (5.5).
        assert [(r["cadre"], r["hours"], r["year_to_date"], r["months_short"])
                for r in data["short"]] == [("G004", 0.0, 10.5, 3), ("G002", 5.0, 7.0, 2)]

    def test_sorted_by_hours_then_code(self, studied: Database) -> None:
        data = report(studied, month="2020-03", min_month=10)
        assert [(r["cadre"], r["hours"]) for r in data["short"]] == [
            ("G002", 2.0), ("G001", 5.0), ("G004", 5.5)]

    def test_several_months_require_each(self, studied: Database) -> None:
        data = report(studied, start="2020-01-01", end="2020-03-31")
        assert data["period"]["label"] == "2020-01-01..2020-03-31"
        rows = {r["cadre"]: (r["hours"], r["required"], r["months_short"]) for r in data["short"]}
        # G001: 6 + 3 + 5 = 14 < 15; G002: 2; G004: 0 + 5 + 5.5 = 10.5.
        assert rows == {"G001": (14.0, 15.0, 1), "G002": (2.0, 15.0, 1),
                        "G004": (10.5, 15.0, 1)}

    def test_part_of_a_month_requires_the_month(self, studied: Database) -> None:
        data = report(studied, start="2020-04-01", end="2020-04-03")
        assert data["period"]["to"] == "2020-04-03"
        assert {r["cadre"]: r["required"] for r in data["short"]} == {"G004": 5.0}

    def test_whole_year_uses_min_year(self, studied: Database) -> None:
        data = report(studied, year=2020)
        assert data["checked"] == 4  # G006 too, registered by 31 December
        assert {r["cadre"]: (r["hours"], r["required"]) for r in data["short"]} == {
            "G001": (22.0, 60.0), "G002": (7.0, 60.0), "G004": (10.5, 60.0),
            "G006": (0.0, 60.0)}

    def test_thresholds_come_from_settings(self, studied: Database) -> None:
        with studied.connect(write=True) as s:
            set_setting(s, "compliance.min_month", "2")
        data = report(studied, month="2020-03")
        assert (data["min_month"], data["short_count"]) == (2.0, 0)
        assert report(studied, month="2020-03", min_month=3)["short_count"] == 1

    def test_deactivated_cadres_are_not_checked(self, studied: Database) -> None:
        data = report(studied, month="2020-03", min_month=100)
        assert "G005" not in {r["cadre"] for r in data["short"]}
        assert data["short_count"] == data["checked"] == 3

    def test_no_cadres(self, db: Database) -> None:
        data = report(db, month="2020-03")
        assert (data["party_members"], data["registration_coverage"], data["short"]) == (
            0, None, [])


@pytest.fixture
def sessions(world: Database) -> Database:
    """Video sessions in B001 (two, one of them remote) and B002 (voided); a meeting in B003."""
    with world.connect(write=True) as s:
        add_session(s, date="2020-03-02", track="video", kind="remote", title="远程教育",
                    headcount=10, branch="B001")
        add_session(s, date="2020-03-20", track="video", kind="xuexi", title="学习强国",
                    headcount=8, branch="B001")
        add_session(s, date="2020-04-01", track="video", kind="remote", title="四月",
                    headcount=8, branch="B001")
        voided = add_session(s, date="2020-03-05", track="video", kind="remote", title="作废",
                             headcount=5, branch="B002")
        void_session(s, str(voided["id"]), "entered twice")
        add_session(s, date="2020-03-06", track="policy", title="推进会", headcount=20,
                    branch="B003")
    return world


def cover(db: Database, kind: str | None = None, township: str | None = None,
          **kw: str | int) -> dict:
    with db.connect() as s:
        return coverage(s, resolve_period(**kw), kind, township).data  # type: ignore[arg-type]


class TestCoverage:
    def test_keys_and_figures(self, sessions: Database) -> None:
        data = cover(sessions, month="2020-03")
        assert list(data) == ["period", "branches", "with_sessions", "coverage", "sessions",
                              "rows", "without"]
        assert (data["branches"], data["with_sessions"], data["coverage"], data["sessions"]) == (
            3, 1, 0.3333, 2)
        assert data["rows"] == [{"branch": "B001", "name": "东村党支部", "township": "东城乡",
                                 "sessions": 2}]
        # B002's only session is void, B003 held a meeting, not a video session.
        assert data["without"] == ["B002", "B003"]

    def test_kind_narrows(self, sessions: Database) -> None:
        data = cover(sessions, kind="远程教育", month="2020-03")
        assert (data["sessions"], data["with_sessions"]) == (1, 1)
        with pytest.raises(TrainlogError, match="not a kind of video session"):
            cover(sessions, kind="assessment", month="2020-03")

    def test_township(self, sessions: Database) -> None:
        data = cover(sessions, township="东城乡", start="2020-01-01", end="2020-04-03")
        assert (data["branches"], data["with_sessions"], data["sessions"], data["coverage"]) == (
            2, 1, 3, 0.5)
        assert data["without"] == ["B002"]
        with pytest.raises(TrainlogError, match="no branch in township"):
            cover(sessions, township="北城乡", month="2020-03")

    def test_every_branch_with_zeros(self, sessions: Database) -> None:
        with sessions.connect() as s:
            result = coverage(s, resolve_period(month="2020-04"))
        assert [(b["branch"], b["sessions"]) for b in result.branches] == [
            ("B001", 1), ("B002", 0), ("B003", 0)]

    def test_no_branches(self, db: Database) -> None:
        data = cover(db, month="2020-03")
        assert (data["branches"], data["coverage"], data["rows"], data["without"]) == (
            0, None, [], [])
