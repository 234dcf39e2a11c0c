"""The list of the user's campaigns and each campaign's home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.campaigns import service as campaigns
from app.readiness.counts import campaign_level_counts
from app.web.deps import Campaign, CurrentUser, DbSession
from app.web.templating import render

router = APIRouter()


@router.get("/")
def index(request: Request, user: CurrentUser, session: DbSession) -> Response:
    assert user.id is not None
    memberships = campaigns.memberships_of(session=session, user_id=user.id)
    if len(memberships) == 1:
        return RedirectResponse(f"/campaigns/{memberships[0].campaign.slug}/", status_code=303)
    return render(request, "campaigns/index.html", {"memberships": memberships})


@router.get("/campaigns/{slug}/")
def home(request: Request, access: Campaign, session: DbSession) -> Response:
    return render(
        request,
        "campaigns/home.html",
        {
            "campaign": access.campaign,
            "role": access.role,
            "nav_current": "home",
            "levels": campaigns.level_definitions(session=session, campaign_id=access.campaign_id),
            "counts": campaign_level_counts(session=session, campaign_id=access.campaign_id),
        },
    )
