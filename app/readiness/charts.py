"""Geometry of the readiness page's bars, computed in Python.

The template only places what is computed here: at 500 units a Jinja macro per bar segment
cost more than all the rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.readiness.math import LEVELS, UnitCounts


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
