"""`trainlog hours` against a row-by-row reference on random data (issue 18), on both backends.

Each seed builds a roster at random through trainlog's own write paths: cadres with a first
rank or none, dated rank changes (promotions to county among them), branch moves,
deactivations and reactivations, sessions of any track (some voided), online study, and the
hours settings (0 among them). The reference reads the raw rows back (cadre_fact, sessions,
attendance, online_study; the settings as the test set them) and decides each cadre's status in
plain Python, a loop over rows: no GROUP BY, no SQL date logic. It must equal the JSON of
`trainlog hours` for several years and days, and with --rank, --branch, --short.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from random import Random
from typing import Any

import pytest

from trainlog.errors import TrainlogError
from trainlog.registry import add_branch, add_cadre, deactivate_cadre, edit_cadre
from trainlog.sessions.add import add_session
from trainlog.sessions.queries import void_session
from trainlog.store.database import Database
from trainlog.store.sql import as_date
from trainlog.study.records import add_study
from trainlog.study.settings import set_setting

RANK_KEYS = ["county", "section", "staff", "village"]
DEFAULTS = {"hours.county.group": 550.0, "hours.county.years": 5.0, "hours.section.group": 90.0,
            "hours.staff.group": 90.0, "hours.village.group": 0.0, "hours.online": 50.0}
FIRST, LAST = date(2014, 1, 1), date(2022, 12, 31)
SEEDS = range(10)
#: a day checked that is the first of a month (the month's study counts, the day's session too)
BOUNDARY = date(2021, 6, 1)


def _day(rng: Random, start: date = FIRST, end: date = LAST) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _try(db: Database, write: Any) -> None:
    """One write in its own transaction; one trainlog refuses (attendance while inactive, a
    deactivation with attendance after it) is left out, as a user would see it refused."""
    try:
        with db.connect(write=True) as conn:
            write(conn)
    except TrainlogError:
        pass


def build(db: Database, seed: int) -> tuple[dict[str, float], list[date]]:
    """A random roster; the settings in force (the defaults, changed at random) and the days to
    check besides: inside the year after its first cadre's promotion to county (a section cadre
    left out of the other changes), that year's last day and its first anniversary, and a day
    after its third cadre's promotion and demotion within a year."""
    rng = Random(seed)
    codes = [f"G{n:02d}" for n in range(rng.randint(8, 14))]
    with db.connect(write=True) as conn:
        for b in ("B1", "B2"):
            add_branch(conn, b, f"{b}支部")
        for i, code in enumerate(codes):
            # the first two: a section cadre promoted to county at a random day in the years
            # checked, and an unranked one; the third one below; the others at random
            rank = ("section" if i == 0 else None if i == 1
                    else rng.choice([None, *RANK_KEYS, "county", "section"]))
            add_cadre(conn, code, f"干部{i}", rank=rank, branch=rng.choice(["B1", "B2", None]))
    promoted = _day(rng, date(2019, 1, 1), date(2022, 6, 30))
    _try(db, lambda c: edit_cadre(c, codes[0], start=promoted, rank="county"))
    # the third: staff, promoted to county and back to section within the year
    up = _day(rng, date(2019, 1, 1), date(2022, 1, 31))
    _try(db, lambda c: edit_cadre(c, codes[2], correct=True, rank="staff"))
    _try(db, lambda c: edit_cadre(c, codes[2], start=up, rank="county"))
    down = up + timedelta(rng.randint(20, 200))
    _try(db, lambda c: edit_cadre(c, codes[2], start=down, rank="section"))
    # records on the boundary day BOUNDARY (checked below): a session and online study that month
    _try(db, lambda c: add_session(c, date=BOUNDARY.isoformat(), track="policy", title="会",
                                   hours="3", attendees=codes[:6], ref="EDGE"))
    for code in codes[:6]:
        _try(db, lambda c, k=code: add_study(c, k, f"{BOUNDARY:%Y-%m}", "7.5"))
    for _ in range(rng.randint(20, 35)):
        day = _day(rng)
        people = rng.sample(codes, rng.randint(1, len(codes)))
        hours = rng.choice(["0.5", "1", "2.5", "4", "6", "7.25", "8", "12", "24", "0.3"])
        ref = f"S{rng.randrange(10**6)}"
        _try(db, lambda c, d=day, p=people, h=hours, r=ref: add_session(
            c, date=d.isoformat(), track=rng.choice(["policy", "video", "special"]), title="班",
            hours=h, attendees=p, ref=r))
        if rng.random() < 0.2:
            _try(db, lambda c, r=ref: void_session(c, r, "录错"))
    for _ in range(rng.randint(15, 40)):
        code, month = rng.choice(codes), _day(rng, date(2016, 1, 1))
        hours = rng.choice(["0.5", "3", "5", "9.9", "12.5", "20", "30", "0.05"])
        _try(db, lambda c, k=code, m=month, h=hours: add_study(c, k, f"{m:%Y-%m}", h))
    for code in [codes[1], *codes[3:]]:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            change = rng.random()
            day = _day(rng, date(2016, 1, 1))
            if change < 0.6:
                _try(db, lambda c, k=code, d=day: edit_cadre(c, k, start=d,
                                                             rank=rng.choice(RANK_KEYS)))
            elif change < 0.75:
                _try(db, lambda c, k=code, d=day: edit_cadre(c, k, start=d,
                                                             branch=rng.choice(["B1", "B2"])))
            elif change < 0.9:
                _try(db, lambda c, k=code, d=day: deactivate_cadre(c, k, on=d, reason="调离"))
            else:
                _try(db, lambda c, k=code, d=day: edit_cadre(c, k, start=d, active=True))
    settings = dict(DEFAULTS)
    with db.connect(write=True) as conn:
        for key in DEFAULTS:
            if rng.random() < 0.5:
                value = (float(rng.randint(1, 6)) if key == "hours.county.years"
                         # (the promoted cadre stays short of county's: he is in grace)
                         else rng.choice([300.0, 550.0]) if key == "hours.county.group"
                         else rng.choice([0.0, 5.0, 10.0, 24.0, 30.0, 50.0, 90.0]))
                set_setting(conn, key, value)
                settings[key] = value
    after = promoted + timedelta(days=rng.randint(0, 300))
    return settings, [after, _plus_a_year(promoted) - timedelta(1), _plus_a_year(promoted),
                      down + timedelta(days=rng.randint(0, 100))]


def _round(total: float) -> float:
    return float(Decimal(repr(round(total, 6))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _plus_a_year(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year + 1, 3, 1) - timedelta(days=1)
    return date(day.year + 1, day.month, day.day)


def reference(db: Database, settings: dict[str, float], end: date) -> dict[str, Any]:
    """What `hours --as-of END` must say, from the raw rows."""
    with db.connect() as conn:
        cadres = conn.all("SELECT id, code, name FROM cadre")
        facts = conn.all("SELECT cadre_id, valid_from, valid_to, rank, active, branch_id "
                         "FROM cadre_fact")
        branches = dict(conn.all("SELECT id, code FROM branch"))
        sessions = {i: (as_date(d), bool(v)) for i, d, v in
                    conn.all("SELECT id, date, void FROM training_session")}
        attendance = conn.all("SELECT session_id, cadre_id, hours FROM attendance")
        study = conn.all("SELECT cadre_id, month, hours FROM online_study")
    years = int(settings["hours.county.years"])
    out: dict[str, Any] = {"unranked": 0, "cadres": {}}
    for cid, code, name in cadres:
        rows = sorted(((as_date(f), as_date(t), r, bool(a), b)
                       for c, f, t, r, a, b in facts if c == cid), key=lambda x: x[0])
        on_end = [r for r in rows if r[0] <= end < r[1]]
        assert len(on_end) == 1
        _, _, rank, active, branch_id = on_end[0]
        if not active:
            continue
        if rank is None:
            out["unranked"] += 1
            continue
        group_required = settings[f"hours.{rank}.group"]
        online_required = 0.0 if rank == "village" else settings["hours.online"]
        if group_required <= 0 and online_required <= 0:
            continue
        start = date(end.year - years + 1 if rank == "county" else end.year, 1, 1)
        group = 0.0
        for sid, who, hours in attendance:
            day, void = sessions[sid]
            if who == cid and not void and start <= day <= end:
                group += float(hours)
        online = 0.0
        for who, month, hours in study:
            if who == cid and date(end.year, 1, 1) <= as_date(month) <= end:
                online += float(hours)
        met = group >= group_required - 1e-6 and online >= online_required - 1e-6
        promoted = None
        for before, after in zip(rows, rows[1:], strict=False):
            if (after[2] == "county" and before[2] in ("section", "staff", "village")
                    and after[0] <= end):
                promoted = after[0]
        until = _plus_a_year(promoted) if promoted and rank == "county" else None
        status = "met" if met else "grace" if until and end < until else "short"
        out["cadres"][code] = {
            "cadre": code, "name": name, "rank": rank, "branch": branches.get(branch_id),
            "window": {"from": start.isoformat(), "to": end.isoformat()},
            "group_hours": _round(group), "group_required": group_required,
            "online_hours": _round(online), "online_required": online_required, "met": met,
            "status": status, "grace_until": until.isoformat() if status == "grace" else None}
    return out


def hours(cli, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = cli("hours", *args, "--format", "json")
    assert r.exit_code == 0, (args, r.stdout, r.stderr)
    return json.loads(r.stdout)


def expected(ref: dict[str, Any], end: date, cadres: list[dict[str, Any]],
             unranked: int) -> dict[str, Any]:
    by_rank = []
    for rank in RANK_KEYS:
        of = [c for c in cadres if c["rank"] == rank]
        if of:
            n = {s: sum(c["status"] == s for c in of) for s in ("met", "short", "grace")}
            by_rank.append({"rank": rank, "checked": len(of), "met": n["met"],
                            "short": n["short"], "grace": n["grace"],
                            "rate": float(Decimal(n["met"] / len(of)).quantize(
                                Decimal("0.0001"), ROUND_HALF_UP))})
    return {"year": end.year, "as_of": end.isoformat(), "checked": len(cadres),
            "met": sum(c["status"] == "met" for c in cadres),
            "short_count": sum(c["status"] == "short" for c in cadres),
            "grace": sum(c["status"] == "grace" for c in cadres), "unranked": unranked,
            "by_rank": by_rank, "cadres": sorted(cadres, key=lambda c: c["cadre"])}


@pytest.mark.parametrize("seed", SEEDS)
def test_hours_equal_a_row_by_row_reference(cli, db: Database, seed: int) -> None:
    settings, marks = build(db, seed)
    rng = Random(seed * 7 + 1)
    days = [date(y, 12, 31) for y in (2019, 2020, 2021, 2022)]
    days += [_day(rng, date(2019, 1, 1)) for _ in range(3)]
    # inside the year after the promotion, its last day, and its first anniversary
    days += [*marks, BOUNDARY, BOUNDARY - timedelta(1)]
    statuses = set()
    for end in days:
        ref = reference(db, settings, end)
        everyone = list(ref["cadres"].values())
        args = ["--year", str(end.year)] if (end.month, end.day) == (12, 31) else \
            ["--as-of", end.isoformat()]
        assert hours(cli, *args) == expected(ref, end, everyone, ref["unranked"]), (seed, end)
        statuses |= {c["status"] for c in everyone}
        # --short lists those short, the counts stay everyone's
        short = hours(cli, *args, "--short")
        assert short["cadres"] == [c for c in expected(ref, end, everyone, 0)["cadres"]
                                   if c["status"] == "short"]
        assert short["short_count"] == sum(c["status"] == "short" for c in everyone)
        rank = rng.choice(RANK_KEYS)
        of_rank = [c for c in everyone if c["rank"] == rank]
        got = hours(cli, *args, "--rank", rank)
        assert got == expected(ref, end, of_rank, ref["unranked"]), (seed, end, rank)
        of_branch = [c for c in everyone if c["branch"] == "B1"]
        got = hours(cli, *args, "--branch", "B1")
        assert {k: v for k, v in got.items() if k != "unranked"} == {
            k: v for k, v in expected(ref, end, of_branch, 0).items() if k != "unranked"}
    assert {"short", "grace"} <= statuses  # the random roster reaches the statuses

