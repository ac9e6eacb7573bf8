"""The engine's card store: PIN check, one booth at a time, idempotent debits, release."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.engine_store.card_store import (
    CardGrant,
    CardRefusal,
    RefusalReason,
    ShopCardStore,
)
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import card_balance, sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch


@pytest.fixture
def sold(shop: Shop, admin: Actor, operator: Actor, tmp_path: Path) -> tuple[str, str]:
    printed = make_batch(shop, admin, tmp_path / "sheets", quantity=2)
    open_shift(shop, operator, 0)
    serial, pin = printed.cards[0]
    sell_card(shop, operator, serial)
    return serial, pin


def test_authorize_debit_release(shop: Shop, operator: Actor, sold: tuple[str, str]) -> None:
    serial, pin = sold
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    assert (grant.serial, grant.balance_minor, grant.currency) == (serial, 1000, "EUR")
    store.start_call(grant.card_id, "B1", "call-1")
    store.start_call(grant.card_id, "B1", "call-1")  # idempotent
    first = store.debit(grant.card_id, "call-1", 230, booth="B1")
    again = store.debit(grant.card_id, "call-1", 230, booth="B1")
    assert (first.debited_minor, first.balance_minor, first.replay) == (230, 770, False)
    assert (again.movement_id, again.balance_minor, again.replay) == (first.movement_id, 770, True)
    assert store.balance(grant.card_id) == 770
    assert card_balance(shop, operator, serial).in_use_booth is None
    assert verify(shop).ok


def test_two_booths_cannot_share_a_card(shop: Shop, sold: tuple[str, str]) -> None:
    _, pin = sold
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    other = store.authorize(pin, "B2", shop.clock.now())
    assert other == CardRefusal(RefusalReason.IN_USE, 0)
    assert store.release(grant.card_id, "B2") is False
    assert store.release(grant.card_id, "B1") is True
    assert isinstance(store.authorize(pin, "B2", shop.clock.now()), CardGrant)
    assert store.release_booth() == 1


def test_wrong_pins_are_counted_per_booth_in_the_window(
    shop: Shop, clock: FakeClock, sold: tuple[str, str]
) -> None:
    store = ShopCardStore(shop)
    counts = []
    for _ in range(3):
        refusal = store.authorize("0000000000", "B1", clock.now())
        assert isinstance(refusal, CardRefusal)
        counts.append(refusal.wrong_pins)
        clock.advance(240)
    assert counts == [1, 2, 3]
    assert store.wrong_pins("B2", clock.now()) == 0
    # 10 minutes after the first one it no longer counts.
    assert store.wrong_pins("B1", clock.now()) == 2
    malformed = store.authorize("12ab", "B1", clock.now())
    assert malformed == CardRefusal(RefusalReason.WRONG_PIN, 3)


def test_a_debit_above_the_balance_takes_the_balance(shop: Shop, sold: tuple[str, str]) -> None:
    _, pin = sold
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    debit = store.debit(grant.card_id, "call-9", 1500, booth="B1")
    assert (debit.debited_minor, debit.requested_minor, debit.balance_minor) == (1000, 1500, 0)
    refusal = store.authorize(pin, "B1", shop.clock.now())
    assert refusal == CardRefusal(RefusalReason.EXHAUSTED, 0)
    assert verify(shop).ok


def test_the_pin_is_found_through_its_unique_index(shop: Shop, db_url: str) -> None:
    import sqlite3

    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        plan = " ".join(
            str(row[-1])
            for row in con.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM cards WHERE pin_hash = ?", ("0",)
            )
        )
    assert plan.startswith("SEARCH cards USING INDEX") and "(pin_hash=?)" in plan


def test_two_booths_racing_for_one_card_on_sqlite(shop: Shop, sold: tuple[str, str]) -> None:
    from tests.callshop_pos.services.cards.test_postgres import _race

    results = _race(shop, sold[1])
    assert sorted(type(r).__name__ for r in results) == ["CardGrant", "CardRefusal"]
