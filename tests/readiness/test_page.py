"""The committee's readiness page: headline, wall chart, stacked bars, weakest units and trend.

One small campaign, counted by hand, on both backends:

    unit         L1  L2  L3  L4  L5  unassessed  headcount  organizers  took part
    ICU / Day     2   3   1   1   -       1           8          1           3
    ICU / Night   -   3   -   -   -       1           4          1           2
    ER / Day      1   -   1   -   1       1           4          -           -
    (ER / Night is empty)

Total: 16 coworkers, 9 supporters (56.25% → "56.3%", rounded half up), 13 assessed (81.25% →
"81.3%"), 2 organizers (8 per organizer), 5 of 16 took part in the latest structure test (31.25%
→ "31.3%"): majority. Everyone joined the roster 90 days ago and was assessed 20 days ago.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.assessments.models import Assessment
from app.campaigns.models import Campaign, Department, LevelDefinition, Role, Shift
from app.db import session_scope, utcnow
from app.people.models import Coworker
from app.structure_tests import service as structure_tests
from app.structure_tests.models import StructureTest, StructureTestResult
from tests.factories import Factory, Member, log_in

SLUG = "mercy"
JOINED_DAYS_AGO = 90
ASSESSED_DAYS_AGO = 20
PAGE = f"/campaigns/{SLUG}/readiness"
BASE_SCRIPTS = {"/static/vendor/htmx.min.js", "/static/js/app.js"}
# "2 Supporter: 6 of 12" or "Unassessed: 1 of 4"
SEGMENT_TITLE = re.compile(
    r"^(?:(?P<level>[1-5]) .+|Unassessed): (?P<count>\d+) of (?P<headcount>\d+)$"
)

# (department, shift) → level → how many; None is unassessed. Plus organizers and took part.
CELLS: dict[tuple[str, str], dict[int | None, int]] = {
    ("ICU", "Day"): {1: 2, 2: 3, 3: 1, 4: 1, None: 1},
    ("ICU", "Night"): {2: 3, None: 1},
    ("ER", "Day"): {1: 1, 3: 1, 5: 1, None: 1},
}
ORGANIZERS = {("ICU", "Day"): 1, ("ICU", "Night"): 1}
TOOK_PART = {("ICU", "Day"): 3, ("ICU", "Night"): 2}


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ", strip=True).split())


@dataclass
class Seeded:
    campaign: Campaign
    departments: dict[str, int]
    shifts: dict[str, int]
    names: dict[tuple[str, str], list[str]]
    latest_test_name: str
    latest_test_held_on: dt.date


@pytest.fixture
def campaign(factory: Factory) -> Campaign:
    return factory.campaign(slug=SLUG)


@pytest.fixture
def committee(factory: Factory, campaign: Campaign) -> Member:
    return factory.member(campaign, Role.committee, email="cam@example.org")


@pytest.fixture
def seeded(factory: Factory, engine: Engine, campaign: Campaign) -> Seeded:
    """The campaign of the module docstring, with its history and two structure tests."""
    assert campaign.id is not None
    joined = utcnow() - dt.timedelta(days=JOINED_DAYS_AGO)
    rows: list[dict[str, Any]] = []
    names: dict[tuple[str, str], list[str]] = {}
    for (department, shift), levels in CELLS.items():
        organizers = ORGANIZERS.get((department, shift), 0)
        for level, count in levels.items():
            for _ in range(count):
                name = f"{department} {shift} {len(rows):02d}"
                names.setdefault((department, shift), []).append(name)
                # The first coworkers of a cell (its best-rated) sit on the committee.
                is_committee = len(names[(department, shift)]) <= organizers
                rows.append(
                    {
                        "department": department,
                        "shift": shift,
                        "name": name,
                        "current_level": level,
                        "is_committee": is_committee,
                        "created_at": joined,
                        "last_assessed_at": None
                        if level is None
                        else utcnow() - dt.timedelta(days=ASSESSED_DAYS_AGO),
                    }
                )
    coworkers = factory.coworkers(campaign, *rows)
    today = utcnow().date()
    latest_held_on = today - dt.timedelta(days=5)
    with session_scope(engine) as session:
        for coworker in coworkers:
            if coworker.current_level is not None:
                session.add(
                    Assessment(
                        campaign_id=campaign.id,
                        coworker_id=coworker.id,  # type: ignore[arg-type]
                        level=coworker.current_level,
                        source="import",
                        created_at=utcnow() - dt.timedelta(days=ASSESSED_DAYS_AGO),
                    )
                )
        # An older test that everybody took part in: not the latest, so it does not count.
        older = StructureTest(
            campaign_id=campaign.id,
            slug="survey",
            name="Staffing survey",
            kind="survey",
            held_on=today - dt.timedelta(days=60),
            goal_pct=60,
        )
        latest = StructureTest(
            campaign_id=campaign.id,
            slug="petition",
            name="Majority petition",
            kind="petition",
            held_on=latest_held_on,
            goal_pct=60,
        )
        session.add_all([older, latest])
        session.flush()
        for coworker in coworkers:
            session.add(
                StructureTestResult(
                    test_id=older.id,  # type: ignore[arg-type]
                    coworker_id=coworker.id,  # type: ignore[arg-type]
                    result="took_part",
                )
            )
        by_cell: dict[tuple[str, str], list[Coworker]] = {}
        for coworker, row in zip(coworkers, rows, strict=True):
            by_cell.setdefault((row["department"], row["shift"]), []).append(coworker)
        for cell, members in by_cell.items():
            took_part = TOOK_PART.get(cell, 0)
            for index, coworker in enumerate(members):
                # Past those who took part, one declined: a refusal is not participation.
                result = "took_part" if index < took_part else "declined"
                if index <= took_part:
                    session.add(
                        StructureTestResult(
                            test_id=latest.id,  # type: ignore[arg-type]
                            coworker_id=coworker.id,  # type: ignore[arg-type]
                            result=result,
                        )
                    )
        for test in (older, latest):
            structure_tests.refresh_latest_participation(session=session, test=test)
        departments = {
            d.name: d.id
            for d in session.exec(
                select(Department).where(col(Department.campaign_id) == campaign.id)
            )
        }
        shifts = {
            s.name: s.id
            for s in session.exec(select(Shift).where(col(Shift.campaign_id) == campaign.id))
        }
    return Seeded(
        campaign=campaign,
        departments=departments,  # type: ignore[arg-type]
        shifts=shifts,  # type: ignore[arg-type]
        names=names,
        latest_test_name="Majority petition",
        latest_test_held_on=latest_held_on,
    )


def get_page(client: TestClient, member: Member, query: str = "") -> Any:
    log_in(client, member)
    return client.get(PAGE + query)


# -- who may see it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [(Role.organizer, 403), (Role.committee, 200), (Role.admin, 200)]
)
def test_committee_and_admins_only(
    client: TestClient, factory: Factory, seeded: Seeded, role: Role, status: int
) -> None:
    member = factory.member(seeded.campaign, role, email=f"{role.value}@example.org")
    response = get_page(client, member)
    assert response.status_code == status
    if status == 200:
        thresholds_link = soup(response).select(f'a[href="/campaigns/{SLUG}/thresholds"]')
        assert len(thresholds_link) == (1 if role == Role.admin else 0)


def test_logged_out_visitors_are_sent_to_log_in(client: TestClient, seeded: Seeded) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code in (302, 303, 401)


# -- the headline ------------------------------------------------------------------------------


def test_headline_figures_are_the_hand_computed_ones(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    response = get_page(client, committee)
    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("#support-pct")) == "56.3%"  # 9/16 = 56.25, half up
    assert text(page.select_one("#assessed-pct")) == "81.3%"  # 13/16 = 81.25
    assert text(page.select_one("#status")) == "◑ majority"
    assert page.select_one("#status .status.st-majority") is not None
    assert text(page.select_one("#participation-pct")) == "31.3%"  # 5/16 = 31.25
    headline = text(page.select_one("#headline"))
    assert "9 of 16 coworkers at level 1 or 2" in headline
    assert "69.2% of the assessed" in headline  # 9/13
    assert "13 of 16 coworkers" in headline
    assert "8.0 coworkers per organizer" in headline
    held_on = seeded.latest_test_held_on.isoformat()
    assert f"5 took part in Majority petition on {held_on}" in headline
    assert "As of " + utcnow().date().isoformat() in text(page.select_one("hgroup"))


def test_without_a_structure_test_nothing_is_participation(
    client: TestClient, factory: Factory, campaign: Campaign, committee: Member
) -> None:
    factory.coworkers(
        campaign, {"department": "ICU", "shift": "Day", "name": "A", "current_level": 1}
    )
    page = soup(get_page(client, committee))
    assert text(page.select_one("#participation-pct")) == "–"
    assert "No structure test yet" in text(page.select_one("#headline"))
    assert text(page.select_one("#support-pct")) == "100.0%"
    # 100% support, but untested: never strike-ready.
    assert text(page.select_one("#status")) == "● supermajority"


def test_an_empty_campaign_shows_dashes(
    client: TestClient, campaign: Campaign, committee: Member
) -> None:
    response = get_page(client, committee)
    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("#support-pct")) == "–"
    assert text(page.select_one("#assessed-pct")) == "–"
    assert text(page.select_one("#status")) == "○ building"
    assert page.select("svg#bars") == []
    assert len(page.select("#trend-table tbody tr")) == 12


def test_as_of_a_past_date_reads_the_history(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    """Before the assessments, nobody was assessed; the older test was then the latest."""
    as_of = (utcnow() - dt.timedelta(days=30)).date().isoformat()
    response = get_page(client, committee, f"?as_of={as_of}&by=shift")
    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("#support-pct")) == "0.0%"
    assert text(page.select_one("#assessed-pct")) == "0.0%"
    assert text(page.select_one("#participation-pct")) == "100.0%"
    assert "Staffing survey" in text(page.select_one("#headline"))
    assert f"As of {as_of}." in text(page.select_one("hgroup"))
    form = page.select_one("form.readiness-controls")
    assert form is not None
    date_input = form.select_one("input#as_of")
    assert date_input is not None
    assert date_input["type"] == "date"
    assert date_input["value"] == as_of
    assert text(page.select_one("label[for=as_of]")).startswith("As of")
    selected = form.select_one("select#by option[selected]")
    assert selected is not None
    assert selected["value"] == "shift"


# -- bad parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?by=floor", "by must be department, shift or unit, not 'floor'"),
        ("?as_of=yesterday", "as_of must be a date like 2026-11-27, not 'yesterday'"),
        ("?as_of=2999-01-01", "as_of 2999-01-01 is in the future"),
    ],
)
def test_bad_parameters_are_422_with_the_message(
    client: TestClient, seeded: Seeded, committee: Member, query: str, message: str
) -> None:
    response = get_page(client, committee, query)
    assert response.status_code == 422
    page = soup(response)
    assert text(page.select_one('main [role="alert"]')) == message
    # The page still shows today's readiness by department, and the bad value is not echoed back.
    assert text(page.select_one("#support-pct")) == "56.3%"
    date_input = page.select_one("input#as_of")
    assert date_input is not None
    assert date_input["value"] == ""


# -- the wall chart ----------------------------------------------------------------------------


def wall_cell(page: BeautifulSoup, target: str) -> Tag:
    """The wall chart's cell whose link, resolved against the page's address, is `target`."""
    cells = [
        link.parent
        for link in page.select("#wall td > a[href]")
        if urljoin(PAGE, str(link["href"])) == target
    ]
    assert len(cells) == 1, target
    cell = cells[0]
    assert isinstance(cell, Tag)
    return cell


def test_wall_chart_cells_show_support_headcount_and_status_and_link_to_the_coworkers(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    page = soup(get_page(client, committee))
    icu, er = seeded.departments["ICU"], seeded.departments["ER"]
    day, night = seeded.shifts["Day"], seeded.shifts["Night"]
    base = f"/campaigns/{SLUG}/coworkers"
    expected = {
        f"{base}?department={icu}&shift={day}": ("62.5%", "of 8", "◑ majority", "st-majority"),
        f"{base}?department={icu}&shift={night}": (
            "75.0%",
            "of 4",
            "● supermajority",
            "st-supermajority",
        ),
        f"{base}?department={er}&shift={day}": ("25.0%", "of 4", "○ building", "st-building"),
        # The totals: a department's row, a shift's column, everyone.
        f"{base}?department={icu}": ("66.7%", "of 12", "◑ majority", "st-majority"),
        f"{base}?shift={day}": ("50.0%", "of 12", "○ building", "st-building"),
        f"{base}?shift={night}": ("75.0%", "of 4", "● supermajority", "st-supermajority"),
        base: ("56.3%", "of 16", "◑ majority", "st-majority"),
    }
    for href, (support, headcount, status, css) in expected.items():
        cell = wall_cell(page, href)
        assert text(cell.select_one("b")) == support, href
        assert text(cell) == f"{support} {headcount} {status}", href
        assert text(cell.select_one("small")) == status, href
        assert css in cell["class"], href

    # Rows are departments, columns shifts, in name order, then the totals.
    headers = [text(th) for th in page.select("#wall thead th")]
    assert headers == ["Department", "Day", "Night", "All shifts"]
    rows = [text(th) for th in page.select("#wall tbody th[scope=row]")]
    assert rows == ["ER", "ICU"]
    # ER has nobody on nights: a dash, not a zero.
    er_row = page.select("#wall tbody tr")[0]
    assert [text(td) for td in er_row.select("td")][1] == "–"
    assert "empty" in er_row.select("td")[1]["class"]
    # The chart scrolls inside its own box on a phone.
    assert page.select_one(".scroll-x[role=region] > table#wall") is not None


def test_a_wall_chart_link_opens_that_units_coworkers(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    page = soup(get_page(client, committee))
    icu, day = seeded.departments["ICU"], seeded.shifts["Day"]
    link = wall_cell(page, f"/campaigns/{SLUG}/coworkers?department={icu}&shift={day}").a
    assert link is not None
    response = client.get(urljoin(PAGE, str(link["href"])))
    assert response.status_code == 200
    listed = sorted(text(a) for a in soup(response).select(".coworker-list a.coworker-name"))
    assert listed == sorted(seeded.names[("ICU", "Day")])


# -- the stacked bars --------------------------------------------------------------------------


def row_labels(page: BeautifulSoup) -> list[Tag]:
    """The bars' row labels ("ICU · 66.7% of 12"), top to bottom."""
    return page.select("svg#bars > text:not(.th-label)")


def segments(page: BeautifulSoup) -> dict[str, list[tuple[str, int, int, float, float]]]:
    """unit → [(level or "u", count, headcount, x, width)] in drawing order.

    A row's segments sit 4 px below its label's baseline; each title says what it counts."""
    unit_at = {int(str(label["y"])) + 4: text(label).split(" · ")[0] for label in row_labels(page)}
    rows: dict[str, list[tuple[str, int, int, float, float]]] = {}
    for rect in page.select("svg#bars rect"):
        title = SEGMENT_TITLE.match(text(rect.title))
        assert title is not None, rect
        level = title["level"] or "u"
        assert rect["class"] == [f"l{level}"]
        assert rect["height"] == "14"
        rows.setdefault(unit_at[int(str(rect["y"]))], []).append(
            (
                level,
                int(title["count"]),
                int(title["headcount"]),
                float(str(rect.get("x", "0"))),  # the first segment starts at the default, 0
                float(str(rect["width"])),
            )
        )
    return rows


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            "department",
            {
                "ER": [("1", 1), ("3", 1), ("5", 1), ("u", 1)],
                "ICU": [("1", 2), ("2", 6), ("3", 1), ("4", 1), ("u", 2)],
            },
        ),
        (
            "unit",
            {
                "ER / Day": [("1", 1), ("3", 1), ("5", 1), ("u", 1)],
                "ICU / Day": [("1", 2), ("2", 3), ("3", 1), ("4", 1), ("u", 1)],
                "ICU / Night": [("2", 3), ("u", 1)],
            },
        ),
        (
            "shift",
            {
                "Day": [("1", 3), ("2", 3), ("3", 2), ("4", 1), ("5", 1), ("u", 2)],
                "Night": [("2", 3), ("u", 1)],
            },
        ),
    ],
)
def test_bar_segments_are_proportional_to_the_counts(
    client: TestClient,
    seeded: Seeded,
    committee: Member,
    by: str,
    expected: dict[str, list[tuple[str, int]]],
) -> None:
    page = soup(get_page(client, committee, f"?by={by}"))
    bars = page.select_one("svg#bars")
    assert bars is not None
    assert bars["role"] == "img"
    assert bars.get("aria-labelledby")
    drawn = segments(page)
    for unit, levels in expected.items():
        row = drawn[unit]
        assert [(level, count) for level, count, *_ in row] == levels, unit
        headcount = sum(count for _level, count in levels)
        before = 0
        for _level, count, total, x, width in row:
            assert total == headcount
            assert abs(Fraction(width) - Fraction(100 * count, headcount)) <= Fraction(1, 100)
            assert abs(Fraction(x) - Fraction(100 * before, headcount)) <= Fraction(1, 100)
            before += count
        assert abs(sum(width for *_, width in row) - 100) <= 0.01
    # The drawing area maps 0–100 across the whole width.
    area = bars.select_one("svg.bar-area")
    assert area is not None
    assert str(area["viewbox"]).startswith("0 0 100 ")
    assert area["preserveaspectratio"] == "none"
    # Every unit of the view has its row, with its name and support as visible text.
    labels = [text(label) for label in row_labels(page)]
    assert len(labels) == len(expected) == len(drawn)
    first = next(iter(expected))
    assert labels[0].startswith(f"{first} · ")
    assert len(page.select("#units-table tbody tr")) == len(labels)


def test_names_and_labels_in_the_charts_are_text_not_markup(
    client: TestClient, engine: Engine, seeded: Seeded, committee: Member
) -> None:
    """The wall chart's cells and the bars' segments are written in Python: what an admin
    typed (a level's label, a department's name) must come out as text."""
    label = '<img src=x onerror="alert(1)"> & co'
    department = "ICU <script>alert(2)</script>"
    with session_scope(engine) as session:
        session.execute(
            update(LevelDefinition)
            .where(col(LevelDefinition.campaign_id) == seeded.campaign.id)
            .where(col(LevelDefinition.level) == 1)
            .values(label=label)
        )
        session.execute(
            update(Department)
            .where(col(Department.id) == seeded.departments["ICU"])
            .values(name=department)
        )
    response = get_page(client, committee, "?by=unit")
    assert response.status_code == 200
    page = soup(response)
    assert page.select("img") == []
    assert {str(tag["src"]) for tag in page.select("script")} == BASE_SCRIPTS
    titles = [text(rect.title) for rect in page.select("svg#bars rect")]
    assert f"1 {label}: 2 of 8" in titles
    wall_rows = [text(row.th) for row in page.select("#wall tbody tr")]
    assert department in wall_rows
    assert "<script>alert(2)</script>" not in response.text


def test_the_bars_table_equivalent_has_every_count(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    page = soup(get_page(client, committee, "?by=unit"))
    table = page.select_one("#units-table")
    assert table is not None
    header = [text(th) for th in table.select("thead th")]
    assert header == [
        "Unit",
        "1 Leader",
        "2 Supporter",
        "3 Undecided",
        "4 Leaning against",
        "5 Opposed",
        "Unassessed",
        "Headcount",
        "Support",
    ]
    rows = {text(tr.th): [text(td) for td in tr.select("td")] for tr in table.select("tbody tr")}
    assert rows["ICU / Day"] == ["2", "3", "1", "1", "0", "1", "8", "62.5%"]
    assert rows["ICU / Night"] == ["0", "3", "0", "0", "0", "1", "4", "75.0%"]
    assert rows["ER / Day"] == ["1", "0", "1", "0", "1", "1", "4", "25.0%"]


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        ((50, 70, 80), {"majority": 50, "supermajority": 70, "strike_ready": 80}),
        ((55.5, 66.7, 90), {"majority": 55.5, "supermajority": 66.7, "strike_ready": 90}),
    ],
)
def test_threshold_lines_sit_at_the_thresholds(
    client: TestClient,
    engine: Engine,
    seeded: Seeded,
    committee: Member,
    thresholds: tuple[float, float, float],
    expected: dict[str, float],
) -> None:
    majority, supermajority, strike_ready = thresholds
    with session_scope(engine) as session:
        session.execute(
            update(Campaign)
            .where(col(Campaign.id) == seeded.campaign.id)
            .values(
                majority_threshold=majority,
                supermajority_threshold=supermajority,
                strike_ready_threshold=strike_ready,
            )
        )
    page = soup(get_page(client, committee))
    lines = page.select("svg#bars svg.bar-area line.th")
    positions = {str(line["data-threshold"]): float(str(line["x1"])) for line in lines}
    assert positions == expected
    for line in lines:
        assert line["x1"] == line["x2"]
    # The labels above the bars sit at the same percentages of the width.
    labels = [str(t["x"]) for t in page.select("svg#bars text.th-label")]
    assert labels == [f"{value:g}%" for value in expected.values()]
    # The trend's lines: measured down from 100%.
    trend = page.select("svg#trend-chart svg.plot line.th")
    assert [float(str(line["y1"])) for line in trend] == [100 - v for v in expected.values()]
    # The key says what each line is, in words.
    key = text(page.select_one("#levels .chart-key"))
    assert f"majority: above {majority:g}%" in key
    assert f"supermajority: {supermajority:g}%" in key
    assert f"strike-ready: {strike_ready:g}%" in key


# -- the weakest units -------------------------------------------------------------------------


def test_weakest_units(client: TestClient, seeded: Seeded, committee: Member) -> None:
    page = soup(get_page(client, committee))

    def listed(section: str) -> list[str]:
        return [text(li) for li in page.select(f"#{section} li")]

    assert listed("weakest-support") == [
        "ER / Day 25.0% support of 4",
        "ICU / Day 62.5% support of 8",
        "ICU / Night 75.0% support of 4",
    ]
    assert listed("weakest-ratio") == [
        "ER / Day no organizer for 4",
        "ICU / Day 8.0 coworkers per organizer",
        "ICU / Night 4.0 coworkers per organizer",
    ]
    assert listed("weakest-assessed") == [
        "ER / Day 75.0% assessed of 4",
        "ICU / Night 75.0% assessed of 4",
        "ICU / Day 87.5% assessed of 8",
    ]
    first = page.select_one("#weakest-support li a")
    assert first is not None
    er, day = seeded.departments["ER"], seeded.shifts["Day"]
    assert first["href"] == f"/campaigns/{SLUG}/coworkers?department={er}&shift={day}"


# -- the trend ---------------------------------------------------------------------------------


def trend_rows(page: BeautifulSoup) -> list[list[str]]:
    return [
        [text(tr.th), *(text(td) for td in tr.select("td"))]
        for tr in page.select("#trend-table tbody tr")
    ]


def test_trend_table_has_twelve_weeks_from_the_history(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    page = soup(get_page(client, committee))
    rows = trend_rows(page)
    assert len(rows) == 12
    today = utcnow().date()
    assessed_on = today - dt.timedelta(days=ASSESSED_DAYS_AGO)
    for index, row in enumerate(rows):
        day = today - dt.timedelta(weeks=11 - index)
        assert row[0] == day.isoformat()
        if day >= assessed_on:
            assert row[1:] == ["9", "16", "56.3%"], row
        else:
            assert row[1:] == ["0", "16", "0.0%"], row
    chart = page.select_one("svg#trend-chart")
    assert chart is not None
    assert chart["role"] == "img"
    assert len(chart.select("circle.trend-point.campaign")) == 12
    assert len(chart.select("text.date")) == 12
    assert chart.select("path.trend-line.unit") == []
    # The last point is drawn at 100 − 56.25 in the plot's 0–100 frame.
    path = chart.select_one("path.trend-line.campaign")
    assert path is not None
    assert str(path["d"]).endswith(" 43.75")


def test_trend_for_a_chosen_unit(client: TestClient, seeded: Seeded, committee: Member) -> None:
    icu, night = seeded.departments["ICU"], seeded.shifts["Night"]
    page = soup(get_page(client, committee, f"?by=unit&department={icu}&shift={night}"))
    rows = trend_rows(page)
    assert len(rows) == 12
    assert rows[-1][1:] == ["9", "16", "56.3%", "3", "4", "75.0%"]
    assert rows[0][1:] == ["0", "16", "0.0%", "0", "4", "0.0%"]
    assert "ICU / Night" in text(page.select_one("#trend-table thead"))
    chart = page.select_one("svg#trend-chart")
    assert chart is not None
    assert len(chart.select("path.trend-line.unit")) == 1
    assert "ICU / Night" in text(page.select_one("#trend .chart-key"))
    # The chooser keeps the choice and passes the other settings through.
    form = page.select_one("form.trend-controls")
    assert form is not None
    assert form["method"] == "get"
    hidden = {str(i["name"]): i["value"] for i in form.select("input[type=hidden]")}
    assert hidden == {"by": "unit"}
    chosen_department = form.select_one("select[name=department] option[selected]")
    chosen_shift = form.select_one("select[name=shift] option[selected]")
    assert chosen_department is not None
    assert chosen_department["value"] == str(icu)
    assert chosen_shift is not None
    assert chosen_shift["value"] == str(night)
    # The other form carries the chosen unit along.
    controls = page.select_one("form.readiness-controls")
    assert controls is not None
    carried = {str(i["name"]): i["value"] for i in controls.select("input[type=hidden]")}
    assert carried == {"department": str(icu), "shift": str(night)}


# -- what the page is made of ------------------------------------------------------------------


def test_no_inline_styles_or_scripts(client: TestClient, seeded: Seeded, committee: Member) -> None:
    icu = seeded.departments["ICU"]
    response = get_page(client, committee, f"?by=unit&department={icu}")
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    page = soup(response)
    assert page.find_all(style=True) == []
    assert page.find_all("style") == []
    scripts = page.find_all("script")
    assert {str(script.get("src")) for script in scripts} == BASE_SCRIPTS
    assert all(not script.get_text(strip=True) for script in scripts)
    handlers = [
        (tag.name, name)
        for tag in page.find_all(True)
        for name in tag.attrs
        if name.startswith("on")
    ]
    assert handlers == []
    # Every chart is inline SVG with a text alternative and a table beside it.
    for chart_id, table_id in (("bars", "units-table"), ("trend-chart", "trend-table")):
        chart = page.select_one(f"svg#{chart_id}")
        assert chart is not None
        title_id = str(chart["aria-labelledby"])
        assert text(page.select_one(f"#{title_id}"))
        section = chart.find_parent("section")
        assert section is not None
        assert section.select_one(f"table#{table_id}") is not None
    assert page.find_all("img") == []


def test_every_form_control_has_a_visible_label(
    client: TestClient, seeded: Seeded, committee: Member
) -> None:
    page = soup(get_page(client, committee))
    main = page.select_one("main")
    assert main is not None
    for control in main.select("select, input:not([type=hidden])"):
        label = main.select_one(f'label[for="{control["id"]}"]')
        assert label is not None, control
        assert text(label), control


def test_page_stays_light_for_five_hundred_units(
    client: TestClient, factory: Factory, campaign: Campaign, committee: Member
) -> None:
    """50 departments × 10 shifts, two coworkers each: the default view stays under 150 KB."""
    rows = [
        {
            "department": f"Department {d:02d}",
            "shift": f"Shift {s:02d}",
            "name": f"Coworker {d}-{s}-{n}",
            "current_level": (d + s + n) % 6 or None,
            "is_committee": n == 0 and s % 3 == 0,
        }
        for d in range(50)
        for s in range(10)
        for n in range(2)
    ]
    factory.coworkers(campaign, *rows)
    response = get_page(client, committee)
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select("#wall tbody td")) == 50 * 11
    assert len(row_labels(page)) == 50
    assert len(response.content) < 150_000, len(response.content)
