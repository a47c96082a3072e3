"""`db check`'s own workings: its list of the schema's keys, a check the database refuses, a
revision it does not know, and what it imports (the checks' findings: test_backup_check.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from trainlog.store.checks import FOREIGN_KEYS, run_checks
from trainlog.store.database import Database


def tamper(location: str, *statements: str) -> None:
    """Change the database behind trainlog's back."""
    if "://" in location:
        from sqlalchemy import create_engine

        engine = create_engine(location)
        try:
            with engine.begin() as conn:
                for sql in statements:
                    conn.exec_driver_sql(sql)
        finally:
            engine.dispose()
        return
    conn = sqlite3.connect(location, isolation_level=None)
    try:
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def failed(report: dict) -> list[str]:
    return [c["name"] for c in report["checks"] if not c["ok"]]


def test_the_foreign_keys_are_the_schemas() -> None:
    """The orphans check names the schema's foreign keys itself (the models are not imported)."""
    from trainlog.store.schema import TABLES, SQLModel

    declared = []
    for name in TABLES:
        found = []
        for key in SQLModel.metadata.tables[name].foreign_key_constraints:
            # a reference within the office is (office_id, column) -> (office_id, id)
            pairs = [(e.parent.name, e.column.name) for e in key.elements]
            by_id = [column for column, referred in pairs if referred == "id"]
            assert len(by_id) == 1 and all(referred in ("id", "office_id") and (
                referred == "id" or column == "office_id") for column, referred in pairs), key
            if len(pairs) == 2:
                assert ("office_id", "office_id") in pairs, key
            found.append((name, by_id[0], key.referred_table.name))
        declared += sorted(found)
    assert declared == FOREIGN_KEYS


def test_the_declared_keys_are_the_models() -> None:
    """PostgreSQL's constraints check compares the catalog with store/schema_keys.py, not with
    the models (which it does not import): that module must be what the models declare."""
    from schema_keys_gen import declared_keys
    from trainlog.store.schema_keys import DECLARED

    assert declared_keys() == DECLARED, (
        "src/trainlog/store/schema_keys.py is not what the models declare: regenerate it with "
        "`python tests/schema_keys_gen.py` and review the diff")


def test_regenerating_the_declared_keys(tmp_path: Path) -> None:
    """`python tests/schema_keys_gen.py` rewrites the generated part from the models and
    leaves the rest of the file as it was; on the committed file it changes nothing."""
    import schema_keys_gen

    source = schema_keys_gen.TARGET.read_text(encoding="utf-8")
    copy = tmp_path / "schema_keys.py"
    copy.write_text(source, encoding="utf-8")
    assert not schema_keys_gen.regenerate(copy)
    stale = source.replace('unique=(("code",),)', "unique=()", 1)
    assert stale != source
    copy.write_text(stale, encoding="utf-8")
    assert schema_keys_gen.regenerate(copy)
    assert copy.read_text(encoding="utf-8") == source


def test_a_refused_check_leaves_the_others_runnable(db: Database, database_url: str) -> None:
    """A statement the database refuses (on PostgreSQL it would abort the transaction) fails its
    check alone; the checks after it still run."""
    db.dispose()
    tamper(database_url, "ALTER TABLE setting RENAME COLUMN value TO worth")
    report = run_checks(Database(database_url))
    assert failed(report) == ["settings"]
    settings = [c for c in report["checks"] if c["name"] == "settings"][0]
    assert settings["detail"].startswith("could not run: ") and "value" in settings["detail"]
    assert report["checks"][-1]["name"] == "audit" and report["checks"][-1]["ok"]


def test_a_newer_revision_is_reported_not_refused(db: Database, database_url: str) -> None:
    db.dispose()
    tamper(database_url, "UPDATE alembic_version SET version_num = '0099'")
    report = run_checks(Database(database_url))
    assert failed(report) == ["revision"]
    revision = [c for c in report["checks"] if c["name"] == "revision"][0]
    assert "'0099', unknown to this trainlog" in revision["detail"]
    assert Database(database_url).revision() == "0099"


#: Runs `trainlog db check -f json`, then prints the modules it loaded.
PROBE = """
import json, sys
sys.argv = ["trainlog", "db", "check", "-f", "json"]
from trainlog.cli import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


@pytest.mark.sqlite_only("tests what a SQLite file's check imports; PostgreSQL loads psycopg (its own start-up tests)")
@pytest.mark.parametrize("revision", ["current", "older"])
def test_checking_a_sqlite_file_does_not_import_sqlalchemy(db: Database, database_url: str,
                                                          revision: str) -> None:
    """Nor SQLModel nor the models: the checks are SQL text on sqlite3, whatever the revision
    (an older one is reported, not upgraded)."""
    db.dispose()
    if revision == "older":
        tamper(database_url, "UPDATE alembic_version SET version_num = '0001'")
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=dict(os.environ, TRAINLOG_DB=database_url), timeout=120)
    report = json.loads(done.stdout)
    assert failed(report) == ([] if revision == "current" else ["revision"])
    modules = json.loads(done.stderr.split("MODULES ")[-1])
    heavy = [m for m in modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic")
             or m == "trainlog.store.schema"]
    assert heavy == []
