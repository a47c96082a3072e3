"""Online study hours (import, add, by cadre), the compliance and coverage reports, and settings.

`study import` and `study add` live in `trainlog.studying`, and the reports in
`trainlog.compliance`, which import no SQLAlchemy so that those commands start fast; their public
names are importable from here as they always were.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from trainlog import importing as imp
from trainlog.compliance import (  # noqa: F401  (the reports, re-exported)
    EPSILON,
    SETTINGS,
    Coverage,
    compliance,
    coverage,
    get_settings,
    setting,
)
from trainlog.errors import TrainlogError
from trainlog.models import Cadre, OnlineStudy, Setting
from trainlog.studying import (  # noqa: F401  (study import and add, re-exported)
    DEFAULT_PLATFORM,
    WARN_SAMPLE,
    StudyImportResult,
    add_study,
    import_study,
    parse_hours,
)


def _check_key(key: str) -> str:
    key = key.strip()
    if key not in SETTINGS:
        raise TrainlogError(f"no setting {key!r}; the settings are {', '.join(SETTINGS)}")
    return key


def set_setting(session: Session, key: str, value: str | float) -> dict[str, Any]:
    """Store a setting for this database after checking its value."""
    key = _check_key(key)
    limit = SETTINGS[key][1]
    number = imp.number(value, key, 0.0, limit)
    if number <= 0:
        raise TrainlogError(f"{key}: must be more than 0")
    text = f"{number:g}"
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
    session.flush()
    return {"key": key, "value": number}


def unset_setting(session: Session, key: str) -> dict[str, Any]:
    """Remove a stored setting: the default applies again."""
    key = _check_key(key)
    session.execute(delete(Setting).where(Setting.key == key))
    return {"key": key, "value": SETTINGS[key][0]}


def cadre_study(session: Session, code: str, year: int | None = None) -> list[dict[str, Any]]:
    """A cadre's online study hours by month and platform (for `cadre show`)."""
    stmt = (select(OnlineStudy.month, OnlineStudy.platform, OnlineStudy.hours)
            .join(Cadre, Cadre.id == OnlineStudy.cadre_id)
            .where(Cadre.code == code.strip())
            .order_by(OnlineStudy.month, OnlineStudy.platform))
    if year is not None:
        if not 1 <= year <= 9999:
            raise TrainlogError(f"--year: {year} is not a year")
        stmt = stmt.where(OnlineStudy.month.between(date(year, 1, 1), date(year, 12, 31)))
    return [{"month": m.strftime("%Y-%m"), "platform": p, "hours": round(h, 1)}
            for m, p, h in session.execute(stmt)]
