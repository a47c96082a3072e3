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


def trainlog(*args: Any, db: str | Path | None = None, timeout: float = 60,
             **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`python -m trainlog ARGS…` as a user runs it (TRAINLOG_DB from the test's environment)."""
    extra = ["--db", str(db)] if db is not None else []
    return subprocess.run([sys.executable, "-m", "trainlog", *extra, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def one_line(r: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The process exited `code` with one line on stderr, no traceback."""
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "unexpected error" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    return r.stderr


class TestInputFiles:
    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos (POSIX)")
    def test_a_fifo_or_a_device_is_refused_not_read(self, registry: Database,
                                                    tmp_path: Path) -> None:
        """A fifo hung the import forever, /dev/zero ended in MemoryError."""
        fifo = tmp_path / "cadres.csv"
        os.mkfifo(fifo)
        for command in (["cadre", "import"], ["branch", "import"], ["session", "import"],
                        ["study", "import", "--month", "2020-04"], ["survey", "import"]):
            for given in (fifo, Path("/dev/zero")):
                said = one_line(trainlog(*command[:2], given, *command[2:], timeout=30))
                assert f"{given}: not a regular file" in said
        r = trainlog("add-session", "--date", "2020-04-03", "--track", "policy", "--title", "t",
                     "--attendees-file", fifo, timeout=30)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert f"--attendees-file: {fifo}: not a regular file" in r.stderr

    def test_big5_is_not_taken_for_gb18030(self, cli, registry: Database, tmp_path: Path,
                                           write_csv) -> None:
        """Big5 bytes decode as GB18030 into mojibake; the import asks for --encoding."""
        rows = [["G101", "張偉", "城關鎮機關黨支部"], ["G102", "李強", "東城鄉人民政府"]]
        big5 = write_csv(tmp_path / "big5.csv", ["code", "name", "unit"], rows, encoding="big5")
        said = refused(cli("cadre", "import", big5), "--encoding")
        assert "not UTF-8, and read as GB18030 its text is unlikely Chinese" in said
        assert len(said.splitlines()) == 1
        assert "G101" not in ok(cli("cadre", "list"))
        ok(cli("cadre", "import", big5, "--encoding", "big5"))
        listed = json.loads(ok(cli("cadre", "list", "--format", "json")))
        assert {c["code"]: c["name"] for c in listed}["G101"] == "張偉"
        # GB18030 of plain Chinese, rare names and all, is still detected as such
        gb = write_csv(tmp_path / "gb.csv", ["编号", "姓名", "单位"],
                       [["G103", "朱镕基", "城关镇机关党支部"], ["G104", "王堃", "东城乡人民政府"],
                        ["G105", "李强", "乡村振兴办公室"]], encoding="gb18030")
        ok(cli("cadre", "import", gb))
        listed = json.loads(ok(cli("cadre", "list", "--format", "json")))
        assert {c["code"]: c["name"] for c in listed}["G104"] == "王堃"
