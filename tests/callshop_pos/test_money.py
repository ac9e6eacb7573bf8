from __future__ import annotations

from decimal import Decimal

import pytest

from callshop_pos.money import (
    MoneyError,
    bgn_to_eur,
    eur_to_bgn,
    format_minor,
    parse_minor,
    round_to_unit,
    to_minor,
)


def test_to_minor_rounds_half_up_once() -> None:
    assert to_minor(Decimal("0.125")) == 13
    assert to_minor(Decimal("0.124999")) == 12
    assert to_minor(Decimal("-0.125")) == -13


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_minor(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_minor(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "minor"), [("12.5", 1250), ("12,50", 1250), ("0", 0), (" 3 ", 300)]
)
def test_parse_minor(text: str, minor: int) -> None:
    assert parse_minor(text) == minor


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1.234",
        "1e3",
        "1,2.3",
        "NaN",
        ".",
        "\u0661\u0660\u0660",
        "1\u0660",
        "\uff11\uff10",
        "\u00b2",
        "\u0967.5",
    ],
)
def test_parse_minor_rejects(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_minor(text)


def test_format_minor() -> None:
    assert format_minor(1234) == "12.34"
    assert format_minor(-5) == "-0.05"
    assert format_minor(1_500_000, 6) == "1.500000"


def test_cash_rounding_to_five_cents() -> None:
    assert round_to_unit(1232, 5) == 1230
    assert round_to_unit(1233, 5) == 1235
    assert round_to_unit(1237, 5) == 1235
    assert round_to_unit(1238, 5) == 1240
    assert round_to_unit(1238, 1) == 1238


def test_bgn_conversions() -> None:
    assert eur_to_bgn(100) == 196  # 1.95583 -> 1.96
    assert bgn_to_eur(Decimal("1.95583")) == Decimal("1.00")
    assert bgn_to_eur(Decimal("0.30")) == Decimal("0.15")
