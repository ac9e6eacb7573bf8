"""A money input for the till: digits with one decimal separator, read as minor units."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from callshop_pos.money import MoneyError, parse_minor

__all__ = ["AmountEdit"]


class AmountEdit(QLineEdit):
    """Accepts ``12``, ``12.5``, ``12,50``; :meth:`amount` is ``None`` until valid."""

    amount_changed = Signal(object)  # int | None

    def __init__(self, digits: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._digits = digits
        pattern = rf"^[0-9]{{0,7}}([.,][0-9]{{0,{digits}}})?$" if digits else r"^[0-9]{0,9}$"
        self.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), self))
        fraction = self.locale().decimalPoint() + "0" * digits if digits else ""
        self.setPlaceholderText("0" + fraction)
        self.textChanged.connect(self._on_text_changed)

    def amount(self) -> int | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_minor(text, self._digits, allow_comma=True)
        except MoneyError:
            return None

    def set_amount(self, minor: int) -> None:
        whole, frac = divmod(minor, 10**self._digits)
        sep = self.locale().decimalPoint()
        self.setText(f"{whole}{sep}{frac:0{self._digits}d}" if self._digits else str(whole))

    def _on_text_changed(self, _text: str) -> None:
        self.amount_changed.emit(self.amount())
