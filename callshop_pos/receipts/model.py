"""What goes on paper: a customer's receipt and a shift's X/Z report, as plain values.

These frozen dataclasses are the single input of every renderer (text layout for
the thermal printer, PDF, the Qt system printer in ``ui/``). They carry money as
``int`` minor units and times as timezone-aware ``datetime`` in the shop's local
zone; renderers only format, they never compute. Consistency (lines add up to the
subtotal, total = subtotal + rounding, change = tendered - total) is checked on
construction, so a renderer can never print a receipt that does not add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from callshop_pos.money import EUR, Currency

__all__ = [
    "BoothTotal",
    "Receipt",
    "ReceiptCallLine",
    "ReceiptCardLine",
    "ReportCall",
    "ReportKind",
    "ShiftReportDoc",
    "ShopHeader",
    "StatusCount",
]


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware (local shop time)")


@dataclass(frozen=True)
class ShopHeader:
    """The shop as printed at the top of every document."""

    name: str
    address: tuple[str, ...] = ()
    vat_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ReceiptCallLine:
    """One paid call on a receipt."""

    booth: str
    number: str
    destination: str
    started_at: datetime  # answer time, local
    duration_s: int
    billable_s: int
    price_minor: int

    def __post_init__(self) -> None:
        _require_aware("started_at", self.started_at)
        if self.duration_s < 0 or self.billable_s < 0:
            raise ValueError("durations cannot be negative")


@dataclass(frozen=True)
class ReceiptCardLine:
    """A prepaid calling card sold (``kind`` "sale") or topped up ("top_up") on a
    receipt: its printed serial, never its PIN."""

    kind: str
    serial: str
    price_minor: int

    def __post_init__(self) -> None:
        if self.kind not in ("sale", "top_up"):
            raise ValueError(f"not a card sale or top-up: {self.kind!r}")
        if self.price_minor <= 0:
            raise ValueError("a card line needs an amount above zero")


@dataclass(frozen=True)
class Receipt:
    """A customer's receipt for one payment (one or many calls), or for a prepaid
    calling card sold or topped up (one :class:`ReceiptCardLine`).

    ``bgn_equivalent_minor`` is set only while the BGN-equivalent setting is on;
    ``fiscal_sale_number`` only when a fiscal device registered the sale.
    """

    shop: ShopHeader
    number: str
    issued_at: datetime
    operator: str
    lines: tuple[ReceiptCallLine | ReceiptCardLine, ...]
    subtotal_minor: int
    rounding_minor: int
    total_minor: int
    tendered_minor: int
    change_minor: int
    currency: Currency = EUR
    payment_method: str = "cash"
    bgn_equivalent_minor: int | None = None
    footer: tuple[str, ...] = ()
    fiscal_sale_number: str | None = None
    is_copy: bool = False

    def __post_init__(self) -> None:
        _require_aware("issued_at", self.issued_at)
        if not self.lines:
            raise ValueError("a receipt needs at least one call or card")
        if sum(line.price_minor for line in self.lines) != self.subtotal_minor:
            raise ValueError("receipt lines do not add up to the subtotal")
        if self.subtotal_minor + self.rounding_minor != self.total_minor:
            raise ValueError("total is not subtotal + rounding")
        if self.tendered_minor - self.total_minor != self.change_minor:
            raise ValueError("change is not tendered - total")
        if self.change_minor < 0:
            raise ValueError("tendered is less than the total")

    @property
    def is_card_sale(self) -> bool:
        """A prepaid calling card's receipt (not a bill for calls)."""
        return any(isinstance(line, ReceiptCardLine) for line in self.lines)

    def as_copy(self) -> Receipt:
        """The same receipt marked as a copy (every reprint is one)."""
        return replace(self, is_copy=True)


class ReportKind(StrEnum):
    X = "X"  # interim: the shift stays open
    Z = "Z"  # closing: the shift is closed and counted


@dataclass(frozen=True)
class StatusCount:
    """Calls of one status in a shift and their value."""

    status: str  # unserved / paid / unpaid
    count: int
    amount_minor: int


@dataclass(frozen=True)
class BoothTotal:
    booth: str
    calls: int
    talk_s: int
    amount_minor: int


@dataclass(frozen=True)
class ReportCall:
    """A call listed by name on a report (unserved and unpaid ones)."""

    call_id: int
    booth: str
    number: str
    destination: str
    answered_at: datetime | None
    duration_s: int
    price_minor: int | None  # None: unrated
    status: str

    def __post_init__(self) -> None:
        _require_aware("answered_at", self.answered_at)


@dataclass(frozen=True)
class ShiftReportDoc:
    """An X (interim) or Z (closing) report of one shift.

    ``expected_cash_minor`` = opening float + payments − calls paid from deposits +
    deposits taken − deposit remainders returned − refunds + prepaid calling cards
    sold and topped up (a call paid from a
    prepaid deposit is a payment but brings no cash: its cash came with the
    deposit). ``open_deposits`` counts deposits not yet settled. For a Z report
    ``counted_cash_minor`` and ``discrepancy_minor`` (counted - expected) are set.
    ``journal_head_hash`` is the audit journal's latest hash when the report was
    made, so a later rewrite of the history is detectable against the paper.
    """

    kind: ReportKind
    shop: ShopHeader
    shift_id: int
    operator: str
    opened_at: datetime
    closed_at: datetime | None
    printed_at: datetime
    opening_float_minor: int
    payments_count: int
    payments_minor: int
    refunds_count: int
    refunds_minor: int
    expected_cash_minor: int
    counted_cash_minor: int | None
    discrepancy_minor: int | None
    call_count: int
    talk_s: int
    billable_s: int
    by_status: tuple[StatusCount, ...]
    booth_totals: tuple[BoothTotal, ...]
    unserved_calls: tuple[ReportCall, ...]
    unpaid_calls: tuple[ReportCall, ...]
    manual_drawer_opens: int
    journal_head_hash: str
    currency: Currency = EUR
    bgn_equivalent_minor: int | None = None  # of the cash taken, while the setting is on
    is_copy: bool = False
    notes: tuple[str, ...] = field(default=())
    deposits_count: int = 0  # prepaid deposits of the shift
    deposits_taken_minor: int = 0  # cash in, top-ups included
    deposits_returned_minor: int = 0  # unused remainders handed back (cash out)
    deposit_payments_minor: int = 0  # calls paid from deposits (in payments, no cash)
    open_deposits: int = 0  # deposits not yet settled
    #: Cash rounding within the payments, net of refunds (the paid calls' prices leave
    #: it out, the cash includes it); shown, not added again.
    rounding_minor: int = 0
    card_sales_count: int = 0  # prepaid calling cards sold
    card_sales_minor: int = 0  # their face values (cash in)
    card_top_ups_count: int = 0
    card_top_ups_minor: int = 0  # cash in
    card_calls: int = 0  # calls debited from cards (no cash)
    card_debits_minor: int = 0

    def __post_init__(self) -> None:
        for name in ("opened_at", "closed_at", "printed_at"):
            _require_aware(name, getattr(self, name))
        expected = (
            self.opening_float_minor
            + self.payments_minor
            - self.deposit_payments_minor
            + self.deposits_taken_minor
            - self.deposits_returned_minor
            - self.refunds_minor
            + self.card_sales_minor
            + self.card_top_ups_minor
        )
        if expected != self.expected_cash_minor:
            raise ValueError(
                "expected cash is not float + payments - deposit payments + deposits taken"
                " - deposits returned - refunds + cards sold and topped up"
            )
        if self.kind is ReportKind.Z:
            if self.counted_cash_minor is None or self.discrepancy_minor is None:
                raise ValueError("a Z report needs the counted cash and the discrepancy")
            if self.counted_cash_minor - self.expected_cash_minor != self.discrepancy_minor:
                raise ValueError("discrepancy is not counted - expected")

    @property
    def has_deposits(self) -> bool:
        """The shift took prepaid deposits (their lines go on the report)."""
        return bool(self.deposits_count or self.deposits_taken_minor or self.open_deposits)

    @property
    def has_cards(self) -> bool:
        """The shift sold or topped up cards, or cards paid for calls."""
        return bool(self.card_sales_count or self.card_top_ups_count or self.card_calls)

    def as_copy(self) -> ShiftReportDoc:
        return replace(self, is_copy=True)
