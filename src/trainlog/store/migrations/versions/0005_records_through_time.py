"""Records through time: a cadre's facts that hold from a date, months that close, a log of changes.

`cadre_fact` holds a cadre's branch, unit, level, rank, top-leader, poverty-cadre, party-member and
active state with the dates they hold (`valid_from` through the day before `valid_to`); a database
of revision 0004 gets one row per cadre, its facts as stored holding for every date. `cadre` gains
`rank` (职级) and `id_number` (身份证号, unique within the office). `month_close` says through which
month an office's months are closed; `change_log` keeps every change. On PostgreSQL the new tables
have the row-level security of 0004; the log is append-only for office roles.

Revision ID: 0005
Revises: 0004
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NEW = ["cadre_fact", "month_close", "change_log"]


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.add_column("cadre", sa.Column("rank", sa.String(length=20), nullable=True))
    op.add_column("cadre", sa.Column("id_number", sa.String(length=18), nullable=True))
    op.create_index("uq_cadre_office_id_number", "cadre", ["office_id", "id_number"],
                    unique=True)
    op.create_table(
        "cadre_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("rank", sa.String(length=20), nullable=True),
        sa.Column("top_leader", sa.Boolean(), nullable=False),
        sa.Column("poverty_cadre", sa.Boolean(), nullable=False),
        sa.Column("party_member", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_role", sa.String(length=63), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name="fk_cadre_fact_office"),
        sa.ForeignKeyConstraint(["office_id", "cadre_id"], ["cadre.office_id", "cadre.id"],
                                name="fk_cadre_fact_cadre_id"),
        sa.ForeignKeyConstraint(["office_id", "branch_id"], ["branch.office_id", "branch.id"],
                                name="fk_cadre_fact_branch_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cadre_id", "valid_from", name="uq_cadre_fact_from"),
    )
    op.create_index("ix_cadre_fact_office", "cadre_fact",
                    ["office_id", "cadre_id", "valid_from", "valid_to"])
    op.create_table(
        "month_close",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("through", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_role", sa.String(length=63), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name="fk_month_close_office"),
        sa.PrimaryKeyConstraint("office_id"),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("role", sa.String(length=63), nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name="fk_change_log_office"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_log_office_at", "change_log", ["office_id", "at"])
    op.create_index("ix_change_log_office_key", "change_log", ["office_id", "kind", "key"])
    # Each cadre's facts as stored, for every date.
    bind.execute(sa.text(
        "INSERT INTO cadre_fact (office_id, cadre_id, valid_from, valid_to, branch_id, unit, "
        "level, rank, top_leader, poverty_cadre, party_member, active, created_at, created_by) "
        "SELECT office_id, id, :always, :forever, branch_id, unit, level, NULL, top_leader, "
        "poverty_cadre, party_member, active, created_at, created_by FROM cadre"),
        {"always": date.min if pg else date.min.isoformat(),
         "forever": date.max if pg else date.max.isoformat()})
    if pg:
        _secure()


def _secure() -> None:
    """Row-level security as 0004's for the new tables; office roles only add to the log."""
    readable = "office_id IN (SELECT trainlog_readable())"
    writable = "office_id IN (SELECT trainlog_writable())"
    op.execute("ALTER TABLE cadre_fact ALTER COLUMN created_role SET DEFAULT session_user")
    op.execute("CREATE TRIGGER cadre_fact_kept_role BEFORE UPDATE ON cadre_fact "
               "FOR EACH ROW EXECUTE FUNCTION trainlog_kept_role()")
    op.execute("ALTER TABLE change_log ALTER COLUMN role SET DEFAULT session_user")
    op.execute("""
CREATE FUNCTION trainlog_closed_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.closed_role := session_user;
  RETURN NEW;
END $$""")
    op.execute("CREATE TRIGGER month_close_role BEFORE INSERT OR UPDATE ON month_close "
               "FOR EACH ROW EXECUTE FUNCTION trainlog_closed_role()")
    for table in NEW:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({readable})")
        op.execute(f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({writable})")
        if table != "change_log":
            op.execute(f"CREATE POLICY {table}_update ON {table} FOR UPDATE "
                       f"USING ({writable}) WITH CHECK ({writable})")
            op.execute(f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({writable})")


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER month_close_role ON month_close")
        op.execute("DROP FUNCTION trainlog_closed_role()")
    op.drop_index("ix_change_log_office_key", table_name="change_log")
    op.drop_index("ix_change_log_office_at", table_name="change_log")
    op.drop_table("change_log")
    op.drop_table("month_close")
    op.drop_index("ix_cadre_fact_office", table_name="cadre_fact")
    op.drop_table("cadre_fact")
    op.drop_index("uq_cadre_office_id_number", table_name="cadre")
    with op.batch_alter_table("cadre") as b:
        b.drop_column("id_number")
        b.drop_column("rank")
