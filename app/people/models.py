"""The coworker table: one row per person in the bargaining unit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

# Longest unassessed first: (campaign_id, active, last_assessed_at, id), NULLS FIRST on
# PostgreSQL, which SQLite's index syntax cannot say (it puts NULLs first anyway). Made by
# migration b8c0de000008, outside the metadata (see `app.people.search.include_name`).
STALE_INDEX = "ix_coworker_stale"


class Coworker(SQLModel, table=True):
    __tablename__ = "coworker"
    __table_args__ = (
        # Serves the readiness rollup: counting by unit, level and participation in the latest
        # structure test reads only this index.
        Index(
            "ix_coworker_rollup",
            "campaign_id",
            "active",
            "department_id",
            "shift_id",
            "current_level",
            "is_committee",
            "latest_participation_test_id",
        ),
        # Serves the trend's headcount: who joined the roster lately, and who has left.
        Index(
            "ix_coworker_joined",
            "campaign_id",
            "active",
            "created_at",
            "department_id",
            "shift_id",
            "departed_on",
        ),
        # The coworker list: everyone by name, an organizer's list by name. The id (the list's
        # tie-break) and job title make a search of one or two characters, which no trigram
        # serves, a walk of this index alone: 100,000 names without reading a row.
        Index("ix_coworker_list_by_name", "campaign_id", "active", "name", "id", "job_title"),
        Index(
            "ix_coworker_campaign_id_organizer_id_active_name",
            "campaign_id",
            "organizer_id",
            "active",
            "name",
        ),
        # Longest unassessed: STALE_INDEX, above.
        # Several NULL employee ids are allowed on both backends; a real id is unique per campaign.
        UniqueConstraint("campaign_id", "employee_id"),
        CheckConstraint("current_level BETWEEN 1 AND 5", name="current_level_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", ondelete="RESTRICT")
    shift_id: int = Field(foreign_key="shift.id", ondelete="RESTRICT")
    name: str = Field(max_length=200)
    job_title: str = Field(default="", max_length=200)
    employee_id: str | None = Field(default=None, max_length=64)
    # Personal contacts only: employer systems are monitored.
    phone: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=254)
    hire_date: dt.date | None = Field(default=None)
    notes: str = Field(default="", sa_type=Text)
    active: bool = Field(default=True)
    departed_on: dt.date | None = Field(default=None)
    is_committee: bool = Field(default=False)
    is_organic_leader: bool = Field(default=False)
    organizer_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # Denormalised from the latest assessment, in the same transaction, so that counting never
    # scans the history. NULL means unassessed.
    current_level: int | None = Field(default=None)
    last_assessed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Denormalised from the structure test results (by `structure_tests.service`, in the same
    # transaction): the latest test, by date then id, this coworker took part in. Readiness
    # then counts a test's participants in its rollup instead of joining 100,000 results.
    # A cache of the results table, not a relationship: no foreign key.
    latest_participation_test_id: int | None = Field(default=None)
    # Optimistic edits: a save carries the version it was loaded at.
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
