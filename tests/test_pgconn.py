"""PgConn: trainlog's SQL text on PostgreSQL through psycopg directly (no SQLAlchemy).

The parameter translation is tested everywhere; the connection itself when the suite runs on a
PostgreSQL server (--test-db URL or TRAINLOG_TEST_DB), against what AlchemyConn reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from trainlog.store.database import Database, pg_conninfo
from trainlog.store.sql import (
    AlchemyConn,
    IntegrityError,
    PgConn,
    as_date,
    as_datetime,
    qmark_to_format,
    to_pyformat,
)


@pytest.mark.parametrize("sql, expected, names", [
    ("SELECT :a", "SELECT %(a)s", ["a"]),
    ("x = :a AND y = :b_2", "x = %(a)s AND y = %(b_2)s", ["a", "b_2"]),
    ("SELECT x::bigint", "SELECT x::bigint", []),
    ("SELECT :n::bigint, CAST(:m AS text)", "SELECT %(n)s::bigint, CAST(%(m)s AS text)",
     ["n", "m"]),
    ("SELECT ':no', :yes", "SELECT ':no', %(yes)s", ["yes"]),
    ("SELECT 'it''s :no' || :yes", "SELECT 'it''s :no' || %(yes)s", ["yes"]),
    ('SELECT "a:b" FROM t WHERE c = :c', 'SELECT "a:b" FROM t WHERE c = %(c)s', ["c"]),
    ("name LIKE :p || '%'", "name LIKE %(p)s || '%%'", ["p"]),
    ("SELECT 100 % 7, '50%'", "SELECT 100 %% 7, '50%%'", []),
    ("SELECT a:b, x\\:y, :9", "SELECT a:b, x\\:y, :9", []),
    ("IN (:v0, :v1)", "IN (%(v0)s, %(v1)s)", ["v0", "v1"]),
    ("ARRAY[:a]", "ARRAY[%(a)s]", ["a"]),
    ("SELECT 'unterminated :x", "SELECT 'unterminated :x", []),
    ("to_char(d, 'YYYY-MM') = :m", "to_char(d, 'YYYY-MM') = %(m)s", ["m"]),
])
def test_to_pyformat(sql: str, expected: str, names: list[str]) -> None:
    assert to_pyformat(sql) == (expected, names)


def test_qmark_to_format() -> None:
    assert qmark_to_format("INSERT INTO t (a, b) VALUES (?, ?)") == \
        "INSERT INTO t (a, b) VALUES (%s, %s)"
    assert qmark_to_format("UPDATE t SET a = ? WHERE b LIKE '%x'") == \
        "UPDATE t SET a = %s WHERE b LIKE '%%x'"


def test_pg_conninfo_parses_the_url_without_sqlalchemy() -> None:
    info = pg_conninfo("postgresql+psycopg://u%40x:p%3A%40ss@db.example:6543/train%20log"
                       "?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=tl"
                       "&unknown=1")
    assert info == {"host": "db.example", "port": "6543", "user": "u@x", "password": "p:@ss",
                    "dbname": "train log", "sslmode": "verify-full",
                    "sslrootcert": "/etc/ca.pem", "application_name": "tl",
                    "client_encoding": "UTF8", "autocommit": False}
    # an unescaped "@" in the password: up to the last "@", as SQLAlchemy reads it
    assert pg_conninfo("postgresql://u:a@b@h/d")["password"] == "a@b"
    assert pg_conninfo("postgresql://[::1]:5/d")["host"] == "::1"
    assert pg_conninfo("postgresql:///d?host=/run/postgresql") == {
        "dbname": "d", "host": "/run/postgresql", "client_encoding": "UTF8", "autocommit": False}


# -- on a server ---------------------------------------------------------------------------------

@pytest.fixture
def pg(db: Database, backend: str) -> Database:
    if backend != "postgresql":
        pytest.skip("needs a PostgreSQL server: --test-db URL or TRAINLOG_TEST_DB")
    return db


TABLE = "CREATE TABLE t_pg (id serial PRIMARY KEY, name text UNIQUE, d date, ts timestamptz)"


def test_connect_hands_out_a_pgconn(pg: Database) -> None:
    with pg.connect() as conn:
        assert isinstance(conn, PgConn) and conn.dialect == "postgresql"
        assert conn.scalar("SELECT count(*) FROM branch") == 0
    with pg.connect(write=True) as conn:
        assert isinstance(conn, PgConn)
        held = conn.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                           "AND pid = pg_backend_pid()")
        assert held == 1, "a writer holds trainlog's advisory lock"
    with pg.connect(require=False) as conn:
        assert isinstance(conn, PgConn)


def test_the_api_on_postgresql(pg: Database) -> None:
    with pg.connect(write=True) as conn:
        conn.run(TABLE)
        first = conn.insert("INSERT INTO t_pg (name, d, ts) VALUES (:n, :d, :ts)",
                            {"n": "a:b '%'", "d": date(2020, 4, 2),
                             "ts": datetime(2020, 4, 2, 8, 30, tzinfo=UTC)})
        assert first == 1
        assert conn.run("UPDATE t_pg SET name = name || '%' WHERE id = :i", {"i": first}) == 1
        assert conn.scalar("SELECT name FROM t_pg WHERE id = :i::int", {"i": str(first)}) == \
            "a:b '%'%"
        assert conn.scalar("SELECT '50%' || :x", {"x": "!"}) == "50%!"
        assert conn.scalar("SELECT 7 % 4") == 3
        assert conn.first("SELECT name FROM t_pg WHERE name = :n", {"n": "none"}) is None
        assert conn.executemany("INSERT INTO t_pg (name, d) VALUES (?, ?)",
                                [(f"n{i}", date(2020, 1, 1) + timedelta(days=i))
                                 for i in range(5)]) == 5
        done: list[int] = []
        assert conn.insert_rows("t_pg", ["name", "d"],
                                [(f"c{i}", date(2020, 2, 1)) for i in range(3)],
                                progress=done.append) == 3
        assert done == [3]
        assert conn.scalar("SELECT count(*) FROM t_pg") == 9
        streamed = list(conn.stream("SELECT name FROM t_pg WHERE name LIKE :p ORDER BY id",
                                    {"p": "n%"}, size=2))
        assert [r[0] for r in streamed] == [f"n{i}" for i in range(5)]
        assert [r[0] for r in conn.all_in("SELECT name FROM t_pg WHERE id IN ({values}) "
                                          "ORDER BY id", [2, 3])] == ["n0", "n1"]
        assert conn.scalar("SELECT count(*) FROM t_pg WHERE name = ANY (:names)",
                           {"names": ["c0", "c1"]}) == 2
        conn.run("SAVEPOINT s")
        with pytest.raises(IntegrityError):
            conn.insert("INSERT INTO t_pg (name) VALUES (:n)", {"n": "n0"})
        conn.run("ROLLBACK TO SAVEPOINT s")
        conn.run("SAVEPOINT s")
        with pytest.raises(IntegrityError):
            conn.executemany("INSERT INTO t_pg (name) VALUES (?)", [("n1",)])
        conn.run("ROLLBACK TO SAVEPOINT s")
        conn.run("SAVEPOINT s")
        with pytest.raises(IntegrityError):
            conn.insert_rows("t_pg", ["name"], [("n2",)])
        conn.run("ROLLBACK TO SAVEPOINT s")
        assert conn.month_key("d") == "to_char(d, 'YYYY-MM')"
        assert conn.scalar(f"SELECT {conn.month_key('d')} FROM t_pg WHERE id = 1") == "2020-04"


def _read(conn: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.all(
        "SELECT id, name, d, ts, CAST(3.5 AS numeric), :x, "
        "CAST(:when AS timestamptz), ARRAY['a', 'b'] FROM t_pg ORDER BY id",
        {"x": "中文", "when": datetime(2020, 4, 2, 16, 0, tzinfo=timezone(timedelta(hours=8)))})]


def test_values_read_back_as_alchemyconn_reads_them(pg: Database) -> None:
    """Dates, timestamps (and their time zone), numbers and text: what AlchemyConn read before."""
    with pg.connect(write=True) as conn:
        conn.run(TABLE)
        conn.insert("INSERT INTO t_pg (name, d, ts) VALUES (:n, :d, :ts)",
                    {"n": "张三", "d": date(2020, 4, 2), "ts": datetime(2020, 4, 2, 8, 30,
                                                                         tzinfo=UTC)})
        conn.insert("INSERT INTO t_pg (name, d, ts) VALUES (:n, :d, :ts)",
                    {"n": None, "d": None, "ts": None})
    with pg.connect() as conn:
        fast = _read(conn)
    with pg._connect() as sa:
        slow = _read(AlchemyConn(sa))
    pg.dispose()
    assert fast == slow
    assert [type(v) for v in fast[0]] == [type(v) for v in slow[0]]
    assert [getattr(v, "tzinfo", None) for v in fast[0]] == \
        [getattr(v, "tzinfo", None) for v in slow[0]]
    assert as_date(fast[0][2]) == date(2020, 4, 2)
    assert as_datetime(fast[0][3]) == datetime(2020, 4, 2, 8, 30, tzinfo=UTC)
    assert as_datetime(fast[0][3]).tzinfo == UTC


def test_reads_and_dry_runs_roll_back(pg: Database) -> None:
    with pg.connect(write=True) as conn:
        conn.run(TABLE)
    with pg.connect() as conn:
        conn.run("INSERT INTO t_pg (name) VALUES ('read')")
    with pg.connect(write=True, dry_run=True) as conn:
        conn.run("INSERT INTO t_pg (name) VALUES ('dry')")
        assert conn.scalar("SELECT count(*) FROM t_pg") == 1
    with pytest.raises(RuntimeError), pg.connect(write=True) as conn:
        conn.run("INSERT INTO t_pg (name) VALUES ('failed')")
        raise RuntimeError("undone")
    with pg.connect(write=True) as conn:
        assert conn.scalar("SELECT count(*) FROM t_pg") == 0
        conn.run("INSERT INTO t_pg (name) VALUES ('kept')")
    with pg.connect() as conn:
        assert conn.all("SELECT name FROM t_pg") == [("kept",)]


def test_a_schema_not_current_takes_sqlalchemys_path(pg: Database) -> None:
    """An older, newer or missing schema: the SQLAlchemy path decides, as before."""
    with pg.connect(write=True) as conn:
        conn.run("UPDATE alembic_version SET version_num = '0999'")
    fresh = Database(pg.url)
    with pytest.raises(Exception, match="newer than this trainlog"), fresh.connect():
        pass
    with fresh.connect(require=False) as conn:  # db check takes it as it is
        assert isinstance(conn, PgConn)
        assert conn.scalar("SELECT version_num FROM alembic_version") == "0999"
    with fresh.connect(write=True, require=False) as conn:
        conn.run("DROP TABLE alembic_version")
    with pytest.raises(Exception, match="no trainlog database"), Database(pg.url).connect():
        pass


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://office1:s3cret@db.example:5432/trainlog",
    "postgresql+psycopg://office1:s3cret@@db.example/trainlog",
    "postgresql+psycopg://office1:p:w@db.example/trainlog",
    "postgresql+psycopg://office1:@db.example/trainlog",
    "postgresql+psycopg://office1@db.example/trainlog",
    "postgresql://office1:x@127.0.0.1:1/trainlog_test_1",
    "postgresql+psycopg://db.example/trainlog",
    "postgresql+psycopg://office1@/trainlog",
    "postgresql+psycopg://office1:pw@db.example:5432",
    "postgresql+psycopg://office1:pw@db.example:05432/x",
    "postgresql+psycopg://office1:pw@db.example:notaport/x",
    "postgresql+psycopg://office1@/trainlog?host=/var/run/postgresql",
    "postgresql+psycopg://u%40x:pw@h/d",
])
def test_display_without_sqlalchemy_says_what_sqlalchemy_says(url: str,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:
    import trainlog.store.database as tdb

    fast = Database(url).display()
    monkeypatch.setattr(tdb, "_SIMPLE_PG_URL", tdb.re.compile("(?!)"))  # never matches
    assert fast == Database(url).display()
