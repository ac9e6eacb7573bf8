"""The payments of a shift, newest first: what the cashier picks from to reprint a receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.payments import Payment, PaymentLine, PaymentLineKind
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift_row, visible_shift

__all__ = ["PaymentSummary", "shift_payments"]


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
