"""The assessment table: append-only events, never updated in place."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

LEVELS = (1, 2, 3, 4, 5)
NOTE_MAX_LENGTH = 500


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        Index("ix_assessment_coworker_id_created_at", "coworker_id", "created_at"),
        # Serves readiness as of a past date: the latest event per coworker up to that date.
        Index("ix_assessment_campaign_id_created_at", "campaign_id", "created_at"),
        # Serves the weekly trend: each coworker's history in order, read from the index alone.
        Index("ix_assessment_history", "campaign_id", "coworker_id", "created_at", "id", "level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    coworker_id: int = Field(foreign_key="coworker.id", ondelete="CASCADE")
    level: int | None = Field(default=None)  # NULL: the assessment was cleared
    note: str = Field(default="", max_length=NOTE_MAX_LENGTH)
    assessed_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    source: str = Field(default="web", max_length=16)  # web, import, demo
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
