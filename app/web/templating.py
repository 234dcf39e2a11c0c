"""The Jinja environment: autoescape, gettext, and block rendering for htmx fragments."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import Response

from app.i18n import translations
from app.paths import TEMPLATES_DIR
from app.readiness.charts import ChartWords, bar_labels, bar_rows, units_rows, wall_rows
from app.readiness.math import display_pct, exact, shown

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
    undefined=StrictUndefined,
    # Block tags leave no blank lines behind: lists of hundreds of rows stay lean.
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.install_gettext_translations(translations(), newstyle=True)  # type: ignore[attr-defined]
# An exact value (a Fraction, or None when undefined) for people, one decimal half up: "12.5%"
# ("12.5" with `pct("")`, for ratios), or "–".
environment.filters["exact"] = exact  # a typed threshold (70, 20.8) as an exact Fraction
environment.filters["pct"] = shown
environment.globals["share"] = display_pct  # a part of a whole as a percentage: "12.5%", or "–"
# The readiness charts' repeated markup (see app/readiness/charts.py).
environment.globals.update(
    ChartWords=ChartWords,
    wall_rows=wall_rows,
    bar_rows=bar_rows,
    bar_labels=bar_labels,
    units_rows=units_rows,
)
# Translated text as a plain string, escaped when output like any other: for phrases filled in
# hundreds of times per page (see readiness/_charts.html).
environment.filters["plain"] = str
templates = Jinja2Blocks(env=environment)


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """The whole page, or only `block` for an htmx request that asked for a fragment."""
    context = dict(context or {})
    context.setdefault("current_user", getattr(request.state, "user", None))
    if block is not None and is_htmx(request):
        return templates.TemplateResponse(
            request, name, context, status_code=status_code, block_name=block
        )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.method == "GET" and request.headers.get("HX-Boosted") == "true":
        # A boosted form that was redirected (POST, then 303 to this GET) would otherwise leave
        # the form's address in the location bar.
        query = f"?{request.url.query}" if request.url.query else ""
        response.headers["HX-Push-Url"] = f"{request.url.path}{query}"
    return response
