"""The coworker list and page, two-tap assessments, edits, departures, assignment, deletion."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select, update
from sqlmodel import Session, col

from app.accounts.models import UserSession
from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, LevelDefinition, Role
from app.db import session_scope, utcnow
from app.people.models import Coworker
from tests.factories import Factory, Member, log_in


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def listed_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_text(strip=True) for a in soup(response).select(".coworker-list a.coworker-name")]


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def fresh(engine: Engine, coworker_id: int | None) -> Coworker:
    with Session(engine) as session:
        coworker = session.get(Coworker, coworker_id)
        assert coworker is not None
        return coworker


@pytest.fixture
def campaign(factory: Factory) -> Campaign:
    return factory.campaign(slug="mercy")


@pytest.fixture
def organizer(factory: Factory, campaign: Campaign) -> Member:
    return factory.member(campaign, Role.organizer, email="olu@example.org")


@pytest.fixture
def committee(factory: Factory, campaign: Campaign) -> Member:
    return factory.member(campaign, Role.committee, email="cam@example.org")


@pytest.fixture
def admin(factory: Factory, campaign: Campaign) -> Member:
    return factory.member(campaign, Role.admin, email="ada@example.org")


@pytest.fixture
def people(factory: Factory, campaign: Campaign, organizer: Member) -> list[Coworker]:
    mine = {"organizer_id": organizer.user.id}
    recent = utcnow() - dt.timedelta(days=3)
    old = utcnow() - dt.timedelta(days=40)
    return factory.coworkers(
        campaign,
        {"name": "Garcia, Maria", "department": "ICU", "shift": "Night", "job_title": "RN",
         "current_level": 2, "last_assessed_at": recent, "phone": "+1 555 0100", **mine},
        {"name": "Okafor, Ngozi", "department": "ICU", "shift": "Day", "job_title": "Aide",
         "current_level": 4, "last_assessed_at": old, "is_committee": True, **mine},
        {"name": "Chen, Wei", "department": "Pharmacy", "shift": "Day",
         "job_title": "Pharmacist", **mine},
        {"name": "Smith, John", "department": "Emergency", "shift": "Night",
         "job_title": "Tech", "current_level": 1, "last_assessed_at": recent,
         "email": "js@example.net"},
        {"name": "Gone, Long", "department": "ICU", "shift": "Day", "active": False, **mine},
    )  # fmt: skip


# -- the list ----------------------------------------------------------------------------------


def test_an_organizer_sees_exactly_their_list(
    client: TestClient, organizer: Member, people: list[Coworker]
) -> None:
    log_in(client, organizer)
    response = client.get("/campaigns/mercy/coworkers")
    assert listed_names(response) == ["Chen, Wei", "Garcia, Maria", "Okafor, Ngozi"]
    assert soup(response).h1.get_text() == "My list"
    assert "+1 555 0100" not in response.text  # contacts are on the coworker's page only


def test_the_committee_sees_everyone_with_marks_and_levels(
    client: TestClient, committee: Member, people: list[Coworker]
) -> None:
    log_in(client, committee)
    response = client.get("/campaigns/mercy/coworkers")
    assert listed_names(response) == ["Chen, Wei", "Garcia, Maria", "Okafor, Ngozi", "Smith, John"]
    rows = {
        row.select_one("a.coworker-name").get_text(strip=True): row.get_text(" ", strip=True)
        for row in soup(response).select(".coworker-list li")
    }
    assert "2 Supporter" in rows["Garcia, Maria"]
    assert "ICU · Night · RN" in rows["Garcia, Maria"]
    assert "assessed 3 days ago" in rows["Garcia, Maria"]
    assert "Committee" in rows["Okafor, Ngozi"]
    assert "– Unassessed" in rows["Chen, Wei"]
    assert "never assessed" in rows["Chen, Wei"]
    assert "Organizer: nobody" in rows["Smith, John"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("garcia", ["Garcia, Maria"]),  # name, any case
        ("icu", ["Garcia, Maria", "Okafor, Ngozi"]),  # department
        ("PHARMACIST", ["Chen, Wei"]),  # job title
        ("%", []),  # a wildcard is a literal character, not "everything"
        ("zzz", []),
    ],
)
def test_search_covers_name_department_and_job_title(
    client: TestClient, committee: Member, people: list[Coworker], query: str, expected: list[str]
) -> None:
    log_in(client, committee)
    response = client.get("/campaigns/mercy/coworkers", params={"q": query})
    assert listed_names(response) == expected


def test_filters_and_sorts(
    client: TestClient, committee: Member, people: list[Coworker], factory: Factory
) -> None:
    log_in(client, committee)
    page = client.get("/campaigns/mercy/coworkers")
    options = {
        select["name"]: {o.get_text(strip=True): o.get("value") for o in select.find_all("option")}
        for select in soup(page).select("form.filters select")
    }
    icu = options["department"]["ICU"]
    day = options["shift"]["Day"]

    def names(**params: str) -> list[str]:
        return listed_names(client.get("/campaigns/mercy/coworkers", params=params))

    assert names(department=icu) == ["Garcia, Maria", "Okafor, Ngozi"]
    assert names(department=icu, shift=day) == ["Okafor, Ngozi"]
    assert names(level="1") == ["Smith, John"]
    assert names(level="unassessed") == ["Chen, Wei"]
    # Never assessed first, then the longest ago.
    assert names(sort="stale") == ["Chen, Wei", "Okafor, Ngozi", "Garcia, Maria", "Smith, John"]
    assert names(status="departed") == ["Gone, Long"]
    assert "Gone, Long" in names(status="all")


@pytest.mark.parametrize(
    ("params", "option"),
    [({"level": "7"}, "level"), ({"sort": "age"}, "sort"), ({"page": "x"}, "page")],
)
def test_a_bad_filter_is_named(
    client: TestClient,
    committee: Member,
    people: list[Coworker],
    params: dict[str, str],
    option: str,
) -> None:
    log_in(client, committee)
    response = client.get("/campaigns/mercy/coworkers", params=params)
    assert response.status_code == 422
    assert soup(response).select_one("#results .error").get_text().startswith(option)


def test_pages_of_fifty_and_past_the_end_is_empty(
    client: TestClient, committee: Member, factory: Factory, campaign: Campaign
) -> None:
    factory.coworkers(
        campaign, *({"name": f"Person {n:03d}", "department": "ICU"} for n in range(120))
    )
    log_in(client, committee)
    first = client.get("/campaigns/mercy/coworkers")
    assert len(listed_names(first)) == 50
    assert soup(first).select_one('a[rel="next"]')["href"] == "?page=2"
    third = client.get("/campaigns/mercy/coworkers", params={"page": "3"})
    assert listed_names(third)[0] == "Person 100"
    assert len(listed_names(third)) == 20
    assert soup(third).select_one('a[rel="next"]') is None
    past = client.get("/campaigns/mercy/coworkers", params={"page": "9"})
    assert past.status_code == 200
    assert listed_names(past) == []
    assert "past the last page" in past.text


def test_active_search_answers_with_the_results_fragment_only(
    client: TestClient, committee: Member, people: list[Coworker]
) -> None:
    log_in(client, committee)
    response = client.get(
        "/campaigns/mercy/coworkers", params={"q": "chen"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert listed_names(response) == ["Chen, Wei"]
    assert "HX-Request" in response.headers["vary"]


def test_the_list_makes_the_same_few_queries_for_5_or_55_coworkers(
    client: TestClient, committee: Member, people: list[Coworker], factory: Factory,
    campaign: Campaign, engine: Engine,
) -> None:  # fmt: skip
    log_in(client, committee)
    client.get("/campaigns/mercy/coworkers")  # warm up
    with counting_queries(engine) as few:
        client.get("/campaigns/mercy/coworkers")
    factory.coworkers(
        campaign,
        *({"name": f"More {n}", "department": f"Dept {n % 7}", "organizer_id": committee.user.id}
          for n in range(50)),
    )  # fmt: skip
    with counting_queries(engine) as many:
        response = client.get("/campaigns/mercy/coworkers")
    assert len(listed_names(response)) == 50
    assert len(many) == len(few) <= 8, many


# -- one coworker ------------------------------------------------------------------------------


def test_the_coworker_page_has_the_level_buttons_and_history(
    client: TestClient, organizer: Member, committee: Member, people: list[Coworker], engine: Engine
) -> None:
    maria = people[0]
    log_in(client, committee)
    for level, note in ((4, "first talk"), (2, "came to the meeting")):
        client.post(
            f"/campaigns/mercy/coworkers/{maria.id}/assessments",
            data={"level": str(level), "note": note},
        )
    client.cookies.clear()
    log_in(client, organizer)
    page = soup(client.get(f"/campaigns/mercy/coworkers/{maria.id}"))
    buttons = page.select("form.assess button")
    assert [b.get_text(strip=True) for b in buttons] == [
        "1 Leader", "2 Supporter", "3 Undecided", "4 Leaning against", "5 Opposed", "Clear",
    ]  # fmt: skip
    assert [b["value"] for b in buttons] == ["1", "2", "3", "4", "5", ""]
    description = page.select_one("#level-description-5").get_text(strip=True)
    assert description == "Hostile; may report to management"
    assert page.select_one('label[for="note"]').get_text(strip=True) == "Note (optional)"
    history = [item.get_text(" ", strip=True) for item in page.select("#history li")]
    assert len(history) == 2
    assert history[0].startswith("2 Supporter")
    assert "came to the meeting" in history[0]
    assert "cam" in history[0]  # who (display name from the email)
    assert history[1].startswith("4 Leaning against")
    assert "2 Supporter" in page.select_one("#current-level").get_text(" ", strip=True)
    # The assigned organizer sees the phone, as a link to call.
    assert page.select_one('a[href="tel:+15550100"]').get_text() == "+1 555 0100"


def test_contacts_are_shown_to_committee_and_admin_but_an_unassigned_coworker_is_hidden(
    client: TestClient, organizer: Member, admin: Member, people: list[Coworker]
) -> None:
    john = people[3]
    log_in(client, admin)
    assert "js@example.net" in client.get(f"/campaigns/mercy/coworkers/{john.id}").text
    client.cookies.clear()
    log_in(client, organizer)
    hidden = client.get(f"/campaigns/mercy/coworkers/{john.id}")
    assert hidden.status_code == 404
    assert "js@example.net" not in hidden.text
    assert "Smith" not in hidden.text
    posted = client.post(f"/campaigns/mercy/coworkers/{john.id}/assessments", data={"level": "5"})
    assert posted.status_code == 404


def test_another_campaigns_coworker_is_not_found_even_for_its_admin(
    client: TestClient, factory: Factory, people: list[Coworker]
) -> None:
    elsewhere = factory.campaign("Elsewhere", slug="elsewhere")
    log_in(client, factory.member(elsewhere, Role.admin))
    maria = people[0]
    assert client.get(f"/campaigns/elsewhere/coworkers/{maria.id}").status_code == 404
    assert client.get("/campaigns/elsewhere/coworkers/not-a-number").status_code == 404


def test_recording_without_javascript_redirects_back(
    client: TestClient, organizer: Member, people: list[Coworker], engine: Engine
) -> None:
    chen = people[2]
    log_in(client, organizer)
    response = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}/assessments",
        data={"level": "3", "note": "  on the fence about dues  "},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/campaigns/mercy/coworkers/{chen.id}"
    stored = fresh(engine, chen.id)
    assert stored.current_level == 3
    assert stored.last_assessed_at is not None
    with Session(engine) as session:
        events = session.scalars(select(Assessment)).all()
    assert [(e.level, e.note, e.assessed_by_id, e.source) for e in events] == [
        (3, "on the fence about dues", organizer.user.id, "web")
    ]


def test_recording_with_htmx_answers_a_small_fragment(
    client: TestClient, organizer: Member, people: list[Coworker], engine: Engine
) -> None:
    chen = people[2]
    log_in(client, organizer)
    response = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}/assessments",
        data={"level": "1", "note": "will bring her whole unit"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert len(response.content) <= 5 * 1024
    fragment = soup(response)
    assert fragment.select_one("li.history-item").get_text(" ", strip=True).startswith("1 Leader")
    current = fragment.select_one("#current-level")
    assert current["hx-swap-oob"] == "true"
    assert "1 Leader" in current.get_text(" ", strip=True)
    assert "<html" not in response.text
    assert fresh(engine, chen.id).current_level == 1


def test_clearing_returns_to_unassessed_and_stays_in_history(
    client: TestClient, organizer: Member, people: list[Coworker], engine: Engine
) -> None:
    maria = people[0]
    log_in(client, organizer)
    client.post(f"/campaigns/mercy/coworkers/{maria.id}/assessments", data={"level": ""})
    assert fresh(engine, maria.id).current_level is None
    page = soup(client.get(f"/campaigns/mercy/coworkers/{maria.id}"))
    assert page.select_one("#history li").get_text(" ", strip=True).startswith("Cleared")
    assert "Unassessed" in page.select_one("#current-level").get_text()


@pytest.mark.parametrize(
    ("data", "message"),
    [({"level": "7"}, "level must be 1-5"), ({"level": "2", "note": "x" * 501}, "note is longer")],
)
def test_a_bad_assessment_is_refused_and_nothing_is_written(
    client: TestClient, organizer: Member, people: list[Coworker], engine: Engine,
    data: dict[str, str], message: str,
) -> None:  # fmt: skip
    maria = people[0]
    log_in(client, organizer)
    url = f"/campaigns/mercy/coworkers/{maria.id}/assessments"
    plain = client.post(url, data=data)
    assert plain.status_code == 422
    assert message in soup(plain).select_one("#assessment-error").get_text()
    htmx = client.post(url, data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 422
    assert htmx.headers["HX-Retarget"] == "#assessment-error"
    assert message in htmx.text
    assert fresh(engine, maria.id).current_level == 2
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_two_people_assessing_at_once_both_land_and_the_latest_is_current(
    application, organizer: Member, committee: Member, people: list[Coworker], engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    maria = people[0]
    clients = []
    for member in (organizer, committee):
        browser = TestClient(application, headers={"Sec-Fetch-Site": "same-origin"})
        log_in(browser, member)
        clients.append(browser)
    start = threading.Barrier(2)
    results: list[int] = []

    def tap(browser: TestClient, level: str) -> None:
        start.wait()
        for _ in range(5):
            response = browser.post(
                f"/campaigns/mercy/coworkers/{maria.id}/assessments",
                data={"level": level},
                follow_redirects=False,
            )
            results.append(response.status_code)

    threads = [
        threading.Thread(target=tap, args=(browser, level))
        for browser, level in zip(clients, ("1", "5"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303] * 10
    with Session(engine) as session:
        events = session.scalars(
            select(Assessment).order_by(col(Assessment.created_at), col(Assessment.id))
        ).all()
    assert len(events) == 10
    assert sorted(e.level for e in events) == [1] * 5 + [5] * 5
    assert fresh(engine, maria.id).current_level == events[-1].level


def test_a_post_after_a_quiet_minute_does_not_wait_for_its_own_lock(
    client: TestClient, organizer: Member, people: list[Coworker], engine: Engine
) -> None:
    """The session's last-seen time is written by the request's own transaction."""
    log_in(client, organizer)
    with session_scope(engine) as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=5)))
    response = client.post(
        f"/campaigns/mercy/coworkers/{people[0].id}/assessments",
        data={"level": "1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(engine) as session:
        last_seen = session.scalar(select(UserSession.last_seen_at))
    assert last_seen is not None
    assert utcnow() - last_seen < dt.timedelta(minutes=1)


def test_the_coworker_page_queries_do_not_grow_with_history(
    client: TestClient, committee: Member, people: list[Coworker], engine: Engine
) -> None:
    maria = people[0]
    log_in(client, committee)
    url = f"/campaigns/mercy/coworkers/{maria.id}"
    client.post(f"{url}/assessments", data={"level": "2"})
    with counting_queries(engine) as few:
        client.get(url)
    for level in "12345" * 4:
        client.post(f"{url}/assessments", data={"level": level})
    with counting_queries(engine) as many:
        page = soup(client.get(url))
    assert len(page.select("#history li")) == 21
    assert len(many) == len(few) <= 10, many


# -- editing, departures, assignment, deletion -------------------------------------------------


def edit_form(client: TestClient, coworker_id: int | None) -> dict[str, str]:
    """The edit form's fields as a browser would submit them."""
    page = soup(client.get(f"/campaigns/mercy/coworkers/{coworker_id}/edit"))
    form = page.select_one("main form")
    data: dict[str, str] = {}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = "on"
        else:
            data[name] = field.get("value", "")
    return data


def test_editing_details_creates_new_departments_and_bumps_the_version(
    client: TestClient, committee: Member, people: list[Coworker], engine: Engine
) -> None:
    chen = people[2]
    log_in(client, committee)
    data = edit_form(client, chen.id) | {"department": "Oncology", "phone": "+1 555 0199"}
    response = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}", data=data, follow_redirects=False
    )
    assert response.status_code == 303
    page = soup(client.get(response.headers["location"]))
    assert "Oncology" in page.select_one("hgroup").get_text()
    assert "+1 555 0199" in page.get_text()
    assert fresh(engine, chen.id).version == 2


def test_a_stale_save_is_refused_and_shows_the_newer_values(
    client: TestClient, committee: Member, admin: Member, people: list[Coworker],
    application, engine: Engine,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    chen = people[2]
    log_in(client, committee)
    mine = edit_form(client, chen.id)
    other = TestClient(application, headers={"Sec-Fetch-Site": "same-origin"})
    log_in(other, admin)
    theirs = edit_form(other, chen.id) | {"job_title": "Chief Pharmacist"}
    assert other.post(f"/campaigns/mercy/coworkers/{chen.id}", data=theirs).status_code == 200
    response = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}", data=mine | {"job_title": "Pharmacy Tech"}
    )
    assert response.status_code == 409
    page = soup(response)
    assert "Someone else saved this coworker" in page.select_one("#stale").get_text()
    assert page.select_one("#job_title")["value"] == "Chief Pharmacist"  # the newer value
    assert "Pharmacy Tech" in page.select_one("#stale").get_text()  # what was typed, not lost
    assert page.select_one('input[name="version"]')["value"] == "2"
    assert fresh(engine, chen.id).job_title == "Chief Pharmacist"


def test_a_bad_edit_is_rerendered_with_the_field_named(
    client: TestClient, committee: Member, people: list[Coworker], engine: Engine
) -> None:
    chen = people[2]
    log_in(client, committee)
    data = edit_form(client, chen.id) | {"name": "", "hire_date": "31/12/2020"}
    response = client.post(f"/campaigns/mercy/coworkers/{chen.id}", data=data)
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#name-error").get_text() == "Name is required."
    assert "2024-03-31" in page.select_one("#hire_date-error").get_text()
    assert fresh(engine, chen.id).name == "Chen, Wei"


@pytest.mark.parametrize("field", ["name", "job_title", "shift"])
def test_a_nul_in_a_form_is_refused_with_its_field_named_and_nothing_is_written(
    client: TestClient, committee: Member, campaign: Campaign, engine: Engine, field: str
) -> None:
    """PostgreSQL cannot store a NUL in text: the form says so instead of failing with a 500."""
    log_in(client, committee)
    data = {"name": "New, Person", "job_title": "Nurse", "shift": "Night"}
    data[field] += "\x00"
    response = client.post("/campaigns/mercy/coworkers", data=data, follow_redirects=False)
    assert response.status_code == 422
    assert f"{field} must not contain a NUL character" in soup(response).get_text()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Coworker)) == 0


def test_adding_a_coworker(
    client: TestClient, committee: Member, campaign: Campaign, engine: Engine
) -> None:
    log_in(client, committee)
    assert client.get("/campaigns/mercy/coworkers/new").status_code == 200
    response = client.post(
        "/campaigns/mercy/coworkers",
        data={"name": "New, Person", "department": "", "shift": "Night", "is_committee": "on"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = soup(client.get(response.headers["location"]))
    assert page.h1.get_text() == "New, Person"
    assert "Unassigned · Night" in page.select_one("hgroup").get_text(" ", strip=True)
    assert "Committee" in page.select_one("hgroup").get_text()


def test_a_departed_coworker_keeps_history_and_leaves_the_headcount(
    client: TestClient, committee: Member, people: list[Coworker], engine: Engine
) -> None:
    maria = people[0]
    log_in(client, committee)
    client.post(f"/campaigns/mercy/coworkers/{maria.id}/assessments", data={"level": "1"})
    assert soup(client.get("/campaigns/mercy/")).select_one("#headcount").get_text() == "4"
    client.post(f"/campaigns/mercy/coworkers/{maria.id}/departed", data={"departed": "yes"})
    assert soup(client.get("/campaigns/mercy/")).select_one("#headcount").get_text() == "3"
    assert "Garcia, Maria" not in listed_names(client.get("/campaigns/mercy/coworkers"))
    page = soup(client.get(f"/campaigns/mercy/coworkers/{maria.id}"))
    assert "Departed" in page.select_one("hgroup").get_text()
    assert len(page.select("#history li")) == 1
    client.post(f"/campaigns/mercy/coworkers/{maria.id}/departed", data={"departed": "no"})
    assert soup(client.get("/campaigns/mercy/")).select_one("#headcount").get_text() == "4"


def test_bulk_assignment_of_selected_and_of_everyone_matching(
    client: TestClient, committee: Member, organizer: Member, people: list[Coworker],
    application,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    john = people[3]
    log_in(client, committee)
    response = client.post(
        "/campaigns/mercy/coworkers/assign",
        data={
            "scope": "selected",
            "coworker": [str(john.id)],
            "organizer_id": str(committee.user.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "assigned=1" in response.headers["location"]
    assert "Assigned 1 coworkers." in client.get(response.headers["location"]).text
    # Everyone in ICU (all pages of the filter) to the organizer.
    page = soup(client.get("/campaigns/mercy/coworkers"))
    icu = {o.get_text(strip=True): o["value"] for o in page.select("#department option")}["ICU"]
    response = client.post(
        "/campaigns/mercy/coworkers/assign",
        data={"scope": "matching", "department": icu, "organizer_id": str(organizer.user.id)},
        follow_redirects=False,
    )
    assert "assigned=2" in response.headers["location"]
    # Unassign everyone in Pharmacy.
    pharmacy = {o.get_text(strip=True): o["value"] for o in page.select("#department option")}[
        "Pharmacy"
    ]
    client.post(
        "/campaigns/mercy/coworkers/assign",
        data={"scope": "matching", "department": pharmacy, "organizer_id": ""},
    )
    organizer_client = TestClient(application, headers={"Sec-Fetch-Site": "same-origin"})
    log_in(organizer_client, organizer)
    assert listed_names(organizer_client.get("/campaigns/mercy/coworkers")) == [
        "Garcia, Maria", "Okafor, Ngozi",
    ]  # fmt: skip


def test_assigning_to_a_stranger_is_refused(
    client: TestClient, committee: Member, people: list[Coworker], factory: Factory, engine: Engine
) -> None:
    stranger = factory.member(factory.campaign("Other", slug="other"), Role.organizer)
    log_in(client, committee)
    response = client.post(
        "/campaigns/mercy/coworkers/assign",
        data={
            "scope": "selected",
            "coworker": [str(people[3].id)],
            "organizer_id": str(stranger.user.id),
        },
        follow_redirects=False,
    )
    assert "assign_error" in response.headers["location"]
    assert fresh(engine, people[3].id).organizer_id is None


def test_an_admin_deletes_for_real_and_the_audit_keeps_no_name(
    client: TestClient, admin: Member, people: list[Coworker], engine: Engine
) -> None:
    maria = people[0]
    log_in(client, admin)
    client.post(
        f"/campaigns/mercy/coworkers/{maria.id}/assessments", data={"level": "1", "note": "secret"}
    )
    confirm = soup(client.get(f"/campaigns/mercy/coworkers/{maria.id}/delete"))
    assert "cannot be undone" in confirm.get_text()
    response = client.post(f"/campaigns/mercy/coworkers/{maria.id}/delete", follow_redirects=False)
    assert response.status_code == 303
    assert client.get(f"/campaigns/mercy/coworkers/{maria.id}").status_code == 404
    with Session(engine) as session:
        assert session.get(Coworker, maria.id) is None
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
        deletion = session.scalars(
            select(AuditEvent).where(col(AuditEvent.action) == "coworker.delete")
        ).one()
    assert deletion.actor == admin.email
    assert deletion.details == {"coworker_id": maria.id}
    assert "Garcia" not in repr(deletion.details)


# -- level definitions -------------------------------------------------------------------------


def level_form(labels: list[str]) -> dict[str, str]:
    data = {}
    for level, label in enumerate(labels, start=1):
        data[f"label_{level}"] = label
        data[f"description_{level}"] = f"what {label} means"
    return data


def test_an_admin_renames_the_levels_and_organizers_see_them(
    client: TestClient, admin: Member, organizer: Member, people: list[Coworker], application
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, admin)
    labels = ["Organizer", "Yes", "Maybe", "Lean no", "No"]
    response = client.post("/campaigns/mercy/levels", data=level_form(labels))
    assert response.status_code == 200
    assert "Saved." in response.text
    phone = TestClient(application, headers={"Sec-Fetch-Site": "same-origin"})
    log_in(phone, organizer)
    page = soup(phone.get(f"/campaigns/mercy/coworkers/{people[0].id}"))
    assert [b.get_text(strip=True) for b in page.select("form.assess button")][:5] == [
        "1 Organizer", "2 Yes", "3 Maybe", "4 Lean no", "5 No",
    ]  # fmt: skip
    assert page.select_one("#level-description-3").get_text() == "what Maybe means"


def test_bad_level_labels_are_refused(client: TestClient, admin: Member, engine: Engine) -> None:
    log_in(client, admin)
    response = client.post(
        "/campaigns/mercy/levels", data=level_form(["", "Yes", "yes", "x" * 41, "No"])
    )
    assert response.status_code == 422
    page = soup(response)
    errors = [e.get_text() for e in page.select(".field-error")]
    assert "Level 1 needs a label." in errors
    assert "Each level needs its own label." in errors
    assert "At most 40 characters." in errors
    assert page.select_one("#label_2")["value"] == "Yes"  # what was typed is kept
    with Session(engine) as session:
        first = session.scalar(select(LevelDefinition.label).where(col(LevelDefinition.level) == 1))
    assert first == "Leader"  # nothing was saved


def test_with_many_members_assignment_takes_an_email(
    client: TestClient, committee: Member, organizer: Member, people: list[Coworker],
    engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A campaign with thousands of organizers gets an email field, not a menu of thousands."""
    from app.people import service

    monkeypatch.setattr(service, "MAX_ASSIGNEE_CHOICES", 1)
    chen = people[2]
    log_in(client, committee)
    page = soup(client.get("/campaigns/mercy/coworkers"))
    assert page.select_one("#bulk-assign select") is None
    assert page.select_one('#bulk-assign input[name="organizer_email"]') is not None
    edit = edit_form(client, chen.id)
    assert edit["organizer_email"] == organizer.email
    response = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}",
        data=edit | {"organizer_email": committee.email.upper()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert fresh(engine, chen.id).organizer_id == committee.user.id
    refused = client.post(
        f"/campaigns/mercy/coworkers/{chen.id}",
        data=edit_form(client, chen.id) | {"organizer_email": "stranger@example.org"},
    )
    assert refused.status_code == 422
    assert "Choose a member" in soup(refused).select_one("#organizer-error").get_text()
