"""Security middleware: cross-site request refusal and response headers, for every response.

CSRF defence without tokens (as in datasette): a browser tells us where a request came from.
Every unsafe method must carry `Sec-Fetch-Site: same-origin` (or `none`, typed by the user), or,
from a browser too old to send it, an `Origin` whose host is ours. Together with `SameSite=Lax`
cookies and GET never changing state, this covers plain forms, boosted forms and hx-post alike.

Written as plain ASGI rather than BaseHTTPMiddleware: it runs on every request, including static
files, and must not buffer streamed exports.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
HSTS = "max-age=63072000; includeSubDomains"
STATIC_PREFIX = "/static/"
STATIC_CACHE = "public, max-age=3600"
# Every page and API answer may hold personal data: nothing is kept by browsers or proxies.
DYNAMIC_CACHE = "no-store"

REFUSED_BODY = (
    b"<!doctype html><html lang=en><meta charset=utf-8><title>Refused</title>"
    b"<h1>Request refused</h1><p>This request did not come from a Rankfile page, so it was not"
    b" carried out. Go back, reload the page and try again.</p></html>"
)


def is_same_origin(headers: Headers) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in TRUSTED_FETCH_SITES
    origin = headers.get("origin")
    host = headers.get("host")
    if not origin or not host or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith(STATIC_PREFIX)
        is_https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if is_https:
                    headers["Strict-Transport-Security"] = HSTS
                headers["Cache-Control"] = STATIC_CACHE if is_static else DYNAMIC_CACHE
                if not is_static:
                    headers.add_vary_header("HX-Request")
            await send(message)

        if scope["method"] not in SAFE_METHODS and not is_same_origin(Headers(scope=scope)):
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(REFUSED_BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": REFUSED_BODY})
            return
        await self.app(scope, receive, send_with_headers)
