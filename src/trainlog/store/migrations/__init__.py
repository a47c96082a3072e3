"""Alembic migrations of trainlog's schema, run from code (see trainlog.store.database)."""
