"""The campaign's audit log page: admins only, the campaign's own events, newest first, paged.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, Role
from app.db import session_scope
from app.people.models import Coworker
from tests.factories import Factory, Member, log_in


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def table_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The audit table as when/who/what/details, in the page's order."""
    rows = []
    for tr in soup(response).select("table#audit tbody tr"):
        when, who, what, details = (td.get_text(strip=True) for td in tr.find_all("td"))
        rows.append({"when": when, "who": who, "what": what, "details": details})
    return rows


def older_link(response) -> str | None:  # type: ignore[no-untyped-def]
    link = soup(response).find("a", string=lambda text: bool(text and "Older events" in text))
    return None if link is None else str(link["href"])


def record(
    engine: Engine, campaign: Campaign | None, action: str, actor: str = "test", **details: object
) -> None:
    with session_scope(engine) as session:
        audit.record(
            session=session,
            actor=actor,
            action=action,
            campaign_id=campaign.id if campaign is not None else None,
            **details,
        )


def campaign_event_count(engine: Engine, campaign: Campaign) -> int:
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(col(AuditEvent.campaign_id) == campaign.id)
            )
            or 0
        )


@pytest.fixture
def mercy(factory: Factory) -> Campaign:
    return factory.campaign("Mercy Hospital", slug="mercy")


@pytest.fixture
def admin(factory: Factory, mercy: Campaign) -> Member:
    return factory.member(mercy, Role.admin)


@pytest.fixture
def people(factory: Factory, mercy: Campaign) -> list[Coworker]:
    return factory.coworkers(
        mercy,
        {"name": "Garcia, Maria", "department": "ICU", "shift": "Nights"},
        {"name": "Okafor, Ngozi", "department": "ICU", "shift": "Days"},
        {"name": "Smith, Jo", "department": "ER", "shift": "Days"},
    )


@pytest.fixture
def another_client(application) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A second browser, for a second person logged in at the same time."""
    with TestClient(
        application, base_url="http://testserver", headers={"Sec-Fetch-Site": "same-origin"}
    ) as test_client:
        yield test_client


def test_an_admin_sees_the_campaigns_events_newest_first(  # type: ignore[no-untyped-def]
    client: TestClient,
    another_client: TestClient,
    factory: Factory,
    engine: Engine,
    mercy: Campaign,
    admin: Member,
    people: list[Coworker],
) -> None:
    record(engine, mercy, "levels.update")
    # Real actions: the committee exports the roster, the admin deletes a coworker.
    committee = factory.member(mercy, Role.committee)
    log_in(another_client, committee)
    assert another_client.post("/campaigns/mercy/roster/export").status_code == 200
    log_in(client, admin)
    deleted = client.post(f"/campaigns/mercy/coworkers/{people[0].id}/delete")
    assert deleted.status_code == 200

    response = client.get("/campaigns/mercy/audit")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    rows = table_rows(response)
    assert [row["what"] for row in rows] == [
        "coworker.delete",
        "export",
        "membership.add",  # the committee member
        "levels.update",
        "membership.add",  # the admin
    ]
    delete, export = rows[0], rows[1]
    assert (delete["who"], delete["details"]) == (admin.email, f"coworker_id: {people[0].id}")
    assert export["who"] == committee.email
    assert "rows: 3" in export["details"]
    assert "what: roster" in export["details"]
    assert all(row["when"].endswith(" UTC") for row in rows)
    time = soup(response).select_one("table#audit time")
    assert time is not None
    assert str(time["datetime"]).endswith("Z")
    # Logins belong to no campaign: they are not this campaign's events.
    assert "login" not in [row["what"] for row in rows]
    # Never the deleted coworker's name.
    assert "Garcia" not in response.text
    assert older_link(response) is None
    # The admin's menu leads here.
    nav = soup(response).select_one('header nav a[href="/campaigns/mercy/audit"]')
    assert nav is not None
    assert nav.get("aria-current") == "page"


@pytest.mark.parametrize("role", [Role.committee, Role.organizer])
def test_the_committee_and_organizers_may_not_see_it(  # type: ignore[no-untyped-def]
    client: TestClient, factory: Factory, engine: Engine, mercy: Campaign, role: Role
) -> None:
    record(engine, mercy, "import", rows=7)
    log_in(client, factory.member(mercy, role))
    response = client.get("/campaigns/mercy/audit")
    assert response.status_code == 403
    assert "rows: 7" not in response.text
    home = client.get("/campaigns/mercy/")
    assert home.status_code == 200
    assert "/campaigns/mercy/audit" not in home.text


def test_another_campaigns_admin_gets_not_found(  # type: ignore[no-untyped-def]
    client: TestClient, factory: Factory, engine: Engine, mercy: Campaign
) -> None:
    record(engine, mercy, "import", rows=7)
    acme = factory.campaign("Acme", slug="acme")
    log_in(client, factory.member(acme, Role.admin))
    response = client.get("/campaigns/mercy/audit")
    assert response.status_code == 404
    assert "rows: 7" not in response.text


def test_another_campaigns_events_are_never_shown(  # type: ignore[no-untyped-def]
    client: TestClient, factory: Factory, engine: Engine, mercy: Campaign, admin: Member
) -> None:
    acme = factory.campaign("Acme", slug="acme")
    factory.member(acme, Role.admin, email=admin.email)  # admin of both campaigns
    record(engine, mercy, "import", rows=1)
    record(engine, acme, "export", rows=99, what="acme-only")
    record(engine, None, "user.password", user="someone@example.org")
    log_in(client, admin)

    mercy_rows = table_rows(client.get("/campaigns/mercy/audit"))
    assert [row["what"] for row in mercy_rows] == ["import", "membership.add"]
    assert all("acme-only" not in row["details"] for row in mercy_rows)

    acme_rows = table_rows(client.get("/campaigns/acme/audit"))
    assert [row["what"] for row in acme_rows] == ["export", "membership.add"]
    assert "user.password" not in [row["what"] for row in mercy_rows + acme_rows]


def test_a_hundred_events_a_page_and_a_plain_link_to_older_ones(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, mercy: Campaign, admin: Member
) -> None:
    existing = campaign_event_count(engine, mercy)  # the admin's membership
    with session_scope(engine) as session:
        for n in range(120 - existing):
            audit.record(
                session=session, actor="test", action=f"event.{n}", campaign_id=mercy.id, n=n
            )
    assert campaign_event_count(engine, mercy) == 120
    log_in(client, admin)

    first = client.get("/campaigns/mercy/audit")
    first_rows = table_rows(first)
    assert len(first_rows) == 100
    assert first_rows[0]["what"] == f"event.{120 - existing - 1}"  # the newest
    link = older_link(first)
    assert link is not None
    assert link.startswith("/campaigns/mercy/audit?before=")

    second = client.get(link)
    assert second.status_code == 200
    second_rows = table_rows(second)
    assert len(second_rows) == 20
    assert older_link(second) is None
    assert second_rows[-1]["what"] == "membership.add"  # the oldest
    numbers = [int(row["what"].split(".")[1]) for row in first_rows + second_rows[:-1]]
    assert numbers == list(reversed(range(120 - existing)))

    # Past the oldest: an empty page that says so, and a way back.
    with Session(engine) as session:
        oldest = session.scalar(
            select(func.min(AuditEvent.id)).where(col(AuditEvent.campaign_id) == mercy.id)
        )
    past = client.get(f"/campaigns/mercy/audit?before={oldest}")
    assert past.status_code == 200
    assert table_rows(past) == []
    assert "past the oldest" in past.text
    assert soup(past).select_one('.pages a[href="/campaigns/mercy/audit"]') is not None


def test_hostile_values_are_shown_as_text(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, mercy: Campaign, admin: Member
) -> None:
    hostile = "<script>alert(1)</script>"
    record(engine, mercy, "<b>bold</b>", actor=hostile, what=hostile, note='"><img src=x>')
    log_in(client, admin)
    response = client.get("/campaigns/mercy/audit")
    assert response.status_code == 200
    assert hostile not in response.text
    assert "<img src=x>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    page = soup(response)
    assert page.select("table#audit script, table#audit img, table#audit b") == []
    newest = table_rows(response)[0]
    assert newest["who"] == hostile
    assert newest["what"] == "<b>bold</b>"
    assert newest["details"] == f'what: {hostile}, note: "><img src=x>'
