"""Every test gets its own database and a fixed environment; helpers for the CLI and files."""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from trainlog.store.database import Database

#: Variables that change what trainlog does; every test starts without them.
_TRAINLOG_ENV = ("TRAINLOG_DB", "TRAINLOG_LANG", "TRAINLOG_USER", "TRAINLOG_TODAY",
                 "TRAINLOG_OFFICE", "TRAINLOG_DEBUG")
#: Variables that change the language or the look of the output.
_LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-db", default=None, metavar="URL",
        help="run every test on this PostgreSQL server (postgresql+psycopg://user:pass@host:port/"
             "db of a role that may create databases): each test gets its own new database. "
             "Default: TRAINLOG_TEST_DB, else a SQLite file per test.")


def pytest_report_header(config: pytest.Config) -> str:
    server = _test_server(config)
    if server is None:
        return "trainlog backend: sqlite (a file per test)"
    from sqlalchemy.engine import make_url

    return f"trainlog backend: {make_url(server).render_as_string(hide_password=True)}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, tests of SQLite's own files (WAL, file copies, PRAGMAs) are skipped."""
    if _test_server(config) is None:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            reason = mark.args[0] if mark.args else "tests a SQLite file"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


def _test_server(config: pytest.Config) -> str | None:
    """The PostgreSQL server the tests run on (--test-db > TRAINLOG_TEST_DB), or None: SQLite."""
    url = config.getoption("--test-db") or os.environ.get("TRAINLOG_TEST_DB") or ""
    return None if url in ("", "sqlite") else url


class _Server:
    """A PostgreSQL server on which each test gets a database of its own, dropped after."""

    _names = itertools.count(1)

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        if self.url.get_backend_name() != "postgresql":
            raise pytest.UsageError(f"--test-db / TRAINLOG_TEST_DB: not a PostgreSQL URL: "
                                    f"{self.url.render_as_string(hide_password=True)}")
        libpq = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.admin = psycopg.connect(libpq, autocommit=True)

    def create(self) -> tuple[str, str]:
        # pid in the name: several test runs may share one server
        name = f"trainlog_test_{os.getpid()}_{next(self._names)}"
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return name, self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        # FORCE: connections a test left open (engines of CLI runs) must not keep it alive
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def test_server(pytestconfig: pytest.Config) -> Iterator[_Server | None]:
    """The PostgreSQL server under test, or None when the tests run on SQLite."""
    url = _test_server(pytestconfig)
    if url is None:
        yield None
        return
    server = _Server(url)
    yield server
    server.admin.close()


@pytest.fixture
def backend(test_server: _Server | None) -> str:
    """"sqlite" or "postgresql": the backend every database of this test run is on."""
    return "sqlite" if test_server is None else "postgresql"


@pytest.fixture
def database_url(tmp_path: Path, test_server: _Server | None) -> Iterator[str]:
    """The database under test: a fresh SQLite file, or a new empty PostgreSQL database.

    The backend is chosen by --test-db or TRAINLOG_TEST_DB (a PostgreSQL URL); SQLite otherwise.
    """
    if test_server is None:
        yield str(tmp_path / "trainlog.db")
        return
    name, url = test_server.create()
    yield url
    test_server.drop(name)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    """No test reads the user's database, language or data directory."""
    for name in _TRAINLOG_ENV + _LOCALE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRAINLOG_DB", database_url)
    monkeypatch.setenv("TRAINLOG_USER", "test")
    monkeypatch.setenv("LANG", "C.UTF-8")
    # platformdirs' default location, should a test reach it, is inside tmp_path too.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """An initialised database (the same one the CLI sees through TRAINLOG_DB)."""
    database = Database(database_url)
    database.init()
    yield database
    database.dispose()


@pytest.fixture
def orm_session() -> Callable[..., AbstractContextManager[Any]]:
    """orm_session(database, write=False): a SQLModel session on `database.engine` in one
    transaction, for a test that reads (or sets up) rows through the ORM models as a check
    independent of the SQL text trainlog runs (trainlog itself reads and writes only through a
    `Conn`). A writing one takes trainlog's write lock up front, as `Database.connect(write=True)`
    does, and commits at the end; a reading one rolls back."""

    @contextmanager
    def open_session(database: Database, write: bool = False, office: int | None = None
                     ) -> Iterator[Any]:
        """`office`: the id of the office new records go in (default: the database's first)."""
        from sqlalchemy import event, text
        from sqlmodel import Session

        database.require()
        engine = database.engine
        if write:
            engine = engine.execution_options(trainlog_write=True)
        with Session(engine) as session:
            owner = office or session.execute(text("SELECT min(id) FROM office")).scalar()

            @event.listens_for(session, "before_flush")
            def _owned(session, _context, _instances):  # type: ignore[no-untyped-def]
                for obj in session.new:  # records set up without an office are its
                    if hasattr(obj, "office_id") and obj.office_id is None:
                        obj.office_id = owner

            yield session
            if write:
                session.flush()
                # cadres set up through the ORM get their facts as trainlog's writes give them:
                # the cadre's columns, holding for every date
                session.execute(text(
                    "INSERT INTO cadre_fact (office_id, cadre_id, valid_from, valid_to, "
                    "branch_id, unit, level, rank, top_leader, poverty_cadre, party_member, "
                    "active) SELECT office_id, id, :always, :forever, branch_id, unit, level, "
                    "rank, top_leader, poverty_cadre, party_member, active FROM cadre c "
                    "WHERE NOT EXISTS (SELECT 1 FROM cadre_fact f WHERE f.cadre_id = c.id)"),
                    {"always": date.min, "forever": date.max})
                session.commit()

    return open_session


class Cli:
    """Runs `trainlog ARGS…` in-process; the result keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: Any, input: str | None = None,
                 env: dict[str, str | None] | None = None) -> Result:
        from trainlog.cli import app

        result = self.runner.invoke(app, [str(a) for a in args], input=input, env=env)
        # Anything but a clean exit is a traceback the user would have seen.
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result


@pytest.fixture
def cli() -> Cli:
    """`cli("cadre", "list")` -> a Result with .exit_code, .stdout and .stderr apart."""
    return Cli()


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]],
               encoding: str = "utf-8") -> Path:
    """A CSV file as Excel writes one (CRLF line ends), in the given encoding."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Path:
    """An .xlsx workbook with one sheet: the header, then the rows (cells keep their types)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def write_csv():  # type: ignore[no-untyped-def]
    """write_csv(path, header, rows, encoding="utf-8") -> path."""
    return _write_csv


@pytest.fixture
def write_xlsx():  # type: ignore[no-untyped-def]
    """write_xlsx(path, header, rows) -> path."""
    return _write_xlsx


def record_bars(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """stderr is a terminal, and every progress bar of the CLI's records (label, rows) on each
    update and (label, -1) when it closes, in the list returned (none is installed here)."""
    from trainlog.output import progress

    shown: list[tuple[str, int]] = []

    class Meter:
        def __init__(self, label: str) -> None:
            self.label = label

        def update(self, rows: int) -> None:
            shown.append((self.label, rows))

        def close(self) -> None:
            shown.append((self.label, -1))

    monkeypatch.setattr(progress, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(progress, "Progress", Meter)
    return shown


@pytest.fixture
def progress_shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """`record_bars`, and the importers show the CLI's bars, as in a command
    (`trainlog.cli.common.command`), whoever calls them."""
    from trainlog.files import meters
    from trainlog.output import progress

    shown = record_bars(monkeypatch)
    monkeypatch.setattr(meters, "installed", progress.bar)
    return shown


@pytest.fixture(scope="session")
def zhaoling(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Zhaoling 2020 example data set with its plan, loaded once for the whole run into a
    SQLite file of its own (the demo's); tests only read it."""
    from trainlog.demo.load import load_demo

    folder = tmp_path_factory.mktemp("zhaoling")
    db = Database(str(folder / "z.db"))
    load_demo(db, folder / "files")
    db.dispose()
    return folder / "z.db"
