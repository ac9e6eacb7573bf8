"""The fiscal gate: every cash sale registered on the fiscal device before it counts as paid.

Bulgarian ordinance Н-18: each sale is registered on a fiscal device under a unique
sale number (УНП) that the till generates (``XX000000-0000-0000000``: device serial,
operator code, 7-digit sequence). :class:`FiscalGate` is the hook
:func:`callshop_pos.services.till.payments.pay_calls` calls:

1. ``before_payment`` — before anything is written: asks the device for its status
   (unreachable → the payment is refused with a clear message, nothing recorded),
   allocates the sale number in its own committed transaction (``pending``), prints
   the fiscal receipt, and stores the device's answer (``printed``).
2. ``link_payment`` — inside the payment's transaction: links the printed fiscal
   sale to the new payment (the payment's journal entry covers that link).

Retries are safe. A sale is identified by its content (the calls and the total): a
retry of the same sale — after a timeout, a refused payment, a crash — finds the
earlier pending or printed row and reuses its sale number, and the ErpNet.FP client
derives the print task from that number, so the device never prints it twice.

Refunds (paid → unpaid) are reversed on the device by :meth:`FiscalGate.reverse_refund`
after the refund is recorded, with a reversal receipt that references the original
sale (its number, receipt number, date and fiscal memory); it is retryable, keyed by
the refund id. A sale printed for a payment that then failed and was never retried is
reversed as an operator error by :meth:`FiscalGate.void_orphans`, which the fiscal Z
runs first, so the device's day holds only sales the till was paid for. X/Z reports
and cash in/out are passed through and journaled; an X or Z
report carries a reference made of the device, the last fiscal sale number and the last
report of that kind journaled, so a retry after a failure (nothing journaled in
between) reuses the print task and the device never makes a second Z for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import CardMovement
from callshop_pos.db.models.devices import FiscalKind, FiscalSale, FiscalState
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.payments import Refund
from callshop_pos.errors import NotFound
from callshop_pos.receipts.devices import FiscalConfig
from callshop_pos.receipts.fiscal import (
    FiscalItem,
    FiscalReceiptResult,
    FiscalReversal,
    FiscalStatus,
    ReversalReason,
    format_sale_number,
)
from callshop_pos.receipts.fiscal import (
    FiscalSale as FiscalSaleDoc,
)
from callshop_pos.receipts.labels import labels_for
from callshop_pos.receipts.ports import FiscalDevice, FiscalDeviceError
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.till import CardSaleQuote
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payments import Bill, PaymentResult

__all__ = ["ORPHAN_AGE_S", "FiscalGate", "content_key"]

#: A printed sale with no payment this old is an orphan (its payment is not coming).
ORPHAN_AGE_S = 10


def content_key(call_ids: tuple[int, ...], total_minor: int) -> str:
    """What identifies one sale across retries: its calls and its total (a fixed-size
    digest, since a bill may hold hundreds of calls)."""
    text = f"calls:{','.join(str(i) for i in sorted(call_ids))};total:{total_minor}"
    return "sale:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def _void_key(sale_id: int) -> str:
    return f"void:{sale_id}"


def _voided_sales() -> Select[int | None]:
    """Ids of sales reversed as operator errors (printed, paid by no payment)."""
    return select(FiscalSale.original_id).where(
        FiscalSale.kind == FiscalKind.REVERSAL.value,
        FiscalSale.content_key.like("void:%"),
        FiscalSale.original_id.is_not(None),
    )


def _card_linked() -> Select[int | None]:
    """Ids of sales a card sale or top-up took (they have no payment)."""
    return select(CardMovement.fiscal_sale_id).where(CardMovement.fiscal_sale_id.is_not(None))


@dataclass(frozen=True, slots=True)
class _Original:
    """The printed sale a reversal refers to."""

    id: int
    unique_sale_number: str
    sequence: int
    result: FiscalReceiptResult

    @classmethod
    def of(cls, row: FiscalSale) -> _Original:
        return cls(row.id, row.unique_sale_number, row.sequence, _result(row))


def _result(row: FiscalSale) -> FiscalReceiptResult:
    return FiscalReceiptResult(
        receipt_number=row.receipt_number or "",
        receipt_datetime=row.receipt_datetime or "",
        amount_minor=row.amount_minor,
        fiscal_memory_serial=row.fiscal_memory_serial or "",
    )


class FiscalGate:
    """Registers sales and refunds on the fiscal device (see the module docstring)."""

    def __init__(self, device: FiscalDevice, config: FiscalConfig) -> None:
        self.device = device
        self.config = config

    # -- the payment hook -----------------------------------------------------------
    def before_payment(self, shop: Shop, actor: Actor, bill: Bill, tendered_minor: int) -> None:
        """Register the sale on the device; raises (and nothing is paid) when it cannot.

        :func:`~callshop_pos.services.till.payments.pay_calls` has checked that
        ``tendered_minor`` covers the bill before it calls this.
        """
        if bill.total_minor <= 0:
            return  # nothing sold (free calls): no fiscal receipt
        key = content_key(bill.call_ids, bill.total_minor)
        with shop.db.read() as session:
            earlier = self._unlinked_sale(session, key)
            if earlier is not None and earlier.state == FiscalState.PRINTED.value:
                return  # registered by an earlier attempt whose payment was not recorded
        self.device.status()  # unreachable or not ready: refused before anything is written
        usn = (
            earlier.unique_sale_number
            if earlier is not None
            else self._allocate(shop, actor, key, bill.total_minor)
        )
        labels = labels_for(shop.settings.language)
        items = tuple(
            FiscalItem(
                f"{labels.fiscal_item} {line.destination or line.number}",
                line.amount_minor,
                tax_group=self.config.tax_group,
            )
            for line in bill.lines
            if line.amount_minor > 0
        )
        result = self.device.print_receipt(
            FiscalSaleDoc(
                unique_sale_number=usn,
                items=items,
                paid_minor=tendered_minor,
                surcharge_minor=bill.rounding_minor,
                operator=self.config.operator,
                operator_password=self.config.operator_password,
            )
        )
        if result.amount_minor != bill.total_minor:
            raise FiscalDeviceError(
                f"the fiscal device registered {result.amount_minor} instead of "
                f"{bill.total_minor} minor units for sale {usn}; call the service technician"
            )
        self._store_printed(shop, actor, usn, FiscalKind.SALE, result)

    def link_payment(self, session: Session, payment: PaymentResult) -> list[Base]:
        """Link the registered sale to ``payment`` (in the payment's transaction)."""
        if payment.bill.total_minor <= 0:
            return []
        row = self._unlinked_sale(session, content_key(payment.bill.call_ids, payment.total_minor))
        if row is None or row.state != FiscalState.PRINTED.value:
            raise FiscalDeviceError(
                "the bill changed while the fiscal receipt was printed; pay again"
            )
        row.payment_id = payment.payment_id
        return [row]

    # -- prepaid cards ----------------------------------------------------------------
    def before_card_sale(
        self, shop: Shop, actor: Actor, quote: CardSaleQuote, tendered_minor: int
    ) -> None:
        """Register a card sale or top-up before it is recorded (the card hook of
        :func:`callshop_pos.services.cards.till.sell_card`); retry-safe like payments:
        the quote's content key finds an earlier attempt's sale number."""
        key = quote.content_key
        with shop.db.read() as session:
            earlier = self._unlinked_sale(session, key)
            if earlier is not None and earlier.state == FiscalState.PRINTED.value:
                return
        self.device.status()
        usn = (
            earlier.unique_sale_number
            if earlier is not None
            else self._allocate(shop, actor, key, quote.amount_minor)
        )
        labels = labels_for(shop.settings.language)
        text = labels.card_item if quote.kind.value == "sale" else labels.card_top_up_item
        result = self.device.print_receipt(
            FiscalSaleDoc(
                unique_sale_number=usn,
                items=(
                    FiscalItem(
                        f"{text} {quote.serial}",
                        quote.amount_minor,
                        tax_group=self.config.tax_group,
                    ),
                ),
                paid_minor=tendered_minor,
                surcharge_minor=0,
                operator=self.config.operator,
                operator_password=self.config.operator_password,
            )
        )
        if result.amount_minor != quote.amount_minor:
            raise FiscalDeviceError(
                f"the fiscal device registered {result.amount_minor} instead of "
                f"{quote.amount_minor} minor units for sale {usn}; call the service technician"
            )
        self._store_printed(shop, actor, usn, FiscalKind.SALE, result)

    def link_card_sale(self, session: Session, quote: CardSaleQuote) -> int | None:
        """The printed fiscal sale of ``quote`` (in the card sale's transaction)."""
        row = self._unlinked_sale(session, quote.content_key)
        if row is None or row.state != FiscalState.PRINTED.value:
            raise FiscalDeviceError("the card changed while the fiscal receipt was printed")
        return row.id

    # -- refunds ----------------------------------------------------------------------
    def reverse_refund(
        self, shop: Shop, actor: Actor, refund_id: int
    ) -> FiscalReceiptResult | None:
        """Print the reversal receipt of a recorded refund (once; safe to call again).

        Returns None when the refunded payment was not fiscalised (device off then).
        """
        require_role(actor, Role.OPERATOR)
        with shop.db.read() as session:
            refund = session.get(Refund, refund_id)
            if refund is None:
                raise NotFound(f"no refund {refund_id}")
            original = session.scalar(
                select(FiscalSale).where(
                    FiscalSale.payment_id == refund.payment_id,
                    FiscalSale.kind == FiscalKind.SALE.value,
                )
            )
            if original is None:
                return None
            done = session.scalar(select(FiscalSale).where(FiscalSale.refund_id == refund_id))
            if done is not None and done.state == FiscalState.PRINTED.value:
                return _result(done)
            call = session.get(Call, refund.call_id)
            text = call.destination or call.number if call is not None else str(refund.call_id)
            source = _Original.of(original)
        return self._reverse(
            shop,
            actor,
            source,
            key=f"refund:{refund_id}",
            amount_minor=refund.total_minor,
            text=f"{labels_for(shop.settings.language).fiscal_item} {text}",
            reference=str(refund_id),
            reason=ReversalReason.REFUND,
            started=done is not None,
            refund_id=refund_id,
        )

    # -- reports and cash ---------------------------------------------------------------
    def x_report(self, shop: Shop, actor: Actor) -> FiscalStatus:
        reference = self._report_reference(shop, "fiscal.x_report")
        return self._journal_op(
            shop,
            actor,
            "fiscal.x_report",
            {"reference": reference},
            lambda: self.device.x_report(reference),
        )

    def z_report(self, shop: Shop, actor: Actor) -> FiscalStatus:
        """The device's Z report, after :meth:`void_orphans`: the fiscal day the device
        closes then holds exactly the sales the till was paid for."""
        self.void_orphans(shop, actor)
        reference = self._report_reference(shop, "fiscal.z_report")
        return self._journal_op(
            shop,
            actor,
            "fiscal.z_report",
            {"reference": reference},
            lambda: self.device.z_report(reference),
        )

    def void_orphans(self, shop: Shop, actor: Actor) -> list[FiscalReceiptResult]:
        """Reverse, as operator errors, the sales this device printed that no payment took.

        That happens when the payment fails after its receipt was printed — another till
        paid the same calls first, the bill changed, the till crashed — and nobody paid
        that bill again (a retry of the same bill reuses the printed sale instead). Such
        a receipt is cash the device counts and the till never took. Each is reversed
        once (retry-safe like refunds); a voided sale is never linked to a payment later
        — paying those calls again prints a new sale. Sales printed in the last
        ``ORPHAN_AGE_S`` seconds are left alone: their payment may still be committing.
        """
        require_role(actor, Role.OPERATOR)
        cutoff = shop.clock.now() - timedelta(seconds=ORPHAN_AGE_S)
        with shop.db.read() as session:
            orphans = [
                (_Original.of(row), row.amount_minor)
                for row in session.scalars(
                    select(FiscalSale)
                    .where(
                        FiscalSale.kind == FiscalKind.SALE.value,
                        FiscalSale.state == FiscalState.PRINTED.value,
                        FiscalSale.payment_id.is_(None),
                        FiscalSale.id.not_in(_card_linked()),
                        FiscalSale.device_serial == self.config.device_serial,
                        FiscalSale.printed_at <= cutoff,
                        FiscalSale.id.not_in(
                            _voided_sales().where(FiscalSale.state == FiscalState.PRINTED.value)
                        ),
                    )
                    .order_by(FiscalSale.id)
                )
            ]
            started = set(
                session.scalars(
                    select(FiscalSale.content_key).where(
                        FiscalSale.kind == FiscalKind.REVERSAL.value,
                        FiscalSale.content_key.like("void:%"),
                    )
                )
            )
        text = labels_for(shop.settings.language).fiscal_item
        return [
            self._reverse(
                shop,
                actor,
                original,
                key=_void_key(original.id),
                amount_minor=amount_minor,
                text=text,
                reference=f"void-{original.id}",
                reason=ReversalReason.OPERATOR_ERROR,
                started=_void_key(original.id) in started,
            )
            for original, amount_minor in orphans
        ]

    def deposit(self, shop: Shop, actor: Actor, amount_minor: int, reference: str) -> FiscalStatus:
        return self._journal_op(
            shop,
            actor,
            "fiscal.deposit",
            {"amount_minor": amount_minor, "reference": reference},
            lambda: self.device.deposit(amount_minor, reference),
        )

    def withdraw(self, shop: Shop, actor: Actor, amount_minor: int, reference: str) -> FiscalStatus:
        return self._journal_op(
            shop,
            actor,
            "fiscal.withdraw",
            {"amount_minor": amount_minor, "reference": reference},
            lambda: self.device.withdraw(amount_minor, reference),
        )

    # -- internals ----------------------------------------------------------------------
    def _reverse(
        self,
        shop: Shop,
        actor: Actor,
        original: _Original,
        *,
        key: str,
        amount_minor: int,
        text: str,
        reference: str,
        reason: ReversalReason,
        started: bool,
        refund_id: int | None = None,
    ) -> FiscalReceiptResult:
        """Print the reversal ``key`` of ``original`` once: stored as pending first
        (unless an earlier attempt did, ``started``), printed under a task id derived
        from ``reference``, then stored as printed."""
        usn = original.unique_sale_number
        if not started:
            self._insert(
                shop,
                actor,
                FiscalSale(
                    kind=FiscalKind.REVERSAL.value,
                    unique_sale_number=usn,
                    device_serial=self.config.device_serial,
                    operator_code=self.config.operator_code,
                    sequence=original.sequence,
                    content_key=key,
                    amount_minor=amount_minor,
                    state=FiscalState.PENDING.value,
                    created_at=shop.clock.now(),
                    refund_id=refund_id,
                    original_id=original.id,
                ),
            )
        result = self.device.print_reversal(
            FiscalReversal(
                original_sale_number=usn,
                original=original.result,
                items=(FiscalItem(text, amount_minor, tax_group=self.config.tax_group),),
                reference=reference,
                reason=reason,
                operator=self.config.operator,
                operator_password=self.config.operator_password,
            )
        )
        self._store_printed(shop, actor, usn, FiscalKind.REVERSAL, result, content_key=key)
        return result

    def _report_reference(self, shop: Shop, action: str) -> str:
        """Names one X/Z report: what the device has seen since the last one journaled.

        Device serial, the newest fiscal sale number on it and the journal sequence of
        the last successful report of this kind. A retry after a failure finds the same
        three (a failed report journals nothing) and so reuses the print task; a sale
        or a successful report in between makes a new reference.
        """
        with shop.db.read() as session:
            last_sale = session.scalar(
                select(func.max(FiscalSale.sequence)).where(
                    FiscalSale.device_serial == self.config.device_serial
                )
            )
            last_report = session.scalar(
                select(func.max(JournalEntry.seq)).where(JournalEntry.action == action)
            )
        return f"{self.config.device_serial}-s{int(last_sale or 0)}-j{int(last_report or 0)}"

    def _journal_op(
        self,
        shop: Shop,
        actor: Actor,
        action: str,
        payload: dict[str, object],
        run: Callable[[], FiscalStatus],
    ) -> FiscalStatus:
        require_role(actor, Role.OPERATOR)
        status = run()
        with shop.db.write() as session:
            journal.append(session, actor, action, payload=dict(payload))
        return status

    def _unlinked_sale(self, session: Session, key: str) -> FiscalSale | None:
        return session.scalars(
            select(FiscalSale)
            .where(
                FiscalSale.kind == FiscalKind.SALE.value,
                FiscalSale.content_key == key,
                FiscalSale.payment_id.is_(None),
                FiscalSale.id.not_in(_card_linked()),
                FiscalSale.device_serial == self.config.device_serial,
                FiscalSale.id.not_in(_voided_sales()),
            )
            .order_by(FiscalSale.id.desc())
            .limit(1)
        ).first()

    def _allocate(self, shop: Shop, actor: Actor, key: str, total_minor: int) -> str:
        """The next sale number of this device and operator, stored as pending."""
        with shop.db.write() as session:
            last = session.scalar(
                select(func.max(FiscalSale.sequence)).where(
                    FiscalSale.kind == FiscalKind.SALE.value,
                    FiscalSale.device_serial == self.config.device_serial,
                    FiscalSale.operator_code == self.config.operator_code,
                )
            )
            sequence = int(last or 0) + 1
            usn = format_sale_number(self.config.device_serial, self.config.operator_code, sequence)
            row = FiscalSale(
                kind=FiscalKind.SALE.value,
                unique_sale_number=usn,
                device_serial=self.config.device_serial,
                operator_code=self.config.operator_code,
                sequence=sequence,
                content_key=key,
                amount_minor=total_minor,
                state=FiscalState.PENDING.value,
                created_at=shop.clock.now(),
            )
            session.add(row)
            session.flush()
            journal.append(
                session, actor, "fiscal.sale.pending", subject=row, payload={"usn": usn}, rows=[row]
            )
            return usn

    def _insert(self, shop: Shop, actor: Actor, row: FiscalSale) -> None:
        with shop.db.write() as session:
            session.add(row)
            session.flush()
            journal.append(
                session,
                actor,
                f"fiscal.{row.kind}.pending",
                subject=row,
                payload={"usn": row.unique_sale_number},
                rows=[row],
            )

    def _store_printed(
        self,
        shop: Shop,
        actor: Actor,
        usn: str,
        kind: FiscalKind,
        result: FiscalReceiptResult,
        content_key: str | None = None,
    ) -> None:
        with shop.db.write() as session:
            stmt = select(FiscalSale).where(
                FiscalSale.unique_sale_number == usn, FiscalSale.kind == kind.value
            )
            if content_key is not None:
                stmt = stmt.where(FiscalSale.content_key == content_key)
            row = session.scalars(stmt.order_by(FiscalSale.id.desc()).limit(1)).one()
            row.state = FiscalState.PRINTED.value
            row.printed_at = shop.clock.now()
            row.receipt_number = result.receipt_number
            row.receipt_datetime = result.receipt_datetime
            row.fiscal_memory_serial = result.fiscal_memory_serial
            journal.append(
                session,
                actor,
                f"fiscal.{kind.value}.printed",
                subject=row,
                payload={"usn": usn, "receipt_number": result.receipt_number},
                rows=[row],
            )
