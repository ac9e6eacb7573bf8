"""Opening a shift: the cashier counts the float in the drawer and starts the shift."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.till.shifts import ShiftOpened
from ui.action_errors import plain_words
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error

__all__ = ["OpenShiftDialog"]


class OpenShiftDialog(QDialog):
    """Asks for the opening float and opens the shift through ``open_shift``."""

    def __init__(
        self,
        open_shift: Callable[[int], ShiftOpened],
        operator: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_shift = open_shift
        self.result_value: ShiftOpened | None = None
        self.setWindowTitle(self.tr("Open a shift"))
        self.setMinimumWidth(420)

        heading = QLabel(self.tr("No shift is open"), objectName="sectionTitle")
        text = QLabel(
            self.tr(
                "{operator}, count the cash in the drawer and enter it as the opening "
                "float. Calls that ended while no shift was open join this shift."
            ).format(operator=operator)
        )
        text.setWordWrap(True)
        self.float_edit = AmountEdit()
        self.float_edit.setObjectName("bigAmount")
        self.float_edit.setText("0")
        self.float_edit.selectAll()
        self.error_label = error_line()

        form = QFormLayout()
        form.addRow(self.tr("Opening &float"), self.float_edit)
        buttons, self.ok_button = confirm_buttons(self, self.tr("Open shift"), self._on_submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.float_edit.setFocus()

    def _on_submit(self) -> None:
        amount = self.float_edit.amount()
        if amount is None:
            show_error(self.error_label, self.tr("Enter the amount in the drawer, e.g. 50.00."))
            return
        try:
            self.result_value = self._open_shift(amount)
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "open shift"))
            return
        self.accept()
