"""Structure tests and each coworker's result in them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class StructureTestKind(StrEnum):
    petition = "petition"
    survey = "survey"
    sticker_day = "sticker-day"
    public_letter = "public-letter"
    march_on_boss = "march-on-boss"
    strike_pledge = "strike-pledge"
    strike_vote = "strike-vote"
    other = "other"


class ParticipationResult(StrEnum):
    """A coworker with no result row has not been reached (the default)."""

    took_part = "took_part"
    declined = "declined"


class StructureTest(SQLModel, table=True):
    __tablename__ = "structure_test"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    slug: str = Field(max_length=80)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    held_on: dt.date
    goal_pct: float
    description: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StructureTestResult(SQLModel, table=True):
    __tablename__ = "structure_test_result"
    __table_args__ = (
        CheckConstraint("result IN ('took_part', 'declined')", name="result_known"),
        # Serves the counts per test and result, and readiness's participants per unit:
        # a test's participants are a range of this index, read without the table.
        Index("ix_structure_test_result_participants", "test_id", "result", "coworker_id"),
        # A coworker's own results: their latest participation, and deleting a coworker.
        Index("ix_structure_test_result_by_coworker", "coworker_id", "result", "test_id"),
    )

    test_id: int = Field(foreign_key="structure_test.id", ondelete="CASCADE", primary_key=True)
    coworker_id: int = Field(foreign_key="coworker.id", ondelete="CASCADE", primary_key=True)
    result: str = Field(max_length=12)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
