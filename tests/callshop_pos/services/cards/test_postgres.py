"""Cards on PostgreSQL: the same life (batch, sale, PIN check, once-per-call debit,
verify), a real race of two booths for one card, and the PIN lookup by index."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from callshop_pos.engine_store.card_store import (
    CardGrant,
    CardRefusal,
    RefusalReason,
    ShopCardStore,
)
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.callshop_pos.support import SeededShop


def test_card_life_on_postgresql(pg_seeded: SeededShop, tmp_path: Path) -> None:
    shop, admin, olga = pg_seeded
    cards = make_batch(shop, admin, tmp_path / "out", quantity=4).cards
    open_shift(shop, olga, 0)
    sell_card(shop, olga, cards[0][0], 1000)
    store = ShopCardStore(shop)
    grant = store.authorize(cards[0][1], "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    assert store.authorize(cards[0][1], "B2", shop.clock.now()) == CardRefusal(
        RefusalReason.IN_USE, 0
    )
    first = store.debit(grant.card_id, "pg-call", 350, booth="B1")
    assert store.debit(grant.card_id, "pg-call", 350, booth="B1").replay
    assert first.balance_minor == 650
    z = close_shift(shop, olga, 1000)
    assert z.summary.card_sales_minor == 1000 and z.summary.discrepancy_minor == 0
    assert verify(shop).ok
    with shop.db.read() as s:
        # Four cards: the planner could scan them all; what matters is that the index
        # serves the lookup (without one the plan is a scan whatever this says).
        s.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in s.execute(
                text("EXPLAIN SELECT * FROM cards WHERE pin_hash = :h"), {"h": "0" * 64}
            )
        )
    assert "uq_cards_pin_hash" in plan  # an index lookup, never a scan of every card


def _race(shop: Shop, pin: str) -> list[CardGrant | CardRefusal]:
    store = ShopCardStore(shop)
    start = threading.Barrier(2)
    results: list[CardGrant | CardRefusal] = []

    def dial(booth: str) -> None:
        start.wait()
        results.append(store.authorize(pin, booth, shop.clock.now()))

    threads = [threading.Thread(target=dial, args=(b,)) for b in ("B1", "B2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_booths_racing_for_one_card(pg_seeded: SeededShop, tmp_path: Path) -> None:
    shop, admin, olga = pg_seeded
    cards = make_batch(shop, admin, tmp_path / "out", quantity=1).cards
    open_shift(shop, olga, 0)
    sell_card(shop, olga, cards[0][0])
    for _ in range(5):
        results = _race(shop, cards[0][1])
        granted = [r for r in results if isinstance(r, CardGrant)]
        refused = [r for r in results if isinstance(r, CardRefusal)]
        assert len(granted) == 1 and len(refused) == 1
        assert refused[0].reason is RefusalReason.IN_USE
        ShopCardStore(shop).release_booth()
