"""The words of trainlog: the catalogue of every en/zh-CN word, the choice vocabularies (keys and
their zh-CN labels), and parsing of either."""

from __future__ import annotations

from collections.abc import Iterable

from trainlog.errors import FieldError

TRACKS = {"policy": "政策培训", "video": "视频培训", "special": "专题培训"}
KINDS = {
    "policy": {
        "assessment": "研判会",
        "promotion": "推进会",
        "symposium": "座谈会",
        "meeting": "其他会议",
    },
    "video": {"academy": "干部网络学院", "xuexi": "学习强国", "remote": "远程教育"},
    "special": {"thematic": "专题班", "key": "重点班", "regular": "常规班"},
}
ALL_KINDS = {k: v for kinds in KINDS.values() for k, v in kinds.items()}
TOPICS = {
    "rural-revitalization": "乡村振兴",
    "poverty-industry": "扶贫产业",
    "collective-economy": "壮大村集体经济",
    "capacity": "干部能力提升",
    "other": "其他",
}
LEVELS = {"district": "区级", "township": "乡级", "village": "村级"}
PLATFORMS = {"academy": "干部网络学院", "xuexi": "学习强国", "remote": "远程教育"}
METHODS = {
    "visit": "走访",
    "symposium": "座谈",
    "phone": "电话问询",
    "interview": "个别访谈",
    "questionnaire": "问卷调查",
}
TIERS = KINDS["special"]
AUDIENCES = {"all": "全部", "top-leaders": "一把手", "poverty-cadres": "扶贫干部"}

#: Settings a database may hold: key -> (default, largest sensible value, what it is). Here, not
#: with the `config` commands (trainlog.study.settings), so `db check` (trainlog.store.checks)
#: knows them without importing the domain.
SETTINGS: dict[str, tuple[float, float, str]] = {
    "compliance.min_month": (5.0, 24.0 * 31, "online-study hours required per month"),
    "compliance.min_year": (60.0, 24.0 * 366, "online-study hours required for a whole year"),
}

#: Every word trainlog shows, in one place: key -> (en, zh-CN).
#:
#: A plain key ("name") is the word of a column, JSON key or table header wherever it appears; a
#: key with a context ("cadre.name") is that context's own word where it reads differently (a
#: branch's name is 名称, a person's 姓名). `word(key, lang, of)` tries `of`'s word first. The
#: contexts: cadre (a person's fields), survey and check (`db check`) for their own tables, and
#: workbook (`trainlog export`: its sheets, headers and longer English headers).
#:
#: Table headers in English show the key itself (`trainlog.output.render.header`); the English
#: words are those of the workbook and the report, and the ones to use when headers get words.
WORDS: dict[str, tuple[str, str]] = {
    # the fields of branches and cadres
    "code": ("Code", "编号"),
    "name": ("Name", "名称"),
    "cadre.name": ("Name", "姓名"),
    "township": ("Township", "乡镇"),
    "unit": ("Unit", "单位"),
    "level": ("Level", "级别"),
    "branch": ("Branch", "党支部"),
    "top_leader": ("Top leader", "一把手"),
    "poverty_cadre": ("Poverty cadre", "扶贫干部"),
    "party_member": ("Party member", "党员"),
    "registered_on": ("Registered at the academy", "网络学院注册日期"),
    "active": ("Active", "在职"),
    # sessions, attendance and online study
    "id": ("ID", "序号"),
    "ref": ("Ref", "培训编号"),
    "date": ("Date", "日期"),
    "track": ("Track", "类别"),
    "kind": ("Kind", "形式"),
    "topic": ("Topic", "主题"),
    "title": ("Title", "培训名称"),
    "hours": ("Hours", "学时"),
    "cadre": ("Cadre", "干部编号"),
    "headcount": ("Headcount", "未具名人数"),
    "person_times": ("Person-times", "人次"),
    "people": ("People", "人数"),
    "sessions": ("Sessions", "培训次数"),
    "void": ("Void", "已作废"),
    "void_reason": ("Reason voided", "作废原因"),
    "created_at": ("Entered at", "录入时间"),
    "created_by": ("Entered by", "录入人"),
    "updated_at": ("Changed at", "修改时间"),
    "updated_by": ("Changed by", "修改人"),
    "voided_at": ("Voided at", "作废时间"),
    "voided_by": ("Voided by", "作废人"),
    "platform": ("Platform", "平台"),
    "platforms": ("Platforms", "平台"),
    "month": ("Month", "月份"),
    "months": ("Months", "月份"),
    "created": ("Created", "新增"),
    "updated": ("Updated", "更新"),
    "unchanged": ("Unchanged", "未变"),
    # the report and the plan
    "year": ("Year", "年度"),
    "target": ("Target", "目标人次"),
    "office": ("Office", "单位"),
    "progress": ("Done", "完成率"),
    "deadline": ("Deadline", "截止日期"),
    "total": ("Total", "合计"),
    "none": ("(none)", "（无）"),
    "all_tracks": ("all tracks", "全部类别"),
    "period": ("Period", "统计期间"),
    # compliance and coverage
    "required": ("Required", "应学学时"),
    "year_to_date": ("Year to date", "本年累计学时"),
    "months_short": ("Months short", "不足月数"),
    "min_month": ("Hours required a month", "每月最低学时"),
    "min_year": ("Hours required a year", "全年最低学时"),
    "party_members": ("Party-member cadres", "党员干部人数"),
    "registered": ("Registered", "已注册党员干部"),
    "registration_coverage": ("Registration coverage", "注册率"),
    "checked": ("Checked", "检查人数"),
    "short_count": ("Short of hours", "学时不足人数"),
    "branches": ("Party branches", "党支部数"),
    "with_sessions": ("With sessions", "已开展支部数"),
    "coverage": ("Coverage", "覆盖率"),
    "without": ("Branches without", "未开展支部"),
    # the survey
    "method": ("Method", "方式"),
    "tier": ("Tier", "班次"),
    "respondent": ("Respondent", "对象"),
    "note": ("Note", "备注"),
    "asked": ("Asked", "需求次数"),
    "share": ("Share of answers", "占答复比例"),
    "untaught": ("Not yet taught", "尚未开班"),
    "answers": ("Answers", "答复数"),
    "survey.detail": ("Other topic", "其他内容"),
    # settings, the database
    "key": ("Setting", "设置项"),
    "default": ("Default", "默认值"),
    "set": ("Set", "已设置"),
    "description": ("Description", "说明"),
    "table": ("Table", "表"),
    "rows": ("Rows", "行数"),
    "check.name": ("Check", "检查项"),
    "ok": ("Passed", "通过"),
    "detail": ("Detail", "说明"),
    # two-column tables of a record's or a report's figures
    "field": ("Field", "项目"),
    "value": ("Value", "内容"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    # the workbook (trainlog export): sheets, headings, and headers of its own
    "workbook.summary": ("Summary", "汇总"),
    "workbook.charts": ("Charts", "图表"),
    "workbook.monthly": ("Monthly", "按月统计"),
    "workbook.sessions_sheet": ("Sessions", "培训明细"),
    "workbook.cadres_sheet": ("Cadres", "干部学时"),
    "workbook.shortfall_sheet": ("Shortfall", "学时不足"),
    "workbook.branches_sheet": ("Branches", "支部覆盖"),
    "workbook.townships_sheet": ("Townships", "乡镇覆盖"),
    "workbook.heading": ("Cadre training", "干部教育培训情况"),
    "workbook.from": ("From", "统计起始日期"),
    "workbook.to": ("To", "统计截止日期"),
    "workbook.value": ("Value", "数值"),
    "workbook.plan": ("Plan", "年度计划"),
    "workbook.no_plan": ("no plan set for the year", "本年度未设定计划"),
    "workbook.target": ("Target (person-times)", "目标人次"),
    "workbook.to_date": ("Done (person-times)", "已完成人次"),
    "workbook.progress": ("Done", "完成率"),
    "workbook.expected": ("Steady pace", "时间进度"),
    "workbook.behind": ("Behind a steady pace", "落后于时间进度"),
    "workbook.days_left": ("Days left", "剩余天数"),
    "workbook.needed_per_month": ("Needed per month (person-times)", "每月需完成人次"),
    "workbook.figures": ("Key figures", "重点指标"),
    "workbook.top_leaders": ("Policy training of top leaders (person-times)",
                             "政策培训中“一把手”人次"),
    "workbook.with_sessions": ("Branches with remote education", "开展远程教育的党支部"),
    "workbook.remote_sessions": ("Remote-education sessions", "远程教育培训次数"),
    "workbook.coverage": ("Remote-education coverage", "远程教育覆盖率"),
    "workbook.registered": ("Registered at the academy", "已注册干部网络学院"),
    "workbook.checked": ("Cadres checked", "参学干部人数"),
    "workbook.short_count": ("Short of online-study hours", "网络学习学时不足人数"),
    "workbook.cumulative": ("Cumulative person-times", "累计人次"),
    "workbook.pace": ("Plan at a steady pace (month end)", "计划进度人次（月末）"),
    "workbook.plan_target": ("Plan target", "年度目标人次"),
    "workbook.session_hours": ("Hours each", "学时"),
    "workbook.branch_name": ("Branch name", "党支部名称"),
    "workbook.named": ("Named attendees", "具名人数"),
    "workbook.online": ("Online study", "网络学习"),
    "workbook.online_total": ("Online study, total", "网络学习合计"),
    "workbook.period_hours": ("Hours in the period", "本期学时"),
    "workbook.video_sessions": ("Video sessions", "视频培训次数"),
    "workbook.no_township": ("(no township)", "（无乡镇）"),
    "workbook.chart_monthly": ("Person-times per month by track, and the plan",
                               "各月培训人次（按类别）与年度计划进度"),
    "workbook.chart_monthly_y": ("Person-times per month", "月度人次"),
    "workbook.chart_monthly_y2": ("Cumulative person-times", "累计人次"),
    "workbook.chart_townships": ("Branches with remote-education sessions, by township",
                                 "各乡镇党支部远程教育开展情况"),
    "workbook.held": ("held sessions", "已开展"),
    "workbook.not_held": ("held none", "未开展"),
    # headers of the report's CSV view and of the demo's figures
    "from": ("From", "起始日期"),
    "to": ("To", "截止日期"),
    "dim": ("Grouped by", "分组"),
    "figure": ("Figure", "指标"),
    "respondents": ("Respondents", "答复人"),
    "notice.issuer": ("Organization Department", "组织部"),
    # messages: str.format templates, said with `say` in the language of the run
    "msg.no_such_file": ("{path}: no such file", "{path}：文件不存在"),
    "msg.output_is_folder": ("{path} is a folder; give a file name", "{path} 是文件夹，请给出文件名"),
    "msg.no_such_folder": ("{path}: no such folder", "{path}：文件夹不存在"),
    "msg.cannot_write": ("cannot write {path}: {reason}", "无法写入 {path}：{reason}"),
    "msg.workbook_suffix": ("{path}: the workbook's name must end in .xlsx",
                            "{path}：工作簿文件名须以 .xlsx 结尾"),
    "msg.period_needs_untrained": (
        "--month, --year, --from and --to go with --untrained (cadre list lists cadres, not dates)",
        "--month、--year、--from、--to 须与 --untrained 同用（cadre list 列出的是干部，不按日期）"),
    "msg.output_suffix": ("{path}: the file's name must end in .csv, .xlsx or .json",
                          "{path}：文件名须以 .csv、.xlsx 或 .json 结尾"),
    "msg.output_suffix_report": ("{path}: the file's name must end in .csv, .xlsx, .json or .docx",
                                 "{path}：文件名须以 .csv、.xlsx、.json 或 .docx 结尾"),
}

#: The language `say` speaks: the run's (`trainlog.cli.common.State` sets it), English otherwise.
_LANG = ["en"]


def set_lang(lang: str) -> None:
    """The language of the messages `say` gives from now on ("zh" or "en")."""
    _LANG[0] = "zh" if lang == "zh" else "en"


def current_lang() -> str:
    """The language `say` speaks."""
    return _LANG[0]


def say(key: str, lang: str | None = None, /, **values: object) -> str:
    """The message `key` of WORDS in `lang` (default: the run's, `set_lang`), its {fields}
    filled in with `values`."""
    en, zh = WORDS[key]
    return (zh if (lang or _LANG[0]) == "zh" else en).format(**values)


def word(key: str, lang: str, of: str | None = None) -> str:
    """The word of `key` in zh-CN when `lang` is zh, else in English: `of`'s own word when the
    context `of` has one (WORDS["cadre.name"] for word("name", lang, "cadre")), else the key's."""
    own = WORDS.get(f"{of}.{key}") if of else None
    en, zh = own or WORDS[key]
    return zh if lang == "zh" else en


def labels(keys: Iterable[str], of: str | None = None) -> dict[str, str]:
    """key -> its zh-CN word, for each of `keys` (`of`'s own where it has one): the columns of an
    input file."""
    return {k: word(k, "zh", of) for k in keys}


def own_labels(of: str) -> dict[str, str]:
    """key -> zh-CN word of the keys that read differently in the context `of`: the `labels` a
    table's headers take (`trainlog.output.render.header`) beyond the general words."""
    prefix = f"{of}."
    return {k[len(prefix):]: zh for k, (_, zh) in WORDS.items() if k.startswith(prefix)}


#: The zh-CN word of each plain key (no context), as `label` looks keys up.
_PLAIN_ZH = {k: zh for k, (_, zh) in WORDS.items() if "." not in k}

_BOOL_TRUE = {"1", "true", "yes", "y", "是", "t"}
_BOOL_FALSE = {"0", "false", "no", "n", "否", "f", ""}


def parse_choice(value: str, choices: dict[str, str], field: str) -> str:
    """Return the key for `value`, given as a key or its zh-CN label (case-insensitive keys)."""
    text = value.strip()
    if text.lower() in choices:
        return text.lower()
    for key, label in choices.items():
        if text == label:
            return key
    allowed = ", ".join(f"{k} ({v})" for k, v in choices.items())
    raise FieldError(field, f"{value!r} is not one of {allowed}")


def parse_bool(value: str, field: str) -> bool:
    """Parse 1/0, true/false, yes/no or 是/否."""
    text = value.strip().lower()
    if text in _BOOL_TRUE:
        return True
    if text in _BOOL_FALSE:
        return False
    raise FieldError(field, f"{value!r} is not a yes/no value (1/0, true/false, yes/no, 是/否)"
    )


#: The choices a field's values come from. Some keys mean different things in different fields:
#: level `township` is 乡级 but the column `township` is 乡镇; method `symposium` is 座谈,
#: kind `symposium` 座谈会.
FIELD_CHOICES = {
    "track": TRACKS,
    "kind": ALL_KINDS,
    "topic": TOPICS,
    "level": LEVELS,
    "platform": PLATFORMS,
    "method": METHODS,
    "tier": TIERS,
    "audience": AUDIENCES,
}


def label(key: str | None, lang: str, field: str | None = None) -> str:
    """The zh-CN label of a key when `lang` is zh, else the key; `field` says whose value it is."""
    if key is None:
        return ""
    if lang != "zh":
        return key
    if field in FIELD_CHOICES:
        return FIELD_CHOICES[field].get(key, key)
    for table in (_PLAIN_ZH, TRACKS, ALL_KINDS, TOPICS, LEVELS, METHODS, AUDIENCES):
        if key in table:
            return table[key]
    return key
