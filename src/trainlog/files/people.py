"""Finding the cadre a row of a file names, and checking a resident identity number.

A session, study or attendees file names a cadre by code (`cadre`/`干部编号`), by id number
(`id_number`/`身份证号`), or by name and unit (`name`/`姓名` with `unit`/`单位`), compared without
spaces and after NFKC: `张 三` is `张三`. Each must match exactly one cadre; an unknown or
ambiguous one is a row problem naming the candidates by code and unit (never more of a person
than the file gave, and an id number only masked).

The identity number (身份证号, GB 11643-1999) is checked and masked here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from trainlog.errors import FieldError, Problem
from trainlog.files.tables import BadHeader, Table, mask_id_number, norm_name
from trainlog.vocab import say

__all__ = ["CadreFinder", "check_cadre_columns", "check_id_number", "finder_for",
           "id_check_digit", "mask_id_number", "names_cadres"]

#: How many candidates a problem names before "…".
CANDIDATES = 5
#: The rows a `CadreFinder` is made of, as the caller's database gives them (this layer has none).
CADRES_SQL = "SELECT code, name, unit FROM cadre WHERE office_id = :office"
IDS_SQL = ("SELECT id_number, code, name FROM cadre WHERE office_id = :office "
           "AND id_number IS NOT NULL")


class CadreFinder:
    """The cadres of the registry by (name, unit) and by id number; `find` gives the code a row
    names.

    `cadres`: (code, name, unit) of every cadre the file may name (those of the office).
    `ids`: (id number, code, name) of the cadres who have an id number: read at once, in one
    query, so that a million rows are each found in memory (and a PostgreSQL COPY the rows
    stream into meets no other statement).
    """

    def __init__(self, cadres: Iterable[tuple[str, Any, Any]],
                 ids: Iterable[tuple[str, str, Any]] = ()):
        self.people: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.named: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for code, name, unit in cadres:
            n = norm_name(name)
            self.people[(n, norm_name(unit))].append(code)
            self.named[n].append((code, "" if unit is None else str(unit)))
        self.ids: dict[str, tuple[str, str]] = {
            number: (code, norm_name(name)) for number, code, name in ids}
        self.with_id = {code for code, _ in self.ids.values()}

    @staticmethod
    def names(cells: list[Any], at: dict[str, int]) -> bool:
        """Whether a row names a cadre by id number or by name (the cells at `at`'s columns)."""
        for key in ("id_number", "name"):
            i = at.get(key)
            if i is not None and cells[i] not in (None, ""):
                return True
        return False

    def in_row(self, chk: Any, n: int, cells: list[Any], at: dict[str, int]) -> str | None:
        """The code of the cadre a file's row `n` names by its `id_number` or `name` (and
        `unit`) columns (`at`: column -> position); None, the problem added to `chk` (a Checker,
        which masks an id number), when none or several match."""
        i = at.get("id_number")
        if i is not None:  # the common case first: a number as stored, the name as his or none
            found = self.ids.get(cells[i])
            if found is not None:
                j = at.get("name")
                if j is None or cells[j] in ("", None, found[1]):
                    return found[0]

        def cell(key: str) -> Any:
            return cells[at[key]] if key in at else ""

        try:
            return self.find(cell("name"), cell("unit"), cell("id_number"))
        except FieldError as exc:
            chk.add(n, exc.field, cell(exc.field), exc.reason)
            return None

    def find(self, name: Any = None, unit: Any = None, id_number: Any = None) -> str:
        """The code of the one cadre the id number (else the name and unit) names; a FieldError
        (its field the column to blame) says why there is none. A name given with an id number
        must be that cadre's."""
        if id_number not in (None, ""):
            number = check_id_number(id_number, "id_number")
            found = self.ids.get(number)
            if found is None:
                raise FieldError("id_number", say("msg.no_id_number") + self._no_id_hint(name, unit))
            code, own = found
            given = norm_name(name)
            if given and given != own:
                raise FieldError("name", say("msg.id_not_this_name", code=code, name=own,
                                             given=given))
            return code
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

    def _no_id_hint(self, name: Any, unit: Any) -> str:
        """When the row's name and unit are one cadre with no id number recorded: who."""
        n, u = norm_name(name), norm_name(unit)
        codes = self.people.get((n, u), []) if n and u else []
        if len(codes) == 1 and codes[0] not in self.with_id:
            return say("msg.id_number_unknown_hint", name=n, unit=u, code=codes[0])
        return ""

    def _others(self, name: str) -> str:
        same = self.named.get(name, [])
        if not same:
            return say("msg.no_such_name")
        shown = ", ".join(f"{c} ({u or '-'})" for c, u in same[:CANDIDATES])
        more = ", …" if len(same) > CANDIDATES else ""
        return say("msg.cadres_named", name=name, shown=shown, more=more)


def finder_for(columns: Iterable[str], query: Callable[[str], Iterable[Any]]) -> CadreFinder | None:
    """The finder a file with these columns needs (None when it names cadres by code only):
    `query` runs a SELECT on the office's database (`Conn.all`), once for the names and units,
    once for the id numbers, each only when the file has such a column."""
    cols = set(columns)
    if "name" not in cols and "id_number" not in cols:
        return None
    return CadreFinder(query(CADRES_SQL) if "name" in cols else (),
                       query(IDS_SQL) if "id_number" in cols else ())


def _codes(codes: list[str]) -> str:
    return ", ".join(codes[:CANDIDATES]) + (", …" if len(codes) > CANDIDATES else "")


def names_cadres(table: Table) -> bool:
    """Whether a file names cadres by name or id number (it has such a column)."""
    return "name" in table.columns or "id_number" in table.columns


def check_cadre_columns(table: Table, required: bool = True) -> None:
    """A file that names cadres has `cadre`, `id_number`, or `name` with `unit`; else a header
    problem."""
    cols = set(table.columns)
    if "cadre" in cols or "id_number" in cols or not required and "name" not in cols:
        return
    if "name" in cols and "unit" in cols:
        return
    missing = "unit/单位" if "name" in cols else "cadre/干部编号"
    raise BadHeader([Problem(table.header_row, missing, "", say("msg.cadre_columns"))],
                       str(table.path))


#: GB 11643-1999: the weights of the first 17 digits, and the check character of sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"[0-9]{17}[0-9X]")


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
