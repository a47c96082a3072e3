"""The one catalogue of words (trainlog.vocab.WORDS), the one wording of dates and periods
(trainlog.output.periods) and the one drawer of bars (trainlog.output.charts.bar)."""

from __future__ import annotations

from datetime import date

import pytest

from trainlog.dates import Period, resolve_period
from trainlog.files import tables
from trainlog.output.charts import bar, bar_text
from trainlog.output.periods import day, month, period
from trainlog.vocab import WORDS, label, labels, own_labels, word


class TestCatalogue:
    def test_a_context_has_its_own_word_else_the_general_one(self) -> None:
        assert word("name", "zh") == "名称"  # a branch's
        assert word("name", "zh", "cadre") == "姓名"  # a person's
        assert word("unit", "zh", "cadre") == word("unit", "zh") == "单位"
        assert word("target", "en") == "Target"
        assert word("target", "en", "workbook") == "Target (person-times)"
        assert word("target", "zh", "workbook") == word("target", "zh") == "目标人次"

    def test_every_entry_has_both_languages(self) -> None:
        for key, words in WORDS.items():
            assert len(words) == 2 and all(w.strip() for w in words), key

    def test_a_contexts_own_words(self) -> None:
        assert own_labels("cadre") == {"name": "姓名"}
        assert own_labels("check") == {"name": "检查项"}
        assert own_labels("nothing") == {}

    def test_the_input_files_columns_are_the_catalogues_words(self) -> None:
        assert tables.BRANCH_COLUMNS == {"code": "编号", "name": "名称", "township": "乡镇"}
        assert tables.CADRE_COLUMNS["name"] == "姓名"
        # session and study files name cadres: a person's name is 姓名 there too
        for spec, of in ((tables.CADRE_COLUMNS, "cadre"), (tables.SESSION_COLUMNS, "cadre"),
                         (tables.STUDY_COLUMNS, "cadre"), (tables.SURVEY_COLUMNS, None)):
            assert spec == labels(spec, of)

    def test_label_finds_fields_then_choices(self) -> None:
        assert label("township", "zh") == "乡镇"  # the column, not the level 乡级
        assert label("township", "zh", "level") == "乡级"
        assert label("remote", "zh") == "远程教育"
        assert label("person_times", "en") == "person_times"


class TestPeriods:
    @pytest.mark.parametrize(("kwargs", "en", "zh", "en_prose", "zh_prose"), [
        ({"year": 2020}, "2020", "2020年", "2020", "2020年"),
        ({"month": "2020-04"}, "2020-04", "2020年4月", "April 2020", "2020年4月"),
        ({"start": "2020-01-05", "end": "2020-03-01"}, "2020-01-05 to 2020-03-01",
         "2020年1月5日至2020年3月1日", "5 January 2020 to 1 March 2020", "2020年1月5日至3月1日"),
        ({"start": "2019-11-05", "end": "2020-03-01"}, "2019-11-05 to 2020-03-01",
         "2019年11月5日至2020年3月1日", "5 November 2019 to 1 March 2020",
         "2019年11月5日至2020年3月1日"),
    ])
    def test_period(self, kwargs: dict, en: str, zh: str, en_prose: str, zh_prose: str) -> None:
        p = resolve_period(**kwargs).as_dict()
        assert (period(p, "en"), period(p, "zh")) == (en, zh)
        assert (period(p, "en", prose=True), period(p, "zh", prose=True)) == (en_prose, zh_prose)

    def test_day_and_month(self) -> None:
        d = date(2020, 4, 3)
        assert (day(d, "en"), day(d, "en", prose=True), day(d, "en", prose=True, year=False)) == (
            "2020-04-03", "3 April 2020", "3 April")
        assert (day(d, "zh"), day(d, "zh", year=False)) == ("2020年4月3日", "4月3日")
        assert month(d, "zh") == month("2020-04", "zh") == "2020年4月"
        assert month("2020-04", "en") == "2020-04"
        assert month(d, "en", prose=True) == "April 2020"

    def test_each_month(self) -> None:
        assert Period(date(2019, 11, 20), date(2020, 2, 1), "x").each_month() == [
            date(2019, 11, 1), date(2019, 12, 1), date(2020, 1, 1), date(2020, 2, 1)]


class TestBar:
    def test_a_share_without_the_smallest_eighth(self) -> None:
        assert bar(1, 1000, 30, show_any=False) == " " * 30
        assert bar(0.5, 1.0, 4, empty="") == "██"
        assert bar(2.0, 1.0, 4, empty="") == "████"  # cut at the largest

    def test_bar_text_fills_the_rest_dimmed(self) -> None:
        text = bar_text(0.625, "green", 4)  # 20 eighths of 32
        assert text.plain == "██▌░"
        assert [(s.start, s.end, s.style) for s in text.spans] == [(3, 4, "dim")]
        assert text.style == "green"
        assert bar_text(0, "red", 3).plain == "░░░"
