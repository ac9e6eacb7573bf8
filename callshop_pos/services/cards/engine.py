"""What the line engine does with a card (actor :data:`~callshop_pos.services.auth.SYSTEM`).

- :func:`authorize` — a booth dialled the access code and a PIN: find the card by the
  PIN's keyed hash (one unique-index lookup), check it (sold, not expired, not
  blocked, balance above zero, not on another booth), take it for the booth and
  return a :class:`CardGrant`, or a :class:`CardRefusal` with the reason. Every
  attempt is logged in ``card_attempts`` (never the PIN); the refusal carries the
  booth's wrong-PIN count in the window so the engine can lock the booth.
- :func:`check` / :func:`record_check` — the same check split for the line engine, the
  one writer of card claims: :func:`check` only reads (the engine keeps the claims in
  memory and decides), :func:`record_check` later stores what was decided — the
  attempt, the claim, the first use, an expiry met — through the engine's outbox.
  :func:`claims` reads the claims stored (the engine's start).
- :func:`start_call` — the call made with the card has a reference now: link them.
- :func:`debit` — the call ended: debit its price once per call reference (a replay
  after a crash returns the first debit and changes nothing) and free the card.
- :func:`release` / :func:`release_booth` — the card is no longer used by the booth
  without a debit (nothing dialled, start-up after a crash).

Whether the balance covers the first block and connect fee depends on the number
dialled, so the engine decides that with the grant's balance and price list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.cards import (
    Card,
    CardAttempt,
    CardBatch,
    CardCall,
    CardMovement,
    CardMovementKind,
    CardStatus,
)
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.common import effective_status, expires_after_first_use
from callshop_pos.services.cards.secret import card_key
from callshop_pos.services.context import Shop

__all__ = [
    "MAX_PIN_DIGITS",
    "MIN_PIN_DIGITS",
    "WRONG_PIN_WINDOW",
    "CardDebit",
    "CardGrant",
    "CardRefusal",
    "RefusalReason",
    "authorize",
    "check",
    "claims",
    "debit",
    "record_check",
    "release",
    "release_booth",
    "start_call",
    "wrong_pins",
]

log = logging.getLogger("callshop_pos.cards")

MIN_PIN_DIGITS = 10
MAX_PIN_DIGITS = 20
#: Wrong PINs are counted over this window (the engine locks a booth at five).
WRONG_PIN_WINDOW = timedelta(minutes=10)


class RefusalReason(StrEnum):
    WRONG_PIN = "wrong_pin"  # no card has this PIN (counts towards the booth lock)
    NOT_SOLD = "not_sold"
    EXPIRED = "expired"
    BLOCKED = "blocked"
    EXHAUSTED = "exhausted"  # balance 0
    IN_USE = "in_use"  # calling from another booth right now


@dataclass(frozen=True, slots=True)
class CardGrant:
    """The card may call from the booth; it is taken for that booth until
    :func:`debit` or :func:`release`."""

    card_id: int
    serial: str
    balance_minor: int
    currency: str
    #: price list version for its calls; None = the shop's active price list
    price_list_version_id: int | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class CardRefusal:
    reason: RefusalReason
    #: wrong PINs from this booth within :data:`WRONG_PIN_WINDOW`, this one included
    #: (0 from :func:`check`, which counts nothing)
    wrong_pins: int
    card_id: int | None = None  # the card refused (None: no card has the PIN)


@dataclass(frozen=True, slots=True)
class CardDebit:
    card_id: int
    call_ref: str
    movement_id: int
    debited_minor: int  # taken from the balance
    requested_minor: int  # the call's price (more only if the balance ran short)
    balance_minor: int  # after it
    replay: bool  # True: this call had been debited before; nothing changed now


def _count(result: object) -> int:
    """Rows an UPDATE changed."""
    return int(cast("CursorResult[Any]", result).rowcount)


def _open_shift_id(session: Session) -> int | None:
    return session.scalar(select(Shift.id).where(Shift.status == ShiftStatus.OPEN.value))


def wrong_pins(session: Session, booth: str, now: datetime) -> int:
    """Wrong PINs dialled at ``booth`` in the window ending ``now``."""
    return int(
        session.scalar(
            select(func.count(CardAttempt.id)).where(
                CardAttempt.booth == booth,
                CardAttempt.at > now - WRONG_PIN_WINDOW,
                CardAttempt.at <= now,
                CardAttempt.reason == RefusalReason.WRONG_PIN.value,
            )
        )
        or 0
    )


def _well_formed(pin: str) -> bool:
    return MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS and pin.isascii() and pin.isdigit()


def _refuse(
    session: Session, booth: str, now: datetime, reason: RefusalReason, card: Card | None
) -> CardRefusal:
    session.add(
        CardAttempt(
            at=now, booth=booth, ok=False, reason=reason.value, card_id=card.id if card else None
        )
    )
    session.flush()
    count = wrong_pins(session, booth, now)
    log.info(
        "card refused at %s: %s%s",
        booth,
        reason.value,
        f" (card {card.serial})" if card is not None else "",
    )
    return CardRefusal(reason, count)


def _check(card: Card, batch: CardBatch, booth: str, now: datetime) -> RefusalReason | None:
    status = effective_status(card, batch, now)
    if status is CardStatus.BLOCKED:
        return RefusalReason.BLOCKED
    if status is CardStatus.EXPIRED:
        return RefusalReason.EXPIRED
    if status is CardStatus.CREATED:
        return RefusalReason.NOT_SOLD
    if card.balance_minor <= 0 or status is CardStatus.EXHAUSTED:
        return RefusalReason.EXHAUSTED
    if card.in_use_booth is not None and card.in_use_booth != booth:
        return RefusalReason.IN_USE
    return None


def authorize(
    shop: Shop, actor: Actor, pin: str, booth: str, now: datetime
) -> CardGrant | CardRefusal:
    """Check ``pin`` dialled at ``booth`` and take the card for it (see the module)."""
    require_role(actor, Role.SYSTEM)
    digest = card_key(shop.data_dir).pin_hash(pin) if _well_formed(pin) else None
    with shop.db.write() as session:
        card = (
            None
            if digest is None
            else session.scalars(select(Card).where(Card.pin_hash == digest)).one_or_none()
        )
        if card is None:
            return _refuse(session, booth, now, RefusalReason.WRONG_PIN, None)
        batch = session.get_one(CardBatch, card.batch_id)
        reason = _check(card, batch, booth, now)
        if reason is RefusalReason.EXPIRED and card.status != CardStatus.EXPIRED.value:
            card.status = CardStatus.EXPIRED.value
            journal.append(
                session,
                actor,
                "card.expire",
                subject=card,
                payload={"serial": card.serial, "balance_minor": card.balance_minor},
                rows=[card],
            )
        if reason is not None:
            return _refuse(session, booth, now, reason, card)
        # Take the card for this booth; the condition makes two booths' race safe.
        taken = _count(
            session.execute(
                update(Card)
                .where(
                    Card.id == card.id, (Card.in_use_booth.is_(None)) | (Card.in_use_booth == booth)
                )
                .values(in_use_booth=booth, in_use_since=now)
                .execution_options(synchronize_session=False)
            )
        )
        if taken != 1:
            return _refuse(session, booth, now, RefusalReason.IN_USE, card)
        session.refresh(card)
        if card.first_used_at is None:
            card.first_used_at = now
            card.status = CardStatus.IN_USE.value
            card.expires_at = expires_after_first_use(batch, now) or card.expires_at
            journal.append(
                session,
                actor,
                "card.first_use",
                subject=card,
                payload={"serial": card.serial, "booth": booth, "expires_at": card.expires_at},
                rows=[card],
            )
        session.add(CardAttempt(at=now, booth=booth, ok=True, reason="ok", card_id=card.id))
        log.info("card %s authorized at %s", card.serial, booth)
        return CardGrant(
            card_id=card.id,
            serial=card.serial,
            balance_minor=card.balance_minor,
            currency=batch.currency,
            price_list_version_id=batch.price_list_version_id,
            expires_at=card.expires_at,
        )


def check(shop: Shop, actor: Actor, pin: str, booth: str, now: datetime) -> CardGrant | CardRefusal:
    """:func:`authorize` without writing anything: one read by the PIN's keyed hash and
    the checks, on the card's committed state now (a block or top-up committed before
    is seen; one committed after counts from the next check). A card the database
    shows in use at another booth is refused; the caller keeps its own claims."""
    require_role(actor, Role.SYSTEM)
    digest = card_key(shop.data_dir).pin_hash(pin) if _well_formed(pin) else None
    if digest is None:
        return CardRefusal(RefusalReason.WRONG_PIN, 0)
    with shop.db.read() as session:
        row = session.execute(
            select(Card, CardBatch)
            .join(CardBatch, CardBatch.id == Card.batch_id)
            .where(Card.pin_hash == digest)
        ).one_or_none()
        if row is None:
            return CardRefusal(RefusalReason.WRONG_PIN, 0)
        card, batch = row[0], row[1]
        reason = _check(card, batch, booth, now)
        if reason is not None:
            return CardRefusal(reason, 0, card.id)
        expires_at = card.expires_at
        if card.first_used_at is None:
            expires_at = expires_after_first_use(batch, now) or expires_at
        return CardGrant(
            card_id=card.id,
            serial=card.serial,
            balance_minor=card.balance_minor,
            currency=batch.currency,
            price_list_version_id=batch.price_list_version_id,
            expires_at=expires_at,
        )


def record_check(
    shop: Shop,
    actor: Actor,
    booth: str,
    at: datetime,
    reason: str,
    card_id: int | None,
) -> None:
    """Store a check :func:`check` decided at ``at`` (``reason`` "ok" or a
    :class:`RefusalReason` value), in one transaction: the attempt row; for a grant the
    card's claim for ``booth`` and, at its first use, ``first_used_at``, the expiry
    "after first use" and ``in_use`` (unless the cashier blocked it since: a block
    stays); for an expired card not yet marked so, its ``expired`` status. The card is
    read again under the write lock, so a top-up or a block committed since the check
    is kept."""
    require_role(actor, Role.SYSTEM)
    ok = reason == "ok"
    if not ok:
        RefusalReason(reason)  # a clear error for a code that is not one
    with shop.db.write() as session:
        session.add(CardAttempt(at=at, booth=booth, ok=ok, reason=reason, card_id=card_id))
        if card_id is None:
            return
        card = session.get(Card, card_id, with_for_update=True)
        if card is None:
            raise NotFound(f"no card {card_id}")
        batch = session.get_one(CardBatch, card.batch_id)
        if ok:
            if card.in_use_booth in (None, booth):
                card.in_use_booth, card.in_use_since = booth, at
            else:  # cannot happen with one engine: its claims are the only ones
                log.warning(
                    "card %s granted at %s is held by %s", card.serial, booth, card.in_use_booth
                )
            if card.first_used_at is None:
                card.first_used_at = at
                if card.status == CardStatus.SOLD.value:
                    card.status = CardStatus.IN_USE.value
                card.expires_at = expires_after_first_use(batch, at) or card.expires_at
                journal.append(
                    session,
                    actor,
                    "card.first_use",
                    subject=card,
                    payload={"serial": card.serial, "booth": booth, "expires_at": card.expires_at},
                    rows=[card],
                )
        elif (
            reason == RefusalReason.EXPIRED.value
            and card.status != CardStatus.EXPIRED.value
            and effective_status(card, batch, at) is CardStatus.EXPIRED
        ):
            card.status = CardStatus.EXPIRED.value
            journal.append(
                session,
                actor,
                "card.expire",
                subject=card,
                payload={"serial": card.serial, "balance_minor": card.balance_minor},
                rows=[card],
            )


def claims(shop: Shop) -> dict[int, str]:
    """The cards the database shows in use: card id → booth."""
    with shop.db.read() as session:
        rows = session.execute(
            select(Card.id, Card.in_use_booth).where(Card.in_use_booth.is_not(None))
        ).all()
    return {card_id: str(booth) for card_id, booth in rows}


def start_call(shop: Shop, actor: Actor, card_id: int, booth: str, call_ref: str) -> None:
    """Link the call ``call_ref`` at ``booth`` to the card (idempotent per call)."""
    require_role(actor, Role.SYSTEM)
    with shop.db.write() as session:
        existing = session.scalars(select(CardCall).where(CardCall.call_ref == call_ref)).first()
        if existing is not None:
            if existing.card_id != card_id:
                raise InvalidInput(f"call {call_ref} is already made with another card")
            return
        card = session.get(Card, card_id)
        if card is None:
            raise NotFound(f"no card {card_id}")
        row = CardCall(card_id=card_id, call_ref=call_ref, booth=booth, at=shop.clock.now())
        session.add(row)
        session.flush()
        journal.append(
            session,
            actor,
            "card.call",
            subject=card,
            payload={"serial": card.serial, "booth": booth, "call_ref": call_ref},
            rows=[row],
        )


def _replayed(session: Session, call_ref: str) -> CardMovement | None:
    return session.scalars(
        select(CardMovement).where(
            CardMovement.call_ref == call_ref, CardMovement.kind == CardMovementKind.DEBIT.value
        )
    ).first()


def _as_debit(m: CardMovement, *, replay: bool) -> CardDebit:
    assert m.call_ref is not None
    return CardDebit(
        card_id=m.card_id,
        call_ref=m.call_ref,
        movement_id=m.id,
        debited_minor=m.amount_minor,
        requested_minor=m.requested_minor if m.requested_minor is not None else m.amount_minor,
        balance_minor=m.balance_after_minor,
        replay=replay,
    )


def debit(
    shop: Shop,
    actor: Actor,
    card_id: int,
    call_ref: str,
    amount_minor: int,
    *,
    booth: str | None = None,
    at: datetime | None = None,
) -> CardDebit:
    """Debit the price of call ``call_ref`` from the card, once; free the card.

    A replay (same call reference, e.g. after a crash) returns the first debit and
    changes nothing. A price above the balance takes the balance (the shortfall is
    recorded as ``requested_minor``); the engine's cut-off keeps that from happening.
    """
    require_role(actor, Role.SYSTEM)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int of minor units")
    if amount_minor < 0:
        raise InvalidInput("a call's price cannot be negative")
    if not call_ref:
        raise InvalidInput("a debit needs the call's reference")
    try:
        with shop.db.write() as session:
            earlier = _replayed(session, call_ref)
            if earlier is not None:
                return _debit_replay(earlier, card_id)
            card = session.get(Card, card_id, with_for_update=True)
            if card is None:
                raise NotFound(f"no card {card_id}")
            now = at if at is not None else shop.clock.now()
            taken = min(amount_minor, card.balance_minor)
            card.balance_minor -= taken
            if card.balance_minor == 0 and card.status in (
                CardStatus.SOLD.value,
                CardStatus.IN_USE.value,
            ):
                card.status = CardStatus.EXHAUSTED.value
            if card.in_use_booth is not None and (booth is None or card.in_use_booth == booth):
                card.in_use_booth = None
                card.in_use_since = None
            movement = CardMovement(
                card_id=card.id,
                kind=CardMovementKind.DEBIT.value,
                at=now,
                amount_minor=taken,
                balance_after_minor=card.balance_minor,
                shift_id=_open_shift_id(session),
                call_ref=call_ref,
                booth=booth,
                requested_minor=amount_minor,
            )
            session.add(movement)
            session.flush()
            journal.append(
                session,
                actor,
                "card.debit",
                subject=card,
                payload={
                    "serial": card.serial,
                    "call_ref": call_ref,
                    "amount_minor": taken,
                    "requested_minor": amount_minor,
                    "balance_minor": card.balance_minor,
                },
                rows=[movement, card],
            )
            return _as_debit(movement, replay=False)
    except IntegrityError:
        # Two writers debited the same call at once: the partial unique index decided.
        with shop.db.read() as session:
            earlier = _replayed(session, call_ref)
            if earlier is None:
                raise
            return _debit_replay(earlier, card_id)


def _debit_replay(earlier: CardMovement, card_id: int) -> CardDebit:
    if earlier.card_id != card_id:
        raise InvalidInput(f"call {earlier.call_ref} was debited from another card")
    return _as_debit(earlier, replay=True)


def release(shop: Shop, actor: Actor, card_id: int, booth: str) -> bool:
    """Free the card if ``booth`` holds it (no call was made or it was never debited
    because it cost nothing). Returns whether it was held by the booth."""
    require_role(actor, Role.SYSTEM)
    with shop.db.write() as session:
        done = _count(
            session.execute(
                update(Card)
                .where(Card.id == card_id, Card.in_use_booth == booth)
                .values(in_use_booth=None, in_use_since=None)
                .execution_options(synchronize_session=False)
            )
        )

        return bool(done)


def release_booth(shop: Shop, actor: Actor, booth: str | None = None) -> int:
    """Free every card held by ``booth`` (None: by any booth) — the engine's start-up,
    after it has debited the calls it recovered. Returns how many were freed."""
    require_role(actor, Role.SYSTEM)
    with shop.db.write() as session:
        stmt = update(Card).where(Card.in_use_booth.is_not(None))
        if booth is not None:
            stmt = stmt.where(Card.in_use_booth == booth)
        done = _count(
            session.execute(
                stmt.values(in_use_booth=None, in_use_since=None).execution_options(
                    synchronize_session=False
                )
            )
        )

        return int(done)
