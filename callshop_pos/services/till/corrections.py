"""After the fact: pricing an unrated call, correcting a call of a closed shift (as a
new visible entry; the closed shift never changes) and a call's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.calls import (
    Call,
    CallChange,
    CallCorrection,
    CallFlag,
    CallState,
    CallStatus,
)
from callshop_pos.db.models.payments import PaymentLine, Refund
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.db.models.sync import OutboxKind
from callshop_pos.db.models.users import User
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.services import outbox
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import derived_uuid
from callshop_pos.services.till.call_status import require_reason
from callshop_pos.services.till.calls import CallView, call_view
from callshop_pos.services.till.shifts import user_id, visible_shift

__all__ = [
    "CallHistoryEntry",
    "CorrectionResult",
    "call_history",
    "correct_closed_shift_call",
    "effective_status",
    "price_unrated_call",
]


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    correction_id: int
    call_id: int
    shift_id: int
    old_status: str
    new_status: str
    amount_minor: int  # change of that closed shift's takings


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
    text = require_reason(reason, "pricing an unrated call")
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
    text = require_reason(reason, "a correction")
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
                amount = (
                    session.scalar(
                        select(PaymentLine.amount_minor).where(
                            PaymentLine.payment_id == ch.payment_id, PaymentLine.call_id == call_id
                        )
                    )
                    or 0
                )
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
