"""The committee on a phone: tapping structure-test results, then printing the sign-up sheet.

In Chromium at 390×844 the demo's committee member opens the demo's "Majority petition", taps
results on the checklist and sees the counts change without a full page load; then prints the
sign-up sheet to PDF (A4) and finds one page per unit. No CSP violation or console error anywhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import Watch, path_of
from tests.e2e.conftest import LiveServer, OpenPage
from tests.e2e.test_login import PHONE, log_in

pytestmark = pytest.mark.browser

CAMPAIGN = "/campaigns/demo"
TEST_PATH = f"{CAMPAIGN}/structure-tests/majority-petition"
RECORD_PATH = f"{TEST_PATH}/record"
MAX_TAP_RESPONSE_BYTES = 5 * 1024
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
SHEET_PDF = "/tmp/e2e-sign-up-sheet.pdf"  # noqa: S108 (a fixed place to look at, not a secret)
CHECKLIST_SCREENSHOT = "/tmp/e2e-checklist.png"  # noqa: S108


def counts(page: Page) -> tuple[int, int, int]:
    took, declined, not_reached = (
        int(text) for text in page.locator("#checklist-counts strong").all_inner_texts()
    )
    return took, declined, not_reached


def row_with(page: Page, pressed: str) -> Locator:
    """The first checklist row whose current result is `pressed`."""
    return (
        page.locator("li.result-row")
        .filter(has=page.locator(f'button[value="{pressed}"][aria-pressed="true"]'))
        .first
    )


def mark_document(page: Page) -> None:
    page.evaluate("() => { window.__sameDocument = true; }")


def same_document(page: Page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def tap(page: Page, watch: Watch, row: Locator, label: str) -> None:
    """Tap a result button and wait for htmx's answer."""
    with page.expect_response(lambda r: urlsplit(r.url).path == f"{TEST_PATH}/results") as info:
        row.get_by_role("button", name=label, exact=True).tap()
    response = info.value
    assert response.status == 200
    assert len(response.body()) < MAX_TAP_RESPONSE_BYTES, len(response.body())
    assert response.request.headers.get("hx-request") == "true"


def test_committee_taps_results_and_prints_one_page_per_unit(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, watch = open_page(PHONE)
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url(f"{CAMPAIGN}/"))

    page.goto(live_server.url(TEST_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("Majority petition")
    held_on = page.locator("hgroup p").inner_text().split(" · ")[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", held_on)

    # -- the checklist: one tap per coworker, live counts, no page load --------------------
    page.goto(live_server.url(RECORD_PATH))
    page.wait_for_load_state("load")
    expect(page.locator("#checklist-counts")).to_be_visible()
    mark_document(page)
    took, declined, not_reached = counts(page)
    assert not_reached > 0
    assert took > 0

    row = row_with(page, "not_reached")
    row_id = row.get_attribute("id")
    tap(page, watch, row, "Took part")
    expect(page.locator("#checklist-counts")).to_contain_text(
        f"Took part: {took + 1} · Declined: {declined} · Not reached: {not_reached - 1}"
    )
    tapped = page.locator(f"#{row_id}")
    expect(tapped.locator('button[value="took_part"]')).to_have_attribute("aria-pressed", "true")
    expect(tapped.locator(".result-now")).to_have_text("took part")

    tap(page, watch, tapped, "Declined")
    expect(page.locator("#checklist-counts")).to_contain_text(
        f"Took part: {took} · Declined: {declined + 1} · Not reached: {not_reached - 1}"
    )
    tap(page, watch, page.locator(f"#{row_id}"), "Not reached")  # as it was
    expect(page.locator("#checklist-counts")).to_contain_text(
        f"Took part: {took} · Declined: {declined} · Not reached: {not_reached}"
    )
    expect(page.locator(f"#{row_id}").locator('button[value="not_reached"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    assert same_document(page), "a tap reloaded the page"
    assert path_of(page) == RECORD_PATH
    assert len(watch.htmx_requests()) == 3
    page.screenshot(path=CHECKLIST_SCREENSHOT, full_page=False)
    # The state survives a reload: it is on the server, not only on the screen.
    page.reload()
    assert counts(page) == (took, declined, not_reached)

    # -- the printable sign-up sheet --------------------------------------------------------
    page.goto(live_server.url(TEST_PATH))
    page.wait_for_load_state("load")
    button = page.get_by_role("button", name="Printable sign-up sheet", exact=True)
    assert button.get_attribute("formtarget") == "_blank"
    sheet = open_sheet(page)
    assert path_of(sheet) == f"{TEST_PATH}/sheet"
    sections = sheet.locator("section.sheet")
    units = sections.count()
    assert units > 1
    for index in range(units):
        expect(sections.nth(index).locator("header h1")).to_have_text(
            f"Majority petition — {held_on}"
        )
        expect(sections.nth(index).locator("tbody td.box")).not_to_have_count(0)
    # The sheet lists exactly those not reached yet (the form's default).
    assert sheet.locator("section.sheet tbody tr").count() == not_reached

    pdf = sheet.pdf(format="A4", path=SHEET_PDF)
    assert pdf.startswith(b"%PDF")
    assert len(PDF_PAGE.findall(pdf)) == units, "not one printed page per unit"

    watch.assert_clean(page)
    watch.assert_clean(sheet)


def open_sheet(page: Page) -> Page:
    """Press "Printable sign-up sheet" and return the new tab it opens (formtarget=_blank)."""
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Printable sign-up sheet").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    return sheet


def test_the_sheet_button_opens_the_sheet_in_a_new_tab(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, _watch = open_page(PHONE)
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url(f"{CAMPAIGN}/"))
    page.goto(live_server.url(TEST_PATH))
    page.wait_for_load_state("load")
    with page.context.expect_page(timeout=5000) as popup:
        page.get_by_role("button", name="Printable sign-up sheet", exact=True).click()
    sheet = popup.value
    sheet.wait_for_load_state("load")
    assert path_of(sheet) == f"{TEST_PATH}/sheet"
    expect(sheet.locator("body.sheets section.sheet").first).to_be_visible()
    assert path_of(page) == TEST_PATH  # the test page stays where it was


def test_download_csv_downloads_a_file(open_page: OpenPage, live_server: LiveServer) -> None:
    page, _watch = open_page({**PHONE, "accept_downloads": True})
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url(f"{CAMPAIGN}/"))
    page.goto(live_server.url(TEST_PATH))
    page.wait_for_load_state("load")
    with page.expect_download(timeout=5000) as download:
        page.get_by_role("button", name="Download CSV", exact=True).click()
    assert download.value.suggested_filename.endswith(".csv")
    assert path_of(page) == TEST_PATH
    expect(page.get_by_role("heading", level=1)).to_have_text("Majority petition")


def test_the_record_results_link_opens_the_whole_checklist_page(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, _watch = open_page(PHONE)
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url(f"{CAMPAIGN}/"))
    page.goto(live_server.url(TEST_PATH))
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Record results", exact=True).click()
    expect(page).to_have_url(live_server.url(RECORD_PATH))
    expect(page.locator("#checklist-counts")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Majority petition", timeout=2000)
    expect(page.locator("form.filters")).to_be_visible(timeout=2000)
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=2000)
