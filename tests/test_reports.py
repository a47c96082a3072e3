"""The plan report (trainlog.reports.plan) and plans (trainlog.reports.plans), on hand-built data."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from trainlog.dates import Period, resolve_period
from trainlog.errors import ConditionHeld, TrainlogError
from trainlog.reports.plan import (
    fail_if_behind,
    person_times,
    plan_block,
    plan_report,
    round_half_up,
)
from trainlog.reports.plans import PlanInfo, list_plans, plan_for_report, set_plan
from trainlog.sessions.add import add_session
from trainlog.sessions.queries import void_session
from trainlog.store.database import Database
from trainlog.store.schema import Attendance, Branch, Cadre, TrainingSession

APRIL = resolve_period(month="2020-04")


@pytest.fixture
def database() -> Iterator[Database]:
    """A fresh database at TRAINLOG_DB (set for every test by conftest)."""
    db = Database()
    db.init()
    yield db
    db.dispose()


def _branches_and_cadres(s: Any) -> None:
    s.add_all([Branch(code="B1", name="一支部", township="T1"),
               Branch(code="B2", name="二支部", township="T2"),
               Branch(code="B3", name="三支部", township=None)])
    s.flush()
    ids = dict(s.execute(select(Branch.code, Branch.id)).all())
    s.add_all([
        Cadre(code="C1", name="甲", level="district", branch_id=ids["B1"], top_leader=True),
        Cadre(code="C2", name="乙", level="township", branch_id=ids["B1"], poverty_cadre=True),
        Cadre(code="C3", name="丙", level="village", branch_id=ids["B2"], top_leader=True,
              poverty_cadre=True),
        Cadre(code="C4", name="丁", level="village", branch_id=None),
        Cadre(code="C5", name="戊", level="township", branch_id=ids["B2"], poverty_cadre=True),
    ])
    s.flush()


@pytest.fixture
def data(database: Database, orm_session) -> Database:  # type: ignore[no-untyped-def]
    """Sessions around April 2020 (a leap year): see each test for the figures they give.

    1 policy  2020-03-31 assessment  2h  C1 C2                 (March: outside April)
    2 policy  2020-04-01 promotion   3h  C1 C3 C4
    3 video   2020-04-15 remote    1.5h  headcount 20, branch B2
    4 video   2020-04-20 xuexi       2h  C2 C5 + headcount 5, branch B1
    5 special 2020-04-30 thematic    6h  C2 C3 C5 + headcount 2, rural-revitalization, no branch
    6 special 2020-05-01 regular     6h  C2                    (May: outside April)
    7 special 2020-04-10             8h  C1 C2 C3 C4 + 100     (voided: never counts)
    8 policy  2020-01-02 meeting     1h  C1 C4                 (counts for the plan only)
    9 special 2019-12-31             4h  C2                    (the year before)
    C5 is deactivated after attending: their attendance keeps counting.
    """
    with orm_session(database, write=True) as s:
        _branches_and_cadres(s)
    with database.connect(write=True) as s:
        add = lambda **kw: add_session(s, **kw)  # noqa: E731
        add(date="2020-03-31", track="policy", kind="assessment", title="研判会", hours=2,
            attendees=["C1", "C2"])
        add(date="2020-04-01", track="policy", kind="promotion", title="推进会", hours=3,
            attendees=["C1,C3,C4"])
        add(date="2020-04-15", track="video", kind="remote", title="远程教育", hours=1.5,
            headcount=20, branch="B2")
        add(date="2020-04-20", track="video", kind="xuexi", title="学习强国", hours=2,
            attendees=["C2", "C5"], headcount=5, branch="B1")
        add(date="2020-04-30", track="special", kind="thematic", topic="rural-revitalization",
            title="乡村振兴专题班", hours=6, attendees=["C2", "C3", "C5"], headcount=2)
        add(date="2020-05-01", track="special", kind="regular", title="常规班", hours=6,
            attendees=["C2"])
        voided = add(date="2020-04-10", track="special", title="作废", hours=8,
                     attendees=["C1", "C2", "C3", "C4"], headcount=100)
        add(date="2020-01-02", track="policy", kind="meeting", title="会议", hours=1,
            attendees=["C1", "C4"])
        add(date="2019-12-31", track="special", title="去年", hours=4, attendees=["C2"])
        void_session(s, str(voided["id"]), "entered twice")
        s.run("UPDATE cadre SET active = :active WHERE code = :code",
              {"active": False, "code": "C5"})
    return database


def report(db: Database, period: Period = APRIL, **kw: Any) -> dict[str, Any]:
    with db.connect() as s:
        return plan_report(s, period, **kw)


def row(sessions: int, pt: int, people: int, hours: float) -> dict[str, Any]:
    return {"sessions": sessions, "person_times": pt, "people": people, "hours": hours}


class TestTracksAndTotal:
    """Sessions, person-times, people and hours per track and in total."""

    def test_april(self, data: Database) -> None:
        r = report(data)
        assert r["period"] == {"from": "2020-04-01", "to": "2020-04-30", "label": "2020-04"}
        assert r["tracks"] == [
            {"track": "policy", **row(1, 3, 3, 9.0)},
            # headcount 20 x 1.5h + (C2, C5) x 2h + headcount 5 x 2h
            {"track": "video", **row(2, 27, 2, 44.0)},
            # (C2, C3, C5) x 6h + headcount 2 x 6h; the voided class is left out
            {"track": "special", **row(1, 5, 3, 30.0)},
        ]
        # people are distinct over the period: C1 C2 C3 C4 C5, not 3 + 2 + 3
        assert r["total"] == row(4, 35, 5, 83.0)
        assert "rows" not in r

    def test_tracks_always_three_in_order_with_zeros(self, data: Database) -> None:
        r = report(data, resolve_period(start="2020-05-01", end="2020-05-31"))
        assert [t["track"] for t in r["tracks"]] == ["policy", "video", "special"]
        assert r["tracks"][0] == {"track": "policy", **row(0, 0, 0, 0.0)}
        assert r["tracks"][2] == {"track": "special", **row(1, 1, 1, 6.0)}
        assert r["total"] == row(1, 1, 1, 6.0)

    def test_empty_period(self, data: Database) -> None:
        r = report(data, resolve_period(month="2021-01"))
        assert r["total"] == row(0, 0, 0, 0.0)
        assert all(t["person_times"] == 0 for t in r["tracks"])

    def test_month_boundary(self, data: Database) -> None:
        """31 March and 1 May stay out of April; 1 and 30 April are in."""
        march = report(data, resolve_period(month="2020-03"))
        assert march["total"] == row(1, 2, 2, 4.0)
        r = report(data, resolve_period(start="2020-03-31", end="2020-05-01"))
        assert r["total"] == row(6, 35 + 2 + 1, 5, 83.0 + 4.0 + 6.0)

    def test_void_never_counts(self, data: Database) -> None:
        r = report(data, resolve_period(start="2020-04-10", end="2020-04-10"))
        assert r["total"] == row(0, 0, 0, 0.0)
        assert r["plan"] is None

    def test_deactivated_cadre_still_counts(self, data: Database) -> None:
        r = report(data, resolve_period(start="2020-04-20", end="2020-04-20"))
        assert r["tracks"][1] == {"track": "video", **row(1, 7, 2, 14.0)}

    def test_track_restricts(self, data: Database) -> None:
        r = report(data, track="视频培训")
        # DESIGN.md: `tracks` always lists the three tracks; the others are zero
        assert r["tracks"] == [{"track": "policy", **row(0, 0, 0, 0.0)},
                               {"track": "video", **row(2, 27, 2, 44.0)},
                               {"track": "special", **row(0, 0, 0, 0.0)}]
        assert r["total"] == row(2, 27, 2, 44.0)

    def test_as_of_cuts_off(self, data: Database) -> None:
        period = resolve_period(as_of="2020-04-03")
        assert (period.start, period.end) == (date(2020, 4, 1), date(2020, 4, 3))
        r = report(data, period)
        assert r["tracks"][0] == {"track": "policy", **row(1, 3, 3, 9.0)}
        assert r["total"] == row(1, 3, 3, 9.0)
        # --as-of on the last day of April leaves April whole; the day before drops the 30th
        whole = report(data, resolve_period(month="2020-04", as_of="2020-04-30"))
        assert whole["total"] == row(4, 35, 5, 83.0)
        cut = report(data, resolve_period(month="2020-04", as_of="2020-04-29"))
        assert cut["total"] == row(3, 30, 5, 53.0)


class TestAudience:
    """--audience counts the group's named attendances only; headcounts are left out."""

    def test_top_leaders(self, data: Database) -> None:
        r = report(data, audience="top-leaders")
        assert [(t["track"], t["sessions"], t["person_times"], t["people"], t["hours"])
                for t in r["tracks"]] == [("policy", 1, 2, 2, 6.0), ("video", 0, 0, 0, 0.0),
                                          ("special", 1, 1, 1, 6.0)]
        assert r["total"] == row(2, 3, 2, 12.0)

    def test_poverty_cadres_by_label(self, data: Database) -> None:
        r = report(data, audience="扶贫干部")
        assert [t["person_times"] for t in r["tracks"]] == [1, 2, 3]
        # sessions at least one of them attended: 2 (C3), 4 (C2, C5), 5 (C2, C3, C5)
        assert r["total"] == row(3, 6, 3, 25.0)

    def test_all_is_no_filter(self, data: Database) -> None:
        assert report(data, audience="all") == report(data)

    def test_plan_counts_the_audience_too(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 100)
        r = report(data, audience="top-leaders")
        # C1 on 2 Jan, C1 on 31 Mar, C1 + C3 on 1 Apr, C3 on 30 Apr
        assert r["plan"]["to_date"] == 5
        assert r["plan"]["progress"] == 0.05

    def test_unknown_audience(self, data: Database) -> None:
        with pytest.raises(TrainlogError, match="--audience"):
            report(data, audience="leaders")


class TestBy:
    """--by adds one row per group with the same counts."""

    def test_branch(self, data: Database) -> None:
        r = report(data, by="branch")
        assert r["rows"] == [
            # C1 at 2, C2 at 4 and 5, the headcount 5 of session 4 (branch B1)
            {"branch": "B1", "name": "一支部", **row(3, 8, 2, 21.0)},
            # C3 at 2 and 5, C5 at 4 and 5, the headcount 20 of session 3 (branch B2)
            {"branch": "B2", "name": "二支部", **row(4, 24, 2, 47.0)},
            # C4 (no branch) at 2 and the headcount 2 of session 5 (no branch)
            {"branch": None, "name": None, **row(2, 3, 1, 15.0)},
        ]
        assert sum(g["person_times"] for g in r["rows"]) == r["total"]["person_times"]

    def test_township(self, data: Database) -> None:
        r = report(data, by="乡镇")
        assert [(g["township"], g["person_times"], g["hours"]) for g in r["rows"]] == [
            ("T1", 8, 21.0), ("T2", 24, 47.0), (None, 3, 15.0)]

    def test_level(self, data: Database) -> None:
        r = report(data, by="level")
        assert r["rows"] == [
            {"level": "district", **row(1, 1, 1, 3.0)},
            {"level": "township", **row(2, 4, 2, 16.0)},
            {"level": "village", **row(2, 3, 2, 12.0)},
            # headcounts have no level
            {"level": None, **row(3, 27, 0, 52.0)},
        ]

    def test_level_with_audience(self, data: Database) -> None:
        r = report(data, by="level", audience="poverty-cadres")
        assert r["rows"] == [{"level": "township", **row(2, 4, 2, 16.0)},
                             {"level": "village", **row(2, 2, 1, 9.0)}]

    def test_kind_in_vocabulary_order(self, data: Database) -> None:
        r = report(data, by="kind")
        assert r["rows"] == [
            {"kind": "promotion", **row(1, 3, 3, 9.0)},
            {"kind": "xuexi", **row(1, 7, 2, 14.0)},
            {"kind": "remote", **row(1, 20, 0, 30.0)},
            {"kind": "thematic", **row(1, 5, 3, 30.0)},
        ]

    def test_topic_empty_group_last(self, data: Database) -> None:
        r = report(data, by="topic")
        assert r["rows"] == [{"topic": "rural-revitalization", **row(1, 5, 3, 30.0)},
                             {"topic": None, **row(3, 30, 5, 53.0)}]

    def test_month_every_month_of_the_period(self, data: Database) -> None:
        r = report(data, resolve_period(start="2020-02-15", end="2020-05-31"), by="month")
        assert r["rows"] == [
            {"month": "2020-02", **row(0, 0, 0, 0.0)},
            {"month": "2020-03", **row(1, 2, 2, 4.0)},
            {"month": "2020-04", **row(4, 35, 5, 83.0)},
            {"month": "2020-05", **row(1, 1, 1, 6.0)},
        ]

    def test_month_across_years(self, data: Database) -> None:
        r = report(data, resolve_period(start="2019-12-01", end="2020-01-31"), by="month")
        assert [(g["month"], g["person_times"]) for g in r["rows"]] == [("2019-12", 1),
                                                                          ("2020-01", 2)]

    def test_track_rows_follow_track_filter(self, data: Database) -> None:
        assert [g["track"] for g in report(data, by="track")["rows"]] == [
            "policy", "video", "special"]
        assert report(data, by="track", track="special")["rows"] == [
            {"track": "policy", **row(0, 0, 0, 0.0)}, {"track": "video", **row(0, 0, 0, 0.0)},
            {"track": "special", **row(1, 5, 3, 30.0)}]

    def test_unknown_dimension(self, data: Database) -> None:
        with pytest.raises(TrainlogError, match="--by"):
            report(data, by="colour")


class TestPlan:
    def test_no_plan_is_null(self, data: Database) -> None:
        assert report(data)["plan"] is None

    def test_all_tracks_plan(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 100)
        plan = report(data)["plan"]
        # 2 Jan (2) + 31 Mar (2) + April (35): voided, 2019 and May sessions left out
        assert plan == {"year": 2020, "track": None, "target": 100, "to_date": 39,
                        "progress": 0.39, "expected": 0.3306, "behind": False,
                        "deadline": "2020-12-31", "days_left": 245,
                        "needed_per_month": 7.5}  # 61 * 30 / 245 = 7.47

    def test_as_of(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 100)
        plan = report(data, resolve_period(as_of="2020-04-03"))["plan"]
        # day 94 of 366; 2 + 2 + 3 person-times
        assert plan["to_date"] == 7
        assert plan["expected"] == 0.2568
        assert plan["behind"] is True
        assert plan["days_left"] == 272
        assert plan["needed_per_month"] == 10.3  # 93 * 30 / 272 = 10.257

    def test_only_plan_of_a_track(self, data: Database) -> None:
        """Zhaoling's one plan is for the special track: the report's plan, counting that track."""
        with data.connect(write=True) as s:
            set_plan(s, 2020, 2000, track="special")
        plan = report(data)["plan"]
        assert (plan["track"], plan["to_date"], plan["progress"]) == ("special", 5, 0.0025)
        assert report(data, track="special")["plan"]["to_date"] == 5
        # a report of another track has no plan to go by
        assert report(data, track="policy")["plan"] is None

    def test_track_plan_before_all_plan(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 2000, track="special")
            set_plan(s, 2020, 100)
            set_plan(s, 2020, 50, track="policy")
        assert report(data)["plan"]["track"] is None
        assert report(data)["plan"]["to_date"] == 39
        assert report(data, track="special")["plan"]["target"] == 2000
        # policy: 2 Jan (2) + 31 Mar (2) + 1 Apr (3)
        assert report(data, track="policy")["plan"]["to_date"] == 7
        # the all-tracks plan counts every track even in a report of one
        only_video = report(data, track="video")["plan"]
        assert (only_video["track"], only_video["to_date"]) == (None, 39)

    def test_two_track_plans_and_no_all_plan(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 2000, track="special")
            set_plan(s, 2020, 50, track="policy")
        assert report(data)["plan"] is None

    def test_plan_year_is_the_year_of_the_last_day(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2019, 10)
            set_plan(s, 2020, 100)
        r = report(data, resolve_period(start="2019-12-01", end="2020-01-31"))
        assert (r["plan"]["year"], r["plan"]["to_date"]) == (2020, 2)
        r = report(data, resolve_period(month="2019-12"))
        assert (r["plan"]["year"], r["plan"]["to_date"], r["plan"]["behind"]) == (2019, 1, True)

    def test_deadline(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 100, deadline="2020/6/30")
        plan = report(data)["plan"]
        # day 121 of 182
        assert (plan["expected"], plan["days_left"], plan["deadline"]) == (0.6648, 61,
                                                                          "2020-06-30")
        assert plan["needed_per_month"] == 30.0  # 61 * 30 / 61
        assert plan["behind"] is True

    def test_past_deadline(self, data: Database) -> None:
        with data.connect(write=True) as s:
            set_plan(s, 2020, 10, deadline="2020-04-15")
        plan = report(data)["plan"]
        assert (plan["expected"], plan["days_left"], plan["needed_per_month"]) == (1.0, 0, 0.0)
        assert plan["progress"] == 3.9
        assert plan["behind"] is False


class TestPlanBlock:
    """The pace figures of DESIGN.md, as a pure function."""

    def plan(self, year: int = 2020, target: int = 2000, deadline: date | None = None) -> PlanInfo:
        return PlanInfo(year, None, target, deadline or date(year, 12, 31))

    def test_design_example(self) -> None:
        assert plan_block(self.plan(), date(2020, 4, 30), 950) == {
            "year": 2020, "track": None, "target": 2000, "to_date": 950, "progress": 0.475,
            "expected": 0.3306, "behind": False, "deadline": "2020-12-31", "days_left": 245,
            "needed_per_month": 128.6}

    def test_leap_year(self) -> None:
        b = plan_block(self.plan(), date(2020, 2, 29), 0)
        assert (b["expected"], b["days_left"]) == (0.1639, 306)  # 60 / 366
        b = plan_block(self.plan(), date(2020, 3, 1), 0)
        assert (b["expected"], b["days_left"]) == (0.1667, 305)  # 61 / 366
        b = plan_block(self.plan(2021), date(2021, 3, 1), 0)
        assert (b["expected"], b["days_left"]) == (0.1644, 305)  # 60 / 365
        assert plan_block(self.plan(), date(2020, 12, 31), 0)["expected"] == 1.0

    def test_first_day(self) -> None:
        b = plan_block(self.plan(), date(2020, 1, 1), 0)
        assert (b["expected"], b["days_left"], b["needed_per_month"]) == (0.0027, 365, 164.4)

    def test_behind_on_unrounded_values(self) -> None:
        # 121 / 366 = 0.330601...; 33,060 / 100,000 = 0.3306: equal when rounded, still behind
        b = plan_block(self.plan(target=100_000), date(2020, 4, 30), 33_060)
        assert (b["progress"], b["expected"], b["behind"]) == (0.3306, 0.3306, True)
        b = plan_block(self.plan(target=100_000), date(2020, 4, 30), 33_061)
        assert b["behind"] is False

    def test_target_exceeded(self) -> None:
        b = plan_block(self.plan(target=100), date(2020, 4, 30), 150)
        assert (b["progress"], b["needed_per_month"], b["behind"]) == (1.5, 0.0, False)

    def test_on_the_deadline(self) -> None:
        b = plan_block(self.plan(deadline=date(2020, 6, 30)), date(2020, 6, 30), 100)
        assert (b["expected"], b["days_left"], b["needed_per_month"], b["behind"]) == (
            1.0, 0, 0.0, True)

    def test_fail_if_behind(self) -> None:
        behind = {"period": {"to": "2020-04-30"},
                  "plan": plan_block(self.plan(), date(2020, 4, 30), 600)}
        with pytest.raises(ConditionHeld) as exc:
            fail_if_behind(behind)
        assert exc.value.exit_code == 3
        assert "600 of 2,000" in str(exc.value)
        fail_if_behind({"plan": plan_block(self.plan(), date(2020, 4, 30), 700)})
        fail_if_behind({"plan": None})


class TestRounding:
    def test_half_up(self) -> None:
        assert round_half_up(0.25, 1) == 0.3
        assert round_half_up(2.675, 2) == 2.68  # round() gives 2.67
        assert round_half_up(128.5714, 1) == 128.6
        assert round_half_up(121 / 366, 4) == 0.3306

    def test_hours_summed_then_rounded_once(self, database: Database,
                                            orm_session) -> None:  # type: ignore[no-untyped-def]
        with orm_session(database, write=True) as s:
            _branches_and_cadres(s)
        with database.connect(write=True) as s:
            for _ in range(3):
                add_session(s, date="2020-04-02", track="policy", title="会", hours="0.35",
                            attendees=["C1"])
        # 3 x 0.35 = 1.05 -> 1.1 (each rounded first would give 3 x 0.4 = 1.2)
        assert report(database)["tracks"][0]["hours"] == 1.1


class TestPlans:
    def test_set_updates_and_lists(self, database: Database) -> None:
        with database.connect(write=True) as s:
            first = set_plan(s, 2020, 2000, track="专题培训")
            assert first == {"year": 2020, "track": "special", "target": 2000,
                             "deadline": "2020-12-31", "previous": None}
            second = set_plan(s, 2020, 2500, track="special", deadline="2020-11-30")
            assert second["previous"]["target"] == 2000
            set_plan(s, 2020, 5000)
            set_plan(s, 2019, 10, track="policy")
        with database.connect() as s:
            assert list_plans(s) == [
                {"year": 2019, "track": "policy", "target": 10, "deadline": "2019-12-31"},
                {"year": 2020, "track": None, "target": 5000, "deadline": "2020-12-31"},
                {"year": 2020, "track": "special", "target": 2500, "deadline": "2020-11-30"},
            ]
            assert len(list_plans(s, 2020)) == 2
            assert plan_for_report(s, 2021) is None

    def test_set_without_deadline_clears_it(self, database: Database) -> None:
        with database.connect(write=True) as s:
            set_plan(s, 2020, 100, deadline="2020-06-30")
            set_plan(s, 2020, 120)
        with database.connect() as s:
            assert list_plans(s)[0]["deadline"] == "2020-12-31"

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"target": 0}, "--target"),
        ({"track": "online"}, "--track"),
        ({"deadline": "2021-01-31"}, "not in 2020"),
        ({"deadline": "2020-02-30"}, "not a real date"),
    ])
    def test_bad_input(self, database: Database, kwargs: dict[str, Any], message: str) -> None:
        args = {"year": 2020, "target": 100} | kwargs
        with database.connect(write=True) as s, pytest.raises(TrainlogError, match=message):
            set_plan(s, **args)

    def test_person_times(self, data: Database) -> None:
        with data.connect() as s:
            assert person_times(s, date(2020, 1, 1), date(2020, 12, 31)) == 40
            assert person_times(s, date(2020, 1, 1), date(2020, 12, 31), "video") == 27
            assert person_times(s, date(2020, 1, 1), date(2020, 12, 31),
                                audience="poverty-cadres") == 8


def reference(orm_session: Any, db: Database, period: Period, track: str | None, audience: str,
              by: str | None) -> dict[str, Any]:
    """The report computed the plain way, row by row in Python: the fast path's yardstick (read
    through the ORM models, `orm_session`, not the SQL text under test)."""
    with orm_session(db) as s:
        sessions = {x.id: x for x in s.scalars(select(TrainingSession))}
        cadres = {c.id: c for c in s.scalars(select(Cadre))}
        branches = {b.id: b for b in s.scalars(select(Branch))}
        attendance = list(s.scalars(select(Attendance)))

    def counts(pred_session: Any, key_of: Any) -> dict[Any, list[Any]]:
        groups: dict[Any, list[Any]] = defaultdict(lambda: [set(), 0, set(), 0.0])
        for a in attendance:
            x, c = sessions[a.session_id], cadres[a.cadre_id]
            if not pred_session(x) or (audience == "top-leaders" and not c.top_leader) or (
                    audience == "poverty-cadres" and not c.poverty_cadre):
                continue
            g = groups[key_of(x, c)]
            g[0].add(x.id)
            g[1] += 1
            g[2].add(c.id)
            g[3] += a.hours
        if audience == "all":
            for x in sessions.values():
                if pred_session(x) and x.headcount:
                    g = groups[key_of(x, None)]
                    g[0].add(x.id)
                    g[1] += x.headcount
                    g[3] += x.headcount * x.hours
        return {k: {"sessions": len(v[0]), "person_times": v[1], "people": len(v[2]),
                    "hours": round_half_up(v[3], 1)} for k, v in groups.items()}

    def in_period(x: TrainingSession) -> bool:
        return (not x.void and period.start <= x.date <= period.end
                and (track is None or x.track == track))

    def key(x: TrainingSession, c: Cadre | None) -> Any:
        if by in ("track", "kind", "topic"):
            return getattr(x, by)
        if by == "month":
            return f"{x.date.year:04d}-{x.date.month:02d}"
        if by == "level":
            return c.level if c else None
        branch_id = c.branch_id if c else x.branch_id
        b = branches.get(branch_id)
        if by == "branch":
            return b.code if b else None
        return b.township if b else None

    out = {"tracks": counts(in_period, lambda x, c: x.track),
           "total": counts(in_period, lambda x, c: None).get(None)}
    if by:
        out["rows"] = counts(in_period, key)
    jan1 = date(period.end.year, 1, 1)
    out["year"] = counts(lambda x: not x.void and jan1 <= x.date <= period.end,
                         lambda x, c: x.track)
    return out


class TestAgainstReference:
    """The SQL (with its attendee_count fast path) agrees with a row-by-row computation."""

    @pytest.fixture
    def random_data(self, database: Database, orm_session) -> Database:  # type: ignore[no-untyped-def]
        rng = random.Random(4)
        with orm_session(database, write=True) as s:
            s.add_all([Branch(code=f"B{i}", name=f"支部{i}",
                              township=rng.choice(["T1", "T2", None])) for i in range(6)])
            s.flush()
            bids = [b for (b,) in s.execute(select(Branch.id))]
            s.add_all([Cadre(code=f"C{i:03d}", name=f"人{i}",
                             level=rng.choice(["district", "township", "village", None]),
                             branch_id=rng.choice([*bids, None]), top_leader=rng.random() < .2,
                             poverty_cadre=rng.random() < .4, active=rng.random() < .9)
                       for i in range(60)])
            s.flush()
            cids = [c for (c,) in s.execute(select(Cadre.id))]
            kinds = {"policy": ["assessment", "meeting", None], "video": ["remote", "xuexi"],
                     "special": ["thematic", "key", None]}
            sessions = []
            for i in range(150):
                tr = rng.choice(list(kinds))
                sessions.append({
                    "date": date(2019, 12, 1) + timedelta(days=rng.randrange(200)), "track": tr,
                    "kind": rng.choice(kinds[tr]), "topic": rng.choice([None, "capacity", "other"]),
                    "title": f"S{i}", "hours": rng.choice([0.5, 1.0, 1.5, 2.25, 3.0]),
                    "branch_id": rng.choice([*bids, None]),
                    "headcount": rng.choice([0, 0, 0, 3, 17]), "void": rng.random() < .1,
                    "attendee_count": 0, "office_id": 1})
            s.execute(insert(TrainingSession), sessions)
            rows = []
            for sid, headcount in s.execute(select(TrainingSession.id, TrainingSession.headcount)):
                # like sessions.py: attendees or a headcount, and the attendees' number kept
                named = rng.sample(cids, rng.randrange(0 if headcount else 1, 12))
                rows += [{"office_id": 1, "session_id": sid, "cadre_id": cid,
                          "hours": rng.choice([0.5, 1.0, 2.0, 2.5])} for cid in named]
                s.execute(update(TrainingSession).where(TrainingSession.id == sid)
                          .values(attendee_count=len(named)))
            s.execute(insert(Attendance), rows)
        return database

    @pytest.mark.parametrize("by", [None, "track", "kind", "topic", "branch", "township",
                                    "level", "month"])
    def test_agrees(self, random_data: Database, by: str | None,
                    orm_session) -> None:  # type: ignore[no-untyped-def]
        with random_data.connect(write=True) as s:
            set_plan(s, 2020, 500)
        for audience, period, track in [
            (audience, period, track)
            for audience in ("all", "top-leaders", "poverty-cadres")
            for period, track in [(resolve_period(start="2020-01-15", end="2020-05-20"), None),
                                  (resolve_period(month="2020-03"), "video"),
                                  (resolve_period(year=2020, as_of="2020-06-10"), "special")]
        ]:
            got = report(random_data, period, track=track, audience=audience, by=by)
            want = reference(orm_session, random_data, period, track, audience, by)
            zero = {"sessions": 0, "person_times": 0, "people": 0, "hours": 0.0}
            assert {t["track"]: {k: v for k, v in t.items() if k != "track"}
                    for t in got["tracks"]} == {t: want["tracks"].get(t, zero)
                                                for t in ["policy", "video", "special"]}
            assert got["total"] == (want["total"] or zero)
            assert got["total"]["person_times"] > 0
            year = sum(v["person_times"] for v in want["year"].values())
            assert got["plan"]["to_date"] == year
            if by:
                rows = {r[by]: {k: r[k] for k in zero} for r in got["rows"]}
                assert {k: v for k, v in rows.items() if v != zero} == want["rows"]
