"""The campaign's audit log, for its admins: newest first, a hundred events a page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.audit import service as audit
from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.web.deps import DbSession, require_role
from app.web.pages import campaign_page
from app.web.templating import render

router = APIRouter()
Admin = Annotated[CampaignAccess, require_role(Role.admin)]


@router.get("/campaigns/{slug}/audit")
def audit_log(
    request: Request, access: Admin, session: DbSession, before: int | None = None
) -> Response:
    # One more than a page tells whether there is an older page, without counting.
    found = audit.events(
        session=session,
        campaign_id=access.campaign_id,
        before_id=before,
        limit=audit.PAGE_SIZE + 1,
    )
    shown = found[: audit.PAGE_SIZE]
    rows = [
        {
            "id": event.id,
            **audit.as_json(event),
            "when": f"{event.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
            "details_text": audit.details_text(event.details),
        }
        for event in shown
    ]
    older = shown[-1].id if len(found) > audit.PAGE_SIZE else None
    return render(
        request,
        "audit/list.html",
        campaign_page(
            session, access, nav_current="audit", rows=rows, older=older, paged=before is not None
        ),
    )
