"""Every listing and report readable at 80 columns: no line wider than the terminal, no cell cut
to an ellipsis (issue 20, "Tables that fit")."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

COMMANDS = [
    ["branch", "list"], ["cadre", "list"], ["cadre", "list", "--untrained"],
    ["cadre", "show", "G0190"], ["session", "list", "--month", "2020-03"],
    ["session", "list", "--voided"], ["session", "show", "1"], ["session", "show", "ZL-S-0001"],
    ["plan", "show"], ["report"], ["report", "--by", "month"], ["report", "--by", "branch"],
    ["report", "--by", "township"], ["report", "--by", "kind"], ["report", "--by", "topic"],
    ["report", "--by", "month", "--track", "special"], ["report", "--audience", "top-leaders"],
    ["compliance", "--month", "2020-03"], ["compliance", "--year", "2020"],
    ["coverage", "--year", "2020"], ["coverage", "--year", "2020", "--kind", "remote"],
    ["config", "show"], ["survey", "list"], ["survey", "report", "--year", "2020"],
    ["db", "info"], ["db", "check"],
]


@pytest.mark.sqlite_only("reads the demo's SQLite file")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_fits_80_columns(cli, zhaoling: Path, lang: str, args: list[str]) -> None:
    env = {"TRAINLOG_DB": str(zhaoling), "COLUMNS": "80", "TRAINLOG_TODAY": "2020-04-03"}
    result = cli("--lang", lang, *args, env=env)
    assert result.exit_code in (0, 3), result.stderr
    assert result.stdout.strip()
    wide = [line for line in result.stdout.splitlines() if cell_len(line) > 80]
    assert wide == []
    assert "…" not in result.stdout


@pytest.mark.sqlite_only("reads the demo's SQLite file")
def test_piped_output_follows_columns(cli, zhaoling: Path) -> None:
    """In a pipe, COLUMNS says how wide the table may be; without it (cron), 200."""
    env = {"TRAINLOG_DB": str(zhaoling)}
    wide = cli("session", "list", "--month", "2020-03", env=env).stdout
    narrow = cli("session", "list", "--month", "2020-03", env={**env, "COLUMNS": "100"}).stdout
    assert max(map(cell_len, wide.splitlines())) > 100
    assert max(map(cell_len, narrow.splitlines())) <= 100
