"""Operators never see wholesale prices, costs, profit or the carrier balance: every
public service that returns them refuses an operator in the core (not just the UI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import admin_prices, carrier_account, fx, ledger, prices
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports import period as reports_admin

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
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
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


def _field_names(cls: type, seen: set[type] | None = None) -> set[str]:
    """Every field name of a dataclass and of the dataclasses it holds (recursively)."""
    import dataclasses
    import typing

    seen = seen if seen is not None else set()
    if cls in seen or not dataclasses.is_dataclass(cls):
        return set()
    seen.add(cls)
    names: set[str] = set()
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        names.add(f.name)
        for inner in (hints[f.name], *typing.get_args(hints[f.name])):
            for leaf in (inner, *typing.get_args(inner)):
                if isinstance(leaf, type):
                    names |= _field_names(leaf, seen)
    return names


def test_what_the_till_hands_operators_has_no_wholesale_cost_or_profit() -> None:
    from callshop_pos.services.till.calls import CallView
    from callshop_pos.services.till.payments import PaymentResult
    from callshop_pos.services.till.shifts import ShiftDetail, ShiftList, ShiftReport

    for cls in (CallView, PaymentResult, ShiftDetail, ShiftList, ShiftReport):
        names = _field_names(cls)
        assert names, cls
        leaked = {n for n in names if any(w in n for w in ("wholesale", "profit", "cost"))}
        assert not leaked, (cls.__name__, leaked)


def test_an_operators_call_views_carry_no_wholesale_cost(
    stocked: Shop, admin: Actor, operator: Actor
) -> None:
    from callshop_pos.services.till import shifts
    from tests.callshop_pos.services.till_support import record_call

    shifts.open_shift(stocked, operator, 0)
    call_id = record_call(stocked, 100, wholesale_micro_usd=12_000)
    [view] = shifts.shift_calls(stocked, operator)
    assert view.id == call_id and not hasattr(view, "wholesale_micro_usd")
    # the cost is still recorded, for the owner's side
    assert ledger.balance(stocked, admin) == 50_000_000 - 12_000
