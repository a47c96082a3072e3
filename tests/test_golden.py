"""Every recorded command prints, byte for byte, what it printed on the Zhaoling data set when
its output was recorded (tests/golden/, by `python tests/golden_commands.py`): restructuring the
code changes no JSON, CSV or notice a user or a script reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_commands import COMMANDS, TODAY, name, normalise

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_output_is_as_recorded(cli, zhaoling: Path, monkeypatch: pytest.MonkeyPatch,
                               args: list[str]) -> None:
    monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))
    monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / name(args)).read_text(encoding="utf-8")
    assert normalise(result.stdout, str(zhaoling)) == expected


@pytest.fixture(scope="module")
def zhaoling_0002(zhaoling: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Zhaoling data set as a database of schema revision 0002 (before offices) holds it:
    the loaded file taken back with the migrations' own downgrade."""
    import shutil

    from test_migrations import migrate, stored_revision

    path = tmp_path_factory.mktemp("zhaoling-0002") / "z.db"
    shutil.copyfile(zhaoling, path)
    migrate(path, "0002", down=True)
    assert stored_revision(path) == "0002"
    return path


#: The recorded commands whose output shows the cadres' ranks (职级, a column of revision 0005 that
#: a database of revision 0002 cannot hold) or what they decide (the training hours of `cadre
#: show`, the notice's 学时达标 paragraph).
RANKED = {"cadre list --format json", "cadre list --poverty-cadre --format csv",
          "cadre show G0001 --format json", "cadre show G0190 --year 2020 --format json",
          "report --year 2020 --format notice", "--lang zh report --as-of 2020-04-03 --format notice"}


@pytest.fixture(scope="module")
def zhaoling_ranks(zhaoling: Path) -> list[tuple[str, str]]:
    """The data set's ranks as loaded: (rank, code), each the cadre's one rank for every date."""
    import sqlite3

    with sqlite3.connect(zhaoling) as conn:
        assert conn.execute("SELECT count(*) FROM cadre_fact WHERE rank IS NOT NULL "
                            "GROUP BY cadre_id HAVING count(DISTINCT rank) > 1").fetchall() == []
        return conn.execute("SELECT rank, code FROM cadre WHERE rank IS NOT NULL").fetchall()


def _give_ranks(path: Path, ranks: list[tuple[str, str]]) -> None:
    """The ranks an upgraded database could not bring along, set for every date (as
    `cadre edit --rank R --correct` does)."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.executemany("UPDATE cadre SET rank = ? WHERE code = ?", ranks)
        conn.executemany("UPDATE cadre_fact SET rank = ? WHERE cadre_id = "
                         "(SELECT id FROM cadre WHERE code = ?)", ranks)


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_an_upgraded_database_reports_as_before(cli, zhaoling_0002: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                zhaoling_ranks: list[tuple[str, str]],
                                                args: list[str]) -> None:
    """A database of revision 0002 opened by this trainlog is upgraded (its records put in one
    office) and every recorded command prints what it printed before offices existed; the
    recordings were made by the trainlog of revision 0002 (all but `db info`'s, which names the
    revision and the new tables, and those of `RANKED`, compared once the ranks revision 0002
    could not hold are given back)."""
    import shutil

    upgraded = zhaoling_0002.with_name(f"up-{name(args)}.db")
    shutil.copyfile(zhaoling_0002, upgraded)
    monkeypatch.setenv("TRAINLOG_DB", str(upgraded))
    monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    # said in the language of the run (issue 20): `--lang zh …` says it in zh-CN
    said = ("已把数据库结构从版本 0002 升级到" if "zh" in args
            else "upgraded the database schema from revision 0002")
    assert said in result.stderr
    expected = (GOLDEN / name(args)).read_text(encoding="utf-8")
    got = normalise(result.stdout, str(upgraded))
    if " ".join(args) in RANKED:
        assert got != expected  # (else it is not one of them)
        _give_ranks(upgraded, zhaoling_ranks)
        again = cli(*args)
        assert again.exit_code == 0, again.output
        got = normalise(again.stdout, str(upgraded))
    if args[:2] == ["db", "info"]:
        # the tables of revision 0005 hold what the migration made of the records (a fact row a
        # cadre), not the history, closed months and log the demo wrote: the others are as recorded
        import json

        new = ("cadre_fact", "month_close", "change_log")
        got_, expected_ = json.loads(got), json.loads(expected)
        assert got_["tables"]["cadre_fact"] == got_["tables"]["cadre"]
        assert (got_["tables"]["month_close"], got_["tables"]["change_log"]) == (0, 0)
        for data in (got_, expected_):
            for table in new:
                data["tables"].pop(table)
        assert got_ == expected_
        return
    assert got == expected
