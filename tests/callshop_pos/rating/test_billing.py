"""Billing arithmetic: billable seconds, duration rounding, retail price, wholesale cost."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callshop_pos.rating import (
    Tariff,
    billable_seconds,
    retail_price_minor,
    round_duration,
    wholesale_micro,
)

# The shared 2-core machine can be slow: no per-example deadline (a slow example is
# not a wrong one); generation speed is not what these tests check.
_RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@pytest.mark.parametrize(
    ("d", "grace", "initial", "increment", "expected"),
    [
        (0, 0, 60, 60, 0),
        (1, 0, 60, 60, 60),
        (60, 0, 60, 60, 60),
        (61, 0, 60, 60, 120),
        (100, 0, 90, 60, 150),  # increments count from the end of the initial block
        (90, 0, 90, 60, 90),
        (91, 0, 90, 60, 150),
        (151, 0, 90, 60, 210),
        (1, 0, 1, 1, 1),
        (61, 0, 1, 1, 61),
        (7, 0, 30, 6, 30),
        (31, 0, 30, 6, 36),
        (37, 0, 30, 6, 42),
        (4, 5, 60, 60, 0),  # under grace: free
        (5, 5, 60, 60, 60),  # at grace: billed in full
        (0, 5, 60, 60, 0),
        (20, 30, 10, 10, 0),
        (30, 30, 10, 10, 30),
    ],
)
def test_billable_seconds(d: int, grace: int, initial: int, increment: int, expected: int) -> None:
    assert billable_seconds(d, grace, initial, increment) == expected


@settings(**_RELAXED)
@given(st.integers(0, 100_000), st.integers(0, 120), st.integers(1, 600), st.integers(1, 600))
def test_billable_seconds_matches_the_rule(
    d: int, grace: int, initial: int, increment: int
) -> None:
    if d == 0 or d < grace:
        expected = 0
    elif d <= initial:
        expected = initial
    else:
        expected = initial + math.ceil(Fraction(d - initial, increment)) * increment
    billable = billable_seconds(d, grace, initial, increment)
    assert billable == expected
    assert billable == 0 or billable >= d


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        (0, 0),
        (61, 61),
        (Decimal("12.5"), 13),
        (Decimal("12.49"), 12),
        (Decimal("0.5"), 1),
        (Decimal("0.4999"), 0),
        (Decimal("59.5"), 60),
    ],
)
def test_round_duration_half_up(duration: Decimal | int, seconds: int) -> None:
    assert round_duration(duration) == seconds


def test_round_duration_refuses_bad_values() -> None:
    with pytest.raises(TypeError):
        round_duration(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_duration(-1)
    with pytest.raises(ValueError):
        round_duration(Decimal("NaN"))


@pytest.mark.parametrize(
    ("fee", "rate", "billable", "expected"),
    [
        ("0", "0.10", 60, 10),
        ("0", "0.15", 150, 38),  # 0.375 → 0.38, half-up
        ("0", "0.05", 30, 3),  # 0.025 → 0.03
        ("0", "0.0499", 30, 2),  # 0.02495 → 0.02
        ("0.05", "0.30", 60, 35),
        ("0.05", "0.30", 0, 0),  # nothing billed: no connect fee either
        ("0.005", "0", 1, 1),  # rounded once: fee alone 0.005 → 0.01
        ("0.004", "0.0003", 10, 0),  # 0.00405 → 0.00
        ("0", "0.123456", 61, 13),  # 0.1255136 → 0.13
        ("0", "0.12", 61, 12),  # 0.122 → 0.12
    ],
)
def test_retail_price(fee: str, rate: str, billable: int, expected: int) -> None:
    assert retail_price_minor(Decimal(fee), Decimal(rate), billable) == expected


def test_retail_price_other_currency_digits() -> None:
    assert retail_price_minor(Decimal(0), Decimal("0.15"), 150, digits=0) == 0
    assert retail_price_minor(Decimal(0), Decimal("1.5"), 60, digits=0) == 2  # 1.5 → 2
    assert retail_price_minor(Decimal(0), Decimal("0.1"), 7, digits=3) == 12  # 0.011666…


_rates = st.decimals(min_value=0, max_value=50, places=6, allow_nan=False, allow_infinity=False)


@settings(**_RELAXED)
@given(_rates, _rates, st.integers(0, 36_000), st.integers(0, 4))
def test_retail_price_equals_exact_decimal_rounded_once(
    fee: Decimal, rate: Decimal, billable: int, digits: int
) -> None:
    if billable == 0:
        expected = 0
    else:
        exact = Fraction(fee) + Fraction(billable, 60) * Fraction(rate)
        scaled = exact * 10**digits
        expected = math.floor(scaled + Fraction(1, 2))
    assert retail_price_minor(fee, rate, billable, digits) == expected


@pytest.mark.parametrize(
    ("rate", "d", "micro"),
    [
        ("0.012", 60, 12_000),
        ("0.03", 61, 30_500),
        ("0.000001", 30, 1),  # 0.0000005 → 0.000001 half-up
        ("0.000001", 29, 0),
        ("0.5", 0, 0),
        ("6.92", 3, 346_000),
    ],
)
def test_wholesale(rate: str, d: int, micro: int) -> None:
    assert wholesale_micro(Decimal(rate), d) == micro


@settings(**_RELAXED)
@given(_rates, st.integers(0, 100_000))
def test_wholesale_is_exact(rate: Decimal, d: int) -> None:
    exact = Decimal(rate) * d * 1_000_000 / 60
    expected = int((Fraction(rate) * d * 1_000_000 / 60 + Fraction(1, 2)).__floor__())
    assert wholesale_micro(rate, d) == expected
    assert abs(Decimal(expected) - exact) <= Decimal("0.5")


def test_wholesale_with_fractional_seconds_and_more_decimals() -> None:
    assert wholesale_micro(Decimal("0.06"), Decimal("0.5")) == 500
    assert wholesale_micro(Decimal("0.0000001"), 600) == 1  # 0.000001 exactly
    with pytest.raises(TypeError):
        wholesale_micro(Decimal("0.1"), 1.5)  # type: ignore[arg-type]


@settings(**_RELAXED)
@given(_rates, _rates, st.integers(0, 5_000), st.integers(0, 3))
def test_max_billable_within_is_the_largest_affordable(
    rate: Decimal, fee: Decimal, budget: int, digits: int
) -> None:
    tariff = Tariff(rate, fee, digits)
    most = tariff.max_billable_within(budget)
    if most is None:
        assert rate == 0
        assert tariff.price_minor(10**9) <= budget
    else:
        assert most >= 0
        assert tariff.price_minor(most) <= budget
        assert tariff.price_minor(most + 1) > budget


def test_tariff_refuses_float_and_negative() -> None:
    with pytest.raises(ValueError):
        Tariff(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Tariff(Decimal("-0.1"))
    assert Tariff(Decimal("0.10")).price_minor(60) == int(
        Decimal("0.10").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100
    )


def test_a_duration_beyond_the_decimal_context_is_a_value_error() -> None:
    from decimal import Decimal

    from callshop_pos.rating.billing import round_duration

    with pytest.raises(ValueError, match="out of range"):
        round_duration(Decimal("1234567890123456789012345678901234567890.5"))
