"""The readiness page's charts: the bars' geometry, and the markup repeated for every unit.

The template lays out each chart and translates its words; what it repeats hundreds of times
(a wall chart cell, a bar segment) is written here, escaped as Jinja would. At 500 units, a
Jinja macro per bar segment cost more than all the rest of the page, and the values and lookups
of 630 cells and 750 segments in Jinja a third of it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from app.readiness.math import LEVELS, UnitCounts, shown

if TYPE_CHECKING:
    from app.readiness.service import WallCell


@dataclass(frozen=True)
class Segment:
    """One level's share of a unit's bar, in percent of the unit's headcount."""

    level: int | None  # None: the unassessed
    count: int
    x: str | None  # where it starts; None for the first (SVG's default, 0)
    width: str


def coordinate(value: float) -> str:
    """A coordinate to two decimals, without trailing zeros: 25, 33.33, 12.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_segments(counts: UnitCounts) -> list[Segment]:
    """Levels 1 to 5 from the left, then the unassessed; levels nobody is at are left out."""
    headcount = counts.headcount
    segments: list[Segment] = []
    before = 0
    for level in (*LEVELS, None):
        count = counts.levels.get(level, 0) if level is not None else counts.unassessed
        if not count:
            continue
        segments.append(
            Segment(
                level=level,
                count=count,
                x=coordinate(100 * before / headcount) if before else None,
                width=coordinate(100 * count / headcount),
            )
        )
        before += count
    return segments


@dataclass(frozen=True)
class ChartWords:
    """The translated words (and symbols) every cell and segment repeats, made once per page by
    the template."""

    of_n: str  # "of %(n)s"
    n_of_total: str  # "%(n)s of %(total)s"
    symbols: dict[str, str]  # status → its symbol
    statuses: dict[str, str]  # status → its word
    levels: dict[int | None, str]  # level → "1 Leader"; None → "Unassessed"


def wall_cells(cells: list[WallCell], words: ChartWords) -> Markup:
    """One row of the wall chart: per cell, support, headcount and status (symbol and word,
    so that colour is never the only signal), linking to the cell's coworker list (relative
    to the readiness page)."""
    html = []
    for unit, query, is_total in cells:
        if unit is None:
            html.append('<td class="empty">–</td>')
            continue
        readiness = unit.readiness
        status = readiness.status
        headcount = escape(words.of_n % {"n": readiness.counts.headcount})
        shown_status = f"{escape(words.symbols[status])} {escape(words.statuses[status])}"
        html.append(
            f'<td class="st-{status}{" total" if is_total else ""}">'
            f'<a href="coworkers{escape(query)}"><b>{shown(readiness.support_pct)}</b> '
            f"{headcount} <small>{shown_status}</small></a></td>"
        )
    # Safe: every text is escaped; the rest are numbers and statuses of our own.
    return Markup("".join(html))  # noqa: S704 (Markup.format would cost 7× as much per cell)


def bar_rects(segments: list[Segment], headcount: int, y: int, words: ChartWords) -> Markup:
    """One unit's bar: a rectangle per level, with its level and count as a tooltip."""
    html = []
    for segment in segments:
        x = f' x="{segment.x}"' if segment.x else ""
        label = escape(words.levels[segment.level])
        count = escape(words.n_of_total % {"n": segment.count, "total": headcount})
        html.append(
            f'<rect class="l{segment.level or "u"}"{x} y="{y}" width="{segment.width}" '
            f'height="14"><title>{label}: {count}</title></rect>'
        )
    # Safe: every text is escaped; the rest are numbers of our own.
    return Markup("".join(html))  # noqa: S704 (as in wall_cells)
