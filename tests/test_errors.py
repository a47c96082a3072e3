"""One structured problem: a field's error carries its field and reason, an importer's Checker and
an add command's FieldProblems both hold Problems (row, column, value, reason)."""

from __future__ import annotations

import pytest

from trainlog.dates import parse_date
from trainlog.errors import FieldError, FieldProblems, InvalidInput, Problem, TrainlogError
from trainlog.files.tables import Checker, number
from trainlog.vocab import parse_bool


def test_a_field_error_says_its_field_and_reason() -> None:
    with pytest.raises(FieldError) as caught:
        parse_date("2020-13-01", "--date")
    err = caught.value
    assert (err.field, str(err)) == ("--date", f"--date: {err.reason}")
    assert err.reason.startswith("'2020-13-01' is not a real date")
    assert isinstance(err, TrainlogError) and err.exit_code == 1


def test_the_checker_records_a_problem_per_bad_value() -> None:
    chk = Checker()
    assert chk.check(2, "hours", "x", lambda v: number(v, "hours")) is None
    assert chk.check(3, "top_leader", "maybe", lambda v: parse_bool(v, "top_leader")) is None
    # a parser that names another field keeps its whole message
    assert chk.check(4, "date", "x", lambda v: parse_date(v, "--date")) is None
    assert chk.check(5, "hours", "2.5", lambda v: number(v, "hours")) == 2.5
    assert chk.problems == [
        Problem(2, "hours", "x", "'x' is not a number"),
        Problem(3, "top_leader", "maybe",
                "'maybe' is not a yes/no value (1/0, true/false, yes/no, Y/N, 是/否, √/×, 有/无)"),
        Problem(4, "date", "x",
                "--date: 'x' is not a date (use YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)"),
    ]
    with pytest.raises(InvalidInput) as caught:
        chk.raise_if_any("f.csv")
    assert caught.value.problems == chk.problems
    assert str(caught.value).splitlines()[0] == "f.csv: 3 problem(s), nothing written"


def test_field_problems_are_problems_said_on_one_line() -> None:
    problems = [Problem(0, "--month", "13", "'13' is not a month"),
                Problem(0, "--hours", "-1", "negative hours")]
    err = FieldProblems(problems)
    assert isinstance(err, InvalidInput) and err.problems == problems
    assert str(err) == "--month '13': '13' is not a month; --hours '-1': negative hours"
    said = FieldProblems(problems, lambda p: f"{p.column}: {p.reason}")
    assert str(said) == "--month: '13' is not a month; --hours: negative hours"
