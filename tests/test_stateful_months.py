"""Closed months stay as they went out (issue 17): random sequences of dated cadre edits,
retirements, sessions added and voided, study hours, imports, closes and reopens never change a
closed month's figures (its report by branch, its top leaders' report and its compliance, as JSON,
byte for byte), and every write the commands accepted or refused agrees with whether it touched a
closed month.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from typer.testing import CliRunner

pytestmark = [pytest.mark.slow,
              pytest.mark.sqlite_only("a new SQLite file for each sequence of commands")]

EXAMPLES = max(int(os.environ.get("TRAINLOG_STATEFUL_EXAMPLES", "40")) // 4, 1)
STEPS = int(os.environ.get("TRAINLOG_STATEFUL_STEPS", "20"))
CADRES = ["G1", "G2", "G3", "G4"]
BRANCHES = ["B1", "B2", "B3"]
MONTHS = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]
DAYS = ["01", "10", "28"]
#: what the sequences did, over the whole test (checked at its end)
SEEN: dict[str, int] = {}


def seen(what: str) -> None:
    SEEN[what] = SEEN.get(what, 0) + 1


@functools.cache
def _command() -> Any:
    from trainlog.cli import app

    return _GET_COMMAND(app)


import typer.testing  # noqa: E402

_GET_COMMAND = typer.testing._get_command


class Months(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="trainlog-months-"))
        self.db = self.folder / "t.db"
        self.runner = CliRunner()
        self.closed: str | None = None  # the last closed month
        #: month -> its figures as JSON, taken when it closed
        self.snapshots: dict[str, tuple[str, str, str]] = {}
        self.refs = 0
        self.run("init")
        for b in BRANCHES:
            self.run("branch", "add", b, f"支部{b}")
        for i, c in enumerate(CADRES):
            self.run("cadre", "add", c, f"干部{c}", "--branch", BRANCHES[i % 3],
                     *(["--top-leader"] if i % 2 == 0 else []),
                     "--registered-on", "2019-12-01")

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, *args: str, expect: int | None = 0) -> Any:
        from unittest import mock

        import typer.testing

        from trainlog.cli import app

        with mock.patch.object(typer.testing, "_get_command", lambda _app: _command()):
            r = self.runner.invoke(app, ["--db", str(self.db), *args],
                                   env={"TRAINLOG_TODAY": "2020-12-31", "TRAINLOG_USER": "t"})
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        assert "Traceback" not in r.stderr, r.stderr
        assert r.exit_code in (0, 1), (args, r.exit_code, r.stderr)
        if expect is not None:
            assert r.exit_code == expect, (args, r.exit_code, r.stdout, r.stderr)
        return r

    def is_closed(self, month: str) -> bool:
        return self.closed is not None and month <= self.closed

    def figures(self, month: str) -> tuple[str, str, str]:
        return (self.run("report", "--month", month, "--by", "branch", "--format", "json").stdout,
                self.run("report", "--month", month, "--audience", "top-leaders", "--format",
                         "json").stdout,
                self.run("compliance", "--month", month, "--format", "json").stdout)

    def written(self, r: Any, month: str, may_change_nothing: bool = False) -> None:
        """A write in `month` goes through while it is open (or is refused for its own reasons,
        never for a closed month), and is refused, naming a closed month, while it is closed
        (unless it changes nothing: an edit to the value a fact has, a session voided already;
        the invariant checks that nothing changed)."""
        if self.is_closed(month):
            if may_change_nothing and (r.exit_code == 0 or "is closed" not in r.stderr):
                seen("nothing to change")
                return
            assert r.exit_code == 1 and "is closed" in r.stderr, (month, r.stdout, r.stderr)
            seen("refused")
        else:
            seen("written" if r.exit_code == 0 else "refused otherwise")
            assert "is closed" not in r.stderr, (month, r.stderr)

    # -- the writes --------------------------------------------------------------------------
    @rule(month=st.sampled_from(MONTHS), day=st.sampled_from(DAYS),
          who=st.lists(st.sampled_from(CADRES), min_size=1, max_size=3, unique=True),
          headcount=st.integers(0, 3))
    def add_session(self, month: str, day: str, who: list[str], headcount: int) -> None:
        self.refs += 1
        args = [a for c in who for a in ("--attendee", c)]
        r = self.run("add-session", "--date", f"{month}-{day}", "--track", "policy", "--title",
                     "会", "--ref", f"R{self.refs}", "--headcount", str(headcount), *args,
                     expect=None)
        self.written(r, month)

    @rule(ref=st.integers(1, 30))
    def void(self, ref: int) -> None:
        r = self.run("session", "show", f"R{ref}", "--format", "json", expect=None)
        if r.exit_code != 0:
            return
        import json

        month = json.loads(r.stdout)["date"][:7]
        r = self.run("session", "void", f"R{ref}", "--reason", "错", expect=None)
        self.written(r, month, may_change_nothing=True)

    @rule(code=st.sampled_from(CADRES), month=st.sampled_from(MONTHS),
          day=st.sampled_from(DAYS), change=st.sampled_from(
              [["--branch", "B1"], ["--branch", "B3"], ["--top-leader"], ["--not-top-leader"],
               ["--no-party-member"], ["--party-member"]]))
    def edit_from(self, code: str, month: str, day: str, change: list[str]) -> None:
        r = self.run("cadre", "edit", code, *change, "--from", f"{month}-{day}", expect=None)
        self.written(r, month, may_change_nothing=True)

    @rule(code=st.sampled_from(CADRES), change=st.sampled_from(
        [["--branch", "B2"], ["--top-leader"], ["--not-top-leader"], ["--unit", "某局"]]))
    def correct(self, code: str, change: list[str]) -> None:
        r = self.run("cadre", "edit", code, *change, "--correct", expect=None)
        if self.closed is not None and r.exit_code == 1 and change[0] != "--unit":
            assert "is closed" in r.stderr
        if change[0] == "--unit":
            assert "is closed" not in r.stderr

    @rule(code=st.sampled_from(CADRES), month=st.sampled_from(MONTHS),
          day=st.sampled_from(DAYS))
    def retire(self, code: str, month: str, day: str) -> None:
        r = self.run("cadre", "deactivate", code, "--on", f"{month}-{day}", "--reason", "退休",
                     expect=None)
        self.written(r, month, may_change_nothing=True)

    @rule(code=st.sampled_from(CADRES), month=st.sampled_from(MONTHS),
          hours=st.sampled_from(["0", "3", "6"]))
    def study(self, code: str, month: str, hours: str) -> None:
        r = self.run("study", "add", code, "--month", month, "--hours", hours, expect=None)
        if "is closed" in r.stderr:
            assert self.is_closed(month)
        if not self.is_closed(month):
            assert r.exit_code == 0, r.stderr

    @rule(month=st.sampled_from(MONTHS), day=st.sampled_from(DAYS),
          who=st.lists(st.sampled_from(CADRES), min_size=1, max_size=2, unique=True))
    def import_sessions(self, month: str, day: str, who: list[str]) -> None:
        self.refs += 1
        f = self.folder / f"s{self.refs}.csv"
        f.write_text("ref,date,track,title,cadre\n" + "".join(
            f"I{self.refs},{month}-{day},special,班,{c}\n" for c in who), encoding="utf-8")
        r = self.run("session", "import", str(f), expect=None)
        self.written(r, month)

    @rule(month=st.sampled_from(MONTHS[:4]))
    def close(self, month: str) -> None:
        self.run("month", "close", month)
        if self.closed is None or month > self.closed:
            for m in MONTHS:
                if m <= month and m not in self.snapshots:
                    self.snapshots[m] = self.figures(m)
            self.closed = month
            seen("closed")

    @rule(month=st.sampled_from(MONTHS[:4]))
    def reopen(self, month: str) -> None:
        r = self.run("month", "reopen", month, "--reason", "补录", expect=None)
        if not self.is_closed(month):
            assert r.exit_code == 1
            return
        assert r.exit_code == 0, r.stderr
        seen("reopened")
        for m in list(self.snapshots):
            if m >= month:
                del self.snapshots[m]
        earlier = [m for m in MONTHS if m < month]
        self.closed = earlier[-1] if earlier and self.closed else None
        if month == MONTHS[0]:
            self.closed = None

    # -- what must hold ----------------------------------------------------------------------
    @invariant()
    def closed_months_are_as_they_went_out(self) -> None:
        for month, figures in self.snapshots.items():
            assert self.figures(month) == figures, month
            seen("compared")

    @invariant()
    def checks_clean(self) -> None:
        self.run("db", "check", "--format", "json")


def test_closed_months_never_change() -> None:
    SEEN.clear()
    run_state_machine_as_test(Months, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=os.environ.get("TRAINLOG_STATEFUL_RANDOM") is None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    import sys

    sys.stderr.write(f"\nclosed months: {SEEN}\n")
    for what in ("written", "refused", "compared", "closed", "reopened"):
        assert SEEN.get(what), (what, SEEN)
