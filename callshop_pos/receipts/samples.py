"""Sample documents: the printer test page in settings, print previews, docs screenshots."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from callshop_pos.money import eur_to_bgn
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

__all__ = ["SAMPLE_SHOP", "sample_card_receipt", "sample_receipt", "sample_shift_report"]

_SOFIA = timezone(timedelta(hours=2), "EET")

SAMPLE_SHOP = ShopHeader(
    name="Телефонен център „Витоша“",
    address=("бул. Витоша 42, 1000 София", "тел. 02 987 6543"),
    vat_number="BG123456789",
)


def sample_receipt(*, is_copy: bool = False, bgn_line: bool = True) -> Receipt:
    """A two-call receipt with cash rounding, change and the BGN line."""
    day = datetime(2026, 11, 26, 14, 0, tzinfo=_SOFIA)
    lines = (
        ReceiptCallLine("3", "00359888123456", "България – мобилни", day, 245, 300, 125),
        ReceiptCallLine(
            "3", "004930123456", "Германия – Берлин", day + timedelta(minutes=6), 612, 660, 222
        ),
    )
    subtotal = sum(line.price_minor for line in lines)
    total = 350
    return Receipt(
        shop=SAMPLE_SHOP,
        number="000123",
        issued_at=day + timedelta(minutes=18),
        operator="Мария Иванова",
        lines=lines,
        subtotal_minor=subtotal,
        rounding_minor=total - subtotal,
        total_minor=total,
        tendered_minor=1000,
        change_minor=650,
        bgn_equivalent_minor=eur_to_bgn(total) if bgn_line else None,
        footer=("Благодарим Ви! Заповядайте отново.",),
        fiscal_sale_number="DT279013-0001-0000123",
        is_copy=is_copy,
    )


def sample_card_receipt(*, is_copy: bool = False) -> Receipt:
    """A prepaid calling card of 10.00 € sold for a 20 € note (no fiscal device)."""
    return Receipt(
        shop=SAMPLE_SHOP,
        number="K000042",
        issued_at=datetime(2026, 11, 26, 14, 25, tzinfo=_SOFIA),
        operator="Мария Иванова",
        lines=(ReceiptCardLine("sale", "00000000018", 1000),),
        subtotal_minor=1000,
        rounding_minor=0,
        total_minor=1000,
        tendered_minor=2000,
        change_minor=1000,
        bgn_equivalent_minor=eur_to_bgn(1000),
        footer=("Благодарим Ви! Заповядайте отново.",),
        is_copy=is_copy,
    )


def sample_shift_report(kind: ReportKind = ReportKind.Z) -> ShiftReportDoc:
    """A busy day's shift with a discrepancy, unserved and unpaid calls."""
    opened = datetime(2026, 11, 26, 8, 0, tzinfo=_SOFIA)
    closed = opened + timedelta(hours=12) if kind is ReportKind.Z else None
    unserved = (
        ReportCall(
            4711,
            "2",
            "0035929876543",
            "България – София",
            opened + timedelta(hours=11, minutes=41),
            95,
            40,
            "unserved",
        ),
        ReportCall(
            4712, "5", "*100#", "", opened + timedelta(hours=11, minutes=50), 12, None, "unserved"
        ),
    )
    unpaid = (
        ReportCall(
            4650,
            "1",
            "00447700900123",
            "Великобритания – мобилни",
            opened + timedelta(hours=3, minutes=7),
            301,
            180,
            "unpaid",
        ),
    )
    payments = 18740
    refunds = 125
    expected = 5000 + payments - refunds
    counted = expected - 50 if kind is ReportKind.Z else None
    return ShiftReportDoc(
        kind=kind,
        shop=SAMPLE_SHOP,
        shift_id=318,
        operator="Мария Иванова",
        opened_at=opened,
        closed_at=closed,
        printed_at=closed or opened + timedelta(hours=6),
        opening_float_minor=5000,
        payments_count=57,
        payments_minor=payments,
        refunds_count=1,
        refunds_minor=refunds,
        expected_cash_minor=expected,
        counted_cash_minor=counted,
        discrepancy_minor=None if counted is None else counted - expected,
        call_count=64,
        talk_s=4 * 3600 + 17 * 60 + 33,
        billable_s=4 * 3600 + 41 * 60,
        by_status=(
            StatusCount("paid", 61, payments - 5),
            StatusCount("unpaid", 1, 180),
            StatusCount("unserved", 2, 40),
        ),
        booth_totals=(
            BoothTotal("1", 17, 4210, 5120),
            BoothTotal("2", 15, 3895, 4365),
            BoothTotal("3", 14, 3302, 4010),
            BoothTotal("4", 10, 2460, 3100),
            BoothTotal("5", 8, 1586, 2360),
        ),
        unserved_calls=unserved,
        unpaid_calls=unpaid,
        manual_drawer_opens=2,
        journal_head_hash="9f2c4e1b7a0d3c5e8f6a2b4d1c3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e",
        bgn_equivalent_minor=eur_to_bgn(payments - refunds),
    )
