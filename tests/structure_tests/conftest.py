"""A small campaign whose structure-test numbers are worked out by hand (shared by the page and
command tests).

"Mercy" has eight active coworkers and one who departed. The "Majority petition" (goal: the
supermajority threshold, 70%) has these results — the departed coworker's "took part" must count
nowhere:

    name            department  shift  organizer  level  result
    Garcia, Maria   ICU         Night  olu        2      took part
    Okafor, Ngozi   ICU         Day    olu        4      took part
    Chen, Wei       Pharmacy    Day    olu        –      took part
    Smith, John     Emergency   Night  –          1      not reached
    Ahmed, Sara     ICU         Day    ola        1      took part
    Brown, Lee      Pharmacy    Night  ola        3      declined
    Diaz, Ana       Emergency   Day    –          2      took part
    Evans, Kim      Emergency   Day    ola        –      took part
    Gone, Long      ICU         Day    olu        1      took part   (departed)

The expected lists are built from this table alone, never from the service's own queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, Role
from app.db import session_scope
from app.people.models import Coworker
from app.people.roster import unneutralise
from app.structure_tests import service as structure_tests
from app.structure_tests.models import StructureTest, StructureTestResult
from tests.factories import Factory, Member

TODAY = dt.datetime.now(dt.UTC).date()
PETITION_DATE = TODAY - dt.timedelta(days=14)
NOBODY = "Nobody assigned"


@dataclass(frozen=True)
class Person:
    name: str
    department: str
    shift: str
    organizer: str | None  # "olu" or "ola"
    level: int | None
    result: str | None  # took_part, declined, or None (not reached)
    phone: str = ""
    email: str = ""
    employee_id: str | None = None
    active: bool = True


PEOPLE = (
    Person("Garcia, Maria", "ICU", "Night", "olu", 2, "took_part", "+1 555 0100",
           "maria@example.net", "E001"),
    Person("Okafor, Ngozi", "ICU", "Day", "olu", 4, "took_part", employee_id="E002"),
    Person("Chen, Wei", "Pharmacy", "Day", "olu", None, "took_part", "555 0102",
           employee_id="E003"),
    Person("Smith, John", "Emergency", "Night", None, 1, None, email="js@example.net",
           employee_id="E004"),
    Person("Ahmed, Sara", "ICU", "Day", "ola", 1, "took_part", employee_id="E005"),
    Person("Brown, Lee", "Pharmacy", "Night", "ola", 3, "declined", employee_id="E006"),
    Person("Diaz, Ana", "Emergency", "Day", None, 2, "took_part", employee_id="E007"),
    Person("Evans, Kim", "Emergency", "Day", "ola", None, "took_part", employee_id="E008"),
    Person("Gone, Long", "ICU", "Day", "olu", 1, "took_part", employee_id="E009", active=False),
)  # fmt: skip
ACTIVE = tuple(person for person in PEOPLE if person.active)
EMAILS = {"olu": "olu@example.org", "ola": "ola@example.org"}
LIST_HEADER = ["group", "name", "department", "shift", "organizer", "level", "result"]
CONTACT_HEADER = ["phone", "email"]
RESULT_LABEL = {"took_part": "took part", "declined": "declined", None: "not reached"}


@dataclass
class Mercy:
    campaign: Campaign
    other: Campaign  # a campaign none of the Mercy members belong to
    olu: Member
    ola: Member
    committee: Member
    admin: Member
    outsider: Member  # a member of the other campaign only
    ids: dict[str, int]  # coworker name → id
    other_coworker_id: int
    petition: str  # the petition's slug

    def id_of(self, name: str) -> int:
        return self.ids[name]


def add_test(
    engine: Engine,
    campaign: Campaign,
    name: str,
    held_on: dt.date,
    results: dict[int, str] | None = None,
    *,
    kind: str = "petition",
    goal: float | None = None,
) -> str:
    """A structure test with these results (coworker id → result), committed; its slug."""
    with session_scope(engine) as session:
        test = structure_tests.create(
            session=session, campaign=campaign, name=name, kind=kind, held_on=held_on,
            goal_pct=goal,
        )  # fmt: skip
        for coworker_id, result in (results or {}).items():
            session.add(
                StructureTestResult(test_id=test.id, coworker_id=coworker_id, result=result)
            )
        structure_tests.refresh_latest_participation(session=session, test=test)
        return test.slug


def stored_results(engine: Engine, slug: str) -> dict[int, str]:
    """coworker id → result, as the database holds them for the test with this slug."""
    with Session(engine) as session:
        rows = session.execute(
            select(col(StructureTestResult.coworker_id), col(StructureTestResult.result))
            .join(StructureTest, col(StructureTest.id) == col(StructureTestResult.test_id))
            .where(col(StructureTest.slug) == slug)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def stored_test(engine: Engine, slug: str) -> StructureTest:
    with Session(engine) as session:
        return session.scalars(select(StructureTest).where(col(StructureTest.slug) == slug)).one()


def count_tests(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(StructureTest.id)).all())


def audit_events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(col(AuditEvent.action) == action)
                .order_by(col(AuditEvent.id))
            )
        )


def expected_rows(
    people: tuple[Person, ...] = ACTIVE,
    *,
    by: str = "department",
    only_not_reached: bool = False,
    contacts: bool = True,
    results: dict[str, str | None] | None = None,
) -> list[list[str]]:
    """The list as it must come out, worked out from the people's table (not from SQL)."""
    chosen = []
    for person in people:
        if not person.active:
            continue
        result = (results or {}).get(person.name, person.result)
        if only_not_reached and result is not None:
            continue
        organizer = EMAILS[person.organizer] if person.organizer else ""
        group_key = person.department if by == "department" else organizer
        cells = [
            group_key or NOBODY,
            person.name,
            person.department,
            person.shift,
            organizer,
            str(person.level) if person.level else "",
            RESULT_LABEL[result],
        ]
        if contacts:
            cells += [person.phone, person.email]
        chosen.append(((group_key, person.name), cells))
    # Both test databases compare text byte by byte (SQLite; PostgreSQL with the C collation),
    # which is Python's order for these names.
    return [cells for _key, cells in sorted(chosen, key=lambda item: item[0])]


def read_csv(data: bytes) -> list[list[str]]:
    """A CSV download as its reader sees it, with the exporter's neutralisation removed."""
    text = data.decode("utf-8")
    return [
        [unneutralise(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))
    ]


def raw_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_xlsx(data: bytes) -> tuple[list[list[Any]], list[str]]:
    """Every row's values, and every cell's data type, of the workbook's only sheet."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    rows = [[cell.value if cell.value is not None else "" for cell in row] for row in sheet.rows]
    types = [cell.data_type for row in sheet.rows for cell in row if cell.value is not None]
    return rows, types


@pytest.fixture
def mercy(factory: Factory, engine: Engine) -> Mercy:
    campaign = factory.campaign("Mercy Hospital", slug="mercy")
    other = factory.campaign("Acme Warehouse", slug="acme")
    olu = factory.member(campaign, Role.organizer, email=EMAILS["olu"])
    ola = factory.member(campaign, Role.organizer, email=EMAILS["ola"])
    committee = factory.member(campaign, Role.committee, email="cam@example.org")
    admin = factory.member(campaign, Role.admin, email="ada@example.org")
    outsider = factory.member(other, Role.admin, email="out@example.org")
    users = {"olu": olu.user.id, "ola": ola.user.id}
    created = factory.coworkers(
        campaign,
        *(
            {
                "name": person.name,
                "department": person.department,
                "shift": person.shift,
                "organizer_id": users[person.organizer] if person.organizer else None,
                "current_level": person.level,
                "phone": person.phone,
                "email": person.email,
                "employee_id": person.employee_id,
                "active": person.active,
                "departed_on": None if person.active else TODAY - dt.timedelta(days=3),
            }
            for person in PEOPLE
        ),
    )
    ids = {coworker.name: coworker.id for coworker in created}
    (stranger,) = factory.coworkers(
        other, {"name": "Stranger, Sam", "department": "ICU", "shift": "Day", "employee_id": "E001"}
    )
    petition = add_test(
        engine,
        campaign,
        "Majority petition",
        PETITION_DATE,
        {ids[p.name]: p.result for p in PEOPLE if p.result is not None},  # type: ignore[misc]
    )
    return Mercy(
        campaign=campaign,
        other=other,
        olu=olu,
        ola=ola,
        committee=committee,
        admin=admin,
        outsider=outsider,
        ids=ids,  # type: ignore[arg-type]
        other_coworker_id=stranger.id,  # type: ignore[arg-type]
        petition=petition,
    )


def coworker_ids(engine: Engine, campaign: Campaign) -> dict[str, int]:
    with Session(engine) as session:
        return dict(
            session.execute(  # type: ignore[arg-type]
                select(col(Coworker.name), col(Coworker.id)).where(
                    col(Coworker.campaign_id) == campaign.id
                )
            ).all()
        )
