"""The readiness page's charts: the bars' geometry, and the markup repeated for every unit.

The template lays out each chart and translates its words; what it repeats hundreds of times
(a wall chart cell, a bar's segments, a table row) is written here, escaped as Jinja would. At
500 units, a Jinja macro per bar segment cost more than all the rest of the page, and the values
and lookups of 630 cells and 750 segments in Jinja a third of it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from app.readiness.math import LEVELS, display_pct

if TYPE_CHECKING:
    from app.readiness.service import Unit, WallCell


def coordinate(value: float) -> str:
    """A coordinate to two decimals, without trailing zeros: 25, 33.33, 12.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ChartWords:
    """The translated words (and symbols) every cell and segment repeats, made once per page by
    the template, and escaped once: the numbers filled in per cell need no escaping."""

    of_n: str  # "of %(n)s"
    n_of_total: str  # "%(n)s of %(total)s"
    symbols: dict[str, str]  # status → its symbol
    statuses: dict[str, str]  # status → its word
    levels: dict[int | None, str]  # level → "1 Leader"; None → "Unassessed"
    all_departments: str  # the heading of the wall chart's row of totals

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
    def all_departments_html(self) -> str:
        return str(escape(self.all_departments))

    @cached_property
    def levels_html(self) -> dict[int | None, str]:
        return {level: str(escape(label)) for level, label in self.levels.items()}


# The functions below build their markup from the escaped words above, numbers of our own and
# escaped names: safe, and Markup.format would cost 7× as much per cell.


def coworkers_href(unit: Unit) -> str:
    """The unit's coworker list, relative to the readiness page, as an attribute value (its
    ids are numbers: nothing to escape)."""
    department, shift = unit.department_id, unit.shift_id
    if department is None:
        return "coworkers" if shift is None else f"coworkers?shift={shift}"
    return f"coworkers?department={department}" + ("" if shift is None else f"&amp;shift={shift}")


def wall_rows(rows: list[tuple[Unit | None, list[WallCell]]], words: ChartWords) -> Markup:
    """Rows of the wall chart (`WallChart.grid`), each headed by its department (None: the
    totals). Per cell: support, headcount and status (symbol and word, so that colour is never
    the only signal), linking to the cell's coworker list."""
    html = []
    for department, cells in rows:
        heading = words.all_departments_html if department is None else escape(department.name)
        html.append(f'<tr><th scope="row">{heading}</th>')
        for unit, is_total in cells:
            if unit is None:
                html.append('<td class="empty">–</td>')
                continue
            status = unit.readiness.status
            counts = unit.readiness.counts
            support = display_pct(counts.supporters, counts.headcount)
            headcount = words.of_n_html % {"n": counts.headcount}
            html.append(
                f'<td class="st-{status}{" total" if is_total else ""}">'
                f'<a href="{coworkers_href(unit)}"><b>{support}</b> '
                f"{headcount} <small>{words.statuses_html[status]}</small></a></td>"
            )
        html.append("</tr>\n")
    return Markup("".join(html))  # noqa: S704 (see above)


def bar_rows(units: list[Unit], top: int, row: int, words: ChartWords) -> Markup:
    """A bar per unit, `row` pixels apart from `top`: levels 1 to 5 from the left, then the
    unassessed, a rectangle each in percent of the unit's headcount (levels nobody is at are
    left out), with its level and count as a tooltip."""
    html = []
    for index, unit in enumerate(units):
        y = top + index * row + 17
        counts = unit.readiness.counts
        headcount = counts.headcount
        before = 0
        for level, count in zip(
            (*LEVELS, None), (*counts.per_level, counts.unassessed), strict=True
        ):
            if not count:
                continue
            x = f' x="{coordinate(100 * before / headcount)}"' if before else ""
            width = coordinate(100 * count / headcount)
            tooltip = words.n_of_total_html % {"n": count, "total": headcount}
            html.append(
                f'<rect class="l{level or "u"}"{x} y="{y}" width="{width}" height="14">'
                f"<title>{words.levels_html[level]}: {tooltip}</title></rect>"
            )
            before += count
        html.append("\n")
    return Markup("".join(html))  # noqa: S704 (see above)


def bar_labels(units: list[Unit], top: int, row: int, words: ChartWords) -> Markup:
    """Each bar's label line above it: the unit's name, support and headcount."""
    html = []
    for index, unit in enumerate(units):
        counts = unit.readiness.counts
        support = display_pct(counts.supporters, counts.headcount)
        headcount = words.of_n_html % {"n": counts.headcount}
        html.append(
            f'<text y="{top + index * row + 13}">{escape(unit.name)} · {support} {headcount}'
            "</text>\n"
        )
    return Markup("".join(html))  # noqa: S704 (see above)


def units_rows(units: list[Unit]) -> Markup:
    """The bars' table equivalent, a row per unit: its name, the count at each level, the
    unassessed, the headcount and the support."""
    html = []
    for unit in units:
        counts = unit.readiness.counts
        levels = "".join(f"<td>{count}</td>" for count in counts.per_level)
        support = display_pct(counts.supporters, counts.headcount)
        html.append(
            f'<tr><th scope="row">{escape(unit.name)}</th>{levels}<td>{counts.unassessed}</td>'
            f"<td>{counts.headcount}</td><td>{support}</td></tr>"
        )
    return Markup("\n".join(html))  # noqa: S704 (see above)
