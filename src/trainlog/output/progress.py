"""The progress bar of a long import: rows so far and rows per second, on stderr (Rich).

`bar` is the `trainlog.files.meters.Meters` the CLI installs for each command.
"""

from __future__ import annotations

from typing import Any

#: Seconds an import runs before its progress bar appears.
PROGRESS_AFTER = 1.0


def _stderr_is_terminal() -> bool:
    import sys

    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def bar(label: str) -> Progress | None:
    """A progress bar labelled `label` when stderr is a terminal, else None (nothing shown)."""
    return Progress(label) if _stderr_is_terminal() else None


class Progress:
    """Rows read so far and rows per second, on stderr, shown once a second has passed.

    Rich is imported only when the bar is shown; `update` costs a clock read otherwise.
    """

    def __init__(self, label: str):
        import time

        self._clock = time.monotonic
        self.label = label
        self.started = self._clock()
        self._bar: Any = None
        self._task: Any = None

    def update(self, rows: int) -> None:
        if self._bar is None:
            if self._clock() - self.started < PROGRESS_AFTER:
                return
            from rich.console import Console
            from rich.progress import Progress as Bar
            from rich.progress import SpinnerColumn, TextColumn

            self._bar = Bar(SpinnerColumn(), TextColumn("{task.description}"),
                            TextColumn("{task.completed:,} rows"),
                            TextColumn("{task.fields[rate]:,.0f} rows/s"),
                            console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(self.label, total=None, rate=0.0)
            self._bar.update(self._task, completed=rows, rate=rows / self._elapsed())
            self._bar.start()
            return
        self._bar.update(self._task, completed=rows, rate=rows / self._elapsed())

    def _elapsed(self) -> float:
        return max(self._clock() - self.started, 1e-9)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
