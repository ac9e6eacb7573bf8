"""Documents from the services' values: a payment → its receipt, a shift report → its X/Z page.

Pure functions: the services load the data, these only reshape it (local time,
shop header, the BGN line while the setting is on). Nothing here touches the
database or a device.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from callshop_pos.journal import GENESIS_HASH
from callshop_pos.money import EUR, Currency, eur_to_bgn
from callshop_pos.receipts.labels import format_amount, labels_for
from callshop_pos.receipts.model import (
    BoothTotal,
    Receipt,
    ReceiptCallLine,
    ReceiptCardLine,
    ReportCall,
    ReportKind,
    ShiftReportDoc,
    ShopHeader,
    StatusCount,
)
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till.calls import CallView
from callshop_pos.services.till.payments import PaymentResult
from callshop_pos.settings import Settings

__all__ = [
    "CardSaleDoc",
    "bgn_line_on",
    "build_card_receipt",
    "build_receipt",
    "build_shift_report",
    "card_receipt_number",
    "receipt_number",
    "shop_currency",
    "shop_header",
]


def shop_header(settings: Settings) -> ShopHeader:
    """The shop as the settings describe it; the address splits into lines at ``;`` or newlines."""
    raw = settings.shop_address.replace("\r", "").replace(";", "\n")
    address = tuple(part.strip() for part in raw.split("\n") if part.strip())
    return ShopHeader(
        name=settings.shop_name.strip() or "CallShop",
        address=address,
        vat_number=settings.shop_vat_number.strip(),
    )


def bgn_line_on(settings: Settings, today: date) -> bool:
    """Whether the BGN-equivalent line is printed on ``today`` (shop-local date)."""
    if settings.currency != "EUR" or not settings.bgn_line_enabled:
        return False
    until = settings.bgn_line_until
    return until is None or today <= until


def shop_currency(settings: Settings) -> Currency:
    """The local currency as printed (€ for EUR, otherwise its ISO code)."""
    return EUR if settings.currency == EUR.code else Currency(settings.currency, settings.currency)


def receipt_number(payment_id: int) -> str:
    """The receipt number printed for a payment (its id, six digits at least)."""
    return f"{payment_id:06d}"


def card_receipt_number(movement_id: int) -> str:
    """The receipt number printed for a card sale or top-up ("K" and its movement id;
    payments' receipts have plain numbers)."""
    return f"K{movement_id:06d}"


@dataclass(frozen=True, slots=True)
class CardSaleDoc:
    """What a card sale's or top-up's receipt is made from (a ``card_movements`` row)."""

    movement_id: int
    kind: str  # sale / top_up
    serial: str
    at: datetime
    amount_minor: int
    tendered_minor: int
    change_minor: int


def _local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz)


def build_receipt(
    payment: PaymentResult,
    *,
    settings: Settings,
    operator: str,
    is_copy: bool = False,
    fiscal_sale_number: str | None = None,
    footer: tuple[str, ...] | None = None,
) -> Receipt:
    """The receipt of ``payment`` (a fresh one, or a copy for a reprint)."""
    tz = ZoneInfo(settings.timezone)
    issued = _local(payment.at, tz)
    calls = {c.id: c for c in payment.calls}
    lines = []
    for line in payment.bill.lines:
        call = calls.get(line.call_id)
        started = call.answered_at if call is not None and call.answered_at else payment.at
        lines.append(
            ReceiptCallLine(
                booth=line.booth,
                number=line.number,
                destination=line.destination or "",
                started_at=_local(started, tz),
                duration_s=line.duration_s,
                billable_s=line.billable_s,
                price_minor=line.amount_minor,
            )
        )
    bill = payment.bill
    labels = labels_for(settings.language)
    return Receipt(
        shop=shop_header(settings),
        number=receipt_number(payment.payment_id),
        issued_at=issued,
        operator=operator,
        lines=tuple(lines),
        subtotal_minor=bill.subtotal_minor,
        rounding_minor=bill.rounding_minor,
        total_minor=bill.total_minor,
        tendered_minor=payment.tendered_minor,
        change_minor=payment.change_minor,
        currency=shop_currency(settings),
        bgn_equivalent_minor=(
            eur_to_bgn(bill.total_minor) if bgn_line_on(settings, issued.date()) else None
        ),
        footer=footer if footer is not None else (labels.thanks,),
        fiscal_sale_number=fiscal_sale_number,
        is_copy=is_copy,
    )


def build_card_receipt(
    sale: CardSaleDoc,
    *,
    settings: Settings,
    operator: str,
    is_copy: bool = False,
    fiscal_sale_number: str | None = None,
) -> Receipt:
    """The receipt of a prepaid calling card sold or topped up: one card line with its
    serial (never its PIN), not rounded to the cash unit (the face value is exact)."""
    issued = _local(sale.at, ZoneInfo(settings.timezone))
    return Receipt(
        shop=shop_header(settings),
        number=card_receipt_number(sale.movement_id),
        issued_at=issued,
        operator=operator,
        lines=(ReceiptCardLine(kind=sale.kind, serial=sale.serial, price_minor=sale.amount_minor),),
        subtotal_minor=sale.amount_minor,
        rounding_minor=0,
        total_minor=sale.amount_minor,
        tendered_minor=sale.tendered_minor,
        change_minor=sale.change_minor,
        currency=shop_currency(settings),
        bgn_equivalent_minor=(
            eur_to_bgn(sale.amount_minor) if bgn_line_on(settings, issued.date()) else None
        ),
        footer=(labels_for(settings.language).thanks,),
        fiscal_sale_number=fiscal_sale_number,
        is_copy=is_copy,
    )


def _report_call(call: CallView, tz: ZoneInfo) -> ReportCall:
    return ReportCall(
        call_id=call.id,
        booth=call.booth,
        number=call.number,
        destination=call.destination or "",
        answered_at=_local(call.answered_at, tz) if call.answered_at else None,
        duration_s=call.duration_s,
        price_minor=call.price_minor,
        status=call.status,
    )


def build_shift_report(
    report: ShiftReport,
    *,
    settings: Settings,
    manual_drawer_opens: int,
    is_copy: bool = False,
) -> ShiftReportDoc:
    """The printable X or Z report of a shift from the services' report data."""
    tz = ZoneInfo(settings.timezone)
    s = report.summary
    labels = labels_for(settings.language)
    currency = shop_currency(settings)
    printed = _local(report.generated_at, tz)
    notes: list[str] = []
    if report.unrated_calls:
        notes.append(f"{labels.unrated_count}: {len(report.unrated_calls)}")
    for k in report.corrections:
        notes.append(
            f"{labels.correction} #{k.call_id}: {labels.status(k.old_status)} → "
            f"{labels.status(k.new_status)}, {format_amount(k.amount_minor, currency.symbol)} "
            f"({k.reason})"
        )
    return ShiftReportDoc(
        kind=ReportKind(report.kind),
        shop=shop_header(settings),
        shift_id=s.id,
        operator=s.operator,
        opened_at=_local(s.opened_at, tz),
        closed_at=_local(s.closed_at, tz) if s.closed_at else None,
        printed_at=printed,
        opening_float_minor=s.opening_float_minor,
        payments_count=report.payment_count,
        payments_minor=s.payments_minor,
        refunds_count=report.refund_count,
        refunds_minor=s.refunds_minor,
        expected_cash_minor=s.expected_minor,
        counted_cash_minor=s.counted_minor,
        discrepancy_minor=s.discrepancy_minor,
        call_count=s.call_count,
        talk_s=s.talk_seconds,
        billable_s=s.billable_seconds,
        by_status=tuple(StatusCount(t.status, t.count, t.amount_minor) for t in report.by_status),
        booth_totals=tuple(
            BoothTotal(b.booth, b.calls, b.talk_seconds, b.amount_minor) for b in report.by_booth
        ),
        unserved_calls=tuple(_report_call(c, tz) for c in report.unserved_calls),
        unpaid_calls=tuple(_report_call(c, tz) for c in report.unpaid_calls),
        manual_drawer_opens=manual_drawer_opens,
        journal_head_hash=report.journal_head or GENESIS_HASH,
        currency=currency,
        bgn_equivalent_minor=(
            eur_to_bgn(s.cash_minor) if bgn_line_on(settings, printed.date()) else None
        ),
        is_copy=is_copy,
        notes=tuple(notes),
        deposits_count=len(report.deposits),
        deposits_taken_minor=s.deposits_taken_minor,
        deposits_returned_minor=s.deposits_returned_minor,
        deposit_payments_minor=s.deposit_payments_minor,
        open_deposits=s.open_deposits,
        rounding_minor=report.rounding_minor,
        card_sales_count=s.card_sales,
        card_sales_minor=s.card_sales_minor,
        card_top_ups_count=s.card_top_ups,
        card_top_ups_minor=s.card_top_ups_minor,
        card_calls=s.card_calls,
        card_debits_minor=s.card_debits_minor,
    )
