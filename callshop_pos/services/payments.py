"""Money at the till: quote and pay calls, mark them unpaid, change a call's status,
price an unrated call, and correct a call after its shift has closed.

Each function is one user action in one transaction, checks the caller's role,
journals every row it writes and returns a frozen value describing what changed.
Calls are paid only in the open shift, only when answered and rated. A bill total
may be rounded to the shop's cash unit (setting ``cash_rounding_unit``, e.g. 5 =
0.05); the rounding is kept as its own payment line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.calls import (
    Call,
    CallChange,
    CallCorrection,
    CallFlag,
    CallState,
    CallStatus,
)
from callshop_pos.db.models.payments import Payment, PaymentLine, PaymentLineKind, Refund
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.db.models.sync import OutboxKind
from callshop_pos.db.models.users import User
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.money import format_minor, round_to_unit
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.calls import CallView, call_view
from callshop_pos.services.context import Shop
from callshop_pos.services.shifts import require_own_open_shift, user_id, visible_shift
from callshop_pos.sync import outbox
from callshop_pos.sync.outbox import derived_uuid

__all__ = [
    "Bill",
    "BillLine",
    "CallHistoryEntry",
    "CorrectionResult",
    "FiscalHook",
    "PaymentResult",
    "RefundView",
    "StatusChange",
    "call_history",
    "compute_bill",
    "correct_closed_shift_call",
    "mark_unpaid",
    "pay_calls",
    "price_unrated_call",
    "quote_payment",
    "set_call_status",
]

#: Most calls on one bill (a typo guard, far above any real booth queue).
MAX_BILL_CALLS = 500


@dataclass(frozen=True, slots=True)
class BillLine:
    call_id: int
    booth: str
    number: str
    destination: str | None
    duration_s: int
    billable_s: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Bill:
    """What the customer owes: one line per call, then the cash rounding as its own line."""

    lines: tuple[BillLine, ...]
    subtotal_minor: int
    rounding_minor: int  # total − subtotal (may be negative)
    total_minor: int
    cash_unit_minor: int

    @property
    def call_ids(self) -> tuple[int, ...]:
        return tuple(line.call_id for line in self.lines)


@dataclass(frozen=True, slots=True)
class PaymentResult:
    payment_id: int
    shift_id: int
    at: datetime
    bill: Bill
    tendered_minor: int
    change_minor: int
    calls: tuple[CallView, ...]  # the calls now paid

    @property
    def total_minor(self) -> int:
        return self.bill.total_minor


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


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    correction_id: int
    call_id: int
    shift_id: int
    old_status: str
    new_status: str
    amount_minor: int  # change of that closed shift's takings


class FiscalHook(Protocol):
    """Registers a sale on the fiscal device (see callshop_pos.services.fiscal.FiscalGate)."""

    def before_payment(self, shop: Shop, actor: Actor, bill: Bill, tendered_minor: int) -> None:
        """Register the sale before anything is recorded; raise to refuse the payment."""
        ...

    def link_payment(self, session: Session, payment: PaymentResult) -> list[Base]:
        """In the payment's transaction: link the registered sale; return rows written."""
        ...


# --------------------------------------------------------------- pure part


def compute_bill(calls: Sequence[CallView], cash_unit_minor: int) -> Bill:
    """The bill for ``calls`` (each answered and rated), rounded half-up to the cash unit."""
    lines: list[BillLine] = []
    for c in calls:
        if c.price_minor is None:
            raise InvalidInput(f"call {c.id} is unrated: an administrator must price it first")
        lines.append(
            BillLine(
                call_id=c.id,
                booth=c.booth,
                number=c.number,
                destination=c.destination,
                duration_s=c.duration_s,
                billable_s=c.billable_s,
                amount_minor=c.price_minor,
            )
        )
    subtotal = sum(line.amount_minor for line in lines)
    total = round_to_unit(subtotal, cash_unit_minor)
    return Bill(
        lines=tuple(lines),
        subtotal_minor=subtotal,
        rounding_minor=total - subtotal,
        total_minor=total,
        cash_unit_minor=max(cash_unit_minor, 1),
    )


# --------------------------------------------------------------- helpers


def _cash_unit(shop: Shop) -> int:
    return max(shop.settings.cash_rounding_unit, 1)


def _require_reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"{what} needs a reason")
    if len(text) > 500:
        raise InvalidInput("the reason is too long (500 characters at most)")
    return text


def _check_ids(call_ids: Sequence[int]) -> list[int]:
    ids = list(call_ids)
    if not ids:
        raise InvalidInput("select at least one call")
    if len(ids) > MAX_BILL_CALLS:
        raise InvalidInput(f"at most {MAX_BILL_CALLS} calls at once")
    if len(set(ids)) != len(ids):
        raise InvalidInput("a call is selected twice")
    return ids


def _shift_calls(
    session: Session, shift: Shift, call_ids: Sequence[int], *, lock: bool = True
) -> list[Call]:
    """The calls, each finished and answered and filed in the open ``shift``."""
    ids = _check_ids(call_ids)
    stmt = select(Call).where(Call.id.in_(ids))
    rows = {c.id: c for c in session.scalars(stmt.with_for_update() if lock else stmt)}
    out: list[Call] = []
    for cid in ids:
        call = rows.get(cid)
        if call is None:
            raise NotFound(f"no call {cid}")
        if call.shift_id != shift.id:
            other = session.get(Shift, call.shift_id) if call.shift_id is not None else None
            if other is not None and other.status == ShiftStatus.CLOSED.value:
                raise InvalidInput(
                    f"call {cid} belongs to shift {other.id}, which is closed; "
                    "an administrator can record a correction"
                )
            raise InvalidInput(f"call {cid} is not in the open shift {shift.id}")
        if call.state != CallState.FINISHED.value:
            raise InvalidInput(f"call {cid} is still in progress")
        if call.answered_at is None:
            raise InvalidInput(f"call {cid} was never answered: there is nothing to settle")
        out.append(call)
    return out


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


def _record_payment(
    session: Session,
    shop: Shop,
    actor: Actor,
    shift: Shift,
    calls: list[Call],
    tendered_minor: int | None,
    reason: str = "",
    *,
    method: str = "cash",
    cash_unit_minor: int | None = None,
) -> tuple[PaymentResult, list[Base]]:
    """Pay ``calls``; ``method`` "deposit" (prepaid booths) moves no cash and is
    never rounded (``cash_unit_minor`` 1)."""
    for call in calls:
        if call.price_minor is None:
            raise InvalidInput(
                f"call {call.id} is unrated: an administrator must price it before it is paid"
            )
        if call.status == CallStatus.PAID.value:
            raise InvalidInput(f"call {call.id} is already paid")
    unit = _cash_unit(shop) if cash_unit_minor is None else cash_unit_minor
    bill = compute_bill([call_view(c) for c in calls], unit)
    tendered = bill.total_minor if tendered_minor is None else tendered_minor
    if isinstance(tendered, bool) or not isinstance(tendered, int):
        raise TypeError("tendered_minor must be an int of minor units")
    if tendered < bill.total_minor:
        raise InvalidInput(
            f"the amount tendered ({format_minor(tendered)}) is less than "
            f"the total ({format_minor(bill.total_minor)})"
        )
    now = shop.clock.now()
    uid = user_id(actor)
    payment = Payment(
        shift_id=shift.id,
        operator_id=uid,
        at=now,
        subtotal_minor=bill.subtotal_minor,
        rounding_minor=bill.rounding_minor,
        total_minor=bill.total_minor,
        tendered_minor=tendered,
        change_minor=tendered - bill.total_minor,
        method=method,
    )
    session.add(payment)
    session.flush()
    written: list[Base] = [payment]
    for line in bill.lines:
        written.append(
            PaymentLine(
                payment_id=payment.id,
                kind=PaymentLineKind.CALL.value,
                call_id=line.call_id,
                amount_minor=line.amount_minor,
            )
        )
    if bill.rounding_minor:
        written.append(
            PaymentLine(
                payment_id=payment.id,
                kind=PaymentLineKind.ROUNDING.value,
                call_id=None,
                amount_minor=bill.rounding_minor,
            )
        )
    for call in calls:
        written.append(
            CallChange(
                call_id=call.id,
                shift_id=shift.id,
                at=now,
                actor_id=uid,
                kind="status",
                old_status=call.status,
                new_status=CallStatus.PAID.value,
                reason=reason,
                payment_id=payment.id,
            )
        )
        call.status = CallStatus.PAID.value
        written.append(call)
    session.add_all(written)
    session.flush()
    result = PaymentResult(
        payment_id=payment.id,
        shift_id=shift.id,
        at=now,
        bill=bill,
        tendered_minor=tendered,
        change_minor=tendered - bill.total_minor,
        calls=tuple(call_view(c) for c in calls),
    )
    return result, written


def _record_refund(
    session: Session, shop: Shop, actor: Actor, shift: Shift, call: Call, reason: str
) -> tuple[Refund, list[Base]]:
    assert call.price_minor is not None  # a paid call is always priced
    line = _last_payment_line(session, call.id)
    amount = line.amount_minor
    total = round_to_unit(amount, _cash_unit(shop))
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


# --------------------------------------------------------------- actions


def quote_payment(shop: Shop, actor: Actor, call_ids: Sequence[int]) -> Bill:
    """The bill :func:`pay_calls` would take for these calls (changes nothing)."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        shift = require_own_open_shift(session, actor, lock=False)
        calls = _shift_calls(session, shift, call_ids, lock=False)
        for call in calls:
            if call.status == CallStatus.PAID.value:
                raise InvalidInput(f"call {call.id} is already paid")
        return compute_bill([call_view(c) for c in calls], _cash_unit(shop))


def pay_calls(
    shop: Shop,
    actor: Actor,
    call_ids: Sequence[int],
    tendered_minor: int,
    *,
    fiscal: FiscalHook | None = None,
) -> PaymentResult:
    """Take payment for one or more unserved/unpaid calls of the open shift.

    ``tendered_minor`` below the bill total is refused; the change is returned.
    With a ``fiscal`` hook (fiscal device configured) the sale is registered on the
    device first; if that fails the payment is refused and nothing is recorded.
    """
    require_role(actor, Role.OPERATOR)
    if fiscal is not None:
        fiscal.before_payment(shop, actor, quote_payment(shop, actor, call_ids), tendered_minor)
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        calls = _shift_calls(session, shift, call_ids)
        result, written = _record_payment(session, shop, actor, shift, calls, tendered_minor)
        if fiscal is not None:
            written.extend(fiscal.link_payment(session, result))
        journal.append(
            session,
            actor,
            "payment",
            subject=("payments", result.payment_id),
            payload={
                "shift_id": shift.id,
                "calls": list(result.bill.call_ids),
                "subtotal_minor": result.bill.subtotal_minor,
                "rounding_minor": result.bill.rounding_minor,
                "total_minor": result.bill.total_minor,
                "tendered_minor": result.tendered_minor,
                "change_minor": result.change_minor,
            },
            rows=written,
        )
        return result


def mark_unpaid(
    shop: Shop, actor: Actor, call_ids: Sequence[int], reason: str
) -> StatusChange:
    """Mark calls as served without payment (reason required); a paid call is refunded."""
    require_role(actor, Role.OPERATOR)
    text = _require_reason(reason, "marking calls unpaid")
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        calls = _shift_calls(session, shift, call_ids)
        for call in calls:
            if call.status == CallStatus.UNPAID.value:
                raise InvalidInput(f"call {call.id} is already unpaid")
        written: list[Base] = []
        refunds: list[Refund] = []
        for call in calls:
            refund, rows = _change_status(
                session, shop, actor, shift, call, CallStatus.UNPAID.value, text
            )
            written.extend(rows)
            if refund is not None:
                refunds.append(refund)
        session.flush()
        journal.append(
            session,
            actor,
            "calls.unpaid",
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
        (call,) = _shift_calls(session, shift, [call_id])
        old = call.status
        if old == target:
            raise InvalidInput(f"call {call_id} is already {target}")
        payment: PaymentResult | None = None
        refund: Refund | None = None
        if target == CallStatus.PAID.value:
            payment, written = _record_payment(
                session, shop, actor, shift, [call], tendered_minor, reason.strip()
            )
            action = "payment"
        else:
            text = _require_reason(reason, f"changing call {call_id} from {old} to {target}")
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


def price_unrated_call(
    shop: Shop, admin: Actor, call_id: int, price_minor: int, reason: str
) -> CallView:
    """Set the price of an unrated call so it can be paid (administrators only).

    The call keeps its ``unrated`` flag and gains ``manual_price``; only calls of
    the open shift or waiting for the next one can be priced (a closed shift is
    corrected with :func:`correct_closed_shift_call`).
    """
    require_role(admin, Role.ADMIN)
    if isinstance(price_minor, bool) or not isinstance(price_minor, int):
        raise TypeError("price_minor must be an int of minor units")
    if price_minor < 0:
        raise InvalidInput("a price cannot be negative")
    text = _require_reason(reason, "pricing an unrated call")
    with shop.db.write() as session:
        call = session.get(Call, call_id, with_for_update=True)
        if call is None:
            raise NotFound(f"no call {call_id}")
        if call.state != CallState.FINISHED.value or call.answered_at is None:
            raise InvalidInput(f"call {call_id} is not a finished, answered call")
        if call.price_minor is not None:
            raise InvalidInput(f"call {call_id} already has a price")
        shift = session.get(Shift, call.shift_id) if call.shift_id is not None else None
        if shift is not None and shift.status == ShiftStatus.CLOSED.value:
            raise InvalidInput(
                f"call {call_id} belongs to closed shift {shift.id}; record a correction instead"
            )
        change = CallChange(
            call_id=call.id,
            shift_id=call.shift_id,
            at=shop.clock.now(),
            actor_id=user_id(admin),
            kind="price",
            old_status=call.status,
            new_status=call.status,
            old_price_minor=None,
            new_price_minor=price_minor,
            reason=text,
        )
        call.price_minor = price_minor
        flags = call.flag_list
        if CallFlag.MANUAL_PRICE.value not in flags:
            flags.append(CallFlag.MANUAL_PRICE.value)
        call.flags = ",".join(flags)
        session.add(change)
        journal.append(
            session,
            admin,
            "call.price",
            subject=call,
            payload={"price_minor": price_minor, "reason": text},
            rows=[call, change],
        )
        return call_view(call)


def effective_status(session: Session, call: Call) -> str:
    """A call's status after any corrections made once its shift closed."""
    last = session.scalars(
        select(CallCorrection.new_status)
        .where(CallCorrection.call_id == call.id)
        .order_by(CallCorrection.id.desc())
        .limit(1)
    ).first()
    return last if last is not None else call.status


def correct_closed_shift_call(
    shop: Shop, admin: Actor, call_id: int, new_status: CallStatus | str, reason: str
) -> CorrectionResult:
    """Record, as a new visible entry, that a call of a closed shift should have had
    another status. The call and its shift stay exactly as closed; the entry carries
    the change of that shift's takings (+price to paid, −price from paid)."""
    require_role(admin, Role.ADMIN)
    try:
        target = CallStatus(new_status).value
    except ValueError:
        raise InvalidInput(f"unknown call status {new_status!r}") from None
    text = _require_reason(reason, "a correction")
    outbox.prepare()
    with shop.db.write() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise NotFound(f"no call {call_id}")
        shift = session.get(Shift, call.shift_id) if call.shift_id is not None else None
        if shift is None or shift.status != ShiftStatus.CLOSED.value:
            raise InvalidInput(
                f"call {call_id} is not in a closed shift; change its status in the open shift"
            )
        if call.answered_at is None:
            raise InvalidInput(f"call {call_id} was never answered")
        old = effective_status(session, call)
        if old == target:
            raise InvalidInput(f"call {call_id} is already {target}")
        if target == CallStatus.PAID.value and call.price_minor is None:
            raise InvalidInput(f"call {call_id} is unrated and cannot be corrected to paid")
        price = call.price_minor or 0
        amount = price if target == CallStatus.PAID.value else 0
        amount -= price if old == CallStatus.PAID.value else 0
        correction = CallCorrection(
            call_id=call.id,
            shift_id=shift.id,
            at=shop.clock.now(),
            admin_id=user_id(admin),
            old_status=old,
            new_status=target,
            amount_minor=amount,
            reason=text,
        )
        session.add(correction)
        session.flush()
        # The outbox row for central, in this very transaction (see callshop_pos.sync).
        item = outbox.add_item(
            session,
            kind=OutboxKind.CORRECTION,
            key=derived_uuid(shift.uuid, "correction", correction.id),
            shift=shift,
            at=correction.at,
            correction_id=correction.id,
        )
        entry = journal.append(
            session,
            admin,
            "call.correction",
            subject=call,
            payload={
                "shift_id": shift.id,
                "old_status": old,
                "new_status": target,
                "amount_minor": amount,
                "reason": text,
            },
            rows=[correction, item],
        )
        outbox.seal_correction(session, item, entry, correction, shift)
        return CorrectionResult(
            correction_id=correction.id,
            call_id=call.id,
            shift_id=shift.id,
            old_status=old,
            new_status=target,
            amount_minor=amount,
        )


@dataclass(frozen=True, slots=True)
class CallHistoryEntry:
    """One step in a call's life after it ended: a status or price change in its open
    shift, or an administrator's correction after the shift closed."""

    at: datetime
    kind: str  # "status", "price" or "correction"
    actor: str
    old_status: str
    new_status: str
    price_minor: int | None  # the new price (kind "price")
    amount_minor: int  # money that moved: +payment, −refund, ± correction
    reason: str


def call_history(shop: Shop, actor: Actor, call_id: int) -> tuple[CallHistoryEntry, ...]:
    """Everything that happened to a call's status and price, oldest first."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise NotFound(f"no call {call_id}")
        if call.shift_id is not None:
            visible_shift(session, actor, call.shift_id)
        names = {uid: name for uid, name in session.execute(select(User.id, User.username))}
        out: list[CallHistoryEntry] = []
        for ch in session.scalars(
            select(CallChange).where(CallChange.call_id == call_id).order_by(CallChange.id)
        ):
            amount = 0
            if ch.payment_id is not None:
                amount = session.scalar(
                    select(PaymentLine.amount_minor).where(
                        PaymentLine.payment_id == ch.payment_id, PaymentLine.call_id == call_id
                    )
                ) or 0
            elif ch.refund_id is not None:
                refund = session.get(Refund, ch.refund_id)
                amount = -refund.amount_minor if refund is not None else 0
            out.append(
                CallHistoryEntry(
                    at=ch.at,
                    kind=ch.kind,
                    actor=names.get(ch.actor_id, f"#{ch.actor_id}"),
                    old_status=ch.old_status,
                    new_status=ch.new_status,
                    price_minor=ch.new_price_minor,
                    amount_minor=amount,
                    reason=ch.reason,
                )
            )
        for k in session.scalars(
            select(CallCorrection)
            .where(CallCorrection.call_id == call_id)
            .order_by(CallCorrection.id)
        ):
            out.append(
                CallHistoryEntry(
                    at=k.at,
                    kind="correction",
                    actor=names.get(k.admin_id, f"#{k.admin_id}"),
                    old_status=k.old_status,
                    new_status=k.new_status,
                    price_minor=None,
                    amount_minor=k.amount_minor,
                    reason=k.reason,
                )
            )
    return tuple(out)
