"""A card's life on the fake clock: created → sold → in use → exhausted / expired /
blocked, each expiry rule, and every refusal the engine can get."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.cards import CardStatus, ExpiryRule
from callshop_pos.engine_store.card_store import (
    CardGrant,
    CardRefusal,
    RefusalReason,
    ShopCardStore,
)
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.admin import show_card
from callshop_pos.services.cards.till import card_balance, sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch

DAY = 86_400


def _grant(result: CardGrant | CardRefusal) -> CardGrant:
    assert isinstance(result, CardGrant), result
    return result


def test_created_sold_in_use_exhausted(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, clock: FakeClock
) -> None:
    (serial, pin), *_ = make_batch(shop, admin, tmp_path / "out", quantity=1).cards
    store = ShopCardStore(shop)
    assert store.authorize(pin, "B1", clock.now()) == CardRefusal(RefusalReason.NOT_SOLD, 0)
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    assert card_balance(shop, operator, serial).status is CardStatus.SOLD
    grant = _grant(store.authorize(pin, "B1", clock.now()))
    view = card_balance(shop, operator, serial)
    assert view.status is CardStatus.IN_USE and view.first_used_at == clock.now()
    assert view.in_use_booth == "B1"
    store.debit(grant.card_id, "c1", 400, booth="B1")
    grant = _grant(store.authorize(pin, "B3", clock.now()))
    assert grant.balance_minor == 600
    store.debit(grant.card_id, "c2", 600, booth="B3")
    view = card_balance(shop, operator, serial)
    assert (view.status, view.balance_minor, view.in_use_booth) == (CardStatus.EXHAUSTED, 0, None)
    assert store.authorize(pin, "B1", clock.now()) == CardRefusal(RefusalReason.EXHAUSTED, 0)
    assert verify(shop).ok


def test_days_after_first_use(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, clock: FakeClock
) -> None:
    (serial, pin), *_ = make_batch(
        shop,
        admin,
        tmp_path / "out",
        quantity=1,
        expiry_rule=ExpiryRule.AFTER_FIRST_USE,
        expiry_days=30,
    ).cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    clock.advance(100 * DAY)  # unused for 100 days: the clock has not started
    store = ShopCardStore(shop)
    first_use = clock.now()
    grant = _grant(store.authorize(pin, "B1", first_use))
    assert grant.expires_at == datetime.fromtimestamp(first_use.timestamp() + 30 * DAY, UTC)
    store.release(grant.card_id, "B1")
    clock.advance(30 * DAY - 1)
    store.release(_grant(store.authorize(pin, "B1", clock.now())).card_id, "B1")
    clock.advance(1)
    assert store.authorize(pin, "B1", clock.now()) == CardRefusal(RefusalReason.EXPIRED, 0)
    assert show_card(shop, admin, serial).status is CardStatus.EXPIRED
    assert verify(shop).ok


def test_days_after_creation_and_expired_cards_cannot_be_sold(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, clock: FakeClock
) -> None:
    cards = make_batch(
        shop,
        admin,
        tmp_path / "out",
        quantity=2,
        expiry_rule=ExpiryRule.AFTER_CREATION,
        expiry_days=10,
    ).cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, cards[0][0])
    clock.advance(10 * DAY - 60)
    store = ShopCardStore(shop)
    store.release(_grant(store.authorize(cards[0][1], "B1", clock.now())).card_id, "B1")
    clock.advance(60)
    assert store.authorize(cards[0][1], "B1", clock.now()).reason is RefusalReason.EXPIRED  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match="expired"):
        sell_card(shop, operator, cards[1][0])


def test_a_fixed_date_ends_at_local_midnight(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, clock: FakeClock
) -> None:
    # The fake clock starts on Monday 2026-01-05 09:00 UTC; the shop is in Sofia (UTC+2).
    (serial, pin), *_ = make_batch(
        shop,
        admin,
        tmp_path / "out",
        quantity=1,
        expiry_rule=ExpiryRule.FIXED_DATE,
        expiry_date=date(2026, 1, 6),
    ).cards
    view = show_card(shop, admin, serial)
    assert view.expires_at == datetime(2026, 1, 6, 22, 0, tzinfo=UTC)  # 7 Jan 00:00 in Sofia
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    store = ShopCardStore(shop)
    clock.set(datetime(2026, 1, 6, 21, 59, 59, tzinfo=UTC))
    store.release(_grant(store.authorize(pin, "B1", clock.now())).card_id, "B1")
    clock.set(datetime(2026, 1, 6, 22, 0, tzinfo=UTC))
    refusal = store.authorize(pin, "B1", clock.now())
    assert refusal == CardRefusal(RefusalReason.EXPIRED, 0)


def test_no_expiry(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, clock: FakeClock
) -> None:
    (serial, pin), *_ = make_batch(shop, admin, tmp_path / "out", quantity=1).cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    clock.advance(3650 * DAY)
    assert isinstance(ShopCardStore(shop).authorize(pin, "B1", clock.now()), CardGrant)


def test_a_debit_is_once_per_call_even_for_another_amount(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    (serial, pin), *_ = make_batch(shop, admin, tmp_path / "out", quantity=1).cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    store = ShopCardStore(shop)
    grant = _grant(store.authorize(pin, "B1", shop.clock.now()))
    store.debit(grant.card_id, "x", 100, booth="B1")
    replay = store.debit(grant.card_id, "x", 250, booth="B1")  # the recovery's figure
    assert (replay.replay, replay.debited_minor, replay.balance_minor) == (True, 100, 900)
    with pytest.raises(InvalidInput, match="another card"):
        store.debit(grant.card_id + 1, "x", 100)
    with pytest.raises(InvalidInput, match="negative"):
        store.debit(grant.card_id, "y", -1)
    with pytest.raises(InvalidInput, match="another card"):
        store.start_call(grant.card_id, "B1", "z")
        store.start_call(grant.card_id + 1, "B1", "z")
