"""Logging in and out, sessions, the throttle and the audit trail, through the real app."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import UserSession
from app.audit.models import AuditEvent
from app.campaigns.models import Role
from app.db import session_scope, utcnow
from app.main import create_app
from app.settings import Environment, Settings
from tests.factories import Factory, Member, log_in

GENERIC_FAILURE = "Email or password is incorrect"


@pytest.fixture
def organizer(factory: Factory) -> Member:
    return factory.member(factory.campaign(slug="mercy"), Role.organizer)


def login_error(response) -> str:  # type: ignore[no-untyped-def]
    alert = BeautifulSoup(response.text, "html.parser").find(id="login-error")
    return alert.get_text(strip=True) if alert else ""


def use_token(client: TestClient, token: str) -> None:
    """Present exactly this session token, as a replayed cookie would."""
    client.cookies.clear()
    client.cookies.set("rankfile_session", token)


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id))
        return [(actor, action) for actor, action in rows]


def test_anonymous_requests_go_to_the_login_page(client: TestClient, organizer: Member) -> None:
    response = client.get("/campaigns/mercy/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/campaigns/mercy/"
    page = client.get(response.headers["location"])
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("input", {"name": "next"})["value"] == "/campaigns/mercy/"


def test_login_lands_on_the_only_campaign(client: TestClient, organizer: Member) -> None:
    response = client.post(
        "/login",
        data={"email": organizer.email.upper(), "password": organizer.password},
    )
    assert response.status_code == 200
    assert response.url.path == "/campaigns/mercy/"
    assert BeautifulSoup(response.text, "html.parser").h1.get_text() == "Mercy Hospital"


def test_login_returns_to_the_page_asked_for_but_never_off_site(
    client: TestClient, organizer: Member
) -> None:
    data = {"email": organizer.email, "password": organizer.password}
    response = client.post(
        "/login", data={**data, "next": "/campaigns/mercy/"}, follow_redirects=False
    )
    assert response.headers["location"] == "/campaigns/mercy/"
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = client.post("/login", data={**data, "next": hostile}, follow_redirects=False)
        assert response.headers["location"] == "/"


def test_a_wrong_password_and_an_unknown_account_fail_the_same_way(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    wrong = client.post("/login", data={"email": organizer.email, "password": "not the password!"})
    unknown = client.post(
        "/login", data={"email": "nobody@example.org", "password": "not the password!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC_FAILURE in login_error(wrong)
    assert login_error(wrong) == login_error(unknown)
    assert client.cookies.get("rankfile_session") is None
    # The typed email is kept in the form, the password never is.
    soup = BeautifulSoup(wrong.text, "html.parser")
    assert soup.find(id="email")["value"] == organizer.email
    assert soup.find(id="password").get("value") is None
    assert ("anonymous", "login.failed") in audit_actions(engine)
    assert (organizer.email, "login.failed") in audit_actions(engine)


def test_session_cookie_flags_and_only_a_hash_is_stored(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    response = client.post(
        "/login",
        data={"email": organizer.email, "password": organizer.password},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("rankfile_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    token = client.cookies["rankfile_session"]
    assert len(token) >= 43  # 256 random bits, URL-safe
    with Session(engine) as session:
        stored = session.scalars(select(UserSession.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]
    assert stored[0] == accounts.keyed_hash(Settings(env="test"), token)


def test_production_cookie_is_secure_with_the_host_prefix(
    settings: Settings, organizer: Member
) -> None:
    production = settings.model_copy(update={"env": Environment.production, "secret_key": "k" * 48})
    with TestClient(
        create_app(production),
        base_url="https://testserver",
        headers={"Sec-Fetch-Site": "same-origin"},
    ) as secure_client:
        response = secure_client.post(
            "/login",
            data={"email": organizer.email, "password": organizer.password},
            follow_redirects=False,
        )
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-rankfile_session=")
        assert "Secure" in cookie
        assert "Strict-Transport-Security" in response.headers
        assert secure_client.get("/docs").status_code == 404


def test_every_login_starts_a_new_session(client: TestClient, organizer: Member) -> None:
    log_in(client, organizer)
    first = client.cookies["rankfile_session"]
    log_in(client, organizer)
    second = client.cookies["rankfile_session"]
    assert first != second
    use_token(client, first)
    assert client.get("/campaigns/mercy/", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    log_in(client, organizer)
    token = client.cookies["rankfile_session"]
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert response.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    # Replaying the old cookie does not work: the session row is gone.
    use_token(client, token)
    assert client.get("/campaigns/mercy/", follow_redirects=False).status_code == 303
    assert (organizer.email, "logout") in audit_actions(engine)


def test_logout_page_is_a_form_and_get_changes_nothing(
    client: TestClient, organizer: Member
) -> None:
    log_in(client, organizer)
    page = client.get("/logout")
    assert page.status_code == 200
    form = BeautifulSoup(page.text, "html.parser").find("main").find("form")
    assert form["method"] == "post"
    assert client.get("/campaigns/mercy/").status_code == 200  # still logged in


def test_a_disabled_users_session_stops_at_the_next_request(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    log_in(client, organizer)
    assert client.get("/campaigns/mercy/").status_code == 200
    with session_scope(engine) as session:
        accounts.disable(session=session, email=organizer.email, actor="cli:test")
    response = client.get("/campaigns/mercy/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    again = client.post("/login", data={"email": organizer.email, "password": organizer.password})
    assert again.status_code == 401
    assert GENERIC_FAILURE in login_error(again)


@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_sessions_expire(client: TestClient, organizer: Member, engine: Engine, limit: str) -> None:
    log_in(client, organizer)
    long_ago = utcnow() - dt.timedelta(days=2)
    column = {"idle": "last_seen_at", "absolute": "expires_at"}[limit]
    with session_scope(engine) as session:
        session.execute(update(UserSession).values({column: long_ago}))
    response = client.get("/campaigns/mercy/", follow_redirects=False)
    assert response.status_code == 303


def test_activity_keeps_a_session_alive(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    log_in(client, organizer)
    almost_idle = utcnow() - dt.timedelta(minutes=29)
    with session_scope(engine) as session:
        session.execute(update(UserSession).values(last_seen_at=almost_idle))
    assert client.get("/campaigns/mercy/").status_code == 200
    with Session(engine) as session:
        last_seen = session.scalar(select(UserSession.last_seen_at))
    assert last_seen is not None
    assert utcnow() - last_seen < dt.timedelta(minutes=1)


def test_too_many_failures_lock_the_account_even_with_the_right_password(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    for _ in range(5):
        assert (
            client.post(
                "/login", data={"email": organizer.email, "password": "wrong password!!"}
            ).status_code
            == 401
        )
    locked = client.post("/login", data={"email": organizer.email, "password": organizer.password})
    assert locked.status_code == 429
    assert "Too many failed attempts" in login_error(locked)
    assert (organizer.email, "login.throttled") in audit_actions(engine)


def test_the_throttle_holds_across_app_instances_sharing_a_database(
    settings: Settings, organizer: Member
) -> None:
    """Two workers (or hosts) share the limit: its state is in the database."""
    strict = settings.model_copy(update={"login_failures_per_address": 3})
    first, second = (
        TestClient(create_app(strict), headers={"Sec-Fetch-Site": "same-origin"}) for _ in range(2)
    )
    for n in range(3):
        first.post("/login", data={"email": f"guess{n}@example.org", "password": "wrong password!"})
    response = second.post(
        "/login", data={"email": organizer.email, "password": organizer.password}
    )
    assert response.status_code == 429


def test_a_successful_login_clears_the_accounts_failures(
    client: TestClient, organizer: Member
) -> None:
    for _ in range(4):
        client.post("/login", data={"email": organizer.email, "password": "wrong password!!"})
    log_in(client, organizer)
    client.cookies.clear()
    for _ in range(4):
        client.post("/login", data={"email": organizer.email, "password": "wrong password!!"})
    log_in(client, organizer)


def test_audit_events_never_hold_a_password(
    client: TestClient, organizer: Member, engine: Engine
) -> None:
    client.post("/login", data={"email": organizer.email, "password": "wrong password!!"})
    log_in(client, organizer)
    client.post("/logout")
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent)).all()
    assert {event.action for event in events} >= {"login.failed", "login", "logout"}
    dumped = repr([(event.actor, event.action, event.details) for event in events])
    assert organizer.password not in dumped
    assert "wrong password" not in dumped
    assert all(event.at.tzinfo is not None for event in events)


def test_htmx_requests_without_a_session_are_told_to_redirect(
    client: TestClient, organizer: Member
) -> None:
    response = client.get("/campaigns/mercy/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/login?next=/campaigns/mercy/"


def test_the_login_page_redirects_a_logged_in_user(client: TestClient, organizer: Member) -> None:
    log_in(client, organizer)
    response = client.get("/login", follow_redirects=False)
    assert response.status_code == 303
