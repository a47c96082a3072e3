"""Where the database is, its engine (made on first use), SQLite pragmas, and the schema's revision."""

from __future__ import annotations

import getpass
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from trainlog.errors import NoDatabase, TrainlogError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

#: The newest migration this version knows; a test checks it is Alembic's head.
HEAD = "0001"
#: Every revision ever released, oldest first, so an older database can be told from a newer one.
REVISIONS = ["0001"]

BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("trainlog", appauthor=False) / "trainlog.db"


def resolve_location(option: str | None) -> str:
    """`--db` > TRAINLOG_DB > trainlog.db in the user data dir; as given (a path or a URL)."""
    return option or os.environ.get("TRAINLOG_DB") or str(default_path())


def to_url(location: str) -> str:
    """A SQLAlchemy URL for a path or URL."""
    if "://" in location:
        return location
    return "sqlite:///" + str(Path(location).expanduser().absolute())


def actor() -> str:
    """Who is writing: TRAINLOG_USER, else the OS user."""
    user = os.environ.get("TRAINLOG_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        return "unknown"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Database:
    """A database location; the engine is created on first use."""

    def __init__(self, location: str | None = None):
        self.location = resolve_location(location)
        self.url = to_url(self.location)
        self._engine: Engine | None = None
        self._checked = False

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database or an in-memory one."""
        if not self.is_sqlite:
            return None
        raw = self.url.split("///", 1)[1] if "///" in self.url else ""
        return Path(raw) if raw and raw != ":memory:" else None

    def display(self) -> str:
        """The location with any password masked."""
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _make_engine(self.url)
        return self._engine

    def exists(self) -> bool:
        """Whether trainlog's schema is there (without creating anything)."""
        path = self.path
        if self.is_sqlite and path is not None and not path.exists():
            return False
        return self.revision() is not None

    def revision(self) -> str | None:
        """The schema revision stored in the database, read without importing Alembic."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError as exc:
            if _is_missing_table(exc):
                return None
            raise TrainlogError(f"cannot open the database {self.display()}: {exc.orig}") from None

    def init(self) -> bool:
        """Create or upgrade the schema; True when it was created now."""
        path = self.path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        current = self.revision()
        if current is None:
            _run_migrations(self.engine)
            self._checked = True
            return True
        self._check_revision(current)
        return False

    def require(self) -> None:
        """Make sure the schema exists and is current: upgrade an older one, refuse a newer one."""
        if self._checked:
            return
        if not self.exists():
            raise NoDatabase(
                f"no trainlog database at {self.display()}; create it with `trainlog init` "
                "(or point --db / TRAINLOG_DB at an existing one)"
            )
        self._check_revision(self.revision())

    def _check_revision(self, current: str | None) -> None:
        if current == HEAD:
            self._checked = True
            return
        if current not in REVISIONS:
            raise TrainlogError(
                f"the database {self.display()} is at schema revision {current!r}, newer than this "
                f"trainlog knows ({HEAD}); upgrade trainlog"
            )
        self.upgrade()

    def upgrade(self) -> str | None:
        """Bring an older schema to HEAD, after a backup copy of a SQLite file; the backup's path."""
        current = self.revision()
        backup = None
        if current != HEAD and self.path is not None:
            stamp = now().strftime("%Y%m%d%H%M%S")
            backup = self.path.with_name(f"{self.path.name}.{current}.{stamp}.bak")
            self.backup(backup)
        _run_migrations(self.engine)
        self._checked = True
        return str(backup) if backup else None

    def backup(self, dest: Path) -> None:
        """A consistent copy of a SQLite database with the online backup API, safe during writes."""
        import sqlite3

        if self.path is None:
            raise TrainlogError("backup copies SQLite files only; for PostgreSQL use pg_dump")
        dest = Path(dest)
        if dest.exists() and dest.is_dir():
            dest = dest / self.path.name
        tmp = dest.with_name(dest.name + ".part")
        src = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        shutil.move(tmp, dest)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session in one transaction; a writing one takes SQLite's write lock up front."""
        from sqlmodel import Session

        self.require()
        engine = self.engine.execution_options(trainlog_write=True) if write else self.engine
        with Session(engine) as session:
            try:
                yield session
                if write:
                    session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _is_missing_table(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "no such table" in text or "does not exist" in text or "undefinedtable" in text


def _make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Transactions are begun by the "begin" hook below, not by the driver.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if url not in ("sqlite://", "sqlite:///:memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get("trainlog_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _run_migrations(engine: Engine) -> None:
    """Alembic upgrade to head, from code: users never need alembic.ini."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.execution_options(trainlog_write=True).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
