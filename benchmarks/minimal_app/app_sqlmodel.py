"""Minimal Typer app with trainlog's command tree whose commands open the database.

    python benchmarks/minimal_app/app_sqlmodel.py [--db PATH] report ...

Each command imports sqlmodel (only then, as trainlog does, so `--help` stays as fast as
app_print's), creates an engine on the SQLite file and runs `SELECT 1`: the floor of
`trainlog report` on an empty database.
"""

from __future__ import annotations

from typing import Any

from tree import build


def select_one(db: str, command: str, params: dict[str, Any]) -> None:
    """Open the database with SQLModel and run SELECT 1."""
    from sqlmodel import Session, create_engine, text

    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    with Session(engine) as session:
        print(command, session.exec(text("SELECT 1")).one()[0])  # type: ignore[call-overload]
    engine.dispose()


app = build(select_one)

if __name__ == "__main__":
    app()
