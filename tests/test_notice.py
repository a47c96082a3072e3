"""`trainlog report --format notice` (通报): every number in the text is a number of the JSON
reports; and the month bars of `report --by month`."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from trainlog.output.charts import bar
from trainlog.output.notice import notice_text, number, percent
from trainlog.registry import add_branch, add_cadre
from trainlog.sessions.add import add_session
from trainlog.store.database import Database
from trainlog.study.records import add_study

AS_OF = ["--year", "2020", "--as-of", "2020-04-03"]


@pytest.fixture
def small(db: Database) -> Database:
    """Three branches, four cadres; sessions of every track Jan–Apr 2020; online study."""
    with db.connect(write=True) as s:
        add_branch(s, "B1", "一支部", "东镇")
        add_branch(s, "B2", "二支部", "东镇")
        add_branch(s, "B3", "三支部", "西镇")
        add_cadre(s, "C1", "甲", top_leader=True, branch="B1", registered_on="2019-12-01")
        add_cadre(s, "C2", "乙", poverty_cadre=True, branch="B3", registered_on="2020-02-10")
        add_cadre(s, "C3", "丙", top_leader=True)
        add_cadre(s, "C4", "丁", party_member=False)
        add_session(s, date="2020-01-10", track="policy", kind="assessment", title="研判会",
                    hours=2.5, attendees=["C1", "C2", "C3"])
        add_session(s, date="2020-03-01", track="policy", kind="promotion", title="推进会",
                    hours=2, attendees=["C1"], headcount=4)
        add_session(s, date="2020-03-05", track="video", kind="remote", title="远程教育",
                    hours=1.5, headcount=10, branch="B1")
        add_session(s, date="2020-03-20", track="video", kind="xuexi", title="学习强国",
                    hours=1, headcount=6, branch="B2")
        add_session(s, date="2020-04-02", track="special", kind="thematic", title="专题班",
                    hours=6, attendees=["C2"], headcount=11)
        for month, hours in (("2020-01", 6), ("2020-02", 4), ("2020-03", 5), ("2020-04", 5)):
            add_study(s, "C1", month, hours)
        add_study(s, "C2", "2020-03", 6)
    return db


def _json(cli, *args: Any) -> Any:
    r = cli(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _pct(ratio: float) -> str:
    return f"{round(ratio * 1000 + 1e-9) / 10:.1f}".removesuffix(".0")


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def expected(cli, *period: str, **options: str) -> Counter[str]:
    """The numbers a notice for `period` must hold, from the JSON of the reports themselves."""
    extra = [x for k, v in options.items() for x in (f"--{k}", v)]
    r = _json(cli, "report", *period, *extra)
    cov = _json(cli, "coverage", *period, "--kind", "remote")
    comp = _json(cli, "compliance", *period)
    leaders = _json(cli, "report", *period, "--track", "policy", "--audience", "top-leaders")
    tracks = {t["track"]: t for t in r["tracks"]}
    total = r["total"]
    out = [total["sessions"], total["person_times"], total["people"], _num(total["hours"])]
    shown = [options["track"]] if "track" in options else ["policy", "video", "special"]
    if "policy" in shown:
        out += [tracks["policy"]["sessions"], tracks["policy"]["person_times"],
                leaders["tracks"][0]["person_times"]]
    if "video" in shown:
        out += [tracks["video"]["sessions"], tracks["video"]["person_times"], cov["branches"],
                cov["sessions"], cov["with_sessions"], comp["registered"],
                _num(comp["min_month"]), _num(comp["min_year"]), comp["checked"]]
        out += [_pct(x) for x in (cov["coverage"], comp["registration_coverage"])
                if x is not None]
        out += [comp["short_count"]] if comp["short_count"] else []
    if "special" in shown:
        out += [tracks["special"]["sessions"], tracks["special"]["person_times"]]
    if "track" not in options and "audience" not in options:
        h = _json(cli, "hours", "--as-of", r["period"]["to"])
        if h["checked"]:
            out += [h["checked"], h["met"]]
            for b in h["by_rank"]:
                out += [_pct(b["rate"]), b["checked"], b["met"]]
            out += [h[k] for k in ("short_count", "grace") if h[k]]
    plan = r["plan"]
    if plan is not None:
        out += [plan["target"], plan["to_date"], _pct(plan["progress"]), _pct(plan["expected"])]
        if plan["days_left"]:
            out += [plan["days_left"], _num(plan["needed_per_month"])]
    return Counter(str(x) for x in out)


DATES = re.compile(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|"
                   r"\d{1,2} (January|February|March|April|May|June|July|August|September|"
                   r"October|November|December)( \d{4})?|(January|March|April|May) \d{4}|"
                   r"(in|In|As of|by) \d{4}")


def numbers(text: str) -> Counter[str]:
    """The numbers of a notice's text, dates and the title left out (1,034 is 1034)."""
    body = re.sub(r"(?m)^\d\. ", "", text.split("\n", 1)[1])  # English paragraphs' numbers
    return Counter(re.findall(r"\d+(?:\.\d+)?", DATES.sub("", body.replace(",", ""))))


def notice(cli, *args: Any, env: dict[str, str] | None = None) -> str:
    r = cli("report", *args, "--format", "notice", env=env)
    assert r.exit_code == 0, r.output
    return r.stdout


class TestNumbers:
    def test_every_number_is_the_jsons(self, small: Database, cli) -> None:
        set_plan_cli(cli, "--target", "40", "--track", "special")
        text = notice(cli, *AS_OF)
        assert numbers(text) == expected(cli, *AS_OF)
        assert ("本年度计划培训扶贫干部40人次，截至4月3日已完成12人次，完成率30%，"
                "达到时间进度（25.7%）；距年底还有272天，每月需完成3.1人次。") in text

    def test_in_english(self, small: Database, cli) -> None:
        set_plan_cli(cli, "--target", "40", "--track", "special")
        for args, env in ((("--lang", "en"), None), ((), {"TRAINLOG_LANG": "en"})):
            text = notice(cli, *AS_OF, *args, env=env)
            assert text.startswith("Notice on cadre training in 2020\n\nAs of 3 April 2020, ")
            assert numbers(text) == expected(cli, *AS_OF)
        r = cli("--lang", "en", "report", *AS_OF, "--format", "notice")
        assert r.stdout.startswith("Notice on")

    def test_chinese_unless_english_is_asked_for(self, small: Database, cli) -> None:
        text = notice(cli, *AS_OF, env={"LANG": "en_US.UTF-8"})
        assert text.startswith("关于2020年干部教育培训工作情况的通报\n\n\u3000\u3000截至4月3日，")

    def test_the_paragraphs_and_their_figures(self, small: Database, cli) -> None:
        text = notice(cli, *AS_OF)
        lines = text.splitlines()
        assert lines[2] == ("\u3000\u3000截至4月3日，全区共开展干部教育培训5次，培训36人次，"
                            "具名参训干部3人，累计110.5学时。现将有关情况通报如下。")
        assert lines[3] == ("\u3000\u3000一、政策培训。坚持“以会代训”，通过研判会、推进会、座谈会"
                            "等形式开展政策培训2次，培训8人次，其中各级党政“一把手”3人次。")
        assert lines[4].startswith(
            "\u3000\u3000二、视频培训。全区开展视频培训2次，培训16人次。3个党支部利用远程教育"
            "学习培训1次，1个党支部已开展，覆盖率33.3%；2名党员干部完成干部网络学院注册，"
            "注册率66.7%。参学干部每人每月网络学习不少于5学时、全年不少于60学时，"
            "2名参学干部中有1人学时不足。")
        assert lines[5] == ("\u3000\u3000三、专题培训。围绕乡村振兴、扶贫产业、壮大村集体经济、"
                            "干部能力提升等主题，举办专题、重点、常规培训班1期，培训扶贫干部12人次。")
        assert len(lines) == 6  # no plan: no plan sentence
        assert numbers(text) == expected(cli, *AS_OF)

    def test_a_plan_over_all_tracks_on_pace(self, small: Database, cli) -> None:
        set_plan_cli(cli, "--target", "100")
        text = notice(cli, *AS_OF)
        assert ("四、年度计划。本年度计划培训干部100人次，截至4月3日已完成36人次，完成率36%，"
                "达到时间进度（25.7%）；距年底还有272天，每月需完成7.1人次。") in text
        assert "加快" not in text
        assert numbers(text) == expected(cli, *AS_OF)

    def test_behind_and_past_the_deadline(self, small: Database, cli) -> None:
        set_plan_cli(cli, "--target", "500", "--deadline", "2020-03-31")
        text = notice(cli, *AS_OF)
        assert "完成率7.2%，低于时间进度（100%）；计划已到截止日期。" in text
        assert text.endswith("\u3000\u3000请各单位对照年度计划，加快培训进度。\n")
        assert numbers(text) == expected(cli, *AS_OF)
        set_plan_cli(cli, "--target", "500", "--deadline", "2020-06-30")
        text = notice(cli, *AS_OF)
        assert "距计划截止日期（6月30日）还有88天" in text
        assert numbers(text) == expected(cli, *AS_OF)

    def test_other_periods(self, small: Database, cli) -> None:
        month = ["--month", "2020-03"]
        text = notice(cli, *month)
        assert text.startswith("关于2020年3月干部教育培训工作情况的通报\n\n\u3000\u30002020年3月，")
        assert numbers(text) == expected(cli, *month)
        span = ["--from", "2020-02-15", "--to", "2020-04-03"]
        text = notice(cli, *span)
        assert "2020年2月15日至4月3日，全区" in text
        assert numbers(text) == expected(cli, *span)
        en = notice(cli, *month, "--lang", "en")
        assert en.startswith("Notice on cadre training in March 2020\n\nIn March 2020, ")

    def test_track_and_audience(self, small: Database, cli) -> None:
        text = notice(cli, *AS_OF, "--track", "专题培训")
        assert "一、专题培训" in text and "政策培训" not in text and "视频培训" not in text
        assert "全区共开展专题培训1次" in text
        assert numbers(text) == expected(cli, *AS_OF, track="special")
        text = notice(cli, *AS_OF, "--audience", "top-leaders")
        assert text.startswith("关于2020年干部教育培训工作情况的通报（仅计一把手）")
        # C1 and C3 in January, C1 in March; the headcounts are nobody's
        assert "全区共开展干部教育培训2次，培训3人次，具名参训干部2人，累计7学时" in text

    def test_an_empty_database(self, db: Database, cli) -> None:
        text = notice(cli, *AS_OF)
        assert "0个党支部利用远程教育学习培训0次" in text and "覆盖率" not in text
        assert "注册率" not in text and "0名参学干部均达到学时要求" in text
        assert numbers(text) == expected(cli, *AS_OF)

    def test_fail_if_behind_prints_then_exits_3(self, small: Database, cli) -> None:
        set_plan_cli(cli, "--target", "500")
        r = cli("report", *AS_OF, "--format", "notice", "--fail-if-behind")
        assert r.exit_code == 3
        assert r.stdout.startswith("关于2020年") and "behind the plan" in r.stderr


class TestHours:
    """学时达标: the rate met of each rank, from `hours --as-of` the period's last day."""

    @pytest.fixture
    def ranked(self, small: Database, cli) -> Database:
        # C1 county (promoted from section on 1 March: in grace), C2 and C3 section, C4 staff
        for code, rank in (("C1", "section"), ("C2", "section"), ("C3", "section"),
                           ("C4", "staff")):
            assert cli("cadre", "edit", code, "--rank", rank, "--correct").exit_code == 0
        assert cli("cadre", "edit", "C1", "--rank", "county", "--from", "2020-03-01").exit_code == 0
        assert cli("config", "set", "hours.section.group", "8").exit_code == 0
        assert cli("config", "set", "hours.online", "0").exit_code == 0
        return small

    def test_the_sentence_and_its_numbers(self, ranked: Database, cli, tmp_path: Path) -> None:
        set_plan_cli(cli, "--target", "100")
        text = notice(cli, *AS_OF)
        lines = text.splitlines()
        # C2: 2.5 + 6 of 8, met; C3: 2.5, short; C4 staff: nothing of 90; C1 in grace
        assert lines[6] == (
            "　　四、学时达标。按照干部教育培训工作条例的学时要求，截至4月3日，4名干部中"
            "1人达标，达标率分别为：县处级以上干部0%（1人中0人达标），乡科级干部50%（2人中1人达标），"
            "科员及以下干部0%（1人中0人达标）。2人学时不足。1人晋升未满一年，须于晋升后一年内补足。")
        assert lines[7].startswith("　　五、年度计划。")
        assert numbers(text) == expected(cli, *AS_OF)
        en = notice(cli, *AS_OF, "--lang", "en")
        assert ("4. Training hours. By 3 April, 1 of the 4 cadres checked against the training "
                "hours of their rank met them; the rate met by rank: county 0% (0 of 1), section "
                "50% (1 of 2), staff 0% (0 of 1). 2 are short of hours. 1 is within a year of a "
                "promotion, and has a year from it to complete them.") in en
        assert "5. The year's plan." in en
        assert numbers(en) == expected(cli, *AS_OF)
        month = ["--month", "2020-03"]
        assert numbers(notice(cli, *month)) == expected(cli, *month)
        r = cli("report", *AS_OF, "-o", str(tmp_path / "n.docx"))
        assert r.exit_code == 0, r.output
        from docx import Document

        paragraphs = [p.text for p in Document(str(tmp_path / "n.docx")).paragraphs]
        assert any("四、学时达标。" in p and "乡科级干部50%" in p for p in paragraphs)

    def test_left_out_when_narrowed_or_nobody_ranked(self, ranked: Database, cli) -> None:
        assert "学时达标" not in notice(cli, *AS_OF, "--track", "special")
        assert "学时达标" not in notice(cli, *AS_OF, "--audience", "top-leaders")
        for code in ("C1", "C2", "C3", "C4"):
            assert cli("cadre", "edit", code, "--rank", "", "--correct").exit_code == 0
        assert "学时达标" not in notice(cli, *AS_OF)


def set_plan_cli(cli, *args: str) -> None:
    r = cli("plan", "set", "2020", *args)
    assert r.exit_code == 0, r.output


class TestFormatting:
    def test_numbers_as_an_official_text_writes_them(self) -> None:
        assert [number(1034), number(44234.0), number(836.5), number(5.0)] == [
            "1034", "44234", "836.5", "5"]
        assert [percent(0.9815), percent(0.178), percent(1.0), percent(0.2568)] == [
            "98.2", "17.8", "100", "25.7"]

    def test_notice_text_takes_the_gathered_figures(self) -> None:
        period = {"from": "2020-01-01", "to": "2020-12-31", "label": "2020"}
        zero = {"sessions": 0, "person_times": 0, "people": 0, "hours": 0.0}
        figures = {
            "report": {"period": period, "plan": None, "total": zero,
                       "tracks": [{"track": t, **zero} for t in ("policy", "video", "special")]},
            "top_leaders": 0, "track": None, "audience": "all",
            "coverage": {"branches": 0, "with_sessions": 0, "sessions": 0, "coverage": None},
            "compliance": {"registered": 0, "registration_coverage": None, "min_month": 5.0,
                           "min_year": 60.0, "checked": 0, "short_count": 0},
        }
        assert notice_text(figures).startswith("关于2020年干部教育培训工作情况的通报\n\n"
                                               "\u3000\u30002020年，全区")
        assert notice_text(figures, "en").startswith("Notice on cadre training in 2020\n\n"
                                                     "In 2020, the district held 0 sessions")


class TestMonthBars:
    def test_report_by_month_draws_bars_per_month_and_track(self, small: Database,
                                                             cli) -> None:
        r = cli("report", *AS_OF, "--by", "month", "--lang", "zh")
        assert r.exit_code == 0
        out = r.stdout
        assert "各月人次（每列按本列最大值缩放）" in out
        rows = [line for line in out.splitlines() if line.startswith("│ 2020年")]
        bars = rows[-4:]  # the bars' table comes after the --by table
        assert [b.split("│")[1].strip() for b in bars] == ["2020年1月", "2020年2月", "2020年3月",
                                                            "2020年4月"]
        # policy: 3 in Jan and 5 in Mar (the column's largest: a full bar)
        assert bars[2].split("│")[2].strip() == "█" * 16 + " 5"
        assert bars[0].split("│")[2].strip().startswith("█" * 9 + "▋")
        assert bars[1].split("│")[2].strip() == "0"
        assert out.rstrip().endswith("2020 年度计划：未设定")  # the plan block follows

    def test_one_track_and_other_formats(self, small: Database, cli) -> None:
        r = cli("report", *AS_OF, "--by", "month", "--track", "video")
        header = next(line for line in r.stdout.splitlines() if "Month" in line and "video" in
                      line)
        assert "policy" not in header and "Total" not in header
        for args in (("--by", "track"), ("--by", "month", "--format", "json"),
                     ("--by", "month", "--format", "csv")):
            assert "█" not in cli("report", *AS_OF, *args).stdout

    def test_bar(self) -> None:
        assert bar(0, 10) == " " * 16
        assert bar(10, 10) == "█" * 16
        assert bar(5, 10, width=4) == "██  "
        assert bar(1, 1000) == "▏" + " " * 15  # a month with anything at all shows
        assert bar(3, 0) == " " * 16


@pytest.mark.sqlite_only("the example data set is loaded into a SQLite file of its own")
def test_the_example_notice_reads_like_the_source(zhaoling: Path, cli) -> None:
    """On the Zhaoling data set: the source document's sentences, with its figures."""

    def on_zhaoling(*args: Any, env: dict[str, str] | None = None) -> Any:
        return cli("--db", zhaoling, *args, env=env)

    period = ["--from", "2020-01-01", "--to", "2020-04-03"]
    text = notice(on_zhaoling, *period)
    assert text.startswith("关于2020年干部教育培训工作情况的通报\n\n\u3000\u3000截至4月3日，")
    assert "378个党支部利用远程教育学习培训1034次" in text
    assert "739名党员干部完成干部网络学院注册" in text
    assert "本年度计划培训扶贫干部2000人次，截至4月3日已完成356人次，完成率17.8%" in text
    leaders = re.search(r"“一把手”(\d+)人次", text)
    assert leaders and 200 < int(leaders[1]) < 300
    assert numbers(text) == expected(on_zhaoling, *period)
