"""Writing and reading audit events: what happened, never the personal data involved."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

from sqlmodel import Session, col, select

from app.audit.models import AuditEvent

PAGE_SIZE = 100


def cli_actor() -> str:
    """Commands run with the operator's rights; their events name the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def record(
    *, session: Session, actor: str, action: str, campaign_id: int | None = None, **details: Any
) -> AuditEvent:
    event = AuditEvent(campaign_id=campaign_id, actor=actor, action=action, details=details)
    session.add(event)
    return event


def events(
    *,
    session: Session,
    campaign_id: int,
    before_id: int | None = None,
    limit: int | None = PAGE_SIZE,
) -> list[AuditEvent]:
    """The campaign's events, newest first; a keyset page of those older than `before_id`.

    Only events recorded for this campaign: logins and user changes belong to no campaign
    (campaign_id NULL) and are never shown here. `limit=None` returns them all.
    """
    query = select(AuditEvent).where(col(AuditEvent.campaign_id) == campaign_id)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    query = query.order_by(col(AuditEvent.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def format_at(at: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, with a Z: 2026-11-27T10:00:00Z."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_json(event: AuditEvent) -> dict[str, Any]:
    """The event as `rankfile audit --json` prints it."""
    return {
        "at": format_at(event.at),
        "actor": event.actor,
        "action": event.action,
        "details": dict(event.details or {}),
    }


def details_text(details: dict[str, Any]) -> str:
    """Details as readable text: "rows: 5, what: roster"."""

    def value_text(value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, default=str)

    return ", ".join(f"{key}: {value_text(value)}" for key, value in (details or {}).items())
