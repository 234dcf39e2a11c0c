"""One authorization matrix: every route × who is asking → the status they get.

A route without an entry fails `test_every_route_is_in_the_matrix`, so a new page cannot ship
without someone deciding who may see it. Later issues add their routes here.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.campaigns.models import Role
from tests.factories import Factory, log_in

# Who is asking: nobody, a member of this campaign in each role, or a member of another one.
ACTORS = ("anonymous", "organizer", "committee", "admin", "outsider")
OK, SEE_OTHER, FORBIDDEN, NOT_FOUND = 200, 303, 403, 404

# (method, path template) → the status for each actor, in the order of ACTORS.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/login"): (OK, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER),
    ("POST", "/login"): (OK, OK, OK, OK, OK),  # answered below with a wrong password
    ("GET", "/logout"): (SEE_OTHER, OK, OK, OK, OK),
    ("POST", "/logout"): (SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER),
    ("GET", "/"): (SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER),
    ("GET", "/campaigns/{slug}/"): (SEE_OTHER, OK, OK, OK, NOT_FOUND),
}
# A failed login re-renders the form with 401; the matrix entry stands for "answered".
FAILED_LOGIN = 401


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
    if actor == "outsider":
        log_in(client, factory.member(other, Role.admin))
    elif actor != "anonymous":
        log_in(client, factory.member(campaign, Role(actor)))
    url = path.format(slug=campaign.slug)
    data = {"email": "someone@example.org", "password": "wrong password!"}
    response = client.request(
        method, url, data=data if method == "POST" else None, follow_redirects=False
    )
    expected = MATRIX[(method, path)][ACTORS.index(actor)]
    if (method, path) == ("POST", "/login"):
        expected = FAILED_LOGIN
    assert response.status_code == expected, response.text[:300]
