"""Where the database is, its engine (made on first use), SQLite pragmas, and the schema's revision.

Writes are serialised: on SQLite a writing transaction begins with BEGIN IMMEDIATE (the write lock
up front, waiting up to the busy timeout), on PostgreSQL with a transaction-scoped advisory lock.
So the read-check-write logic of the core (does this ref exist? then replace it) never races, and
readers are never blocked (WAL on SQLite, MVCC on PostgreSQL).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from trainlog.errors import DatabaseBusy, NoDatabase, TrainlogError
from trainlog.vocab import say

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from trainlog.store.sql import Conn

T = TypeVar("T")

#: The newest migration this version knows; a test checks it is Alembic's head.
HEAD = "0006"
#: Every revision ever released, oldest first, so an older database can be told from a newer one.
REVISIONS = ["0001", "0002", "0003", "0004", "0005", "0006"]

#: How long a writer waits for another writer's lock before it gives up (per attempt).
BUSY_TIMEOUT_MS = 30_000
#: Attempts at taking the write lock; each waits up to the busy timeout.
BEGIN_ATTEMPTS = 3
#: Attempts of a whole write transaction in `retrying` (PostgreSQL conflicts).
WRITE_ATTEMPTS = 5
#: The key of the PostgreSQL advisory lock every trainlog writer takes ("trainlog" in ASCII).
PG_WRITE_LOCK = int.from_bytes(b"trainlog", "big")
#: SQLSTATEs of PostgreSQL conflicts that running the transaction again resolves.
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
#: A psycopg URL of plain user, host, port and database names and no query, which `display`
#: masks without SQLAlchemy: (scheme, user, password, host[:port][/database]).
_SIMPLE_PG_URL = re.compile(r"^(postgresql(?:\+psycopg)?://)(?:([A-Za-z0-9._-]+)(?::(.*))?@)?"
                            r"((?:[A-Za-z0-9.-]+)?(?::[1-9][0-9]{0,4})?(?:/[A-Za-z0-9._-]+)?)$")
#: The password part of a URL (scheme://user:PASSWORD@host), up to its last "@".
_PASSWORD = re.compile(r"(^[A-Za-z0-9+.-]+://[^:/@?#]*:)(.*)@")
#: A password given in a URL's query (?password=…, &sslpassword=…).
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)([^&#]*)", re.IGNORECASE)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("trainlog", appauthor=False) / "trainlog.db"


def resolve_location(option: str | None) -> str:
    """`--db` > TRAINLOG_DB > trainlog.db in the user data dir; as given (a path or a URL).

    An empty one (an unset variable in a cron line: `--db "$DB"`) is an error, never the
    default database."""
    if option is not None:
        if not option.strip():
            raise TrainlogError(say("msg.db_empty"))
        return option
    env = os.environ.get("TRAINLOG_DB")
    if env is not None:
        if not env.strip():
            raise TrainlogError(say("msg.env_db_empty"))
        return env
    return str(default_path())


def to_url(location: str) -> str:
    """A SQLAlchemy URL for a path or URL."""
    if "://" in location:
        return location
    return "sqlite:///" + str(Path(location).expanduser().absolute())


#: The query options of a database URL that psycopg (libpq) takes as connection parameters.
_PG_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl",
               "connect_timeout", "application_name", "options", "service",
               "target_session_attrs", "keepalives", "keepalives_idle", "passfile",
               "gssencmode", "krbsrvname", "channel_binding", "host", "port", "hostaddr",
               "password"}


def pg_conninfo(url: str) -> dict[str, Any]:
    """psycopg.connect's keyword arguments for a SQLAlchemy-style PostgreSQL URL
    (postgresql[+driver]://user:password@host:port/dbname?sslmode=…), parsed without
    SQLAlchemy: percent-decoded parts, libpq's query options passed on, and trainlog's
    session settings (READ COMMITTED, text in UTF-8: see `_make_engine`)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    host, port = hostport, ""
    if hostport.startswith("["):  # an IPv6 address
        close = hostport.find("]")
        host, port = hostport[1:close], hostport[close + 1:].lstrip(":")
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    kwargs: dict[str, Any] = {
        "host": unquote(host), "port": port, "user": unquote(user),
        "password": unquote(password) if colon else "",
        "dbname": unquote(parts.path.lstrip("/")),
    }
    kwargs = {k: v for k, v in kwargs.items() if v}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _PG_OPTIONS:
            kwargs[key] = value
    kwargs.update(client_encoding="UTF8", autocommit=False)
    return kwargs


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means another writer held the lock for too long."""
    orig = getattr(exc, "orig", exc)
    if _sqlstate(orig) == "55P03":  # PostgreSQL lock_not_available (lock_timeout)
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text or "table is locked" in text


def is_retryable(exc: BaseException) -> bool:
    """Whether running the whole transaction again can succeed (a PostgreSQL conflict)."""
    return _sqlstate(getattr(exc, "orig", exc)) in RETRYABLE_SQLSTATES


def _sqlstate(orig: object) -> str | None:
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _busy_error(db: Database) -> DatabaseBusy:
    seconds = BUSY_TIMEOUT_MS / 1000
    return DatabaseBusy(say("msg.busy", where=db.display(), seconds=f"{seconds:g}",
                            n=BEGIN_ATTEMPTS))


class Database:
    """A database location; the engine is created on first use.

    An older SQLite file is upgraded when it is first opened; `on_upgrade` is then told what
    `upgrade()` did (the CLI says it on stderr): storage itself prints nothing.
    """

    def __init__(self, location: str | None = None,
                 on_upgrade: Callable[[dict[str, Any]], None] | None = None,
                 office: str | None = None):
        #: --office as given: the office whose records every connection reads and writes
        #: (`trainlog.store.offices.current_office`)
        self.office = office
        self.location = resolve_location(location)
        self.url = to_url(self.location)
        self.on_upgrade = on_upgrade
        self._engine: Engine | None = None
        self._checked = False
        if self.is_sqlite and self.path is None:
            raise TrainlogError(say("msg.in_memory", where=self.display()))

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_psycopg(self) -> bool:
        """A PostgreSQL URL of the psycopg (3) driver, the one `connect` uses directly."""
        return self.url.split("://", 1)[0] in ("postgresql", "postgresql+psycopg")

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database or an in-memory one."""
        if not self.is_sqlite:
            return None
        raw = self.url.split("///", 1)[1] if "///" in self.url else ""
        raw = raw.split("?", 1)[0]
        return Path(raw) if raw and raw != ":memory:" else None

    def display(self) -> str:
        """The location with any password masked."""
        if self.path is not None:
            return str(self.path)
        simple = _SIMPLE_PG_URL.match(self.url)
        if simple:  # as SQLAlchemy renders it, without importing it (a test compares the two)
            scheme, user, password, rest = simple.groups()
            shown = f"{scheme}{user}{':***' if password is not None else ''}@{rest}" \
                if user is not None else scheme + rest
            return _PASSWORD.sub(r"\1***@", shown)
        if self.is_sqlite:  # an in-memory database (refused on creation) or a path-less URL
            return _QUERY_PASSWORD.sub(r"\1***", self.location)
        from sqlalchemy.engine import make_url

        try:
            shown = make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # not a URL SQLAlchemy can parse; say it as given, password masked
            shown = self.location
        # An unescaped "@" in a password fools the parser: mask up to the last "@" as well;
        # and a password given as ?password= (which SQLAlchemy shows as it is).
        return _QUERY_PASSWORD.sub(r"\1***", _PASSWORD.sub(r"\1***@", shown))

    def scrub(self, text: object) -> str:
        """A driver's or tool's message with this database's URL and password masked."""
        said = str(text).replace(self.location, self.display()).replace(self.url, self.display())
        try:
            from sqlalchemy.engine import make_url

            password = make_url(self.url).password
        except Exception:  # unparseable: take what stands where a password would
            found = _PASSWORD.match(self.location)
            password = found.group(2) if found else None
        from urllib.parse import unquote

        secrets = [password] + [unquote(m.group(2)) for m in _QUERY_PASSWORD.finditer(self.url)]
        for secret in secrets:
            if secret and len(str(secret)) >= 4:  # a shorter one would mask ordinary words
                said = said.replace(str(secret), "***")
        return _QUERY_PASSWORD.sub(r"\1***", said)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            try:
                path = self.path  # a SQLite file's options (?mode=ro) are sqlite3's, not these
                self._engine = _make_engine(self.url if path is None else f"sqlite:///{path}")
            except Exception as exc:  # a malformed URL or a driver that is not installed
                raise TrainlogError(say("msg.cannot_use", where=self.display(),
                                        reason=self.scrub(exc))) from None
        return self._engine

    def exists(self) -> bool:
        """Whether trainlog's schema is there (without creating anything)."""
        return self._file_exists() and self.revision() is not None

    def revision(self) -> str | None:
        """The schema revision stored in the database, read without importing Alembic (nor
        SQLAlchemy, on a SQLite file)."""
        if self.path is None:
            with self._connect() as conn:
                return _read_revision(conn)
        import sqlite3

        raw = self._open_sqlite()
        try:
            _sqlite_pragmas(raw, wal=False)
            return _sqlite_revision(raw)
        except sqlite3.DatabaseError as exc:  # busy, or not a database
            raise self._driver_error(exc) or TrainlogError(
                say("msg.cannot_open", where=self.display(), reason=exc)) from None
        finally:
            raw.close()

    def init(self, first_office: tuple[str, str] | None = None) -> bool:
        """Create or upgrade the schema; True when it was created now. A new database's first
        office is `first_office` (code, name), else `main` (本单位)."""
        path = self.path
        if path is not None:
            if path.is_dir():
                raise TrainlogError(say("msg.db_is_folder", path=path))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TrainlogError(say("msg.cannot_make_folder", path=path.parent,
                                        reason=exc.strerror or exc)) from None
        # The everyday case, an existing database: sqlite3 or psycopg alone, no SQLAlchemy.
        if (path.is_file() and path.stat().st_size) if path is not None else self.is_psycopg:
            try:
                with self.connect():
                    return False
            except NoDatabase:  # no trainlog schema there: create it, or refuse below
                pass
        if path is not None and (why := self.read_only()):
            raise self._read_only_error(why)
        with self._connect(write=True, migrate=True) as conn:
            current = _read_revision(conn)
            if current is None:
                if _has_tables(conn):
                    raise TrainlogError(say("msg.foreign_tables", where=self.display()))
                _run_migrations(conn, first_office)
        if current is None and self.path is not None:
            self._set_wal()
        self._checked = current is None
        if current is not None:
            self._check_revision(current)
        return current is None

    def _set_wal(self) -> None:
        """Put a new SQLite file in WAL mode (outside any transaction, as SQLite requires)."""
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.close()
        finally:
            raw.close()

    def missing(self) -> NoDatabase:
        """The error of a location without a trainlog database."""
        return NoDatabase(say("msg.no_database", where=self.display()))

    def require(self) -> dict[str, Any] | None:
        """Make sure the schema exists and is current: upgrade an older one, refuse a newer one.

        What an upgrade done now did (`upgrade()`'s dict, also given to `on_upgrade`), else None.
        """
        if self._checked:
            return None
        current = self.revision() if self._file_exists() else None
        if current is None:
            raise self.missing()
        return self._check_revision(current)

    def _file_exists(self) -> bool:
        path = self.path
        return not (self.is_sqlite and path is not None and not path.is_file())

    def _check_revision(self, current: str) -> dict[str, Any] | None:
        """Accept HEAD, upgrade an older SQLite file (what it did, or None), refuse the rest."""
        if current == HEAD:
            self._checked = True
            return None
        if current not in REVISIONS:
            raise _newer(self, current)
        if self.path is None:
            # A shared server database is upgraded on purpose, after its own backup (pg_dump).
            raise TrainlogError(say("msg.older_schema", where=self.display(), current=current,
                                    head=HEAD))
        done = self.upgrade()
        if not done["upgraded"]:  # another process upgraded it meanwhile
            return None
        if self.on_upgrade is not None:
            self.on_upgrade(done)
        return done

    def upgrade(self) -> dict[str, Any]:
        """Bring an older schema to HEAD, after a backup copy of a SQLite file.

        Returns {"from", "to", "upgraded", "backup", "regranted"} (`regranted`: the PostgreSQL
        roles whose privileges were made again, `trainlog.store.privileges.remake_all`). The revision is read again under the write
        lock, so of several processes opening an older database at once one upgrades it (and
        writes one backup) and the others find it current.
        """
        missing = self.missing()
        if not self._file_exists():
            raise missing
        if self.path is not None and (why := self.read_only()):
            raise self._read_only_error(why, say("msg.upgrade_writes"))
        backup: Path | None = None
        with self._connect(write=True, migrate=True) as conn:
            current = _read_revision(conn)
            if current is None:
                raise missing
            if current not in REVISIONS:
                raise _newer(self, current)
            if current != HEAD:
                if self.path is not None:
                    from trainlog.store.sql import now

                    stamp = now().strftime("%Y%m%d%H%M%S")
                    backup = self.path.with_name(f"{self.path.name}.{current}.{stamp}.bak")
                    _copy_sqlite(self.path, backup)
                _run_migrations(conn)
            # Privileges name tables and columns: a role granted before this version's
            # tables or columns existed is given them (again on every upgrade: a database
            # upgraded by an earlier trainlog that did not is put right).
            regranted: list[str] = []
            if self.path is None:
                from trainlog.store.privileges import remake_all
                from trainlog.store.sql import AlchemyConn

                regranted = remake_all(AlchemyConn(conn))
        self._checked = True
        return {"from": current, "to": HEAD, "upgraded": current != HEAD,
                "backup": str(backup) if backup else None, "regranted": regranted}

    def backup(self, dest: str | Path, overwrite: bool = False) -> dict[str, Any]:
        """A consistent copy of a SQLite database with the online backup API, safe during writes.

        The copy is written next to DEST and renamed into place only once it passed SQLite's
        integrity check, so DEST is never a half-written file.
        """
        if not self.is_sqlite:
            from trainlog.store.postgres import backup

            return backup(self, dest, overwrite)
        source = self.path
        if source is None:
            raise TrainlogError(say("msg.in_memory_backup"))
        if not source.is_file():
            raise NoDatabase(say("msg.no_database_at", where=self.display()))
        target = Path(dest).expanduser()
        if target.is_dir():
            target = target / source.name
        target = target.absolute()
        if _same_file(target, source) or target.name in {
                source.name + s for s in ("-wal", "-shm", "-journal")}:
            raise TrainlogError(say("msg.backup_itself", path=target))
        if not target.parent.is_dir():
            raise TrainlogError(say("msg.no_such_folder", path=target.parent))
        if target.exists() and not target.is_file():  # --force must not replace /dev/sdb
            raise TrainlogError(say("msg.backup_not_file", path=target))
        if target.exists() and not overwrite:
            raise TrainlogError(say("msg.exists_force", path=target))
        info = _copy_sqlite(source, target, self._open_sqlite)
        return {"database": str(source), "backup": str(target), **info}

    @contextmanager
    def connect(self, write: bool = False, dry_run: bool = False,
                require: bool = True) -> Iterator[Conn]:
        """A `trainlog.store.sql.Conn` in one transaction; a writing one takes the write lock up front
        and commits at the end, a reading one rolls back. With `dry_run` a writing one does every
        write and then rolls back: the one way a `--dry-run` works. With `require` False the
        schema is taken as it is, of whatever revision (`db check` reports it): nothing upgraded,
        nothing refused.

        On a SQLite file this is the standard library's sqlite3 with trainlog's pragmas, and
        SQLAlchemy is not imported at all (unless the schema needs an upgrade): the fast path of
        the commands people and cron run all day. On PostgreSQL with a current schema it is psycopg
        (`PgConn`), without SQLAlchemy either; elsewhere, or to upgrade an older schema, a
        SQLAlchemy connection.
        """
        if self.path is None:
            if not self.is_psycopg:
                yield from self._connect_alchemy(write, dry_run, require)
                return
            pg = self._open_pg(write, require)
            if pg is None:  # the schema is not current: SQLAlchemy's path upgrades or refuses
                yield from self._connect_alchemy(write, dry_run, require)
                return
            yield from self._pg_transaction(pg, write, dry_run)
            return
        import sqlite3

        from trainlog.store.sql import SqliteConn

        raw = self._open_sqlite(write)
        try:
            try:
                _sqlite_pragmas(raw, wal=write)
                if require and not self._checked:
                    current = _sqlite_revision(raw)
                    if current is None:
                        raise self.missing()
                    self._check_revision(current)
                # BEGIN: a snapshot for reading; BEGIN IMMEDIATE: the write lock now
                _begin_while_busy(lambda: raw.execute("BEGIN IMMEDIATE" if write else "BEGIN"))
            except sqlite3.DatabaseError as exc:
                raise self._driver_error(exc) or TrainlogError(
                    say("msg.cannot_open", where=self.display(), reason=exc)) from None
            committing, before = False, len(_COMMITTED)
            try:
                yield self._scoped(SqliteConn(raw), write)
                if write and not dry_run:
                    committing = True
                    raw.execute("COMMIT")
                    _COMMITTED.append(True)  # a C call: no Ctrl-C between it and the COMMIT
            except BaseException as exc:
                if (committing and not raw.in_transaction and len(_COMMITTED) == before
                        and not isinstance(exc, sqlite3.Error)):
                    _COMMITTED.append(True)  # the COMMIT ran; a Ctrl-C landed right after it
                elif raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            mapped = self._driver_error(exc)
            if mapped is None:
                raise
            raise mapped from None
        except UnicodeEncodeError as exc:
            raise _bad_text(exc) from None
        finally:
            raw.close()

    def _scoped(self, conn: Conn, write: bool) -> Conn:
        """`conn` working in this database's current office (found when first used)."""
        from trainlog.store.offices import current_office

        conn.find_office = lambda c: current_office(c, self.office, write)
        return conn

    def _connect_alchemy(self, write: bool, dry_run: bool, require: bool) -> Iterator[Conn]:
        """`connect` through SQLAlchemy: where the schema is to be upgraded or refused."""
        from trainlog.store.sql import AlchemyConn

        if require:
            self.require()
        try:
            with self._connect(write, commit=not dry_run) as conn:
                yield self._scoped(AlchemyConn(conn), write)
        except UnicodeEncodeError as exc:  # undecodable bytes of a command line, bound
            raise _bad_text(exc) from None

    def _open_pg(self, write: bool, require: bool) -> Any:
        """A psycopg connection in its transaction (the write lock taken when writing), the
        schema found current; None when it is not (or not there): SQLAlchemy's path says so."""
        import psycopg

        try:
            raw = psycopg.connect(**pg_conninfo(self.url))
            # psycopg's BEGIN says it: no round trip of its own
            raw.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        except psycopg.Error as exc:
            if is_busy(exc):
                raise _busy_error(self) from None
            raise TrainlogError(say("msg.cannot_open", where=self.display(),
                                    reason=self.scrub(exc))) from None
        except UnicodeEncodeError as exc:
            raise _bad_text(exc) from None
        try:
            if require and not self._checked:
                try:  # psycopg begins the transaction (READ COMMITTED) with this statement
                    row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
                except psycopg.errors.UndefinedTable:
                    row = None
                if row is None or row[0] != HEAD:
                    raw.close()
                    return None
                self._checked = True
            if write:
                # One writer at a time, like SQLite's write lock; readers are not blocked.
                raw.execute(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
                raw.execute(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
        except psycopg.Error as exc:
            raw.close()
            if is_busy(exc):
                raise _busy_error(self) from None
            raise TrainlogError(say("msg.cannot_open", where=self.display(),
                                    reason=self.scrub(exc))) from None
        except BaseException:
            raw.close()
            raise
        return raw

    def _pg_transaction(self, raw: Any, write: bool, dry_run: bool) -> Iterator[Conn]:
        """A PgConn over `raw` in its transaction: committed when writing (not a dry run),
        else rolled back."""
        import psycopg

        from trainlog.store.sql import PgConn

        committing, before = False, len(_COMMITTED)
        try:
            try:
                yield self._scoped(PgConn(raw), write)
                if write and not dry_run:
                    committing = True
                    raw.commit()
                    _COMMITTED.append(True)
            except KeyboardInterrupt:
                if (committing and len(_COMMITTED) == before
                        and raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE):
                    _COMMITTED.append(True)  # the COMMIT was answered; a Ctrl-C came after it
                raise
            finally:
                if not raw.closed:
                    raw.rollback()  # a read, a dry run, or an error: nothing kept
        except psycopg.Error as exc:
            mapped = self._driver_error(exc)
            if mapped is None:
                raise
            raise mapped from None
        except UnicodeEncodeError as exc:  # undecodable bytes of a command line, bound
            raise _bad_text(exc) from None
        finally:
            raw.close()

    def read_only(self) -> str | None:
        """Why this SQLite location can only be read (?mode=ro, a file or folder this user
        cannot write), or None."""
        from urllib.parse import parse_qsl

        path = self.path
        if path is None:
            return None
        query = dict(parse_qsl(self.url.partition("?")[2]))
        if query.get("mode") == "ro" or query.get("immutable") == "1":
            return say("msg.ro_mode")
        if path.exists() and not os.access(path, os.W_OK):
            return say("msg.ro_file")
        if path.parent.exists() and not os.access(path.parent, os.W_OK):
            return say("msg.ro_folder")
        return None

    def _read_only_error(self, why: str, what: str = "") -> TrainlogError:
        return TrainlogError(say("msg.read_only", where=self.display(), why=why, what=what))

    def _driver_error(self, exc: BaseException) -> TrainlogError | None:
        """A driver's error said as one line, without SQL or values; None for one that is not a
        property of the database (a bug: the CLI says it as an unexpected error)."""
        if is_busy(exc):
            return _busy_error(self)
        orig = getattr(exc, "orig", None) or exc
        name = getattr(orig, "sqlite_errorname", "") or ""
        state = _sqlstate(orig) or ""
        text = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
        where = self.display()
        if name.startswith("SQLITE_READONLY") or "readonly database" in text:
            return self._read_only_error(self.read_only() or say("msg.sqlite_no_write"))
        if state in ("42501", "25006"):  # insufficient_privilege, read_only_sql_transaction
            primary = getattr(getattr(orig, "diag", None), "message_primary", None) or text
            return TrainlogError(say("msg.role_read_only", where=where, reason=primary))
        if name == "SQLITE_FULL" or state == "53100" or "disk is full" in text:
            return TrainlogError(say("msg.disk_full", where=where))
        if name == "SQLITE_NOTADB" or "not a database" in text:
            return TrainlogError(say("msg.not_a_db", where=where, reason=text))
        if name == "SQLITE_CORRUPT" or "malformed" in text:
            self.mark_damaged(text)
            return TrainlogError(say("msg.damaged_db", where=where, reason=text))
        if name in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE"):
            return TrainlogError(say("msg.write_failed", where=where, reason=text))
        if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
            return TrainlogError(say("msg.io_error", where=where, reason=text))
        return None

    def damaged_marker(self) -> Path | None:
        """The file beside a SQLite database that says a command found it damaged: writes are
        refused while it is there (a write that misses the damaged pages would commit, into a
        file that is to be restored from a backup); `db check` removes it once all is well."""
        path = self.path
        return None if path is None else path.with_name(path.name + ".damaged")

    def mark_damaged(self, said: str) -> None:
        marker = self.damaged_marker()
        if marker is None:
            return
        from trainlog.store.sql import now

        try:  # best effort: a read-only folder keeps no marker
            with marker.open("a", encoding="utf-8") as f:
                f.write(f"{now().isoformat(timespec='seconds')} SQLite: {said}\n")
        except OSError:
            pass

    def _open_sqlite(self, write: bool = False) -> Any:
        """A sqlite3 connection to the file: read-write, or read-only where it is (and then,
        in a read-only folder where SQLite cannot make the -shm of a WAL file, as immutable:
        nobody can write beside it), writing refused up front."""
        import sqlite3

        path = self.path
        assert path is not None
        if not path.is_file():
            raise self.missing()
        why = self.read_only()
        if why and write:
            raise self._read_only_error(why)
        marker = self.damaged_marker()
        if write and marker is not None and marker.exists():
            raise TrainlogError(say("msg.marked_damaged", where=self.display(), marker=marker))
        uri = path.absolute().as_uri()
        try:
            # mode=rw: never create a file here; transactions are begun explicitly
            raw = sqlite3.connect(uri + ("?mode=ro" if why else "?mode=rw"), uri=True,
                                  timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            if why:
                try:
                    raw.execute("PRAGMA schema_version")
                except sqlite3.OperationalError as exc:
                    wal = Path(f"{path}-wal")
                    if getattr(exc, "sqlite_errorname", "") not in (
                            "SQLITE_READONLY_DIRECTORY", "SQLITE_CANTOPEN") \
                            or (wal.exists() and wal.stat().st_size):
                        raise
                    raw.close()  # no -wal with changes to miss: the file is the whole database
                    raw = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True,
                                          timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            return raw
        except sqlite3.Error as exc:
            raise self._driver_error(exc) or TrainlogError(
                say("msg.cannot_open", where=self.display(), reason=exc)) from None

    @contextmanager
    def _connect(self, write: bool = False, commit: bool = True,
                 migrate: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction (committed at the end when writing). One that
        may `migrate` the schema has SQLite's foreign keys off, as SQLite's way of rebuilding a
        table asks (the migrations check the keys themselves), and is not used again."""
        from sqlalchemy.exc import DBAPIError

        engine = self.engine.execution_options(trainlog_write=True) if write else self.engine
        if migrate:
            engine = engine.execution_options(trainlog_migrate=True)
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise self._driver_error(exc) or TrainlogError(say(
                "msg.cannot_open", where=self.display(), reason=self.scrub(exc.orig))) from None
        try:
            if write and commit:
                with conn.begin():
                    yield conn
                _COMMITTED.append(True)
            else:  # a read ends with a rollback: nothing to commit, nothing to fail at commit
                trans = conn.begin()
                try:
                    yield conn
                finally:
                    trans.rollback()
        except DBAPIError as exc:
            mapped = self._driver_error(exc)
            if mapped is not None:
                raise mapped from None
            if _unreadable(exc):
                raise TrainlogError(say("msg.cannot_open", where=self.display(),
                                        reason=self.scrub(exc.orig))) from None
            raise
        finally:
            if migrate:  # its foreign keys are off: never back in the pool
                conn.invalidate()
            conn.close()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


#: One item for each writing transaction this process committed.
_COMMITTED: list[bool] = []


def commits() -> int:
    """How many writing transactions this process has committed: a Ctrl-C after one of them
    must not say "nothing was written" (the CLI's interrupt handling)."""
    return len(_COMMITTED)


def retrying(call: Callable[[], T], attempts: int = WRITE_ATTEMPTS) -> T:
    """call(), run again when PostgreSQL aborted its transaction for a conflict and asks for that.

    The CLI runs each command through this: a command's writes are one transaction, rolled back
    whole by the conflict, so running the command again is the remedy PostgreSQL documents
    (serialization failure, deadlock). A conflict that persists becomes a clear message.
    """
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                raise DatabaseBusy(say("msg.conflicts", state=_sqlstate(getattr(exc, "orig", exc)),
                                       n=attempts)) from None
        import random  # only when the database is busy

        time.sleep(min(0.05 * 2 ** attempt, 2.0) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def _newer(db: Database, current: str) -> TrainlogError:
    if not (isinstance(current, str) and len(current) == 4 and current.isdigit()):
        return TrainlogError(say("msg.other_program", where=db.display(), current=repr(current)))
    return TrainlogError(say("msg.newer_schema", where=db.display(), current=repr(current),
                             head=HEAD))


def _unreadable(exc: Exception) -> bool:
    """A file that is not a SQLite database, or one that cannot be opened."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "not a database" in text or "unable to open" in text or "malformed" in text


def _begin_while_busy(begin: Callable[[], object], undo: Callable[[], object] = lambda: None,
                      ) -> None:
    """begin(), tried BEGIN_ATTEMPTS times while the database is busy (undo() between tries).

    Each try itself waits up to the busy timeout for another writer's lock.
    """
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        try:
            begin()
            return
        except Exception as exc:
            if not is_busy(exc) or attempt == BEGIN_ATTEMPTS:
                raise
            undo()
            import random

            time.sleep(random.uniform(0.05, 0.25))


def _bad_text(exc: UnicodeEncodeError) -> TrainlogError:
    bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
    return TrainlogError(say("msg.bad_text_value", bad=repr(bad)))


def _sqlite_revision(raw: Any) -> str | None:
    """alembic_version's row in a SQLite database (a sqlite3 connection); None without it."""
    if not raw.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'alembic_version'").fetchone():
        return None
    row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _read_revision(conn: Connection) -> str | None:
    """alembic_version's row, or None when there is no such table (no trainlog schema)."""
    if conn.dialect.name == "sqlite":
        return _sqlite_revision(conn.connection.driver_connection)
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(conn: Connection) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).get_table_names())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _copy_sqlite(source: Path, dest: Path,
                 open_source: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Copy a SQLite database with the backup API into `dest` (atomically), checked.

    The whole database is copied in one step: a single read transaction, a consistent snapshot
    that writers in WAL mode do not disturb (a step-wise copy would restart on every write).
    """
    import sqlite3

    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        src = open_source() if open_source is not None else sqlite3.connect(
            source.absolute().as_uri() + "?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                # A copy in one file: no -wal/-shm beside it, readable from read-only media.
                out.execute("PRAGMA journal_mode = DELETE")
                problems = [r[0] for r in out.execute("PRAGMA integrity_check")]
                revision = _sqlite_revision(out)
            finally:
                out.close()
        finally:
            src.close()
        if problems != ["ok"]:
            raise TrainlogError(say("msg.copy_failed_check", problems="; ".join(problems[:5])))
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        raise TrainlogError(say("msg.cannot_copy", source=source, dest=dest, reason=exc)) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise TrainlogError(say("msg.cannot_write", path=dest, reason=reason)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"bytes": dest.stat().st_size, "revision": revision, "integrity": "ok"}


def _make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        # READ COMMITTED whatever the server's default: writers queue on the lock below, and a
        # snapshot taken before the wait (REPEATABLE READ, SERIALIZABLE) would fail on the rows
        # the writer before it changed.
        # Text in UTF-8 whatever the database's encoding (a SQL_ASCII one would give bytes
        # instead of text); `db check` says when the database itself is not UTF8. No pre-ping:
        # a command's connections are new, and a ping is a round trip to the server per use.
        engine = create_engine(url, isolation_level="READ COMMITTED",
                               connect_args={"client_encoding": "UTF8"})

        @event.listens_for(engine, "begin")
        def _pg_begin(conn):  # type: ignore[no-untyped-def]
            if conn.get_execution_options().get("trainlog_write"):
                # One writer at a time, like SQLite's write lock; readers are not blocked.
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        return engine

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    memory = url in ("sqlite://", "sqlite:///:memory:")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Transactions are begun by the "begin" hook below, not by the driver.
        dbapi_conn.isolation_level = None
        _sqlite_pragmas(dbapi_conn, memory)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        options = conn.get_execution_options()
        if options.get("trainlog_migrate"):  # only outside a transaction does this take effect
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("trainlog_write") else "BEGIN")

    return engine


def _sqlite_pragmas(dbapi_conn: Any, memory: bool = False, wal: bool = True) -> None:
    """trainlog's settings of a new SQLite connection (through SQLAlchemy or sqlite3 directly);
    the file put in WAL mode when `wal` (a writing connection: a read never changes the file)."""
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    # WAL is a property of the file: set once (by init, or by the first write to a database
    # copied back from a backup), it stays. Only by a write to trainlog's own database: a read
    # changes no file (a checked backup keeps its checksum, read-only media stay readable), nor
    # an empty file or another program's database given as --db by mistake.
    if (wal and not memory and cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal"
            and cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                            "name IN ('alembic_version', 'training_session')").fetchone()[0]
            == 2):
        cur.execute("PRAGMA journal_mode = WAL")
    # The official record: a commit survives a power cut, not only a crash (one fsync each).
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _run_migrations(conn: Connection, first_office: tuple[str, str] | None = None) -> None:
    """Alembic upgrade to head on `conn` (in its transaction), from code: no alembic.ini.
    `first_office` (code, name) is the office a new database's records go in."""
    from alembic import command
    from alembic.config import Config

    from trainlog.store.sql import actor

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    config.attributes["first_office"] = first_office
    config.attributes["actor"] = actor()
    command.upgrade(config, "head")
