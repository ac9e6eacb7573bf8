"""Printing at the till: receipts and X/Z reports (paper or PDF), and the cash drawer.

Every print and reprint is journaled (a reprint is marked as a copy, on paper and
in the log), so "print the receipt again for my friend" is visible to the owner.
A manual drawer open needs a reason, is journaled, and is counted on the Z report.
The devices themselves come in through the ports of :mod:`callshop_pos.receipts.ports`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import Card, CardMovement, CardMovementKind
from callshop_pos.db.models.devices import DrawerOpen, FiscalKind, FiscalSale, PrintLog
from callshop_pos.db.models.payments import Payment, PaymentLine, PaymentLineKind
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.receipts.model import Receipt, ReportKind, ShiftReportDoc
from callshop_pos.receipts.ports import CashDrawer, DocumentRenderer, ReceiptPrinter
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.calls import call_view
from callshop_pos.services.till.payments import Bill, BillLine, PaymentResult
from callshop_pos.services.till.receipt_builders import (
    CardSaleDoc,
    build_card_receipt,
    build_receipt,
    build_shift_report,
)
from callshop_pos.services.till.shifts import open_shift_row, operator_name, visible_shift, x_report

__all__ = [
    "DrawerOpened",
    "card_receipt",
    "card_receipt_pdf",
    "manual_drawer_opens",
    "open_drawer",
    "print_card_receipt",
    "print_receipt",
    "print_shift_report",
    "receipt_for_payment",
    "receipt_pdf",
    "record_print",
    "shift_report_doc",
    "shift_report_pdf",
]


@dataclass(frozen=True, slots=True)
class DrawerOpened:
    drawer_open_id: int
    shift_id: int | None
    at: datetime
    opens_this_shift: int


# ------------------------------------------------------------------ loading documents


def _payment_result(session: Session, payment: Payment) -> PaymentResult:
    lines = session.scalars(
        select(PaymentLine).where(PaymentLine.payment_id == payment.id).order_by(PaymentLine.id)
    ).all()
    call_ids = [line.call_id for line in lines if line.call_id is not None]
    calls = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_(call_ids)))}
    bill_lines = []
    for line in lines:
        if line.kind != PaymentLineKind.CALL.value or line.call_id is None:
            continue
        call = calls[line.call_id]
        bill_lines.append(
            BillLine(
                call_id=call.id,
                booth=call.booth,
                number=call.number,
                destination=call.destination,
                duration_s=call.duration_s,
                billable_s=call.billable_s,
                amount_minor=line.amount_minor,  # what was charged, even if re-rated later
            )
        )
    bill = Bill(
        lines=tuple(bill_lines),
        subtotal_minor=payment.subtotal_minor,
        rounding_minor=payment.rounding_minor,
        total_minor=payment.total_minor,
        cash_unit_minor=1,
    )
    return PaymentResult(
        payment_id=payment.id,
        shift_id=payment.shift_id,
        at=payment.at,
        bill=bill,
        tendered_minor=payment.tendered_minor,
        change_minor=payment.change_minor,
        calls=tuple(call_view(calls[i]) for i in call_ids),
    )


def _fiscal_number(session: Session, payment_id: int) -> str | None:
    return session.scalar(
        select(FiscalSale.unique_sale_number).where(
            FiscalSale.payment_id == payment_id, FiscalSale.kind == FiscalKind.SALE.value
        )
    )


def receipt_for_payment(shop: Shop, actor: Actor, payment_id: int, *, copy: bool) -> Receipt:
    """The receipt of a recorded payment (``copy`` for every reprint).

    Operators may only see payments of their own shifts.
    """
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            raise NotFound(f"no payment {payment_id}")
        visible_shift(session, actor, payment.shift_id)
        result = _payment_result(session, payment)
        return build_receipt(
            result,
            settings=shop.settings,
            operator=operator_name(session, payment.operator_id),
            is_copy=copy,
            fiscal_sale_number=_fiscal_number(session, payment_id),
        )


def card_receipt(shop: Shop, actor: Actor, movement_id: int, *, copy: bool) -> Receipt:
    """The receipt of a card sold or topped up at the till (``copy`` for every reprint).

    Only cash movements (sale, top-up) have one; operators see their own shifts' only."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        movement = session.get(CardMovement, movement_id)
        cash_kinds = (CardMovementKind.SALE.value, CardMovementKind.TOP_UP.value)
        if movement is None or movement.kind not in cash_kinds or movement.shift_id is None:
            raise NotFound(f"no card sale {movement_id}")
        visible_shift(session, actor, movement.shift_id)
        # a sale or top-up always has them (check constraint card_movement_cash_in_shift)
        assert movement.tendered_minor is not None and movement.change_minor is not None
        assert movement.operator_id is not None
        fiscal_number = None
        if movement.fiscal_sale_id is not None:
            fiscal = session.get(FiscalSale, movement.fiscal_sale_id)
            fiscal_number = fiscal.unique_sale_number if fiscal is not None else None
        doc = CardSaleDoc(
            movement_id=movement.id,
            kind=movement.kind,
            serial=session.get_one(Card, movement.card_id).serial,
            at=movement.at,
            amount_minor=movement.amount_minor,
            tendered_minor=movement.tendered_minor,
            change_minor=movement.change_minor,
        )
        return build_card_receipt(
            doc,
            settings=shop.settings,
            operator=operator_name(session, movement.operator_id),
            is_copy=copy,
            fiscal_sale_number=fiscal_number,
        )


def manual_drawer_opens(session: Session, shift_id: int) -> int:
    """How many times the drawer was opened by hand during the shift."""
    return int(
        session.scalar(select(func.count(DrawerOpen.id)).where(DrawerOpen.shift_id == shift_id))
        or 0
    )


def shift_report_doc(
    shop: Shop, actor: Actor, shift_id: int, *, copy: bool = False
) -> ShiftReportDoc:
    """The printable report of a shift: Z for a closed shift, X while it is open.

    A Z report carries the journal hash of the shift's closing entry, so any later
    rewrite of the history before the close shows against the printed page; an X
    report carries the journal head at the time it is made.
    """
    report = x_report(shop, actor, shift_id)  # Z with the close hash once closed
    with shop.db.read() as session:
        opens = manual_drawer_opens(session, shift_id)
    return build_shift_report(
        report, settings=shop.settings, manual_drawer_opens=opens, is_copy=copy
    )


# ------------------------------------------------------------------ journaled printing


#: What a printed document is about (the journal entry's subject); reports: the shift.
_SUBJECTS = {"receipt": "payments", "card_receipt": "card_movements"}


def record_print(
    shop: Shop,
    actor: Actor,
    document: str,
    subject_id: int,
    *,
    copy: bool,
    target: str,
    ok: bool = True,
    detail: str = "",
) -> int:
    """Journal one print (or failed print attempt); returns the print-log id."""
    with shop.db.write() as session:
        row = PrintLog(
            at=shop.clock.now(),
            actor_id=actor.user_id,
            document=document,
            subject_id=subject_id,
            copy=copy,
            target=target,
            ok=ok,
            detail=detail[:500],
        )
        session.add(row)
        session.flush()
        journal.append(
            session,
            actor,
            f"print.{document}",
            subject=(_SUBJECTS.get(document, "shifts"), subject_id),
            payload={"copy": copy, "target": target, "ok": ok, "detail": detail[:500]},
            rows=[row],
        )
        return row.id


def _journaled(
    shop: Shop,
    actor: Actor,
    document: str,
    subject_id: int,
    copy: bool,
    target: str,
    send: Callable[[], None],
) -> None:
    try:
        send()
    except Exception as exc:
        record_print(
            shop, actor, document, subject_id, copy=copy, target=target, ok=False, detail=str(exc)
        )
        raise
    record_print(shop, actor, document, subject_id, copy=copy, target=target)


def print_receipt(
    shop: Shop,
    actor: Actor,
    printer: ReceiptPrinter,
    payment_id: int,
    *,
    copy: bool = False,
    kick_drawer: bool = False,
    target: str = "escpos",
) -> Receipt:
    """Print a payment's receipt (``copy`` for reprints); the drawer kicks on cash sales."""
    receipt = receipt_for_payment(shop, actor, payment_id, copy=copy)
    _journaled(
        shop,
        actor,
        "receipt",
        payment_id,
        copy,
        target,
        lambda: printer.print_receipt(receipt, kick_drawer=kick_drawer),
    )
    return receipt


def print_card_receipt(
    shop: Shop,
    actor: Actor,
    printer: ReceiptPrinter,
    movement_id: int,
    *,
    copy: bool = False,
    target: str = "escpos",
) -> Receipt:
    """Print the receipt of a card sold or topped up (``copy`` for reprints), journaled
    like a payment's (document ``card_receipt``, subject the card movement)."""
    receipt = card_receipt(shop, actor, movement_id, copy=copy)
    _journaled(
        shop,
        actor,
        "card_receipt",
        movement_id,
        copy,
        target,
        lambda: printer.print_receipt(receipt),
    )
    return receipt


def receipt_pdf(shop: Shop, actor: Actor, renderer: DocumentRenderer, payment_id: int) -> bytes:
    """A payment's receipt as PDF - always a copy (the original went to the customer)."""
    receipt = receipt_for_payment(shop, actor, payment_id, copy=True)
    out: list[bytes] = []
    _journaled(
        shop,
        actor,
        "receipt",
        payment_id,
        True,
        "pdf",
        lambda: out.append(renderer.receipt(receipt)),
    )
    return out[0]


def card_receipt_pdf(
    shop: Shop, actor: Actor, renderer: DocumentRenderer, movement_id: int
) -> bytes:
    """A card sale's receipt as PDF - always a copy, journaled like a reprint."""
    receipt = card_receipt(shop, actor, movement_id, copy=True)
    out: list[bytes] = []
    _journaled(
        shop,
        actor,
        "card_receipt",
        movement_id,
        True,
        "pdf",
        lambda: out.append(renderer.receipt(receipt)),
    )
    return out[0]


def _report_document(doc: ShiftReportDoc) -> str:
    return "z_report" if doc.kind.value == "Z" else "x_report"


def _doc(shop: Shop, actor: Actor, shift_id: int, copy: bool | None) -> ShiftReportDoc:
    doc = shift_report_doc(shop, actor, shift_id)
    # By default a Z report printed again after the close is a copy; the original is
    # the one printed at the close (copy=False).
    is_copy = doc.kind is ReportKind.Z if copy is None else copy
    return doc.as_copy() if is_copy else doc


def print_shift_report(
    shop: Shop,
    actor: Actor,
    printer: ReceiptPrinter,
    shift_id: int,
    *,
    copy: bool | None = None,
    target: str = "escpos",
) -> ShiftReportDoc:
    """Print a shift's X or Z report on the receipt printer (``copy``: see :func:`_doc`)."""
    doc = _doc(shop, actor, shift_id, copy)
    _journaled(
        shop,
        actor,
        _report_document(doc),
        shift_id,
        doc.is_copy,
        target,
        lambda: printer.print_report(doc),
    )
    return doc


def shift_report_pdf(
    shop: Shop,
    actor: Actor,
    renderer: DocumentRenderer,
    shift_id: int,
    *,
    copy: bool | None = None,
) -> bytes:
    """A shift's X or Z report as an A4 PDF (a closed shift's Z is a copy by default)."""
    doc = _doc(shop, actor, shift_id, copy)
    out: list[bytes] = []
    _journaled(
        shop,
        actor,
        _report_document(doc),
        shift_id,
        doc.is_copy,
        "pdf",
        lambda: out.append(renderer.shift_report(doc)),
    )
    return out[0]


# ------------------------------------------------------------------ the cash drawer


def open_drawer(shop: Shop, actor: Actor, drawer: CashDrawer, reason: str) -> DrawerOpened:
    """Open the cash drawer without a sale. The reason is required; the open is journaled
    and counted on the shift's Z report. If the drawer does not open, nothing is recorded."""
    require_role(actor, Role.OPERATOR)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("opening the drawer without a sale needs a reason")
    if len(text) > 300:
        raise InvalidInput("the reason is too long (300 characters at most)")
    drawer.open_drawer()
    with shop.db.write() as session:
        shift = open_shift_row(session)
        row = DrawerOpen(
            at=shop.clock.now(),
            actor_id=actor.user_id,
            shift_id=shift.id if shift is not None else None,
            reason=text,
        )
        session.add(row)
        session.flush()
        journal.append(
            session,
            actor,
            "drawer.open",
            subject=shift if shift is not None else None,
            payload={"reason": text},
            rows=[row],
        )
        count = manual_drawer_opens(session, shift.id) if shift is not None else 0
        return DrawerOpened(row.id, row.shift_id, row.at, count)
