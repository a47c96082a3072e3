"""zh-CN everywhere (issue 20): with --lang zh or a Chinese locale, every command's --help and the
messages of a battery of errors and successes are Chinese; no English sentence is left (keys,
codes, option names, file names and values aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

#: an English sentence: three words of letters in a row (a key, a code or an option is one word)
SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:]+[A-Za-z][a-z]+){2,}\b")
#: what may stay English: the usage line, option names, metavars, keys and values given
ALLOWED = re.compile(
    r"Usage: .*|--?[\w-]+(?:=\S+)?|<[^>]+>|\[[A-Z_ .]+\]|\{[^}]*\}|\S+\.(?:csv|xlsx|json|docx|db|txt)"
    r"|SQLAlchemy URL|pg_dump|PostgreSQL|SQLite|TRAINLOG_\w+|compliance\.\w+|/[\w/.-]+"
    r"|[a-z_]+/[^\s,，]+"  # a column's key and its zh-CN header: code/编号
    r"|'[^'\n]*'"  # a value or a command line, quoted
    r"|`[^`\n]*`"  # a command, in backquotes
    r"|“[^”\n]*”")  # a title cited (the README's sections are English)


def english(text: str) -> list[str]:
    """The English sentences of a text, once the allowed words are taken out."""
    return SENTENCE.findall(ALLOWED.sub(" ", text))


def commands() -> list[list[str]]:
    """Every command and group of the tree, as the words that name it."""
    import typer.main

    from trainlog.cli import app

    out: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        out.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


COMMANDS = commands()


def test_the_sentence_test_can_fail() -> None:
    assert english("Show this message and exit.") == ["Show this message and exit"]
    assert english("显示本帮助后退出。 --not-top-leader <table|json|csv> x.csv") == []


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "trainlog" for p in COMMANDS])
@pytest.mark.parametrize("how", ["option", "locale"])
def test_help_is_chinese(cli, path: list[str], how: str) -> None:
    args, env = (["--lang", "zh", *path, "--help"], {}) if how == "option" else (
        [*path, "--help"], {"LANG": "zh_CN.UTF-8"})
    result = cli(*args, env={**env, "COLUMNS": "300", "TERMINAL_WIDTH": "300"})
    assert result.exit_code == 0, result.output
    assert english(result.stdout) == [], result.stdout
    assert "选项" in result.stdout or "命令" in result.stdout


def test_english_help_is_unchanged(cli) -> None:
    """The same process, in English again: the words are English."""
    assert "显示" in cli("--lang", "zh", "cadre", "list", "--help").stdout
    text = cli("cadre", "list", "--help", env={"COLUMNS": "300"}).stdout
    assert "List cadres, with filters." in text and "Show this message and exit." in text
    assert "Options" in text


@pytest.fixture
def zh(cli, db, tmp_path: Path):  # type: ignore[no-untyped-def]
    """cli in zh-CN on a small registry."""
    assert cli("branch", "add", "B1", "支部").exit_code == 0
    assert cli("cadre", "add", "G1", "王芳", "--branch", "B1",
               "--registered-on", "2020-01-01").exit_code == 0

    def run(*args: object, code: int | None = None, **kw: object):  # type: ignore[no-untyped-def]
        result = cli("--lang", "zh", *args, **kw)
        if code is not None:
            assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    return run


def said(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout + result.stderr


class TestMessages:
    def test_errors(self, zh, tmp_path: Path) -> None:
        bad = tmp_path / "干部.csv"
        bad.write_text("编号,姓名,党支部,网络学院\nG2,王,B404,1\nG3 x,,B1,2\n", encoding="utf-8")
        cases = [
            (("cadre", "import", bad), 1),
            (("cadre", "import", tmp_path / "nope.csv"), 5),
            (("cadre", "show", "G404"), 1),
            (("cadre", "add", "G1", "又"), 1),
            (("cadre", "list", "--branch", "B9"), 1),
            (("cadre", "list", "--level", "x"), 1),
            (("session", "show", "R404"), 1),
            (("session", "list", "--month", "2020-03", "--year", "2020"), 1),
            (("study", "add", "G1", "--month", "2020-03", "--hours", "-1"), 1),
            (("config", "set", "x.y", "1"), 1),
            (("coverage", "--township", "无此镇"), 1),
            (("branch", "add", "B1", "又"), 1),
        ]
        for args, code in cases:
            result = zh(*args, code=code)
            assert english(said(result)) == [], (args, said(result))
            assert re.search("[\u4e00-\u9fff]", result.stderr), (args, result.stderr)

    def test_no_database(self, cli, tmp_path: Path) -> None:
        result = cli("--lang", "zh", "--db", tmp_path / "none.db", "cadre", "list")
        assert result.exit_code == 1 and "没有 trainlog 数据库" in result.stderr
        assert english(result.stderr) == []

    def test_successes_and_summaries(self, zh, tmp_path: Path) -> None:
        folder = tmp_path / "book.xlsx"
        folder.mkdir()
        roster = tmp_path / "r.csv"
        roster.write_text("培训编号,日期,类别,形式,培训名称,学时,干部编号\nR1,2020-03-01,政策培训,推进会,会,2,G1\n",
                          encoding="utf-8")
        study = tmp_path / "s.csv"
        study.write_text("干部编号,学时\nG1,6\n", encoding="utf-8")
        cadres = tmp_path / "c.csv"
        cadres.write_text("编号,姓名,党支部\nG5,李,B1\n", encoding="utf-8")
        survey = tmp_path / "v.csv"
        survey.write_text("日期,方式,主题\n2020-03-01,走访,乡村振兴\n", encoding="utf-8")
        runs = [
            ("cadre", "import", cadres), ("cadre", "import", cadres, "--dry-run"),
            ("session", "import", roster), ("study", "import", study, "--month", "2020-03"),
            ("survey", "import", survey),
            ("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
             "--attendee", "G1", "--headcount", "3", "--ref", "X1"),
            ("session", "void", "X1", "--reason", "重复"),
            ("study", "add", "G1", "--month", "2020-03", "--hours", "4"),
            ("cadre", "edit", "G5", "--unit", "某单位"), ("cadre", "deactivate", "G5"),
            ("config", "set", "compliance.min_month", "4"), ("config", "unset", "compliance.min_month"),
            ("branch", "add", "B2", "二支部"), ("init",),
        ]
        for args in runs:
            result = zh(*args, code=0)
            assert english(said(result)) == [], (args, said(result))
        other = tmp_path / "o.csv"
        other.write_text("干部编号,学时,月份\nG1,6,2020-04\nG1,2,2020-04\n", encoding="utf-8")
        twice = tmp_path / "t.csv"
        twice.write_text("培训编号,日期,类别,形式,培训名称,学时,干部编号\n"
                         "R2,2020-03-01,政策培训,推进会,会,2,G1\nR2,2020-03-02,政策培训,推进会,会,2,G1\n",
                         encoding="utf-8")
        for args in [("session", "void", "X1", "--reason", "again"),
                     ("study", "import", other, "--month", "2020-03"),
                     ("session", "import", twice)]:
            result = zh(*args, code=1)
            assert english(said(result)) == [], (args, said(result))

    def test_conditions(self, zh) -> None:
        assert zh("plan", "set", "2020", "--target", "1000").exit_code == 0
        behind = zh("report", "--year", "2020", "--as-of", "2020-06-30", "--fail-if-behind",
                    "-f", "json", code=3)
        assert "落后于计划" in behind.stderr and english(behind.stderr) == []
        short = zh("compliance", "--month", "2020-03", "--fail-if-any", "-f", "json", code=3)
        assert "学时不足" in short.stderr and english(short.stderr) == []

    def test_english_is_as_before(self, cli, db) -> None:
        cli("branch", "add", "B1", "支部")
        assert cli("cadre", "show", "G404").stderr == "no cadre with code 'G404'\n"
        assert cli("cadre", "add", "G1", "王芳").stdout == "added cadre G1 王芳\n"


def test_config_show_describes_in_chinese(zh) -> None:
    table = zh("config", "show", code=0).stdout
    assert "每月应学的网络学习学时" in table and english(table) == []
    assert "online-study hours required per month" in zh("config", "show", "-f", "json").stdout


@pytest.mark.parametrize("args", [["cadre", "list", "--bogus"], ["cadre", "lst"],
                                  ["study", "add", "G1"], ["cadre", "list", "--format", "xml"],
                                  ["cadre", "show", "G1", "--year", "x"],
                                  ["cadre", "show", "G1", "extra"], ["cadre", "list", "--level"]])
def test_usage_errors_in_chinese(cli, args: list[str]) -> None:
    result = cli("--lang", "zh", *args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "错误" in result.stderr and english(result.stderr) == [], result.stderr
    again = cli(*args, env={"COLUMNS": "300"})  # English again in the same process
    assert again.exit_code == 2 and "Error" in again.stderr


def zh_said(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """What a command said, checked: its exit code, Chinese (on stderr when it failed) and no
    English sentence (the command lines `demo` suggests aside)."""
    text = said(result)
    assert result.exit_code == code, (code, text)
    assert re.search("[\u4e00-\u9fff]", result.stderr if code else text), text
    lines = [x for x in text.splitlines() if not x.lstrip().startswith(("trainlog ", "export "))]
    assert english("\n".join(lines)) == [], text
    return text


class TestRareMessages:
    """The rarer messages (issue 20's rest), each triggered under --lang zh."""

    def test_offices(self, zh, tmp_path: Path) -> None:
        assert "已添加单位 Z2 二单位" in zh_said(zh("office", "add", "Z2", "二单位"), 0)
        assert "已存在" in zh_said(zh("office", "add", "Z2", "又"), 1)
        assert "没有单位 'NOPE'" in zh_said(zh("office", "add", "Z3", "三", "--parent", "NOPE"), 1)
        zh_said(zh("office", "list"), 0)
        which = zh_said(zh("cadre", "list"), 1)  # two offices now, none chosen
        assert "使用哪个单位" in which and "main" in which
        assert "Z2，main" in zh_said(zh("--office", "NOPE", "cadre", "list"), 1)  # 单位有 or 角色…的单位
        assert "没有单位 'NEW'" in zh_said(zh("init", "--office", "NEW"), 1)

    def test_grants_are_for_postgresql(self, zh, database_url: str) -> None:
        if "://" in database_url:
            pytest.skip("SQLite's refusal")
        for verb in ("grant", "revoke"):
            assert "PostgreSQL" in zh_said(zh("office", verb, "clerk", "main"), 1)

    def test_reading_files(self, zh, tmp_path: Path, write_csv, write_xlsx) -> None:
        good = write_csv(tmp_path / "c.csv", ["编号", "姓名", "党支部"], [["G7", "李", "B1"]])
        page = tmp_path / "page.xls"
        page.write_text("<html><table><tr><td>x</td></tr></table></html>", encoding="utf-8")
        zip_ = tmp_path / "bad.xlsx"
        zip_.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
        ole = tmp_path / "bad.xls"
        ole.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100)
        big5 = write_csv(tmp_path / "big5.csv", ["code", "name", "branch"],
                         [["G101", "張偉", "城關鎮機關黨支部"], ["G102", "李強", "東城鄉人民政府"]],
                         encoding="big5")
        junk = write_csv(tmp_path / "junk.csv", ["甲", "乙"], [["1", "2"]])
        book = write_xlsx(tmp_path / "c.xlsx", ["编号", "姓名", "党支部"], [["G8", "王", "B1"]])
        cases = [
            (("cadre", "import", tmp_path), 1, "文件夹"),
            (("cadre", "import", page), 1, "网页"),
            (("cadre", "import", zip_), 1, "不是可读取的 .xlsx 工作簿"),
            (("cadre", "import", ole), 1, "不是可读取的 .xls 工作簿"),
            (("cadre", "import", big5), 1, "不像中文"),
            (("cadre", "import", junk), 1, "没有表头"),
            (("cadre", "import", good, "--sheet", "2"), 1, "是文本文件"),
            (("cadre", "import", book, "--sheet", "无此表"), 1, "没有工作表"),
            (("cadre", "import", good, "--map", "nonsense"), 1, "--map"),
            (("cadre", "import", good, "--map", "编号=nope"), 1, "不是此类文件的列"),
            (("cadre", "import", good, "--header-row", "0"), 1, "不是行号"),
            (("cadre", "import", good, "--header-row", "99"), 1, "行数不足"),
            (("cadre", "import", good, "--ignore", "无此列"), 1, "表头中没有这一列"),
            (("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
              "--attendees-file", good, "--encoding", "nope"), 1, "不是可识别的编码"),
            (("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
              "--attendees-file", good, "--encoding", "rot13"), 1, "不是文本编码"),
            (("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
              "--attendees-file", good, "--encoding", "ascii"), 1, "无法按 ascii 读取"),
        ]
        for args, code, words in cases:
            assert words in zh_said(zh(*args), code), args

    def test_names_and_rejects(self, zh, tmp_path: Path, write_csv) -> None:
        by_name = write_csv(tmp_path / "n.csv", ["培训编号", "日期", "类别", "形式", "培训名称", "学时",
                                                 "姓名", "单位"],
                            [["R1", "2020-03-01", "政策培训", "推进会", "会", "2", "无名氏", "某处"]])
        assert "没有名为 无名氏 的干部" in zh_said(zh("session", "import", by_name), 1)
        no_unit = write_csv(tmp_path / "u.csv", ["培训编号", "日期", "类别", "形式", "培训名称", "姓名"],
                            [["R1", "2020-03-01", "政策培训", "推进会", "会", "王芳"]])
        assert "缺少必需的列" in zh_said(zh("session", "import", no_unit), 1)
        plain = write_csv(tmp_path / "p.csv", ["编号", "姓名", "党支部"], [["G6", "赵", "B1"]])
        assert "不同的文件" in zh_said(zh("cadre", "import", plain, "--rejects", plain), 1)
        cadres = write_csv(tmp_path / "c.csv", ["编号", "姓名", "党支部", "备用"],
                           [["G7", "李", "B1", "x"], ["合计", "", "", ""]])
        summary = zh_said(zh("cadre", "import", cadres, "--ignore-extra",
                             "--rejects", tmp_path / "bad.csv"), 0)
        assert "已忽略的列" in summary

    def test_database(self, zh, cli, tmp_path: Path, database_url: str) -> None:
        assert "--db 为空" in zh_said(zh("--db", "", "cadre", "list"), 1)
        assert "TRAINLOG_DB 已设置但为空" in zh_said(zh("cadre", "list", env={"TRAINLOG_DB": ""}), 1)
        assert "内存中" in zh_said(zh("--db", "sqlite://", "cadre", "list"), 1)
        junk = tmp_path / "junk.db"
        junk.write_bytes(b"not a database at all, " * 100)
        assert "不是 SQLite 数据库" in zh_said(zh("--db", junk, "cadre", "list"), 1)
        assert "文件夹不存在" in zh_said(zh("db", "backup", tmp_path / "no" / "x.db"), 1)
        if "://" in database_url:
            return
        copy = tmp_path / "copy.db"
        assert "已备份" in zh_said(zh("db", "backup", copy), 0)
        assert "--force" in zh_said(zh("db", "backup", copy), 1)
        assert "不是普通文件" in zh_said(zh("db", "backup", "/dev/null", "--force"), 1)
        ro = f"sqlite:///{database_url}?mode=ro"
        assert "只读" in zh_said(zh("--db", ro, "branch", "add", "B9", "九"), 1)
        marker = Path(database_url + ".damaged")
        marker.write_text("test", encoding="utf-8")
        assert "已被发现损坏" in zh_said(zh("branch", "add", "B9", "九"), 1)
        marker.unlink()
        other = tmp_path / "other.db"
        import sqlite3

        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE x (y)")
        assert "不属于 trainlog" in zh_said(zh("--db", other, "init"), 1)
        for revision, words in (("9999", "更新版本的 trainlog"), ("abc", "其他程序的数据库")):
            with sqlite3.connect(copy) as conn:
                conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
            assert words in zh_said(zh("--db", copy, "cadre", "list"), 1)

    def test_db_check(self, zh, database_url: str) -> None:
        table = zh("db", "check", env={"COLUMNS": "300"})
        assert table.exit_code == 0 and english(table.stdout) == [], table.stdout
        assert "每个引用都指向存在的行" in table.stdout
        if "://" in database_url:
            return
        import sqlite3

        with sqlite3.connect(database_url) as conn:
            conn.execute("INSERT INTO setting (office_id, key, value) VALUES (1, 'x.y', '1')")
            conn.execute("INSERT INTO setting (office_id, key, value) "
                         "VALUES (1, 'compliance.min_month', '9999')")
            conn.execute("UPDATE training_session SET track = 'nope'")
            conn.execute("UPDATE alembic_version SET version_num = '0003'")
        failed = zh("db", "check", env={"COLUMNS": "300"})
        text = zh_said(failed, 1)
        assert "未知的设置项 'x.y'" in text and "超出其范围" in text and "结构版本 0003" in text

    def test_demo(self, zh, tmp_path: Path) -> None:
        assert "SQLite 文件" in zh_said(zh("demo", "--db", "sqlite:///x.db"), 1)
        there = tmp_path / "there.db"
        there.write_text("x", encoding="utf-8")
        assert "已存在" in zh_said(zh("demo", "--db", there), 1)
        shown = zh_said(zh("demo", "--db", tmp_path / "demo.db"), 0)
        assert "正在把召陵区" in shown and "调研答复：新增" in shown and "接下来可以试试" in shown

    def test_plans(self, zh) -> None:
        assert "已设定 2020 年度计划" in zh_said(zh("plan", "set", "2020", "--target", "10"), 0)
        assert "已更新" in zh_said(zh("plan", "set", "2020", "--target", "20"), 0)
        assert "须在本年度之内" in zh_said(
            zh("plan", "set", "2020", "--target", "10", "--deadline", "2021-01-01"), 1)
        assert "超出计划可容纳的人次" in zh_said(
            zh("plan", "set", "2020", "--target", str(10**12)), 1)
        assert "尚未设定年度计划" in zh_said(zh("plan", "show", "2019"), 0)

    def test_sessions_study_survey_templates(self, zh, tmp_path: Path) -> None:
        for ref in ("2", "1"):  # session 1 has ref 2, session 2 ref 1
            assert zh("add-session", "--date", "2020-03-05", "--track", "policy", "--title", "会",
                      "--attendee", "G1", "--ref", ref).exit_code == 0
        folder = tmp_path / "book.xlsx"
        folder.mkdir()
        roster = tmp_path / "r.csv"
        roster.write_text("培训编号,日期,类别,形式,培训名称,学时,干部编号\n"
                          "2,2020-04-01,政策培训,推进会,会,2,G1\n", encoding="utf-8")
        cases = [
            (("session", "show", "1"), 1, "既是培训"),
            (("session", "show", "1", "--id", "--ref"), 1, "不要同时给出"),
            (("session", "import", roster), 1, "不同的培训须用各自的编号"),
            (("study", "add", "G1", "--month", "2020-02", "--hours", "700"), 1, "总时数"),
            (("compliance", "--month", "2020-03", "--min-month", "-1"), 1, "不是学时数"),
            (("survey", "add", "--date", "2020-03-01", "--method", "visit", "--topic",
              "capacity:文字"), 1, "只有 other"),
            (("survey", "add", "--date", "2020-03-01", "--method", "visit", "--topic",
              "capacity", "--cadre", "G1", "--respondent", "某人"), 1, "不要同时给出"),
            (("template", "nope", tmp_path / "t.csv"), 1, "不是文件的种类"),
            (("template", "cadres", tmp_path / "t.txt"), 1, ".xlsx 或 .csv"),
            (("export", "--year", "2020", folder), 1, "是文件夹"),
        ]
        for args, code, words in cases:
            assert words in zh_said(zh(*args), code), args


class TestMessagesOfFaults:
    """Messages of faults a test cannot cause from the command line (a full disk, a failing one,
    a conflict that persists, pg_dump missing), said by the core in zh-CN."""

    @pytest.fixture(autouse=True)
    def chinese(self):  # type: ignore[no-untyped-def]
        from trainlog.vocab import set_lang

        set_lang("zh")
        yield
        set_lang("en")

    @staticmethod
    def error(text: str, name: str):  # type: ignore[no-untyped-def]
        import sqlite3

        exc = sqlite3.OperationalError(text)
        exc.sqlite_errorname = name  # type: ignore[attr-defined]
        return exc

    def test_the_drivers_faults(self, tmp_path: Path) -> None:
        from trainlog.store.database import Database

        db = Database(str(tmp_path / "x.db"))
        faults = [("database or disk is full", "SQLITE_FULL", "磁盘已满"),
                  ("file is not a database", "SQLITE_NOTADB", "不是 SQLite 数据库"),
                  ("database disk image is malformed", "SQLITE_CORRUPT", "已损坏"),
                  ("disk I/O error", "SQLITE_IOERR_WRITE", "无法写入数据库"),
                  ("disk I/O error", "SQLITE_IOERR_SHORT_READ", "无法读写数据库"),
                  ("database is locked", "SQLITE_BUSY", "正忙")]
        for text, name, words in faults:
            said = str(db._driver_error(self.error(text, name)))
            assert words in said and english(said) == [], said

    def test_a_conflict_that_persists(self) -> None:
        from trainlog.errors import DatabaseBusy
        from trainlog.store.database import retrying

        class Conflict(Exception):
            sqlstate = "40001"

        def conflict() -> None:
            raise Conflict("could not serialize access")

        with pytest.raises(DatabaseBusy) as raised:
            retrying(conflict, attempts=1)
        assert "冲突" in str(raised.value) and english(str(raised.value)) == []

    def test_no_pg_dump(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        import shutil

        from trainlog.errors import TrainlogError
        from trainlog.store.database import Database

        monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
        with pytest.raises(TrainlogError) as raised:
            Database("postgresql://u@localhost/nowhere").backup(tmp_path / "x.dump")
        assert "pg_dump" in str(raised.value) and english(str(raised.value)) == []
