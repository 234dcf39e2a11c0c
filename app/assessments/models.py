"""The assessment table: append-only events, never updated in place."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

LEVELS = (1, 2, 3, 4, 5)
NOTE_MAX_LENGTH = 500

# An event that moves a coworker into or out of support (levels 1-2): the only events the
# trend reads. Literal SQL, used verbatim by the partial index and by the query, so that each
# backend sees that the query's condition is the index's (a bound parameter would hide it).
CHANGES_SUPPORT = "(coalesce(level, 0) IN (1, 2)) <> (coalesce(previous_level, 0) IN (1, 2))"


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        CheckConstraint("previous_level BETWEEN 1 AND 5", name="previous_level_range"),
        # Serves each coworker's history, and readiness as of a past date (their latest event).
        Index("ix_assessment_coworker_id_created_at", "coworker_id", "created_at"),
        # Serves the weekly trend: the campaign's recent changes of support, from the index alone.
        Index(
            "ix_assessment_support_changes",
            "campaign_id",
            "created_at",
            "level",
            "previous_level",
            sqlite_where=text(CHANGES_SUPPORT),
            postgresql_where=text(CHANGES_SUPPORT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    coworker_id: int = Field(foreign_key="coworker.id", ondelete="CASCADE")
    level: int | None = Field(default=None)  # NULL: the assessment was cleared
    # The coworker's level just before this event (NULL: unassessed). Written once, with the
    # event: it lets the trend count changes of support without replaying each history.
    previous_level: int | None = Field(default=None)
    note: str = Field(default="", max_length=NOTE_MAX_LENGTH)
    assessed_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    source: str = Field(default="web", max_length=16)  # web, import, demo
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
