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
    r"|'[^'\n]*'")  # a value or a command line, quoted


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
