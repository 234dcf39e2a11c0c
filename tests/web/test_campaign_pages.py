"""The list of campaigns and the campaign home: scope and the counts it shows."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.campaigns.models import Role
from tests.factories import Factory, log_in


def counts_on_page(html: str) -> dict[str, int]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        row["data-level"]: int(row.select_one("td.count").get_text())
        for row in soup.select("#level-counts tbody tr")
    }


def test_the_home_shows_headcount_and_every_level(client: TestClient, factory: Factory) -> None:
    campaign = factory.campaign(slug="mercy")
    factory.coworkers(
        campaign,
        {"name": "Ada", "department": "ICU", "shift": "Day", "current_level": 1},
        {"name": "Bo", "department": "ICU", "shift": "Night", "current_level": 2},
        {"name": "Cy", "department": "ER", "shift": "Day", "current_level": 2},
        {"name": "Di", "department": "ER", "shift": "Day", "current_level": 5},
        {"name": "Ed", "department": "ER", "shift": "Night"},
        {"name": "Flo", "department": "ER", "shift": "Night", "current_level": 2, "active": False},
    )
    log_in(client, factory.member(campaign, Role.organizer))
    response = client.get("/campaigns/mercy/")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#headcount").get_text() == "5"  # the departed one is not counted
    assert counts_on_page(response.text) == {
        "1": 1, "2": 2, "3": 0, "4": 0, "5": 1, "unassessed": 1,
    }  # fmt: skip
    shares = [cell.get_text() for cell in soup.select("#level-counts td.share")]
    assert shares == ["20.0%", "40.0%", "0.0%", "0.0%", "20.0%", "20.0%"]
    # Colour is never the only signal: each row names its level in words and number.
    first = soup.select_one('#level-counts tr[data-level="1"] th').get_text(" ", strip=True)
    assert first.startswith("1 Leader")
    # The campaign-wide headline every member sees: support over everyone, not the assessed.
    assert soup.select_one("#support strong").get_text() == "60.0%"
    assert soup.select_one("#assessed strong").get_text() == "80.0%"
    assert soup.select_one("#status").get_text(strip=True) == "majority"
    assert "none yet" in soup.select_one("#participation").get_text()


def test_an_empty_campaign_shows_zeros_not_errors(client: TestClient, factory: Factory) -> None:
    campaign = factory.campaign(slug="mercy")
    log_in(client, factory.member(campaign, Role.admin))
    response = client.get("/campaigns/mercy/")
    assert response.status_code == 200
    assert set(counts_on_page(response.text).values()) == {0}
    assert "–" in BeautifulSoup(response.text, "html.parser").select_one("td.share").get_text()


def test_another_campaigns_home_is_not_found(client: TestClient, factory: Factory) -> None:
    mine = factory.campaign("Mercy Hospital", slug="mercy")
    theirs = factory.campaign("St. Luke's", slug="st-lukes")
    factory.coworkers(theirs, {"name": "Secret Person", "department": "ICU", "current_level": 1})
    log_in(client, factory.member(mine, Role.admin))
    hidden = client.get("/campaigns/st-lukes/")
    missing = client.get("/campaigns/no-such-campaign/")
    assert hidden.status_code == missing.status_code == 404
    assert "St. Luke" not in hidden.text
    # The same page for "exists but not yours" and "does not exist": existence is not leaked.
    assert (
        BeautifulSoup(hidden.text, "html.parser").main
        == BeautifulSoup(missing.text, "html.parser").main
    )


def test_the_index_goes_straight_to_a_single_campaign(client: TestClient, factory: Factory) -> None:
    campaign = factory.campaign(slug="mercy")
    log_in(client, factory.member(campaign, Role.organizer))
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/campaigns/mercy/"


def test_the_index_lists_several_campaigns_with_the_role(
    client: TestClient, factory: Factory
) -> None:
    first = factory.campaign("Mercy Hospital", slug="mercy")
    second = factory.campaign("Acme Warehouse", slug="acme")
    factory.campaign("Not Mine", slug="not-mine")
    factory.member(first, Role.organizer, email="both@example.org")
    member = factory.member(second, Role.admin, email="both@example.org")
    log_in(client, member)
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    items = [li.get_text(" ", strip=True) for li in soup.select("ul.campaigns li")]
    assert items == ["Acme Warehouse (admin)", "Mercy Hospital (organizer)"]


def test_a_user_without_campaigns_is_told_what_to_do(client: TestClient, factory: Factory) -> None:
    campaign = factory.campaign(slug="mercy")
    member = factory.member(campaign, Role.organizer)
    with factory.engine.begin() as conn:
        from app.campaigns.models import Membership

        conn.execute(Membership.__table__.delete())  # type: ignore[attr-defined]
    log_in(client, member)
    assert "not a member of any campaign" in client.get("/").text


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_campaign_home(
    client: TestClient, factory: Factory, role: Role
) -> None:
    campaign = factory.campaign(slug="mercy")
    log_in(client, factory.member(campaign, role))
    response = client.get("/campaigns/mercy/")
    assert response.status_code == 200
    assert f"You are {role.value} in this campaign." in response.text
