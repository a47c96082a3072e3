"""Finding the cadre a row of a file names, and checking a resident identity number.

A session, study or attendees file names a cadre by code (`cadre`/`干部编号`), or by name and
unit (`name`/`姓名` with `unit`/`单位`), compared without spaces and after NFKC: `张 三` is
`张三`. Each must match exactly one cadre; an unknown or ambiguous one is a row problem naming
the candidates by code and unit (never more of a person than the file gave).

The identity number (身份证号, GB 11643-1999) is checked and masked here, ready for a registry
that stores one: `CadreFinder.by_id_number` is the hook a lookup by it plugs into.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from trainlog.errors import FieldError, Problem
from trainlog.files.tables import BadHeader, Table, norm_name
from trainlog.vocab import say

#: How many candidates a problem names before "…".
CANDIDATES = 5


class CadreFinder:
    """The cadres of the registry by (name, unit); `find` gives the code a row names.

    `cadres`: (code, name, unit) of every cadre the file may name (those of the office).
    `by_id_number`: a lookup id number -> the codes of the cadres who have it, once the registry
    keeps id numbers; None until then (an id number is then not a way to name a cadre).
    """

    def __init__(self, cadres: Iterable[tuple[str, Any, Any]],
                 by_id_number: Callable[[str], list[str]] | None = None):
        self.people: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.named: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for code, name, unit in cadres:
            n = norm_name(name)
            self.people[(n, norm_name(unit))].append(code)
            self.named[n].append((code, "" if unit is None else str(unit)))
        self.by_id_number = by_id_number

    def in_row(self, chk: Any, n: int, cells: list[Any], at: dict[str, int]) -> str | None:
        """The code of the cadre a file's row `n` names by its `name` (and `unit`) columns
        (`at`: column -> position); None, the problem added to `chk` (a Checker), when none or
        several match."""
        unit = cells[at["unit"]] if "unit" in at else ""
        try:
            return self.find(cells[at["name"]], unit)
        except FieldError as exc:
            chk.add(n, exc.field, cells[at[exc.field]] if exc.field in at else "", exc.reason)
            return None

    def find(self, name: Any = None, unit: Any = None, id_number: Any = None) -> str:
        """The code of the one cadre the name and unit (or id number) name; a FieldError (its
        field the column to blame) says why there is none."""
        if id_number not in (None, "") and self.by_id_number is not None:
            number = check_id_number(id_number, "id_number")
            codes = self.by_id_number(number)
            if len(codes) == 1:
                return codes[0]
            if not codes:
                raise FieldError("id_number", say("msg.no_id_number"))
            raise FieldError("id_number", say("msg.id_number_shared", n=len(codes),
                                              codes=_codes(codes)))
        n, u = norm_name(name), norm_name(unit)
        if not n:
            raise FieldError("cadre", say("msg.cadre_or_name"))
        if not u:
            raise FieldError("unit", say("msg.unit_required", name=n) + self._others(n))
        codes = self.people.get((n, u), [])
        if len(codes) == 1:
            return codes[0]
        if codes:
            raise FieldError("name", say("msg.same_name_unit", n=len(codes), name=n, unit=u,
                                         codes=_codes(codes)))
        raise FieldError("name", say("msg.no_name_unit", name=n, unit=u) + self._others(n))

    def _others(self, name: str) -> str:
        same = self.named.get(name, [])
        if not same:
            return say("msg.no_such_name")
        shown = ", ".join(f"{c} ({u or '-'})" for c, u in same[:CANDIDATES])
        more = ", …" if len(same) > CANDIDATES else ""
        return say("msg.cadres_named", name=name, shown=shown, more=more)


def _codes(codes: list[str]) -> str:
    return ", ".join(codes[:CANDIDATES]) + (", …" if len(codes) > CANDIDATES else "")


def names_cadres(table: Table) -> bool:
    """Whether a file names cadres by name (it has a name column)."""
    return "name" in table.columns


def check_cadre_columns(table: Table, required: bool = True) -> None:
    """A file that names cadres has `cadre`, or `name` with `unit`; else a header problem."""
    cols = set(table.columns)
    if "cadre" in cols or not required and "name" not in cols:
        return
    if "name" in cols and "unit" in cols:
        return
    missing = "unit/单位" if "name" in cols else "cadre/干部编号"
    raise BadHeader([Problem(table.header_row, missing, "", say("msg.cadre_columns"))],
                       str(table.path))


#: GB 11643-1999: the weights of the first 17 digits, and the check character of sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"\d{17}[\dX]")


def id_check_digit(first17: str) -> str:
    """The check character (0-9 or X) of the first 17 digits of an id number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def check_id_number(value: Any, field: str = "id_number") -> str:
    """An 18-character resident identity number (身份证号) whose check digit is right, as
    stored: NFKC (full-width digits), spaces left out, `x` as `X`. A FieldError says why not
    without repeating the number."""
    s = "".join(unicodedata.normalize("NFKC", "" if value is None else str(value)).split())
    s = s.upper()
    if not s:
        raise FieldError(field, say("msg.required"))
    if len(s) != 18:
        raise FieldError(field, say("msg.id_length", n=len(s)))
    if not _ID.fullmatch(s):
        raise FieldError(field, say("msg.id_digits"))
    if id_check_digit(s[:17]) != s[17]:
        raise FieldError(field, say("msg.id_check_digit"))
    return s


def mask_id_number(value: Any) -> str:
    """An id number as every output shows it: the first 6 and last 4 kept, `411102********1234`
    (shorter text is masked whole but for its last character)."""
    s = "" if value is None else str(value)
    if len(s) > 10:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    return "*" * max(len(s) - 1, 0) + s[-1:]
