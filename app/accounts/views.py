"""Login and logout pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import service as accounts
from app.i18n import gettext as _
from app.i18n import gettext_noop as N_
from app.web.deps import DbSession, SettingsDep, session_token
from app.web.templating import render

router = APIRouter()

LOGIN_FAILED = N_("Email or password is incorrect, or the account is disabled.")
LOGIN_THROTTLED = N_("Too many failed attempts. Wait a few minutes, then try again.")


def safe_next(path: str | None) -> str:
    """Only a path on this site: never another origin (open redirect) or a scheme-relative URL."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return "/"
    return path


@router.get("/login")
def login_page(request: Request, session: DbSession, settings: SettingsDep) -> Response:
    token = session_token(request, settings)
    if token and accounts.resolve_session(session=session, settings=settings, token=token):
        return RedirectResponse("/", status_code=303)
    return render(
        request,
        "accounts/login.html",
        {"next_path": safe_next(request.query_params.get("next")), "email": "", "error": None},
    )


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    # Plain `def`: argon2 takes tens of milliseconds and must not block the event loop.
    email = email[:254]
    password = password[:1024]
    next_path = safe_next(next)
    client = request.client.host if request.client else "unknown"
    accounts.purge_expired(session=session, settings=settings)
    outcome = accounts.authenticate(
        session=session, settings=settings, email=email, password=password, client_address=client
    )
    if outcome.user is None:
        session.commit()  # the failure counts toward the throttle even though login failed
        return render(
            request,
            "accounts/login.html",
            {
                "next_path": next_path,
                "email": email,
                "error": _(LOGIN_THROTTLED if outcome.throttled else LOGIN_FAILED),
            },
            status_code=429 if outcome.throttled else 401,
        )
    # A new session at every login: a token planted before login is never promoted.
    old_token = session_token(request, settings)
    if old_token:
        accounts.end_session(session=session, settings=settings, token=old_token)
    token = accounts.start_session(session=session, settings=settings, user=outcome.user)
    session.commit()
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/logout")
def logout_page(request: Request, session: DbSession, settings: SettingsDep) -> Response:
    token = session_token(request, settings)
    live = accounts.resolve_session(session=session, settings=settings, token=token or "")
    if live is None:
        return RedirectResponse("/login", status_code=303)
    request.state.user = live.user
    return render(request, "accounts/logout.html")


@router.post("/logout")
def logout(request: Request, session: DbSession, settings: SettingsDep) -> Response:
    token = session_token(request, settings)
    if token:
        accounts.end_session(session=session, settings=settings, token=token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    # A lost phone keeps nothing of Rankfile once its owner has logged out.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
