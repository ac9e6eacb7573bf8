"""Number normalisation: separators, international and national prefixes, unrated forms."""

from __future__ import annotations

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.rating import NumberPlan

PLAN = NumberPlan()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00442079460000", "442079460000"),
        ("+44 20 7946 0000", "442079460000"),
        ("0044 (20) 7946-0000", "442079460000"),
        ("0888 123 456", "359888123456"),
        ("0888.123.456", "359888123456"),
        ("02 987 6543", "35929876543"),
        ("359888123456", "359888123456"),  # already international
        ("4915112345678", "4915112345678"),
        ("\t0888\u00a0123 456 ", "359888123456"),
    ],
)
def test_normalises(raw: str, expected: str) -> None:
    assert PLAN.normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "*123#",
        "#31#0888123456",
        "0888*123",
        "",
        "   ",
        "00",
        "+",
        "0",
        "12a34",
        "++44",
        "０８８８",
        "٣٥٩",
    ],
)
def test_unratable_numbers(raw: str) -> None:
    assert PLAN.normalize(raw) is None


def test_longest_international_prefix_wins() -> None:
    plan = NumberPlan(country_code="1", national_prefix="1", intl_prefixes=("011", "+", "01"))
    assert plan.normalize("011 44 20 7946 0000") == "442079460000"
    assert plan.normalize("1 212 555 0100") == "12125550100"
    assert plan.normalize("+1 212 555 0100") == "12125550100"


def test_international_prefix_beats_national_prefix() -> None:
    assert PLAN.normalize("0049 30 1234") == "49301234"


def test_other_settings() -> None:
    plan = NumberPlan(country_code="44", national_prefix="0", intl_prefixes=("00",))
    assert plan.normalize("020 7946 0000") == "442079460000"
    assert plan.normalize("+44 20") is None  # '+' is not an international prefix here
    no_national = NumberPlan(national_prefix="")
    assert no_national.normalize("0888123456") == "0888123456"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"country_code": "+359"},
        {"national_prefix": "O"},
        {"intl_prefixes": ("00", "")},
        {"intl_prefixes": ("x",)},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        NumberPlan(**kwargs)  # type: ignore[arg-type]
