"""A PostgreSQL role's table privileges, made from its grants (`office_grant`): SELECT everywhere,
INSERT and UPDATE on the tables of records when one of its grants is not read-only, never DELETE,
never the audit role columns (the server sets those).

Made by `office grant` and `office revoke` (`trainlog.offices`), and again for every granted role
by `db upgrade` (`trainlog.store.database.Database.upgrade`): privileges name tables and columns,
so a role granted before an upgrade that added some would lack them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainlog.store.offices import PG_ADMIN

if TYPE_CHECKING:
    from trainlog.store.sql import Conn

#: Tables of records (trainlog.store.schema.RECORD_TABLES, not imported: it imports SQLModel).
RECORD_TABLES = ["branch", "cadre", "cadre_fact", "training_session", "attendance", "online_study",
                 "plan", "setting", "survey_answer", "survey_topic", "month_close", "change_log"]
#: Tables an office role may add to, never change: the log of changes.
APPEND_ONLY = ["change_log"]
#: The audit columns the server sets on PostgreSQL; no office role may write them.
SERVER_SET = ("created_role", "updated_role", "closed_role", "role")


def quoted(name: str) -> str:
    """A role's name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def make_privileges(conn: Conn, role: str) -> None:
    """The table privileges `role` needs for its grants (none left: none at all)."""
    who = quoted(role)
    grants = [bool(ro) for (ro,) in conn.all(
        "SELECT read_only FROM office_grant WHERE role = :role", {"role": role})]
    tables = ", ".join(["office", "office_grant", "alembic_version", *RECORD_TABLES])
    conn.run(f"REVOKE ALL ON {tables} FROM {who}")
    if not grants:
        return
    conn.run(f"GRANT USAGE ON SCHEMA {quoted(conn.scalar('SELECT current_schema()'))} TO {who}")
    conn.run(f"GRANT SELECT ON {tables} TO {who}")
    if all(grants):  # read-only everywhere
        return
    for table in RECORD_TABLES:
        columns = [c for (c,) in conn.all(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
            "AND table_schema = current_schema() ORDER BY ordinal_position", {"t": table})
            if c not in SERVER_SET]
        listed = ", ".join(columns)
        update = "" if table in APPEND_ONLY else f", UPDATE ({listed})"
        conn.run(f"GRANT INSERT ({listed}){update} ON {table} TO {who}")
    sequences = [s for (s,) in conn.all(
        "SELECT pg_get_serial_sequence(t, 'id') FROM unnest(CAST(:t AS text[])) AS t",
        {"t": [t for t in RECORD_TABLES if t not in ("setting", "month_close")]}) if s]
    conn.run(f"GRANT USAGE ON SEQUENCE {', '.join(sequences)} TO {who}")


def remake_all(conn: Conn) -> list[str]:
    """Every granted role's privileges made again (on PostgreSQL, by its administrator: else
    nothing); the roles, sorted. A role dropped from the server since its grant is left out."""
    if conn.dialect != "postgresql" or not conn.scalar(PG_ADMIN):
        return []
    roles = [r for (r,) in conn.all(
        "SELECT DISTINCT g.role FROM office_grant g JOIN pg_roles p ON p.rolname = g.role "
        "ORDER BY g.role")]
    for role in roles:
        make_privileges(conn, role)
    return roles
