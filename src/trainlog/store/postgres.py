"""What differs on a PostgreSQL server: backups with pg_dump, and the server's own checks.

SQLite's file copy and PRAGMA checks have no meaning on a server; these take their place. The
password never reaches a command line (pg_dump gets it in its environment) nor any message.

Nothing of trainlog.store.database or trainlog.store.checks is imported here (they import this):
the backup takes any object with the few methods of a Database, and each check answers
(ok, detail) for the runner in trainlog.store.checks to name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from trainlog.errors import NoDatabase, TrainlogError
from trainlog.store.schema_keys import DECLARED
from trainlog.vocab import say

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from trainlog.store.sql import Conn

#: A check's outcome: whether it passed, and what it found.
Outcome = tuple[bool, str]


class Database(Protocol):
    """What a backup needs of a trainlog.store.database.Database."""

    url: str

    def exists(self) -> bool: ...

    def display(self) -> str: ...

    def revision(self) -> str | None: ...

    def scrub(self, text: object) -> str: ...


#: libpq's environment variables for the URL's parts and the query options trainlog passes on.
_LIBPQ_ENV = {
    "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "dbname": "PGDATABASE",
    "password": "PGPASSWORD", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME", "options": "PGOPTIONS", "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}

def libpq_env(url: URL) -> dict[str, str]:
    """PG* environment variables that point libpq's tools at the URL's database."""
    parts: dict[str, Any] = {"host": url.host, "port": url.port, "user": url.username,
                             "dbname": url.database, "password": url.password}
    for key, value in url.query.items():
        if key in _LIBPQ_ENV:
            parts[key] = value[-1] if isinstance(value, tuple) else value
    return {_LIBPQ_ENV[k]: str(v) for k, v in parts.items() if v not in (None, "")}


def backup(db: Database, dest: str | Path, overwrite: bool = False) -> dict[str, Any]:
    """pg_dump --format=custom of the database into DEST (or DEST/DBNAME.dump), read back whole.

    The archive is written next to DEST and renamed into place once pg_restore has read every
    byte of it back, so DEST is never a half-written file. pg_dump takes one snapshot: writers
    go on meanwhile, and the copy holds the commits made before it began.
    """
    from sqlalchemy.engine import make_url

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise TrainlogError(say("msg.how_to_backup"))
    if not db.exists():
        raise NoDatabase(say("msg.no_database_init", where=db.display()))
    url = make_url(db.url)
    target = Path(dest).expanduser()
    if target.is_dir():
        target = target / f"{url.database or 'trainlog'}.dump"
    target = target.absolute()
    if not target.parent.is_dir():
        raise TrainlogError(say("msg.no_such_folder", path=target.parent))
    if target.exists() and not overwrite:
        raise TrainlogError(say("msg.exists_force", path=target))
    env = {**os.environ, **libpq_env(url)}
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        _run(db, [pg_dump, "--format=custom", "--no-password", f"--file={tmp}"], env)
        pg_restore = shutil.which("pg_restore", path=os.path.dirname(pg_dump)) or \
            shutil.which("pg_restore")
        if pg_restore is not None:  # reads the whole archive back: every table's data too
            _run(db, [pg_restore, "--file=/dev/null", str(tmp)], env)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise TrainlogError(say("msg.cannot_write", path=target,
                                reason=exc.strerror or exc)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"database": db.display(), "backup": str(target), "bytes": target.stat().st_size,
            "revision": db.revision(), "integrity": "ok" if pg_restore else "not read back",
            "format": "pg_dump custom"}


def _run(db: Database, cmd: list[str], env: dict[str, str]) -> None:
    tool = Path(cmd[0]).name
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=24 * 3600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise TrainlogError(say("msg.cannot_run", tool=tool, reason=db.scrub(exc))) from None
    if done.returncode != 0:
        said = " ".join(db.scrub(done.stderr).split()) or say("msg.exit_status",
                                                              n=done.returncode)
        raise TrainlogError(say("msg.dump_failed", tool=tool, where=db.display(), said=said))


def _tables() -> list[str]:
    return list(DECLARED)


#: The trainlog tables of the current schema, for the catalog queries below.
_OURS = ("SELECT oid FROM pg_class WHERE relname = ANY (:t) "
         "AND relnamespace = current_schema()::regnamespace")


def server_check(conn: Conn) -> Outcome:
    """The server's version and the database's encoding (UTF8, for Chinese names)."""
    version = conn.scalar("SHOW server_version")
    encoding = conn.scalar("SELECT pg_encoding_to_char(encoding) FROM pg_database "
                           "WHERE datname = current_database()")
    if encoding != "UTF8":
        return False, say("msg.check_encoding", version=version, encoding=encoding)
    return True, say("msg.check_server", version=version)


def constraints_check(conn: Conn) -> Outcome:
    """Every key the schema declares is there and enforced (PostgreSQL's foreign_key_check).

    A constraint dropped, added NOT VALID, or whose triggers were disabled would let rows in
    that break it; this says which. What the schema declares is trainlog.store.schema_keys
    (generated from the models, which are not imported here), what the database has from its
    catalog.
    """
    names = list(_tables())
    #: (table, p/f/u) -> {(columns, referred table or None)}
    have: dict[tuple[str, str], set[tuple[tuple[str, ...], str | None]]] = {}
    for table, kind, cols, referred in conn.all(
            "SELECT t.relname, c.contype, ARRAY(SELECT a.attname::text FROM pg_attribute a "
            "WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)), r.relname "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "LEFT JOIN pg_class r ON r.oid = c.confrelid "
            f"WHERE c.contype IN ('p', 'f', 'u') AND t.oid IN ({_OURS})", {"t": names}):
        have.setdefault((table, kind), set()).add((tuple(sorted(cols)), referred))
    found: list[str] = []
    declared = 0
    for name in names:
        keys = DECLARED[name]
        if (keys.primary, None) not in have.get((name, "p"), set()):
            found.append(say("msg.check_no_pk", table=name, cols=", ".join(keys.primary)))
        for cols, referred in keys.foreign:
            declared += 1
            if (cols, referred) not in have.get((name, "f"), set()):
                found.append(say("msg.check_no_fk", table=name, cols=", ".join(cols),
                                 referred=referred))
        for cols in keys.unique:
            declared += 1
            if (cols, None) not in have.get((name, "u"), set()):
                found.append(say("msg.check_no_unique", table=name, cols=", ".join(cols)))
    invalid = conn.all(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        f"WHERE c.conrelid IN ({_OURS}) AND NOT c.convalidated ORDER BY 1, 2", {"t": names})
    found += [say("msg.check_not_valid", table=t, name=c) for t, c in invalid]
    disabled = conn.all(
        "SELECT DISTINCT t.tgrelid::regclass::text FROM pg_trigger t "
        "JOIN pg_constraint c ON c.oid = t.tgconstraint "
        f"WHERE t.tgisinternal AND t.tgenabled = 'D' AND t.tgrelid IN ({_OURS}) ORDER BY 1",
        {"t": names})
    found += [say("msg.check_not_enforced", table=t) for (t,) in disabled]
    if found:
        return False, say("frame.join").join(found)
    return True, say("msg.check_constraints_fine", n=declared)


def indexes_check(conn: Conn) -> Outcome:
    """Every index is valid (a failed CREATE INDEX CONCURRENTLY leaves an invalid one); B-tree
    indexes are verified against their tables with amcheck when the extension is installed."""
    rows = conn.all(
        "SELECT i.indexrelid::regclass::text, i.indisvalid AND i.indisready, am.amname "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = "
        f"c.relam WHERE i.indrelid IN ({_OURS}) ORDER BY 1", {"t": list(_tables())})
    invalid = [name for name, ok, _ in rows if not ok]
    if invalid:
        return False, say("msg.check_invalid_index", names=", ".join(invalid))
    if conn.first("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'") is None:
        return True, say("msg.check_indexes_fine", n=len(rows))
    for name, _, method in rows:
        if method == "btree":
            conn.all("SELECT bt_index_check(CAST(:i AS regclass), true)", {"i": name})
    return True, say("msg.check_indexes_verified", n=len(rows))


#: The checks `db check` runs on PostgreSQL in place of SQLite's integrity and foreign_key checks.
CHECKS = [("server", server_check), ("constraints", constraints_check),
          ("indexes", indexes_check)]
