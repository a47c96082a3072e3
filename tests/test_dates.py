"""Dates and periods as users type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from trainlog.dates import Period, month_end, parse_date, parse_month, resolve_period, today
from trainlog.errors import TrainlogError


class TestParseDate:
    """YYYY-MM-DD, YYYY/M/D and YYYY年M月D日 all mean the same day; anything else is refused."""

    @pytest.mark.parametrize("text", [
        "2020-04-03", "2020/4/3", "2020/04/03", "2020年4月3日", "2020年04月03日", " 2020-4-3 ",
        "2020-04-03 00:00:00",  # a date cell that Excel saved with its time
    ])
    def test_formats(self, text: str) -> None:
        assert parse_date(text) == date(2020, 4, 3)

    def test_date_and_datetime_objects(self) -> None:
        assert parse_date(date(2020, 4, 3)) == date(2020, 4, 3)
        parsed = parse_date(datetime(2020, 4, 3, 0, 0))
        assert parsed == date(2020, 4, 3) and type(parsed) is date

    @pytest.mark.parametrize("text", ["2020-02-30", "2021-02-29", "2020-13-01", "2020年4月31日"])
    def test_impossible_days(self, text: str) -> None:
        with pytest.raises(TrainlogError, match="not a real date"):
            parse_date(text, "registered_on")

    def test_leap_day(self) -> None:
        assert parse_date("2020/2/29") == date(2020, 2, 29)

    @pytest.mark.parametrize("text", ["", "yesterday", "03/04/2020", "2020-04", "20200403",
                                      "2020-04-03 12:30"])
    def test_not_dates(self, text: str) -> None:
        with pytest.raises(TrainlogError, match=r"^when: .* is not a date"):
            parse_date(text, "when")


class TestParseMonth:
    def test_formats(self) -> None:
        for text in ("2020-04", "2020/4", "2020年4月", "2020-04-17"):
            assert parse_month(text) == date(2020, 4, 1), text

    def test_this_and_last(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TRAINLOG_TODAY", "2020-01-15")
        assert parse_month("this") == date(2020, 1, 1)
        assert parse_month("last") == date(2019, 12, 1)
        assert parse_month("本月") == date(2020, 1, 1)

    @pytest.mark.parametrize("text", ["2020-13", "2020-00", "April", ""])
    def test_bad(self, text: str) -> None:
        with pytest.raises(TrainlogError, match="--month"):
            parse_month(text, "--month")


def test_today_follows_trainlog_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINLOG_TODAY", "2020年4月3日")
    assert today() == date(2020, 4, 3)
    monkeypatch.setenv("TRAINLOG_TODAY", "not a day")
    with pytest.raises(TrainlogError, match="TRAINLOG_TODAY"):
        today()


def test_month_end() -> None:
    assert month_end(date(2020, 2, 1)) == date(2020, 2, 29)
    assert month_end(date(2021, 2, 1)) == date(2021, 2, 28)
    assert month_end(date(2020, 12, 1)) == date(2020, 12, 31)


class TestResolvePeriod:
    """The period options of DESIGN.md: --month, --year, --from/--to, none, and --as-of."""

    @pytest.fixture(autouse=True)
    def _today(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TRAINLOG_TODAY", "2020-04-17")

    def test_month(self) -> None:
        p = resolve_period(month="2020-02")
        assert (p.start, p.end, p.label) == (date(2020, 2, 1), date(2020, 2, 29), "2020-02")
        assert p.months == 1 and not p.whole_year

    def test_year(self) -> None:
        p = resolve_period(year=2020)
        assert (p.start, p.end, p.label) == (date(2020, 1, 1), date(2020, 12, 31), "2020")
        assert p.whole_year and p.months == 12

    def test_from_to(self) -> None:
        p = resolve_period(start="2020/1/1", end="2020年4月3日")
        assert p.as_dict() == {"from": "2020-01-01", "to": "2020-04-03",
                               "label": "2020-01-01..2020-04-03"}
        assert p.months == 4

    def test_from_alone_runs_to_today(self) -> None:
        assert resolve_period(start="2020-03-10").end == date(2020, 4, 17)

    def test_to_alone_starts_on_first_january(self) -> None:
        assert resolve_period(end="2019-06-30").start == date(2019, 1, 1)

    def test_default_is_this_month(self) -> None:
        p = resolve_period()
        assert (p.start, p.end) == (date(2020, 4, 1), date(2020, 4, 30))

    def test_as_of_alone_is_its_month_up_to_it(self) -> None:
        p = resolve_period(as_of="2020-04-03")
        assert (p.start, p.end) == (date(2020, 4, 1), date(2020, 4, 3))

    def test_as_of_cuts_a_year(self) -> None:
        p = resolve_period(year=2020, as_of="2020-04-03")
        assert (p.start, p.end, p.label) == (date(2020, 1, 1), date(2020, 4, 3),
                                             "2020-01-01..2020-04-03")
        assert not p.whole_year

    def test_as_of_after_the_period_changes_nothing(self) -> None:
        assert resolve_period(month="2020-02", as_of="2020-06-01").end == date(2020, 2, 29)

    @pytest.mark.parametrize("kwargs, message", [
        ({"month": "2020-01", "year": 2020}, "give one period"),
        ({"month": "2020-01", "start": "2020-01-01"}, "give one period"),
        ({"start": "2020-05-01", "end": "2020-04-01"}, "after --to"),
        ({"month": "2020-05", "as_of": "2020-04-01"}, "before the period starts"),
        ({"year": 0}, "not a year"),
        ({"start": "2020-02-30"}, "--from"),
    ])
    def test_bad(self, kwargs: dict, message: str) -> None:
        with pytest.raises(TrainlogError, match=message):
            resolve_period(**kwargs)


def test_period_months_across_years() -> None:
    assert Period(date(2019, 11, 20), date(2020, 2, 1), "x").months == 4
