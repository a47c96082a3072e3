"""Every recorded command prints, byte for byte, what it printed on the Zhaoling data set when
its output was recorded (tests/golden/, by `python tests/golden_commands.py`): restructuring the
code changes no JSON, CSV or notice a user or a script reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_commands import COMMANDS, TODAY, name, normalise

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_output_is_as_recorded(cli, zhaoling: Path, monkeypatch: pytest.MonkeyPatch,
                               args: list[str]) -> None:
    monkeypatch.setenv("TRAINLOG_DB", str(zhaoling))
    monkeypatch.setenv("TRAINLOG_TODAY", TODAY)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / name(args)).read_text(encoding="utf-8")
    assert normalise(result.stdout, str(zhaoling)) == expected
