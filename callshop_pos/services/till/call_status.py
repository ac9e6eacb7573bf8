"""A call's status in the open shift: paid, unpaid (served without payment) or back to
unserved; a paid call that changes status is refunded.

Each function is one user action in one transaction, checks the caller's role,
journals every row it writes and returns a :class:`StatusChange`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.calls import (
    Call,
    CallChange,
    CallStatus,
)
from callshop_pos.db.models.payments import PaymentLine, Refund
from callshop_pos.db.models.shifts import Shift
from callshop_pos.errors import InvalidInput
from callshop_pos.money import round_to_unit
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.calls import CallView, call_view
from callshop_pos.services.till.payments import (
    PaymentResult,
    calls_in_open_shift,
    cash_unit,
    payable_bill,
    record_payment,
    tendered_for,
)
from callshop_pos.services.till.shifts import require_own_open_shift, user_id

__all__ = [
    "RefundView",
    "StatusChange",
    "back_to_unserved",
    "mark_unpaid",
    "quote_refund",
    "require_reason",
    "set_call_status",
]


@dataclass(frozen=True, slots=True)
class RefundView:
    refund_id: int
    call_id: int
    payment_id: int
    amount_minor: int
    rounding_minor: int
    total_minor: int  # cash handed back


@dataclass(frozen=True, slots=True)
class StatusChange:
    """Calls whose status changed, and the money that moved with them."""

    shift_id: int
    calls: tuple[CallView, ...]
    payment: PaymentResult | None
    refunds: tuple[RefundView, ...]

    @property
    def refunded_minor(self) -> int:
        return sum(r.total_minor for r in self.refunds)


def require_reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"{what} needs a reason")
    if len(text) > 500:
        raise InvalidInput("the reason is too long (500 characters at most)")
    return text


def _last_payment_line(session: Session, call_id: int) -> PaymentLine:
    line = session.scalars(
        select(PaymentLine)
        .where(PaymentLine.call_id == call_id)
        .order_by(PaymentLine.id.desc())
        .limit(1)
    ).first()
    if line is None:  # pragma: no cover - a paid call always has a payment line
        raise RuntimeError(f"paid call {call_id} has no payment line")
    return line


def _record_refund(
    session: Session, shop: Shop, actor: Actor, shift: Shift, call: Call, reason: str
) -> tuple[Refund, list[Base]]:
    assert call.price_minor is not None  # a paid call is always priced
    line = _last_payment_line(session, call.id)
    amount = line.amount_minor
    total = _refund_total(amount, cash_unit(shop))
    refund = Refund(
        shift_id=shift.id,
        operator_id=user_id(actor),
        at=shop.clock.now(),
        call_id=call.id,
        payment_id=line.payment_id,
        amount_minor=amount,
        rounding_minor=total - amount,
        total_minor=total,
        reason=reason,
    )
    session.add(refund)
    session.flush()
    return refund, [refund]


def _refund_view(refund: Refund) -> RefundView:
    return RefundView(
        refund_id=refund.id,
        call_id=refund.call_id,
        payment_id=refund.payment_id,
        amount_minor=refund.amount_minor,
        rounding_minor=refund.rounding_minor,
        total_minor=refund.total_minor,
    )


def _change_status(
    session: Session,
    shop: Shop,
    actor: Actor,
    shift: Shift,
    call: Call,
    new_status: str,
    reason: str,
) -> tuple[Refund | None, list[Base]]:
    """Move a call to unpaid/unserved; a paid call's money is refunded."""
    written: list[Base] = []
    refund: Refund | None = None
    if call.status == new_status:
        raise InvalidInput(f"call {call.id} is already {new_status}")
    if call.status == CallStatus.PAID.value:
        refund, rows = _record_refund(session, shop, actor, shift, call, reason)
        written.extend(rows)
    change = CallChange(
        call_id=call.id,
        shift_id=shift.id,
        at=shop.clock.now(),
        actor_id=user_id(actor),
        kind="status",
        old_status=call.status,
        new_status=new_status,
        reason=reason,
        refund_id=refund.id if refund is not None else None,
    )
    call.status = new_status
    session.add(change)
    written.extend([change, call])
    return refund, written


def mark_unpaid(shop: Shop, actor: Actor, call_ids: Sequence[int], reason: str) -> StatusChange:
    """Mark calls as served without payment (reason required); a paid call is refunded."""
    return _move_calls(shop, actor, call_ids, reason, CallStatus.UNPAID)


def back_to_unserved(
    shop: Shop, actor: Actor, call_ids: Sequence[int], reason: str
) -> StatusChange:
    """Return calls to unserved (reason required), all or none; a paid call is refunded."""
    return _move_calls(shop, actor, call_ids, reason, CallStatus.UNSERVED)


def _move_calls(
    shop: Shop, actor: Actor, call_ids: Sequence[int], reason: str, target: CallStatus
) -> StatusChange:
    require_role(actor, Role.OPERATOR)
    text = require_reason(reason, f"marking calls {target.value}")
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        calls = calls_in_open_shift(session, shift, call_ids)
        for call in calls:
            if call.status == target.value:
                raise InvalidInput(f"call {call.id} is already {target.value}")
        written: list[Base] = []
        refunds: list[Refund] = []
        for call in calls:
            refund, rows = _change_status(session, shop, actor, shift, call, target.value, text)
            written.extend(rows)
            if refund is not None:
                refunds.append(refund)
        session.flush()
        journal.append(
            session,
            actor,
            f"calls.{target.value}",
            subject=shift,
            payload={
                "calls": [c.id for c in calls],
                "reason": text,
                "refunds": [[r.id, r.call_id, r.total_minor] for r in refunds],
            },
            rows=written,
        )
        return StatusChange(
            shift_id=shift.id,
            calls=tuple(call_view(c) for c in calls),
            payment=None,
            refunds=tuple(_refund_view(r) for r in refunds),
        )


def set_call_status(
    shop: Shop,
    actor: Actor,
    call_id: int,
    new_status: CallStatus | str,
    reason: str = "",
    tendered_minor: int | None = None,
) -> StatusChange:
    """Change one call's status while its shift is open.

    → paid records a payment (``tendered_minor`` defaults to the exact total);
    paid → unpaid/unserved records a refund of that call's money; every change
    away from a settled status needs a reason.
    """
    require_role(actor, Role.OPERATOR)
    try:
        target = CallStatus(new_status).value
    except ValueError:
        raise InvalidInput(f"unknown call status {new_status!r}") from None
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        (call,) = calls_in_open_shift(session, shift, [call_id])
        old = call.status
        if old == target:
            raise InvalidInput(f"call {call_id} is already {target}")
        payment: PaymentResult | None = None
        refund: Refund | None = None
        if target == CallStatus.PAID.value:
            bill = payable_bill([call], cash_unit(shop))
            payment, written = record_payment(
                session,
                shop,
                actor,
                shift,
                [call],
                bill,
                tendered_for(bill, tendered_minor),
                reason.strip(),
            )
            action = "payment"
        else:
            text = require_reason(reason, f"changing call {call_id} from {old} to {target}")
            refund, written = _change_status(session, shop, actor, shift, call, target, text)
            action = "call.status"
        session.flush()
        journal.append(
            session,
            actor,
            action,
            subject=call,
            payload={
                "old_status": old,
                "new_status": target,
                "reason": reason.strip(),
                "payment_id": payment.payment_id if payment else None,
                "refund_id": refund.id if refund else None,
                "refund_minor": refund.total_minor if refund else 0,
            },
            rows=written,
        )
        return StatusChange(
            shift_id=shift.id,
            calls=(call_view(call),),
            payment=payment,
            refunds=(_refund_view(refund),) if refund is not None else (),
        )


def _refund_total(amount_minor: int, cash_unit_minor: int) -> int:
    # A refund is handed back in cash: its amount rounded to the cash unit.
    return round_to_unit(amount_minor, cash_unit_minor)


def quote_refund(shop: Shop, actor: Actor, call_ids: Sequence[int]) -> int:
    """What moving these calls to unpaid or unserved would hand back, exactly as the
    refunds will be recorded (each paid call's payment line, rounded to the cash
    unit); changes nothing."""
    require_role(actor, Role.OPERATOR)
    unit = cash_unit(shop)
    with shop.db.read() as session:
        calls = session.scalars(select(Call).where(Call.id.in_(list(call_ids)))).all()
        return sum(
            _refund_total(_last_payment_line(session, call.id).amount_minor, unit)
            for call in calls
            if call.status == CallStatus.PAID.value
        )
