"""The SQLModel tables. The schema itself is created and changed only by the Alembic migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Date as SADate
from sqlmodel import Field, SQLModel


class Audited(SQLModel):
    """When a record was created and last changed, and by whom (OS user or TRAINLOG_USER)."""

    created_at: dt.datetime | None = Field(default=None)
    created_by: str | None = Field(default=None, max_length=100)
    updated_at: dt.datetime | None = Field(default=None)
    updated_by: str | None = Field(default=None, max_length=100)


class Branch(Audited, table=True):
    __tablename__ = "branch"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    name: str = Field(max_length=200)
    township: str | None = Field(default=None, max_length=100, index=True)
    active: bool = True


class Cadre(Audited, table=True):
    __tablename__ = "cadre"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    name: str = Field(max_length=100)
    unit: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=20)
    branch_id: int | None = Field(default=None, foreign_key="branch.id", index=True)
    top_leader: bool = False
    poverty_cadre: bool = False
    party_member: bool = True
    registered_on: dt.date | None = Field(default=None, sa_column=Column(SADate, nullable=True))
    active: bool = True


class TrainingSession(Audited, table=True):
    __tablename__ = "training_session"
    __table_args__ = (Index("ix_session_date_track", "date", "track", "void"),
                      Index("ix_session_track_date", "track", "date"))

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, unique=True, max_length=100)
    date: dt.date = Field(sa_column=Column(SADate, nullable=False))
    track: str = Field(max_length=20)
    kind: str | None = Field(default=None, max_length=20)
    topic: str | None = Field(default=None, max_length=40)
    title: str = Field(max_length=300)
    hours: float = 0.0
    branch_id: int | None = Field(default=None, foreign_key="branch.id", index=True)
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
        UniqueConstraint("session_id", "cadre_id", name="uq_attendance_session_cadre"),
        Index("ix_attendance_cadre", "cadre_id"),
        Index("ix_attendance_session_cover", "session_id", "cadre_id", "hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_session.id")
    cadre_id: int = Field(foreign_key="cadre.id")
    hours: float = 0.0
    created_at: dt.datetime | None = None
    created_by: str | None = Field(default=None, max_length=100)


class OnlineStudy(Audited, table=True):
    __tablename__ = "online_study"
    __table_args__ = (
        UniqueConstraint("cadre_id", "platform", "month", name="uq_study_cadre_platform_month"),
        Index("ix_study_month", "month", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id")
    platform: str = Field(max_length=20)
    #: the first day of the month studied
    month: dt.date = Field(sa_column=Column(SADate, nullable=False))
    hours: float = 0.0


class Plan(Audited, table=True):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("year", "scope", name="uq_plan_year_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    #: "all" or a track key; a plain column so the unique constraint holds on every backend
    scope: str = Field(default="all", max_length=20)
    target: int
    deadline: dt.date | None = Field(default=None, sa_column=Column(SADate, nullable=True))


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=500)


class SurveyAnswer(Audited, table=True):
    __tablename__ = "survey_answer"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(sa_column=Column(SADate, nullable=False, index=True))
    method: str = Field(max_length=20)
    cadre_id: int | None = Field(default=None, foreign_key="cadre.id")
    respondent: str | None = Field(default=None, max_length=200)
    tier: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


class SurveyTopic(SQLModel, table=True):
    __tablename__ = "survey_topic"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey_answer.id", index=True)
    topic: str = Field(max_length=40)
    #: the text of an `other` topic
    detail: str | None = Field(default=None, max_length=200)


TABLES = ["branch", "cadre", "training_session", "attendance", "online_study", "plan",
          "setting", "survey_answer", "survey_topic"]
