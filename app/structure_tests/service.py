"""Structure tests: the ladder, recording results, participation per unit, and the lists.

A coworker with no result row has not been reached (the default); recording "not reached"
deletes the row. Participation is counted in SQL, per department × shift cell, in one grouped
query, and summed into departments, shifts and the total like the readiness views.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlmodel import Session, col

from app.accounts.models import User
from app.campaigns.models import Campaign, Department, Shift
from app.campaigns.service import CampaignAccess, slugify
from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.people import search
from app.people.models import Coworker
from app.people.roster import RosterError, decode_csv, normalise_header, unneutralise
from app.people.service import in_scope, with_unit_names
from app.readiness.math import ratio_pct
from app.structure_tests.models import (
    ParticipationResult,
    StructureTest,
    StructureTestKind,
    StructureTestResult,
)

NOT_REACHED = "not_reached"
RESULTS = (ParticipationResult.took_part.value, ParticipationResult.declined.value, NOT_REACHED)
RESULT_WORDS = {
    "took part": ParticipationResult.took_part.value,
    "took_part": ParticipationResult.took_part.value,
    "yes": ParticipationResult.took_part.value,
    "y": ParticipationResult.took_part.value,
    "1": ParticipationResult.took_part.value,
    "signed": ParticipationResult.took_part.value,
    "declined": ParticipationResult.declined.value,
    "no": ParticipationResult.declined.value,
    "n": ParticipationResult.declined.value,
    "0": ParticipationResult.declined.value,
    "not reached": NOT_REACHED,
    "not_reached": NOT_REACHED,
    "": NOT_REACHED,
}
KINDS = tuple(kind.value for kind in StructureTestKind)


# -- the ladder --------------------------------------------------------------------------------


def parse_kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {value!r}: use one of {', '.join(KINDS)}", field="kind")
    return kind


def parse_date(value: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date like 2026-11-27, not {value!r}", field=field
        ) from None


def parse_goal(value: str | float | None, campaign: Campaign) -> float:
    """The goal in percent; by default the campaign's supermajority threshold."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return campaign.supermajority_threshold
    try:
        goal = float(value)
    except ValueError:
        raise InvalidInput(f"goal must be a percentage, not {value!r}", field="goal") from None
    if not 0 <= goal <= 100:
        raise InvalidInput("goal must be between 0 and 100", field="goal")
    return goal


def create(
    *,
    session: Session,
    campaign: Campaign,
    name: str,
    kind: str,
    held_on: dt.date,
    goal_pct: float | None = None,
    description: str = "",
) -> StructureTest:
    """A new structure test with a slug unique in the campaign (the name's, numbered if taken)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name must be 1 to 200 characters", field="name")
    if len(description) > 500:
        raise InvalidInput("description must be at most 500 characters", field="description")
    base = slugify(name)[:70] or "test"
    taken = set(
        session.scalars(
            select(col(StructureTest.slug)).where(col(StructureTest.campaign_id) == campaign.id)
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    test = StructureTest(
        campaign_id=campaign.id,  # type: ignore[arg-type]
        slug=slug,
        name=name,
        kind=parse_kind(kind),
        held_on=held_on,
        goal_pct=parse_goal(goal_pct, campaign),
        description=description.strip(),
    )
    session.add(test)
    session.flush()
    return test


def get(*, session: Session, campaign_id: int, slug: str) -> StructureTest:
    test = session.scalar(
        select(StructureTest).where(
            col(StructureTest.campaign_id) == campaign_id, col(StructureTest.slug) == slug
        )
    )
    if test is None:
        raise NotFound(f"no structure test {slug!r} in this campaign")
    return test


@dataclass(frozen=True)
class Rung:
    """One test on the ladder, with its participation over the active headcount."""

    test: StructureTest
    took_part: int
    declined: int
    headcount: int

    @property
    def participation_pct(self) -> Any:
        return ratio_pct(self.took_part, self.headcount)


def ladder(
    *, session: Session, access: CampaignAccess, user_id: int, scoped: bool = False
) -> list[Rung]:
    """Every test by date, with participation: for everyone, or (scoped) the member's list."""
    scope = in_scope(access, user_id) if scoped else col(Coworker.campaign_id) == access.campaign_id
    headcount = session.scalar(
        select(func.count()).select_from(Coworker).where(scope, col(Coworker.active))
    )
    counts = {
        (test_id, result): count
        for test_id, result, count in session.execute(
            select(col(StructureTestResult.test_id), col(StructureTestResult.result), func.count())
            .join(Coworker, col(Coworker.id) == col(StructureTestResult.coworker_id))
            .where(scope, col(Coworker.active))
            .group_by(col(StructureTestResult.test_id), col(StructureTestResult.result))
        )
    }
    tests = session.scalars(
        select(StructureTest)
        .where(col(StructureTest.campaign_id) == access.campaign_id)
        .order_by(col(StructureTest.held_on), col(StructureTest.id))
    )
    return [
        Rung(
            test=test,
            took_part=counts.get((test.id, ParticipationResult.took_part.value), 0),
            declined=counts.get((test.id, ParticipationResult.declined.value), 0),
            headcount=headcount or 0,
        )
        for test in tests
    ]


# -- participation per unit --------------------------------------------------------------------


@dataclass(frozen=True)
class UnitParticipation:
    name: str
    department_id: int | None
    shift_id: int | None
    headcount: int
    took_part: int
    declined: int

    @property
    def not_reached(self) -> int:
        return self.headcount - self.took_part - self.declined

    @property
    def participation_pct(self) -> Any:
        return ratio_pct(self.took_part, self.headcount)


def participation(
    *, session: Session, campaign_id: int, test: StructureTest, by: str
) -> tuple[list[UnitParticipation], UnitParticipation]:
    """Participation per unit (department, shift or cell) and in total, for active coworkers."""
    if by not in ("department", "shift", "unit"):
        raise InvalidInput(f"by must be department, shift or unit, not {by!r}", field="by")
    took = case(
        (col(StructureTestResult.result) == ParticipationResult.took_part.value, 1), else_=0
    )
    declined = case(
        (col(StructureTestResult.result) == ParticipationResult.declined.value, 1), else_=0
    )
    rows = session.execute(
        _with_result(
            with_unit_names(
                select(
                    col(Coworker.department_id),
                    col(Coworker.shift_id),
                    col(Department.name),
                    col(Shift.name),
                    func.count(),
                    func.coalesce(func.sum(took), 0),
                    func.coalesce(func.sum(declined), 0),
                )
            ),
            test,
        )
        .where(col(Coworker.campaign_id) == campaign_id, col(Coworker.active))
        .group_by(
            col(Coworker.department_id),
            col(Coworker.shift_id),
            col(Department.name),
            col(Shift.name),
        )
    ).all()
    grouped: dict[tuple[Any, Any, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for department_id, shift_id, department, shift, headcount, took_part, refused in rows:
        if by == "department":
            key = (department_id, None, department)
        elif by == "shift":
            key = (None, shift_id, shift)
        else:
            key = (department_id, shift_id, f"{department} / {shift}")
        sums = grouped[key]
        sums[0] += headcount
        sums[1] += int(took_part)
        sums[2] += int(refused)
    units = sorted(
        (
            UnitParticipation(name, dept, shift, headcount, took_part, refused)
            for (dept, shift, name), (headcount, took_part, refused) in grouped.items()
        ),
        key=lambda unit: unit.name.casefold(),
    )
    total = UnitParticipation(
        "All",
        None,
        None,
        sum(u.headcount for u in units),
        sum(u.took_part for u in units),
        sum(u.declined for u in units),
    )
    return units, total


# -- recording ---------------------------------------------------------------------------------


def parse_result(value: str) -> str:
    result = RESULT_WORDS.get(value.strip().lower())
    if result is None:
        raise InvalidInput(
            f"result must be took part, declined or not reached, not {value!r}", field="result"
        )
    return result


def record(
    *,
    session: Session,
    access: CampaignAccess,
    user_id: int,
    test: StructureTest,
    coworker_ids: list[int],
    result: str,
) -> int:
    """Set the result for coworkers this member may reach; returns how many were in scope."""
    reachable = list(
        session.scalars(
            select(col(Coworker.id)).where(
                in_scope(access, user_id),
                col(Coworker.active),
                col(Coworker.id).in_(coworker_ids),
            )
        )
    )
    if not reachable or len(reachable) != len(set(coworker_ids)):
        return 0
    session.execute(
        delete(StructureTestResult).where(
            col(StructureTestResult.test_id) == test.id,
            col(StructureTestResult.coworker_id).in_(reachable),
        )
    )
    if result != NOT_REACHED:
        now = utcnow()
        session.execute(
            insert(StructureTestResult),
            [
                {"test_id": test.id, "coworker_id": coworker_id, "result": result,
                 "recorded_by_id": user_id, "recorded_at": now}
                for coworker_id in reachable
            ],
        )  # fmt: skip
    refresh_latest_participation(session=session, test=test, coworker_ids=reachable)
    return len(reachable)


def refresh_latest_participation(
    *, session: Session, test: StructureTest, coworker_ids: Sequence[int | None] | None = None
) -> None:
    """Bring `coworker.latest_participation_test_id` up to date after `test`'s results changed
    (for `coworker_ids`, or for everyone the test touched): in SQL, each coworker's latest test
    by date then id that they took part in, read from their own results' index."""
    latest = (
        select(col(StructureTestResult.test_id))
        .join(StructureTest, col(StructureTest.id) == col(StructureTestResult.test_id))
        .where(
            col(StructureTestResult.coworker_id) == col(Coworker.id),
            col(StructureTestResult.result) == ParticipationResult.took_part.value,
        )
        .order_by(col(StructureTest.held_on).desc(), col(StructureTest.id).desc())
        .limit(1)
        .correlate(Coworker)
        .scalar_subquery()
    )
    # Whoever has a result in the test now, and whoever's latest it was (a result removed).
    touched = [
        col(Coworker.campaign_id) == test.campaign_id,
        or_(
            col(Coworker.latest_participation_test_id) == test.id,
            col(Coworker.id).in_(
                select(col(StructureTestResult.coworker_id)).where(
                    col(StructureTestResult.test_id) == test.id
                )
            ),
        ),
    ]
    if coworker_ids is not None:
        touched.append(col(Coworker.id).in_(coworker_ids))
    # PostgreSQL: lock the rows first, in id order (concurrent refreshes queue, never deadlock).
    # The update then starts after any other transaction recording results for these people
    # has committed, and its subquery sees their results too.
    session.execute(
        select(col(Coworker.id)).where(*touched).order_by(col(Coworker.id)).with_for_update()
    )
    session.execute(
        update(Coworker)
        .where(*touched)
        .values(latest_participation_test_id=latest)
        .execution_options(synchronize_session=False)
    )


def _in_checklist(
    statement: Any,
    session: Session,
    access: CampaignAccess,
    user_id: int,
    department_id: int | None,
    shift_id: int | None,
    q: str,
) -> Any:
    """The statement narrowed to the checklist's coworkers: active, in scope, unit, and name."""
    statement = statement.where(in_scope(access, user_id), col(Coworker.active))
    if department_id is not None:
        statement = statement.where(col(Coworker.department_id) == department_id)
    if shift_id is not None:
        statement = statement.where(col(Coworker.shift_id) == shift_id)
    if q:
        statement = search.narrow(
            statement, session, q, campaign_id=access.campaign_id, fields=("name",)
        )
    return statement


def _with_result(statement: Any, test: StructureTest) -> Any:
    return statement.outerjoin(
        StructureTestResult,
        and_(
            col(StructureTestResult.coworker_id) == col(Coworker.id),
            col(StructureTestResult.test_id) == test.id,
        ),
    )


def checklist_counts(
    *,
    session: Session,
    access: CampaignAccess,
    user_id: int,
    test: StructureTest,
    department_id: int | None = None,
    shift_id: int | None = None,
    q: str = "",
) -> dict[str, int]:
    """How many of the checklist's coworkers took part, declined, or were not reached."""
    counts = dict.fromkeys(RESULTS, 0)
    statement = _with_result(
        select(col(StructureTestResult.result), func.count()).select_from(Coworker), test
    )
    rows = session.execute(
        _in_checklist(statement, session, access, user_id, department_id, shift_id, q).group_by(
            col(StructureTestResult.result)
        )
    )
    for result, count in rows:
        counts[result or NOT_REACHED] += count
    return counts


@dataclass(frozen=True)
class ChecklistRow:
    id: int
    name: str
    department: str
    shift: str
    result: str  # took_part, declined or not_reached


def checklist(
    *,
    session: Session,
    access: CampaignAccess,
    user_id: int,
    test: StructureTest,
    department_id: int | None = None,
    shift_id: int | None = None,
    q: str = "",
    limit: int = 100,
) -> list[ChecklistRow]:
    """Active coworkers in the member's scope (and unit), with their result, by name."""
    statement = _with_result(
        with_unit_names(
            select(
                col(Coworker.id),
                col(Coworker.name),
                col(Department.name),
                col(Shift.name),
                col(StructureTestResult.result),
            )
        ),
        test,
    )
    statement = (
        _in_checklist(statement, session, access, user_id, department_id, shift_id, q)
        .order_by(col(Coworker.name), col(Coworker.id))
        .limit(limit)
    )
    return [
        ChecklistRow(
            id=row[0], name=row[1], department=row[2], shift=row[3], result=row[4] or NOT_REACHED
        )
        for row in session.execute(statement)
    ]


def import_results(
    *, session: Session, campaign_id: int, test: StructureTest, data: bytes, actor_id: int | None
) -> int:
    """Record results from a CSV (employee id or name + department, and result); all or nothing."""
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""), strict=True)
    try:
        headers = [normalise_header(h) for h in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise RosterError([f"row 1: cannot read the header row ({error})"]) from None
    column = {name: index for index, name in enumerate(headers)}
    id_column = next(
        (column[n] for n in ("employeeid", "employeenumber", "empid", "id") if n in column), None
    )
    name_column = next(
        (column[n] for n in ("name", "fullname", "employeename") if n in column), None
    )
    department_column = next(
        (column[n] for n in ("department", "dept", "worklocation", "area") if n in column), None
    )
    result_column = next(
        (column[n] for n in ("result", "tookpart", "participation", "status") if n in column), None
    )
    problems = []
    if result_column is None:
        problems.append("row 1: no result column (expected “result”)")
    if id_column is None and (name_column is None or department_column is None):
        problems.append("row 1: no employee id column, and no name and department columns")
    if problems:
        raise RosterError(problems)
    people = session.execute(
        with_unit_names(
            select(
                col(Coworker.id),
                col(Coworker.employee_id),
                col(Coworker.name),
                col(Department.name),
            )
        ).where(col(Coworker.campaign_id) == campaign_id)
    ).all()
    by_employee_id = {employee_id: cid for cid, employee_id, _n, _d in people if employee_id}
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cid, _employee_id, name, department in people:
        by_name[(name.casefold(), department.casefold())].append(cid)
    results: dict[int, str] = {}
    seen: dict[int, int] = {}
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue

            def cell(index: int | None, cells: list[str] = cells) -> str:
                return (
                    unneutralise(cells[index]).strip()
                    if index is not None and index < len(cells)
                    else ""
                )

            try:
                result = parse_result(cell(result_column))
            except InvalidInput as error:
                problems.append(f"row {number}, column 'result': {error.message}")
                continue
            coworker_id = None
            employee_id = cell(id_column)
            if employee_id:
                coworker_id = by_employee_id.get(employee_id)
                if coworker_id is None:
                    problems.append(
                        f"row {number}, column 'employee id': no coworker with id {employee_id!r}"
                    )
                    continue
            else:
                matches = by_name.get(
                    (cell(name_column).casefold(), cell(department_column).casefold()), []
                )
                if len(matches) != 1:
                    what = "no coworker" if not matches else f"{len(matches)} coworkers"
                    problems.append(
                        f"row {number}, column 'name': {what} named {cell(name_column)!r} in "
                        f"{cell(department_column)!r}"
                        + (" (add an employee id column)" if matches else "")
                    )
                    continue
                coworker_id = matches[0]
            if coworker_id in seen:
                where = "employee id" if employee_id else "name"
                problems.append(
                    f"row {number}, column {where!r}: the same coworker as row {seen[coworker_id]}"
                )
                continue
            seen[coworker_id] = number
            results[coworker_id] = result
    except csv.Error as error:
        raise RosterError([f"row {number + 1}: the CSV is malformed ({error})"]) from None
    if problems:
        raise RosterError(problems)
    if not results:
        raise RosterError(["the file has a header row but no results"])
    ids = list(results)
    session.execute(
        delete(StructureTestResult).where(
            col(StructureTestResult.test_id) == test.id,
            col(StructureTestResult.coworker_id).in_(ids),
        )
    )
    now = utcnow()
    rows = [
        {
            "test_id": test.id,
            "coworker_id": cid,
            "result": result,
            "recorded_by_id": actor_id,
            "recorded_at": now,
        }
        for cid, result in results.items()
        if result != NOT_REACHED
    ]
    if rows:
        session.execute(insert(StructureTestResult), rows)
    refresh_latest_participation(session=session, test=test)
    return len(results)


# -- the lists ---------------------------------------------------------------------------------

LIST_COLUMNS = ("group", "name", "department", "shift", "organizer", "level", "result")
CONTACT_COLUMNS = ("phone", "email")


@dataclass(frozen=True)
class ListRow:
    group: str
    name: str
    department: str
    shift: str
    organizer: str
    level: int | None
    result: str
    phone: str
    email: str


def list_rows(
    *,
    session: Session,
    campaign_id: int,
    test: StructureTest,
    only_not_reached: bool,
    by: str,
) -> Iterator[ListRow]:
    """The coworkers of a test's list, grouped by department or organizer (streamed)."""
    if by not in ("department", "organizer"):
        raise InvalidInput(f"by must be department or organizer, not {by!r}", field="by")
    organizer_name = func.coalesce(func.nullif(col(User.name), ""), col(User.email), "")
    statement = (
        with_unit_names(
            select(
                col(Coworker.name),
                col(Department.name),
                col(Shift.name),
                organizer_name,
                col(Coworker.current_level),
                col(StructureTestResult.result),
                col(Coworker.phone),
                col(Coworker.email),
            )
        )
        .outerjoin(User, col(User.id) == col(Coworker.organizer_id))
        .where(col(Coworker.campaign_id) == campaign_id, col(Coworker.active))
    )
    statement = _with_result(statement, test)
    if only_not_reached:
        statement = statement.where(col(StructureTestResult.result).is_(None))
    group = col(Department.name) if by == "department" else organizer_name
    statement = statement.order_by(group, col(Coworker.name), col(Coworker.id))
    for name, department, shift, organizer, level, result, phone, email in session.execute(
        statement
    ).yield_per(1000):
        yield ListRow(
            group=(department if by == "department" else organizer) or "Nobody assigned",
            name=name,
            department=department,
            shift=shift,
            organizer=organizer or "",
            level=level,
            result=result or NOT_REACHED,
            phone=phone,
            email=email,
        )


def result_label(result: str) -> str:
    return {"took_part": "took part", "declined": "declined"}.get(result, "not reached")


def list_cells(row: ListRow, contacts: bool) -> list[str]:
    cells = [row.group, row.name, row.department, row.shift, row.organizer,
             str(row.level) if row.level else "", result_label(row.result)]  # fmt: skip
    if contacts:
        cells += [row.phone, row.email]
    return cells


def list_header(contacts: bool) -> list[str]:
    return [*LIST_COLUMNS, *(CONTACT_COLUMNS if contacts else ())]


def export_filename(campaign: Campaign, test: StructureTest, extension: str) -> str:
    safe = re.sub(r"[^a-z0-9-]", "", test.slug)
    return f"{campaign.slug}-{safe}-{dt.datetime.now(dt.UTC):%Y-%m-%d}.{extension}"
