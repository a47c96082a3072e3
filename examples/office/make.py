"""Write the example files of README "Import files": files made the way township offices and
platforms make them (title rows, 序号, √, 合计, serial dates, full-width codes, .xls, UTF-16...).

    python examples/office/make.py      # rewrites the files beside this script

The files are committed; this script says how they were made (openpyxl and xlwt).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def roster() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["城关镇2020年干部花名册"])
    ws.merge_cells("A1:M1")
    ws.append(["序号", "编号", "姓  名", "性别", "出生年月", "单位", "职务", "党支部", "一把手",
               "党员", "网络学院注册日期", "联系电话", "身份证号"])
    rows = [  # the id numbers (身份证号) are made up, with right GB 11643 check digits
        ["Ｇ０００１", "张 三", "男", "1980.01", "城关镇政府", "镇长", "Ｂ００１", "√", "√", 43924,
         "４１１１０２１９８００１０１１０１１"],
        ["G0002", "李四", "女", "1985.05", "城关镇政府", "干事", "B001", "", "×", "2020-04-03",
         "411102198505052028"],
        ["G0003", "王芳", "女", "1990.07", "城关镇政府", "干事", "B001", "", "√", None,
         "411102199007073031"],
        ["G0004", "王芳", "女", "1988.02", "东城村", "支书", "B001", "✓", "√", None,
         "411102198802014044"],
        ["G0005", "赵六", "男", "1979.12", "东城村", "主任", "B009", "", "√", None, ""],
        ["G0006", "", "男", "1992.03", "东城村", "文书", "B001", "", "有", None, ""],
    ]
    for i, row in enumerate(rows, 1):
        ws.append([i, *row[:9], row[9], "", row[10]])
    ws.append(["合计", None, "共6人"])
    wb.save(HERE / "花名册.xlsx")


def old_workbook() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    notes = book.add_sheet("填表说明")
    notes.write(0, 0, "填表说明：编号为干部编号；日期写作 2020-01-01")
    sheet = book.add_sheet("花名册")
    for i, h in enumerate(["编号", "姓名", "单位", "党支部", "网络学院注册日期"]):
        sheet.write(0, i, h)
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, (code, name, unit, serial) in enumerate(
            [("G0101", "孙七", "区委组织部", 43832), ("G0102", "周八", "区委组织部", 43833)], 1):
        for c, v in enumerate((code, name, unit, "B001")):
            sheet.write(r, c, v)
        sheet.write(r, 4, serial, dated)
    book.save(str(HERE / "组织部.xls"))


def unicode_text() -> None:
    (HERE / "东城村.txt").write_text("编号\t姓名\t单位\t党支部\r\nG0201\t吴九\t东城村\tB001\r\n",
                                    encoding="utf-16")


def platform_export() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["干部网络学院2020年3月学习情况统计表"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "姓名", "身份证号", "手机号", "单位", "本月学时", "累计学时"])
    rows = [["张三", "411102198001011011", "13800000001", "城关镇政府", 6.5, 20],
            ["李四", "411102198505052028", "13800000002", "城关镇政府", 4, 12],
            ["王芳", "411102198802014044", "13800000003", "东城村", 5, 15],
            ["吴九", "411102199111115051", "13800000004", "东城村", 3, 3]]
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    ws.append(["合计", None, None, None, None, 18.5, 50])
    wb.save(HERE / "网络学院2020年3月.xlsx")


def sign_in() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "单位", "签到"])
    for row in [["张三", "城关镇政府", "√"], ["王芳", "城关镇政府", "王芳"],
                ["王芳", "东城村", ""], ["李四", "城关镇政府", "√"]]:
        ws.append(row)
    wb.save(HERE / "签到表.xlsx")


def wrong_dimension() -> None:
    """A workbook whose stored <dimension> says A1:C2 though it holds four rows."""
    from openpyxl import Workbook

    path = HERE / "尺寸有误.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "单位"])
    for code, name in [("G0301", "郑十"), ("G0302", "冯一"), ("G0303", "陈二")]:
        ws.append([code, name, "区委"])
    wb.save(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C2"', data)
            dst.writestr(item, data)
    tmp.replace(path)


if __name__ == "__main__":
    roster()
    old_workbook()
    unicode_text()
    platform_export()
    sign_in()
    wrong_dimension()
    print(f"wrote the example files in {HERE}")
