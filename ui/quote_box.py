""" "How much to call …?": type a number, see the destination and the price per minute."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from callshop_pos.money import to_minor
from callshop_pos.rating import Quote
from ui.formatting import Formatter

__all__ = ["QuoteBox"]


class QuoteBox(QFrame):
    """Looks a number up with ``quote(number)`` as the cashier types."""

    def __init__(
        self,
        quote: Callable[[str], Quote | None],
        formatter: Formatter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sideBox")
        self._quote = quote
        self._fmt = formatter
        title = QLabel(self.tr("How much to call…?"), objectName="sectionTitle")
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText(self.tr("number, e.g. 0049 30 …"))
        self.number_edit.setClearButtonEnabled(True)
        self.destination_label = QLabel(objectName="quoteDestination")
        self.destination_label.setWordWrap(True)
        self.rate_label = QLabel(objectName="quoteRate")
        self.offpeak_label = QLabel(objectName="muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        layout.addWidget(title)
        layout.addWidget(self.number_edit)
        layout.addWidget(self.destination_label)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.offpeak_label)
        self.number_edit.textChanged.connect(self._on_number)

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        self._on_number(self.number_edit.text())

    def _per_minute(self, rate: Decimal) -> str:
        # A rate may have more decimals than the currency; show it rounded to cents
        # only when it has none beyond them, otherwise as the exact decimal.
        exponent = rate.as_tuple().exponent
        digits = self._fmt.currency.digits
        if isinstance(exponent, int) and -exponent <= digits:
            text = self._fmt.money(to_minor(rate, digits))
        else:
            text = f"{rate} {self._fmt.currency.symbol}"
        return self.tr("{price} / min").format(price=text)

    def _on_number(self, text: str) -> None:
        number = text.strip()
        if not number:
            self.destination_label.setText("")
            self.rate_label.setText("")
            self.offpeak_label.setText("")
            return
        found = self._quote(number)
        if found is None:
            self.destination_label.setText(self.tr("No destination for this number"))
            self.rate_label.setText("")
            self.offpeak_label.setText("")
            return
        self.destination_label.setText(found.destination)
        if found.rate_per_minute is None:
            self.rate_label.setText(self.tr("no price set — calls refused"))
        else:
            self.rate_label.setText(self._per_minute(found.rate_per_minute))
        if found.offpeak_rate is not None:
            self.offpeak_label.setText(
                self.tr("off-peak {price}").format(price=self._per_minute(found.offpeak_rate))
            )
        else:
            self.offpeak_label.setText("")
