"""Training sessions' core functions, called directly against a temporary database."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from trainlog.errors import InvalidInput, NoInput, TrainlogError
from trainlog.registry import (
    add_branch,
    add_cadre,
    deactivate_cadre,
    import_branches,
    import_cadres,
)
from trainlog.sessions.add import add_session, read_attendees_file
from trainlog.sessions.queries import (
    LIST_KEYS,
    list_sessions,
    show_session,
    transcript,
    void_session,
)
from trainlog.sessions.roster import import_sessions
from trainlog.store.database import Database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "zhaoling2020"
HEADER = ["ref", "date", "track", "kind", "topic", "title", "hours", "branch", "cadre", "headcount"]
ZH_HEADER = ["培训编号", "日期", "类别", "形式", "主题", "培训名称", "学时", "党支部", "干部编号",
             "未具名人数"]


@pytest.fixture
def registry(db: Database) -> Database:
    """Two branches and six cadres; G006 is deactivated."""
    with db.connect(write=True) as s:
        add_branch(s, "B001", "城关镇机关党支部", "城关镇")
        add_branch(s, "B002", "东城村党支部", "东城乡")
        for code, name in [("G001", "张伟"), ("G002", "王芳"), ("G003", "李强"), ("G004", "赵敏"),
                           ("G005", "刘洋"), ("G006", "陈静")]:
            add_cadre(s, code, name, branch="B001")
        deactivate_cadre(s, "G006", on=date(2020, 1, 1))  # before every session here
    return db


def counts(db: Database) -> dict[str, Any]:
    """What every report counts: sessions, attendance rows and person-times of non-void sessions."""
    with db.connect() as conn:
        sessions, person_times = conn.first(
            "SELECT count(*), coalesce(sum(attendee_count + headcount), 0) "
            "FROM training_session WHERE NOT void")
        attendance = conn.scalar(
            "SELECT count(*) FROM attendance a JOIN training_session s ON s.id = a.session_id "
            "WHERE NOT s.void")
        rows = conn.scalar("SELECT count(*) FROM attendance")
        total = conn.scalar("SELECT count(*) FROM training_session")
        # the denormalised count agrees with the attendance rows of every session
        drift = conn.scalar(
            "SELECT count(*) FROM training_session s WHERE s.attendee_count != "
            "(SELECT count(*) FROM attendance a WHERE a.session_id = s.id)")
    assert drift == 0
    return {"sessions": sessions, "attendance": attendance, "person_times": person_times,
            "all_sessions": total, "all_attendance": rows}


def attendance(db: Database, ref: str) -> dict[str, float]:
    """cadre code -> hours of the session with `ref`."""
    with db.connect() as conn:
        return dict(conn.all(
            "SELECT c.code, a.hours FROM cadre c JOIN attendance a ON a.cadre_id = c.id "
            "JOIN training_session s ON s.id = a.session_id WHERE s.ref = :ref", {"ref": ref}))


def add(db: Database, **kwargs: Any) -> dict[str, Any]:
    args = {"date": "2020-04-03", "track": "policy", "title": "脱贫攻坚形势研判会"} | kwargs
    with db.connect(write=True) as s:
        return add_session(s, **args)


def do_import(db: Database, path: Path, **kwargs: Any):  # type: ignore[no-untyped-def]
    with db.connect(write=True, dry_run=kwargs.get("dry_run", False)) as s:
        return import_sessions(s, path, **kwargs)


def problems(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [str(p) for p in exc.value.problems]


class TestAddSession:
    """add-session: one session, its attendees, every problem at once."""

    def test_attendees_get_the_session_hours(self, registry: Database) -> None:
        out = add(registry, kind="assessment", hours="2.5", attendees=["G001", "G002,G003"],
                  ref="R-1", branch="B001")
        assert (out["ref"], out["attendees"], out["headcount"], out["person_times"]) == \
            ("R-1", 3, 0, 3)
        assert attendance(registry, "R-1") == {"G001": 2.5, "G002": 2.5, "G003": 2.5}
        with registry.connect() as s:
            row = show_session(s, "R-1")
        assert (row["id"], row["track"], row["kind"], row["branch"], row["hours"]) == \
            (out["id"], "policy", "assessment", "B001", 2.5)

    def test_zh_labels_and_date_forms(self, registry: Database) -> None:
        add(registry, date="2020年4月3日", track="专题培训", kind="重点班", topic="乡村振兴",
            attendees=["G001，G002、G003"], headcount=7, ref="R-1")
        add(registry, date="2020/4/5", track="视频培训", kind="远程教育", headcount=12, ref="R-2")
        with registry.connect() as s:
            rows = list_sessions(s)
        assert [(r["date"], r["track"], r["kind"], r["topic"], r["person_times"]) for r in rows] == [
            ("2020-04-03", "special", "key", "rural-revitalization", 10),
            ("2020-04-05", "video", "remote", None, 12)]

    def test_topic_on_any_track(self, registry: Database) -> None:
        add(registry, kind="meeting", topic="collective-economy", attendees=["G001"], ref="R-1")
        with registry.connect() as s:
            assert show_session(s, "R-1")["topic"] == "collective-economy"

    def test_headcount_alone(self, registry: Database) -> None:
        out = add(registry, track="video", kind="remote", headcount=40, hours=2, branch="B002")
        assert (out["attendees"], out["person_times"], out["ref"]) == (0, 40, None)
        assert counts(registry)["person_times"] == 40

    def test_every_problem_at_once_nothing_written(self, registry: Database) -> None:
        with pytest.raises(InvalidInput) as exc:
            add(registry, date="2020-02-30", kind="remote", hours="25", topic="farming",
                attendees=["G001,G001", "G999", "G006"], branch="B999", ref="R 1", headcount="-1")
        assert problems(exc) == [
            "--date '2020-02-30': is not a real date (day is out of range for month)",
            "--kind 'remote': is not a kind of the policy track (政策培训); allowed: assessment "
            "(研判会), promotion (推进会), symposium (座谈会), meeting (其他会议)",
            "--topic 'farming': is not one of rural-revitalization (乡村振兴), poverty-industry "
            "(扶贫产业), collective-economy (壮大村集体经济), capacity (干部能力提升), other (其他)",
            "--hours '25': is outside 0..24",
            "--headcount '-1': is outside 0..1000000",
            "--branch 'B999': no such branch",
            "--ref 'R 1': contains spaces; a ref is one word",
            "--attendee 'G001': listed twice (--attendee and --attendee)",
            "--attendee 'G999': no such cadre",
            "--attendee 'G006': cadre is deactivated; reactivate with "
            "`trainlog cadre edit --active` first",
        ]
        assert "10 problem(s), nothing written" in str(exc.value)
        assert counts(registry)["all_sessions"] == 0

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"date": "next tuesday"}, "--date 'next tuesday': is not a date (use YYYY-MM-DD"),
        ({"hours": "-0.5"}, "--hours '-0.5': is outside 0..24"),
        ({"hours": "24.5"}, "--hours '24.5': is outside 0..24"),
        ({"hours": "two"}, "--hours 'two': is not a number"),
        ({"track": "online"}, "--track 'online': is not one of policy (政策培训)"),
        ({"track": ""}, "--track: is required"),
        ({"title": " "}, "--title: is required"),
        ({"track": "video", "kind": "研判会"}, "--kind '研判会': is not a kind of the video track "
         "(视频培训); allowed: academy (干部网络学院), xuexi (学习强国), remote (远程教育)"),
    ])
    def test_bad_field(self, registry: Database, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            add(registry, attendees=["G001"], **kwargs)
        assert len(exc.value.problems) == 1
        assert problems(exc)[0].startswith(message)
        assert counts(registry)["all_sessions"] == 0

    def test_neither_attendees_nor_headcount(self, registry: Database) -> None:
        with pytest.raises(InvalidInput) as exc:
            add(registry, headcount=0)
        assert problems(exc) == ["--attendee: a session needs attendees (--attendee, "
                                 "--attendees-file) or a --headcount"]

    def test_ref_is_refused_twice_then_replaced(self, registry: Database) -> None:
        first = add(registry, hours=2, attendees=["G001", "G002"], ref="ZL-2020-04-01")
        with pytest.raises(InvalidInput) as exc:
            add(registry, hours=2, attendees=["G003"], ref="ZL-2020-04-01")
        assert problems(exc) == [f"--ref 'ZL-2020-04-01': session {first['id']} (2020-04-03 "
                                 "脱贫攻坚形势研判会) has this ref already; give --replace to "
                                 "rewrite it"]
        assert attendance(registry, "ZL-2020-04-01") == {"G001": 2.0, "G002": 2.0}
        again = add(registry, date="2020-04-04", title="改期", hours=3, attendees=["G002", "G003"],
                    headcount=5, ref="ZL-2020-04-01", replace=True)
        assert (again["id"], again["replaced"], again["person_times"]) == (first["id"], True, 7)
        assert attendance(registry, "ZL-2020-04-01") == {"G002": 3.0, "G003": 3.0}
        assert counts(registry) == {"sessions": 1, "attendance": 2, "person_times": 7,
                                    "all_sessions": 1, "all_attendance": 2}
        with registry.connect() as s:
            row = show_session(s, "ZL-2020-04-01")
        assert (row["date"], row["title"], row["headcount"]) == ("2020-04-04", "改期", 5)

    def test_replace_of_a_new_ref_is_refused(self, registry: Database) -> None:
        """--replace is a correction of a stored session: for a ref no session has, it would
        add one the user meant to correct (issue 16). Nothing is written."""
        with pytest.raises(InvalidInput) as err:
            add(registry, attendees=["G001"], ref="R-9", replace=True)
        assert "no session has this ref" in str(err.value.problems)
        assert counts(registry)["sessions"] == 0
        out = add(registry, attendees=["G001"], ref="R-9")
        assert (out["replaced"], out["person_times"]) == (False, 1)

    def test_replace_keeps_a_void_session_void(self, registry: Database) -> None:
        add(registry, attendees=["G001"], ref="R-1")
        with registry.connect(write=True) as s:
            void_session(s, "R-1", "entered twice")
        out = add(registry, attendees=["G001", "G002"], ref="R-1", replace=True)
        assert out["void"] is True
        assert counts(registry)["sessions"] == 0
        assert attendance(registry, "R-1") == {"G001": 0.0, "G002": 0.0}

    def test_deactivated_cadre_stays_on_a_replaced_session(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            add_cadre(s, "G007", "周杰")
        add(registry, attendees=["G007", "G001"], ref="R-1")
        with registry.connect(write=True) as s:
            deactivate_cadre(s, "G007", on=date(2020, 4, 4))  # the day after R-1's
        add(registry, hours=1, attendees=["G007", "G001", "G002"], ref="R-1", replace=True)
        assert attendance(registry, "R-1") == {"G007": 1.0, "G001": 1.0, "G002": 1.0}
        with pytest.raises(InvalidInput, match="'G006': cadre G006 is not active on 2020-04-03"):
            add(registry, attendees=["G006"], ref="R-1", replace=True)

    def test_attendees_file_csv_with_hours(self, registry: Database, tmp_path: Path,
                                           write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "roster.csv", ["cadre", "name", "hours"],
                      [["G001", "张伟", "1.5"], ["G002", "", ""], ["G003", "李强", "4"]])
        out = add(registry, hours="2", attendees_file=f, attendees=["G004"], ref="R-1")
        assert out["person_times"] == 4
        assert attendance(registry, "R-1") == {"G001": 1.5, "G002": 2.0, "G003": 4.0, "G004": 2.0}

    def test_attendees_file_gb18030_zh_headers(self, registry: Database, tmp_path: Path,
                                               write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "名单.csv", ["干部编号", "姓名", "单位", "学时"],
                      [["G001", "张伟", "区委办", "3"], ["G005", "刘洋", "城关镇", ""]],
                      encoding="gb18030")
        assert b"\xd5\xc5\xce\xb0" in f.read_bytes()  # 张伟 in GB18030, not UTF-8
        add(registry, hours="1", attendees_file=f, ref="R-1")
        assert attendance(registry, "R-1") == {"G001": 3.0, "G005": 1.0}

    def test_attendees_file_xlsx_with_numbers(self, registry: Database, tmp_path: Path,
                                              write_xlsx) -> None:  # type: ignore[no-untyped-def]
        with registry.connect(write=True) as s:
            add_cadre(s, "1001", "孙丽")  # a code Excel keeps as a number
        f = write_xlsx(tmp_path / "roster.xlsx", ["编号", "学时"], [[1001, 2.5], ["G002", None]])
        add(registry, hours=1, attendees_file=f, ref="R-1")
        assert attendance(registry, "R-1") == {"1001": 2.5, "G002": 1.0}

    def test_attendees_file_text_list(self, registry: Database, tmp_path: Path) -> None:
        f = tmp_path / "codes.txt"
        f.write_text("# 4月3日到会\nG001\nG002, G003\n\nG004 G005  # 迟到\n", encoding="utf-8")
        assert [a.code for a in read_attendees_file(f)] == ["G001", "G002", "G003", "G004", "G005"]
        assert add(registry, attendees_file=f)["person_times"] == 5

    def test_attendees_file_problems_name_file_and_row(self, registry: Database, tmp_path: Path,
                                                       write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "roster.csv", ["干部编号", "姓名", "学时"],
                      [["G001", "张伟", "30"], ["G002", "李强", ""], ["G999", "", ""],
                       ["G001", "", ""]])
        with pytest.raises(InvalidInput) as exc:
            add(registry, hours=2, attendees_file=f, attendees=["G003"])
        assert problems(exc) == [
            "roster.csv row 2, hours '30': is outside 0..24",
            "roster.csv row 3 'G002': the name '李强' is not this cadre's (王芳)",
            "roster.csv row 4 'G999': no such cadre",
            "roster.csv row 5 'G001': listed twice (roster.csv row 2 and roster.csv row 5)",
        ]

    def test_attendees_file_bad_header_or_missing(self, registry: Database, tmp_path: Path,
                                                  write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "roster.csv", ["工号", "学时"], [["G001", "1"]])
        with pytest.raises(InvalidInput) as exc:
            add(registry, attendees_file=f, headcount=3)
        text = "\n".join(problems(exc))
        assert "roster.csv row 1, 工号: unknown column" in text
        assert "a plain list of codes goes in a .txt file" in text
        with pytest.raises(NoInput, match="nowhere.txt: no such file"):  # exit 5
            add(registry, attendees_file=tmp_path / "nowhere.txt", headcount=3)
        assert counts(registry)["all_sessions"] == 0


class TestImport:
    """session import: long format, all or nothing, idempotent by ref."""

    ROWS = [
        ["P-1", "2020-04-01", "policy", "assessment", "", "一季度研判会", "2", "B001", "G001", "0"],
        ["P-1", "2020-04-01", "policy", "assessment", "", "一季度研判会", "2", "B001", "G002", "0"],
        ["P-1", "2020-04-01", "policy", "assessment", "", "一季度研判会", "2", "B001", "G003", "0"],
        ["V-1", "2020-04-02", "video", "remote", "", "远程教育", "1.5", "B002", "", "25"],
        ["S-1", "2020-04-10", "special", "key", "poverty-industry", "扶贫产业重点班", "4", "",
         "G004", "3"],
        ["S-1", "2020-04-10", "special", "key", "poverty-industry", "扶贫产业重点班", "4", "",
         "G005", "3"],
    ]
    EXPECTED = {"sessions": 3, "attendance": 5, "person_times": 33, "all_sessions": 3,
                "all_attendance": 5}

    def test_utf8_import_and_reimport(self, registry: Database, tmp_path: Path,
                                      write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "sessions.csv", HEADER, self.ROWS)
        first = do_import(registry, f)
        assert (first.rows, first.sessions, first.created, first.updated, first.unchanged,
                first.attendances, first.person_times) == (6, 3, 3, 0, 0, 5, 33)
        assert counts(registry) == self.EXPECTED
        assert attendance(registry, "S-1") == {"G004": 4.0, "G005": 4.0}
        again = do_import(registry, f)
        assert (again.created, again.updated, again.unchanged, again.person_times) == \
            (0, 0, 3, 33)
        assert counts(registry) == self.EXPECTED

    def test_reimport_replaces_attendance_with_the_files(self, registry: Database,
                                                         tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        do_import(registry, write_csv(tmp_path / "a.csv", HEADER, self.ROWS))
        rows = [r[:] for r in self.ROWS if r[8] != "G002"]  # G002 was not there after all
        rows.append(["P-1", "2020-04-01", "policy", "assessment", "", "一季度研判会", "2", "B001",
                     "G005", "0"])
        for r in rows:
            if r[0] == "S-1":
                r[6] = "3.5"  # the class was shorter
        result = do_import(registry, write_csv(tmp_path / "b.csv", HEADER, rows))
        assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
        assert attendance(registry, "P-1") == {"G001": 2.0, "G003": 2.0, "G005": 2.0}
        assert attendance(registry, "S-1") == {"G004": 3.5, "G005": 3.5}
        assert counts(registry) == self.EXPECTED  # same number of rows, different people
        with registry.connect() as s:
            assert show_session(s, "S-1")["hours"] == 3.5

    def test_gb18030_with_zh_headers_and_labels(self, registry: Database, tmp_path: Path,
                                                write_csv) -> None:  # type: ignore[no-untyped-def]
        rows = [["Z-1", "2020年4月3日", "政策培训", "推进会", "乡村振兴", "乡村振兴推进会", "2",
                 "B001", "G001", ""],
                ["Z-1", "2020/4/3", "policy", "promotion", "rural-revitalization",
                 "乡村振兴推进会", "2.0", "B001", "G002", "0"],
                ["Z-2", "2020-04-08", "视频培训", "学习强国", "", "学习强国集中学习", "1", "B002",
                 "", "18"]]
        f = write_csv(tmp_path / "培训.csv", ZH_HEADER, rows, encoding="gb18030")
        result = do_import(registry, f)
        assert (result.sessions, result.attendances, result.person_times) == (2, 2, 20)
        with registry.connect() as s:
            got = [(r["ref"], r["track"], r["kind"], r["topic"], r["branch"])
                   for r in list_sessions(s)]
        assert got == [("Z-1", "policy", "promotion", "rural-revitalization", "B001"),
                       ("Z-2", "video", "xuexi", None, "B002")]

    def test_xlsx_with_date_cells(self, registry: Database, tmp_path: Path,
                                  write_xlsx) -> None:  # type: ignore[no-untyped-def]
        day = dt.datetime(2020, 4, 3)
        rows = [["X-1", day, "专题培训", "专题班", "扶贫产业", "扶贫产业专题班", 3, None, "G001", 0],
                ["X-1", day, "专题培训", "专题班", "扶贫产业", "扶贫产业专题班", 3.0, None, "G002",
                 None],
                ["X-2", dt.date(2020, 5, 6), "policy", "symposium", None, "座谈会", 1.5, "B002",
                 "G003", None]]
        f = write_xlsx(tmp_path / "sessions.xlsx", ZH_HEADER, rows)
        result = do_import(registry, f)
        assert (result.sessions, result.attendances, result.person_times) == (2, 3, 3)
        with registry.connect() as s:
            got = [(r["ref"], r["date"], r["hours"]) for r in list_sessions(s)]
        assert got == [("X-1", "2020-04-03", 3.0), ("X-2", "2020-05-06", 1.5)]
        assert do_import(registry, f).unchanged == 2

    def test_every_bad_row_is_named_nothing_written(self, registry: Database, tmp_path: Path,
                                                    write_csv) -> None:  # type: ignore[no-untyped-def]
        rows = [
            ["A-1", "2020-04-01", "policy", "assessment", "", "研判会", "2", "B001", "G001", ""],
            ["A-1", "2020-04-02", "policy", "assessment", "", "研判会", "2", "B001", "G002", ""],
            ["A-1", "2020-04-01", "policy", "assessment", "", "研判会", "2", "B001", "G001", ""],
            ["A-2", "2020-13-01", "policy", "remote", "", "会", "25", "B999", "G999", ""],
            ["A-3", "2020-04-03", "video", "remote", "", "远程教育", "1", "B001", "G006", ""],
            ["", "2020-04-03", "video", "remote", "", "远程教育", "1", "B001", "", "3"],
            ["A-4", "2020-04-03", "special", "key", "", "重点班", "1", "", "", "0"],
            ["A 5", "2020-04-03", "special", "key", "", "重点班", "1", "", "", "4"],
        ]
        f = write_csv(tmp_path / "bad.csv", HEADER, rows)
        with pytest.raises(InvalidInput) as exc:
            do_import(registry, f)
        assert problems(exc) == [
            "row 3, column date, value '2020-04-02': disagrees with row 2 of ref A-1 (2020-04-01)",
            "row 4, column cadre, value 'G001': listed twice in ref A-1 (rows 2 and 4)",
            "row 5, column cadre, value 'G999': no such cadre",
            "row 5, column date, value '2020-13-01': is not a real date (month must be in 1..12)",
            "row 5, column kind, value 'remote': is not a kind of the policy track (政策培训); "
            "allowed: assessment (研判会), promotion (推进会), symposium (座谈会), "
            "meeting (其他会议)",
            "row 5, column hours, value '25': is outside 0..24",
            "row 5, column branch, value 'B999': no such branch",
            "row 6, column cadre, value 'G006': cadre G006 is not active on 2020-04-03; if that "
            "is wrong: `trainlog cadre edit G006 --active --from DATE`",
            "row 7, column ref: is required",
            "row 8, column cadre: ref A-4 has neither a named attendee (cadre) nor a headcount",
            "row 9, column ref, value 'A 5': contains spaces; a ref is one word",
        ]
        assert str(exc.value).startswith(f"{f}: 11 problem(s), nothing written")
        assert counts(registry)["all_sessions"] == 0

    def test_one_bad_row_writes_nothing(self, registry: Database, tmp_path: Path,
                                        write_csv) -> None:  # type: ignore[no-untyped-def]
        rows = [*self.ROWS, ["S-2", "2020-04-31", "special", "key", "", "重点班", "1", "", "G001",
                             ""]]
        with pytest.raises(InvalidInput, match=r"row 8, column date"):
            do_import(registry, write_csv(tmp_path / "s.csv", HEADER, rows))
        assert counts(registry)["all_sessions"] == 0

    def test_header_problems(self, registry: Database, tmp_path: Path,
                             write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", ["ref", "date", "track", "titel", "cadre"], [])
        with pytest.raises(InvalidInput) as exc:
            do_import(registry, f)
        text = "\n".join(problems(exc))
        assert "titel: unknown column" in text
        assert "title/培训名称: required column missing" in text

    def test_header_only_imports_nothing(self, registry: Database, tmp_path: Path,
                                         write_csv) -> None:  # type: ignore[no-untyped-def]
        result = do_import(registry, write_csv(tmp_path / "s.csv", ZH_HEADER, []))
        assert (result.rows, result.sessions) == (0, 0)

    def test_dry_run_writes_nothing(self, registry: Database, tmp_path: Path,
                                    write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", HEADER, self.ROWS)
        result = do_import(registry, f, dry_run=True)
        assert (result.dry_run, result.created, result.person_times) == (True, 3, 33)
        assert counts(registry)["all_sessions"] == 0

    def test_void_session_stays_void(self, registry: Database, tmp_path: Path,
                                     write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", HEADER, self.ROWS)
        do_import(registry, f)
        with registry.connect(write=True) as s:
            voided = void_session(s, "V-1", "the branch reported it twice")
        assert counts(registry)["person_times"] == 33 - 25
        result = do_import(registry, f)
        assert result.warnings == [f"ref V-1 is void and stays void (session {voided['id']}); "
                                   "its attendance is replaced with the file's"]
        assert counts(registry)["person_times"] == 33 - 25
        with registry.connect() as s:
            row = show_session(s, "V-1")
        assert (row["void"], row["void_reason"]) == (True, "the branch reported it twice")

    def test_deactivated_cadre_reimported_on_old_session(self, registry: Database,
                                                         tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        f = write_csv(tmp_path / "s.csv", HEADER, self.ROWS)
        do_import(registry, f)
        with registry.connect(write=True) as s:
            deactivate_cadre(s, "G001", on=date(2020, 4, 5))  # after the file's sessions
        assert do_import(registry, f).unchanged == 3  # the cron job keeps running
        rows = [*self.ROWS, ["S-1", "2020-04-10", "special", "key", "poverty-industry",
                             "扶贫产业重点班", "4", "", "G001", "3"]]
        with pytest.raises(InvalidInput, match="row 8, column cadre, value 'G001': cadre G001 is "
                           "not active on 2020-04-10"):
            do_import(registry, write_csv(tmp_path / "t.csv", HEADER, rows))


class TestListShowVoid:
    """session list / show / void."""

    @pytest.fixture
    def month(self, registry: Database) -> Database:
        add(registry, date="2020-03-31", kind="symposium", attendees=["G001"], ref="M-0")
        add(registry, date="2020-04-01", kind="assessment", attendees=["G001", "G002"],
            ref="M-1", branch="B001", hours=2)
        add(registry, date="2020-04-15", track="video", kind="remote", headcount=30, ref="M-2",
            branch="B002", hours=1)
        add(registry, date="2020-04-30", track="special", kind="regular", topic="capacity",
            attendees=["G003"], headcount=2, ref="M-3", hours=3)
        add(registry, date="2021-01-02", track="video", kind="xuexi", headcount=5, ref="M-4")
        return registry

    def refs(self, db: Database, **kwargs: Any) -> list[str]:
        from trainlog.dates import resolve_period

        period = kwargs.pop("period", None)
        with db.connect() as s:
            return [r["ref"] for r in list_sessions(
                s, resolve_period(**period) if period else None, **kwargs)]

    def test_periods_and_filters(self, month: Database) -> None:
        assert self.refs(month) == ["M-0", "M-1", "M-2", "M-3", "M-4"]
        assert self.refs(month, period={"month": "2020-04"}) == ["M-1", "M-2", "M-3"]
        assert self.refs(month, period={"year": 2020}) == ["M-0", "M-1", "M-2", "M-3"]
        assert self.refs(month, period={"start": "2020-03-31", "end": "2020-04-01"}) == \
            ["M-0", "M-1"]
        assert self.refs(month, track="视频培训") == ["M-2", "M-4"]
        assert self.refs(month, track="video", kind="远程教育") == ["M-2"]
        assert self.refs(month, kind="assessment") == ["M-1"]
        assert self.refs(month, branch="B002") == ["M-2"]

    def test_bad_filters(self, month: Database) -> None:
        with pytest.raises(TrainlogError, match="--branch: no branch with code 'B9'"):
            self.refs(month, branch="B9")
        with pytest.raises(TrainlogError, match="--kind: .remote. is not a kind of the policy"):
            self.refs(month, track="policy", kind="remote")

    def test_keys(self, month: Database) -> None:
        with month.connect() as s:
            rows = list_sessions(s)
        assert all(list(r) == LIST_KEYS for r in rows)
        m3 = rows[3]
        assert {k: m3[k] for k in LIST_KEYS if k != "id"} == {
            "ref": "M-3", "date": "2020-04-30", "track": "special", "kind": "regular",
            "topic": "capacity", "title": "脱贫攻坚形势研判会", "hours": 3.0, "branch": None,
            "headcount": 2, "person_times": 3, "void": False, "void_reason": None}

    def test_void_kept_left_out_and_shown(self, month: Database) -> None:
        before = counts(month)
        with month.connect(write=True) as s:
            out = void_session(s, "M-1", "duplicate of M-0")
        assert out["person_times"] == 2
        after = counts(month)
        assert (after["sessions"], after["attendance"], after["person_times"]) == \
            (before["sessions"] - 1, before["attendance"] - 2, before["person_times"] - 2)
        assert (after["all_sessions"], after["all_attendance"]) == \
            (before["all_sessions"], before["all_attendance"])  # kept
        assert "M-1" not in self.refs(month)
        with month.connect() as s:
            voided = [r for r in list_sessions(s, voided=True) if r["ref"] == "M-1"][0]
            shown = show_session(s, str(out["id"]))
        assert (voided["void"], voided["void_reason"]) == (True, "duplicate of M-0")
        assert (shown["void"], shown["voided_by"], len(shown["attendees"])) == (True, "test", 2)
        with pytest.raises(TrainlogError, match="void already"), month.connect(write=True) as s:
            void_session(s, "M-1", "again")
        with pytest.raises(TrainlogError, match="--reason: is required"), \
                month.connect(write=True) as s:
            void_session(s, "M-2", "  ")

    def test_show_by_id_or_ref(self, month: Database) -> None:
        with month.connect() as s:
            by_ref = show_session(s, "M-1")
            by_id = show_session(s, str(by_ref["id"]))
            with pytest.raises(TrainlogError, match="no session with id or ref 'M-9'"):
                show_session(s, "M-9")
        assert by_ref == by_id
        assert by_ref["attendees"] == [
            {"cadre": "G001", "name": "张伟", "unit": None, "hours": 2.0},
            {"cadre": "G002", "name": "王芳", "unit": None, "hours": 2.0}]
        assert by_ref["created_by"] == "test"


class TestTranscript:
    def test_by_track_voided_left_out(self, registry: Database) -> None:
        add(registry, date="2020-03-02", kind="assessment", attendees=["G001"], hours=2, ref="T-1")
        add(registry, date="2020-04-02", track="video", kind="remote", attendees=["G001", "G002"],
            hours=1.5, ref="T-2")
        add(registry, date="2020-05-02", track="special", kind="key", attendees=["G001"],
            hours=4, ref="T-3")
        add(registry, date="2020-06-02", track="special", kind="key", attendees=["G001"],
            hours=6, ref="T-4")
        add(registry, date="2021-01-05", kind="meeting", attendees=["G001"], hours=1, ref="T-5")
        with registry.connect(write=True) as s:
            void_session(s, "T-4", "cancelled")
        with registry.connect() as s:
            all_years = transcript(s, "G001")
            year = transcript(s, "G001", 2020)
            other = transcript(s, "G002")
        assert [r["ref"] for r in all_years["sessions"]] == ["T-1", "T-2", "T-3", "T-5"]
        assert all_years["by_track"] == [
            {"track": "policy", "sessions": 2, "hours": 3.0},
            {"track": "video", "sessions": 1, "hours": 1.5},
            {"track": "special", "sessions": 1, "hours": 4.0}]
        assert all_years["total"] == {"sessions": 4, "hours": 8.5}
        assert year["total"] == {"sessions": 3, "hours": 7.5}
        assert other["total"] == {"sessions": 1, "hours": 1.5}
        with pytest.raises(TrainlogError, match="no cadre with code 'G999'"), \
                registry.connect() as s:
            transcript(s, "G999")


class TestZhaolingExample:
    """The example data set imports, re-imports without double counting, and keeps its figures."""

    FILES = ["03_sessions_policy.xlsx", "04_sessions_video.csv", "05_sessions_special.csv"]
    #: (sessions, attendances, person-times) per file
    FIGURES = [(15, 362, 545), (1817, 0, 48162), (17, 843, 975)]

    def test_import_twice(self, db: Database) -> None:
        from trainlog.store.checks import run_checks

        with db.connect(write=True) as s:
            import_branches(s, EXAMPLES / "01_branches.csv")
            import_cadres(s, EXAMPLES / "02_cadres.csv")
        for name, (n, named, pt) in zip(self.FILES, self.FIGURES, strict=True):
            result = do_import(db, EXAMPLES / name)
            assert (result.sessions, result.created, result.attendances, result.person_times) == \
                (n, n, named, pt)
        expected = {"sessions": 1849, "attendance": 1205, "person_times": 49682,
                    "all_sessions": 1849, "all_attendance": 1205}
        assert counts(db) == expected
        for name, (n, named, pt) in zip(self.FILES, self.FIGURES, strict=True):
            result = do_import(db, EXAMPLES / name)
            assert (result.created, result.updated, result.unchanged, result.attendances,
                    result.person_times) == (0, 0, n, named, pt)
        assert counts(db) == expected
        assert run_checks(db)["ok"]
        self.check_source_figures(db)

    def check_source_figures(self, db: Database) -> None:
        """The figures examples/zhaoling2020/README.md quotes from the source document."""
        with db.connect() as conn:
            top_leaders = conn.scalar(
                "SELECT count(*) FROM attendance a JOIN training_session s ON s.id = a.session_id "
                "JOIN cadre c ON c.id = a.cadre_id "
                "WHERE s.track = 'policy' AND s.date <= :end AND c.top_leader",
                {"end": dt.date(2020, 4, 3)})
            special = conn.scalar(
                "SELECT sum(attendee_count + headcount) FROM training_session "
                "WHERE track = 'special' AND date <= :end", {"end": dt.date(2020, 6, 30)})
            remote, branches = conn.first(
                "SELECT count(*), count(DISTINCT branch_id) FROM training_session "
                "WHERE kind = 'remote' AND date <= :end", {"end": dt.date(2020, 4, 3)})
        assert (top_leaders, special, remote, branches) == (219, 975, 1034, 371)
