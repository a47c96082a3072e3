#!/usr/bin/env python3
"""Re-read the Zhaoling example data set and check the figures of the source document.

Reads every file of examples/zhaoling2020 (or the directory given) as an import would:
CSV in UTF-8 (with or without BOM) or GB18030, .xlsx through openpyxl.  Prints the
figures as a table; exits 1 when any check fails.

Usage: python examples/check_zhaoling.py [DATA_DIR]
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import sys
import unicodedata
from collections import Counter
from pathlib import Path

AS_OF = dt.date(2020, 4, 3)
SESSION_FIELDS = ["日期", "类别", "形式", "主题", "培训名称", "学时", "党支部", "未具名人数"]
TOPICS = {"乡村振兴", "扶贫产业", "壮大村集体经济", "干部能力提升"}
TIERS = {"专题班", "重点班", "常规班"}
METHODS = {"走访", "座谈", "电话问询", "个别访谈", "问卷调查"}


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> list[dict]:
    """Rows as dicts of text, keyed by the header; encoding detected like an import does."""
    if path.suffix == ".xlsx":
        import openpyxl  # only needed for workbooks

        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            text = raw[3:].decode("utf-8")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert len(set(header)) == len(header), f"{path.name}: repeated column"
    return [dict(zip(header, row, strict=False)) for row in body]


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)  # raises on anything but a real YYYY-MM-DD date


class Checks:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool]] = []

    def figure(self, name: str, value, expected: str, ok: bool) -> None:
        self.rows.append(
            (name, f"{value:,}" if isinstance(value, int) else str(value), expected, bool(ok))
        )

    def require(self, name: str, problems: list[str]) -> None:
        self.figure(
            name,
            "ok" if not problems else f"{len(problems)} problem(s): {problems[:3]}",
            "no problems",
            not problems,
        )

    def print(self) -> bool:
        table = [("figure", "value", "expected", "check")]
        table += [
            (name, value, expected, "ok" if ok else "FAIL")
            for name, value, expected, ok in self.rows
        ]
        widths = [max(width(row[i]) for row in table) for i in range(3)]
        for row in table:
            print(
                "  ".join(
                    text + " " * (w - width(text)) for text, w in zip(row, widths, strict=False)
                )
                + "  "
                + row[3]
            )
        return all(r[3] for r in self.rows)


def width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def check_sessions(
    files: list[Path], cadres: dict, branches: dict, checks: Checks
) -> dict[str, dict]:
    """Group rows by ref; check agreement, references, duplicates and dates."""
    sessions: dict[str, dict] = {}
    problems = []
    for path in files:
        for number, row in enumerate(read_table(path), 2):
            where = f"{path.name}:{number}"
            ref = row["培训编号"]
            fields = {k: row[k] for k in SESSION_FIELDS}
            session = sessions.setdefault(ref, {"file": path.name, "fields": fields, "cadres": []})
            if session["file"] != path.name:
                problems.append(f"{where} ref {ref} also in {session['file']}")
            if session["fields"] != fields:
                problems.append(f"{where} {ref} disagrees with its first row")
            try:
                parse_date(row["日期"])
            except ValueError:
                problems.append(f"{where} bad date {row['日期']!r}")
            if row["党支部"] and row["党支部"] not in branches:
                problems.append(f"{where} unknown branch {row['党支部']}")
            code = row["干部编号"]
            if code:
                if code not in cadres:
                    problems.append(f"{where} unknown cadre {code}")
                if code in session["cadres"]:
                    problems.append(f"{where} {code} twice in {ref}")
                session["cadres"].append(code)
    checks.require("session rows agree, refs unique, codes exist, no cadre twice", problems)
    for session in sessions.values():
        session["date"] = parse_date(session["fields"]["日期"])
        session["headcount"] = int(session["fields"]["未具名人数"] or 0)
    return sessions


def check_study(files: list[Path], cadres: dict, checks: Checks) -> None:
    """One file per month: registered cadres only, hours in range, no cadre twice."""
    problems = []
    for path in files:
        table = read_table(path)
        months = {row.get("月份") or path.stem.rsplit("_", 1)[-1] for row in table}
        if len(months) != 1:
            problems.append(f"{path.name}: months {sorted(months)}")
        year, mon = map(int, sorted(months)[0].split("-"))
        last = dt.date(year, mon, calendar.monthrange(year, mon)[1])
        hours = [float(row["学时"]) for row in table]
        for number, (row, h) in enumerate(zip(table, hours, strict=True), 2):
            code, registered = (
                row["干部编号"],
                cadres.get(row["干部编号"], {}).get("网络学院注册日期"),
            )
            if code not in cadres:
                problems.append(f"{path.name}:{number} unknown cadre {code}")
            elif not registered or parse_date(registered) > last:
                problems.append(f"{path.name}:{number} {code} not registered by {last}")
            if not 0 <= h <= 24 * last.day:
                problems.append(f"{path.name}:{number} hours {h} out of range")
        if len({row["干部编号"] for row in table}) != len(table):
            problems.append(f"{path.name}: a cadre twice")
        registered = sum(
            bool(c["网络学院注册日期"]) and parse_date(c["网络学院注册日期"]) <= last
            for c in cadres.values()
        )
        below = sum(h < 5 for h in hours) / len(hours)
        checks.figure(
            f"study {year}-{mon:02d} ({path.suffix[1:]}): rows / registered, <5 h, 0 h",
            f"{len(table)} / {registered}, {below:.1%}, {hours.count(0)}",
            "3–5% below 5",
            0.03 <= below <= 0.05,
        )
    checks.figure("study months", len(files), "6", len(files) == 6)
    checks.require("study: cadre registered by month end, 0 <= hours <= 24 x days", problems)


def main(data: Path) -> int:
    checks = Checks()
    branches = {r["编号"]: r for r in read_table(data / "01_branches.csv")}
    checks.figure("party branches (党支部)", len(branches), "378", len(branches) == 378)
    cadre_rows = read_table(data / "02_cadres.csv")
    cadres = {r["编号"]: r for r in cadre_rows}
    checks.require(
        "cadre codes unique, branches exist, dates real",
        [
            f"{code}"
            for code, r in cadres.items()
            if (r["党支部"] and r["党支部"] not in branches)
            or (r["网络学院注册日期"] and not parse_date(r["网络学院注册日期"]))
        ]
        + [f"{len(cadre_rows) - len(cadres)} repeated codes"] * (len(cadre_rows) != len(cadres)),
    )
    members = [r for r in cadres.values() if r["党员"] == "是"]
    registered = [
        r
        for r in cadres.values()
        if r["网络学院注册日期"] and parse_date(r["网络学院注册日期"]) <= AS_OF
    ]
    top = [r for r in cadres.values() if r["一把手"] == "是"]
    poverty = {c for c, r in cadres.items() if r["扶贫干部"] == "是"}
    checks.figure(
        "cadres (party members)",
        f"{len(cadres):,} ({len(members):,})",
        "~760 members",
        700 <= len(members) <= 800,
    )
    checks.figure(
        "registered at the academy by 2020-04-03", len(registered), "739", len(registered) == 739
    )
    checks.figure(
        "  of them party members",
        sum(r["党员"] == "是" for r in registered),
        "739",
        sum(r["党员"] == "是" for r in registered) == 739,
    )
    checks.figure("top leaders (一把手)", len(top), "60–90", 60 <= len(top) <= 90)
    checks.figure(
        "poverty-alleviation cadres (扶贫干部)",
        len(poverty),
        "several hundred",
        200 <= len(poverty) <= 600,
    )

    files = sorted(data.glob("0[345]_sessions_*.*"))
    sessions = check_sessions(files, cadres, branches, checks)

    policy = {k: s for k, s in sessions.items() if s["fields"]["类别"] == "政策培训"}
    policy_named = sum(len(s["cadres"]) for s in policy.values() if s["date"] <= AS_OF)
    checks.figure(
        "policy: named top-leader person-times by 04-03",
        policy_named,
        "200+ (200–230)",
        200 <= policy_named <= 230,
    )
    checks.figure(
        "policy: person-times incl. headcount by 04-03",
        policy_named + sum(s["headcount"] for s in policy.values() if s["date"] <= AS_OF),
        "",
        True,
    )
    checks.figure(
        "policy: kinds",
        " ".join(sorted({s["fields"]["形式"] for s in policy.values()})),
        "研判会 推进会 座谈会",
        {s["fields"]["形式"] for s in policy.values()} >= {"研判会", "推进会", "座谈会"},
    )
    checks.require(
        "policy: every named attendee is a 区级/乡级 top leader",
        [
            c
            for s in policy.values()
            for c in s["cadres"]
            if cadres[c]["一把手"] != "是" or cadres[c]["级别"] not in ("区级", "乡级")
        ],
    )

    video = [s for s in sessions.values() if s["fields"]["类别"] == "视频培训"]
    remote = [s for s in video if s["fields"]["形式"] == "远程教育" and s["date"] <= AS_OF]
    held = {s["fields"]["党支部"] for s in remote}
    checks.figure(
        "video: remote-education sessions by 04-03", len(remote), "1,034", len(remote) == 1034
    )
    checks.figure("video: branches that held one by 04-03", len(held), "371", len(held) == 371)
    checks.figure(
        "video: all video sessions by 04-03",
        sum(s["date"] <= AS_OF for s in video),
        "1,034",
        sum(s["date"] <= AS_OF for s in video) == 1034,
    )
    checks.figure(
        "video: sessions Jan–Jun (学习强国)",
        f"{len(video):,} ({sum(s['fields']['形式'] == '学习强国' for s in video)})",
        "",
        True,
    )
    checks.figure(
        "video: branches without, by 04-03",
        " ".join(sorted(set(branches) - held)),
        "7 codes",
        len(set(branches) - held) == 7,
    )
    checks.require(
        "video: one row, headcount, branch, no named attendee",
        [
            k
            for k, s in sessions.items()
            if s["fields"]["类别"] == "视频培训"
            and (s["cadres"] or s["headcount"] <= 0 or not s["fields"]["党支部"])
        ],
    )

    special = [s for s in sessions.values() if s["fields"]["类别"] == "专题培训"]
    tiers = {s["fields"]["形式"] for s in special}
    topics = {s["fields"]["主题"] for s in special}
    by_april = sum(len(s["cadres"]) + s["headcount"] for s in special if s["date"] <= AS_OF)
    by_june = sum(len(s["cadres"]) + s["headcount"] for s in special)
    checks.figure("special: tiers", " ".join(sorted(tiers)), "3 tiers", tiers == TIERS)
    checks.figure("special: topics", " ".join(sorted(topics)), "4 topics", topics >= TOPICS)
    checks.figure(
        "special: person-times by 04-03", by_april, "a few hundred", 200 <= by_april <= 600
    )
    checks.figure(
        "special: person-times by 06-30 (plan 2,000)", by_june, "900–1,200", 900 <= by_june <= 1200
    )
    checks.require(
        "special: every named attendee is a poverty cadre",
        [c for s in special for c in s["cadres"] if c not in poverty],
    )

    check_study(sorted(data.glob("06_study_*.*")), cadres, checks)

    survey = read_table(data / "07_survey.csv")
    demand = Counter(t for r in survey for t in r["主题"].replace(";", "、").split("、"))
    ranking = [t for t, _ in demand.most_common()]
    checks.figure("survey answers", len(survey), "~150", 120 <= len(survey) <= 180)
    checks.figure(
        "survey: methods",
        len({r["方式"] for r in survey}),
        "5",
        {r["方式"] for r in survey} == METHODS,
    )
    checks.figure(
        "survey: topic demand",
        " > ".join(f"{t} {demand[t]}" for t in ranking),
        "扶贫产业, 乡村振兴 on top",
        set(ranking[:2]) == {"扶贫产业", "乡村振兴"} and set(ranking) <= TOPICS,
    )
    checks.require(
        "survey: dates Jan–Feb, tiers known, cadres exist",
        [
            f"row {n}"
            for n, r in enumerate(survey, 2)
            if not dt.date(2020, 1, 1) <= parse_date(r["日期"]) <= dt.date(2020, 2, 29)
            or (r["班次"] and r["班次"] not in TIERS)
            or (r["干部编号"] and r["干部编号"] not in cadres)
            or not (r["干部编号"] or r["对象"])
        ],
    )
    return 0 if checks.print() else 1


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "zhaoling2020"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
