"""What the browser tests watch in every page: script errors, CSP reports, other origins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

# Runs in every page before its own scripts (and is not subject to the page's CSP).
RECORD_CSP_VIOLATIONS = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const record = {
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      page: location.href,
    };
    window.__cspViolations.push(record);
    if (typeof window.__reportCspViolation === "function") {
      window.__reportCspViolation(record);
    }
  });
})();
"""


@dataclass
class Watch:
    """What a browser context did that a user would not see: errors, CSP reports, requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        # Reported to Python as well, so that a violation survives the page's navigation.
        context.expose_function("__reportCspViolation", self._csp_violation)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("request", self._request)

    def _csp_violation(self, record: dict[str, Any]) -> None:
        self.csp_violations.append(record)

    def _request(self, request: Request) -> None:
        self.requests.append(request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        self.console_errors.append(f"{message.text} ({url})")

    def foreign_requests(self) -> list[str]:
        return [
            request.url
            for request in self.requests
            if urlsplit(request.url).scheme != "data" and origin_of(request.url) != self.origin
        ]

    def htmx_requests(self) -> list[Request]:
        return [r for r in self.requests if r.headers.get("hx-request") == "true"]

    def assert_clean(self, page: Page) -> None:
        in_page = page.evaluate("window.__cspViolations")
        assert in_page == [], f"CSP violations on {page.url}: {in_page}"
        assert self.csp_violations == [], f"CSP violations: {self.csp_violations}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"uncaught script errors: {self.page_errors}"
        assert self.foreign_requests() == [], "requests to other origins"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def path_of(page: Page) -> str:
    return urlsplit(page.url).path
