"""The readiness rules by hand: every status rule, rounding half up, every undefined case,
and the invariants as properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.readiness.math import (
    Thresholds,
    UnitCounts,
    as_json,
    check_thresholds,
    readiness,
    rounded,
)

DEFAULTS = Thresholds()


def unit(
    l1: int = 0, l2: int = 0, l3: int = 0, l4: int = 0, l5: int = 0, unassessed: int = 0,
    organizers: int = 0, took_part: int | None = None,
) -> UnitCounts:  # fmt: skip
    return UnitCounts(
        per_level=(l1, l2, l3, l4, l5),
        unassessed=unassessed,
        organizers=organizers,
        took_part=took_part,
    )


def test_the_issue_example_unit() -> None:
    """ICU: 40 people, 4 + 20 supporters, 7 unassessed, 4 organizers, no test yet."""
    icu = as_json("ICU", "ICU", None, readiness(unit(4, 20, 6, 2, 1, 7, organizers=4), DEFAULTS))
    assert icu == {
        "name": "ICU", "department": "ICU", "shift": None, "headcount": 40,
        "levels": {"1": 4, "2": 20, "3": 6, "4": 2, "5": 1, "unassessed": 7},
        "assessed_pct": 82.5, "support_pct": 60.0, "support_of_assessed_pct": 72.7,
        "organizers": 4, "coworkers_per_organizer": 10.0, "participation_pct": None,
        "status": "majority",
    }  # fmt: skip


def test_support_counts_unassessed_coworkers_as_not_supporting() -> None:
    """Dividing by the assessed only would overstate readiness (domain reference)."""
    result = readiness(unit(l2=6, unassessed=4), DEFAULTS)
    assert result.support_pct == 60
    assert result.support_of_assessed_pct == 100
    assert result.status == "majority"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # majority is strictly above 50: exactly half is still building
        (unit(l2=5, l3=5), "building"),
        (unit(l2=51, l3=49), "majority"),
        # supermajority is at or above 70
        (unit(l2=69, l3=31), "majority"),
        (unit(l2=7, l3=3), "supermajority"),
        # strike-ready needs support ≥ 80, participation ≥ 80 and ≤ 10 per organizer
        (unit(l1=8, l2=0, l3=2, organizers=1, took_part=8), "strike-ready"),
        (unit(l1=8, l3=2, organizers=1, took_part=7), "supermajority"),  # test too small
        (unit(l1=8, l3=2, organizers=1), "supermajority"),  # never tested
        (unit(l1=8, l3=2, took_part=10), "supermajority"),  # no organizer
        (unit(l1=16, l3=5, organizers=2, took_part=21), "supermajority"),  # 10.5 per organizer
        (unit(l1=16, l3=4, organizers=2, took_part=20), "strike-ready"),  # exactly 10
        (unit(l1=79, l3=21, organizers=10, took_part=100), "supermajority"),  # support 79
        (unit(), "building"),  # nobody: undefined support
        (unit(unassessed=10), "building"),
    ],
)
def test_every_status_rule(counts: UnitCounts, expected: str) -> None:
    assert readiness(counts, DEFAULTS).status == expected


def test_status_compares_exact_values_not_rounded_ones() -> None:
    """2/3 of 100 is 66.67, shown as 66.7 — but it is below a 66.7 threshold."""
    thresholds = Thresholds(majority=50, supermajority=66.7, strike_ready=80)
    result = readiness(unit(l2=2, l3=1), thresholds)
    assert rounded(result.support_pct) == 66.7
    assert result.status == "majority"
    assert readiness(unit(l2=667, l3=333), thresholds).status == "supermajority"


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (Fraction(1225, 100), 12.3),  # half up, not half to even (12.2)
        (Fraction(1235, 100), 12.4),
        (Fraction(100, 3), 33.3),
        (Fraction(200, 3), 66.7),
        (Fraction(5, 100), 0.1),
        (Fraction(4, 100), 0.0),
    ],
)
def test_rounding_is_half_up_to_one_decimal(fraction: Fraction, shown: float) -> None:
    assert rounded(fraction) == shown


def test_undefined_values_are_null() -> None:
    nobody = as_json("Empty", None, None, readiness(unit(), DEFAULTS))
    for key in ("assessed_pct", "support_pct", "support_of_assessed_pct",
                "coworkers_per_organizer", "participation_pct"):  # fmt: skip
        assert nobody[key] is None, key
    unassessed = as_json("U", None, None, readiness(unit(unassessed=3, organizers=1), DEFAULTS))
    assert unassessed["support_pct"] == 0.0
    assert unassessed["support_of_assessed_pct"] is None  # nobody assessed
    assert unassessed["coworkers_per_organizer"] == 3.0
    assert unassessed["participation_pct"] is None  # no structure test


def test_participation_is_zero_not_null_once_there_is_a_test() -> None:
    assert (
        as_json("U", None, None, readiness(unit(l2=3, took_part=0), DEFAULTS))["participation_pct"]
        == 0.0
    )


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [
        (Thresholds(majority=-1), "majority"),
        (Thresholds(strike_ready=101), "strike_ready"),
        (Thresholds(majority=70, supermajority=70), "supermajority"),
        (Thresholds(supermajority=85, strike_ready=80), "strike_ready"),
        (Thresholds(coworkers_per_organizer=0.5), "coworkers_per_organizer"),
    ],
)
def test_bad_thresholds_are_named(thresholds: Thresholds, field: str) -> None:
    assert field in check_thresholds(thresholds)


def test_sensible_thresholds_pass() -> None:
    assert check_thresholds(DEFAULTS) == {}
    assert check_thresholds(Thresholds(majority=50, supermajority=75, strike_ready=75)) == {}


counts_strategy = st.builds(
    unit,
    st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60),
    st.integers(0, 60), st.integers(0, 60), st.integers(0, 10),
    st.one_of(st.none(), st.integers(0, 400)),
)  # fmt: skip


@given(counts_strategy)
def test_invariants(counts: UnitCounts) -> None:
    if counts.took_part is not None and counts.took_part > counts.headcount:
        counts = UnitCounts(
            counts.per_level, counts.unassessed, counts.organizers, took_part=counts.headcount
        )
    result = readiness(counts, DEFAULTS)
    shown = as_json("U", None, None, result)
    levels = shown["levels"]
    assert sum(levels.values()) == shown["headcount"]
    for key in ("assessed_pct", "support_pct", "support_of_assessed_pct", "participation_pct"):
        assert shown[key] is None or 0 <= shown[key] <= 100, key
    if result.support_pct is not None and result.support_of_assessed_pct is not None:
        assert result.support_pct <= result.support_of_assessed_pct
    assert shown["status"] in ("building", "majority", "supermajority", "strike-ready")


RANK = {"building": 0, "majority": 1, "supermajority": 2, "strike-ready": 3}


@given(
    st.integers(1, 200),
    st.data(),
    st.integers(0, 30),
)
def test_status_never_goes_down_when_support_goes_up(
    headcount: int, data: st.DataObject, organizers: int
) -> None:
    lower = data.draw(st.integers(0, headcount))
    higher = data.draw(st.integers(lower, headcount))
    took_part = data.draw(st.one_of(st.none(), st.integers(0, headcount)))

    def with_support(supporters: int) -> UnitCounts:
        return unit(l2=supporters, l4=headcount - supporters, organizers=organizers,
                    took_part=took_part)  # fmt: skip

    before = readiness(with_support(lower), DEFAULTS).status
    after = readiness(with_support(higher), DEFAULTS).status
    assert RANK[after] >= RANK[before]


def reference_status(counts: UnitCounts, thresholds: Thresholds) -> str:
    """The domain reference's rules word for word, on Fractions: what the status must equal."""

    def typed(value: float) -> Fraction:
        return Fraction(Decimal(str(value)))

    if counts.headcount == 0:
        return "building"
    support = Fraction(100 * counts.supporters, counts.headcount)
    if (
        support >= typed(thresholds.strike_ready)
        and counts.took_part is not None
        and Fraction(100 * counts.took_part, counts.headcount) >= typed(thresholds.strike_ready)
        and counts.organizers > 0
        and Fraction(counts.headcount, counts.organizers)
        <= typed(thresholds.coworkers_per_organizer)
    ):
        return "strike-ready"
    if support >= typed(thresholds.supermajority):
        return "supermajority"
    if support > typed(thresholds.majority):
        return "majority"
    return "building"


tenths = st.integers(0, 1000).map(lambda n: n / 10)  # 0.0 … 100.0, as an admin types them


@given(counts_strategy, st.lists(tenths, min_size=3, max_size=3, unique=True), st.integers(10, 300))
def test_status_is_the_rules_on_exact_values(
    counts: UnitCounts, percents: list[float], ratio_tenths: int
) -> None:
    """Integer comparisons give exactly the rules' answer, at every threshold an admin can
    type (66.7 is not 2/3; 33.3 is not 1/3)."""
    if counts.took_part is not None and counts.took_part > counts.headcount:
        counts = UnitCounts(
            counts.per_level, counts.unassessed, counts.organizers, took_part=counts.headcount
        )
    majority, supermajority, strike_ready = sorted(percents)
    thresholds = Thresholds(majority, supermajority, strike_ready, ratio_tenths / 10)
    assert readiness(counts, thresholds).status == reference_status(counts, thresholds)


@given(counts_strategy, counts_strategy)
def test_units_add_up(first: UnitCounts, second: UnitCounts) -> None:
    both = first + second
    assert both.headcount == first.headcount + second.headcount
    assert both.supporters == first.supporters + second.supporters
    assert both.organizers == first.organizers + second.organizers
