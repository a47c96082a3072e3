"""Every command and sub-command, found by walking the command tree, has help that works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer

from trainlog.cli import app

# Typer may bring its own copy of click, so commands are told apart by what they have, not by class.
Command = Any


def walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """(path, command) for the root and every command below it, groups included."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


ROOT = typer.main.get_command(app)
COMMANDS = list(walk(ROOT))
IDS = [" ".join(path) or "trainlog" for path, _ in COMMANDS]


def test_the_tree_is_walked() -> None:
    """The walk reaches the foundation's commands, so new ones are covered the same way."""
    found = set(IDS)
    for expected in ("init", "db info", "branch add", "branch list", "branch import",
                     "cadre add", "cadre list", "cadre show", "cadre edit", "cadre import",
                     "cadre deactivate"):
        assert expected in found


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_has_help_text(path: tuple[str, ...], command: Command) -> None:
    text = (command.help or command.short_help or "").strip()
    assert text, f"`trainlog {' '.join(path)}` has no help text"


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_every_option_and_argument_is_explained(path: tuple[str, ...],
                                                command: Command) -> None:
    missing = [param.name for param in command.params
               if param.name != "help" and not (getattr(param, "help", None) or "").strip()]
    assert not missing, f"`trainlog {' '.join(path)}`: no help for {missing}"


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_help_exits_0(cli, path: tuple[str, ...], command: Command) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    first_line = (command.help or "").strip().splitlines()[0]
    # Rich wraps long lines, so compare the first words only
    assert " ".join(first_line.split()[:4]) in " ".join(result.stdout.split())
    assert result.stderr == ""


def test_help_needs_no_database(cli, database_url: str) -> None:
    from pathlib import Path

    for path, _ in COMMANDS:
        assert cli(*path, "--help").exit_code == 0
    assert not Path(database_url).exists()
