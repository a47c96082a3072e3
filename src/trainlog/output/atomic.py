"""A file written whole or not at all: a temporary file beside it, renamed over it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from trainlog.errors import TrainlogError
from trainlog.vocab import say


def writable(target: str | Path) -> Path:
    """`target` as a path, if a file can be written there (not a folder, in a folder that is)."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise TrainlogError(say("msg.output_is_folder", path=target))
    if not target.parent.is_dir():
        raise TrainlogError(say("msg.no_such_folder", path=target.parent))
    return target


def atomic_write(target: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write` with a temporary file beside `target`, then rename it to `target`: a failure
    leaves `target` as it was (and no temporary file)."""
    target = writable(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise TrainlogError(say("msg.cannot_write", path=target,
                                reason=exc.strerror or exc)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
