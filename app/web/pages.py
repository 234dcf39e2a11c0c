"""What every campaign page's template needs: the campaign, the role, the level labels."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.campaigns import service as campaigns
from app.campaigns.service import CampaignAccess
from app.db import utcnow


def campaign_page(session: Session, access: CampaignAccess, **extra: Any) -> dict[str, Any]:
    levels = campaigns.level_definitions(session=session, campaign_id=access.campaign_id)
    return {
        "campaign": access.campaign,
        "role": access.role,
        "levels": levels,
        "labels": {level.level: level.label for level in levels},
        "now": utcnow(),
        **extra,
    }
