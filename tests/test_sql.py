"""trainlog.store.sql and Database.connect: the same SQL text, the same answers, on either backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from trainlog.errors import NoDatabase, TrainlogError
from trainlog.store import sql
from trainlog.store.database import Database
from trainlog.store.sql import (
    CHUNK,
    IN_CHUNK,
    Conn,
    IntegrityError,
    as_date,
    as_datetime,
    in_list,
)


def _branches(db: Conn, n: int) -> None:
    db.insert_rows("branch", ["office_id", "code", "name", "township", "active"],
                   ((db.office.id, f"B{i:05d}", f"支部{i}", "城关镇" if i % 2 else None, True)
                    for i in range(n)))


def test_reads_and_writes_through_connect(db: Database) -> None:
    with db.connect(write=True) as conn:
        new = conn.insert("INSERT INTO branch (office_id, code, name, township, active) "
                          "VALUES (:office, :c, :n, :t, :a)", {"c": "B1", "n": "一支部", "t": "城关镇",
                                                      "a": True})
        conn.insert("INSERT INTO plan (office_id, year, scope, target, deadline) "
                    "VALUES (:office, :y, :s, :t, :d)",
                    {"y": 2020, "s": "all", "t": 2000, "d": date(2020, 12, 31)})
    with db.connect() as conn:
        assert conn.first("SELECT id, code, name FROM branch") == (new, "B1", "一支部")
        deadline = conn.scalar("SELECT deadline FROM plan WHERE year = :y", {"y": 2020})
        assert str(deadline) == "2020-12-31"  # text on SQLite, a date on PostgreSQL
        assert conn.scalar("SELECT count(*) FROM plan WHERE deadline >= :d",
                           {"d": date(2020, 6, 1)}) == 1
        month = conn.scalar(f"SELECT {conn.month_key('deadline')} FROM plan")
        number = conn.scalar(f"SELECT {conn.month_number('deadline')} FROM plan")
        assert (month, number) == ("2020-12", 12)


def test_a_read_writes_nothing_and_a_failed_write_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.connect(write=True) as conn:
        conn.run("INSERT INTO setting (office_id, key, value) VALUES (:office, :k, :v)", {"k": "a", "v": "1"})
        raise RuntimeError("after the write")
    with db.connect() as conn:
        conn.run("INSERT INTO setting (office_id, key, value) VALUES (:office, :k, :v)", {"k": "b", "v": "2"})
    with db.connect() as conn:
        assert conn.all("SELECT key FROM setting") == []


def test_bulk_rows_in_chunks_and_in_lists(db: Database) -> None:
    n = CHUNK + 7
    seen: list[int] = []
    with db.connect(write=True) as conn:
        assert conn.executemany("INSERT INTO branch (office_id, code, name, active) "
                                "VALUES (?, ?, ?, ?)",
                                ((conn.office.id, f"X{i}", "x", True) for i in range(n)), seen.append) == n
        _branches(conn, 10)
    assert seen == [CHUNK, n]
    with db.connect() as conn:
        assert conn.scalar("SELECT count(*) FROM branch") == n + 10
        marks, params = in_list("c", ["B00001", "B00003", "nope"])
        assert sorted(r[0] for r in conn.all(
            f"SELECT code FROM branch WHERE code IN ({marks})", params)) == ["B00001", "B00003"]
        assert in_list("c", []) == ("NULL", {})
        wanted = [f"X{i}" for i in range(0, n, 7)] + ["nope"]  # more than IN_CHUNK values
        assert len(wanted) > IN_CHUNK
        found = conn.all_in("SELECT code FROM branch WHERE code IN ({values})", wanted)
        assert sorted(r[0] for r in found) == sorted(wanted[:-1])
        assert conn.all_in("SELECT code FROM branch WHERE code IN ({values})", []) == []
        grouped = conn.all("SELECT township, count(*) FROM branch WHERE code LIKE 'B%' "
                           "GROUP BY township ORDER BY township")
        assert sorted(map(tuple, grouped), key=str) == sorted([("城关镇", 5), (None, 5)], key=str)


def test_stream_reads_a_large_result_in_chunks(db: Database) -> None:
    """stream(): the rows all() gives, in order, fetched `size` at a time."""
    with db.connect(write=True) as conn:
        _branches(conn, 25)
    sql = "SELECT code, township FROM branch WHERE code >= :first ORDER BY code"
    with db.connect() as conn:
        every = conn.all(sql, {"first": "B00003"})
        rows = conn.stream(sql, {"first": "B00003"}, size=4)
        assert next(rows) == every[0]
        assert [every[0], *rows] == every and len(every) == 22
        assert list(conn.stream(sql, {"first": "C"})) == []
        assert conn.scalar("SELECT count(*) FROM branch") == 25  # the Conn is usable after


def test_a_constraint_is_an_integrity_error(db: Database) -> None:
    """One row at a time or in bulk (COPY on PostgreSQL): the same error; nothing is written."""
    sql = "INSERT INTO branch (office_id, code, name, active) VALUES (:office, :c, :n, :a)"
    with db.connect(write=True) as conn:
        conn.insert(sql, {"c": "B", "n": "x", "a": True})
    with pytest.raises(IntegrityError), db.connect(write=True) as conn:
        conn.run(sql, {"c": "B", "n": "y", "a": True})
    with pytest.raises(IntegrityError), db.connect(write=True) as conn:
        conn.insert_rows("branch", ["office_id", "code", "name", "active"],
                         [(conn.office.id, "C", "x", True), (conn.office.id, "C", "y", True)])
    with pytest.raises(IntegrityError), db.connect(write=True) as conn:
        conn.executemany("INSERT INTO branch (office_id, code, name, active) VALUES (?, ?, ?, ?)",
                         [(conn.office.id, "D", "x", True), (conn.office.id, "D", "y", True)])
    with db.connect() as conn:
        assert conn.all("SELECT code, name FROM branch") == [("B", "x")]


def test_values_for_the_driver() -> None:
    sqlite = Conn()
    sqlite.dialect = "sqlite"
    assert sqlite.value(date(2020, 4, 1)) == "2020-04-01"
    assert sqlite.value(datetime(2020, 4, 1, 8, 30)) == "2020-04-01 08:30:00.000000"
    assert sqlite.value(3) == 3
    server = Conn()
    server.dialect = "postgresql"
    assert server.value(date(2020, 4, 1)) == date(2020, 4, 1)
    # and back: what a Date column reads as on either backend
    assert as_date("2020-04-01") == as_date(date(2020, 4, 1)) == date(2020, 4, 1)
    assert as_date(None) is None
    # a DateTime column, as the models read it: aware, in UTC
    utc = datetime(2020, 4, 1, 8, 30, tzinfo=UTC)
    assert as_datetime("2020-04-01 08:30:00.000000") == utc
    assert as_datetime("2020-04-01 08:30:00.000000").isoformat() == "2020-04-01T08:30:00+00:00"
    east8 = timezone(timedelta(hours=8))
    assert as_datetime(datetime(2020, 4, 1, 16, 30, tzinfo=east8)).tzinfo is UTC
    assert as_datetime(datetime(2020, 4, 1, 16, 30, tzinfo=east8)) == utc
    assert as_datetime(None) is None


@pytest.mark.sqlite_only("a SQLite file that is missing, not trainlog's, or not a database")
def test_connect_says_what_is_wrong_with_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoDatabase), Database(str(tmp_path / "none.db")).connect():
        pass
    assert not (tmp_path / "none.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(TrainlogError, match="cannot open|not a database"), \
            Database(str(junk)).connect():
        pass
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(NoDatabase), Database(str(other)).connect():
        pass


def test_undecodable_text_is_a_clear_error(db: Database) -> None:
    """A command line's undecodable byte (a lone surrogate) bound to a query: a message, no
    traceback, on either backend (it was a UnicodeEncodeError on PostgreSQL)."""
    with pytest.raises(TrainlogError, match="not valid text"), db.connect() as conn:
        conn.first("SELECT id FROM cadre WHERE code = :c", {"c": "\udcff"})


def test_a_dry_run_does_every_write_then_rolls_back(db: Database) -> None:
    """connect(write=True, dry_run=True): the writes run (and see each other), nothing stays."""
    with db.connect(write=True, dry_run=True) as conn:
        conn.run("INSERT INTO branch (office_id, code, name, active) "
                 "VALUES (:office, 'B1', 'one', :t)", {"t": True})
        assert conn.scalar("SELECT count(*) FROM branch") == 1
    with db.connect() as conn:
        assert conn.scalar("SELECT count(*) FROM branch") == 0
    with db.connect(write=True) as conn:
        conn.run("INSERT INTO branch (office_id, code, name, active) "
                 "VALUES (:office, 'B1', 'one', :t)", {"t": True})
    with db.connect() as conn:
        assert conn.scalar("SELECT count(*) FROM branch") == 1


def _index_sql(conn: Conn, table: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.all(  # type: ignore[misc]
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
        "ORDER BY name", {"t": table})]


@pytest.mark.sqlite_only("SQLite's indexes, dropped and built again around a bulk write")
def test_indexes_after_a_bulk_write_into_a_small_table(db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql, "REBUILD_AFTER", 10)
    with db.connect(write=True) as conn:
        before = _index_sql(conn, "branch")
        plain = [n for n, s in before if s and not s.upper().startswith("CREATE UNIQUE")]
        assert plain, "branch has a plain index to drop"
        with sql.indexes_after(conn, "branch", 50) as dropped:
            assert dropped
            assert {n for n, _ in _index_sql(conn, "branch")} == {n for n, _ in before} - set(plain)
            _branches(conn, 50)
        assert _index_sql(conn, "branch") == before
        # the table now holds more rows than the next write brings: nothing is dropped
        with sql.indexes_after(conn, "branch", 20) as dropped:
            assert not dropped
            assert _index_sql(conn, "branch") == before
        # too few rows to be worth it
        with sql.indexes_after(conn, "plan", 9) as dropped:
            assert not dropped
    with db.connect() as conn:
        assert _index_sql(conn, "branch") == before
        assert conn.scalar("SELECT count(*) FROM branch") == 50
        # the unique keys held while the indexes were away
        assert conn.scalar("SELECT count(DISTINCT code) FROM branch") == 50


@pytest.mark.sqlite_only("SQLite's indexes, dropped and built again around a bulk write")
def test_indexes_after_a_failed_write_are_there_again(db: Database,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql, "REBUILD_AFTER", 10)
    with db.connect(write=True) as conn:
        before = _index_sql(conn, "branch")
        with pytest.raises(IntegrityError), sql.indexes_after(conn, "branch", 50):
            _branches(conn, 30)
            _branches(conn, 1)  # B00000 again: the unique key refuses it at once
        assert _index_sql(conn, "branch") == before  # a caller that goes on has them
    with db.connect() as conn:
        assert _index_sql(conn, "branch") == before


def test_indexes_after_drops_nothing_on_postgresql(db: Database, backend: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL: a DROP INDEX would lock the table against every reader")
    monkeypatch.setattr(sql, "REBUILD_AFTER", 10)
    with db.connect(write=True) as conn:
        count = conn.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'branch'")
        with sql.indexes_after(conn, "branch", 50) as dropped:
            assert not dropped
            assert conn.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'branch'") == count
            _branches(conn, 50)
