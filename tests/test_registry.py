"""The registry's core functions, called directly against a temporary database."""

from __future__ import annotations

from datetime import date

import pytest

from trainlog.errors import TrainlogError
from trainlog.registry import (
    add_branch,
    add_cadre,
    branch_ids,
    cadre_ids,
    deactivate_cadre,
    edit_cadre,
    get_cadre,
    list_branches,
    list_cadres,
)
from trainlog.store.database import Database


@pytest.fixture
def registry(db: Database) -> Database:
    """Two branches in two townships and four cadres of every level."""
    with db.connect(write=True) as s:
        add_branch(s, "B001", "城关镇机关党支部", "城关镇")
        add_branch(s, "B002", "东城村党支部", "东城乡")
        add_cadre(s, "G001", "张伟", unit="区委办", level="district", branch="B001",
                  top_leader=True, registered_on="2020-01-18")
        add_cadre(s, "G002", "王芳", unit="城关镇", level="乡级", branch="B001", poverty_cadre=True)
        add_cadre(s, "G003", "李强", unit="东城村", level="village", branch="B002",
                  party_member=False, registered_on="2020年3月5日")
        add_cadre(s, "G004", "赵敏", level="township")
    return db


def codes(rows: list[dict]) -> list[str]:
    return [r["code"] for r in rows]


class TestBranches:
    def test_add_and_list(self, registry: Database) -> None:
        with registry.connect() as s:
            rows = list_branches(s)
        assert rows == [
            {"code": "B001", "name": "城关镇机关党支部", "township": "城关镇", "active": True},
            {"code": "B002", "name": "东城村党支部", "township": "东城乡", "active": True},
        ]

    def test_list_by_township(self, registry: Database) -> None:
        with registry.connect() as s:
            assert codes(list_branches(s, township="东城乡")) == ["B002"]
            assert list_branches(s, township="nowhere") == []

    def test_code_is_unique(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="B001 exists already"), \
                registry.connect(write=True) as s:
            add_branch(s, "B001", "another")

    @pytest.mark.parametrize("code, name, message", [
        ("B 9", "x", "contains spaces"),
        ("", "x", "code: is required"),
        ("B9", "  ", "name: is required"),
        ("B9", "x" * 201, "longer than 200"),
    ])
    def test_bad_fields(self, db: Database, code: str, name: str, message: str) -> None:
        with pytest.raises(TrainlogError, match=message), db.connect(write=True) as s:
            add_branch(s, code, name)
        with db.connect() as s:
            assert list_branches(s) == []

    def test_values_are_stripped(self, db: Database) -> None:
        with db.connect(write=True) as s:
            row = add_branch(s, " B9 ", " 某支部 ", "  ")
        assert row == {"code": "B9", "name": "某支部", "township": None, "active": True}

    def test_branch_ids(self, registry: Database) -> None:
        with registry.connect() as s:
            ids = branch_ids(s)
            assert set(ids) == {"B001", "B002"}
            assert branch_ids(s, ["B002", "nope"]) == {"B002": ids["B002"]}
            assert branch_ids(s, []) == {}


class TestAddCadre:
    def test_fields_are_stored(self, registry: Database) -> None:
        with registry.connect() as s:
            assert get_cadre(s, "G001") == {
                "code": "G001", "name": "张伟", "unit": "区委办", "level": "district", "rank": None,
                "branch": "B001", "top_leader": True, "poverty_cadre": False,
                "party_member": True, "registered_on": "2020-01-18", "id_number": None,
                "active": True,
            }
            g3 = get_cadre(s, "G003")
        assert (g3["level"], g3["party_member"], g3["registered_on"]) == ("village", False,
                                                                          "2020-03-05")

    def test_level_label_is_stored_as_key(self, registry: Database) -> None:
        with registry.connect() as s:
            assert get_cadre(s, "G002")["level"] == "township"

    def test_audit_columns(self, registry: Database) -> None:
        with registry.connect() as s:
            (cadre,) = s.all("SELECT created_by, updated_by, created_at FROM cadre "
                             "WHERE code = :code", {"code": "G001"})
        created_by, updated_by, created_at = cadre
        assert created_by == updated_by == "test"
        assert created_at is not None

    def test_code_is_unique(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="G001 exists already"), \
                registry.connect(write=True) as s:
            add_cadre(s, "G001", "someone else")
        with registry.connect() as s:
            assert get_cadre(s, "G001")["name"] == "张伟"

    @pytest.mark.parametrize("fields, message", [
        ({"branch": "B999"}, "branch: 'B999' no such branch"),
        ({"level": "province"}, "level: 'province' is not one of district"),
        ({"registered_on": "2020-02-30"}, "registered_on: '2020-02-30' is not a real date"),
        ({"unit": "x" * 201}, "unit: .* longer than 200"),
    ])
    def test_bad_fields(self, registry: Database, fields: dict, message: str) -> None:
        with pytest.raises(TrainlogError, match=message), registry.connect(write=True) as s:
            add_cadre(s, "G100", "新人", **fields)
        with registry.connect() as s:
            assert "G100" not in cadre_ids(s)

    def test_every_problem_is_reported_at_once(self, registry: Database) -> None:
        with pytest.raises(TrainlogError) as info, registry.connect(write=True) as s:
            add_cadre(s, "G100", "新人", branch="B999", level="province")
        assert "branch" in str(info.value) and "level" in str(info.value)

    def test_branch_code_with_spaces_around(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            assert add_cadre(s, "G100", "新人", branch=" B002 ")["branch"] == "B002"

    def test_missing_cadre(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="no cadre with code 'G999'"), \
                registry.connect() as s:
            get_cadre(s, "G999")


class TestListCadres:
    def _list(self, db: Database, **filters) -> list[str]:  # type: ignore[no-untyped-def]
        with db.connect() as s:
            return codes(list_cadres(s, **filters))

    def test_all_active_by_code(self, registry: Database) -> None:
        assert self._list(registry) == ["G001", "G002", "G003", "G004"]

    def test_filters(self, registry: Database) -> None:
        assert self._list(registry, branch="B001") == ["G001", "G002"]
        assert self._list(registry, level="village") == ["G003"]
        assert self._list(registry, level="乡级") == ["G002", "G004"]
        assert self._list(registry, top_leader=True) == ["G001"]
        assert self._list(registry, top_leader=False) == ["G002", "G003", "G004"]
        assert self._list(registry, poverty_cadre=True) == ["G002"]
        assert self._list(registry, branch="B001", poverty_cadre=False) == ["G001"]

    def test_unknown_branch_is_an_error_not_an_empty_list(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="no branch with code 'B999'"):
            self._list(registry, branch="B999")

    def test_unknown_level(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="--level"):
            self._list(registry, level="省级")

    def test_inactive_only_with_all(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            deactivate_cadre(s, "G002")
        assert self._list(registry) == ["G001", "G003", "G004"]
        assert self._list(registry, active=None) == ["G001", "G002", "G003", "G004"]
        assert self._list(registry, active=False) == ["G002"]


class TestEditCadre:
    def test_changes_only_given_fields(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            row = edit_cadre(s, "G001", unit="区政府办", level="乡级", top_leader=False)
        assert row["unit"] == "区政府办"
        assert row["level"] == "township"
        assert row["top_leader"] is False
        assert (row["name"], row["branch"], row["registered_on"]) == ("张伟", "B001", "2020-01-18")

    def test_empty_text_clears(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            row = edit_cadre(s, "G001", unit="", branch="", level="", registered_on="")
        assert (row["unit"], row["branch"], row["level"], row["registered_on"]) == (None,) * 4

    def test_move_branch_and_register(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            row = edit_cadre(s, "G004", branch="B002", registered_on=date(2020, 4, 3))
        assert (row["branch"], row["registered_on"]) == ("B002", "2020-04-03")

    def test_bad_value_changes_nothing(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="no such branch"), \
                registry.connect(write=True) as s:
            edit_cadre(s, "G001", unit="新单位", branch="B999")
        with registry.connect() as s:
            assert get_cadre(s, "G001")["unit"] == "区委办"

    def test_name_cannot_be_emptied(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="name: is required"), \
                registry.connect(write=True) as s:
            edit_cadre(s, "G001", name=" ")

    def test_missing_cadre(self, registry: Database) -> None:
        with pytest.raises(TrainlogError, match="no cadre"), registry.connect(write=True) as s:
            edit_cadre(s, "G999", unit="x")

    def test_deactivate_and_reactivate(self, registry: Database) -> None:
        with registry.connect(write=True) as s:
            assert deactivate_cadre(s, "G003")["active"] is False
        with registry.connect() as s:
            assert "G003" not in cadre_ids(s, active_only=True)
            assert "G003" in cadre_ids(s)
        with registry.connect(write=True) as s:
            assert edit_cadre(s, "G003", active=True)["active"] is True


def test_cadre_ids_in_chunks(db: Database) -> None:
    """More codes than one SQL IN list holds are looked up in chunks."""
    with db.connect(write=True) as s:
        s.insert_rows("cadre", ["office_id", "code", "name", "top_leader", "poverty_cadre",
                                "party_member", "active"],
                      [(s.office.id, f"C{i:05d}", f"名{i}", False, False, True, True)
                       for i in range(2000)])
    wanted = [f"C{i:05d}" for i in range(0, 2000, 2)] + ["missing"]
    with db.connect() as s:
        found = cadre_ids(s, wanted)
    assert len(found) == 1000 and "missing" not in found
