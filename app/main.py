"""The application factory: settings, database, middleware, routers, static files, error pages."""

from __future__ import annotations

import gc
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app.accounts.views import router as accounts_router
from app.api.views import router as api_router
from app.audit.views import router as audit_router
from app.campaigns.views import router as campaigns_router
from app.db import get_engine
from app.errors import InvalidInput, NotFound
from app.i18n import gettext as _
from app.i18n import gettext_noop as N_
from app.paths import STATIC_DIR
from app.people.views import router as people_router
from app.readiness.views import router as readiness_router
from app.settings import Settings, get_settings
from app.structure_tests.views import router as structure_tests_router
from app.web.deps import Forbidden, LoginRequired
from app.web.security import SecurityMiddleware
from app.web.templating import is_htmx, render

log = logging.getLogger("rankfile")

ERROR_PAGES = {
    403: (N_("Not allowed"), N_("Your role in this campaign does not give access to this page.")),
    404: (N_("Not found"), N_("There is nothing here, or it is not yours to see.")),
    405: (N_("Not allowed"), N_("This address does not take that kind of request.")),
    422: (
        N_("Not understood"),
        N_("The request was not filled in correctly. Go back and try again."),
    ),
    500: (N_("Something went wrong"), N_("The server could not finish this. Nothing was changed.")),
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_secret()
    app = FastAPI(
        title="Rankfile",
        # No interactive docs in production (they are also blocked by the CSP).
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.database_url)

    app.include_router(accounts_router)
    app.include_router(campaigns_router)
    app.include_router(people_router)
    app.include_router(readiness_router)
    app.include_router(structure_tests_router)
    app.include_router(audit_router)
    app.include_router(api_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    install_error_handlers(app)
    keep_tracebacks_out_of_server_logs()
    # Outermost first in the list: headers and the CSRF check wrap even compressed responses.
    # Level 6, not 9: a third of the time on a 200 KB page, for a body about 6% larger.
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    app.add_middleware(SecurityMiddleware)
    return app


def settle_startup_memory() -> None:
    """Move everything loaded at startup out of the garbage collector's way, for good.

    A worker holds hundreds of thousands of long-lived objects (the framework, the ORM, the
    templates); every full collection walked them all, stalling one request in a few dozen
    by about 90 ms. Frozen, they are skipped: the readiness page's p95 fell from 200 to 110 ms
    at 100,000 coworkers. Call once, after the application is built, before serving."""
    gc.collect()
    gc.freeze()


class WithoutTraceback(logging.Filter):
    """Drops the traceback from the server's record of a failed request, keeping its line
    (start-up failures keep theirs: they quote no request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Exception in ASGI application"):
            record.exc_info = None
            record.exc_text = None
        return True


def keep_tracebacks_out_of_server_logs() -> None:
    """Starlette hands every unhandled exception on to the server after our handler has
    answered and logged its type; uvicorn would then log its traceback, whose messages quote
    SQL parameters and rows: names, phone numbers. Its line stays, without the traceback."""
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(kept, WithoutTraceback) for kept in server_log.filters):
        server_log.addFilter(WithoutTraceback())


def error_response(request: Request, status_code: int, detail: Any = None) -> Response:
    title, message = ERROR_PAGES.get(status_code, ERROR_PAGES[500])
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail or _(title)}, status_code=status_code)
    shown = detail if isinstance(detail, str) and status_code == 422 else _(message)
    context: dict[str, Any] = {"title": _(title), "message": shown}
    if status_code >= 500:
        # The request's session may have been rolled back and closed: its user can no longer
        # be read. The page shows no one as logged in rather than failing in turn.
        context["current_user"] = None
    return render(request, "errors/error.html", context, status_code=status_code)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _("Log in first")}, status_code=401)
        target = f"/login?next={request.url.path}" if request.method == "GET" else "/login"
        if is_htmx(request):
            # A redirect would be followed by fetch and swapped into the page; tell htmx instead.
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(InvalidInput)
    def invalid_input(request: Request, exc: InvalidInput) -> Response:
        # Input a person can fix: the message names what is wrong.
        return error_response(request, 422, detail=exc.message)

    @app.exception_handler(NotFound)
    def not_found(request: Request, _exc: NotFound) -> Response:
        return error_response(request, 404)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, _exc: Forbidden) -> Response:
        return error_response(request, 403)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A malformed id in the path is an address that does not exist.
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return error_response(request, 404)
        problems = [
            f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
            for error in exc.errors()
        ]
        return error_response(request, 422, detail=problems)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, detail=exc.detail)

    @app.exception_handler(Exception)
    def server_error(request: Request, exc: Exception) -> Response:
        # The exception type only: messages may quote personal data from the request.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(request, 500)
