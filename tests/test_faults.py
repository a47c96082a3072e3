"""The faults of issue 21: each ends in one clear line and an exit code the README documents,
never a traceback, a wrong "nothing written", a raw driver error or a password.

Classes: values at the edges of the calendar, input files that are not files, database
locations (read-only, passwords, empty, in memory), backups onto devices, damaged databases,
driver errors (a full disk, a read-only role), export, and Ctrl-C around the commit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trainlog.store.database import Database

sqlite_only = pytest.mark.sqlite_only


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def refused(result: Any, *messages: str) -> str:
    """Exit 1, nothing on stdout, one line on stderr holding each message."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    for m in messages:
        assert m in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def registry(cli, db: Database) -> Database:
    ok(cli("cadre", "add", "G001", "张伟"))
    ok(cli("cadre", "add", "G002", "王芳"))
    return db


def sessions(cli) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("session", "list", "--format", "json")))


class TestValues:
    @pytest.mark.parametrize("command", [["report"], ["compliance"], ["session", "list"],
                                         ["coverage"]])
    def test_last_month_before_the_first_month(self, cli, registry: Database,
                                               command: list[str]) -> None:
        """Today in January of year 1: `--month last` is a clear message (was OverflowError)."""
        r = cli(*command, "--month", "last", env={"TRAINLOG_TODAY": "0001-01-15"})
        refused(r, "--month: 'last': there is no month before 0001-01")

    def test_year_one_and_9999_are_labelled_and_counted(self, cli, registry: Database,
                                                        tmp_path: Path) -> None:
        r = cli("report", "--format", "json", env={"TRAINLOG_TODAY": "0001-01-15"})
        assert json.loads(ok(r))["period"]["label"] == "0001-01"  # was "1-01"
        assert json.loads(ok(cli("report", "--year", "1", "--format", "json")))["period"][
            "label"] == "0001"
        by_month = json.loads(ok(cli("report", "--year", "9999", "--by", "month", "--format",
                                     "json")))  # was ValueError: year 10000 is out of range
        assert [r["month"] for r in by_month["rows"]][-1] == "9999-12"
        assert "wrote" in ok(cli("export", tmp_path / "y.xlsx", "--year", "9999"))
        assert "wrote" in ok(cli("export", tmp_path / "y.xlsx", "--year", "1"))

    def test_minus_zero_hours_is_zero(self, cli, registry: Database) -> None:
        ok(cli("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
               "--hours", "-0", "--attendee", "G001"))
        assert str(sessions(cli)[0]["hours"]) == "0.0"
        said = ok(cli("study", "add", "G001", "--month", "2020-04", "--hours", "-0"))
        assert said == "recorded G001 2020-04 academy: 0 hours\n"  # was "-0 hours"
