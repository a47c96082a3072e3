"""Plain, portable SQL text with :named parameters, run on either backend through one small API.

Every read and write of trainlog's records goes through a `Conn`: the one data path. Commands must
answer in a fraction of a second, and importing SQLAlchemy alone takes longer than that on a small
machine. So queries are SQL text, written once for both backends: on a SQLite file they run through
the standard library's sqlite3 (the driver SQLAlchemy itself uses there), on PostgreSQL through
psycopg (`PgConn`; a SQLAlchemy connection, `AlchemyConn`, where Alembic upgrades the schema).
What differs between the two (a date's month, parameter values) is here.
`trainlog.store.database.Database.connect` hands one out, in one transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

Params = Mapping[str, Any] | None
Progress = Callable[[int], None] | None
#: Rows per executemany call of the bulk writes.
CHUNK = 20_000
#: Rows fetched at a time by `Conn.stream`.
STREAM_CHUNK = 2000
#: Values per IN (...) list (SQLite's old limit is 999 parameters).
IN_CHUNK = 900
#: SQLite's page cache during an import, in KiB (a negative cache_size): the unique keys and
#: indexes of a million-row import do not fit the default 2 MB, and SQLite then rereads their
#: pages for every row. The benchmark's raw baseline uses the same (benchmarks/README.md).
IMPORT_CACHE_KIB = 32_768

#: How SQLAlchemy stores a DateTime in SQLite; raw writes use the same text.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class IntegrityError(Exception):
    """A constraint refused a write (a unique key taken by another writer meanwhile)."""


class Conn:
    """A connection in one transaction, running SQL text with :named parameters.

    Every record belongs to an office: SQL text may say `:office` for the current office's id,
    which the Conn supplies (`office`, found on first use by `find_office`: the database's
    `trainlog.store.offices.current_office`).
    """

    dialect: str = ""
    #: finds the current office (a `trainlog.store.offices.Office`) when it is first needed
    find_office: Callable[[Conn], Any] | None = None
    _office: Any = None

    @property
    def office(self) -> Any:
        """The office whose records this connection reads and writes
        (`trainlog.store.offices.Office`)."""
        if self._office is None:
            if self.find_office is None:
                raise RuntimeError("this connection was made without an office")
            self._office = self.find_office(self)
        return self._office

    # -- what differs between the backends --------------------------------------------------
    def month_key(self, column: str) -> str:
        """SQL for a date column's month as 'YYYY-MM' text."""
        if self.dialect == "sqlite":
            return f"substr({column}, 1, 7)"  # SQLAlchemy stores a Date as 'YYYY-MM-DD'
        return f"to_char({column}, 'YYYY-MM')"

    def month_number(self, column: str) -> str:
        """SQL for a date column's month, 1-12, as an integer."""
        if self.dialect == "sqlite":
            return f"CAST(substr({column}, 6, 2) AS INTEGER)"
        return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"

    def value(self, v: Any) -> Any:
        """A Python value as this backend's driver takes it."""
        if self.dialect == "sqlite":
            if isinstance(v, datetime):
                return v.strftime(SQLITE_DATETIME)
            if isinstance(v, date):
                return v.isoformat()
        return v

    def stamp(self) -> tuple[Any, str]:
        """The audit stamp of a write now: when (as this driver takes it) and who."""
        return self.value(now()), actor()

    def sqlite_function(self, name: str, nargs: int, fn: Callable[..., Any]) -> None:
        """Give SQLite's SQL a Python function on this connection (SQLite only)."""
        self._sqlite().create_function(name, nargs, fn)

    def _sqlite(self) -> Any:
        raise NotImplementedError("a SQLite connection only")

    def _office_now(self) -> None:
        """Find the office before a COPY starts: rows made while it runs (which may ask for the
        office) cannot query the connection."""
        if self.find_office is not None:
            _ = self.office

    # -- deletes: an office's role has no DELETE on PostgreSQL (row-level security, 0004);
    # -- these are the few trainlog makes, through functions that check the office there
    def delete_attendance(self, pairs: Iterable[tuple[int, int]]) -> int:
        """Remove (session_id, cadre_id) attendances of the current office's sessions."""
        if self.dialect == "postgresql":
            return self.executemany("SELECT trainlog_delete_attendance(?, ?)", pairs)
        return self.executemany("DELETE FROM attendance WHERE session_id = ? AND cadre_id = ?",
                                pairs)

    def delete_session_attendance(self, session_id: int) -> None:
        """Remove every attendance of one of the current office's sessions."""
        if self.dialect == "postgresql":
            self.scalar("SELECT trainlog_delete_attendance(:id, NULL)", {"id": session_id})
        else:
            self.run("DELETE FROM attendance WHERE session_id = :id", {"id": session_id})

    def setting(self, key: str) -> float:
        """The value of one of the current office's settings, else its default
        (`trainlog.vocab.SETTINGS`)."""
        from trainlog.vocab import SETTINGS

        value = self.scalar("SELECT value FROM setting WHERE office_id = :office AND key = :key",
                            {"key": key})
        return float(value) if value is not None else SETTINGS[key][0]

    def delete_setting(self, key: str) -> None:
        """Remove one of the current office's settings."""
        if self.dialect == "postgresql":
            self.scalar("SELECT trainlog_delete_setting(:office, :key)", {"key": key})
        else:
            self.run("DELETE FROM setting WHERE office_id = :office AND key = :key", {"key": key})

    def _params(self, params: Params, sql: str = "") -> dict[str, Any]:
        values = {k: self.value(v) for k, v in (params or {}).items()}
        if ":office" in sql and "office" not in values:
            values["office"] = self.office.id
        return values

    # -- running SQL ---------------------------------------------------------------------------
    def all(self, sql: str, params: Params = None) -> list[Sequence[Any]]:
        raise NotImplementedError

    def stream(self, sql: str, params: Params = None,
               size: int = STREAM_CHUNK) -> Iterator[Sequence[Any]]:
        """The rows of `sql` as the driver reads them, `size` at a time: a result too large to
        hold (an export's rows) streamed. Run no other statement on this Conn until it ends."""
        yield from self.all(sql, params)

    def first(self, sql: str, params: Params = None) -> Sequence[Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self.first(sql, params)
        return row[0] if row is not None else None

    def all_in(self, sql: str, values: Iterable[Any],
               params: Params = None) -> list[Sequence[Any]]:
        """The rows of `sql` whose `{values}` stands for an IN list of `values`, run for IN_CHUNK
        values at a time (any number of values; none, no query); `params` for the rest."""
        rows: list[Sequence[Any]] = []
        for chunk in chunks(values, IN_CHUNK):
            marks, listed = in_list("v", chunk)
            rows += self.all(sql.replace("{values}", marks), {**(params or {}), **listed})
        return rows

    def run(self, sql: str, params: Params = None) -> int:
        """A write; the number of rows it changed."""
        raise NotImplementedError

    def insert(self, sql: str, params: Params = None) -> int:
        """An INSERT of one row into a table with an `id` primary key; the new id."""
        raise NotImplementedError

    # -- bulk writes: rows as tuples of driver values (`value()`), for imports of millions -------
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]],
                    progress: Progress = None) -> int:
        """`sql` with positional `?` parameters (and no literal `?`) over `rows`, in chunks of
        CHUNK; `progress(rows so far)` after each chunk. The number of rows."""
        total = 0
        for chunk in chunks(rows, CHUNK):
            self._executemany(sql, chunk)
            total += len(chunk)
            if progress is not None:
                progress(total)
        return total

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                    progress: Progress = None) -> int:
        """Append rows to a table: executemany of one INSERT, or COPY on PostgreSQL."""
        marks = ", ".join("?" * len(columns))
        return self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                rows, progress)

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        raise NotImplementedError


def actor() -> str:
    """Who is writing: TRAINLOG_USER, else the OS user."""
    user = os.environ.get("TRAINLOG_USER")
    if user:
        return user[:100]
    try:
        import getpass

        return getpass.getuser()[:100]
    except Exception:  # no user name in this environment (some containers)
        return "unknown"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def tune_for_import(db: Conn) -> None:
    """A bigger page cache for this connection (SQLite only) before a large import writes."""
    if db.dialect == "sqlite":
        db.run(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")


#: A bulk write of at least this many rows into a SQLite table that holds fewer rows than the
#: write brings builds the table's plain indexes after the rows (`indexes_after`).
REBUILD_AFTER = 50_000


@contextmanager
def indexes_after(db: Conn, table: str, incoming: int) -> Iterator[bool]:
    """Write `incoming` rows into `table` with its plain indexes built after the rows.

    On SQLite a row written into a table with an index is one more B-tree insert per index, at a
    random place; building the index once the rows are in sorts them once: at 300,000 attendance
    rows 0.3 s of 0.9 s. Only when the write brings at least REBUILD_AFTER rows and more than the
    table holds (its largest id, an upper bound of its rows: found without a scan), else rebuilding
    would cost more than it saves. The indexes that keep a constraint (UNIQUE, the primary key)
    stay as they are, so every row is checked as it comes. The DROP and CREATE run in the caller's
    transaction: a rollback gives back the indexes as they were, and a write that fails builds them
    again before the error goes on (a caller that catches it keeps a whole schema).
    PostgreSQL: nothing is dropped (it would lock the table against every office's readers).
    Yields whether the indexes were dropped.
    """
    if db.dialect != "sqlite" or incoming < REBUILD_AFTER or incoming <= (
            db.scalar(f"SELECT max(id) FROM {table}") or 0):
        yield False
        return
    indexes = [(name, sql) for name, sql in db.all(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
        "AND sql IS NOT NULL ORDER BY name", {"t": table})
        if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
    for name, _ in indexes:
        db.run(f'DROP INDEX "{name}"')
    try:
        yield True
    except BaseException:
        for _, sql in indexes:
            with suppress(Exception):  # the error that stopped the write is the one to say
                db.run(sql)
        raise
    for _, sql in indexes:
        db.run(sql)


#: An import that wrote this many rows or more refreshes the statistics of the tables it filled.
ANALYZE_AFTER = 100


def fresh_statistics(db: Conn, tables: Sequence[str], written: int) -> None:
    """After an import that wrote `written` rows, PostgreSQL's statistics of the tables it
    filled, made in its transaction (migration 0006: `trainlog_analyze`, for any role): the
    first report after an import is planned on what the tables hold, not on what they held
    before (the statistics of an empty table made `compliance` 4 times and the export 7 times
    as slow until autovacuum came by). SQLite plans without them: nothing to do."""
    if db.dialect == "postgresql" and written >= ANALYZE_AFTER:
        db.scalar("SELECT trainlog_analyze(CAST(:tables AS text[]))", {"tables": list(tables)})


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of `size` items (the last one shorter) from any iterable."""
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


class SqliteConn(Conn):
    """A sqlite3 connection (autocommit mode; the caller began the transaction)."""

    dialect = "sqlite"

    def __init__(self, raw: Any):
        self.raw = raw

    def _sqlite(self) -> Any:
        return self.raw

    def all(self, sql: str, params: Params = None) -> list[Sequence[Any]]:
        return self.raw.execute(sql, self._params(params, sql)).fetchall()

    def stream(self, sql: str, params: Params = None,
               size: int = STREAM_CHUNK) -> Iterator[Sequence[Any]]:
        cursor = self.raw.execute(sql, self._params(params, sql))
        try:
            while rows := cursor.fetchmany(size):
                yield from rows
        finally:
            cursor.close()

    def run(self, sql: str, params: Params = None) -> int:
        return self._write(lambda: self.raw.execute(sql, self._params(params, sql))).rowcount

    def insert(self, sql: str, params: Params = None) -> int:
        return self._write(lambda: self.raw.execute(sql, self._params(params, sql))).lastrowid

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        self._write(lambda: self.raw.executemany(sql, rows))

    @staticmethod
    def _write(call: Any) -> Any:
        import sqlite3

        try:
            return call()
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc


class AlchemyConn(Conn):
    """A SQLAlchemy connection (any backend SQLAlchemy drives: PostgreSQL, or SQLite in tests)."""

    def __init__(self, conn: Any):
        self.conn = conn
        self.dialect = conn.dialect.name

    def _sqlite(self) -> Any:
        if self.dialect != "sqlite":
            return super()._sqlite()
        return self.conn.connection.driver_connection

    def _exec(self, sql: str, params: Any) -> Any:
        from sqlalchemy import exc, text

        try:
            return self.conn.execute(text(sql), params)
        except exc.IntegrityError as err:
            raise IntegrityError(str(err.orig)) from err

    def all(self, sql: str, params: Params = None) -> list[Sequence[Any]]:
        return list(self._exec(sql, self._params(params, sql)))

    def stream(self, sql: str, params: Params = None,
               size: int = STREAM_CHUNK) -> Iterator[Sequence[Any]]:
        from sqlalchemy import text

        # yield_per: a server-side cursor on PostgreSQL, `size` rows per round trip
        result = self.conn.execute(text(sql), self._params(params, sql),
                                   execution_options={"yield_per": size})
        try:
            yield from result
        finally:
            result.close()

    def run(self, sql: str, params: Params = None) -> int:
        return self._exec(sql, self._params(params, sql)).rowcount

    def insert(self, sql: str, params: Params = None) -> int:
        return self._exec(sql + " RETURNING id", self._params(params, sql)).scalar_one()

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        from sqlalchemy import exc

        if self.conn.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        try:
            self.conn.exec_driver_sql(sql, rows)
        except exc.IntegrityError as err:
            raise IntegrityError(str(err.orig)) from err

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                    progress: Progress = None) -> int:
        if self.dialect != "postgresql":
            return super().insert_rows(table, columns, rows, progress)
        self._office_now()
        return _copy_rows(self.conn.connection.driver_connection, table, columns, rows,
                          progress)


def _name_start(c: str) -> bool:
    return c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z")


def _name_char(c: str) -> bool:
    return _name_start(c) or ("0" <= c <= "9")


def to_pyformat(sql: str) -> tuple[str, list[str]]:
    """SQL text with `:name` parameters as psycopg's `%(name)s`, and the names found.

    A `:name` counts as a parameter where SQLAlchemy's text() sees one: not after a letter,
    digit, `_`, `:` or backslash (so `x::bigint` is a cast, `a:b` no parameter), and never
    inside a '...' literal or a "..." identifier. Every `%` of the text becomes `%%`.
    """
    out: list[str] = []
    names: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":  # a literal or a quoted identifier, to its closing quote ('' inside)
            end = sql.find(c, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == c:
                end = sql.find(c, end + 2)
            end = n - 1 if end == -1 else end
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif c == "%":
            out.append("%%")
            i += 1
        elif c == ":" and i + 1 < n and _name_start(sql[i + 1]) and not (
                i and (_name_char(sql[i - 1]) or sql[i - 1] in ":\\")):
            j = i + 2
            while j < n and _name_char(sql[j]):
                j += 1
            names.append(sql[i + 1:j])
            out.append(f"%({sql[i + 1:j]})s")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out), names


def qmark_to_format(sql: str) -> str:
    """executemany's SQL with `?` parameters (and no literal `?`) as psycopg's `%s`."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConn(Conn):
    """A psycopg (3) connection to PostgreSQL, without SQLAlchemy (the caller began the
    transaction: psycopg begins one at the first statement)."""

    dialect = "postgresql"

    def __init__(self, raw: Any):
        self.raw = raw

    def _execute(self, cursor: Any, sql: str, params: Params) -> Any:
        import psycopg

        values = self._params(params, sql)
        try:
            if values:
                cursor.execute(to_pyformat(sql)[0], values)
            else:  # no parameters: psycopg sends the text as it is (a `%` stays one)
                cursor.execute(sql)
        except psycopg.IntegrityError as err:
            raise IntegrityError(str(err)) from err
        return cursor

    def all(self, sql: str, params: Params = None) -> list[Sequence[Any]]:
        with self.raw.cursor() as cursor:
            self._execute(cursor, sql, params)
            return cursor.fetchall() if cursor.description is not None else []

    def stream(self, sql: str, params: Params = None,
               size: int = STREAM_CHUNK) -> Iterator[Sequence[Any]]:
        # a server-side cursor: `size` rows per round trip, never the whole result in memory
        cursor = self.raw.cursor(name="trainlog_stream")
        try:
            self._execute(cursor, sql, params)
            while rows := cursor.fetchmany(size):
                yield from rows
        finally:
            cursor.close()

    def run(self, sql: str, params: Params = None) -> int:
        with self.raw.cursor() as cursor:
            return self._execute(cursor, sql, params).rowcount

    def insert(self, sql: str, params: Params = None) -> int:
        with self.raw.cursor() as cursor:
            row = self._execute(cursor, sql + " RETURNING id", params).fetchone()
            return row[0]

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        import psycopg

        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(qmark_to_format(sql), rows)
        except psycopg.IntegrityError as err:
            raise IntegrityError(str(err)) from err

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                    progress: Progress = None) -> int:
        self._office_now()
        return _copy_rows(self.raw, table, columns, rows, progress)


def _copy_rows(raw: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
               progress: Progress) -> int:
    """COPY rows into a table on a psycopg connection, in its transaction: several times
    faster than one INSERT per row.

    PostgreSQL refuses COPY FROM into a table under row-level security (every table of records,
    for every role but a superuser), so the rows are copied into a temporary table of the same
    columns and inserted from it in one statement, which the policies check."""
    import psycopg

    total = 0
    listed = ", ".join(columns)
    stage = f"trainlog_copy_{table}"
    cursor = raw.cursor()
    try:
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT {listed} FROM {table} "
                       "WITH NO DATA")
        with cursor.copy(f"COPY {stage} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
                if progress is not None and total % CHUNK == 0:
                    progress(total)
        cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {stage}")
        cursor.execute(f"DROP TABLE {stage}")
    except psycopg.IntegrityError as err:
        raise IntegrityError(str(err)) from err
    finally:
        cursor.close()
    if progress is not None and total % CHUNK:
        progress(total)  # the last, partial chunk, as executemany reports it
    return total


def as_date(value: Any) -> date | None:
    """A Date column's value as read with SQL text: a date on PostgreSQL, 'YYYY-MM-DD' text on
    SQLite (the reverse of `Conn.value`)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """A DateTime column's value as read with SQL text, as the models read it: aware, in UTC.

    On SQLite it is text without an offset (`SQLITE_DATETIME`, in UTC), on PostgreSQL an aware
    datetime in the session's time zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    if value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def in_list(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`:name0, :name1, …` for an IN (...) list, and its parameters (keep lists under 900)."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return ", ".join(f":{k}" for k in params) or "NULL", params
