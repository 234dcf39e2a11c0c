"""Structure test pages: the ladder, a test's participation, the phone checklist, the lists."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import User
from app.audit import service as audit
from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.errors import InvalidInput
from app.exports import xlsx_bytes
from app.people import service as people
from app.people.roster import RosterError, csv_lines, neutralise
from app.structure_tests import service as tests
from app.structure_tests.models import StructureTest
from app.web.deps import Campaign, CurrentUser, DbSession, require_role
from app.web.forms import FormData
from app.web.pages import campaign_page
from app.web.templating import is_htmx, render

router = APIRouter(prefix="/campaigns/{slug}/structure-tests")
Committee = Annotated[CampaignAccess, require_role(Role.admin, Role.committee)]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _user_id(user: User) -> int:
    assert user.id is not None
    return user.id


def _test(session: Session, access: CampaignAccess, test_slug: str) -> StructureTest:
    return tests.get(session=session, campaign_id=access.campaign_id, slug=test_slug)


def _ladder_page(
    request: Request,
    session: Session,
    access: CampaignAccess,
    user: User,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "structure_tests/ladder.html",
        campaign_page(
            session,
            access,
            nav_current="structure-tests",
            rungs=tests.ladder(
                session=session,
                access=access,
                user_id=_user_id(user),
                scoped=access.role == Role.organizer,
            ),
            kinds=tests.KINDS,
            form=form or {"goal": f"{access.campaign.supermajority_threshold:g}"},
            error=error,
        ),
        status_code=status_code,
    )


@router.get("")
def ladder_page(
    request: Request, access: Campaign, user: CurrentUser, session: DbSession
) -> Response:
    return _ladder_page(request, session, access, user)


@router.post("")
def create_test(
    request: Request, access: Committee, user: CurrentUser, session: DbSession, form: FormData
) -> Response:
    values = form.single
    try:
        test = tests.create(
            session=session,
            campaign=access.campaign,
            name=values.get("name", ""),
            kind=values.get("kind", ""),
            held_on=tests.parse_date(values.get("date", "")),
            goal_pct=tests.parse_goal(values.get("goal"), access.campaign),
            description=values.get("description", ""),
        )
    except InvalidInput as problem:
        session.rollback()
        return _ladder_page(
            request, session, access, user, form=values, error=problem.message, status_code=422
        )
    audit.record(
        session=session,
        actor=user.email,
        action="structure_test.create",
        campaign_id=access.campaign_id,
        test=test.slug,
    )
    session.commit()
    return RedirectResponse(
        f"/campaigns/{access.campaign.slug}/structure-tests/{test.slug}", status_code=303
    )


@router.get("/{test_slug}")
def test_page(
    request: Request, test_slug: str, access: Campaign, user: CurrentUser, session: DbSession
) -> Response:
    test = _test(session, access, test_slug)
    by = request.query_params.get("by", "department")
    if by not in ("department", "shift", "unit"):
        by = "department"
    units: list[tests.UnitParticipation] = []
    total = None
    if access.role != Role.organizer:
        # Unit-level counts name people in small units: the committee's and admins' only.
        units, total = tests.participation(
            session=session, campaign_id=access.campaign_id, test=test, by=by
        )
    mine = next(
        (
            rung
            for rung in tests.ladder(
                session=session, access=access, user_id=_user_id(user), scoped=True
            )
            if rung.test.id == test.id
        ),
        None,
    )
    return render(
        request,
        "structure_tests/test.html",
        campaign_page(
            session,
            access,
            nav_current="structure-tests",
            test=test,
            by=by,
            units=units,
            total=total,
            mine=mine,
            problems=None,
            recorded=request.query_params.get("recorded"),
        ),
    )


# -- the phone checklist -----------------------------------------------------------------------


def _checklist_filters(params: dict[str, str]) -> dict[str, Any]:
    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    return {
        "department_id": number("department"),
        "shift_id": number("shift"),
        "q": params.get("q", "").strip()[:100],
    }


def _checklist_query(filters: dict[str, Any]) -> str:
    return urlencode(
        {
            key: value
            for key, value in (
                ("department", filters["department_id"]),
                ("shift", filters["shift_id"]),
                ("q", filters["q"]),
            )
            if value not in (None, "")
        }
    )


def _checklist_context(
    session: Session,
    access: CampaignAccess,
    user: User,
    test: StructureTest,
    filters: dict[str, Any],
) -> dict[str, Any]:
    rows = tests.checklist(
        session=session, access=access, user_id=_user_id(user), test=test, **filters
    )
    counts = tests.checklist_counts(
        session=session, access=access, user_id=_user_id(user), test=test, **filters
    )
    departments, shifts = people.names_of(session=session, campaign_id=access.campaign_id)
    return campaign_page(
        session,
        access,
        nav_current="structure-tests",
        test=test,
        rows=rows,
        counts=counts,
        filters=filters,
        query=_checklist_query(filters),
        departments=departments,
        shifts=shifts,
    )


@router.get("/{test_slug}/record")
def checklist_page(
    request: Request, test_slug: str, access: Campaign, user: CurrentUser, session: DbSession
) -> Response:
    test = _test(session, access, test_slug)
    filters = _checklist_filters(dict(request.query_params))
    return render(
        request,
        "structure_tests/record.html",
        _checklist_context(session, access, user, test, filters),
    )


@router.post("/{test_slug}/results")
def record_result(
    request: Request,
    test_slug: str,
    access: Campaign,
    user: CurrentUser,
    session: DbSession,
    form: FormData,
) -> Response:
    test = _test(session, access, test_slug)
    filters = _checklist_filters(dict(request.query_params))
    result = tests.parse_result(form.single.get("result", "not reached"))
    ids = [int(value) for value in form.multi.get("coworker", []) if value.isdigit()]
    recorded = tests.record(
        session=session, access=access, user_id=_user_id(user), test=test, coworker_ids=ids,
        result=result,
    )  # fmt: skip
    if recorded == 0:
        raise InvalidInput("no coworker of yours was chosen")
    session.commit()
    back = f"/campaigns/{access.campaign.slug}/structure-tests/{test.slug}/record"
    if not is_htmx(request):
        query = _checklist_query(filters)
        return RedirectResponse(f"{back}?{query}" if query else back, status_code=303)
    context = _checklist_context(session, access, user, test, filters)
    if len(ids) == 1:
        row = next((row for row in context["rows"] if row.id == ids[0]), None)
        if row is not None:
            context["row"] = row
            return render(request, "structure_tests/_recorded.html", context)
    return render(request, "structure_tests/record.html", context, block="checklist")


@router.post("/{test_slug}/import")
async def import_results(
    request: Request, test_slug: str, access: Committee, user: CurrentUser, session: DbSession
) -> Response:
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    data = b""
    if isinstance(upload, UploadFile) or hasattr(upload, "read"):
        data = await upload.read(MAX_UPLOAD_BYTES + 1)  # type: ignore[union-attr]
    test = _test(session, access, test_slug)
    problems: list[str] | None = None
    if not data:
        problems = ["choose a CSV file of results"]
    elif len(data) > MAX_UPLOAD_BYTES:
        problems = ["the file is larger than 5 MB"]
    else:
        try:
            count = tests.import_results(
                session=session, campaign_id=access.campaign_id, test=test, data=data,
                actor_id=user.id,
            )  # fmt: skip
        except RosterError as error:
            session.rollback()
            problems = error.problems
    if problems is None:
        audit.record(
            session=session, actor=user.email, action="structure_test.record",
            campaign_id=access.campaign_id, test=test.slug, rows=count,
        )  # fmt: skip
        session.commit()
        return RedirectResponse(
            f"/campaigns/{access.campaign.slug}/structure-tests/{test.slug}?recorded={count}",
            status_code=303,
        )
    units, total = tests.participation(
        session=session, campaign_id=access.campaign_id, test=test, by="department"
    )
    return render(
        request,
        "structure_tests/test.html",
        campaign_page(
            session,
            access,
            nav_current="structure-tests",
            test=test,
            by="department",
            units=units,
            total=total,
            mine=None,
            problems=problems,
            recorded=None,
        ),
        status_code=422,
    )


# -- the lists ---------------------------------------------------------------------------------


def _list_options(values: dict[str, str]) -> tuple[bool, str, bool]:
    only_not_reached = values.get("only", "not-reached") == "not-reached"
    by = values.get("by", "department")
    if by not in ("department", "organizer"):
        raise InvalidInput(f"by must be department or organizer, not {by!r}", field="by")
    contacts = values.get("contacts") == "on"
    return only_not_reached, by, contacts


@router.post("/{test_slug}/export")
def export_list(
    test_slug: str, access: Committee, user: CurrentUser, session: DbSession, form: FormData
) -> Response:
    test = _test(session, access, test_slug)
    only_not_reached, by, contacts = _list_options(form.single)
    file_format = form.single.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        raise InvalidInput(f"format must be csv or xlsx, not {file_format!r}", field="format")
    rows = [
        tests.list_cells(row, contacts)
        for row in tests.list_rows(
            session=session, campaign_id=access.campaign_id, test=test,
            only_not_reached=only_not_reached, by=by,
        )
    ]  # fmt: skip
    audit.record(
        session=session, actor=user.email, action="export", campaign_id=access.campaign_id,
        test=test.slug, format=file_format, only="not-reached" if only_not_reached else "all",
        by=by, contacts=contacts, rows=len(rows),
    )  # fmt: skip
    session.commit()
    header = tests.list_header(contacts)
    if file_format == "xlsx":
        body = xlsx_bytes(test.name, header, rows)
        media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = "".join(
            csv_lines([header, *([neutralise(cell) for cell in row] for row in rows)])
        ).encode("utf-8")
        media_type = "text/csv; charset=utf-8"
    filename = tests.export_filename(access.campaign, test, file_format)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/{test_slug}/sheet")
def signup_sheet(
    request: Request,
    test_slug: str,
    access: Committee,
    user: CurrentUser,
    session: DbSession,
    form: FormData,
) -> Response:
    """A printable sign-up sheet, one unit per page. Printing a list is exporting it: audited."""
    test = _test(session, access, test_slug)
    only_not_reached, by, _contacts = _list_options(form.single)
    groups: dict[str, list[tests.ListRow]] = {}
    for row in tests.list_rows(
        session=session, campaign_id=access.campaign_id, test=test,
        only_not_reached=only_not_reached, by=by,
    ):  # fmt: skip
        groups.setdefault(row.group, []).append(row)
    audit.record(
        session=session, actor=user.email, action="export", campaign_id=access.campaign_id,
        test=test.slug, format="print", only="not-reached" if only_not_reached else "all",
        by=by, contacts=False, rows=sum(len(rows) for rows in groups.values()),
    )  # fmt: skip
    session.commit()
    return render(
        request,
        "structure_tests/sheet.html",
        campaign_page(
            session, access, test=test, groups=groups, by=by, printed=dt.datetime.now(dt.UTC)
        ),
    )
