"""The circulated notice (通报): the period's figures in the words of the source document.

`gather` collects the figures from the functions behind `report`, `coverage --kind remote`,
`compliance` and `hours` (the same JSON they print); `notice_text` only puts them into sentences,
so every number in the text is a number of that JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from trainlog.dates import Period
from trainlog.output.periods import day
from trainlog.output.periods import period as period_words
from trainlog.reports.coverage import coverage
from trainlog.reports.plan import parse_options, plan_report, round_half_up
from trainlog.study.compliance import compliance
from trainlog.study.hours import training_hours
from trainlog.vocab import AUDIENCES, RANKS, TRACKS


def gather(session: Any, period: Period, *, track: str | None = None,
           audience: str | None = None, report: dict[str, Any] | None = None) -> dict[str, Any]:
    """The notice's figures: the report (with its options; `report` when already made), the top
    leaders' policy training, remote-education coverage of the branches, and online-study
    compliance, and the training hours against the rules of each rank on the period's last day
    (`hours --as-of`), for one period."""
    track, audience, _ = parse_options(track, audience, None)
    if report is None:
        report = plan_report(session, period, track=track, audience=audience)
    leaders = plan_report(session, period, track="policy", audience="top-leaders")
    return {
        "report": report,
        "top_leaders": _track(leaders, "policy")["person_times"],
        "coverage": coverage(session, period, kind="remote").data,
        "compliance": compliance(session, period),
        # the rules count every track and every cadre: not for a notice narrowed to some
        "hours": (training_hours(session, as_of=period.end)
                  if track is None and audience == "all" else None),
        "track": track,
        "audience": audience,
    }


def _track(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in report["tracks"] if t["track"] == key)


def number(value: float | int) -> str:
    """A count or hours as an official text writes them: 1034, 836.5, 44234 (no separators)."""
    if isinstance(value, int):
        return str(value)
    text = f"{round_half_up(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def percent(ratio: float) -> str:
    """A ratio of the JSON (4 places) as a percentage with one decimal: 0.9815 -> 98.2."""
    return number(round_half_up(ratio * 100, 1))


def _en_number(value: float | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{round_half_up(value, 1):,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _span(period: dict[str, str], lang: str) -> tuple[str, str]:
    """(the title's period, the opening words) for a period: 截至4月3日 / As of 3 April 2020."""
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    zh = lang == "zh"
    text = period_words(period, lang, prose=True)
    if len(period["label"]) in (4, 7):  # a whole year or month
        return text, text if zh else f"In {text}"
    if (start.month, start.day) == (1, 1) and start.year == end.year:  # the year so far
        if zh:
            return f"{end.year}年", f"截至{day(end, lang, year=False)}"
        return str(end.year), f"As of {day(end, lang, prose=True)}"
    return text, text if zh else f"From {text}"


def notice_text(figures: dict[str, Any], lang: str = "zh") -> str:
    """The notice as text (zh-CN, or English with lang "en"), from `gather`'s figures."""
    return _zh(figures) if lang == "zh" else _en(figures)


def _shown_tracks(figures: dict[str, Any]) -> list[str]:
    return [figures["track"]] if figures.get("track") else list(TRACKS)


def _zh(f: dict[str, Any]) -> str:
    r, cov, comp = f["report"], f["coverage"], f["compliance"]
    title_span, opening = _span(r["period"], "zh")
    total = r["total"]
    who = ""
    if f["audience"] != "all":
        who = f"（仅计{AUDIENCES[f['audience']]}）"
    lines = [f"关于{title_span}干部教育培训工作情况的通报{who}", ""]
    scope = f"{TRACKS[f['track']]}" if f.get("track") else "干部教育培训"
    lines.append(
        f"{opening}，全区共开展{scope}{number(total['sessions'])}次，培训"
        f"{number(total['person_times'])}人次，具名参训干部{number(total['people'])}人，"
        f"累计{number(total['hours'])}学时。现将有关情况通报如下。")
    plan = r["plan"]
    numerals = iter("一二三四五")
    for key in _shown_tracks(f):
        t = _track(r, key)
        n = next(numerals)
        if key == "policy":
            lines.append(
                f"{n}、政策培训。坚持“以会代训”，通过研判会、推进会、座谈会等形式开展政策培训"
                f"{number(t['sessions'])}次，培训{number(t['person_times'])}人次，其中各级党政"
                f"“一把手”{number(f['top_leaders'])}人次。")
        elif key == "video":
            text = (f"{n}、视频培训。全区开展视频培训{number(t['sessions'])}次，培训"
                    f"{number(t['person_times'])}人次。{number(cov['branches'])}个党支部利用远程"
                    f"教育学习培训{number(cov['sessions'])}次，"
                    f"{number(cov['with_sessions'])}个党支部已开展")
            if cov["coverage"] is not None:
                text += f"，覆盖率{percent(cov['coverage'])}%"
            text += f"；{number(comp['registered'])}名党员干部完成干部网络学院注册"
            if comp["registration_coverage"] is not None:
                text += f"，注册率{percent(comp['registration_coverage'])}%"
            text += (f"。参学干部每人每月网络学习不少于{number(comp['min_month'])}学时、全年不少于"
                     f"{number(comp['min_year'])}学时，")
            if comp["short_count"]:
                text += (f"{number(comp['checked'])}名参学干部中有"
                         f"{number(comp['short_count'])}人学时不足。")
            else:
                text += f"{number(comp['checked'])}名参学干部均达到学时要求。"
            lines.append(text)
        else:
            text = (f"{n}、专题培训。围绕乡村振兴、扶贫产业、壮大村集体经济、干部能力提升等主题，"
                    f"举办专题、重点、常规培训班{number(t['sessions'])}期，培训扶贫干部"
                    f"{number(t['person_times'])}人次。")
            if plan is not None and plan["track"] == "special":
                text += _zh_plan(plan, r["period"], "扶贫干部")
            lines.append(text)
    if _shows_hours(f):
        lines.append(f"{next(numerals)}、学时达标。{_zh_hours(f['hours'])}")
    if plan is not None and plan["track"] != "special":
        what = f"{TRACKS[plan['track']]}" if plan["track"] else "干部"
        lines.append(f"{next(numerals)}、年度计划。{_zh_plan(plan, r['period'], what)}")
    if plan is not None and plan["behind"]:
        lines.append("请各单位对照年度计划，加快培训进度。")
    # A Chinese document indents each paragraph by two ideographic spaces.
    return "\n".join(lines[:2] + [f"\u3000\u3000{x}" for x in lines[2:]]) + "\n"


def _shows_hours(f: dict[str, Any]) -> bool:
    """The paragraph on training hours: in the whole notice (no track or audience narrows it)
    when anyone is checked."""
    return (not f.get("track") and f["audience"] == "all" and f.get("hours") is not None
            and f["hours"]["checked"] > 0)


def _zh_rank(rank: str) -> str:
    label = RANKS[rank]
    return label if label.endswith("干部") else f"{label}干部"


def _zh_hours(h: dict[str, Any]) -> str:
    """学时达标: the cadres checked against the rules of their rank, and the rate met by rank."""
    end = date.fromisoformat(h["as_of"])
    rates = "，".join(f"{_zh_rank(r['rank'])}{percent(r['rate'])}%"
                     f"（{number(r['checked'])}人中{number(r['met'])}人达标）"
                     for r in h["by_rank"])
    text = (f"按照干部教育培训工作条例的学时要求，截至{day(end, 'zh', year=False)}，"
            f"{number(h['checked'])}名干部中{number(h['met'])}人达标，达标率分别为：{rates}。")
    if h["short_count"]:
        text += f"{number(h['short_count'])}人学时不足。"
    if h["grace"]:
        text += f"{number(h['grace'])}人晋升未满一年，须于晋升后一年内补足。"
    return text


def _en_hours(h: dict[str, Any]) -> str:
    end = date.fromisoformat(h["as_of"])
    rates = ", ".join(f"{r['rank']} {percent(r['rate'])}% ({_en_number(r['met'])} of "
                      f"{_en_number(r['checked'])})" for r in h["by_rank"])
    text = (f"By {day(end, 'en', prose=True, year=False)}, {_en_number(h['met'])} of the "
            f"{_many(h['checked'], 'cadre')} checked against the training hours of their rank "
            f"met them; the rate met by rank: {rates}.")
    short, grace = h["short_count"], h["grace"]
    if short:
        text += f" {_en_number(short)} {'is' if short == 1 else 'are'} short of hours."
    if grace:
        text += (f" {_en_number(grace)} {'is' if grace == 1 else 'are'} within a year of a "
                 f"promotion, and {'has' if grace == 1 else 'have'} a year from it to complete "
                 "them.")
    return text


def _zh_plan(plan: dict[str, Any], period: dict[str, str], what: str) -> str:
    end = date.fromisoformat(period["to"])
    deadline = date.fromisoformat(plan["deadline"])
    text = (f"本年度计划培训{what}{number(plan['target'])}人次，"
            f"截至{day(end, 'zh', year=False)}已完成"
            f"{number(plan['to_date'])}人次，完成率{percent(plan['progress'])}%，")
    if plan["behind"]:
        text += f"低于时间进度（{percent(plan['expected'])}%）"
    else:
        text += f"达到时间进度（{percent(plan['expected'])}%）"
    if plan["days_left"] > 0:
        until = "年底" if (deadline.month, deadline.day) == (12, 31) else \
            f"计划截止日期（{day(deadline, 'zh', year=False)}）"
        text += (f"；距{until}还有{number(plan['days_left'])}天，每月需完成"
                 f"{number(plan['needed_per_month'])}人次。")
    else:
        text += "；计划已到截止日期。"
    return text


def _en(f: dict[str, Any]) -> str:
    r, cov, comp = f["report"], f["coverage"], f["compliance"]
    title_span, opening = _span(r["period"], "en")
    total = r["total"]
    who = "" if f["audience"] == "all" else f" ({f['audience'].replace('-', ' ')} only)"
    scope = f"{f['track']} training" if f.get("track") else "cadre training"
    lines = [f"Notice on {scope} in {title_span}{who}", ""]
    lines.append(
        f"{opening}, the district held {_many(total['sessions'], 'session')} of {scope} with "
        f"{_many(total['person_times'], 'person-time')}, "
        f"{_many(total['people'], 'named cadre')} and {_many(total['hours'], 'study hour')}.")
    plan = r["plan"]
    n = 0
    for key in _shown_tracks(f):
        t = _track(r, key)
        n += 1
        if key == "policy":
            lines.append(
                f"{n}. Policy training. Training through meetings (assessment, promotion and "
                f"symposium meetings): {_many(t['sessions'], 'session')}, "
                f"{_many(t['person_times'], 'person-time')}, "
                f"{_en_number(f['top_leaders'])} of them top leaders.")
        elif key == "video":
            text = (f"{n}. Video training. {_many(t['sessions'], 'video session')}, "
                    f"{_many(t['person_times'], 'person-time')}. The district's "
                    f"{_many(cov['branches'], 'party branch', 'party branches')} held "
                    f"{_many(cov['sessions'], 'remote-education session')}; "
                    f"{_many(cov['with_sessions'], 'branch', 'branches')} held at least one")
            if cov["coverage"] is not None:
                text += f" ({percent(cov['coverage'])}%)"
            text += (f". {_many(comp['registered'], 'party-member cadre')} registered at the "
                     "online cadre academy")
            if comp["registration_coverage"] is not None:
                text += f" ({percent(comp['registration_coverage'])}%)"
            text += (f". Each must study online at least {number(comp['min_month'])} hours a "
                     f"month and {number(comp['min_year'])} a year; of "
                     f"{_en_number(comp['checked'])} checked, ")
            short = comp["short_count"]
            text += (f"{_en_number(short)} {'is' if short == 1 else 'are'} short of hours."
                     if short else "none is short of hours.")
            lines.append(text)
        else:
            text = (f"{n}. Special training. Thematic, key and regular classes on rural "
                    "revitalization, poverty-alleviation industries, the village collective "
                    f"economy and cadre capacity: {_many(t['sessions'], 'class', 'classes')}, "
                    f"{_many(t['person_times'], 'person-time')}.")
            if plan is not None and plan["track"] == "special":
                text += " " + _en_plan(plan, r["period"])
            lines.append(text)
    if _shows_hours(f):
        n += 1
        lines.append(f"{n}. Training hours. {_en_hours(f['hours'])}")
    if plan is not None and plan["track"] != "special":
        lines.append(f"{n + 1}. The year's plan. {_en_plan(plan, r['period'])}")
    if plan is not None and plan["behind"]:
        lines.append("Every unit is asked to check its training against the plan and catch up.")
    return "\n\n".join(lines[:1] + lines[2:]) + "\n"


def _many(count: float | int, one: str, more: str | None = None) -> str:
    """1 session, 2 sessions; 1,034 remote-education sessions."""
    return f"{_en_number(count)} {one if count == 1 else more or one + 's'}"


def _en_plan(plan: dict[str, Any], period: dict[str, str]) -> str:
    end = date.fromisoformat(period["to"])
    scope = f" in the {plan['track']} track" if plan["track"] else ""
    text = (f"This year's plan is {_en_number(plan['target'])} person-times{scope}: "
            f"{_en_number(plan['to_date'])} done by {day(end, 'en', prose=True, year=False)} "
            f"({percent(plan['progress'])}%), ")
    text += ("behind" if plan["behind"] else "keeping up with") + \
        f" a steady pace ({percent(plan['expected'])}%)"
    if plan["days_left"] > 0:
        text += (f"; {_many(plan['days_left'], 'day')} left, "
                 f"{_many(plan['needed_per_month'], 'person-time')} needed per month.")
    else:
        text += "; the deadline has passed."
    return text
