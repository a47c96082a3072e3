"""trainlog's own exceptions: the core raises them, the CLI turns each into a message and exit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class TrainlogError(Exception):
    """Bad data or a failed check: the CLI prints the message and exits 1."""

    exit_code = 1


class FieldError(TrainlogError):
    """One value is wrong: the field it was given for (a column or an option) and why.

    Its message is `field: reason`; an importer records it as the `Problem` of its row and column.
    """

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class NoDatabase(TrainlogError):
    """The database does not exist yet."""


class NoInput(TrainlogError):
    """An input file that does not exist: exit 5, so a cron job tells "nothing arrived" from bad
    data (1) and from a condition that held (3)."""

    exit_code = 5


class DatabaseBusy(TrainlogError):
    """Another writer held the database's write lock for longer than the busy timeout."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, as the CLI raises it: a command ends as it does for Ctrl-C (exit 143, not 130)."""


class ConditionHeld(TrainlogError):
    """A --fail-if-* condition held: exit 3 after the output was printed."""

    exit_code = 3


#: The words of a problem's and of an input's message, in English; `trainlog.vocab.set_lang` puts
#: the run's language in (this module is below the catalogue, which imports it).
FRAME = {
    "row": "row {row}{column}{value}: {reason}",
    "column": ", column {column}",
    "value": ", value {value}",
    "whole": "{column}{value}: {reason}",
    "input": "input",
    "problems": "{what}: {n} problem(s), nothing written",
    "more": "  … and {n} more",
    "join": "; ",
    # trainlog.dates' (below the catalogue too)
    "not_date": "{value} is not a date (use YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)",
    "not_real_date": "{value} is not a real date ({reason})",
    "not_month": "{value} is not a month (use YYYY-MM, this or last)",
    "not_real_month": "{value} is not a real month",
    "one_period": "give one period: --month, --year, or --from/--to",
    "not_year": "--year: {year} is not a year",
    "from_after_to": "--from {start} is after --to {end}",
    "as_of_before": "--as-of {day} is before the period starts ({start})",
    "no_month_before": "{value}: there is no month before 0001-01 (today is {today})",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row of an input (row 0 means the input as a whole)."""

    row: int
    column: str
    value: object
    reason: str

    def __str__(self) -> str:
        value = "" if self.value in (None, "") else f" {_short(self.value)!r}"
        if not self.row:  # a problem with an option or with the input as a whole
            return FRAME["whole"].format(column=self.column or FRAME["input"], value=value,
                                         reason=self.reason)
        column = FRAME["column"].format(column=self.column) if self.column else ""
        value = "" if self.value in (None, "") else FRAME["value"].format(
            value=repr(_short(self.value)))
        return FRAME["row"].format(row=self.row, column=column, value=value, reason=self.reason)


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InvalidInput(TrainlogError):
    """Every problem found in an input; nothing was written."""

    def __init__(self, problems: list[Problem], what: str = "input", limit: int = 50):
        self.problems = problems
        lines = [FRAME["problems"].format(what=what, n=len(problems))]
        lines += [f"  {p}" for p in problems[:limit]]
        if len(problems) > limit:
            lines.append(FRAME["more"].format(n=len(problems) - limit))
        super().__init__("\n".join(lines))


class FieldProblems(InvalidInput):
    """The problems with the values given to one command (`cadre add`, `study add`…): the same
    `Problem`s as an import's (row 0: the command line), said on one line, `; ` between them."""

    def __init__(self, problems: list[Problem], line: Callable[[Problem], str] = str):
        super().__init__(problems)
        self.args = (FRAME["join"].join(line(p) for p in problems),)
