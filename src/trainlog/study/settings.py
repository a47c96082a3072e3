"""Settings a database holds (the compliance minimums, the hours rules): their values, set and unset."""

from __future__ import annotations

from typing import Any

from trainlog.errors import TrainlogError
from trainlog.files import tables as imp
from trainlog.store.sql import Conn
from trainlog.vocab import SETTINGS, WHOLE_SETTINGS, ZERO_MEANS_NO_RULE, say


def get_settings(conn: Conn) -> list[dict[str, Any]]:
    """Every known setting: its value in this database (or the default) and the default."""
    stored = {k: v for k, v in conn.all(
        "SELECT key, value FROM setting WHERE office_id = :office")}
    rows = []
    for key, (default, _, what) in SETTINGS.items():
        value = float(stored[key]) if key in stored else default
        rows.append({"key": key, "value": value, "default": default, "set": key in stored,
                     "description": what})
    return rows


def setting(conn: Conn, key: str) -> float:
    """The value of one setting in this database, else its default."""
    return conn.setting(key)


def _check_key(key: str) -> str:
    key = key.strip()
    if key not in SETTINGS:
        raise TrainlogError(say("msg.no_setting", key=repr(key), settings=", ".join(SETTINGS)))
    return key


def set_setting(conn: Conn, key: str, value: str | float) -> dict[str, Any]:
    """Store a setting for this database after checking its value."""
    key = _check_key(key)
    limit = SETTINGS[key][1]
    number = imp.number(value, key, 0.0, limit)
    if number <= 0 and key not in ZERO_MEANS_NO_RULE:  # 0 is "no rule" for the hours rules
        raise TrainlogError(say("msg.more_than_0", key=key))
    if key in WHOLE_SETTINGS and number != int(number):
        raise TrainlogError(say("msg.whole_setting", key=key))
    text = f"{number:g}"
    params = {"key": key, "value": text}
    if not conn.run("UPDATE setting SET value = :value "
                    "WHERE office_id = :office AND key = :key", params):
        conn.run("INSERT INTO setting (office_id, key, value) VALUES (:office, :key, :value)",
                 params)
    return {"key": key, "value": number}


def unset_setting(db: Conn, key: str) -> dict[str, Any]:
    """Remove a stored setting: the default applies again."""
    key = _check_key(key)
    db.delete_setting(key)
    return {"key": key, "value": SETTINGS[key][0]}
