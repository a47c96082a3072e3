"""What `trainlog db info` reports about the database in use.

SQL text on a `trainlog.store.sql.Conn`: on a SQLite file neither SQLAlchemy nor the models are
imported (the table names are listed here; a test checks they are the schema's).
"""

from __future__ import annotations

from typing import Any

from trainlog.store.database import Database

#: trainlog's tables, in the order `db info` lists them (`trainlog.store.schema.TABLES`).
TABLES = ["office", "office_grant", "branch", "cadre", "cadre_fact", "training_session",
          "attendance", "online_study", "plan", "setting", "survey_answer", "survey_topic",
          "month_close", "change_log"]


def database_info(db: Database) -> dict[str, Any]:
    """Location (password masked), engine, schema revision and row counts per table."""
    # connect() checks the schema first: upgrades an older one, refuses a newer one or none
    with db.connect() as conn:
        counts = conn.first("SELECT " + ", ".join(f"(SELECT count(*) FROM {name})"
                                                  for name in TABLES))
        revision = conn.scalar("SELECT version_num FROM alembic_version")
        engine = conn.dialect
    assert counts is not None
    return {
        "location": db.display(),
        "engine": engine,
        "revision": revision,
        "tables": {name: int(n) for name, n in zip(TABLES, counts, strict=True)},
    }
