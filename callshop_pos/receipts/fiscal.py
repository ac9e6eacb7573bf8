"""Fiscal-device values (Bulgaria, ordinance Н-18) that cross the FiscalDevice port.

The till, not the device, generates each sale's *unique sale number* (УНП):
``XX000000-0000-0000000`` = the fiscal device's 8-character serial (two letters,
six digits), the operator's 4-digit code and a 7-digit sequence kept by the till.
Amounts are ``int`` minor units; the HTTP adapter turns them into JSON numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "FiscalItem",
    "FiscalMessage",
    "FiscalReceiptResult",
    "FiscalReversal",
    "FiscalSale",
    "FiscalStatus",
    "ReversalReason",
    "format_sale_number",
    "validate_sale_number",
]

SALE_NUMBER_RE = re.compile(r"^[A-Z]{2}\d{6}-\d{4}-\d{7}$")
DEVICE_SERIAL_RE = re.compile(r"^[A-Z]{2}\d{6}$")
MAX_SEQUENCE = 9_999_999


def format_sale_number(device_serial: str, operator_code: int, sequence: int) -> str:
    """The unique sale number for the ``sequence``-th sale of ``operator_code`` on a device.

    Raises ``ValueError`` for a malformed serial (8 characters: 2 letters, 6 digits),
    an operator code outside 0..9999 or a sequence outside 1..9999999.
    """
    serial = device_serial.upper()
    if not DEVICE_SERIAL_RE.match(serial):
        raise ValueError(
            f"fiscal device serial must be 2 letters and 6 digits, not {device_serial!r}"
        )
    if not 0 <= operator_code <= 9999:
        raise ValueError(f"operator code must have at most 4 digits, not {operator_code}")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sale sequence must be 1..{MAX_SEQUENCE}, not {sequence}")
    return f"{serial}-{operator_code:04d}-{sequence:07d}"


def validate_sale_number(number: str) -> str:
    """``number`` if shaped ``XX000000-0000-0000000``, else ``ValueError``."""
    if not SALE_NUMBER_RE.match(number):
        raise ValueError(f"not a unique sale number: {number!r}")
    return number


@dataclass(frozen=True)
class FiscalMessage:
    type: str  # info / warning / error
    text: str
    code: str = ""


@dataclass(frozen=True)
class FiscalStatus:
    ok: bool
    messages: tuple[FiscalMessage, ...] = ()
    device_time: datetime | None = None


@dataclass(frozen=True)
class FiscalItem:
    """One sold line (a call) on the fiscal receipt."""

    text: str
    unit_price_minor: int
    tax_group: int = 1
    quantity: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.tax_group <= 8:
            raise ValueError("tax group must be 1..8")
        if self.unit_price_minor < 0 or self.quantity < 1:
            raise ValueError("fiscal items need a non-negative price and a positive quantity")


@dataclass(frozen=True)
class FiscalSale:
    """A sale to register: its unique number, items, the cash rounding and the payment."""

    unique_sale_number: str
    items: tuple[FiscalItem, ...]
    paid_minor: int
    payment_type: str = "cash"
    surcharge_minor: int = 0  # cash rounding up (+) or down (-) on the subtotal
    operator: str = ""
    operator_password: str = ""
    footer: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        validate_sale_number(self.unique_sale_number)
        if not self.items:
            raise ValueError("a fiscal sale needs at least one item")

    @property
    def total_minor(self) -> int:
        return sum(i.unit_price_minor * i.quantity for i in self.items) + self.surcharge_minor


@dataclass(frozen=True)
class FiscalReceiptResult:
    """What the device recorded for a receipt (needed later to reverse it)."""

    receipt_number: str
    receipt_datetime: str  # as the device reported it (its own clock, ISO 8601)
    amount_minor: int
    fiscal_memory_serial: str
    messages: tuple[FiscalMessage, ...] = ()


class ReversalReason(StrEnum):
    OPERATOR_ERROR = "operator-error"
    REFUND = "refund"
    TAX_BASE_REDUCTION = "tax-base-reduction"


@dataclass(frozen=True)
class FiscalReversal:
    """A reversal (storno) receipt referencing the original sale it reverses."""

    original_sale_number: str  # the original's УНП; never a new one
    original: FiscalReceiptResult
    items: tuple[FiscalItem, ...]
    reference: str  # the till's refund id: one reversal per refund, printed once
    reason: ReversalReason = ReversalReason.REFUND
    operator: str = ""
    operator_password: str = ""

    def __post_init__(self) -> None:
        validate_sale_number(self.original_sale_number)
        if not self.items:
            raise ValueError("a reversal needs at least one item")
        if not self.reference:
            raise ValueError("a reversal needs the till's refund reference")
