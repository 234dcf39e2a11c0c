"""One authorization matrix: every route × who is asking → the status they get.

A route without an entry fails `test_every_route_is_in_the_matrix`, so a new page cannot ship
without someone deciding who may see it. "organizer" asks about a coworker assigned to them,
"organizer, other" about one who is not; "outsider" is an admin of another campaign.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from app.campaigns.models import Role
from app.db import session_scope
from app.structure_tests import service as structure_tests
from tests.factories import Factory, log_in

ACTORS = ("anonymous", "organizer", "committee", "admin", "outsider", "organizer-other")
OK, SEE_OTHER, FORBIDDEN, NOT_FOUND, INVALID = 200, 303, 403, 404, 422
C = "/campaigns/{slug}"
W = f"{C}/coworkers/{{coworker_id}}"
T = f"{C}/structure-tests/{{test_slug}}"

# (method, path template) → the status for each actor, in the order of ACTORS. POSTs send a
# form that is valid where the route needs nothing, and incomplete (422) where it needs data.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/login"): (OK, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER),
    ("POST", "/login"): (401, 401, 401, 401, 401, 401),  # a wrong password, whoever asks
    ("GET", "/logout"): (SEE_OTHER, OK, OK, OK, OK, OK),
    ("POST", "/logout"): (SEE_OTHER,) * 6,
    ("GET", "/"): (SEE_OTHER,) * 6,
    ("GET", f"{C}/"): (SEE_OTHER, OK, OK, OK, NOT_FOUND, OK),
    ("GET", f"{C}/levels"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{C}/levels"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, INVALID, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/audit"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/coworkers"): (SEE_OTHER, OK, OK, OK, NOT_FOUND, OK),
    ("POST", f"{C}/coworkers"): (SEE_OTHER, FORBIDDEN, INVALID, INVALID, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/coworkers/new"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{C}/coworkers/assign"): (
        SEE_OTHER,
        FORBIDDEN,
        SEE_OTHER,
        SEE_OTHER,
        NOT_FOUND,
        FORBIDDEN,
    ),
    ("GET", W): (SEE_OTHER, OK, OK, OK, NOT_FOUND, NOT_FOUND),
    ("POST", W): (SEE_OTHER, FORBIDDEN, INVALID, INVALID, NOT_FOUND, FORBIDDEN),
    ("POST", f"{W}/assessments"): (
        SEE_OTHER,
        SEE_OTHER,
        SEE_OTHER,
        SEE_OTHER,
        NOT_FOUND,
        NOT_FOUND,
    ),
    ("GET", f"{W}/edit"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{W}/departed"): (SEE_OTHER, FORBIDDEN, SEE_OTHER, SEE_OTHER, NOT_FOUND, FORBIDDEN),
    ("GET", f"{W}/delete"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{W}/delete"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, SEE_OTHER, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/readiness"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/thresholds"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{C}/thresholds"): (SEE_OTHER, FORBIDDEN, FORBIDDEN, INVALID, NOT_FOUND, FORBIDDEN),
    ("GET", "/api/v1/campaigns/{slug}/readiness"): (
        401,
        FORBIDDEN,
        OK,
        OK,
        NOT_FOUND,
        FORBIDDEN,
    ),  # the API answers 401, not a redirect to the login page
    ("GET", f"{C}/structure-tests"): (SEE_OTHER, OK, OK, OK, NOT_FOUND, OK),
    ("POST", f"{C}/structure-tests"): (
        SEE_OTHER,
        FORBIDDEN,
        INVALID,
        INVALID,
        NOT_FOUND,
        FORBIDDEN,
    ),
    ("GET", T): (SEE_OTHER, OK, OK, OK, NOT_FOUND, OK),
    ("GET", f"{T}/record"): (SEE_OTHER, OK, OK, OK, NOT_FOUND, OK),
    # No coworker chosen: refused as incomplete, for anyone who may record at all.
    ("POST", f"{T}/results"): (SEE_OTHER, INVALID, INVALID, INVALID, NOT_FOUND, INVALID),
    ("POST", f"{T}/import"): (SEE_OTHER, FORBIDDEN, INVALID, INVALID, NOT_FOUND, FORBIDDEN),
    ("POST", f"{T}/export"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{T}/sheet"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("GET", f"{C}/roster"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
    ("POST", f"{C}/roster/import"): (
        SEE_OTHER,
        FORBIDDEN,
        FORBIDDEN,
        INVALID,
        NOT_FOUND,
        FORBIDDEN,
    ),
    ("POST", f"{C}/roster/export"): (SEE_OTHER, FORBIDDEN, OK, OK, NOT_FOUND, FORBIDDEN),
}


def app_routes(application) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every (method, path) the app serves, from its OpenAPI description (routers included)."""
    return {
        (method.upper(), path)
        for path, operations in application.openapi()["paths"].items()
        for method in operations
    }


def test_every_route_is_in_the_matrix(application) -> None:  # type: ignore[no-untyped-def]
    missing = app_routes(application) - set(MATRIX)
    assert not missing, f"routes without an authorization entry: {sorted(missing)}"
    stale = set(MATRIX) - app_routes(application)
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path"), list(MATRIX))
def test_authorization(
    client: TestClient, factory: Factory, actor: str, method: str, path: str
) -> None:
    campaign = factory.campaign(slug="mercy")
    other = factory.campaign("Elsewhere", slug="elsewhere")
    organizer = factory.member(campaign, Role.organizer)
    assigned, unassigned = factory.coworkers(
        campaign,
        {"name": "Assigned Person", "department": "ICU", "organizer_id": organizer.user.id},
        {"name": "Someone Else", "department": "ICU"},
    )
    if actor in ("organizer", "organizer-other"):
        log_in(client, organizer)
    elif actor == "outsider":
        log_in(client, factory.member(other, Role.admin))
    elif actor != "anonymous":
        log_in(client, factory.member(campaign, Role(actor)))
    coworker = unassigned if actor == "organizer-other" else assigned
    with session_scope(factory.engine) as session:
        test = structure_tests.create(
            session=session, campaign=campaign, name="Petition", kind="petition",
            held_on=dt.date(2026, 11, 1),
        )  # fmt: skip
    url = path.format(slug=campaign.slug, coworker_id=coworker.id, test_slug=test.slug)
    data = {"email": "someone@example.org", "password": "wrong password!"}
    response = client.request(
        method, url, data=data if method == "POST" else None, follow_redirects=False
    )
    expected = MATRIX[(method, path)][ACTORS.index(actor)]
    assert response.status_code == expected, response.text[:300]
    if expected == SEE_OTHER:
        # Anonymous visitors are sent to log in; members are sent on, never to the login page.
        to_login = response.headers["location"].startswith("/login")
        logged_out = actor == "anonymous" or path == "/logout"
        assert to_login == logged_out, response.headers["location"]
