"""What a session's write changed, as its log row says it (`trainlog.store.changelog`).

A session's fields are logged before → after as a reader knows them (its branch by code, its date
as YYYY-MM-DD); its attendance as the number of attendees before → after, and the codes of the
attendees added and removed (a created session's attendees are all added), so the row of a
300-attendee session stays small: more than `MAX_CODES` codes are logged as their number. The log
of sessions of at most `MAX_CODES` attendees says who attended each: a reader can rebuild them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from trainlog.store.sql import as_date

#: The fields of a session its log rows name (the branch by its code).
LOGGED = ("date", "track", "kind", "topic", "title", "hours", "branch", "headcount")
#: The most codes of added or removed attendees a log row lists; more are logged as a number.
MAX_CODES = 20

Changes = dict[str, tuple[Any, Any]]
#: cadre ids -> their codes (one query for those asked)
CodeOf = Callable[[Iterable[int]], Mapping[int, str]]


def _plain(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column == "date":
        return as_date(value).isoformat()  # type: ignore[union-attr]
    if column == "hours":
        return float(value)
    if column == "headcount":
        return int(value)
    return value


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Changes:
    """The LOGGED fields that differ, (before, after); a new session's (before None) are those
    it has (an empty kind, topic or branch, and no headcount, left out)."""
    out: Changes = {}
    for column in LOGGED:
        old = None if before is None else _plain(column, before.get(column))
        new = _plain(column, after.get(column))
        if old != new and not (before is None and column == "headcount" and new == 0):
            out[column] = (old, new)
    return out


def _listed(ids: list[int], codes: Mapping[int, str]) -> list[str] | int:
    return sorted(codes.get(i, str(i)) for i in ids) if len(ids) <= MAX_CODES else len(ids)


def new_attendance(ids: Sequence[int], code_of: CodeOf) -> Changes:
    """A new session's attendance as its log row says it: the number of attendees and their
    codes, all added (more than `MAX_CODES` as their number); nothing for none."""
    if not ids:
        return {}
    codes = code_of(ids) if len(ids) <= MAX_CODES else {}
    return {"attendees": (None, len(ids)), "added": (None, _listed(list(ids), codes))}


def attendance_changes(before: Mapping[int, float] | None, after: Mapping[int, float],
                       code_of: CodeOf) -> Changes:
    """A session's attendance (cadre id -> hours) before → after: `attendees` the numbers,
    `added` and `removed` the codes (or their number), `attendee_hours` {code: hours} of those
    whose hours changed (when not all of them to the session's new hours)."""
    if before is None:
        return new_attendance(list(after), code_of)
    added = [c for c in after if c not in before]
    removed = [c for c in before if c not in after]
    rehoured = [c for c in after if c in before and before[c] != after[c]]
    out: Changes = {}
    if added or removed:
        out["attendees"] = (len(before), len(after))
    if not (added or removed or rehoured):
        return out
    kept = [c for c in after if c in before]
    uniform = (len(rehoured) == len(kept) and len({before[c] for c in kept}) == 1
               and len({after[c] for c in kept}) == 1)  # as the session's hours: said there
    rehoured = [] if uniform else rehoured
    codes = code_of([c for group in (added, removed, rehoured) if len(group) <= MAX_CODES
                     for c in group])
    if added:
        out["added"] = (None, _listed(added, codes))
    if removed:
        out["removed"] = (_listed(removed, codes), None)
    if len(rehoured) > MAX_CODES:
        out["attendee_hours"] = (len(rehoured), len(rehoured))
    elif rehoured:
        named = sorted((codes.get(c, str(c)), c) for c in rehoured)
        out["attendee_hours"] = ({k: before[c] for k, c in named}, {k: after[c] for k, c in named})
    return out


def cadre_codes(db: Any) -> CodeOf:
    """`CodeOf` by a query of the current office's cadres (`db` a Conn)."""
    def code_of(ids: Iterable[int]) -> Mapping[int, str]:
        return {int(i): c for i, c in db.all_in(
            "SELECT id, code FROM cadre WHERE office_id = :office AND id IN ({values})",
            sorted(set(ids)))}
    return code_of
