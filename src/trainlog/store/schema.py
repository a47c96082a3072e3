"""The SQLModel tables. The schema itself is created and changed only by the Alembic migrations.

Every record belongs to an office (`office_id`); codes and refs are unique within it. A record
refers to another of its own office only: the foreign keys between records include `office_id`
(against a unique (office_id, id) of the table referred to), so the server itself refuses an
attendance of one office's cadre at another office's session.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKeyConstraint, Index, Text, UniqueConstraint
from sqlalchemy import Date as SADate
from sqlmodel import Field, SQLModel


class Audited(SQLModel):
    """When a record was created and last changed, and by whom: the user (TRAINLOG_USER or the
    OS user) and, on PostgreSQL, the database role (set by the server, `session_user`)."""

    created_at: dt.datetime | None = Field(default=None)
    created_by: str | None = Field(default=None, max_length=100)
    updated_at: dt.datetime | None = Field(default=None)
    updated_by: str | None = Field(default=None, max_length=100)
    created_role: str | None = Field(default=None, max_length=63)
    updated_role: str | None = Field(default=None, max_length=63)


class Office(SQLModel, table=True):
    """An Organization Department: a district's or county's, or a city's or province's above
    them (`parent_id`)."""

    __tablename__ = "office"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    created_at: dt.datetime | None = Field(default=None)
    created_by: str | None = Field(default=None, max_length=100)


class OfficeGrant(SQLModel, table=True):
    """A PostgreSQL role's access to an office's records (`office grant`); row-level security
    reads it."""

    __tablename__ = "office_grant"

    role: str = Field(primary_key=True, max_length=63)
    office_id: int = Field(primary_key=True, foreign_key="office.id")
    read_only: bool = False
    granted_at: dt.datetime | None = Field(default=None)
    granted_by: str | None = Field(default=None, max_length=100)


def _owned(table: str, *refs: tuple[str, str]) -> tuple:
    """office_id's unique (office_id, id) pair, and each (column, table) reference as a foreign
    key within the office."""
    return (UniqueConstraint("office_id", "id", name=f"uq_{table}_office_id"),
            *(ForeignKeyConstraint(["office_id", column], [f"{other}.office_id", f"{other}.id"],
                                   name=f"fk_{table}_{column}") for column, other in refs))


class Branch(Audited, table=True):
    __tablename__ = "branch"
    __table_args__ = (*_owned("branch"),
                      UniqueConstraint("office_id", "code", name="uq_branch_office_code"),
                      Index("ix_branch_office_township", "office_id", "township"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)
    township: str | None = Field(default=None, max_length=100)
    active: bool = True


class Cadre(Audited, table=True):
    __tablename__ = "cadre"
    __table_args__ = (*_owned("cadre", ("branch_id", "branch")),
                      UniqueConstraint("office_id", "code", name="uq_cadre_office_code"),
                      Index("uq_cadre_office_id_number", "office_id", "id_number", unique=True),
                      Index("ix_cadre_branch_id", "branch_id"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    code: str = Field(max_length=50)
    name: str = Field(max_length=100)
    unit: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=20)
    branch_id: int | None = None
    top_leader: bool = False
    poverty_cadre: bool = False
    party_member: bool = True
    registered_on: dt.date | None = Field(default=None, sa_column=Column(SADate, nullable=True))
    active: bool = True
    #: 职级 (county, section, staff, village); like branch…active, the latest of `cadre_fact`
    rank: str | None = Field(default=None, max_length=20)
    #: 身份证号, unique within the office; shown masked
    id_number: str | None = Field(default=None, max_length=18)


class CadreFact(SQLModel, table=True):
    """A cadre's facts that hold from a date: `valid_from` through the day before `valid_to`.

    A cadre's rows cover every date without overlap (the first from `ALWAYS`, the last to
    `FOREVER`, trainlog.dates); the columns branch…active of `cadre` repeat the last row's, for listings.
    """

    __tablename__ = "cadre_fact"
    __table_args__ = (
        ForeignKeyConstraint(["office_id", "cadre_id"], ["cadre.office_id", "cadre.id"],
                             name="fk_cadre_fact_cadre_id"),
        ForeignKeyConstraint(["office_id", "branch_id"], ["branch.office_id", "branch.id"],
                             name="fk_cadre_fact_branch_id"),
        UniqueConstraint("cadre_id", "valid_from", name="uq_cadre_fact_from"),
        Index("ix_cadre_fact_office", "office_id", "cadre_id", "valid_from", "valid_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    cadre_id: int
    valid_from: dt.date = Field(sa_column=Column(SADate, nullable=False))
    valid_to: dt.date = Field(sa_column=Column(SADate, nullable=False))
    branch_id: int | None = None
    unit: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=20)
    rank: str | None = Field(default=None, max_length=20)
    top_leader: bool = False
    poverty_cadre: bool = False
    party_member: bool = True
    active: bool = True
    #: why the facts changed on `valid_from` (a deactivation's reason)
    reason: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime | None = None
    created_by: str | None = Field(default=None, max_length=100)
    created_role: str | None = Field(default=None, max_length=63)


class MonthClose(SQLModel, table=True):
    """The months of an office that are closed: every month through `through` (its first day;
    none when NULL, after a reopen of the first)."""

    __tablename__ = "month_close"

    office_id: int = Field(primary_key=True, foreign_key="office.id")
    through: dt.date | None = Field(default=None, sa_column=Column(SADate, nullable=True))
    closed_at: dt.datetime | None = None
    closed_by: str | None = Field(default=None, max_length=100)
    closed_role: str | None = Field(default=None, max_length=63)


class ChangeLog(SQLModel, table=True):
    """One change of the records, written in the transaction of the change."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_office_at", "office_id", "at"),
                      Index("ix_change_log_office_key", "office_id", "kind", "key"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    at: dt.datetime
    #: the database role (PostgreSQL's session_user; empty on SQLite) and TRAINLOG_USER
    role: str | None = Field(default=None, max_length=63)
    user_name: str | None = Field(default=None, max_length=100)
    #: cadre, branch, session, study, plan, month, office
    kind: str = Field(max_length=20)
    #: the code, ref (or id) or month the change is of
    key: str = Field(max_length=200)
    #: create, update, void, deactivate, close, reopen
    action: str = Field(max_length=20)
    #: JSON: {field: [before, after]}
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class TrainingSession(Audited, table=True):
    __tablename__ = "training_session"
    __table_args__ = (*_owned("training_session", ("branch_id", "branch")),
                      UniqueConstraint("office_id", "ref", name="uq_session_office_ref"),
                      Index("ix_session_date_track", "office_id", "date", "track", "void"),
                      Index("ix_session_track_date", "office_id", "track", "date"),
                      Index("ix_training_session_branch_id", "branch_id"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    ref: str | None = Field(default=None, max_length=100)
    date: dt.date = Field(sa_column=Column(SADate, nullable=False))
    track: str = Field(max_length=20)
    kind: str | None = Field(default=None, max_length=20)
    topic: str | None = Field(default=None, max_length=40)
    title: str = Field(max_length=300)
    hours: float = 0.0
    branch_id: int | None = None
    headcount: int = 0
    #: named attendances, kept with the session so listings need no join
    attendee_count: int = 0
    void: bool = False
    void_reason: str | None = Field(default=None, max_length=500)
    voided_at: dt.datetime | None = None
    voided_by: str | None = Field(default=None, max_length=100)


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (
        ForeignKeyConstraint(["office_id", "session_id"],
                             ["training_session.office_id", "training_session.id"],
                             name="fk_attendance_session_id"),
        ForeignKeyConstraint(["office_id", "cadre_id"], ["cadre.office_id", "cadre.id"],
                             name="fk_attendance_cadre_id"),
        UniqueConstraint("session_id", "cadre_id", name="uq_attendance_session_cadre"),
        Index("ix_attendance_cadre", "cadre_id"),
        Index("ix_attendance_session_cover", "session_id", "cadre_id", "hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    session_id: int
    cadre_id: int
    hours: float = 0.0
    created_at: dt.datetime | None = None
    created_by: str | None = Field(default=None, max_length=100)
    created_role: str | None = Field(default=None, max_length=63)


class OnlineStudy(Audited, table=True):
    __tablename__ = "online_study"
    __table_args__ = (
        ForeignKeyConstraint(["office_id", "cadre_id"], ["cadre.office_id", "cadre.id"],
                             name="fk_online_study_cadre_id"),
        UniqueConstraint("cadre_id", "platform", "month", name="uq_study_cadre_platform_month"),
        Index("ix_study_month", "office_id", "month", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    cadre_id: int
    platform: str = Field(max_length=20)
    #: the first day of the month studied
    month: dt.date = Field(sa_column=Column(SADate, nullable=False))
    hours: float = 0.0


class Plan(Audited, table=True):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("office_id", "year", "scope", name="uq_plan_year_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    year: int
    #: "all" or a track key; a plain column so the unique constraint holds on every backend
    scope: str = Field(default="all", max_length=20)
    target: int
    deadline: dt.date | None = Field(default=None, sa_column=Column(SADate, nullable=True))


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    office_id: int = Field(primary_key=True, foreign_key="office.id")
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=500)


class SurveyAnswer(Audited, table=True):
    __tablename__ = "survey_answer"
    __table_args__ = (*_owned("survey_answer", ("cadre_id", "cadre")),
                      Index("ix_survey_answer_date", "office_id", "date"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    date: dt.date = Field(sa_column=Column(SADate, nullable=False))
    method: str = Field(max_length=20)
    cadre_id: int | None = None
    respondent: str | None = Field(default=None, max_length=200)
    tier: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


class SurveyTopic(SQLModel, table=True):
    __tablename__ = "survey_topic"
    __table_args__ = (ForeignKeyConstraint(["office_id", "survey_id"],
                                           ["survey_answer.office_id", "survey_answer.id"],
                                           name="fk_survey_topic_survey_id"),
                      Index("ix_survey_topic_survey_id", "survey_id"))

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    survey_id: int
    topic: str = Field(max_length=40)
    #: the text of an `other` topic
    detail: str | None = Field(default=None, max_length=200)


#: The tables of records, each owned by an office.
RECORD_TABLES = ["branch", "cadre", "cadre_fact", "training_session", "attendance", "online_study",
                 "plan", "setting", "survey_answer", "survey_topic", "month_close", "change_log"]
TABLES = ["office", "office_grant", *RECORD_TABLES]
