"""The committee's readiness page and the admin's thresholds form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.errors import InvalidInput
from app.readiness import service as readiness
from app.readiness.math import Thresholds, check_thresholds
from app.web.deps import DbSession, require_role
from app.web.forms import FormData
from app.web.pages import campaign_page
from app.web.templating import render

router = APIRouter(prefix="/campaigns/{slug}")

# In a unit of three, a count of level-5s names a person: unit-level numbers are for the
# committee and admins; organizers see the campaign-wide headline on the campaign home.
Committee = Annotated[CampaignAccess, require_role(Role.admin, Role.committee)]
Admin = Annotated[CampaignAccess, require_role(Role.admin)]


def _optional_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/readiness")
def readiness_page(request: Request, access: Committee, session: DbSession) -> Response:
    params = request.query_params
    status_code, error = 200, None
    try:
        by = readiness.parse_grouping(params.get("by"))
        as_of = readiness.parse_as_of(params.get("as_of"))
    except InvalidInput as problem:
        by, as_of, status_code, error = readiness.Grouping.department, None, 422, problem.message
    result = readiness.rollup(session=session, campaign=access.campaign, as_of=as_of)
    wall = readiness.wall_chart(result)
    total = wall.total
    shown = wall.view(by)
    trend_department = _optional_int(params.get("department"))
    trend_shift = _optional_int(params.get("shift"))
    unit_trend = None
    if trend_department is not None or trend_shift is not None:
        unit_trend = readiness.trend(
            session=session,
            campaign=access.campaign,
            as_of=as_of,
            department_id=trend_department,
            shift_id=trend_shift,
        )
    unit_trend_name = " / ".join(
        name
        for name in (
            result.departments.get(trend_department or 0),
            result.shifts.get(trend_shift or 0),
        )
        if name
    )
    return render(
        request,
        "readiness/page.html",
        campaign_page(
            session,
            access,
            nav_current="readiness",
            error=error,
            by=by,
            as_of=result.as_of,
            as_of_param=params.get("as_of", "") if error is None else "",
            thresholds=readiness.thresholds_of(access.campaign),
            total=total,
            units=shown,
            wall=wall,
            weakest=readiness.weakest(wall.units),
            latest_test=result.latest_test,
            campaign_trend=readiness.trend(
                session=session,
                campaign=access.campaign,
                as_of=as_of,
                today_counts=total.readiness.counts if result.live else None,
            ),
            unit_trend=unit_trend,
            unit_trend_name=unit_trend_name,
            trend_department=trend_department,
            trend_shift=trend_shift,
            departments=sorted(result.departments.items(), key=lambda item: item[1]),
            shifts=sorted(result.shifts.items(), key=lambda item: item[1]),
        ),
        status_code=status_code,
    )


THRESHOLD_FIELDS = ("majority", "supermajority", "strike_ready", "coworkers_per_organizer")


@router.get("/thresholds")
def thresholds_page(request: Request, access: Admin, session: DbSession) -> Response:
    return render(
        request,
        "readiness/thresholds.html",
        campaign_page(
            session,
            access,
            nav_current="readiness",
            values={
                name: getattr(readiness.thresholds_of(access.campaign), name)
                for name in THRESHOLD_FIELDS
            },
            errors={},
            saved=False,
        ),
    )


@router.post("/thresholds")
def save_thresholds(
    request: Request, access: Admin, session: DbSession, form: FormData
) -> Response:
    values = {name: form.single.get(name, "").strip() for name in THRESHOLD_FIELDS}
    errors: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for name, text in values.items():
        try:
            numbers[name] = float(text)
        except ValueError:
            errors[name] = "must be a number"
    if not errors:
        errors = check_thresholds(Thresholds(**numbers))
    if errors:
        return render(
            request,
            "readiness/thresholds.html",
            campaign_page(
                session, access, nav_current="readiness", values=values, errors=errors, saved=False
            ),
            status_code=422,
        )
    readiness.update_thresholds(
        session=session, campaign=access.campaign, thresholds=Thresholds(**numbers)
    )
    session.commit()
    return render(
        request,
        "readiness/thresholds.html",
        campaign_page(
            session, access, nav_current="readiness", values=numbers, errors={}, saved=True
        ),
    )
