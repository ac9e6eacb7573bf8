"""The Devices menu of the cashier window: reprint, drawer, customer screen, reports.

* **Reprint receipt…** — pick one of this shift's payments or card sales; it prints
  again marked COPY (journaled as a reprint).
* **Open drawer…** — a reason is required; the open is journaled and counted on Z.
* **Customer screen** — the second-screen window facing the customers, on/off.
* **Printer set-up…** — where receipts and reports go: ESC/POS printer (USB, serial,
  network), system printer, PDF folder or none; offered once at the first PAY when
  nothing is set up, kept in the shop's settings (:mod:`ui.printer_setup`).
* **Print X report**, **Save shift report as PDF…**, **Retry fiscal reversals**.

:func:`install_devices` adds the menu to a :class:`~ui.main_window.MainWindow` and
connects the till's change values to :class:`~ui.till_devices.TillDevices`, so the
main window needs no knowledge of devices beyond its PAY hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import CallShopError
from callshop_pos.services.cards.till import CardSale
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till import printer_setup
from callshop_pos.services.till.call_status import StatusChange
from callshop_pos.services.till.deposits import DepositSettled, DepositTaken
from callshop_pos.services.till.payment_list import (
    CardSaleSummary,
    PaymentSummary,
    shift_card_sales,
    shift_payments,
)
from callshop_pos.services.till.payments import PaymentResult
from callshop_pos.services.till.printer_setup import needs_setup
from callshop_pos.services.till.receipt_builders import card_receipt_number, receipt_number
from callshop_pos.services.till.shifts import ShiftOpened
from ui.action_errors import guarded
from ui.booth_tile import Meter
from ui.bridge import EngineBridge
from ui.customer_screen import CustomerScreen
from ui.formatting import Formatter
from ui.printer_setup import PrinterSetupDialog
from ui.system_printer import SystemPrinter
from ui.till import TillChange
from ui.till_devices import DeviceFactory, DeviceSet, TillDevices

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = [
    "DrawerReasonDialog",
    "ReceiptActions",
    "ReprintDialog",
    "attach_devices",
    "install_devices",
]

#: Where the chosen system printer is remembered (the till's own preferences file).
SYSTEM_PRINTER_KEY = "devices/system_printer"


class DrawerReasonDialog(QDialog):
    """Asks why the drawer is opened without a sale; OK only with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open the cash drawer"))
        self.setMinimumWidth(420)
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(
            [
                "",
                self.tr("Change for a banknote"),
                self.tr("Wrong change corrected"),
                self.tr("Cash taken to the safe"),
                self.tr("Float topped up"),
            ]
        )
        self.reason_combo.setCurrentIndex(0)
        self.reason_combo.editTextChanged.connect(self._on_text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Open drawer"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Opening the drawer without a sale is recorded and counted on the Z report.\n"
                    "&Reason:"
                ),
                buddy=self.reason_combo,
            )
        )
        layout.addWidget(self.reason_combo)
        layout.addWidget(buttons)
        self._on_text("")
        self.reason_combo.setFocus()

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def _on_text(self, _text: str) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def accept(self) -> None:
        if self.reason():  # Enter on an empty reason does nothing
            super().accept()


class ReprintDialog(QDialog):
    """This shift's payments and card sales, newest first; the chosen one's receipt
    is reprinted."""

    def __init__(
        self,
        payments: list[PaymentSummary],
        formatter: Formatter,
        parent: QWidget | None = None,
        *,
        card_sales: list[CardSaleSummary] | None = None,
    ) -> None:
        super().__init__(parent)
        receipts: list[PaymentSummary | CardSaleSummary] = [*payments, *(card_sales or [])]
        receipts.sort(key=lambda r: r.at, reverse=True)  # stable: each list is newest first
        self.payments = receipts
        self.setWindowTitle(self.tr("Reprint a receipt"))
        self.setMinimumSize(560, 380)
        table = QTableWidget(len(receipts), 5)
        table.setHorizontalHeaderLabels(
            [
                self.tr("Receipt"),
                self.tr("Time"),
                self.tr("Booths"),
                self.tr("Calls"),
                self.tr("Total"),
            ]
        )
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, p in enumerate(receipts):
            if isinstance(p, CardSaleSummary):
                what = self.tr("Card {serial}") if p.kind == "sale" else self.tr("Top-up {serial}")
                cells = (
                    card_receipt_number(p.movement_id),
                    formatter.time(p.at),
                    what.format(serial=p.serial),
                    "",
                    formatter.money(p.amount_minor),
                )
            else:
                cells = (
                    receipt_number(p.payment_id),
                    formatter.time(p.at),
                    ", ".join(p.booths),
                    str(p.call_count),
                    formatter.money(p.total_minor),
                )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(right)
                table.setItem(row, column, item)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(lambda _i: self.accept())
        if receipts:
            table.selectRow(0)
        self.table = table
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Print copy"))
        self.ok_button.setEnabled(bool(receipts))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not receipts:
            layout.addWidget(QLabel(self.tr("No payments in this shift yet.")))
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        table.setFocus()

    def chosen(self) -> PaymentSummary | CardSaleSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.payments[rows[0].row()] if rows else None


class ReceiptActions(QObject):
    """The Devices menu and the till → devices wiring of one main window."""

    def __init__(
        self,
        window: MainWindow,
        devices: TillDevices,
        bridge: EngineBridge,
        formatter: Formatter,
        *,
        prefs: QSettings | None = None,
        meter: Meter | None = None,
        ask: Callable[[QDialog], bool] | None = None,
        save_path: Callable[[str], str] | None = None,
        build_devices: DeviceFactory | None = None,
    ) -> None:
        super().__init__(window)
        self.build_devices = build_devices  # rebuilds the printer after its set-up
        self.window = window
        self.devices = devices
        self.bridge = bridge
        self.fmt = formatter
        self.prefs = prefs
        self.meter = meter
        self._ask = ask or window._run  # modal, reachable as window.dialog in tests
        self._save_path = save_path or self._choose_pdf_path
        self.customer_screen: CustomerScreen | None = None
        self._asked_setup = False  # the set-up is offered once per login at most
        settings = window.till.shop.settings
        if settings.printer_setup == "system" and devices.system_printer is None:
            devices.system_printer = SystemPrinter(
                language=settings.language, printer_name=settings.system_printer
            )
        name = str(prefs.value(SYSTEM_PRINTER_KEY, "")) if prefs is not None else ""
        if name and devices.system_printer is None and settings.printer_setup == "":
            # chosen on this till before the set-up was kept in the shop's settings
            devices.system_printer = SystemPrinter(language=settings.language, printer_name=name)
        self._build_menu()
        window.till.changed.connect(self._on_changed)
        devices.problem.connect(self._problem)
        devices.notice.connect(lambda text: window.statusBar().showMessage(text, 8000))
        devices.reversals_pending.connect(lambda n: self.retry_action.setEnabled(n > 0))

    # ---- menu

    def _action(self, text: str, key: str | None, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(
            guarded(self, lambda _checked=False: slot(), getattr(slot, "__name__", text))
        )
        self.window.addAction(action)
        return action

    def _build_menu(self) -> None:
        self.reprint_action = self._action(self.tr("Reprint receipt…"), "Ctrl+R", self.reprint)
        self.drawer_action = self._action(self.tr("Open drawer…"), "Ctrl+Shift+D", self.open_drawer)
        self.customer_screen_action = self._action(
            self.tr("Customer screen"), "F11", self.toggle_customer_screen
        )
        self.customer_screen_action.setCheckable(True)
        self.printer_setup_action = self._action(
            self.tr("Printer set-up…"), None, self.set_up_printer
        )
        self.x_report_action = self._action(self.tr("Print X report"), None, self.print_x_report)
        self.save_pdf_action = self._action(
            self.tr("Save shift report as PDF…"), None, self.save_shift_pdf
        )
        self.retry_action = self._action(
            self.tr("Retry fiscal reversals"), None, self.devices.retry_reversals
        )
        self.retry_action.setEnabled(False)
        self.fiscal_x_action = self._action(
            self.tr("Fiscal X report"), None, self.devices.fiscal_x_report
        )
        self.drawer_action.setEnabled(self.devices.drawer is not None)
        menu = self.window.menuBar().addMenu(self.tr("&Devices"))
        for action in (self.reprint_action, self.drawer_action, self.customer_screen_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.x_report_action, self.save_pdf_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.printer_setup_action)
        if self.devices.fiscal is not None:
            menu.addAction(self.fiscal_x_action)
            menu.addAction(self.retry_action)
        self.menu = menu

    # ---- the till's changes

    def _on_changed(self, change: TillChange) -> None:
        match change:
            case PaymentResult():
                self.devices.payment_recorded(change)
            case StatusChange():
                self.devices.status_changed(change)
            case ShiftReport():
                if change.kind == "Z":
                    self.devices.shift_closed(change)
            case ShiftOpened() | DepositTaken() | DepositSettled():
                pass  # no device job (deposits move cash without a receipt)
            case CardSale():
                # Cash in: the drawer opens (before the receipt the Sell card dialog's
                # print hook queues, like PAY).
                self.devices.cash_taken(change.tendered_minor, change.change_minor)
            case _:
                assert_never(change)

    # ---- actions

    def print_after_payment(self, result: PaymentResult) -> None:
        """The PAY dialog's print hook (the cashier or the policy wants the receipt).

        With no printer set up yet, the set-up is offered (once per login; a choice,
        "no printer" included, is kept in the shop's settings and never asked again)."""
        if self._printer_ready():
            self.devices.print_receipt(result.payment_id)

    def print_after_card_sale(self, sale: CardSale) -> None:
        """The Sell card dialog's print hook: the sale's receipt, like PAY's."""
        if self._printer_ready():
            self.devices.print_card_receipt(sale.movement_id)

    def _printer_ready(self) -> bool:
        """Whether a receipt can print now (offering the set-up first, see above)."""
        if self.devices.receipt_target is None:
            settings = self.window.till.shop.settings
            if needs_setup(settings) and not self._asked_setup:
                self._asked_setup = True
                self.set_up_printer()
            if self.devices.receipt_target is None:
                if self.window.till.shop.settings.printer_setup != "none":
                    self.window.statusBar().showMessage(
                        self.tr("No receipt printer: set one up in Devices → Printer set-up…"),
                        8000,
                    )
                return False
        return True

    def set_up_printer(self) -> bool:
        """Choose where receipts and reports go (kept in the shop's settings)."""
        till = self.window.till
        dialog = PrinterSetupDialog(
            lambda choice: printer_setup.set_up_printer(till.shop, till.actor, choice),
            current=printer_setup.printer_choice(till.shop.settings),
            system_printers=SystemPrinter.available(),
            parent=self.window,
        )
        if not self._ask(dialog) or dialog.result_value is None:
            return False
        self.use_printer_settings()
        where = {
            "escpos": self.tr("the receipt printer"),
            "system": till.shop.settings.system_printer or self.tr("the default printer"),
            "pdf": till.shop.settings.devices.get("printer", {}).get("connection", ""),
            "none": self.tr("nowhere (no printer)"),
        }.get(till.shop.settings.printer_setup, "")
        self.window.statusBar().showMessage(
            self.tr("Receipts and reports go to {where}.").format(
                where=str(where).removeprefix("pdf:")
            ),
            8000,
        )
        return True

    def use_printer_settings(self) -> None:
        """Take the printer the shop's settings name now (after its set-up)."""
        settings = self.window.till.shop.settings
        printer = drawer = None
        kick = True
        if self.build_devices is not None:
            try:
                built = self.build_devices(settings)
            except (CallShopError, ValueError) as exc:
                self._problem(
                    self.tr("The devices are not set up correctly: {error}").format(error=exc)
                )
            else:
                printer, drawer, kick = built.printer, built.drawer, built.kick_on_cash
        self.devices.printer, self.devices.drawer = printer, drawer
        self.devices.kick_on_cash = kick
        self.devices.system_printer = (
            SystemPrinter(language=settings.language, printer_name=settings.system_printer)
            if settings.printer_setup == "system"
            else None
        )
        self.drawer_action.setEnabled(self.devices.drawer is not None)

    def reprint(self, shift_id: int | None = None) -> None:
        """Reprint a receipt (marked COPY) of this shift, or of ``shift_id`` (a closed
        session's, from its view)."""
        till = self.window.till
        try:
            payments = shift_payments(till.shop, till.actor, shift_id)
            cards = shift_card_sales(till.shop, till.actor, shift_id)
        except CallShopError as exc:
            self._problem(str(exc))
            return
        dialog = ReprintDialog(payments, self.fmt, self.window, card_sales=cards)
        if self._ask(dialog):
            chosen = dialog.chosen()
            if isinstance(chosen, CardSaleSummary):
                self.devices.reprint(chosen.movement_id, card=True)
            elif chosen is not None:
                self.devices.reprint(chosen.payment_id)

    def open_drawer(self) -> None:
        dialog = DrawerReasonDialog(self.window)
        if self._ask(dialog):
            try:
                self.devices.open_drawer(dialog.reason())
            except CallShopError as exc:
                self._problem(str(exc))

    def toggle_customer_screen(self) -> None:
        if self.customer_screen is not None and self.customer_screen.isVisible():
            self.customer_screen.close()
            self.customer_screen.deleteLater()
            self.customer_screen = None
            self.devices.customer_screen = None
            self.customer_screen_action.setChecked(False)
            return
        screen = CustomerScreen(
            self.bridge,
            self.fmt,
            shop_name=self.window.till.shop.settings.shop_name,
            meter=self.meter,
        )
        self.customer_screen = screen
        self.devices.customer_screen = screen
        screen.show_on_customer_side(self.window.screen())
        self.customer_screen_action.setChecked(True)

    def print_x_report(self) -> None:
        summary = self.window.till.current_shift()
        if summary is None:
            self._problem(self.tr("No shift is open."))
            return
        if not self.devices.print_report(summary.id):
            self._problem(self.tr("No printer is set up; save the report as PDF instead."))

    def save_shift_pdf(self, shift_id: int | None = None) -> Path | None:
        if shift_id is None:
            summary = self.window.till.current_shift()
            if summary is None:
                self._problem(self.tr("No shift is open."))
                return None
            shift_id = summary.id
        chosen = self._save_path(f"shift-{shift_id}.pdf")
        if not chosen:
            return None
        try:
            path = self.devices.save_report_pdf(shift_id, Path(chosen))
        except CallShopError as exc:
            self._problem(str(exc))
            return None
        self.window.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 8000)
        return path

    def z_report_extras(self, report: ShiftReport) -> QWidget:
        """Buttons for the Z page of the close-shift dialog: print again, save A4 PDF."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        shift_id = report.summary.id
        if self.devices.receipt_target is not None:
            again = QPushButton(self.tr("Print Z report again (copy)"))
            again.setAutoDefault(False)
            again.clicked.connect(lambda: self.devices.print_report(shift_id, copy=True))
            row.addWidget(again)
        save = QPushButton(self.tr("Save A4 PDF…"))
        save.setAutoDefault(False)
        save.clicked.connect(lambda: self.save_shift_pdf(shift_id))
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # ---- helpers

    def show_failure(self, text: str) -> None:
        """A failed Devices-menu action, in plain words (:mod:`ui.action_errors`)."""
        self._problem(text)

    def report_problem(self, text: str) -> None:
        """Tell the cashier about a device problem (status bar and a non-blocking box)."""
        self._problem(text)

    def _problem(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Devices"),
            text,
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()  # not exec(): a device problem must not stop the cashier's next step
        self.problem_box = box

    def _choose_pdf_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self.window, self.tr("Save shift report"), suggested, self.tr("PDF (*.pdf)")
        )
        return path

    def close(self) -> None:
        if self.customer_screen is not None:
            self.customer_screen.close()
            self.customer_screen.deleteLater()
            self.customer_screen = None
        self.devices.close()


def install_devices(
    window: MainWindow,
    devices: TillDevices,
    bridge: EngineBridge,
    formatter: Formatter,
    **options: Any,
) -> ReceiptActions:
    """Wire ``devices`` into ``window``: the Devices menu, the till's change values,
    the fiscal hook of PAY, the PAY dialog's print and display hooks and the Z page's
    buttons. Call :meth:`ReceiptActions.close` when the window goes (stops the threads)."""
    till = window.till
    till.fiscal = devices.fiscal
    till.pay_runner = devices.pay_runner()
    actions = ReceiptActions(window, devices, bridge, formatter, **options)
    window.set_print_receipt(actions.print_after_payment)
    window.set_print_card_receipt(actions.print_after_card_sale)
    window.z_report_extras = actions.z_report_extras
    window.session_reprint = actions.reprint  # a closed session's receipts, from its view
    window.session_report = lambda shift_id: actions.devices.print_report(shift_id, copy=True)
    window.payment_started.connect(devices.payment_started)
    window.payment_cancelled.connect(devices.payment_cancelled)
    return actions


def attach_devices(
    window: MainWindow,
    bridge: EngineBridge,
    *,
    prefs: QSettings | None = None,
    meter: Meter | None = None,
    build_devices: DeviceFactory | None = None,
    devices: DeviceSet | None = None,
    **options: Any,
) -> ReceiptActions:
    """Install the shop's devices in ``window``: ``devices`` as given, or built from the
    shop's current settings by ``build_devices`` (the composition root's factory);
    with neither, the till works without devices.

    A malformed ``devices`` setting does not stop the till: the cashier is told and
    the window works without devices. The device threads stop with the window."""
    till = window.till
    problem = ""
    if devices is None and build_devices is not None:
        try:
            devices = build_devices(till.shop.settings)
        except (CallShopError, ValueError) as exc:
            problem = QCoreApplication.translate(
                "ReceiptActions", "The devices are not set up correctly: {error}"
            ).format(error=exc)
    till_devices = TillDevices(till.shop, till.actor, devices)
    actions = install_devices(
        window,
        till_devices,
        bridge,
        window.fmt,
        prefs=prefs,
        meter=meter,
        build_devices=build_devices,
        **options,
    )
    # The window goes (logout, language switch): the customer screen and threads go too.
    window.destroyed.connect(lambda _obj=None: actions.close())
    if problem:
        actions.report_problem(problem)
    return actions
