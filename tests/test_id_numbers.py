"""The id number (身份证号) of a cadre: checked (GB 11643), unique within the office, masked in
every output; and the files that name cadres by it (session, study, attendees).

Runs on SQLite and on PostgreSQL (TRAINLOG_TEST_DB).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from test_office_files import platform_export  # the online academy's monthly export
from trainlog.files.people import id_check_digit

pytestmark = pytest.mark.usefixtures("db")


def number(first17: str) -> str:
    return first17 + id_check_digit(first17)


#: made-up numbers with right check digits, and how every output shows them
N1 = number("41110219800101101")  # 411102198001011011
N2 = number("41110219850505202")
N3 = number("41110219900707303")
N_NEW = number("41110219911111505")
MASK1 = "411102********1011"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def as_json(result: Any) -> Any:
    return json.loads(ok(result).stdout)


@pytest.fixture
def registry(cli) -> None:  # type: ignore[no-untyped-def]
    ok(cli("branch", "add", "B001", "城关镇党支部"))
    ok(cli("cadre", "add", "G0001", "张 三", "--unit", "城关镇政府", "--branch", "B001",
           "--id-number", N1, "--registered-on", "2019-01-01"))
    ok(cli("cadre", "add", "G0002", "李四", "--unit", "城关镇政府", "--id-number", N2,
           "--registered-on", "2019-01-01"))
    ok(cli("cadre", "add", "G0003", "王芳", "--unit", "东城村", "--registered-on", "2019-01-01"))


class TestRegistry:
    def test_stored_normalised_and_shown_masked(self, cli, registry) -> None:
        assert N1[:6] + "********" + N1[-4:] == MASK1
        shown = as_json(cli("cadre", "show", "G0001", "--format", "json"))
        assert shown["id_number"] == MASK1
        listed = {c["code"]: c["id_number"] for c in as_json(cli("cadre", "list", "-f", "json"))}
        assert listed == {"G0001": MASK1, "G0002": N2[:6] + "********" + N2[-4:],
                          "G0003": None}
        rows = list(csv.DictReader(ok(cli("cadre", "list", "-f", "csv")).stdout.splitlines()))
        assert [r["id_number"] for r in rows] == [MASK1, listed["G0002"], ""]
        table = ok(cli("cadre", "list", env={"COLUMNS": "200"})).stdout
        assert MASK1 in table and N1 not in table

    def test_full_width_and_a_small_x(self, cli, registry) -> None:
        x = "11010519491231002X"
        assert id_check_digit(x[:17]) == "X"
        wide = "".join(chr(ord(c) + 0xFEE0) for c in x[:17]) + "ｘ"
        ok(cli("cadre", "add", "G0009", "赵六", "--id-number", wide))
        assert as_json(cli("cadre", "show", "G0009", "-f", "json"))["id_number"] == \
            "110105********002X"
        # the same number typed another way is the same number: taken
        again = cli("cadre", "add", "G0010", "钱七", "--id-number", x.lower())
        assert again.exit_code == 1 and "already the id number of cadre G0009" in again.stderr

    @pytest.mark.parametrize(("given", "reason"), [
        (N1[:-1] + str((int(N1[-1]) + 1) % 10), "has a wrong check digit"),
        (N1[:17], "has 17 characters, not 18"),
        (N1[:16] + "A" + N1[17], "is not 17 digits and a check digit"),
    ])
    def test_a_wrong_number_says_why_without_repeating_it(self, cli, registry, given: str,
                                                          reason: str) -> None:
        result = cli("cadre", "add", "G0009", "赵六", "--id-number", given)
        assert result.exit_code == 1
        assert "id_number" in result.stderr and reason in result.stderr
        assert given not in result.stderr + result.stdout
        assert "G0009" not in [c["code"] for c in as_json(cli("cadre", "list", "-f", "json"))]

    def test_unique_in_the_office(self, cli, registry) -> None:
        result = cli("cadre", "add", "G0009", "赵六", "--id-number", N1)
        assert result.exit_code == 1
        assert result.stderr == f"id_number: '{MASK1}' is already the id number of cadre G0001\n"
        result = cli("cadre", "edit", "G0003", "--id-number", N2)
        assert result.exit_code == 1 and "already the id number of cadre G0002" in result.stderr
        assert as_json(cli("cadre", "show", "G0003", "-f", "json"))["id_number"] is None

    def test_edit_sets_and_clears_and_logs_masked(self, cli, registry) -> None:
        ok(cli("cadre", "edit", "G0003", "--id-number", N3))
        assert as_json(cli("cadre", "show", "G0003", "-f", "json"))["id_number"] == \
            N3[:6] + "********" + N3[-4:]
        ok(cli("cadre", "edit", "G0001", "--id-number", ""))
        assert as_json(cli("cadre", "show", "G0001", "-f", "json"))["id_number"] is None
        ok(cli("cadre", "edit", "G0001", "--id-number", N1))  # free again, and back
        log = as_json(cli("log", "--kind", "cadre", "-f", "json"))
        changes = [e["changes"]["id_number"] for e in log if "id_number" in e["changes"]]
        assert changes == [[None, MASK1], [None, N2[:6] + "********" + N2[-4:]],
                           [None, N3[:6] + "********" + N3[-4:]], [MASK1, None],
                           [None, MASK1]]
        # an edit of another field logs no id number
        ok(cli("cadre", "edit", "G0001", "--unit", "区委"))
        assert "id_number" not in as_json(cli("log", "-f", "json"))[-1]["changes"]

    def test_import_reads_the_column_checks_and_refuses_repeats(self, cli, registry,
                                                                tmp_path: Path,
                                                                write_csv) -> None:
        bad = N3[:-1] + str((int(N3[-1]) + 1) % 10)
        path = write_csv(tmp_path / "c.csv", ["编号", "姓名", "身份证号"], [
            ["G0011", "甲", N3], ["G0012", "乙", bad], ["G0013", "丙", N3],
            ["G0014", "丁", N1], ["G0001", "张 三", N1]])
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        mask3 = N3[:6] + "********" + N3[-4:]
        assert f"row 3, column id_number, value '{bad[:6]}********{bad[-4:]}': has a wrong " \
               "check digit" in result.stderr
        assert f"row 4, column id_number, value '{mask3}': repeats the id number of row 2" \
            in result.stderr
        assert f"row 5, column id_number, value '{MASK1}': is already the id number of cadre " \
               "G0001" in result.stderr
        # G0001 keeps its own, but the file gave it to G0014 first
        assert f"row 6, column id_number, value '{MASK1}': repeats the id number of row 5" \
            in result.stderr
        for n in (N1, N3, bad):
            assert n not in result.stderr + result.stdout
        assert len(as_json(cli("cadre", "list", "-f", "json"))) == 3  # nothing written

    def test_import_sets_clears_and_reimports_unchanged(self, cli, registry, tmp_path: Path,
                                                        write_xlsx) -> None:
        path = write_xlsx(tmp_path / "c.xlsx", ["编号", "姓名", "身份证号"], [
            ["G0003", "王芳", " " + N3.lower() + " "], ["G0002", "李四", ""]])
        out = ok(cli("cadre", "import", path)).stdout
        assert "0 created, 2 updated" in out
        listed = {c["code"]: c["id_number"] for c in as_json(cli("cadre", "list", "-f", "json"))}
        assert listed["G0003"] == N3[:6] + "********" + N3[-4:] and listed["G0002"] is None
        assert "0 updated, 2 unchanged" in ok(cli("cadre", "import", path)).stdout
        log = as_json(cli("log", "-f", "json"))
        assert all(n not in json.dumps(log) for n in (N1, N2, N3))

    def test_repeats_across_the_chunks_an_import_writes_in(self, cli, registry, tmp_path: Path,
                                                           write_csv, monkeypatch) -> None:
        from trainlog import registry as reg

        monkeypatch.setattr(reg, "CHUNK", 2)
        numbers = [number(f"3201021990010{i:04d}") for i in range(5)]
        rows = [[f"H{i}", f"人{i}", n] for i, n in enumerate(numbers)] + [["H9", "重", numbers[0]]]
        path = write_csv(tmp_path / "c.csv", ["code", "name", "id_number"], rows)
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        assert "row 7, column id_number" in result.stderr and \
            "repeats the id number of row 2" in result.stderr
        # once a problem stops the writing, the repeats among the rows not written are found
        halted = [["H8", "", number("32010219900109999")], *rows]
        write_csv(tmp_path / "c.csv", ["code", "name", "id_number"], halted)
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        assert "row 2, column name: is required" in result.stderr
        assert "row 8, column id_number" in result.stderr and \
            "repeats the id number of row 3" in result.stderr
        rows[-1][2] = ""
        write_csv(tmp_path / "c.csv", ["code", "name", "id_number"], rows)
        assert "6 created" in ok(cli("cadre", "import", path)).stdout

    def test_another_office_may_have_the_same_number(self, cli, registry) -> None:
        ok(cli("office", "add", "ZL2", "另一单位"))
        ok(cli("--office", "ZL2", "cadre", "add", "G0001", "张三", "--id-number", N1))


class TestMatching:
    """Session, study and attendees files name cadres by 身份证号."""

    platform_export = staticmethod(platform_export)

    OPTIONS = ["--month", "2020-03", "--ignore-extra", "--map", "本月学时=hours"]

    def test_the_platform_export_loads_by_id_number(self, cli, registry, tmp_path: Path) -> None:
        path = self.platform_export(tmp_path / "p.xlsx", [
            ["张三", N1, "13800000001", "城关镇政府", 6.5, 20],
            ["李四", N2.lower(), "13800000002", "", 4, 12],   # no unit: the number is enough
            ["王芳", "", "13800000003", "东城村", 5, 15]])     # no number: name and unit
        out = ok(cli("study", "import", path, *self.OPTIONS)).stdout
        assert out.startswith("online study: imported 3 rows (2020-03): 3 created")
        assert "left out: column(s) 序号, 手机号, 累计学时" in out
        hours = {c: as_json(cli("cadre", "show", c, "-f", "json"))["study"][0]["hours"]
                 for c in ("G0001", "G0002", "G0003")}
        assert hours == {"G0001": 6.5, "G0002": 4.0, "G0003": 5.0}

    def test_an_unknown_or_wrong_number_is_a_row_error_masked(self, cli, registry,
                                                             tmp_path: Path) -> None:
        wrong = N2[:-1] + str((int(N2[-1]) + 1) % 10)
        path = self.platform_export(tmp_path / "p.xlsx", [
            ["王芳", N_NEW, "", "东城村", 1, 1],  # G0003 has no number recorded
            ["新人", N3, "", "城关镇政府", 1, 1],
            ["李四", wrong, "", "城关镇政府", 1, 1],
            ["王五", N1, "", "城关镇政府", 1, 1]])  # N1 is G0001 张三's
        result = cli("study", "import", path, *self.OPTIONS)
        assert result.exit_code == 1
        err = result.stderr
        m = N_NEW[:6] + "********" + N_NEW[-4:]
        assert f"row 3, column id_number, value '{m}': no cadre has this id number; 王芳 of " \
               "东城村 is G0003, who has no id number recorded (cadre edit G0003 --id-number)" \
            in err
        assert "row 4, column id_number" in err and "no cadre has this id number\n" in err
        assert "row 5, column id_number" in err and "wrong check digit" in err
        assert "row 6, column name, value '王五': is the id number of G0001 张三, not of 王五" \
            in err
        for n in (N1, N3, N_NEW, wrong):
            assert n not in err + result.stdout

    def test_rejects_keep_the_rows_but_mask_the_problem(self, cli, registry,
                                                        tmp_path: Path) -> None:
        path = self.platform_export(tmp_path / "p.xlsx", [
            ["张三", N1, "", "城关镇政府", 6.5, 20], ["新人", N3, "", "城关镇政府", 1, 1]])
        result = cli("study", "import", path, *self.OPTIONS, "--rejects", tmp_path / "r.csv")
        assert result.exit_code == 4, result.stderr
        rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
        assert rows[1][2] == N3  # the row as the file had it, to correct and load again
        assert "no cadre has this id number" in rows[1][-1] and N3 not in rows[1][-1]

    def test_a_session_file_by_id_number(self, cli, registry, tmp_path: Path,
                                         write_csv) -> None:
        path = write_csv(tmp_path / "s.csv", ["培训编号", "日期", "类别", "培训名称", "学时",
                                              "身份证号", "姓名"], [
            ["ZL-1", "2020-04-01", "政策培训", "学习会", "2", N1, "张三"],
            ["ZL-1", "2020-04-01", "政策培训", "学习会", "2", N2, ""]])
        ok(cli("session", "import", path))
        shown = as_json(cli("session", "show", "ZL-1", "-f", "json"))
        assert sorted(a["cadre"] for a in shown["attendees"]) == ["G0001", "G0002"]
        bad = write_csv(tmp_path / "b.csv", ["培训编号", "日期", "类别", "培训名称", "身份证号"],
                        [["ZL-2", "2020-04-02", "政策培训", "学习会", N3]])
        result = cli("session", "import", bad)
        assert result.exit_code == 1 and "row 2, column id_number" in result.stderr
        assert N3 not in result.stderr

    def test_an_attendees_file_by_id_number_with_ignore_extra(self, cli, registry,
                                                              tmp_path: Path,
                                                              write_xlsx) -> None:
        path = write_xlsx(tmp_path / "签到表.xlsx", ["序号", "姓名", "身份证号", "签到"], [
            [1, "张三", N1, "√"], [2, "李四", N2, ""], [3, "王芳", "", "√"]])
        args = ["add-session", "--date", "2020-04-20", "--track", "policy", "--title", "学习会",
                "--hours", "2", "--attendees-file", path]
        result = cli(*args)
        assert result.exit_code == 1 and "序号: unknown column" in result.stderr
        result = cli(*args, "--ignore-extra")
        # 王芳 has no number and the sheet no unit
        assert result.exit_code == 1 and "签到表.xlsx row 4, unit" in result.stderr
        path = write_xlsx(tmp_path / "签到表.xlsx", ["序号", "姓名", "身份证号", "签到"], [
            [1, "张三", N1, "√"], [2, "李四", N2, ""], [3, "王芳", N3, "√"]])
        result = cli(*args, "--ignore", "序号")
        assert result.exit_code == 1 and "签到表.xlsx row 4, id_number" in result.stderr
        assert N3 not in result.stderr and N3[:6] + "********" + N3[-4:] in result.stderr
        ok(cli("cadre", "edit", "G0003", "--id-number", N3))
        out = ok(cli(*args, "--ignore-extra")).stdout
        assert "2 person-times (2 named)" in out  # 李四 did not sign in
        shown = as_json(cli("session", "show", "1", "-f", "json"))
        assert sorted(a["cadre"] for a in shown["attendees"]) == ["G0001", "G0003"]


def test_no_output_shows_a_whole_id_number(cli, registry, tmp_path: Path, write_csv) -> None:
    """A battery of commands, in both languages and every format, and the files they write:
    the id numbers appear in none of them but masked."""
    from openpyxl import load_workbook

    numbers = [N1, N2, N3, N_NEW]
    wrong = N3[:-1] + str((int(N3[-1]) + 1) % 10)
    seen: list[str] = []

    def run(*args: Any) -> None:
        result = cli(*args)
        seen.append(f"{result.stdout}\n{result.stderr}")  # not the command line: what it says

    ok(cli("cadre", "edit", "G0003", "--id-number", N3))
    study = write_csv(tmp_path / "s.csv", ["身份证号", "学时", "姓名"],
                      [[N1, "3", "张三"], [N_NEW, "2", ""], [wrong, "1", ""], [N2, "1", "王芳"]])
    cadres = write_csv(tmp_path / "c.csv", ["编号", "姓名", "身份证号"],
                       [["G0001", "张三", N2], ["G0008", "某", N1], ["G0009", "某", wrong]])
    for lang in ("en", "zh"):
        for fmt in ("table", "json", "csv"):
            run("--lang", lang, "cadre", "list", "--all", "--format", fmt)
            run("--lang", lang, "cadre", "show", "G0001", "--format", fmt)
            run("--lang", lang, "log", "--format", fmt)
        run("--lang", lang, "cadre", "history", "G0001")
        run("--lang", lang, "cadre", "show", N1)  # a number given for a code: echoed masked
        run("--lang", lang, "cadre", "edit", N2, "--unit", "某")
        run("--lang", lang, "cadre", "add", "G0100", "某", "--id-number", N1)
        run("--lang", lang, "cadre", "add", "G0100", "某", "--id-number", wrong)
        run("--lang", lang, "cadre", "edit", "G0002", "--id-number", N3)
        run("--lang", lang, "cadre", "import", cadres)
        run("--lang", lang, "cadre", "import", cadres, "--dry-run", "--format", "json")
        run("--lang", lang, "study", "import", study, "--month", "2020-03")
        run("--lang", lang, "study", "import", study, "--month", "2020-03", "--format", "json")
        run("--lang", lang, "study", "import", study, "--month", "2020-03",
            "--rejects", tmp_path / f"r-{lang}.csv")
        run("--lang", lang, "add-session", "--date", "2020-04-20", "--track", "policy",
            "--title", "会", "--attendees-file", study, "--ignore-extra")
        for suffix in ("csv", "xlsx", "json"):
            out = tmp_path / f"cadres-{lang}.{suffix}"
            ok(cli("--lang", lang, "cadre", "list", "--all", "-o", out))
            if suffix == "xlsx":
                wb = load_workbook(out, read_only=True)
                seen.append("\n".join(str(v) for ws in wb.worksheets
                                      for row in ws.iter_rows(values_only=True) for v in row))
                wb.close()
            else:
                seen.append(out.read_text(encoding="utf-8-sig"))
        ok(cli("--lang", lang, "export", tmp_path / f"export-{lang}.xlsx", "--year", "2020"))
        for r in csv.DictReader((tmp_path / f"r-{lang}.csv").open(encoding="utf-8-sig")):
            seen.append(r["problem"])  # the rows' own cells are the input's, given back
    text = "\n".join(seen)
    assert "411102********" in text  # the masked numbers are there
    for n in [*numbers, wrong]:
        assert n not in text and n.lower() not in text, n
