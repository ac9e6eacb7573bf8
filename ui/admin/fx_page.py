"""The USD rate page: the rate in force, its history (date, rate, who), a new rate."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_decimal
from callshop_pos.services.admin import admin_prices, fx
from callshop_pos.services.admin.admin_prices import today
from callshop_pos.services.admin.fx import UsdRate
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    from_qdate,
    local_time_text,
    section_title,
    shop_zone,
)
from ui.admin.page_parts import date_edit, record_view

__all__ = ["FxPage"]


def _columns(zone: tzinfo) -> list[Col[UsdRate]]:
    return [
        Col(
            QCoreApplication.translate("UsdRate", "From date"), lambda r: r.effective_on.isoformat()
        ),
        Col(
            QCoreApplication.translate("UsdRate", "Local per USD"),
            lambda r: format(r.local_per_usd, "f"),
            True,
        ),
        Col(
            QCoreApplication.translate("UsdRate", "Set at"),
            lambda r: local_time_text(r.set_at, zone),
        ),
        Col(QCoreApplication.translate("UsdRate", "By"), lambda r: r.set_by),
    ]


class FxPage(QWidget):
    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(QCoreApplication.translate("UsdRate", "USD rate")))
        self.current_label = QLabel()
        self.current_label.setObjectName("bigFigure")
        layout.addWidget(self.current_label)
        box = QGroupBox(QCoreApplication.translate("UsdRate", "Set a new rate"))
        row = QHBoxLayout(box)
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("0.925000")
        self.date_edit = date_edit(today(shop))
        self.set_button = QPushButton(QCoreApplication.translate("UsdRate", "Set rate"))
        self.set_button.setObjectName("primary")
        for widget in (
            QLabel(QCoreApplication.translate("UsdRate", "1 USD =")),
            self.rate_edit,
            QLabel(QCoreApplication.translate("UsdRate", "local, from")),
            self.date_edit,
            self.set_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addWidget(box)
        self.model: RecordTableModel[UsdRate] = RecordTableModel(_columns(shop_zone(shop)), self)
        self.view = record_view(self.model)
        layout.addWidget(self.view, 1)
        self.set_button.clicked.connect(self.set_rate)

    def refresh(self) -> None:
        history = call_service(self, lambda: admin_prices.usd_rate_history(self.shop, self.actor))
        if history is None:
            return
        self.model.set_rows(history)
        current = admin_prices.current_usd_rate(self.shop, self.actor)
        self.current_label.setText(
            QCoreApplication.translate("UsdRate", "Today 1 USD = {rate}").format(rate=current)
            if current is not None
            else QCoreApplication.translate("UsdRate", "No rate set yet")
        )

    def set_rate(self) -> bool:
        def action() -> object:
            try:
                rate = parse_decimal(self.rate_edit.text(), allow_comma=True)
            except MoneyError as exc:
                raise InvalidInput(str(exc)) from None
            return fx.set_usd_rate(self.shop, self.actor, rate, from_qdate(self.date_edit.date()))

        if call_service(self, action) is None:
            return False
        self.rate_edit.clear()
        self.refresh()
        return True
