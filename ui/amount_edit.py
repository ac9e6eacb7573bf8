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
        # A leading minus is let in so that it can be refused in words (see
        # :meth:`problem`); a validator that drops it would turn "-10" into 10.
        pattern = rf"^-?[0-9]{{0,7}}([.,][0-9]{{0,{digits}}})?$" if digits else r"^-?[0-9]{0,9}$"
        self.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), self))
        fraction = self.locale().decimalPoint() + "0" * digits if digits else ""
        self.setPlaceholderText("0" + fraction)
        self.textChanged.connect(self._on_text_changed)

    def amount(self) -> int | None:
        text = self.text().strip()
        if not text or text.startswith("-"):
            return None
        try:
            return parse_minor(text, self._digits, allow_comma=True)
        except MoneyError:
            return None

    def problem(self) -> str | None:
        """What is wrong with the text, in words (None when it is an amount or empty)."""
        if self.text().strip().startswith("-"):
            return self.tr("An amount cannot be negative.")
        return None

    def set_amount(self, minor: int) -> None:
        whole, frac = divmod(minor, 10**self._digits)
        sep = self.locale().decimalPoint()
        self.setText(f"{whole}{sep}{frac:0{self._digits}d}" if self._digits else str(whole))

    def _on_text_changed(self, _text: str) -> None:
        self.amount_changed.emit(self.amount())
