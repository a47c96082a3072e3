"""`--rejects FILE`: an import that loads its good rows and writes the bad ones to FILE.

The import is run in a savepoint; when rows have problems, it is rolled back and run again
without them, until none has (each pass leaves out more rows, so this ends). The rows left out
go to FILE as they were in the input, with its headers and a `problem` column (CSV, UTF-8 with
a BOM, for Excel). A problem with the header, or with the file as a whole, is still an error:
nothing is imported then.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from trainlog.errors import InvalidInput, Problem, TrainlogError
from trainlog.files.tables import BadHeader, ReadOptions, Table, raw_rows
from trainlog.vocab import say

R = TypeVar("R")
_SAVEPOINT = "trainlog_rejects"
#: Passes before giving up (each leaves out the rows the one before found bad).
MAX_PASSES = 20
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Rejected(TrainlogError):
    """Some rows were rejected (written to the rejects file): exit 4 after the summary."""

    exit_code = 4


@dataclass
class Rejects:
    """The rows an import with --rejects left out: how many, and where they were written."""

    rows: int
    path: Path


def import_with_rejects(conn: Any, run: Callable[[ReadOptions], R], options: ReadOptions,
                        rejects: str | Path) -> tuple[R, Rejects]:
    """`run(options)`, an import on `conn`, loading the rows without problems; the others are
    written to `rejects`. `conn` is a `trainlog.store.sql.Conn` in a write transaction."""
    target = Path(rejects)
    problems: dict[int, list[Problem]] = {}
    opened: list[Table] = []
    for _ in range(MAX_PASSES):
        opened.clear()
        conn.run(f"SAVEPOINT {_SAVEPOINT}")
        try:
            result = run(options.but(skip=frozenset(problems), opened=opened))
        except BadHeader:
            _undo(conn)
            raise
        except InvalidInput as exc:
            _undo(conn)
            if any(p.row <= 0 for p in exc.problems) or not opened:
                raise
            for p in exc.problems:
                problems.setdefault(p.row, []).append(p)
            continue
        except BaseException:
            _undo(conn)
            raise
        conn.run(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        break
    else:
        raise TrainlogError(say("msg.rejects_passes", n=MAX_PASSES))
    if opened and Path(opened[0].path).resolve() == target.resolve():
        raise TrainlogError(say("msg.rejects_same_file"))
    _write(target, opened[0] if opened else None, options, problems)
    return result, Rejects(len(problems), target)


def _undo(conn: Any) -> None:
    conn.run(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
    conn.run(f"RELEASE SAVEPOINT {_SAVEPOINT}")


def _write(target: Path, table: Table | None, options: ReadOptions,
           problems: dict[int, list[Problem]]) -> None:
    """The rejected rows, as read, with a `problem` column; an empty file (the header) when
    none was rejected, so a cron job finds what it expects."""
    header = list(table.header) if table is not None else []
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f, lineterminator="\r\n")
            out.writerow([*header, "problem"])
            if table is None or not problems:
                return
            for n, cells in raw_rows(table, options):
                if n in problems:
                    row = [_cell(c) for c in cells[:len(header)]]
                    row += [""] * (len(header) - len(row))
                    out.writerow([*row, "; ".join(_reason(p) for p in problems[n])])
    except OSError as exc:
        raise TrainlogError(say("msg.rejects_write", path=target,
                                reason=exc.strerror or exc)) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _reason(p: Problem) -> str:
    value = f" {p.value!r}" if p.value not in (None, "") and str(p.value) not in p.reason else ""
    return f"{p.column}{value}: {p.reason}" if p.column else p.reason
