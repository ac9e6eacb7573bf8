"""The cashier's main window, composed of the widgets in this package.

Live booth state arrives through the bridge; the cashier's actions go through the
:class:`~ui.till.Till` operations, whose change values land in one handler
(:meth:`MainWindow._on_changed`) that refreshes exactly what changed. Booth
commands go to the line engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, assert_never

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import CallShopError
from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot
from callshop_pos.rating import Quote
from callshop_pos.services.cards.till import CardSale, CardSaleQuote
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till.call_status import StatusChange
from callshop_pos.services.till.calls import CallView, get_calls
from callshop_pos.services.till.deposits import DepositSettled, DepositTaken
from callshop_pos.services.till.payments import PaymentResult
from callshop_pos.services.till.shifts import ShiftOpened
from ui.action_errors import guarded
from ui.booth_box import BoothBox, action_button
from ui.booth_grid import BoothGrid
from ui.booth_tile import Meter
from ui.bridge import EngineBridge
from ui.calls_model import StatusFilter
from ui.calls_panel import CallsPanel
from ui.card_sale_dialog import CardSaleDialog
from ui.close_shift import CloseShiftDialog
from ui.deposit_dialog import DepositDialog
from ui.engine_link import EngineControl
from ui.formatting import Formatter
from ui.handover import HandOverDialog, hand_over_to_next
from ui.open_shift import OpenShiftDialog
from ui.pay_dialog import PayDialog
from ui.quote_box import QuoteBox
from ui.sessions import SessionsDialog
from ui.shift_bar import ShiftBar
from ui.till import Till, TillChange
from ui.unpaid_dialog import ReasonDialog

__all__ = ["MainWindow"]

CallsById = Callable[[list[int]], list[CallView]]


class MainWindow(QMainWindow):
    """Booths, the shift's calls, PAY and the shift's figures on one screen."""

    #: Asked when the cashier closes the window: True to quit (None: no question).
    quit_check: Callable[[], bool] | None = None

    language_requested = Signal()  # the settings dialog asked for another language
    logout_requested = Signal()
    user_switch_requested = Signal(object)  # Actor: the shift was handed over to them
    # Devices (ui.receipt_actions): PAY opened with this Bill / closed without paying.
    payment_started = Signal(object)
    payment_cancelled = Signal()

    def __init__(
        self,
        till: Till,
        bridge: EngineBridge,
        engine: EngineControl | None,
        formatter: Formatter,
        *,
        quote: Callable[[str], Quote | None],
        meter: Meter | None = None,
        calls_by_id: CallsById | None = None,
        print_receipt: Callable[[PaymentResult], None] | None = None,
        confirm: Callable[[str, str], bool] | None = None,
        today: Callable[[], date] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.till = till
        self.bridge = bridge
        self.engine = engine
        self.fmt = formatter
        self._calls_by_id = calls_by_id
        self._print_receipt = print_receipt
        self._print_card_receipt: Callable[[CardSale], None] | None = None
        #: Extra widgets for the Z page of the close-shift dialog (devices: print, PDF).
        self.z_report_extras: Callable[[ShiftReport], QWidget | None] | None = None
        #: A closed session's view: reprint one of its receipts / its Z report (devices).
        self.session_reprint: Callable[[int], object] | None = None
        self.session_report: Callable[[int], object] | None = None
        self._confirm = confirm or self._ask
        self._today = today or (lambda: formatter.today(till.shop.clock))
        self.dialog: QWidget | None = None  # the dialog open right now (tests drive it)
        self.setWindowTitle(self.tr("CallShop POS — till"))
        self.setMinimumSize(1100, 640)

        self.shift_bar = ShiftBar(formatter)
        self.shift_bar.set_operator(till.actor.username)
        self.grid = BoothGrid(formatter)
        if meter is not None:
            self.grid.set_meter(meter)
        self.calls = CallsPanel(formatter)
        self.quote_box = QuoteBox(quote, formatter)

        self._build_actions()
        side = self._build_side()

        grid_frame = QFrame()
        grid_frame.setObjectName("gridFrame")
        grid_layout = QVBoxLayout(grid_frame)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_title = QHBoxLayout()
        grid_title.addWidget(QLabel(self.tr("Booths"), objectName="sectionTitle"))
        grid_title.addStretch(1)
        grid_title.addWidget(
            QLabel(
                self.tr("digits pick a booth · Enter pays it · menu key for actions"),
                objectName="hint",
            )
        )
        grid_layout.addLayout(grid_title)
        grid_layout.addWidget(self.grid, 1)

        bottom = QWidget()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(10)
        bottom_layout.addWidget(self.calls, 1)
        bottom_layout.addWidget(side)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(grid_frame)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        central.setObjectName("mainCentral")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.shift_bar)
        body = QVBoxLayout()
        body.setContentsMargins(12, 10, 12, 10)
        body.addWidget(self.splitter, 1)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(
            self.tr(
                "F2 pay selected · F3 pay booth · F4 served without payment · "
                "F6 back to unserved · F9 sessions · F12 close or open shift"
            )
        )

        # Live engine state, then the operations' change values: one handler each.
        bridge.booth_updated.connect(self._on_booth)
        bridge.call_finished.connect(self._on_call_finished)
        till.changed.connect(self._on_changed)
        self.grid.selected.connect(self._on_booth_selected)
        self.grid.activated.connect(self._on_booth_activated)
        self.grid.action_requested.connect(self._on_booth_action)
        self.calls.selection_changed.connect(self._update_actions)
        self.calls.activated.connect(self.pay_selected)

        for snapshot in bridge.booths():
            self._on_booth(snapshot)
        self.reload_shift()
        self._update_actions()

    # ---- building

    def _action(
        self, text: str, key: str | QKeySequence.StandardKey | None, slot: Callable[[], Any]
    ) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(
            guarded(self, lambda _checked=False: slot(), getattr(slot, "__name__", text))
        )
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.pay_action = self._action(self.tr("PAY selected calls"), "F2", self.pay_selected)
        self.pay_booth_action = self._action(self.tr("Pay booth's calls"), "F3", self.pay_booth)
        self.unpaid_action = self._action(
            self.tr("Served without payment…"), "F4", self.mark_unpaid
        )
        self.unserved_action = self._action(
            self.tr("Back to unserved…"), "F6", self.back_to_unserved
        )
        self.sell_card_action = self._action(self.tr("Sell card…"), "F7", self.sell_card)
        self.top_up_card_action = self._action(self.tr("Top up card…"), None, self.top_up_card)
        # Only where the shop tops cards up (setting card_top_up; the core refuses otherwise).
        self.top_up_card_action.setVisible(self.till.shop.settings.card_top_up)
        self.sessions_action = self._action(self.tr("Sessions…"), "F9", self.show_sessions)
        self.settings_action = self._action(
            self.tr("Language…"), "F10", self.language_requested.emit
        )
        self.close_shift_action = self._action(self.tr("Close shift…"), "F12", self.close_shift)
        # F12 too: only one of the two is enabled at a time, so the key is never ambiguous.
        self.open_shift_action = self._action(self.tr("Open shift…"), "F12", self.ask_open_shift)
        self.hand_over_action = self._action(
            self.tr("Hand over to the next operator…"), None, self.hand_over
        )
        self.lock_action = self._action(
            self.tr("Lock / unlock booth"), "Ctrl+L", lambda: self._booth_command("toggle_lock")
        )
        self.hang_up_action = self._action(
            self.tr("Hang up booth…"), "Ctrl+H", lambda: self._booth_command("hang_up")
        )
        self.deposit_action = self._action(
            self.tr("Take deposit…"), "Ctrl+D", lambda: self._booth_command("deposit")
        )
        self.settle_action = self._action(
            self.tr("Settle deposit…"), "Ctrl+E", lambda: self._booth_command("settle")
        )
        self.booth_calls_action = self._action(
            self.tr("Show booth's calls"), "Ctrl+B", lambda: self._booth_command("calls")
        )
        self.quote_action = self._action(
            self.tr("How much to call…?"), "Ctrl+K", self.quote_box.number_edit.setFocus
        )
        self.booths_action = self._action(self.tr("Go to booths"), "Ctrl+1", self._focus_booths)
        self.table_action = self._action(
            self.tr("Go to calls"), "Ctrl+2", self.calls.table.setFocus
        )
        self.logout_action = self._action(self.tr("Log out"), "Ctrl+Q", self.logout_requested.emit)
        self.admin_action = self._action(
            self.tr("Administration…"), "Ctrl+Shift+A", self.open_administration
        )
        # Shown to administrators only; the admin window and its services refuse others.
        self.admin_action.setVisible(self.till.actor.is_admin)

        menu = self.menuBar()
        till_menu = menu.addMenu(self.tr("&Till"))
        for action in (
            self.pay_action,
            self.pay_booth_action,
            self.unpaid_action,
            self.unserved_action,
            self.sell_card_action,
            self.top_up_card_action,
        ):
            till_menu.addAction(action)
        till_menu.addSeparator()
        till_menu.addAction(self.sessions_action)
        till_menu.addAction(self.open_shift_action)
        till_menu.addAction(self.close_shift_action)
        till_menu.addAction(self.hand_over_action)
        till_menu.addSeparator()
        till_menu.addAction(self.settings_action)
        till_menu.addAction(self.admin_action)
        till_menu.addAction(self.logout_action)
        booth_menu = menu.addMenu(self.tr("&Booth"))
        for action in (
            self.lock_action,
            self.hang_up_action,
            self.deposit_action,
            self.settle_action,
            self.booth_calls_action,
        ):
            booth_menu.addAction(action)
        view_menu = menu.addMenu(self.tr("&View"))
        for action in (self.booths_action, self.table_action, self.quote_action):
            view_menu.addAction(action)

    def _build_side(self) -> QWidget:
        side = QWidget()
        # At least 300 px, wider when the language's button texts need it.
        side.setMinimumWidth(300)
        side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.pay_button = action_button(self.pay_action, "payButton")
        self.pay_booth_button = action_button(self.pay_booth_action)
        self.unpaid_button = action_button(self.unpaid_action, label=self.tr("Unpaid…"))
        self.unserved_button = action_button(self.unserved_action, label=self.tr("Unserved…"))
        layout.addWidget(self.pay_button)
        self.sell_card_button = action_button(self.sell_card_action, label=self.tr("Card…"))
        layout.addLayout(_row(self.pay_booth_button, self.sell_card_button))
        layout.addLayout(_row(self.unpaid_button, self.unserved_button))
        self.booth_box = BoothBox(
            [
                (self.tr("Lock"), self.lock_action),
                (self.tr("Hang up…"), self.hang_up_action),
                (self.tr("Deposit…"), self.deposit_action),
                (self.tr("Settle…"), self.settle_action),
                (self.tr("Its calls"), self.booth_calls_action),
            ]
        )
        layout.addWidget(self.booth_box)
        layout.addWidget(self.quote_box)
        layout.addStretch(1)
        self.sessions_button = action_button(self.sessions_action, label=self.tr("Sessions"))
        self.close_shift_button = action_button(
            self.close_shift_action, "dangerButton", label=self.tr("Close shift")
        )
        # Where Close shift is while no shift is open (the cashier declined to open one).
        self.open_shift_button = action_button(
            self.open_shift_action, "primary", label=self.tr("Open shift")
        )
        layout.addLayout(
            _row(self.sessions_button, self.close_shift_button, self.open_shift_button)
        )
        return side

    # ---- shift and calls

    def reload_shift(self) -> None:
        """Read the open shift and its calls afresh (start-up, shift opened or closed)."""
        summary = self.till.current_shift()
        self.shift_bar.show_summary(summary)
        self.calls.set_calls(self.till.shift_calls() if summary is not None else [])
        self.calls.add_booths(self.grid.booths())
        self.grid.show_dues(self.till.booth_dues() if summary is not None else {})
        self._update_actions()

    def _refresh_summary(self) -> None:
        """The shift bar shows the core's figures, read afresh (aggregated in SQL, so
        cheap even for a long shift); the window never does money arithmetic."""
        summary = self.till.current_shift()
        self.shift_bar.show_summary(summary)
        self.grid.show_dues(self.till.booth_dues() if summary is not None else {})

    def _on_call_finished(self, event: Any) -> None:
        """A call ended: show it at once and re-read the shift's figures."""
        call_id = getattr(event, "call_id", None)
        summary = self.shift_bar.summary
        if call_id is None or not getattr(event, "answered", True) or summary is None:
            return
        if self._calls_by_id is not None:
            calls = self._calls_by_id([call_id])
        else:
            calls = get_calls(self.till.shop, [call_id])
        calls = [c for c in calls if c.shift_id == summary.id and c.answered]
        if not calls:
            return
        self.calls.upsert(calls)
        self._refresh_summary()
        self._update_actions()

    def _on_changed(self, change: TillChange) -> None:
        """The one place that reacts to what an operation changed."""
        match change:
            case ShiftOpened():
                self.reload_shift()
            case ShiftReport():
                if change.kind == "Z":
                    self.reload_shift()
            case DepositTaken() | CardSale():
                self._refresh_summary()  # the cash is in the drawer now
            case DepositSettled():
                self.reload_shift()  # calls paid from it, cash handed back
                if self.engine is not None:
                    self._engine_call(self.engine.refresh)
            case PaymentResult() | StatusChange():
                self._refresh_summary()
                self.calls.upsert(list(change.calls))
                self._update_actions()
                if self.engine is not None:
                    # The engine shows each booth's unpaid count and may auto-lock.
                    self._engine_call(self.engine.refresh)
            case _:
                assert_never(change)

    def _update_actions(self) -> None:
        selected = self.calls.selected_calls()
        shift_open = self.shift_bar.summary is not None
        self.pay_action.setEnabled(shift_open and any(c.status != "paid" for c in selected))
        self.unpaid_action.setEnabled(shift_open and any(c.status != "unpaid" for c in selected))
        self.unserved_action.setEnabled(
            shift_open and any(c.status != "unserved" for c in selected)
        )
        booth = self.grid.current_booth
        self.pay_booth_action.setEnabled(shift_open and booth is not None)
        self.close_shift_action.setEnabled(shift_open)
        self.hand_over_action.setEnabled(shift_open)
        self.open_shift_action.setEnabled(not shift_open)
        for action in (
            self.lock_action,
            self.hang_up_action,
            self.deposit_action,
            self.settle_action,
            self.booth_calls_action,
        ):
            action.setEnabled(booth is not None)
        for button, action in (
            (self.pay_button, self.pay_action),
            (self.pay_booth_button, self.pay_booth_action),
            (self.unpaid_button, self.unpaid_action),
            (self.unserved_button, self.unserved_action),
            (self.close_shift_button, self.close_shift_action),
        ):
            button.setEnabled(action.isEnabled())
        self.close_shift_button.setVisible(shift_open)
        self.open_shift_button.setVisible(not shift_open)

    # ---- booths

    def _on_booth(self, snapshot: BoothSnapshot) -> None:
        known = snapshot.booth in self.grid.booths()
        self.grid.update_booth(snapshot)
        if snapshot.booth == self.grid.current_booth:
            self.booth_box.show_booth(snapshot)
        if not known:
            self.calls.add_booths([snapshot.booth])
            if self.grid.current_booth is None:
                self.grid.select_booth(snapshot.booth)

    def _on_booth_selected(self, booth: str) -> None:
        self.booth_box.show_booth(self.grid.tile(booth).snapshot)
        self._update_actions()

    def _on_booth_activated(self, booth: str) -> None:
        self.grid.select_booth(booth)
        self.pay_booth()

    def _focus_booths(self) -> None:
        booths = self.grid.booths()
        booth = self.grid.current_booth or (booths[0] if booths else None)
        if booth is not None:
            self.grid.select_booth(booth)
            self.grid.tile(booth).setFocus()

    def _on_booth_action(self, booth: str, action: str) -> None:
        self.grid.select_booth(booth)
        if action == "pay":
            self.pay_booth()
        else:
            self._booth_command(action)

    def _booth_command(self, action: str) -> None:
        booth = self.grid.current_booth
        if booth is None:
            return
        snapshot = self.grid.tile(booth).snapshot
        if action == "calls":
            self.calls.show_booth(booth)
            self.calls.show_status(StatusFilter.ALL)
            self.calls.table.setFocus()
            return
        if action in ("deposit", "settle"):
            self._deposit_command(action, snapshot)
            return
        if self.engine is None or not self.bridge.connected:
            self._error(self.tr("The line engine is not reachable; try again in a moment."))
            return
        engine = self.engine
        if action in ("toggle_lock", "lock", "unlock"):
            unlock = snapshot.locked if action == "toggle_lock" else action == "unlock"
            if unlock:
                self._engine_call(lambda: engine.unlock(booth))
            else:
                self._engine_call(lambda: engine.lock(booth))
        elif action == "hang_up":
            question = self.tr("Hang up the call in {booth} now?").format(booth=booth)
            if self._confirm(self.tr("Hang up"), question):
                self._engine_call(lambda: engine.hang_up(booth))

    def _deposit_command(self, action: str, snapshot: BoothSnapshot) -> None:
        """Deposits are the shift's cash: taken and settled through the till (the
        database); the engine is then told to re-read the booth's credit (it also
        does so by itself every few seconds, so a down engine loses nothing)."""
        booth = snapshot.booth
        if snapshot.billing is not BillingMode.PREPAID:
            self._error(
                self.tr("{booth} is a postpaid booth: it takes no deposit.").format(booth=booth)
            )
            return
        try:
            if action == "deposit":
                dialog = DepositDialog(snapshot, self.fmt, self)
                if not self._run(dialog):
                    return
                taken = self.till.take_deposit(booth, dialog.amount())
                self.statusBar().showMessage(
                    self.tr("{booth}: deposit {amount} taken.").format(
                        booth=booth, amount=self.fmt.money(taken.amount_minor)
                    ),
                    10000,
                )
            else:
                balance = self.till.deposit_balance(booth)
                if balance is None:
                    self._error(self.tr("{booth} has no open deposit.").format(booth=booth))
                    return
                question = self.tr(
                    "Settle the deposit of {booth}? Deposit {total}, calls {amount}: "
                    "the calls are paid from it and the rest is handed back."
                ).format(
                    booth=booth,
                    total=self.fmt.money(balance.amount_minor),
                    amount=self.fmt.money(balance.used_minor),
                )
                if not self._confirm(self.tr("Settle deposit"), question):
                    return
                settled = self.till.settle_deposit(booth)
                message = self.tr("{booth}: hand back {amount}.").format(
                    booth=booth, amount=self.fmt.money(settled.returned_cash_minor)
                )
                if settled.left_unserved:
                    message += " " + self.tr(
                        "{count} call(s) the deposit did not cover are still unserved."
                    ).format(count=len(settled.left_unserved))
                self.statusBar().showMessage(message, 15000)
        except CallShopError as exc:
            self._error(str(exc))
            return
        engine = self.engine
        if engine is not None and self.bridge.connected:
            self._engine_call(lambda: engine.sync_deposit(booth))

    def _engine_call(self, command: Callable[[], Any]) -> bool:
        try:
            command()
        except (CallShopError, OSError, EOFError) as exc:
            self._error(self.tr("The line engine refused: {error}").format(error=exc))
            return False
        return True

    # ---- PAY and status changes

    def pay_selected(self) -> None:
        calls = [c for c in self.calls.selected_calls() if c.status != "paid"]
        if not calls:
            self.statusBar().showMessage(self.tr("Select the calls to pay first."), 5000)
            return
        self._pay(calls)

    def pay_booth(self) -> None:
        booth = self.grid.current_booth
        if booth is None:
            return
        if self.till.deposit_balance(booth) is not None:
            # Its calls are paid from the deposit: settling is paying this booth.
            self._deposit_command("settle", self.grid.tile(booth).snapshot)
            return
        calls = [c for c in self.calls.model.calls() if c.booth == booth and c.status == "unserved"]
        if not calls:
            self.statusBar().showMessage(
                self.tr("{booth} has no unserved calls.").format(booth=booth), 5000
            )
            return
        # Show what is being paid, then put the list back as the cashier had it (a
        # booth filter left on would hide the other booths' calls: "0 shown").
        was_booth, was_status = self.calls.model.booth, self.calls.model.status
        self.calls.show_booth(booth)
        self.calls.show_status(StatusFilter.UNSERVED)
        self.calls.select_calls([c.id for c in calls])
        try:
            self._pay(calls)
        finally:
            self.calls.show_booth(was_booth)
            self.calls.show_status(was_status)

    def _pay(self, calls: list[CallView]) -> None:
        ids = [c.id for c in calls]
        try:
            bill = self.till.quote_payment(ids)
        except CallShopError as exc:
            self._error(str(exc))
            return
        settings = self.till.shop.settings
        bgn_until = None
        if settings.bgn_line_enabled:
            bgn_until = settings.bgn_line_until or date.max
        policy = settings.print_policy
        printer = self._print_receipt if policy != "never" else None
        dialog = PayDialog(
            bill,
            self.fmt,
            lambda tendered: self.till.pay(bill, tendered),
            print_receipt=printer,
            print_default=policy in ("always", "ask"),
            bgn_until=bgn_until,
            today=self._today(),
            parent=self,
        )
        # Print policy: only "ask" lets the cashier choose; "always" prints unasked.
        dialog.print_check.setVisible(printer is not None and policy == "ask")
        self.payment_started.emit(bill)
        if self._run(dialog) and dialog.result_value is not None:
            result = dialog.result_value
            self.statusBar().showMessage(
                self.tr("Paid {total}; change {change}.").format(
                    total=self.fmt.money(result.total_minor),
                    change=self.fmt.money(result.change_minor),
                ),
                10000,
            )
            self._auto_lock({c.booth for c in result.calls})
        else:
            self.payment_cancelled.emit()

    def sell_card(self) -> None:
        """Sell a prepaid calling card: scan or type its serial, take its face value;
        its receipt prints as the print policy says (like PAY)."""
        sale = self._card_cash(self.till.sell_card)
        if sale is not None:
            self.statusBar().showMessage(
                self.tr("Card {serial} sold for {total}; change {change}.").format(
                    serial=sale.card.serial,
                    total=self.fmt.money(sale.amount_minor),
                    change=self.fmt.money(sale.change_minor),
                ),
                10000,
            )

    def top_up_card(self) -> None:
        """Put money on a sold card: serial, amount, cash; a receipt as for a sale."""
        sale = self._card_cash(self.till.top_up_card, top_up=self.till.quote_top_up)
        if sale is not None:
            self.statusBar().showMessage(
                self.tr("Card {serial} topped up by {total}; change {change}.").format(
                    serial=sale.card.serial,
                    total=self.fmt.money(sale.amount_minor),
                    change=self.fmt.money(sale.change_minor),
                ),
                10000,
            )

    def _card_cash(
        self,
        record: Callable[[CardSaleQuote, int], CardSale],
        *,
        top_up: Callable[[str, int], CardSaleQuote] | None = None,
    ) -> CardSale | None:
        """The Sell card dialog (a top-up with ``top_up``), printing as the policy says;
        the sale or top-up it recorded (None: cancelled)."""
        policy = self.till.shop.settings.print_policy
        printer = self._print_card_receipt if policy != "never" else None
        dialog = CardSaleDialog(
            self.fmt,
            self.till.quote_card_sale,
            record,
            self,
            balance=self.till.card_balance,
            print_receipt=printer,
            print_default=policy in ("always", "ask"),
            top_up=top_up,
        )
        dialog.print_check.setVisible(printer is not None and policy == "ask")
        if self._run(dialog):
            return dialog.result_value
        return None

    def set_print_receipt(self, hook: Callable[[PaymentResult], None] | None) -> None:
        """The PAY dialog's "print receipt" hook (None: no printing offered)."""
        self._print_receipt = hook

    def set_print_card_receipt(self, hook: Callable[[CardSale], None] | None) -> None:
        """The Sell card dialog's "print receipt" hook (None: no printing offered)."""
        self._print_card_receipt = hook

    def _auto_lock(self, booths: set[str]) -> None:
        if self.engine is None or not self.till.auto_lock_after_pay:
            return
        engine = self.engine
        for booth in sorted(booths):
            still_due = any(
                c.booth == booth and c.status == "unserved" for c in self.calls.model.calls()
            )
            if not still_due:
                self._engine_call(lambda b=booth: engine.lock(b))  # type: ignore[misc]

    def mark_unpaid(self) -> None:
        calls = [c for c in self.calls.selected_calls() if c.status != "unpaid"]
        if not calls:
            return
        ids = [c.id for c in calls]
        dialog = ReasonDialog(
            calls,
            self.fmt,
            lambda reason: self.till.mark_unpaid(ids, reason),
            target="unpaid",
            refund_minor=self.till.quote_refund(ids),
            parent=self,
        )
        self._run(dialog)

    def back_to_unserved(self) -> None:
        calls = [c for c in self.calls.selected_calls() if c.status != "unserved"]
        if not calls:
            return
        ids = [c.id for c in calls]
        dialog = ReasonDialog(
            calls,
            self.fmt,
            lambda reason: self.till.back_to_unserved(ids, reason),
            target="unserved",
            refund_minor=self.till.quote_refund(ids),
            parent=self,
        )
        self._run(dialog)

    # ---- sessions and close

    def open_administration(self) -> QWidget | None:
        """The administration window (admins only; see ``ui.admin``)."""
        if not self.till.actor.is_admin:
            return None
        from ui.admin import open_admin_window  # noqa: PLC0415 - loaded when an admin opens it

        return open_admin_window(self.till.shop, self.till.actor, self)

    def show_sessions(self) -> None:
        dialog = SessionsDialog(
            self.till.list_shifts,
            self.till.show_shift,
            self.fmt,
            today=self._today(),
            parent=self,
            reprint_receipt=self.session_reprint,
            reprint_report=self.session_report,
        )
        self._run(dialog)

    def close_shift(self) -> None:
        try:
            report = self.till.x_report()
        except CallShopError as exc:
            self._error(str(exc))
            return
        self._run(
            CloseShiftDialog(
                report,
                self.fmt,
                self.till.close_shift,
                self,
                z_extras=self.z_report_extras,
                backup_problem=self.till.backup_problem,
            )
        )
        if self.till.current_shift() is None:
            self.ask_open_shift()

    def hand_over(self) -> None:
        """Close this shift and open the next operator's in one step (they log in
        here); the window then belongs to them."""
        try:
            report = self.till.x_report()
        except CallShopError as exc:
            self._error(str(exc))
            return
        dialog = HandOverDialog(self.fmt, hand_over_to_next(self.till), report=report, parent=self)
        if self._run(dialog) and dialog.result_value is not None:
            self.user_switch_requested.emit(dialog.result_value.incoming)

    def ask_open_shift(self) -> bool:
        """No shift open: ask for the opening float (False if the cashier declined)."""
        dialog = OpenShiftDialog(self.till.open_shift, self.till.actor.username, self)
        return self._run(dialog)

    # ---- helpers

    def _run(self, dialog: Any) -> bool:
        """Show a modal dialog; tests reach it through :attr:`dialog` while it runs."""
        self.dialog = dialog
        try:
            return bool(dialog.exec())
        finally:
            self.dialog = None
            dialog.deleteLater()

    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def show_failure(self, text: str) -> None:
        """A failed action, in plain words (:mod:`ui.action_errors`)."""
        self._error(text)

    def _error(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("CallShop POS"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        self._run(box)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The cashier closing the window (not the till rebuilding it, nor a logout) is
        # told what happens to the line engine, and may stay (ui.app's quit check).
        if event.spontaneous() and self.quit_check is not None and not self.quit_check():
            event.ignore()
            return
        # The engine keeps running (calls are never lost); only this window goes, and
        # with it the administration window (wholesale costs stay behind a login).
        # (Hidden now, deleted with this window, its parent.)
        for child in self.findChildren(QMainWindow):
            child.hide()
        self.grid.hide()
        super().closeEvent(event)


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(6)
    for widget in widgets:
        row.addWidget(widget)
    return row
