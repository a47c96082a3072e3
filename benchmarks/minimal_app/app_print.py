"""Minimal Typer app with trainlog's command tree whose commands only print: the `--help` floor.

    python benchmarks/minimal_app/app_print.py [--db PATH] COMMAND ... | --help
"""

from __future__ import annotations

from typing import Any

from tree import build


def echo(db: str, command: str, params: dict[str, Any]) -> None:
    """Print what would be done."""
    print(command, db, {key: str(value) for key, value in params.items() if value is not None})


app = build(echo)

if __name__ == "__main__":
    app()
