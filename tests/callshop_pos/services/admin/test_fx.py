"""The dated USD → local rate with history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin import fx
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop


def test_rate_on_picks_the_newest_rate_in_force(shop: Shop, admin: Actor) -> None:
    assert fx.rate_on(shop, date(2026, 1, 1)) is None
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    fx.set_usd_rate(shop, admin, Decimal("0.95"), date(2026, 2, 1))
    fx.set_usd_rate(shop, admin, Decimal("0.93"), date(2026, 1, 1))  # same-day correction
    assert fx.rate_on(shop, date(2025, 12, 31)) is None
    assert fx.rate_on(shop, date(2026, 1, 15)) == Decimal("0.93")
    assert fx.rate_on(shop, date(2026, 2, 1)) == Decimal("0.95")
    history = fx.rate_history(shop)
    assert [h.local_per_usd for h in history] == [Decimal("0.95"), Decimal("0.93"), Decimal("0.92")]


@pytest.mark.parametrize(
    "rate", [Decimal(0), Decimal("-1"), Decimal("0.1234567"), Decimal("NaN"), Decimal("1000.01")]
)
def test_bad_rates_are_refused(shop: Shop, admin: Actor, rate: Decimal) -> None:
    with pytest.raises(InvalidInput):
        fx.set_usd_rate(shop, admin, rate, date(2026, 1, 1))
    assert fx.rate_history(shop) == []


def test_only_admins_set_rates(shop: Shop, operator: Actor) -> None:
    with pytest.raises(PermissionDenied):
        fx.set_usd_rate(shop, operator, Decimal("0.9"), date(2026, 1, 1))


def test_the_plausibility_guard_is_in_the_one_setter(shop: Shop, admin: Actor) -> None:
    # Every way of setting a rate (CLI, admin screen, scripts) ends in fx.set_usd_rate,
    # so the guard cannot be bypassed by calling a lower-level function.
    with pytest.raises(InvalidInput, match="typing error"):
        fx.set_usd_rate(shop, admin, Decimal("1955.83"), date(2026, 1, 1))
    assert fx.set_usd_rate(shop, admin, Decimal(1000), date(2026, 1, 1)).local_per_usd == 1000
