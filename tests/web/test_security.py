"""Cross-site request refusal and the headers every response carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.campaigns.models import Role
from app.web.security import CONTENT_SECURITY_POLICY
from tests.factories import Factory, Member, log_in

EXPECTED_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


@pytest.fixture
def member(factory: Factory) -> Member:
    return factory.member(factory.campaign(slug="mercy"), Role.admin)


@pytest.fixture
def bare_client(application) -> TestClient:  # type: ignore[no-untyped-def]
    """A client that sends no provenance headers of its own."""
    return TestClient(application, base_url="http://testserver")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "no-provenance"],
)
def test_cross_site_posts_are_refused_and_change_nothing(
    bare_client: TestClient, member: Member, headers: dict[str, str]
) -> None:
    response = bare_client.post(
        "/login", data={"email": member.email, "password": member.password}, headers=headers
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://testserver"},
    ],
    ids=["same-origin", "typed-by-user", "matching-origin"],
)
def test_same_origin_posts_are_accepted(
    bare_client: TestClient, member: Member, headers: dict[str, str]
) -> None:
    response = bare_client.post(
        "/login",
        data={"email": member.email, "password": member.password},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_a_logged_in_cross_site_logout_is_refused(client: TestClient, member: Member) -> None:
    log_in(client, member)
    refused = client.post("/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert client.get("/campaigns/mercy/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/login", "/campaigns/mercy/", "/static/css/app.css", "/nowhere", "/campaigns/other/"]
)
def test_every_response_carries_the_security_headers(
    client: TestClient, member: Member, path: str
) -> None:
    log_in(client, member)
    response = client.get(path)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    if path.startswith("/static/"):
        assert response.status_code == 200
        assert "no-store" not in response.headers["cache-control"]
    else:
        assert response.headers["cache-control"] == "no-store"
        assert "HX-Request" in response.headers["vary"]


def test_no_hsts_over_plain_http(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/login").headers


def test_error_pages_are_generic(client: TestClient, member: Member) -> None:
    log_in(client, member)
    response = client.get("/campaigns/mercy/nothing-here")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert "Not found" in response.text


def test_pages_load_nothing_from_another_origin(client: TestClient, member: Member) -> None:
    from bs4 import BeautifulSoup

    for path in ("/login", "/campaigns/mercy/"):
        if path != "/login":
            log_in(client, member)
        soup = BeautifulSoup(client.get(path).text, "html.parser")
        urls = [
            tag.get("src") or tag.get("href") for tag in soup.find_all(["script", "link", "img"])
        ]
        assert urls
        assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
        assert not soup.find_all("script", src=False), "no inline scripts"
        assert not soup.find_all("style"), "no inline styles"
        assert not soup.select("[style]"), "no style attributes"
