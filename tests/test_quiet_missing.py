"""Imports for cron: --quiet prints nothing on stdout when all went well; a missing input file is
its own message and exit code, 4 (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

IMPORTS = {
    "branch": ("编号,名称,乡镇\nB1,支部,召陵镇\n", []),
    "cadre": ("编号,姓名,党支部,网络学院注册日期\nG1,王芳,B1,2020-01-01\n", []),
    "session": ("培训编号,日期,类别,形式,培训名称,学时,干部编号\nR1,2020-03-01,政策培训,推进会,会,2,G1\n", []),
    "study": ("干部编号,学时\nG1,6\n", ["--month", "2020-03"]),
    "survey": ("日期,方式,主题\n2020-03-01,走访,乡村振兴\n", []),
}


@pytest.mark.parametrize("quiet", ["--quiet", "-q"])
def test_quiet_imports_print_nothing(cli, db, tmp_path: Path, quiet: str) -> None:
    for what, (text, options) in IMPORTS.items():
        path = tmp_path / f"{what}.csv"
        path.write_text(text, encoding="utf-8")
        result = cli(what, "import", path, *options, quiet)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), what
        loud = cli(what, "import", path, *options)
        assert loud.exit_code == 0 and loud.stdout  # without it, the summary


def test_quiet_still_says_what_went_wrong(cli, db, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("编号,姓名,党支部\nG1,王芳,B404\n", encoding="utf-8")
    result = cli("cadre", "import", path, "--quiet")
    assert result.exit_code == 1 and "B404" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("what", [*IMPORTS])
def test_a_missing_file_exits_4(cli, db, tmp_path: Path, what: str) -> None:
    missing = tmp_path / "academy-2020-07.csv"
    result = cli(what, "import", missing, *IMPORTS[what][1])
    assert result.exit_code == 5
    assert result.stderr == f"{missing}: no such file\n" and result.stdout == ""


def test_a_missing_attendees_file_exits_4(cli, db, tmp_path: Path) -> None:
    result = cli("add-session", "--date", "2020-03-01", "--track", "policy", "--title", "会",
                 "--attendees-file", tmp_path / "nope.csv")
    assert result.exit_code == 5 and "no such file" in result.stderr


def test_a_folder_is_bad_data_not_missing(cli, db, tmp_path: Path) -> None:
    assert cli("cadre", "import", tmp_path).exit_code == 1


def test_missing_in_chinese(cli, db, tmp_path: Path) -> None:
    result = cli("--lang", "zh", "cadre", "import", tmp_path / "干部.csv")
    assert result.exit_code == 5 and "文件不存在" in result.stderr
