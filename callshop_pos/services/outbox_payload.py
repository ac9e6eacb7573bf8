"""What goes to central: a closed shift or a correction, in the shared schema
(:mod:`callshop_wire`, schema version 1).

Built inside the transaction that closes the shift (or records the correction), from
the same rows and the same report the Z is printed from, and stored in the outbox as
canonical JSON: a retry sends exactly the same content, whatever happens to the
till's data later. Money is integer minor units (micro-USD for the carrier cost),
times UTC ISO 8601 with ``Z``, ids UUIDs; the till's integer ids travel only as
``till_id``. Rows without a UUID column of their own (refunds, deposits, corrections)
get a name-based UUID (version 5) under their shift's UUID: stable across retries
and unique per shop.

The ``shop`` field is added at send time (:func:`for_shop`): a till may close shifts
for weeks before it is linked, and the shop id is the link's, not the shift's.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos.db.models.calls import Call, CallCorrection
from callshop_pos.db.models.cards import Card, CardMovement
from callshop_pos.db.models.deposits import BoothDeposit
from callshop_pos.db.models.devices import DrawerOpen
from callshop_pos.db.models.payments import Payment, PaymentLine, Refund
from callshop_pos.db.models.shifts import Shift
from callshop_pos.db.models.users import User
from callshop_pos.money import eur_to_bgn
from callshop_pos.services.reports.summary import ShiftReport, shift_call_rows
from callshop_pos.settings import Settings
from callshop_wire import SCHEMA_VERSION, ClosedShift, CorrectionPayload, format_utc

__all__ = [
    "PLACEHOLDER_SHOP",
    "canonical",
    "correction_payload",
    "derived_uuid",
    "for_shop",
    "shift_payload",
]

log = logging.getLogger(__name__)

#: Stands in for the shop id when a payload is checked before the till is linked.
PLACEHOLDER_SHOP = "unlinked"


def derived_uuid(shift_uuid: str, kind: str, till_id: int) -> str:
    """A stable UUID for a row of a shift that has no UUID column of its own
    (refunds, deposits, corrections): name-based under the shift's UUID."""
    return str(uuid.uuid5(uuid.UUID(shift_uuid), f"{kind}/{till_id}"))


def canonical(value: Any) -> bytes:
    """Canonical JSON (sorted keys, no spaces, UTF-8), as central hashes it."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def for_shop(payload: bytes, shop: str) -> bytes:
    """The stored payload as sent for ``shop``."""
    data = json.loads(payload)
    data["shop"] = shop
    return canonical(data)


def _t(at: datetime | None) -> str | None:
    return None if at is None else format_utc(at)


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows}


def _name(names: dict[int, str], uid: int | None) -> str:
    if uid is None:
        return "system"
    return names.get(uid, f"#{uid}")


def _call(c: Call) -> dict[str, Any]:
    return {
        "call_uuid": c.uuid,
        "till_id": c.id,
        "call_ref": c.call_ref,
        "booth": c.booth,
        "number": c.number,
        "normalized": c.normalized,
        "destination": c.destination,
        "prefix": c.prefix,
        "setup_at": _t(c.setup_at),
        "answered_at": _t(c.answered_at),
        "ended_at": _t(c.ended_at),
        "duration_s": c.duration_s,
        "billable_s": c.billable_s,
        "price_minor": c.price_minor,
        "wholesale_micro_usd": c.wholesale_micro_usd,
        "offpeak": c.offpeak,
        "end_reason": c.end_reason,
        "end_side": c.end_side,
        "flags": list(c.flag_list),
        "status": c.status,
    }


def _correction(
    k: CallCorrection, shift_uuid: str, call_uuid: str, names: dict[int, str]
) -> dict[str, Any]:
    return {
        "correction_uuid": derived_uuid(shift_uuid, "correction", k.id),
        "till_id": k.id,
        "call_uuid": call_uuid,
        "at": _t(k.at),
        "admin": _name(names, k.admin_id),
        "old_status": k.old_status,
        "new_status": k.new_status,
        "amount_minor": k.amount_minor,
        "reason": k.reason,
    }


def _anchor(seq: int, head: str, prev_seq: int | None, prev_head: str | None) -> dict[str, Any]:
    return {
        "head": {"seq": seq, "hash": head},
        "previous_head": (
            None if prev_seq is None or prev_head is None else {"seq": prev_seq, "hash": prev_head}
        ),
    }


def shift_payload(
    session: Session,
    shift: Shift,
    report: ShiftReport,
    settings: Settings,
    *,
    head: tuple[int, str],
    previous: tuple[int | None, str | None],
) -> bytes:
    """The closed shift as central receives it (without ``shop``), canonical JSON."""
    s = report.summary
    calls = shift_call_rows(session, shift.id)
    call_uuids = {c.id: c.uuid for c in calls}
    payments = list(
        session.scalars(select(Payment).where(Payment.shift_id == shift.id).order_by(Payment.id))
    )
    lines: dict[int, list[PaymentLine]] = {}
    if payments:
        for line in session.scalars(
            select(PaymentLine)
            .where(PaymentLine.payment_id.in_([p.id for p in payments]))
            .order_by(PaymentLine.id)
        ):
            lines.setdefault(line.payment_id, []).append(line)
    refunds = list(
        session.scalars(select(Refund).where(Refund.shift_id == shift.id).order_by(Refund.id))
    )
    deposits = list(
        session.scalars(
            select(BoothDeposit).where(BoothDeposit.shift_id == shift.id).order_by(BoothDeposit.id)
        )
    )
    corrections = list(
        session.scalars(
            select(CallCorrection)
            .where(CallCorrection.shift_id == shift.id)
            .order_by(CallCorrection.id)
        )
    )
    # Calls named by payment lines or refunds but filed elsewhere (should not happen):
    # their UUIDs are still looked up, so the payload says what the till holds.
    missing = {
        line.call_id
        for ls in lines.values()
        for line in ls
        if line.call_id is not None and line.call_id not in call_uuids
    } | {r.call_id for r in refunds if r.call_id not in call_uuids}
    missing |= {k.call_id for k in corrections if k.call_id not in call_uuids}
    if missing:
        rows = session.execute(select(Call.id, Call.uuid).where(Call.id.in_(missing)))
        call_uuids.update((cid, cuuid) for cid, cuuid in rows)
    payment_uuids = {p.id: p.uuid for p in payments}
    missing_pay = {r.payment_id for r in refunds if r.payment_id not in payment_uuids}
    if missing_pay:
        found = session.execute(select(Payment.id, Payment.uuid).where(Payment.id.in_(missing_pay)))
        payment_uuids.update((pid, puuid) for pid, puuid in found)
    names = _names(
        session,
        [shift.operator_id, shift.closed_by_id]
        + [p.operator_id for p in payments]
        + [r.operator_id for r in refunds]
        + [k.admin_id for k in corrections],
    )
    drawer_opens = int(
        session.scalar(select(func.count(DrawerOpen.id)).where(DrawerOpen.shift_id == shift.id))
        or 0
    )
    tz = ZoneInfo(settings.timezone)
    closed_at = shift.closed_at if shift.closed_at is not None else report.generated_at
    # The BGN-equivalent line as the receipts print it (only for a EUR shop).
    bgn_shown = settings.currency == "EUR" and settings.bgn_line_on(closed_at.astimezone(tz).date())
    bgn = eur_to_bgn(s.cash_minor) if bgn_shown else None
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "shift_uuid": shift.uuid,
        "till_id": shift.id,
        "currency": settings.currency,
        "timezone": settings.timezone,
        "operator": s.operator,
        "closed_by": _name(names, shift.closed_by_id),
        "opened_at": _t(shift.opened_at),
        "closed_at": _t(closed_at),
        "opening_float_minor": s.opening_float_minor,
        "call_count": s.call_count,
        "attempts": s.attempts,
        "talk_seconds": s.talk_seconds,
        "billable_seconds": s.billable_seconds,
        "payments_minor": s.payments_minor,
        "refunds_minor": s.refunds_minor,
        "cash_minor": s.cash_minor,
        "expected_minor": s.expected_minor,
        "counted_minor": s.counted_minor,
        "discrepancy_minor": s.discrepancy_minor,
        "paid": s.paid,
        "unserved": s.unserved,
        "unpaid": s.unpaid,
        "unrated": s.unrated,
        "deposits_taken_minor": s.deposits_taken_minor,
        "deposits_returned_minor": s.deposits_returned_minor,
        "deposit_payments_minor": s.deposit_payments_minor,
        "card_sales_minor": s.card_sales_minor,
        "card_top_ups_minor": s.card_top_ups_minor,
        "card_debits_minor": s.card_debits_minor,
        "card_movements": _card_movements(session, shift.id),
        "calls": [_call(c) for c in calls],
        "payments": [
            {
                "payment_uuid": p.uuid,
                "till_id": p.id,
                "at": _t(p.at),
                "operator": _name(names, p.operator_id),
                "method": p.method,
                "subtotal_minor": p.subtotal_minor,
                "rounding_minor": p.rounding_minor,
                "total_minor": p.total_minor,
                "tendered_minor": p.tendered_minor,
                "change_minor": p.change_minor,
                "lines": [
                    {
                        "kind": line.kind,
                        "call_uuid": (
                            None if line.call_id is None else call_uuids.get(line.call_id)
                        ),
                        "amount_minor": line.amount_minor,
                    }
                    for line in lines.get(p.id, [])
                ],
            }
            for p in payments
        ],
        "refunds": [
            {
                "refund_uuid": derived_uuid(shift.uuid, "refund", r.id),
                "till_id": r.id,
                "at": _t(r.at),
                "operator": _name(names, r.operator_id),
                "call_uuid": call_uuids.get(r.call_id),
                "payment_uuid": payment_uuids.get(r.payment_id),
                "amount_minor": r.amount_minor,
                "rounding_minor": r.rounding_minor,
                "total_minor": r.total_minor,
                "reason": r.reason,
            }
            for r in refunds
        ],
        "corrections": [
            _correction(k, shift.uuid, call_uuids.get(k.call_id, ""), names) for k in corrections
        ],
        "deposits": [
            {
                "deposit_uuid": derived_uuid(shift.uuid, "deposit", d.id),
                "till_id": d.id,
                "booth": d.booth,
                "taken_at": _t(d.taken_at),
                "amount_minor": d.amount_minor,
                "status": d.status,
                "settled_at": _t(d.settled_at),
                "used_minor": d.used_minor,
                "returned_minor": d.returned_minor,
            }
            for d in deposits
        ],
        "z": {
            "payment_count": report.payment_count,
            "refund_count": report.refund_count,
            "rounding_minor": report.rounding_minor,
            "manual_drawer_opens": drawer_opens,
            "by_status": [
                {"status": t.status, "count": t.count, "amount_minor": t.amount_minor}
                for t in report.by_status
            ],
            "by_booth": [
                {
                    "booth": b.booth,
                    "calls": b.calls,
                    "talk_seconds": b.talk_seconds,
                    "billable_seconds": b.billable_seconds,
                    "amount_minor": b.amount_minor,
                    "paid_minor": b.paid_minor,
                    "unserved": b.unserved,
                    "unpaid": b.unpaid,
                }
                for b in report.by_booth
            ],
            "bgn_equivalent_minor": bgn,
        },
        "anchor": _anchor(head[0], head[1], previous[0], previous[1]),
    }
    _check(ClosedShift, data, f"shift {shift.id}")
    return canonical(data)


def _card_movements(session: Session, shift_id: int) -> list[dict[str, Any]]:
    """The shift's card sales, top-ups and debits (the serial, never a PIN)."""
    rows = session.execute(
        select(CardMovement, Card.serial)
        .join(Card, Card.id == CardMovement.card_id)
        .where(CardMovement.shift_id == shift_id)
        .order_by(CardMovement.id)
    )
    return [
        {
            "movement_uuid": m.uuid,
            "till_id": m.id,
            "kind": m.kind,
            "at": _t(m.at),
            "serial": serial,
            "amount_minor": m.amount_minor,
            "balance_after_minor": m.balance_after_minor,
            "tendered_minor": m.tendered_minor,
            "change_minor": m.change_minor,
            "call_ref": m.call_ref,
            "booth": m.booth,
        }
        for m, serial in rows
    ]


def correction_payload(
    session: Session,
    correction: CallCorrection,
    shift: Shift,
    *,
    head: tuple[int, str],
    previous: tuple[int | None, str | None],
) -> bytes:
    """A correction of a closed shift as central receives it (without ``shop``)."""
    call_uuid = session.scalar(select(Call.uuid).where(Call.id == correction.call_id)) or ""
    names = _names(session, [correction.admin_id])
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "shift_uuid": shift.uuid,
        "correction": _correction(correction, shift.uuid, call_uuid, names),
        "anchor": _anchor(head[0], head[1], previous[0], previous[1]),
    }
    _check(CorrectionPayload, data, f"correction {correction.id}")
    return canonical(data)


def _check(
    model: type[ClosedShift] | type[CorrectionPayload], data: dict[str, Any], what: str
) -> None:
    """Check the payload against the schema. A failure is logged, never raised: the
    close (the cashier's money record) must not fail because of the link; central
    refuses the item and it is parked, visibly."""
    try:
        model.model_validate({**data, "shop": PLACEHOLDER_SHOP})
    except ValidationError as exc:
        log.error("sync: the payload of %s does not match the schema: %s", what, exc)
