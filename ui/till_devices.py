"""The till's devices as the cashier window uses them: receipts, drawer, displays, fiscal.

:class:`TillDevices` turns the cashier's actions into device jobs:

* PAY opened → the pole display and the customer screen show the amount due;
* payment recorded → the drawer kicks (cash), the receipt prints if the cashier or
  the print policy wants it (ESC/POS printer when configured, else the system
  printer when one was chosen), the displays show paid and change;
* card sold → the drawer kicks; its receipt prints like a payment's (policy);
* refund recorded → the fiscal device prints the reversal;
* shift closed → the Z report prints, the fiscal device makes its Z report;
* manual drawer opens (reason required) and receipt reprints (marked COPY).

Device calls run on :class:`~ui.devices_worker.DeviceWorker` threads (one per
device, so the drawer kick always goes before the receipt that follows it). The
journaled printing services of :mod:`callshop_pos.services.till.printing` do the
recording, so every print, reprint and drawer open is in the audit journal. A
device problem never undoes a payment: it is reported through :attr:`problem` as
a sentence the cashier can act on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal

from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.ports import CashDrawer, FiscalDeviceError, ReceiptPrinter
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till import printing
from callshop_pos.services.till.call_status import StatusChange
from callshop_pos.services.till.payments import Bill, PaymentResult
from callshop_pos.services.till.printing import DrawerOpened
from callshop_pos.services.till.receipt_builders import card_receipt_number, receipt_number
from callshop_pos.settings import Settings
from ui.devices_worker import DeviceWorker
from ui.system_printer import SystemPrinter

if TYPE_CHECKING:
    from callshop_pos.services.till.fiscal import FiscalGate
    from ui.customer_screen import CustomerScreen

__all__ = ["DeviceFactory", "DeviceSet", "PoleDisplayPort", "TillDevices"]


class PoleDisplayPort(Protocol):
    """The customer pole display as the till drives it."""

    def show_due(self, total_minor: int) -> None: ...

    def show_change(self, tendered_minor: int, change_minor: int) -> None: ...

    def show_welcome(self, shop_name: str) -> None: ...


class DeviceSet(Protocol):
    """The shop's configured devices, as the composition root builds them
    (``drivers.devices.Devices``); the UI never builds devices itself."""

    @property
    def printer(self) -> ReceiptPrinter | None: ...

    @property
    def drawer(self) -> CashDrawer | None: ...

    @property
    def display(self) -> PoleDisplayPort | None: ...

    @property
    def fiscal(self) -> FiscalGate | None: ...

    @property
    def kick_on_cash(self) -> bool: ...


#: Builds the devices the shop's settings configure; raises CallShopError/ValueError
#: on a malformed ``devices`` setting (the till then works without devices).
DeviceFactory = Callable[[Settings], DeviceSet]


class TillDevices(QObject):
    """One logged-in cashier's devices (see the module docstring)."""

    problem = Signal(str)  # a device failed: tell the cashier
    notice = Signal(str)  # something went well: a status-bar line
    drawer_opened = Signal(object)  # DrawerOpened
    reversals_pending = Signal(int)  # fiscal reversals still to print

    def __init__(
        self,
        shop: Shop,
        actor: Actor,
        devices: DeviceSet | None,
        *,
        system_printer: SystemPrinter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.actor = actor
        self.printer: ReceiptPrinter | None = devices.printer if devices else None
        self.drawer: CashDrawer | None = devices.drawer if devices else None
        self.display: PoleDisplayPort | None = devices.display if devices else None
        self.fiscal: FiscalGate | None = devices.fiscal if devices else None
        self.kick_on_cash = devices.kick_on_cash if devices else True
        self.system_printer = system_printer
        self.customer_screen: CustomerScreen | None = None
        self.printer_worker = DeviceWorker("printer", self)
        self.display_worker = DeviceWorker("display", self)
        self.fiscal_worker = DeviceWorker("fiscal", self)
        self.pending_reversals: list[int] = []
        self._z_printed: set[int] = set()

    # ---- what is attached

    @property
    def receipt_target(self) -> str | None:
        """Where receipts go: ``"escpos"``, ``"system"`` or None (nowhere)."""
        if self.printer is not None:
            return "escpos"
        if self.system_printer is not None:
            return "system"
        return None

    def workers(self) -> tuple[DeviceWorker, ...]:
        return (self.printer_worker, self.display_worker, self.fiscal_worker)

    def busy(self) -> bool:
        return any(w.pending for w in self.workers())

    # ---- PAY

    def pay_runner(self) -> Callable[[Callable[[], Any]], Any] | None:
        """How the till runs ``pay_calls`` when a fiscal device must register the sale
        (off the GUI thread, the window painting meanwhile); None without one."""
        if self.fiscal is None:
            return None

        def run(call: Callable[[], Any]) -> Any:
            try:
                return self.fiscal_worker.run_blocking(
                    call, busy_text=self.tr("Registering the sale on the fiscal printer…")
                )
            except FiscalDeviceError as exc:
                raise type(exc)(
                    self.tr(
                        "Payment refused, nothing was recorded: the fiscal printer cannot "
                        "register the sale ({error}). Check that it is switched on and "
                        "connected, then press Pay again."
                    ).format(error=exc),
                    (),
                ) from exc

        return run

    def payment_started(self, bill: Bill) -> None:
        """PAY opened: show the amount due to the customer."""
        if self.display is not None:
            display = self.display
            self.display_worker.submit(
                "display", lambda: display.show_due(bill.total_minor), on_error=self._display_failed
            )
        if self.customer_screen is not None:
            self.customer_screen.show_due(bill.total_minor)

    def payment_cancelled(self) -> None:
        if self.display is not None:
            display, name = self.display, self.shop.settings.shop_name
            self.display_worker.submit(
                "display", lambda: display.show_welcome(name), on_error=self._display_failed
            )
        if self.customer_screen is not None:
            self.customer_screen.clear_message()

    def payment_recorded(self, result: PaymentResult) -> None:
        """A payment was recorded: kick the drawer (cash) and show paid and change.

        The kick is queued on the printer's thread before any receipt of the same
        payment, so the drawer opens first and the cash goes in while it prints."""
        self.cash_taken(result.tendered_minor, result.change_minor)

    def cash_taken(self, tendered_minor: int, change_minor: int) -> None:
        """Cash came in (a payment, a card sold): kick the drawer, show paid and change."""
        if self.kick_on_cash and self.drawer is not None and tendered_minor > 0:
            drawer = self.drawer
            self.printer_worker.submit(
                "drawer",
                drawer.open_drawer,
                on_error=lambda message, _e: self.problem.emit(
                    self.tr("The cash drawer did not open: {error}").format(error=message)
                ),
            )
        if self.display is not None:
            display = self.display
            self.display_worker.submit(
                "display",
                lambda: display.show_change(tendered_minor, change_minor),
                on_error=self._display_failed,
            )
        if self.customer_screen is not None:
            self.customer_screen.show_change(tendered_minor, change_minor)

    def print_receipt(self, payment_id: int) -> bool:
        """Print a payment's (original) receipt; False when no printer is set up."""
        return self._print(payment_id, card=False, copy=False)

    def print_card_receipt(self, movement_id: int) -> bool:
        """Print the (original) receipt of a card sold or topped up; False when no
        printer is set up."""
        return self._print(movement_id, card=True, copy=False)

    # ---- receipts

    def reprint(self, payment_id: int, *, card: bool = False) -> bool:
        """Print a payment's (or with ``card`` a card sale's) receipt again, marked COPY
        (journaled); False if no printer."""
        if self.receipt_target is None:
            self.problem.emit(
                self.tr("No receipt printer is set up: choose one in Devices → Printer set-up….")
            )
            return False
        return self._print(payment_id, card=card, copy=True)

    def _print(self, subject_id: int, *, card: bool, copy: bool) -> bool:
        target = self.receipt_target
        if target == "escpos":
            self._print_receipt_job(subject_id, copy=copy, kick=False, card=card)
        elif target == "system":
            self._print_on_system(subject_id, copy=copy, card=card)
        return target is not None

    @staticmethod
    def _number(subject_id: int, card: bool) -> str:
        return card_receipt_number(subject_id) if card else receipt_number(subject_id)

    def _print_receipt_job(
        self, subject_id: int, *, copy: bool, kick: bool, card: bool = False
    ) -> None:
        printer = self.printer
        assert printer is not None
        shop, actor = self.shop, self.actor
        what = self.tr("Copy of receipt") if copy else self.tr("Receipt")

        def job() -> object:
            if card:
                return printing.print_card_receipt(shop, actor, printer, subject_id, copy=copy)
            return printing.print_receipt(
                shop, actor, printer, subject_id, copy=copy, kick_drawer=kick
            )

        failed = (
            self.tr(
                "The receipt was not printed: {error}. The card sale is recorded; "
                "reprint it from Devices → Reprint receipt."
            )
            if card
            else self.tr(
                "The receipt was not printed: {error}. The payment is recorded; "
                "reprint it from Devices → Reprint receipt."
            )
        )
        self.printer_worker.submit(
            "receipt",
            job,
            on_done=lambda _r: self.notice.emit(
                self.tr("{what} {number} printed.").format(
                    what=what, number=self._number(subject_id, card)
                )
            ),
            on_error=lambda message, _e: self.problem.emit(failed.format(error=message)),
        )

    def _print_on_system(self, subject_id: int, *, copy: bool, card: bool = False) -> None:
        # Qt paints on the GUI thread only; spooling to the OS is quick.
        printer = self.system_printer
        assert printer is not None
        try:
            if card:
                printing.print_card_receipt(
                    self.shop, self.actor, printer, subject_id, copy=copy, target="system"
                )
            else:
                printing.print_receipt(
                    self.shop, self.actor, printer, subject_id, copy=copy, target="system"
                )
        except CallShopError as exc:
            self.problem.emit(self.tr("The receipt was not printed: {error}").format(error=exc))
            return
        self.notice.emit(
            self.tr("Receipt {number} sent to the printer.").format(
                number=self._number(subject_id, card)
            )
        )

    # ---- drawer

    def open_drawer(self, reason: str) -> None:
        """Open the drawer without a sale; the reason is required (checked here and in
        the core) and the open is journaled and counted on the Z report."""
        if not reason.strip():
            raise InvalidInput(self.tr("Opening the drawer without a sale needs a reason."))
        if self.drawer is None:
            raise InvalidInput(
                self.tr("No cash drawer is attached (it opens through the receipt printer).")
            )
        drawer, shop, actor = self.drawer, self.shop, self.actor
        self.printer_worker.submit(
            "drawer",
            lambda: printing.open_drawer(shop, actor, drawer, reason),
            on_done=self._drawer_opened,
            on_error=lambda message, _e: self.problem.emit(
                self.tr("The cash drawer did not open: {error}").format(error=message)
            ),
        )

    def _drawer_opened(self, opened: DrawerOpened) -> None:
        self.drawer_opened.emit(opened)
        self.notice.emit(
            self.tr("Drawer opened ({n} manual opens this shift).").format(
                n=opened.opens_this_shift
            )
        )

    # ---- refunds

    def status_changed(self, change: StatusChange) -> None:
        """Refunds were recorded: print their reversal on the fiscal device."""
        if self.fiscal is None or not change.refunds:
            return
        for refund in change.refunds:
            if refund.refund_id not in self.pending_reversals:
                self.pending_reversals.append(refund.refund_id)
        self.retry_reversals()

    def retry_reversals(self) -> None:
        """(Re)print the fiscal reversals still pending (safe to repeat)."""
        gate = self.fiscal
        if gate is None:
            return
        shop, actor = self.shop, self.actor
        for refund_id in list(self.pending_reversals):
            self.fiscal_worker.submit(
                "reversal",
                functools.partial(gate.reverse_refund, shop, actor, refund_id),
                on_done=functools.partial(self._reversed_done, refund_id),
                on_error=lambda message, _e: self.problem.emit(
                    self.tr(
                        "The refund is recorded, but the fiscal printer did not print its "
                        "reversal: {error}. Retry from Devices → Retry fiscal reversals."
                    ).format(error=message)
                ),
            )
        self.reversals_pending.emit(len(self.pending_reversals))

    def _reversed_done(self, refund_id: int, _result: object) -> None:
        self._reversed(refund_id)

    def _reversed(self, refund_id: int) -> None:
        if refund_id in self.pending_reversals:
            self.pending_reversals.remove(refund_id)
        self.reversals_pending.emit(len(self.pending_reversals))

    # ---- reports

    def shift_closed(self, report: ShiftReport) -> None:
        """The shift was closed: the Z report on paper, and the fiscal Z report."""
        shift_id = report.summary.id
        self.print_report(shift_id, copy=False)
        gate = self.fiscal
        if gate is not None:
            shop, actor = self.shop, self.actor
            self.fiscal_worker.submit(
                "fiscal z",
                lambda: gate.z_report(shop, actor),
                on_done=lambda _s: self.notice.emit(self.tr("Fiscal Z report done.")),
                on_error=lambda message, _e: self.problem.emit(
                    self.tr(
                        "The fiscal printer did not make its Z report: {error}. Run it with "
                        "“callshop-pos fiscal z-report” once the printer is back."
                    ).format(error=message)
                ),
            )

    def fiscal_x_report(self) -> None:
        """The fiscal device's own X report (journaled); nothing without a fiscal device."""
        gate = self.fiscal
        if gate is None:
            return
        shop, actor = self.shop, self.actor
        self.fiscal_worker.submit(
            "fiscal x",
            lambda: gate.x_report(shop, actor),
            on_done=lambda _s: self.notice.emit(self.tr("Fiscal X report done.")),
            on_error=lambda message, _e: self.problem.emit(
                self.tr("The fiscal printer did not make its X report: {error}").format(
                    error=message
                )
            ),
        )

    def print_report(self, shift_id: int, *, copy: bool | None = None) -> bool:
        """Print a shift's X (open) or Z (closed) report on the receipt/system printer."""
        target = self.receipt_target
        shop, actor = self.shop, self.actor
        if target == "escpos":
            printer = self.printer
            assert printer is not None
            self.printer_worker.submit(
                "report",
                lambda: printing.print_shift_report(shop, actor, printer, shift_id, copy=copy),
                on_done=lambda doc: self._report_printed(shift_id, doc.kind.value),
                on_error=lambda message, _e: self.problem.emit(
                    self.tr("The report was not printed: {error}").format(error=message)
                ),
            )
            return True
        if target == "system":
            assert self.system_printer is not None
            try:
                doc = printing.print_shift_report(
                    shop, actor, self.system_printer, shift_id, copy=copy, target="system"
                )
            except CallShopError as exc:
                self.problem.emit(self.tr("The report was not printed: {error}").format(error=exc))
                return False
            self._report_printed(shift_id, doc.kind.value)
            return True
        return False

    def _report_printed(self, shift_id: int, kind: str) -> None:
        if kind == "Z":
            self._z_printed.add(shift_id)
        self.notice.emit(
            self.tr("{kind} report of shift {id} printed.").format(kind=kind, id=shift_id)
        )

    def save_report_pdf(self, shift_id: int, path: Path) -> Path:
        """Write the shift's report as an A4 PDF (journaled); returns the path.

        A Z report already printed on paper is saved as a copy."""
        copy = True if shift_id in self._z_printed else None
        if copy is None and self.receipt_target is None:
            copy = False  # nothing went on paper: this PDF is the report
        data = printing.shift_report_pdf(
            self.shop, self.actor, PdfRenderer(self.shop.settings.language), shift_id, copy=copy
        )
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise InvalidInput(
                self.tr("Cannot write {path}: {error}").format(path=path, error=exc.strerror or exc)
            ) from exc
        return path

    # ---- helpers

    def _display_failed(self, message: str, _exc: BaseException) -> None:
        # The pole display is a convenience: say it once in the status bar, no box.
        self.notice.emit(self.tr("Customer display: {error}").format(error=message))

    def close(self) -> None:
        """Finish the queued device jobs and stop the device threads."""
        for worker in self.workers():
            worker.close()
