"""The payments and card sales of a shift, newest first: what the cashier picks from to
reprint a receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import Card, CardMovement, CardMovementKind
from callshop_pos.db.models.payments import Payment, PaymentLine, PaymentLineKind
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift_row, visible_shift

__all__ = ["CardSaleSummary", "PaymentSummary", "shift_card_sales", "shift_payments"]


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    payment_id: int
    shift_id: int
    at: datetime
    total_minor: int
    tendered_minor: int
    change_minor: int
    call_count: int
    booths: tuple[str, ...]  # sorted, each once


@dataclass(frozen=True, slots=True)
class CardSaleSummary:
    """A prepaid calling card sold or topped up in the shift (it has a receipt)."""

    movement_id: int
    shift_id: int
    at: datetime
    serial: str
    kind: str  # sale / top_up
    amount_minor: int
    tendered_minor: int
    change_minor: int


def shift_card_sales(
    shop: Shop, actor: Actor, shift_id: int | None = None, *, limit: int = 200
) -> list[CardSaleSummary]:
    """The newest ``limit`` card sales and top-ups of ``shift_id`` (default: the open
    shift), newest first; the same visibility as :func:`shift_payments`."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        if shift_id is None:
            shift = open_shift_row(session)
            if shift is None:
                return []
            shift_id = shift.id
        visible_shift(session, actor, shift_id)
        rows = session.execute(
            select(CardMovement, Card.serial)
            .join(Card, Card.id == CardMovement.card_id)
            .where(
                CardMovement.shift_id == shift_id,
                CardMovement.kind.in_((CardMovementKind.SALE.value, CardMovementKind.TOP_UP.value)),
            )
            .order_by(CardMovement.id.desc())
            .limit(max(1, limit))
        ).all()
        return [
            CardSaleSummary(
                movement_id=m.id,
                shift_id=shift_id,
                at=m.at,
                serial=serial,
                kind=m.kind,
                amount_minor=m.amount_minor,
                tendered_minor=m.tendered_minor or 0,
                change_minor=m.change_minor or 0,
            )
            for m, serial in rows
        ]


def shift_payments(
    shop: Shop, actor: Actor, shift_id: int | None = None, *, limit: int = 200
) -> list[PaymentSummary]:
    """The newest ``limit`` payments of ``shift_id`` (default: the open shift), newest first.

    Operators see only their own shifts; no open shift and no ``shift_id`` gives [].
    """
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        if shift_id is None:
            shift = open_shift_row(session)
            if shift is None:
                return []
            shift_id = shift.id
        visible_shift(session, actor, shift_id)
        payments = session.scalars(
            select(Payment)
            .where(Payment.shift_id == shift_id)
            .order_by(Payment.id.desc())
            .limit(max(1, limit))
        ).all()
        ids = [p.id for p in payments]
        booths: dict[int, set[str]] = {i: set() for i in ids}
        counts: dict[int, int] = dict.fromkeys(ids, 0)
        rows = session.execute(
            select(PaymentLine.payment_id, Call.booth)
            .join(Call, Call.id == PaymentLine.call_id)
            .where(
                PaymentLine.payment_id.in_(ids),
                PaymentLine.kind == PaymentLineKind.CALL.value,
            )
        ).all()
        for payment_id, booth in rows:
            booths[payment_id].add(booth)
            counts[payment_id] += 1
        return [
            PaymentSummary(
                payment_id=p.id,
                shift_id=p.shift_id,
                at=p.at,
                total_minor=p.total_minor,
                tendered_minor=p.tendered_minor,
                change_minor=p.change_minor,
                call_count=counts[p.id],
                booths=tuple(sorted(booths[p.id])),
            )
            for p in payments
        ]
