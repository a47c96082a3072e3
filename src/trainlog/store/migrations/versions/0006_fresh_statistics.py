"""Fresh statistics after a bulk import, for every role (PostgreSQL).

PostgreSQL plans a query from its statistics of the tables, which autovacuum refreshes some time
after a bulk load; until then a report planned on the statistics of an empty table can take many
times as long (`compliance --month` after the first study import: 0.9 s instead of 0.2 s, the
Excel export 7 s instead of 1 s, at a district's size). An import therefore runs ANALYZE on the
tables it filled, in its transaction. Only a table's owner may: `trainlog_analyze` (SECURITY
DEFINER, like the functions of 0004) lets an office role do it for trainlog's tables of records
and nothing else. SQLite needs none of this (nothing is added to a SQLite file).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: the tables an import fills (trainlog.store.privileges.RECORD_TABLES, less the small ones)
ANALYZED = ["branch", "cadre", "cadre_fact", "training_session", "attendance", "online_study",
            "survey_answer", "survey_topic", "change_log"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    allowed = ", ".join(f"'{t}'" for t in ANALYZED)
    op.execute(f"""
CREATE FUNCTION trainlog_analyze(p_tables text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
DECLARE t text; n integer := 0;
BEGIN
  FOREACH t IN ARRAY p_tables LOOP
    IF t = ANY (ARRAY[{allowed}]) THEN
      EXECUTE format('ANALYZE %I', t);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION trainlog_analyze(text[])")
