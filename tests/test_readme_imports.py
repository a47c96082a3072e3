"""The README's "Import files" examples are real: each `$ trainlog …` in the block prints what
is pasted below it (stdout, then stderr), with `[exit N]` when it exits with another code than 0.

Run `TRAINLOG_UPDATE_README=1 python -m pytest tests/test_readme_imports.py` to paste fresh
output. The commands run on the files of examples/office/ (made by its make.py), in a copy.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FILES = ROOT / "examples" / "office"
BEGIN, END = "<!-- imports:begin -->", "<!-- imports:end -->"

pytestmark = pytest.mark.sqlite_only  # one database from block to block, named in no output


def _part(text: str) -> str:
    return text[text.index(BEGIN):text.index(END)]


def _commands(block: str) -> list[str]:
    return [chunk.partition("\n")[0] for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]]


def _run(cli, command: str, work: Path) -> str:  # type: ignore[no-untyped-def]
    args = shlex.split(command)
    if args[0] == "cat":
        return (work / args[1]).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert args[0] == "trainlog", command
    result = cli(*args[1:])
    out = result.stdout + result.stderr
    if result.exit_code:
        out += f"[exit {result.exit_code}]\n"
    return out


def test_import_examples_are_real(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "office"
    shutil.copytree(FILES, work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("TRAINLOG_DB", str(tmp_path / "imports.db"))
    monkeypatch.setenv("TRAINLOG_TODAY", "2020-07-01")
    monkeypatch.setenv("COLUMNS", "100")
    text = README.read_text(encoding="utf-8")
    part = _part(text)
    blocks = re.findall(r"```console\n(.*?)```", part, re.S)
    assert len(blocks) >= 5
    assert cli("init").exit_code == 0
    fresh = [[(c, _run(cli, c, work)) for c in _commands(b)] for b in blocks]
    if os.environ.get("TRAINLOG_UPDATE_README"):
        pasted = iter(fresh)
        new = re.sub(r"```console\n(.*?)```", lambda m: "```console\n" + "".join(
            f"$ {c}\n{o}" for c, o in next(pasted)) + "```", part, flags=re.S)
        README.write_text(text.replace(part, new), encoding="utf-8")
        return
    for block, ran in zip(blocks, fresh, strict=True):
        assert block == "".join(f"$ {c}\n{o}" for c, o in ran), (
            f"README import example out of date: {ran[0][0]}")
