"""Served without payment (→ unpaid) or back to unserved: the reason is required.

When some of the calls were already paid, the dialog says how much cash goes back
to the customer (the core records the refund).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.till.calls import CallView, calls_value
from ui.action_errors import plain_words
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter

__all__ = ["ReasonDialog"]


class ReasonDialog(QDialog):
    """Asks why; ``apply(reason)`` performs the change (mark unpaid / back to unserved).

    ``refund_minor`` is what the change will hand back, as the core quotes it
    (``Till.quote_refund``): the dialog does no money arithmetic of its own."""

    def __init__(
        self,
        calls: Sequence[CallView],
        formatter: Formatter,
        apply: Callable[[str], object],
        *,
        target: str = "unpaid",
        refund_minor: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._apply = apply
        self.result_value: object = None
        self.setMinimumWidth(460)
        value = calls_value(calls)
        refund = refund_minor
        if target == "unpaid":
            self.setWindowTitle(self.tr("Served without payment"))
            heading = self.tr("Mark {count} call(s) as served without payment").format(
                count=len(calls)
            )
        else:
            self.setWindowTitle(self.tr("Back to unserved"))
            heading = self.tr("Return {count} call(s) to unserved").format(count=len(calls))
        title = QLabel(heading, objectName="sectionTitle")
        worth = QLabel(
            self.tr("Value of the calls: {amount}").format(amount=formatter.money(value)),
            objectName="muted",
        )

        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(
            [
                "",
                self.tr("Owner's or staff call"),
                self.tr("Customer left without paying"),
                self.tr("Bad line / call failed"),
                self.tr("Goodwill"),
                self.tr("Charged by mistake"),
            ]
        )
        self.reason_combo.setCurrentIndex(0)
        line_edit = self.reason_combo.lineEdit()
        assert line_edit is not None  # the combo is editable
        line_edit.setPlaceholderText(self.tr("why? (required)"))
        self.reason_combo.currentTextChanged.connect(self._on_reason)
        # Enter with no reason: the OK button is off, so say what is missing (with a
        # reason, Enter reaches the default OK button as usual).
        line_edit.returnPressed.connect(self._on_enter)

        form = QFormLayout()
        form.addRow(self.tr("&Reason"), self.reason_combo)
        self.refund_label = QLabel(objectName="warningBox")
        self.refund_label.setWordWrap(True)
        if refund:
            self.refund_label.setText(
                self.tr(
                    "{amount} was already paid for these calls: hand it back to the customer "
                    "(recorded as a refund)."
                ).format(amount=formatter.money(refund))
            )
        else:
            self.refund_label.hide()
        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(
            self, self.tr("Confirm"), self._on_confirm, enabled=False
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(worth)
        layout.addLayout(form)
        layout.addWidget(self.refund_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.reason_combo.setFocus()

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    def _on_reason(self, _text: str) -> None:
        self.ok_button.setEnabled(bool(self.reason()))
        if self.reason():
            self.error_label.hide()

    def _on_enter(self) -> None:
        if not self.reason():
            show_error(
                self.error_label, self.tr("Enter a reason first (it goes into the journal).")
            )

    def _on_confirm(self) -> None:
        if not self.reason():
            return
        try:
            self.result_value = self._apply(self.reason())
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "change call status"))
            return
        self.accept()
