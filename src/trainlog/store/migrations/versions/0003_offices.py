"""Offices: every record owned by an office, codes and refs unique within it.

An `office` table (with a parent: district under city under province) and `office_grant` (a
PostgreSQL role's access to an office, read by row-level security). Every table of records gets
`office_id`; a database of revision 0002 has all its records put into one office, `main`
(本单位), which `office add`/`init` documentation tells how to rename. The unique keys become
unique within the office, the foreign keys between records include the office (so a record can
refer only to a record of its own office), and the report indexes lead with the office. The
audit columns gain the database role (`created_role`, `updated_role`), which on PostgreSQL the
server sets (see 0004's row-level security).

Revision ID: 0003
Revises: 0002
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The office a database of the first version is put in.
FIRST_OFFICE = ("main", "本单位")
#: Names SQLite's reflection gives the unnamed constraints of 0001, so batch mode can drop them.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
RECORDS = ["branch", "cadre", "training_session", "attendance", "online_study", "plan",
           "survey_answer", "survey_topic"]
AUDITED = ["branch", "cadre", "training_session", "online_study", "plan", "survey_answer"]


def _names(pg: bool) -> dict[str, str]:
    """0001's unnamed constraints as each backend named them."""
    keys = {
        "branch.code": ("branch_code_key", "uq_branch_code"),
        "cadre.code": ("cadre_code_key", "uq_cadre_code"),
        "training_session.ref": ("training_session_ref_key", "uq_training_session_ref"),
        "cadre.branch_id": ("cadre_branch_id_fkey", "fk_cadre_branch_id_branch"),
        "training_session.branch_id": ("training_session_branch_id_fkey",
                                       "fk_training_session_branch_id_branch"),
        "attendance.session_id": ("attendance_session_id_fkey",
                                  "fk_attendance_session_id_training_session"),
        "attendance.cadre_id": ("attendance_cadre_id_fkey", "fk_attendance_cadre_id_cadre"),
        "online_study.cadre_id": ("online_study_cadre_id_fkey", "fk_online_study_cadre_id_cadre"),
        "survey_answer.cadre_id": ("survey_answer_cadre_id_fkey",
                                   "fk_survey_answer_cadre_id_cadre"),
        "survey_topic.survey_id": ("survey_topic_survey_id_fkey",
                                   "fk_survey_topic_survey_id_survey_answer"),
    }
    return {k: v[0] if pg else v[1] for k, v in keys.items()}


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    names = _names(pg)
    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["office.id"], name="fk_office_parent_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_office_code"),
    )
    op.create_index("ix_office_parent_id", "office", ["parent_id"], unique=False)
    op.create_table(
        "office_grant",
        sa.Column("role", sa.String(length=63), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("granted_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name="fk_office_grant_office_id"),
        sa.PrimaryKeyConstraint("role", "office_id"),
    )
    # The one office every record is put in: the first office `trainlog init` was given
    # (--office, --office-name) for a new database, else `main` (本单位) for an upgraded one.
    from alembic import context

    code, name = context.config.attributes.get("first_office") or FIRST_OFFICE
    at = datetime.now(UTC).replace(microsecond=0)
    bind.execute(sa.text("INSERT INTO office (id, code, name, created_at, created_by) "
                         "VALUES (1, :code, :name, :at, :by)"),
                 {"code": code, "name": name,
                  "at": at if pg else at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                  "by": context.config.attributes.get("actor", "trainlog")})
    if pg:  # the next office gets id 2
        op.execute("SELECT setval(pg_get_serial_sequence('office', 'id'), 1)")
    for table in RECORDS:
        # every record of a database of the first version is the one office's
        op.add_column(table, sa.Column("office_id", sa.Integer(), nullable=False,
                                       server_default="1"))
        if table in AUDITED or table == "attendance":
            op.add_column(table, sa.Column("created_role", sa.String(length=63), nullable=True))
        if table in AUDITED:
            op.add_column(table, sa.Column("updated_role", sa.String(length=63), nullable=True))

    def owned(batch, table: str) -> None:  # type: ignore[no-untyped-def]
        # no default office from here on: every write names its office
        batch.alter_column("office_id", server_default=None, existing_type=sa.Integer(),
                           existing_nullable=False)
        batch.create_foreign_key(f"fk_{table}_office", "office", ["office_id"], ["id"])

    def batch(table: str):  # type: ignore[no-untyped-def]
        return op.batch_alter_table(table, recreate="auto", naming_convention=NAMING)

    with batch("branch") as b:
        owned(b, "branch")
        b.drop_constraint(names["branch.code"], type_="unique")
        b.drop_index("ix_branch_township")
        b.create_unique_constraint("uq_branch_office_code", ["office_id", "code"])
        b.create_unique_constraint("uq_branch_office_id", ["office_id", "id"])
        b.create_index("ix_branch_office_township", ["office_id", "township"])
    with batch("cadre") as b:
        owned(b, "cadre")
        b.drop_constraint(names["cadre.code"], type_="unique")
        b.drop_constraint(names["cadre.branch_id"], type_="foreignkey")
        b.create_unique_constraint("uq_cadre_office_code", ["office_id", "code"])
        b.create_unique_constraint("uq_cadre_office_id", ["office_id", "id"])
        b.create_foreign_key("fk_cadre_branch_id", "branch", ["office_id", "branch_id"],
                             ["office_id", "id"])
    with batch("training_session") as b:
        owned(b, "training_session")
        b.drop_constraint(names["training_session.ref"], type_="unique")
        b.drop_constraint(names["training_session.branch_id"], type_="foreignkey")
        b.drop_index("ix_session_date_track")
        b.drop_index("ix_session_track_date")
        b.create_unique_constraint("uq_session_office_ref", ["office_id", "ref"])
        b.create_unique_constraint("uq_training_session_office_id", ["office_id", "id"])
        b.create_foreign_key("fk_training_session_branch_id", "branch",
                             ["office_id", "branch_id"], ["office_id", "id"])
        b.create_index("ix_session_date_track", ["office_id", "date", "track", "void"])
        b.create_index("ix_session_track_date", ["office_id", "track", "date"])
    with batch("attendance") as b:
        owned(b, "attendance")
        b.drop_constraint(names["attendance.session_id"], type_="foreignkey")
        b.drop_constraint(names["attendance.cadre_id"], type_="foreignkey")
        b.create_foreign_key("fk_attendance_session_id", "training_session",
                             ["office_id", "session_id"], ["office_id", "id"])
        b.create_foreign_key("fk_attendance_cadre_id", "cadre", ["office_id", "cadre_id"],
                             ["office_id", "id"])
    with batch("online_study") as b:
        owned(b, "online_study")
        b.drop_constraint(names["online_study.cadre_id"], type_="foreignkey")
        b.drop_index("ix_study_month")
        b.create_foreign_key("fk_online_study_cadre_id", "cadre", ["office_id", "cadre_id"],
                             ["office_id", "id"])
        b.create_index("ix_study_month", ["office_id", "month", "platform"])
    with batch("plan") as b:
        owned(b, "plan")
        b.drop_constraint("uq_plan_year_scope", type_="unique")
        b.create_unique_constraint("uq_plan_year_scope", ["office_id", "year", "scope"])
    with batch("survey_answer") as b:
        owned(b, "survey_answer")
        b.drop_constraint(names["survey_answer.cadre_id"], type_="foreignkey")
        b.drop_index("ix_survey_answer_date")
        b.create_unique_constraint("uq_survey_answer_office_id", ["office_id", "id"])
        b.create_foreign_key("fk_survey_answer_cadre_id", "cadre", ["office_id", "cadre_id"],
                             ["office_id", "id"])
        b.create_index("ix_survey_answer_date", ["office_id", "date"])
    with batch("survey_topic") as b:
        owned(b, "survey_topic")
        b.drop_constraint(names["survey_topic.survey_id"], type_="foreignkey")
        b.create_foreign_key("fk_survey_topic_survey_id", "survey_answer",
                             ["office_id", "survey_id"], ["office_id", "id"])
    # setting: its key becomes (office_id, key)
    op.create_table(
        "setting_0003",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name="fk_setting_office"),
        sa.PrimaryKeyConstraint("office_id", "key", name="pk_setting"),
    )
    op.execute("INSERT INTO setting_0003 (office_id, key, value) SELECT 1, key, value FROM setting")
    op.drop_table("setting")
    op.rename_table("setting_0003", "setting")
    _keys_hold(bind)


def _keys_hold(bind) -> None:  # type: ignore[no-untyped-def]
    """SQLite rebuilds tables with its foreign keys off (trainlog.store.database): check them."""
    if bind.dialect.name == "sqlite":
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def downgrade() -> None:
    """Back to one database of one office's records (refused when it holds several offices)."""
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    if bind.execute(sa.text("SELECT count(*) FROM office")).scalar() > 1:
        raise RuntimeError("the database holds several offices' records; revision 0002 holds "
                           "one office's only")
    names = _names(pg)

    def batch(table: str):  # type: ignore[no-untyped-def]
        return op.batch_alter_table(table, recreate="auto")

    op.create_table(
        "setting_0002",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute("INSERT INTO setting_0002 (key, value) SELECT key, value FROM setting")
    op.drop_table("setting")
    op.rename_table("setting_0002", "setting")
    if pg:
        op.execute("ALTER TABLE setting RENAME CONSTRAINT setting_0002_pkey TO setting_pkey")
    with batch("survey_topic") as b:
        b.drop_constraint("fk_survey_topic_survey_id", type_="foreignkey")
        b.create_foreign_key(names["survey_topic.survey_id"], "survey_answer", ["survey_id"],
                             ["id"])
    with batch("survey_answer") as b:
        b.drop_constraint("fk_survey_answer_cadre_id", type_="foreignkey")
        b.drop_constraint("uq_survey_answer_office_id", type_="unique")
        b.drop_index("ix_survey_answer_date")
        b.create_foreign_key(names["survey_answer.cadre_id"], "cadre", ["cadre_id"], ["id"])
        b.create_index("ix_survey_answer_date", ["date"])
    with batch("plan") as b:
        b.drop_constraint("uq_plan_year_scope", type_="unique")
        b.create_unique_constraint("uq_plan_year_scope", ["year", "scope"])
    with batch("online_study") as b:
        b.drop_constraint("fk_online_study_cadre_id", type_="foreignkey")
        b.drop_index("ix_study_month")
        b.create_foreign_key(names["online_study.cadre_id"], "cadre", ["cadre_id"], ["id"])
        b.create_index("ix_study_month", ["month", "platform"])
    with batch("attendance") as b:
        b.drop_constraint("fk_attendance_session_id", type_="foreignkey")
        b.drop_constraint("fk_attendance_cadre_id", type_="foreignkey")
        b.create_foreign_key(names["attendance.session_id"], "training_session", ["session_id"],
                             ["id"])
        b.create_foreign_key(names["attendance.cadre_id"], "cadre", ["cadre_id"], ["id"])
    with batch("training_session") as b:
        b.drop_constraint("fk_training_session_branch_id", type_="foreignkey")
        b.drop_constraint("uq_session_office_ref", type_="unique")
        b.drop_constraint("uq_training_session_office_id", type_="unique")
        b.drop_index("ix_session_date_track")
        b.drop_index("ix_session_track_date")
        b.create_unique_constraint(names["training_session.ref"], ["ref"])
        b.create_foreign_key(names["training_session.branch_id"], "branch", ["branch_id"], ["id"])
        b.create_index("ix_session_date_track", ["date", "track", "void"])
        b.create_index("ix_session_track_date", ["track", "date"])
    with batch("cadre") as b:
        b.drop_constraint("fk_cadre_branch_id", type_="foreignkey")
        b.drop_constraint("uq_cadre_office_code", type_="unique")
        b.drop_constraint("uq_cadre_office_id", type_="unique")
        b.create_unique_constraint(names["cadre.code"], ["code"])
        b.create_foreign_key(names["cadre.branch_id"], "branch", ["branch_id"], ["id"])
    with batch("branch") as b:
        b.drop_constraint("uq_branch_office_code", type_="unique")
        b.drop_constraint("uq_branch_office_id", type_="unique")
        b.drop_index("ix_branch_office_township")
        b.create_unique_constraint(names["branch.code"], ["code"])
        b.create_index("ix_branch_township", ["township"])
    for table in RECORDS:
        with batch(table) as b:
            b.drop_constraint(f"fk_{table}_office", type_="foreignkey")
            b.drop_column("office_id")
            if table in AUDITED or table == "attendance":
                b.drop_column("created_role")
            if table in AUDITED:
                b.drop_column("updated_role")
    op.drop_table("office_grant")
    op.drop_index("ix_office_parent_id", table_name="office")
    op.drop_table("office")
    _keys_hold(bind)
