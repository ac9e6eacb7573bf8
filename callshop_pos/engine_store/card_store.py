"""The line engine's card store: prepaid calling cards over the shop database.

The engine's side of ``*77PIN*number`` (the access code is the ``card_access_code``
setting). Everything goes through :mod:`callshop_pos.services.cards.engine` as the
``system`` actor, so every change is journaled there. Names the engine uses:

``ShopCardStore(shop)``
    ``authorize(pin, booth, now) -> CardGrant | CardRefusal``
        one indexed lookup by the PIN's HMAC; takes the card for ``booth``.
        ``CardGrant``: ``card_id``, ``serial``, ``balance_minor``, ``currency``,
        ``price_list_version_id`` (None = the shop's active list), ``expires_at``.
        ``CardRefusal``: ``reason`` (:class:`RefusalReason`: ``wrong_pin``,
        ``not_sold``, ``expired``, ``blocked``, ``exhausted``, ``in_use``) and
        ``wrong_pins`` — the booth's wrong PINs in the last 10 minutes
        (:data:`WRONG_PIN_WINDOW`), this one included: lock the booth at 5.
    ``check(pin, booth, now) -> CardGrant | CardRefusal``
        the same lookup and checks, writing nothing (the engine keeps the claims);
        ``CardRefusal.card_id`` names the card refused.
    ``record_check(booth, at, reason, card_id)``
        store a check decided by ``check``: the attempt, and for a grant (``"ok"``)
        the claim and the first use; an expiry met.
    ``claims() -> dict[int, str]``
        the cards the database shows in use (card id → booth).
    ``start_call(card_id, booth, call_ref)``
        the call now has a reference (idempotent); reports count it as a card call.
    ``debit(card_id, call_ref, amount_minor, booth=None, at=None) -> CardDebit``
        at the call's end, also for a call recovered after a crash: idempotent per
        ``call_ref`` (``CardDebit.replay`` is True when it had been debited); frees
        the card.
    ``release(card_id, booth) -> bool``
        free the card without a debit (nothing was dialled / the call failed).
    ``release_booth(booth=None) -> int``
        free every card a booth (or any booth) holds: at start-up, after recovery.
    ``wrong_pins(booth, now) -> int``
        the booth's wrong PINs in the window ending ``now``.
    ``balance(card_id) -> int``
        the card's balance now (for the booth tile).
"""

from __future__ import annotations

from datetime import datetime

from callshop_pos.db.models.cards import Card
from callshop_pos.errors import NotFound
from callshop_pos.services.auth import SYSTEM
from callshop_pos.services.cards import engine as card_service
from callshop_pos.services.cards.engine import (
    WRONG_PIN_WINDOW,
    CardDebit,
    CardGrant,
    CardRefusal,
    RefusalReason,
)
from callshop_pos.services.context import Shop

__all__ = [
    "WRONG_PIN_WINDOW",
    "CardDebit",
    "CardGrant",
    "CardRefusal",
    "RefusalReason",
    "ShopCardStore",
]


class ShopCardStore:
    """The engine's card port over the shop database (see the module docstring)."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def authorize(self, pin: str, booth: str, now: datetime) -> CardGrant | CardRefusal:
        return card_service.authorize(self.shop, SYSTEM, pin, booth, now)

    def check(self, pin: str, booth: str, now: datetime) -> CardGrant | CardRefusal:
        return card_service.check(self.shop, SYSTEM, pin, booth, now)

    def record_check(self, booth: str, at: datetime, reason: str, card_id: int | None) -> None:
        card_service.record_check(self.shop, SYSTEM, booth, at, reason, card_id)

    def claims(self) -> dict[int, str]:
        return card_service.claims(self.shop)

    def start_call(self, card_id: int, booth: str, call_ref: str) -> None:
        card_service.start_call(self.shop, SYSTEM, card_id, booth, call_ref)

    def debit(
        self,
        card_id: int,
        call_ref: str,
        amount_minor: int,
        booth: str | None = None,
        at: datetime | None = None,
    ) -> CardDebit:
        return card_service.debit(
            self.shop, SYSTEM, card_id, call_ref, amount_minor, booth=booth, at=at
        )

    def release(self, card_id: int, booth: str) -> bool:
        return card_service.release(self.shop, SYSTEM, card_id, booth)

    def release_booth(self, booth: str | None = None) -> int:
        return card_service.release_booth(self.shop, SYSTEM, booth)

    def wrong_pins(self, booth: str, now: datetime) -> int:
        with self.shop.db.read() as session:
            return card_service.wrong_pins(session, booth, now)

    def balance(self, card_id: int) -> int:
        with self.shop.db.read() as session:
            card = session.get(Card, card_id)
            if card is None:
                raise NotFound(f"no card {card_id}")
            return card.balance_minor
