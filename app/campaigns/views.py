"""The list of the user's campaigns, each campaign's home page, and its level definitions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.campaigns import service as campaigns
from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.readiness import service as readiness
from app.web.deps import Campaign, CurrentUser, DbSession, require_role
from app.web.forms import FormData
from app.web.pages import campaign_page
from app.web.templating import render

router = APIRouter()
Admin = Annotated[CampaignAccess, require_role(Role.admin)]


@router.get("/")
def index(request: Request, user: CurrentUser, session: DbSession) -> Response:
    assert user.id is not None
    memberships = campaigns.memberships_of(session=session, user_id=user.id)
    if len(memberships) == 1:
        return RedirectResponse(f"/campaigns/{memberships[0].campaign.slug}/", status_code=303)
    return render(request, "campaigns/index.html", {"memberships": memberships})


@router.get("/campaigns/{slug}/")
def home(request: Request, access: Campaign, session: DbSession) -> Response:
    """Every member's headline: the whole campaign's numbers (never a unit's, which in a small
    unit could name a person)."""
    result = readiness.rollup(session=session, campaign=access.campaign)
    total = readiness.total(result)
    return render(
        request,
        "campaigns/home.html",
        campaign_page(
            session,
            access,
            nav_current="home",
            total=total,
            counts=total.readiness.counts,
            latest_test=result.latest_test,
        ),
    )


@router.get("/campaigns/{slug}/levels")
def levels_page(request: Request, access: Admin, session: DbSession) -> Response:
    return render(
        request,
        "campaigns/levels.html",
        campaign_page(session, access, nav_current="levels", errors={}, saved=False),
    )


@router.post("/campaigns/{slug}/levels")
def save_levels(
    request: Request, access: Admin, user: CurrentUser, session: DbSession, form: FormData
) -> Response:
    submitted = {
        level: (form.single.get(f"label_{level}", ""), form.single.get(f"description_{level}", ""))
        for level in range(1, 6)
    }
    errors = campaigns.update_levels(
        session=session, campaign_id=access.campaign_id, definitions=submitted, actor=user.email
    )
    if errors:
        session.rollback()
        return render(
            request,
            "campaigns/levels.html",
            campaign_page(
                session,
                access,
                nav_current="levels",
                errors=errors,
                saved=False,
                submitted=submitted,
            ),
            status_code=422,
        )
    session.commit()
    return render(
        request,
        "campaigns/levels.html",
        campaign_page(session, access, nav_current="levels", errors={}, saved=True),
    )
