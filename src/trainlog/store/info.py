"""What `trainlog db info` reports about the database in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from trainlog.store.database import Database
from trainlog.store.schema import TABLES


def database_info(db: Database) -> dict[str, Any]:
    """Location (password masked), engine, schema revision and row counts per table."""
    db.require()
    from sqlalchemy import table

    counts: dict[str, int] = {}
    with db.session() as session:
        for name in TABLES:
            counts[name] = session.execute(select(func.count()).select_from(table(name))).scalar_one()
    return {
        "location": db.display(),
        "engine": db.engine.dialect.name,
        "revision": db.revision(),
        "tables": counts,
    }
