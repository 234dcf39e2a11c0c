"""The pure readiness math: exact percentages, rounding half up, undefined when empty."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.readiness.math import display_pct, ratio_pct, round_half_up, rounded, shown


def test_percentages_are_exact() -> None:
    assert ratio_pct(1, 3) == Fraction(100, 3)
    assert ratio_pct(7, 10) == 70
    assert ratio_pct(0, 5) == 0


def test_a_percentage_of_nobody_is_undefined() -> None:
    assert ratio_pct(0, 0) is None
    assert display_pct(0, 0) == "–"


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (1, 8, "12.5%"),  # exactly representable
        (49, 400, "12.3%"),  # 12.25 rounds half up, not to even (12.2)
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (1, 2000, "0.1%"),  # 0.05 rounds up
        (1, 2001, "0.0%"),
        (3, 3, "100.0%"),
    ],
)
def test_display_rounds_half_up_to_one_decimal(part: int, whole: int, shown: str) -> None:
    assert display_pct(part, whole) == shown


def test_rounding_works_on_exact_values_not_floats() -> None:
    # 1.005 is 1.00499999… as a float; exactly it is a half, which rounds up.
    assert round_half_up(Fraction(1005, 1000), places=2) == Decimal("1.01")


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_shares_stay_between_0_and_100(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    pct = ratio_pct(part, whole)
    assert pct is not None
    assert 0 <= pct <= 100
    assert Decimal(0) <= round_half_up(pct) <= Decimal(100)


@given(
    st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**6),
    st.integers(min_value=0, max_value=4),
)
def test_rounding_half_up_agrees_with_decimal_arithmetic(value: Fraction, places: int) -> None:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    rounded = round_half_up(value, places)
    assert rounded == expected
    assert str(rounded) == str(expected)  # "12.0", "0.0", "-3.3": the same digits shown


@given(st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**6))
def test_what_people_see_is_the_rounded_value(value: Fraction) -> None:
    """The page writes its figures from integers: the same digits as `round_half_up`."""
    assert shown(value) == f"{round_half_up(value)}%"
    assert shown(value, "") == str(round_half_up(value))
    assert rounded(value) == float(round_half_up(value))  # what scripts read in the JSON


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_a_share_is_shown_as_its_rounded_percentage(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    pct = ratio_pct(part, whole)
    assert pct is not None
    assert display_pct(part, whole) == f"{round_half_up(pct)}%"
