"""`trainlog template KIND FILE`: an empty import file with the right headers.

An .xlsx template has the data sheet first (so it imports as it is, without --sheet), drop-down
lists on the choice and yes/no columns (data validation: the lists are on a hidden sheet), and a
sheet that explains each column. A .csv one is the header row (UTF-8 with a BOM, for Excel).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from trainlog.errors import TrainlogError
from trainlog.files import tables
from trainlog.vocab import FIELD_CHOICES, say, word

#: The other ways a session or study file may name a cadre: a template names them by code.
_BY_PERSON = ("name", "unit", "id_number")
#: KIND -> (the columns of its file, the required ones, the context of its words)
KINDS: dict[str, tuple[dict[str, str], set[str], str | None]] = {
    "branches": (tables.BRANCH_COLUMNS, {"code", "name"}, None),
    "cadres": (tables.CADRE_COLUMNS, {"code", "name"}, "cadre"),
    "sessions": ({k: v for k, v in tables.SESSION_COLUMNS.items() if k not in _BY_PERSON},
                 {"ref", "date", "track", "title"}, "cadre"),
    "study": ({k: v for k, v in tables.STUDY_COLUMNS.items() if k not in _BY_PERSON},
              {"cadre", "hours"}, "cadre"),
    "survey": (tables.SURVEY_COLUMNS, {"date", "method", "topic"}, None),
}
YES_NO = ("top_leader", "poverty_cadre", "party_member")
#: What each column holds: (en, zh).
HELP: dict[str, tuple[str, str]] = {
    "code": ("the code, unique (full-width letters are read as half-width)", "编号，唯一"),
    "name": ("the name", "名称或姓名"),
    "township": ("the township or street", "所属乡镇（街道）"),
    "unit": ("the unit the cadre works in", "工作单位"),
    "level": ("district, township or village level", "区级、乡级或村级"),
    "rank": ("county, section, staff or village (the hours a cadre owes)",
             "县处级以上、乡科级、科员及以下或村（社区）干部（决定应修学时）"),
    "branch": ("the party branch's code", "党支部编号"),
    "top_leader": ("head of a unit: yes or no (√/×)", "是否一把手：是/否（√/×）"),
    "poverty_cadre": ("works on poverty alleviation: yes or no", "是否扶贫干部：是/否"),
    "party_member": ("party member: yes or no (yes when empty)", "是否党员：是/否（空为是）"),
    "registered_on": ("date of registration at the online academy (2020-04-03)",
                      "网络学院注册日期（如 2020-04-03）"),
    "ref": ("the session's ref: the rows of one session share it", "培训编号：同一次培训各行相同"),
    "date": ("the date (2020-04-03, 2020/4/3 or 2020年4月3日)",
             "日期（2020-04-03、2020/4/3 或 2020年4月3日）"),
    "track": ("policy, video or special", "政策培训、视频培训或专题培训"),
    "kind": ("the kind, one of the track's", "形式，须属于所选类别"),
    "topic": ("the topic (survey: several, separated by ；)", "主题（需求调研可填多个，用；分隔）"),
    "title": ("the session's title", "培训名称"),
    "hours": ("hours, a number", "学时，数字"),
    "days": ("days of training, credited as days × credit.hours_per_day hours when hours is empty",
             "培训天数，学时为空时按 天数 × credit.hours_per_day 折算学时"),
    "cadre": ("the cadre's code (or give 姓名 and 单位 columns instead)",
              "干部编号（也可改用 姓名、单位 两列）"),
    "headcount": ("attendees counted but not named", "未具名的参训人数"),
    "platform": ("the platform (academy when empty)", "学习平台（空为干部网络学院）"),
    "month": ("the month (2020-03), or give --month", "月份（如 2020-03），也可用 --month 指定"),
    "method": ("how the answer was collected", "调研方式"),
    "tier": ("the class tier asked for", "希望的班次"),
    "respondent": ("who answered, when not a cadre in the registry", "调研对象（非在册干部时填写）"),
    "note": ("a note", "备注"),
    "id_number": ("the resident identity number (18 characters, unique; shown masked)",
                  "身份证号（18 位，唯一；显示时隐去中间数字）"),
}


def choices(key: str, lang: str) -> list[str] | None:
    """The values a drop-down offers for a column, in the language; None for a free column."""
    if key in YES_NO:
        return ["是", "否"] if lang == "zh" else ["yes", "no"]
    options = FIELD_CHOICES.get(key)
    if options is None:
        return None
    return list(options.values()) if lang == "zh" else list(options)


def write_template(kind: str, path: str | Path, lang: str = "en") -> dict[str, Any]:
    """Write the template of `kind` to `path` (.xlsx or .csv); what was written."""
    if kind not in KINDS:
        raise TrainlogError(say("msg.template_kind", kind=repr(kind), kinds=say("msg.list_join").join(KINDS)))
    spec, required, of = KINDS[kind]
    path = Path(path)
    keys = list(spec)
    headers = [spec[k] if lang == "zh" else k for k in keys]
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f, lineterminator="\r\n").writerow(headers)
        elif suffix == ".xlsx":
            _xlsx(path, keys, headers, required, of, lang)
        else:
            raise TrainlogError(say("msg.template_suffix", name=path.name))
    except OSError as exc:
        raise TrainlogError(say("msg.template_write", path=path,
                                reason=exc.strerror or exc)) from None
    return {"kind": kind, "file": str(path), "columns": headers}


def _xlsx(path: Path, keys: list[str], headers: list[str], required: set[str], of: str | None,
          lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    zh = lang == "zh"
    wb = Workbook()
    ws = wb.active
    ws.title = "数据" if zh else "data"
    ws.append(headers)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFDDEBF7")
    for i, key in enumerate(keys, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if key in required:
            cell.fill = fill
        ws.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(headers[i - 1]) + 2)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填表说明" if zh else "instructions")
    notes.append(["列名" if zh else "column", "必填" if zh else "required",
                  "说明" if zh else "what it holds", "可选值" if zh else "values"])
    for c in notes[1]:
        c.font = bold
    lists = wb.create_sheet("选项" if zh else "lists")
    lists.sheet_state = "hidden"
    column = 0
    for i, key in enumerate(keys, 1):
        values = choices(key, lang)
        en, cn = HELP.get(key, (word(key, "en", of), word(key, "zh", of)))
        notes.append([headers[i - 1], ("是" if zh else "yes") if key in required else "",
                      cn if zh else en, "、".join(values) if values and zh else
                      ", ".join(values) if values else ""])
        if not values:
            continue
        column += 1
        letter = get_column_letter(column)
        lists.cell(row=1, column=column, value=headers[i - 1])
        for r, v in enumerate(values, 2):
            lists.cell(row=r, column=column, value=v)
        dv = DataValidation(type="list", allow_blank=True,
                            formula1=f"='{lists.title}'!${letter}$2:${letter}${len(values) + 1}")
        if key == "topic":  # several topics may be typed in one cell: a warning, not a refusal
            dv.errorStyle = "warning"
        dv.error = ("请从下拉列表中选择" if zh else "pick a value from the list")
        dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}10000")
        ws.add_data_validation(dv)
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 50
    notes.column_dimensions["D"].width = 40
    wb.save(path)
