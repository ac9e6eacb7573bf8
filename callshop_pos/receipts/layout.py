"""Text layout of receipts and X/Z reports for 32/42/48-column thermal paper.

The result is a list of :class:`PaperLine` — text already padded/aligned to the
paper width plus a style (bold, tall) — so the ESC/POS adapter only translates
styles to commands and encodes text, and tests can read the layout as plain text.
58 mm paper holds 32 columns (font A); 80 mm paper 48 (font A) or 42 (printers
with a 512-dot head or font B set up for 42).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import IntEnum

from callshop_pos.clock import format_duration
from callshop_pos.receipts.labels import (
    Labels,
    booth_name,
    format_amount,
    format_date_time,
    labels_for,
    rate_note,
)
from callshop_pos.receipts.model import (
    Receipt,
    ReceiptCardLine,
    ReportCall,
    ReportKind,
    ShiftReportDoc,
)

__all__ = [
    "PaperLine",
    "PaperWidth",
    "card_calls_line",
    "card_item",
    "card_lines",
    "deposit_lines",
    "layout_receipt",
    "layout_shift_report",
    "paper_width",
    "plain_text",
    "rounding_lines",
]


class PaperWidth(IntEnum):
    """Characters per line."""

    MM58 = 32
    MM80_42 = 42
    MM80 = 48


def paper_width(paper_mm: int, columns: int | None = None) -> PaperWidth:
    """The column count for ``paper_mm`` (58 or 80) paper; 80 mm may ask for 42."""
    if paper_mm == 58 and columns in (None, 32):
        return PaperWidth.MM58
    if paper_mm == 80 and columns in (None, 48):
        return PaperWidth.MM80
    if paper_mm == 80 and columns == 42:
        return PaperWidth.MM80_42
    raise ValueError(f"unsupported paper: {paper_mm} mm with {columns} columns")


@dataclass(frozen=True)
class PaperLine:
    """One printed line: exactly ``width`` characters (or empty), and its style."""

    text: str
    bold: bool = False
    tall: bool = False  # double height (width unchanged, so columns stay valid)


class _Page:
    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[PaperLine] = []

    def text(self, text: str, *, bold: bool = False, tall: bool = False) -> None:
        """Left-aligned text, wrapped; continuation lines keep the first line's indent."""
        indent = " " * (len(text) - len(text.lstrip(" ")))
        parts = textwrap.wrap(text, self.width, subsequent_indent=indent, break_on_hyphens=False)
        for part in parts or [""]:
            self.lines.append(PaperLine(part.ljust(self.width), bold, tall))

    def center(self, text: str, *, bold: bool = False, tall: bool = False) -> None:
        for part in textwrap.wrap(text, self.width) or [""]:
            self.lines.append(
                PaperLine(part.center(self.width).rstrip().ljust(self.width), bold, tall)
            )

    def pair(self, left: str, right: str, *, bold: bool = False, tall: bool = False) -> None:
        """``left`` and right-aligned ``right`` on one line, or on two when both don't fit.

        Nothing is ever cut short: a receipt number or a phone number must print whole.
        """
        if len(left) + 1 + len(right) <= self.width:
            gap = self.width - len(left) - len(right)
            self.lines.append(PaperLine(left + " " * gap + right, bold, tall))
            return
        self.text(left, bold=bold, tall=tall)
        for part in textwrap.wrap(right, self.width) or [""]:
            self.lines.append(PaperLine(part.rjust(self.width), bold, tall))

    def rule(self, char: str = "-") -> None:
        self.lines.append(PaperLine(char * self.width))

    def blank(self) -> None:
        self.lines.append(PaperLine(""))


def _header(
    page: _Page, doc_shop_name: str, address: tuple[str, ...], vat: str, labels: Labels
) -> None:
    page.center(doc_shop_name, bold=True, tall=True)
    for line in address:
        page.center(line)
    if vat:
        page.center(f"{labels.vat_no} {vat}")


def layout_receipt(
    receipt: Receipt, width: int, *, language: str = "bg", currency_symbol: str | None = None
) -> list[PaperLine]:
    """Lay out ``receipt`` for ``width`` columns.

    ``currency_symbol`` replaces the currency's own symbol when the printer's code
    page cannot print it (e.g. "EUR" on CP866, which has no euro sign).
    """
    labels = labels_for(language)
    symbol = currency_symbol if currency_symbol is not None else receipt.currency.symbol
    page = _Page(width)

    def money(minor: int) -> str:
        return format_amount(minor, symbol, receipt.currency.digits)

    shop = receipt.shop
    _header(page, shop.name, shop.address, shop.vat_number, labels)
    if receipt.is_copy:
        page.blank()
        page.center(f"*** {labels.copy} ***", bold=True, tall=True)
    page.blank()
    page.center(labels.card_receipt if receipt.is_card_sale else labels.receipt, bold=True)
    page.rule()
    page.pair(f"{labels.receipt_no} {receipt.number}", format_date_time(receipt.issued_at))
    page.text(f"{labels.operator}: {receipt.operator}")
    if receipt.fiscal_sale_number:
        page.text(f"{labels.sale_number}: {receipt.fiscal_sale_number}")
    page.rule()
    for line in receipt.lines:
        if isinstance(line, ReceiptCardLine):
            page.pair(card_item(labels, line), money(line.price_minor), bold=True)
            page.text(f"  {labels.card_serial} {line.serial}")
            continue
        page.pair(
            f"{booth_name(labels, line.booth)}  {line.started_at:%H:%M}", line.number, bold=True
        )
        if line.destination:
            page.text(f"  {line.destination}")
        page.pair(
            f"  {format_duration(line.duration_s)} ({labels.billed} "
            f"{format_duration(line.billable_s)})",
            money(line.price_minor),
        )
    page.rule()
    if receipt.rounding_minor:
        page.pair(labels.subtotal, money(receipt.subtotal_minor))
        page.pair(labels.rounding, money(receipt.rounding_minor))
    page.pair(labels.total, money(receipt.total_minor), bold=True, tall=True)
    page.pair(labels.tendered, money(receipt.tendered_minor))
    page.pair(labels.change, money(receipt.change_minor))
    if receipt.bgn_equivalent_minor is not None:
        page.pair(labels.bgn_equivalent, format_amount(receipt.bgn_equivalent_minor, "лв."))
        page.text(rate_note(labels))
    if receipt.footer:
        page.rule()
        for line_text in receipt.footer:
            page.center(line_text)
    if receipt.is_copy:
        page.center(f"*** {labels.copy} ***", bold=True)
    return page.lines


def card_item(labels: Labels, line: ReceiptCardLine) -> str:
    """What a card line says: a card sold, or a card topped up."""
    return labels.card_receipt_item if line.kind == "sale" else labels.card_top_up_item


def _call_row(page: _Page, call: ReportCall, labels: Labels, money: _Money) -> None:
    when = f"{call.answered_at:%H:%M}" if call.answered_at else "--:--"
    price = money(call.price_minor) if call.price_minor is not None else labels.unrated
    page.pair(f"#{call.call_id} {booth_name(labels, call.booth)} {when}", price)
    detail = f"  {call.number}  {format_duration(call.duration_s)}"
    if call.destination:
        detail += f"  {call.destination}"
    page.text(detail)


class _Money:
    def __init__(self, symbol: str, digits: int) -> None:
        self.symbol = symbol
        self.digits = digits

    def __call__(self, minor: int) -> str:
        return format_amount(minor, self.symbol, self.digits)


def rounding_lines(report: ShiftReportDoc, labels: Labels) -> list[tuple[str, int]]:
    """The cash rounding inside the payments, as a line under them (none without any):
    the calls' prices by status leave it out, the payments and the cash include it."""
    return [(labels.payments_rounding, report.rounding_minor)] if report.rounding_minor else []


def deposit_lines(report: ShiftReportDoc, labels: Labels) -> list[tuple[str, int]]:
    """The cash lines of prepaid deposits, signed as they move the expected cash
    (none for a shift without deposits)."""
    if not report.has_deposits:
        return []
    return [
        (labels.deposit_payments, -report.deposit_payments_minor),
        (f"{labels.deposits_taken} ({report.deposits_count})", report.deposits_taken_minor),
        (labels.deposits_returned, -report.deposits_returned_minor),
    ]


def card_lines(report: ShiftReportDoc, labels: Labels) -> list[tuple[str, int]]:
    """The cash lines of prepaid calling cards sold and topped up (none without)."""
    if not (report.card_sales_count or report.card_top_ups_count):
        return []
    lines = [(f"{labels.card_sales} ({report.card_sales_count})", report.card_sales_minor)]
    if report.card_top_ups_count:
        lines.append(
            (f"{labels.card_top_ups} ({report.card_top_ups_count})", report.card_top_ups_minor)
        )
    return lines


def card_calls_line(report: ShiftReportDoc, labels: Labels) -> tuple[str, int] | None:
    """Calls paid from card balances: takings of earlier card sales, no cash now."""
    if not report.card_calls:
        return None
    return f"{labels.card_calls} ({report.card_calls})", report.card_debits_minor


def _cash_section(page: _Page, report: ShiftReportDoc, labels: Labels, money: _Money) -> None:
    page.text(labels.cash, bold=True)
    page.pair(labels.opening_float, money(report.opening_float_minor))
    page.pair(f"{labels.payments} ({report.payments_count})", money(report.payments_minor))
    for label, amount in (
        *rounding_lines(report, labels),
        *deposit_lines(report, labels),
        *card_lines(report, labels),
    ):
        page.pair(label, money(amount))
    page.pair(f"{labels.refunds} ({report.refunds_count})", money(-report.refunds_minor))
    page.pair(labels.expected_cash, money(report.expected_cash_minor), bold=True)
    if report.open_deposits:
        page.pair(labels.open_deposits, str(report.open_deposits), bold=True)
    if report.counted_cash_minor is not None:
        page.pair(labels.counted_cash, money(report.counted_cash_minor))
    if report.discrepancy_minor is not None:
        page.pair(labels.discrepancy, money(report.discrepancy_minor), bold=True)
    if report.bgn_equivalent_minor is not None:
        page.pair(labels.bgn_equivalent, format_amount(report.bgn_equivalent_minor, "лв."))
    page.pair(labels.drawer_opens, str(report.manual_drawer_opens))
    card_calls = card_calls_line(report, labels)
    if card_calls is not None:
        page.pair(card_calls[0], money(card_calls[1]))


def layout_shift_report(
    report: ShiftReportDoc, width: int, *, language: str = "bg", currency_symbol: str | None = None
) -> list[PaperLine]:
    """Lay out an X or Z report for ``width`` columns (see :func:`layout_receipt`)."""
    labels = labels_for(language)
    money = _Money(
        currency_symbol if currency_symbol is not None else report.currency.symbol,
        report.currency.digits,
    )
    page = _Page(width)
    title = labels.z_report if report.kind is ReportKind.Z else labels.x_report
    page.center(title, bold=True, tall=True)
    if report.is_copy:
        page.center(f"*** {labels.copy} ***", bold=True)
    _header(page, report.shop.name, report.shop.address, report.shop.vat_number, labels)
    page.rule()
    page.pair(labels.shift, str(report.shift_id), bold=True)
    page.pair(labels.operator, report.operator)
    page.pair(labels.opened, format_date_time(report.opened_at))
    page.pair(
        labels.closed,
        format_date_time(report.closed_at) if report.closed_at else labels.still_open,
    )
    page.pair(labels.printed, format_date_time(report.printed_at))
    page.rule()
    page.pair(labels.calls, str(report.call_count))
    page.pair(labels.talk_time, format_duration(report.talk_s))
    page.pair(labels.billed_time, format_duration(report.billable_s))
    page.rule()
    page.text(labels.by_status, bold=True)
    for row in report.by_status:
        page.pair(f"{labels.status(row.status)} ({row.count})", money(row.amount_minor))
    page.rule()
    _cash_section(page, report, labels, money)
    page.rule()
    page.text(labels.by_booth, bold=True)
    for booth in report.booth_totals:
        page.pair(
            f"{booth_name(labels, booth.booth)} ({booth.calls}) {format_duration(booth.talk_s)}",
            money(booth.amount_minor),
        )
    for title_text, calls in (
        (labels.unserved_calls, report.unserved_calls),
        (labels.unpaid_calls, report.unpaid_calls),
    ):
        page.rule()
        page.pair(title_text, str(len(calls)), bold=True)
        if not calls:
            page.text(f"  ({labels.none})")
        for call in calls:
            _call_row(page, call, labels, money)
    for note in report.notes:
        page.text(note)
    page.rule()
    page.text(labels.journal_hash)
    digest = report.journal_head_hash
    chunk = 32 if width >= 32 else 16  # two even halves of the SHA-256 hex digest
    for start in range(0, len(digest), chunk):
        page.text(digest[start : start + chunk])
    if report.is_copy:
        page.center(f"*** {labels.copy} ***", bold=True)
    return page.lines


def plain_text(lines: list[PaperLine]) -> str:
    """The layout as plain text, trailing spaces removed (for logs and tests)."""
    return "\n".join(line.text.rstrip() for line in lines) + "\n"
