"""The audit log: who did what, when — never the personal data itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_campaign_id_at", "campaign_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", ondelete="CASCADE")
    actor: str = Field(max_length=254)  # "user:<email>", "cli:<os user>" or "anonymous"
    action: str = Field(max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
