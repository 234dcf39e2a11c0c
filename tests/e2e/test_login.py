"""Logging in on a phone, the campaign home, logging out, and what the browser is left holding."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import path_of
from tests.e2e.conftest import LiveServer, Login, OpenPage

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
# The narrowest phone the stylesheet is written for.
NARROW_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 360, "height": 740}}
HOME_SCREENSHOT = "/tmp/e2e-home.png"  # noqa: S108 (a fixed place to look at, not a secret)
LOGIN_FAILED = "Email or password is incorrect"


def log_in(page: Page, live_server: LiveServer, login: Login) -> None:
    """From anywhere: the login page, the form filled in through its labels, submitted."""
    if path_of(page) != "/login":
        page.goto(live_server.url("/login"))
    page.get_by_label("Email", exact=True).fill(login.email)
    page.get_by_label("Password", exact=True).fill(login.password)
    page.get_by_role("button", name="Log in", exact=True).click()


def horizontal_overflow(page: Page) -> dict[str, int]:
    return page.evaluate(
        """() => ({
            viewport: window.innerWidth,
            document: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
        })"""
    )


def test_phone_login_lands_on_campaign_home(open_page: OpenPage, live_server: LiveServer) -> None:
    page, watch = open_page(PHONE)

    page.goto(live_server.url("/"))
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    assert path_of(page) == "/login"
    log_in(page, live_server, live_server.organizer)

    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo General Hospital")
    headcount = int(page.locator("#headcount").inner_text())
    assert headcount == 120
    table = page.locator("#level-counts")
    expect(table.locator("tbody tr")).to_have_count(6)  # levels 1-5 and unassessed
    counts = [int(text) for text in table.locator("td.count").all_inner_texts()]
    assert len(counts) == 6
    assert sum(counts) == headcount

    page.wait_for_load_state("load")
    htmx = page.evaluate(
        """() => window.htmx === undefined ? null : {
            version: htmx.version,
            historyCacheSize: htmx.config.historyCacheSize,
            allowEval: htmx.config.allowEval,
            allowScriptTags: htmx.config.allowScriptTags,
            selfRequestsOnly: htmx.config.selfRequestsOnly,
        }"""
    )
    assert htmx is not None, "htmx did not load"
    assert htmx["historyCacheSize"] == 0
    assert htmx["allowEval"] is False
    assert htmx["allowScriptTags"] is False
    assert htmx["selfRequestsOnly"] is True

    overflow = horizontal_overflow(page)
    assert overflow["document"] <= overflow["viewport"], overflow
    page.screenshot(path=HOME_SCREENSHOT, full_page=True)

    assert watch.requests, "no requests were recorded"
    watch.assert_clean(page)


def test_csp_violation_recorder_sees_a_blocked_inline_script(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    """The CSP check above is not vacuous: an inline script is refused and reported."""
    page, watch = open_page(PHONE)
    page.goto(live_server.url("/login"))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineScriptRan = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineScriptRan") is None
    violations = page.evaluate("window.__cspViolations")
    assert [v["directive"] for v in violations] == ["script-src-elem"]
    page.wait_for_timeout(100)  # the binding's call to Python is asynchronous
    assert len(watch.csp_violations) == 1


def test_narrow_phone_layout_and_labels(open_page: OpenPage, live_server: LiveServer) -> None:
    page, watch = open_page(NARROW_PHONE)
    page.goto(live_server.url("/login"))

    controls = page.evaluate(
        """() => Array.from(document.querySelectorAll("input, button, select, textarea"))
            .filter((el) => el.type !== "hidden")
            .map((el) => {
                const visible = (node) => {
                    const box = node.getBoundingClientRect();
                    const style = getComputedStyle(node);
                    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
                        && style.display !== "none";
                };
                const labels = Array.from(el.labels || []).filter(visible);
                const text = el.tagName === "BUTTON"
                    ? el.innerText.trim()
                    : labels.map((label) => label.innerText.trim()).join(" ");
                return {tag: el.tagName, id: el.id, visible: visible(el), text};
            })"""
    )
    assert [c["id"] for c in controls if c["tag"] == "INPUT"] == ["email", "password"]
    assert [c["text"] for c in controls if c["tag"] == "BUTTON"] == ["Log in"]
    for control in controls:
        assert control["visible"], control
        assert control["text"], f"control without a visible label or text: {control}"
    overflow = horizontal_overflow(page)
    assert overflow["viewport"] == 360
    assert overflow["document"] <= 360, overflow

    log_in(page, live_server, live_server.organizer)
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    expect(page.locator("#level-counts")).to_be_visible()
    overflow = horizontal_overflow(page)
    assert overflow["document"] <= 360, overflow
    assert overflow["body"] <= 360, overflow
    watch.assert_clean(page)


def test_wrong_password_shows_generic_message(open_page: OpenPage, live_server: LiveServer) -> None:
    page, _watch = open_page(PHONE)
    committee = live_server.committee
    messages = []
    # A wrong password and an unknown account must be told apart by nothing.
    for email in (committee.email, "nobody@example.org"):
        page.goto(live_server.url("/login"))
        log_in(page, live_server, Login(email=email, password=committee.password + "-wrong"))
        alert = page.get_by_role("alert").filter(has_text=LOGIN_FAILED)
        expect(alert).to_be_visible()
        messages.append(alert.inner_text())
        assert path_of(page) == "/login"
        expect(page.get_by_label("Password", exact=True)).to_have_value("")
        expect(page.get_by_label("Email", exact=True)).to_have_value(email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert messages[0] == messages[1]


def test_logout_ends_the_session_on_the_server(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, watch = open_page(PHONE)
    log_in(page, live_server, live_server.organizer)
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    session_cookies = [c for c in page.context.cookies() if c["name"] == "rankfile_session"]
    assert len(session_cookies) == 1

    page.get_by_role("banner").get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert [c for c in page.context.cookies() if c["name"] == "rankfile_session"] == []

    page.goto(live_server.url("/campaigns/demo/"))
    assert path_of(page) == "/login"
    expect(page.get_by_text("Demo General Hospital")).to_have_count(0)

    # The old cookie, put back, opens nothing: the session ended on the server, not only here.
    page.context.add_cookies(session_cookies)  # type: ignore[arg-type]
    page.goto(live_server.url("/campaigns/demo/"))
    assert path_of(page) == "/login"
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    watch.assert_clean(page)


def test_boosted_navigation_keeps_no_page_in_browser_storage(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, watch = open_page(PHONE)
    log_in(page, live_server, live_server.organizer)
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))

    # A campaign that is not theirs: the error page's main is boosted and links back home.
    page.goto(live_server.url("/campaigns/not-theirs/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    page.wait_for_load_state("load")
    page.evaluate(
        """() => {
            window.__sameDocument = true;
            window.__historySaves = 0;
            document.addEventListener("htmx:beforeHistorySave", () => window.__historySaves++);
        }"""
    )
    page.get_by_role("link", name="Back to your campaigns").click()
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo General Hospital")

    # It really was an htmx navigation, and htmx reached the point where it saves history.
    assert page.evaluate("window.__sameDocument") is True
    boosted = [r for r in watch.htmx_requests() if r.headers.get("hx-boosted") == "true"]
    assert [urlsplit(r.url).path for r in boosted][:1] == ["/"]
    assert page.evaluate("window.__historySaves") == 1

    assert page.evaluate("localStorage.length") == 0
    session_storage = page.evaluate(
        "Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage[k]]))"
    )
    assert "htmx-history-cache" not in session_storage
    for key, value in session_storage.items():
        assert "<" not in value, f"page HTML in sessionStorage[{key!r}]"
        assert "Demo General Hospital" not in value, f"page content in sessionStorage[{key!r}]"

    assert page.evaluate("window.__cspViolations") == []
    assert watch.csp_violations == []
    assert watch.page_errors == []
    assert watch.foreign_requests() == []


def test_the_page_has_an_icon(open_page: OpenPage, live_server: LiveServer) -> None:
    """Either the page names an icon of its own, or /favicon.ico exists."""
    page, _watch = open_page(PHONE)
    page.goto(live_server.url("/login"))
    declared = page.locator('link[rel~="icon"]').count() > 0
    favicon = page.request.get(live_server.url("/favicon.ico"))
    assert declared or favicon.status == 200
