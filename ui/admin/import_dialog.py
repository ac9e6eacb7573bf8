"""Import a carrier's price-list CSV: map its headers to ours, optionally convert
an old BGN list to EUR, then hand the mapping to ``prices.import_price_list``."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.money import BGN_PER_EUR
from callshop_pos.rating.pricelist import COLUMNS, REQUIRED_COLUMNS

__all__ = ["ColumnMappingDialog", "file_headers", "guess_mapping"]

# Headers carriers commonly use for our columns (lower case).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "country": ("country", "destination", "name", "description", "страна", "направление"),
    "code": ("code", "prefix", "dial code", "dialcode", "код", "префикс"),
    "wholesale_usd": ("wholesale_usd", "rate", "price", "usd", "rate usd", "cost", "buy"),
    "retail": ("retail", "sell", "retail price", "цена"),
    "retail_offpeak": ("retail_offpeak", "offpeak", "off-peak"),
    "initial": ("initial", "min", "minimum", "first"),
    "increment": ("increment", "step", "billing increment"),
    "connect_fee": ("connect_fee", "connection", "setup fee", "connect"),
    "grace": ("grace",),
}
_IGNORE = ""


def file_headers(data: bytes | str) -> list[str]:
    """The header cells of a CSV file (``,`` or ``;``, whichever splits it more)."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    first = next((line for line in text.splitlines() if line.strip()), "")
    best: list[str] = []
    for delimiter in (",", ";"):
        cells = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
        if len(cells) > len(best):
            best = [c.strip() for c in cells]
    return best


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Our column → the file's header that most likely holds it."""
    lowered = {h.lower(): h for h in headers}
    guess: dict[str, str] = {}
    for ours in COLUMNS:
        for name in _SYNONYMS[ours]:
            if name in lowered and lowered[name] not in guess.values():
                guess[ours] = lowered[name]
                break
    return guess


class ColumnMappingDialog(QDialog):
    """One combo per column of ours, listing the file's headers."""

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Admin", "Import price list — columns"))
        self._headers = headers
        layout = QVBoxLayout(self)
        hint = QLabel(
            QCoreApplication.translate(
                "Admin",
                "Choose which column of the file holds each of ours. "
                "Columns of the file that are not chosen are ignored.",
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        guess = guess_mapping(headers)
        for ours in COLUMNS:
            combo = QComboBox()
            combo.addItem(QCoreApplication.translate("Admin", "(not in the file)"), _IGNORE)
            for header in headers:
                combo.addItem(header, header)
            if ours in guess:
                combo.setCurrentIndex(combo.findData(guess[ours]))
            label = ours + (" *" if ours in REQUIRED_COLUMNS else "")
            form.addRow(label, combo)
            self.combos[ours] = combo
        layout.addLayout(form)
        self.bgn = QCheckBox(
            QCoreApplication.translate(
                "Admin", "Retail prices are in BGN — convert to EUR at {rate}"
            ).format(rate=BGN_PER_EUR)
        )
        layout.addWidget(self.bgn)
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, str]:
        """The file's header → our column (what ``parse_price_list`` takes); unused
        headers map to ``""`` (ignored)."""
        chosen = {combo.currentData(): ours for ours, combo in self.combos.items()}
        chosen.pop(_IGNORE, None)
        return {header: chosen.get(header, _IGNORE) for header in self._headers}

    def missing(self) -> list[str]:
        mapped = set(self.mapping().values())
        return [c for c in REQUIRED_COLUMNS if c not in mapped]

    def _on_accept(self) -> None:
        missing = self.missing()
        values = [c.currentData() for c in self.combos.values() if c.currentData() != _IGNORE]
        if missing:
            self.error.setText(
                QCoreApplication.translate("Admin", "Required: {cols}").format(
                    cols=", ".join(missing)
                )
            )
            return
        if len(values) != len(set(values)):
            self.error.setText(
                QCoreApplication.translate("Admin", "A column of the file is chosen twice")
            )
            return
        self.accept()
