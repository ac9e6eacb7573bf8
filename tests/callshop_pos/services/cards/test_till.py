"""Selling and topping up cards at the till: money of the shift (expected cash, X/Z
figures), fiscal registration, refusals, roles; verify catches an edited balance."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.cards import CardMovement, CardStatus
from callshop_pos.db.models.devices import FiscalSale
from callshop_pos.engine_store.card_store import CardGrant, ShopCardStore
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.receipts.ports import FiscalDeviceUnreachable
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import (
    card_balance,
    quote_card_sale,
    quote_top_up,
    sell_card,
    top_up_card,
)
from callshop_pos.services.context import Shop
from callshop_pos.services.till.fiscal import FiscalGate
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import NoOpenShift, close_shift, open_shift, x_report
from tests.callshop_pos.services.cards.cards_support import Printed, make_batch
from tests.callshop_pos.services.till.test_fiscal import CONFIG, FakeFiscalDevice
from tests.callshop_pos.services.till_support import record_call


@pytest.fixture
def printed(shop: Shop, admin: Actor, tmp_path: Path) -> Printed:
    return make_batch(shop, admin, tmp_path / "sheets", quantity=3, face_value_minor=1000)


def test_a_sale_is_cash_of_the_shift(shop: Shop, operator: Actor, printed: Printed) -> None:
    open_shift(shop, operator, 2000)
    serial = printed.cards[0][0]
    quote = quote_card_sale(shop, operator, serial)
    assert (quote.amount_minor, quote.balance_before_minor, quote.currency) == (1000, 0, "EUR")
    assert quote.change_for(2000) == 1000
    sale = sell_card(shop, operator, quote, 2000)
    assert (sale.amount_minor, sale.tendered_minor, sale.change_minor) == (1000, 2000, 1000)
    assert sale.card.status is CardStatus.SOLD and sale.card.balance_minor == 1000
    call = record_call(shop, 150)
    pay_calls(shop, operator, [call], 150)
    report = x_report(shop, operator)
    s = report.summary
    assert (s.card_sales, s.card_sales_minor, s.payments_minor) == (1, 1000, 150)
    assert s.expected_minor == 2000 + 150 + 1000
    z = close_shift(shop, operator, 3150)
    assert z.summary.discrepancy_minor == 0 and z.summary.card_sales_minor == 1000
    assert verify(shop).ok


def test_sales_are_refused_clearly(
    shop: Shop, admin: Actor, operator: Actor, printed: Printed
) -> None:
    serial = printed.cards[0][0]
    with pytest.raises(NoOpenShift):
        sell_card(shop, operator, serial)
    open_shift(shop, operator, 0)
    with pytest.raises(InvalidInput, match="less than"):
        sell_card(shop, operator, serial, 999)
    with pytest.raises(InvalidInput, match="not a card serial"):
        sell_card(shop, operator, "12345")
    sell_card(shop, operator, serial)
    with pytest.raises(InvalidInput, match="sold already"):
        sell_card(shop, operator, serial)
    stale = quote_card_sale(shop, operator, printed.cards[1][0])
    sell_card(shop, admin, printed.cards[1][0])  # an administrator may sell too
    with pytest.raises(InvalidInput, match="sold already"):
        sell_card(shop, operator, stale)
    with shop.db.read() as s:
        assert s.scalar(select(func.count(CardMovement.id))) == 2


def test_the_engine_may_not_sell(shop: Shop, system: Actor, printed: Printed) -> None:
    with pytest.raises(PermissionDenied):
        sell_card(shop, system, printed.cards[0][0])


def test_top_up_only_when_the_setting_allows_it(
    shop: Shop, admin: Actor, operator: Actor, printed: Printed
) -> None:
    open_shift(shop, operator, 0)
    serial, pin = printed.cards[0]
    with pytest.raises(InvalidInput, match="switched off"):
        quote_top_up(shop, operator, serial, 500)
    update_settings(shop, admin, card_top_up=True)
    with pytest.raises(InvalidInput, match="not sold"):
        quote_top_up(shop, operator, serial, 500)
    sell_card(shop, operator, serial)
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "r1", 1000, booth="B1")
    assert card_balance(shop, operator, serial).status is CardStatus.EXHAUSTED
    with pytest.raises(InvalidInput, match="above zero"):
        quote_top_up(shop, operator, serial, 0)
    done = top_up_card(shop, operator, quote_top_up(shop, operator, serial, 500), 500)
    assert done.card.balance_minor == 500 and done.card.status is CardStatus.IN_USE
    with pytest.raises(InvalidInput, match="a top-up"):
        sell_card(shop, operator, quote_top_up(shop, operator, serial, 100))
    s = x_report(shop, operator).summary
    assert (s.card_sales_minor, s.card_top_ups, s.card_top_ups_minor) == (1000, 1, 500)
    assert (s.card_calls, s.card_debits_minor) == (1, 1000)
    assert s.expected_minor == 1500  # debits move no cash
    assert verify(shop).ok


def test_verify_catches_an_edited_balance(
    shop: Shop, operator: Actor, printed: Printed, db_url: str
) -> None:
    open_shift(shop, operator, 0)
    sell_card(shop, operator, printed.cards[0][0])
    assert verify(shop).ok
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        con.execute(
            "UPDATE cards SET balance_minor = 5000 WHERE serial = ?", (printed.cards[0][0],)
        )
    report = verify(shop)
    assert not report.ok
    kinds = {p.kind for p in report.problems}
    assert "card-balance" in kinds  # it no longer adds up from its movements
    assert any("card " + printed.cards[0][0] in p.message for p in report.problems)


def test_verify_catches_money_given_to_an_unsold_card_and_a_removed_debit(
    shop: Shop, operator: Actor, printed: Printed, db_url: str
) -> None:
    open_shift(shop, operator, 0)
    serial, pin = printed.cards[0]
    sell_card(shop, operator, serial)
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "r1", 300, booth="B1")
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        con.execute("DELETE FROM card_movements WHERE kind = 'debit'")
    problems = verify(shop).problems
    assert {"card-balance"} <= {p.kind for p in problems}


def test_a_fiscal_device_registers_the_sale_first(
    shop: Shop, operator: Actor, printed: Printed, clock: FakeClock
) -> None:
    device = FakeFiscalDevice()
    gate = FiscalGate(device, CONFIG)
    open_shift(shop, operator, 0)
    serial = printed.cards[0][0]
    device.reachable = False
    with pytest.raises(FiscalDeviceUnreachable):
        sell_card(shop, operator, serial, fiscal=gate)
    assert card_balance(shop, operator, serial).status is CardStatus.CREATED
    device.reachable = True
    device.lose_answer = True  # printed, but the answer was lost: the retry reuses it
    with pytest.raises(FiscalDeviceUnreachable):
        sell_card(shop, operator, serial, 1000, fiscal=gate)
    sale = sell_card(shop, operator, serial, 1000, fiscal=gate)
    assert len(device.receipts) == 1
    assert device.sales[-1].items[0].text.endswith(serial)
    with shop.db.read() as s:
        row = s.get(FiscalSale, sale.fiscal_sale_id)
        assert row is not None and row.amount_minor == 1000 and row.payment_id is None
    # A card sale is not an orphan: the fiscal Z does not void it.
    clock.advance(3600)
    assert gate.void_orphans(shop, operator) == []
    assert verify(shop).ok
