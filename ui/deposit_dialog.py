"""Taking a deposit for a prepaid booth: the engine lets calls run while it lasts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.lines.snapshot import BoothSnapshot
from ui.amount_edit import AmountEdit
from ui.formatting import Formatter

__all__ = ["DepositDialog"]


class DepositDialog(QDialog):
    """Asks for the amount; :meth:`amount` and :meth:`top_up` give the answer."""

    def __init__(
        self, snapshot: BoothSnapshot, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deposit — {booth}").format(booth=snapshot.booth))
        self.setMinimumWidth(400)
        title = QLabel(self.tr("Take a deposit for {booth}").format(booth=snapshot.booth),
                       objectName="sectionTitle")
        left = snapshot.credit_left_minor
        current = QLabel(
            self.tr("Credit left now: {amount}").format(amount=formatter.money(left))
            if left is not None else self.tr("No deposit taken yet."),
            objectName="muted",
        )
        self.amount_edit = AmountEdit(formatter.currency.digits)
        self.amount_edit.setObjectName("bigAmount")
        self.top_up_check = QCheckBox(self.tr("&Add to the credit left (otherwise replace it)"))
        self.top_up_check.setChecked(left is not None and left > 0)
        form = QFormLayout()
        form.addRow(self.tr("&Amount"), self.amount_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Take deposit"))
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.amount_edit.amount_changed.connect(
            lambda value: self.ok_button.setEnabled(value is not None and value > 0))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(self.top_up_check)
        layout.addWidget(buttons)
        self.amount_edit.setFocus()

    def amount(self) -> int:
        return self.amount_edit.amount() or 0

    def top_up(self) -> bool:
        return self.top_up_check.isChecked()
