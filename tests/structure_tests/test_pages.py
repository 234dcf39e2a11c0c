"""Structure test pages: the ladder, participation per unit, the phone checklist, results from
paper, the lists (CSV, XLSX, printable sheet), their audit events, and readiness's participation.

Every test runs on SQLite and on PostgreSQL. The numbers are the hand-worked ones of conftest.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from app.campaigns.models import Campaign, Role
from app.db import session_scope
from app.people.roster import csv_lines, neutralise, unneutralise
from app.structure_tests import service as structure_tests
from app.structure_tests.models import StructureTestResult
from tests.factories import Factory, Member, log_in
from tests.structure_tests.conftest import (
    ACTIVE,
    CONTACT_HEADER,
    EMAILS,
    LIST_HEADER,
    NOBODY,
    PETITION_DATE,
    TODAY,
    Mercy,
    Person,
    add_test,
    audit_events,
    count_tests,
    expected_rows,
    raw_csv,
    read_csv,
    read_xlsx,
    stored_results,
    stored_test,
)

TESTS = "/campaigns/mercy/structure-tests"
PETITION = f"{TESTS}/majority-petition"
HTMX = {"HX-Request": "true", "HX-Boosted": "true"}  # as a tap in a boosted <main> sends it
MAX_TAP_BYTES = 5 * 1024


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def participation_table(response: Any) -> list[tuple[str, ...]]:
    """Each row of the page's participation table: unit, people, took part, declined, not
    reached, participation, goal."""
    table = soup(response).select_one("table#participation")
    assert table is not None, "no participation table on the page"
    return [
        tuple(cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"]))
        for row in table.select("tbody tr")
    ]


def checklist_names(response: Any) -> list[str]:
    return [
        span.get_text(strip=True) for span in soup(response).select("li.result-row .coworker-name")
    ]


def counts_of(html: BeautifulSoup | Any) -> tuple[int, int, int]:
    node = html if isinstance(html, BeautifulSoup) else soup(html)
    line = node.select_one("#checklist-counts")
    assert line is not None
    took, declined, not_reached = (int(s.get_text()) for s in line.select("strong"))
    return took, declined, not_reached


def option_value(response: Any, select_id: str, label: str) -> str:
    for option in soup(response).select(f"select#{select_id} option"):
        if option.get_text(strip=True) == label:
            return str(option["value"])
    raise AssertionError(f"no option {label!r} in #{select_id}")


def results_by_name(engine: Engine, mercy: Mercy, slug: str = "majority-petition") -> dict:
    names = {coworker_id: name for name, coworker_id in mercy.ids.items()}
    return {names.get(cid, cid): result for cid, result in stored_results(engine, slug).items()}


def export(client: TestClient, **form: str) -> Any:
    return client.post(f"{PETITION}/export", data=form)


# -- planning a test ---------------------------------------------------------------------------


def test_a_new_test_goal_defaults_to_the_supermajority_threshold(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Campaign)
            .where(col(Campaign.id) == mercy.campaign.id)
            .values(supermajority_threshold=66.5)
        )
    log_in(client, mercy.committee)
    page = client.get(TESTS)
    assert page.status_code == 200
    assert soup(page).select_one("input#goal")["value"] == "66.5"  # the form says so up front
    kinds = [o["value"] for o in soup(page).select("select#kind option")]
    assert kinds == [
        "petition", "survey", "sticker-day", "public-letter", "march-on-boss", "strike-pledge",
        "strike-vote", "other",
    ]  # fmt: skip

    for goal in ({"goal": ""}, {}):  # an emptied field, or none at all
        response = client.post(
            TESTS,
            data={"name": "Sticker day", "kind": "sticker-day",
                  "date": (TODAY + dt.timedelta(days=7)).isoformat(),
                  "description": "Everyone wears the button", **goal},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text
    first, second = stored_test(engine, "sticker-day"), stored_test(engine, "sticker-day-2")
    assert response.headers["location"] == f"{TESTS}/sticker-day-2"
    for test in (first, second):
        assert (test.kind, test.goal_pct, test.description) == (
            "sticker-day",
            66.5,
            "Everyone wears the button",
        )
        assert test.held_on == TODAY + dt.timedelta(days=7)
    events = audit_events(engine, "structure_test.create")
    assert [(e.actor, e.details["test"]) for e in events] == [
        ("cam@example.org", "sticker-day"),
        ("cam@example.org", "sticker-day-2"),
    ]
    page = client.get(f"{TESTS}/sticker-day")
    assert "goal 66.5%" in soup(page).select_one("hgroup").get_text(" ", strip=True)


def test_a_given_goal_is_kept(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    log_in(client, mercy.admin)
    response = client.post(
        TESTS,
        data={"name": "Strike vote", "kind": "strike-vote", "date": "2027-01-15", "goal": "85.5"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert stored_test(engine, "strike-vote").goal_pct == 85.5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-13-01"}, "date must be a date like 2026-11-27, not '2026-13-01'"),
        ({"date": "27/11/2026"}, "date must be a date like 2026-11-27"),
        ({"date": ""}, "date must be a date like 2026-11-27"),
        ({"kind": "rally"}, "unknown kind 'rally': use one of petition, survey, sticker-day"),
        ({"goal": "150"}, "goal must be between 0 and 100"),
        ({"goal": "lots"}, "goal must be a percentage, not 'lots'"),
        ({"name": "   "}, "name must be 1 to 200 characters"),
    ],
)
def test_bad_input_answers_422_with_its_message_and_creates_nothing(
    client: TestClient, mercy: Mercy, engine: Engine, changes: dict[str, str], message: str
) -> None:
    log_in(client, mercy.committee)
    form = {"name": "Issue survey", "kind": "survey", "date": "2026-12-01", "goal": "60"}
    response = client.post(TESTS, data={**form, **changes})
    assert response.status_code == 422
    alert = soup(response).select_one("section .error[role=alert]")
    assert alert is not None
    assert message in alert.get_text()
    # What was typed is kept, so that it can be fixed.
    assert soup(response).select_one("input#goal")["value"] == {**form, **changes}["goal"]
    assert count_tests(engine) == 1  # the petition only
    assert audit_events(engine, "structure_test.create") == []


@pytest.mark.parametrize(("who", "status"), [("olu", 403), ("outsider", 404)])
def test_only_the_committee_and_admins_plan_tests(
    client: TestClient, mercy: Mercy, engine: Engine, who: str, status: int
) -> None:
    log_in(client, getattr(mercy, who))
    response = client.post(TESTS, data={"name": "Survey", "kind": "survey", "date": "2026-12-01"})
    assert response.status_code == status
    assert count_tests(engine) == 1
    if who == "olu":
        assert soup(client.get(TESTS)).select_one("form[action$='/structure-tests']") is None


# -- the ladder --------------------------------------------------------------------------------


def ladder(response: Any) -> list[tuple[str, str]]:
    return [
        (
            item.select_one("a.test-name").get_text(strip=True),
            item.get_text(" ", strip=True),
        )
        for item in soup(response).select("ol.ladder > li")
    ]


def test_the_ladder_is_ordered_by_date_with_participation(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    # Created out of order: the ladder follows the dates, not the creation.
    add_test(engine, mercy.campaign, "Issue survey", PETITION_DATE - dt.timedelta(days=20),
             {mercy.id_of("Smith, John"): "took_part"}, kind="survey")  # fmt: skip
    add_test(engine, mercy.campaign, "March on the boss", TODAY + dt.timedelta(days=30),
             kind="march-on-boss", goal=90)  # fmt: skip
    add_test(engine, mercy.campaign, "One-on-ones", PETITION_DATE - dt.timedelta(days=40),
             kind="other", goal=50)  # fmt: skip
    log_in(client, mercy.committee)
    rungs = ladder(client.get(TESTS))
    assert [name for name, _text in rungs] == [
        "One-on-ones",
        "Issue survey",
        "Majority petition",
        "March on the boss",
    ]
    texts = dict(rungs)
    # Everyone active counts: 8 (the departed coworker's "took part" counts nowhere).
    assert "Took part: 75.0% (6 / 8) ✓ goal reached" in texts["Majority petition"]
    assert f"{PETITION_DATE} · petition · goal 70.0%" in texts["Majority petition"]
    assert "Took part: 12.5% (1 / 8)" in texts["Issue survey"]
    assert "goal reached" not in texts["Issue survey"]
    assert "Took part: 0.0% (0 / 8)" in texts["March on the boss"]
    assert "goal 90.0%" in texts["March on the boss"]

    # An organizer's ladder counts their own list only: Chen, Garcia, Okafor.
    client.cookies.clear()
    log_in(client, mercy.olu)
    texts = dict(ladder(client.get(TESTS)))
    assert "Took part: 100.0% (3 / 3)" in texts["Majority petition"]
    assert "Took part: 0.0% (0 / 3)" in texts["Issue survey"]
    client.cookies.clear()
    log_in(client, mercy.ola)
    texts = dict(ladder(client.get(TESTS)))
    assert "Took part: 66.7% (2 / 3)" in texts["Majority petition"]


def test_an_empty_ladder_says_so(client: TestClient, factory: Factory) -> None:
    campaign = factory.campaign("Empty", slug="empty")
    member = factory.member(campaign, email="e@example.org")
    log_in(client, member)
    response = client.get("/campaigns/empty/structure-tests")
    assert response.status_code == 200
    assert "No structure test yet." in response.text


def test_an_unknown_test_is_not_found(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    add_test(engine, mercy.other, "Acme petition", TODAY)
    log_in(client, mercy.committee)
    assert client.get(f"{TESTS}/nope").status_code == 404
    # Another campaign's test is not reachable through this campaign's address either.
    assert client.get(f"{TESTS}/acme-petition").status_code == 404
    assert client.get(f"{TESTS}/acme-petition/record").status_code == 404
    client.cookies.clear()
    log_in(client, mercy.outsider)
    assert client.get(PETITION).status_code == 404
    assert client.get(f"{PETITION}/record").status_code == 404


# -- participation per unit --------------------------------------------------------------------

BY_DEPARTMENT = [
    ("Emergency", "3", "2", "0", "1", "66.7%", "✗ not yet"),
    ("ICU", "3", "3", "0", "0", "100.0%", "✓ reached"),
    ("Pharmacy", "2", "1", "1", "0", "50.0%", "✗ not yet"),
    ("All", "8", "6", "1", "1", "75.0%", "✓ reached"),
]
BY_SHIFT = [
    ("Day", "5", "5", "0", "0", "100.0%", "✓ reached"),
    ("Night", "3", "1", "1", "1", "33.3%", "✗ not yet"),
    ("All", "8", "6", "1", "1", "75.0%", "✓ reached"),
]
BY_CELL = [
    ("Emergency / Day", "2", "2", "0", "0", "100.0%", "✓ reached"),
    ("Emergency / Night", "1", "0", "0", "1", "0.0%", "✗ not yet"),
    ("ICU / Day", "2", "2", "0", "0", "100.0%", "✓ reached"),
    ("ICU / Night", "1", "1", "0", "0", "100.0%", "✓ reached"),
    ("Pharmacy / Day", "1", "1", "0", "0", "100.0%", "✓ reached"),
    ("Pharmacy / Night", "1", "0", "1", "0", "0.0%", "✗ not yet"),
    ("All", "8", "6", "1", "1", "75.0%", "✓ reached"),
]


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("department", BY_DEPARTMENT),
        ("shift", BY_SHIFT),
        ("unit", BY_CELL),
        ("nonsense", BY_DEPARTMENT),
    ],
)
def test_participation_per_unit_by_hand(
    client: TestClient, mercy: Mercy, by: str, expected: list[tuple[str, ...]]
) -> None:
    log_in(client, mercy.committee)
    response = client.get(PETITION, params={"by": by})
    assert response.status_code == 200
    assert participation_table(response) == expected
    total = soup(response).select("table#participation tbody tr")[-1]
    assert "total" in total["class"]


def test_at_the_goal_is_reached(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    """Pharmacy, 1 of 2, against a goal of exactly 50%."""
    results = {mercy.id_of(p.name): p.result for p in ACTIVE if p.result}
    add_test(engine, mercy.campaign, "Half", TODAY, results, goal=50)  # type: ignore[arg-type]
    log_in(client, mercy.committee)
    rows = {row[0]: row for row in participation_table(client.get(f"{TESTS}/half"))}
    assert rows["Pharmacy"][5:] == ("50.0%", "✓ reached")
    assert rows["Emergency"][5:] == ("66.7%", "✓ reached")


def test_a_unit_without_results_has_zero_participation_not_nothing(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Survey", TODAY, kind="survey")
    log_in(client, mercy.admin)
    rows = participation_table(client.get(f"{TESTS}/survey"))
    assert rows[-1] == ("All", "8", "0", "0", "8", "0.0%", "✗ not yet")


def test_exactly_at_a_decimal_goal_is_reached(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    campaign = factory.campaign("Big", slug="big")
    member = factory.member(campaign, email="big-committee@example.org", role=Role.committee)
    created = factory.coworkers(
        campaign, *({"name": f"Person {n:03d}", "department": "Ward"} for n in range(125))
    )
    add_test(engine, campaign, "Petition", TODAY,
             {c.id: "took_part" for c in created[:26]}, goal=20.8)  # type: ignore[misc]  # fmt: skip
    log_in(client, member)
    rows = participation_table(client.get("/campaigns/big/structure-tests/petition"))
    assert rows[-1][5:] == ("20.8%", "✓ reached")
    assert "goal reached" in client.get("/campaigns/big/structure-tests").text


def test_an_organizer_sees_their_own_participation_but_no_unit_table_or_lists(
    client: TestClient, mercy: Mercy
) -> None:
    log_in(client, mercy.ola)
    response = client.get(PETITION)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("table#participation") is None
    assert page.select_one("form[action$='/export']") is None
    assert page.select_one("form[action$='/import']") is None
    assert "Your list: 66.7% took part (2 / 3), 1 declined." in page.get_text(" ", strip=True)


# -- the phone checklist -----------------------------------------------------------------------


def test_an_organizer_checklist_is_exactly_their_active_list(
    client: TestClient, mercy: Mercy
) -> None:
    log_in(client, mercy.olu)
    response = client.get(f"{PETITION}/record")
    assert response.status_code == 200
    # Gone, Long departed: not on the list. Smith and Ahmed belong to others.
    assert checklist_names(response) == ["Chen, Wei", "Garcia, Maria", "Okafor, Ngozi"]
    assert counts_of(response) == (3, 0, 0)
    assert "All 3 shown took part" in response.text


def test_the_committee_checklist_is_everyone_active_with_results(
    client: TestClient, mercy: Mercy
) -> None:
    log_in(client, mercy.committee)
    response = client.get(f"{PETITION}/record")
    assert checklist_names(response) == sorted(p.name for p in ACTIVE)
    assert counts_of(response) == (6, 1, 1)
    pressed = {
        row.select_one(".coworker-name").get_text(strip=True): row.select_one(
            "button[aria-pressed=true]"
        )["value"]
        for row in soup(response).select("li.result-row")
    }
    assert pressed["Brown, Lee"] == "declined"
    assert pressed["Smith, John"] == "not_reached"
    assert pressed["Garcia, Maria"] == "took_part"
    icu = option_value(response, "department", "ICU")
    night = option_value(response, "shift", "Night")
    narrowed = client.get(f"{PETITION}/record", params={"department": icu, "shift": night})
    assert checklist_names(narrowed) == ["Garcia, Maria"]
    assert counts_of(narrowed) == (1, 0, 0)
    searched = client.get(f"{PETITION}/record", params={"q": "an"})
    assert checklist_names(searched) == ["Diaz, Ana", "Evans, Kim"]  # name only, any case
    # Three characters or more go through the search index: the same rules, the same counts.
    searched = client.get(f"{PETITION}/record", params={"q": "VANS"})
    assert checklist_names(searched) == ["Evans, Kim"]
    assert counts_of(searched) == (1, 0, 0)
    assert checklist_names(client.get(f"{PETITION}/record", params={"q": "pharmacy"})) == []
    assert checklist_names(client.get(f"{PETITION}/record", params={"q": "gone"})) == []


@pytest.mark.parametrize("target", ["Smith, John", "Ahmed, Sara", "stranger"])
def test_an_organizer_cannot_record_for_someone_not_on_their_list(
    client: TestClient, mercy: Mercy, engine: Engine, target: str
) -> None:
    before = stored_results(engine, mercy.petition)
    coworker_id = mercy.other_coworker_id if target == "stranger" else mercy.id_of(target)
    log_in(client, mercy.olu)
    for headers in ({}, HTMX):
        response = client.post(
            f"{PETITION}/results",
            data={"coworker": str(coworker_id), "result": "declined"},
            headers=headers,
            follow_redirects=False,
        )
        assert response.status_code == 422
        assert "no coworker of yours was chosen" in response.text
    assert stored_results(engine, mercy.petition) == before


def test_a_post_that_names_someone_else_among_ones_own_records_nothing(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    before = stored_results(engine, mercy.petition)
    log_in(client, mercy.olu)
    response = client.post(
        f"{PETITION}/results",
        data={"coworker": [str(mercy.id_of("Garcia, Maria")), str(mercy.id_of("Smith, John"))],
              "result": "declined"},
        follow_redirects=False,
    )  # fmt: skip
    assert stored_results(engine, mercy.petition) == before
    assert response.status_code == 422


def test_the_committee_records_for_anyone(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    log_in(client, mercy.committee)
    response = client.post(
        f"{PETITION}/results",
        data={"coworker": str(mercy.id_of("Smith, John")), "result": "took_part"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{PETITION}/record"
    assert results_by_name(engine, mercy)["Smith, John"] == "took_part"
    with Session(engine) as session:
        row = session.scalars(
            select(StructureTestResult).where(
                col(StructureTestResult.coworker_id) == mercy.id_of("Smith, John")
            )
        ).one()
    assert row.recorded_by_id == mercy.committee.user.id


def test_an_organizer_records_for_their_own(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.olu)
    response = client.post(
        f"{PETITION}/results",
        data={"coworker": str(mercy.id_of("Chen, Wei")), "result": "declined"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert results_by_name(engine, mercy)["Chen, Wei"] == "declined"


def test_a_tap_with_htmx_returns_the_row_and_the_counts_only(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    smith = mercy.id_of("Smith, John")
    response = client.post(
        f"{PETITION}/results",
        data={"coworker": str(smith), "result": "declined"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert len(response.content) < MAX_TAP_BYTES, len(response.content)
    fragment = soup(response)
    assert fragment.select_one("html, header, main, nav") is None  # not a page
    rows = fragment.select("li.result-row")
    assert [row["id"] for row in rows] == [f"result-{smith}"]
    assert rows[0].select_one("button[aria-pressed=true]")["value"] == "declined"
    assert "declined" in rows[0].select_one(".result-now").get_text()
    counts = fragment.select_one("#checklist-counts")
    assert counts["hx-swap-oob"] == "true"
    assert counts_of(fragment) == (6, 2, 0)
    assert results_by_name(engine, mercy)["Smith, John"] == "declined"


def test_a_tap_keeps_the_filters_in_the_counts_and_the_redirect(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    page = client.get(f"{PETITION}/record")
    emergency = option_value(page, "department", "Emergency")
    query = f"department={emergency}&q=smith"
    form = soup(client.get(f"{PETITION}/record?{query}")).select_one("li.result-row form")
    assert form["action"] == f"{PETITION}/results?{query}"

    # Without JavaScript: a plain POST, then back to the same filtered checklist.
    response = client.post(
        form["action"],
        data={"coworker": str(mercy.id_of("Smith, John")), "result": "took part"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{PETITION}/record?{query}"
    after = client.get(response.headers["location"])
    assert checklist_names(after) == ["Smith, John"]
    assert counts_of(after) == (1, 0, 0)

    # With htmx: the counts are those of the filtered checklist.
    response = client.post(
        form["action"],
        data={"coworker": str(mercy.id_of("Smith, John")), "result": "not_reached"},
        headers=HTMX,
    )
    assert counts_of(response) == (0, 0, 1)


def test_not_reached_deletes_the_result(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    log_in(client, mercy.committee)
    for word in ("not_reached", "not reached"):
        response = client.post(
            f"{PETITION}/results",
            data={"coworker": str(mercy.id_of("Brown, Lee")), "result": word},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "Brown, Lee" not in results_by_name(engine, mercy)
    with Session(engine) as session:
        assert (
            mercy.id_of("Brown, Lee")
            not in session.scalars(select(StructureTestResult.coworker_id)).all()
        )


def test_a_bad_result_word_is_refused(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    before = stored_results(engine, mercy.petition)
    log_in(client, mercy.committee)
    response = client.post(
        f"{PETITION}/results",
        data={"coworker": str(mercy.id_of("Smith, John")), "result": "maybe"},
    )
    assert response.status_code == 422
    assert "result must be took part, declined or not reached" in response.text
    assert stored_results(engine, mercy.petition) == before


@pytest.mark.parametrize("role", ["olu", "committee"])
def test_all_shown_took_part_records_exactly_the_shown_ones(
    client: TestClient, mercy: Mercy, engine: Engine, role: str
) -> None:
    add_test(engine, mercy.campaign, "Sticker day", TODAY, kind="sticker-day")
    log_in(client, getattr(mercy, role))
    page = client.get(f"{TESTS}/sticker-day/record")
    icu = option_value(page, "department", "ICU")
    shown = client.get(f"{TESTS}/sticker-day/record", params={"department": icu})
    expected = sorted(
        p.name
        for p in ACTIVE
        if p.department == "ICU" and (role == "committee" or p.organizer == "olu")
    )
    assert checklist_names(shown) == expected
    bulk = soup(shown).select_one("#checklist > form")
    ids = [field["value"] for field in bulk.select("input[name=coworker]")]
    assert sorted(ids) == sorted(str(mercy.id_of(name)) for name in expected)
    button = bulk.select_one("button")
    assert button.get_text(strip=True) == f"All {len(expected)} shown took part"

    response = client.post(
        bulk["action"], data={"coworker": ids, button["name"]: button["value"]}, headers=HTMX
    )
    assert response.status_code == 200
    section = soup(response).select_one("section#checklist")
    assert section is not None
    assert counts_of(soup(response)) == (len(expected), 0, 0)
    assert len(response.content) < 20 * 1024
    assert results_by_name(engine, mercy, "sticker-day") == dict.fromkeys(expected, "took_part")


def test_a_tap_on_a_departed_coworker_records_nothing(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Sticker day", TODAY, kind="sticker-day")
    log_in(client, mercy.committee)
    response = client.post(
        f"{TESTS}/sticker-day/results",
        data={"coworker": str(mercy.id_of("Gone, Long")), "result": "took_part"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert results_by_name(engine, mercy, "sticker-day") == {}


def test_a_boosted_navigation_to_the_checklist_gets_the_whole_page(
    client: TestClient, mercy: Mercy
) -> None:
    log_in(client, mercy.committee)
    response = client.get(f"{PETITION}/record", headers=HTMX)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("form.filters") is not None
    assert page.select_one("h1").get_text(strip=True) == "Majority petition"


# -- results from paper ------------------------------------------------------------------------


def upload(client: TestClient, text: str, slug: str = "majority-petition") -> Any:
    return client.post(
        f"{TESTS}/{slug}/import",
        files={"file": ("results.csv", text.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )


def problems_of(response: Any) -> list[str]:
    box = soup(response).select_one("#import-problems")
    assert box is not None
    return [item.get_text(strip=True) for item in box.select("li")]


def test_results_by_employee_id_with_every_result_word(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Survey", TODAY, {mercy.id_of("Brown, Lee"): "took_part"},
             kind="survey")  # fmt: skip
    log_in(client, mercy.committee)
    text = (
        "Employee ID,Result\r\n"
        "E001,took part\r\nE002,YES\r\nE003,y\r\nE004,1\r\n"
        "E005,declined\r\nE006,not reached\r\nE007,No\r\n"
    )
    response = upload(client, text, "survey")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{TESTS}/survey?recorded=7"
    assert results_by_name(engine, mercy, "survey") == {
        "Garcia, Maria": "took_part",
        "Okafor, Ngozi": "took_part",
        "Chen, Wei": "took_part",
        "Smith, John": "took_part",
        "Ahmed, Sara": "declined",
        "Diaz, Ana": "declined",
    }  # Brown's earlier result is gone: "not reached" deletes it
    assert "Recorded 7 results." in client.get(response.headers["location"]).text
    (event,) = audit_events(engine, "structure_test.record")
    assert (event.actor, event.details) == ("cam@example.org", {"test": "survey", "rows": 7})


def test_results_by_name_and_department(client: TestClient, mercy: Mercy, engine: Engine) -> None:
    add_test(engine, mercy.campaign, "Survey", TODAY, kind="survey")
    log_in(client, mercy.admin)
    text = (
        "name,department,result\n"
        '"Garcia, Maria",icu,took part\n'
        '"SMITH, JOHN",Emergency,declined\n'
        '"Evans, Kim",Emergency,\n'  # empty: not reached
    )
    response = upload(client, text, "survey")
    assert response.status_code == 303, response.text
    assert results_by_name(engine, mercy, "survey") == {
        "Garcia, Maria": "took_part",
        "Smith, John": "declined",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("employee id,result\nE001,yes\nE999,yes\n",
         "row 3, column 'employee id': no coworker with id 'E999'"),
        ("employee id,result\nE001,yes\nE002,perhaps\n",
         "row 3, column 'result': result must be took part, declined or not reached, "
         "not 'perhaps'"),
        ("name,department,result\n\"Garcia, Maria\",ICU,yes\nNobody,ICU,yes\n",
         "row 3, column 'name': no coworker named 'Nobody' in 'ICU'"),
        ("name,department,result\n\"Garcia, Maria\",Pharmacy,yes\n",
         "row 2, column 'name': no coworker named 'Garcia, Maria' in 'Pharmacy'"),
        ("employee id,result\nE001,yes\nE999,yes\nE002,maybe\n",
         "row 4, column 'result'"),  # every problem is listed, not just the first
        ("name,result\nGarcia,yes\n",
         "row 1: no employee id column, and no name and department columns"),
        ("employee id\nE001\n", "row 1: no result column"),
        ("employee id,result\n", "the file has a header row but no results"),
    ],
)  # fmt: skip
def test_a_bad_results_file_names_row_and_column_and_records_nothing(
    client: TestClient, mercy: Mercy, engine: Engine, text: str, problem: str
) -> None:
    before = stored_results(engine, mercy.petition)
    log_in(client, mercy.committee)
    response = upload(client, text)
    assert response.status_code == 422
    assert "Nothing was recorded" in response.text
    assert any(problem in line for line in problems_of(response)), problems_of(response)
    assert stored_results(engine, mercy.petition) == before
    assert audit_events(engine, "structure_test.record") == []


def test_an_ambiguous_name_asks_for_an_employee_id(
    client: TestClient, mercy: Mercy, engine: Engine, factory: Factory
) -> None:
    factory.coworkers(
        mercy.campaign,
        {"name": "Lee, Sam", "department": "Pharmacy", "shift": "Day"},
        {"name": "Lee, Sam", "department": "Pharmacy", "shift": "Night"},
    )
    before = stored_results(engine, mercy.petition)
    log_in(client, mercy.committee)
    response = upload(client, "name,department,result\n\"Garcia, Maria\",ICU,no\n"
                              "\"Lee, Sam\",Pharmacy,yes\n")  # fmt: skip
    assert response.status_code == 422
    assert problems_of(response) == [
        "row 3, column 'name': 2 coworkers named 'Lee, Sam' in 'Pharmacy' (add an employee id "
        "column)"
    ]
    assert stored_results(engine, mercy.petition) == before


def test_the_same_coworker_twice_is_refused(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    before = stored_results(engine, mercy.petition)
    log_in(client, mercy.committee)
    response = upload(client, "employee id,name,department,result\nE001,,,yes\n"
                              ",\"Garcia, Maria\",ICU,no\n")  # fmt: skip
    assert response.status_code == 422
    (problem,) = problems_of(response)
    assert problem.startswith("row 3")
    assert "row 2" in problem
    assert stored_results(engine, mercy.petition) == before


def test_the_same_coworker_twice_names_the_column(client: TestClient, mercy: Mercy) -> None:
    log_in(client, mercy.committee)
    response = upload(client, "employee id,result\nE001,yes\nE001,no\n")
    (problem,) = problems_of(response)
    assert problem.startswith("row 3, column 'employee id': ")


def test_another_campaigns_employee_id_is_unknown(client: TestClient, mercy: Mercy) -> None:
    """E001 exists in Acme too; here it is Garcia, and Acme's people are never matched."""
    log_in(client, mercy.committee)
    response = upload(client, "employee id,result\nE001,declined\n")
    assert response.status_code == 303


@pytest.mark.parametrize(("who", "status"), [("olu", 403), ("outsider", 404)])
def test_only_the_committee_and_admins_upload_results(
    client: TestClient, mercy: Mercy, engine: Engine, who: str, status: int
) -> None:
    before = stored_results(engine, mercy.petition)
    log_in(client, getattr(mercy, who))
    assert upload(client, "employee id,result\nE004,yes\n").status_code == status
    assert stored_results(engine, mercy.petition) == before


# -- the lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["committee", "admin"])
def test_the_csv_list_reads_back_as_the_database_holds_it(
    client: TestClient, mercy: Mercy, engine: Engine, role: str
) -> None:
    log_in(client, getattr(mercy, role))
    response = export(client, only="all", by="department", contacts="on", format="csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="mercy-majority-petition-\d{4}-\d{2}-\d{2}\.csv"', disposition
    )
    rows = read_csv(response.content)
    assert rows[0] == LIST_HEADER + CONTACT_HEADER
    assert rows[1:] == expected_rows()
    assert "Gone, Long" not in response.text


def test_the_xlsx_list_reads_back_as_the_csv_does(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    response = export(client, only="all", by="department", contacts="on", format="xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith('.xlsx"')
    rows, types = read_xlsx(response.content)
    assert rows == [LIST_HEADER + CONTACT_HEADER, *expected_rows()]
    assert set(types) == {"s"}
    csv_rows = read_csv(export(client, only="all", contacts="on", format="csv").content)
    assert rows == csv_rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_lists_match_the_participation_the_page_shows(
    client: TestClient, mercy: Mercy, file_format: str
) -> None:
    log_in(client, mercy.committee)
    response = export(client, only="all", by="department", format=file_format)
    rows = read_csv(response.content) if file_format == "csv" else read_xlsx(response.content)[0]
    counted: dict[str, list[int]] = {}
    for row in rows[1:]:
        counts = counted.setdefault(row[2], [0, 0, 0, 0])
        counts[0] += 1
        counts[1 + ["took part", "declined", "not reached"].index(row[6])] += 1
    shown = {
        unit: [int(people), int(took), int(declined), int(not_reached)]
        for unit, people, took, declined, not_reached, _pct, _goal in participation_table(
            client.get(PETITION)
        )
        if unit != "All"
    }
    assert counted == shown


def test_the_not_reached_list_by_organizer_without_contacts(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    # One more not reached in each organizer's list, and one without an organizer.
    with session_scope(engine) as session:
        session.execute(
            StructureTestResult.__table__.delete().where(  # type: ignore[attr-defined]
                col(StructureTestResult.coworker_id).in_(
                    [mercy.id_of("Okafor, Ngozi"), mercy.id_of("Brown, Lee")]
                )
            )
        )
    results = {"Okafor, Ngozi": None, "Brown, Lee": None}
    log_in(client, mercy.committee)
    response = export(client, only="not-reached", by="organizer", format="csv")
    rows = read_csv(response.content)
    assert rows[0] == LIST_HEADER  # no phone, no email
    expected = expected_rows(by="organizer", only_not_reached=True, contacts=False,
                             results=results)  # fmt: skip
    assert rows[1:] == expected
    assert [row[0] for row in rows[1:]] == [NOBODY, EMAILS["ola"], EMAILS["olu"]]
    assert [row[1] for row in rows[1:]] == ["Smith, John", "Brown, Lee", "Okafor, Ngozi"]
    assert all(row[6] == "not reached" for row in rows[1:])
    assert "+1 555 0100" not in response.text
    assert "js@example.net" not in response.text


def test_the_web_list_defaults_to_not_reached_by_department_without_contacts(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    response = export(client)
    rows = read_csv(response.content)
    assert rows == [LIST_HEADER, *expected_rows(only_not_reached=True, contacts=False)]
    (event,) = audit_events(engine, "export")
    assert event.details == {
        "test": "majority-petition", "format": "csv", "only": "not-reached",
        "by": "department", "contacts": False, "rows": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"format": "pdf"}, "format must be csv or xlsx, not 'pdf'"),
        ({"by": "shift"}, "by must be department or organizer, not 'shift'"),
    ],
)
def test_a_bad_list_option_is_refused_and_not_audited(
    client: TestClient, mercy: Mercy, engine: Engine, form: dict[str, str], message: str
) -> None:
    log_in(client, mercy.committee)
    response = export(client, **form)
    assert response.status_code == 422
    assert message in soup(response).get_text()
    assert audit_events(engine, "export") == []


@pytest.mark.parametrize(("who", "status"), [("olu", 403), ("outsider", 404)])
@pytest.mark.parametrize("what", ["export", "sheet"])
def test_only_the_committee_and_admins_export(
    client: TestClient, mercy: Mercy, engine: Engine, who: str, status: int, what: str
) -> None:
    log_in(client, getattr(mercy, who))
    response = client.post(f"{PETITION}/{what}", data={"only": "all", "contacts": "on"})
    assert response.status_code == status
    assert "Garcia" not in response.text
    assert audit_events(engine, "export") == []


FORMULA_NAMES = ("=cmd|' /C calc'!A0", "+1", "@x", "-y", "\tTab", '=HYPERLINK("http://x","y")')


def test_formula_looking_cells_are_neutralised_in_csv_and_text_in_xlsx(
    client: TestClient, mercy: Mercy, factory: Factory
) -> None:
    factory.coworkers(
        mercy.campaign,
        *(
            {"name": name, "department": "=Ward", "shift": "@Night", "phone": "+1 555 0199",
             "email": "-me@example.net"}
            for name in FORMULA_NAMES
        ),
    )  # fmt: skip
    log_in(client, mercy.committee)
    raw = raw_csv(export(client, only="not-reached", contacts="on", format="csv").content)
    formula_rows = [row for row in raw if row[2] == "'=Ward"]
    assert sorted(row[1] for row in formula_rows) == sorted("'" + name for name in FORMULA_NAMES)
    for row in formula_rows:
        assert row[0] == "'=Ward"  # the group too
        assert row[3] == "'@Night"
        assert row[7:] == ["'+1 555 0199", "'-me@example.net"]
    for row in raw:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    people = tuple(
        Person(name, "=Ward", "@Night", None, None, None, "+1 555 0199", "-me@example.net")
        for name in FORMULA_NAMES
    )
    expected = expected_rows(ACTIVE + people, only_not_reached=True)
    assert (
        read_csv(export(client, only="not-reached", contacts="on", format="csv").content)[1:]
        == expected
    )

    rows, types = read_xlsx(
        export(client, only="not-reached", contacts="on", format="xlsx").content
    )
    assert rows[1:] == expected  # the very text, no quote added
    assert set(types) == {"s"}  # text cells: a spreadsheet never evaluates them


def test_an_xlsx_list_of_a_test_named_with_a_slash(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Sticker day 11/27: [all]?", TODAY, kind="sticker-day")
    log_in(client, mercy.committee)
    response = client.post(
        f"{TESTS}/sticker-day-11-27-all/export", data={"only": "all", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert len(read_xlsx(response.content)[0]) == 1 + len(ACTIVE)


# -- audit events ------------------------------------------------------------------------------


def test_every_web_export_is_audited_with_its_filter_and_row_count(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.admin)
    downloads = [
        ({"only": "all", "by": "department", "format": "csv", "contacts": "on"}, 8),
        ({"only": "not-reached", "by": "organizer", "format": "xlsx"}, 1),
        ({"only": "all", "by": "organizer", "format": "xlsx", "contacts": "on"}, 8),
    ]
    for form, _rows in downloads:
        assert export(client, **form).status_code == 200
    assert (
        client.post(f"{PETITION}/sheet", data={"only": "all", "by": "organizer"}).status_code == 200
    )
    events = audit_events(engine, "export")
    assert [e.actor for e in events] == ["ada@example.org"] * 4
    assert all(e.campaign_id == mercy.campaign.id for e in events)
    assert [e.details for e in events] == [
        {"test": "majority-petition", "format": "csv", "only": "all", "by": "department",
         "contacts": True, "rows": 8},
        {"test": "majority-petition", "format": "xlsx", "only": "not-reached",
         "by": "organizer", "contacts": False, "rows": 1},
        {"test": "majority-petition", "format": "xlsx", "only": "all", "by": "organizer",
         "contacts": True, "rows": 8},
        {"test": "majority-petition", "format": "print", "only": "all", "by": "organizer",
         "contacts": False, "rows": 8},
    ]  # fmt: skip
    # The rows counted are the rows sent.
    for (_form, rows), event in zip(downloads, events[:3], strict=True):
        assert event.details["rows"] == rows
    # The audit page shows them, without anyone's name.
    log_page = client.get("/campaigns/mercy/audit")
    assert log_page.status_code == 200
    assert "majority-petition" in log_page.text
    assert "Garcia" not in log_page.text


# -- the printable sign-up sheet ---------------------------------------------------------------


def sheets(response: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": section.select_one("header h1").get_text(" ", strip=True),
            "header": section.select_one("header").get_text(" ", strip=True),
            "rows": [
                [td.get_text(strip=True) for td in row.select("td")]
                for row in section.select("tbody tr")
            ],
            "boxes": len(section.select("tbody td.box .tick")),
        }
        for section in soup(response).select("section.sheet")
    ]


def test_the_sheet_has_one_section_per_department_with_the_test_on_top(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    response = client.post(f"{PETITION}/sheet", data={"only": "all", "by": "department"})
    assert response.status_code == 200
    found = sheets(response)
    assert [s["header"].split("Department: ")[1].split(" ·")[0] for s in found] == [
        "Emergency",
        "ICU",
        "Pharmacy",
    ]
    for sheet in found:
        assert sheet["title"] == f"Majority petition — {PETITION_DATE.isoformat()}"
        assert sheet["boxes"] == len(sheet["rows"])  # a box to tick or sign on every line
    expected = expected_rows(contacts=False)
    assert [row for sheet in found for row in sheet["rows"]] == [
        [name, department, shift, ""] for _g, name, department, shift, *_rest in expected
    ]
    assert "Mercy Hospital · 3 people" in found[0]["header"]
    # No contacts and no levels on paper.
    assert "+1 555 0100" not in response.text
    assert "maria@example.net" not in response.text
    (event,) = audit_events(engine, "export")
    assert event.details == {
        "test": "majority-petition", "format": "print", "only": "all", "by": "department",
        "contacts": False, "rows": 8,
    }  # fmt: skip


def test_the_not_reached_sheet_by_organizer(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    log_in(client, mercy.committee)
    response = client.post(f"{PETITION}/sheet", data={"by": "organizer", "contacts": "on"})
    found = sheets(response)
    assert len(found) == 1
    assert f"Organizer: {NOBODY}" in found[0]["header"]
    assert found[0]["rows"] == [["Smith, John", "Emergency", "Night", ""]]
    assert "js@example.net" not in response.text  # a sheet never carries contacts
    (event,) = audit_events(engine, "export")
    assert (event.details["rows"], event.details["contacts"]) == (1, False)


def test_a_sheet_with_everyone_reached_says_so(
    client: TestClient, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Done", TODAY,
             {mercy.id_of(p.name): "declined" for p in ACTIVE})  # fmt: skip
    log_in(client, mercy.committee)
    response = client.post(f"{TESTS}/done/sheet", data={})
    assert sheets(response) == []
    assert "everyone has been reached" in response.text


def test_the_sheet_has_print_css_one_unit_per_page(client: TestClient, mercy: Mercy) -> None:
    log_in(client, mercy.committee)
    response = client.post(f"{PETITION}/sheet", data={"only": "all"})
    stylesheets = [link["href"] for link in soup(response).select("link[rel=stylesheet]")]
    css = "".join(client.get(href).text for href in stylesheets if href.endswith("app.css"))
    print_rules = css.split("@media print", 1)[1]
    assert re.search(r"\.sheet\s*\{[^}]*break-after:\s*page", print_rules)


# -- readiness ---------------------------------------------------------------------------------


def readiness_total(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/campaigns/ward/readiness")
    assert response.status_code == 200, response.text
    return response.json()["total"]


@pytest.fixture
def ward(factory: Factory) -> tuple[Member, list[int]]:
    """Ten supporters, one on the committee (10 per organizer): ready but for the test."""
    campaign = factory.campaign("Ward", slug="ward")
    member = factory.member(campaign, role=Role.committee, email="ward@example.org")
    created = factory.coworkers(
        campaign,
        *(
            {"name": f"Nurse {n}", "department": "Ward", "shift": "Day", "current_level": 1,
             "is_committee": n == 0}
            for n in range(10)
        ),
    )  # fmt: skip
    return member, [c.id for c in created]  # type: ignore[misc]


def test_readiness_uses_the_latest_test_by_date_not_by_creation(
    client: TestClient, ward: tuple[Member, list[int]], engine: Engine
) -> None:
    member, ids = ward
    campaign = member.campaign
    log_in(client, member)
    assert readiness_total(client)["participation_pct"] is None  # no test yet
    add_test(engine, campaign, "Sticker day", TODAY - dt.timedelta(days=3),
             dict.fromkeys(ids[:3], "took_part"))  # fmt: skip
    # Created later, but held earlier: not the latest.
    add_test(engine, campaign, "Old petition", TODAY - dt.timedelta(days=60),
             dict.fromkeys(ids, "took_part"))  # fmt: skip
    # Planned, not yet held: it does not count as today's latest test.
    add_test(engine, campaign, "Strike vote", TODAY + dt.timedelta(days=10))
    total = readiness_total(client)
    assert total["participation_pct"] == 30.0
    assert total["status"] == "supermajority"


def test_readiness_follows_results_however_they_are_recorded(
    client: TestClient, ward: tuple[Member, list[int]], engine: Engine
) -> None:
    """Readiness counts today's participants from each coworker's latest participation, kept
    by every way of recording results: taps, corrections, a file, tests added in any order."""
    member, ids = ward
    campaign = member.campaign
    log_in(client, member)
    ward_tests = "/campaigns/ward/structure-tests"

    def tap(slug: str, index: int, result: str) -> None:
        response = client.post(
            f"{ward_tests}/{slug}/results",
            data={"coworker": str(ids[index]), "result": result},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def participation() -> float | None:
        return readiness_total(client)["participation_pct"]  # type: ignore[no-any-return]

    add_test(engine, campaign, "Petition", TODAY - dt.timedelta(days=20),
             dict.fromkeys(ids[:6], "took_part"))  # fmt: skip
    assert participation() == 60.0
    tap("petition", 6, "took_part")
    assert participation() == 70.0
    tap("petition", 0, "not_reached")  # a correction: the result is deleted
    tap("petition", 1, "declined")
    assert participation() == 50.0

    # A later test: nobody has taken part in it yet, whatever they did before.
    add_test(engine, campaign, "Button day", TODAY - dt.timedelta(days=2))
    assert participation() == 0.0
    tap("button-day", 2, "took_part")
    # A late result for the older test does not count for the newer one.
    tap("petition", 9, "took_part")
    assert participation() == 10.0
    upload = client.post(
        f"{ward_tests}/button-day/import",
        files={"file": ("r.csv", b"Name,Department,Result\r\nNurse 3,Ward,took part\r\n"
                        b"Nurse 4,Ward,yes\r\nNurse 2,Ward,declined\r\n", "text/csv")},
        follow_redirects=False,
    )  # fmt: skip
    assert upload.status_code == 303, upload.text
    assert participation() == 20.0  # Nurse 3 and 4; Nurse 2 now declined

    # Added afterwards but held before: the button day stays the latest.
    add_test(engine, campaign, "Survey", TODAY - dt.timedelta(days=10),
             dict.fromkeys(ids, "took_part"))  # fmt: skip
    assert participation() == 20.0
    # Planned ahead, and already signed by the same people: today's latest is still the
    # button day, which they took part in.
    add_test(engine, campaign, "Strike pledge", TODAY + dt.timedelta(days=7),
             dict.fromkeys(ids[3:5], "took_part"))  # fmt: skip
    assert participation() == 20.0


def test_strike_ready_compares_participation_with_the_campaigns_threshold_not_the_goal(
    client: TestClient, ward: tuple[Member, list[int]], engine: Engine
) -> None:
    member, ids = ward
    log_in(client, member)
    # A test with a goal of 10% that half took part in: the test's goal is met, yet the unit is
    # not strike-ready, because 50% is below the campaign's strike-ready threshold (80%).
    add_test(engine, member.campaign, "Easy", TODAY - dt.timedelta(days=2),
             dict.fromkeys(ids[:5], "took_part"), goal=10)  # fmt: skip
    total = readiness_total(client)
    assert (total["participation_pct"], total["status"]) == (50.0, "supermajority")
    page = client.get("/campaigns/ward/structure-tests/easy")
    assert participation_table(page)[-1][5:] == ("50.0%", "✓ reached")

    # A later test with a goal of 95% that 80% took part in: short of its goal, and yet
    # strike-ready, because 80% meets the campaign's threshold.
    add_test(engine, member.campaign, "Hard", TODAY - dt.timedelta(days=1),
             dict.fromkeys(ids[:8], "took_part"), goal=95)  # fmt: skip
    total = readiness_total(client)
    assert (total["participation_pct"], total["status"]) == (80.0, "strike-ready")
    page = client.get("/campaigns/ward/structure-tests/hard")
    assert participation_table(page)[-1][5:] == ("80.0%", "✗ not yet")


# -- formula neutralisation: the round trip ----------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
tricky = st.text(alphabet=st.sampled_from([*TRIGGERS, "'", '"', ",", "\n", " ", "a", "1", "é"]))
cell_text = st.one_of(st.text(), tricky)


@given(
    st.builds(
        structure_tests.ListRow,
        group=cell_text,
        name=cell_text,
        department=cell_text,
        shift=cell_text,
        organizer=cell_text,
        level=st.one_of(st.none(), st.integers(1, 5)),
        result=st.sampled_from(["took_part", "declined", "not_reached"]),
        phone=cell_text,
        email=cell_text,
    ),
    st.booleans(),
)
@example(
    structure_tests.ListRow("=cmd", "+1", "@x", "-y", "'=z", None, "declined", "\t1", "\r2"),
    True,
)
def test_list_cells_survive_neutralise_csv_unneutralise(
    row: structure_tests.ListRow, contacts: bool
) -> None:
    cells = structure_tests.list_cells(row, contacts)
    header = structure_tests.list_header(contacts)
    # Exactly as the download writes them.
    text = "".join(csv_lines([header, *([neutralise(cell) for cell in r] for r in [cells])]))
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == header
    assert len(read) == 2
    for cell in read[1]:
        assert not cell.startswith(TRIGGERS)
    assert [unneutralise(cell) for cell in read[1]] == cells
