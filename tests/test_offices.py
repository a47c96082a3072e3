"""Many offices in one database: codes and refs unique within an office, every command kept to
its office's records, a parent's roll-up, and a ref that never silently becomes another session.

On PostgreSQL the server enforces it (row-level security): see test_offices_rls.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trainlog.store.database import Database

#: Two districts under one city; both number their branches, cadres and sessions alike.
OFFICES = {"zl": "召陵区", "yc": "郾城区"}


def office_data(office: str) -> dict[str, Any]:
    """Each office's own records: the same codes and refs, other people, dates and sizes."""
    other = office == "yc"
    branches = [("B001", f"{office}一支部", "城关镇"), ("B002", f"{office}二支部", "老窝镇")]
    cadres = [(f"G{i:03d}", f"{office}干部{i}", "B001" if i % 2 else "B002",
               "是" if i % 3 == 0 else "否") for i in range(1, (9 if other else 6) + 1)]
    sessions = []
    for ref in ("1", "2", "3"):
        day = f"2020-0{int(ref) + (1 if other else 0)}-1{ref}"
        track = ["policy", "video", "special"][(int(ref) + (1 if other else 0)) % 3]
        kind = {"policy": "meeting", "video": "remote", "special": "thematic"}[track]
        for code, *_ in cadres[: int(ref) + (3 if other else 1)]:
            sessions.append((ref, day, track, kind, f"{office}第{ref}期", "2", "B001", code))
    study = [(code, 3.5 + i if other else 6.0) for i, (code, *_) in enumerate(cadres)]
    return {"branches": branches, "cadres": cadres, "sessions": sessions, "study": study,
            "target": 50 if other else 20}


def load(cli, write_csv, folder: Path, office: str, choose: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Import one office's records through the CLI: with `--office office`, or (not `choose`)
    into the database's only office."""
    data = office_data(office)
    name = office
    pre = ["--office", office] if choose else []
    files = {
        "branch": write_csv(folder / f"{name}-branches.csv", ["编号", "名称", "乡镇"],
                            data["branches"]),
        "cadre": write_csv(folder / f"{name}-cadres.csv", ["编号", "姓名", "党支部", "扶贫干部"],
                           data["cadres"]),
        "session": write_csv(folder / f"{name}-sessions.csv",
                             ["培训编号", "日期", "类别", "形式", "培训名称", "学时", "党支部",
                              "干部编号"],
                             data["sessions"]),
        "study": write_csv(folder / f"{name}-study.csv", ["干部编号", "学时"], data["study"]),
    }
    for what, path in files.items():
        args = [*pre, what, "import", path] + (["--month", "2020-03"] if what == "study" else [])
        result = cli(*args)
        assert result.exit_code == 0, (what, result.stderr)
    result = cli(*pre, "plan", "set", "2020", "--target", data["target"])
    assert result.exit_code == 0, result.stderr


#: The read commands compared office by office (JSON; ids left out, they differ by database).
READS = [
    ["report", "--year", "2020"],
    ["report", "--as-of", "2020-04-03", "--audience", "poverty-cadres"],
    *[["report", "--year", "2020", "--by", dim] for dim in ("track", "branch", "township",
                                                            "month")],
    ["session", "list", "--year", "2020"],
    ["session", "show", "2"],
    ["branch", "list"],
    ["cadre", "list"],
    ["cadre", "show", "G001", "--year", "2020"],
    ["compliance", "--month", "2020-03"],
    ["coverage", "--year", "2020"],
    ["plan", "show", "2020"],
]


def without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items()
                if k not in ("id", "created_at", "updated_at")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def reads(cli, office: str | None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    out = {}
    for args in READS:
        pre = ["--office", office] if office else []
        result = cli(*pre, *args, "--format", "json", env={"TRAINLOG_TODAY": "2020-12-31"})
        assert result.exit_code == 0, (args, result.stderr)
        out[" ".join(args)] = without_ids(json.loads(result.stdout))
    return out


@pytest.fixture
def other_database(tmp_path: Path, test_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A second database on the backend under test, for an office alone."""
    if test_server is None:
        yield str(tmp_path / "alone.db")
        return
    name, url = test_server.create()
    yield url
    test_server.drop(name)


@pytest.fixture
def shared(cli, db: Database, write_csv, tmp_path: Path) -> Database:  # type: ignore[no-untyped-def]
    """One database: the city `main` and its two districts, each with its own records."""
    for code, name in OFFICES.items():
        assert cli("office", "add", code, name, "--parent", "main").exit_code == 0
    for code in OFFICES:
        load(cli, write_csv, tmp_path, code)
    return db


class TestOneDatabaseManyOffices:
    @pytest.mark.parametrize("office", list(OFFICES))
    def test_each_office_reads_what_it_would_alone(self, cli, shared: Database, write_csv,
                                                   tmp_path: Path, other_database: str,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   office: str) -> None:
        together = reads(cli, office)
        assert together != reads(cli, "yc" if office == "zl" else "zl")
        monkeypatch.setenv("TRAINLOG_DB", other_database)
        alone = Database(other_database)
        alone.init((office, OFFICES[office]))
        alone.dispose()
        folder = tmp_path / "alone"
        folder.mkdir()
        load(cli, write_csv, folder, office, choose=False)  # the database's only office
        assert reads(cli, None) == together

    def test_the_same_codes_and_refs_in_two_offices(self, cli, shared: Database) -> None:
        for code in OFFICES:
            listed = json.loads(cli("--office", code, "session", "list", "--format",
                                    "json").stdout)
            assert [s["ref"] for s in listed] == ["1", "2", "3"]
            assert {s["title"][:2] for s in listed} == {code}
            cadres = json.loads(cli("--office", code, "cadre", "list", "--format", "json").stdout)
            assert {c["name"][:2] for c in cadres} == {code}
        # the city's own records: none
        assert json.loads(cli("--office", "main", "session", "list", "--format",
                              "json").stdout) == []

    def test_a_write_goes_to_its_office_only(self, cli, shared: Database) -> None:
        before = reads(cli, "yc")
        result = cli("--office", "zl", "session", "void", "2", "--reason", "entered twice")
        assert result.exit_code == 0, result.stderr
        assert cli("--office", "zl", "cadre", "deactivate", "G001").exit_code == 0
        assert cli("--office", "zl", "config", "set", "compliance.min_month", "4").exit_code == 0
        assert reads(cli, "yc") == before
        shown = json.loads(cli("--office", "yc", "session", "show", "2", "--format",
                               "json").stdout)
        assert shown["void"] is False

    def test_the_parents_roll_up_is_the_sum_of_its_offices(self, cli, shared: Database) -> None:
        result = cli("--office", "main", "report", "--year", "2020", "--by", "office",
                     "--format", "json", env={"TRAINLOG_TODAY": "2020-12-31"})
        assert result.exit_code == 0, result.stderr
        rows = {r["office"]: r for r in json.loads(result.stdout)["rows"]}
        assert list(rows) == ["yc", "zl"]
        for code in OFFICES:
            own = json.loads(cli("--office", code, "report", "--year", "2020", "--format",
                                 "json", env={"TRAINLOG_TODAY": "2020-12-31"}).stdout)
            assert {k: rows[code][k] for k in own["total"]} == own["total"]
            assert rows[code]["plan"] == own["plan"] and own["plan"]["target"] in (20, 50)
            assert rows[code]["name"] == OFFICES[code]
        # a city above the city: its report sums each district into the city's row
        assert cli("office", "add", "ha", "河南省").exit_code == 0
        shown = cli("--office", "main", "office", "list", "--format", "json")
        assert {o["code"]: o["parent"] for o in json.loads(shown.stdout)} == {
            "ha": None, "main": None, "yc": "main", "zl": "main"}

    def test_several_offices_and_none_chosen_is_a_clear_error(self, cli, shared: Database,
                                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
        result = cli("report", "--year", "2020")
        assert result.exit_code == 1
        assert "give --office" in result.stderr and "main, yc, zl" in result.stderr
        result = cli("--office", "nowhere", "report")
        assert result.exit_code == 1 and "no office 'nowhere'" in result.stderr
        monkeypatch.setenv("TRAINLOG_OFFICE", "yc")
        assert json.loads(cli("session", "list", "--format", "json").stdout)[0]["title"] \
            .startswith("yc")
        # --office before the command wins over TRAINLOG_OFFICE; full-width codes are the same
        assert json.loads(cli("--office", "ｚｌ", "session", "list", "--format",
                              "json").stdout)[0]["title"].startswith("zl")

    def test_office_commands(self, cli, db: Database) -> None:
        listed = json.loads(cli("office", "list", "--format", "json").stdout)
        assert listed == [{"code": "main", "name": "本单位", "parent": None, "current": True}]
        assert cli("office", "add", "zl", "召陵区", "--parent", "main").exit_code == 0
        again = cli("office", "add", "zl", "召陵区")
        assert again.exit_code == 1 and "exists already" in again.stderr
        orphan = cli("office", "add", "x", "某区", "--parent", "nowhere")
        assert orphan.exit_code == 1 and "--parent: no office 'nowhere'" in orphan.stderr


class TestInit:
    def test_init_names_the_first_office(self, cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setenv("TRAINLOG_DB", str(tmp_path / "new.db"))
        result = cli("init", "--office", "zl", "--office-name", "召陵区委组织部")
        assert result.exit_code == 0, result.stderr
        assert "with the office zl (召陵区委组织部)" in result.stderr
        listed = json.loads(cli("office", "list", "--format", "json").stdout)
        assert listed == [{"code": "zl", "name": "召陵区委组织部", "parent": None, "current": True}]
        assert cli("init").exit_code == 0  # idempotent
        wrong = cli("init", "--office", "yc")
        assert wrong.exit_code == 1 and "no office 'yc'" in wrong.stderr

    def test_the_demo_is_the_office_of_zhaoling(self, zhaoling: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))
        listed = json.loads(cli("office", "list", "--format", "json").stdout)
        assert listed == [{"code": "zhaoling", "name": "召陵区", "parent": None, "current": True}]


class TestRefs:
    """A ref never silently becomes another session."""

    HEADER = ["ref", "date", "track", "title", "hours", "branch", "cadre"]

    @pytest.fixture
    def stored(self, cli, db: Database, write_csv, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
        write_csv(tmp_path / "b.csv", ["code", "name"], [("B1", "一支部"), ("B2", "二支部")])
        write_csv(tmp_path / "c.csv", ["code", "name"], [(f"G{i}", f"干部{i}") for i in range(4)])
        assert cli("branch", "import", tmp_path / "b.csv").exit_code == 0
        assert cli("cadre", "import", tmp_path / "c.csv").exit_code == 0
        first = write_csv(tmp_path / "t1.csv", self.HEADER, [
            ("1", "2020-04-01", "policy", "会议", "2", "B1", "G0"),
            ("1", "2020-04-01", "policy", "会议", "2", "B1", "G1"),
            ("2", "2020-04-02", "video", "视频", "1", "B2", "G2"),
            ("3", "2020-04-03", "special", "专题", "8", "", "G3")])
        assert cli("session", "import", first).exit_code == 0
        return first

    def sessions(self, cli) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
        return json.loads(cli("session", "list", "--voided", "--format", "json").stdout)

    def test_another_date_track_or_branch_is_refused(self, cli, stored: Path, write_csv,
                                                     tmp_path: Path) -> None:
        before = self.sessions(cli)
        again = write_csv(tmp_path / "t2.csv", self.HEADER, [
            ("1", "2021-04-01", "policy", "会议", "2", "B1", "G0"),   # another date
            ("2", "2020-04-02", "special", "视频", "1", "B2", "G2"),  # another track
            ("3", "2020-04-03", "special", "专题", "8", "B1", "G3")])  # another branch
        result = cli("session", "import", again)
        assert result.exit_code == 1
        said = " ".join(result.stderr.split())
        assert "3 problem(s), nothing written" in said
        assert ("stored as 2020-04-01 policy B1; the file has 2021-04-01 policy B1 "
                "(another date)") in said
        assert "stored as 2020-04-02 video B2; the file has 2020-04-02 special B2 " \
               "(another track)" in said
        assert "stored as 2020-04-03 special no branch; the file has 2020-04-03 special B1 " \
               "(another branch)" in said
        assert self.sessions(cli) == before
        forced = cli("session", "import", again, "--replace", "--format", "json")
        assert forced.exit_code == 0, forced.stderr
        assert json.loads(forced.stdout)["updated"] == 3
        after = {s["ref"]: s for s in self.sessions(cli)}
        assert (after["1"]["date"], after["2"]["track"], after["3"]["branch"]) == (
            "2021-04-01", "special", "B1")
        assert sorted(s["id"] for s in after.values()) == sorted(s["id"] for s in before)

    def test_other_changes_replace_and_the_summary_says_what(self, cli, stored: Path, write_csv,
                                                             tmp_path: Path) -> None:
        changed = write_csv(tmp_path / "t3.csv", self.HEADER, [
            ("1", "2020-04-01", "policy", "会议（更正）", "2", "B1", "G0"),
            ("2", "2020-04-02", "video", "视频", "1.5", "B2", "G2"),
            ("2", "2020-04-02", "video", "视频", "1.5", "B2", "G1"),
            ("3", "2020-04-03", "special", "专题", "8", "", "G3")])
        result = cli("session", "import", changed)
        assert result.exit_code == 0, result.stderr
        assert "2 updated (title 1, hours 1, attendees 2), 1 unchanged" in result.stdout
        data = json.loads(cli("session", "import", changed, "--format", "json").stdout)
        assert data["updated"] == 0 and data["changed"] == {}

    def test_replace_of_a_ref_that_is_not_there_is_refused(self, cli, stored: Path) -> None:
        before = self.sessions(cli)
        result = cli("add-session", "--date", "2020-04-05", "--track", "policy", "--title", "x",
                     "--headcount", "3", "--ref", "1850", "--replace")
        assert result.exit_code == 1
        assert "no session has this ref" in " ".join(result.stderr.split())
        assert self.sessions(cli) == before

    def test_a_key_that_is_one_sessions_id_and_anothers_ref(self, cli, stored: Path) -> None:
        ids = {s["ref"]: s["id"] for s in self.sessions(cli)}
        assert ids == {"1": 1, "2": 2, "3": 3}
        # session 3's ref "3" is also its own id: no doubt; make "2" the ref of session 4
        result = cli("add-session", "--date", "2020-04-06", "--track", "policy", "--title",
                     "四", "--headcount", "2", "--ref", "x4")
        assert result.exit_code == 0
        assert cli("add-session", "--date", "2020-04-07", "--track", "policy", "--title", "五",
                   "--headcount", "2", "--ref", "4").exit_code == 0  # id 5, ref "4"
        for command in (["session", "show", "4"], ["session", "void", "4", "--reason", "r"]):
            result = cli(*command)
            assert result.exit_code == 1
            assert "4 is the id of session 4 and the ref of session 5; say which with --id " \
                   "or --ref" in " ".join(result.stderr.split())
        by_id = json.loads(cli("session", "show", "4", "--id", "--format", "json").stdout)
        by_ref = json.loads(cli("session", "show", "4", "--ref", "--format", "json").stdout)
        assert (by_id["id"], by_id["ref"], by_ref["id"], by_ref["ref"]) == (4, "x4", 5, "4")
        voided = cli("session", "void", "4", "--id", "--reason", "entered twice")
        assert voided.exit_code == 0 and "voided session 4, ref x4" in voided.stdout
        assert json.loads(cli("session", "show", "4", "--ref", "--format", "json")
                          .stdout)["void"] is False
