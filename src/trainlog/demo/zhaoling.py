#!/usr/bin/env python3
"""Generate the Zhaoling District (召陵区) example data set, January–June 2020.

The files are what a township office would hand in: rosters saved by Chinese Excel
(GB18030 CSV), UTF-8 CSV with and without a BOM, and .xlsx workbooks, in the column
formats of DESIGN.md "Input files" with zh-CN headers.  They reproduce the figures of
the source document (shared/seed/README.md):

* 378 party branches;
* 1,034 remote-education sessions held by 371 of them from 1 January to 3 April 2020;
* 739 cadres registered at the online cadre academy by 3 April 2020;
* a bit over 200 named person-times of district and township top leaders at policy
  meetings (研判会, 推进会, 座谈会) by 3 April 2020;
* special classes of three tiers on four topics, growing towards the plan of 2,000
  person-times of poverty-alleviation cadres (not reaching it by June).

The seven branches that held no remote-education session by 3 April 2020
(IDLE_BRANCHES; the first three start in April–June, the last four hold none at all):

    B083 邓襄镇流动党员党支部
    B150 老窝镇卫生院党支部
    B187 姬石镇机关第二党支部
    B253 翟庄街道社区卫生服务中心党支部
    B345 漯河沃土农业科技有限公司党支部 (青年镇)
    B355 翟庄街道汇丰养殖专业合作社党支部
    B372 漯河沃土面业有限公司党支部 (青年镇)

Deterministic: random.Random(2020), fixed xlsx properties and zip timestamps; running
it twice gives byte-identical files.  Standard library and openpyxl only.

`trainlog demo` writes the data set with `write_dataset` and loads it through the
importers; examples/make_zhaoling.py writes the copy shipped in examples/zhaoling2020.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from random import Random

import openpyxl

D = dt.date
AS_OF = D(2020, 4, 3)
START, END = D(2020, 1, 1), D(2020, 6, 30)
FIXED_STAMP = dt.datetime(2020, 7, 1, 9, 0, 0)
TARGET_BRANCHES = 378
TARGET_CADRES = 790  # 760 party members + 30 non-party
PARTY_MEMBERS = 760
REGISTERED_BY_AS_OF = 739
REMOTE_BY_AS_OF = 1034
IDLE_BRANCHES = ("B083", "B150", "B187", "B253", "B345", "B355", "B372")
IDLE_STARTING_LATER = IDLE_BRANCHES[:3]

SESSION_HEADER = [
    "培训编号",
    "日期",
    "类别",
    "形式",
    "主题",
    "培训名称",
    "学时",
    "党支部",
    "干部编号",
    "未具名人数",
]
TOPICS = ["乡村振兴", "扶贫产业", "壮大村集体经济", "干部能力提升"]
TIERS = ["专题班", "重点班", "常规班"]


def words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙胡朱高林何郭郭马罗孟宋谢韩冯曹彭董袁邓许魏程于薛"
)
GIVEN_FIRST = "建国志海红晓永德文春玉金新俊丽秀卫振宏利保书明"
GIVEN_SECOND = "军华民强伟平明峰霞芳英敏杰涛林锋辉红梅东亮勇刚静娟"
VILLAGE_SUFFIXES = ["庄", "庄", "庄", "营", "寨", "楼", "岗", "湾", "桥", "集", "店"]
VILLAGE_PREFIXES = ["", "", "", "前", "后", "东", "西", "大", "小", "南", "北"]

# township/street: (villages, communities); 召陵镇's villages are its real ones.
TOWNSHIPS = {
    "召陵镇": (32, 0),
    "邓襄镇": (30, 0),
    "万金镇": (28, 0),
    "老窝镇": (34, 0),
    "姬石镇": (30, 0),
    "青年镇": (24, 0),
    "翟庄街道": (22, 6),
    "天桥街道": (18, 8),
    "东城街道": (15, 6),
}
ZHAOLING_VILLAGES = words(
    "黄庄 召陵 林庄 岗赵 齐庄 李 康刘 谢庄 坡李 拐张 西皋西 西皋东 大徐 辛庄 茨张 张三岗 "
    "归村东 归村西 大马 柿园王 久寨徐 前油李 后油李 常 呼雷张 殷侯 沟李 詹庄 白庄 李付吴 卢庄 郜庄"
)
COMMUNITIES = words(
    "黄河路 长江路 嵩山路 太行山路 湘江路 淮河路 黄山路 衡山路 珠江路 辽河路 "
    "泰山路 海河路 汾河路 松江路 阳山路 金山路 银杏路 东方红路 人民东路 解放路"
)
FIRM_STEMS = words(
    "丰源 金穗 天成 恒瑞 瑞祥 宏达 鑫源 兴农 中原 绿野 "
    "盛丰 嘉禾 汇丰 福源 沃土 豫丰 康源 金沙 沙澧 银河"
)
FIRM_KINDS = [
    "食品有限公司",
    "农业科技有限公司",
    "面业有限公司",
    "种植专业合作社",
    "家庭农场",
    "养殖专业合作社",
]
TOWNSHIP_FIXED_BRANCHES = [
    "机关第一党支部",
    "机关第二党支部",
    "中心学校党支部",
    "卫生院党支部",
    "流动党员党支部",
]
DISTRICT_UNITS = words(
    "区委办公室 区人大常委会办公室 区政府办公室 区政协办公室 区纪委监委 区委组织部 "
    "区委宣传部 区委统战部 "
    "区委政法委 区委编办 区直机关工委 区发展和改革委员会 区教育局 区财政局 区人力资源和社会保障局 "
    "区自然资源局 区住房和城乡建设局 区交通运输局 区水利局 区农业农村局 区扶贫办 区商务局 "
    "区文化广电和旅游局 区卫生健康委员会 区民政局 区司法局 区审计局 区统计局 区应急管理局 "
    "区市场监督管理局 区退役军人事务局 区医疗保障局 区信访局 区城市管理局 区公安分局 区人民法院 "
    "区人民检察院 区税务局 区总工会 团区委 区妇联"
)
# The district's four leading bodies, whose heads sit in the matching office's branch.
DISTRICT_LEADERS = {
    "中共召陵区委": "区委办公室",
    "召陵区人民政府": "区政府办公室",
    "召陵区人大常委会": "区人大常委会办公室",
    "召陵区政协": "区政协办公室",
}


def person_name(rng: Random) -> str:
    given = (
        rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
        if rng.random() < 0.6
        else rng.choice(GIVEN_SECOND)
    )
    return rng.choice(SURNAMES) + given


def village_names(rng: Random, township: str, count: int) -> list[str]:
    if township == "召陵镇":
        return [v + "村" for v in ZHAOLING_VILLAGES[:count]]
    names: list[str] = []
    while len(names) < count:
        name = (
            rng.choice(VILLAGE_PREFIXES)
            + rng.choice(SURNAMES)
            + rng.choice(VILLAGE_SUFFIXES)
            + "村"
        )
        if name not in names:
            names.append(name)
    return names


def days(start: D, end: D) -> list[D]:
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


HOLIDAYS_2020 = [
    (D(2020, 1, 1), D(2020, 1, 1)),
    (D(2020, 1, 24), D(2020, 2, 2)),
    (D(2020, 4, 4), D(2020, 4, 6)),
    (D(2020, 5, 1), D(2020, 5, 5)),
    (D(2020, 6, 25), D(2020, 6, 27)),
]


def day_weight(day: D) -> float:
    """Working days weigh most, weekends less, public holidays (Spring Festival…) least."""
    if any(first <= day <= last for first, last in HOLIDAYS_2020):
        return 0.1
    return 1.0 if day.weekday() < 5 else 0.3


def pick_days(rng: Random, start: D, end: D, count: int) -> list[D]:
    pool = days(start, end)
    picked: set[D] = set()
    while len(picked) < count:
        picked.add(rng.choices(pool, weights=[day_weight(d) for d in pool])[0])
    return sorted(picked)


def month_end(year: int, month: int) -> D:
    return (D(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(1)


def fmt(value) -> str:
    """CSV cell text: dates ISO, whole floats without '.0', None empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)  # CRLF line ends, as Excel saves them
        writer.writerow(header)
        writer.writerows([fmt(v) for v in row] for row in rows)


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, D):
                cell.number_format = "yyyy-mm-dd"
    wb.properties.creator = "召陵区委组织部"
    wb.properties.created = wb.properties.modified = FIXED_STAMP
    buf = io.BytesIO()
    wb.save(buf)  # stamps "modified" with the clock, and the zip entries too: fix both
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)


def make_branches(rng: Random) -> list[dict]:
    """District organs first, then each township's own branches, villages, communities and firms."""
    branches = [
        {"name": f"{unit}党支部", "township": "", "kind": "district", "unit": unit}
        for unit in DISTRICT_UNITS
    ]
    for town, (n_villages, n_communities) in TOWNSHIPS.items():
        for fixed in TOWNSHIP_FIXED_BRANCHES:
            if fixed == "卫生院党支部" and town.endswith("街道"):
                fixed = "社区卫生服务中心党支部"
            branches.append(
                {
                    "name": town + fixed,
                    "township": town,
                    "kind": "township" if "机关" in fixed else "other",
                }
            )
        for village in village_names(rng, town, n_villages):
            branches.append(
                {
                    "name": f"{town}{village}党支部",
                    "township": town,
                    "kind": "village",
                    "unit": town + village,
                }
            )
        for community in rng.sample(COMMUNITIES, n_communities):
            branches.append(
                {
                    "name": f"{town}{community}社区党支部",
                    "township": town,
                    "kind": "village",
                    "unit": f"{town}{community}社区",
                }
            )
    towns = list(TOWNSHIPS)
    firms = [(stem, kind) for stem in FIRM_STEMS for kind in FIRM_KINDS]
    rng.shuffle(firms)
    for n in range(TARGET_BRANCHES - len(branches)):
        (stem, kind), town = firms[n], towns[n % len(towns)]
        owner = (
            "漯河" if kind.endswith("公司") else town
        )  # companies carry the city, co-ops the township
        branches.append({"name": f"{owner}{stem}{kind}党支部", "township": town, "kind": "firm"})
    for n, branch in enumerate(branches, 1):
        branch["code"] = f"B{n:03d}"
    assert len(branches) == TARGET_BRANCHES
    return branches


def committee(branch: dict) -> str:
    return branch["unit"] + ("居委会" if branch["unit"].endswith("社区") else "村委会")


def make_cadres(rng: Random, branches: list[dict]) -> list[dict]:
    cadres: list[dict] = []

    def add(unit, level, branch, top=False, poverty=False, rank=None):
        cadres.append(
            {
                "name": person_name(rng),
                "unit": unit,
                "level": level,
                "rank": rank,
                "branch": branch["code"],
                "top": top,
                "poverty": poverty,
                "party": True,
                "registered": None,
            }
        )

    by_unit = {b.get("unit"): b for b in branches if b["kind"] == "district"}
    # 职级 (the training hours a cadre owes): the district's four leaders county level, the heads
    # of its units and the townships' cadres section level, the units' other cadres staff, the
    # village cadres village; each the first value of his rank, holding for every date
    for body, office in DISTRICT_LEADERS.items():
        add(body, "区级", by_unit[office], top=True, rank="县处级以上")
    for unit in DISTRICT_UNITS:
        poverty_office = unit == "区扶贫办"
        add(unit, "区级", by_unit[unit], top=True, poverty=poverty_office, rank="乡科级")
        # sent to a village as 驻村第一书记
        add(unit, "区级", by_unit[unit], poverty=True, rank="科员及以下")
        for _ in range(rng.randint(2, 3)):
            add(unit, "区级", by_unit[unit], poverty=poverty_office, rank="科员及以下")
    for town in TOWNSHIPS:
        office = [b for b in branches if b["township"] == town and b["kind"] == "township"]
        party_unit = town + ("党工委" if town.endswith("街道") else "党委")
        gov_unit = town + ("办事处" if town.endswith("街道") else "人民政府")
        add(party_unit, "乡级", office[0], top=True, rank="乡科级")
        add(gov_unit, "乡级", office[0], top=True, rank="乡科级")
        for n in range(28):
            add(gov_unit, "乡级", office[n % 2], poverty=n < 8, rank="乡科级")
    villages = [b for b in branches if b["kind"] == "village"]
    for branch in villages:
        add(
            committee(branch),
            "村级",
            branch,
            poverty=not branch["unit"].endswith("社区") and rng.random() < 0.8,
            rank="村（社区）干部",
        )
    for branch in rng.sample(villages, TARGET_CADRES - len(cadres)):
        add(committee(branch), "村级", branch, poverty=rng.random() < 0.5, rank="村（社区）干部")
    for n, cadre in enumerate(cadres, 1):
        cadre["code"] = f"G{n:04d}"
    for cadre in rng.sample([c for c in cadres if not c["top"]], TARGET_CADRES - PARTY_MEMBERS):
        cadre["party"], cadre["branch"] = False, ""
    register(rng, cadres)
    return cadres


def register(rng: Random, cadres: list[dict]) -> None:
    """739 party members by 3 April, 12 more (and 8 non-members) later, the rest never."""
    members = [c for c in cadres if c["party"]]
    top = [c for c in members if c["top"]]
    others = rng.sample([c for c in members if not c["top"]], len(members) - len(top))
    early = top + others[: REGISTERED_BY_AS_OF - len(top)]
    late = others[REGISTERED_BY_AS_OF - len(top) :][:12]
    non_members = rng.sample([c for c in cadres if not c["party"]], 8)
    campaign = days(D(2019, 5, 6), AS_OF)
    for cadre in early:
        cadre["registered"] = rng.choices(
            campaign, weights=[3 if d.year == 2020 else 1 for d in campaign]
        )[0]
    for cadre in late + non_members:
        cadre["registered"] = rng.choice(days(D(2020, 4, 7), D(2020, 6, 19)))


def session_rows(
    ref, date, track, kind, topic, title, hours, branch, cadre_codes, headcount
) -> list[list]:
    head = [ref, date, track, kind, topic, title, hours, branch]
    return [head + [code, headcount] for code in cadre_codes] or [head + ["", headcount]]


# date, kind, title, who attends (district/township/all top leaders), named (min, max), headcount
POLICY_MEETINGS = [
    (D(2020, 1, 7), "研判会", "2019年度脱贫攻坚成效考核反馈问题研判会", "all", (24, 30), 0),
    (D(2020, 1, 14), "推进会", "脱贫攻坚问题整改推进会", "all", (28, 34), 42),
    (D(2020, 2, 11), "推进会", "统筹推进疫情防控和脱贫攻坚工作推进会（视频）", "all", (26, 32), 0),
    (D(2020, 2, 25), "研判会", "扶贫项目开复工形势研判会", "all", (18, 24), 0),
    (
        D(2020, 3, 5),
        "座谈会",
        "乡镇（街道）党（工）委书记抓党建促脱贫攻坚座谈会",
        "township",
        (16, 18),
        0,
    ),
    (D(2020, 3, 12), "推进会", "决战决胜脱贫攻坚推进会", "all", (26, 32), 56),
    (D(2020, 3, 20), "研判会", "防返贫防致贫监测帮扶研判会", "all", (20, 26), 0),
    (D(2020, 3, 31), "座谈会", "行业扶贫部门“一把手”座谈会", "district", (20, 26), 0),
    (D(2020, 4, 2), "研判会", "第一季度脱贫攻坚形势研判会", "all", (18, 24), 0),
    (D(2020, 4, 16), "推进会", "扶贫产业发展推进会", "all", (26, 32), 38),
    (D(2020, 4, 28), "座谈会", "驻村帮扶工作座谈会", "district", (18, 24), 0),
    (D(2020, 5, 12), "研判会", "脱贫攻坚“回头看”问题研判会", "all", (22, 28), 0),
    (D(2020, 5, 26), "推进会", "脱贫攻坚普查准备工作推进会", "all", (28, 34), 47),
    (D(2020, 6, 9), "座谈会", "壮大村集体经济座谈会", "township", (14, 18), 0),
    (D(2020, 6, 23), "研判会", "第二季度脱贫攻坚形势研判会", "all", (22, 28), 0),
]
POLICY_HOURS = {"研判会": 2.0, "推进会": 3.0, "座谈会": 2.5}


def policy_topic(title: str) -> str:
    for word, topic in (
        ("产业", "扶贫产业"),
        ("集体经济", "壮大村集体经济"),
        ("乡村振兴", "乡村振兴"),
    ):
        if word in title:
            return topic
    return ""


def make_policy(rng: Random, cadres: list[dict]) -> list[list]:
    leaders = {
        "district": [c["code"] for c in cadres if c["top"] and c["level"] == "区级"],
        "township": [c["code"] for c in cadres if c["top"] and c["level"] == "乡级"],
    }
    leaders["all"] = leaders["district"] + leaders["township"]
    rows = []
    for n, (date, kind, title, who, (low, high), headcount) in enumerate(POLICY_MEETINGS, 1):
        pool = leaders[who]
        named = sorted(rng.sample(pool, min(len(pool), rng.randint(low, high))))
        rows += session_rows(
            f"ZL-P-{n:04d}",
            date,
            "政策培训",
            kind,
            policy_topic(title),
            title,
            POLICY_HOURS[kind],
            "",
            named,
            headcount,
        )
    return rows


REMOTE_COURSES = [  # title, topic, first month it is shown
    ("脱贫攻坚政策解读", "", 1),
    ("习近平总书记关于扶贫工作的重要论述", "", 1),
    ("党章党规党纪学习", "", 1),
    ("小麦春季田间管理技术", "扶贫产业", 2),
    ("新冠肺炎疫情防控知识", "", 2),
    ("农村人居环境整治", "乡村振兴", 1),
    ("扶贫小额信贷政策问答", "扶贫产业", 1),
    ("特色林果种植技术", "扶贫产业", 3),
    ("畜禽规模养殖与防疫", "扶贫产业", 1),
    ("农村电商实务", "扶贫产业", 3),
    ("村集体经济发展典型案例", "壮大村集体经济", 1),
    ("乡村振兴战略解读", "乡村振兴", 1),
    ("农民专业合作社规范运营", "壮大村集体经济", 4),
    ("夏粮收获与秸秆禁烧", "", 5),
    ("防汛抗旱知识", "", 6),
]


def remote_title(rng: Random, day: D) -> tuple[str, str]:
    title, topic, _ = rng.choice([c for c in REMOTE_COURSES if c[2] <= day.month])
    return "远程教育：" + title, topic


def make_video(rng: Random, branches: list[dict]) -> list[list]:
    """1,034 remote-education sessions by 3 April in 371 branches; more (and 学习强国) later."""
    active = [b["code"] for b in branches if b["code"] not in IDLE_BRANCHES]
    weight = {code: rng.uniform(0.3, 2.0) for code in active}
    per_branch = {code: 1 for code in active}
    for code in rng.choices(
        active, weights=[weight[c] for c in active], k=REMOTE_BY_AS_OF - len(active)
    ):
        per_branch[code] += 1
    sessions = []  # (date, kind, branch, title, topic)
    for code, count in per_branch.items():
        for day in pick_days(rng, START, AS_OF, count):
            sessions.append((day, "远程教育", code) + remote_title(rng, day))
        later = rng.choices([0, 1, 2, 3, 4], weights=[1, 3, 4, 3, 1])[0]
        for day in pick_days(rng, AS_OF + dt.timedelta(1), END, later):
            sessions.append((day, "远程教育", code) + remote_title(rng, day))
    for code in IDLE_STARTING_LATER:
        for day in pick_days(rng, D(2020, 4, 20), END, rng.randint(1, 2)):
            sessions.append((day, "远程教育", code) + remote_title(rng, day))
    for code in rng.sample(active, 40):
        day = pick_days(rng, D(2020, 4, 7), END, 1)[0]
        sessions.append((day, "学习强国", code, "学习强国“学习小组”集中学习", ""))
    sessions.sort(key=lambda s: (s[0], s[2], s[1]))
    rows = []
    for n, (day, kind, code, title, topic) in enumerate(sessions, 1):
        hours = rng.choice([1.0, 1.5, 2.0, 2.0])
        rows += session_rows(
            f"ZL-V-{n:05d}",
            day,
            "视频培训",
            kind,
            topic,
            title,
            hours,
            code,
            [],
            rng.randint(8, 45),
        )
    return rows


SPECIAL_CLASSES = [  # date, tier; topics follow the survey's demand
    (D(2020, 1, 9), "常规班"),
    (D(2020, 1, 16), "重点班"),
    (D(2020, 3, 12), "专题班"),
    (D(2020, 3, 19), "常规班"),
    (D(2020, 3, 26), "重点班"),
    (D(2020, 4, 2), "专题班"),
    (D(2020, 4, 16), "常规班"),
    (D(2020, 4, 23), "重点班"),
    (D(2020, 4, 29), "常规班"),
    (D(2020, 5, 8), "专题班"),
    (D(2020, 5, 14), "常规班"),
    (D(2020, 5, 21), "重点班"),
    (D(2020, 5, 28), "常规班"),
    (D(2020, 6, 4), "专题班"),
    (D(2020, 6, 11), "常规班"),
    (D(2020, 6, 18), "重点班"),
    (D(2020, 6, 24), "常规班"),
]
TIER_SIZE = {"专题班": (60, 80), "重点班": (40, 55), "常规班": (35, 50)}
TIER_HOURS = {"专题班": 6.0, "重点班": 4.0, "常规班": 3.0}
TIER_LEVELS = {
    "专题班": ("区级", "乡级", "村级"),
    "重点班": ("区级", "乡级"),
    "常规班": ("乡级", "村级"),
}
TOPIC_ORDER = ["扶贫产业", "乡村振兴", "干部能力提升", "壮大村集体经济", "扶贫产业", "乡村振兴"]


def make_special(rng: Random, cadres: list[dict]) -> list[list]:
    poverty = [c for c in cadres if c["poverty"]]
    rows, issue = [], {}
    for n, (date, tier) in enumerate(SPECIAL_CLASSES, 1):
        topic = TOPIC_ORDER[(n - 1) % len(TOPIC_ORDER)]
        issue[(tier, topic)] = issue.get((tier, topic), 0) + 1
        title = f"2020年扶贫干部{topic}{tier}（第{issue[(tier, topic)]}期）"
        pool = [c["code"] for c in poverty if c["level"] in TIER_LEVELS[tier]]
        named = sorted(rng.sample(pool, rng.randint(*TIER_SIZE[tier])))
        headcount = rng.randint(10, 25) if tier == "常规班" and rng.random() < 0.7 else 0
        rows += session_rows(
            f"ZL-S-{n:04d}",
            date,
            "专题培训",
            tier,
            topic,
            title,
            TIER_HOURS[tier],
            "",
            named,
            headcount,
        )
    return rows


def make_study(rng: Random, cadres: list[dict], month: int) -> list[list]:
    """One row per registered cadre who studied: 3–5% short of 5 hours (a few at 0), 1.5% absent."""
    last = month_end(2020, month)
    studying = [
        c["code"]
        for c in cadres
        if c["registered"] and c["registered"] <= last and rng.random() > 0.015
    ]
    short = rng.sample(studying, round(len(studying) * rng.uniform(0.03, 0.05)))
    zero = set(short[: rng.randint(1, 4)])
    rows = []
    for code in studying:
        if code in zero:
            hours = 0.0
        elif code in short:
            hours = round(rng.uniform(0.5, 4.9), 1)
        elif rng.random() < 0.97:
            hours = round(rng.uniform(5, 12) * 2) / 2
        else:
            hours = round(rng.uniform(12, 30), 1)
        rows.append([code, hours, "干部网络学院", f"2020-{month:02d}"])
    return rows


SURVEY_METHODS = ["走访", "座谈", "电话问询", "个别访谈", "问卷调查"]
SURVEY_TOPIC_WEIGHTS = {
    "扶贫产业": 0.62,
    "乡村振兴": 0.5,
    "壮大村集体经济": 0.36,
    "干部能力提升": 0.28,
}
SURVEY_NOTES = [
    "",
    "",
    "",
    "希望增加现场教学",
    "建议线上线下相结合",
    "希望邀请农业专家授课",
    "需要农村电商销售方面的培训",
    "培训时间请避开农忙",
    "建议到先进村观摩学习",
    "希望讲解扶贫政策最新变化",
    "希望多讲项目申报和资金管理",
]


def make_survey(rng: Random, cadres: list[dict], branches: list[dict]) -> list[list]:
    """About 150 answers, January–February 2020; from 24 January only by phone or questionnaire."""
    people = [c["code"] for c in cadres if c["poverty"]]
    places = [b["name"].replace("党支部", "两委班子") for b in branches if b["kind"] == "village"]
    places += [t + ("党工委" if t.endswith("街道") else "党委") for t in TOWNSHIPS]
    rows = []
    for day in days(D(2020, 1, 2), D(2020, 2, 28)):
        if day.weekday() >= 5:
            continue
        methods = SURVEY_METHODS if day < D(2020, 1, 24) else ["电话问询", "问卷调查"]
        for _ in range(rng.choice([2, 3, 4, 4, 5])):
            method = rng.choice(methods)
            topics = [t for t, w in SURVEY_TOPIC_WEIGHTS.items() if rng.random() < w] or [
                rng.choice(TOPICS)
            ]
            tier = rng.choice(["", "", "专题班", "重点班", "常规班", "常规班"])
            who = (
                ("", rng.choice(places)) if method in ("走访", "座谈") else (rng.choice(people), "")
            )
            rows.append([day, method, "、".join(topics), tier, *who, rng.choice(SURVEY_NOTES)])
    return rows


STUDY_FORMATS = {
    1: "gb18030",
    2: "utf-8-sig",
    3: "xlsx",
    4: "gb18030",
    5: "utf-8-sig",
    6: "gb18030",
}


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def write_dataset(out: Path) -> list[Path]:
    """Write the data set's files into `out`; their paths in load order."""
    rng = Random(2020)
    out.mkdir(parents=True, exist_ok=True)
    branches = make_branches(rng)
    cadres = make_cadres(rng, branches)
    write_csv(
        out / "01_branches.csv",
        ["编号", "名称", "乡镇"],
        [[b["code"], b["name"], b["township"]] for b in branches],
        "utf-8-sig",
    )
    write_csv(
        out / "02_cadres.csv",
        [
            "编号",
            "姓名",
            "单位",
            "级别",
            "党支部",
            "一把手",
            "扶贫干部",
            "党员",
            "网络学院注册日期",
            "职级",
        ],
        [
            [
                c["code"],
                c["name"],
                c["unit"],
                c["level"],
                c["branch"],
                yes_no(c["top"]),
                yes_no(c["poverty"]),
                yes_no(c["party"]),
                c["registered"],
                c["rank"],
            ]
            for c in cadres
        ],
        "gb18030",
    )
    write_xlsx(
        out / "03_sessions_policy.xlsx", "政策培训", SESSION_HEADER, make_policy(rng, cadres)
    )
    write_csv(out / "04_sessions_video.csv", SESSION_HEADER, make_video(rng, branches), "gb18030")
    write_csv(out / "05_sessions_special.csv", SESSION_HEADER, make_special(rng, cadres), "utf-8")
    for month, encoding in STUDY_FORMATS.items():
        rows = make_study(rng, cadres, month)
        header = ["干部编号", "学时", "平台", "月份"]
        if month in (2, 5):  # these exports leave the platform to the default (干部网络学院)
            header, rows = ["干部编号", "学时", "月份"], [[r[0], r[1], r[3]] for r in rows]
        name = out / f"06_study_2020-{month:02d}"
        if encoding == "xlsx":
            write_xlsx(name.with_suffix(".xlsx"), "网络学习", header, rows)
        else:
            write_csv(name.with_suffix(".csv"), header, rows, encoding)
    write_csv(
        out / "07_survey.csv",
        ["日期", "方式", "主题", "班次", "干部编号", "对象", "备注"],
        make_survey(rng, cadres, branches),
        "utf-8",
    )
    return sorted(p for p in out.iterdir() if p.name[:2].isdigit())
