"""The readiness page's charts: the bars' geometry, and the markup repeated for every unit.

The template lays out each chart and translates its words; what it repeats hundreds of times
(a wall chart cell, a bar segment) is written here, escaped as Jinja would. At 500 units, a
Jinja macro per bar segment cost more than all the rest of the page, and the values and lookups
of 630 cells and 750 segments in Jinja a third of it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from app.readiness.math import LEVELS, UnitCounts, shown

if TYPE_CHECKING:
    from app.readiness.service import Unit, WallCell


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
    the template, and escaped once: the numbers filled in per cell need no escaping."""

    of_n: str  # "of %(n)s"
    n_of_total: str  # "%(n)s of %(total)s"
    symbols: dict[str, str]  # status → its symbol
    statuses: dict[str, str]  # status → its word
    levels: dict[int | None, str]  # level → "1 Leader"; None → "Unassessed"

    @cached_property
    def of_n_html(self) -> str:
        return str(escape(self.of_n))

    @cached_property
    def n_of_total_html(self) -> str:
        return str(escape(self.n_of_total))

    @cached_property
    def statuses_html(self) -> dict[str, str]:
        """Status → its symbol and word."""
        return {
            status: f"{escape(symbol)} {escape(self.statuses[status])}"
            for status, symbol in self.symbols.items()
        }

    @cached_property
    def levels_html(self) -> dict[int | None, str]:
        return {level: str(escape(label)) for level, label in self.levels.items()}


# The functions below build their markup from the escaped words above, numbers of our own and
# escaped names: safe, and Markup.format would cost 7× as much per cell.


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
        headcount = words.of_n_html % {"n": readiness.counts.headcount}
        html.append(
            f'<td class="st-{status}{" total" if is_total else ""}">'
            f'<a href="coworkers{escape(query)}"><b>{shown(readiness.support_pct)}</b> '
            f"{headcount} <small>{words.statuses_html[status]}</small></a></td>"
        )
    return Markup("".join(html))  # noqa: S704 (see above)


def bar_rects(segments: list[Segment], headcount: int, y: int, words: ChartWords) -> Markup:
    """One unit's bar: a rectangle per level, with its level and count as a tooltip."""
    html = []
    for segment in segments:
        x = f' x="{segment.x}"' if segment.x else ""
        count = words.n_of_total_html % {"n": segment.count, "total": headcount}
        html.append(
            f'<rect class="l{segment.level or "u"}"{x} y="{y}" width="{segment.width}" '
            f'height="14"><title>{words.levels_html[segment.level]}: {count}</title></rect>'
        )
    return Markup("".join(html))  # noqa: S704 (see above)


def units_rows(units: list[Unit]) -> Markup:
    """The bars' table equivalent, a row per unit: its name, the count at each level, the
    unassessed, the headcount and the support."""
    html = []
    for unit in units:
        counts = unit.readiness.counts
        levels = "".join(f"<td>{count}</td>" for count in counts.per_level)
        html.append(
            f'<tr><th scope="row">{escape(unit.name)}</th>{levels}<td>{counts.unassessed}</td>'
            f"<td>{counts.headcount}</td><td>{shown(unit.readiness.support_pct)}</td></tr>"
        )
    return Markup("\n".join(html))  # noqa: S704 (see above)
