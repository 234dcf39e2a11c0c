"""Taking the employer's roster in, and the committee's chart out, as CSV.

Import is all-or-nothing: the whole file is parsed and checked first, every error names its row
and column, and only a file without errors is written, in one transaction. Importing the same
file twice changes nothing. Export neutralises cells that a spreadsheet would run as formulas,
and import removes exactly that neutralisation, so values survive the round trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from app.accounts.models import User
from app.assessments.models import LEVELS, Assessment
from app.audit import service as audit
from app.campaigns import service as campaigns
from app.campaigns.models import UNASSIGNED, Department, Membership, Shift
from app.db import utcnow
from app.errors import InvalidInput
from app.people.models import Coworker
from app.people.service import with_unit_names

MAX_ROWS = 250_000
MAX_ERRORS_SHOWN = 25
CHUNK = 2000
IMPORT_NOTE = "Imported from roster"

# Header aliases, compared after lower-casing and dropping everything but letters and digits.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "employeename"),
    "first_name": ("firstname", "first", "givenname"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "middle_name": ("middlename", "middle", "middleinitial"),
    "department": ("department", "dept", "worklocation", "area"),
    "shift": ("shift", "shifttime"),
    "job_title": ("jobtitle", "jobtitles", "classification", "jobclassification", "title"),
    "employee_id": ("employeeid", "employeenumber", "empid", "id"),
    "phone": ("phone", "cell", "cellphone", "mobile"),
    "email": ("email", "personalemail"),
    "level": ("assessment", "level", "rating", "rate", "support"),
    "committee": ("committee", "oc", "organizingcommittee"),
    "organic_leader": ("organicleader", "leader"),
    "organizer": ("organizer",),
    "last_assessed_at": ("lastassessedat",),  # written by the export; read-only
}
FIELD_OF_HEADER = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
READ_ONLY = {"last_assessed_at"}
MAX_LENGTHS = {
    "name": 200,
    "department": 120,
    "shift": 120,
    "job_title": 200,
    "employee_id": 64,
    "phone": 64,
    "email": 254,
}
TRUE_WORDS = {"yes", "y", "true", "1", "c", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}

EXPORT_COLUMNS = (
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
)

# A cell a spreadsheet would evaluate: it starts with one of these, perhaps after quotes that are
# themselves neutralisation (so "'=x" exports as "''=x" and comes back as "'=x").
FORMULA_TRIGGER = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula (CWE-1236)."""
    return "'" + value if FORMULA_TRIGGER.match(value) else value


def unneutralise(value: str) -> str:
    """Remove exactly the quote that `neutralise` added."""
    return value[1:] if value.startswith("'") and FORMULA_TRIGGER.match(value[1:]) else value


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass(frozen=True)
class RosterRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    name: str
    department: str
    values: dict[str, Any]  # only the fields the file has columns for


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    columns: set[str]  # the fields present
    unknown_columns: list[str]


class RosterError(InvalidInput):
    """The file cannot be imported; `problems` lists every row and column that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_ERRORS_SHOWN]
        more = len(problems) - len(shown)
        message = "\n".join(shown) + (f"\n… and {more} more problems" if more > 0 else "")
        super().__init__(message)
        self.problems = problems


def decode_csv(data: bytes) -> str:
    """The file's text; refused, with the row and column, when it is not UTF-8 or holds a NUL
    (which no database text column can store)."""
    if not data.strip():
        raise RosterError(["the file is empty"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = _where_first(data.decode("utf-8-sig", errors="replace"), "\ufffd")
        raise RosterError(
            [f"{where}the file is not UTF-8 text (byte {error.start + 1}): save it as “CSV UTF-8”"]
        ) from None
    if "\0" in text:
        where = _where_first(text, "\0")
        raise RosterError([f"{where}the file holds a NUL character: save it as “CSV UTF-8”"])
    return text


def _where_first(text: str, character: str) -> str:
    """Where `character` first appears in the CSV text, as "row N, column 'X': "."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader, [])
        if any(character in header for header in headers):
            return "row 1: "
        for number, cells in enumerate(reader, start=2):
            for index, value in enumerate(cells):
                if character in value:
                    column = headers[index].strip() if index < len(headers) else f"#{index + 1}"
                    return f"row {number}, column {column!r}: "
    except csv.Error:
        pass
    return ""


def _flag(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse(data: bytes, *, member_ids: dict[str, int]) -> ParsedRoster:
    """Parse and check a whole CSV roster; RosterError lists every problem found."""
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""), strict=True)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as error:
        raise RosterError([f"row 1: cannot read the header row ({error})"]) from None
    column_of: dict[str, int] = {}
    header_of: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[str] = []
    for index, header in enumerate(headers):
        field_name = FIELD_OF_HEADER.get(normalise_header(header))
        if field_name is None:
            if header.strip():
                unknown.append(header.strip())
            continue
        if field_name in column_of:
            problems.append(
                f"row 1, column {header!r}: repeats column {header_of[field_name]!r} "
                f"(both are the {field_name.replace('_', ' ')})"
            )
            continue
        column_of[field_name] = index
        header_of[field_name] = header.strip()
    has_full_name = "name" in column_of
    has_split_name = "first_name" in column_of and "last_name" in column_of
    if not has_full_name and not has_split_name:
        problems.append(
            "row 1: no name column (expected “name”, “full name”, “employee name”, "
            "or “first name” and “last name”)"
        )
    if problems:
        raise RosterError(problems)

    rows: list[RosterRow] = []
    seen_ids: dict[str, int] = {}
    number = 1  # the last row read whole
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterError([f"row {number}: the file has more than {MAX_ROWS} rows"])

            def cell(field_name: str, cells: list[str] = cells) -> str:
                index = column_of.get(field_name)
                if index is None or index >= len(cells):
                    return ""
                return unneutralise(cells[index]).strip()

            def problem(field_name: str, message: str, number: int = number) -> None:
                problems.append(f"row {number}, column {header_of[field_name]!r}: {message}")

            if has_full_name:
                name = cell("name")
                name_field = "name"
            else:
                first = " ".join(part for part in (cell("first_name"), cell("middle_name")) if part)
                name = f"{cell('last_name')}, {first}" if first else cell("last_name")
                name_field = "last_name"
            if not name:
                problem(name_field, "the name is empty")
            values: dict[str, Any] = {}
            for field_name in ("department", "shift", "job_title", "employee_id", "phone", "email"):
                if field_name in column_of:
                    values[field_name] = cell(field_name)
            for field_name, limit in MAX_LENGTHS.items():
                text = name if field_name == "name" else values.get(field_name, "")
                if len(text) > limit:
                    problem(
                        name_field if field_name == "name" else field_name,
                        f"longer than {limit} characters",
                    )
            if "level" in column_of:
                level_text = cell("level")
                if level_text and level_text not in {str(n) for n in LEVELS}:
                    problem("level", f"level must be 1-5 or blank, not {level_text!r}")
                values["level"] = (
                    int(level_text) if level_text in {"1", "2", "3", "4", "5"} else None
                )
            for flag_field in ("committee", "organic_leader"):
                if flag_field in column_of:
                    parsed = _flag(cell(flag_field))
                    if parsed is None:
                        problem(
                            flag_field,
                            f"use yes/no, y/n, true/false or 1/0, not {cell(flag_field)!r}",
                        )
                    values[flag_field] = bool(parsed)
            if "organizer" in column_of:
                email = cell("organizer").lower()
                if email and email not in member_ids:
                    problem("organizer", f"no member of this campaign has the email {email!r}")
                values["organizer_id"] = member_ids.get(email)
            employee_id = values.get("employee_id")
            if employee_id:
                if employee_id in seen_ids:
                    problem(
                        "employee_id", f"{employee_id!r} is also on row {seen_ids[employee_id]}"
                    )
                seen_ids[employee_id] = number
            # A missing department or shift is the "Unassigned" bucket, as on the wall chart.
            for field_name in ("department", "shift"):
                if field_name in values:
                    values[field_name] = values[field_name] or UNASSIGNED
            department = values.get("department", UNASSIGNED)
            rows.append(RosterRow(number=number, name=name, department=department, values=values))
    except csv.Error as error:
        raise RosterError([f"row {number + 1}: the CSV is malformed ({error})"]) from None
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError(["the file has a header row but no coworkers"])
    return ParsedRoster(rows=rows, columns=set(column_of), unknown_columns=unknown)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Existing:
    id: int
    employee_id: str | None
    name: str
    department: str
    shift: str
    job_title: str
    phone: str
    email: str
    is_committee: bool
    is_organic_leader: bool
    organizer_id: int | None
    current_level: int | None
    active: bool
    version: int


def _existing(session: Session, campaign_id: int) -> list[_Existing]:
    rows = session.execute(
        with_unit_names(
            select(
                col(Coworker.id),
                col(Coworker.employee_id),
                col(Coworker.name),
                col(Department.name),
                col(Shift.name),
                col(Coworker.job_title),
                col(Coworker.phone),
                col(Coworker.email),
                col(Coworker.is_committee),
                col(Coworker.is_organic_leader),
                col(Coworker.organizer_id),
                col(Coworker.current_level),
                col(Coworker.active),
                col(Coworker.version),
            )
        )
        .where(col(Coworker.campaign_id) == campaign_id)
        .order_by(col(Coworker.id))
    )
    return [_Existing(*row) for row in rows]


def member_ids(*, session: Session, campaign_id: int) -> dict[str, int]:
    """Email → user id of every member of the campaign."""
    rows = session.execute(
        select(col(User.email), col(User.id))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.campaign_id) == campaign_id)
    )
    return dict(rows.all())


def _match(rows: list[RosterRow], existing: list[_Existing]) -> list[_Existing | None]:
    """Pair each file row with an existing coworker, or None for a new one.

    By employee id first; rows without a known id pair with same-named coworkers of the same
    department in order, so two "SMITH, JOHN" in one department stay two people.
    """
    by_employee_id = {person.employee_id: person for person in existing if person.employee_id}
    matched: list[_Existing | None] = [None] * len(rows)
    taken: set[int] = set()
    for index, row in enumerate(rows):
        person = by_employee_id.get(row.values.get("employee_id") or "")
        if person is not None:
            matched[index] = person
            taken.add(person.id)
    by_name: dict[tuple[str, str], deque[_Existing]] = defaultdict(deque)
    for person in existing:
        if person.id not in taken:
            by_name[(person.name, person.department)].append(person)
    for index, row in enumerate(rows):
        if matched[index] is not None:
            continue
        candidates = by_name.get((row.name, row.department))
        if not candidates:
            continue
        row_id = row.values.get("employee_id")
        for position, person in enumerate(candidates):
            # A coworker who has an id is only the same person as a row without a different id;
            # one skipped here stays available to the rows that follow.
            if person.employee_id and row_id and person.employee_id != row_id:
                continue
            matched[index] = person
            del candidates[position]
            break
    return matched


def _changes(row: RosterRow, person: _Existing) -> dict[str, Any]:
    """The stored fields this row would change (level is handled as an assessment)."""
    changes: dict[str, Any] = {}
    wanted = {
        "name": row.name,
        "department": row.department,
        "shift": row.values.get("shift"),
        "job_title": row.values.get("job_title"),
        "employee_id": row.values.get("employee_id") or None,
        "phone": row.values.get("phone"),
        "email": row.values.get("email"),
        "is_committee": row.values.get("committee"),
        "is_organic_leader": row.values.get("organic_leader"),
        "organizer_id": row.values.get("organizer_id"),
    }
    present = {
        "name": True,
        "department": "department" in row.values,
        "shift": "shift" in row.values,
        "job_title": "job_title" in row.values,
        "employee_id": bool(row.values.get("employee_id")),
        "phone": "phone" in row.values,
        "email": "email" in row.values,
        "is_committee": "committee" in row.values,
        "is_organic_leader": "organic_leader" in row.values,
        "organizer_id": "organizer_id" in row.values,
    }
    for name, value in wanted.items():
        if present[name] and getattr(person, name) != value:
            changes[name] = value
    if not person.active:
        changes["active"] = True
    return changes


def _level_change(row: RosterRow, person: _Existing | None) -> int | None:
    level = row.values.get("level")
    if level is None:
        return None
    if person is not None and person.current_level == level:
        return None
    return level


def import_roster(
    *,
    session: Session,
    campaign_id: int,
    data: bytes,
    actor: str,
    actor_id: int | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a CSV roster into the campaign; RosterError (and nothing written) if it is wrong."""
    roster = parse(data, member_ids=member_ids(session=session, campaign_id=campaign_id))
    existing = _existing(session, campaign_id)
    matches = _match(roster.rows, existing)
    result = ImportResult(unknown_columns=roster.unknown_columns, dry_run=dry_run)
    plan_new: list[RosterRow] = []
    plan_updates: list[tuple[_Existing, dict[str, Any]]] = []
    plan_levels: list[tuple[RosterRow, _Existing | None, int]] = []
    for row, person in zip(roster.rows, matches, strict=True):
        level = _level_change(row, person)
        if person is None:
            plan_new.append(row)
            result.created += 1
        else:
            changes = _changes(row, person)
            if changes:
                plan_updates.append((person, changes))
            if changes or level is not None:
                result.updated += 1
            else:
                result.unchanged += 1
        if level is not None:
            plan_levels.append((row, person, level))
    if dry_run:
        return result

    now = utcnow()
    departments = _ids_by_name(
        session, campaign_id, Department, {r.department for r in roster.rows}
    )
    shifts = _ids_by_name(
        session, campaign_id, Shift, {r.values.get("shift") or UNASSIGNED for r in roster.rows}
    )
    new_ids: dict[int, int] = {}  # row number → coworker id
    for chunk in _chunks(plan_new):
        inserted = session.execute(
            insert(Coworker).returning(col(Coworker.id), sort_by_parameter_order=True),
            [_new_coworker(row, campaign_id, departments, shifts, now) for row in chunk],
        )
        for row, (coworker_id,) in zip(chunk, inserted, strict=True):
            new_ids[row.number] = coworker_id
    updates = [
        {
            "id": person.id,
            **_stored(person, changes, departments, shifts),
            "version": person.version + 1,
            "updated_at": now,
        }
        for person, changes in plan_updates
    ]
    for chunk in _chunks(updates):
        session.execute(update(Coworker), chunk)
    replaced = _levels_locked(session, [person.id for _, person, _ in plan_levels if person])
    events = []
    for row, person, level in plan_levels:
        coworker_id = person.id if person is not None else new_ids[row.number]
        events.append(
            {
                "campaign_id": campaign_id,
                "coworker_id": coworker_id,
                "level": level,
                "previous_level": replaced.get(coworker_id),
                "note": IMPORT_NOTE,
                "assessed_by_id": actor_id,
                "source": "import",
                "created_at": now,
            }
        )
    for chunk in _chunks(events):
        session.execute(insert(Assessment), chunk)
    for chunk in _chunks(
        [
            {"id": e["coworker_id"], "current_level": e["level"], "last_assessed_at": now}
            for e in events
        ]
    ):
        session.execute(update(Coworker), chunk)
    audit.record(
        session=session,
        actor=actor,
        action="import",
        campaign_id=campaign_id,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    return result


def _levels_locked(session: Session, coworker_ids: list[int]) -> dict[int, int | None]:
    """The current levels of these coworkers, locked until commit (PostgreSQL; SQLite's write
    lock is already held), so that each imported event records the level it really replaces
    even if an organizer tapped since the file was read."""
    levels: dict[int, int | None] = {}
    for chunk in _chunks(sorted(coworker_ids)):
        rows = session.execute(
            select(col(Coworker.id), col(Coworker.current_level))
            .where(col(Coworker.id).in_(chunk))
            .order_by(col(Coworker.id))
            .with_for_update()
        )
        levels.update((coworker_id, level) for coworker_id, level in rows)
    return levels


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _ids_by_name(
    session: Session, campaign_id: int, model: type[Department] | type[Shift], names: set[str]
) -> dict[str, int]:
    ids = dict(
        session.execute(
            select(col(model.name), col(model.id)).where(col(model.campaign_id) == campaign_id)
        ).all()
    )
    for name in sorted(names - set(ids)):
        create = (
            campaigns.get_or_create_department
            if model is Department
            else campaigns.get_or_create_shift
        )
        new_id = create(session=session, campaign_id=campaign_id, name=name).id
        assert new_id is not None
        ids[name] = new_id
    return ids


def _new_coworker(
    row: RosterRow,
    campaign_id: int,
    departments: dict[str, int],
    shifts: dict[str, int],
    now: dt.datetime,
) -> dict[str, Any]:
    values = row.values
    return {
        "campaign_id": campaign_id,
        "name": row.name,
        "department_id": departments[row.department],
        "shift_id": shifts[values.get("shift") or UNASSIGNED],
        "job_title": values.get("job_title", ""),
        "employee_id": values.get("employee_id") or None,
        "phone": values.get("phone", ""),
        "email": values.get("email", ""),
        "notes": "",
        "active": True,
        "is_committee": values.get("committee", False),
        "is_organic_leader": values.get("organic_leader", False),
        "organizer_id": values.get("organizer_id"),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _stored(
    person: _Existing, changes: dict[str, Any], departments: dict[str, int], shifts: dict[str, int]
) -> dict[str, Any]:
    """Every updatable column (so that each row of the bulk UPDATE has the same keys)."""
    merged = {
        "name": person.name,
        "department": person.department,
        "shift": person.shift,
        "job_title": person.job_title,
        "employee_id": person.employee_id,
        "phone": person.phone,
        "email": person.email,
        "is_committee": person.is_committee,
        "is_organic_leader": person.is_organic_leader,
        "organizer_id": person.organizer_id,
        "active": person.active,
    } | changes
    merged["department_id"] = departments[merged.pop("department")]
    merged["shift_id"] = shifts[merged.pop("shift")]
    if merged["active"]:
        merged["departed_on"] = None
    return merged


# -- export ------------------------------------------------------------------------------------


def _export_query(campaign_id: int) -> Any:
    return (
        with_unit_names(
            select(
                col(Coworker.employee_id),
                col(Coworker.name),
                col(Department.name),
                col(Shift.name),
                col(Coworker.job_title),
                col(Coworker.current_level),
                col(Coworker.is_committee),
                col(Coworker.is_organic_leader),
                col(User.email),
                col(Coworker.phone),
                col(Coworker.email),
                col(Coworker.last_assessed_at),
            )
        )
        .outerjoin(User, col(User.id) == col(Coworker.organizer_id))
        .where(col(Coworker.campaign_id) == campaign_id, col(Coworker.active))
        .order_by(col(Coworker.id))
    )


def _iso(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def export_rows(*, session: Session, campaign_id: int) -> Iterator[list[str]]:
    """The header, then one neutralised row per active coworker, streamed from the database."""
    yield list(EXPORT_COLUMNS)
    for row in session.execute(_export_query(campaign_id)).yield_per(1000):
        (
            employee_id,
            name,
            department,
            shift,
            title,
            level,
            committee,
            leader,
            organizer,
            phone,
            email,
            last_assessed_at,
        ) = row
        yield [
            neutralise(value)
            for value in (
                employee_id or "",
                name,
                department,
                shift,
                title,
                str(level) if level else "",
                "yes" if committee else "no",
                "yes" if leader else "no",
                organizer or "",
                phone,
                email,
                _iso(last_assessed_at),
            )
        ]


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def count_exportable(*, session: Session, campaign_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Coworker)
            .where(col(Coworker.campaign_id) == campaign_id, col(Coworker.active))
        )
        or 0
    )


def record_export(*, session: Session, campaign_id: int, actor: str, rows: int, what: str) -> None:
    audit.record(
        session=session, actor=actor, action="export", campaign_id=campaign_id, what=what, rows=rows
    )
