"""Paying calls at the till: the bill (quote) and the payment.

A bill lists each call's price and, as its own line, the rounding of the total to the
shop's cash unit (setting ``cash_rounding_unit``, e.g. 5 = 0.05). The till shows the
cashier :func:`quote_payment`'s bill and passes that same bill to :func:`pay_calls`,
which computes it once more from the locked call rows inside its transaction and
takes the payment only if the two agree; the amount tendered is checked once. Calls
are paid only in the open shift, only when answered and rated. Marking calls unpaid,
refunds and status changes are :mod:`~callshop_pos.services.till.call_status`;
corrections after a shift closed are :mod:`~callshop_pos.services.till.corrections`.
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
    CallState,
    CallStatus,
)
from callshop_pos.db.models.payments import Payment, PaymentLine, PaymentLineKind
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.money import format_minor, round_to_unit
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.till_calls import card_call_refs
from callshop_pos.services.context import Shop
from callshop_pos.services.till.calls import CallView, call_view
from callshop_pos.services.till.shifts import require_own_open_shift, user_id

__all__ = [
    "MAX_BILL_CALLS",
    "Bill",
    "BillLine",
    "FiscalHook",
    "PaymentResult",
    "calls_in_open_shift",
    "cash_unit",
    "compute_bill",
    "pay_calls",
    "payable_bill",
    "quote_payment",
    "record_payment",
    "tendered_for",
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

    def change_for(self, tendered_minor: int) -> int:
        """The change for ``tendered_minor`` (negative: not enough tendered)."""
        return tendered_minor - self.total_minor


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


class FiscalHook(Protocol):
    """Registers a sale on the fiscal device (see callshop_pos.services.till.fiscal.FiscalGate)."""

    def before_payment(self, shop: Shop, actor: Actor, bill: Bill, tendered_minor: int) -> None:
        """Register the sale before anything is recorded; raise to refuse the payment."""
        ...

    def link_payment(self, session: Session, payment: PaymentResult) -> list[Base]:
        """In the payment's transaction: link the registered sale; return rows written."""
        ...


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


def cash_unit(shop: Shop) -> int:
    return max(shop.settings.cash_rounding_unit, 1)


def _check_ids(call_ids: Sequence[int]) -> list[int]:
    ids = list(call_ids)
    if not ids:
        raise InvalidInput("select at least one call")
    if len(ids) > MAX_BILL_CALLS:
        raise InvalidInput(f"at most {MAX_BILL_CALLS} calls at once")
    if len(set(ids)) != len(ids):
        raise InvalidInput("a call is selected twice")
    return ids


def calls_in_open_shift(
    session: Session, shift: Shift, call_ids: Sequence[int], *, lock: bool = True
) -> list[Call]:
    """The calls, each finished and answered and filed in the open ``shift``."""
    ids = _check_ids(call_ids)
    stmt = select(Call).where(Call.id.in_(ids))
    rows = {c.id: c for c in session.scalars(stmt.with_for_update() if lock else stmt)}
    by_card = card_call_refs(session, (c.call_ref for c in rows.values()))
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
        if call.call_ref in by_card:
            raise InvalidInput(f"call {cid} was made with a calling card: the card paid it")
        out.append(call)
    return out


def payable_bill(calls: Sequence[Call], cash_unit_minor: int) -> Bill:
    """The bill for ``calls`` about to be paid; an unrated or already paid call is refused."""
    for call in calls:
        if call.price_minor is None:
            raise InvalidInput(
                f"call {call.id} is unrated: an administrator must price it before it is paid"
            )
        if call.status == CallStatus.PAID.value:
            raise InvalidInput(f"call {call.id} is already paid")
    return compute_bill([call_view(c) for c in calls], cash_unit_minor)


def tendered_for(bill: Bill, tendered_minor: int | None) -> int:
    """The cash tendered for ``bill`` (None: exactly the total); less than the total is
    refused. The one place a payment's tendered amount is checked."""
    tendered = bill.total_minor if tendered_minor is None else tendered_minor
    if isinstance(tendered, bool) or not isinstance(tendered, int):
        raise TypeError("tendered_minor must be an int of minor units")
    if tendered < bill.total_minor:
        raise InvalidInput(
            f"the amount tendered ({format_minor(tendered)}) is less than "
            f"the total ({format_minor(bill.total_minor)})"
        )
    return tendered


def record_payment(
    session: Session,
    shop: Shop,
    actor: Actor,
    shift: Shift,
    calls: list[Call],
    bill: Bill,
    tendered: int,
    reason: str = "",
    *,
    method: str = "cash",
) -> tuple[PaymentResult, list[Base]]:
    """Write the payment of ``bill`` for ``calls`` (the bill from :func:`payable_bill`,
    ``tendered`` from :func:`tendered_for`); ``method`` "deposit" (prepaid booths)
    moves no cash."""
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
        change_minor=bill.change_for(tendered),
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
        change_minor=bill.change_for(tendered),
        calls=tuple(call_view(c) for c in calls),
    )
    return result, written


def quote_payment(shop: Shop, actor: Actor, call_ids: Sequence[int]) -> Bill:
    """The bill :func:`pay_calls` would take for these calls (changes nothing)."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        shift = require_own_open_shift(session, actor, lock=False)
        calls = calls_in_open_shift(session, shift, call_ids, lock=False)
        for call in calls:
            if call.status == CallStatus.PAID.value:
                raise InvalidInput(f"call {call.id} is already paid")
        return compute_bill([call_view(c) for c in calls], cash_unit(shop))


def pay_calls(
    shop: Shop,
    actor: Actor,
    bill: Bill | Sequence[int],
    tendered_minor: int,
    *,
    fiscal: FiscalHook | None = None,
) -> PaymentResult:
    """Take payment for one or more unserved/unpaid calls of the open shift.

    ``bill`` is the :class:`Bill` the cashier was shown (:func:`quote_payment`): it is
    computed once more from the locked calls inside the payment's transaction and the
    payment is refused, changing nothing, if it no longer agrees (a price, a status or
    the rounding changed meanwhile). Given call ids instead, the calls are billed at
    what they cost now. ``tendered_minor`` below the total is refused; the change is
    returned. With a ``fiscal`` hook (fiscal device configured) the sale is registered
    on the device first; if that fails the payment is refused and nothing is recorded.
    """
    require_role(actor, Role.OPERATOR)
    quoted: Bill | None = None
    if isinstance(bill, Bill):
        quoted, call_ids = bill, list(bill.call_ids)
    else:
        call_ids = list(bill)
        if fiscal is not None:
            quoted = quote_payment(shop, actor, call_ids)  # the device registers this sale
    tendered: int | None = None
    if quoted is not None:
        # Checked before the device prints anything; the bill itself is compared below.
        tendered = tendered_for(quoted, tendered_minor)
        if fiscal is not None:
            fiscal.before_payment(shop, actor, quoted, tendered)
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        calls = calls_in_open_shift(session, shift, call_ids)
        current = payable_bill(calls, cash_unit(shop))
        if quoted is not None and current != quoted:
            raise InvalidInput(
                "the bill changed since it was shown (a price, a status or the rounding); "
                "show the bill again"
            )
        if tendered is None:
            tendered = tendered_for(current, tendered_minor)
        result, written = record_payment(session, shop, actor, shift, calls, current, tendered)
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
