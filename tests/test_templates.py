"""`trainlog template`, and the files trainlog writes read back as the same records."""

from __future__ import annotations

import csv
import json
import string
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from trainlog.output.render import write_csv
from trainlog.output.template import KINDS, write_template
from trainlog.registry import add_branch, add_cadre, import_cadres, list_cadres
from trainlog.store.database import Database

#: A row of each kind of file as a user fills the template in (keys; zh-CN values where the
#: template's drop-down offers labels).
FILLED: dict[str, dict[str, dict[str, Any]]] = {
    "branches": {"en": {"code": "B009", "name": "东城村党支部", "township": "东城乡"},
                 "zh": {"code": "B009", "name": "东城村党支部", "township": "东城乡"}},
    "cadres": {"en": {"code": "G0009", "name": "张三", "unit": "区委", "level": "township",
                      "branch": "B001", "top_leader": "yes", "poverty_cadre": "no",
                      "party_member": "yes", "registered_on": date(2020, 4, 3)},
               "zh": {"code": "G0009", "name": "张三", "unit": "区委", "level": "乡级",
                      "branch": "B001", "top_leader": "是", "poverty_cadre": "否",
                      "party_member": "是", "registered_on": date(2020, 4, 3)}},
    "sessions": {"en": {"ref": "ZL-1", "date": date(2020, 4, 1), "track": "policy",
                        "kind": "assessment", "title": "研判会", "hours": 2, "cadre": "G0001"},
                 "zh": {"ref": "ZL-1", "date": "2020-04-01", "track": "政策培训",
                        "kind": "研判会", "title": "研判会", "hours": 2, "cadre": "G0001"}},
    "study": {"en": {"cadre": "G0001", "hours": 6.5, "platform": "academy", "month": "2020-03"},
              "zh": {"cadre": "G0001", "hours": 6.5, "platform": "干部网络学院",
                     "month": "2020-03"}},
    "survey": {"en": {"date": date(2020, 3, 2), "method": "visit", "topic": "capacity",
                      "cadre": "G0001"},
               "zh": {"date": "2020-03-02", "method": "走访", "topic": "干部能力提升；其他:电商",
                      "tier": "重点班", "cadre": "G0001"}},
}
COMMAND = {"branches": ["branch", "import"], "cadres": ["cadre", "import"],
           "sessions": ["session", "import"], "study": ["study", "import"],
           "survey": ["survey", "import"]}


@pytest.fixture
def registry(db: Database) -> Database:
    with db.connect(write=True) as c:
        add_branch(c, "B001", "城关镇党支部", "城关镇")
        add_cadre(c, "G0001", "王芳", unit="城关镇政府", branch="B001", registered_on="2019-01-01")
    return db


def fill_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    """Type rows into a template's data sheet under its headers, as a user does."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    keys = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
        for cell in ws[ws.max_row]:  # text typed as text ('=0 in Excel), never as a formula
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_filled_in_template_imports(cli, registry, tmp_path: Path, kind: str,
                                      lang: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    result = cli("template", kind, path, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    spec = KINDS[kind][0]
    keys = {k: (spec[k] if lang == "zh" else k) for k in spec}
    fill_xlsx(path, [{keys[k]: v for k, v in FILLED[kind][lang].items()}])
    result = cli(*COMMAND[kind], path)
    assert result.exit_code == 0, result.stderr
    assert "imported 1 rows" in result.stdout
    assert "left out" not in result.stdout


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_template_imports(cli, registry, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    assert cli("template", kind, path).exit_code == 0
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(path.open(encoding="utf-8-sig")))
    assert header == list(KINDS[kind][0])
    row = FILLED[kind]["en"]
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([row.get(k, "") for k in header])
    result = cli(*COMMAND[kind], path)
    assert result.exit_code == 0, result.stderr


def test_the_workbook_has_drop_downs_and_instructions(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "s.xlsx"
    write_template("sessions", path, "zh")
    wb = load_workbook(path)
    assert wb.sheetnames == ["数据", "填表说明", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    data = wb["数据"]
    assert [c.value for c in data[1]] == ["培训编号", "日期", "类别", "形式", "主题", "培训名称",
                                          "学时", "天数", "党支部", "干部编号", "未具名人数"]
    ranges = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    assert set(ranges) == {"C2:C10000", "D2:D10000", "E2:E10000"}  # track, kind, topic
    track = ranges["C2:C10000"]
    column = track.split("!")[1].split(":")[0].replace("$", "")[0]
    values = [c.value for c in wb["选项"][column]][1:4]
    assert values == ["政策培训", "视频培训", "专题培训"]
    notes = [[c.value for c in row] for row in wb["填表说明"].iter_rows()]
    assert notes[0] == ["列名", "必填", "说明", "可选值"]
    assert ["类别", "是", "政策培训、视频培训或专题培训", "政策培训、视频培训、专题培训"] in notes


def test_yes_no_columns_have_a_drop_down(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_template("cadres", tmp_path / "c.xlsx", "en")
    ws = load_workbook(tmp_path / "c.xlsx").worksheets[0]
    covered = {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation}
    # level, rank, top_leader, poverty_cadre, party_member
    assert covered == {"D", "E", "G", "H", "I"}


def test_template_refuses_unknown_kind_and_suffix(cli, tmp_path: Path) -> None:
    bad = cli("template", "plans", tmp_path / "p.xlsx")
    assert bad.exit_code == 1 and "the kinds are branches, cadres" in bad.stderr
    bad = cli("template", "cadres", tmp_path / "p.ods")
    assert bad.exit_code == 1 and "give a .xlsx or .csv file" in bad.stderr


# -- what trainlog writes reads back ---------------------------------------------------------

#: a text as a cell holds it; not one that begins with an apostrophe before a formula's first
#: character, which every reader takes as the guard trainlog's CSV writes (`'=…` reads as `=…`)
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1,
                max_size=30).map(str.strip).filter(bool).filter(
    lambda t: not (t[:1] == "'" and t.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r")))
_CODE = st.text(string.ascii_uppercase + string.digits + "-_", min_size=1, max_size=12)
_CADRE = st.fixed_dictionaries({
    "name": _TEXT,
    "unit": st.none() | _TEXT,
    "level": st.none() | st.sampled_from(["district", "township", "village"]),
    "top_leader": st.booleans(),
    "poverty_cadre": st.booleans(),
    "party_member": st.booleans(),
    "registered_on": st.none() | st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(str),
})


def _fresh(folder: Path, name: str) -> Database:
    database = Database(f"sqlite:///{folder / name}")
    database.init()
    return database


def _records(database: Database) -> list[dict[str, Any]]:
    with database.connect() as c:
        return list_cadres(c, active=None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_CODE, _CADRE, min_size=1, max_size=6), st.sampled_from(["csv", "xlsx"]))
def test_listings_and_filled_templates_read_back(cadres: dict[str, dict[str, Any]],
                                                 how: str) -> None:
    """A cadre listing's CSV (`cadre list -f csv`), and a template filled in with the same
    cadres, import into another database as the same records."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _fresh(folder, "a.db")
        with source.connect(write=True) as c:
            for code, fields in cadres.items():
                add_cadre(c, code, **fields)
        before = _records(source)
        if how == "csv":
            path = folder / "cadres.csv"
            keys = list(before[0])
            with path.open("w", encoding="utf-8", newline="") as f:
                write_csv(before, keys, f)
        else:
            path = folder / "cadres.xlsx"
            write_template("cadres", path, "zh")
            zh = KINDS["cadres"][0]
            fill_xlsx(path, [{zh[k]: _typed(k, v) for k, v in r.items() if k in zh}
                             for r in before])
        target = _fresh(folder, "b.db")
        from trainlog.files.tables import ReadOptions

        with target.connect(write=True) as c:
            import_cadres(c, path, options=ReadOptions(ignore=("active",) if how == "csv"
                                                       else ()))
        assert _records(target) == before
        source.dispose()
        target.dispose()


def _typed(key: str, value: Any) -> Any:
    """A value as a user types it into the template: 是/否, a date cell."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "registered_on" and value:
        return date.fromisoformat(value)
    if key == "level" and value:
        return {"district": "区级", "township": "乡级", "village": "村级"}[value]
    return value


def test_listing_csv_via_the_cli_reads_back(cli, registry, tmp_path: Path) -> None:
    listing = cli("cadre", "list", "--all", "--format", "csv")
    path = tmp_path / "cadres.csv"
    path.write_text(listing.stdout, encoding="utf-8")
    before = json.loads(cli("cadre", "list", "--all", "--format", "json").stdout)
    result = cli("cadre", "import", path, "--ignore", "active")
    assert result.exit_code == 0, result.stderr
    assert "1 unchanged" in result.stdout and "left out: column(s) active" in result.stdout
    assert json.loads(cli("cadre", "list", "--all", "--format", "json").stdout) == before


# -- the listings' CSV and xlsx (-o) and the export workbook read back --------------------------

def _id_number(digits: int) -> str:
    from trainlog.files.people import id_check_digit

    first = f"{digits:017d}"
    return first + id_check_digit(first)


_WRITTEN = st.fixed_dictionaries({
    "name": _TEXT,
    "unit": st.none() | _TEXT,
    "level": st.none() | st.sampled_from(["district", "township", "village"]),
    "rank": st.none() | st.sampled_from(["county", "section", "staff", "village"]),
    "branch": st.none() | st.sampled_from(["B001", "B002"]),
    "top_leader": st.booleans(),
    "poverty_cadre": st.booleans(),
    "party_member": st.booleans(),
    "registered_on": st.none() | st.dates(date(1990, 1, 1), date(2020, 12, 31)).map(str),
    "id_number": st.none() | st.integers(10**16, 10**17 - 1).map(_id_number),
})


def _without(records: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in keys} for r in records]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
@given(st.dictionaries(_CODE, _WRITTEN, min_size=1, max_size=6),
       st.sampled_from(["csv", "xlsx", "export"]), st.sampled_from(["en", "zh"]))
def test_every_file_trainlog_writes_reads_back(cadres: dict[str, dict[str, Any]], how: str,
                                               lang: str) -> None:
    """`cadre list -o FILE.csv|.xlsx` and the export workbook's cadres sheet (`trainlog
    export`) import into another database as the same records; an id number is in none of
    them but masked, so it is what those files cannot give back (and a masked one is refused,
    never stored)."""
    from hypothesis import assume

    from trainlog.cli.registry import CADRE_KEYS, CADRE_LABELS
    from trainlog.dates import resolve_period
    from trainlog.errors import InvalidInput
    from trainlog.files.tables import ReadOptions
    from trainlog.output.files import save
    from trainlog.output.render import header
    from trainlog.output.workbook import export_workbook
    from trainlog.vocab import word

    numbers = [c["id_number"] for c in cadres.values() if c["id_number"]]
    assume(len(set(numbers)) == len(numbers))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _fresh(folder, "a.db")
        with source.connect(write=True) as c:
            for code in ("B001", "B002"):
                add_branch(c, code, f"党支部{code}")
            for code, fields in cadres.items():
                add_cadre(c, code, **fields)
        before = _records(source)
        if how == "export":
            path = folder / "export.xlsx"
            with source.connect() as c:
                export_workbook(c, path, resolve_period(year=2020), lang=lang)
            cadre_header = word("cadre", lang, "workbook")
            options = ReadOptions(sheet=word("cadres_sheet", lang, "workbook"),
                                  maps=(f"{cadre_header}=code",), ignore_extra=True)
            # the export has the facts a report counts: no rank, no id number
            left_out: tuple[str, ...] = ("rank", "id_number")
        else:
            path = folder / f"cadres.{how}"
            save(path, before, (before, CADRE_KEYS), lang, CADRE_LABELS)
            # a CSV's headers are the keys, an xlsx's the words of the language
            as_written = {k: header(k, lang, CADRE_LABELS) if how == "xlsx" else k
                          for k in ("active", "id_number")}
            options = ReadOptions(ignore=(as_written["active"], as_written["id_number"]))
            left_out = ("id_number",)
        written = path.read_bytes() if how == "csv" else _cells(path)
        for number in numbers:  # masked, in every file
            assert number not in (written.decode("utf-8-sig") if how == "csv" else written)
        target = _fresh(folder, "b.db")
        with target.connect(write=True) as c:
            for code in ("B001", "B002"):
                add_branch(c, code, f"党支部{code}")
            import_cadres(c, path, options=options)
        assert _without(_records(target), *left_out) == _without(before, *left_out)
        if how != "export" and numbers:  # the masked id numbers are no id numbers
            with target.connect(write=True) as c, pytest.raises(InvalidInput,
                                                                match="wrong check digit|not 17"):
                import_cadres(c, path, options=ReadOptions(ignore=(as_written["active"],)))
        source.dispose()
        target.dispose()


def _cells(path: Path) -> str:
    """Every cell of every sheet of a workbook, as text."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    finally:
        wb.close()
