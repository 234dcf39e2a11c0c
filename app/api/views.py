"""JSON API, version 1. Same session cookie, same roles and scope as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.errors import InvalidInput
from app.readiness import service as readiness
from app.web.deps import DbSession, require_role

router = APIRouter(prefix="/api/v1", tags=["api"])
Committee = Annotated[CampaignAccess, require_role(Role.admin, Role.committee)]


class Levels(BaseModel):
    model_config = {"populate_by_name": True}
    one: int = Field(alias="1")
    two: int = Field(alias="2")
    three: int = Field(alias="3")
    four: int = Field(alias="4")
    five: int = Field(alias="5")
    unassessed: int


class UnitReadiness(BaseModel):
    """One unit. Percentages are rounded to one decimal, half up; null where undefined."""

    name: str
    department: str | None
    shift: str | None
    headcount: int
    levels: Levels
    assessed_pct: float | None
    support_pct: float | None
    support_of_assessed_pct: float | None
    organizers: int
    coworkers_per_organizer: float | None
    participation_pct: float | None
    status: Literal["building", "majority", "supermajority", "strike-ready"]


class ThresholdValues(BaseModel):
    majority: float
    supermajority: float
    strike_ready: float
    coworkers_per_organizer: float


class ReadinessReport(BaseModel):
    campaign: str
    by: Literal["department", "shift", "unit"]
    as_of: str = Field(description="YYYY-MM-DD")
    thresholds: ThresholdValues
    units: list[UnitReadiness]
    total: UnitReadiness


@router.get(
    "/campaigns/{slug}/readiness",
    summary="Strike readiness per unit",
    response_class=JSONResponse,
    responses={
        200: {"model": ReadinessReport, "description": "The readiness report"},
        401: {"description": "Not logged in"},
        403: {"description": "Organizers may not see unit-level numbers"},
        404: {"description": "No such campaign, or not a member of it"},
        422: {"description": "A bad `by` or `as_of`"},
    },
)
def readiness_report(
    access: Committee,
    session: DbSession,
    by: Annotated[Literal["department", "shift", "unit"], Query()] = "department",
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD, today or earlier")] = None,
) -> Any:
    """The same object as `rankfile readiness SLUG --json`."""
    try:
        date = readiness.parse_as_of(as_of)
    except InvalidInput as problem:
        raise HTTPException(status_code=422, detail=problem.message) from None
    # Returned as built, not re-validated: byte for byte what the command prints.
    return JSONResponse(
        readiness.report(
            session=session, campaign=access.campaign, by=readiness.Grouping(by), as_of=date
        )
    )
