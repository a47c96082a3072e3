"""The README's walkthrough is real: every `$ trainlog …` in it prints exactly what is pasted below it.

Run `TRAINLOG_UPDATE_README=1 python -m pytest tests/test_readme.py` to paste fresh output.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- walkthrough:begin -->", "<!-- walkthrough:end -->"

pytestmark = pytest.mark.sqlite_only  # the walkthrough's output names a SQLite file


def _blocks(text: str) -> list[tuple[str, str]]:
    """(command, pasted output) of each `$ ` line of the walkthrough's code blocks."""
    part = text[text.index(BEGIN):text.index(END)]
    pairs = []
    for block in re.findall(r"```console\n(.*?)```", part, re.S):
        chunks = re.split(r"^\$ ", block, flags=re.M)[1:]
        for chunk in chunks:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output))
    return pairs


def test_walkthrough_output_is_real(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "examples" / "zhaoling2020")
    monkeypatch.setenv("TRAINLOG_DB", "walkthrough.db")
    monkeypatch.setenv("TRAINLOG_TODAY", "2020-07-01")
    db = ROOT / "examples" / "zhaoling2020" / "walkthrough.db"
    text = README.read_text(encoding="utf-8")
    pairs = _blocks(text)
    assert len(pairs) >= 8
    fresh = []
    try:
        assert cli("init").exit_code == 0
        for command, _ in pairs:
            args = shlex.split(command)
            assert args[0] == "trainlog"
            result = cli(*args[1:])
            assert result.exit_code in (0, 3), (command, result.stderr)
            fresh.append(result.stdout)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    if os.environ.get("TRAINLOG_UPDATE_README"):
        part = text[text.index(BEGIN):text.index(END)]
        outputs = iter(fresh)

        def paste(match: re.Match[str]) -> str:
            lines = []
            for chunk in re.split(r"^\$ ", match.group(1), flags=re.M)[1:]:
                command = chunk.partition("\n")[0]
                lines.append(f"$ {command}\n{next(outputs)}")
            return "```console\n" + "".join(lines) + "```"

        README.write_text(text.replace(part, re.sub(r"```console\n(.*?)```", paste, part,
                                                      flags=re.S)), encoding="utf-8")
        return
    for (command, pasted), got in zip(pairs, fresh, strict=True):
        assert pasted == got, f"README output of `{command}` is out of date"


HOURS_BEGIN, HOURS_END = "<!-- hours:begin -->", "<!-- hours:end -->"


def test_training_hours_example_is_real(cli, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The "Training hours (学时)" example: its `sh` block's lines build the roster (each must
    succeed), and each `$ trainlog …` of its console blocks prints what is pasted below it."""
    monkeypatch.setenv("TRAINLOG_DB", str(tmp_path / "hours.db"))
    text = README.read_text(encoding="utf-8")
    part = text[text.index(HOURS_BEGIN):text.index(HOURS_END)]
    assert cli("init").exit_code == 0
    setup = re.search(r"```sh\n(.*?)```", part, re.S)
    assert setup is not None
    for line in setup.group(1).splitlines():
        args = shlex.split(line, comments=True)
        if args[0] == "export":
            name, _, value = args[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        assert args[0] == "trainlog"
        result = cli(*args[1:])
        assert result.exit_code == 0, (line, result.stderr)
    fresh, pasted = [], []
    for block in re.findall(r"```console\n(.*?)```", part, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            result = cli(*shlex.split(command)[1:])
            assert result.exit_code in (0, 3), (command, result.stderr)
            fresh.append((command, result.stdout))
            pasted.append(output)
    if os.environ.get("TRAINLOG_UPDATE_README"):
        outputs = iter(fresh)

        def paste(match: re.Match[str]) -> str:
            chunks = re.split(r"^\$ ", match.group(1), flags=re.M)[1:]
            return "```console\n" + "".join(
                f"$ {c.partition(chr(10))[0]}\n{next(outputs)[1]}" for c in chunks) + "```"

        README.write_text(text.replace(part, re.sub(r"```console\n(.*?)```", paste, part,
                                                      flags=re.S)), encoding="utf-8")
        return
    for (command, got), was in zip(fresh, pasted, strict=True):
        assert was == got, f"README output of `{command}` is out of date"
