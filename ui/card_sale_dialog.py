"""Sell card: the cashier scans or types the card's serial, sees its face value, takes
the cash like PAY (tendered, change) and confirms. *Balance* shows what is left on a
card already sold (the customer asks at the till). The sale's receipt prints like
PAY's (``print_receipt``; "Print receipt" is offered when the print policy asks).

The face value and every refusal (unknown serial, already sold, blocked, expired, no
open shift) come from the core (``quote_card_sale``); the sale itself
(``sell_card``) checks it all again in its transaction. A barcode scanner types the
serial and presses Enter: Enter in the serial field looks the card up, Enter with the
card shown sells it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import CallShopError
from callshop_pos.services.cards.common import CardView
from callshop_pos.services.cards.till import CardSale, CardSaleQuote
from ui.action_errors import plain_words
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter
from ui.pay_dialog import PLAUSIBLE_CHANGE_MINOR

__all__ = ["CardSaleDialog"]


class CardSaleDialog(QDialog):
    """``quote(serial)`` looks the card up; ``sell(quote, tendered)`` records the sale
    (:attr:`result_value` holds it afterwards); ``balance(serial)`` reads a card."""

    def __init__(
        self,
        formatter: Formatter,
        quote: Callable[[str], CardSaleQuote],
        sell: Callable[[CardSaleQuote, int], CardSale],
        parent: QWidget | None = None,
        *,
        balance: Callable[[str], CardView] | None = None,
        print_receipt: Callable[[CardSale], None] | None = None,
        print_default: bool = True,
        top_up: Callable[[str, int], CardSaleQuote] | None = None,
    ) -> None:
        super().__init__(parent)
        self._fmt = formatter
        self._quote_for = quote
        self._sell = sell
        self._balance = balance
        self._print_receipt = print_receipt
        #: top-up mode: ``top_up(serial, amount)`` quotes, ``sell`` records the top-up
        self._top_up = top_up
        self.quote: CardSaleQuote | None = None
        self.result_value: CardSale | None = None
        if top_up is None:
            self.setWindowTitle(self.tr("Sell card"))
            heading = self.tr("Sell a prepaid calling card")
        else:
            self.setWindowTitle(self.tr("Top up card"))
            heading = self.tr("Top up a prepaid calling card")
        self.setMinimumWidth(460)
        title = QLabel(heading, objectName="sectionTitle")
        self.serial_edit = QLineEdit()
        self.serial_edit.setPlaceholderText(self.tr("scan or type the serial"))
        self.balance_button = QPushButton(self.tr("&Balance"))
        self.balance_button.setAutoDefault(False)
        self.balance_button.setVisible(balance is not None)
        serial_row = QWidget()
        serial_box = QHBoxLayout(serial_row)
        serial_box.setContentsMargins(0, 0, 0, 0)
        serial_box.addWidget(self.serial_edit, 1)
        serial_box.addWidget(self.balance_button)
        self.card_label = QLabel(objectName="muted")
        self.value_label = QLabel(objectName="totalValue")
        self.amount_edit = AmountEdit(formatter.currency.digits)
        self.tendered_edit = AmountEdit(formatter.currency.digits)
        self.tendered_edit.setObjectName("bigAmount")
        self.change_label = QLabel(objectName="changeValue")
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        rows: tuple[tuple[str, QWidget], ...] = (
            (self.tr("&Serial"), serial_row),
            *(
                ((self.tr("Face value"), self.value_label),)
                if top_up is None
                else (
                    (self.tr("&Amount to add"), self.amount_edit),
                    (self.tr("To pay"), self.value_label),
                )
            ),
            (self.tr("&Tendered"), self.tendered_edit),
            (self.tr("Change"), self.change_label),
        )
        for row, (text, widget) in enumerate(rows):
            caption = QLabel(text, objectName="figureLabel")
            caption.setBuddy(widget)
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
        self.print_check = QCheckBox(self.tr("&Print receipt"))
        self.print_check.setChecked(print_default)
        self.print_check.setVisible(print_receipt is not None)
        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(
            self,
            self.tr("Sell  (Enter)") if top_up is None else self.tr("Top up  (Enter)"),
            self._on_confirm,
            enabled=False,
        )
        self.ok_button.setObjectName("payButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.card_label)
        layout.addWidget(self.print_check)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.serial_edit.returnPressed.connect(self.look_up)
        self.balance_button.clicked.connect(self.show_balance)
        self.serial_edit.textEdited.connect(self._on_serial_edited)
        self.amount_edit.returnPressed.connect(self.look_up)
        self.amount_edit.textEdited.connect(self._on_serial_edited)
        self.tendered_edit.amount_changed.connect(self._on_tendered)
        self.tendered_edit.returnPressed.connect(self._on_confirm)
        self._show_quote()
        self.serial_edit.setFocus()

    # ---- the card

    def look_up(self) -> bool:
        """Ask the core about the serial typed; shows the face value or the refusal."""
        try:
            if self._top_up is None:
                self.quote = self._quote_for(self.serial_edit.text())
            else:
                amount = self.amount_edit.amount()
                if amount is None:
                    self.quote = None
                    self._show_quote()
                    self.card_label.setText(self.tr("Enter the amount to add to the card."))
                    self.amount_edit.setFocus()
                    return False
                self.quote = self._top_up(self.serial_edit.text(), amount)
        except CallShopError as exc:
            self.quote = None
            self._show_quote()
            show_error(self.error_label, str(exc))
            return False
        self.error_label.hide()
        self._show_quote()
        self.tendered_edit.setFocus()
        return True

    def show_balance(self) -> bool:
        """Show the status and balance of the card typed (nothing is sold)."""
        if self._balance is None:
            return False
        try:
            card = self._balance(self.serial_edit.text())
        except CallShopError as exc:
            show_error(self.error_label, str(exc))
            return False
        self.error_label.hide()
        status = {
            "created": self.tr("not sold"),
            "sold": self.tr("sold"),
            "in_use": self.tr("in use"),
            "exhausted": self.tr("used up"),
            "expired": self.tr("expired"),
            "blocked": self.tr("blocked"),
        }.get(card.status.value, card.status.value)
        self.card_label.setText(
            self.tr("Card {serial}: {status}, balance {balance}.").format(
                serial=card.serial, status=status, balance=self._fmt.money(card.balance_minor)
            )
        )
        return True

    def _on_serial_edited(self, _text: str) -> None:
        if self.quote is not None:
            self.quote = None  # another card: look it up again
            self._show_quote()

    def _show_quote(self) -> None:
        quote = self.quote
        if quote is None:
            self.value_label.setText("—")
            self.card_label.setText(self.tr("Scan the card's barcode or type its serial."))
            self.tendered_edit.setPlaceholderText("")
        else:
            self.value_label.setText(self._fmt.money(quote.amount_minor))
            if self._top_up is None:
                text = self.tr("Card {serial}: the customer pays its face value.").format(
                    serial=quote.serial
                )
            else:
                text = self.tr("Card {serial}: balance {before}, after the top-up {after}.").format(
                    serial=quote.serial,
                    before=self._fmt.money(quote.balance_before_minor),
                    after=self._fmt.money(quote.balance_before_minor + quote.amount_minor),
                )
            self.card_label.setText(text)
            self.tendered_edit.setPlaceholderText(self._fmt.number(quote.amount_minor))
        self._on_tendered(None)

    # ---- the cash

    def tendered_minor(self) -> int:
        """What the customer handed over (empty field = exactly the face value)."""
        amount = self.tendered_edit.amount()
        if amount is not None:
            return amount
        return 0 if self.quote is None else self.quote.amount_minor

    def _problem(self) -> str | None:
        problem = self.tendered_edit.problem()
        if problem is not None or self.quote is None:
            return problem
        change = self.quote.change_for(self.tendered_minor())
        if change < 0:
            return self.tr("Not enough: {missing} more.").format(missing=self._fmt.money(-change))
        if change > PLAUSIBLE_CHANGE_MINOR:
            return self.tr(
                "{tendered} for a card of {value}? Check the amount handed over."
            ).format(
                tendered=self._fmt.money(self.tendered_minor()),
                value=self._fmt.money(self.quote.amount_minor),
            )
        return None

    def _on_tendered(self, _amount: object) -> None:
        problem = self._problem()
        if problem is not None:
            show_error(self.error_label, problem)
        elif self.quote is not None:
            self.error_label.hide()
        quote = self.quote
        ok = quote is not None and problem is None
        self.change_label.setText(
            self._fmt.money(quote.change_for(self.tendered_minor())) if ok and quote else ""
        )
        self.ok_button.setEnabled(ok)

    def _on_confirm(self) -> None:
        if self.quote is None:
            self.look_up()
            return
        if self._problem() is not None or not self.ok_button.isEnabled():
            return
        try:
            self.result_value = self._sell(self.quote, self.tendered_minor())
        except Exception as exc:  # the core's refusal or a device failure: shown, nothing sold
            show_error(self.error_label, plain_words(exc, "selling a card"))
            return
        if self._print_receipt is not None and self.print_check.isChecked():
            self._print_receipt(self.result_value)
        self.accept()
