"""What a command imports before it answers: the fast paths stay fast (issue 11, start-up).

A command run from the shell registers only its own module's commands (`trainlog.cli.COMMANDS`),
and the commands a district runs all day read a SQLite file through the standard library's
sqlite3: they must not import SQLAlchemy, SQLModel, Alembic, openpyxl or the models. Each case runs
in a fresh interpreter, as the console script does, and lists the modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import trainlog.cli as cli_package
from trainlog.cli import COMMANDS, MODULES, modules_for

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "openpyxl", "trainlog.store.schema", "psycopg")

#: Runs the console script's main() with the given arguments, then prints the modules it loaded.
PROBE = """
import json, sys
sys.argv = ["trainlog", *json.loads(sys.argv[1])]
from trainlog.cli import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded(args: list[str], env_db: str) -> tuple[list[str], str]:
    """The modules a command loaded, and what it printed on stdout."""
    import os

    env = dict(os.environ, TRAINLOG_DB=env_db)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True,
                          text=True, env=env, timeout=120)
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    assert line, done.stderr
    return json.loads(line[-1][len("MODULES "):]), done.stdout


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]


def test_the_map_names_every_top_level_command() -> None:
    """COMMANDS has each command and group of the full tree, and nothing else."""
    app = cli_package.app
    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    assert set(COMMANDS) == names
    assert set(COMMANDS.values()) == set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_each_module_adds_the_commands_the_map_gives_it(module: str, tmp_path: Path) -> None:
    """Registering one module alone gives exactly the top-level names COMMANDS maps to it."""
    code = (f"from trainlog.cli import register\napp = register([{module!r}])\n"
            "names = [c.name or c.callback.__name__.replace('_', '-') "
            "for c in app.registered_commands] + [g.name for g in app.registered_groups]\n"
            "print(' '.join(sorted(names)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == sorted(k for k, v in COMMANDS.items() if v == module)


@pytest.mark.parametrize("args, expected", [
    (["report", "--month", "2020-04"], ["reports"]),
    (["--db", "report", "coverage"], ["study"]),  # "report" is the value of --db here
    (["--lang", "zh", "add-session", "--date", "x"], ["sessions"]),
    (["--db=x.db", "plan", "show"], ["reports"]),
    (["--help"], None),
    (["--version"], None),
    ([], None),
    (["no-such-command"], None),
])
def test_modules_for(args: list[str], expected: list[str] | None) -> None:
    assert modules_for(args) == expected


@pytest.mark.sqlite_only("tests what a SQLite file's reads import; PostgreSQL loads psycopg (its own start-up tests)")
def test_db_info_and_export_do_not_import_sqlalchemy(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """db info and export on a SQLite file read without SQLAlchemy or the models (export loads
    openpyxl, which writes the workbook), and say what in-process runs say."""
    assert cli("branch", "add", "B1", "一支部").exit_code == 0
    assert cli("cadre", "add", "G1", "张三", "--branch", "B1").exit_code == 0
    assert cli("add-session", "--date", "2020-04-02", "--track", "video", "--kind", "remote",
               "--title", "远程教育", "--branch", "B1", "--attendee", "G1", "--hours", "2"
               ).exit_code == 0
    args = ["db", "info", "--format", "json"]
    modules, out = loaded(args, str(db.path))
    assert heavy(modules) == [], heavy(modules)
    assert json.loads(out) == json.loads(cli(*args).stdout)
    assert json.loads(out)["tables"]["attendance"] == 1

    book = tmp_path / "y.xlsx"
    modules, out = loaded(["--lang", "en", "export", "--year", "2020", str(book)], str(db.path))
    assert [m for m in heavy(modules) if not m.startswith("openpyxl")] == []
    assert "1 sessions, 1 cadres" in out and book.is_file()


@pytest.mark.sqlite_only("tests what a SQLite file's init imports; PostgreSQL loads psycopg (its own start-up tests)")
def test_init_of_an_existing_database_does_not_import_sqlalchemy(db) -> None:  # type: ignore[no-untyped-def]
    """init on an existing, current SQLite file opens it with sqlite3 alone and says so; on a new
    file it creates the schema (with SQLAlchemy and Alembic)."""
    modules, out = loaded(["init"], str(db.path))
    assert heavy(modules) == [], heavy(modules)
    assert out.strip() == str(db.path)
    fresh = db.path.with_name("fresh.db")
    modules, out = loaded(["init"], str(fresh))
    assert "alembic" in heavy(modules) and fresh.is_file()
    modules, _ = loaded(["init"], str(fresh))
    assert heavy(modules) == []


def test_db_info_lists_the_schemas_tables() -> None:
    """store/info.py names the tables without importing the models: the same, in order."""
    from trainlog.store import info, schema

    assert info.TABLES == schema.TABLES
    assert set(info.TABLES) == set(schema.SQLModel.metadata.tables)


@pytest.mark.sqlite_only("tests what a SQLite file's reads import; PostgreSQL loads psycopg (its own start-up tests)")
def test_reports_do_not_import_sqlalchemy(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """report, compliance, coverage, plan show and config show on a SQLite file answer without
    SQLAlchemy (and the same figures as in-process, where everything is imported)."""
    assert cli("branch", "add", "B1", "一支部", "--township", "城关镇").exit_code == 0
    assert cli("cadre", "add", "G1", "张三", "--branch", "B1",
               "--registered-on", "2019-05-01").exit_code == 0
    assert cli("add-session", "--date", "2020-04-02", "--track", "video", "--kind", "remote",
               "--title", "远程教育", "--branch", "B1", "--attendee", "G1", "--hours", "2",
               "--headcount", "3").exit_code == 0
    assert cli("plan", "set", "2020", "--target", "2000").exit_code == 0
    cases = [
        ["report", "--month", "2020-04", "--format", "json"],
        ["report", "--year", "2020", "--by", "township", "--format", "json"],
        ["compliance", "--month", "2020-04", "--format", "json"],
        ["coverage", "--year", "2020", "--format", "json"],
        ["plan", "show", "--format", "json"],
        ["config", "show", "--format", "json"],
    ]
    for args in cases:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert json.loads(out) == json.loads(cli(*args).stdout), args
    report = json.loads(loaded(cases[0], str(db.path))[1])
    assert report["total"]["person_times"] == 4 and report["plan"]["target"] == 2000


@pytest.mark.sqlite_only("tests what a SQLite file's reads and writes import; PostgreSQL goes "
                         "through SQLAlchemy")
def test_sessions_and_plans_do_not_import_sqlalchemy(cli, db) -> None:  # type: ignore[no-untyped-def]
    """session list, show and void and plan set on a SQLite file run without SQLAlchemy,
    SQLModel or the models, and say what in-process runs say."""
    assert cli("branch", "add", "B1", "一支部").exit_code == 0
    assert cli("cadre", "add", "G1", "张三", "--branch", "B1").exit_code == 0
    for ref in ("S1", "S2"):
        assert cli("add-session", "--date", "2020-04-02", "--track", "policy", "--title", "推进会",
                   "--branch", "B1", "--attendee", "G1", "--hours", "2", "--headcount", "3",
                   "--ref", ref).exit_code == 0
    reads = [
        ["session", "list", "--month", "2020-04", "--branch", "B1", "--format", "json"],
        ["session", "show", "S1", "--format", "json"],
        ["session", "show", "1"],
        ["plan", "show", "--format", "json"],
    ]
    for args in reads:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert out == cli(*args).stdout, args
    writes = [
        (["session", "void", "S1", "--reason", "entered twice"],
         "voided session 1, ref S1: its 4 person-times no longer count\n"),
        (["plan", "set", "2020", "--target", "2000"],
         "set the 2020 plan (all tracks): 2,000 person-times by 2020-12-31\n"),
        (["plan", "set", "2020", "--target", "2500", "--deadline", "2020-11-30"],
         "updated the 2020 plan (all tracks): 2,500 person-times by 2020-11-30 "
         "(was 2,000 by 2020-12-31)\n"),
    ]
    for args, said in writes:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert out == said, args
    shown = json.loads(cli("session", "show", "S1", "--format", "json").stdout)
    assert (shown["void"], shown["void_reason"], shown["voided_by"]) == (True, "entered twice",
                                                                         "test")
    assert shown["voided_at"] == shown["updated_at"] and shown["voided_at"].endswith("+00:00")
    assert [r["ref"] for r in json.loads(cli("session", "list", "--format", "json").stdout)] == \
        ["S2"]
    assert json.loads(cli("plan", "show", "--format", "json").stdout) == [
        {"year": 2020, "track": None, "target": 2500, "deadline": "2020-11-30"}]


@pytest.mark.parametrize("module", MODULES)
def test_command_modules_annotate_without_strings(module: str) -> None:
    """Typer reads each command's parameters from its annotations when it builds the command
    tree: a module under `from __future__ import annotations` makes it compile and evaluate
    every one as a string (typing.get_type_hints), about 5 ms of each command's start-up."""
    import __future__

    import importlib

    mod = importlib.import_module(f"trainlog.cli.{module}")
    assert getattr(mod, "annotations", None) is not __future__.annotations
    own = [fn for fn in vars(mod).values()
           if callable(fn) and getattr(fn, "__module__", None) == mod.__name__]
    assert own
    assert not [(fn.__name__, hint) for fn in own
                for hint in getattr(fn, "__annotations__", {}).values() if isinstance(hint, str)]


def test_help_does_not_import_the_database_layer(tmp_path: Path) -> None:
    modules, out = loaded(["--help"], str(tmp_path / "none.db"))
    assert "report" in out and "add-session" in out
    assert heavy(modules) == []


@pytest.mark.sqlite_only("tests what a SQLite file's reads and writes import; PostgreSQL goes "
                         "through SQLAlchemy")
def test_registry_commands_do_not_import_sqlalchemy(cli, db, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    write_csv) -> None:
    """branch add, import and list and cadre add, import, list, edit and deactivate on a SQLite
    file run without SQLAlchemy, SQLModel or the models, and say what in-process runs say."""
    branches = write_csv(tmp_path / "b.csv", ["编号", "名称", "乡镇"],
                         [["B1", "一支部", "城关镇"], ["B2", "二支部", "东城乡"]])
    cadres = write_csv(tmp_path / "c.csv", ["编号", "姓名", "党支部", "一把手", "网络学院注册日期"],
                       [["G1", "张三", "B1", "是", "2020-01-18"], ["G2", "李四", "B2", "否", ""]])
    writes = [
        (["branch", "import", str(branches), "--dry-run"],
         "branches: would import 2 rows: 2 created, 0 updated, 0 unchanged\n"),
        (["branch", "import", str(branches)],
         "branches: imported 2 rows: 2 created, 0 updated, 0 unchanged\n"),
        (["branch", "add", "B3", "三支部", "--township", "城关镇"], "added branch B3 三支部\n"),
        (["cadre", "import", str(cadres), "--dry-run", "--format", "json"],
         '{\n  "rows": 2,\n  "created": 2,\n  "updated": 0,\n  "unchanged": 0,\n'
         '  "dry_run": true\n}\n'),
        (["cadre", "import", str(cadres)],
         "cadres: imported 2 rows: 2 created, 0 updated, 0 unchanged\n"),
        (["cadre", "add", "G3", "王五", "--branch", "B3", "--poverty-cadre"],
         "added cadre G3 王五\n"),
        (["cadre", "edit", "G2", "--unit", "东城村", "--registered-on", "2020-04-03"],
         "updated cadre G2 李四\n"),
        (["cadre", "deactivate", "G3"], "deactivated cadre G3 王五\n"),
    ]
    for args, said in writes:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert out == said, args
    reads = [
        ["branch", "list", "--format", "json"],
        ["branch", "list", "--township", "城关镇"],
        ["cadre", "list", "--all", "--format", "json"],
        ["cadre", "list", "--branch", "B1", "--top-leader", "--format", "csv"],
        ["--lang", "zh", "cadre", "list"],
    ]
    for args in reads:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert out == cli(*args).stdout, args
    listed = json.loads(cli("cadre", "list", "--all", "--format", "json").stdout)
    assert [(c["code"], c["branch"], c["top_leader"], c["poverty_cadre"], c["unit"],
             c["registered_on"], c["active"]) for c in listed] == [
        ("G1", "B1", True, False, None, "2020-01-18", True),
        ("G2", "B2", False, False, "东城村", "2020-04-03", True),
        ("G3", "B3", False, True, None, None, False)]


@pytest.mark.sqlite_only("tests what a SQLite file's writes import; PostgreSQL loads psycopg (its own start-up tests)")
def test_study_import_and_add_do_not_import_sqlalchemy(cli, db, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      write_csv) -> None:
    """study import (dry run, then for real) and study add on a SQLite file write without
    SQLAlchemy, SQLModel, pydantic or the models, and say what in-process runs say."""
    assert cli("branch", "add", "B1", "一支部").exit_code == 0
    for code, registered in (("G1", "2019-05-01"), ("G2", "2020-06-01"), ("G3", "")):
        args = ["--registered-on", registered] if registered else []
        assert cli("cadre", "add", code, "张三", "--branch", "B1", *args).exit_code == 0
    path = write_csv(tmp_path / "study.csv", ["干部编号", "学时", "平台", "月份"],
                     [["G1", "6.5", "干部网络学院", "2020-03"], ["G2", "2", "", "2020/3"],
                      ["G3", "1", "学习强国", "2020-03"]])
    cases = [
        ["study", "import", str(path), "--dry-run", "--format", "json"],
        ["study", "import", str(path), "--format", "json"],
        ["study", "add", "G1", "--month", "2020-04", "--hours", "3"],
        ["study", "add", "G1", "--month", "2020-04", "--hours", "4", "--platform", "xuexi"],
    ]
    outs = []
    for args in cases:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [] and "pydantic" not in modules, (args, heavy(modules))
        outs.append(out)
    assert json.loads(outs[0]) | {"dry_run": False} == json.loads(outs[1])
    assert json.loads(outs[1])["created"] == 3 and len(json.loads(outs[1])["warnings"]) == 2
    assert outs[2] == "recorded G1 2020-04 academy: 3 hours\n"
    # The same again in-process (everything imported): the records are there, nothing changes.
    again = json.loads(cli(*cases[1]).stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert cli(*cases[2]).stdout == "recorded G1 2020-04 academy: 3 hours (was 3)\n"
    shown = json.loads(cli("cadre", "show", "G1", "--format", "json").stdout)["study"]
    assert shown == [{"month": "2020-03", "platform": "academy", "hours": 6.5},
                     {"month": "2020-04", "platform": "academy", "hours": 3.0},
                     {"month": "2020-04", "platform": "xuexi", "hours": 4.0}]


@pytest.mark.sqlite_only("tests what a SQLite file's survey commands import; PostgreSQL goes "
                         "through SQLAlchemy")
def test_survey_commands_do_not_import_sqlalchemy(cli, db, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  write_csv) -> None:
    """survey list, report, add and import (a dry run) on a SQLite file run without SQLAlchemy,
    SQLModel or the models, and say what in-process runs say."""
    assert cli("cadre", "add", "G1", "张三").exit_code == 0
    assert cli("add-session", "--date", "2020-04-02", "--track", "special", "--kind", "key",
               "--topic", "capacity", "--title", "能力提升班", "--attendee", "G1",
               "--headcount", "3").exit_code == 0
    assert cli("survey", "add", "--date", "2020-03-02", "--method", "visit", "--topic",
               "capacity", "--topic", "other:直播带货", "--respondent", "东城村").exit_code == 0
    path = write_csv(tmp_path / "survey.csv", ["日期", "方式", "主题", "干部编号"],
                     [["2020-03-03", "电话问询", "扶贫产业", "G1"]])
    cases = [
        ["survey", "list", "--year", "2020", "--format", "json"],
        ["survey", "list", "--year", "2020", "--cadre", "G1", "--topic", "capacity",
         "--format", "json"],
        ["survey", "report", "--year", "2020", "--format", "json"],
        ["survey", "import", str(path), "--dry-run", "--format", "json"],
    ]
    for args in cases:
        modules, out = loaded(args, str(db.path))
        assert heavy(modules) == [], (args, heavy(modules))
        assert json.loads(out) == json.loads(cli(*args).stdout), args
    modules, out = loaded(["survey", "add", "--date", "2020-03-04", "--method", "phone",
                           "--topic", "扶贫产业", "--cadre", "G1"], str(db.path))
    assert heavy(modules) == [], heavy(modules)
    assert out == "added survey answer 2: 2020-03-04 phone, topics poverty-industry\n"
    report = json.loads(cli("survey", "report", "--year", "2020", "--format", "json").stdout)
    assert report["answers"] == 2  # the dry runs wrote nothing, the add did


#: What a PostgreSQL command may not load: psycopg is its driver.
PG_HEAVY = tuple(m for m in HEAVY if m != "psycopg")


def pg_heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in PG_HEAVY or m in PG_HEAVY]


@pytest.fixture
def pg_db(db, backend: str):  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("needs a PostgreSQL server: --test-db URL or TRAINLOG_TEST_DB")
    return db


def test_postgresql_reads_do_not_import_sqlalchemy(cli, pg_db) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL with a current schema, reports and listings read through psycopg alone
    (no SQLAlchemy, SQLModel, Alembic or the models), and say what in-process runs say."""
    assert cli("branch", "add", "B1", "一支部", "--township", "城关镇").exit_code == 0
    assert cli("cadre", "add", "G1", "张三", "--branch", "B1",
               "--registered-on", "2019-05-01").exit_code == 0
    for ref in ("S1", "S2"):
        assert cli("add-session", "--date", "2020-04-02", "--track", "video", "--kind", "remote",
                   "--title", "远程教育", "--branch", "B1", "--attendee", "G1", "--hours", "2",
                   "--headcount", "3", "--ref", ref).exit_code == 0
    assert cli("plan", "set", "2020", "--target", "2000").exit_code == 0
    cases = [
        ["report", "--month", "2020-04", "--format", "json"],
        ["report", "--year", "2020", "--by", "township", "--format", "json"],
        ["compliance", "--month", "2020-04", "--format", "json"],
        ["coverage", "--year", "2020", "--format", "json"],
        ["plan", "show", "--format", "json"],
        ["cadre", "list", "--all", "--format", "json"],
        ["branch", "list", "--format", "json"],
        ["session", "list", "--month", "2020-04", "--branch", "B1", "--format", "json"],
        ["session", "show", "S1", "--format", "json"],
    ]
    for args in cases:
        modules, out = loaded(args, pg_db.url)
        assert "psycopg" in modules, args
        assert pg_heavy(modules) == [], (args, pg_heavy(modules))
        assert json.loads(out) == json.loads(cli(*args).stdout), args
    modules, out = loaded(["db", "info", "--format", "json"], pg_db.url)
    assert pg_heavy(modules) == [], pg_heavy(modules)
    info = json.loads(out)
    assert info == json.loads(cli("db", "info", "--format", "json").stdout)
    assert info["engine"] == "postgresql" and info["tables"]["attendance"] == 2
    assert "***" in info["location"]
    modules, out = loaded(["init"], pg_db.url)
    assert pg_heavy(modules) == [] and out.strip() == pg_db.display(), pg_heavy(modules)
    report = json.loads(loaded(cases[0], pg_db.url)[1])
    assert report["total"]["person_times"] == 8 and report["plan"]["target"] == 2000


def test_postgresql_db_check_does_not_import_sqlalchemy(cli, pg_db) -> None:  # type: ignore[no-untyped-def]
    """db check on PostgreSQL runs on psycopg alone: the keys it compares with the catalog are
    trainlog.store.schema_keys, not the models; it finds what in-process runs find, a broken
    key included, and an older revision is reported without SQLAlchemy too."""
    import psycopg

    assert cli("branch", "add", "B1", "一支部").exit_code == 0
    assert cli("cadre", "add", "G1", "张三", "--branch", "B1").exit_code == 0
    args = ["db", "check", "--format", "json"]
    modules, out = loaded(args, pg_db.url)
    assert "psycopg" in modules
    assert pg_heavy(modules) == [], pg_heavy(modules)
    report = json.loads(out)
    assert report["ok"] and report == json.loads(cli(*args).stdout)
    assert [c["name"] for c in report["checks"]][:2] == ["server", "constraints"]
    pg_db.dispose()
    conninfo = pg_db.url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("ALTER TABLE cadre DROP CONSTRAINT uq_cadre_office_code")
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
    modules, out = loaded(args, pg_db.url)
    assert pg_heavy(modules) == [], pg_heavy(modules)
    failed = {c["name"]: c["detail"] for c in json.loads(out)["checks"] if not c["ok"]}
    assert list(failed) == ["constraints", "revision"], failed
    assert "cadre (code, office_id): unique constraint missing" in failed["constraints"]


def test_postgresql_writes_do_not_import_sqlalchemy(cli, pg_db) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL with a current schema, everyday writes go through psycopg alone too."""
    writes = [
        (["branch", "add", "B1", "一支部"], "added branch B1 一支部\n"),
        (["cadre", "add", "G1", "张三", "--branch", "B1"], "added cadre G1 张三\n"),
        (["plan", "set", "2020", "--target", "2000"],
         "set the 2020 plan (all tracks): 2,000 person-times by 2020-12-31\n"),
        (["cadre", "edit", "G1", "--unit", "东城村"], "updated cadre G1 张三\n"),
    ]
    for args, said in writes:
        modules, out = loaded(args, pg_db.url)
        assert pg_heavy(modules) == [], (args, pg_heavy(modules))
        assert out == said, args
    modules, _ = loaded(["add-session", "--date", "2020-04-02", "--track", "policy", "--title",
                         "推进会", "--branch", "B1", "--attendee", "G1", "--hours", "2",
                         "--ref", "S1"], pg_db.url)
    assert pg_heavy(modules) == [], pg_heavy(modules)
    modules, out = loaded(["session", "void", "S1", "--reason", "entered twice"], pg_db.url)
    assert pg_heavy(modules) == [] and out.startswith("voided session"), (out, pg_heavy(modules))
    shown = json.loads(cli("session", "show", "S1", "--format", "json").stdout)
    assert shown["void"] is True and shown["voided_at"].endswith("+00:00")
