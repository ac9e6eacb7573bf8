"""Operators never see wholesale prices, costs, profit or the carrier balance: every
public service that returns them refuses an operator in the core (not just the UI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from callshop_pos.errors import PermissionDenied
from callshop_pos.services import admin_prices, carrier_account, ledger, prices, reports_admin
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop

PRICES = "country,code,wholesale_usd,retail\nBulgaria,359,0.010,0.20\nGermany,49,0.012,0.30\n"
DAY = date(2026, 1, 15)

#: Every public service that hands out wholesale prices, costs, profit or the balance.
GUARDED: dict[str, Callable[[Shop, Actor], Any]] = {
    "prices.active_entries": prices.active_entries,
    "prices.export_price_list": prices.export_price_list,
    "admin_prices.price_list": admin_prices.price_list,
    "admin_prices.export_csv": admin_prices.export_csv,
    "admin_prices.current_usd_rate": admin_prices.current_usd_rate,
    "admin_prices.usd_rate_history": admin_prices.usd_rate_history,
    "ledger.balance": ledger.balance,
    "ledger.ledger_history": ledger.ledger_history,
    "carrier_account.topups": lambda shop, actor: carrier_account.topups(shop, actor, DAY, DAY),
    "reports_admin.period_report": lambda shop, actor: reports_admin.period_report(
        shop, actor, DAY, DAY, reports_admin.GroupBy.DESTINATION
    ),
}


@pytest.fixture
def stocked(shop: Shop, admin: Actor) -> Shop:
    prices.import_price_list(shop, admin, PRICES, "prices.csv")
    admin_prices.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    ledger.add_topup(shop, admin, 50_000_000, DAY, "bank", "wire 1")
    return shop


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_an_operator_is_refused(stocked: Shop, operator: Actor, name: str) -> None:
    with pytest.raises(PermissionDenied, match="may not"):
        GUARDED[name](stocked, operator)


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_an_administrator_gets_the_figures(stocked: Shop, admin: Actor, name: str) -> None:
    assert GUARDED[name](stocked, admin) is not None


def test_the_shops_own_machinery_reads_prices_and_balance_as_system(stocked: Shop) -> None:
    assert [e.code for e in prices.active_entries(stocked, SYSTEM)] == ["359", "49"]
    assert ledger.balance(stocked, SYSTEM) == 50_000_000


def test_an_operators_low_balance_flag_carries_no_amounts(
    stocked: Shop, operator: Actor, admin: Actor
) -> None:
    status = carrier_account.low_balance(stocked, operator)
    assert status.balance_micro_usd is None and status.threshold_micro_usd is None
    assert carrier_account.low_balance(stocked, admin).balance_micro_usd == 50_000_000


def test_the_exported_file_has_the_wholesale_prices(stocked: Shop, admin: Actor) -> None:
    text = prices.export_price_list(stocked, admin)
    assert "wholesale_usd" in text.splitlines()[0] and "0.012" in text
