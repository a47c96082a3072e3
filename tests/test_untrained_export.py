"""`cadre list --untrained [period]` and `export [period] FILE.xlsx` (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def ok(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return result.stdout


class TestUntrained:
    @pytest.fixture(autouse=True)
    def _records(self, cli, db) -> None:  # type: ignore[no-untyped-def]
        ok(cli("branch", "add", "B1", "支部"))
        for code in ("G1", "G2", "G3", "G4", "G5", "G6"):
            ok(cli("cadre", "add", code, f"干部{code}", "--branch", "B1"))
        ok(cli("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
               "--attendee", "G1"))
        ok(cli("study", "add", "G2", "--month", "2020-03", "--hours", "3"))
        ok(cli("study", "add", "G6", "--month", "2020-03", "--hours", "0"))  # no study at all
        ok(cli("add-session", "--date", "2020-03-06", "--track", "policy", "--title", "作废",
               "--attendee", "G4", "--ref", "V1"))
        ok(cli("session", "void", "V1", "--reason", "重复"))
        ok(cli("add-session", "--date", "2020-02-06", "--track", "special", "--title", "二月",
               "--attendee", "G5", "--headcount", "3"))

    def codes(self, cli, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
        return [r["code"] for r in json.loads(ok(cli("cadre", "list", "--untrained", *args,
                                                     "-f", "json")))]

    def test_no_attendance_and_no_study_in_the_period(self, cli) -> None:  # type: ignore[no-untyped-def]
        assert self.codes(cli, "--month", "2020-03") == ["G3", "G4", "G5", "G6"]
        assert self.codes(cli, "--from", "2020-02-01", "--to", "2020-03-31") == ["G3", "G4", "G6"]
        assert self.codes(cli, "--month", "2020-01") == ["G1", "G2", "G3", "G4", "G5", "G6"]

    def test_default_is_this_year_to_today(self, cli) -> None:  # type: ignore[no-untyped-def]
        env = {"TRAINLOG_TODAY": "2020-03-05"}
        got = json.loads(ok(cli("cadre", "list", "--untrained", "-f", "json", env=env)))
        assert [r["code"] for r in got] == ["G3", "G4", "G6"]  # G2's March study counts

    def test_with_the_other_filters(self, cli) -> None:  # type: ignore[no-untyped-def]
        ok(cli("cadre", "deactivate", "G3"))
        assert self.codes(cli, "--month", "2020-03") == ["G4", "G5", "G6"]
        assert self.codes(cli, "--month", "2020-03", "--all") == ["G3", "G4", "G5", "G6"]

    def test_a_period_without_untrained_is_refused(self, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("cadre", "list", "--month", "2020-03")
        assert result.exit_code == 1 and "--untrained" in result.stderr

@pytest.mark.sqlite_only("reads the demo's SQLite file")
class TestExportPeriod:
    @pytest.fixture(autouse=True)
    def _demo(self, zhaoling: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))

    def dates(self, path: Path) -> list:  # type: ignore[no-untyped-def]
        from openpyxl import load_workbook

        ws = load_workbook(path)["培训明细"]
        head = [c.value for c in ws[1]]
        return [r[head.index("日期")].value.date() for r in ws.iter_rows(min_row=2)]

    @pytest.mark.parametrize("args, listed", [
        (["--month", "2020-03"], ["--month", "2020-03"]),
        (["--from", "2020-02-10", "--to", "2020-03-05"], ["--from", "2020-02-10", "--to",
                                                          "2020-03-05"]),
        (["--year", "2020", "--as-of", "2020-04-03"], ["--from", "2020-01-01", "--to",
                                                       "2020-04-03"]),
    ])
    def test_the_periods_sessions(self, cli, tmp_path: Path, args, listed) -> None:  # type: ignore[no-untyped-def]
        path = tmp_path / "x.xlsx"
        ok(cli("export", *args, path))
        sessions = json.loads(ok(cli("session", "list", *listed, "-f", "json")))
        from datetime import date

        assert self.dates(path) == [date.fromisoformat(s["date"]) for s in sessions]

    def test_not_xlsx(self, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        result = cli("export", "--month", "2020-03", tmp_path / "x.csv")
        assert result.exit_code == 1 and ".xlsx" in result.stderr
        assert list(tmp_path.iterdir()) == []
