"""The words of trainlog: keys and their zh-CN labels, and parsing of either."""

from __future__ import annotations

from trainlog.errors import TrainlogError

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

#: Labels of every key that appears as a column, a JSON key or a table header.
FIELD_LABELS = {
    "code": "编号",
    "name": "名称",
    "township": "乡镇",
    "unit": "单位",
    "level": "级别",
    "branch": "党支部",
    "top_leader": "一把手",
    "poverty_cadre": "扶贫干部",
    "party_member": "党员",
    "registered_on": "网络学院注册日期",
    "active": "在职",
    "id": "序号",
    "ref": "培训编号",
    "date": "日期",
    "track": "类别",
    "kind": "形式",
    "topic": "主题",
    "title": "培训名称",
    "hours": "学时",
    "cadre": "干部编号",
    "headcount": "未具名人数",
    "person_times": "人次",
    "people": "人数",
    "sessions": "培训次数",
    "void": "已作废",
    "void_reason": "作废原因",
    "platform": "平台",
    "month": "月份",
    "year": "年度",
    "target": "目标人次",
    "deadline": "截止日期",
    "method": "方式",
    "tier": "班次",
    "respondent": "对象",
    "note": "备注",
    "table": "表",
    "rows": "行数",
    "field": "项目",
    "value": "内容",
}

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
    raise TrainlogError(f"{field}: {value!r} is not one of {allowed}")


def parse_bool(value: str, field: str) -> bool:
    """Parse 1/0, true/false, yes/no or 是/否."""
    text = value.strip().lower()
    if text in _BOOL_TRUE:
        return True
    if text in _BOOL_FALSE:
        return False
    raise TrainlogError(
        f"{field}: {value!r} is not a yes/no value (1/0, true/false, yes/no, 是/否)"
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
    for table in (FIELD_LABELS, TRACKS, ALL_KINDS, TOPICS, LEVELS, METHODS, AUDIENCES):
        if key in table:
            return table[key]
    return key
