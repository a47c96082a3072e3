"""trainlog demo: the Zhaoling 2020 example data set loaded through the importers a user runs."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from trainlog.errors import TrainlogError
from trainlog.store.database import Database
from trainlog.vocab import say

#: The day of the source document's figures ("截至4月3日").
AS_OF = date(2020, 4, 3)
PLAN_YEAR, PLAN_TARGET, PLAN_TRACK = 2020, 2000, "special"
#: The demo's one office: the Organization Department of Zhaoling District.
OFFICE = ("zhaoling", "召陵区")
#: The months the demo closes (every one through this), and its one dated change of the roster:
#: a cadre who retires after the data set's last session.
CLOSED_THROUGH = date(2020, 3, 1)
RETIRED = ("G0009", date(2020, 7, 1), "退休")


@dataclass
class Loaded:
    """One file of the data set and what its import said."""

    file: str
    #: what the file holds: branches, cadres, sessions, study or answers (trainlog.vocab's
    #: "msg.what_" words)
    what: str
    summary: dict[str, Any]


def demo_location(path: str | None) -> Path:
    """The demo's database: `path` when given and new, else a file in a new temporary directory."""
    if path is None:
        return Path(tempfile.mkdtemp(prefix="trainlog-demo-")) / "zhaoling2020.db"
    if "://" in path:  # never echoed: a URL may hold a password
        raise TrainlogError(say("msg.demo_url"))
    target = Path(path).expanduser()
    if target.exists() and target.stat().st_size > 0:
        raise TrainlogError(say("msg.demo_exists", path=target))
    return target


def _importer(name: str) -> tuple[str, Callable[..., Any]]:
    """Which importer takes a data-set file, by its number (DESIGN.md "Input files")."""
    from trainlog import registry, survey
    from trainlog.sessions.roster import import_sessions
    from trainlog.study.records import import_study

    kinds: dict[str, tuple[str, Callable[..., Any]]] = {
        "01": ("branches", registry.import_branches),
        "02": ("cadres", registry.import_cadres),
        "03": ("sessions", import_sessions),
        "04": ("sessions", import_sessions),
        "05": ("sessions", import_sessions),
        "06": ("study", import_study),
        "07": ("answers", survey.import_answers),
    }
    return kinds[name[:2]]


def load_demo(db: Database, workdir: Path,
              progress: Callable[[Loaded], None] | None = None) -> list[Loaded]:
    """Create the database, write the data set into `workdir` and import every file, then the plan."""
    from trainlog.changes import set_plan
    from trainlog.demo.zhaoling import write_dataset

    db.init(OFFICE)
    loaded = []
    for path in write_dataset(workdir):
        what, importer = _importer(path.name)
        with db.connect(write=True) as conn:
            result = importer(conn, path)
        item = Loaded(path.name, what, result.as_dict())
        loaded.append(item)
        if progress:
            progress(item)
    with db.connect(write=True) as conn:
        set_plan(conn, PLAN_YEAR, PLAN_TARGET, PLAN_TRACK)
    return loaded


def through_time(db: Database) -> dict[str, Any]:
    """What `trainlog demo` does after loading: close January to March (the months that went to
    leadership in the source document) and retire one cadre from 1 July; the log row of that."""
    from trainlog.dates import month_end, today
    from trainlog.months import close_month
    from trainlog.registry import deactivate_cadre

    code, start, reason = RETIRED
    with db.connect(write=True) as conn:
        if month_end(CLOSED_THROUGH) < today():  # (a test may set today inside the data set)
            close_month(conn, CLOSED_THROUGH)
        deactivate_cadre(conn, code, on=start, reason=reason)
    from trainlog.changes import read_log

    with db.connect() as conn:
        rows = [r for r in read_log(conn, kind="cadre", key=code) if r["key"] == code]
    last = rows[-1] if rows else {"kind": None, "key": None, "action": None, "changes": {}}
    return {"closed_through": CLOSED_THROUGH.strftime("%Y-%m"),
            **{k: last[k] for k in ("kind", "key", "action", "changes")}}
