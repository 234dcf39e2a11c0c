"""Pure readiness math over counts. No database, no I/O: unit- and property-tested on its own.

The definitions are the domain reference's ("Strike readiness per unit"), named exactly so.
Values are exact fractions; rounding to one decimal, half up, is for display and JSON only, and
every status decision compares the exact values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache, cached_property
from typing import Any

LEVELS = (1, 2, 3, 4, 5)
SUPPORT_LEVELS = (1, 2)
STATUSES = ("building", "majority", "supermajority", "strike-ready")


def ratio_pct(part: int, whole: int) -> Fraction | None:
    """The exact percentage part/whole × 100, or None when whole is zero (undefined)."""
    if whole <= 0:
        return None
    return Fraction(100 * part, whole)


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round an exact value for display, half up (12.25 → 12.3, -12.25 → -12.3), never on
    binary floats. In integers: a page rounds a thousand values, and decimal division and
    quantize cost five times as much."""
    twice_scaled = 2 * abs(value.numerator) * 10**places
    units = (twice_scaled + value.denominator) // (2 * value.denominator)  # floor(x + ½)
    return Decimal((value < 0, tuple(map(int, str(units))), -places))


def shown(value: Fraction | None, unit: str = "%") -> str:
    """An exact value for people, one decimal half up: "12.5%" ("12.5" with unit=""), or "–"
    when undefined."""
    return "–" if value is None else f"{round_half_up(value)}{unit}"


def display_pct(part: int, whole: int) -> str:
    """A share for people: "12.5%", or "–" when undefined."""
    return shown(ratio_pct(part, whole))


@cache  # a page compares each of hundreds of units with the same few thresholds
def exact(threshold: float) -> Fraction:
    """A threshold as typed (70, 66.7) as an exact value, not the float's binary expansion."""
    return Fraction(Decimal(str(threshold)))


@dataclass(frozen=True)
class Thresholds:
    majority: float = 50
    supermajority: float = 70
    strike_ready: float = 80
    coworkers_per_organizer: float = 10

    def as_json(self) -> dict[str, float | int | None]:
        return {
            "majority": json_number(self.majority),
            "supermajority": json_number(self.supermajority),
            "strike_ready": json_number(self.strike_ready),
            "coworkers_per_organizer": json_number(self.coworkers_per_organizer),
        }


def check_thresholds(thresholds: Thresholds) -> dict[str, str]:
    """Field → problem; empty when the thresholds make sense together."""
    problems: dict[str, str] = {}
    for name in ("majority", "supermajority", "strike_ready"):
        value = getattr(thresholds, name)
        if not 0 <= value <= 100:
            problems[name] = "must be between 0 and 100"
    if not problems.keys() & {"majority", "supermajority"} and not (
        thresholds.majority < thresholds.supermajority
    ):
        problems["supermajority"] = "must be above the majority threshold"
    if not problems.keys() & {"supermajority", "strike_ready"} and not (
        thresholds.supermajority <= thresholds.strike_ready
    ):
        problems["strike_ready"] = "must be at least the supermajority threshold"
    if not thresholds.coworkers_per_organizer >= 1:
        problems["coworkers_per_organizer"] = "must be at least 1"
    return problems


@dataclass(frozen=True)
class UnitCounts:
    """What SQL counted for one unit: the only input the math needs."""

    levels: dict[int, int] = field(default_factory=dict)  # level → active coworkers
    unassessed: int = 0
    organizers: int = 0  # committee members in the unit
    took_part: int | None = None  # in the latest structure test; None when there is none

    # Cached: the counts never change (frozen), and a page reads them for hundreds of units.
    @cached_property
    def headcount(self) -> int:
        return self.unassessed + sum(self.levels.values())

    @cached_property
    def assessed(self) -> int:
        return sum(self.levels.values())

    @cached_property
    def supporters(self) -> int:
        return sum(self.levels.get(level, 0) for level in SUPPORT_LEVELS)

    @cached_property
    def per_level(self) -> tuple[int, ...]:
        """How many at each level, 1 to 5."""
        return tuple(self.levels.get(level, 0) for level in LEVELS)

    def __add__(self, other: UnitCounts) -> UnitCounts:
        took_part = None
        if self.took_part is not None or other.took_part is not None:
            took_part = (self.took_part or 0) + (other.took_part or 0)
        return UnitCounts(
            levels={lvl: self.levels.get(lvl, 0) + other.levels.get(lvl, 0) for lvl in LEVELS},
            unassessed=self.unassessed + other.unassessed,
            organizers=self.organizers + other.organizers,
            took_part=took_part,
        )


def sum_counts(parts: Sequence[UnitCounts]) -> UnitCounts:
    """Several units' counts as one unit's, added up in one pass (a campaign total adds up
    hundreds: pairwise, each step would build a new UnitCounts)."""
    if len(parts) == 1:
        return parts[0]
    took_part = [part.took_part for part in parts if part.took_part is not None]
    levels: Counter[int] = Counter()
    for part in parts:
        levels.update(part.levels)
    return UnitCounts(
        levels={level: levels[level] for level in LEVELS},
        unassessed=sum(part.unassessed for part in parts),
        organizers=sum(part.organizers for part in parts),
        took_part=sum(took_part) if took_part else None,
    )


@dataclass(frozen=True)
class Readiness:
    """A unit's readiness: exact values, and the status they give. Each value is worked out
    when first read: a wall chart of 500 units reads little more than support and status."""

    counts: UnitCounts
    thresholds: Thresholds

    @cached_property
    def assessed_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.assessed, self.counts.headcount)

    @cached_property
    def support_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.supporters, self.counts.headcount)

    @cached_property
    def support_of_assessed_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.supporters, self.counts.assessed)

    @cached_property
    def coworkers_per_organizer(self) -> Fraction | None:
        counts = self.counts
        if not counts.organizers or not counts.headcount:
            return None
        return Fraction(counts.headcount, counts.organizers)

    @cached_property
    def participation_pct(self) -> Fraction | None:
        if self.counts.took_part is None:
            return None
        return ratio_pct(self.counts.took_part, self.counts.headcount)

    @cached_property
    def status(self) -> str:
        support = self.support_pct
        if support is None or support < exact(self.thresholds.strike_ready):
            # Structure cannot make it strike-ready: no need to work those values out.
            return status(support, None, None, self.thresholds)
        return status(
            support, self.participation_pct, self.coworkers_per_organizer, self.thresholds
        )


def readiness(counts: UnitCounts, thresholds: Thresholds) -> Readiness:
    return Readiness(counts=counts, thresholds=thresholds)


def status(
    support: Fraction | None,
    participation: Fraction | None,
    coworkers_per_organizer: Fraction | None,
    thresholds: Thresholds,
) -> str:
    """The domain's status rules, on exact values. Assessments alone never make a unit
    strike-ready: its structure must have been tested (participation) and staffed (ratio)."""
    if support is None:
        return "building"
    if (
        support >= exact(thresholds.strike_ready)
        and participation is not None
        and participation >= exact(thresholds.strike_ready)
        and coworkers_per_organizer is not None
        and coworkers_per_organizer <= exact(thresholds.coworkers_per_organizer)
    ):
        return "strike-ready"
    if support >= exact(thresholds.supermajority):
        return "supermajority"
    if support > exact(thresholds.majority):
        return "majority"
    return "building"


def json_number(value: float | Fraction | Decimal | None) -> float | int | None:
    """A number for JSON: integral values as integers (50, not 50.0)."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def rounded(value: Fraction | None) -> float | None:
    """One decimal, half up, as a JSON number; None stays None (undefined)."""
    return None if value is None else float(round_half_up(value))


def as_json(
    name: str, department: str | None, shift: str | None, unit: Readiness
) -> dict[str, Any]:
    """One unit in the shape scripts depend on (the issue's JSON contract)."""
    counts = unit.counts
    return {
        "name": name,
        "department": department,
        "shift": shift,
        "headcount": counts.headcount,
        "levels": {
            **{str(level): counts.levels.get(level, 0) for level in LEVELS},
            "unassessed": counts.unassessed,
        },
        "assessed_pct": rounded(unit.assessed_pct),
        "support_pct": rounded(unit.support_pct),
        "support_of_assessed_pct": rounded(unit.support_of_assessed_pct),
        "organizers": counts.organizers,
        "coworkers_per_organizer": rounded(unit.coworkers_per_organizer),
        "participation_pct": rounded(unit.participation_pct),
        "status": unit.status,
    }
