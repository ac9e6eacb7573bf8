"""Card money in the closed shift sent to central: sums and every movement (by serial,
never a PIN), checked by the shared schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.db.models.sync import SyncOutbox
from callshop_pos.engine_store.card_store import CardGrant, ShopCardStore
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import for_shop
from callshop_pos.services.till.shifts import close_shift, open_shift
from callshop_wire import ClosedShift, decode
from tests.callshop_pos.services.cards.cards_support import make_batch


def test_the_shift_payload_carries_the_card_movements(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cards = make_batch(shop, admin, tmp_path / "out", quantity=2, face_value_minor=700).cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, cards[0][0], 1000)
    store = ShopCardStore(shop)
    grant = store.authorize(cards[0][1], "B2", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "card-call", 250, booth="B2")
    close_shift(shop, operator, 700)
    assert "does not match the schema" not in caplog.text
    with shop.db.read() as s:
        row = s.scalars(select(SyncOutbox)).one()
    sent = decode(ClosedShift, for_shop(row.payload.encode(), "shop-1"))
    assert (sent.card_sales_minor, sent.card_top_ups_minor, sent.card_debits_minor) == (700, 0, 250)
    assert sent.expected_minor == 700 and sent.discrepancy_minor == 0
    sale, debit = sent.card_movements
    assert (sale.kind, sale.serial, sale.amount_minor, sale.tendered_minor, sale.change_minor) == (
        "sale",
        cards[0][0],
        700,
        1000,
        300,
    )
    assert (debit.kind, debit.call_ref, debit.booth, debit.balance_after_minor) == (
        "debit",
        "card-call",
        "B2",
        450,
    )
    for _, pin in cards:
        assert pin not in row.payload
