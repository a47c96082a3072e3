"""Closed months stay as they went out (issue 17): random sequences of dated cadre edits,
retirements, sessions added and voided, study hours, imports, closes and reopens never change a
closed month's figures (its report by branch, its top leaders' report and its compliance, as JSON,
byte for byte), and every write the commands accepted or refused agrees with whether it touched a
closed month.

And the figures always agree with a slow reference that knows nothing of trainlog's tables: it
reads `trainlog log --format json` alone, rebuilds the records from it (each cadre's facts from
the day each change holds from, each session with its attendees, the study hours) and counts each
report in plain Python.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

EXAMPLES = max(int(os.environ.get("TRAINLOG_STATEFUL_EXAMPLES", "40")) // 4, 1)
STEPS = int(os.environ.get("TRAINLOG_STATEFUL_STEPS", "20"))
CADRES = ["G1", "G2", "G3", "G4"]
BRANCHES = ["B1", "B2", "B3"]
MONTHS = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]
DAYS = ["01", "10", "28"]
#: what the sequences did, over the whole test (checked at its end)
SEEN: dict[str, int] = {}
#: the PostgreSQL server under test (conftest's `test_server`), None on SQLite: each sequence
#: of commands gets a database of its own
SERVER: Any = None


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
        self.db, self.pg_name = str(self.folder / "t.db"), None
        if SERVER is not None:
            self.pg_name, self.db = SERVER.create()
        self.runner = CliRunner()
        self.closed: str | None = None  # the last closed month
        #: month -> its figures as JSON, taken when it closed
        self.snapshots: dict[str, tuple[str, str, str]] = {}
        self.refs = 0
        self.checks = 0  # the months compared with the reference, in turn
        self.run("init")
        for b in BRANCHES:
            self.run("branch", "add", b, f"支部{b}")
        for i, c in enumerate(CADRES):
            self.run("cadre", "add", c, f"干部{c}", "--branch", BRANCHES[i % 3],
                     *(["--top-leader"] if i % 2 == 0 else []),
                     "--registered-on", "2019-12-01")

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.pg_name is not None:
            SERVER.drop(self.pg_name)

    def run(self, *args: str, expect: int | None = 0) -> Any:
        from unittest import mock

        import typer.testing

        from trainlog.cli import app

        with mock.patch.object(typer.testing, "_get_command", lambda _app: _command()):
            r = self.runner.invoke(app, ["--db", self.db, *args],
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
          headcount=st.integers(0, 3), hours=st.sampled_from(["0", "2", "3.5"]),
          branch=st.sampled_from([None, *BRANCHES]), track=st.sampled_from(["policy", "video"]))
    def add_session(self, month: str, day: str, who: list[str], headcount: int, hours: str,
                    branch: str | None, track: str) -> None:
        self.refs += 1
        args = [a for c in who for a in ("--attendee", c)]
        if branch is not None:
            args += ["--branch", branch]
        r = self.run("add-session", "--date", f"{month}-{day}", "--track", track, "--title",
                     "会", "--ref", f"R{self.refs}", "--headcount", str(headcount), "--hours",
                     hours, *args, expect=None)
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

    @precondition(lambda self: self.closed is not None)
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
    def reports_agree_with_the_log(self) -> None:
        """One month in turn: its three reports as the slow reference counts them from the log."""
        month = MONTHS[self.checks % len(MONTHS)]
        self.checks += 1
        records = rebuild(json.loads(self.run("log", "--format", "json").stdout))
        by_branch, leaders, compliance = (json.loads(f) for f in self.figures(month))
        for data in (by_branch, leaders):
            del data["period"], data["plan"]
        del compliance["period"]
        assert by_branch == records.report(month, by_branch=True), month
        assert leaders == records.report(month, audience="top_leader"), month
        assert compliance == records.compliance(month), month
        seen("agreed with the log")

    @invariant()
    def checks_clean(self) -> None:
        self.run("db", "check", "--format", "json")


def test_closed_months_never_change(test_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    SEEN.clear()
    monkeypatch.setattr(sys.modules[__name__], "SERVER", test_server)
    run_state_machine_as_test(Months, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=os.environ.get("TRAINLOG_STATEFUL_RANDOM") is None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    sys.stderr.write(f"\nclosed months: {SEEN}\n")
    for what in ("written", "refused", "compared", "closed", "reopened", "agreed with the log"):
        assert SEEN.get(what), (what, SEEN)


# -- the slow reference: the records rebuilt from the log alone -----------------------------------
ALWAYS = "0001-01-01"
TRACKS = ["policy", "video", "special"]
FACTS = ("branch", "unit", "level", "rank", "top_leader", "poverty_cadre", "party_member",
         "active")


@dataclass
class Session:
    date: str
    track: str
    hours: float = 0.0
    headcount: int = 0
    branch: str | None = None
    void: bool = False
    #: code -> hours of his own (None: the session's)
    attendees: dict[str, float | None] = field(default_factory=dict)

    def hours_of(self, code: str) -> float:
        own = self.attendees[code]
        return self.hours if own is None else own


@dataclass
class Records:
    branches: dict[str, str] = field(default_factory=dict)  # code -> name
    names: dict[str, str] = field(default_factory=dict)
    registered: dict[str, str | None] = field(default_factory=dict)
    #: code -> [(the day it holds from, {fact: value})], in the order logged: a change holds
    #: from its day on, later changes of every day included (`cadre edit --from`)
    facts: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    study: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def fact(self, code: str, day: str, name: str) -> Any:
        """A cadre's fact on a day: the value of the last change logged that holds on it."""
        for since, values in reversed(self.facts[code]):
            if since <= day and name in values:
                return values[name]
        raise AssertionError((code, day, name))

    def report(self, month: str, audience: str | None = None,
               by_branch: bool = False) -> dict[str, Any]:
        """`report --month M [--audience top-leaders] [--by branch]` without period and plan."""
        live = [s for s in self.sessions.values() if not s.void and s.date[:7] == month]

        def counted(s: Session) -> list[str]:
            return [c for c in s.attendees
                    if audience is None or self.fact(c, s.date, audience)]

        def counts(sessions: set[int], pt: int, people: set[str], hours: float) -> dict[str, Any]:
            return {"sessions": len(sessions), "person_times": pt, "people": len(people),
                    "hours": round(hours + 0.0, 1)}

        tracks, everyone = [], set()
        for track in TRACKS:
            ss, pt, people, hours = set(), 0, set(), 0.0
            for s in live:
                if s.track != track:
                    continue
                named = counted(s)
                if audience is None or named:
                    ss.add(id(s))
                pt += len(named) + (s.headcount if audience is None else 0)
                hours += sum(s.hours_of(c) for c in named) + (
                    s.headcount * s.hours if audience is None else 0)
                people.update(named)
            everyone |= people
            tracks.append({"track": track, **counts(ss, pt, people, hours)})
        out: dict[str, Any] = {"tracks": tracks, "total": {
            "sessions": sum(t["sessions"] for t in tracks),
            "person_times": sum(t["person_times"] for t in tracks),
            "people": len(everyone),
            "hours": round(sum(t["hours"] for t in tracks), 1)}}
        if by_branch:
            groups: dict[str | None, list[Any]] = {}
            for s in live:
                for c in counted(s):
                    g = groups.setdefault(self.fact(c, s.date, "branch"), [set(), 0, set(), 0.0])
                    g[0].add(id(s))
                    g[1] += 1
                    g[2].add(c)
                    g[3] += s.hours_of(c)
                if s.headcount and audience is None:
                    g = groups.setdefault(s.branch, [set(), 0, set(), 0.0])
                    g[0].add(id(s))
                    g[1] += s.headcount
                    g[3] += s.headcount * s.hours
            out["rows"] = [{"branch": k, "name": self.branches.get(k) if k else None,
                            **counts(*groups[k])}
                           for k in sorted(groups, key=lambda k: (k is None, str(k)))]
        return out

    def compliance(self, month: str) -> dict[str, Any]:
        """`compliance --month M` without its period, with the default minimums."""
        first = date.fromisoformat(month + "-01")
        end = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).isoformat()
        year = month[:4]
        active = [c for c in self.facts if self.fact(c, end, "active")]
        checked = [c for c in active if self.registered[c] and self.registered[c] <= end]
        party = [c for c in active if self.fact(c, end, "party_member")]
        registered = [c for c in party if c in checked]
        short = []
        for c in checked:
            held_from = 1 if self.registered[c] < f"{year}-01-01" else int(self.registered[c][5:7])
            monthly: dict[str, float] = {}
            for (code, m, _platform), hours in self.study.items():
                if code == c and m[:4] == year and m <= month:
                    monthly[m] = monthly.get(m, 0.0) + hours
            hours = monthly.get(month, 0.0)
            if hours < 5.0 - 1e-6:
                met = sum(1 for m, h in monthly.items() if h >= 5.0 - 1e-6
                          and int(m[5:7]) >= held_from)
                short.append({"cadre": c, "name": self.names[c],
                              "branch": self.fact(c, end, "branch"), "hours": round(hours, 1),
                              "required": 5.0, "year_to_date": round(sum(monthly.values()), 1),
                              "months_short": int(month[5:7]) - held_from + 1 - met})
        short.sort(key=lambda r: (round(r["hours"], 6), r["cadre"]))
        return {"min_month": 5.0, "min_year": 60.0, "party_members": len(party),
                "registered": len(registered),
                "registration_coverage": round(len(registered) / len(party), 4) if party else None,
                "checked": len(checked), "short_count": len(short), "short": short}


def rebuild(log: list[dict[str, Any]]) -> Records:
    """The records as the log says they were made, oldest change first."""
    r = Records()
    for entry in log:
        kind, key, action, changes = (entry[k] for k in ("kind", "key", "action", "changes"))
        after = {k: v[1] for k, v in changes.items()}
        if kind == "branch":
            r.branches[key] = after.get("name", r.branches.get(key))
        elif kind == "cadre":
            if "name" in after:
                r.names[key] = after["name"]
            if "registered_on" in after:
                r.registered[key] = after["registered_on"]
            values = {k: v for k, v in after.items() if k in FACTS}
            if action == "create":
                r.registered.setdefault(key, None)
                r.facts[key] = [(ALWAYS, dict.fromkeys(FACTS) | {"active": True} | values)]
            elif values:
                r.facts[key].append((after.get("from") or ALWAYS, values))
        elif kind == "session":
            if action == "create":
                r.sessions[key] = Session(after["date"], after["track"])
            s = r.sessions[key]
            if action == "void":
                s.void = bool(after["void"])
                continue
            for name in ("date", "track", "hours", "headcount", "branch"):
                if name in changes:
                    setattr(s, name, after[name])
            added = after.get("added") or []
            removed = changes.get("removed", [None])[0] or []
            assert isinstance(added, list) and isinstance(removed, list), entry  # <= 20 codes
            for code in removed:
                del s.attendees[code]
            for code in added:
                s.attendees[code] = None
            if "attendee_hours" in changes:
                s.attendees.update(after["attendee_hours"])
        elif kind == "study":
            code, month, platform = key.split(" ")
            r.study[(code, month, platform)] = after["hours"]
    return r
