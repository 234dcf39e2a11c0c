"""Coworkers: listing, finding, editing, assigning, departing and deleting — always in scope.

Every function takes the `CampaignAccess` (campaign + role) and the user asking, and filters by
both: an organizer reaches only the coworkers assigned to them; anything else is `NotFound`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.accounts.models import User
from app.assessments.models import LEVELS, Assessment
from app.audit import service as audit
from app.campaigns import service as campaigns
from app.campaigns.models import Department, Membership, Role, Shift
from app.campaigns.service import CampaignAccess
from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.i18n import gettext as _
from app.people import search
from app.people.models import Coworker

PAGE_SIZE = 50
HISTORY_LIMIT = 100
UNASSESSED = "unassessed"
SORTS = ("name", "stale")
STATUSES = ("active", "departed", "all")


@dataclass(frozen=True)
class CoworkerFilters:
    """What the coworker list is narrowed to; every field comes from the query string."""

    q: str = ""
    department_id: int | None = None
    shift_id: int | None = None
    level: int | str | None = None  # 1-5, "unassessed", or None for any
    sort: str = "name"
    status: str = "active"
    page: int = 1

    def query_params(self, **changes: Any) -> dict[str, str]:
        """The filters as query parameters (without defaults), for links to other pages."""
        values = {
            "q": self.q,
            "department": self.department_id,
            "shift": self.shift_id,
            "level": self.level,
            "sort": None if self.sort == "name" else self.sort,
            "status": None if self.status == "active" else self.status,
            "page": None if self.page == 1 else self.page,
        } | changes
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _optional_id(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, not {value!r}", field=name) from None
    if number < 1:
        raise InvalidInput(f"{name} must be a positive number", field=name)
    return number


def parse_filters(params: dict[str, str]) -> CoworkerFilters:
    """Filters from a query string; a bad option raises InvalidInput naming it."""
    level_text = (params.get("level") or "").strip().lower()
    level: int | str | None = None
    if level_text == UNASSESSED:
        level = UNASSESSED
    elif level_text:
        if level_text not in {str(n) for n in LEVELS}:
            raise InvalidInput(
                f"level must be 1-5 or unassessed, not {level_text!r}", field="level"
            )
        level = int(level_text)
    sort = (params.get("sort") or "name").strip()
    if sort not in SORTS:
        raise InvalidInput(f"sort must be name or stale, not {sort!r}", field="sort")
    status = (params.get("status") or "active").strip()
    if status not in STATUSES:
        raise InvalidInput(
            f"status must be active, departed or all, not {status!r}", field="status"
        )
    page = _optional_id(params.get("page"), "page") or 1
    return CoworkerFilters(
        q=(params.get("q") or "").strip()[:100],
        department_id=_optional_id(params.get("department"), "department"),
        shift_id=_optional_id(params.get("shift"), "shift"),
        level=level,
        sort=sort,
        status=status,
        page=page,
    )


@dataclass(frozen=True)
class CoworkerRow:
    """One line of the coworker list."""

    id: int
    name: str
    department: str
    shift: str
    job_title: str
    current_level: int | None
    last_assessed_at: dt.datetime | None
    is_committee: bool
    is_organic_leader: bool
    active: bool
    organizer: str | None

    def days_since_assessed(self, now: dt.datetime) -> int | None:
        if self.last_assessed_at is None:
            return None
        return (now - self.last_assessed_at).days


@dataclass(frozen=True)
class CoworkerPage:
    rows: list[CoworkerRow]
    filters: CoworkerFilters
    has_next: bool
    page_size: int = PAGE_SIZE

    @property
    def first_number(self) -> int:
        return (self.filters.page - 1) * self.page_size + 1


def with_unit_names(statement: Any) -> Any:
    """Join a coworker query to the names of their department and shift."""
    return statement.join(Department, col(Department.id) == col(Coworker.department_id)).join(
        Shift, col(Shift.id) == col(Coworker.shift_id)
    )


def in_scope(access: CampaignAccess, user_id: int) -> ColumnElement[bool]:
    """The coworkers this member may reach: an organizer only their own list."""
    condition = col(Coworker.campaign_id) == access.campaign_id
    if access.role == Role.organizer:
        condition = condition & (col(Coworker.organizer_id) == user_id)
    return condition


def _filtered(
    session: Session,
    statement: Any,
    access: CampaignAccess,
    user_id: int,
    filters: CoworkerFilters,
) -> Any:
    """The statement narrowed to this member's scope and the filters (typed Any: SQLAlchemy's
    variadic Select types do not survive a chain of `.where`)."""
    statement = statement.where(in_scope(access, user_id))
    if filters.status != "all":
        statement = statement.where(col(Coworker.active) == (filters.status == "active"))
    if filters.department_id is not None:
        statement = statement.where(col(Coworker.department_id) == filters.department_id)
    if filters.shift_id is not None:
        statement = statement.where(col(Coworker.shift_id) == filters.shift_id)
    if filters.level == UNASSESSED:
        statement = statement.where(col(Coworker.current_level).is_(None))
    elif filters.level is not None:
        statement = statement.where(col(Coworker.current_level) == filters.level)
    if filters.q:
        statement = search.narrow(
            statement, session, filters.q, campaign_id=access.campaign_id, departments=True
        )
    return statement


def list_coworkers(
    *, session: Session, access: CampaignAccess, user_id: int, filters: CoworkerFilters
) -> CoworkerPage:
    """One page of the coworkers this member may see, with names joined in (one query)."""
    if filters.sort == "stale":
        # Never assessed first, then the longest ago: the order of STALE_INDEX.
        order: tuple[Any, ...] = (
            col(Coworker.last_assessed_at).asc().nulls_first(),
            col(Coworker.id),
        )
    else:
        order = (col(Coworker.name), col(Coworker.id))
    # The page's ids first, over coworker alone, then the names joined onto those rows only:
    # joining before the sort would join every match of a search (thousands) to keep 51.
    # One row more than a page tells whether there is a next page without counting them all.
    page_ids = (
        _filtered(session, select(col(Coworker.id)), access, user_id, filters)
        .order_by(*order)
        .offset((filters.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .subquery("page")
    )
    organizer = aliased(User)
    statement = with_unit_names(
        select(
            col(Coworker.id),
            col(Coworker.name),
            col(Department.name),
            col(Shift.name),
            col(Coworker.job_title),
            col(Coworker.current_level),
            col(Coworker.last_assessed_at),
            col(Coworker.is_committee),
            col(Coworker.is_organic_leader),
            col(Coworker.active),
            col(organizer.name),
            col(organizer.email),
        )
        .select_from(page_ids)
        .join(Coworker, col(Coworker.id) == page_ids.c.id)
        .outerjoin(organizer, col(organizer.id) == col(Coworker.organizer_id))
    ).order_by(*order)
    rows = [
        CoworkerRow(
            id=row[0],
            name=row[1],
            department=row[2],
            shift=row[3],
            job_title=row[4],
            current_level=row[5],
            last_assessed_at=row[6],
            is_committee=row[7],
            is_organic_leader=row[8],
            active=row[9],
            organizer=(row[10] or row[11].split("@", 1)[0]) if row[11] else None,
        )
        for row in session.execute(statement)
    ]
    return CoworkerPage(rows=rows[:PAGE_SIZE], filters=filters, has_next=len(rows) > PAGE_SIZE)


def matching_ids(
    *, session: Session, access: CampaignAccess, user_id: int, filters: CoworkerFilters
) -> Select[Any]:
    """A subquery of the ids the filters match (all pages), for bulk actions."""
    return _filtered(session, select(col(Coworker.id)), access, user_id, filters)


def get(*, session: Session, access: CampaignAccess, user_id: int, coworker_id: int) -> Coworker:
    """The coworker, if this member may reach them; NotFound otherwise."""
    coworker = session.scalar(
        select(Coworker).where(col(Coworker.id) == coworker_id, in_scope(access, user_id))
    )
    if coworker is None:
        raise NotFound("coworker")
    return coworker


@dataclass(frozen=True)
class HistoryEntry:
    level: int | None
    note: str
    by: str
    at: dt.datetime
    source: str


def history(
    *, session: Session, coworker_id: int, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """The coworker's assessments, newest first, with who made each (one query)."""
    rows = session.execute(
        select(
            col(Assessment.level),
            col(Assessment.note),
            col(Assessment.created_at),
            col(Assessment.source),
            col(User.name),
            col(User.email),
        )
        .outerjoin(User, col(User.id) == col(Assessment.assessed_by_id))
        .where(col(Assessment.coworker_id) == coworker_id)
        .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            level=level,
            note=note,
            at=at,
            source=source,
            by=(name or email.split("@", 1)[0]) if email else "",
        )
        for level, note, at, source, name, email in rows
    ]


@dataclass(frozen=True)
class Assignee:
    id: int
    name: str
    email: str
    role: str


# Up to this many members a form offers a menu to choose from; beyond, an email field (a menu of
# thousands of organizers would weigh more than the page it sits on).
MAX_ASSIGNEE_CHOICES = 200


def assignees(*, session: Session, campaign_id: int) -> list[Assignee] | None:
    """Members a coworker can be assigned to, by name; None when too many for a menu."""
    rows = session.execute(
        select(col(User.id), col(User.name), col(User.email), col(Membership.role))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.campaign_id) == campaign_id, col(User.is_active))
        .order_by(col(User.name), col(User.email))
        .limit(MAX_ASSIGNEE_CHOICES + 1)
    ).all()
    if len(rows) > MAX_ASSIGNEE_CHOICES:
        return None
    return [
        Assignee(id=uid, name=name or email.split("@", 1)[0], email=email, role=role)
        for uid, name, email, role in rows
    ]


def resolve_assignee(
    *, session: Session, campaign_id: int, organizer_id: str = "", organizer_email: str = ""
) -> int | None:
    """The member chosen in a form (by id from a menu, or by email); None for nobody."""
    condition = None
    if organizer_email.strip():
        condition = col(User.email) == organizer_email.strip().lower()
    elif organizer_id.strip():
        if not organizer_id.strip().isdigit():
            raise InvalidInput("choose a member of this campaign", field="organizer_id")
        condition = col(User.id) == int(organizer_id)
    if condition is None:
        return None
    member = session.scalar(
        select(col(User.id))
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(condition, col(Membership.campaign_id) == campaign_id, col(User.is_active))
    )
    if member is None:
        raise InvalidInput("choose a member of this campaign", field="organizer_id")
    return int(member)


def names_of(*, session: Session, campaign_id: int) -> tuple[list[Department], list[Shift]]:
    """The campaign's departments and shifts, by name, for filters and forms."""
    departments = list(
        session.scalars(
            select(Department)
            .where(col(Department.campaign_id) == campaign_id)
            .order_by(col(Department.name))
        )
    )
    shifts = list(
        session.scalars(
            select(Shift).where(col(Shift.campaign_id) == campaign_id).order_by(col(Shift.name))
        )
    )
    return departments, shifts


# -- editing -----------------------------------------------------------------------------------

EDITABLE_TEXT = {
    "name": 200,
    "employee_id": 64,
    "job_title": 200,
    "phone": 64,
    "email": 254,
    "notes": 5000,
}
FLAGS = ("is_committee", "is_organic_leader")


@dataclass
class CoworkerForm:
    """A coworker's editable details, as typed into the form."""

    name: str = ""
    employee_id: str = ""
    department: str = ""
    shift: str = ""
    job_title: str = ""
    phone: str = ""
    email: str = ""
    hire_date: str = ""
    notes: str = ""
    is_committee: bool = False
    is_organic_leader: bool = False
    organizer_id: str = ""
    organizer_email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: dict[str, str]) -> CoworkerForm:
        def text(name: str) -> str:
            return form.get(name, "").strip()

        return cls(
            name=text("name"),
            employee_id=text("employee_id"),
            department=text("department"),
            shift=text("shift"),
            job_title=text("job_title"),
            phone=text("phone"),
            email=text("email"),
            hire_date=text("hire_date"),
            notes=text("notes"),
            is_committee=form.get("is_committee") == "on",
            is_organic_leader=form.get("is_organic_leader") == "on",
            organizer_id=text("organizer_id"),
            organizer_email=text("organizer_email"),
        )

    @classmethod
    def from_coworker(
        cls, coworker: Coworker, department: str, shift: str, organizer_email: str = ""
    ) -> CoworkerForm:
        return cls(
            name=coworker.name,
            employee_id=coworker.employee_id or "",
            department=department,
            shift=shift,
            job_title=coworker.job_title,
            phone=coworker.phone,
            email=coworker.email,
            hire_date=coworker.hire_date.isoformat() if coworker.hire_date else "",
            notes=coworker.notes,
            is_committee=coworker.is_committee,
            is_organic_leader=coworker.is_organic_leader,
            organizer_id=str(coworker.organizer_id or ""),
            organizer_email=organizer_email,
        )

    def validate(
        self, *, session: Session, campaign_id: int, coworker_id: int | None
    ) -> dict[str, Any]:
        """The values to store; fills `errors` (field → message) instead when any is wrong."""
        self.errors = {}
        if not self.name:
            self.errors["name"] = _("Name is required.")
        for name, limit in EDITABLE_TEXT.items():
            if len(getattr(self, name)) > limit:
                self.errors[name] = _("At most %(n)s characters.") % {"n": limit}
        if self.email and ("@" not in self.email or " " in self.email):
            self.errors["email"] = _("This is not an email address.")
        hire_date = None
        if self.hire_date:
            try:
                hire_date = dt.date.fromisoformat(self.hire_date)
            except ValueError:
                self.errors["hire_date"] = _("Use a date like 2024-03-31.")
        organizer_id = None
        try:
            organizer_id = resolve_assignee(
                session=session,
                campaign_id=campaign_id,
                organizer_id=self.organizer_id,
                organizer_email=self.organizer_email,
            )
        except InvalidInput:
            self.errors["organizer_id"] = _("Choose a member of this campaign.")
        if self.employee_id and "employee_id" not in self.errors:
            clash = session.scalar(
                select(col(Coworker.id)).where(
                    col(Coworker.campaign_id) == campaign_id,
                    col(Coworker.employee_id) == self.employee_id,
                    col(Coworker.id) != (coworker_id or 0),
                )
            )
            if clash is not None:
                self.errors["employee_id"] = _("Another coworker has this employee id.")
        if self.errors:
            return {}
        return {
            "name": self.name,
            "employee_id": self.employee_id or None,
            "job_title": self.job_title,
            "phone": self.phone,
            "email": self.email,
            "notes": self.notes,
            "hire_date": hire_date,
            "is_committee": self.is_committee,
            "is_organic_leader": self.is_organic_leader,
            "organizer_id": organizer_id,
            "department_id": campaigns.get_or_create_department(
                session=session, campaign_id=campaign_id, name=self.department
            ).id,
            "shift_id": campaigns.get_or_create_shift(
                session=session, campaign_id=campaign_id, name=self.shift
            ).id,
        }


class StaleEdit(Exception):
    """Someone saved the coworker after this form was loaded; nothing was overwritten."""


def create(*, session: Session, campaign_id: int, values: dict[str, Any]) -> Coworker:
    coworker = Coworker(campaign_id=campaign_id, **values)
    session.add(coworker)
    session.flush()
    return coworker


def update_details(
    *, session: Session, coworker: Coworker, values: dict[str, Any], loaded_version: int
) -> None:
    """Save the details if nobody saved since `loaded_version`; StaleEdit otherwise.

    The version check and the write are one UPDATE, so two saves racing cannot both pass it.
    """
    result = session.execute(
        update(Coworker)
        .where(col(Coworker.id) == coworker.id, col(Coworker.version) == loaded_version)
        .values(**values, version=loaded_version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEdit
    session.expire(coworker)


def set_departed(*, session: Session, coworker: Coworker, departed_on: dt.date | None) -> None:
    """Mark departed (kept with history, out of headcount) or, with None, active again."""
    session.execute(
        update(Coworker)
        .where(col(Coworker.id) == coworker.id)
        .values(
            active=departed_on is None,
            departed_on=departed_on,
            version=col(Coworker.version) + 1,
            updated_at=utcnow(),
        )
    )
    session.expire(coworker)


def assign(
    *,
    session: Session,
    access: CampaignAccess,
    user_id: int,
    coworker_ids: Select[Any] | list[int],
    organizer_id: int | None,
) -> int:
    """Assign the given coworkers (ids or a subquery of ids) to a member; returns how many.

    `organizer_id` comes from `resolve_assignee`, which checked the membership.
    """
    if isinstance(coworker_ids, list) and not coworker_ids:
        raise InvalidInput("select at least one coworker", field="coworker")
    result = session.execute(
        update(Coworker)
        .where(in_scope(access, user_id), col(Coworker.id).in_(coworker_ids))
        .values(organizer_id=organizer_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_for_real(*, session: Session, coworker: Coworker, actor: str) -> None:
    """Delete the coworker and their whole history; the audit log keeps only the id."""
    session.execute(delete(Assessment).where(col(Assessment.coworker_id) == coworker.id))
    session.execute(delete(Coworker).where(col(Coworker.id) == coworker.id))
    audit.record(
        session=session,
        actor=actor,
        action="coworker.delete",
        campaign_id=coworker.campaign_id,
        coworker_id=coworker.id,
    )


def department_and_shift(*, session: Session, coworker: Coworker) -> tuple[str, str]:
    row = session.execute(
        with_unit_names(select(col(Department.name), col(Shift.name)).select_from(Coworker)).where(
            col(Coworker.id) == coworker.id
        )
    ).one()
    return row[0], row[1]


def organizer_of(*, session: Session, coworker: Coworker) -> User | None:
    return session.get(User, coworker.organizer_id) if coworker.organizer_id else None


def count_in_scope(*, session: Session, access: CampaignAccess, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Coworker)
            .where(in_scope(access, user_id), col(Coworker.active))
        )
        or 0
    )
