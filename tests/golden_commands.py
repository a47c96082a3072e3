"""The commands whose output on the Zhaoling data set is recorded in tests/golden/ (JSON and CSV,
byte for byte): `python tests/golden_commands.py` records them, test_golden.py compares."""

from __future__ import annotations

import re

#: Read-only commands, each run with TRAINLOG_TODAY=2020-12-31 on the loaded data set.
COMMANDS: list[list[str]] = [
    ["branch", "list", "--format", "json"],
    ["branch", "list", "--township", "老窝镇", "--format", "csv"],
    ["cadre", "list", "--format", "json"],
    ["cadre", "list", "--poverty-cadre", "--format", "csv"],
    ["cadre", "show", "G0001", "--format", "json"],
    ["cadre", "show", "G0190", "--year", "2020", "--format", "json"],
    ["session", "list", "--year", "2020", "--format", "json"],
    ["session", "list", "--month", "2020-03", "--track", "policy", "--format", "csv"],
    ["session", "show", "1", "--format", "json"],
    ["session", "show", "ZL-V-00001", "--format", "json"],
    ["plan", "show", "2020", "--format", "json"],
    ["config", "show", "--format", "json"],
    ["survey", "list", "--year", "2020", "--format", "json"],
    ["survey", "report", "--year", "2020", "--format", "json"],
    ["db", "info", "--format", "json"],
    ["report", "--month", "2020-03", "--format", "json"],
    ["report", "--as-of", "2020-04-03", "--format", "json"],
    ["report", "--year", "2020", "--format", "csv"],
    ["report", "--year", "2020", "--format", "notice"],
    ["--lang", "zh", "report", "--as-of", "2020-04-03", "--format", "notice"],
    ["report", "--from", "2020-01-01", "--to", "2020-04-03", "--audience", "top-leaders",
     "--format", "json"],
    ["report", "--year", "2020", "--audience", "poverty-cadres", "--track", "special",
     "--format", "json"],
    *[["report", "--year", "2020", "--by", dim, "--format", "json"]
      for dim in ("track", "kind", "topic", "branch", "township", "level", "month")],
    ["compliance", "--month", "2020-03", "--format", "json"],
    ["compliance", "--year", "2020", "--format", "json"],
    ["compliance", "--month", "2020-04", "--platform", "academy", "--format", "csv"],
    ["coverage", "--year", "2020", "--format", "json"],
    ["coverage", "--from", "2020-01-01", "--to", "2020-04-03", "--kind", "remote",
     "--format", "json"],
]

TODAY = "2020-12-31"


def name(args: list[str]) -> str:
    """The file a command's recorded output is kept in."""
    return re.sub(r"[^A-Za-z0-9\u4e00-\u9fff-]+", "_", " ".join(args)).strip("_") + ".out"


def normalise(text: str, db_path: str) -> str:
    """The output with what differs between runs (the database's location, when and by whom the
    data set was loaded) taken out."""
    text = text.replace(db_path, "<DB>")
    text = re.sub(r'"(\w+)_at": "[^"]*"', r'"\1_at": "<TIME>"', text)
    return re.sub(r'"(\w+)_by": "[^"]*"', r'"\1_by": "<USER>"', text)


if __name__ == "__main__":
    import os
    import sys
    import tempfile
    from pathlib import Path

    from typer.testing import CliRunner

    sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
    from trainlog.cli import app
    from trainlog.demo.load import load_demo
    from trainlog.store.database import Database

    folder = Path(tempfile.mkdtemp())
    db_path = str(folder / "z.db")
    os.environ.update(TRAINLOG_DB=db_path, TRAINLOG_USER="test", LANG="C.UTF-8")
    load_demo(Database(db_path), folder / "files")
    out = Path(__file__).parent / "golden"
    out.mkdir(exist_ok=True)
    for args in COMMANDS:
        result = CliRunner().invoke(app, args, env={"TRAINLOG_TODAY": TODAY})
        assert result.exit_code == 0, (args, result.output)
        (out / name(args)).write_text(normalise(result.stdout, db_path), encoding="utf-8")
    print(f"recorded {len(COMMANDS)} outputs in {out}")
