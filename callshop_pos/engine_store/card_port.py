"""The line engine's card port over the shop database, and card-call recovery.

:class:`ShopCardPort` adapts
:class:`~callshop_pos.engine_store.card_store.ShopCardStore` (the card service,
journaled as the ``system`` actor) to the engine's
:class:`~callshop_pos.lines.cards.CardPort`. The engine is the only writer of card
claims (one engine per database, its lock), so the port keeps them in memory — seeded
from the database when it is made — and :meth:`ShopCardPort.authorize` only reads the
card (one indexed lookup) and decides, under one lock, so two booths racing for a card
get it once; what it decided is stored by the engine's
:class:`~callshop_pos.lines.cards.CardCheck` record (the attempt, the claim), off the
booth's critical path. A claim is let go only once the card's
:class:`~callshop_pos.lines.cards.CardSettle` is in the database. The grant carries the
tariff of the card's own price list when its batch has one;
:class:`~callshop_pos.lines.cards.CardStart` links the call to the card (``card_calls``)
before the call's first record is written; :class:`~callshop_pos.lines.cards.CardSettle`
debits the exact price once per call (``card_movements``' unique debit per call
reference) or, for a call that cost nothing, frees the card.

:func:`recover_card_calls` is the start-up half of crash safety, run after the spill
journal is written back and before ``shop_store.recover_interrupted``: a card call a
killed engine left in progress is finished as ``interrupted`` (at the same
``recovery_end`` as the till's own calls, rated with the card's price list), every
finished card call not yet debited is debited once, and every card still marked in
use is freed (no call runs before the engine starts its drivers).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select

from callshop_pos.db.models.calls import Call, CallFlag, CallState
from callshop_pos.db.models.cards import Card, CardBatch, CardCall, CardMovement, CardMovementKind
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.card_store import (
    CardGrant as StoredGrant,
)
from callshop_pos.engine_store.card_store import (
    RefusalReason,
    ShopCardStore,
)
from callshop_pos.engine_store.rater_tariff import RaterTariff
from callshop_pos.engine_store.shop_store import recovery_end, shop_tariff
from callshop_pos.lines.booth import MAX_CALL_S, whole_seconds
from callshop_pos.lines.cards import (
    CardCheck,
    CardGrant,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.tariff import Tariff
from callshop_pos.rating import PriceIndex
from callshop_pos.services.context import Shop
from callshop_pos.services.pricing import Pricing, load_entries

__all__ = ["CardRecovery", "ShopCardPort", "recover_card_calls"]

log = logging.getLogger(__name__)

_DETAIL = {
    RefusalReason.WRONG_PIN: "wrong PIN",
    RefusalReason.NOT_SOLD: "card not sold",
    RefusalReason.EXPIRED: "card expired",
    RefusalReason.BLOCKED: "card blocked",
    RefusalReason.EXHAUSTED: "no balance left on the card",
    RefusalReason.IN_USE: "card in use at another booth",
}


class ShopCardPort:
    """:class:`~callshop_pos.lines.cards.CardPort` over the shop database."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.store = ShopCardStore(shop)
        self._pricings: dict[int, Pricing] = {}
        self._lock = threading.Lock()
        self._claims_lock = threading.Lock()
        #: card id → the booth holding it, until its CardSettle is in the database
        self._claims: dict[int, str] = self.store.claims()

    # -------------------------------------------------------------- the port

    def authorize(
        self, pin: str, booth: str, call_ref: str, now: datetime
    ) -> CardGrant | CardRefusal:
        outcome = self.store.check(pin, booth, now)
        if isinstance(outcome, StoredGrant):
            with self._claims_lock:
                holder = self._claims.get(outcome.card_id)
                if holder is None or holder == booth:
                    self._claims[outcome.card_id] = booth
            if holder is not None and holder != booth:
                return CardRefusal(
                    Refused.IN_USE,
                    _DETAIL[RefusalReason.IN_USE],
                    outcome.serial,
                    outcome.card_id,
                )
            return CardGrant(
                outcome.card_id,
                outcome.serial,
                outcome.balance_minor,
                self.tariff(outcome.price_list_version_id),
            )
        return CardRefusal(
            Refused(outcome.reason.value), _DETAIL[outcome.reason], card_id=outcome.card_id
        )

    def record_check(self, check: CardCheck) -> None:
        self.store.record_check(check.booth, check.at, check.reason, check.card_id)

    def claimed(self) -> dict[int, str]:
        """The claims held now (card id → booth)."""
        with self._claims_lock:
            return dict(self._claims)

    def start_call(self, start: CardStart) -> None:
        self.store.start_call(start.card_id, start.booth, start.call_ref)

    def settle(self, settle: CardSettle) -> None:
        if settle.amount_minor > 0:
            self.store.debit(
                settle.card_id,
                settle.call_ref,
                settle.amount_minor,
                booth=settle.booth,
                at=settle.at,
            )
        else:  # an attempt, or a call that cost nothing: the card is only freed
            self.store.release(settle.card_id, settle.booth)
        self._let_go(settle.card_id, settle.booth)

    def release_all(self) -> int:
        """Free every card (start-up, after recovery): in the database and here."""
        done = self.store.release_booth(None)
        with self._claims_lock:
            self._claims.clear()
        return done

    def _let_go(self, card_id: int, booth: str) -> None:
        with self._claims_lock:
            if self._claims.get(card_id) == booth:
                del self._claims[card_id]

    # ------------------------------------------------------------ price lists

    def tariff(self, version_id: int | None) -> Tariff | None:
        """The tariff of a card batch's own price list (None: the shop's active one)."""
        if version_id is None or version_id == self.shop.pricing.version_id:
            return None
        with self._lock:
            pricing = self._pricings.get(version_id)
            if pricing is None:
                with self.shop.db.read() as session:
                    entries = load_entries(session, version_id)
                pricing = Pricing(version_id, PriceIndex(entries, version_id), self.shop.settings)
                self._pricings[version_id] = pricing
        return RaterTariff(pricing.rater, version_id)

    def card_tariff(self, card_id: int) -> Tariff:
        """The tariff a call with card ``card_id`` is priced with."""
        with self.shop.db.read() as session:
            version_id = session.scalar(
                select(CardBatch.price_list_version_id)
                .join(Card, Card.batch_id == CardBatch.id)
                .where(Card.id == card_id)
            )
        return self.tariff(version_id) or shop_tariff(self.shop)


@dataclass(frozen=True, slots=True)
class CardRecovery:
    finished: tuple[str, ...]  # card calls finished as interrupted (call refs)
    debited: tuple[str, ...]  # finished card calls debited now
    released: int  # cards freed


def recover_card_calls(shop: Shop, cards: ShopCardPort, skip: Iterable[str] = ()) -> CardRecovery:
    """See the module docstring. Safe to run twice: nothing is finished or debited twice.
    A call in ``skip`` (its records still wait in a spill journal) is left alone."""
    left = set(skip)
    recorder = DatabaseCallRecorder(shop)
    with shop.db.read() as session:
        running = session.execute(
            select(Call.call_ref, Call.number, Call.answered_at, Call.setup_at, CardCall.card_id)
            .join(CardCall, CardCall.call_ref == Call.call_ref)
            .where(Call.state == CallState.IN_PROGRESS.value)
            .order_by(Call.id)
        ).all()
    finished: list[str] = []
    for ref, number, answered_at, setup_at, card_id in running:
        if ref in left:
            continue
        end = recovery_end(shop, ref) or answered_at or setup_at
        tariff = cards.card_tariff(card_id)
        destination = tariff.look_up(number)
        seconds = 0
        if answered_at is not None:
            seconds = min(MAX_CALL_S, whole_seconds(end - answered_at))
        rating = tariff.rate(destination, answered_at, seconds)
        recorder.call_ended(
            ref,
            end,
            HangupReason.INTERRUPTED,
            HangupSide.SYSTEM,
            rating,
            (CallFlag.INTERRUPTED.value,),
        )
        finished.append(ref)
    debited = _debit_finished(shop, cards, left)
    released = cards.release_all()
    if finished or debited or released:
        log.warning(
            "calling cards after a crash: %d call(s) finished as interrupted, %d debited, "
            "%d card(s) freed",
            len(finished),
            len(debited),
            released,
        )
    return CardRecovery(tuple(finished), tuple(debited), released)


def _debit_finished(shop: Shop, cards: ShopCardPort, skip: set[str]) -> list[str]:
    """Debit every finished, priced card call that has no debit yet."""
    debit_of_call = exists().where(
        and_(
            CardMovement.call_ref == Call.call_ref,
            CardMovement.kind == CardMovementKind.DEBIT.value,
        )
    )
    with shop.db.read() as session:
        owed = session.execute(
            select(Call.call_ref, Call.booth, Call.ended_at, Call.price_minor, CardCall.card_id)
            .join(CardCall, CardCall.call_ref == Call.call_ref)
            .where(
                Call.state == CallState.FINISHED.value,
                Call.answered_at.is_not(None),
                Call.price_minor > 0,
                ~debit_of_call,
            )
            .order_by(Call.id)
        ).all()
    done: list[str] = []
    for ref, booth, ended_at, price, card_id in owed:
        if ref in skip:
            continue
        cards.settle(CardSettle(booth, ref, card_id, int(price or 0), ended_at or shop.clock.now()))
        done.append(ref)
    return done
