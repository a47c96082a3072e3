"""The training-needs survey: answers added, imported, listed, and reported against classes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from trainlog.dates import resolve_period
from trainlog.errors import InvalidInput, TrainlogError
from trainlog.registry import add_cadre, deactivate_cadre
from trainlog.sessions.add import add_session
from trainlog.sessions.queries import void_session
from trainlog.store.database import Database
from trainlog.survey import add_answer, import_answers, list_answers, parse_topics, survey_report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "zhaoling2020"
HEADER = ["日期", "方式", "主题", "班次", "干部编号", "对象", "备注"]


@pytest.fixture
def people(db: Database) -> Database:
    """Four cadres, one of them deactivated later."""
    with db.connect(write=True) as s:
        for code, name in [("G001", "张伟"), ("G002", "王芳"), ("G003", "李强"), ("G004", "赵敏")]:
            add_cadre(s, code, name, poverty_cadre=True)
        deactivate_cadre(s, "G004")
    return db


@pytest.fixture
def surveyed(people: Database) -> Database:
    """Six answers in January–February 2020 and one in 2019, and special classes on two topics.

    Demand in 2020: poverty-industry 4, rural-revitalization 2, capacity 1, other 2
    (直播带货 twice, 线上课程 once, once with no text), collective-economy 0.
    Supply in 2020: poverty-industry 2 classes (3 named + 10 headcount, 2 named), one more
    voided; capacity 1 class (1 named); a policy meeting on rural revitalization (not a class).
    """
    with people.connect(write=True) as s:
        add_answer(s, date="2020-01-06", method="visit", topics=["扶贫产业", "乡村振兴"],
                   respondent="东城村两委班子", tier="专题班")
        add_answer(s, date="2020-01-07", method="电话问询", topics=["poverty-industry"],
                   cadre="G001", tier="regular")
        add_answer(s, date="2020-01-08", method="questionnaire",
                   topics=["poverty-industry;other:直播带货"], cadre="G002")
        add_answer(s, date="2020-02-10", method="个别访谈",
                   topics=["其他：直播带货", "干部能力提升"], cadre="G003", tier="key",
                   note="希望邀请农业专家授课")
        add_answer(s, date="2020-02-11", method="symposium", topics=["扶贫产业、乡村振兴"],
                   respondent="城关镇机关")
        add_answer(s, date="2020-02-12", method="questionnaire", topics=["other", "其他:线上课程"])
        add_answer(s, date="2019-12-30", method="phone", topics=["collective-economy"],
                   cadre="G001")
    with people.connect(write=True) as s:
        add_session(s, date="2020-03-12", track="special", kind="regular", topic="扶贫产业",
                    title="扶贫产业常规班（第1期）", hours=3, attendees=["G001", "G002", "G003"],
                    headcount=10)
        add_session(s, date="2020-04-02", track="special", kind="key", topic="poverty-industry",
                    title="扶贫产业重点班", hours=4, attendees=["G001,G002"], ref="S2")
        add_session(s, date="2020-04-09", track="special", kind="key", topic="poverty-industry",
                    title="录错的一期", hours=4, attendees=["G003"], ref="WRONG")
        void_session(s, "WRONG", "entered twice")
        add_session(s, date="2020-05-14", track="special", kind="thematic", topic="capacity",
                    title="干部能力提升专题班", hours=6, attendees=["G003"])
        add_session(s, date="2020-05-20", track="policy", kind="promotion",
                    topic="rural-revitalization", title="乡村振兴推进会", attendees=["G001"])
        add_session(s, date="2021-01-05", track="special", kind="key", topic="乡村振兴",
                    title="下一年的班", attendees=["G001"])
    return people


def counts(db: Database) -> tuple[int, int]:
    with db.connect() as conn:
        return (conn.scalar("SELECT count(id) FROM survey_answer"),
                conn.scalar("SELECT count(id) FROM survey_topic"))


class TestParseTopics:
    """Topics are keys or labels, separated by ; ；or 、; only `other` carries a text."""

    def test_keys_labels_and_separators(self) -> None:
        assert parse_topics("扶贫产业、rural-revitalization;壮大村集体经济 ；capacity") == [
            ("poverty-industry", None), ("rural-revitalization", None),
            ("collective-economy", None), ("capacity", None)]

    def test_other_with_text(self) -> None:
        assert parse_topics("other:直播带货") == [("other", "直播带货")]
        assert parse_topics("其他：直播带货") == [("other", "直播带货")]
        assert parse_topics("其他") == [("other", None)]

    def test_a_topic_twice_is_asked_once(self) -> None:
        assert parse_topics("扶贫产业;poverty-industry") == [("poverty-industry", None)]

    def test_text_on_a_named_topic_is_refused(self) -> None:
        with pytest.raises(TrainlogError, match="only other"):
            parse_topics("扶贫产业:电商")

    @pytest.mark.parametrize("value", ["", " ; 、", None])
    def test_empty_is_refused(self, value: str | None) -> None:
        with pytest.raises(TrainlogError, match="required"):
            parse_topics(value)

    def test_unknown_topic_is_refused(self) -> None:
        with pytest.raises(TrainlogError, match="'电商' is not one of"):
            parse_topics("扶贫产业、电商")


class TestAdd:
    """`survey add` records one answer with its topics, checking everything at once."""

    def test_stores_the_answer(self, people: Database) -> None:
        with people.connect(write=True) as s:
            out = add_answer(s, date="2020年1月6日", method="走访",
                             topics=["扶贫产业", "other:电商"], respondent=" 东城村两委班子 ",
                             tier="重点班", note="多讲实例")
        assert out == {"id": 1, "date": "2020-01-06", "method": "visit",
                       "topic": ["poverty-industry", "other:电商"], "tier": "key", "cadre": None,
                       "respondent": "东城村两委班子", "note": "多讲实例"}
        with people.connect() as s:
            assert list_answers(s) == [out]

    def test_cadre_and_respondent_both_is_an_error(self, people: Database) -> None:
        with people.connect(write=True) as s, pytest.raises(InvalidInput) as err:
            add_answer(s, date="2020-01-06", method="visit", topics=["capacity"],
                       cadre="G001", respondent="someone")
        assert [p.column for p in err.value.problems] == ["respondent"]
        assert counts(people) == (0, 0)

    def test_every_problem_at_once(self, people: Database) -> None:
        with people.connect(write=True) as s, pytest.raises(InvalidInput) as err:
            add_answer(s, date="2020-02-30", method="email", topics=["电商"], cadre="G999",
                       tier="top")
        assert sorted(p.column for p in err.value.problems) == [
            "cadre", "date", "method", "tier", "topic"]
        assert counts(people) == (0, 0)

    def test_an_inactive_cadre_may_have_answered(self, people: Database) -> None:
        with people.connect(write=True) as s:
            assert add_answer(s, date="2020-01-06", method="phone", topics=["capacity"],
                              cadre="G004")["cadre"] == "G004"

    def test_an_identical_answer_needs_again(self, people: Database) -> None:
        answer = {"date": "2020-01-06", "method": "phone", "topics": ["capacity", "扶贫产业"],
                  "cadre": "G001"}
        with people.connect(write=True) as s:
            add_answer(s, **answer)
        with people.connect(write=True) as s, pytest.raises(TrainlogError, match="answer 1 is "
                                                            "identical.*--again"):
            add_answer(s, **answer | {"topics": ["poverty-industry", "capacity"]})
        with people.connect(write=True) as s:
            assert add_answer(s, **answer, again=True)["id"] == 2
            add_answer(s, **answer | {"note": "另一次"})  # not identical
        assert counts(people) == (3, 6)


class TestImport:
    """`survey import`: all or nothing, row-numbered problems, and safe to run again."""

    ROWS = [
        ["2020-01-06", "走访", "扶贫产业、乡村振兴", "专题班", "", "东城村两委班子", "多讲实例"],
        ["2020/1/7", "电话问询", "poverty-industry", "regular", "G001", "", ""],
        ["2020-01-08", "问卷调查", "扶贫产业;其他:直播带货", "", "G002", "", ""],
        ["2020-01-09", "问卷调查", "干部能力提升", "", "", "", ""],
    ]

    def test_imports_zh_headers(self, people: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER, self.ROWS, encoding="gb18030")
        with people.connect(write=True) as s:
            result = import_answers(s, path)
        assert result.as_dict() == {"rows": 4, "created": 4, "skipped": 0, "topics": 6,
                                    "dry_run": False}
        with people.connect() as s:
            rows = list_answers(s)
        assert [(r["date"], r["method"], r["topic"], r["tier"], r["cadre"], r["respondent"])
                for r in rows] == [
            ("2020-01-06", "visit", ["poverty-industry", "rural-revitalization"], "thematic",
             None, "东城村两委班子"),
            ("2020-01-07", "phone", ["poverty-industry"], "regular", "G001", None),
            ("2020-01-08", "questionnaire", ["poverty-industry", "other:直播带货"], None, "G002",
             None),
            ("2020-01-09", "questionnaire", ["capacity"], None, None, None),
        ]

    def test_xlsx_with_date_cells_and_key_headers(self, people: Database, tmp_path: Path,
                                                  write_xlsx) -> None:  # type: ignore[no-untyped-def]
        path = write_xlsx(tmp_path / "s.xlsx", ["date", "method", "topic", "cadre"],
                          [[date(2020, 2, 3), "interview", "capacity", "G003"],
                           [date(2020, 2, 4), "座谈", "乡村振兴、壮大村集体经济", None]])
        with people.connect(write=True) as s:
            assert import_answers(s, path).created == 2
        with people.connect() as s:
            assert [r["date"] for r in list_answers(s)] == ["2020-02-03", "2020-02-04"]

    def test_bad_rows_are_refused_with_their_numbers(self, people: Database, tmp_path: Path,
                                                     write_csv) -> None:  # type: ignore[no-untyped-def]
        rows = [*self.ROWS,
                ["2020-01-10", "email", "扶贫产业", "", "", "", ""],           # row 6
                ["2020-01-11", "走访", "", "", "", "", ""],                     # row 7
                ["2020-01-12", "走访", "扶贫产业", "", "G999", "", ""],         # row 8
                ["2020-01-13", "走访", "扶贫产业", "", "G001", "某村", ""],     # row 9
                ["2020-13-01", "走访", "扶贫产业:电商", "大班", "", "", ""]]    # row 10
        path = write_csv(tmp_path / "s.csv", HEADER, rows)
        with people.connect(write=True) as s, pytest.raises(InvalidInput) as err:
            import_answers(s, path)
        assert [(p.row, p.column) for p in err.value.problems] == [
            (6, "method"), (7, "topic"), (8, "cadre"), (9, "respondent"),
            (10, "date"), (10, "topic"), (10, "tier")]
        assert "row 8, column cadre, value 'G999': no such cadre" in str(err.value)
        assert counts(people) == (0, 0)

    def test_unknown_column_is_refused(self, people: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", ["日期", "方式", "主题", "部门"],
                         [["2020-01-06", "走访", "扶贫产业", "x"]])
        with people.connect(write=True) as s, pytest.raises(InvalidInput, match="部门"):
            import_answers(s, path)

    def test_importing_again_adds_nothing(self, people: Database, tmp_path: Path,
                                          write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER, self.ROWS)
        with people.connect(write=True) as s:
            import_answers(s, path)
        with people.connect(write=True) as s:
            again = import_answers(s, path)
        assert (again.created, again.skipped) == (0, 4)
        assert counts(people) == (4, 6)

    def test_identical_rows_in_a_file_are_kept_and_not_doubled(
            self, people: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        anonymous = ["2020-01-09", "问卷调查", "干部能力提升", "", "", "", ""]
        first = write_csv(tmp_path / "a.csv", HEADER, [anonymous, anonymous])
        grown = write_csv(tmp_path / "b.csv", HEADER,
                          [anonymous, ["2020-01-09", "questionnaire", "capacity", "", "", "", ""],
                           anonymous, self.ROWS[0]])
        with people.connect(write=True) as s:
            assert import_answers(s, first).created == 2
        with people.connect(write=True) as s:
            result = import_answers(s, grown)
        assert (result.created, result.skipped) == (2, 2)  # one more anonymous answer, ROWS[0]
        assert counts(people) == (4, 5)

    def test_dry_run_writes_nothing(self, people: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER, self.ROWS)
        with people.connect(write=True, dry_run=True) as s:
            assert import_answers(s, path, dry_run=True).created == 4
        assert counts(people) == (0, 0)

    def test_header_only_imports_nothing(self, people: Database, tmp_path: Path,
                                         write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER, [])
        with people.connect(write=True) as s:
            assert import_answers(s, path).rows == 0


class TestList:
    def test_filters(self, surveyed: Database) -> None:
        def ids(**kw) -> list[int]:  # type: ignore[no-untyped-def]
            with surveyed.connect() as s:
                return [r["id"] for r in list_answers(s, **kw)]

        assert ids() == [7, 1, 2, 3, 4, 5, 6]
        assert ids(period=resolve_period(month="2020-01")) == [1, 2, 3]
        assert ids(method="问卷调查") == [3, 6]
        assert ids(topic="其他") == [3, 4, 6]
        assert ids(topic="poverty-industry", tier="regular") == [2]
        assert ids(cadre="G001") == [7, 2]
        with pytest.raises(TrainlogError, match="no cadre"):
            ids(cadre="G999")


class TestReport:
    """Demand (answers of the period by topic) against supply (special classes of the period)."""

    def test_the_year(self, surveyed: Database) -> None:
        with surveyed.connect() as s:
            data = survey_report(s, resolve_period(year=2020))
        assert data["period"] == {"from": "2020-01-01", "to": "2020-12-31", "label": "2020"}
        assert data["answers"] == 6
        assert data["by_method"] == [
            {"method": "visit", "answers": 1}, {"method": "symposium", "answers": 1},
            {"method": "phone", "answers": 1}, {"method": "interview", "answers": 1},
            {"method": "questionnaire", "answers": 2}]
        assert data["topics"] == [
            {"topic": "poverty-industry", "asked": 4, "share": 0.6667, "sessions": 2,
             "person_times": 15, "untaught": False},
            {"topic": "other", "asked": 3, "share": 0.5, "sessions": 0, "person_times": 0,
             "untaught": True},
            {"topic": "rural-revitalization", "asked": 2, "share": 0.3333, "sessions": 0,
             "person_times": 0, "untaught": True},
            {"topic": "capacity", "asked": 1, "share": 0.1667, "sessions": 1, "person_times": 1,
             "untaught": False},
            {"topic": "collective-economy", "asked": 0, "share": 0.0, "sessions": 0,
             "person_times": 0, "untaught": False},
        ]
        assert data["other"] == [{"detail": "直播带货", "asked": 2},
                                 {"detail": "线上课程", "asked": 1}]
        assert data["by_tier"] == [
            {"tier": "thematic", "asked": 1, "sessions": 1, "person_times": 1},
            {"tier": "key", "asked": 1, "sessions": 1, "person_times": 2},
            {"tier": "regular", "asked": 1, "sessions": 1, "person_times": 13},
            {"tier": None, "asked": 3, "sessions": 0, "person_times": 0},
        ]

    def test_supply_counts_the_same_period(self, surveyed: Database) -> None:
        with surveyed.connect() as s:
            data = survey_report(s, resolve_period(start="2020-01-01", end="2020-03-31"))
        rows = {r["topic"]: r for r in data["topics"]}
        assert rows["poverty-industry"]["sessions"] == 1
        assert rows["poverty-industry"]["person_times"] == 13
        assert rows["capacity"] == {"topic": "capacity", "asked": 1, "share": 0.1667,
                                         "sessions": 0, "person_times": 0, "untaught": True}

    def test_classes_without_demand_and_without_topic(self, surveyed: Database) -> None:
        with surveyed.connect(write=True) as s:
            add_session(s, date="2021-02-01", track="special", title="无主题班", headcount=30)
        with surveyed.connect() as s:
            data = survey_report(s, resolve_period(year=2021))
        assert data["answers"] == 0
        assert [(r["topic"], r["asked"], r["sessions"], r["person_times"], r["untaught"])
                for r in data["topics"]] == [
            ("rural-revitalization", 0, 1, 1, False), (None, 0, 1, 30, False),
            ("poverty-industry", 0, 0, 0, False), ("collective-economy", 0, 0, 0, False),
            ("capacity", 0, 0, 0, False), ("other", 0, 0, 0, False)]
        assert data["by_tier"][-1] == {"tier": None, "asked": 0, "sessions": 1,
                                       "person_times": 30}


class TestCli:
    """The commands as a user runs them: exit codes, stdout for data, stderr for messages."""

    def test_add_and_refusals(self, cli, people: Database) -> None:  # type: ignore[no-untyped-def]
        ok = cli("survey", "add", "--date", "2020-01-06", "--method", "走访", "--topic", "扶贫产业",
                 "--topic", "其他:电商", "--respondent", "东城村两委班子")
        assert ok.exit_code == 0, ok.stderr
        assert ok.stdout == ("added survey answer 1: 2020-01-06 visit, "
                             "topics poverty-industry, other:电商\n")
        both = cli("survey", "add", "--date", "2020-01-06", "--method", "visit", "--topic",
                   "capacity", "--cadre", "G001", "--respondent", "x")
        assert both.exit_code == 1 and both.stdout == ""
        assert "not both" in both.stderr
        again = cli("survey", "add", "--date", "2020-01-06", "--method", "visit", "--topic",
                    "poverty-industry;other:电商", "--respondent", "东城村两委班子")
        assert again.exit_code == 1 and "--again" in again.stderr
        no_topic = cli("survey", "add", "--date", "2020-01-06", "--method", "visit")
        assert no_topic.exit_code == 2
        assert counts(people) == (1, 2)

    def test_import_errors_on_stderr(self, cli, people: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                     write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER,
                         [["2020-01-06", "走访", "扶贫产业", "", "", "", ""],
                          ["2020-01-07", "走访", "扶贫", "", "", "", ""]])
        result = cli("survey", "import", path)
        assert result.exit_code == 1 and result.stdout == ""
        assert "1 problem(s), nothing written" in result.stderr
        assert "row 3, column topic, value '扶贫'" in result.stderr
        assert counts(people) == (0, 0)

    def test_import_twice(self, cli, people: Database, tmp_path: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
        path = write_csv(tmp_path / "s.csv", HEADER, TestImport.ROWS)
        assert cli("survey", "import", path).stdout == (
            "survey: imported 4 rows: 4 answers created (6 topics), 0 already stored\n")
        second = cli("survey", "import", path, "--format", "json")
        assert json.loads(second.stdout) == {"rows": 4, "created": 0, "skipped": 4, "topics": 0,
                                             "dry_run": False}

    def test_list_csv_imports_back_as_the_same_answers(self, cli, surveyed: Database,  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
        out = cli("survey", "list", "--year", "2020", "--format", "csv")
        assert out.exit_code == 0
        lines = out.stdout.splitlines()
        assert lines[0] == "id,date,method,topic,tier,cadre,respondent,note"
        assert lines[3] == "3,2020-01-08,questionnaire,poverty-industry;other:直播带货,,G002,,"
        back = tmp_path / "back.csv"
        back.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n",
                        encoding="utf-8")
        result = cli("survey", "import", back, "--format", "json")
        assert json.loads(result.stdout)["skipped"] == 6
        assert counts(surveyed)[0] == 7

    def test_list_table_in_zh(self, cli, surveyed: Database) -> None:  # type: ignore[no-untyped-def]
        out = cli("survey", "list", "--month", "2020-02", "--lang", "zh")
        assert out.exit_code == 0
        assert "其他:直播带货、干部能力提升" in out.stdout and "个别访谈" in out.stdout

    def test_report_json(self, cli, surveyed: Database) -> None:  # type: ignore[no-untyped-def]
        out = cli("survey", "report", "--year", "2020", "--format", "json")
        assert out.exit_code == 0 and out.stderr == ""
        data = json.loads(out.stdout)
        assert set(data) >= {"period", "answers", "by_method", "topics"}
        assert [(t["topic"], t["asked"], t["sessions"], t["person_times"], t["untaught"])
                for t in data["topics"]][:3] == [
            ("poverty-industry", 4, 2, 15, False), ("other", 3, 0, 0, True),
            ("rural-revitalization", 2, 0, 0, True)]

    def test_report_csv_and_tables(self, cli, surveyed: Database) -> None:  # type: ignore[no-untyped-def]
        csv_out = cli("survey", "report", "--year", "2020", "--format", "csv").stdout
        assert csv_out.splitlines()[:2] == [
            "topic,asked,share,sessions,person_times,untaught",
            "poverty-industry,4,0.6667,2,15,false"]
        en = cli("survey", "report", "--year", "2020").stdout
        assert "Training-needs survey 2020: 6 answers" in en
        assert "asked for but not yet taught: other, rural-revitalization" in en
        zh = cli("survey", "report", "--year", "2020", "--lang", "zh").stdout
        assert "培训需求调研 2020：答复 6 条" in zh
        assert "尚未开班的需求主题：其他、乡村振兴" in zh
        assert "直播带货" in zh and "需求次数" in zh

    def test_report_bad_period(self, cli, people: Database) -> None:  # type: ignore[no-untyped-def]
        out = cli("survey", "report", "--month", "2020-13")
        assert out.exit_code == 1 and "--month" in out.stderr

    def test_needs_a_database(self, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        out = cli("--db", tmp_path / "none.db", "survey", "report", "--year", "2020")
        assert out.exit_code == 1 and "trainlog init" in out.stderr


def test_the_zhaoling_survey(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    """The example data set: five methods, four topics, and the classes held on each in 2020."""
    for what, name in [("branch", "01_branches.csv"), ("cadre", "02_cadres.csv"),
                       ("session", "05_sessions_special.csv"), ("survey", "07_survey.csv")]:
        result = cli(what, "import", EXAMPLES / name)
        assert result.exit_code == 0, result.stderr
    again = cli("survey", "import", EXAMPLES / "07_survey.csv", "--format", "json")
    assert json.loads(again.stdout)["skipped"] == 146
    data = json.loads(cli("survey", "report", "--year", "2020", "--format", "json").stdout)
    assert data["answers"] == 146
    assert {m["method"]: m["answers"] for m in data["by_method"]} == {
        "visit": 14, "symposium": 10, "phone": 54, "interview": 14, "questionnaire": 54}
    assert [(t["topic"], t["asked"], t["sessions"], t["person_times"], t["untaught"])
            for t in data["topics"]] == [
        ("poverty-industry", 88, 6, 338, False),
        ("rural-revitalization", 75, 5, 289, False),
        ("collective-economy", 55, 3, 173, False),
        ("capacity", 48, 3, 175, False),
        ("other", 0, 0, 0, False),
    ]
    assert sum(t["person_times"] for t in data["topics"]) == 975
