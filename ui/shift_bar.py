"""The bar across the top: who is on shift, since when, and the shift's figures."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from callshop_pos.services.reports.summary import ShiftSummary
from ui.formatting import Formatter

__all__ = ["ShiftBar"]


class _Figure(QWidget):
    def __init__(self, caption: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 10, 0)
        layout.setSpacing(0)
        self.caption = QLabel(caption)
        self.value = QLabel(objectName="shiftFigure")
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, text: str, *, warn: bool = False) -> None:
        name = "shiftFigureWarn" if warn else "shiftFigure"
        if self.value.objectName() != name:
            self.value.setObjectName(name)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)
        if self.value.text() != text:
            self.value.setText(text)


class ShiftBar(QFrame):
    """Operator, opened at, calls, cash taken, unserved, unpaid, expected cash (the line
    engine's state is in the status bar: :mod:`ui.engine_status`)."""

    def __init__(self, formatter: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftBar")
        self._fmt = formatter
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addWidget(QLabel("CallShop POS", objectName="brand"))
        layout.addSpacing(14)
        self.operator = _Figure(self.tr("Operator"))
        self.opened = _Figure(self.tr("Shift opened"))
        self.calls = _Figure(self.tr("Calls"))
        self.cash = _Figure(self.tr("Cash taken"))
        self.unserved = _Figure(self.tr("Unserved"))
        self.unpaid = _Figure(self.tr("Unpaid"))
        self.expected = _Figure(self.tr("Expected in drawer"))
        for figure in (
            self.operator,
            self.opened,
            self.calls,
            self.cash,
            self.unserved,
            self.unpaid,
            self.expected,
        ):
            layout.addWidget(figure)
        layout.addStretch(1)
        self.summary: ShiftSummary | None = None

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        self.show_summary(self.summary)

    def show_summary(self, summary: ShiftSummary | None) -> None:
        """Show a shift's figures (None: no shift open)."""
        self.summary = summary
        if summary is None:
            for figure in (
                self.opened,
                self.calls,
                self.cash,
                self.unserved,
                self.unpaid,
                self.expected,
            ):
                figure.set("—")
            return
        self.operator.set(summary.operator)
        self.opened.set(self._fmt.date_time(summary.opened_at))
        self.calls.set(str(summary.call_count))
        self.cash.set(self._fmt.money(summary.cash_minor))
        self.unserved.set(str(summary.unserved), warn=summary.unserved > 0)
        self.unpaid.set(str(summary.unpaid))
        self.expected.set(self._fmt.money(summary.expected_minor))

    def set_operator(self, name: str) -> None:
        self.operator.set(name)
