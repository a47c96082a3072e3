"""Help that fits 80 columns (issue 20): `trainlog --help` and every `trainlog COMMAND --help`, in
English and in zh-CN, at COLUMNS=80: no line wider than the screen, no option, command name or word
of a help text cut (by an ellipsis or in the middle)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main

from trainlog.vocab import WORDS

WIDTH = 80
#: a word of a help text: a run of printable ASCII (a Chinese text's option names, keys, values)
ASCII_WORD = re.compile(r"[!-~]+")


def walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        out += walk(sub, [*path, name])
    return out


def tree() -> list[tuple[list[str], Any]]:
    from trainlog.cli import app

    return walk(typer.main.get_command(app), [])


COMMANDS = tree()
IDS = [" ".join(p) or "trainlog" for p, _ in COMMANDS]
_ZH = {en.strip(): zh for key, (en, zh) in WORDS.items() if key.startswith("help.")}


def texts(cmd: Any, lang: str) -> list[str]:
    """The help texts a command's --help shows: its own, its options', its sub-commands'."""
    found = [cmd.help or ""]
    found += [getattr(p, "help", None) or "" for p in cmd.params]
    found += [sub.short_help or sub.help or "" for sub in getattr(cmd, "commands", {}).values()]
    found.append("Show this message and exit.")
    if lang == "zh":
        found = [_ZH.get(t.strip(), t) for t in found]
    return found


def names(cmd: Any) -> list[str]:
    """The option names and sub-command names a command's --help shows."""
    out = [o for p in cmd.params for o in (*p.opts, *getattr(p, "secondary_opts", []))
           if o.startswith("-")]
    return out + list(getattr(cmd, "commands", {}))


def cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


@pytest.fixture(autouse=True)
def _width_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer reads TERMINAL_WIDTH once, when `typer.rich_utils` is first imported: an earlier
    test's command run under TERMINAL_WIDTH=300 would leave it at 300 for this process."""
    import typer.rich_utils

    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", None)


def test_the_check_can_fail() -> None:
    """A word cut in two, or an ellipsis, is found."""
    shown = "│ --level  <str>  district/town… │\n│                 ship/village   │"
    assert "district/township/village" not in shown and "…" in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path, cmd", COMMANDS, ids=IDS)
def test_help_fits_80_columns(cli, path: list[str], cmd: Any, lang: str) -> None:
    result = cli("--lang", lang, *path, "--help", env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    out = result.stdout
    wide = [line for line in out.splitlines() if cells(line) > WIDTH]
    assert not wide, "\n".join(wide)
    shown = texts(cmd, lang)
    assert out.count("…") <= sum(t.count("…") for t in shown), out
    words = set(out.split())
    for name in names(cmd):  # whole, as a word of its own
        assert name in words or any(w.strip(",") == name for w in words), (name, out)
    flat = out.replace("\n", " ")
    for text in shown:
        for word in ASCII_WORD.findall(text):
            assert word in flat, (word, text, out)
