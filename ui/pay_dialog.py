"""PAY: the bill for the chosen calls, the cash tendered and the change.

The bill (lines, subtotal, cash rounding as its own line, total) comes from the core
(``quote_payment``); this dialog only adds the cashier's input. Enter with an empty
"tendered" field means the customer paid the exact amount.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.money import eur_to_bgn
from callshop_pos.services.till.payments import Bill, BillLine, PaymentResult
from ui.action_errors import plain_words
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.enum_table import EnumTableModel
from ui.formatting import Formatter

__all__ = ["BillColumn", "BillLinesModel", "PayDialog"]

_Index = QModelIndex | QPersistentModelIndex
#: Banknotes offered as one-click "tendered" amounts (minor units).
_NOTES = (500, 1000, 2000, 5000)


#: More change than this (500.00: the largest euro note) means a mistyped amount.
PLAUSIBLE_CHANGE_MINOR = 500_00


class BillColumn(IntEnum):
    BOOTH = 0
    NUMBER = 1
    DESTINATION = 2
    DURATION = 3
    BILLED = 4
    AMOUNT = 5


class BillLinesModel(EnumTableModel):
    """The lines of one bill (read-only)."""

    columns = BillColumn
    figures = frozenset({BillColumn.DURATION, BillColumn.BILLED, BillColumn.AMOUNT})

    def __init__(self, bill: Bill, formatter: Formatter, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[BillLine, ...] = bill.lines
        self._fmt = formatter

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def header_text(self, column: int) -> str:
        return (
            self.tr("Booth"),
            self.tr("Number"),
            self.tr("Destination"),
            self.tr("Duration"),
            self.tr("Billed"),
            self.tr("Amount"),
        )[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        line = self._lines[index.row()]
        column = BillColumn(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            line.booth,
            line.number,
            line.destination or self.tr("unknown"),
            self._fmt.duration(line.duration_s),
            self._fmt.duration(line.billable_s),
            self._fmt.money(line.amount_minor),
        )[column]


class PayDialog(QDialog):
    """Takes payment for a quoted bill through ``pay(tendered_minor)``."""

    def __init__(
        self,
        bill: Bill,
        formatter: Formatter,
        pay: Callable[[int], PaymentResult],
        *,
        print_receipt: Callable[[PaymentResult], None] | None = None,
        print_default: bool = True,
        bgn_until: date | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bill = bill
        self._fmt = formatter
        self._pay = pay
        self._print_receipt = print_receipt
        self.result_value: PaymentResult | None = None
        count = len(bill.lines)
        self.setWindowTitle(self.tr("Payment"))
        self.setMinimumSize(640, 480)

        heading = QLabel(
            self.tr("Pay {count} call(s)").format(count=count), objectName="sectionTitle"
        )
        self.lines_model = BillLinesModel(bill, formatter, self)
        table = QTableView()
        table.setModel(self.lines_model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BillColumn.DESTINATION, QHeaderView.ResizeMode.Stretch)
        self.lines_table = table

        figures = QGridLayout()
        figures.setColumnStretch(0, 1)
        row = 0

        def add(label: str, value: QWidget, name: str = "figureLabel") -> QLabel:
            nonlocal row
            caption = QLabel(label)
            caption.setObjectName(name)
            figures.addWidget(caption, row, 0)
            figures.addWidget(value, row, 1)
            row += 1
            return caption

        self.subtotal_label = QLabel(formatter.money(bill.subtotal_minor), objectName="figureValue")
        add(self.tr("Subtotal"), self.subtotal_label)
        if bill.rounding_minor:
            self.rounding_label = QLabel(
                formatter.money(bill.rounding_minor), objectName="figureValue"
            )
            add(
                self.tr("Cash rounding (to {unit})").format(
                    unit=formatter.money(bill.cash_unit_minor)
                ),
                self.rounding_label,
            )
        self.total_label = QLabel(formatter.money(bill.total_minor), objectName="totalValue")
        add(self.tr("TOTAL"), self.total_label, "sectionTitle")
        today = today or datetime.now().astimezone().date()
        if bgn_until is not None and today <= bgn_until and formatter.currency.code == "EUR":
            bgn = eur_to_bgn(bill.total_minor)
            self.bgn_label = QLabel(
                self.tr("{amount} BGN").format(amount=formatter.number(bgn)), objectName="muted"
            )
            self.bgn_label.setAlignment(Qt.AlignmentFlag.AlignRight)
            add(self.tr("BGN equivalent (1 € = 1.95583 лв.)"), self.bgn_label, "muted")

        self.tendered_edit = AmountEdit(formatter.currency.digits)
        self.tendered_edit.setObjectName("bigAmount")
        self.tendered_edit.setPlaceholderText(formatter.number(bill.total_minor))
        self.tendered_edit.amount_changed.connect(self._on_tendered)
        add(self.tr("&Tendered"), self.tendered_edit).setBuddy(self.tendered_edit)
        self.change_label = QLabel(objectName="changeValue")
        self.change_caption = QLabel(self.tr("Change"), objectName="sectionTitle")
        figures.addWidget(self.change_caption, row, 0)
        figures.addWidget(self.change_label, row, 1)
        row += 1

        notes = QHBoxLayout()
        notes.addWidget(QLabel(self.tr("Quick cash:"), objectName="muted"))
        exact = QPushButton(self.tr("E&xact"))
        exact.setAutoDefault(False)
        exact.clicked.connect(lambda: self.tendered_edit.set_amount(bill.total_minor))
        notes.addWidget(exact)
        for note in _NOTES:
            if note >= bill.total_minor:
                button = QPushButton(formatter.money(note))
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, n=note: self.tendered_edit.set_amount(n))
                notes.addWidget(button)
        notes.addStretch(1)

        self.print_check = QCheckBox(self.tr("&Print receipt"))
        self.print_check.setChecked(print_default)
        self.print_check.setVisible(print_receipt is not None)

        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(self, self.tr("Pay  (Enter)"), self._on_confirm)
        self.ok_button.setObjectName("payButton")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(table, 1)
        layout.addLayout(figures)
        layout.addLayout(notes)
        layout.addWidget(self.error_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_check)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._on_tendered(None)
        self.tendered_edit.setFocus()

    # ---- figures

    def tendered_minor(self) -> int:
        """What the customer handed over (empty field = the exact total)."""
        amount = self.tendered_edit.amount()
        return self.bill.total_minor if amount is None else amount

    def _tender_problem(self) -> str | None:
        """Why the tendered amount cannot be right, in words (None: it can)."""
        problem = self.tendered_edit.problem()
        if problem is not None:
            return problem
        change = self.tendered_minor() - self.bill.total_minor
        if change > PLAUSIBLE_CHANGE_MINOR:
            return self.tr(
                "{tendered} for a bill of {total}? Check the amount handed over."
            ).format(
                tendered=self._fmt.money(self.tendered_minor()),
                total=self._fmt.money(self.bill.total_minor),
            )
        return None

    def _on_tendered(self, _amount: object) -> None:
        problem = self._tender_problem()
        if problem is not None:
            show_error(self.error_label, problem)
            self.ok_button.setEnabled(False)
            return
        self.error_label.hide()
        change = self.bill.change_for(self.tendered_minor())
        if change >= 0:
            self.change_caption.setText(self.tr("Change"))
            self.change_label.setObjectName("changeValue")
            self.change_label.setText(self._fmt.money(change))
            self.ok_button.setEnabled(True)
        else:
            self.change_caption.setText(self.tr("Still to pay"))
            self.change_label.setObjectName("discrepancyShort")
            self.change_label.setText(self._fmt.money(-change))
            self.ok_button.setEnabled(False)
        self.change_label.style().unpolish(self.change_label)
        self.change_label.style().polish(self.change_label)

    def _on_confirm(self) -> None:
        if self._tender_problem() is not None or not self.ok_button.isEnabled():
            return  # Enter in the field: the refusal is already on screen
        try:
            self.result_value = self._pay(self.tendered_minor())
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "pay"))
            return
        if self._print_receipt is not None and self.print_check.isChecked():
            self._print_receipt(self.result_value)
        self.accept()
