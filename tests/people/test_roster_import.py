"""Importing the employer's roster: `rankfile roster import` and the admin's upload.

Every test runs on SQLite and on PostgreSQL. Files are written byte for byte, so encodings,
byte-order marks and line endings are exactly what a spreadsheet or an HR system would produce.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from pathlib import Path
from typing import Any

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
from app.db import session_scope
from app.people import service as people_service
from app.people.models import Coworker
from app.people.service import StaleEdit
from tests.conftest import require
from tests.factories import Factory, log_in

runner = CliRunner()

CHICAGO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "chicago-city-roster.csv"
IMPORT_NOTE = "Imported from roster"


# -- helpers -----------------------------------------------------------------------------------


def csv_bytes(*rows: list[str], bom: bool = False, newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def counts(engine: Engine) -> dict[str, int]:
    """How many rows every table an import may write holds."""
    with Session(engine) as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Coworker, Assessment, AuditEvent, Department, Shift)
        }


def everyone(engine: Engine) -> list[dict[str, Any]]:
    """Every coworker, by id, with the names of their department and shift."""
    with Session(engine) as session:
        rows = session.execute(
            select(Coworker, col(Department.name), col(Shift.name))
            .join(Department, col(Department.id) == col(Coworker.department_id))
            .join(Shift, col(Shift.id) == col(Coworker.shift_id))
            .order_by(col(Coworker.id))
        ).all()
    return [
        coworker.model_dump() | {"department": department, "shift": shift}
        for coworker, department, shift in rows
    ]


def the_one(engine: Engine) -> dict[str, Any]:
    found = everyone(engine)
    assert len(found) == 1, found
    return found[0]


def assessments(engine: Engine) -> list[Assessment]:
    with Session(engine) as session:
        return list(session.scalars(select(Assessment).order_by(col(Assessment.id))))


def audit_events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(col(AuditEvent.action) == action)
                .order_by(col(AuditEvent.id))
            )
        )


def summary(created: int, updated: int, unchanged: int) -> str:
    return f"Created {created}, updated {updated}, unchanged {unchanged}."


@pytest.fixture
def mercy(factory: Factory) -> Campaign:
    return factory.campaign("Mercy Hospital", slug="mercy")


@pytest.fixture
def import_roster(  # type: ignore[no-untyped-def]
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Run `rankfile roster import SLUG FILE [options]` on these bytes."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RANKFILE_ENV", "test")

    def run(data: bytes, *options: str, slug: str = "mercy", name: str = "roster.csv"):  # type: ignore[no-untyped-def]
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(cli, ["roster", "import", slug, str(path), *options])
        # A crash is raised with its traceback, not mistaken for the exit code of a refusal.
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


def assert_imported(result, created: int, updated: int, unchanged: int) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert summary(created, updated, unchanged) in result.stdout, result.stdout


# -- headers -----------------------------------------------------------------------------------

# (header as the file spells it, the field it must land in)
ALIASES = [
    ("Name", "name"),
    ("FULL NAME", "name"),
    ("Employee Name", "name"),
    ("employee_name", "name"),
    ("Department", "department"),
    ("Dept.", "department"),
    ("Work Location", "department"),
    ("AREA", "department"),
    ("Shift", "shift"),
    ("Shift Time", "shift"),
    ("Job Title", "job_title"),
    ("Job Titles", "job_title"),
    ("Classification", "job_title"),
    ("Job Classification", "job_title"),
    ("Employee ID", "employee_id"),
    ("Employee Number", "employee_id"),
    ("Emp. ID", "employee_id"),
    ("ID", "employee_id"),
    ("Phone", "phone"),
    ("Cell", "phone"),
    ("Cell Phone", "phone"),
    ("MOBILE", "phone"),
    ("Email", "email"),
    ("Personal E-mail", "email"),
    ("Assessment", "level"),
    ("Level", "level"),
    ("Rating", "level"),
    ("Rate", "level"),
    ("Support", "level"),
    ("Committee", "committee"),
    ("OC", "committee"),
    ("Organizing Committee", "committee"),
    ("Organic Leader", "organic_leader"),
    ("leader", "organic_leader"),
    ("Organizer", "organizer"),
]
# A value for each field, and how it shows on the coworker.
SAMPLE = {
    "name": ("RIVERA, ANA M", lambda p: p["name"] == "RIVERA, ANA M"),
    "department": ("Intensive Care", lambda p: p["department"] == "Intensive Care"),
    "shift": ("Nights", lambda p: p["shift"] == "Nights"),
    "job_title": ("RN II", lambda p: p["job_title"] == "RN II"),
    "employee_id": ("E-104", lambda p: p["employee_id"] == "E-104"),
    "phone": ("555 0100", lambda p: p["phone"] == "555 0100"),
    "email": ("ana@home.example", lambda p: p["email"] == "ana@home.example"),
    "level": ("2", lambda p: p["current_level"] == 2),
    "committee": ("C", lambda p: p["is_committee"] is True),
    "organic_leader": ("Yes", lambda p: p["is_organic_leader"] is True),
    "organizer": ("Organizer-Mercy@Example.org", lambda p: p["organizer_id"] is not None),
}


@pytest.mark.parametrize(("header", "field"), ALIASES, ids=[header for header, _ in ALIASES])
def test_every_alias_is_recognised(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign, header: str, field: str
) -> None:
    organizer = factory.member(mercy, Role.organizer)
    headers, cells = [header], [SAMPLE[field][0]]
    if field != "name":
        headers, cells = ["Name", *headers], ["RIVERA, ANA M", *cells]
    result = import_roster(csv_bytes(headers, cells))
    assert_imported(result, 1, 0, 0)
    assert "unknown" not in result.stdout.lower()
    person = the_one(engine)
    assert SAMPLE[field][1](person), person
    if field == "organizer":
        assert person["organizer_id"] == organizer.user.id


def test_first_middle_and_last_name_become_last_first_middle(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    data = csv_bytes(
        ["First Name", "Middle Name", "Last Name", "Department"],
        ["Ana", "María", "Rivera", "ICU"],
        ["John", "", "Smith", "ICU"],
    )
    assert_imported(import_roster(data), 2, 0, 0)
    assert [p["name"] for p in everyone(engine)] == ["Rivera, Ana María", "Smith, John"]
    # Without a middle-name column too.
    again = csv_bytes(["last_name", "FIRST NAME", "Department"], ["Okafor", "Chidi", "ER"])
    assert_imported(import_roster(again), 1, 0, 0)
    assert everyone(engine)[-1]["name"] == "Okafor, Chidi"


def test_a_single_name_column_is_kept_exactly(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    names = ["smith, John Q.", "Ana María Rivera-López", "O'BRIEN, PAT", "Prince"]
    assert_imported(import_roster(csv_bytes(["Name"], *[[n] for n in names])), 4, 0, 0)
    assert [p["name"] for p in everyone(engine)] == names


def test_every_column_the_export_writes_is_recognised(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    organizer = factory.member(mercy, Role.organizer, email="org@example.org")
    data = csv_bytes(
        ["employee_id", "name", "department", "shift", "job_title", "level", "committee",
         "organic_leader", "organizer", "phone", "email", "last_assessed_at"],
        ["E7", "Rivera, Ana", "ICU", "Days", "RN", "1", "yes", "no", "org@example.org",
         "555 0100", "ana@home.example", "2001-01-01T00:00:00Z"],
    )  # fmt: skip
    result = import_roster(data)
    assert_imported(result, 1, 0, 0)
    assert "unknown" not in result.stdout.lower()  # last_assessed_at is known, and ignored
    person = the_one(engine)
    assert {k: person[k] for k in (
        "employee_id", "name", "department", "shift", "job_title", "current_level",
        "is_committee", "is_organic_leader", "organizer_id", "phone", "email",
    )} == {
        "employee_id": "E7", "name": "Rivera, Ana", "department": "ICU", "shift": "Days",
        "job_title": "RN", "current_level": 1, "is_committee": True, "is_organic_leader": False,
        "organizer_id": organizer.user.id, "phone": "555 0100", "email": "ana@home.example",
    }  # fmt: skip
    # The time of the imported assessment is now, not the file's read-only column.
    assert person["last_assessed_at"].year > 2001


@pytest.mark.parametrize(
    ("word", "expected"),
    [("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("c", True),
     ("no", False), ("n", False), ("false", False), ("0", False), ("", False)],
)  # fmt: skip
def test_flag_words(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign, word: str, expected: bool
) -> None:
    data = csv_bytes(["Name", "Committee", "Organic Leader"], ["Ana", word, word])
    assert_imported(import_roster(data), 1, 0, 0)
    person = the_one(engine)
    assert (person["is_committee"], person["is_organic_leader"]) == (expected, expected)


# -- file formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "newline"),
    [(True, "\r\n"), (True, "\n"), (False, "\r\n"), (False, "\n")],
    ids=["bom-crlf", "bom-lf", "crlf", "lf"],
)
def test_utf8_with_or_without_bom_and_crlf_or_lf(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign, bom: bool, newline: str
) -> None:
    data = csv_bytes(
        ["Name", "Department", "Shift"],
        ["Nguyễn, Thị", "Café", "Nights"],
        ["Müller, Jörg", "ICU", "Days"],
        bom=bom,
        newline=newline,
    )
    assert data.startswith(b"\xef\xbb\xbfName") == bom
    result = import_roster(data)
    assert_imported(result, 2, 0, 0)
    assert "unknown" not in result.stdout.lower()  # the BOM did not hide the first header
    assert [(p["name"], p["department"], p["shift"]) for p in everyone(engine)] == [
        ("Nguyễn, Thị", "Café", "Nights"),
        ("Müller, Jörg", "ICU", "Days"),
    ]
    assert_imported(import_roster(data), 0, 0, 2)


def test_unknown_columns_are_reported_and_ignored(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    data = csv_bytes(
        ["Name", "Annual Salary", "Department", "Badge Colour", ""],
        ["Ana", "52000", "ICU", "blue", "stray"],
    )
    result = import_roster(data)
    assert_imported(result, 1, 0, 0)
    assert "Ignored unknown columns: Annual Salary, Badge Colour" in result.stdout
    person = the_one(engine)
    assert (person["name"], person["department"]) == ("Ana", "ICU")
    assert "52000" not in str(person)
    assert "blue" not in str(person)


def test_a_missing_department_or_shift_is_unassigned(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    with_columns = csv_bytes(
        ["Name", "Department", "Shift"],
        ["Ana", "", ""],
        ["Bo", "ICU", "  "],
        ["Cy", "", "Nights"],
    )
    assert_imported(import_roster(with_columns), 3, 0, 0)
    without_columns = csv_bytes(["Name"], ["Di"])
    assert_imported(import_roster(without_columns), 1, 0, 0)
    assert [(p["name"], p["department"], p["shift"]) for p in everyone(engine)] == [
        ("Ana", "Unassigned", "Unassigned"),
        ("Bo", "ICU", "Unassigned"),
        ("Cy", "Unassigned", "Nights"),
        ("Di", "Unassigned", "Unassigned"),
    ]
    with Session(engine) as session:
        assert sorted(session.scalars(select(Department.name))) == ["ICU", "Unassigned"]
        assert sorted(session.scalars(select(Shift.name))) == ["Nights", "Unassigned"]


def test_blank_rows_are_skipped_but_keep_row_numbers(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    data = b"Name,Level\r\nAna,1\r\n,\r\n\r\nBo,9\r\n"
    result = import_roster(data)
    assert result.exit_code == 1
    assert "row 5, column 'Level'" in result.stderr
    assert counts(engine)["Coworker"] == 0


# -- matching ----------------------------------------------------------------------------------


def test_two_identical_names_in_one_department_are_two_people(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    data = csv_bytes(
        ["Name", "Department", "Job Title"],
        ["SMITH, JOHN", "DEPT OF WATER", "LABORER"],
        ["SMITH, JOHN", "DEPT OF WATER", "LABORER"],
        ["SMITH, JOHN", "POLICE", "OFFICER"],
    )
    assert_imported(import_roster(data), 3, 0, 0)
    assert_imported(import_roster(data), 0, 0, 3)
    assert counts(engine)["Coworker"] == 3
    # A third one hired: the two known ones pair in order, the third is new.
    more = csv_bytes(
        ["Name", "Department", "Job Title"],
        ["SMITH, JOHN", "DEPT OF WATER", "LABORER"],
        ["SMITH, JOHN", "DEPT OF WATER", "FOREMAN"],
        ["SMITH, JOHN", "DEPT OF WATER", "LABORER"],
        ["SMITH, JOHN", "POLICE", "OFFICER"],
    )
    assert_imported(import_roster(more), 1, 1, 2)
    assert [(p["department"], p["job_title"]) for p in everyone(engine)] == [
        ("DEPT OF WATER", "LABORER"),
        ("DEPT OF WATER", "FOREMAN"),
        ("POLICE", "OFFICER"),
        ("DEPT OF WATER", "LABORER"),  # the new one
    ]


def test_matching_by_employee_id_updates_the_details(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    (ana,) = factory.coworkers(
        mercy,
        {"name": "Rivera, Ana", "department": "ICU", "shift": "Days", "employee_id": "E1",
         "job_title": "RN", "phone": "555 0001", "notes": "met at the bus stop"},
    )  # fmt: skip
    data = csv_bytes(
        ["Employee Number", "Name", "Department", "Shift", "Job Title", "Phone"],
        ["E1", "Rivera-Lopez, Ana", "Emergency", "Nights", "Charge RN", "555 0002"],
        ["E2", "Okafor, Chidi", "Emergency", "Nights", "RN", ""],
    )
    assert_imported(import_roster(data), 1, 1, 0)
    first, second = everyone(engine)
    assert first["id"] == ana.id
    assert {k: first[k] for k in ("employee_id", "name", "department", "shift", "job_title",
                                  "phone", "notes")} == {
        "employee_id": "E1", "name": "Rivera-Lopez, Ana", "department": "Emergency",
        "shift": "Nights", "job_title": "Charge RN", "phone": "555 0002",
        "notes": "met at the bus stop",  # what the roster does not hold is kept
    }  # fmt: skip
    assert second["employee_id"] == "E2"
    assert_imported(import_roster(data), 0, 0, 2)


def test_without_an_id_a_coworker_is_matched_by_name_and_department(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    (ana,) = factory.coworkers(mercy, {"name": "Rivera, Ana", "department": "ICU"})
    data = csv_bytes(
        ["Name", "Department", "Job Title"],
        ["Rivera, Ana", "ICU", "RN"],  # the same person: gets a title
        ["Rivera, Ana", "ER", "RN"],  # another department: another person
    )
    assert_imported(import_roster(data), 1, 1, 0)
    first, second = everyone(engine)
    assert (first["id"], first["job_title"]) == (ana.id, "RN")
    assert second["department"] == "ER"


def test_a_coworker_with_another_id_still_pairs_with_a_row_without_id(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    (known,) = factory.coworkers(
        mercy, {"name": "SMITH, JOHN", "department": "ICU", "employee_id": "E1"}
    )
    data = csv_bytes(
        ["Name", "Department", "Employee ID"],
        ["SMITH, JOHN", "ICU", "E2"],  # a different John Smith: new
        ["SMITH, JOHN", "ICU", ""],  # no id: the one already here
    )
    assert_imported(import_roster(data), 1, 0, 1)
    first, second = everyone(engine)
    assert (first["id"], first["employee_id"]) == (known.id, "E1")
    assert second["employee_id"] == "E2"


def test_an_import_that_changes_a_coworker_makes_older_edit_forms_stale(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    (ana,) = factory.coworkers(
        mercy, {"name": "Rivera, Ana", "department": "ICU", "employee_id": "E1", "job_title": "RN"}
    )
    loaded_version = ana.version
    data = csv_bytes(["ID", "Name", "Department", "Job Title"], ["E1", "Rivera, Ana", "ER", "CN"])
    assert_imported(import_roster(data), 0, 1, 0)
    with session_scope(engine) as session:
        coworker = session.get(Coworker, ana.id)
        assert coworker is not None
        with pytest.raises(StaleEdit):
            people_service.update_details(
                session=session,
                coworker=coworker,
                values={"job_title": "RN"},
                loaded_version=loaded_version,
            )


# -- levels ------------------------------------------------------------------------------------


def test_an_imported_level_is_one_assessment_event_only_when_it_differs(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    factory.coworkers(mercy, {"name": "Bo", "department": "ICU", "current_level": 3})
    data = csv_bytes(
        ["Name", "Department", "Support"],
        ["Ana", "ICU", "2"],  # new, assessed
        ["Bo", "ICU", "3"],  # already a 3: nothing to record
        ["Cy", "ICU", ""],  # new, unassessed
    )
    assert_imported(import_roster(data), 2, 0, 1)
    by_name = {p["name"]: p for p in everyone(engine)}
    assert {name: p["current_level"] for name, p in by_name.items()} == {
        "Bo": 3, "Ana": 2, "Cy": None,
    }  # fmt: skip
    (event,) = assessments(engine)
    assert (event.coworker_id, event.level, event.note, event.source) == (
        by_name["Ana"]["id"], 2, IMPORT_NOTE, "import",
    )  # fmt: skip
    assert event.assessed_by_id is None  # the command has no user
    assert by_name["Ana"]["last_assessed_at"] == event.created_at
    assert by_name["Cy"]["last_assessed_at"] is None

    # The same file again changes nothing and records nothing.
    assert_imported(import_roster(data), 0, 0, 3)
    assert len(assessments(engine)) == 1

    # A new level is one more event; a blank level leaves the level alone.
    changed = csv_bytes(
        ["Name", "Department", "Support"], ["Ana", "ICU", "1"], ["Bo", "ICU", ""], ["Cy", "ICU", ""]
    )
    assert_imported(import_roster(changed), 0, 1, 2)
    events = assessments(engine)
    assert [(e.coworker_id, e.level, e.note, e.source) for e in events] == [
        (by_name["Ana"]["id"], 2, IMPORT_NOTE, "import"),
        (by_name["Ana"]["id"], 1, IMPORT_NOTE, "import"),
    ]
    after = {p["name"]: p["current_level"] for p in everyone(engine)}
    assert after == {"Bo": 3, "Ana": 1, "Cy": None}


# -- errors ------------------------------------------------------------------------------------

VALID_HEAD = [["Name", "Department", "Level", "Committee", "Organizer", "Employee ID"]]
BAD_FILES = {
    "level-7": (
        [["Rivera, Ana", "ICU", "2", "no", "", "E1"], ["Okafor, Chidi", "ICU", "7", "no", "", ""]],
        ["row 3, column 'Level'", "'7'"],
    ),
    "unknown-organizer": (
        [["Rivera, Ana", "ICU", "", "no", "nobody@example.org", ""]],
        ["row 2, column 'Organizer'", "nobody@example.org"],
    ),
    "organizer-of-another-campaign": (
        [["Rivera, Ana", "ICU", "", "no", "organizer-acme@example.org", ""]],
        ["row 2, column 'Organizer'", "organizer-acme@example.org"],
    ),
    "flag-maybe": (
        [["Rivera, Ana", "ICU", "", "no", "", ""], ["Okafor, Chidi", "ICU", "", "maybe", "", ""]],
        ["row 3, column 'Committee'", "'maybe'"],
    ),
    "duplicate-employee-id": (
        [["Rivera, Ana", "ICU", "", "", "", "E9"], ["Okafor, Chidi", "ER", "", "", "", "E9"]],
        ["row 3, column 'Employee ID'", "'E9'", "row 2"],
    ),
    "nul-character": (  # no database text column can store one
        [["Rivera, Ana", "ICU", "", "", "", "E1"], ["Okafor, Chidi", "E\x00R", "", "", "", ""]],
        ["row 3, column 'Department'", "NUL character"],
    ),
}


@pytest.fixture
def known_coworker(factory: Factory, mercy: Campaign) -> Coworker:
    """Someone already charted whom a valid row of the bad files would change."""
    factory.member(factory.campaign("Acme", slug="acme"), Role.organizer)
    (ana,) = factory.coworkers(
        mercy, {"name": "Rivera, Ana", "department": "ICU", "employee_id": "E1", "current_level": 4}
    )
    return ana


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_row_names_row_and_column_and_nothing_is_written(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, known_coworker: Coworker, case: str
) -> None:
    rows, fragments = BAD_FILES[case]
    before, people_before = counts(engine), everyone(engine)
    result = import_roster(csv_bytes(*VALID_HEAD, *rows))
    assert result.exit_code == 1, result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "rankfile: error: roster.csv: row" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "rankfile: nothing was imported"
    assert "Created" not in result.stdout
    assert counts(engine) == before
    assert everyone(engine) == people_before


def test_every_problem_is_listed_at_once(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    data = csv_bytes(
        ["Name", "Level", "Leader"], ["Ana", "7", "yes"], ["", "1", "perhaps"], ["Cy", "0", "no"]
    )
    result = import_roster(data)
    assert result.exit_code == 1
    for fragment in (
        "row 2, column 'Level'",
        "row 3, column 'Name': the name is empty",
        "row 3, column 'Leader'",
        "row 4, column 'Level'",
    ):
        assert fragment in result.stderr, result.stderr
    assert counts(engine)["Coworker"] == 0


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"Department,Shift\r\nICU,Days\r\n", "row 1: no name column"),
        (b"First Name,Department\r\nAna,ICU\r\n", "row 1: no name column"),
        (b"Name,Department\r\nAna,Caf\xe9\r\n", "not UTF-8"),
        (b"\xff\xfeN\x00a\x00m\x00e\x00\r\x00\n\x00", "not UTF-8"),  # UTF-16 from Excel
        (b"", "empty"),
        (b"Name,Department\r\n", "no coworkers"),
    ],
    ids=["no-name", "first-name-only", "latin-1", "utf-16", "empty", "header-only"],
)
def test_an_unreadable_file_is_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, known_coworker: Coworker, data: bytes, fragment: str
) -> None:
    before = counts(engine)
    result = import_roster(data)
    assert result.exit_code == 1, result.stdout
    assert fragment in result.stderr, result.stderr
    assert "nothing was imported" in result.stderr
    assert counts(engine) == before


def test_a_non_utf8_byte_names_its_row_and_column(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    result = import_roster(b"Name,Department\r\nAna,ICU\r\nBo,Caf\xe9\r\n")
    assert result.exit_code == 1
    assert "row 3, column 'Department'" in result.stderr, result.stderr


def test_an_unterminated_quote_is_refused_and_names_its_row(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    result = import_roster(b'Name,Department\r\n"Rivera, Ana,ICU\r\nBo,ICU\r\nCy,ER\r\n')
    assert result.exit_code == 1, result.stdout
    assert "row 2: the CSV is malformed" in result.stderr, result.stderr
    assert counts(engine)["Coworker"] == 0


def test_a_missing_file_or_campaign_is_one_clear_error(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign, tmp_path: Path
) -> None:
    missing = runner.invoke(cli, ["roster", "import", "mercy", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("rankfile: error: cannot read")
    no_campaign = import_roster(csv_bytes(["Name"], ["Ana"]), slug="acme")
    assert no_campaign.exit_code == 1
    assert "no campaign" in no_campaign.stderr
    assert counts(engine)["Coworker"] == 0


# -- dry run and audit -------------------------------------------------------------------------


def test_dry_run_writes_nothing_but_prints_the_counts(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    factory.coworkers(
        mercy,
        {"name": "Ana", "department": "ICU", "current_level": 2},
        {"name": "Bo", "department": "ICU", "job_title": "RN"},
    )
    data = csv_bytes(
        ["Name", "Department", "Job Title", "Level", "Shoe Size"],
        ["Ana", "ICU", "", "1", "38"],  # level changes: updated
        ["Bo", "ICU", "RN", "", "44"],  # unchanged
        ["Cy", "ER", "Porter", "3", "41"],  # new
        ["Di", "ER", "Porter", "", "39"],  # new
    )
    before, people_before = counts(engine), everyone(engine)
    result = import_roster(data, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Dry run, nothing written: would have created 2, updated 1, unchanged 1." in (
        result.stdout
    )
    assert "Ignored unknown columns: Shoe Size" in result.stdout
    assert counts(engine) == before
    assert everyone(engine) == people_before
    # The real import does what the dry run said it would.
    assert_imported(import_roster(data), 2, 1, 1)


def test_a_dry_run_of_a_bad_file_fails_the_same_way(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign
) -> None:
    result = import_roster(csv_bytes(["Name", "Level"], ["Ana", "7"]), "--dry-run")
    assert result.exit_code == 1
    assert "row 2, column 'Level'" in result.stderr
    assert counts(engine)["Coworker"] == 0


def test_an_import_is_audited_with_its_counts(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    factory.coworkers(
        mercy, {"name": "Ana", "department": "ICU"}, {"name": "Bo", "department": "ICU"}
    )
    data = csv_bytes(
        ["Name", "Department", "Job Title"],
        ["Ana", "ICU", "RN"],
        ["Bo", "ICU", ""],
        ["Cy", "ICU", ""],
    )
    assert_imported(import_roster(data), 1, 1, 1)
    (event,) = audit_events(engine, "import")
    assert event.campaign_id == mercy.id
    assert event.actor.startswith("cli:")
    assert event.details["created"] == 1
    assert event.details["updated"] == 1
    assert event.details["unchanged"] == 1
    # The log names what happened, never the people.
    assert "Ana" not in str(event.details)


# -- the real roster ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_chicago_roster_imports_once_and_then_changes_nothing(  # type: ignore[no-untyped-def]
    import_roster, engine: Engine, mercy: Campaign, database_url: str
) -> None:
    require(CHICAGO.is_file(), f"the test roster at {CHICAGO}")
    data = CHICAGO.read_bytes()
    with CHICAGO.open(encoding="utf-8-sig", newline="") as handle:
        source = list(csv.DictReader(handle))
    assert len(source) == 31_133

    started = time.perf_counter()
    first = import_roster(data, name=CHICAGO.name)
    first_seconds = time.perf_counter() - started
    assert_imported(first, 31_133, 0, 0)
    assert (
        "Ignored unknown columns: Full or Part-Time, Salary or Hourly, Typical Hours, "
        "Annual Salary, Hourly Rate"
    ) in first.stdout

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Coworker)) == 31_133
        assert session.scalar(select(func.count()).select_from(Department)) == 38
        assert list(session.scalars(select(Shift.name))) == ["Unassigned"]
        unassigned = session.scalar(
            select(func.count())
            .select_from(Coworker)
            .join(Shift, col(Shift.id) == col(Coworker.shift_id))
            .where(col(Shift.name) == "Unassigned")
        )
        assert unassigned == 31_133
        assert session.scalar(select(func.count(func.distinct(Coworker.job_title)))) == len(
            {row["Job Titles"] for row in source}
        )
        stored = Counter(
            (name, department)
            for name, department in session.execute(
                select(col(Coworker.name), col(Department.name)).join(
                    Department, col(Department.id) == col(Coworker.department_id)
                )
            )
        )
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
    expected = Counter((row["Name"], row["Department"]) for row in source)
    assert stored == expected
    assert sum(1 for n in stored.values() if n > 1) == 31  # repeated names stay separate people

    before = counts(engine)
    started = time.perf_counter()
    second = import_roster(data, name=CHICAGO.name)
    second_seconds = time.perf_counter() - started
    assert_imported(second, 0, 0, 31_133)
    after = counts(engine)
    assert after == before | {"AuditEvent": before["AuditEvent"] + 1}
    print(
        f"\nChicago roster on {engine.dialect.name}: first import {first_seconds:.1f} s, "
        f"second import {second_seconds:.1f} s"
    )


# -- the web upload ----------------------------------------------------------------------------


def upload(client: TestClient, data: bytes, *, dry_run: bool = False, slug: str = "mercy"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/campaigns/{slug}/roster/import",
        files={"file": ("roster.csv", data, "text/csv")},
        data={"dry_run": "on"} if dry_run else {},
    )


def test_an_admin_imports_through_the_web(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    admin = factory.member(mercy, Role.admin)
    factory.coworkers(mercy, {"name": "Ana", "department": "ICU"})
    log_in(client, admin)
    data = csv_bytes(
        ["Name", "Department", "Level", "Favourite Colour"],
        ["Ana", "ICU", ""],
        ["Bo", "ICU", "2"],
        ["Cy", "ER", ""],
        bom=True,
    )
    response = upload(client, data)
    assert response.status_code == 200, response.text
    result = BeautifulSoup(response.text, "html.parser").select_one("#import-result")
    assert result is not None
    text = result.get_text(" ", strip=True)
    assert "Imported." in text
    assert "Created 2, updated 0, unchanged 1." in text
    assert "Favourite Colour" in text
    assert counts(engine)["Coworker"] == 3
    (event,) = assessments(engine)
    assert (event.level, event.note, event.source) == (2, IMPORT_NOTE, "import")
    assert event.assessed_by_id == admin.user.id
    (audit,) = audit_events(engine, "import")
    assert audit.actor == admin.email
    assert (audit.details["created"], audit.details["updated"], audit.details["unchanged"]) == (
        2, 0, 1,
    )  # fmt: skip


def test_a_web_dry_run_writes_nothing(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    log_in(client, factory.member(mercy, Role.admin))
    before = counts(engine)
    response = upload(client, csv_bytes(["Name", "Level"], ["Ana", "1"], ["Bo", ""]), dry_run=True)
    assert response.status_code == 200, response.text
    text = BeautifulSoup(response.text, "html.parser").select_one("#import-result").get_text()
    assert "Dry run: nothing was written." in text
    assert "Created 2, updated 0, unchanged 0." in text
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param(b"Name,Level\r\nAna,1\r\nBo,7\r\n", "row 3, column 'Level'"),
        pytest.param(
            b"Name,Organizer\r\nAna,ghost@example.org\r\n",
            "row 2, column 'Organizer'",
        ),
        pytest.param(b"Dept,Shift\r\nICU,Days\r\n", "no name column"),
        pytest.param(b"Name\r\nCaf\xe9\r\n", "not UTF-8"),
        (b"", "choose a CSV file"),
    ],
    ids=["level-7", "organizer", "no-name", "latin-1", "no-file"],
)
def test_a_bad_upload_is_422_with_the_problems_and_writes_nothing(  # type: ignore[no-untyped-def]
    client: TestClient,
    engine: Engine,
    factory: Factory,
    mercy: Campaign,
    data: bytes,
    fragment: str,
) -> None:
    log_in(client, factory.member(mercy, Role.admin))
    before = counts(engine)
    response = upload(client, data)
    assert response.status_code == 422
    problems = BeautifulSoup(response.text, "html.parser").select_one("#import-problems")
    assert problems is not None
    assert "Nothing was imported" in problems.get_text()
    assert fragment in problems.get_text(), problems.get_text()
    assert counts(engine) == before
    # The form is there to try again.
    assert BeautifulSoup(response.text, "html.parser").select_one('input[name="file"]')


@pytest.mark.parametrize("role", [Role.committee, Role.organizer])
def test_only_admins_may_import(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign, role: Role
) -> None:
    log_in(client, factory.member(mercy, role))
    before = counts(engine)
    response = upload(client, csv_bytes(["Name"], ["Ana"]))
    assert response.status_code == 403
    assert counts(engine) == before
    if role == Role.committee:
        # The committee sees the roster page, without the import form.
        page = client.get("/campaigns/mercy/roster")
        assert page.status_code == 200
        assert 'action="/campaigns/mercy/roster/import"' not in page.text


def test_an_upload_to_another_campaign_is_not_found(  # type: ignore[no-untyped-def]
    client: TestClient, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    acme = factory.campaign("Acme", slug="acme")
    factory.member(acme, Role.admin)
    log_in(client, factory.member(mercy, Role.admin))
    response = upload(client, csv_bytes(["Name"], ["Ana"]), slug="acme")
    assert response.status_code == 404
    assert counts(engine)["Coworker"] == 0
