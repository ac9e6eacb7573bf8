"""What the cashier does with cards: sell one, top one up, check a balance.

A sale is money of the open shift like a payment: cash in (``tendered − change``),
registered on the fiscal device first when one is configured (nothing is recorded if
that fails), a receipt, a journal entry. It is one ``sale`` movement: the card's
balance becomes its face value (before, it carried no money). A top-up (only with
the ``card_top_up`` setting) adds cash to a sold card the same way. Card sales are
not rounded to the cash unit: the face value is what is printed on the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.cards import (
    Card,
    CardBatch,
    CardMovement,
    CardMovementKind,
    CardStatus,
)
from callshop_pos.errors import InvalidInput
from callshop_pos.money import format_minor
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.common import (
    CardView,
    card_by_serial,
    card_view,
    effective_status,
)
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import MAX_CASH_MINOR, require_own_open_shift, user_id

__all__ = [
    "CardFiscalHook",
    "CardSale",
    "CardSaleQuote",
    "card_balance",
    "quote_card_sale",
    "quote_top_up",
    "sell_card",
    "top_up_card",
]


@dataclass(frozen=True, slots=True)
class CardSaleQuote:
    """What the cashier confirms: the card and the amount to take."""

    serial: str
    kind: CardMovementKind  # sale or top_up
    amount_minor: int
    currency: str
    balance_before_minor: int
    #: identifies the sale across retries (fiscal registration)
    content_key: str

    def change_for(self, tendered_minor: int) -> int:
        return tendered_minor - self.amount_minor


@dataclass(frozen=True, slots=True)
class CardSale:
    """A recorded sale or top-up."""

    movement_id: int
    card: CardView
    kind: CardMovementKind
    shift_id: int
    at: datetime
    amount_minor: int
    tendered_minor: int
    change_minor: int
    fiscal_sale_id: int | None


class CardFiscalHook(Protocol):
    """Registers a card sale on the fiscal device
    (:class:`callshop_pos.services.till.fiscal.FiscalGate` is one)."""

    def before_card_sale(
        self, shop: Shop, actor: Actor, quote: CardSaleQuote, tendered_minor: int
    ) -> None:
        """Register the sale before anything is recorded; raise to refuse it."""
        ...

    def link_card_sale(self, session: Session, quote: CardSaleQuote) -> int | None:
        """In the sale's transaction: the registered fiscal sale's id."""
        ...


def _check_amount(amount_minor: int, what: str) -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"{what} must be an int of minor units")
    if amount_minor <= 0:
        raise InvalidInput(f"{what} must be above zero")
    if amount_minor > MAX_CASH_MINOR:
        raise InvalidInput(f"{what} is implausibly large")
    return amount_minor


def _sellable(card: Card, batch: CardBatch, now: datetime) -> None:
    status = effective_status(card, batch, now)
    if status is CardStatus.BLOCKED:
        raise InvalidInput(f"card {card.serial} is blocked: it cannot be sold")
    if status is CardStatus.EXPIRED:
        raise InvalidInput(f"card {card.serial} has expired: it cannot be sold")
    if status is not CardStatus.CREATED:
        raise InvalidInput(f"card {card.serial} was sold already ({status.value})")


def _top_uppable(card: Card, batch: CardBatch, now: datetime) -> None:
    status = effective_status(card, batch, now)
    if status is CardStatus.CREATED:
        raise InvalidInput(f"card {card.serial} is not sold yet: sell it first")
    if status in (CardStatus.BLOCKED, CardStatus.EXPIRED):
        raise InvalidInput(f"card {card.serial} is {status.value}: it cannot be topped up")


def _movements(session: Session, card_id: int) -> int:
    return int(
        session.scalar(select(func.count(CardMovement.id)).where(CardMovement.card_id == card_id))
        or 0
    )


def _quote(
    session: Session, shop: Shop, serial: str, kind: CardMovementKind, amount: int | None
) -> CardSaleQuote:
    card = card_by_serial(session, serial)
    batch = session.get_one(CardBatch, card.batch_id)
    now = shop.clock.now()
    if kind is CardMovementKind.SALE:
        _sellable(card, batch, now)
        amount = card.face_value_minor
    else:
        _top_uppable(card, batch, now)
        assert amount is not None
    # A retry of the same sale (same card, same state, same amount) has the same key.
    key = f"card:{card.id}:{kind.value}:{_movements(session, card.id)}:{amount}"
    return CardSaleQuote(
        serial=card.serial,
        kind=kind,
        amount_minor=amount,
        currency=batch.currency,
        balance_before_minor=card.balance_minor,
        content_key=key,
    )


def quote_card_sale(shop: Shop, actor: Actor, serial: str) -> CardSaleQuote:
    """What selling the card costs (its face value); refused for a card that cannot be
    sold. Changes nothing."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        require_own_open_shift(session, actor, lock=False)
        return _quote(session, shop, serial, CardMovementKind.SALE, None)


def quote_top_up(shop: Shop, actor: Actor, serial: str, amount_minor: int) -> CardSaleQuote:
    require_role(actor, Role.OPERATOR)
    _check_amount(amount_minor, "the top-up")
    if not shop.settings.card_top_up:
        raise InvalidInput("topping up cards is switched off (setting card_top_up)")
    with shop.db.read() as session:
        require_own_open_shift(session, actor, lock=False)
        return _quote(session, shop, serial, CardMovementKind.TOP_UP, amount_minor)


def _tendered(quote: CardSaleQuote, tendered_minor: int | None) -> int:
    tendered = quote.amount_minor if tendered_minor is None else tendered_minor
    if isinstance(tendered, bool) or not isinstance(tendered, int):
        raise TypeError("tendered_minor must be an int of minor units")
    if tendered < quote.amount_minor:
        raise InvalidInput(
            f"the amount tendered ({format_minor(tendered)}) is less than "
            f"the price ({format_minor(quote.amount_minor)})"
        )
    if tendered > MAX_CASH_MINOR:
        raise InvalidInput("the amount tendered is implausibly large")
    return tendered


def _record(
    shop: Shop,
    actor: Actor,
    quote: CardSaleQuote,
    tendered_minor: int | None,
    fiscal: CardFiscalHook | None,
) -> CardSale:
    tendered = _tendered(quote, tendered_minor)
    if fiscal is not None:
        fiscal.before_card_sale(shop, actor, quote, tendered)
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        card = card_by_serial(session, quote.serial, lock=True)
        current = _quote(
            session,
            shop,
            quote.serial,
            quote.kind,
            quote.amount_minor if quote.kind is CardMovementKind.TOP_UP else None,
        )
        if current != quote:
            raise InvalidInput("the card changed since it was shown; scan it again")
        now = shop.clock.now()
        card.balance_minor += quote.amount_minor
        if quote.kind is CardMovementKind.SALE:
            card.status = CardStatus.SOLD.value
            card.sold_at = now
        elif card.status == CardStatus.EXHAUSTED.value:
            card.status = CardStatus.IN_USE.value
        fiscal_id = fiscal.link_card_sale(session, quote) if fiscal is not None else None
        movement = CardMovement(
            card_id=card.id,
            kind=quote.kind.value,
            at=now,
            amount_minor=quote.amount_minor,
            balance_after_minor=card.balance_minor,
            shift_id=shift.id,
            operator_id=user_id(actor),
            tendered_minor=tendered,
            change_minor=tendered - quote.amount_minor,
            fiscal_sale_id=fiscal_id,
        )
        session.add(movement)
        session.flush()
        rows: list[Base] = [movement, card]
        journal.append(
            session,
            actor,
            "card.sale" if quote.kind is CardMovementKind.SALE else "card.top_up",
            subject=card,
            payload={
                "serial": card.serial,
                "shift_id": shift.id,
                "amount_minor": quote.amount_minor,
                "tendered_minor": tendered,
                "change_minor": tendered - quote.amount_minor,
                "balance_minor": card.balance_minor,
            },
            rows=rows,
        )
        batch = session.get_one(CardBatch, card.batch_id)
        return CardSale(
            movement_id=movement.id,
            card=card_view(card, batch, now),
            kind=quote.kind,
            shift_id=shift.id,
            at=now,
            amount_minor=quote.amount_minor,
            tendered_minor=tendered,
            change_minor=tendered - quote.amount_minor,
            fiscal_sale_id=fiscal_id,
        )


def sell_card(
    shop: Shop,
    actor: Actor,
    quote: CardSaleQuote | str,
    tendered_minor: int | None = None,
    *,
    fiscal: CardFiscalHook | None = None,
) -> CardSale:
    """Sell the card (a :class:`CardSaleQuote` the cashier was shown, or its serial):
    its face value in cash in the open shift. ``tendered_minor`` None = exact."""
    require_role(actor, Role.OPERATOR)
    if isinstance(quote, str):
        quote = quote_card_sale(shop, actor, quote)
    if quote.kind is not CardMovementKind.SALE:
        raise InvalidInput("this is a top-up, not a sale")
    return _record(shop, actor, quote, tendered_minor, fiscal)


def top_up_card(
    shop: Shop,
    actor: Actor,
    quote: CardSaleQuote,
    tendered_minor: int | None = None,
    *,
    fiscal: CardFiscalHook | None = None,
) -> CardSale:
    """Add ``quote.amount_minor`` (from :func:`quote_top_up`) to a sold card."""
    require_role(actor, Role.OPERATOR)
    if quote.kind is not CardMovementKind.TOP_UP:
        raise InvalidInput("this is a sale, not a top-up")
    if not shop.settings.card_top_up:
        raise InvalidInput("topping up cards is switched off (setting card_top_up)")
    return _record(shop, actor, quote, tendered_minor, fiscal)


def card_balance(shop: Shop, actor: Actor, serial: str) -> CardView:
    """A card's status and balance by serial (the cashier; no history)."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        card = card_by_serial(session, serial)
        batch = session.get_one(CardBatch, card.batch_id)
        return card_view(card, batch, shop.clock.now())
