"""The one catalogue of words (trainlog.vocab.WORDS)."""

from __future__ import annotations

from trainlog.files import tables
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
        for spec, of in ((tables.CADRE_COLUMNS, "cadre"), (tables.SESSION_COLUMNS, None),
                         (tables.STUDY_COLUMNS, None), (tables.SURVEY_COLUMNS, None)):
            assert spec == labels(spec, of)

    def test_label_finds_fields_then_choices(self) -> None:
        assert label("township", "zh") == "乡镇"  # the column, not the level 乡级
        assert label("township", "zh", "level") == "乡级"
        assert label("remote", "zh") == "远程教育"
        assert label("person_times", "en") == "person_times"
