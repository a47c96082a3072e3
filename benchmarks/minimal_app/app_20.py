"""A bare Typer app of 20 commands that print one line and open no database: the floor of a
trainlog command a user runs by hand (figure 6 of run.py).

    python benchmarks/minimal_app/app_20.py [--db PATH] [--lang LANG] cmd-NN [ITEM] [--format F]

trainlog imports only the module of the command it runs, so Typer builds at most a handful of
trainlog's commands in one run; this app has 20 commands, each with an optional argument and
two options, with the same global options as trainlog (`--db`, `--lang`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


app = typer.Typer(help="Twenty commands that print a line.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
state: dict[str, str | None] = {}


@app.callback()
def main(
    db: Annotated[str | None, typer.Option("--db", help="Database path or URL.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Output language.")] = None,
) -> None:
    """Twenty commands that print a line."""
    state.update(db=db, lang=lang)


def make(name: str) -> None:
    def command(
        item: Annotated[str | None, typer.Argument(help="What to show.")] = None,
        fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
        lang: Annotated[str | None, typer.Option("--lang", help="Output language.")] = None,
    ) -> None:
        print(name, item, fmt.value, lang or state.get("lang"), state.get("db"))

    command.__doc__ = f"Print the arguments of {name}."
    app.command(name)(command)


for number in range(1, 21):
    make(f"cmd-{number:02d}")

if __name__ == "__main__":
    app()
