"""Margins, bulk markup, the margin guard and version diffs: exact to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services.admin.price_editing import (
    below_margin,
    diff_price_lists,
    margin_percent,
    marked_up_retail,
    with_markup,
)

D = Decimal


@pytest.mark.parametrize(
    ("wholesale", "rate", "markup", "step", "expected"),
    [
        # 0.0123 × 0.92 × 1.30 = 0.0147108 → 0.01
        ("0.0123", "0.92", "30", "0.01", "0.01"),
        # 0.105 × 0.9 × 1.5 = 0.14175 → 0.14 ; to 0.05 → 0.15
        ("0.105", "0.9", "50", "0.01", "0.14"),
        ("0.105", "0.9", "50", "0.05", "0.15"),
        # exactly half a cent rounds up: 0.25 × 1 × 1.1 = 0.275 → 0.28
        ("0.25", "1", "10", "0.01", "0.28"),
        # exactly half a step rounds up: 0.125 → 0.15 with step 0.05 (0.125/0.05 = 2.5)
        ("0.125", "1", "0", "0.05", "0.15"),
        ("0.123456", "0.853210", "35.5", "0.01", "0.14"),
        # a paid destination never rounds down to free: one step instead
        ("0.001", "1", "0", "0.05", "0.05"),
        ("0.004", "1", "0", "0.01", "0.01"),
        ("0", "1", "50", "0.05", "0.00"),
    ],
)
def test_bulk_markup_is_exact_to_the_cent(wholesale, rate, markup, step, expected) -> None:
    assert marked_up_retail(D(wholesale), D(rate), D(markup), D(step)) == D(expected)


def test_markup_refuses_bad_steps_and_giveaways() -> None:
    with pytest.raises(InvalidInput):
        marked_up_retail(D("0.1"), D("1"), D("10"), D("0.02"))
    with pytest.raises(InvalidInput):
        marked_up_retail(D("0.1"), D("1"), D("-100"), D("0.01"))
    with pytest.raises(InvalidInput):
        marked_up_retail(D("0.1"), D("0"), D("10"), D("0.01"))


def test_margin_guard_and_margin_percent() -> None:
    entry = PriceEntry("Germany", "49", D("0.10"), D("0.11"), D("0.09"))
    # floor at 10 %: 0.10 × 0.92 × 1.10 = 0.1012 → retail 0.11 is fine, off-peak 0.09 is not
    assert below_margin(entry, D("0.92"), D("10"))
    assert not below_margin(PriceEntry("Germany", "49", D("0.10"), D("0.11")), D("0.92"), D(10))
    # exactly on the floor is not below it
    assert not below_margin(PriceEntry("X", "1", D("0.10"), D("0.1012")), D("0.92"), D(10))
    assert below_margin(PriceEntry("X", "1", D("0.10"), D("0.1011")), D("0.92"), D(10))
    assert not below_margin(PriceEntry("X", "1", D("0.10"), None), D("0.92"), D(10))
    assert margin_percent(D("0.11"), D("0.10"), D("0.92")) == D("19.6")
    assert margin_percent(None, D("0.10"), D("0.92")) is None
    assert margin_percent(D("0.11"), D("0"), D("0.92")) is None


def test_with_markup_keeps_off_peak_and_diff_summarises() -> None:
    old = [
        PriceEntry("Germany", "49", D("0.1"), D("0.2"), D("0.15")),
        PriceEntry("UK", "44", D("0.1"), D("0.2")),
        PriceEntry("Gone", "7", D("0.1"), None),
    ]
    new = [
        with_markup(old[0], D("1"), D("50"), D("0.01")),
        old[1],
        PriceEntry("France", "33", D("0.1"), None),
    ]
    assert new[0].retail == D("0.15") and new[0].retail_offpeak == D("0.15")
    diff = diff_price_lists(old, new)
    assert [c.code for c in diff.retail_changed] == ["49"]
    assert [c.code for c in diff.added] == ["33"]
    assert [c.code for c in diff.removed] == ["7"]
    assert diff.summary() == "1 retail price(s) changed, 1 added, 1 removed"
    assert diff_price_lists(old, old).empty
