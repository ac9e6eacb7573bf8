"""Ports the printing hardware and document renderers implement (adapters in ``drivers/``).

Every device call may block on I/O, so callers run them off the GUI thread. A device
that fails raises :class:`DeviceError` (a known, user-facing error); a fiscal device
raises :class:`FiscalDeviceError`, whose ``messages`` are the device's own.
"""

from __future__ import annotations

from typing import Protocol

from callshop_pos.errors import CallShopError
from callshop_pos.receipts.fiscal import (
    FiscalMessage,
    FiscalReceiptResult,
    FiscalReversal,
    FiscalSale,
    FiscalStatus,
)
from callshop_pos.receipts.model import Receipt, ShiftReportDoc

__all__ = [
    "CashDrawer",
    "CustomerDisplay",
    "DeviceError",
    "DocumentRenderer",
    "FiscalDevice",
    "FiscalDeviceError",
    "FiscalDeviceUnreachable",
    "ReceiptPrinter",
]


class DeviceError(CallShopError):
    """A printer, drawer or display could not do what was asked (message says why)."""


class FiscalDeviceError(CallShopError):
    """The fiscal device refused or failed; ``messages`` are what it reported."""

    def __init__(self, message: str, messages: tuple[FiscalMessage, ...] = ()) -> None:
        detail = "; ".join(
            f"{m.code + ': ' if m.code else ''}{m.text}" for m in messages if m.type != "info"
        )
        super().__init__(f"{message}: {detail}" if detail else message)
        self.messages = messages


class FiscalDeviceUnreachable(FiscalDeviceError):
    """The fiscal service or device did not answer (not connected, timed out)."""


class ReceiptPrinter(Protocol):
    """A receipt printer (thermal ESC/POS, or a PDF folder standing in for one)."""

    def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> None:
        """Print ``receipt`` (its ``is_copy`` flag decides the COPY marks) and cut.

        ``kick_drawer`` opens the cash drawer on the printer's kick port first.
        """
        ...

    def print_report(self, report: ShiftReportDoc) -> None:
        """Print an X or Z report and cut."""
        ...


class CashDrawer(Protocol):
    def open_drawer(self) -> None:
        """Pulse the drawer's kick solenoid (returns once the command is sent)."""
        ...


class CustomerDisplay(Protocol):
    """The customer-facing pole display (2 lines)."""

    def show_lines(self, first: str, second: str = "") -> None: ...

    def show_due(self, total_minor: int) -> None:
        """Show the amount the customer has to pay."""
        ...

    def show_change(self, tendered_minor: int, change_minor: int) -> None:
        """Show what was paid and the change to hand back."""
        ...

    def clear(self) -> None: ...


class FiscalDevice(Protocol):
    """A fiscal printer registered with the revenue agency (through ErpNet.FP)."""

    def status(self) -> FiscalStatus:
        """The device's status; raises FiscalDeviceUnreachable when it cannot be asked."""
        ...

    def print_receipt(self, sale: FiscalSale) -> FiscalReceiptResult:
        """Print ``sale`` exactly once, even when called again after a timeout."""
        ...

    def print_reversal(self, reversal: FiscalReversal) -> FiscalReceiptResult: ...

    def x_report(self, reference: str | None = None) -> FiscalStatus:
        """The device's X report. The same ``reference`` again never prints a second one."""
        ...

    def z_report(self, reference: str | None = None) -> FiscalStatus:
        """The device's Z report (closes its fiscal day). The same ``reference`` again —
        a retry after a timeout — returns the first one's result instead of printing a
        second Z."""
        ...

    def deposit(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        """Register cash put into the drawer (service deposit)."""
        ...

    def withdraw(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        """Register cash taken out of the drawer (service withdrawal)."""
        ...


class DocumentRenderer(Protocol):
    """Renders documents to a file format (PDF)."""

    def receipt(self, receipt: Receipt) -> bytes: ...

    def shift_report(self, report: ShiftReportDoc) -> bytes: ...
