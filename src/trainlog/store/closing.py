"""Closed months: the guard every write path calls before it changes a figure of a month.

`month close YYYY-MM` closes that month and every one before it: the office's `month_close` row
says through which month (its first day). A write that would change a figure of a closed month
is refused, naming the month, before anything is written (`refuse_closed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from trainlog.dates import month_end
from trainlog.errors import TrainlogError
from trainlog.store.sql import Conn, as_date
from trainlog.vocab import say


def closed_through(conn: Conn, lock: bool = True) -> date | None:
    """The first day of the office's last closed month, or None when no month is closed.

    Read once per connection; for a write (`lock`) on PostgreSQL the row is locked FOR SHARE, so
    a `month close` running meanwhile waits for this write to end."""
    cached = getattr(conn, "_closed_through", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    lock_ = " FOR SHARE" if lock and conn.dialect == "postgresql" else ""
    through = as_date(conn.scalar(
        f"SELECT through FROM month_close WHERE office_id = :office{lock_}"))
    conn._closed_through = through  # type: ignore[attr-defined]
    return through


def forget(conn: Conn) -> None:
    """After `month close`/`reopen` changed it."""
    conn._closed_through = False  # type: ignore[attr-defined]


def last_closed_day(conn: Conn) -> date | None:
    """The last day of the last closed month (None: no month closed)."""
    through = closed_through(conn)
    return month_end(through) if through is not None else None


def first_open_day(conn: Conn) -> date | None:
    """The first day after the closed months (None: no month closed)."""
    end = last_closed_day(conn)
    return date.fromordinal(end.toordinal() + 1) if end is not None else None


def is_closed(conn: Conn, day: date) -> bool:
    end = last_closed_day(conn)
    return end is not None and day <= end


def refuse_closed(conn: Conn, days: date | Iterable[date | None] | None, what: str) -> None:
    """Raise when any of `days` is in a closed month: `what` (the write, for the message) would
    change that month's figures."""
    end = last_closed_day(conn)
    if end is None or days is None:
        return
    given = [days] if isinstance(days, date) else [d for d in days if d is not None]
    closed = [d for d in given if d <= end]
    if closed:
        day = min(closed)
        raise TrainlogError(say("msg.month_closed", month=f"{day.year:04d}-{day.month:02d}",
                                what=what, through=f"{end.year:04d}-{end.month:02d}"))
