"""Taking a deposit for a prepaid booth: the engine lets calls run while it lasts.

The cash is the shift's (the deposits service records it); an amount taken while
the booth has an open deposit tops that deposit up.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.lines.snapshot import BoothSnapshot
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter

__all__ = ["DepositDialog"]


class DepositDialog(QDialog):
    """Asks for the amount; :meth:`amount` gives the answer."""

    def __init__(
        self, snapshot: BoothSnapshot, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deposit — {booth}").format(booth=snapshot.booth))
        self.setMinimumWidth(400)
        title = QLabel(
            self.tr("Take a deposit for {booth}").format(booth=snapshot.booth),
            objectName="sectionTitle",
        )
        left = snapshot.credit_left_minor
        current = QLabel(
            self.tr("Credit left now: {amount}").format(amount=formatter.money(left))
            if left is not None
            else self.tr("No deposit taken yet."),
            objectName="muted",
        )
        self.amount_edit = AmountEdit(formatter.currency.digits)
        self.amount_edit.setObjectName("bigAmount")
        self.top_up_note = QLabel(
            self.tr("The amount is added to the open deposit."), objectName="muted"
        )
        self.top_up_note.setVisible(snapshot.deposit_minor is not None)
        form = QFormLayout()
        form.addRow(self.tr("&Amount"), self.amount_edit)
        buttons, self.ok_button = confirm_buttons(
            self, self.tr("Take deposit"), self.accept, enabled=False
        )
        self.error_label = error_line()
        self.amount_edit.amount_changed.connect(self._on_amount)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(self.top_up_note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.amount_edit.setFocus()

    def _on_amount(self, value: int | None) -> None:
        problem = self.amount_edit.problem()
        if problem is not None:
            show_error(self.error_label, problem)
        else:
            self.error_label.hide()
        self.ok_button.setEnabled(problem is None and value is not None and value > 0)

    def amount(self) -> int:
        return self.amount_edit.amount() or 0
