"""The CLI of the database and the registry: exit codes, stdout versus stderr, files, languages."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from trainlog.store.database import HEAD, Database, default_path

ZH_CADRE_HEADER = ["编号", "姓名", "单位", "级别", "党支部", "一把手", "扶贫干部", "党员",
                   "网络学院注册日期"]
CADRE_KEYS = ["code", "name", "unit", "level", "rank", "branch", "top_leader", "poverty_cadre",
              "party_member", "registered_on", "id_number", "active"]
LEVEL_LABELS = {"district": "区级", "township": "乡级", "village": "村级"}
TOWNSHIPS = ["城关镇", "东城街道", "老窝镇", "万金镇", "召陵镇", "姬石镇"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
#: names a roster really holds: not in GBK (䶮), four bytes in GB18030 (𠮷), a minority name (·)
RARE_NAMES = ["刘䶮", "王𠮷", "阿不都·热合曼"]
BOX = set("│┃┏┓┗┛┡┩╇╋┳┻┼┬┴├┤└┘┌┐")


def make_roster(n: int = 300, seed: int = 2020) -> tuple[list[list[str]], list[list[str]],
                                                        list[dict[str, Any]]]:
    """Branch rows, cadre rows (as Chinese Excel has them) and the cadres they mean (as JSON)."""
    rnd = random.Random(seed)
    branches = [[f"B{i:03d}", f"{TOWNSHIPS[i % len(TOWNSHIPS)]}第{i}党支部",
                 TOWNSHIPS[i % len(TOWNSHIPS)]] for i in range(1, 21)]
    rows, expected = [], []
    for i in range(1, n + 1):
        code = f"G{i:04d}"
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        if i <= len(RARE_NAMES):
            name = RARE_NAMES[i - 1]
        level = ["district", "township", "village"][i % 3]
        branch = branches[i % 20][0] if i % 7 else ""
        unit = "" if i % 11 == 0 else f"{TOWNSHIPS[i % len(TOWNSHIPS)]}人民政府"
        top, poverty, member = i % 5 == 0, i % 4 == 0, i % 9 != 0
        registered = None if i % 6 == 0 else (2019 + i % 2, 1 + i % 12, 1 + i % 28)
        if registered is None:
            day = ""
        else:
            y, m, d = registered
            day = [f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}年{m}月{d}日"][i % 3]
        rows.append([code, name, unit, LEVEL_LABELS[level], branch, "是" if top else "否",
                     "是" if poverty else "否", "是" if member else "否", day])
        expected.append({
            "code": code, "name": name, "unit": unit or None, "level": level, "rank": None,
            "branch": branch or None, "top_leader": top, "poverty_cadre": poverty,
            "party_member": member,
            "registered_on": None if registered is None else
            f"{registered[0]}-{registered[1]:02d}-{registered[2]:02d}",
            "id_number": None, "active": True,
        })
    return branches, rows, expected


def lines_up(text: str) -> bool:
    """Each Rich table in `text` has lines of one display width, its rules in the same columns."""
    tables: list[list[str]] = []
    for line in text.rstrip("\n").split("\n"):
        if line[:1] not in BOX:  # a title above a table
            continue
        if line.startswith("┏") or not tables:
            tables.append([])
        tables[-1].append(line)
    for lines in tables:
        widths = {cell_len(line) for line in lines}
        rules = {tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch in BOX)
                 for line in lines}
        if len(lines) < 5 or len(widths) != 1 or len(rules) != 1:
            return False
    return bool(tables)


def as_json(result) -> Any:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def roster(tmp_path: Path, write_csv, cli, db: Database) -> list[dict[str, Any]]:
    """300 cadres in 20 branches, imported from GB18030 files as Chinese Excel saves them."""
    branches, rows, expected = make_roster()
    bfile = write_csv(tmp_path / "支部.csv", ["编号", "名称", "乡镇"], branches, "gb18030")
    cfile = write_csv(tmp_path / "干部名册.csv", ZH_CADRE_HEADER, rows, "gb18030")
    assert cli("branch", "import", bfile).exit_code == 0
    result = cli("cadre", "import", cfile)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "cadres: imported 300 rows: 300 created, 0 updated, 0 unchanged\n"
    return expected


class TestGb18030Roster:
    """The issue's "done when": import a few hundred cadres from Chinese Excel, list them."""

    def test_file_is_really_gb18030(self, tmp_path: Path, write_csv) -> None:
        _, rows, _ = make_roster()
        path = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, rows, "gb18030")
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
        with pytest.raises(UnicodeEncodeError):
            "\n".join(",".join(r) for r in rows).encode("gbk")

    def test_json_lists_exactly_what_the_file_says(self, cli, roster: list[dict]) -> None:
        listed = as_json(cli("cadre", "list", "--format", "json"))
        assert listed == roster
        assert [c["name"] for c in listed[:3]] == RARE_NAMES

    def test_json_keys_do_not_change_with_the_language(self, cli, roster: list[dict]) -> None:
        assert as_json(cli("--lang", "zh", "cadre", "list", "--format", "json")) == roster

    def test_zh_table(self, cli, roster: list[dict]) -> None:
        result = cli("cadre", "list", "--lang", "zh")
        assert result.exit_code == 0 and result.stderr == ""
        out = result.stdout
        assert lines_up(out)
        header = out.split("\n")[1]
        for label in ZH_CADRE_HEADER + ["在职"]:
            assert label in header
        for cadre in roster:
            line = next(x for x in out.split("\n") if f" {cadre['code']} " in x)
            assert cadre["name"] in line
            assert LEVEL_LABELS[cadre["level"]] in line
        assert "township" not in out and "乡镇" not in out.split("\n", 3)[3]

    def test_csv(self, cli, roster: list[dict]) -> None:
        result = cli("cadre", "list", "--format", "csv", "--lang", "zh")
        assert result.exit_code == 0
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == CADRE_KEYS
        assert len(rows) == 300
        first = rows[0]
        assert (first["name"], first["level"], first["top_leader"], first["active"]) == \
            (roster[0]["name"], roster[0]["level"], "false", "true")

    @pytest.mark.parametrize("args, keep", [
        (["--branch", "B003"], lambda c: c["branch"] == "B003"),
        (["--level", "村级"], lambda c: c["level"] == "village"),
        (["--level", "district"], lambda c: c["level"] == "district"),
        (["--top-leader"], lambda c: c["top_leader"]),
        (["--not-top-leader"], lambda c: not c["top_leader"]),
        (["--poverty-cadre"], lambda c: c["poverty_cadre"]),
        (["--poverty-cadre", "--level", "乡级", "--branch", "B005"],
         lambda c: c["poverty_cadre"] and c["level"] == "township" and c["branch"] == "B005"),
    ])
    def test_filters(self, cli, roster: list[dict], args: list[str], keep) -> None:  # type: ignore[no-untyped-def]
        wanted = [c for c in roster if keep(c)]
        assert wanted, "the roster should have cadres of every kind"
        assert as_json(cli("cadre", "list", *args, "--format", "json")) == wanted

    def test_reimport_changes_nothing(self, cli, tmp_path: Path, roster: list[dict]) -> None:
        result = cli("cadre", "import", tmp_path / "干部名册.csv")
        assert result.stdout == "cadres: imported 300 rows: 0 created, 0 updated, 300 unchanged\n"
        assert as_json(cli("cadre", "list", "--format", "json")) == roster

    def test_db_info_counts_them(self, cli, roster: list[dict]) -> None:
        info = as_json(cli("db", "info", "--format", "json"))
        assert info["tables"]["cadre"] == 300 and info["tables"]["branch"] == 20


class TestEncodingsAndFormats:
    """The same cadres from UTF-8, UTF-8 with a BOM, GB18030 and xlsx give the same records."""

    ROWS = [["G001", "张伟", "区委办", "区级", "B001", "是", "否", "是", "2020-04-03"],
            ["G002", "刘䶮", "", "村级", "", "否", "是", "否", "2020年4月3日"]]
    EXPECTED = [
        {"code": "G001", "name": "张伟", "unit": "区委办", "level": "district", "rank": None,
         "branch": "B001", "top_leader": True, "poverty_cadre": False, "party_member": True,
         "registered_on": "2020-04-03", "id_number": None, "active": True},
        {"code": "G002", "name": "刘䶮", "unit": None, "level": "village", "rank": None,
         "branch": None, "top_leader": False, "poverty_cadre": True, "party_member": False,
         "registered_on": "2020-04-03", "id_number": None, "active": True},
    ]

    @pytest.fixture(autouse=True)
    def _branch(self, cli, db: Database) -> None:
        assert cli("branch", "add", "B001", "区委办党支部").exit_code == 0

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_csv(self, cli, tmp_path: Path, write_csv, encoding: str) -> None:
        path = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, self.ROWS, encoding)
        result = cli("cadre", "import", path)
        assert result.exit_code == 0, result.stderr
        assert as_json(cli("cadre", "list", "-f", "json")) == self.EXPECTED

    def test_xlsx(self, cli, tmp_path: Path, write_xlsx) -> None:
        from datetime import datetime

        rows = [[*self.ROWS[0][:8], datetime(2020, 4, 3)], self.ROWS[1]]
        path = write_xlsx(tmp_path / "c.xlsx", ZH_CADRE_HEADER, rows)
        result = cli("cadre", "import", path)
        assert result.exit_code == 0, result.stderr
        assert as_json(cli("cadre", "list", "-f", "json")) == self.EXPECTED

    def test_english_keys_and_other_spellings(self, cli, tmp_path: Path, write_csv) -> None:
        path = write_csv(tmp_path / "c.csv", [
            "code", "name", "unit", "level", "branch", "top_leader", "poverty_cadre",
            "party_member", "registered_on"], [
            ["G001", "张伟", "区委办", "district", "B001", "1", "false", "yes", "2020/4/3"],
            ["G002", "刘䶮", "", "village", "", "no", "TRUE", "0", "2020-04-03"]])
        assert cli("cadre", "import", path).exit_code == 0
        assert as_json(cli("cadre", "list", "-f", "json")) == self.EXPECTED

    def test_encoding_option_overrides_detection(self, cli, tmp_path: Path, write_csv) -> None:
        path = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, self.ROWS, "gb18030")
        result = cli("cadre", "import", path, "--encoding", "utf-8")
        assert result.exit_code == 1
        assert "cannot be read as utf-8" in result.stderr and result.stdout == ""
        assert as_json(cli("cadre", "list", "-f", "json")) == []
        assert cli("cadre", "import", path, "--encoding", "gb18030").exit_code == 0
        assert as_json(cli("cadre", "list", "-f", "json")) == self.EXPECTED


class TestBadFiles:
    """A bad file names every bad row and column, exits 1 and writes nothing."""

    @pytest.fixture
    def before(self, cli, db: Database) -> dict[str, Any]:
        assert cli("branch", "add", "B001", "区委办党支部").exit_code == 0
        assert cli("cadre", "add", "G001", "张伟", "--branch", "B001").exit_code == 0
        return self.snapshot(cli)

    @staticmethod
    def snapshot(cli) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        return {"cadres": as_json(cli("cadre", "list", "--all", "-f", "json")),
                "branches": as_json(cli("branch", "list", "-f", "json")),
                "tables": as_json(cli("db", "info", "-f", "json"))["tables"]}

    def test_bad_rows(self, cli, tmp_path: Path, write_csv, before: dict) -> None:
        path = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, [
            ["G001", "张伟伟", "区委办", "区级", "B001", "是", "否", "是", ""],   # 2 fine (update)
            ["G002", "王芳", "", "乡级", "B999", "否", "否", "是", ""],          # 3 unknown branch
            ["G003", "李强", "", "村级", "B001", "否", "否", "是", "2020-02-30"],  # 4 bad date
            ["G004", "赵敏", "", "村级", "", "对", "否", "是", ""],              # 5 bad boolean
            ["G002", "王芳", "", "乡级", "", "否", "否", "是", ""],              # 6 repeated code
            ["G006", "", "", "村级", "", "否", "否", "是", ""],                  # 7 missing name
            ["G007", "孙七", "", "村级", "", "否", "否", "是", "2020/4/3"],      # 8 fine
        ], "gb18030")
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        assert result.stdout == ""
        err = result.stderr
        assert "5 problem(s), nothing written" in err
        assert "row 3, column branch, value 'B999': no such branch" in err
        assert "row 4, column registered_on, value '2020-02-30'" in err and "not a real date" in err
        assert "row 5, column top_leader, value '对'" in err
        assert "row 6, column code, value 'G002': repeats row 3" in err
        assert "row 7, column name: is required" in err
        assert "row 2" not in err and "row 8" not in err
        assert "Traceback" not in err
        assert self.snapshot(cli) == before

    def test_dry_run_of_a_bad_file_reports_the_same(self, cli, tmp_path: Path, write_csv,
                                                    before: dict) -> None:
        path = write_csv(tmp_path / "c.csv", ["编号", "姓名", "党支部"], [["G9", "某", "B999"]])
        result = cli("cadre", "import", path, "--dry-run")
        assert result.exit_code == 1
        assert "row 2, column branch, value 'B999': no such branch" in result.stderr

    @pytest.mark.parametrize("header, message", [
        (["编号", "姓名", "职务"], "row 1, column 职务: unknown column"),
        (["编号", "姓名", "name"], "row 1, column name: column repeated"),
        (["编号", "单位"], "row 1, column name/姓名: required column missing"),
        (["code", "nmae"], "row 1, column nmae: unknown column"),
    ])
    def test_bad_header(self, cli, tmp_path: Path, write_csv, before: dict, header: list[str],
                        message: str) -> None:
        path = write_csv(tmp_path / "c.csv", header, [["G002", "王芳", "x"][:len(header)]])
        result = cli("cadre", "import", path)
        assert result.exit_code == 1
        assert message in result.stderr
        assert result.stdout == ""
        assert self.snapshot(cli) == before

    def test_branch_file_with_bad_rows(self, cli, tmp_path: Path, write_csv,
                                       before: dict) -> None:
        path = write_csv(tmp_path / "b.csv", ["编号", "名称", "乡镇"],
                         [["B002", "二", "城关镇"], ["B 3", "三", ""], ["B004", "", ""]])
        result = cli("branch", "import", path)
        assert result.exit_code == 1
        assert "row 3, column code" in result.stderr and "contains spaces" in result.stderr
        assert "row 4, column name: is required" in result.stderr
        assert self.snapshot(cli) == before

    @pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage"])
    def test_empty_or_unreadable(self, cli, tmp_path: Path, before: dict, content: bytes) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(content)
        result = cli("cadre", "import", path)
        assert result.exit_code == 1 and result.stderr.strip()
        assert self.snapshot(cli) == before

    def test_missing_file(self, cli, tmp_path: Path, before: dict) -> None:
        result = cli("cadre", "import", tmp_path / "nope.csv")
        assert result.exit_code == 5  # its own code (issue 20; README, Exit codes)
        assert "no such file" in result.stderr

    def test_not_a_workbook(self, cli, tmp_path: Path, before: dict) -> None:
        path = tmp_path / "c.xlsx"
        path.write_text("编号,姓名\n", encoding="utf-8")
        result = cli("cadre", "import", path)
        assert result.exit_code == 1 and "not a readable .xlsx" in result.stderr


class TestImportCommands:
    def test_header_only_imports_nothing(self, cli, db: Database, tmp_path: Path,
                                         write_csv) -> None:
        path = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, [], "gb18030")
        result = cli("cadre", "import", path)
        assert result.exit_code == 0
        assert result.stdout == "cadres: imported 0 rows: 0 created, 0 updated, 0 unchanged\n"
        assert as_json(cli("cadre", "list", "--all", "-f", "json")) == []

    def test_dry_run_writes_nothing(self, cli, db: Database, tmp_path: Path, write_csv) -> None:
        path = write_csv(tmp_path / "b.csv", ["编号", "名称"], [["B001", "一"], ["B002", "二"]])
        result = cli("branch", "import", path, "--dry-run")
        assert result.exit_code == 0
        assert result.stdout == "branches: would import 2 rows: 2 created, 0 updated, 0 unchanged\n"
        assert as_json(cli("branch", "list", "-f", "json")) == []

    def test_summary_as_json(self, cli, db: Database, tmp_path: Path, write_csv) -> None:
        path = write_csv(tmp_path / "b.csv", ["code", "name"], [["B001", "一"]])
        assert as_json(cli("branch", "import", path, "--format", "json")) == {
            "rows": 1, "created": 1, "updated": 0, "unchanged": 0, "dry_run": False}

    def test_reimport_updates_only_the_columns_given(self, cli, db: Database, tmp_path: Path,
                                                     write_csv) -> None:
        assert cli("branch", "add", "B001", "一支部").exit_code == 0
        first = write_csv(tmp_path / "c1.csv", ZH_CADRE_HEADER, [
            ["G001", "张伟", "区委办", "区级", "B001", "是", "否", "是", "2020-01-18"]])
        assert cli("cadre", "import", first).exit_code == 0
        second = write_csv(tmp_path / "c2.csv", ["编号", "姓名", "级别"],
                           [["G001", "张伟", "乡级"], ["G002", "王芳", "村级"]])
        result = cli("cadre", "import", second)
        assert result.stdout == "cadres: imported 2 rows: 1 created, 1 updated, 0 unchanged\n"
        g1, g2 = as_json(cli("cadre", "list", "-f", "json"))
        assert g1 == {"code": "G001", "name": "张伟", "unit": "区委办", "level": "township",
                      "rank": None, "branch": "B001", "top_leader": True, "poverty_cadre": False,
                      "party_member": True, "registered_on": "2020-01-18", "id_number": None,
                      "active": True}
        assert (g2["code"], g2["level"], g2["party_member"]) == ("G002", "village", True)


class TestDatabaseCommands:
    def test_init_twice(self, cli, database_url: str) -> None:
        where = Database(database_url).display()  # the path, or the URL without its password
        first = cli("init")
        assert first.exit_code == 0
        assert first.stdout == f"{where}\n"
        assert "created" in first.stderr
        again = cli("init")
        assert again.exit_code == 0
        assert again.stdout == f"{where}\n"
        assert "exists" in again.stderr
        assert Database(database_url).revision() == HEAD

    def test_init_creates_missing_folders(self, cli, tmp_path: Path) -> None:
        target = tmp_path / "a" / "b" / "t.db"
        result = cli("--db", target, "init")
        assert result.exit_code == 0 and result.stdout == f"{target}\n"
        assert target.exists()

    def test_db_option_beats_environment(self, cli, tmp_path: Path, database_url: str) -> None:
        other = tmp_path / "other.db"
        assert cli("--db", other, "init").stdout == f"{other}\n"
        assert not Path(database_url).exists()
        info = as_json(cli("--db", other, "db", "info", "-f", "json"))
        assert info["location"] == str(other)

    def test_default_location_is_the_user_data_dir(self, cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("TRAINLOG_DB")
        result = cli("init")
        assert result.exit_code == 0
        assert result.stdout == f"{default_path()}\n"
        assert default_path().name == "trainlog.db"
        assert default_path().is_relative_to(tmp_path)  # the fixture moved the data dir here

    def test_sqlalchemy_url(self, cli, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'url.db'}"
        assert cli("--db", url, "init").exit_code == 0
        assert as_json(cli("--db", url, "db", "info", "-f", "json"))["location"] == \
            str(tmp_path / "url.db")

    def test_db_info(self, cli, db: Database, backend: str) -> None:
        assert cli("branch", "add", "B001", "一").exit_code == 0
        info = as_json(cli("db", "info", "--format", "json"))
        assert info["location"] == db.display()
        assert info["engine"] == backend
        assert info["revision"] == HEAD
        assert info["tables"]["branch"] == 1 and info["tables"]["cadre"] == 0
        table = cli("db", "info")
        assert table.exit_code == 0 and db.display() in table.stdout
        zh = cli("--lang", "zh", "db", "info")
        assert "位置" in zh.stdout and "行数" in zh.stdout
        rows = list(csv.DictReader(io.StringIO(cli("db", "info", "-f", "csv").stdout)))
        assert {"table": "branch", "rows": "1"} in rows

    @pytest.mark.sqlite_only("PRAGMAs")
    def test_sqlite_pragmas(self, db: Database) -> None:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000

    @pytest.mark.parametrize("args", [
        ["db", "info"], ["branch", "list"], ["cadre", "list"], ["cadre", "show", "G001"],
        ["branch", "add", "B001", "一"], ["cadre", "add", "G001", "张伟"],
        ["cadre", "edit", "G001", "--unit", "x"], ["cadre", "deactivate", "G001"],
        ["cadre", "import", "whatever.csv"], ["db", "upgrade"],
    ])
    def test_missing_database(self, cli, database_url: str, args: list[str]) -> None:
        result = cli(*args)
        assert result.exit_code == 1
        assert "trainlog init" in result.stderr
        assert Database(database_url).display() in result.stderr
        assert result.stdout == ""
        assert not Path(database_url).exists(), "nothing is created silently"


class TestRegistryCommands:
    @pytest.fixture(autouse=True)
    def _db(self, db: Database) -> None:
        pass

    def test_branch_add_and_list(self, cli) -> None:
        result = cli("branch", "add", "B001", "城关镇机关党支部", "--township", "城关镇")
        assert result.exit_code == 0 and result.stdout == "added branch B001 城关镇机关党支部\n"
        assert as_json(cli("branch", "list", "-f", "json")) == [
            {"code": "B001", "name": "城关镇机关党支部", "township": "城关镇", "active": True}]
        assert cli("branch", "list", "-f", "csv").stdout == \
            "code,name,township,active\nB001,城关镇机关党支部,城关镇,true\n"
        zh = cli("branch", "list", "--lang", "zh").stdout
        assert lines_up(zh) and "编号" in zh and "名称" in zh and "乡镇" in zh

    def test_branch_add_twice(self, cli) -> None:
        assert cli("branch", "add", "B001", "一").exit_code == 0
        result = cli("branch", "add", "B001", "二")
        assert result.exit_code == 1
        assert "B001 exists already" in result.stderr and result.stdout == ""

    def test_empty_listing(self, cli) -> None:
        result = cli("cadre", "list")
        assert result.exit_code == 0 and result.stdout == ""
        assert "nothing to list" in result.stderr
        assert as_json(cli("cadre", "list", "-f", "json")) == []
        assert cli("cadre", "list", "-f", "csv").stdout == ",".join(CADRE_KEYS) + "\n"

    def test_cadre_add_show_edit_deactivate(self, cli) -> None:
        assert cli("branch", "add", "B001", "一").exit_code == 0
        added = cli("cadre", "add", "G001", "张伟", "--unit", "城关镇", "--level", "乡级",
                    "--branch", "B001", "--top-leader", "--no-party-member",
                    "--registered-on", "2020年4月3日")
        assert added.exit_code == 0 and added.stdout == "added cadre G001 张伟\n"
        shown = as_json(cli("cadre", "show", "G001", "-f", "json"))
        assert {k: shown[k] for k in CADRE_KEYS} == {
            "code": "G001", "name": "张伟", "unit": "城关镇", "level": "township", "rank": None,
            "branch": "B001", "top_leader": True, "poverty_cadre": False, "party_member": False,
            "registered_on": "2020-04-03", "id_number": None, "active": True}

        shown = cli("cadre", "show", "G001", "--lang", "zh").stdout
        assert lines_up(shown)
        record = shown.split("┘")[0]
        assert "姓名" in record and "名称" not in record and "网络学院注册日期" in record
        assert "乡级" in record and "乡镇" not in record  # level township is 乡级, column 乡镇

        edited = cli("cadre", "edit", "G001", "--poverty-cadre", "--unit", "", "--level", "区级")
        assert edited.exit_code == 0 and edited.stdout == "updated cadre G001 张伟\n"
        c = as_json(cli("cadre", "show", "G001", "-f", "json"))
        assert (c["poverty_cadre"], c["unit"], c["level"], c["top_leader"]) == \
            (True, None, "district", True)

        assert cli("cadre", "deactivate", "G001").stdout == "deactivated cadre G001 张伟\n"
        assert as_json(cli("cadre", "list", "-f", "json")) == []
        assert [c["active"] for c in as_json(cli("cadre", "list", "--all", "-f", "json"))] == \
            [False]
        assert cli("cadre", "edit", "G001", "--active").exit_code == 0
        assert len(as_json(cli("cadre", "list", "-f", "json"))) == 1

    @pytest.mark.parametrize("args, message", [
        (["cadre", "add", "G002", "王芳", "--branch", "B999"], "no such branch"),
        (["cadre", "add", "G002", "王芳", "--level", "省级"], "is not one of district"),
        (["cadre", "add", "G002", "王芳", "--registered-on", "2020-02-30"], "not a real date"),
        (["cadre", "add", "G001", "张伟"], "G001 exists already"),
        (["cadre", "show", "G999"], "no cadre with code 'G999'"),
        (["cadre", "edit", "G999", "--unit", "x"], "no cadre with code 'G999'"),
        (["cadre", "deactivate", "G999"], "no cadre with code 'G999'"),
        (["cadre", "list", "--branch", "B999"], "no branch with code 'B999'"),
        (["cadre", "list", "--level", "x"], "--level"),
    ])
    def test_bad_data_exits_1(self, cli, args: list[str], message: str) -> None:
        assert cli("cadre", "add", "G001", "张伟").exit_code == 0
        result = cli(*args)
        assert result.exit_code == 1
        assert message in result.stderr
        assert result.stdout == ""
        assert [c["code"] for c in as_json(cli("cadre", "list", "--all", "-f", "json"))] == ["G001"]

    @pytest.mark.parametrize("args", [
        ["cadre", "list", "--format", "xml"],
        ["cadre", "list", "--bogus"],
        ["cadre", "add", "G002"],
        ["branch", "frobnicate"],
        ["cadre", "show"],
    ])
    def test_bad_usage_exits_2(self, cli, args: list[str]) -> None:
        result = cli(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.strip()


class TestLanguage:
    """zh-CN from --lang, TRAINLOG_LANG or the locale; English otherwise; JSON never changes."""

    @pytest.fixture(autouse=True)
    def _cadre(self, cli, db: Database) -> None:
        added = cli("cadre", "add", "G001", "张伟", "--level", "village", "--top-leader")
        assert added.exit_code == 0

    @pytest.mark.parametrize("args, env, zh", [
        ([], {}, False),
        (["--lang", "zh"], {}, True),
        ([], {"TRAINLOG_LANG": "zh"}, True),
        ([], {"LANG": "zh_CN.UTF-8"}, True),
        ([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, True),
        (["--lang", "en"], {"TRAINLOG_LANG": "zh"}, False),
        ([], {"TRAINLOG_LANG": "en", "LANG": "zh_CN.UTF-8"}, False),
    ])
    def test_chosen(self, cli, args: list[str], env: dict[str, str], zh: bool) -> None:
        result = cli(*args, "cadre", "list", env=env)
        header = result.stdout.split("\n")[1]
        if zh:
            assert "编号" in header and "姓名" in header and "一把手" in header
            assert "村级" in result.stdout and "是" in result.stdout
        else:
            # English headers in words, not the keys (issue 20)
            assert "Code" in header and "Top leader" in header and "top_leader" not in header
            assert "village" in result.stdout and "yes" in result.stdout
        assert lines_up(result.stdout)

    def test_command_option(self, cli) -> None:
        assert "姓名" in cli("cadre", "list", "--lang", "zh").stdout

    @pytest.mark.parametrize("env", [{"TRAINLOG_LANG": "zh"}, {"LANG": "zh_CN.UTF-8"}])
    def test_json_and_csv_use_keys(self, cli, env: dict[str, str]) -> None:
        assert cli("cadre", "list", "-f", "json", env=env).stdout == \
            cli("cadre", "list", "-f", "json").stdout
        assert cli("cadre", "list", "-f", "csv", env=env).stdout == \
            cli("cadre", "list", "-f", "csv").stdout


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m trainlog ARGS…` in a real process, with stdout piped."""
    full_env = {**os.environ, **(env or {})}
    src = str(Path(__file__).resolve().parents[1] / "src")
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (src, full_env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "trainlog", *args], capture_output=True,
                          text=True, encoding="utf-8", env=full_env, timeout=120)


class TestRealProcess:
    def test_version(self) -> None:
        from trainlog import __version__

        result = run("--version")
        assert result.returncode == 0
        assert result.stdout == f"trainlog {__version__}\n"

    def test_missing_database_is_a_message_not_a_traceback(self, database_url: str) -> None:
        result = run("cadre", "list")
        assert result.returncode == 1
        assert "trainlog init" in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""

    def test_import_and_list_in_a_pipe(self, tmp_path: Path, write_csv) -> None:
        branches, rows, expected = make_roster(40)
        assert run("init").returncode == 0
        bfile = write_csv(tmp_path / "b.csv", ["编号", "名称", "乡镇"], branches, "gb18030")
        cfile = write_csv(tmp_path / "c.csv", ZH_CADRE_HEADER, rows, "gb18030")
        assert run("branch", "import", str(bfile)).returncode == 0
        imported = run("cadre", "import", str(cfile))
        assert imported.returncode == 0, imported.stderr
        assert json.loads(run("cadre", "list", "--format", "json").stdout) == expected
        table = run("--lang", "zh", "cadre", "list")
        assert table.returncode == 0
        assert "\x1b[" not in table.stdout, "no colour in a pipe"
        assert lines_up(table.stdout)
        assert "刘䶮" in table.stdout

    def test_bad_usage(self) -> None:
        result = run("cadre", "list", "--format", "xml")
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
