"""The words of trainlog: the catalogue of every en/zh-CN word, the choice vocabularies (keys and
their zh-CN labels), and parsing of either."""

from __future__ import annotations

from collections.abc import Iterable

from trainlog.errors import FRAME, FieldError

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
#: A cadre's rank (职级), which decides the training hours he owes (DESIGN.md, "Training hours
#: against the rules").
RANKS = {"county": "县处级以上", "section": "乡科级", "staff": "科员及以下", "village": "村（社区）干部"}
#: A cadre's standing against the rules of his rank (`trainlog hours`).
STATUSES = {"met": "达标", "short": "未达标", "grace": "晋升一年内"}
#: The kinds of record the log of changes names (`trainlog log --kind`), and its actions.
CHANGE_KINDS = {"cadre": "干部", "branch": "党支部", "session": "培训", "study": "网络学习",
                "plan": "年度计划", "month": "月份", "office": "单位"}
CHANGE_ACTIONS = {"create": "新增", "update": "修改", "void": "作废", "deactivate": "停用",
                  "close": "关闭", "reopen": "重新开放"}

#: Settings a database may hold: key -> (default, largest sensible value, what it is). Here, not
#: with the `config` commands (trainlog.study.settings), so `db check` (trainlog.store.checks)
#: knows them without importing the domain.
SETTINGS: dict[str, tuple[float, float, str]] = {
    "compliance.min_month": (5.0, 24.0 * 31, "online-study hours required per month"),
    "compliance.min_year": (60.0, 24.0 * 366, "online-study hours required for a whole year"),
    "hours.county.group": (550.0, 24.0 * 366 * 10,
                           "group-training hours a county-level cadre owes over hours.county.years"),
    "hours.county.years": (5.0, 20.0, "calendar years of the county-level rule, ending with the year"),
    "hours.section.group": (90.0, 24.0 * 366, "group-training hours a section-level cadre owes a year"),
    "hours.staff.group": (90.0, 24.0 * 366, "group-training hours a staff-level cadre owes a year"),
    "hours.village.group": (0.0, 24.0 * 366, "group-training hours a village cadre owes a year"),
    "hours.online": (50.0, 24.0 * 366, "online-study hours a year, every rank but village"),
    "credit.hours_per_day": (6.0, 24.0, "hours credited for a day of training (add-session --days)"),
}
#: Settings that may be 0, meaning no rule (the others must be more than 0).
ZERO_MEANS_NO_RULE = frozenset({"hours.county.group", "hours.section.group", "hours.staff.group",
                                "hours.village.group", "hours.online"})
#: Settings that are whole numbers.
WHOLE_SETTINGS = frozenset({"hours.county.years"})

#: Every word trainlog shows, in one place: key -> (en, zh-CN).
#:
#: A plain key ("name") is the word of a column, JSON key or table header wherever it appears; a
#: key with a context ("cadre.name") is that context's own word where it reads differently (a
#: branch's name is 名称, a person's 姓名). `word(key, lang, of)` tries `of`'s word first. The
#: contexts: cadre (a person's fields), survey and check (`db check`) for their own tables, and
#: workbook (`trainlog export`: its sheets, headers and longer English headers), log (`trainlog
#: log`'s columns) and change (the fields a logged change names).
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
    "rank": ("Rank", "职级"),
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
    "days": ("Days", "天数"),
    "cadre": ("Cadre", "干部编号"),
    "signed": ("Signed in", "签到"),
    "problem": ("Problem", "问题"),
    "headcount": ("Headcount", "未具名人数"),
    "person_times": ("Person-times", "人次"),
    "attendances": ("Attendances", "参训记录"),
    "skipped": ("Skipped", "已存在"),
    "topics": ("Topics", "主题"),
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
    # the log of changes (`trainlog log`): its columns and the fields its changes name
    "log.at": ("At", "时间"),
    "log.role": ("Role", "数据库角色"),
    "log.db_role": ("Role", "数据库角色"),  # its table's column keys (kind, role: as in a file)
    "log.user": ("User", "操作人"),
    "log.kind": ("Kind", "记录类别"),
    "log.record": ("Kind", "记录类别"),
    "log.key": ("Key", "编号"),
    "log.action": ("Action", "操作"),
    "log.changes": ("Changes", "变更内容"),
    # the fields a change names beyond the records' own words
    "change.attendees": ("attendees", "具名参训人数"),
    "change.added": ("added", "增加"),
    "change.removed": ("removed", "移除"),
    "change.attendee_hours": ("attendee hours", "参训人员学时"),
    "change.reason": ("reason", "原因"),
    "change.parent": ("parent", "上级单位"),
    "change.grant": ("grant", "授权"),
    # the report and the plan
    "year": ("Year", "年度"),
    "target": ("Target", "目标人次"),
    "office": ("Office", "单位"),
    "parent": ("Parent office", "上级单位"),
    "current": ("Current", "当前单位"),
    "role": ("Role", "数据库角色"),
    "read_only": ("Read-only", "只读"),
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
    # training hours against the rules (trainlog hours)
    "group_hours": ("Group hours", "集中学时"),
    "group_required": ("Group required", "集中应修"),
    "online_hours": ("Online hours", "网络学时"),
    "online_required": ("Online required", "网络应修"),
    "status": ("Status", "达标情况"),
    "met": ("Met", "达标人数"),
    "unranked": ("No rank", "未定职级人数"),
    "rate": ("Rate met", "达标率"),
    "as_of": ("As of", "截至"),
    "msg.hours_nobody": ("nobody is checked: no active cadre has a rank with a rule",
                         "无检查对象：没有职级有学时要求的在职干部"),
    "msg.hours_all_met": ("everyone checked meets the requirement", "检查对象均已达标"),
    "msg.hours_short": ("{n} cadre(s) short of the training hours of their rank by {day}",
                        "截至 {day}，{n} 名干部未达到其职级的学时要求"),
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
    "fact": ("Fact", "事项"),
    "closed": ("Closed", "已结账"),
    "study_records": ("Study records", "网络学习记录"),
    "reason": ("Reason", "原因"),
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
    # the frame of a problem's message (trainlog.errors.FRAME)
    "frame.row": ("row {row}{column}{value}: {reason}", "第 {row} 行{column}{value}：{reason}"),
    "frame.column": (", column {column}", "，列 {column}"),
    "frame.value": (", value {value}", "，值 {value}"),
    "frame.whole": ("{column}{value}: {reason}", "{column}{value}：{reason}"),
    "frame.input": ("input", "输入"),
    "frame.problems": ("{what}: {n} problem(s), nothing written", "{what}：{n} 处问题，未写入任何内容"),
    "frame.more": ("  … and {n} more", "  …… 另有 {n} 处"),
    "frame.join": ("; ", "；"),
    "frame.not_date": ("{value} is not a date (use YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)",
                       "{value} 不是日期（请用 YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日）"),
    "frame.not_real_date": ("{value} is not a real date ({reason})", "{value} 不是有效日期（{reason}）"),
    "frame.not_month": ("{value} is not a month (use YYYY-MM, this or last)",
                        "{value} 不是月份（请用 YYYY-MM、this 或 last）"),
    "frame.not_real_month": ("{value} is not a real month", "{value} 不是有效月份"),
    "frame.one_period": ("give one period: --month, --year, or --from/--to",
                         "只能给出一个期间：--month、--year 或 --from/--to"),
    "frame.not_year": ("--year: {year} is not a year", "--year：{year} 不是年份"),
    "frame.from_after_to": ("--from {start} is after --to {end}", "--from {start} 晚于 --to {end}"),
    "frame.as_of_before": ("--as-of {day} is before the period starts ({start})",
                           "--as-of {day} 早于期间的起始日期（{start}）"),
    "frame.no_month_before": ("{value}: there is no month before 0001-01 (today is {today})",
                              "{value}：0001-01 之前没有月份（今天是 {today}）"),
    # messages: str.format templates, said with `say` in the language of the run
    "msg.no_such_file": ("{path}: no such file", "{path}：文件不存在"),
    'msg.cells': ('{n} cells but the header has {width} columns',
        '有 {n} 个单元格，但表头只有 {width} 列'),
    'msg.is_folder': ('{path}: is a directory, not a file',
        '{path}：是文件夹，不是文件'),
    'msg.empty_file': ('{path}: the file is empty; it needs a header row',
        '{path}：文件为空，需要一行表头'),
    'msg.no_header': ('a column has no header',
        '有一列没有表头'),
    'msg.unknown_column': ('unknown column; the columns are {allowed}',
        '未知的列；可用的列为 {allowed}'),
    'msg.unknown_columns': ('unknown columns; the columns are {allowed}',
        '未知的列；可用的列为 {allowed}'),
    'msg.unknown_hint': ("leave columns out with --ignore COLUMN or --ignore-extra, or read one as a column with --map 'HEADER=KEY'",
        "可用 --ignore 列名 或 --ignore-extra 忽略这些列，或用 --map '表头=列名' 把某一列按已知的列读取"),
    'msg.left_out_hint': (" (left out: {left}; read one as it with --map 'HEADER={key}')",
        "（已忽略：{left}；可用 --map '表头={key}' 把其中一列按此列读取）"),
    'msg.column_repeated': ('column repeated (also given as {other})',
        '列重复（另有 {other}）'),
    'msg.column_missing': ('required column missing',
        '缺少必需的列'),
    'msg.required': ('is required',
        '必须填写'),
    'msg.too_long': ('longer than {n} characters',
        '超过 {n} 个字符'),
    'msg.control': ('contains control characters',
        '含有控制字符'),
    'msg.code_spaces': ('{value} contains spaces; codes are one word',
        '{value} 含有空格；编号中不能有空格'),
    'msg.not_number': ('{value} is not a number',
        '{value} 不是数字'),
    'msg.outside': ('{value} is outside {low}..{high}',
        '{value} 超出 {low}..{high} 的范围'),
    'msg.not_whole': ('{value} is not a whole number',
        '{value} 不是整数'),
    'msg.branch_exists': ('branch {code} exists already (use `branch import` to update)',
        '党支部 {code} 已存在（更新请用 `branch import`）'),
    'msg.no_branch': ('--branch: no branch with code {code}',
        '--branch：没有编号为 {code} 的党支部'),
    'msg.no_such_branch': ('no such branch',
        '无此党支部'),
    'msg.cadre_exists': ('cadre {code} exists already (use `cadre edit` to change it)',
        '干部 {code} 已存在（修改请用 `cadre edit`）'),
    'msg.repeats_row': ('repeats row {row}',
        '与第 {row} 行重复'),
    'msg.no_cadre': ('no cadre with code {code}',
        '没有编号为 {code} 的干部'),
    'msg.no_such_cadre': ('no such cadre',
        '无此干部'),
    'msg.no_session': ('no session with {what} {key}',
        '没有 {what} 为 {key} 的培训'),
    'msg.not_one_of': ('{value} is not one of {allowed}',
        '{value} 不是以下之一：{allowed}'),
    'msg.not_bool': ('{value} is not a yes/no value (1/0, true/false, yes/no, Y/N, 是/否, √/×, 有/无)',
        '{value} 不是“是/否”值（1/0、true/false、yes/no、Y/N、是/否、√/×、有/无）'),
    'msg.no_database': ('no trainlog database at {where}; create it with `trainlog init` (or point --db / TRAINLOG_DB at an existing one)',
        '{where} 处没有 trainlog 数据库；请用 `trainlog init` 创建（或用 --db / TRAINLOG_DB 指向已有的数据库）'),
    'msg.no_database_at': ('no trainlog database at {where}',
        '{where} 处没有 trainlog 数据库'),
    'msg.busy': ('the database {where} is busy: another process has held its write lock for more than {seconds} s (tried {n} times); nothing was written, try again later',
        '数据库 {where} 正忙：另一进程占用写锁超过 {seconds} 秒（已尝试 {n} 次）；未写入任何内容，请稍后再试'),
    'msg.exists_force': ('{path} exists already; give --force to overwrite it',
        '{path} 已存在；要覆盖请加 --force'),
    'msg.cannot_open': ('cannot open the database {where}: {reason}',
        "无法打开数据库 {where}：'{reason}'"),
    'msg.behind': ('behind the plan: {done} of {target} person-times ({progress}) by {day}, a steady pace would have reached {expected}',
        '落后于计划：截至 {day} 完成 {done} / {target} 人次（{progress}），按时间进度应达到 {expected}'),
    'msg.not_year': ('{field}: {year} is not a year',
        '{field}：{year} 不是年份'),
    'msg.negative_hours': ('negative hours',
        '学时为负数'),
    'msg.future_month': ('{month} is in the future',
        '{month} 尚未到来'),
    'msg.no_township': ('--township: no branch in township {township}',
        '--township：乡镇 {township} 没有党支部'),
    'msg.no_setting': ('no setting {key}; the settings are {settings}',
        '没有设置项 {key}；可用的设置项为 {settings}'),
    'msg.imported': ('imported',
        '已导入'),
    'msg.would_import': ('would import',
        '将导入（试运行，未写入）'),
    'msg.what_branches': ('branches',
        '党支部'),
    'msg.what_cadres': ('cadres',
        '干部'),
    'msg.registry_imported': ('{what}: {verb} {rows} rows: {created} created, {updated} updated, {unchanged} unchanged',
        '{what}：{verb} {rows} 行：新增 {created}，更新 {updated}，未变 {unchanged}'),
    'msg.added_branch': ('added branch {code} {name}',
        '已添加党支部 {code} {name}'),
    'msg.added_cadre': ('added cadre {code} {name}',
        '已添加干部 {code} {name}'),
    'msg.updated_cadre': ('updated cadre {code} {name}',
        '已更新干部 {code} {name}'),
    'msg.deactivated_cadre': ('deactivated cadre {code} {name}',
        '已将干部 {code} {name} 设为不在职'),
    "msg.list_join": (", ", "，"),
    "setting.compliance.min_month": (SETTINGS["compliance.min_month"][2], "每月应学的网络学习学时"),
    "setting.compliance.min_year": (SETTINGS["compliance.min_year"][2], "全年应学的网络学习学时"),
    "setting.hours.county.group": (SETTINGS["hours.county.group"][2],
                                   "县处级以上干部在 hours.county.years 年内应完成的集中培训学时"),
    "setting.hours.county.years": (SETTINGS["hours.county.years"][2],
                                   "县处级以上干部学时要求所跨的年数（含检查年度）"),
    "setting.hours.section.group": (SETTINGS["hours.section.group"][2], "乡科级干部每年应完成的集中培训学时"),
    "setting.hours.staff.group": (SETTINGS["hours.staff.group"][2], "科员及以下干部每年应完成的集中培训学时"),
    "setting.hours.village.group": (SETTINGS["hours.village.group"][2], "村（社区）干部每年应完成的集中培训学时"),
    "setting.hours.online": (SETTINGS["hours.online"][2], "除村（社区）干部外每年应完成的网络学习学时"),
    "setting.credit.hours_per_day": (SETTINGS["credit.hours_per_day"][2], "培训一天折算的学时（add-session --days）"),
    "msg.hours_and_days": ("give hours or days, not both", "学时与天数只能填一项"),
    "msg.days_too_many": ("{hours} hours ({days} days × {per_day}, credit.hours_per_day) is more "
                          "than the 24 a session credits",
                          "折算 {hours} 学时（{days} 天 × 每天 {per_day} 学时，credit.hours_per_day），"
                          "超过一次培训最多 24 学时"),
    "msg.hours_bad_year": ("--year: {year} is not a year (1-9999)", "--year：{year} 不是有效年份（1-9999）"),
    "msg.hours_as_of_year": ("--as-of {day} is not in --year {year}", "--as-of {day} 不在 --year {year} 年内"),
    "msg.whole_setting": ("{key}: must be a whole number", "{key}：须为整数"),
    "msg.id_or_ref": ("id or ref", "序号或编号"),
    'msg.ref': (', ref {ref}',
        '，编号 {ref}'),
    'msg.named': ('{n} named',
        '具名 {n} 人'),
    'msg.headcount': ('headcount {n}',
        '未具名 {n} 人'),
    'msg.warning': ('warning: {text}',
        '警告：{text}'),
    'msg.stays_void': ('session {id} is void and stays void; it is not counted',
        '培训 {id} 已作废，保持作废，不计入统计'),
    'msg.added_session': ('added session {id}{ref}: {n} person-times ({parts})',
        '已登记培训 {id}{ref}：{n} 人次（{parts}）'),
    'msg.replaced_session': ('replaced session {id}{ref}: {n} person-times ({parts})',
        '已重写培训 {id}{ref}：{n} 人次（{parts}）'),
    'msg.sessions_imported': ('sessions: {verb} {rows} rows: {sessions} sessions ({created} created, {updated} updated{what}, {unchanged} unchanged), {attendances} attendances, {person_times} person-times',
        '培训：{verb} {rows} 行：培训 {sessions} 次（新增 {created}，更新 {updated}{what}，未变 {unchanged}），参训记录 {attendances} 条，{person_times} 人次'),
    'msg.voided_session': ('voided session {id}{ref}: its {n} person-times no longer count',
        '已作废培训 {id}{ref}：其 {n} 人次不再计入统计'),
    'msg.was': (' (was {value})',
        '（原为 {value}）'),
    'msg.recorded_study': ('recorded {cadre} {month} {platform}: {hours} hours{was}',
        '已登记 {cadre} {month} {platform}：{hours} 学时{was}'),
    'msg.no_month': ('no month',
        '无月份'),
    'msg.study_imported': ('online study: {verb} {rows} rows ({months}): {created} created, {updated} updated, {unchanged} unchanged',
        '网络学习：{verb} {rows} 行（{months}）：新增 {created}，更新 {updated}，未变 {unchanged}'),
    'msg.short': ('{n} cadre(s) short of online study hours in {period}',
        '{period} 有 {n} 名干部网络学习学时不足'),
    'msg.default': (' (default)',
        '（默认值）'),
    'msg.added_answer': ('added survey answer {id}: {date} {method}, topics {topics}',
        '已登记调研答复 {id}：{date} {method}，主题 {topics}'),
    'msg.survey_imported': ('survey: {verb} {rows} rows: {created} answers created ({topics} topics), {skipped} already stored',
        '需求调研：{verb} {rows} 行：新增答复 {created} 条（主题 {topics} 个），已存在 {skipped} 条'),
    'msg.created_db': ('created a new trainlog database, with the office {code} ({name})',
        '已创建新的 trainlog 数据库，第一个单位为 {code}（{name}）'),
    'msg.db_up_to_date': ('the database exists and is up to date',
        '数据库已存在，且为最新版本'),
    'msg.checks_failed': ('db check: {n} of {of} checks failed: ',
        'db check：{of} 项检查中有 {n} 项未通过：'),
    'msg.schema_current': ('the schema is up to date (revision {to})',
        '数据库结构已是最新（版本 {to}）'),
    'msg.backup_copy': ('; backup copy at {path}',
        '；备份位于 {path}'),
    'msg.schema_upgraded': ('upgraded the schema from revision {from} to {to}{copy}',
        '已把数据库结构从版本 {from} 升级到 {to}{copy}'),
    'msg.privileges_remade': ('table privileges made again from their grants for the roles {roles}',
        '已按授权重新设置以下数据库角色的表权限：{roles}'),
    'msg.upgraded_on_open': ('upgraded the database schema from revision {from} to {to}; the copy from before is at {path}',
        '已把数据库结构从版本 {from} 升级到 {to}；升级前的副本位于 {path}'),
    'msg.ref_spaces': ('{value} contains spaces; a ref is one word',
        '{value} 含有空格；培训编号中不能有空格'),
    'msg.track_required': ('is required (policy/政策培训, video/视频培训, special/专题培训)',
        '必须填写（policy/政策培训、video/视频培训、special/专题培训）'),
    'msg.not_kind': ('{value} is not a kind of the {track} track ({label}); allowed: {allowed}',
        '{value} 不是{label}的形式；可用：{allowed}'),
    'msg.ref_taken': ('session {id} ({date} {title}) has this ref already; give --replace to rewrite it',
        '培训 {id}（{date} {title}）已使用此编号；要重写请加 --replace'),
    'msg.nothing_to_replace': ('no session has this ref, so there is none to replace; leave out --replace to add it',
        '没有培训使用此编号，无可重写；要新增请去掉 --replace'),
    'msg.replace_needs_ref': ('--replace rewrites the session with the given --ref; give it',
        '--replace 重写给定 --ref 的培训；请给出 --ref'),
    'msg.listed_twice': ('listed twice ({first} and {second})',
        '重复列出（{first} 和 {second}）'),
    'msg.deactivated': ('cadre is deactivated; reactivate with `trainlog cadre edit --active` first',
        '该干部不在职；请先用 `trainlog cadre edit --active` 恢复在职'),
    'msg.month_closed': ('{month} is closed: {what} would change its figures (every month through {through} is closed; `trainlog month reopen {month} --reason …` reopens it)',
        '{month} 已结账：{what}会改变该月的数字（{through} 及以前各月均已结账；如需修改，先用 `trainlog month reopen {month} --reason …` 重新打开）'),
    'msg.inactive_on': ('cadre {code} is not active on {date}; if that is wrong: `trainlog cadre edit {code} --active --from DATE`',
        '干部 {code} 在 {date} 不在职；如有误：`trainlog cadre edit {code} --active --from 日期`'),
    'msg.attended_after': ('cadre {code} attended session {session} on {date}, after {start}: a cadre is deactivated from a day after his last session',
        '干部 {code} 于 {date} 参加了培训 {session}，晚于 {start}：停用日期须在其最后一次培训之后'),
    'msg.from_and_correct': ('--from and --correct: give one (--from DATE changes the facts from that day on, --correct for every date)',
        '--from 与 --correct 只能给一个（--from 日期：自该日起修改；--correct：所有日期一并更正）'),
    'msg.what_cadre_edit': ('changing cadre {code} from {day}', '自 {day} 起修改干部 {code}'),
    'msg.what_cadre_correct': ('correcting cadre {code} for every date', '更正干部 {code} 的所有日期'),
    'msg.what_registered': ("changing cadre {code}'s registration date", '修改干部 {code} 的注册日期'),
    'msg.what_session': ('a session{ref} dated {date}', '日期为 {date} 的培训{ref}'),
    'msg.what_void': ('voiding session {ref} dated {date}', '作废日期为 {date} 的培训 {ref}'),
    'msg.what_study_month': ('study hours of {month}', '{month} 的网络学习学时'),
    'msg.what_plan': ('the plan of {year}', '{year} 年的计划'),
    'msg.what_import_new': ('adding its sessions', '新增培训'),
    'msg.what_cadre_import': ('importing cadres from {day}', '自 {day} 起导入干部'),
    'msg.month_not_ended': ('{month} has not ended yet: a month closes once it is over',
        '{month} 尚未结束：月份结束后才能结账'),
    'msg.reopen_needs_reason': ('--reason: say why the month is reopened (it goes into the log)',
        '--reason：请说明重新打开的原因（记入变更日志）'),
    'msg.month_not_closed': ('{month} is not closed (closed through: {through})',
        '{month} 未结账（已结账至：{through}）'),
    'msg.closed_through': ('closed every month through {month}', '{month} 及以前各月已结账'),
    'msg.already_closed': ('every month through {month} was closed already', '{month} 及以前各月此前已结账'),
    'msg.reopened': ('reopened {month} and every later month; closed through: {through}',
        '已重新打开 {month} 及以后各月；已结账至：{through}'),
    'msg.check_facts_none': ('no dated facts before revision 0005', '版本 0005 之前没有按日期记录的干部情况'),
    'msg.check_facts_open': ('{n} cadre(s) without exactly one open-ended fact row (ids {ids})',
        '{n} 名干部没有唯一一条至今有效的情况记录（id {ids}）'),
    'msg.check_facts_gap': ('{n} fact row(s) with a gap after them (ids {ids})',
        '{n} 条情况记录之后有空档（id {ids}）'),
    'msg.check_facts_stale': ('{n} cadre(s) whose own columns differ from their latest facts (ids {ids})',
        '{n} 名干部的基本信息与其最新情况不符（id {ids}）'),
    'msg.check_facts_empty': ('{n} fact row(s) that end before they start (ids {ids})',
        '{n} 条情况记录的截止日期早于起始日期（id {ids}）'),
    'msg.check_facts_fine': ("{n} fact row(s) of {cadres} cadre(s), each cadre's covering every date from his first",
        '{cadres} 名干部共 {n} 条情况记录，每名干部自其第一条起各日期均有记录'),
    'msg.closed_through_title': ('closed through {month}', '已结账至 {month}'),
    'msg.demo_closed': ('Closed: every month through {month}', '已结账：{month} 及以前各月'),
    'msg.demo_log': ('The log of one change: {kind} {key} {action}: {fields}', '变更日志：{kind} {key} {action}：{fields}'),
    'msg.other_name': ("the name {given} is not this cadre's ({name})",
        '姓名 {given} 与该干部不符（{name}）'),
    'msg.needs_attendees': ('a session needs attendees (--attendee, --attendees-file) or a --headcount',
        '一次培训须有参训人员（--attendee、--attendees-file）或 --headcount'),
    'msg.topic_required': ('is required (one topic or more)',
        '必须填写（一个或多个主题）'),
    'msg.target': ('--target: {target} must be a whole number of person-times, >= 1',
        '--target：{target} 须为不小于 1 的整数人次'),
    'msg.more_than_0': ('{key}: must be more than 0',
        '{key}：须大于 0'),
    'msg.disagrees': ('disagrees with row {row} of ref {ref} ({other})',
        '与编号 {ref} 的第 {row} 行不一致（{other}）'),
    'msg.empty': ('empty',
        '空'),
    'msg.twice_in_ref': ('listed twice in ref {ref} (rows {first} and {row})',
        '在编号 {ref} 中重复列出（第 {first} 行和第 {row} 行）'),
    'msg.no_attendee': ('ref {ref} has neither a named attendee (cadre) nor a headcount',
        '编号 {ref} 既无具名参训人员（干部编号），也无未具名人数'),
    'msg.since': (' since {day}',
        '（自 {day} 起）'),
    'msg.void_already': ('session {id} is void already{since} ({reason})',
        '培训 {id} 已作废{since}（{reason}）'),
    'msg.no_month_given': ('no month: give the 月份 (month) column a value or use --month',
        '没有月份：请填写“月份”列，或使用 --month'),
    'msg.other_month': ('is {month}, not the --month {given}',
        '是 {month}，不是 --month 给出的 {given}'),
    'msg.other_platform': ('is {platform}, not the --platform {given}',
        '是 {platform}，不是 --platform 给出的 {given}'),
    'msg.twice_for': ('listed twice for {platform} {month} (row {row})',
        '{platform} {month} 重复列出（第 {row} 行）'),
    'msg.not_video_kind': ('--kind: {value} is not a kind of video session; allowed: {allowed}',
        '--kind：{value} 不是视频培训的形式；可用：{allowed}'),
    'msg.answer_identical': ('survey answer {id} is identical (same date, method, cadre or respondent, tier, note and topics); give --again to record it once more',
        '调研答复 {id} 与此相同（日期、方式、干部或答复人、班次、备注和主题均相同）；要再次登记请加 --again'),
    'msg.not_finite': ('{value} is not a finite number',
        '{value} 不是有限的数字'),
    'msg.cannot_read': ('{path}: cannot be read ({reason})',
        '{path}：无法读取（{reason}）'),
    'msg.db_is_folder': ("{path} is a directory; give the database file's path",
        '{path} 是文件夹；请给出数据库文件的路径'),
    'msg.backup_itself': ('{path} is the database itself; give another destination',
        '{path} 就是数据库本身；请给出其他备份位置'),
    "msg.output_is_folder": ("{path} is a folder; give a file name", "{path} 是文件夹，请给出文件名"),
    "msg.no_such_folder": ("{path}: no such folder", "{path}：文件夹不存在"),
    "msg.cannot_write": ("cannot write {path}: {reason}", "无法写入 {path}：'{reason}'"),
    "msg.workbook_suffix": ("{path}: the workbook's name must end in .xlsx",
                            "{path}：工作簿文件名须以 .xlsx 结尾"),
    "msg.period_needs_untrained": (
        "--month, --year, --from and --to go with --untrained (cadre list lists cadres, not dates)",
        "--month、--year、--from、--to 须与 --untrained 同用（cadre list 列出的是干部，不按日期）"),
    "msg.output_suffix": ("{path}: the file's name must end in .csv, .xlsx or .json",
                          "{path}：文件名须以 .csv、.xlsx 或 .json 结尾"),
    "msg.output_suffix_report": ("{path}: the file's name must end in .csv, .xlsx, .json or .docx",
                                 "{path}：文件名须以 .csv、.xlsx、.json 或 .docx 结尾"),
    # offices (trainlog.offices, trainlog.store.offices, trainlog office)
    "msg.no_first_office": (
        "--office: the database exists and has no office {shown}; add it with `trainlog office add {code} NAME`",
        "--office：数据库已存在，但没有单位 {shown}；请用 `trainlog office add {code} 名称` 添加"),
    "msg.no_office": ("{field}: no office {code} (`trainlog office list` lists them)",
                      "{field}：没有单位 {code}（`trainlog office list` 可列出全部单位）"),
    "msg.owner_only": (
        "{what}: only the database's owner may do this (the role that owns trainlog's tables, which ran `trainlog init`)",
        "{what}：只有数据库的所有者可以执行（即拥有 trainlog 各表、运行过 `trainlog init` 的角色）"),
    "msg.no_office_choice": ("--office: no office {code}", "--office：没有单位 {code}"),
    "msg.office_exists": ("office {code} exists already", "单位 {code} 已存在"),
    "msg.grants_pg_only": (
        "{what}: grants are for a shared PostgreSQL database; a SQLite file has no database roles (whoever can open the file uses every office in it)",
        "{what}：授权只用于共享的 PostgreSQL 数据库；SQLite 文件没有数据库角色（能打开该文件的人即可使用其中的全部单位）"),
    "msg.bad_role": ("ROLE: {name} is not a plain PostgreSQL role name (letters, digits and _, up to 63)",
                     "ROLE：{name} 不是普通的 PostgreSQL 角色名（字母、数字和 _，最多 63 个）"),
    "msg.no_role": ("ROLE: there is no database role {shown}; create it first (CREATE ROLE {name} LOGIN PASSWORD '…')",
                    "ROLE：没有数据库角色 {shown}；请先创建（CREATE ROLE {name} LOGIN PASSWORD '…'）"),
    "msg.no_grant": ("the role {role} has no grant of office {code}", "角色 {role} 没有单位 {code} 的授权"),
    "msg.no_offices": ("this database has no office; create one with `trainlog office add CODE NAME`",
                       "此数据库没有单位；请用 `trainlog office add 编号 名称` 创建"),
    "msg.which_office": ("which office? {known}; give --office CODE (before the command) or set TRAINLOG_OFFICE",
                         "使用哪个单位？{known}；请在命令前给出 --office 编号，或设置 TRAINLOG_OFFICE"),
    "msg.read_only_grant": ("read-only", "只读"),
    "msg.read_below": ("readable as an office below yours", "作为下级单位只可读取"),
    "msg.office_read_only": (
        "office {code} is {granted} for the database role {role}: it may read these records, not change them",
        "单位 {code} 对数据库角色 {role} {granted}：只能读取这些记录，不能修改"),
    "msg.role_no_office": ("the role {role} has no office granted", "角色 {role} 未获授权任何单位"),
    "msg.offices_of_role": ("the offices of the role {role}: {shown}", "角色 {role} 的单位：{shown}"),
    "msg.offices_are": ("the offices: {shown}", "单位有：{shown}"),
    "msg.under": (" under {parent}", "（上级单位 {parent}）"),
    "msg.added_office": ("added office {code} {name}{under}", "已添加单位 {code} {name}{under}"),
    "msg.to_read": ("read", "读取"),
    "msg.to_read_write": ("read and write", "读写"),
    "msg.granted": ("granted {role} to {how} the records of office {office} {name}",
                    "已授权 {role} {how}单位 {office} {name} 的记录"),
    "msg.revoked": ("revoked office {office} from {role}", "已收回 {role} 对单位 {office} 的授权"),
    # reading files (trainlog.files.tables); a library's own words about a damaged file are
    # quoted in zh-CN: they are its, not ours
    "msg.not_regular_file": (
        "{path}: not a regular file (a pipe, a device or a socket); save the data to a .csv or .xlsx file and give that",
        "{path}：不是普通文件（是管道、设备或套接字）；请把数据保存为 .csv 或 .xlsx 文件再导入"),
    "msg.sheet_of_text": ("--sheet: {name} is a text file, not a workbook", "--sheet：{name} 是文本文件，不是工作簿"),
    "msg.web_page": (
        "{path}: a web page saved with an Excel suffix, not a workbook; open it in Excel or WPS and save it as .xlsx",
        "{path}：是以 Excel 后缀保存的网页，不是工作簿；请用 Excel 或 WPS 打开后另存为 .xlsx"),
    "msg.map_form": ("--map: {item} is not HEADER=KEY (e.g. 本月学时=hours)",
                     "--map：{item} 不是“表头=列名”的形式（例如 本月学时=hours）"),
    "msg.map_unknown": ("--map: {key} is not a column of this file; the columns are {allowed}",
                        "--map：{key} 不是此类文件的列；可用的列为 {allowed}"),
    "msg.header_row_number": ("--header-row: {n} is not a row number (1 or more)",
                              "--header-row：{n} 不是行号（须为 1 或更大）"),
    "msg.header_row_beyond": ("{path}: --header-row {n}: the file has fewer rows",
                              "{path}：--header-row {n}：文件的行数不足"),
    "msg.looks_like_header": (
        "; row {row} looks like one ({shown}): rename its columns, read them with --map 'HEADER=KEY', or give --header-row {row}",
        "；第 {row} 行像是表头（{shown}）：请修改列名，或用 --map '表头=列名' 读取，或给出 --header-row {row}"),
    "msg.sheets_are": ("; the workbook's sheets are {sheets} (pick one with --sheet)",
                       "；工作簿中的工作表有 {sheets}（用 --sheet 选择）"),
    "msg.no_header_row": ("no header row in {rows}: none names a column of {allowed}{where}{other}",
                          "{rows}中没有表头：没有一行含有以下列名：{allowed}{where}{other}"),
    "msg.row_1": ("row 1", "第 1 行"),
    "msg.rows_1_n": ("rows 1-{n}", "第 1-{n} 行"),
    "msg.unlikely_chinese": (
        "{path}: not UTF-8, and read as GB18030 its text is unlikely Chinese ({odd}…); give the file's encoding with --encoding (e.g. big5, utf-16, or gb18030 to read it so all the same)",
        "{path}：不是 UTF-8，按 GB18030 读出的文字也不像中文（{odd}…）；请用 --encoding 给出文件的编码（如 big5、utf-16；仍要按 GB18030 读取请给 gb18030）"),
    "msg.not_encoding": ("--encoding: {encoding} is not an encoding Python knows (e.g. utf-8, gb18030)",
                         "--encoding：{encoding} 不是可识别的编码（如 utf-8、gb18030）"),
    "msg.not_text_encoding": ("--encoding: {encoding} is not a text encoding (e.g. utf-8, gb18030)",
                              "--encoding：{encoding} 不是文本编码（如 utf-8、gb18030）"),
    "msg.cannot_decode": ("cannot be read as {encoding} ({reason}); give the file's encoding with --encoding",
                          "无法按 {encoding} 读取（'{reason}'）；请用 --encoding 给出文件的编码"),
    "msg.not_csv": ("not valid CSV: {reason}", "不是有效的 CSV：'{reason}'"),
    "msg.no_sheet": ("--sheet: {name} has no sheet {wanted}; its sheets are {sheets}",
                     "--sheet：{name} 中没有工作表 {wanted}；其工作表有 {sheets}"),
    "msg.not_xlsx": ("{path}: not a readable .xlsx workbook ({reason})",
                     "{path}：不是可读取的 .xlsx 工作簿（'{reason}'）"),
    "msg.unzips_to": (
        "{path}: the workbook would unzip to {mb} MB, more than the {most} MB trainlog reads; save it as CSV (UTF-8) and import that",
        "{path}：工作簿解压后为 {mb} MB，超过 trainlog 可读取的 {most} MB；请另存为 CSV（UTF-8）再导入"),
    "msg.strings_unzip_to": (
        "{path}: the workbook's text table would unzip to {mb} MB, more than the {most} MB trainlog reads; save it as CSV (UTF-8) and import that",
        "{path}：工作簿的文字表解压后为 {mb} MB，超过 trainlog 可读取的 {most} MB；请另存为 CSV（UTF-8）再导入"),
    "msg.damaged_here": ("the workbook is damaged here ({reason})", "工作簿在此处已损坏（'{reason}'）"),
    "msg.needs_xlrd": ("{path}: reading .xls needs the xlrd package (pip install xlrd)",
                       "{path}：读取 .xls 需要 xlrd 包（pip install xlrd）"),
    "msg.not_xls": ("{path}: not a readable .xls workbook ({reason})",
                    "{path}：不是可读取的 .xls 工作簿（'{reason}'）"),
    "msg.ignore_no_column": ("--ignore: the header has no such column", "--ignore：表头中没有这一列"),
    "msg.bad_text": ("is not valid text (typed in another encoding than the terminal's?)",
                     "不是有效的文字（是否用了与终端不同的编码输入？）"),
    # the database (trainlog.store.database); a driver's own words are quoted in zh-CN
    "msg.db_empty": (
        "--db is empty: give the database's file or URL, or leave --db out to use TRAINLOG_DB or the default database",
        "--db 为空：请给出数据库文件或 URL，或去掉 --db 以使用 TRAINLOG_DB 或默认数据库"),
    "msg.env_db_empty": (
        "TRAINLOG_DB is set but empty: set it to the database's file or URL, or unset it to use the default database",
        "TRAINLOG_DB 已设置但为空：请设为数据库文件或 URL，或取消设置以使用默认数据库"),
    "msg.in_memory": (
        "{where}: an in-memory SQLite database lasts for one command only; give a file path (or sqlite:///PATH)",
        "{where}：内存中的 SQLite 数据库只存在于一条命令之内；请给出文件路径（或 sqlite:///PATH）"),
    "msg.cannot_use": ("cannot use the database {where}: {reason}", "无法使用数据库 {where}：'{reason}'"),
    "msg.cannot_make_folder": ("cannot create the folder {path}: {reason}", "无法创建文件夹 {path}：'{reason}'"),
    "msg.foreign_tables": ("{where} holds tables that are not trainlog's; choose another --db / TRAINLOG_DB",
                           "{where} 中有不属于 trainlog 的表；请另选 --db / TRAINLOG_DB"),
    "msg.older_schema": (
        "the database {where} is at schema revision {current}, older than this trainlog ({head}); back it up, then run `trainlog db upgrade`",
        "数据库 {where} 的结构版本为 {current}，比本版 trainlog（{head}）旧；请先备份，再运行 `trainlog db upgrade`"),
    "msg.upgrade_writes": ("it needs an upgrade to this trainlog's schema, which writes; ",
                           "它需要升级到本版 trainlog 的结构，而升级要写入；"),
    "msg.in_memory_backup": ("an in-memory database cannot be backed up", "内存中的数据库无法备份"),
    "msg.backup_not_file": (
        "{path} is not a regular file (a device, a fifo or a socket); give a file or folder to copy the database to",
        "{path} 不是普通文件（是设备、管道或套接字）；请给出备份的文件或文件夹"),
    "msg.ro_mode": ("it is opened with ?mode=ro", "以 ?mode=ro 打开"),
    "msg.ro_file": ("the file is read-only", "文件为只读"),
    "msg.ro_folder": ("its folder is read-only (SQLite writes files beside it)",
                      "所在文件夹为只读（SQLite 需在其旁边写文件）"),
    "msg.read_only": ("the database {where} is read-only ({why}): {what}nothing was written",
                      "数据库 {where} 为只读（{why}）：{what}未写入任何内容"),
    "msg.sqlite_no_write": ("SQLite may not write to it", "SQLite 无法写入"),
    "msg.role_read_only": (
        "the database {where} may only be read by this role (PostgreSQL: {reason}): nothing was written",
        "此角色只能读取数据库 {where}（PostgreSQL：'{reason}'）：未写入任何内容"),
    "msg.disk_full": (
        "the disk holding the database {where} is full: nothing was written; free some space and run the command again",
        "数据库 {where} 所在的磁盘已满：未写入任何内容；请腾出空间后再运行命令"),
    "msg.not_a_db": (
        "cannot open the database {where}: it is not a SQLite database, or it is damaged (SQLite: {reason}); nothing was written",
        "无法打开数据库 {where}：它不是 SQLite 数据库，或已损坏（SQLite：'{reason}'）；未写入任何内容"),
    "msg.damaged_db": (
        "the database {where} is damaged (SQLite: {reason}): nothing was written; stop every writer and restore it from a backup (see the README, Keeping records safe); `trainlog db check` says what it can",
        "数据库 {where} 已损坏（SQLite：'{reason}'）：未写入任何内容；请停止所有写入，从备份恢复（见 README“Keeping records safe”）；`trainlog db check` 可给出所能查到的情况"),
    "msg.write_failed": (
        "cannot write to the database {where} (SQLite: {reason}): nothing was written; is the disk full (or a file-size limit reached), or is it failing?",
        "无法写入数据库 {where}（SQLite：'{reason}'）：未写入任何内容；磁盘是否已满（或达到文件大小上限），或出现故障？"),
    "msg.io_error": (
        "cannot read or write the database {where} (SQLite: {reason}): nothing was written. Was its -wal or -shm file deleted, or is the disk failing? Never delete them while the database is in use; run `trainlog db check`",
        "无法读写数据库 {where}（SQLite：'{reason}'）：未写入任何内容。是否删除了它的 -wal 或 -shm 文件，或磁盘出现故障？数据库使用期间切勿删除这些文件；请运行 `trainlog db check`"),
    "msg.marked_damaged": (
        "the database {where} was found damaged (see {marker}): writes are refused until it is restored from a backup and `trainlog db check` passes (see the README, Keeping records safe); nothing was written",
        "数据库 {where} 已被发现损坏（见 {marker}）：在从备份恢复且 `trainlog db check` 通过之前拒绝写入（见 README“Keeping records safe”）；未写入任何内容"),
    "msg.conflicts": (
        "the database kept aborting this command for conflicts with other writers (PostgreSQL SQLSTATE {state}, {n} times); nothing was written, try again later",
        "数据库因与其他写入者冲突而反复中止此命令（PostgreSQL SQLSTATE {state}，{n} 次）；未写入任何内容，请稍后再试"),
    "msg.other_program": (
        "{where} holds another program's database (schema revision {current}), not trainlog's; choose another --db / TRAINLOG_DB",
        "{where} 中是其他程序的数据库（结构版本 {current}），不是 trainlog 的；请另选 --db / TRAINLOG_DB"),
    "msg.newer_schema": (
        "the database {where} is at schema revision {current}, newer than this trainlog knows ({head}); it was written by a newer trainlog: upgrade trainlog to use it",
        "数据库 {where} 的结构版本为 {current}，比本版 trainlog 所知的（{head}）新；它由更新版本的 trainlog 写入：请升级 trainlog 后再使用"),
    "msg.bad_text_value": (
        "a value given is not valid text ({bad}); was it typed in another encoding than the terminal's?",
        "给出的值不是有效的文字（{bad}）；是否用了与终端不同的编码输入？"),
    "msg.copy_failed_check": (
        "the copy failed SQLite's integrity check: {problems} (is the database itself damaged? run `trainlog db check`)",
        "备份未通过 SQLite 的完整性检查：'{problems}'（数据库本身是否已损坏？请运行 `trainlog db check`）"),
    "msg.cannot_copy": ("cannot copy the database {source} to {dest}: {reason}",
                        "无法把数据库 {source} 复制到 {dest}：'{reason}'"),
    # db check (trainlog.store.checks, trainlog.store.postgres): what each check found
    "msg.check_io_hint": (" (was a -wal or -shm file beside it deleted, or is the disk failing?)",
                          "（是否删除了旁边的 -wal 或 -shm 文件，或磁盘出现故障？）"),
    "msg.check_damaged": ("the database is damaged ({said}{hint}): restore it from a backup",
                          "数据库已损坏（'{said}'{hint}）：请从备份恢复"),
    "msg.check_not_run": ("could not run: {said}{hint}", "无法运行：'{said}'{hint}"),
    "msg.check_rule": ("{n} {what} ({key} {ids})", "{what}：{n} 条（{key} {ids}）"),
    "msg.check_integrity": ("SQLite integrity_check: ok", "SQLite integrity_check：通过"),
    "msg.check_foreign_keys": ("SQLite foreign_key_check: no violation", "SQLite foreign_key_check：无违反"),
    "msg.check_violation": ("{table} row {row} -> missing {parent}", "{table} 第 {row} 行 -> 缺少 {parent}"),
    "msg.check_violations": ("{n} violation(s): {shown}", "{n} 处违反：{shown}"),
    "msg.check_revision": ("schema revision {current}, current", "结构版本 {current}，为最新"),
    "msg.check_revision_older": ("schema revision {current}, older than {head}: run `trainlog db upgrade`",
                                 "结构版本 {current}，比 {head} 旧：请运行 `trainlog db upgrade`"),
    "msg.check_revision_unknown": ("schema revision {current}, unknown to this trainlog ({head}): use a newer trainlog",
                                   "结构版本 {current}，本版 trainlog（{head}）不认识：请使用更新版本的 trainlog"),
    "msg.check_orphans": ("{n} {child} row(s) whose {column} is no {parent}{of}",
                          "{child} 表中有 {n} 行的 {column} 找不到对应的 {parent}{of}"),
    "msg.check_of_office": (" of their office", "（须属同一单位）"),
    "msg.check_orphans_fine": ("every reference points at an existing row", "每个引用都指向存在的行"),
    "msg.check_duplicates": ("{n} {name} key(s) ({keys}) held by more than one row",
                             "{name} 表中有 {n} 个键（{keys}）对应多行"),
    "msg.check_duplicates_fine": (
        "every record is there once in its office (codes, refs, attendances, online study months, plans)",
        "每条记录在其单位中只有一条（编号、培训编号、参训记录、网络学习月份、计划）"),
    "msg.check_counts_fine": ("every session's attendee count matches its {n} attendance row(s)",
                              "每次培训的具名人数都与其参训记录（共 {n} 条）相符"),
    "msg.check_count": ("session {id}: {kept} kept, {rows} rows", "培训 {id}：记为 {kept} 人，参训记录 {rows} 条"),
    "msg.check_counts": ("{n} session(s) whose attendee count differs from their attendance rows: {shown}",
                         "{n} 次培训的具名人数与参训记录不符：{shown}"),
    "msg.check_voids": ("{n} session(s) whose void mark and reason disagree: ids {ids}",
                        "{n} 次培训的作废标记与作废原因不一致：序号 {ids}"),
    "msg.check_voids_fine": (
        "{voided} voided session(s), each with its reason, when and by whom; their {kept} attendance row(s) kept and left out of counts",
        "已作废培训 {voided} 次，均记有原因、时间和操作人；其参训记录 {kept} 条保留，不计入统计"),
    "msg.check_bad_track": ("sessions with an unknown track or a kind not of their track", "类别未知或形式不属于其类别的培训"),
    "msg.check_bad_topic": ("sessions with an unknown topic", "主题未知的培训"),
    "msg.check_session_hours": ("sessions with hours outside 0..24", "学时不在 0..24 之间的培训"),
    "msg.check_negative": ("sessions with a negative headcount or attendee count", "未具名人数或具名人数为负的培训"),
    "msg.check_blank_title": ("sessions with a blank title", "培训名称为空的培训"),
    "msg.check_attendance_hours": ("attendances with hours outside 0..24", "学时不在 0..24 之间的参训记录"),
    "msg.check_bad_level": ("cadres with an unknown level", "级别未知的干部"),
    "msg.check_bad_rank": ("cadres with an unknown rank", "职级未知的干部"),
    "msg.check_bad_platform": ("online study with an unknown platform", "平台未知的网络学习记录"),
    "msg.check_study_hours": ("online study with hours outside 0..744 (24 x 31)",
                              "学时不在 0..744（24 x 31）之间的网络学习记录"),
    "msg.check_study_month": ("online study whose month is not a month's first day", "月份不是某月第一天的网络学习记录"),
    "msg.check_bad_answer": ("survey answers with an unknown method or tier", "方式或班次未知的调研答复"),
    "msg.check_bad_survey_topic": ("survey topics that are no topic", "不是已知主题的调研主题"),
    "msg.check_values_fine": ("every value is a known key or within its range", "每个值都是已知的键或在其范围之内"),
    "msg.check_plan_scope": ("plans whose scope is neither all nor a track", "范围既不是 all 也不是某一类别的计划"),
    "msg.check_plan_target": ("plans with a target that is not a positive number", "目标不是正数的计划"),
    "msg.check_plan_year": ("plans of no real year", "年度无效的计划"),
    "msg.check_plan_deadline": ("plans whose deadline is outside the plan's year", "截止日期不在计划年度内的计划"),
    "msg.check_plans_fine": ("{n} plan(s), each with a scope, a positive target and a deadline within its year",
                             "计划 {n} 项，均有范围、正数目标和年度内的截止日期"),
    "msg.check_unknown_setting": ("unknown setting {key}", "未知的设置项 {key}"),
    "msg.check_setting_number": ("{key} = {value} is not a number", "{key} = {value} 不是数字"),
    "msg.check_setting_range": ("{key} = {value} is outside its range (0, {high}]", "{key} = {value} 超出其范围 (0, {high}]"),
    "msg.check_settings_fine": ("{n} setting(s), each known and in its range", "设置 {n} 项，均为已知且在范围之内"),
    "msg.check_unaudited": ("{table} rows without when/by whom created and changed",
                            "{table} 表中缺少创建、修改时间或操作人的行"),
    "msg.check_unaudited_attendance": ("attendance rows without when/by whom created",
                                       "attendance 表中缺少创建时间或操作人的行"),
    "msg.check_audit_fine": ("every record keeps when it was created and changed, and by whom",
                             "每条记录都记有创建和修改的时间及操作人"),
    "msg.check_encoding": (
        "PostgreSQL {version}; the database's encoding is {encoding}, not UTF8: Chinese text may be refused or garbled. Create the database with ENCODING 'UTF8' and restore a backup into it",
        "PostgreSQL {version}；数据库的编码为 {encoding}，不是 UTF8：中文可能被拒绝或出现乱码。请以 ENCODING 'UTF8' 创建数据库，再把备份恢复到其中"),
    "msg.check_server": ("PostgreSQL {version}, encoding UTF8", "PostgreSQL {version}，编码 UTF8"),
    "msg.check_no_pk": ("{table}: primary key ({cols}) missing", "{table}：缺少主键（{cols}）"),
    "msg.check_no_fk": ("{table} ({cols}) -> {referred}: foreign key missing", "{table}（{cols}）-> {referred}：缺少外键"),
    "msg.check_no_unique": ("{table} ({cols}): unique constraint missing", "{table}（{cols}）：缺少唯一约束"),
    "msg.check_not_valid": ("{table}.{name}: NOT VALID (rows from before it are not checked)",
                            "{table}.{name}：NOT VALID（建立之前的行未经检查）"),
    "msg.check_not_enforced": ("{table}: foreign keys not enforced (triggers disabled)",
                               "{table}：外键未强制执行（触发器已停用）"),
    "msg.check_constraints_fine": (
        "every primary key and the {n} foreign key and unique constraints of the schema are there, validated and enforced",
        "结构中的全部主键以及 {n} 个外键和唯一约束均存在、已验证并强制执行"),
    "msg.check_invalid_index": ("invalid index(es): {names}: rebuild them (REINDEX INDEX …)",
                                "无效的索引：{names}：请重建（REINDEX INDEX …）"),
    "msg.check_indexes_fine": ("{n} indexes, all valid (install the amcheck extension to have their contents verified too)",
                               "索引 {n} 个，均有效（安装 amcheck 扩展可同时验证其内容）"),
    "msg.check_indexes_verified": ("{n} indexes, all valid; B-tree indexes verified against their tables (amcheck)",
                                   "索引 {n} 个，均有效；B-tree 索引已对照其表验证（amcheck）"),
    # db backup (trainlog.store.postgres, trainlog db backup)
    "msg.how_to_backup": (
        "`db backup` of a PostgreSQL database runs pg_dump, which is not on PATH: install PostgreSQL's client tools, of the server's major version or newer (Debian/Ubuntu: apt-get install postgresql-client), or on the server run `pg_dump --format=custom --file=DEST DBNAME` (restore with pg_restore)",
        "PostgreSQL 数据库的 `db backup` 要运行 pg_dump，但 PATH 中没有：请安装与服务器主版本相同或更新的 PostgreSQL 客户端工具（Debian/Ubuntu：apt-get install postgresql-client），或在服务器上运行 `pg_dump --format=custom --file=DEST DBNAME`（用 pg_restore 恢复）"),
    "msg.no_database_init": ("no trainlog database at {where}; create it with `trainlog init`",
                             "{where} 处没有 trainlog 数据库；请用 `trainlog init` 创建"),
    "msg.cannot_run": ("cannot run {tool}: {reason}", "无法运行 {tool}：'{reason}'"),
    "msg.exit_status": ("exit status {n}", "退出状态 {n}"),
    "msg.dump_failed": ("{tool} could not back up {where}: {said}", "{tool} 未能备份 {where}：'{said}'"),
    "msg.backed_up": ("backed up {database} ({bytes} bytes, schema revision {revision}, integrity ok)",
                      "已备份 {database}（{bytes} 字节，结构版本 {revision}，完整性检查通过）"),
    # the demo (trainlog demo, trainlog.demo.load)
    "msg.demo_url": ("demo --db: the demo makes a new SQLite file; give a file path, not a database URL",
                     "demo --db：示例会新建一个 SQLite 文件；请给出文件路径，不要给数据库 URL"),
    "msg.demo_exists": (
        "{path} exists; the demo loads its data into a new database (give a path that does not exist yet, or leave --db out)",
        "{path} 已存在；示例只把数据导入新的数据库（请给出尚不存在的路径，或去掉 --db）"),
    "msg.demo_loading": ("Loading the Zhaoling District 2020 example data set into {path} …",
                         "正在把召陵区 2020 年示例数据导入 {path} …"),
    "msg.demo_loaded": ("  {file}: {rows} rows ({what}: {counts})", "  {file}：{rows} 行（{what}：{counts}）"),
    "msg.what_sessions": ("sessions", "培训"),
    "msg.what_study": ("online study", "网络学习"),
    "msg.what_answers": ("survey answers", "调研答复"),
    "msg.demo_branches": ("party branches", "党支部"),
    "msg.demo_with_sessions": ("branches that held remote education", "开展远程教育的党支部"),
    "msg.demo_sessions": ("remote-education sessions", "远程教育学习培训次数"),
    "msg.demo_registered": ("party-member cadres registered at the academy", "网络干部学院注册党员干部"),
    "msg.demo_top_leaders": ("top leaders trained through meetings (person-times)", "以会代训培训一把手人次"),
    "msg.demo_as_of": ("As of 3 April 2020 (the source document's figures)", "截至2020年4月3日（对照原文）"),
    "msg.demo_without": ("Branches with no remote-education session: ", "未开展远程教育的党支部："),
    "msg.demo_next": ("\nThe demo database is {path}\nTry next:", "\n示例数据库：{path}\n接下来可以试试："),
    # plans (trainlog.reports.plans, trainlog plan)
    "msg.target_too_big": ("--target: {target} is more person-times than a plan can hold (at most {most})",
                           "--target：{target} 超出计划可容纳的人次（最多 {most}）"),
    "msg.deadline_year": ("--deadline: {when} is not in {year}; a plan's deadline falls within its year",
                          "--deadline：{when} 不在 {year} 年内；计划的截止日期须在本年度之内"),
    "msg.plan_raced": ("the plan {year} {scope} was set by someone else just now; run the command again",
                       "{year} 年 {scope} 计划刚被他人设定；请再运行一次命令"),
    "msg.plan_set": ("set the {year} plan ({scope}): {target} person-times by {deadline}",
                     "已设定 {year} 年度计划（{scope}）：{target} 人次，截止 {deadline}"),
    "msg.plan_updated": ("updated the {year} plan ({scope}): {target} person-times by {deadline}",
                         "已更新 {year} 年度计划（{scope}）：{target} 人次，截止 {deadline}"),
    "msg.plan_was": (" (was {target} by {deadline})", "（原为 {target} 人次，截止 {deadline}）"),
    "msg.no_plan_of_track": (
        "no plan for the {track} track or all tracks in {year} (plans set: {set_for}); set one with `trainlog plan set {y} --target N{t}`",
        "{year} 年没有{track}或全部类别的计划（已设定：{set_for}）；设定方法：`trainlog plan set {y} --target 人次{t}`"),
    "msg.no_plan": ("no plan set{of}; set one with `trainlog plan set {y} --target N{t}`",
                    "{of}尚未设定年度计划；设定方法：`trainlog plan set {y} --target 人次{t}`"),
    "msg.plan_of": (" for {year}", "{year} 年"),
    # finding cadres by name or id number (trainlog.files.people)
    "msg.no_id_number": ("no cadre has this id number", "没有干部使用此身份证号"),
    "msg.cadre_or_name": ("is required (the cadre's code, 身份证号, or 姓名 and 单位)", "必须填写（干部编号、身份证号，或 姓名 和 单位）"),
    "msg.unit_required": ("is required to find {name} by name (or give the cadre's code)",
                          "按姓名查找 {name} 时必须填写（或给出干部编号）"),
    "msg.same_name_unit": ("{n} cadres are {name} of {unit}: {codes}; give the cadre's code (干部编号)",
                           "{unit} 有 {n} 名干部叫 {name}：{codes}；请给出干部编号"),
    "msg.no_name_unit": ("no cadre {name} of {unit}", "{unit} 没有名为 {name} 的干部"),
    "msg.no_such_name": ("; no cadre has this name", "；没有干部叫这个名字"),
    "msg.cadres_named": ("; cadres named {name}: {shown}{more}", "；名为 {name} 的干部：{shown}{more}"),
    "msg.cadre_columns": ("required column missing: name cadres by cadre/干部编号, id_number/身份证号, or name/姓名 with unit/单位",
                          "缺少必需的列：请用 cadre/干部编号、id_number/身份证号，或 name/姓名 加 unit/单位 指明干部"),
    "msg.id_length": ("has {n} characters, not 18", "有 {n} 个字符，不是 18 个"),
    "msg.id_digits": ("is not 17 digits and a check digit (0-9 or X)", "不是 17 位数字加一位校验码（0-9 或 X）"),
    "msg.id_check_digit": ("has a wrong check digit (mistyped?)", "校验码不对（是否输错？）"),
    # --rejects (trainlog.files.rejects) and the lines an import's summary adds
    "msg.rejects_passes": ("--rejects: rows still had problems after {n} passes; nothing was written",
                           "--rejects：经过 {n} 轮后仍有行存在问题；未写入任何内容"),
    "msg.rejects_same_file": ("--rejects: give another file than the one imported", "--rejects：请给出与导入文件不同的文件"),
    "msg.rejects_write": ("--rejects: {path} cannot be written ({reason})", "--rejects：无法写入 {path}（'{reason}'）"),
    "msg.left_out": ("left out: column(s) {columns}", "已忽略的列：{columns}"),
    "msg.totals_skipped": ("skipped {n} total row(s) (合计/总计/小计)", "已跳过 {n} 个合计行（合计/总计/小计）"),
    "msg.rejected": ("rejected {n} row(s), written to {path}", "已拒收 {n} 行，写入 {path}"),
    # stopping, and what the CLI says of a bug
    "msg.interrupted": ("interrupted", "已中断"),
    "msg.terminated": ("terminated", "已终止"),
    "msg.stopped_after_save": (
        "{what} after the changes were saved: they are kept (the summary was cut short; do not enter them again)",
        "{what}，此前的修改已保存并保留（摘要未显示完整；请勿重复录入）"),
    "msg.stopped": ("{what}; nothing of the current command was written", "{what}；当前命令未写入任何内容"),
    "msg.unexpected": ("trainlog: unexpected error: {error}\n(set TRAINLOG_DEBUG=1 to see the traceback)",
                       "trainlog：意外错误：'{error}'\n（设置 TRAINLOG_DEBUG=1 可查看回溯信息）"),
    "msg.id_or_ref_not_both": ("give --id or --ref, not both", "请给出 --id 或 --ref，不要同时给出"),
    # templates, the workbook
    "msg.template_kind": ("template: {kind} is not a kind of file; the kinds are {kinds}",
                          "template：{kind} 不是文件的种类；可用的种类为 {kinds}"),
    "msg.template_suffix": ("template: {name}: give a .xlsx or .csv file", "template：{name}：请给出 .xlsx 或 .csv 文件"),
    "msg.template_write": ("template: {path} cannot be written ({reason})", "template：无法写入 {path}（'{reason}'）"),
    "msg.workbook_is_folder": ("{path} is a folder; give the workbook's file name", "{path} 是文件夹；请给出工作簿的文件名"),
    # sessions and attendees (trainlog.sessions)
    "msg.attendees_header": (
        "an attendees file's header needs a cadre/干部编号 column; a plain list of codes goes in a .txt file",
        "参训人员文件的表头须有 cadre/干部编号 列；只有编号的清单请存为 .txt 文件"),
    "msg.attendees_one_column": (
        "give the cadres' codes in one column: cadre/干部编号 (or code/编号), or their names and units (姓名, 单位)",
        "请把干部编号放在一列：cadre/干部编号（或 code/编号），或给出姓名和单位（姓名、单位）"),
    "msg.file_row": ("{file} row {row}", "{file} 第 {row} 行"),
    "msg.attendees_encoding": ("{path}: cannot be read as {encoding} ({reason}); give --encoding",
                               "{path}：无法按 {encoding} 读取（'{reason}'）；请给出 --encoding"),
    "msg.utf8_or_gb": ("UTF-8 or GB18030", "UTF-8 或 GB18030"),
    "msg.names_no_cadre": ("names no cadre (give the code, or 姓名 and 单位)", "未指明干部（请给出编号，或 姓名 和 单位）"),
    "msg.ref_raced": ("--ref {ref} was added by another writer just now; run the command again (with --replace to rewrite it)",
                      "--ref {ref} 刚被其他写入者添加；请再运行一次命令（要重写请加 --replace）"),
    "msg.id_and_ref": ("{key} is the id of session {by_id} and the ref of session {by_ref}; say which with --id or --ref",
                       "{key} 既是培训 {by_id} 的序号，又是培训 {by_ref} 的编号；请用 --id 或 --ref 指明"),
    "msg.ref_stays_void": ("ref {ref} is void and stays void (session {id}); its attendance is replaced with the file's",
                           "编号 {ref} 已作废，保持作废（培训 {id}）；其参训记录按文件替换"),
    "msg.refs_raced": ("{path}: another writer added some of these refs just now; run the import again (nothing was written)",
                       "{path}：其他写入者刚添加了其中一些编号；请再导入一次（未写入任何内容）"),
    "msg.no_branch_word": ("no branch", "无党支部"),
    "msg.other_session": (
        "is session {id}, stored as {was}; the file has {now} (another {differ}): a different session needs its own ref, or give --replace to rewrite this one",
        "是培训 {id}，已存为 {was}；文件中为 {now}（{differ} 不同）：不同的培训须用各自的编号，要重写这一次请加 --replace"),
    # online study, compliance, the survey
    "msg.not_hours": ("{value} is not a number of hours", "{value} 不是学时数"),
    "msg.warn_unregistered": (
        "{n} row(s) for cadres with no academy registration date ({sample}): kept, not checked until the date is set",
        "{n} 行属于没有网络学院注册日期的干部（{sample}）：已保留，设定日期前不检查"),
    "msg.warn_before_registered": (
        "{n} row(s) for a month before the cadre registered at the academy ({sample}): kept; check the dates",
        "{n} 行的月份早于干部在网络学院注册的日期（{sample}）：已保留；请核对日期"),
    "msg.warn_deactivated": ("{n} row(s) for deactivated cadres ({sample}): kept",
                             "{n} 行属于不在职的干部（{sample}）：已保留"),
    "msg.month_hours": ("more hours than {month} has ({limit} = 24 × {days} days)",
                        "超过 {month} 的总时数（{limit} = 24 × {days} 天）"),
    "msg.detail_only_other": ("{piece}: only other ({other}) takes a text after ':'",
                              "{piece}：只有 other（{other}）可在“:”后加文字"),
    "msg.cadre_or_respondent": ("give the cadre's code or a respondent, not both",
                                "请给出干部编号或答复人，不要同时给出"),
    "msg.answers_raced": ("survey: {n} answers written but {found} found; nothing was written, run the command again",
                          "需求调研：写入 {n} 条答复，却只找到 {found} 条；未写入任何内容，请再运行一次命令"),
    # the id number (身份证号) of a cadre (trainlog.registry, trainlog.files.people)
    "id_number": ("ID number", "身份证号"),
    "msg.id_number_taken": ("is already the id number of cadre {code}", "已是干部 {code} 的身份证号"),
    "msg.id_number_repeats": ("repeats the id number of row {row}", "与第 {row} 行的身份证号重复"),
    "msg.id_not_this_name": ("is the id number of {code} {name}, not of {given}",
                             "是 {code} {name} 的身份证号，不是 {given} 的"),
    "msg.id_number_unknown_hint": ("; {name} of {unit} is {code}, who has no id number recorded (cadre edit {code} --id-number)",
                                   "；{unit} 的 {name} 是 {code}，尚未登记身份证号（cadre edit {code} --id-number）"),
    # training hours: the year's grace after a promotion to county (trainlog hours, cadre show)
    "grace": ("In grace", "晋升一年内人数"),
    "grace_until": ("Grace until", "补足期限"),
    "msg.hours_none_short": ("nobody checked is short ({n} in the year after a promotion)",
                             "检查对象无学时不足（{n} 人晋升未满一年）"),
    "msg.hours_not_checked": ("not checked: no rank with a rule, or not active, on {day}",
                              "未检查：{day} 无有学时要求的职级，或不在职"),
    "hours_title": ("Training hours {year}", "{year}年学时"),
    "workbook.hours_sheet": ("Training hours", "学时达标"),
    "workbook.status": ("Status", "达标情况"),
    "workbook.group_hours": ("Group hours", "集中学时"),
    "workbook.group_required": ("Group required", "集中应修"),
    "workbook.online_hours": ("Online hours", "网络学时"),
    "workbook.online_required": ("Online required", "网络应修"),
    "workbook.rank": ("Rank", "职级"),
    "workbook.window_from": ("Window from", "起始日期"),
    "workbook.window_to": ("Window to", "截止日期"),
    "msg.demo_hours": ("Training hours by rank, as of {day} (trainlog hours)",
                       "各职级学时达标情况，截至 {day}"),
    "msg.demo_hours_total": ("all ranks", "合计"),
    "workbook.grace_until": ("Grace until", "补足期限"),
}


#: The help of every command and option (`trainlog COMMAND --help`): "help.COMMAND [OPTION]" ->
#: (the English text, exactly as the command's docstring or option gives it, and its zh-CN).
#: The CLI shows the zh-CN text for the English one when the language is zh
#: (`trainlog.cli.words`); tests/test_zh.py finds any help text that has none here.
HELP: dict[str, tuple[str, str]] = {
    'help.template': (
        'Write an empty import file: the headers (zh-CN with --lang zh); an .xlsx one also has\ndrop-down lists for the choice columns and a sheet explaining each column.',
        '写出一个空的导入文件：表头（--lang zh 时为中文）；.xlsx 文件另有选项列的下拉列表和一张说明各列的工作表。'),
    'help.template kind': (
        'branches, cadres, sessions, study or survey.',
        '党支部、干部、培训、网络学习或调查问卷（branches、cadres、sessions、study、survey）。'),
    'help.template file': (
        'the file to write (.xlsx or .csv).',
        '要写出的文件（.xlsx 或 .csv）。'),
    'help.import --header-row': (
        "the header's row number (default: found in the first 10 rows).",
        '表头所在的行号（默认：在前 10 行中查找）。'),
    'help.import --sheet': (
        "a workbook's sheet, by name or number (default the first).",
        '工作簿中的工作表，按名称或序号（默认第一个）。'),
    'help.import --ignore': (
        'leave this column out (repeatable).',
        '忽略这一列（可重复）。'),
    'help.import --ignore-extra': (
        'leave every unknown column out.',
        '忽略所有不认识的列。'),
    'help.import --map': (
        "read a header as a column: 'HEADER=KEY', e.g. 本月学时=hours (repeatable).",
        "把某个表头当作某一列读取：'表头=列名'，例如 本月学时=hours（可重复）。"),
    'help.import --rejects': (
        'load the good rows; write the bad ones to this CSV with a problem column (exit 4 when any).',
        '导入正确的行；把有问题的行连同问题说明写到这个 CSV 文件（有被拒的行时退出码为 4）。'),
    'help.log': (
        'List the changes of the records, oldest first: when, who, what, each field before → after.',
        '列出记录的变更（按时间先后）：何时、何人、何项记录、各字段变更前 → 变更后。'),
    'help.log --since': (
        'only changes made on or after this day (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日).',
        '只列出这一天及以后的变更（YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日）。'),
    'help.log --kind': (
        'only changes of this kind of record: cadre, branch, session, study, plan, month, office (or 干部, 党支部, 培训, 网络学习, 年度计划, 月份, 单位).',
        '只列出这类记录的变更：干部、党支部、培训、网络学习、年度计划、月份、单位（或 cadre、branch、session、study、plan、month、office）。'),
    'help.log --key': (
        "only changes of this record: a cadre's or branch's code, a session's ref, a month.",
        '只列出这条记录的变更：干部或党支部的编号、培训编号、月份。'),
    'help.cadre list --name': (
        'only cadres whose name holds this text (spaces left out).',
        '只列出姓名包含此文字的干部（不计空格）。'),
    'help.session import (names)': (
        'Import sessions (培训编号, 日期, 类别, …, 干部编号, 身份证号 or 姓名+单位); replaces by ref,\nall or nothing.',
        '导入培训（培训编号、日期、类别、…、干部编号、身份证号或姓名+单位）；按编号替换，全部成功或全部不写入。'),
    'help.trainlog': (
        'Keep the record of how a district trains its cadres, and report on it against the plan.',
        '记录一个地区干部教育培训的情况，并对照年度计划统计报告。'),
    'help.--db': (
        'database file or SQLAlchemy URL (default: TRAINLOG_DB, then trainlog.db in the user data directory).',
        '数据库文件或 SQLAlchemy URL（默认：TRAINLOG_DB，其次为用户数据目录中的 trainlog.db）。'),
    'help.--lang': (
        'en or zh (default: TRAINLOG_LANG or the locale).',
        'en 或 zh（默认：TRAINLOG_LANG 或系统语言环境）。'),
    'help.--office': (
        "the office whose records to use (default: TRAINLOG_OFFICE, then the database's only office, or the only one granted to the database role).",
        '使用哪个单位的记录（默认：TRAINLOG_OFFICE，其次为数据库中唯一的单位，或数据库角色唯一获授权的单位）。'),
    'help.--version': (
        'print the version and exit.',
        '显示版本号后退出。'),
    'help.init': (
        'Create the database (idempotent) and print where it is.',
        '创建数据库（可重复执行）并显示其位置。'),
    'help.init --office': (
        "a new database's first office: its code (default: main).",
        '新数据库的第一个单位：其编号（默认：main）。'),
    'help.init --office-name': (
        "the first office's name (default: 本单位).",
        '第一个单位的名称（默认：本单位）。'),
    'help.demo': (
        'Load the Zhaoling District 2020 example data set and print its report as of 3 April 2020.',
        '导入召陵区 2020 年示例数据，并显示截至 2020 年 4 月 3 日的统计报告。'),
    'help.demo --db': (
        'where to create the demo database (a new file; default: a temporary directory). Never the database of --db/TRAINLOG_DB.',
        '示例数据库的位置（一个新文件；默认：临时目录）。绝不使用 --db/TRAINLOG_DB 指定的数据库。'),
    'help.demo --lang': (
        'en or zh (labels and headers).',
        'en 或 zh（标签和表头）。'),
    'help.export': (
        "Write a period's figures (default: this month) to an Excel workbook: summary, months,\nsessions, cadres, shortfall, branch coverage, with charts.",
        '把一个期间（默认：本月）的数据写入 Excel 工作簿：汇总、按月、培训、干部、学时不足、支部覆盖，附图表。'),
    'help.export file': (
        'the workbook to write (.xlsx); an existing one is replaced.',
        '要写入的工作簿（.xlsx）；已有文件将被整体替换。'),
    'help.export --month': (
        'YYYY-MM, this or last.',
        'YYYY-MM，或 this（本月）、last（上月）。'),
    'help.export --year': (
        'a whole year.',
        '整年。'),
    'help.export --from': (
        'first day (YYYY-MM-DD).',
        '起始日期（YYYY-MM-DD）。'),
    'help.export --to': (
        'last day (YYYY-MM-DD).',
        '截止日期（YYYY-MM-DD）。'),
    'help.export --as-of': (
        'count up to this day.',
        '统计到这一天为止。'),
    'help.report': (
        "Sessions, person-times, people and hours per track, and progress against the year's plan.",
        '各类别的培训次数、人次、人数和学时，以及年度计划完成进度。'),
    'help.report --track': (
        'policy/video/special or 政策培训/视频培训/专题培训.',
        'policy/video/special 或 政策培训/视频培训/专题培训。'),
    'help.report --by': (
        'track, kind, topic, branch, township, level, rank, month, or office (the offices below this one, each with its own plan).',
        'track、kind、topic、branch、township、level、rank、month 或 office（本单位的下级单位，各按其计划）。'),
    'help.report --audience': (
        'all, top-leaders or poverty-cadres (一把手, 扶贫干部).',
        'all、top-leaders 或 poverty-cadres（一把手、扶贫干部）。'),
    'help.report --fail-if-behind': (
        'exit 3 when behind a steady pace to the plan.',
        '落后于时间进度时以退出码 3 结束。'),
    'help.report --format': (
        'table, json, csv or notice (通报: a short text with the same figures, zh-CN unless --lang en).',
        'table、json、csv 或 notice（通报：含同样数字的简短文字，除 --lang en 外为中文）。'),
    'help.report --output': (
        'write to this file instead, by its suffix: .csv (UTF-8 with BOM, for Excel), .xlsx, .json, or .docx: the notice (通报) as a Word document in the layout of official documents.',
        '改为写入此文件，按后缀：.csv（带 BOM 的 UTF-8，供 Excel）、.xlsx、.json，或 .docx：按公文格式排版的通报 Word 文档。'),
    'help.report --issuer': (
        'the issuing office, signed at the end of the Word notice (default: 组织部).',
        '发文机关，署于 Word 通报末尾（默认：组织部）。'),
    'help.add-session': (
        'Record one training session with its attendees.',
        '登记一次培训及其参训人员。'),
    'help.add-session --date': (
        'YYYY-MM-DD, YYYY/M/D or YYYY年M月D日.',
        'YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日。'),
    'help.add-session --title': (
        "the session's title (培训名称).",
        '培训名称。'),
    'help.add-session --kind': (
        'a kind of the track, key or zh-CN label (e.g. remote or 远程教育).',
        '该类别下的形式，键或中文标签（如 remote 或 远程教育）。'),
    'help.add-session --topic': (
        'what it is about (主题), key or zh-CN label; on any track.',
        '培训主题，键或中文标签；适用于各类别。'),
    'help.add-session --hours': (
        'study hours credited to each attendee, 0-24 (default 0).',
        '每名参训人员计入的学时，0-24（默认 0）。'),
    'help.add-session --attendee': (
        "a cadre's code; repeat it or separate codes with commas.",
        '干部编号；可重复使用本选项，或用逗号分隔多个编号。'),
    'help.add-session --attendees-file': (
        'a CSV (UTF-8, GB18030 or UTF-16), .xlsx or .xls with a cadre (干部编号), 身份证号, or 姓名 and 单位 column(s), optional hours (学时) and 签到; or a text file of codes.',
        'CSV（UTF-8、GB18030 或 UTF-16）、.xlsx 或 .xls 文件，含干部编号、身份证号，或 姓名 和 单位 列，可选学时、签到列；或每行一个编号的文本文件。'),
    'help.add-session --headcount': (
        'attendees recorded only as a number (未具名人数).',
        '仅以人数记录的参训人员（未具名人数）。'),
    'help.add-session --branch': (
        "the branch's code.",
        '党支部编号。'),
    'help.add-session --ref': (
        "an outside key (a roster's number); new unless --replace.",
        '外部编号（如名册编号）；除非使用 --replace，须为新编号。'),
    'help.add-session --replace': (
        'rewrite the session with this --ref and its attendance.',
        '按此 --ref 重写该培训及其参训记录。'),
    'help.add-session --encoding': (
        "a text file's encoding (default: detect UTF-8, GB18030 or UTF-16 with a BOM).",
        '文本文件的编码（默认：自动识别 UTF-8、GB18030 或带 BOM 的 UTF-16）。'),
    'help.add-session --format': (
        'table, json or csv.',
        'table、json 或 csv。'),
    'help.compliance': (
        "Registered cadres short of online study hours, and party members' registration coverage.",
        '网络学习学时不足的已注册干部，以及党员干部的注册率。'),
    'help.compliance --min-month': (
        "hours required per month (default: the database's compliance.min_month, else 5).",
        '每月应学学时（默认：数据库设置 compliance.min_month，否则为 5）。'),
    'help.compliance --min-year': (
        'hours required for a whole year (default: compliance.min_year, else 60).',
        '全年应学学时（默认：compliance.min_year，否则为 60）。'),
    'help.compliance --platform': (
        'academy/xuexi/remote or 干部网络学院/学习强国/远程教育.',
        'academy/xuexi/remote 或 干部网络学院/学习强国/远程教育。'),
    'help.compliance --fail-if-any': (
        'exit 3 when anyone is short of hours.',
        '有人学时不足时以退出码 3 结束。'),
    'help.compliance --output': (
        'write to this file instead, by its suffix: .csv (UTF-8 with BOM, for Excel), .xlsx or .json.',
        '改为写入此文件，按后缀：.csv（带 BOM 的 UTF-8，供 Excel）、.xlsx 或 .json。'),
    'help.coverage': (
        'Video sessions held by each party branch in the period, and the branches with none.',
        '期间内各党支部开展视频培训的次数，以及未开展的支部。'),
    'help.coverage --kind': (
        "only this kind of video session: academy, xuexi or remote (远程教育, the source's measure).",
        '只计此形式的视频培训：academy、xuexi 或 remote（远程教育，原文的口径）。'),
    'help.coverage --township': (
        "only this township's branches.",
        '只计此乡镇的党支部。'),
    'help.db': (
        'The database: info, check, backup, upgrade.',
        '数据库：信息、检查、备份、升级。'),
    'help.db info': (
        'Which database is in use: location, engine, schema revision, rows per table.',
        '正在使用的数据库：位置、引擎、结构版本、各表行数。'),
    'help.db check': (
        "Check the database: SQLite's or PostgreSQL's own checks, trainlog's invariants; exit 1 if not.",
        '检查数据库：SQLite 或 PostgreSQL 自身的检查，以及 trainlog 的数据约束；未通过时退出码为 1。'),
    'help.db backup': (
        'Back up the database to DEST, safe while others write (SQLite: a checked copy of the file;\nPostgreSQL: pg_dump --format=custom).',
        '把数据库备份到 DEST，他人写入时也安全（SQLite：经检查的文件副本；PostgreSQL：pg_dump --format=custom）。'),
    'help.db backup dest': (
        "the copy's file name, or a folder to put it in.",
        '备份文件名，或存放备份的文件夹。'),
    'help.db backup --force': (
        'overwrite DEST if it exists.',
        'DEST 已存在时覆盖。'),
    'help.db upgrade': (
        "Bring an older database's schema up to this version (a backup copy is written first).",
        '把旧版数据库的结构升级到本版本（先写一份备份）。'),
    'help.office': (
        'Offices (单位): the departments whose records a database keeps, and the database roles that may use them.',
        '单位：数据库所保存记录的部门，以及可使用这些记录的数据库角色。'),
    'help.office add': (
        "Add an office; on PostgreSQL, the database's owner does this.",
        '添加单位；在 PostgreSQL 上由数据库所有者执行。'),
    'help.office add code': (
        "the office's code.",
        '单位编号。'),
    'help.office add name': (
        "the office's name, e.g. 召陵区委组织部.",
        '单位名称，如 召陵区委组织部。'),
    'help.office add --parent': (
        "the office above it (a city's or province's).",
        '上级单位（市或省的单位）。'),
    'help.office list': (
        'List the offices you can see; the current one is marked.',
        '列出可见的单位；当前单位有标记。'),
    'help.office grant': (
        "PostgreSQL: let a database role use an office's records (the server enforces it).",
        'PostgreSQL：允许某数据库角色使用某单位的记录（由服务器强制执行）。'),
    'help.office grant role': (
        'a PostgreSQL role.',
        'PostgreSQL 角色。'),
    'help.office grant --read-only': (
        "the role may read the office's records, not change them.",
        '该角色只能读取该单位的记录，不能修改。'),
    'help.office revoke': (
        "PostgreSQL: take an office's records away from a database role.",
        'PostgreSQL：收回某数据库角色对某单位记录的使用权。'),
    'help.branch': (
        'Party branches (党支部).',
        '党支部。'),
    'help.branch add': (
        'Add a party branch.',
        '添加党支部。'),
    'help.branch add name': (
        "the branch's name.",
        '党支部名称。'),
    'help.branch add --township': (
        '乡镇/街道.',
        '乡镇/街道。'),
    'help.branch list': (
        'List party branches.',
        '列出党支部。'),
    'help.branch list --township': (
        'only this township.',
        '只列此乡镇的党支部。'),
    'help.branch import': (
        'Import branches (编号, 名称, 乡镇); updates by code, all or nothing.',
        '导入党支部（编号、名称、乡镇）；按编号更新，全部成功或全部不写入。'),
    'help.branch import file': (
        'a .csv (UTF-8, GB18030 or UTF-16), .xlsx or .xls file.',
        '.csv（UTF-8、GB18030 或 UTF-16）、.xlsx 或 .xls 文件。'),
    'help.branch import --dry-run': (
        'check every row, write nothing.',
        '检查每一行，不写入任何内容。'),
    'help.branch import --quiet': (
        'print nothing on stdout when all went well (warnings and errors still go to stderr): for cron, which mails what a job prints.',
        '一切正常时不在标准输出打印任何内容（警告和错误仍写到标准错误）：供 cron 使用，cron 会把任务的输出发邮件。'),
    'help.cadre': (
        'Cadres (干部).',
        '干部。'),
    'help.cadre add': (
        'Add a cadre.',
        '添加干部。'),
    'help.cadre add code': (
        "the cadre's code.",
        '干部编号。'),
    'help.cadre add name': (
        "the cadre's name.",
        '干部姓名。'),
    'help.cadre add --unit': (
        '单位.',
        '单位。'),
    'help.cadre add --level': (
        'district/township/village or 区级/乡级/村级.',
        'district/township/village 或 区级/乡级/村级。'),
    'help.add-session --days': (
        'days of training: credits days × credit.hours_per_day (6) hours, when --hours is not given.',
        '培训天数：未给出 --hours 时，按 天数 × credit.hours_per_day（默认 6）折算学时。'),
    'help.hours': (
        "Each active cadre's training hours (学时) against the requirement of his rank: group\ntraining over the year (county level: hours.county.years years) and online study.",
        '各在职干部的学时与其职级要求对照：当年集中培训学时（县处级以上：hours.county.years 年内）和网络学习学时。'),
    'help.hours --year': (
        'the year checked (default: this year to today).',
        '检查的年度（默认：今年年初至今天）。'),
    'help.hours --as-of': (
        'count the hours through this day (its year is the one checked).',
        '学时统计截至此日（检查此日所在年度）。'),
    'help.hours --rank': (
        'only this rank: county, section, staff or village (职级).',
        '只查此职级：county、section、staff 或 village（县处级以上、乡科级、科员及以下、村（社区）干部）。'),
    'help.hours --short': (
        'list only the cadres short of hours.',
        '只列出学时未达标的干部。'),
    'help.hours --fail-if-any': (
        'exit 3 when anyone checked is short of hours.',
        '有检查对象未达标时以状态码 3 退出。'),
    'help.cadre add --rank': (
        'county/section/staff/village or 县处级以上/乡科级/科员及以下/村（社区）干部.',
        'county/section/staff/village 或 县处级以上/乡科级/科员及以下/村（社区）干部。'),
    'help.cadre add --top-leader': (
        'head of a unit (一把手).',
        '单位主要负责人（一把手）。'),
    'help.cadre add --poverty-cadre': (
        'works on poverty alleviation (扶贫干部).',
        '从事扶贫工作（扶贫干部）。'),
    'help.cadre add --no-party-member': (
        'not a party member (党员 by default).',
        '不是党员（默认为党员）。'),
    'help.cadre add --registered-on': (
        'date of registration at the online academy.',
        '在干部网络学院的注册日期。'),
    'help.cadre list': (
        'List cadres, with filters.',
        '列出干部，可加筛选条件。'),
    'help.cadre list --top-leader': (
        'only (or no) top leaders.',
        '只列（或不列）一把手。'),
    'help.cadre list --poverty-cadre': (
        'only (or no) poverty cadres.',
        '只列（或不列）扶贫干部。'),
    'help.cadre list --active': (
        'active cadres only, or all.',
        '只列在职干部，或全部。'),
    'help.cadre list --untrained': (
        'only cadres with no named attendance and no online study in the period (default: this year to today).',
        '只列期间内既无具名参训记录、也无网络学习记录的干部（默认：本年初至今天）。'),
    'help.cadre show': (
        'One cadre: the record, the training transcript (培训档案), and his training hours (学时)\nagainst the requirement of his rank for the year (this year to today by default).',
        '一名干部：基本信息、培训档案，以及当年（默认今年截至今天）学时对照其职级要求的达标情况。'),
    'help.cadre show --year': (
        "only this year's records, and this year's training hours against the rules.",
        '只列本年度的记录，并按本年度核查学时。'),
    'help.cadre edit': (
        "Change a cadre's fields; options not given are left as they are. The facts (branch,\nunit, level, rank, flags, active) change from --from DATE on (default today), or with --correct\nfor every date.",
        '修改干部信息；未给出的选项保持不变。各项情况（党支部、单位、级别、职级、是否一把手等、在职）自 --from 日期起改变（默认今天），用 --correct 则更正所有日期。'),
    'help.cadre edit --from': (
        'the day the change holds from (default today).',
        '修改自哪一天起生效（默认今天）。'),
    'help.cadre edit --correct': (
        'change the facts for every date (a mistake in the roster).',
        '更正所有日期的情况（花名册登记有误时）。'),
    'help.cadre deactivate --on': (
        'the first day the cadre is inactive (default today).',
        '不在职的第一天（默认今天）。'),
    'help.cadre deactivate --reason': (
        'why (retired, transferred…), kept in the history and the log.',
        '原因（退休、调离……），记入历史和变更日志。'),
    'help.month': (
        "Months that close (结账): a closed month's figures no longer change.",
        '月份结账：已结账月份的数字不再改变。'),
    'help.month close': ('Close a month and every month before it.', '将某月及以前各月结账。'),
    'help.month reopen': ('Reopen a closed month and every later one.', '重新打开已结账的某月及以后各月。'),
    'help.month reopen --reason': ('why it is reopened (logged).', '重新打开的原因（记入变更日志）。'),
    'help.month list': ('Each month with records: closed or open, its sessions, person-times and study records.',
        '有记录的各月：是否结账、培训次数、人次和网络学习记录数。'),
    'help.month month': ('the month, YYYY-MM.', '月份，YYYY-MM。'),
    'help.cadre history': (
        "Each of a cadre's facts with the values it held and the dates it held them.",
        '干部各项情况的历次取值及其起止日期。'),
    'help.cadre edit --name': (
        'new name.',
        '新姓名。'),
    'help.cadre edit --top-leader': (
        'head of a unit (一把手), or not.',
        '单位主要负责人（一把手），或不是。'),
    'help.cadre edit --poverty-cadre': (
        'poverty cadre (扶贫干部), or not.',
        '扶贫干部，或不是。'),
    'help.cadre edit --party-member': (
        'party member (党员), or not.',
        '党员，或不是。'),
    'help.cadre edit --active': (
        'reactivate or deactivate.',
        '恢复在职或设为不在职。'),
    'help.cadre deactivate': (
        'Deactivate a cadre from a day: kept, with records before it still counting; no\nattendance on or after it.',
        '自某日起设干部为不在职：记录保留，此前的记录照常统计；该日及以后不能参训。'),
    'help.cadre import': (
        'Import cadres (编号, 姓名, 单位, 级别, 职级, 党支部, 一把手, 扶贫干部, 党员,\n网络学院注册日期, 身份证号); changed facts hold from --from DATE on (default today).',
        '导入干部（编号、姓名、单位、级别、职级、党支部、一把手、扶贫干部、党员、网络学院注册日期、身份证号）；改变的情况自 --from 日期起生效（默认今天）。'),
    'help.plan': (
        "The year's plan (年度计划): a target of person-times.",
        '年度计划：目标人次。'),
    'help.plan set': (
        "Set a year's target of person-times, over all tracks or for one; updates an existing one.",
        '设定某年的目标人次，针对全部类别或某一类别；已有计划则更新。'),
    'help.plan set year': (
        "the plan's year.",
        '计划年度。'),
    'help.plan set --target': (
        'person-times (人次) to reach.',
        '要达到的人次。'),
    'help.plan set --deadline': (
        'the day the target is due (default: 31 December).',
        '目标的截止日期（默认：12 月 31 日）。'),
    'help.plan show': (
        'Show the plans set, of one year or all.',
        '显示已设定的计划，某一年或全部。'),
    'help.plan show year': (
        'a year (default: every plan).',
        '年度（默认：全部计划）。'),
    'help.session': (
        'Training sessions (培训) and their attendance.',
        '培训及其参训记录。'),
    'help.session list': (
        'List sessions of a period (all dates when no period is given).',
        '列出某期间的培训（未给出期间时列出全部日期）。'),
    'help.session list --voided': (
        'include voided sessions.',
        '包括已作废的培训。'),
    'help.session show': (
        'One session with its attendees.',
        '一次培训及其参训人员。'),
    'help.session show id_or_ref': (
        "the session's ref, or its id.",
        '培训的编号（ref）或序号（id）。'),
    'help.session show --id': (
        "the key is the session's id.",
        '按培训序号（id）查找。'),
    'help.session show --ref': (
        "the key is the session's ref.",
        '按培训编号（ref）查找。'),
    'help.session import file': (
        'a long-format roster, one row per attendance: .csv (UTF-8, GB18030 or UTF-16), .xlsx or .xls.',
        '长格式名册，每条参训记录一行：.csv（UTF-8、GB18030 或 UTF-16）、.xlsx 或 .xls。'),
    'help.session import --replace': (
        'rewrite a stored session whose ref the file gives with another date, track or branch (refused otherwise).',
        '文件中某编号的培训若日期、类别或党支部与已存记录不同，则重写（否则拒绝）。'),
    'help.session void': (
        'Void a session: it is kept, shown as void, and left out of every count.',
        '作废一次培训：记录保留，标为作废，不计入任何统计。'),
    'help.session void --reason': (
        'why it is voided (kept with it).',
        '作废原因（随记录保存）。'),
    'help.study': (
        'Online study hours (网络学习) imported from the platforms.',
        '从各平台导入的网络学习学时。'),
    'help.study add': (
        "Record a cadre's online study hours in a month (replaces what was recorded).",
        '登记一名干部某月的网络学习学时（替换原有记录）。'),
    'help.study add --month': (
        'YYYY-MM (also this, last).',
        'YYYY-MM（也可用 this、last）。'),
    'help.study add --hours': (
        'hours studied in that month.',
        '该月学习的学时。'),
    'help.study import': (
        'Import online study hours; one record per cadre, platform and month; all or nothing.',
        '导入网络学习学时；每名干部每个平台每月一条记录；全部成功或全部不写入。'),
    'help.study import file': (
        "a platform's monthly export: .csv (UTF-8, GB18030 or UTF-16), .xlsx or .xls with 干部编号 (or 身份证号, or 姓名 and 单位), 学时 [, 平台, 月份].",
        '平台的月度导出文件：.csv（UTF-8、GB18030 或 UTF-16）、.xlsx 或 .xls，含 干部编号（或 身份证号，或 姓名 和 单位）、学时 [、平台、月份]。'),
    'help.study import --month': (
        'the month of rows without a 月份 value; rows of another month are errors.',
        '没有“月份”值的行所属的月份；属于其他月份的行视为错误。'),
    'help.study import --platform': (
        'the platform of rows without a 平台 value (default academy).',
        '没有“平台”值的行所属的平台（默认 academy）。'),
    'help.config': (
        'Settings kept in the database (compliance thresholds).',
        '保存在数据库中的设置（学时要求）。'),
    'help.config show': (
        'The settings of this database, with their defaults.',
        '本数据库的设置及其默认值。'),
    'help.config set': (
        'Store a setting in this database (e.g. compliance.min_month 4).',
        '在本数据库中保存一项设置（如 compliance.min_month 4）。'),
    'help.config set key': (
        'compliance.min_month or compliance.min_year.',
        'compliance.min_month 或 compliance.min_year。'),
    'help.config set value': (
        'the new value (hours).',
        '新的值（学时）。'),
    'help.config unset': (
        'Remove a stored setting: its default applies again.',
        '删除已保存的设置：恢复使用默认值。'),
    'help.survey': (
        'The training-needs survey (需求调研): what cadres ask to learn.',
        '培训需求调研：干部希望学习什么。'),
    'help.survey add': (
        'Record one answer of the training-needs survey.',
        '登记一份培训需求调研答复。'),
    'help.survey add --method': (
        'visit, symposium, phone, interview or questionnaire (走访/座谈/电话问询/个别访谈/问卷调查).',
        'visit、symposium、phone、interview、questionnaire 或 走访/座谈/电话问询/个别访谈/问卷调查。'),
    'help.survey add --topic': (
        'a topic asked for (key or zh-CN label); repeat for several; other:TEXT (其他:TEXT) for one of your own.',
        '希望的主题（键或中文标签）；可重复使用本选项；other:TEXT（其他:TEXT）为自定主题。'),
    'help.survey add --cadre': (
        "the answering cadre's code.",
        '答复干部的编号。'),
    'help.survey add --respondent': (
        'who answered, when not one registered cadre (对象).',
        '答复人，若不是一名登记在册的干部（对象）。'),
    'help.survey add --tier': (
        'the class tier asked for: thematic/key/regular or 专题班/重点班/常规班.',
        '希望的班次：thematic/key/regular 或 专题班/重点班/常规班。'),
    'help.survey add --note': (
        '备注: what else was said.',
        '备注：其他意见。'),
    'help.survey add --again': (
        'record it although an identical answer is stored.',
        '即使已存有相同的答复也照样登记。'),
    'help.survey import': (
        'Import survey answers (日期, 方式, 主题, 班次, 干部编号, 对象, 备注); safe to run again.',
        '导入调研答复（日期、方式、主题、班次、干部编号、对象、备注）；可重复导入。'),
    'help.survey list': (
        'List survey answers of a period (all dates when no period is given).',
        '列出某期间的调研答复（未给出期间时列出全部日期）。'),
    'help.survey list --topic': (
        'only answers asking for this topic (key or zh-CN label).',
        '只列希望此主题的答复（键或中文标签）。'),
    'help.survey list --cadre': (
        "only this cadre's answers.",
        '只列此干部的答复。'),
    'help.survey report': (
        'Topics asked for, ranked, beside the special classes held on each (demand vs supply).',
        '希望的主题排名，并列出各主题已举办的专题培训（需求与供给）。'),
    "help.--help": ("Show this message and exit.", "显示本帮助后退出。"),
    # Click's usage errors: (a pattern of the English message, its zh-CN; trainlog.cli.words)
    "usage.no_such_option": (r"No such option: (\S+)", r"没有此选项：\1"),
    "usage.did_you_mean": (r"Did you mean (\S+)\?", r"是否要用 \1？"),
    "usage.possible": (r"\(Possible options: (.*)\)", r"（可用的选项：\1）"),
    "usage.missing_option": (r"Missing option (.*)\.", r"缺少选项 \1。"),
    "usage.missing_argument": (r"Missing argument (.*)\.", r"缺少参数 \1。"),
    "usage.invalid_value": (r"Invalid value for (.*?): ", r"\1 的值无效："),
    "usage.not_one_of": (r"(\S+) is not one of (.*)\.", r"\1 不是以下之一：\2。"),
    "usage.not_integer": (r"(\S+) is not a valid integer\.", r"\1 不是有效的整数。"),
    "usage.not_float": (r"(\S+) is not a valid float\.", r"\1 不是有效的数字。"),
    "usage.range": (r"(\S+) is not in the range (.*)\.", r"\1 不在 \2 的范围内。"),
    "usage.extra": (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", r"多余的参数（\1）"),
    "usage.not_int_range": (r"(\S+) is not a valid int range\.", r"\1 不是有效的整数。"),
    "usage.no_such_command": (r"No such command (.*)\.", r"没有此命令 \1。"),
    "usage.requires": (r"Option (.*) requires an argument\.", r"选项 \1 需要一个值。"),
    "usage.requires_n": (r"Option (.*) requires (\d+) arguments\.", r"选项 \1 需要 \2 个值。"),
    # Typer's own words (trainlog.cli.words.TYPER_WORDS)
    "typer.arguments": ("Arguments", "参数"),
    "typer.options": ("Options", "选项"),
    "typer.commands": ("Commands", "命令"),
    "typer.error": ("Error", "错误"),
    "typer.default": ("[default: {}]", "[默认：{}]"),
    "typer.required": ("[required]", "[必填]"),
    "typer.aborted": ("Aborted.", "已中止。"),
    "typer.try_help": ("Try [blue]'{command_path} {help_option}'[/] for help.",
                       "查看帮助：[blue]'{command_path} {help_option}'[/]"),
    'help.cadre add --id-number': (
        '身份证号: 18 characters with a right check digit, unique in the office; shown masked.',
        '身份证号：18 位，校验码正确，在本单位内唯一；显示时隐去中间数字。'),
    'help.cadre edit --id-number': (
        "new 身份证号 (shown masked); '' clears it.",
        "新的身份证号（显示时隐去中间数字）；'' 为清除。"),
    'help.add-session --ignore': (
        'leave this column of the attendees file out (repeatable).',
        '忽略参训人员文件的这一列（可重复）。'),
    'help.add-session --ignore-extra': (
        'leave every unknown column of the attendees file out.',
        '忽略参训人员文件中所有不认识的列。'),
}
WORDS.update(HELP)

#: The language `say` speaks: the run's (`trainlog.cli.common.State` sets it), English otherwise.
_LANG = ["en"]


def set_lang(lang: str) -> None:
    """The language of the messages `say` gives from now on ("zh" or "en"), and of the problems
    and inputs trainlog.errors words."""
    _LANG[0] = "zh" if lang == "zh" else "en"
    for key in FRAME:  # templates: filled in by trainlog.errors
        FRAME[key] = WORDS[f"frame.{key}"][1 if _LANG[0] == "zh" else 0]


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

_BOOL_TRUE = {"1", "true", "yes", "y", "是", "t", "√", "✓", "✔", "有"}
_BOOL_FALSE = {"0", "false", "no", "n", "否", "f", "", "×", "✗", "✘", "无"}


def parse_choice(value: str, choices: dict[str, str], field: str) -> str:
    """Return the key for `value`, given as a key or its zh-CN label (case-insensitive keys)."""
    text = value.strip()
    if text.lower() in choices:
        return text.lower()
    for key, label in choices.items():
        if text == label:
            return key
    allowed = ", ".join(f"{k} ({v})" for k, v in choices.items())
    raise FieldError(field, say("msg.not_one_of", value=repr(value), allowed=allowed))


def parse_bool(value: str, field: str) -> bool:
    """Parse 1/0, true/false, yes/no, Y/N, 是/否, √/× (✓/✗) or 有/无."""
    text = "".join(value.split()).lower()
    if text in _BOOL_TRUE:
        return True
    if text in _BOOL_FALSE:
        return False
    raise FieldError(field, say("msg.not_bool", value=repr(value)))


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
    "rank": RANKS,
    "status": STATUSES,
}


def label(key: str | None, lang: str, field: str | None = None) -> str:
    """The zh-CN label of a key when `lang` is zh, else the key; `field` says whose value it is."""
    if key is None:
        return ""
    if lang != "zh":
        return key
    if field in FIELD_CHOICES:
        return FIELD_CHOICES[field].get(key, key)
    for table in (_PLAIN_ZH, TRACKS, ALL_KINDS, TOPICS, LEVELS, METHODS, AUDIENCES, RANKS):
        if key in table:
            return table[key]
    return key
