"""The files offices hand in, built the way township offices and platforms make them, imported as
a user runs trainlog (issue 19; DESIGN.md, "Reading the files offices hand in")."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from trainlog.errors import FieldError, InvalidInput
from trainlog.files import people
from trainlog.files import tables as imp
from trainlog.registry import add_branch, add_cadre
from trainlog.store.database import Database
from trainlog.vocab import parse_bool

ROSTER_HEADER = ["序号", "编号", "姓  名", "性别", "出生年月", "单位", "职务", "党支部", "一把手",
                 "党员", "网络学院注册日期", "联系电话", "身份证号"]


def roster_xlsx(path: Path, extra_rows: list[list[Any]] | None = None) -> Path:
    """A 花名册 as a township office makes one: a merged title row above the header, 序号 and
    columns trainlog does not keep, a header spaced the Chinese way, full-width codes, √ and ×,
    a registration date typed as a number (an Excel serial), and a 合计 row at the end."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["召陵区2020年干部花名册"])
    ws.merge_cells("A1:M1")
    ws.append(ROSTER_HEADER)
    ws.append([1, "Ｇ０００１", "张 三", "男", "1980.01", "城关镇政府", "镇长", "Ｂ００１", "√", "√",
               43924, "13800000000", "411102198001011011"])
    ws.append([2, "G0002", "李四", "女", "1985.05", "城关镇政府", "干事", "B001", "", "×",
               "2020-04-03", "", ""])
    ws.append([3, "G0003", "王五", "男", "1979.12", "东城乡政府", "乡长", "B001", "✓", "有",
               None, "", ""])
    for row in extra_rows or []:
        ws.append(row)
    ws.append(["合计", None, "共3人"])
    wb.save(path)
    return path


@pytest.fixture
def branch(db: Database) -> Database:
    with db.connect(write=True) as c:
        add_branch(c, "B001", "城关镇党支部", "城关镇")
    return db


@pytest.fixture
def registry(branch: Database) -> Database:
    """Cadres as the Zhaoling register has them: two 张伟 in different units."""
    with branch.connect(write=True) as c:
        for code, name, unit in [("G0001", "张伟", "城关镇政府"), ("G0002", "张伟", "区委组织部"),
                                 ("G0003", "王芳", "城关镇政府"), ("G0004", "李强", "东城乡政府"),
                                 ("G0005", "李强", "东城乡政府")]:
            add_cadre(c, code, name, unit=unit, branch="B001", registered_on="2019-01-01")
    return branch


def cadre(cli, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = cli("cadre", "show", code, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def cadre_codes(cli) -> list[str]:  # type: ignore[no-untyped-def]
    result = cli("cadre", "list", "--all", "--format", "json")
    return [r["code"] for r in json.loads(result.stdout)]


class TestRoster:
    def test_unknown_columns_are_one_problem_on_the_header_row(self, cli, branch,
                                                               tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        err = result.stderr
        assert "1 problem(s), nothing written" in err
        # 身份证号 is a cadre's column (id_number)
        assert "row 2, column 序号, 性别, 出生年月, 职务, 联系电话: unknown columns" in err
        assert err.count("code/编号") == 1  # the known columns, listed once
        assert "--ignore-extra" in err
        assert cadre_codes(cli) == []

    def test_loads_with_ignore_extra(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        result = cli("cadre", "import", path, "--ignore-extra")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (
            "cadres: imported 3 rows: 3 created, 0 updated, 0 unchanged\n"
            "left out: column(s) 序号, 性别, 出生年月, 职务, 联系电话\n"
            "skipped 1 total row(s) (合计/总计/小计)\n")
        assert cadre_codes(cli) == ["G0001", "G0002", "G0003"]  # Ｇ０００１ is G0001
        g1 = cadre(cli, "G0001")
        assert (g1["branch"], g1["top_leader"], g1["party_member"], g1["registered_on"]) == (
            "B001", True, True, "2020-04-03")  # Ｂ００１, √, √, the serial 43924
        g2, g3 = cadre(cli, "G0002"), cadre(cli, "G0003")
        assert (g2["party_member"], g2["registered_on"]) == (False, "2020-04-03")
        assert (g3["top_leader"], g3["party_member"]) == (True, True)  # ✓, 有
        assert (g1["id_number"], g2["id_number"]) == ("411102********1011", None)  # masked

    def test_ignore_named_columns_and_the_json_summary(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        extra = ["序号", "性别", "出生年月", "职务", "联系电话", "身份证号"]
        args = [a for c in extra for a in ("--ignore", c)]
        result = cli("cadre", "import", path, *args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["columns_left_out"] == extra and data["total_rows_skipped"] == 1
        assert data["created"] == 3

    def test_ignore_of_a_column_not_there(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        result = cli("cadre", "import", path, "--ignore-extra", "--ignore", "籍贯")
        assert result.exit_code == 1
        assert "column 籍贯: --ignore: the header has no such column" in result.stderr

    def test_header_row_option(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        assert cli("cadre", "import", path, "--ignore-extra", "--header-row", "2").exit_code == 0
        result = cli("cadre", "import", path, "--ignore-extra", "--header-row", "1")
        assert result.exit_code == 1
        assert "row 1, column code/编号: required column missing" in result.stderr

    def test_a_header_not_found_says_which_row_looks_like_one(self, tmp_path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["召陵区干部名单"])
        ws.append(["工号", "名字", "部门"])
        ws.append(["G1", "张三", "区委"])
        wb.save(tmp_path / "名单.xlsx")
        with pytest.raises(InvalidInput) as info:
            imp.open_table(tmp_path / "名单.xlsx", imp.CADRE_COLUMNS, {"code", "name"})
        text = str(info.value)
        assert "no header row in rows 1-3" in text
        assert "row 2 looks like one (工号, 名字, 部门)" in text
        assert "--header-row 2" in text and "--map" in text

    def test_map_reads_a_header_as_a_key(self, cli, branch, tmp_path: Path, write_csv) -> None:
        path = write_csv(tmp_path / "c.csv", ["工号", "姓名"], [["G9", "张三"]])
        result = cli("cadre", "import", path, "--map", "工号=code")
        assert result.exit_code == 0, result.stderr
        assert cadre_codes(cli) == ["G9"]
        bad = cli("cadre", "import", path, "--map", "工号=工资")
        assert bad.exit_code == 1 and "--map: '工资' is not a column of this file" in bad.stderr
        assert "is not HEADER=KEY" in cli("cadre", "import", path, "--map", "工号").stderr

    def test_wrong_stored_dimension_loses_no_row(self, cli, branch, tmp_path: Path,
                                                 write_xlsx) -> None:
        """openpyxl's read-only mode stops at the sheet's stored <dimension>: a writer that
        leaves it too small must not make rows vanish."""
        path = write_xlsx(tmp_path / "c.xlsx", ["编号", "姓名", "单位"],
                          [[f"G{i}", f"人{i}", "区委"] for i in range(1, 6)])
        shrink_dimension(path, "A1:B2")
        result = cli("cadre", "import", path)
        assert result.exit_code == 0, result.stderr
        assert cadre_codes(cli) == [f"G{i}" for i in range(1, 6)]
        assert cadre(cli, "G5")["unit"] == "区委"  # the column past the dimension too

    def test_rejects(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx", extra_rows=[
            [4, "G0004", "赵六", "男", "", "区委", "", "B999", "", "", "", "", ""],
            [5, "G0005", "", "男", "", "区委", "", "", "也许", "", "", "", ""],
        ])
        refused = cli("cadre", "import", path, "--ignore-extra")
        assert refused.exit_code == 1 and cadre_codes(cli) == []
        rejects = tmp_path / "rejects.csv"
        result = cli("cadre", "import", path, "--ignore-extra", "--rejects", rejects)
        assert result.exit_code == 4, result.stderr
        assert "rejected 2 row(s), written to" in result.stdout
        assert "imported 3 rows: 3 created" in result.stdout
        assert cadre_codes(cli) == ["G0001", "G0002", "G0003"]
        assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(rejects.open(encoding="utf-8-sig")))
        assert rows[0] == [*ROSTER_HEADER, "problem"]
        assert [r[1] for r in rows[1:]] == ["G0004", "G0005"]
        assert rows[1][-1] == "branch 'B999': no such branch"
        assert "name: is required" in rows[2][-1] and "'也许' is not a yes/no" in rows[2][-1]
        # every row good: exit 0, a rejects file with only the header
        again = cli("cadre", "import", roster_xlsx(tmp_path / "ok.xlsx"), "--ignore-extra",
                    "--rejects", rejects)
        assert again.exit_code == 0, again.stderr
        assert list(csv.reader(rejects.open(encoding="utf-8-sig"))) == [
            [*ROSTER_HEADER, "problem"]]

    def test_rejects_does_not_take_a_bad_header(self, cli, branch, tmp_path: Path) -> None:
        path = roster_xlsx(tmp_path / "花名册.xlsx")
        result = cli("cadre", "import", path, "--rejects", tmp_path / "r.csv")
        assert result.exit_code == 1 and "unknown columns" in result.stderr
        assert not (tmp_path / "r.csv").exists()


def shrink_dimension(path: Path, ref: str) -> None:
    """Rewrite the stored <dimension> of the workbook's first sheet, as a careless writer does."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if "<dimension" in text:
                    text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', text)
                else:
                    text = text.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
                data = text.encode()
            dst.writestr(item, data)
    tmp.replace(path)
    with zipfile.ZipFile(path) as z:
        assert f'<dimension ref="{ref}"' in z.read("xl/worksheets/sheet1.xml").decode()


class TestOtherFormats:
    def xls(self, path: Path) -> Path:
        """An Excel 97-2003 workbook whose first sheet is 填表说明, the data on the second, with
        a date cell and a date typed as a number."""
        xlwt = pytest.importorskip("xlwt")
        book = xlwt.Workbook(encoding="utf-8")
        notes = book.add_sheet("填表说明")
        notes.write(0, 0, "填表说明：编号为干部编号，日期格式为2020-01-01")
        sheet = book.add_sheet("花名册")
        for i, h in enumerate(["编号", "姓名", "单位", "网络学院注册日期"]):
            sheet.write(0, i, h)
        dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        sheet.write(1, 0, "G0001")
        sheet.write(1, 1, "张三")
        sheet.write(1, 2, "区委")
        sheet.write(1, 3, 43924, dated)
        sheet.write(2, 0, "Ｇ０００２")
        sheet.write(2, 1, "李四")
        sheet.write(2, 3, 43925.0)  # a plain number in a date column
        book.save(str(path))
        return path

    def test_xls_with_an_instructions_sheet_first(self, cli, db, tmp_path: Path) -> None:
        path = self.xls(tmp_path / "花名册.xls")
        first = cli("cadre", "import", path)
        assert first.exit_code == 1
        assert "the workbook's sheets are 填表说明, 花名册 (pick one with --sheet)" in first.stderr
        for sheet in ("花名册", "2"):
            result = cli("cadre", "import", path, "--sheet", sheet)
            assert result.exit_code == 0, result.stderr
        assert cadre_codes(cli) == ["G0001", "G0002"]
        assert cadre(cli, "G0001")["registered_on"] == "2020-04-03"
        assert cadre(cli, "G0002")["registered_on"] == "2020-04-04"
        bad = cli("cadre", "import", path, "--sheet", "名单")
        assert bad.exit_code == 1
        assert "has no sheet '名单'; its sheets are 1 填表说明, 2 花名册" in bad.stderr

    def test_sheet_of_an_xlsx(self, cli, db, tmp_path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.title = "填表说明"
        wb.active.append(["请填写编号、姓名"])
        ws = wb.create_sheet("花名册")
        ws.append(["编号", "姓名"])
        ws.append(["G1", "张三"])
        wb.save(tmp_path / "c.xlsx")
        assert cli("cadre", "import", tmp_path / "c.xlsx", "--sheet", "花名册").exit_code == 0
        assert cadre_codes(cli) == ["G1"]

    def test_utf16_unicode_text(self, cli, db, tmp_path: Path) -> None:
        """Excel's "Unicode text": UTF-16 with a BOM, tab-separated."""
        path = tmp_path / "花名册.txt"
        path.write_text("编号\t姓名\t单位\r\nG0001\t张三\t区委, 组织部\r\n", encoding="utf-16")
        assert imp.detect_encoding(path) == "utf-16"
        result = cli("cadre", "import", path)
        assert result.exit_code == 0, result.stderr
        assert cadre(cli, "G0001")["unit"] == "区委, 组织部"
        # the encoding named by the user reads the same
        assert cli("cadre", "import", path, "--encoding", "utf-16").exit_code == 0

    def test_tab_separated_text_named_xls(self, cli, db, tmp_path: Path) -> None:
        """Platforms export tab-separated text with an .xls name."""
        path = tmp_path / "export.xls"
        path.write_text("编号\t姓名\nG0001\t张三\n", encoding="gb18030")
        result = cli("cadre", "import", path)
        assert result.exit_code == 0, result.stderr
        assert cadre_codes(cli) == ["G0001"]

    def test_a_workbook_that_would_unzip_too_big_is_refused(self, cli, db, tmp_path: Path,
                                                            write_xlsx, monkeypatch) -> None:
        path = write_xlsx(tmp_path / "c.xlsx", ["编号", "姓名"], [["G1", "张三"]])
        size = sum(m.file_size for m in zipfile.ZipFile(path).infolist())
        monkeypatch.setattr(imp, "MAX_UNZIPPED", size - 1)
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        assert "would unzip to" in result.stderr and "save it as CSV" in result.stderr

    def test_shared_strings_past_the_limit_refused_before_reading(self, tmp_path: Path) -> None:
        """A zip bomb: a few hundred KB that declare 65 MB of shared strings."""
        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/sharedStrings.xml", b" " * (imp.MAX_SHARED_STRINGS + 1))
        assert path.stat().st_size < 1 << 20
        with pytest.raises(imp.TrainlogError, match="text table would unzip to 64 MB"):
            imp.open_table(path, imp.CADRE_COLUMNS, {"code"})


class TestCodes:
    def test_full_width_codes_in_options(self, cli, db) -> None:
        assert cli("cadre", "add", "G0190", "张三").exit_code == 0
        twice = cli("cadre", "add", "Ｇ０１９０", "张三")
        assert twice.exit_code == 1 and "cadre G0190 exists already" in twice.stderr
        assert cadre(cli, "Ｇ０１９０")["code"] == "G0190"
        assert cli("cadre", "add", "Ｇ０１９１", "李四").exit_code == 0
        assert cadre_codes(cli) == ["G0190", "G0191"]
        assert cli("cadre", "edit", "Ｇ０１９１", "--unit", "区委").exit_code == 0

    def test_full_width_codes_in_a_session_file(self, cli, registry, tmp_path: Path,
                                                write_csv) -> None:
        path = write_csv(tmp_path / "s.csv", ["培训编号", "日期", "类别", "培训名称", "学时", "干部编号"],
                         [["ＺＬ－０１", "2020-04-01", "政策培训", "学习会", "2", "Ｇ０００１"]])
        result = cli("session", "import", path)
        assert result.exit_code == 0, result.stderr
        shown = json.loads(cli("session", "show", "ZL-01", "--format", "json").stdout)
        assert [a["cadre"] for a in shown["attendees"]] == ["G0001"]

    def test_cadre_list_by_name(self, cli, registry) -> None:
        result = cli("cadre", "list", "--name", "张 伟", "--format", "json")
        assert [r["code"] for r in json.loads(result.stdout)] == ["G0001", "G0002"]
        result = cli("cadre", "list", "--name", "芳", "--format", "json")
        assert [r["code"] for r in json.loads(result.stdout)] == ["G0003"]


def platform_export(path: Path, rows: list[list[Any]]) -> Path:
    """The online academy's monthly export: a title row; 序号, 姓名, 身份证号, 手机号, 单位,
    本月学时, 累计学时; a 合计 row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["干部网络学院2020年3月学习情况统计表"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "姓名", "身份证号", "手机号", "单位", "本月学时", "累计学时"])
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    ws.append(["合计", None, None, None, None, sum(r[4] for r in rows), None])
    wb.save(path)
    return path


class TestNamedByNameAndUnit:
    MAP = ["--map", "本月学时=hours", "--ignore-extra", "--month", "2020-03"]

    def test_platform_export(self, cli, registry, tmp_path: Path) -> None:
        """The first row by its 身份证号 (G0001 has it), the others by name and unit."""
        assert cli("cadre", "edit", "G0001", "--id-number", "11010519491231002X").exit_code == 0
        path = platform_export(tmp_path / "export.xlsx", [
            ["张伟", "11010519491231002x", "13800000001", "城关镇政府", 6.5, 20],
            ["张 伟", "", "", "区委组织部", 3, 9],
            ["王芳", "", "", " 城关镇政府 ", 4, 12],
        ])
        result = cli("study", "import", path, *self.MAP)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (
            "online study: imported 3 rows (2020-03): 3 created, 0 updated, 0 unchanged\n"
            "left out: column(s) 序号, 手机号, 累计学时\n"
            "skipped 1 total row(s) (合计/总计/小计)\n")
        hours = {c: cadre(cli, c)["study"] for c in ("G0001", "G0002", "G0003")}
        assert hours == {"G0001": [{"month": "2020-03", "platform": "academy", "hours": 6.5}],
                         "G0002": [{"month": "2020-03", "platform": "academy", "hours": 3.0}],
                         "G0003": [{"month": "2020-03", "platform": "academy", "hours": 4.0}]}

    def test_unknown_and_ambiguous_cadres_name_the_candidates(self, cli, registry,
                                                              tmp_path: Path) -> None:
        path = platform_export(tmp_path / "export.xlsx", [
            ["张伟", "", "", "东城乡政府", 1, 1],
            ["李强", "", "", "东城乡政府", 1, 1],
            ["陈静", "", "", "区委", 1, 1],
            ["王芳", "", "", "", 1, 1],
        ])
        result = cli("study", "import", path, *self.MAP)
        assert result.exit_code == 1
        err = result.stderr
        assert ("row 3, column name, value '张伟': no cadre 张伟 of 东城乡政府; cadres named 张伟: "
                "G0001 (城关镇政府), G0002 (区委组织部)") in err
        assert "row 4, column name, value '李强': 2 cadres are 李强 of 东城乡政府: G0004, G0005; " \
               "give the cadre's code (干部编号)" in err
        assert "row 5, column name, value '陈静': no cadre 陈静 of 区委; no cadre has this name" in err
        assert "row 6, column unit: is required to find 王芳 by name" in err
        assert "110105" not in err  # no id number in a message

    def test_the_good_rows_load_with_rejects(self, cli, registry, tmp_path: Path) -> None:
        """One new hire missing from the registry does not block the month."""
        path = platform_export(tmp_path / "export.xlsx", [
            ["张伟", "", "", "城关镇政府", 6.5, 20],
            ["新人", "", "", "城关镇政府", 2, 2],
        ])
        result = cli("study", "import", path, *self.MAP, "--rejects", tmp_path / "r.csv")
        assert result.exit_code == 4, result.stderr
        assert "imported 1 rows (2020-03): 1 created" in result.stdout
        rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
        assert rows[1][:2] == ["2", "新人"] and "no cadre 新人 of 城关镇政府" in rows[1][-1]

    def test_session_file_with_names(self, cli, registry, tmp_path: Path, write_xlsx) -> None:
        path = write_xlsx(tmp_path / "s.xlsx",
                          ["培训编号", "日期", "类别", "培训名称", "学时", "姓名", "单位"],
                          [["ZL-01", "2020.4.1", "政策培训", "学习会", 2, "张伟", "区委组织部"],
                           ["ZL-01", "2020.4.1", "政策培训", "学习会", 2, "王 芳", "城关镇政府"],
                           ["ZL-01", "2020.4.1", "政策培训", "学习会", 2, "李强", "东城乡政府"]])
        result = cli("session", "import", path)
        assert result.exit_code == 1
        assert "row 4, column name, value '李强': 2 cadres are 李强 of 东城乡政府" in result.stderr
        result = cli("session", "import", path, "--rejects", tmp_path / "r.csv")
        assert result.exit_code == 4
        shown = json.loads(cli("session", "show", "ZL-01", "--format", "json").stdout)
        assert sorted(a["cadre"] for a in shown["attendees"]) == ["G0002", "G0003"]

    def sign_in_sheet(self, path: Path, title: bool) -> Path:
        """A class sign-in sheet: 姓名, 单位, 签到 (√, a signature, or empty or × for someone who
        did not come); as printed, with a title row and 序号."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        if title:
            ws.append(["乡村振兴专题培训班签到表"])
        extra = ["序号"] if title else []
        ws.append([*extra, "姓名", "单位", "签到"])
        for i, row in enumerate([["张伟", "城关镇政府", "√"], ["王 芳", "城关镇政府", "王芳"],
                                 ["张伟", "区委组织部", None], ["李强", "东城乡政府", "×"]], 1):
            ws.append([i, *row] if title else row)
        wb.save(path)
        return path

    def add_session(self, cli, path: Path):  # type: ignore[no-untyped-def]
        return cli("add-session", "--date", "2020-04-20", "--track", "special", "--title",
                   "乡村振兴专题培训班", "--hours", "4", "--ref", "ZL-SIGN",
                   "--attendees-file", path)

    def test_sign_in_sheet_as_attendees_file(self, cli, registry, tmp_path: Path) -> None:
        result = self.add_session(cli, self.sign_in_sheet(tmp_path / "签到表.xlsx", False))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "added session 1: 2 person-times (2 named), ref ZL-SIGN\n" or \
            "2 person-times (2 named)" in result.stdout
        shown = json.loads(cli("session", "show", "ZL-SIGN", "--format", "json").stdout)
        assert sorted(a["cadre"] for a in shown["attendees"]) == ["G0001", "G0003"]

    def test_printed_sign_in_sheet(self, cli, registry, tmp_path: Path) -> None:
        """The title row is skipped; 序号 is a column an attendees file does not take."""
        result = self.add_session(cli, self.sign_in_sheet(tmp_path / "签到表.xlsx", True))
        assert result.exit_code == 1
        assert "签到表.xlsx row 2, 序号: unknown column" in result.stderr

    def test_an_attendees_file_naming_an_ambiguous_cadre(self, cli, registry, tmp_path: Path,
                                                          write_csv) -> None:
        path = write_csv(tmp_path / "a.csv", ["姓名", "单位"], [["李强", "东城乡政府"]])
        result = cli("add-session", "--date", "2020-04-20", "--track", "policy", "--title",
                     "学习会", "--hours", "2", "--attendees-file", path)
        assert result.exit_code == 1
        assert "a.csv row 2, name" in result.stderr and "G0004, G0005" in result.stderr


class TestFinder:
    def test_names_and_units_without_spaces(self) -> None:
        f = people.CadreFinder([("G1", "张 三", "城关镇 政府"), ("G2", "张三", "区委")])
        assert f.find("张三", "城关镇政府") == "G1"
        assert f.find("张　三", "区委") == "G2"  # a full-width space
        with pytest.raises(FieldError, match="no cadre 张三 of 东城; cadres named 张三: "
                                             r"G1 \(城关镇 政府\), G2 \(区委\)"):
            f.find("张三", "东城")

    def test_by_id_number(self) -> None:
        f = people.CadreFinder([("G1", "张三", "区委"), ("G2", "李四", "区委")],
                               [("11010519491231002X", "G1", "张 三")])
        assert f.find(id_number="11010519491231002x") == "G1"
        assert f.find("张三", "", "１１０１０５１９４９１２３１００２Ｘ") == "G1"  # full-width
        with pytest.raises(FieldError, match="no cadre has this id number$"):
            f.find(id_number="440524188001010014")
        with pytest.raises(FieldError, match="wrong check digit"):
            f.find(id_number="110105194912310022")
        with pytest.raises(FieldError, match="is the id number of G1 张三, not of 李四") as info:
            f.find("李四", "区委", "11010519491231002X")
        assert info.value.field == "name"

    def test_an_unknown_id_number_names_the_cadre_of_the_name_and_unit(self) -> None:
        f = people.CadreFinder([("G1", "张三", "区委"), ("G2", "李四", "区委")],
                               [("11010519491231002X", "G1", "张三")])
        with pytest.raises(FieldError, match="李四 of 区委 is G2, who has no id number "
                                             "recorded") as info:
            f.find("李四", "区委", "440524188001010014")
        assert "440524188001010014" not in str(info.value)
        with pytest.raises(FieldError, match="no cadre has this id number$"):
            f.find("张三", "区委", "440524188001010014")  # G1 has another one


class TestIdNumber:
    @pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014",
                                        "１１０１０５１９４９１２３１００２ｘ"])
    def test_valid(self, number: str) -> None:
        assert people.check_id_number(number) == people.check_id_number(number).upper()
        assert len(people.check_id_number(number)) == 18

    @pytest.mark.parametrize(("number", "reason"), [
        ("11010519491231002", "has 17 characters, not 18"),
        ("11010519491231002Y", "is not 17 digits and a check digit"),
        ("110105194912310020", "has a wrong check digit"),
        ("", "is required"),
    ])
    def test_invalid(self, number: str, reason: str) -> None:
        with pytest.raises(FieldError, match=reason) as info:
            people.check_id_number(number)
        assert number == "" or number not in str(info.value)

    def test_check_digit_of_every_remainder(self) -> None:
        assert people.id_check_digit("11010519491231002") == "X"
        assert people.id_check_digit("44052418800101001") == "4"

    def test_mask(self) -> None:
        assert people.mask_id_number("411102198001011234") == "411102********1234"
        assert people.mask_id_number("1234") == "***4"
        assert people.mask_id_number(None) == ""


@pytest.mark.parametrize(("text", "value"), [
    ("√", True), ("✓", True), ("有", True), ("Y", True), ("y", True), (" √ ", True),
    ("×", False), ("✗", False), ("无", False), ("N", False), ("n", False),
])
def test_yes_no_as_offices_write_them(text: str, value: bool) -> None:
    assert parse_bool(text, "top_leader") is value


def test_totals_are_skipped_whatever_column_they_are_in(tmp_path: Path, write_csv) -> None:
    path = write_csv(tmp_path / "c.csv", ["序号", "编号", "姓名"],
                     [["1", "G1", "张三"], ["合 计", "", "共1人"], ["", "总计", ""],
                      ["", "", "小计"]])
    table = imp.open_table(path, imp.CADRE_COLUMNS, {"code"}, options=imp.ReadOptions(
        ignore=("序号",)))
    assert list(table.cells()) == [(2, ["G1", "张三"])]
    assert table.totals == 3 and table.left_out == ["序号"]


def test_damaged_xls_is_a_message(cli, db, tmp_path: Path) -> None:
    """A damaged .xls: a message and exit 1, never a traceback, nothing of xlrd's on stdout."""
    import random

    good = TestOtherFormats().xls(tmp_path / "good.xls").read_bytes()
    rng = random.Random(19)
    path = tmp_path / "damaged.xls"
    outcomes = set()
    for _ in range(60):
        raw = bytearray(good)
        if rng.random() < 0.3:
            raw = raw[:rng.randrange(1, len(raw))]
        else:
            for _ in range(rng.randint(1, 6)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        path.write_bytes(bytes(raw))
        result = cli("cadre", "import", path, "--sheet", "2", "--dry-run")
        assert result.exit_code in (0, 1), result.stderr
        assert "WARNING" not in result.stdout and "Traceback" not in result.stderr
        if result.exit_code:
            assert result.stderr.strip()
        outcomes.add(result.exit_code)
    assert 1 in outcomes


def test_xlrd_says_nothing_on_stdout(db, tmp_path: Path) -> None:
    """xlrd warns about a truncated file on the stdout it found when imported: run as a user
    runs trainlog, stdout stays empty."""
    import subprocess
    import sys

    good = TestOtherFormats().xls(tmp_path / "good.xls").read_bytes()
    path = tmp_path / "truncated.xls"
    path.write_bytes(good[:517])
    run = subprocess.run([sys.executable, "-m", "trainlog", "cadre", "import", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stdout == ""
    assert "not a readable .xls workbook" in run.stderr


@pytest.mark.parametrize("command", [["branch", "import"], ["cadre", "import"],
                                     ["session", "import"], ["study", "import"],
                                     ["survey", "import"], ["add-session"]])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_import_says_it_reads_xls_and_utf16(cli, command: list[str], lang: str) -> None:
    result = cli("--lang", lang, *command, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())  # wrapped lines joined
    assert re.search(r"\.xls(?![xm])", text), text  # .xls itself, not only .xlsx
    assert "UTF-16" in text and "GB18030" in text
