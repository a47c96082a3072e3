"""The fast import paths (cells without a dict per row, driver executemany, a bigger page cache)
against slow references on a small data set, and large rejected imports that write nothing."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import record_bars
from trainlog.dates import resolve_period
from trainlog.errors import InvalidInput
from trainlog.files import meters
from trainlog.files import tables as imp
from trainlog.output import progress
from trainlog.registry import import_branches, import_cadres
from trainlog.reports.plan import plan_report
from trainlog.sessions.roster import import_sessions
from trainlog.store.database import Database
from trainlog.store.sql import CHUNK, as_date
from trainlog.study.records import import_study

TRACK_KINDS = {"policy": "meeting", "video": "remote", "special": "thematic"}


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def data(tmp_path: Path, db: Database) -> dict[str, Path]:
    """A seeded small province: 6 branches, 60 cadres, 40 sessions, 4 months of study.

    The files carry what spreadsheets leave: padded cells, empty rows, short rows.
    """
    rnd = random.Random(11)
    branches = _write(tmp_path / "branches.csv", ["code", "name", "township"],
                      [[f"B{i:02d}", f"支部{i}", f"乡{i % 2}"] for i in range(6)])
    cadres = _write(tmp_path / "cadres.csv", ["code", "name", "branch", "registered_on"],
                    [[f"G{i:03d}", f"干部{i}", f"B{i % 6:02d}", "2019-06-01"] for i in range(60)])
    rows: list[list[Any]] = []
    for s in range(40):
        track = ("policy", "video", "special")[s % 3]
        day = date(2020, 1 + s % 6, 1 + s % 27).isoformat()
        hours = rnd.choice(["1", "1.5", "2.5", "3"])
        headcount = rnd.randint(0, 5) if track == "video" else 0
        branch = f"B{s % 6:02d}" if track != "special" else ""
        for code in rnd.sample(range(60), rnd.randint(1, 8)):
            rows.append([f" S{s:03d}", day, track, TRACK_KINDS[track], "", f"培训{s}", hours,
                         branch, f"G{code:03d} ", headcount])
        if s % 7 == 0:
            rows.append([""] * 10)  # an empty row
    rows.append(["S900", "2020-03-03", "video", "remote", "", "short row", "2", "B01"])
    sessions = _write(tmp_path / "sessions.csv", ["ref", "date", "track", "kind", "topic", "title",
                                                  "hours", "branch", "cadre", "headcount"], rows)
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(
        "short row,2,B01", "short row,2,B01,,4", 1), encoding="utf-8")  # cadre empty, headcount 4
    study = _write(tmp_path / "study.csv", ["cadre", "hours", "platform", "month"],
                   [[f"G{c:03d}", f"{rnd.randint(0, 120) / 10:g}", "academy", f"2020-{m:02d}"]
                    for m in range(1, 5) for c in range(60)])
    with db.connect(write=True) as s:
        import_branches(s, branches)
        import_cadres(s, cadres)
    return {"sessions": sessions, "study": study}


def _reference_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The slow way: csv.DictReader, every cell stripped, empty rows dropped, short rows padded."""
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            clean = {k: (v or "").strip() for k, v in row.items()}
            if any(clean.values()):
                out.append((n, clean))
    return out


def test_cells_equal_rows_and_the_reference(data: dict[str, Path]) -> None:
    spec, required = imp.SESSION_COLUMNS, {"ref", "date", "track", "title"}
    fast = list(imp.open_table(data["sessions"], spec, required).cells("test"))
    slow = list(imp.open_table(data["sessions"], spec, required).rows())
    ref = _reference_rows(data["sessions"])
    columns = imp.open_table(data["sessions"], spec, required).columns
    assert len(fast) == len(slow) == len(ref) > 150
    assert [(n, dict(zip(columns, c, strict=True))) for n, c in fast] == slow == ref


def test_a_too_wide_row_is_a_problem_in_cells_as_in_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", ["cadre", "hours"], [["G1", "2"], ["G2", "3", "x"],
                                                           ["G3", "4", " "]])
    fast = imp.open_table(path, imp.STUDY_COLUMNS, {"cadre"})
    slow = imp.open_table(path, imp.STUDY_COLUMNS, {"cadre"})
    assert [n for n, _ in fast.cells()] == [n for n, _ in slow.rows()] == [2, 4]
    assert fast.problems == slow.problems and [p.row for p in fast.problems] == [3]


def test_session_import_equals_the_reference(db: Database, data: dict[str, Path]) -> None:
    ref_rows = _reference_rows(data["sessions"])
    sessions: dict[str, dict[str, Any]] = {}
    for _, r in ref_rows:
        s = sessions.setdefault(r["ref"], {"hours": float(r["hours"]), "cadres": set(),
                                           "headcount": int(r["headcount"] or 0)})
        if r["cadre"]:
            s["cadres"].add(r["cadre"])
    with db.connect(write=True) as s:
        result = import_sessions(s, data["sessions"])
    assert result.rows == len(ref_rows)
    assert result.sessions == result.created == len(sessions) == 41
    assert result.attendances == sum(len(v["cadres"]) for v in sessions.values())
    assert result.person_times == result.attendances + sum(v["headcount"]
                                                           for v in sessions.values())
    with db.connect() as conn:
        stored = {tuple(r) for r in conn.all(
            "SELECT s.ref, c.code, a.hours FROM training_session s "
            "JOIN attendance a ON a.session_id = s.id JOIN cadre c ON c.id = a.cadre_id")}
        counts = dict(conn.all("SELECT ref, attendee_count FROM training_session"))
    assert stored == {(ref, c, v["hours"]) for ref, v in sessions.items() for c in v["cadres"]}
    assert counts == {ref: len(v["cadres"]) for ref, v in sessions.items()}

    # The report's GROUP BY figures equal a row-by-row count of the same file.
    with db.connect() as s:
        report = plan_report(s, resolve_period("2020-03", None, None, None, None))
    expect: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"sessions": 0, "person_times": 0, "people": set(), "hours": 0.0})
    seen: set[str] = set()
    for _, r in ref_rows:
        if not r["date"].startswith("2020-03"):
            continue
        e = expect[r["track"]]
        if r["ref"] not in seen:
            seen.add(r["ref"])
            e["sessions"] += 1
            e["person_times"] += int(r["headcount"] or 0)
            e["hours"] += int(r["headcount"] or 0) * float(r["hours"])
        if r["cadre"]:
            e["person_times"] += 1
            e["people"].add(r["cadre"])
            e["hours"] += float(r["hours"])
    got = {t["track"]: t for t in report["tracks"]}
    for track in ("policy", "video", "special"):
        e = expect[track]
        assert (got[track]["sessions"], got[track]["person_times"], got[track]["people"]) == (
            e["sessions"], e["person_times"], len(e["people"]))
        assert got[track]["hours"] == pytest.approx(e["hours"], abs=0.05)
    assert report["total"]["sessions"] == len(seen) > 0


def test_study_import_equals_the_reference(db: Database, data: dict[str, Path]) -> None:
    ref_rows = _reference_rows(data["study"])
    with db.connect(write=True) as s:
        result = import_study(s, data["study"])
    assert result.rows == result.created == len(ref_rows) == 240
    with db.connect() as conn:
        stored = {(c, as_date(m).strftime("%Y-%m"), h) for c, m, h in conn.all(
            "SELECT c.code, o.month, o.hours FROM online_study o "
            "JOIN cadre c ON c.id = o.cadre_id")}
    assert stored == {(r["cadre"], r["month"], float(r["hours"])) for _, r in ref_rows}
    with db.connect(write=True) as s:  # again: nothing changes
        again = import_study(s, data["study"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 240)


def _count(db: Database, table: str) -> int:
    with db.connect() as conn:
        return conn.scalar(f"SELECT count(*) FROM {table}") or 0


def test_a_large_rejected_session_import_writes_nothing(db: Database, tmp_path: Path,
                                                        data: dict[str, Path]) -> None:
    n = CHUNK + 10_000  # more than one executemany batch
    rows = [[f"R{i // 20:05d}", "2020-05-05", "policy", "meeting", "", "会", "2", "",
             f"G{i % 20 + (i // 20) % 3 * 20:03d}", 0] for i in range(n)]
    rows.append([f"R{(n - 1) // 20:05d}", "2020-05-05", "policy", "meeting", "", "会", "2", "", "G999", 0])
    path = _write(tmp_path / "big.csv", ["ref", "date", "track", "kind", "topic", "title",
                                         "hours", "branch", "cadre", "headcount"], rows)
    with pytest.raises(InvalidInput) as caught, db.connect(write=True) as s:
        import_sessions(s, path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(n + 2, "cadre",
                                                                            "G999")]
    assert _count(db, "training_session") == _count(db, "attendance") == 0


def test_a_large_rejected_study_import_writes_nothing(db: Database, tmp_path: Path,
                                                      data: dict[str, Path]) -> None:
    rows = [[f"G{c:03d}", "6", "academy", f"{y}-{m:02d}"]
            for y in range(1980, 2023) for m in range(1, 13) for c in range(60)]
    assert len(rows) > 30_000
    rows.append(["G001", "-1", "academy", "1979-01"])
    path = _write(tmp_path / "big.csv", ["cadre", "hours", "platform", "month"], rows)
    with pytest.raises(InvalidInput) as caught, db.connect(write=True) as s:
        import_study(s, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(len(rows) + 1, "hours")]
    assert _count(db, "online_study") == 0


def test_progress_is_silent_without_a_terminal(data: dict[str, Path],
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meters, "installed", progress.bar)  # the CLI's bars
    monkeypatch.setattr(imp, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.0)
    table = imp.open_table(data["study"], imp.STUDY_COLUMNS, {"cadre", "hours"})
    assert len(list(table.cells("study import"))) == 240
    assert capsys.readouterr().err == ""


def test_progress_shows_rows_per_second_on_a_terminal(data: dict[str, Path],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      progress_shown: list[tuple[str, int]],
                                                      ) -> None:
    shown = progress_shown
    monkeypatch.setattr(imp, "PROGRESS_EVERY", 100)
    table = imp.open_table(data["study"], imp.STUDY_COLUMNS, {"cadre", "hours"})
    assert len(list(table.cells("study import"))) == 240
    assert shown == [("study import", 100), ("study import", 200), ("study import", -1)]


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """stderr is a terminal and the CLI's bars record what they show, but none is installed."""
    shown = record_bars(monkeypatch)
    monkeypatch.setattr(imp, "PROGRESS_EVERY", 100)
    return shown


def test_an_import_shows_the_meters_its_caller_gives_or_none(db: Database,
                                                               data: dict[str, Path],
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    """The library shows nothing on its own, even on a terminal: a bar is the front end's."""
    shown = _recording(monkeypatch)
    assert meters.installed is None
    with db.connect(write=True, dry_run=True) as s:
        import_study(s, data["study"], dry_run=True)
    assert shown == []
    given: list[tuple[str, int]] = []

    class Given:
        def __init__(self, label: str) -> None:
            self.label = label

        def update(self, rows: int) -> None:
            given.append((self.label, rows))

        def close(self) -> None:
            given.append((self.label, -1))

    with db.connect(write=True, dry_run=True) as s:
        import_study(s, data["study"], dry_run=True, meters=Given)
    assert given == [("study import", 100), ("study import", 200), ("study import", -1)]
    assert shown == []


def test_a_command_shows_the_cli_bars(cli, db: Database,  # type: ignore[no-untyped-def]
                                      data: dict[str, Path],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command installs the CLI's bars while it runs, and only while it runs."""
    shown = _recording(monkeypatch)
    result = cli("study", "import", str(data["study"]), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert shown == [("study import", 100), ("study import", 200), ("study import", -1)]
    assert meters.installed is None


def test_the_real_bar_appears_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    bar = progress.Progress("session import")
    bar.update(10)
    assert bar._bar is None  # not yet a second
    monkeypatch.setattr(progress, "PROGRESS_AFTER", 0.0)
    bar.update(20_000)
    assert bar._bar is not None
    task = bar._bar.tasks[0]
    assert task.completed == 20_000 and task.fields["rate"] > 0
    bar.close()
    assert bar._bar is None
