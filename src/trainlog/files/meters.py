"""Progress meters of a long read or write (an import): what the importers ask for, and what a
front end provides. Nothing here shows anything.

An importer takes `meters` (a `Meters`) from its caller; given none, it uses those the front end
installed with `showing`: the CLI installs a Rich bar on a terminal (`trainlog.output.progress.bar`)
for each command it runs, so a library caller sees nothing unless it asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Meter(Protocol):
    """Rows done so far of one read or write, until it is closed."""

    def update(self, rows: int) -> None: ...

    def close(self) -> None: ...


#: Makes the meter of a read or write from its label ("session import"), or None to show none.
Meters = Callable[[str], Meter | None]

#: The meters of an importer given none: those the front end installed (`showing`), or none.
installed: Meters | None = None


@contextmanager
def showing(meters: Meters | None) -> Iterator[None]:
    """Install `meters` for the importers run inside the block (the CLI's: for each command)."""
    global installed
    before, installed = installed, meters
    try:
        yield
    finally:
        installed = before


def meter(label: str | None, meters: Meters | None = None) -> Meter | None:
    """The meter of the read or write labelled `label`: made by `meters`, else by the installed
    ones; None without a label, without meters, or when they show none."""
    make = meters or installed
    if label is None or make is None:
        return None
    return make(label)
