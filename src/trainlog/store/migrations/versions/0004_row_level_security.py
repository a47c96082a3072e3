"""PostgreSQL: row-level security, so the server itself keeps each office to its own records.

A role may read the records of the offices granted to it (`office grant`, the `office_grant`
table) and of every office below them; it may insert and change only those of the offices granted
to it without --read-only; no office role may delete (trainlog's own few deletes, a session's
attendees replaced and a setting unset, go through the functions below, which check the office).
The administrator, a role that owns the tables (or a superuser), reads and writes every office.
Every table of records has FORCE ROW LEVEL SECURITY, so its owner goes through the same policies
(which let it through). The database role of a write is recorded by the server: `created_role`
defaults to `session_user` (an office role has no privilege on it) and a trigger sets
`updated_role` on every UPDATE. On SQLite (one file, no roles) this revision changes nothing.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RECORDS = ["branch", "cadre", "training_session", "attendance", "online_study", "plan",
           "setting", "survey_answer", "survey_topic"]
ROLED = ["branch", "cadre", "training_session", "attendance", "online_study", "plan",
         "survey_answer"]
UPDATED = ["branch", "cadre", "training_session", "online_study", "plan", "survey_answer"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    path = f'SET search_path = "{schema}", pg_temp'
    op.execute(f"""
CREATE FUNCTION trainlog_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class
                                     WHERE oid = '"{schema}".office'::regclass), 'MEMBER')
      OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$""")
    op.execute(f"""
CREATE FUNCTION trainlog_readable() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  WITH RECURSIVE mine(id) AS (
    SELECT office_id FROM office_grant WHERE role = session_user
    UNION SELECT o.id FROM office o JOIN mine m ON o.parent_id = m.id)
  SELECT id FROM mine
  UNION ALL SELECT id FROM office WHERE trainlog_is_admin()
$$""")
    op.execute(f"""
CREATE FUNCTION trainlog_writable() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT office_id FROM office_grant WHERE role = session_user AND NOT read_only
  UNION ALL SELECT id FROM office WHERE trainlog_is_admin()
$$""")
    op.execute(f"""
CREATE FUNCTION trainlog_delete_attendance(p_session integer, p_cadre integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE n integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM training_session WHERE id = p_session
                 AND office_id IN (SELECT trainlog_writable())) THEN
    RAISE EXCEPTION 'no session % of an office this role may change', p_session
      USING ERRCODE = '42501';
  END IF;
  DELETE FROM attendance WHERE session_id = p_session AND (p_cadre IS NULL OR cadre_id = p_cadre);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$""")
    op.execute(f"""
CREATE FUNCTION trainlog_delete_setting(p_office integer, p_key text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE n integer;
BEGIN
  IF p_office NOT IN (SELECT trainlog_writable()) THEN
    RAISE EXCEPTION 'no office % this role may change', p_office USING ERRCODE = '42501';
  END IF;
  DELETE FROM setting WHERE office_id = p_office AND key = p_key;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$""")
    op.execute("""
CREATE FUNCTION trainlog_updated_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_role := OLD.created_role;
  NEW.updated_role := session_user;
  RETURN NEW;
END $$""")
    op.execute("""
CREATE FUNCTION trainlog_kept_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_role := OLD.created_role;
  RETURN NEW;
END $$""")
    readable = "office_id IN (SELECT trainlog_readable())"
    writable = "office_id IN (SELECT trainlog_writable())"
    for table in RECORDS:
        if table in ROLED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN created_role SET DEFAULT session_user")
        if table in UPDATED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN updated_role SET DEFAULT session_user")
            op.execute(f"CREATE TRIGGER {table}_updated_role BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION trainlog_updated_role()")
        elif table in ROLED:
            op.execute(f"CREATE TRIGGER {table}_kept_role BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION trainlog_kept_role()")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({readable})")
        op.execute(f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({writable})")
        op.execute(f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({writable}) "
                   f"WITH CHECK ({writable})")
        # Only the owner has the DELETE privilege (directly, or in the functions above).
        op.execute(f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({writable})")
    # The offices and grants: read as the policies say; changed by the administrator only (the
    # functions above read them as their owner, past these policies: no FORCE here).
    op.execute("ALTER TABLE office ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY office_read ON office FOR SELECT "
               "USING (id IN (SELECT trainlog_readable()))")
    op.execute("CREATE POLICY office_admin ON office USING (trainlog_is_admin()) "
               "WITH CHECK (trainlog_is_admin())")
    op.execute("ALTER TABLE office_grant ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY office_grant_read ON office_grant FOR SELECT "
               "USING (role = session_user OR trainlog_is_admin())")
    op.execute("CREATE POLICY office_grant_admin ON office_grant USING (trainlog_is_admin()) "
               "WITH CHECK (trainlog_is_admin())")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in [*RECORDS, "office", "office_grant"]:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in RECORDS:
        for policy in ("read", "insert", "update", "delete"):
            op.execute(f"DROP POLICY {table}_{policy} ON {table}")
        if table in UPDATED:
            op.execute(f"DROP TRIGGER {table}_updated_role ON {table}")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN updated_role DROP DEFAULT")
        elif table in ROLED:
            op.execute(f"DROP TRIGGER {table}_kept_role ON {table}")
        if table in ROLED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN created_role DROP DEFAULT")
    for policy in ("office_read", "office_admin"):
        op.execute(f"DROP POLICY {policy} ON office")
    for policy in ("office_grant_read", "office_grant_admin"):
        op.execute(f"DROP POLICY {policy} ON office_grant")
    for function in ("trainlog_updated_role()", "trainlog_kept_role()",
                     "trainlog_delete_setting(integer, text)",
                     "trainlog_delete_attendance(integer, integer)", "trainlog_writable()",
                     "trainlog_readable()", "trainlog_is_admin()"):
        op.execute(f"DROP FUNCTION {function}")
