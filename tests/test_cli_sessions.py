"""The CLI of training sessions as a user runs it: exit codes, stdout versus stderr, files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from trainlog.registry import add_branch, add_cadre, deactivate_cadre
from trainlog.store.database import Database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "zhaoling2020"
LIST_KEYS = ["id", "ref", "date", "track", "kind", "topic", "title", "hours", "branch",
             "headcount", "person_times", "void", "void_reason"]
ZH_HEADER = ["培训编号", "日期", "类别", "形式", "主题", "培训名称", "学时", "党支部", "干部编号",
             "未具名人数"]
#: one month as a township hands it in: a meeting, a remote-education session, a special class
APRIL = [
    ["ZL-04-01", "2020-04-01", "政策培训", "研判会", "", "一季度脱贫攻坚形势研判会", "2", "B001",
     "G001", "0"],
    ["ZL-04-01", "2020-04-01", "政策培训", "研判会", "", "一季度脱贫攻坚形势研判会", "2", "B001",
     "G002", "0"],
    ["ZL-04-02", "2020-04-09", "视频培训", "远程教育", "扶贫产业", "远程教育：特色种植", "1.5",
     "B002", "", "23"],
    ["ZL-04-03", "2020-04-20", "专题培训", "重点班", "乡村振兴", "乡村振兴重点班", "4", "",
     "G003", "2"],
    ["ZL-04-03", "2020-04-20", "专题培训", "重点班", "乡村振兴", "乡村振兴重点班", "4", "",
     "G004", "2"],
    ["ZL-04-03", "2020-04-20", "专题培训", "重点班", "乡村振兴", "乡村振兴重点班", "4", "",
     "G005", "2"],
]


@pytest.fixture
def registry(db: Database) -> Database:
    """Two branches, five active cadres and a deactivated one (G006)."""
    with db.connect(write=True) as s:
        add_branch(s, "B001", "城关镇机关党支部", "城关镇")
        add_branch(s, "B002", "东城村党支部", "东城乡")
        for code, name in [("G001", "张伟"), ("G002", "王芳"), ("G003", "李强"), ("G004", "赵敏"),
                           ("G005", "刘洋"), ("G006", "陈静")]:
            add_cadre(s, code, name, branch="B001", top_leader=code == "G001")
        deactivate_cadre(s, "G006", on=date(2020, 1, 1))  # before every session here
    return db


def listed(cli, *args: Any) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = cli("session", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def totals(cli) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Sessions and person-times, as `session list` shows them (voided left out)."""
    rows = listed(cli)
    return len(rows), sum(r["person_times"] for r in rows)


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(result, *messages: str) -> str:  # type: ignore[no-untyped-def]
    """Exit 1, nothing on stdout, each message on stderr."""
    # a missing input file is exit 5, its own code (issue 20)
    code = 5 if any("no such file" in m for m in messages) else 1
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    for m in messages:
        assert m in result.stderr, result.stderr
    return result.stderr


class TestAddSession:
    def test_prints_id_ref_and_person_times(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("add-session", "--date", "2020-04-03", "--track", "policy", "--kind",
                     "assessment", "--title", "研判会", "--hours", "2", "--attendee", "G001",
                     "--attendee", "G002,G003", "--headcount", "4", "--branch", "B001",
                     "--ref", "R-1")
        assert ok(result).startswith("added session ")
        assert result.stdout.rstrip().endswith(", ref R-1: 7 person-times (3 named, headcount 4)")
        assert result.stderr == ""
        [row] = listed(cli)
        assert (row["ref"], row["person_times"], row["hours"], row["branch"]) == \
            ("R-1", 7, 2.0, "B001")
        assert f"added session {row['id']}," in result.stdout

    def test_zh_labels_and_json(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("add-session", "--date", "2020年4月3日", "--track", "专题培训", "--kind", "常规班",
                     "--topic", "干部能力提升", "--title", "能力提升常规班", "--hours", "3",
                     "--attendee", "G001，G002", "--format", "json")
        data = json.loads(ok(result))
        assert {k: data[k] for k in ("ref", "date", "track", "attendees", "person_times")} == \
            {"ref": None, "date": "2020-04-03", "track": "special", "attendees": 2,
             "person_times": 2}
        [row] = listed(cli)
        assert (row["kind"], row["topic"]) == ("regular", "capacity")

    def test_kind_of_another_track_lists_the_allowed(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("add-session", "--date", "2020-04-03", "--track", "policy", "--kind",
                     "remote", "--title", "t", "--attendee", "G001")
        refused(result, "--kind 'remote': is not a kind of the policy track (政策培训); allowed: "
                "assessment (研判会), promotion (推进会), symposium (座谈会), meeting (其他会议)")
        assert listed(cli) == []

    def test_every_problem_listed_nothing_written(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("add-session", "--date", "2020-04-31", "--track", "video", "--title", "t",
                     "--hours", "-1", "--attendee", "G001,G999,G006,G001", "--branch", "B404",
                     "--headcount", "-2")
        err = refused(result, "add-session: 7 problem(s), nothing written",
                      "--date '2020-04-31': is not a real date",
                      "--hours '-1': is outside 0..24",
                      "--headcount '-2': is outside 0..1000000",
                      "--branch 'B404': no such branch",
                      "--attendee 'G999': no such cadre",
                      "--attendee 'G006': cadre is deactivated",
                      "--attendee 'G001': listed twice")
        assert "Traceback" not in err
        assert listed(cli, "--voided") == []

    @pytest.mark.parametrize(("args", "message"), [
        (["--hours", "24.5"], "--hours '24.5': is outside 0..24"),
        (["--date", "yesterday"], "--date 'yesterday': is not a date"),
        (["--track", "在线"], "--track '在线': is not one of policy (政策培训)"),
        (["--attendee", "G006"], "--attendee 'G006': cadre G006 is not active on 2020-04-03; "
         "if that is wrong: `trainlog cadre edit G006 --active --from DATE`"),
        (["--headcount", "0"], "--attendee: a session needs attendees (--attendee, "
         "--attendees-file) or a --headcount"),
    ])
    def test_bad_input(self, registry: Database, cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
        base = {"--date": "2020-04-03", "--track": "policy", "--title": "t"}
        for flag, value in zip(args[::2], args[1::2], strict=True):
            base[flag] = value
        argv = [x for kv in base.items() for x in kv]
        if "--attendee" not in base and "--headcount" not in args:
            argv += ["--attendee", "G001"]
        refused(cli("add-session", *argv), message)
        assert listed(cli, "--voided") == []

    def test_missing_option_is_usage(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli("add-session", "--track", "policy", "--title", "t", "--attendee", "G001")
        assert result.exit_code == 2
        assert "--date" in result.stderr

    def test_ref_twice_refused_then_replaced(self, registry: Database, cli) -> None:  # type: ignore[no-untyped-def]
        args = ["add-session", "--date", "2020-04-03", "--track", "policy", "--title", "研判会",
                "--hours", "2", "--ref", "ROSTER-7"]
        ok(cli(*args, "--attendee", "G001,G002"))
        refused(cli(*args, "--attendee", "G001,G002"),
                "--ref 'ROSTER-7': session", "has this ref already; give --replace to rewrite it")
        assert totals(cli) == (1, 2)  # a cron job re-sending the roster counts no one twice
        result = cli(*args, "--attendee", "G003", "--headcount", "5", "--replace")
        assert "replaced session" in ok(result)
        assert "6 person-times (1 named, headcount 5)" in result.stdout
        assert totals(cli) == (1, 6)
        shown = json.loads(ok(cli("session", "show", "ROSTER-7", "--format", "json")))
        assert [a["cadre"] for a in shown["attendees"]] == ["G003"]

    def test_attendees_file_in_three_forms(self, registry: Database, cli, tmp_path: Path,
                                           write_csv, write_xlsx) -> None:  # type: ignore[no-untyped-def]
        gb = write_csv(tmp_path / "名单.csv", ["干部编号", "姓名", "学时"],
                       [["G001", "张伟", "1"], ["G002", "王芳", ""]], encoding="gb18030")
        xlsx = write_xlsx(tmp_path / "名单.xlsx", ["cadre", "hours"], [["G003", 2.5], ["G004", None]])
        txt = tmp_path / "codes.txt"
        txt.write_text("G005\n", encoding="utf-8")
        for i, f in enumerate([gb, xlsx, txt]):
            ok(cli("add-session", "--date", "2020-04-03", "--track", "video", "--kind", "academy",
                   "--title", "t", "--hours", "3", "--attendees-file", f, "--ref", f"F-{i}"))
        hours = {}
        for i in range(3):
            shown = json.loads(ok(cli("session", "show", f"F-{i}", "--format", "json")))
            hours |= {a["cadre"]: a["hours"] for a in shown["attendees"]}
        assert hours == {"G001": 1.0, "G002": 3.0, "G003": 2.5, "G004": 3.0, "G005": 3.0}
        refused(cli("add-session", "--date", "2020-04-03", "--track", "video", "--title", "t",
                    "--attendees-file", tmp_path / "missing.csv"), "missing.csv: no such file")


class TestSessionImport:
    def test_gb18030_import_then_reimport(self, registry: Database, cli, tmp_path: Path,
                                          write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "四月.csv", ZH_HEADER, APRIL, encoding="gb18030")
        result = cli("session", "import", f)
        assert ok(result) == ("sessions: imported 6 rows: 3 sessions (3 created, 0 updated, "
                              "0 unchanged), 5 attendances, 30 person-times\n")
        assert result.stderr == ""
        assert totals(cli) == (3, 30)
        again = cli("session", "import", f, "--format", "json")
        data = json.loads(ok(again))
        assert {k: data[k] for k in ("rows", "sessions", "created", "updated", "unchanged",
                                     "attendances", "person_times")} == \
            {"rows": 6, "sessions": 3, "created": 0, "updated": 0, "unchanged": 3,
             "attendances": 5, "person_times": 30}
        assert totals(cli) == (3, 30)

    def test_xlsx_with_date_cells(self, registry: Database, cli, tmp_path: Path,
                                  write_xlsx) -> None:  # type: ignore[no-untyped-def]
        rows = [[r[0], dt.date.fromisoformat(r[1]), *r[2:6], float(r[6]), r[7] or None,
                 r[8] or None, int(r[9])] for r in APRIL]
        f = write_xlsx(tmp_path / "april.xlsx", ZH_HEADER, rows)
        ok(cli("session", "import", f))
        assert [(r["ref"], r["date"]) for r in listed(cli)] == [
            ("ZL-04-01", "2020-04-01"), ("ZL-04-02", "2020-04-09"), ("ZL-04-03", "2020-04-20")]
        assert totals(cli) == (3, 30)

    def test_bad_file_refused_with_rows(self, registry: Database, cli, tmp_path: Path,
                                        write_csv) -> None:  # type: ignore[no-untyped-def]
        rows = [r[:] for r in APRIL]
        rows[1][5] = "二季度研判会"  # row 3 disagrees with row 2 on the title
        rows[3][8] = "G999"
        rows[4][6] = "30"
        f = write_csv(tmp_path / "bad.csv", ZH_HEADER, rows)
        refused(cli("session", "import", f), "3 problem(s), nothing written",
                "row 3, column title, value '二季度研判会': disagrees with row 2 of ref ZL-04-01 "
                "(一季度脱贫攻坚形势研判会)",
                "row 5, column cadre, value 'G999': no such cadre",
                "row 6, column hours, value '30': disagrees with row 5 of ref ZL-04-03 (4)")
        assert listed(cli, "--voided") == []

    def test_unknown_column_and_no_header(self, registry: Database, cli, tmp_path: Path,
                                          write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", [*ZH_HEADER[:-1], "人数"], APRIL)
        refused(cli("session", "import", f), "人数: unknown column")
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        refused(cli("session", "import", empty), "the file is empty")
        refused(cli("session", "import", tmp_path / "nowhere.csv"), "no such file")

    def test_dry_run(self, registry: Database, cli, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", ZH_HEADER, APRIL)
        assert ok(cli("session", "import", f, "--dry-run")).startswith(
            "sessions: would import 6 rows: 3 sessions (3 created")
        assert listed(cli) == []

    def test_void_then_reimport_stays_void(self, registry: Database, cli, tmp_path: Path,
                                           write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", ZH_HEADER, APRIL)
        ok(cli("session", "import", f))
        result = cli("session", "void", "ZL-04-02", "--reason", "同一次学习报了两次")
        assert "person-times no longer count" in ok(result)
        assert totals(cli) == (2, 7)
        again = cli("session", "import", f)
        assert "3 sessions (0 created, 0 updated, 3 unchanged)" in ok(again)
        assert "warning: ref ZL-04-02 is void and stays void" in again.stderr
        assert totals(cli) == (2, 7)


class TestListShowVoid:
    @pytest.fixture
    def april(self, registry: Database, cli, tmp_path: Path, write_csv) -> Database:  # type: ignore[no-untyped-def]
        ok(cli("session", "import", write_csv(tmp_path / "s.csv", ZH_HEADER, APRIL)))
        ok(cli("add-session", "--date", "2020-05-06", "--track", "video", "--kind", "xuexi",
               "--title", "学习强国", "--headcount", "9", "--ref", "ZL-05-01"))
        return registry

    def refs(self, cli, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
        return [r["ref"] for r in listed(cli, *args)]

    def test_filters(self, april: Database, cli) -> None:  # type: ignore[no-untyped-def]
        assert self.refs(cli) == ["ZL-04-01", "ZL-04-02", "ZL-04-03", "ZL-05-01"]
        assert self.refs(cli, "--month", "2020-04") == ["ZL-04-01", "ZL-04-02", "ZL-04-03"]
        assert self.refs(cli, "--year", "2020", "--track", "视频培训") == ["ZL-04-02", "ZL-05-01"]
        assert self.refs(cli, "--from", "2020-04-09", "--to", "2020-04-20") == \
            ["ZL-04-02", "ZL-04-03"]
        assert self.refs(cli, "--kind", "重点班") == ["ZL-04-03"]
        assert self.refs(cli, "--branch", "B002") == ["ZL-04-02"]
        refused(cli("session", "list", "--branch", "B9"), "--branch: no branch with code 'B9'")
        refused(cli("session", "list", "--month", "2020-13"), "--month")

    def test_json_keys_and_csv(self, april: Database, cli) -> None:  # type: ignore[no-untyped-def]
        rows = listed(cli)
        assert all(list(r) == LIST_KEYS for r in rows)
        assert {k: rows[2][k] for k in LIST_KEYS if k != "id"} == {
            "ref": "ZL-04-03", "date": "2020-04-20", "track": "special", "kind": "key",
            "topic": "rural-revitalization", "title": "乡村振兴重点班", "hours": 4.0, "branch": None,
            "headcount": 2, "person_times": 5, "void": False, "void_reason": None}
        out = ok(cli("session", "list", "--format", "csv", "--lang", "zh"))
        table = list(csv.DictReader(io.StringIO(out)))
        assert list(table[0]) == LIST_KEYS  # CSV keeps the keys whatever the language
        assert [r["track"] for r in table] == ["policy", "video", "special", "video"]

    def test_zh_table(self, april: Database, cli) -> None:  # type: ignore[no-untyped-def]
        out = ok(cli("--lang", "zh", "session", "list", "--month", "2020-04"))
        for text in ("培训编号", "类别", "人次", "政策培训", "远程教育", "乡村振兴", "重点班"):
            assert text in out
        assert "\x1b[" not in out  # no colour in a pipe

    def test_void_left_out_unless_asked(self, april: Database, cli) -> None:  # type: ignore[no-untyped-def]
        ok(cli("session", "void", "ZL-04-01", "--reason", "重复录入"))
        assert self.refs(cli) == ["ZL-04-02", "ZL-04-03", "ZL-05-01"]
        voided = [r for r in listed(cli, "--voided") if r["ref"] == "ZL-04-01"]
        assert [(r["void"], r["void_reason"], r["person_times"]) for r in voided] == \
            [(True, "重复录入", 2)]
        shown = ok(cli("session", "show", "ZL-04-01"))
        assert "Reason voided" in shown and "重复录入" in shown and "Voided by" in shown
        refused(cli("session", "void", "ZL-04-01", "--reason", "again"), "is void already")
        refused(cli("session", "void", "NOPE", "--reason", "x"), "no session with id or ref 'NOPE'")
        assert cli("session", "void", "ZL-04-02").exit_code == 2  # --reason is required

    def test_show(self, april: Database, cli) -> None:  # type: ignore[no-untyped-def]
        data = json.loads(ok(cli("session", "show", "ZL-04-01", "--format", "json")))
        assert data["attendees"] == [
            {"cadre": "G001", "name": "张伟", "unit": None, "hours": 2.0},
            {"cadre": "G002", "name": "王芳", "unit": None, "hours": 2.0}]
        by_id = json.loads(ok(cli("session", "show", str(data["id"]), "--format", "json")))
        assert by_id == data
        out = ok(cli("--lang", "zh", "session", "show", "ZL-04-01"))
        assert "一季度脱贫攻坚形势研判会" in out and "姓名" in out and "张伟" in out
        attendees = ok(cli("session", "show", "ZL-04-01", "--format", "csv"))
        assert attendees.splitlines() == ["cadre,name,unit,hours", "G001,张伟,,2.0",
                                          "G002,王芳,,2.0"]
        refused(cli("session", "show", "999999"), "no session with id or ref '999999'")
        # past any id either backend can hold: not found, not an OverflowError or DataError
        for huge in ("2147483648", "99999999999999999999"):
            refused(cli("session", "show", huge), f"no session with id or ref '{huge}'")
            refused(cli("session", "void", huge, "--reason", "x"),
                    f"no session with id or ref '{huge}'")


class TestTranscript:
    def test_cadre_show(self, registry: Database, cli, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        ok(cli("session", "import", write_csv(tmp_path / "s.csv", ZH_HEADER, APRIL)))
        common = ["add-session", "--track", "video", "--kind", "academy", "--attendee", "G001"]
        ok(cli(*common, "--date", "2020-05-01", "--title", "网络学院专题", "--hours", "1.5",
               "--ref", "T-1"))
        ok(cli(*common, "--date", "2020-05-02", "--title", "录错了", "--hours", "8",
               "--ref", "T-2"))
        ok(cli(*common, "--date", "2019-12-30", "--title", "去年", "--hours", "1", "--ref", "T-3"))
        ok(cli("session", "void", "T-2", "--reason", "录错了"))
        data = json.loads(ok(cli("cadre", "show", "G001", "--year", "2020", "--format", "json")))
        assert data["by_track"] == [{"track": "policy", "sessions": 1, "hours": 2.0},
                                    {"track": "video", "sessions": 1, "hours": 1.5},
                                    {"track": "special", "sessions": 0, "hours": 0.0}]
        assert data["total"] == {"sessions": 2, "hours": 3.5}
        assert [s["ref"] for s in data["sessions"]] == ["ZL-04-01", "T-1"]
        every = json.loads(ok(cli("cadre", "show", "G001", "--format", "json")))
        assert every["total"] == {"sessions": 3, "hours": 4.5}
        out = ok(cli("--lang", "zh", "cadre", "show", "G001", "--year", "2020"))
        assert "培训档案 2020" in out and "合计" in out and "网络学院专题" in out
        assert "录错了" not in out
        refused(cli("cadre", "show", "G999"), "no cadre with code 'G999'")


def test_no_database(cli) -> None:  # type: ignore[no-untyped-def]
    for args in (["session", "list"], ["add-session", "--date", "2020-04-03", "--track", "policy",
                                       "--title", "t", "--headcount", "3"]):
        refused(cli(*args), "trainlog init")


def test_zhaoling_example_by_hand_and_by_file(cli) -> None:  # type: ignore[no-untyped-def]
    """The example data set: imported, re-imported without double counting, corrected by voiding."""
    ok(cli("init"))
    ok(cli("branch", "import", EXAMPLES / "01_branches.csv"))
    ok(cli("cadre", "import", EXAMPLES / "02_cadres.csv"))
    files = ["03_sessions_policy.xlsx", "04_sessions_video.csv", "05_sessions_special.csv"]
    for name in files:
        ok(cli("session", "import", EXAMPLES / name))
    assert totals(cli) == (1849, 49682)
    for name in files:
        assert "(0 created, 0 updated" in ok(cli("session", "import", EXAMPLES / name))
    assert totals(cli) == (1849, 49682)
    special = listed(cli, "--track", "special", "--to", "2020-06-30")
    assert (len(special), sum(r["person_times"] for r in special)) == (17, 975)
    remote = listed(cli, "--kind", "remote", "--from", "2020-01-01", "--to", "2020-04-03")
    assert (len(remote), len({r["branch"] for r in remote})) == (1034, 371)
    # a session entered by hand, then voided as a duplicate of one already imported
    result = cli("add-session", "--date", "2020-04-03", "--track", "政策培训", "--kind", "座谈会",
                 "--title", "重复的座谈会", "--hours", "2", "--attendee", "G0001,G0002",
                 "--ref", "HAND-1")
    assert "2 person-times" in ok(result)
    assert totals(cli) == (1850, 49684)
    ok(cli("session", "void", "HAND-1", "--reason", "duplicate"))
    assert totals(cli) == (1849, 49682)
