"""Pure readiness math over counts. No database, no I/O: unit- and property-tested on its own."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def ratio_pct(part: int, whole: int) -> Fraction | None:
    """The exact percentage part/whole × 100, or None when whole is zero (undefined)."""
    if whole <= 0:
        return None
    return Fraction(100 * part, whole)


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round an exact value for display, half up (12.25 → 12.3), never on binary floats."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display_pct(part: int, whole: int) -> str:
    """A share for people: "12.5%", or "–" when undefined."""
    pct = ratio_pct(part, whole)
    return "–" if pct is None else f"{round_half_up(pct)}%"
