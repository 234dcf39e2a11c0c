"""Writing audit events. Details name what happened, never the personal data involved."""

from __future__ import annotations

import getpass
from typing import Any

from sqlmodel import Session

from app.audit.models import AuditEvent


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
