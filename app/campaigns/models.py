"""Tables for campaigns, their departments and shifts, level definitions and memberships."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

UNASSIGNED = "Unassigned"


class Role(StrEnum):
    """What a member may do in one campaign, from most to least trusted."""

    admin = "admin"
    committee = "committee"
    organizer = "organizer"


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    # Readiness thresholds, in percent of a unit's headcount (defaults from the domain reference).
    majority_threshold: float = Field(default=50.0)
    supermajority_threshold: float = Field(default=70.0)
    strike_ready_threshold: float = Field(default=80.0)
    coworkers_per_organizer: float = Field(default=10.0)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LevelDefinition(SQLModel, table=True):
    """A campaign's label and one-line description for one level of the fixed 1-5 scale."""

    __tablename__ = "level_definition"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE", primary_key=True)
    level: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    label: str = Field(max_length=40)
    description: str = Field(default="", max_length=200)


class Department(SQLModel, table=True):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    name: str = Field(max_length=120)


class Shift(SQLModel, table=True):
    __tablename__ = "shift"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    name: str = Field(max_length=120)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "campaign_id"),
        CheckConstraint("role IN ('admin', 'committee', 'organizer')", name="role_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=16)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
