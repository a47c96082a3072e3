"""Indexes for the reports: attendance covered by (session, cadre, hours); sessions by track, date.

Every report joins the sessions of a period to their attendance and counts person-times, distinct
cadres and hours. With (session_id, cadre_id, hours) the attendance side of that join is read from
the index alone, never from the table. Coverage and `--track` reports pick one track's sessions
of a period: (track, date) finds them without scanning the other tracks.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attendance_session_cover", "attendance",
                    ["session_id", "cadre_id", "hours"], unique=False)
    op.create_index("ix_session_track_date", "training_session", ["track", "date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_session_track_date", table_name="training_session")
    op.drop_index("ix_attendance_session_cover", table_name="attendance")
