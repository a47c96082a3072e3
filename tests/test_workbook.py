"""trainlog export: the workbook's sheets, headers, types and values against the JSON reports,
its native charts, and text that never runs as a formula."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from trainlog.dates import resolve_period
from trainlog.output.workbook import build, cadre_rows, display_width, export_workbook
from trainlog.registry import add_branch, add_cadre, deactivate_cadre
from trainlog.reports.plan import monthly
from trainlog.reports.plans import set_plan
from trainlog.sessions.add import add_session
from trainlog.sessions.queries import void_session
from trainlog.store.database import Database
from trainlog.study.records import add_study

SHEETS_ZH = ["汇总", "图表", "按月统计", "培训明细", "干部学时", "学时不足", "学时达标", "支部覆盖",
             "乡镇覆盖"]
SHEETS_EN = ["Summary", "Charts", "Monthly", "Sessions", "Cadres", "Shortfall", "Training hours",
             "Branches", "Townships"]
AS_OF = ["--year", "2020", "--as-of", "2020-04-03"]


@pytest.fixture
def small(db: Database) -> Database:
    """Four branches in two townships (one with none), six cadres, sessions Jan–Apr 2020 (one
    void, one after 3 April), online study, and a plan of 100 person-times over all tracks.

    By 3 April: policy 2 person-times (Jan), video 1 named (Feb) + 10 + 5 headcount (Mar),
    special 2 named + 3 headcount (2 Apr).
    """
    with db.connect(write=True) as s:
        add_branch(s, "B1", "一支部", "东镇")
        add_branch(s, "B2", "二支部", "东镇")
        add_branch(s, "B3", "三支部", "西镇")
        add_branch(s, "B4", "区直支部")
        add_cadre(s, "C1", "=1+1", unit="+区委", level="district", branch="B1",
                  top_leader=True, registered_on="2019-12-01")
        add_cadre(s, "C2", "@SUM(A1)", unit="-扶贫办", level="village", branch="B3",
                  poverty_cadre=True, registered_on="2020-02-10")
        add_cadre(s, "C3", "张三", branch="B2")
        add_cadre(s, "C4", "李四", party_member=False)
        add_cadre(s, "C5", "王五", poverty_cadre=True, registered_on="2020-01-05")
        add_cadre(s, "C6", "赵六")
        add_session(s, date="2020-01-10", track="policy", kind="assessment", title="研判会",
                    hours=2, attendees=["C1", "C2"], ref="P1")
        void = add_session(s, date="2020-02-01", track="policy", title="作废", hours=3,
                           attendees=["C1"])
        void_session(s, str(void["id"]), "录错")
        add_session(s, date="2020-02-15", track="video", kind="xuexi", title="学习强国",
                    hours=1, attendees=["C3"], branch="B2")
        add_session(s, date="2020-03-05", track="video", kind="remote", title="=HYPERLINK(1)",
                    hours=1.5, headcount=10, branch="B1")
        add_session(s, date="2020-03-20", track="video", kind="remote", title="远程教育",
                    hours=1, headcount=5, branch="B3")
        add_session(s, date="2020-04-02", track="special", kind="thematic",
                    topic="poverty-industry", title="专题班", hours=6, attendees=["C2", "C5"],
                    headcount=3)
        add_session(s, date="2020-04-10", track="special", title="四月后", hours=6,
                    attendees=["C1"])
        for month, hours in (("2020-01", 6), ("2020-02", 4), ("2020-03", 5), ("2020-04", 1)):
            add_study(s, "C1", month, hours)
        add_study(s, "C1", "2020-03", 2, "xuexi")
        add_study(s, "C2", "2020-02", 2)
        add_study(s, "C2", "2020-03", 6)
        deactivate_cadre(s, "C5", on=date(2020, 4, 3))  # the day after his last session
        deactivate_cadre(s, "C6", on=date(2020, 1, 1))  # before the year exported
        set_plan(s, 2020, 100)
    return db


def _json(cli, *args: Any) -> Any:
    r = cli(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _export(cli, path: Path, *args: Any) -> Any:
    r = cli("export", *AS_OF, path, *args)
    assert r.exit_code == 0, r.output
    return load_workbook(path)


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def _table(ws: Any) -> list[dict[str, Any]]:
    """A sheet's data rows as dicts keyed by its header row."""
    rows = _rows(ws)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


class TestWorkbook:
    def test_sheets_headers_and_frozen_rows(self, small: Database, cli, tmp_path: Path) -> None:
        wb = _export(cli, tmp_path / "r.xlsx")
        assert wb.sheetnames == SHEETS_ZH
        assert [wb[n].freeze_panes for n in SHEETS_ZH[2:]] == ["B2", "B2", "C2", "C2", "C2",
                                                                "C2", "B2"]
        assert _rows(wb["培训明细"])[0] == (
            "序号", "培训编号", "日期", "类别", "形式", "主题", "培训名称", "学时", "党支部",
            "党支部名称", "乡镇", "具名人数", "未具名人数", "人次")
        assert _rows(wb["按月统计"])[0][:5] == ("月份", "政策培训人次", "视频培训人次",
                                              "专题培训人次", "合计人次")
        assert wb["干部学时"]["A1"].font.b and wb["干部学时"]["A1"].fill.fgColor.rgb.endswith("DDEBF7")
        assert wb["培训明细"].auto_filter.ref == "A1:N6"

    def test_column_widths_fit_chinese_text(self, small: Database, cli, tmp_path: Path) -> None:
        ws = _export(cli, tmp_path / "r.xlsx")["支部覆盖"]
        # 党支部名称: the header is 5 characters, 10 columns wide, plus a margin
        assert ws.column_dimensions["B"].width == display_width("党支部名称") + 2 == 12
        assert display_width("远程教育a") == 9

    def test_english(self, small: Database, cli, tmp_path: Path) -> None:
        for args in (("--lang", "en"),):
            wb = _export(cli, tmp_path / "en.xlsx", *args)
            assert wb.sheetnames == SHEETS_EN
            assert _rows(wb["Sessions"])[0][:4] == ("ID", "Ref", "Date", "Track")
            assert _rows(wb["Sessions"])[1][3] == "policy"
            assert wb["Monthly"]["A2"].number_format == "yyyy-mm"
        r = cli("--lang", "en", "export", *AS_OF, tmp_path / "g.xlsx")
        assert r.exit_code == 0 and load_workbook(tmp_path / "g.xlsx").sheetnames == SHEETS_EN
        r = cli("export", *AS_OF, tmp_path / "e.xlsx", env={"TRAINLOG_LANG": "en"})
        assert load_workbook(tmp_path / "e.xlsx").sheetnames == SHEETS_EN
        # An English locale alone keeps the Chinese workbook (and an English message).
        r = cli("export", *AS_OF, tmp_path / "z.xlsx", env={"LANG": "en_US.UTF-8"})
        assert load_workbook(tmp_path / "z.xlsx").sheetnames == SHEETS_ZH
        assert r.stdout.startswith("wrote ")

    def test_monthly_equals_the_reports_json(self, small: Database, cli,
                                             tmp_path: Path) -> None:
        ws = _export(cli, tmp_path / "r.xlsx")["按月统计"]
        rows = _table(ws)
        assert len(rows) == 13
        assert [r["月份"] for r in rows[:12]] == [datetime(2020, m, 1) for m in range(1, 13)]
        assert ws["A2"].number_format == 'yyyy"年"m"月"' and ws["B2"].data_type == "n"
        names = {"policy": "政策培训", "video": "视频培训", "special": "专题培训", None: "合计"}
        words = {"person_times": "人次", "people": "人数", "hours": "学时", "sessions": "次数"}
        for track, name in names.items():
            args = ["--track", track] if track else []
            data = _json(cli, "report", *AS_OF, "--by", "month", *args)
            assert [r["month"] for r in data["rows"]] == ["2020-01", "2020-02", "2020-03",
                                                          "2020-04"]
            for got, want in zip(rows, data["rows"], strict=False):
                for key, word in words.items():
                    assert got[name + word] == want[key], (track, key, want["month"])
        for later in rows[4:12]:  # after 3 April: no figures, only the plan's pace
            assert later["合计人次"] is None and later["累计人次（全部类别）"] is None
        data = _json(cli, "report", *AS_OF)
        assert [r["累计人次（全部类别）"] for r in rows[:4]] == [2, 3, 18, 23]
        assert rows[3]["累计人次（全部类别）"] == data["plan"]["to_date"] == 23
        # The steady pace at each month's end: 31/366 of 100 in January, all of it in December.
        assert rows[0]["计划进度人次（月末）"] == 8.5 and rows[11]["计划进度人次（月末）"] == 100
        assert {r["年度目标人次"] for r in rows[:12]} == {100}
        total = rows[12]
        assert total["月份"] == "合计"
        assert total["合计人次"] == data["total"]["person_times"] == 23
        assert total["合计人数"] == data["total"]["people"] == 4  # distinct, not a sum of months
        assert total["专题培训学时"] == data["tracks"][2]["hours"] == 12 + 18

    def test_summary_equals_the_reports(self, small: Database, cli, tmp_path: Path) -> None:
        ws = _export(cli, tmp_path / "r.xlsx")["汇总"]
        rows = _rows(ws)
        pairs = {r[0]: r[1] for r in rows if r[0] is not None}
        data = _json(cli, "report", *AS_OF)
        cov = _json(cli, "coverage", *AS_OF, "--kind", "remote")
        comp = _json(cli, "compliance", *AS_OF)
        leaders = _json(cli, "report", *AS_OF, "--track", "policy", "--audience", "top-leaders")
        assert pairs["统计起始日期"] == datetime(2020, 1, 1)
        assert pairs["统计截止日期"] == datetime(2020, 4, 3)
        tracks = {r[0]: r[1:5] for r in rows if r[0] in ("政策培训", "视频培训", "专题培训", "合计")}
        for t, name in (("policy", "政策培训"), ("video", "视频培训"), ("special", "专题培训")):
            want = next(x for x in data["tracks"] if x["track"] == t)
            assert tracks[name] == tuple(want[k] for k in ("sessions", "person_times", "people",
                                                           "hours"))
        assert tracks["合计"] == (5, 23, 4, 4 + 21 + 30)
        plan = data["plan"]
        assert (pairs["目标人次"], pairs["已完成人次"], pairs["完成率"], pairs["时间进度"]) == (
            plan["target"], plan["to_date"], plan["progress"], plan["expected"])
        assert pairs["落后于时间进度"] == "是" and plan["behind"] is True  # 23% < 25.7%
        assert pairs["截止日期"] == datetime(2020, 12, 31)
        assert (pairs["剩余天数"], pairs["每月需完成人次"]) == (plan["days_left"],
                                                        plan["needed_per_month"])
        assert pairs["政策培训中“一把手”人次"] == leaders["tracks"][0]["person_times"] == 1
        assert (pairs["党支部数"], pairs["开展远程教育的党支部"], pairs["远程教育培训次数"],
                pairs["远程教育覆盖率"]) == (cov["branches"], cov["with_sessions"],
                                          cov["sessions"], cov["coverage"]) == (4, 2, 2, 0.5)
        assert (pairs["党员干部人数"], pairs["已注册干部网络学院"], pairs["注册率"],
                pairs["参学干部人数"], pairs["网络学习学时不足人数"]) == (
            comp["party_members"], comp["registered"], comp["registration_coverage"],
            comp["checked"], comp["short_count"])
        assert ws["C9"].number_format == "#,##0" and ws["B15"].number_format == "0.0%"

    def test_sessions_with_their_attendance_counts(self, small: Database, cli,
                                                   tmp_path: Path) -> None:
        ws = _export(cli, tmp_path / "r.xlsx")["培训明细"]
        rows = _table(ws)
        listed = _json(cli, "session", "list", "--from", "2020-01-01", "--to", "2020-04-03")
        assert [r["序号"] for r in rows] == [s["id"] for s in listed]
        assert len(rows) == 5  # not the void one, not the one after 3 April
        first = rows[0]
        assert (first["培训编号"], first["日期"], first["类别"], first["形式"], first["学时"],
                first["具名人数"], first["未具名人数"], first["人次"]) == (
            "P1", datetime(2020, 1, 10), "政策培训", "研判会", 2, 2, 0, 2)
        special = rows[-1]
        assert (special["主题"], special["具名人数"], special["未具名人数"], special["人次"]) == (
            "扶贫产业", 2, 3, 5)
        assert [r["人次"] for r in rows] == [s["person_times"] for s in listed]
        assert sum(r["人次"] for r in rows) == _json(cli, "report", *AS_OF)["total"][
            "person_times"]
        assert (rows[2]["党支部"], rows[2]["党支部名称"], rows[2]["乡镇"]) == ("B1", "一支部",
                                                                          "东镇")
        assert ws["C2"].number_format == "yyyy-mm-dd" and ws["C2"].is_date

    def test_cadres_hours_by_track_and_online_study_by_month(self, small: Database, cli,
                                                            tmp_path: Path) -> None:
        rows = {r["干部编号"]: r for r in _table(_export(cli, tmp_path / "r.xlsx")["干部学时"])}
        assert list(rows) == ["C1", "C2", "C3", "C4", "C5"]  # C6: deactivated, no record
        c1 = rows["C1"]
        assert (c1["政策培训人次"], c1["政策培训学时"], c1["专题培训人次"], c1["合计人次"],
                c1["合计学时"]) == (1, 2, 0, 1, 2)  # the void session and 10 April left out
        assert [c1[f"网络学习 2020年{m}月"] for m in range(1, 5)] == [6, 4, 7, 1]
        assert c1["网络学习合计"] == 18
        assert (c1["一把手"], c1["扶贫干部"], c1["党员"], c1["在职"], c1["级别"]) == (
            "是", "否", "是", "是", "区级")
        assert c1["网络学院注册日期"] == datetime(2019, 12, 1)
        c2 = rows["C2"]
        assert (c2["政策培训人次"], c2["专题培训人次"], c2["专题培训学时"], c2["合计学时"]) == (
            1, 1, 6, 8)
        assert [c2[f"网络学习 2020年{m}月"] for m in range(1, 5)] == [None, 2, 6, None]
        c5 = rows["C5"]  # deactivated: its records keep counting
        assert (c5["在职"], c5["专题培训人次"], c5["网络学习合计"]) == ("否", 1, None)
        c3 = rows["C3"]
        assert (c3["视频培训人次"], c3["视频培训学时"], c3["党支部"], c3["乡镇"]) == (1, 1, "B2",
                                                                                 "东镇")
        assert rows["C4"]["合计人次"] == 0 and rows["C4"]["党员"] == "否"
        # Named attendances add up to the report's person-times less its headcounts.
        total = _json(cli, "report", *AS_OF)["total"]["person_times"]
        assert sum(r["合计人次"] for r in rows.values()) == total - 10 - 5 - 3

    def test_cadre_rows_come_from_grouped_queries(self, small: Database) -> None:
        """Per-cadre figures are GROUP BY cadre, track and cadre, month: one row per cadre."""
        with small.connect() as conn:
            rows = list(cadre_rows(conn, resolve_period(year=2020, as_of="2020-04-03")))
        assert [r[0] for r in rows] == ["C1", "C2", "C3", "C4", "C5"]
        assert len(rows[0]) == 11 + 8 + 4 + 1

    def test_shortfall_equals_compliance(self, small: Database, cli, tmp_path: Path) -> None:
        rows = _rows(_export(cli, tmp_path / "r.xlsx")["学时不足"])
        assert rows[0] == ("干部编号", "姓名", "党支部", "本期学时", "应学学时", "本年累计学时",
                           "不足月数")
        comp = _json(cli, "compliance", *AS_OF)
        assert rows[1:] == [tuple(r[k] for k in ("cadre", "name", "branch", "hours", "required",
                                                 "year_to_date", "months_short"))
                            for r in comp["short"]]
        assert [r[0] for r in rows[1:]] == ["C2", "C1"]

    def test_hours_sheet_equals_trainlog_hours(self, small: Database, cli,
                                               tmp_path: Path) -> None:
        """学时达标: every cadre checked by `hours` on the period's last day, his hours, the
        requirement and the status; C3 promoted to county on 1 March is in grace."""
        for code, rank in (("C1", "county"), ("C2", "section"), ("C3", "staff")):
            assert cli("cadre", "edit", code, "--rank", rank, "--correct").exit_code == 0
        assert cli("cadre", "edit", "C3", "--rank", "county", "--from", "2020-03-01").exit_code == 0
        wb = _export(cli, tmp_path / "r.xlsx")
        rows = _rows(wb["学时达标"])
        assert rows[0] == ("干部编号", "姓名", "党支部", "职级", "起始日期", "截止日期", "集中学时",
                           "集中应修", "网络学时", "网络应修", "达标情况", "补足期限")
        day = datetime
        assert rows[1:] == [
            # C1: P1's 2 hours (the void one and 10 April's left out); online 6+4+5+2+1
            ("C1", "=1+1", "B1", "县处级以上", day(2016, 1, 1), day(2020, 4, 3), 2.0, 550.0,
             18.0, 50.0, "未达标", None),
            ("C2", "@SUM(A1)", "B3", "乡科级", day(2020, 1, 1), day(2020, 4, 3), 8.0, 90.0, 8.0,
             50.0, "未达标", None),
            ("C3", "张三", "B2", "县处级以上", day(2016, 1, 1), day(2020, 4, 3), 1.0, 550.0, 0.0,
             50.0, "晋升一年内", day(2021, 3, 1))]
        data = _json(cli, "hours", "--as-of", "2020-04-03")
        assert [(c["cadre"], c["group_hours"], c["online_hours"], c["status"])
                for c in data["cadres"]] == [(r[0], r[6], r[8], {"未达标": "short",
                                                                 "晋升一年内": "grace"}[r[10]])
                                             for r in rows[1:]]
        en = _export(cli, tmp_path / "e.xlsx", "--lang", "en")
        assert _rows(en["Training hours"])[3][10:] == ("grace", day(2021, 3, 1))

    def test_branches_and_townships_equal_coverage(self, small: Database, cli,
                                                   tmp_path: Path) -> None:
        wb = _export(cli, tmp_path / "r.xlsx")
        branches = _rows(wb["支部覆盖"])
        remote = _json(cli, "coverage", *AS_OF, "--kind", "remote")
        video = _json(cli, "coverage", *AS_OF)
        assert branches[1:] == [("B1", "一支部", "东镇", 1, 1), ("B2", "二支部", "东镇", 1, 0),
                                ("B3", "三支部", "西镇", 1, 1), ("B4", "区直支部", None, 0, 0)]
        assert [b[0] for b in branches[1:] if not b[4]] == remote["without"]
        assert sum(b[3] for b in branches[1:]) == video["sessions"]
        assert wb["支部覆盖"]["E3"].fill.fgColor.rgb.endswith("F8CBAD")  # none held: marked
        towns = _rows(wb["乡镇覆盖"])
        assert towns[1:] == [("东镇", 2, 1, 1, 0.5, 1), ("西镇", 1, 1, 0, 1, 1),
                             ("（无乡镇）", 1, 0, 1, 0, 0)]
        assert wb["乡镇覆盖"]["E2"].number_format == "0.0%"


C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def _charts(path: Path) -> list[dict[str, Any]]:
    """Each chart of the workbook: its plots (barChart, lineChart) with their settings and series
    (title, values' range, categories' range), and how many value axes it has."""
    import xml.etree.ElementTree as ET

    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        for name in names:
            root = ET.fromstring(z.read(name))
            area = root.find(f"{C}chart/{C}plotArea")
            plots = {}
            for plot in area:
                tag = plot.tag.removeprefix(C)
                if not tag.endswith("Chart"):
                    continue
                settings = {child.tag.removeprefix(C): child.get("val") for child in plot
                            if child.get("val") is not None}
                series = [(ser.findtext(f"{C}tx/{C}v"), ser.findtext(f"{C}val/{C}numRef/{C}f"),
                           ser.findtext(f"{C}cat/{C}numRef/{C}f"))
                          for ser in plot.findall(f"{C}ser")]
                plots[tag] = settings | {"series": series}
            out.append({"plots": plots, "value_axes": len(area.findall(f"{C}valAx"))})
    return out


class TestCharts:
    def test_native_charts_and_their_series(self, small: Database, cli, tmp_path: Path) -> None:
        path = tmp_path / "r.xlsx"
        wb = _export(cli, path)
        assert len(wb["图表"]._charts) == 2
        months, towns = _charts(path)
        bar = months["plots"]["barChart"]
        assert (bar["barDir"], bar["grouping"], bar["overlap"]) == ("col", "stacked", "100")
        cat = "'按月统计'!$A$2:$A$13"
        assert bar["series"] == [("政策培训", "'按月统计'!$B$2:$B$13", cat),
                                 ("视频培训", "'按月统计'!$C$2:$C$13", cat),
                                 ("专题培训", "'按月统计'!$D$2:$D$13", cat)]
        line = months["plots"]["lineChart"]
        assert [s[:2] for s in line["series"]] == [
            ("累计人次（全部类别）", "'按月统计'!$R$2:$R$13"),
            ("计划进度人次（月末）", "'按月统计'!$S$2:$S$13")]
        assert months["value_axes"] == 2  # the lines on an axis of their own
        ws = wb["按月统计"]
        assert ws["R1"].value == "累计人次（全部类别）" and ws["S1"].value == "计划进度人次（月末）"
        town_bar = towns["plots"]["barChart"]
        assert (town_bar["barDir"], town_bar["grouping"]) == ("bar", "stacked")
        assert town_bar["series"] == [
            ("已开展", "'乡镇覆盖'!$C$2:$C$4", "'乡镇覆盖'!$A$2:$A$4"),
            ("未开展", "'乡镇覆盖'!$D$2:$D$4", "'乡镇覆盖'!$A$2:$A$4")]
        assert _rows(wb["乡镇覆盖"])[0][2:4] == ("开展远程教育的党支部", "未开展支部")

    def test_a_province_charts_its_first_townships(self, small: Database, cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("trainlog.output.workbook.CHART_TOWNSHIPS", 2)
        path = tmp_path / "r.xlsx"
        _export(cli, path)
        town_bar = _charts(path)[1]["plots"]["barChart"]
        assert [s[1:] for s in town_bar["series"]] == [
            ("'乡镇覆盖'!$C$2:$C$3", "'乡镇覆盖'!$A$2:$A$3"),
            ("'乡镇覆盖'!$D$2:$D$3", "'乡镇覆盖'!$A$2:$A$3")]
        with zipfile.ZipFile(path) as z:
            assert "各乡镇党支部远程教育开展情况（前2个，共3个）" in z.read(
                "xl/charts/chart2.xml").decode()

    def test_charts_of_an_empty_year(self, db: Database, cli, tmp_path: Path) -> None:
        path = tmp_path / "empty.xlsx"
        wb = _export(cli, path)
        assert wb.sheetnames == SHEETS_ZH
        assert len(_charts(path)) == 2
        pairs = {r[0]: r[1] for r in _rows(wb["汇总"]) if r[0]}
        assert "本年度未设定计划" in pairs and pairs["党支部数"] == 0
        assert pairs["远程教育覆盖率"] is None
        assert _rows(wb["培训明细"]) == [_rows(wb["培训明细"])[0]]


class TestFormulaSafety:
    def test_formula_like_text_stays_text(self, small: Database, cli, tmp_path: Path) -> None:
        path = tmp_path / "r.xlsx"
        wb = _export(cli, path)
        ws = wb["干部学时"]
        names = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
        for code, text in (("C1", "=1+1"), ("C2", "@SUM(A1)")):
            cell = names[code]
            assert cell.value == text and cell.data_type == "s"
            assert cell.quotePrefix  # editing it in Excel keeps it text
        units = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(2, ws.max_row + 1)}
        assert (units["C1"], units["C2"]) == ("+区委", "-扶贫办")
        short = {r[0]: r[1] for r in _rows(wb["学时不足"])[1:]}
        assert short["C1"] == "=1+1"
        titles = [r[6] for r in _rows(wb["培训明细"])]
        assert "=HYPERLINK(1)" in titles
        with zipfile.ZipFile(path) as z:
            sheets = [z.read(n).decode() for n in z.namelist()
                      if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in x for x in sheets)  # no formula anywhere in the workbook


class TestCommand:
    def test_writes_and_replaces_the_file(self, small: Database, cli, tmp_path: Path) -> None:
        path = tmp_path / "report.xlsx"
        path.write_text("old")
        r = cli("export", *AS_OF, path)
        assert r.exit_code == 0
        assert r.stdout.startswith(f"wrote {path}: 9 sheets (2020-01-01..2020-04-03), "
                                   "5 sessions, 5 cadres, 2 short of hours, 4 branches")
        assert r.stderr == ""
        assert load_workbook(path).sheetnames == SHEETS_ZH
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
        r = cli("--lang", "zh", "export", "--year", "2020", path)
        assert r.stdout.startswith(f"已写入 {path}：9 张工作表（2020）")

    def test_bad_usage_and_bad_paths(self, small: Database, cli, tmp_path: Path) -> None:
        # no period: this month, as for `report` (issue 20: export [period])
        r = cli("export", tmp_path / "m.xlsx", env={"TRAINLOG_TODAY": "2020-03-15"})
        assert r.exit_code == 0 and "(2020-03)" in r.stdout
        r = cli("export", "--year", "2020", "--month", "2020-03", tmp_path / "r.xlsx")
        assert r.exit_code == 1 and "--month" in r.stderr
        r = cli("export", "--year", "2020", tmp_path / "r.csv")
        assert r.exit_code == 1 and "must end in .xlsx" in r.stderr and r.stdout == ""
        r = cli("export", "--year", "2020", tmp_path / "missing" / "r.xlsx")
        assert r.exit_code == 1 and "no such folder" in r.stderr
        r = cli("export", "--year", "2020", "--as-of", "2019-05-01", tmp_path / "r.xlsx")
        assert r.exit_code == 1 and "before the period starts" in r.stderr
        assert not (tmp_path / "r.xlsx").exists()

    def test_needs_a_database(self, cli, tmp_path: Path) -> None:
        r = cli("export", "--year", "2020", tmp_path / "r.xlsx")
        assert r.exit_code == 1 and "trainlog init" in r.stderr


class TestCore:
    def test_monthly_rows(self, small: Database) -> None:
        with small.connect() as s:
            rows = monthly(s, resolve_period(year=2020, as_of="2020-04-03"))
            one = monthly(s, resolve_period(year=2020, as_of="2020-04-03"), track="video")
        assert [r["month"] for r in rows] == ["2020-01", "2020-02", "2020-03", "2020-04"]
        assert rows[2]["video"] == {"sessions": 2, "person_times": 15, "people": 0,
                                    "hours": 20.0}
        assert rows[3]["total"]["person_times"] == 5
        assert one[2]["total"] == one[2]["video"] and "policy" not in one[2]

    def test_build_reports_what_it_holds(self, small: Database, tmp_path: Path) -> None:
        with small.connect() as conn:
            wb, info = build(conn, resolve_period(year=2020), "en")
        wb.save(tmp_path / "year.xlsx")  # a write-only workbook streams its rows until saved
        assert info["sheets"] == SHEETS_EN
        assert (info["sessions"], info["cadres"], info["short"], info["branches"],
                info["townships"]) == (6, 5, 2, 4, 3)

    def test_export_workbook_refuses_a_folder(self, small: Database, tmp_path: Path) -> None:
        from trainlog.errors import TrainlogError

        folder = tmp_path / "x.xlsx"
        folder.mkdir()
        with small.connect() as conn, pytest.raises(TrainlogError, match="is a folder"):
            export_workbook(conn, folder, 2020)


@pytest.mark.sqlite_only("the example data set is loaded into a SQLite file of its own")
def test_the_example_workbook(zhaoling: Path, cli, tmp_path: Path) -> None:
    """The source document's figures as of 3 April 2020 land in the summary and the months."""
    path = tmp_path / "zhaoling.xlsx"
    r = cli("--db", zhaoling, "export", *AS_OF, path)
    assert r.exit_code == 0, r.output
    wb = load_workbook(path)
    pairs = {row[0]: row[1] for row in _rows(wb["汇总"]) if row[0]}
    assert (pairs["党支部数"], pairs["远程教育培训次数"], pairs["已注册干部网络学院"],
            pairs["目标人次"], pairs["已完成人次"]) == (378, 1034, 739, 2000, 356)
    assert 200 < pairs["政策培训中“一把手”人次"] < 300
    months = _table(wb["按月统计"])
    assert months[3]["累计人次（专题培训）"] == 356
    assert months[11]["计划进度人次（月末）"] == 2000
    assert len(_table(wb["乡镇覆盖"])) == 10
    assert date(2020, 4, 3) == pairs["统计截止日期"].date()
