"""Hostile input: random and adversarial files and options end in a message, never a traceback.

Every example carries at least one value that must be refused (a date like 2020-02-30, hours of
NaN, an unknown cadre, a repeated column, a truncated or wrongly encoded file…), mixed with
hostile values that may be fine (emoji, right-to-left text, formulas, SQL). Each must end with
exit 1 or 2, a message on stderr, no exception, and the database's content exactly as it was
(a sha256 over every row of every table). The CLI runs in-process (thousands of examples in
seconds); a few of the worst run as real processes, to see what reaches a user's terminal.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from trainlog.store.database import Database

TABLES = ["branch", "cadre", "training_session", "attendance", "online_study", "plan", "setting",
          "survey_answer", "survey_topic", "alembic_version"]
#: Examples per test; the whole file runs several thousand in about a minute.
SCALE = float(os.environ.get("TRAINLOG_HOSTILE_SCALE", "1"))
pytestmark = pytest.mark.slow
TRIED: Counter[str] = Counter()


def examples(n: int) -> settings:
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    started = time.monotonic()
    yield
    total = sum(TRIED.values())
    sys.stderr.write(f"\nhostile examples tried: {total} in {time.monotonic() - started:.0f} s "
                     f"({', '.join(f'{k} {v}' for k, v in sorted(TRIED.items()))})\n")


@pytest.fixture(autouse=True)
def _cli_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer rebuilds the click command on every CliRunner.invoke (0.1 s); build it once."""
    import typer.testing

    if hasattr(typer.testing, "_get_command"):
        built = _built_command()
        monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)


@functools.cache
def _built_command():  # type: ignore[no-untyped-def]
    import typer.testing

    from trainlog.cli import app

    return typer.testing._get_command(app)


@functools.lru_cache(maxsize=2)
def _server(url: str) -> Any:
    """An engine kept for the test's PostgreSQL database: a digest per example stays cheap."""
    from sqlalchemy import create_engine

    return create_engine(url)


def rows(path: str | Path, sql: str, *params: Any) -> list[tuple]:
    """A query's rows (`?` placeholders), on a SQLite file or a PostgreSQL URL."""
    if "://" in str(path):
        with _server(str(path)).connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql.replace("?", "%s"), params)]
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def digest(path: str | Path) -> str:
    """sha256 of every row of every table, in rowid order: the content, not the file's bytes."""
    if "://" in str(path):  # PostgreSQL (TRAINLOG_TEST_DB): in key order
        keys = {"setting": "key", "alembic_version": "version_num"}
        h = hashlib.sha256()
        for t in TABLES:
            for row in rows(path, f"SELECT * FROM {t} ORDER BY {keys.get(t, 'id')}"):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
            h.update(b"|")
        return h.hexdigest()
    conn = sqlite3.connect(path)
    try:
        h = hashlib.sha256()
        for t in TABLES:
            for row in conn.execute(f"SELECT * FROM {t} ORDER BY rowid"):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
            h.update(b"|")
        return h.hexdigest()
    finally:
        conn.close()


@pytest.fixture
def seeded(cli, db: Database, database_url: str, tmp_path: Path, write_csv) -> dict[str, Any]:
    """Branches, cadres (G020 inactive), sessions (one voided), study hours, a plan."""
    for code in ("B001", "B002", "B003"):
        assert cli("branch", "add", code, f"第{code}党支部", "--township", "城关镇").exit_code == 0
    path = write_csv(tmp_path / "seed-cadres.csv", ["code", "name", "branch", "registered_on"],
                     [[f"G{i:03d}", f"干部{i}", f"B00{1 + i % 3}", "2019-05-01"]
                      for i in range(1, 21)])
    assert cli("cadre", "import", path).exit_code == 0
    # inactive from before every session the tests add
    assert cli("cadre", "deactivate", "G020", "--on", "2000-01-01").exit_code == 0
    for ref, track in (("S-1", "policy"), ("S-2", "video"), ("S-3", "special")):
        done = cli("add-session", "--date", "2020-04-03", "--track", track, "--title", "会",
                   "--hours", "2", "--attendee", "G001,G002,G003", "--ref", ref)
        assert done.exit_code == 0, done.stderr
    assert cli("session", "void", "S-3", "--reason", "重复").exit_code == 0
    assert cli("study", "add", "G001", "--month", "2020-04", "--hours", "6").exit_code == 0
    assert cli("plan", "set", "2020", "--target", "2000").exit_code == 0
    return {"db": database_url, "dir": tmp_path, "n": 0}


def refused(result: Any, db: str, before: str, what: Any = None) -> None:
    """Exit 1 or 2 (4 for a file that does not exist), a message, no exception, the content as
    it was."""
    assert result.exception is None or isinstance(result.exception, SystemExit), what
    missing = result.stderr.endswith(": no such file\n")
    assert result.exit_code == 5 if missing else result.exit_code in (1, 2), (
        what, result.exit_code, result.stdout[-500:], result.stderr[-500:])
    assert result.stderr.strip(), (what, "a message says why")
    assert "Traceback" not in result.stderr + result.stdout, what
    assert digest(db) == before, (what, "the database changed")


def invoke(*args: Any) -> Any:
    """The CLI in-process, its exceptions kept in the result (not raised)."""
    from typer.testing import CliRunner

    return CliRunner().invoke(_built_command(), [str(a) for a in args])


# Values: ones that must be refused, per field, and hostile ones that may be fine.

BAD_DATES = ["2020-02-30", "2019-02-29", "2020-13-01", "2020-00-10", "2020-04-31", "0000-01-01",
             "20200401", "2020/02/30", "2020年2月30日", "yesterday", "=1+1", "2020-04-01T25:00",
             "2020-02-30'; DROP TABLE cadre;--", "😀", "1e309", "NaN", "2020-4", "-2020-01-01"]
BAD_HOURS = ["NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "-1", "-0.5", "25",
             "24.01", "1e3", "1,5", "two", "0x10", "=1+1", "1..5", "--1", "½", "1 2", "😀",
             "0; DROP TABLE attendance"]
#: A month's online study may reach 24 hours a day (744 in May).
BAD_STUDY_HOURS = [h for h in BAD_HOURS if h not in ("25", "24.01")] + ["745", "1e6"]
BAD_TRACKS = ["football", "=1+1", "政策", "policy;--", "😀", "polícy", "p o l i c y", "\u202epolicy",
              "'; DROP TABLE training_session;--", "video\x00"]
BAD_COUNTS = ["-1", "1.5", "NaN", "inf", "abc", "1e309", "2000001", "=1+1", "一"]
UNKNOWN_CADRES = ["G999", "g001", "G 001", "'; DROP TABLE cadre;--", "😀", "G020", "G001,G001",
                  "G001\u200b", "\u202eG001", "G0O1"]
HOSTILE = ["=1+1", "+SUM(A1:A9)", "@cmd", "-2+3", "'; DROP TABLE cadre;--", "1 OR 1=1",
           "Robert'); DROP TABLE training_session;--", "\u202eevil\u202c", "שלום", "مرحبا",
           "😀", "👨‍👩‍👧‍👦", "\u200b", "\ufeff", "𠮷", "䶮", "NULL", "None", "%s", "%(x)s", "{0}",
           "${HOME}", "$(rm -rf /)", "\\", "ＡＢＣ", "e\u0301", "\u00a0x", "政策培训", "G001"]
SURROGATES = st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1,
                     max_size=3)
#: What a command line can carry: any text but NUL (undecodable bytes arrive as surrogates).
ARG_TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=30),
    SURROGATES,
)
CELL_TEXT = st.one_of(st.sampled_from(HOSTILE),
                      st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))


class TestOptions:
    """Options of the commands that write, each with at least one value to refuse."""

    BAD_ADD_SESSION = {
        "--date": BAD_DATES,
        "--track": BAD_TRACKS,
        "--hours": BAD_HOURS,
        "--attendee": UNKNOWN_CADRES,
        "--title": ["", " ", "x" * 301, "a\x01b", "\x7f", "\udcff\udcfe", "t\nt"],
        "--ref": ["R 1", "r" * 101, "S-1", "R\x02", "\udcc3"],
        "--headcount": BAD_COUNTS,
        "--kind": ["remote", "thematic", "football", "=1+1", "研判"],
        "--topic": ["football", "=1+1", "乡村", "other:"],
        "--branch": ["B999", "b001", "B 001", "'; --", "😀"],
        "--attendees-file": ["missing.csv", ".", "binary.xlsx", "utf16.csv", "unknown.txt"],
    }

    @given(data=st.data())
    @examples(700)
    def test_add_session(self, seeded: dict[str, Any], data: st.DataObject) -> None:
        before = digest(seeded["db"])
        options = {"--date": "2020-04-05", "--track": "policy", "--title": "会议",
                   "--attendee": "G004,G005", "--ref": "NEW-1"}
        bad = data.draw(st.lists(st.sampled_from(sorted(self.BAD_ADD_SESSION)), min_size=1,
                                 max_size=3, unique=True), label="bad options")
        for name in bad:
            options[name] = data.draw(st.sampled_from(self.BAD_ADD_SESSION[name]), label=name)
        if "--attendees-file" in options:
            options["--attendees-file"] = str(self.attendees_file(seeded["dir"],
                                                                  options["--attendees-file"]))
        for name in data.draw(st.lists(st.sampled_from(["--title", "--kind", "--topic"]),
                                       max_size=2, unique=True), label="hostile options"):
            if name not in bad:
                options[name] = data.draw(ARG_TEXT, label=name)
        args = [part for item in options.items() for part in item]
        if data.draw(st.booleans(), label="json"):
            args += ["--format", "json"]
        refused(invoke("add-session", *args), seeded["db"], before, args)
        TRIED["add-session"] += 1

    @staticmethod
    def attendees_file(folder: Path, kind: str) -> Path:
        path = folder / kind
        if kind == "binary.xlsx" and not path.exists():
            path.write_bytes(os.urandom(3000))
        elif kind == "utf16.csv" and not path.exists():
            path.write_text("cadre\nG004\n", encoding="utf-16")
        elif kind == "unknown.txt" and not path.exists():
            path.write_text("G004 G777\n", encoding="utf-8")
        return path

    BAD_CADRE = {
        "code": ["", " ", "G 1", "G\t1", "x" * 51, "G\x01", "\udcff", "G001"],
        "name": ["", " ", "x" * 101, "n\x02", "\udcc4\udce3"],
        "--unit": ["x" * 201, "u\x03", "\udcff"],
        "--level": ["county", "=1+1", "区", "😀", "district;--"],
        "--branch": ["B999", "b001", "B 001", "'; --"],
        "--registered-on": BAD_DATES,
    }

    @given(data=st.data())
    @examples(350)
    def test_cadre_add_and_edit(self, seeded: dict[str, Any], data: st.DataObject) -> None:
        before = digest(seeded["db"])
        edit = data.draw(st.booleans(), label="edit")
        names = sorted(k for k in self.BAD_CADRE if not (edit and k == "code"))
        fields = {"code": "G777", "name": data.draw(ARG_TEXT, label="hostile name")}
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2,
                                       unique=True), label="bad fields"):
            fields[name] = data.draw(st.sampled_from(self.BAD_CADRE[name]), label=name)
        if not edit and "name" not in fields:
            assume(fields["name"] not in ("",))
        options = [p for k, v in fields.items() if k.startswith("--") for p in (k, v)]
        if edit:
            bad_name = fields["name"] in self.BAD_CADRE["name"]
            args = ["cadre", "edit", "G001", *options, *(["--name", fields["name"]]
                                                          if bad_name or options else [])]
            assume(len(args) > 3)
        else:
            args = ["cadre", "add", fields["code"], fields["name"], *options]
        refused(invoke(*args), seeded["db"], before, args)
        TRIED["cadre add/edit"] += 1

    @given(data=st.data())
    @examples(150)
    def test_branch_add(self, seeded: dict[str, Any], data: st.DataObject) -> None:
        before = digest(seeded["db"])
        code = data.draw(st.sampled_from(["", " ", "B 9", "x" * 51, "B\x01", "\udcff", "B001"]))
        name = data.draw(st.one_of(st.sampled_from(["", "x" * 201, "n\x02"]), ARG_TEXT))
        township = data.draw(st.one_of(st.none(), ARG_TEXT))
        args = ["branch", "add", code, name] + (["--township", township] if township else [])
        refused(invoke(*args), seeded["db"], before, args)
        TRIED["branch add"] += 1

    @given(data=st.data())
    @examples(250)
    def test_void_study_plan_config(self, seeded: dict[str, Any], data: st.DataObject) -> None:
        before = digest(seeded["db"])
        which = data.draw(st.sampled_from(["void", "study", "plan", "config"]))
        if which == "void":
            target = data.draw(st.sampled_from(["S-3", "999", "0", "-1", "S 1", "'; --", "😀",
                                                "1e309", "\udcff", ""]))
            reason = data.draw(st.one_of(st.sampled_from(["", " ", "x" * 501, "r\x01"]),
                                         ARG_TEXT))
            if target in ("S-3",):
                pass  # already void
            elif reason.strip() and not any(ord(c) < 32 or 0xDC80 <= ord(c) <= 0xDCFF
                                            for c in reason) and len(reason.strip()) <= 500:
                assume(target not in ("S-1", "S-2", "1", "2"))
            args = ["session", "void", target, "--reason", reason]
        elif which == "study":
            bad = data.draw(st.sampled_from(["code", "month", "hours", "platform"]))
            values = {"code": "G001", "month": "2020-05", "hours": "3", "platform": "academy"}
            values[bad] = data.draw(st.sampled_from({
                "code": ["G999", "", "G 1", "\udcff"],
                "month": ["2020-13", "2020-00", "13/2020", "", "=1+1", "2020-02-30", "😀"],
                "hours": BAD_STUDY_HOURS,
                "platform": ["tiktok", "=1+1", "", "学习", "\udcff"]}[bad]))
            args = ["study", "add", values["code"], "--month", values["month"], "--hours",
                    values["hours"], "--platform", values["platform"]]
            assume(not (bad == "platform" and values["platform"] == ""))
        elif which == "plan":
            bad = data.draw(st.sampled_from(["year", "target", "deadline", "track"]))
            values = {"year": "2021", "target": "100", "deadline": "2021-06-30", "track": "video"}
            values[bad] = data.draw(st.sampled_from({
                "year": ["0", "10000", "-1", "abc", "2020.5", "1e309", ""],
                "target": ["0", "-5", "1.5", "NaN", "abc", "1e309"],
                "deadline": BAD_DATES + ["2022-01-01", "2020-12-31"],
                "track": BAD_TRACKS}[bad]))
            args = ["plan", "set", values["year"], "--target", values["target"], "--deadline",
                    values["deadline"], "--track", values["track"]]
        else:
            key = data.draw(st.sampled_from(["compliance.min_month", "compliance.min_year",
                                             "colour", "", "compliance.min_month;--"]))
            value = data.draw(st.sampled_from(["NaN", "nan", "inf", "-inf", "1e309", "-1", "0",
                                               "-0.5", "1,5", "two", "0x10", "=1+1", "", "1e9",
                                               "10000", "😀", "\udcff"])
                              if key.startswith("compliance.min_") and ";" not in key
                              else st.sampled_from(["5", "NaN"]))
            args = ["config", "set", key, value]
        refused(invoke(*args), seeded["db"], before, args)
        TRIED["void/study/plan/config"] += 1

    @given(data=st.data())
    @examples(200)
    def test_read_commands_with_bad_periods(self, seeded: dict[str, Any],
                                            data: st.DataObject) -> None:
        before = digest(seeded["db"])
        command = data.draw(st.sampled_from([["report"], ["compliance"], ["coverage"],
                                             ["session", "list"], ["survey", "report"]]))
        option = data.draw(st.sampled_from(["--month", "--year", "--from", "--to", "--as-of"]))
        value = data.draw(st.sampled_from({
            "--month": ["2020-13", "2020-00", "13", "=1+1", "2020-02-30", "", "😀", "\udcff",
                        "next"],
            "--year": ["0", "-1", "10000", "abc", "2020.5", "1e309", ""],
            "--from": BAD_DATES, "--to": BAD_DATES, "--as-of": BAD_DATES}[option]))
        args = [*command, option, value]
        if option in ("--from", "--to") and data.draw(st.booleans()):
            args += ["--to" if option == "--from" else "--from", "2020-01-01"]
        refused(invoke(*args), seeded["db"], before, args)
        TRIED["read commands"] += 1


    @pytest.mark.parametrize("year", ["0", "-1", "10000"])
    def test_cadre_show_with_no_real_year(self, seeded: dict[str, Any], year: str) -> None:
        before = digest(seeded["db"])
        result = invoke("cadre", "show", "G001", "--year", year)
        if isinstance(result.exception, ValueError):
            raise result.exception
        refused(result, seeded["db"], before, year)


# Files: rows built valid, then spoiled.

SESSION_HEADER = ["ref", "date", "cadre", "kind", "topic", "title", "hours", "branch",
                  "headcount", "track"]  # track last: a file cut inside a row lacks it
ZH = {"ref": "培训编号", "date": "日期", "track": "类别", "kind": "形式", "topic": "主题",
      "title": "培训名称", "hours": "学时", "branch": "党支部", "cadre": "干部编号",
      "headcount": "未具名人数", "code": "编号", "name": "姓名", "unit": "单位", "level": "级别",
      "top_leader": "一把手", "poverty_cadre": "扶贫干部", "party_member": "党员",
      "registered_on": "网络学院注册日期", "township": "乡镇", "platform": "平台", "month": "月份",
      "method": "方式", "tier": "班次", "respondent": "对象", "note": "备注"}


def session_rows() -> list[list[str]]:
    rows = []
    for r, (track, kind) in enumerate((("policy", "meeting"), ("video", "remote"),
                                       ("special", "key"))):
        for c in (4, 5, 6):
            rows.append([f"H-{r}", "2020-05-0" + str(1 + r), f"G{c:03d}", kind,
                         "capacity" if track == "special" else "", f"导入 {r}", "1.5",
                         f"B00{1 + r}", "", track])
    rows.append(["S-1", "2020-04-03", "G007", "", "", "改写", "2", "", "4", "policy"])
    return rows


IMPORTS: dict[str, dict[str, Any]] = {
    "session": {
        "args": ["session", "import"], "header": SESSION_HEADER, "rows": session_rows,
        "required": ["ref", "date", "track", "title"],
        "bad": {"ref": ["R 1", "r" * 101, "R\x01"], "date": BAD_DATES, "track": BAD_TRACKS,
                "kind": ["football", "thematic-x", "=1+1"], "topic": ["football", "=1+1"],
                "title": ["x" * 301, "t\x01"], "hours": BAD_HOURS,
                "branch": ["B999", "B 001"], "cadre": ["G999", "G020", "G 1"],
                "headcount": BAD_COUNTS},
    },
    "cadre": {
        "args": ["cadre", "import"],
        "header": ["code", "name", "unit", "level", "branch", "top_leader", "poverty_cadre",
                   "party_member", "registered_on"],
        "rows": lambda: [[f"G{c:03d}", f"名{c}", "乡政府", "village", "B002", "0", "1", "1",
                          "2019-01-01"] for c in (1, 30, 31)],
        "required": ["code", "name"],
        "bad": {"code": ["G 1", "x" * 51, "G\x01"], "name": ["x" * 101, "n\x01"],
                "level": ["county", "=1+1", "区"], "branch": ["B999", "B 1"],
                "top_leader": ["maybe", "2", "=1+1", "是的"], "party_member": ["-1", "NaN"],
                "registered_on": BAD_DATES},
    },
    "branch": {
        "args": ["branch", "import"], "header": ["code", "name", "township"],
        "rows": lambda: [["B001", "改名", "城关镇"], ["B010", "新支部", "召陵镇"]],
        "required": ["code", "name"],
        "bad": {"code": ["B 1", "x" * 51, "B\x01"], "name": ["x" * 201, "n\x01"],
                "township": ["x" * 101, "t\x02"]},
    },
    "study": {
        "args": ["study", "import", "--month", "2020-05"],
        "header": ["cadre", "hours", "platform", "month"],
        "rows": lambda: [[f"G{c:03d}", "3.5", "academy", "2020-05"] for c in (1, 2, 3)],
        "required": ["cadre", "hours"],
        "bad": {"cadre": ["G999", "G 1", "G\x01"], "hours": BAD_STUDY_HOURS,
                "platform": ["tiktok", "=1+1", "学习"],
                "month": ["2020-13", "2020-06", "=1+1", "2020-02-30", "😀"]},
    },
    "survey": {
        "args": ["survey", "import"],
        "header": ["date", "method", "topic", "tier", "cadre", "respondent", "note"],
        "rows": lambda: [["2020-03-0" + str(i), "visit", "capacity;other", "key", "G001", "",
                          "备注"] for i in (1, 2)],
        "required": ["date", "method", "topic"],
        "bad": {"date": BAD_DATES, "method": ["email", "=1+1", "走"],
                "topic": ["football", "=1+1", "乡村"], "tier": ["gold", "=1+1"],
                "cadre": ["G999", "G 1"], "note": ["x" * 2001, "n\x01"]},
    },
}

SPOILERS = ["cell", "cell", "cell", "repeated column", "missing column", "unknown column",
            "extra cells", "nul byte", "repeated row", "no header", "empty", "random bytes",
            "utf-16", "wrong --encoding", "non-text --encoding", "truncated"]


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


def truncate(text: str, at: int) -> str:
    """The file cut inside a row (never at a row's end, so its last cell, the track, is cut)."""
    lines = text.split("\r\n")
    line = 1 + at % (len(lines) - 2) if len(lines) > 2 else 0
    row = lines[line]
    keep = 1 + (at // 7) % max(1, len(row) - 1)
    return "\r\n".join(lines[:line]) + ("\r\n" if line else "") + row[:keep]


class TestFiles:
    """Importers fed spoiled files: refused whole, with the database as it was."""

    @pytest.mark.parametrize("kind", sorted(IMPORTS))
    def test_valid_file_is_accepted(self, seeded: dict[str, Any], kind: str) -> None:
        """The control: the unspoiled files import (so what is refused is the spoiling)."""
        spec = IMPORTS[kind]
        path = seeded["dir"] / f"valid-{kind}.csv"
        path.write_text(to_csv(spec["header"], spec["rows"]()), encoding="utf-8")
        result = invoke(*spec["args"], path)
        assert result.exit_code == 0, result.stderr

    @given(data=st.data())
    @examples(1000)
    def test_spoiled_files(self, seeded: dict[str, Any], data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(sorted(IMPORTS)), label="importer")
        spec = IMPORTS[kind]
        header = list(spec["header"])
        rows = [list(r) for r in spec["rows"]()]
        # Hostile but maybe fine: zh-CN headers, odd text in free-text cells.
        if data.draw(st.booleans(), label="zh headers"):
            header = [ZH.get(h, h) if data.draw(st.booleans()) else h for h in header]
        for col in ("title", "name", "note", "respondent", "unit"):
            if col in spec["header"] and data.draw(st.booleans()):
                i = spec["header"].index(col)
                r = data.draw(st.integers(0, len(rows) - 1))
                rows[r][i] = data.draw(CELL_TEXT, label=f"hostile {col}")
        spoil = data.draw(st.sampled_from(SPOILERS), label="spoiler")
        encoding, options, raw = "utf-8", [], None
        if spoil == "cell":
            col = data.draw(st.sampled_from(sorted(spec["bad"])), label="column")
            r = data.draw(st.integers(0, len(rows) - 1), label="row")
            rows[r][spec["header"].index(col)] = data.draw(st.sampled_from(spec["bad"][col]),
                                                           label="bad value")
        elif spoil == "repeated column":
            i = data.draw(st.integers(0, len(header) - 1))
            header.append(header[i])
            rows = [r + [r[i]] for r in rows]
        elif spoil == "missing column":
            i = spec["header"].index(data.draw(st.sampled_from(spec["required"])))
            header.pop(i)
            rows = [r[:i] + r[i + 1:] for r in rows]
        elif spoil == "unknown column":
            header.insert(data.draw(st.integers(0, len(header))),
                          data.draw(st.sampled_from(["colour", "备 注", "=1+1", "😀", "refs",
                                                     "日 期", "title2"])))
            rows = [r + [""] for r in rows]
        elif spoil == "extra cells":
            r = data.draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r] + [data.draw(st.sampled_from(["x", "=1+1", "0"]))]
        elif spoil == "nul byte":
            r = data.draw(st.integers(0, len(rows) - 1))
            c = data.draw(st.integers(0, len(header) - 1))
            rows[r][c] = rows[r][c][:1] + "\x00" + rows[r][c][1:]
        elif spoil == "repeated row":
            rows.append(list(rows[data.draw(st.integers(0, len(rows) - 1))]))
            if kind == "survey":  # answers have no natural key: repeat with a bad method
                rows[-1][1] = "email"
        elif spoil == "no header":
            header, rows = rows[0], rows[1:]
        text = to_csv(header, rows)
        if spoil == "empty":
            raw = b""
        elif spoil == "random bytes":
            raw = data.draw(st.binary(min_size=1, max_size=400), label="bytes")
            assume(b"\n" not in raw[:1])
        elif spoil == "utf-16":
            raw = text.encode(data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
        elif spoil == "wrong --encoding":
            # GB18030 bytes (Chinese in the header) read as another encoding.
            header[0] = ZH.get(spec["header"][0], header[0])
            raw = to_csv(header, rows).encode("gb18030", "replace")
            options = ["--encoding", data.draw(st.sampled_from(["utf-8", "ascii", "utf-16"]))]
        elif spoil == "non-text --encoding":
            options = ["--encoding", data.draw(st.sampled_from(["rot13", "base64", "zlib",
                                                                "klingon", "utf-8;rm -rf"]))]
        elif spoil == "truncated":
            text = truncate(text, data.draw(st.integers(0, 10_000), label="cut"))
            assume(kind == "session")  # its last column, track, cannot be cut and stay valid
        suffix = ".csv"
        if raw is None:
            if encoding == "utf-8" and data.draw(st.integers(0, 5), label="xlsx") == 0 and \
                    spoil not in ("nul byte", "truncated", "non-text --encoding") and \
                    not any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text):
                raw, suffix = self.xlsx(header, rows), ".xlsx"
            else:
                raw = text.encode(data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])),
                                  "surrogatepass") if spoil != "nul byte" else text.encode()
        seeded["n"] += 1
        path = seeded["dir"] / f"spoiled-{seeded['n']}{suffix}"
        try:
            path.write_bytes(raw)
        except UnicodeEncodeError:  # pragma: no cover - cells gb18030 cannot hold
            assume(False)
        before = digest(seeded["db"])
        result = invoke(*spec["args"], path, *options)
        refused(result, seeded["db"], before, (kind, spoil, raw[:300]))
        path.unlink()
        TRIED[f"{kind} import"] += 1

    @staticmethod
    def xlsx(header: list[str], rows: list[list[str]]) -> bytes:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        for r, row in enumerate([header, *rows], start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text typed as text, not a formula without a value
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    @given(cut=st.integers(1, 100_000), flips=st.lists(st.tuples(st.integers(0, 10**6),
                                                                 st.integers(0, 255)),
                                                       max_size=6))
    @examples(200)
    def test_damaged_workbooks(self, seeded: dict[str, Any], cut: int,
                               flips: list[tuple[int, int]]) -> None:
        spec = IMPORTS["session"]
        raw = bytearray(self.good_xlsx(tuple(spec["header"])))
        if flips:
            for at, value in flips:
                raw[at % len(raw)] = value
            assume(bytes(raw) != self.good_xlsx(tuple(spec["header"])))
        else:
            raw = raw[:cut % len(raw)]
        seeded["n"] += 1
        path = seeded["dir"] / f"damaged-{seeded['n']}.xlsx"
        path.write_bytes(bytes(raw))
        before = digest(seeded["db"])
        result = invoke(*spec["args"], path)
        if result.exit_code == 0:  # a flipped byte in a string the importer does not read
            assert flips
            assume(False)
        refused(result, seeded["db"], before, (cut, flips))
        TRIED["damaged xlsx"] += 1

    @staticmethod
    @functools.cache
    def good_xlsx(header: tuple[str, ...] | list[str]) -> bytes:
        rows = [r[:-1] + ["nonsense"] for r in session_rows()]  # refused even when read whole
        return TestFiles.xlsx(list(header), rows)

    @pytest.mark.parametrize("kind", sorted(IMPORTS))
    def test_header_only_imports_nothing(self, seeded: dict[str, Any], kind: str) -> None:
        """DESIGN.md: a file with a header and no rows imports nothing and exits 0."""
        spec = IMPORTS[kind]
        path = seeded["dir"] / f"header-{kind}.csv"
        path.write_text(",".join(spec["header"]) + "\r\n", encoding="utf-8")
        before = digest(seeded["db"])
        result = invoke(*spec["args"], path)
        assert result.exit_code == 0 and result.exception is None, result.stderr
        assert digest(seeded["db"]) == before

    @pytest.mark.parametrize("kind", ["session", "cadre", "study"])
    def test_ten_megabyte_field(self, seeded: dict[str, Any], kind: str) -> None:
        spec = IMPORTS[kind]
        rows = spec["rows"]()
        rows[0][1] = "长" * (10 * 2**20 // 3)  # 10 MB of UTF-8 in one cell
        path = seeded["dir"] / f"big-{kind}.csv"
        path.write_text(to_csv(spec["header"], rows), encoding="utf-8")
        before = digest(seeded["db"])
        refused(invoke(*spec["args"], path), seeded["db"], before, kind)
        TRIED["10 MB field"] += 1


class TestValidHostileText:
    """Text that looks like SQL, formulas or tricks is stored as typed, not interpreted."""

    @given(title=st.one_of(st.sampled_from(HOSTILE), st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)))
    @examples(150)
    def test_title_round_trip(self, seeded: dict[str, Any], title: str) -> None:
        assume(title.strip() and len(title.strip()) <= 300)
        assume(not any(ch in title for ch in "\u2028\u2029\x85"))
        seeded["n"] += 1
        ref = f"T-{seeded['n']}"
        result = invoke("add-session", "--date", "2020-04-05", "--track", "policy", "--title",
                        title, "--headcount", "2", "--ref", ref)
        assert result.exit_code == 0, result.stderr
        shown = json.loads(invoke("session", "show", ref, "--format", "json").stdout)
        assert shown["title"] == title.strip()
        assert rows(seeded["db"], "SELECT count(*) FROM cadre")[0][0] == 20
        assert rows(seeded["db"], "SELECT title FROM training_session WHERE ref = ?",
                    ref)[0][0] == title.strip()
        TRIED["valid hostile title"] += 1


class TestRealProcesses:
    """The worst inputs through `python -m trainlog`: what reaches the terminal is a message."""

    def test_other_files_given_as_the_database_are_left_alone(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty.txt"
        empty.touch()
        notes = tmp_path / "notes.csv"
        notes.write_text("ref,date\nR,2020-04-01\n", encoding="utf-8")
        other = tmp_path / "other.sqlite"
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE mine (x)")
        conn.commit()
        conn.close()
        files = {p: p.read_bytes() for p in (empty, notes, other)}
        for path, said in ((empty, "no trainlog database"), (notes, "cannot open the database"),
                           (other, "no trainlog database"), (tmp_path, "no trainlog database")):
            for args in (["session", "list"], ["db", "upgrade"]):
                done = subprocess.run([sys.executable, "-m", "trainlog", "--db", str(path),
                                       *args], capture_output=True, text=True, timeout=120)
                assert done.returncode == 1 and said in " ".join(done.stderr.split()), \
                    (path, args, done.stderr)
                TRIED["real processes"] += 1
        refused = subprocess.run([sys.executable, "-m", "trainlog", "--db", str(other), "init"],
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1 and "not trainlog's" in refused.stderr
        assert {p: p.read_bytes() for p in files} == files
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "notes.csv",
                                                              "other.sqlite"]

    def test_no_traceback_reaches_the_terminal(self, seeded: dict[str, Any]) -> None:
        folder: Path = seeded["dir"]
        (folder / "utf16.csv").write_text("ref,date,track,title\nR,2020-04-01,policy,t\n",
                                          encoding="utf-16")
        (folder / "nul.csv").write_bytes(b"ref,date,track,title\nR\x00,2020-04-01,policy,t\n")
        (folder / "big.csv").write_text("ref,date,track,title\nR,2020-04-01,policy,"
                                        + "x" * (10 * 2**20) + "\n", encoding="utf-8")
        (folder / "cut.xlsx").write_bytes(TestFiles.good_xlsx(tuple(SESSION_HEADER))[:1500])
        (folder / "header.csv").write_text("ref,date,track\n", encoding="utf-8")
        cases: list[list[Any]] = [
            ["add-session", "--date", "2020-02-30", "--track", "policy", "--title", "x",
             "--headcount", "1"],
            ["add-session", "--date", "2020-04-01", "--track", "policy", "--title", "x",
             "--hours", "NaN", "--headcount", "1"],
            ["add-session", "--date", "2020-04-01", "--track", "policy", "--title", "x",
             "--hours", "1e309", "--headcount", "1e309"],
            ["cadre", "add", "G 1", "'; DROP TABLE cadre;--"],
            [b"cadre", b"add", b"G777", b"\xd5\xc5\xce\xb0"],
            [b"session", b"show", b"\xff\xfe"],
            [b"session", b"void", b"S-1", b"--reason", b"\xc3"],
            ["session", "import", folder / "utf16.csv"],
            ["session", "import", folder / "nul.csv"],
            ["session", "import", folder / "big.csv"],
            ["session", "import", folder / "cut.xlsx"],
            ["session", "import", folder / "header.csv", "--encoding", "rot13"],
            ["study", "add", "G001", "--month", "2020-05", "--hours", "inf"],
            ["report", "--month", "2020-13"],
            ["db", "backup", seeded["db"]],
        ]
        env = {**os.environ, "TRAINLOG_DB": seeded["db"]}
        before = digest(seeded["db"])
        for args in cases:
            argv = [os.fsencode(a) if isinstance(a, str | Path) else a for a in args]
            done = subprocess.run([os.fsencode(sys.executable), b"-m", b"trainlog", *argv],
                                  env=env, capture_output=True, timeout=120)
            err = done.stderr.decode("utf-8", "replace")
            assert done.returncode in (1, 2), (args, done.returncode, err)
            assert err.strip() and "Traceback" not in err and "unexpected error" not in err, \
                (args, err)
            assert digest(seeded["db"]) == before, args
            TRIED["real processes"] += 1
