"""Coworker pages: the list, one coworker, recording an assessment, editing, the roster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.accounts.models import User
from app.assessments import service as assessments
from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.db import get_engine, utcnow
from app.errors import InvalidInput
from app.people import roster
from app.people import service as people
from app.people.models import Coworker
from app.people.service import CoworkerForm, StaleEdit
from app.web.deps import Campaign, CurrentUser, DbSession, SettingsDep, require_role
from app.web.forms import FormData
from app.web.pages import campaign_page
from app.web.templating import is_htmx, render

router = APIRouter(prefix="/campaigns/{slug}")

Committee = Annotated[CampaignAccess, require_role(Role.admin, Role.committee)]
Admin = Annotated[CampaignAccess, require_role(Role.admin)]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _user_id(user: User) -> int:
    assert user.id is not None
    return user.id


def _coworker(session: Session, access: CampaignAccess, user: User, coworker_id: int) -> Coworker:
    """The coworker in the URL, scoped to the campaign and this member's role (else 404)."""
    return people.get(
        session=session, access=access, user_id=_user_id(user), coworker_id=coworker_id
    )


def back_to_coworker(access: CampaignAccess, coworker_id: int | None) -> Response:
    """After a form without JavaScript: back to the coworker's page (303, so a GET)."""
    return RedirectResponse(
        f"/campaigns/{access.campaign.slug}/coworkers/{coworker_id}", status_code=303
    )


def can_see_contacts(access: CampaignAccess, coworker: Coworker, user_id: int) -> bool:
    """Phone and email: the assigned organizer, the committee and admins only."""
    return access.role in (Role.admin, Role.committee) or coworker.organizer_id == user_id


# -- the list ----------------------------------------------------------------------------------


@router.get("/coworkers")
def coworker_list(
    request: Request, access: Campaign, user: CurrentUser, session: DbSession
) -> Response:
    status_code = 200
    error = None
    try:
        filters = people.parse_filters(dict(request.query_params))
    except InvalidInput as problem:
        filters, error, status_code = people.CoworkerFilters(), problem.message, 422
    page = people.list_coworkers(
        session=session, access=access, user_id=_user_id(user), filters=filters
    )
    departments, shifts = people.names_of(session=session, campaign_id=access.campaign_id)
    context = campaign_page(
        session,
        access,
        nav_current="coworkers",
        page=page,
        filters=filters,
        departments=departments,
        shifts=shifts,
        error=error,
        assignees=people.assignees(session=session, campaign_id=access.campaign_id)
        if access.role != Role.organizer
        else [],
        assigned=request.query_params.get("assigned"),
        assign_error=request.query_params.get("assign_error"),
        deleted=request.query_params.get("deleted"),
        query=lambda **changes: urlencode(filters.query_params(**changes)),
    )
    return render(request, "people/list.html", context, status_code=status_code, block="results")


@router.post("/coworkers/assign")
def assign(
    request: Request, access: Committee, user: CurrentUser, session: DbSession, form: FormData
) -> Response:
    filters = people.parse_filters(form.single)
    try:
        organizer_id = people.resolve_assignee(
            session=session,
            campaign_id=access.campaign_id,
            organizer_id=form.single.get("organizer_id", ""),
            organizer_email=form.single.get("organizer_email", ""),
        )
        if form.single.get("scope") == "matching":
            targets: Any = people.matching_ids(
                session=session, access=access, user_id=_user_id(user), filters=filters
            )
        else:
            targets = [int(value) for value in form.multi.get("coworker", []) if value.isdigit()]
        count = people.assign(
            session=session,
            access=access,
            user_id=_user_id(user),
            coworker_ids=targets,
            organizer_id=organizer_id,
        )
    except InvalidInput as problem:
        session.rollback()
        query = urlencode(filters.query_params())
        return RedirectResponse(
            f"/campaigns/{access.campaign.slug}/coworkers?{query}&assign_error="
            f"{'nobody' if problem.field == 'coworker' else 'member'}",
            status_code=303,
        )
    session.commit()
    query = urlencode(filters.query_params(page=None) | {"assigned": str(count)})
    return RedirectResponse(f"/campaigns/{access.campaign.slug}/coworkers?{query}", status_code=303)


# -- one coworker ------------------------------------------------------------------------------


def _detail_context(
    session: Session, access: CampaignAccess, coworker: Coworker, user_id: int, **extra: Any
) -> dict[str, Any]:
    department, shift = people.department_and_shift(session=session, coworker=coworker)
    assert coworker.id is not None
    return campaign_page(
        session,
        access,
        nav_current="coworkers",
        coworker=coworker,
        department=department,
        shift=shift,
        organizer=people.organizer_of(session=session, coworker=coworker),
        history=people.history(session=session, coworker_id=coworker.id),
        show_contacts=can_see_contacts(access, coworker, user_id),
        **({"error": None, "note": ""} | extra),
    )


@router.get("/coworkers/new")
def new_coworker(request: Request, access: Committee, session: DbSession) -> Response:
    return _render_form(request, session, access, CoworkerForm(), coworker=None)


@router.get("/coworkers/{coworker_id}")
def coworker_detail(
    request: Request, coworker_id: int, access: Campaign, user: CurrentUser, session: DbSession
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    return render(
        request,
        "people/detail.html",
        _detail_context(session, access, coworker, _user_id(user)),
    )


@router.post("/coworkers/{coworker_id}/assessments")
def record_assessment(
    request: Request,
    coworker_id: int,
    access: Campaign,
    user: CurrentUser,
    session: DbSession,
    level: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    try:
        event = assessments.record(
            session=session,
            coworker=coworker,
            level=assessments.parse_level(level),
            note=note,
            assessed_by_id=user.id,
        )
    except InvalidInput as problem:
        session.rollback()
        context = _detail_context(
            session, access, coworker, _user_id(user), error=problem.message, note=note[:500]
        )
        if is_htmx(request):
            # Show the message where the form is, not in the history list the form targets.
            response = render(
                request, "people/detail.html", context, status_code=422, block="assessment_error"
            )
            response.headers["HX-Retarget"] = "#assessment-error"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "people/detail.html", context, status_code=422)
    session.commit()
    if not is_htmx(request):
        return back_to_coworker(access, coworker_id)
    entry = people.HistoryEntry(
        level=event.level, note=event.note, by=user.display_name, at=event.created_at, source="web"
    )
    return render(
        request,
        "people/_assessment_recorded.html",
        campaign_page(
            session, access, entry=entry, coworker_level=event.level, at=event.created_at
        ),
    )


def _render_form(
    request: Request,
    session: Session,
    access: CampaignAccess,
    form: CoworkerForm,
    coworker: Coworker | None,
    *,
    status_code: int = 200,
    stale: dict[str, str] | None = None,
) -> Response:
    departments, shifts = people.names_of(session=session, campaign_id=access.campaign_id)
    return render(
        request,
        "people/form.html",
        campaign_page(
            session,
            access,
            nav_current="coworkers",
            form=form,
            coworker=coworker,
            departments=departments,
            shifts=shifts,
            assignees=people.assignees(session=session, campaign_id=access.campaign_id),
            stale=stale,
        ),
        status_code=status_code,
    )


@router.post("/coworkers")
def create_coworker(
    request: Request, access: Committee, session: DbSession, form: FormData
) -> Response:
    data = CoworkerForm.from_form(form.single)
    values = data.validate(session=session, campaign_id=access.campaign_id, coworker_id=None)
    if data.errors:
        session.rollback()
        return _render_form(request, session, access, data, None, status_code=422)
    coworker = people.create(session=session, campaign_id=access.campaign_id, values=values)
    session.commit()
    return back_to_coworker(access, coworker.id)


@router.get("/coworkers/{coworker_id}/edit")
def edit_coworker(
    request: Request, coworker_id: int, access: Committee, user: CurrentUser, session: DbSession
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    return _render_form(request, session, access, _form_of(session, coworker), coworker)


def _form_of(session: Session, coworker: Coworker) -> CoworkerForm:
    """The edit form filled with the coworker's stored details."""
    department, shift = people.department_and_shift(session=session, coworker=coworker)
    organizer = people.organizer_of(session=session, coworker=coworker)
    return CoworkerForm.from_coworker(
        coworker, department, shift, organizer_email=organizer.email if organizer else ""
    )


@router.post("/coworkers/{coworker_id}")
def save_coworker(
    request: Request,
    coworker_id: int,
    access: Committee,
    user: CurrentUser,
    session: DbSession,
    form: FormData,
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    data = CoworkerForm.from_form(form.single)
    values = data.validate(session=session, campaign_id=access.campaign_id, coworker_id=coworker_id)
    if data.errors:
        session.rollback()
        return _render_form(request, session, access, data, coworker, status_code=422)
    loaded_version = int(form.single.get("version", "0") or 0)
    try:
        people.update_details(
            session=session, coworker=coworker, values=values, loaded_version=loaded_version
        )
    except StaleEdit:
        session.rollback()
        session.refresh(coworker)
        newer = _form_of(session, coworker)
        yours = {
            name: value
            for name, value in vars(data).items()
            if name in form.single and value != getattr(newer, name)
        }
        return _render_form(request, session, access, newer, coworker, status_code=409, stale=yours)
    session.commit()
    return back_to_coworker(access, coworker_id)


@router.post("/coworkers/{coworker_id}/departed")
def set_departed(
    coworker_id: int,
    access: Committee,
    user: CurrentUser,
    session: DbSession,
    departed: Annotated[str, Form()] = "yes",
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    people.set_departed(
        session=session,
        coworker=coworker,
        departed_on=dt.datetime.now(dt.UTC).date() if departed == "yes" else None,
    )
    session.commit()
    return back_to_coworker(access, coworker_id)


@router.get("/coworkers/{coworker_id}/delete")
def confirm_delete(
    request: Request, coworker_id: int, access: Admin, user: CurrentUser, session: DbSession
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    return render(
        request,
        "people/delete.html",
        campaign_page(session, access, nav_current="coworkers", coworker=coworker),
    )


@router.post("/coworkers/{coworker_id}/delete")
def delete_coworker(
    coworker_id: int, access: Admin, user: CurrentUser, session: DbSession
) -> Response:
    coworker = _coworker(session, access, user, coworker_id)
    people.delete_for_real(session=session, coworker=coworker, actor=user.email)
    session.commit()
    return RedirectResponse(
        f"/campaigns/{access.campaign.slug}/coworkers?deleted=1", status_code=303
    )


# -- the roster --------------------------------------------------------------------------------


@router.get("/roster")
def roster_page(request: Request, access: Committee, session: DbSession) -> Response:
    return render(
        request,
        "people/roster.html",
        campaign_page(session, access, nav_current="roster", result=None, problems=None),
    )


@router.post("/roster/import")
async def roster_import_upload(
    request: Request, access: Admin, user: CurrentUser, session: DbSession
) -> Response:
    """Async only to read the upload; the import itself runs in a worker thread."""
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    dry_run = form.get("dry_run") == "on"
    data = b""
    if isinstance(upload, UploadFile) or hasattr(upload, "read"):
        data = await upload.read(MAX_UPLOAD_BYTES + 1)  # type: ignore[union-attr]
    return await run_in_threadpool(
        _import_and_render, request, session, access, user, data, dry_run
    )


def _import_and_render(
    request: Request,
    session: Session,
    access: CampaignAccess,
    user: User,
    data: bytes,
    dry_run: bool,
) -> Response:
    problems: list[str] | None = None
    result = None
    if not data:
        problems = ["choose a CSV file to import"]
    elif len(data) > MAX_UPLOAD_BYTES:
        problems = [f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"]
    else:
        try:
            result = roster.import_roster(
                session=session,
                campaign_id=access.campaign_id,
                data=data,
                actor=user.email,
                actor_id=user.id,
                dry_run=dry_run,
            )
            session.commit()
        except roster.RosterError as error:
            session.rollback()
            problems = error.problems
    return render(
        request,
        "people/roster.html",
        campaign_page(session, access, nav_current="roster", result=result, problems=problems),
        status_code=422 if problems else 200,
    )


@router.post("/roster/export")
def roster_export(
    access: Committee, user: CurrentUser, session: DbSession, settings: SettingsDep
) -> Response:
    rows = roster.count_exportable(session=session, campaign_id=access.campaign_id)
    roster.record_export(
        session=session, campaign_id=access.campaign_id, actor=user.email, rows=rows, what="roster"
    )
    session.commit()
    engine = get_engine(settings.database_url)

    def stream() -> Iterator[str]:
        # Its own session: the request's is closed before the body has been streamed.
        with Session(engine) as export_session:
            yield from roster.csv_lines(
                roster.export_rows(session=export_session, campaign_id=access.campaign_id)
            )

    filename = f"{access.campaign.slug}-roster-{utcnow():%Y-%m-%d}.csv"
    return StreamingResponse(
        stream(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
