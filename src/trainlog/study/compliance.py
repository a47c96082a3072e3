"""The compliance report: online-study hours against the monthly and yearly minimum, and the
registration coverage of party members on the cadre academy.

SQL text through `trainlog.store.sql` (portable, and no SQLAlchemy import on a SQLite file): these are
reports a leader asks for at any moment and cron runs every month.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from trainlog.dates import Period
from trainlog.errors import FieldError
from trainlog.store.sql import Conn
from trainlog.study.settings import setting
from trainlog.vocab import PLATFORMS, parse_choice, say

#: Hours are compared with this much slack: sums of decimals such as 1.7 + 3.3 are not exact.
EPSILON = 1e-6
def compliance(db: Conn, period: Period, min_month: float | None = None,
               min_year: float | None = None, platform: str | None = None) -> dict[str, Any]:
    """Registered cadres short of online-study hours in the period; registration coverage."""
    if min_month is None:
        min_month = setting(db, "compliance.min_month")
    if min_year is None:
        min_year = setting(db, "compliance.min_year")
    for name, value in (("--min-month", min_month), ("--min-year", min_year)):
        if not (math.isfinite(value) and value >= 0):
            raise FieldError(name, say("msg.not_hours", value=f"{value:g}"))
    key = parse_choice(platform, PLATFORMS, "--platform") if platform else None
    required = float(min_year) if period.whole_year else float(min_month) * period.months
    end = period.end
    year_start = date(end.year, 1, 1)
    start_month = period.start.replace(day=1)
    params = {"end": end, "year_start": year_start, "start_month": start_month,
              "from_month": min(start_month, year_start), "platform": key,
              "met": float(min_month) - EPSILON, "required": required - EPSILON}

    registered_by_end = "c.registered_on IS NOT NULL AND c.registered_on <= :end"
    # each cadre with his facts on the period's last day (trainlog.registry: cadre_fact)
    on_end = ("FROM cadre c JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_from <= :end "
              "AND :end < f.valid_to WHERE c.office_id = :office AND f.active")
    party, registered, checked = db.first(
        "SELECT coalesce(sum(CASE WHEN f.party_member THEN 1 ELSE 0 END), 0), "
        f"coalesce(sum(CASE WHEN f.party_member AND {registered_by_end} THEN 1 ELSE 0 END), 0), "
        f"coalesce(sum(CASE WHEN {registered_by_end} THEN 1 ELSE 0 END), 0) "
        f"{on_end}", params) or (0, 0, 0)

    # The cadres checked, each with the first month of the year they are held to.
    k = ("SELECT c.id AS id, CASE WHEN c.registered_on < :year_start THEN 1 "
         f"ELSE {db.month_number('c.registered_on')} END AS first_month "
         f"{on_end} AND {registered_by_end}")
    # Hours per cadre and month, on every platform or the one asked for.
    m = ("SELECT o.cadre_id AS cadre_id, o.month AS month, sum(o.hours) AS hours "
         "FROM online_study o WHERE o.office_id = :office AND o.month >= :from_month "
         "AND o.month <= :end"
         + (" AND o.platform = :platform" if key is not None else "")
         + " GROUP BY o.cadre_id, o.month")
    hours = "coalesce(sum(CASE WHEN m.month >= :start_month THEN m.hours END), 0.0)"
    to_date = "coalesce(sum(CASE WHEN m.month >= :year_start THEN m.hours END), 0.0)"
    met = ("count(CASE WHEN m.month >= :year_start AND m.hours >= :met "
           f"AND {db.month_number('m.month')} >= k.first_month THEN 1 END)")
    # Grouped by the cadre's id alone (the names are joined after): with more GROUP BY columns
    # SQLite scans the monthly sums once per cadre instead of indexing them.
    short_ones = (f"SELECT k.id AS id, {hours} AS hours, {to_date} AS to_date, "
                  f"max(k.first_month) AS first_month, {met} AS met "
                  f"FROM ({k}) k LEFT OUTER JOIN ({m}) m ON m.cadre_id = k.id "
                  f"GROUP BY k.id HAVING {hours} < :required")
    sql = ("SELECT c.code, c.name, b.code, s.hours, s.to_date, s.first_month, s.met "
           f"FROM ({short_ones}) s JOIN cadre c ON c.id = s.id "
           "JOIN cadre_fact f ON f.cadre_id = c.id AND f.valid_from <= :end AND :end < f.valid_to "
           "LEFT OUTER JOIN branch b ON b.id = f.branch_id")
    # Sorted here, on hours without the last bits of float noise: the order in which a database
    # adds up the months must not decide which of two equal cadres comes first.
    found = sorted(db.all(sql, params), key=lambda r: (round(float(r[3]), 6), r[0]))
    short = [{"cadre": code, "name": name, "branch": branch, "hours": round(float(h), 1),
              "required": required, "year_to_date": round(float(ytd), 1),
              "months_short": end.month - int(first) + 1 - int(n_met)}
             for code, name, branch, h, ytd, first, n_met in found]
    return {
        "period": period.as_dict(),
        "min_month": float(min_month),
        "min_year": float(min_year),
        "party_members": int(party),
        "registered": int(registered),
        "registration_coverage": round(int(registered) / int(party), 4) if party else None,
        "checked": int(checked),
        "short_count": len(short),
        "short": short,
    }
