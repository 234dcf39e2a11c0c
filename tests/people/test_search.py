"""Searching the coworker list through the trigram index (migration d4c0de000004).

The index may only make the search faster: for any text, the list must show exactly the names
the plain search shows (`text_contains` over name, job title and department name: any case,
% and _ literal), in the same order. The tests run on SQLite and on PostgreSQL (one, about
NUL in the data, on SQLite alone).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, Table, func, insert, inspect, or_, select, text
from sqlmodel import Session, col

from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, Department, Role
from app.campaigns.service import CampaignAccess
from app.db import get_engine, session_scope, text_contains, utcnow
from app.migrate import upgrade
from app.people import search
from app.people import service as people
from app.people.models import Coworker
from tests.factories import Factory, Member, log_in
from tests.web.test_coworkers import edit_form, listed_names

BOTH = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)

# (name, department, job title)
PEOPLE = (
    ("Garcia, Maria", "ICU", "Registered Nurse"),
    ("Okafor, Ngozi", "ICU", "Nursing Assistant"),
    ("Chen, Wei", "Laboratory", "Phlebotomist"),
    ("Smith, John", "Emergency", "Unit Clerk"),
    ("Ångström, Zoë", "Radiology", "MRI Technologist"),
    ("Núñez, José", "Pharmacy", "Pharmacist"),
    ("Đặng, Thị Lan", "Food & Nutrition", "Cook"),
    ("O'Brien, Pat", "Emergency", "Float pool 50%"),
    ("Ortiz, Luz", "Emergency", "Float pool 500"),
    ('Jones, Dana "DJ"', "ICU", "Lead: Nights"),
    ("Park, Lee_Ann", "ICU", "Unit Clerk"),
    ("Park, Lee Ann", "ICU", "Unit Clerk"),
    ("Kim, Min-ji (Jenny)", "Pharmacy", "Pharmacy Technician"),
    ("Star*Light, Sky", "Laboratory", "Lab Aide"),
    ("Andrews, NEAR", "Laboratory", "AND OR NOT"),
)

# What a member types, and the names the list must show (checked by hand against PEOPLE).
SEARCHES = [
    ("gArCiA", ["Garcia, Maria"]),  # any case
    ("arci", ["Garcia, Maria"]),  # inside a word
    ("phlebot", ["Chen, Wei"]),  # job title only
    ("laborat", ["Andrews, NEAR", "Chen, Wei", "Star*Light, Sky"]),  # department only
    ("nurs", ["Garcia, Maria", "Okafor, Ngozi"]),
    ("ström", ["Ångström, Zoë"]),  # beyond ASCII
    ("úñe", ["Núñez, José"]),
    ("ặng, th", ["Đặng, Thị Lan"]),
    ("o'b", ["O'Brien, Pat"]),
    ('"dj"', ['Jones, Dana "DJ"']),
    ("d: n", ['Jones, Dana "DJ"']),
    ("e_a", ["Park, Lee_Ann"]),  # _ is a literal: not "Lee Ann"
    ("50%", ["O'Brien, Pat"]),  # % is a literal: not "500"
    ("r*l", ["Star*Light, Sky"]),
    ("(je", ["Kim, Min-ji (Jenny)"]),
    ("near", ["Andrews, NEAR"]),  # words of the FTS5 query language are just text
    ("and or not", ["Andrews, NEAR"]),
    ("zzqx", []),
    ('"', ['Jones, Dana "DJ"']),  # one or two characters: no trigram, the plain search
    ("'b", ["O'Brien, Pat"]),
    ("%", ["O'Brien, Pat"]),
]
# Odd inputs: none may break the search, and each must find what the plain search finds.
ODD = ['"""', '""', "***", "{name} : x", "NEAR(a b)", "a OR b", "^ab", "-x-", "\\%_", "  a  ", "é"]


@pytest.fixture
def campaign(factory: Factory) -> Campaign:
    campaign = factory.campaign(slug="mercy")
    factory.coworkers(
        campaign,
        *({"name": name, "department": dept, "job_title": job} for name, dept, job in PEOPLE),
    )
    # Another campaign's coworker matches many of the searches, and must never show.
    factory.coworkers(
        factory.campaign("Other", slug="other"),
        {"name": "Garcia, Maria Other", "department": "Laboratory", "job_title": "Nurse"},
    )
    return campaign


@pytest.fixture
def committee(factory: Factory, campaign: Campaign) -> Member:
    return factory.member(campaign, Role.committee, email="cam@example.org")


@pytest.fixture(params=["few", "many"])
def matches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Past `FEW` matches the search walks every name instead of only the matches' range of
    names: both ways must show the same."""
    monkeypatch.setattr(search, "FEW", 10_000 if request.param == "few" else 0)
    return str(request.param)


def shown(client: TestClient, query: str, **params: str) -> list[str]:
    response = client.get("/campaigns/mercy/coworkers", params={"q": query, **params})
    assert response.status_code == 200, response.text
    return listed_names(response)


def list_names(url: str, campaign: Campaign, query: str) -> list[str]:
    """The committee's list for this search, from the service (no web page)."""
    with Session(get_engine(url)) as session:
        page = people.list_coworkers(
            session=session,
            access=CampaignAccess(campaign=campaign, role=Role.committee),
            user_id=0,
            filters=people.CoworkerFilters(q=query),
        )
        return [row.name for row in page.rows]


def plain_search(engine: Engine, campaign: Campaign, query: str) -> list[str]:
    """The names the search showed before the index: `text_contains`, nothing else."""
    query = query.strip()  # as the list's filters read it
    with Session(engine) as session:
        departments = select(col(Department.id)).where(
            text_contains(session, col(Department.name), query)
        )
        return list(
            session.scalars(
                select(col(Coworker.name))
                .where(
                    col(Coworker.campaign_id) == campaign.id,
                    col(Coworker.active),
                    or_(
                        text_contains(session, col(Coworker.name), query),
                        text_contains(session, col(Coworker.job_title), query),
                        col(Coworker.department_id).in_(departments),
                    ),
                )
                .order_by(col(Coworker.name), col(Coworker.id))
            )
        )


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_list_shows_what_was_searched_for(
    client: TestClient,
    committee: Member,
    engine: Engine,
    campaign: Campaign,
    matches: str,
    query: str,
    expected: list[str],
) -> None:
    log_in(client, committee)
    assert shown(client, query) == expected
    assert plain_search(engine, campaign, query) == expected


@pytest.mark.parametrize("query", ODD)
def test_odd_text_finds_what_the_plain_search_finds(
    client: TestClient, committee: Member, engine: Engine, campaign: Campaign, query: str
) -> None:
    log_in(client, committee)
    assert shown(client, query) == plain_search(engine, campaign, query)


def test_a_nul_character_is_searched_for_like_any_other_on_sqlite(tmp_path: Path) -> None:
    """FTS5 stops reading its query at a NUL; the plain search takes it as text. (PostgreSQL
    refuses NUL in text parameters altogether, with or without the index: SQLite only.)"""
    url = f"sqlite:///{tmp_path / 'nul.db'}"
    upgrade(url)
    factory = Factory(get_engine(url))
    campaign = factory.campaign(slug="mercy")
    factory.coworkers(
        campaign,
        {"name": "Smith, John", "department": "ICU"},
        {"name": "Smi\0th, Jo", "department": "ICU"},
    )
    assert list_names(url, campaign, "smi\0th") == ["Smi\0th, Jo"]
    for query in ("smith\0", "\0\0\0", "smith"):
        assert list_names(url, campaign, query) == plain_search(get_engine(url), campaign, query)
    assert list_names(url, campaign, "smith") == ["Smith, John"]


@pytest.mark.parametrize("query", ["smi\0th", "\0", "a\0", "ga\0rcia"])
def test_a_nul_character_is_answered_on_both_backends(
    client: TestClient, committee: Member, engine: Engine, campaign: Campaign, query: str
) -> None:
    """PostgreSQL refuses a NUL in a text parameter (it was a 500); no text there can hold one,
    so nothing matches. SQLite searches for it like any other character. A form that carries
    one (assigning the matches of such a search) is refused, naming the field."""
    log_in(client, committee)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/campaigns/mercy/coworkers", params={"q": query}, headers=headers)
        assert response.status_code == 200, response.text
        if engine.dialect.name == "postgresql":
            assert listed_names(response) == []
        else:
            assert listed_names(response) == plain_search(engine, campaign, query)
    assigned = client.post(
        "/campaigns/mercy/coworkers/assign",
        data={"scope": "matching", "q": query, "organizer_email": "cam@example.org"},
        follow_redirects=False,
    )
    assert assigned.status_code == 422
    assert "q must not contain a NUL character" in assigned.text
    with Session(engine) as session:
        assert (
            session.scalar(select(func.count()).where(col(Coworker.organizer_id).is_not(None))) == 0
        )


def test_letters_beyond_ascii_match_case_as_the_plain_search_does(
    client: TestClient, committee: Member, engine: Engine, campaign: Campaign
) -> None:
    """SQLite's LIKE ignores the case of ASCII letters only; the trigram index ignores all
    case, so on SQLite it finds "Ångström" for "ÅNGSTRÖM", and the LIKE must still say no."""
    log_in(client, committee)
    for query in ("ÅNGSTRÖM", "ångström", "NÚÑEZ", "zoË"):
        expected = plain_search(engine, campaign, query)
        assert shown(client, query) == expected, query
        if engine.dialect.name == "sqlite":
            assert expected == [], query
    # Letters beyond ASCII in the same case, ASCII ones in any: found everywhere.
    assert shown(client, "NGSTRöM") == ["Ångström, Zoë"]
    assert shown(client, "núñEZ") == ["Núñez, José"]


def test_a_renamed_coworker_is_found_by_the_new_name_only(
    client: TestClient, committee: Member, engine: Engine, campaign: Campaign, matches: str
) -> None:
    log_in(client, committee)
    with Session(engine) as session:
        smith = session.scalars(select(Coworker).where(col(Coworker.name) == "Smith, John")).one()
    form = edit_form(client, smith.id)
    saved = client.post(
        f"/campaigns/mercy/coworkers/{smith.id}",
        data=form | {"name": "Wright, Johanna", "job_title": "Ward Secretary"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert shown(client, "smith") == []
    assert shown(client, "wright") == ["Wright, Johanna"]
    assert shown(client, "johan") == ["Wright, Johanna"]
    assert shown(client, "secretar") == ["Wright, Johanna"]
    assert shown(client, "unit clerk") == ["Park, Lee Ann", "Park, Lee_Ann"]


def test_an_assessment_leaves_the_coworker_findable(
    client: TestClient, committee: Member, engine: Engine, campaign: Campaign
) -> None:
    """Recording a level updates the coworker row; the search index must not lose them."""
    log_in(client, committee)
    with Session(engine) as session:
        chen = session.scalars(select(Coworker).where(col(Coworker.name) == "Chen, Wei")).one()
    recorded = client.post(f"/campaigns/mercy/coworkers/{chen.id}/assessments", data={"level": "2"})
    assert recorded.status_code == 200
    assert shown(client, "chen, w") == ["Chen, Wei"]
    assert shown(client, "chen, w", level="2") == ["Chen, Wei"]


def test_a_deleted_coworker_is_gone_from_the_results(
    client: TestClient, factory: Factory, engine: Engine, campaign: Campaign, matches: str
) -> None:
    admin = factory.member(campaign, Role.admin, email="ada@example.org")
    log_in(client, admin)
    with Session(engine) as session:
        garcia = session.scalars(select(Coworker).where(col(Coworker.name) == "Garcia, Maria"))
        garcia_id = garcia.one().id
    deleted = client.post(f"/campaigns/mercy/coworkers/{garcia_id}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert shown(client, "garcia") == []
    assert shown(client, "nurs") == ["Okafor, Ngozi"]
    # A new coworker can take the name, and is found.
    factory.coworkers(campaign, {"name": "Garcia, Maria", "department": "ICU"})
    assert shown(client, "garcia") == ["Garcia, Maria"]


def test_search_results_page_in_name_order(
    client: TestClient, committee: Member, factory: Factory, campaign: Campaign, matches: str
) -> None:
    factory.coworkers(
        campaign, *({"name": f"Match {n:03d}", "department": "ICU"} for n in reversed(range(60)))
    )
    log_in(client, committee)
    assert shown(client, "ATCH") == [f"Match {n:03d}" for n in range(50)]
    assert shown(client, "atch", page="2") == [f"Match {n:03d}" for n in range(50, 60)]


def test_the_committee_assigns_everyone_a_search_matches(
    client: TestClient, committee: Member, factory: Factory, campaign: Campaign, application,
    matches: str,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    organizer = factory.member(campaign, Role.organizer, email="olu@example.org")
    log_in(client, committee)
    response = client.post(
        "/campaigns/mercy/coworkers/assign",
        data={"scope": "matching", "q": "nurs", "organizer_id": str(organizer.user.id)},
        follow_redirects=False,
    )
    assert "assigned=2" in response.headers["location"]
    organizer_client = TestClient(application, headers={"Sec-Fetch-Site": "same-origin"})
    log_in(organizer_client, organizer)
    assert listed_names(organizer_client.get("/campaigns/mercy/coworkers")) == [
        "Garcia, Maria", "Okafor, Ngozi",
    ]  # fmt: skip
    # The organizer's own search is narrowed to their list.
    assert shown(organizer_client, "garcia") == ["Garcia, Maria"]
    assert shown(organizer_client, "clerk") == []


# -- the index itself ---------------------------------------------------------------------------


def search_objects(url: str) -> set[str]:
    engine = get_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'coworker_search%'")
            )
            return {name for (name,) in rows}
        return {ix["name"] for ix in inspect(conn).get_indexes("coworker")} & set(
            search.TRIGRAM_INDEXES
        )


@BOTH
def test_the_search_index_is_there_at_head(empty_database_url: str) -> None:
    """A later migration that rebuilds the coworker table on SQLite would drop the triggers."""
    upgrade(empty_database_url)
    if empty_database_url.startswith("sqlite"):
        assert {
            "coworker_search",
            "coworker_search_insert",
            "coworker_search_update",
            "coworker_search_delete",
        } <= search_objects(empty_database_url)
    else:
        assert search_objects(empty_database_url) == set(search.TRIGRAM_INDEXES)


@BOTH
def test_the_migration_indexes_the_coworkers_already_there(empty_database_url: str) -> None:
    upgrade(empty_database_url, "c3c0de000003")
    assert search_objects(empty_database_url) == set()
    engine = get_engine(empty_database_url)
    campaign = Factory(engine).campaign(slug="mercy")
    people = (
        ("Garcia, Maria", "ICU", "Registered Nurse"),
        ("Chen, Wei", "Laboratory", "Phlebotomist"),
    )
    with session_scope(engine) as session:
        units = {
            department: (
                campaigns.get_or_create_department(
                    session=session, campaign_id=campaign.id, name=department
                ).id,
                campaigns.get_or_create_shift(session=session, campaign_id=campaign.id, name="").id,
            )
            for _name, department, _title in people
        }
    # Rows as that revision's table holds them (the models describe the newest one).
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(Table("coworker", MetaData(), autoload_with=conn)),
            [
                {"campaign_id": campaign.id, "department_id": units[department][0],
                 "shift_id": units[department][1], "name": name, "job_title": title,
                 "phone": "", "email": "", "notes": "", "active": True, "is_committee": False,
                 "is_organic_leader": False, "version": 1, "created_at": now, "updated_at": now}
                for name, department, title in people
            ],
        )  # fmt: skip
    engine.dispose()
    upgrade(empty_database_url)
    assert list_names(empty_database_url, campaign, "arci") == ["Garcia, Maria"]
    assert list_names(empty_database_url, campaign, "phlebot") == ["Chen, Wei"]
    assert list_names(empty_database_url, campaign, "zzqx") == []
