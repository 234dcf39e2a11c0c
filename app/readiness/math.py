"""Pure readiness math over counts. No database, no I/O: unit- and property-tested on its own.

The definitions are the domain reference's ("Strike readiness per unit"), named exactly so.
Values are exact fractions; rounding to one decimal, half up, is for display and JSON only, and
every status decision compares the exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

LEVELS = (1, 2, 3, 4, 5)
SUPPORT_LEVELS = (1, 2)
STATUSES = ("building", "majority", "supermajority", "strike-ready")


def ratio_pct(part: int, whole: int) -> Fraction | None:
    """The exact percentage part/whole × 100, or None when whole is zero (undefined)."""
    if whole <= 0:
        return None
    return Fraction(100 * part, whole)


def _half_up(numerator: int, denominator: int, places: int) -> int:
    """|numerator / denominator| × 10^places rounded half up (denominator > 0), in integers:
    floor(x + ½)."""
    return (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round an exact value for display, half up (12.25 → 12.3, -12.25 → -12.3), never on
    binary floats. In integers: a page rounds a thousand values, and decimal division and
    quantize cost five times as much."""
    units = _half_up(value.numerator, value.denominator, places)
    return Decimal((value < 0, tuple(map(int, str(units))), -places))


def _one_decimal(numerator: int, denominator: int, unit: str) -> str:
    """The digits of `round_half_up(numerator / denominator)`, written straight from the
    integer: a wall chart shows hundreds, and a Decimal for each cost half of a cell's time."""
    tenths = _half_up(numerator, denominator, 1)
    return f"{'-' if numerator < 0 else ''}{tenths // 10}.{tenths % 10}{unit}"


def shown(value: Fraction | None, unit: str = "%") -> str:
    """An exact value for people, one decimal half up: "12.5%" ("12.5" with unit=""), or "–"
    when undefined."""
    return "–" if value is None else _one_decimal(value.numerator, value.denominator, unit)


def display_pct(part: int, whole: int) -> str:
    """A share for people: "12.5%", or "–" when undefined (no whole)."""
    return "–" if whole <= 0 else _one_decimal(100 * part, whole, "%")


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


@dataclass(frozen=True, slots=True)
class UnitCounts:
    """What SQL counted for one unit: the only input the math needs. The totals are worked out
    once, when the counts are made: a page reads them for hundreds of units."""

    per_level: tuple[int, ...] = (0,) * len(LEVELS)  # how many at each level, 1 to 5
    unassessed: int = 0
    organizers: int = 0  # committee members in the unit
    took_part: int | None = None  # in the latest structure test; None when there is none
    assessed: int = field(init=False)
    headcount: int = field(init=False)
    supporters: int = field(init=False)

    def __post_init__(self) -> None:
        assessed = sum(self.per_level)
        object.__setattr__(self, "assessed", assessed)
        object.__setattr__(self, "headcount", assessed + self.unassessed)
        supporters = sum(self.per_level[level - 1] for level in SUPPORT_LEVELS)
        object.__setattr__(self, "supporters", supporters)

    @property
    def levels(self) -> dict[int, int]:
        """Level → how many."""
        return dict(zip(LEVELS, self.per_level, strict=True))

    def __add__(self, other: UnitCounts) -> UnitCounts:
        return sum_counts([self, other])


def sum_counts(parts: Sequence[UnitCounts]) -> UnitCounts:
    """Several units' counts as one unit's, added up column by column in one pass (a campaign
    total adds up hundreds)."""
    if len(parts) <= 1:
        return parts[0] if parts else UnitCounts()
    took_part = [part.took_part for part in parts if part.took_part is not None]
    return UnitCounts(
        per_level=tuple(map(sum, zip(*(part.per_level for part in parts), strict=True))),
        unassessed=sum(part.unassessed for part in parts),
        organizers=sum(part.organizers for part in parts),
        took_part=sum(took_part) if took_part else None,
    )


class Readiness:
    """A unit's readiness: its status, worked out at once (a wall chart of 500 units shows it
    for each), and its exact values, worked out when read."""

    __slots__ = ("counts", "status", "thresholds")
    counts: UnitCounts
    thresholds: Thresholds
    status: str

    def __init__(self, counts: UnitCounts, thresholds: Thresholds) -> None:
        self.counts = counts
        self.thresholds = thresholds
        self.status = status(counts, thresholds)

    @property
    def support_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.supporters, self.counts.headcount)

    @property
    def assessed_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.assessed, self.counts.headcount)

    @property
    def support_of_assessed_pct(self) -> Fraction | None:
        return ratio_pct(self.counts.supporters, self.counts.assessed)

    @property
    def coworkers_per_organizer(self) -> Fraction | None:
        counts = self.counts
        if not counts.organizers or not counts.headcount:
            return None
        return Fraction(counts.headcount, counts.organizers)

    @property
    def participation_pct(self) -> Fraction | None:
        if self.counts.took_part is None:
            return None
        return ratio_pct(self.counts.took_part, self.counts.headcount)


def readiness(counts: UnitCounts, thresholds: Thresholds) -> Readiness:
    return Readiness(counts=counts, thresholds=thresholds)


def _compare_share(part: int, whole: int, threshold: float) -> int:
    """The sign of (100 × part / whole − threshold), whole > 0: exact, in integers (the
    threshold as typed, see `exact`)."""
    limit = exact(threshold)
    difference = 100 * part * limit.denominator - limit.numerator * whole
    return (difference > 0) - (difference < 0)


def _per_organizer_at_most(headcount: int, organizers: int, thresholds: Thresholds) -> bool:
    """headcount / organizers ≤ the threshold (organizers > 0), exact, in integers."""
    limit = exact(thresholds.coworkers_per_organizer)
    return headcount * limit.denominator <= limit.numerator * organizers


def status(counts: UnitCounts, thresholds: Thresholds) -> str:
    """The domain's status rules, on exact values: support and participation as shares of the
    headcount, and coworkers per organizer. Assessments alone never make a unit strike-ready:
    its structure must have been tested (participation) and staffed (ratio)."""
    headcount = counts.headcount
    if not headcount:
        return "building"  # support is undefined
    support = counts.supporters
    if (
        _compare_share(support, headcount, thresholds.strike_ready) >= 0
        and counts.took_part is not None
        and _compare_share(counts.took_part, headcount, thresholds.strike_ready) >= 0
        and counts.organizers
        and _per_organizer_at_most(headcount, counts.organizers, thresholds)
    ):
        return "strike-ready"
    if _compare_share(support, headcount, thresholds.supermajority) >= 0:
        return "supermajority"
    if _compare_share(support, headcount, thresholds.majority) > 0:
        return "majority"
    return "building"


def json_number(value: float | Fraction | Decimal | None) -> float | int | None:
    """A number for JSON: integral values as integers (50, not 50.0)."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def rounded(value: Fraction | None) -> float | None:
    """One decimal, half up, as a JSON number; None stays None (undefined). The tenths over
    ten: Python divides integers to the nearest float, as float() reads the decimal."""
    if value is None:
        return None
    tenths = _half_up(value.numerator, value.denominator, 1)
    return (-tenths if value < 0 else tenths) / 10


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
            **{str(level): count for level, count in zip(LEVELS, counts.per_level, strict=True)},
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
