"""Readiness from the database: units, as-of dates from history, the trend, participation,
the command and the API giving the same JSON, and the thresholds form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.assessments.models import Assessment
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, Role
from app.cli import app as cli
from app.db import session_scope, utcnow
from app.people import roster
from app.people.models import Coworker
from app.readiness import service as readiness
from app.structure_tests import service as structure_tests
from app.structure_tests.models import StructureTest, StructureTestResult
from tests.factories import Factory, log_in

TODAY = dt.datetime.now(dt.UTC).date()
LONG_AGO = utcnow() - dt.timedelta(days=200)


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def assess(engine: Engine, coworker: Coworker, level: int | None, when: dt.datetime) -> None:
    """An assessment event at a given time, put into the history where it belongs: it records
    the level it replaced, the event after it (if any) now replaces it, and the current level
    is kept in step."""
    history = select(Assessment).where(col(Assessment.coworker_id) == coworker.id)
    with session_scope(engine) as session:
        before = session.scalar(
            history.where(col(Assessment.created_at) < when)
            .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
            .limit(1)
        )
        after = session.scalar(
            history.where(col(Assessment.created_at) > when)
            .order_by(col(Assessment.created_at), col(Assessment.id))
            .limit(1)
        )
        if after is not None:
            after.previous_level = level
        session.add(
            Assessment(
                campaign_id=coworker.campaign_id, coworker_id=coworker.id, level=level,
                previous_level=None if before is None else before.level, created_at=when,
            )
        )  # fmt: skip
        stored = session.get(Coworker, coworker.id)
        assert stored is not None
        if stored.last_assessed_at is None or when >= stored.last_assessed_at:
            stored.current_level, stored.last_assessed_at = level, when
            session.add(stored)


def structure_test(
    engine: Engine, campaign: Campaign, held_days_ago: int, took_part: list[Coworker], name: str
) -> None:
    with session_scope(engine) as session:
        test = StructureTest(
            campaign_id=campaign.id, slug=name.lower().replace(" ", "-"), name=name,
            kind="petition", held_on=TODAY - dt.timedelta(days=held_days_ago), goal_pct=70,
        )  # fmt: skip
        session.add(test)
        session.flush()
        session.add_all(
            StructureTestResult(test_id=test.id, coworker_id=c.id, result="took_part")
            for c in took_part
        )
        structure_tests.refresh_latest_participation(session=session, test=test)


@pytest.fixture
def campaign(factory: Factory) -> Campaign:
    return factory.campaign(slug="mercy")


@pytest.fixture
def staff(factory: Factory, campaign: Campaign) -> dict[str, Coworker]:
    """ICU: 4 people (2 day, 2 night); ER: 3 (day); one with no department or shift."""
    rows = {
        "ana": {"department": "ICU", "shift": "Day", "current_level": 1, "is_committee": True},
        "bo": {"department": "ICU", "shift": "Day", "current_level": 2},
        "cy": {"department": "ICU", "shift": "Night", "current_level": 3},
        "di": {"department": "ICU", "shift": "Night"},
        "ed": {"department": "ER", "shift": "Day", "current_level": 2, "is_committee": True},
        "flo": {"department": "ER", "shift": "Day", "current_level": 5},
        "gus": {"department": "ER", "shift": "Day", "current_level": 2},
        "hal": {"department": "", "shift": "", "current_level": 2},
        "ivy": {"department": "ICU", "shift": "Day", "current_level": 1, "active": False,
                "departed_on": TODAY - dt.timedelta(days=1)},
    }  # fmt: skip
    created = factory.coworkers(
        campaign, *({"name": name, "created_at": LONG_AGO, **row} for name, row in rows.items())
    )
    return dict(zip(rows, created, strict=True))


def by_name(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {unit["name"]: unit for unit in report["units"]}


def test_units_by_department_shift_and_cell(
    engine: Engine, campaign: Campaign, staff: dict[str, Coworker]
) -> None:
    with Session(engine) as session:
        department = readiness.report(
            session=session, campaign=campaign, by=readiness.Grouping.department
        )
        shift = readiness.report(session=session, campaign=campaign, by=readiness.Grouping.shift)
        cell = readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)
    assert [u["name"] for u in department["units"]] == ["ER", "ICU", "Unassigned"]
    icu = by_name(department)["ICU"]
    assert icu["headcount"] == 4  # the departed one is out
    assert icu["levels"] == {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "unassessed": 1}
    assert (icu["assessed_pct"], icu["support_pct"], icu["support_of_assessed_pct"]) == (
        75.0, 50.0, 66.7,
    )  # fmt: skip
    assert (icu["organizers"], icu["coworkers_per_organizer"]) == (1, 4.0)
    assert icu["status"] == "building"  # 50% is not above 50
    er = by_name(department)["ER"]
    assert (er["support_pct"], er["status"], er["shift"]) == (66.7, "majority", None)
    assert by_name(department)["Unassigned"]["department"] == "Unassigned"
    assert [u["name"] for u in shift["units"]] == ["Day", "Night", "Unassigned"]
    assert by_name(shift)["Day"]["headcount"] == 5
    assert by_name(shift)["Day"]["department"] is None
    assert [u["name"] for u in cell["units"]] == [
        "ER / Day", "ICU / Day", "ICU / Night", "Unassigned / Unassigned",
    ]  # fmt: skip
    icu_day = by_name(cell)["ICU / Day"]
    assert (icu_day["department"], icu_day["shift"], icu_day["support_pct"]) == (
        "ICU",
        "Day",
        100.0,
    )
    total = department["total"]
    assert (total["name"], total["headcount"], total["support_pct"]) == ("All", 8, 62.5)
    assert total["participation_pct"] is None  # no structure test yet
    assert department["thresholds"] == {
        "majority": 50, "supermajority": 70, "strike_ready": 80, "coworkers_per_organizer": 10,
    }  # fmt: skip
    assert department["as_of"] == TODAY.isoformat()


def test_participation_comes_from_the_latest_test_by_date(
    engine: Engine, campaign: Campaign, staff: dict[str, Coworker]
) -> None:
    icu = [staff["ana"], staff["bo"], staff["cy"]]
    structure_test(engine, campaign, 30, [staff["ana"]], "Old petition")
    structure_test(engine, campaign, 5, icu, "Button day")
    with Session(engine) as session:
        report = readiness.report(
            session=session, campaign=campaign, by=readiness.Grouping.department
        )
        before = readiness.report(
            session=session, campaign=campaign, by=readiness.Grouping.department,
            as_of=TODAY - dt.timedelta(days=10),
        )  # fmt: skip
    assert by_name(report)["ICU"]["participation_pct"] == 75.0
    assert by_name(report)["ER"]["participation_pct"] == 0.0
    assert report["total"]["participation_pct"] == 37.5
    # Ten days ago the latest test was the old petition, and Ivy (departed yesterday) still
    # worked in ICU: 1 of 5.
    assert by_name(before)["ICU"]["participation_pct"] == 20.0


def test_strike_ready_needs_the_structure_tested(
    engine: Engine, factory: Factory, campaign: Campaign
) -> None:
    people = factory.coworkers(
        campaign,
        *({"name": f"P{n}", "department": "Dock", "shift": "Day", "current_level": 1,
           "is_committee": n == 0, "created_at": LONG_AGO} for n in range(10)),
    )  # fmt: skip
    with Session(engine) as session:
        untested = readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)
    assert untested["units"][0]["status"] == "supermajority"
    structure_test(engine, campaign, 1, people[:8], "Strike pledge")
    with Session(engine) as session:
        tested = readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)
    assert tested["units"][0]["status"] == "strike-ready"


def test_as_of_uses_the_latest_assessment_then_and_who_worked_there_then(
    engine: Engine, factory: Factory, campaign: Campaign
) -> None:
    moved, cleared, late, departed, newcomer = factory.coworkers(
        campaign,
        *({"name": name, "department": "ICU", "shift": "Day", "created_at": LONG_AGO}
          for name in ("moved", "cleared", "late", "departed")),
        {"name": "newcomer", "department": "ICU", "shift": "Day", "created_at": at(3)},
    )  # fmt: skip
    assess(engine, moved, 4, at(40))
    assess(engine, moved, 2, at(20))
    assess(engine, moved, 1, at(2))
    assess(engine, cleared, 2, at(30))
    assess(engine, cleared, None, at(10))
    assess(engine, late, 2, at(1))
    assess(engine, departed, 1, at(50))
    assess(engine, newcomer, 1, at(2))
    with session_scope(engine) as session:
        gone = session.get(Coworker, departed.id)
        assert gone is not None
        gone.active, gone.departed_on = False, TODAY - dt.timedelta(days=15)
        session.add(gone)

    def total_as_of(days_ago: int) -> dict:  # type: ignore[type-arg]
        with Session(engine) as session:
            return readiness.report(
                session=session, campaign=campaign, by=readiness.Grouping.department,
                as_of=TODAY - dt.timedelta(days=days_ago),
            )["total"]  # fmt: skip

    forty_five = total_as_of(45)  # moved:- cleared:- late:- departed:1
    assert forty_five["headcount"] == 4
    assert forty_five["levels"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0, "unassessed": 3}
    twenty_five = total_as_of(25)  # moved:4 cleared:2 late:- departed:1
    assert twenty_five["levels"] == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "unassessed": 1}
    five = total_as_of(5)  # moved:2 cleared:cleared late:- (departed is gone, newcomer not yet)
    assert five["headcount"] == 3
    assert five["levels"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0, "unassessed": 2}
    with Session(engine) as session:
        today = readiness.report(
            session=session, campaign=campaign, by=readiness.Grouping.department
        )
    assert today["total"]["levels"] == {"1": 2, "2": 1, "3": 0, "4": 0, "5": 0, "unassessed": 1}
    # As of yesterday (from history) agrees with today's denormalised levels but for today's taps.
    assert total_as_of(0)["levels"] == today["total"]["levels"]


def test_the_weekly_trend_agrees_with_as_of_on_every_week(
    engine: Engine, factory: Factory, campaign: Campaign
) -> None:
    people = factory.coworkers(
        campaign,
        *({"name": f"P{n}", "department": "ICU" if n % 2 else "ER", "shift": "Day",
           "created_at": LONG_AGO if n < 8 else at(20)} for n in range(10)),
    )  # fmt: skip
    for index, person in enumerate(people):
        assess(engine, person, 3, at(80 - index))
        if index % 3 == 0:
            assess(engine, person, 2, at(60 - 5 * index))
        if index % 4 == 0:
            assess(engine, person, 4, at(30 - index))
    with session_scope(engine) as session:
        gone = session.get(Coworker, people[1].id)
        assert gone is not None
        gone.active, gone.departed_on = False, TODAY - dt.timedelta(days=25)
    with Session(engine) as session:
        campaign_trend = readiness.trend(session=session, campaign=campaign)
        icu = campaign_trend_of(session, campaign, "ICU")
        # Ending in the past, with changes after its last week that must be undone.
        earlier = readiness.trend(
            session=session, campaign=campaign, as_of=TODAY - dt.timedelta(days=10)
        )
        assert len(campaign_trend) == 12
        assert campaign_trend[-1].as_of == TODAY
        for points, department in ((campaign_trend, None), (icu, "ICU"), (earlier, None)):
            for point in points:
                report = readiness.report(
                    session=session, campaign=campaign, by=readiness.Grouping.department,
                    as_of=point.as_of,
                )  # fmt: skip
                unit = report["total"] if department is None else by_name(report)[department]
                levels = unit["levels"]
                assert (point.supporters, point.headcount) == (
                    levels["1"] + levels["2"], unit["headcount"],
                ), point.as_of  # fmt: skip
    assert [p.supporters for p in campaign_trend] != [0] * 12


def test_each_event_records_the_level_it_replaced_and_the_trend_follows(
    client: TestClient, engine: Engine, factory: Factory, campaign: Campaign
) -> None:
    """Taps and an import through the app: every event names the level it replaced, which is
    what the trend counts back from today with."""
    ada, ben = factory.coworkers(
        campaign,
        *({"name": name, "employee_id": employee_id, "department": "ICU", "shift": "Day",
           "created_at": LONG_AGO} for name, employee_id in (("Ada", "E1"), ("Ben", "E2"))),
    )  # fmt: skip
    log_in(client, factory.member(campaign, Role.committee))
    for coworker, level in ((ada, "3"), (ada, "2"), (ben, "2"), (ada, ""), (ada, "1")):
        response = client.post(
            f"/campaigns/mercy/coworkers/{coworker.id}/assessments",
            data={"level": level, "note": ""},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    with session_scope(engine) as session:
        roster.import_roster(
            session=session, campaign_id=campaign.id, actor="test",  # type: ignore[arg-type]
            data=b"employee_id,name,department,shift,level\nE1,Ada,ICU,Day,4\nE2,Ben,ICU,Day,2\n",
        )  # fmt: skip
    with Session(engine) as session:
        history = session.execute(
            select(col(Assessment.previous_level), col(Assessment.level))
            .where(col(Assessment.coworker_id) == ada.id)
            .order_by(col(Assessment.created_at), col(Assessment.id))
        ).all()
        assert [tuple(event) for event in history] == [
            (None, 3), (3, 2), (2, None), (None, 1), (1, 4),
        ]  # fmt: skip
        result = readiness.rollup(session=session, campaign=campaign)
        counted = readiness.trend(session=session, campaign=campaign)
        given = readiness.trend(
            session=session, campaign=campaign,
            today_counts=readiness.total(result).readiness.counts,
        )  # fmt: skip
    assert counted == given
    # Ben (2) supports today, Ada (4) does not; a week ago neither had been assessed.
    assert (counted[-1].supporters, counted[-1].headcount) == (1, 2)
    assert (counted[-2].supporters, counted[-2].headcount) == (0, 2)


def campaign_trend_of(session: Session, campaign: Campaign, department: str) -> list:  # type: ignore[type-arg]
    assert campaign.id is not None
    department_id = campaigns.get_or_create_department(
        session=session, campaign_id=campaign.id, name=department
    ).id
    return readiness.trend(session=session, campaign=campaign, department_id=department_id)


def test_the_rollup_is_a_fixed_number_of_queries(
    engine: Engine, factory: Factory, campaign: Campaign, staff: dict[str, Coworker]
) -> None:
    statements: list[str] = []

    def count(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as session:
            readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)
        few = len(statements)
        factory.coworkers(
            campaign,
            *({"name": f"X{n}", "department": f"D{n}", "shift": f"S{n}"} for n in range(30)),
        )
        statements.clear()
        with Session(engine) as session:
            readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == few <= 6  # BEGIN, levels, latest test, departments, shifts
    assert sum("GROUP BY" in statement.upper() for statement in statements) == 1


# -- the command and the API -------------------------------------------------------------------


@pytest.mark.parametrize("by", ["department", "shift", "unit"])
def test_the_command_and_the_api_give_identical_json(
    client: TestClient, factory: Factory, campaign: Campaign, staff: dict[str, Coworker],
    database_url: str, monkeypatch: pytest.MonkeyPatch, by: str,
) -> None:  # fmt: skip
    structure_test(factory.engine, campaign, 3, [staff["ana"], staff["ed"]], "Petition")
    monkeypatch.setenv("DATABASE_URL", database_url)
    as_of = (TODAY - dt.timedelta(days=1)).isoformat()
    result = CliRunner().invoke(cli, ["readiness", "mercy", "--by", by, "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    log_in(client, factory.member(campaign, Role.committee))
    response = client.get("/api/v1/campaigns/mercy/readiness", params={"by": by, "as_of": as_of})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(result.stdout)
    assert json.loads(result.stdout)["by"] == by


def test_the_command_prints_a_table_by_department(
    factory: Factory, campaign: Campaign, staff: dict[str, Coworker], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["readiness", "mercy"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Readiness of mercy by department as of")
    icu = next(line for line in lines if line.startswith("ICU"))
    assert icu.split() == ["ICU", "4", "75.0", "50.0", "66.7", "4.0", "–", "building"]
    assert lines[-1].split()[:2] == ["All", "8"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--by", "floor"], "by must be department, shift or unit"),
        (["--as-of", "yesterday"], "as_of must be a date"),
        (["--as-of", "2999-01-01"], "is in the future"),
    ],
)
def test_the_command_refuses_bad_options(
    campaign: Campaign, database_url: str, monkeypatch: pytest.MonkeyPatch,
    args: list[str], fragment: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["readiness", "mercy", *args])
    assert result.exit_code == 1
    assert fragment in result.stderr


@pytest.mark.parametrize(
    ("params", "fragment"),
    [({"by": "floor"}, "by"), ({"as_of": "2999-01-01"}, "future"), ({"as_of": "x"}, "as_of")],
)
def test_the_api_refuses_bad_parameters_with_422(
    client: TestClient, factory: Factory, campaign: Campaign, params: dict[str, str], fragment: str
) -> None:
    log_in(client, factory.member(campaign, Role.admin))
    response = client.get("/api/v1/campaigns/mercy/readiness", params=params)
    assert response.status_code == 422
    assert fragment in json.dumps(response.json())


def test_organizers_get_403_from_the_api_and_the_page(
    client: TestClient, factory: Factory, campaign: Campaign
) -> None:
    log_in(client, factory.member(campaign, Role.organizer))
    assert client.get("/api/v1/campaigns/mercy/readiness").status_code == 403
    assert client.get("/campaigns/mercy/readiness").status_code == 403


def test_the_api_is_described_in_openapi(application) -> None:  # type: ignore[no-untyped-def]
    schema = application.openapi()
    operation = schema["paths"]["/api/v1/campaigns/{slug}/readiness"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"slug", "by", "as_of"}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ReadinessReport")
    unit = schema["components"]["schemas"]["UnitReadiness"]["properties"]
    assert set(unit) >= {"support_pct", "support_of_assessed_pct", "participation_pct", "status"}


# -- thresholds --------------------------------------------------------------------------------


def test_an_admin_edits_the_thresholds(
    client: TestClient,
    factory: Factory,
    campaign: Campaign,
    staff: dict[str, Coworker],
    engine: Engine,
) -> None:
    log_in(client, factory.member(campaign, Role.admin))
    form = {
        "majority": "60",
        "supermajority": "66.5",
        "strike_ready": "75",
        "coworkers_per_organizer": "8",
    }
    response = client.post("/campaigns/mercy/thresholds", data=form)
    assert response.status_code == 200
    assert "Saved." in response.text
    with Session(engine) as session:
        report = readiness.report(
            session=session, campaign=campaigns.get_by_slug(session=session, slug="mercy"),
            by=readiness.Grouping.department,
        )  # fmt: skip
    assert report["thresholds"] == {
        "majority": 60, "supermajority": 66.5, "strike_ready": 75, "coworkers_per_organizer": 8,
    }  # fmt: skip
    assert by_name(report)["ER"]["status"] == "supermajority"  # 66.7 ≥ 66.5


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"majority": "abc"}, "majority", "must be a number"),
        ({"strike_ready": "120"}, "strike_ready", "between 0 and 100"),
        ({"majority": "75"}, "supermajority", "above the majority"),
        ({"coworkers_per_organizer": "0"}, "coworkers_per_organizer", "at least 1"),
    ],
)
def test_bad_thresholds_are_rerendered_and_not_saved(
    client: TestClient, factory: Factory, campaign: Campaign, engine: Engine,
    change: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    log_in(client, factory.member(campaign, Role.admin))
    form = {
        "majority": "50",
        "supermajority": "70",
        "strike_ready": "80",
        "coworkers_per_organizer": "10",
    }
    response = client.post("/campaigns/mercy/thresholds", data=form | change)
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert message in page.select_one(f"#{field}-error").get_text()
    assert page.select_one(f"#{field}")["value"] == (form | change)[field]
    with Session(engine) as session:
        stored = campaigns.get_by_slug(session=session, slug="mercy")
    assert stored.majority_threshold == 50
