"""The committee's readiness page in Chromium, on a laptop and on a phone, on screen and in print.

The figures must be the ones `rankfile readiness demo --json` prints for the same database: the
page and the CLI share the service, and this catches a template that rounds or divides its own way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import path_of
from tests.e2e.conftest import LiveServer, OpenPage, run_command, server_env
from tests.e2e.test_login import PHONE, horizontal_overflow, log_in

pytestmark = pytest.mark.browser

LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
SCREENSHOTS = {
    "laptop": "/tmp/readiness-wide.png",  # noqa: S108 (a fixed place to look at, not a secret)
    "phone": "/tmp/readiness-phone.png",  # noqa: S108
}
# An A4 page at 96 CSS px per inch, less Chromium's default print margins (about 1 cm a side).
A4_PRINTABLE = {"width": 718, "height": 1047}


@pytest.fixture(scope="module")
def cli_report(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`rankfile readiness demo --json`, run exactly like the live server against its database.

    The live server's fixture does not say where its database is; it is the one `e2e.db` in the
    session's `e2e*` folder (see tests/e2e/conftest.py: `live_server`)."""
    # pytest also links the newest numbered folder as `e2ecurrent`: the same file.
    databases = sorted(
        {path.resolve() for path in tmp_path_factory.getbasetemp().glob("e2e*/e2e.db")}
    )
    assert len(databases) == 1, databases
    database = databases[0]
    stdout = run_command(
        ["readiness", "demo", "--json"],
        cwd=database.parent,
        env=server_env(f"sqlite:///{database}"),
    )
    report: dict[str, Any] = json.loads(stdout)
    return report


def shown(value: float | None) -> str:
    """A JSON percentage (already rounded half up to one decimal) as the page shows it."""
    return "–" if value is None else f"{value:.1f}%"


def open_readiness_from_the_nav(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Readiness", exact=True).click()
    expect(page).to_have_url(live_server.url("/campaigns/demo/readiness"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Strike readiness")


# Not "device": that name is pytest-playwright's own fixture.
@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_readiness_page_matches_the_cli(
    open_page: OpenPage,
    live_server: LiveServer,
    cli_report: dict[str, Any],
    tmp_path: Path,
    screen: str,
) -> None:
    page, watch = open_page(LAPTOP if screen == "laptop" else PHONE)
    open_readiness_from_the_nav(page, live_server)
    page.wait_for_load_state("load")

    total = cli_report["total"]
    expect(page.locator("#support-pct")).to_have_text(shown(total["support_pct"]))
    expect(page.locator("#assessed-pct")).to_have_text(shown(total["assessed_pct"]))
    expect(page.locator("#participation-pct")).to_have_text(shown(total["participation_pct"]))
    status = page.locator("#status .status")
    expect(status).to_have_class(re.compile(rf"\bst-{re.escape(total['status'])}\b"))
    assert status.inner_text().split(" ", 1)[1] == total["status"]

    # The wall chart's grand total is the same number, and every unit of the view has a bar.
    grand_total = page.locator("#wall tfoot td").last
    expect(grand_total.locator("b")).to_have_text(shown(total["support_pct"]))
    expect(grand_total).to_contain_text(f"of {total['headcount']}")
    expect(page.locator("svg#bars > text:not(.th-label)")).to_have_count(len(cli_report["units"]))
    expect(page.locator("#trend-table tbody tr")).to_have_count(12)

    # The charts are really drawn: the SVGs have a size, the bars their colours from app.css.
    for selector in ("svg#bars", "svg#trend-chart"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
    fill = page.locator("svg#bars rect.l1").first.evaluate("(el) => getComputedStyle(el).fill")
    assert fill == "rgb(27, 94, 32)"  # --rf-level-1

    # Nothing scrolls the page sideways; the wall chart scrolls inside its own box if it must.
    overflow = horizontal_overflow(page)
    assert overflow["document"] <= overflow["viewport"], overflow
    assert overflow["body"] <= overflow["viewport"], overflow
    wall_box = page.locator("#wall-chart .scroll-x").evaluate(
        "(el) => ({client: el.clientWidth, scroll: el.scrollWidth,"
        " overflow: getComputedStyle(el).overflowX})"
    )
    assert wall_box["overflow"] == "auto"
    assert wall_box["client"] <= overflow["viewport"]
    page.screenshot(path=SCREENSHOTS[screen], full_page=True)

    # Print: the PDF is produced, without the navigation and forms, with the folded tables.
    pdf = page.pdf(path=tmp_path / "readiness.pdf")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("form.readiness-controls")).to_be_hidden()
    expect(page.locator("form.trend-controls")).to_be_hidden()
    expect(page.locator("#units-table")).to_be_visible()
    expect(page.locator("#trend-table")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("#units-table")).to_be_hidden()  # folded away on screen

    watch.assert_clean(page)


def test_each_chart_and_its_table_fit_one_printed_page(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    page, watch = open_page({"viewport": {"width": A4_PRINTABLE["width"], "height": 1000}})
    log_in(page, live_server, live_server.committee)
    expect(page).to_have_url(live_server.url("/campaigns/demo/"))
    page.goto(live_server.url("/campaigns/demo/readiness"))
    page.emulate_media(media="print")
    overflow = horizontal_overflow(page)
    assert overflow["document"] <= A4_PRINTABLE["width"], overflow
    for block in ("#wall-chart", "#levels", "#trend"):
        box = page.locator(block).bounding_box()
        assert box is not None
        assert box["width"] <= A4_PRINTABLE["width"], block
        assert box["height"] <= A4_PRINTABLE["height"], (block, box)
        breaks = page.locator(block).evaluate("(el) => getComputedStyle(el).breakInside")
        assert breaks == "avoid", block
    watch.assert_clean(page)


def test_the_page_works_without_javascript(open_page: OpenPage, live_server: LiveServer) -> None:
    page, watch = open_page({**PHONE, "java_script_enabled": False})
    open_readiness_from_the_nav(page, live_server)

    page.get_by_role("combobox", name=re.compile(r"^Units")).select_option("unit")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"/campaigns/demo/readiness\?by=unit"))
    expect(page.locator("#units-table tbody th").first).to_contain_text(" / ")

    trend = page.locator("form.trend-controls")
    trend.get_by_role("combobox", name=re.compile(r"^Department")).select_option(label="ICU")
    trend.get_by_role("button", name="Compare").click()
    expect(page.locator("#trend-table thead")).to_contain_text("ICU")
    expect(page.locator("svg#trend-chart path.trend-line.unit")).to_have_count(1)
    assert "by=unit" in page.url
    assert path_of(page) == "/campaigns/demo/readiness"

    # A wall chart cell opens that unit's coworker list.
    page.locator("#wall tbody td a").first.click()
    expect(page).to_have_url(re.compile(r"/campaigns/demo/coworkers\?department=\d+&shift=\d+$"))
    expect(page.locator(".coworker-list li").first).to_be_visible()
    assert watch.csp_violations == []
    assert watch.foreign_requests() == []
