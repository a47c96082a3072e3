"""The log of changes as people read it (`trainlog log`): each row's changes in a line,
"field: before → after; …", and the rows of its table and CSV."""

from __future__ import annotations

from typing import Any

from trainlog.vocab import CHANGE_ACTIONS, CHANGE_KINDS, WORDS, label

#: The columns of the log's CSV, as its JSON keys.
COLUMNS = ["at", "role", "user", "kind", "key", "action", "changes"]
#: The columns of its table: the role (only where the database has roles), then the user, are the
#: first a narrow terminal leaves out (trainlog.output.render.DROP_FIRST), the kind of record never.
TABLE_COLUMNS = ["at", "db_role", "user", "record", "key", "action", "changes"]
#: The order a row's fields are shown in (a session's as its form reads); others after, by name.
ORDER = ["code", "name", "from", "date", "track", "kind", "topic", "title", "hours", "branch",
         "headcount", "attendees", "added", "removed", "attendee_hours", "township", "active",
         "target", "deadline", "closed_through", "void", "reason"]
#: Fields whose one side is a list of cadre codes (the attendees added, removed).
_ONE_SIDED = {"added": 1, "removed": 0}


def _value(value: Any, field: str, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return WORDS["yes" if value else "no"][1 if lang == "zh" else 0]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v, field, lang)}" for k, v in value.items())
    if isinstance(value, str) and field in ("track", "kind", "topic", "level", "platform"):
        return label(value, lang, field=field)
    return str(value)


def field_name(field: str, lang: str) -> str:
    """A changed field's name: its zh-CN word in zh (the log's own first), else the key."""
    if lang != "zh":
        return field
    own = WORDS.get(f"change.{field}") or WORDS.get(field)
    if own is not None:
        return own[1]
    if field.startswith("grant "):
        return WORDS["change.grant"][1] + " " + field[len("grant "):]
    return field


def compact(changes: dict[str, Any], lang: str = "en") -> str:
    """'field: before → after; …' (a created field 'field: after'; the attendees added or removed
    'added: G0001, G0002')."""
    parts = []
    rank = {f: i for i, f in enumerate(ORDER)}
    for field, pair in sorted(changes.items(), key=lambda item: (rank.get(item[0], 99), item[0])):
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        name = field_name(field, lang)
        if field in _ONE_SIDED:
            parts.append(f"{name}: {_value((before, after)[_ONE_SIDED[field]], field, lang)}")
        elif before is None:
            parts.append(f"{name}: {_value(after, field, lang)}")
        else:
            parts.append(f"{name}: {_value(before, field, lang)} → {_value(after, field, lang)}")
    return "; ".join(parts)


def log_rows(entries: list[dict[str, Any]], lang: str, table: bool = True) -> list[dict[str, Any]]:
    """The rows of the log's table (`table`: kinds and actions in the language, the time to the
    minute in UTC) or CSV (keys, the time as stored): the changes in a line."""
    rows = []
    for e in entries:
        at = e["at"] or ""
        kind, action = e["kind"], e["action"]
        if not table:
            rows.append({**e, "changes": compact(e["changes"])})
            continue
        if lang == "zh":
            kind, action = CHANGE_KINDS.get(kind, kind), CHANGE_ACTIONS.get(action, action)
        rows.append({"at": at[:16].replace("T", " "), "db_role": e["role"], "user": e["user"],
                     "record": kind, "key": e["key"], "action": action,
                     "changes": compact(e["changes"], lang)})
    return rows


def columns(entries: list[dict[str, Any]]) -> list[str]:
    """The table's columns: the role only when a row has one (PostgreSQL's)."""
    return [c for c in TABLE_COLUMNS if c != "db_role" or any(e["role"] for e in entries)]
