"""The carrier-account page: balance, top-ups over a period with their sum, a new
top-up, and the low-balance threshold the cashier window warns at."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_minor
from callshop_pos.services.admin import carrier_account, ledger
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.admin.admin_prices import today
from callshop_pos.services.admin.carrier_account import Topup, TopupList
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    from_qdate,
    local_time_text,
    micro_usd_text,
    shop_zone,
)
from ui.admin.page_parts import date_edit, page_header, record_view

__all__ = ["AccountPage"]


# Words shown from data; marked here so lupdate collects them.
_DATA_WORDS = (
    QT_TRANSLATE_NOOP("Account", "bank"),
    QT_TRANSLATE_NOOP("Account", "cash"),
)


def _usd_micro(text: str) -> int:
    """USD typed by a person (2 decimals at most) as micro-USD."""
    try:
        return parse_minor(text, 2) * 10_000
    except MoneyError as exc:
        raise InvalidInput(str(exc)) from None


def _columns(zone: tzinfo) -> list[Col[Topup]]:
    return [
        Col(QCoreApplication.translate("Account", "Date"), lambda t: t.value_date.isoformat()),
        Col(
            QCoreApplication.translate("Account", "Amount USD"),
            lambda t: micro_usd_text(t.amount_micro_usd),
            True,
        ),
        Col(
            QCoreApplication.translate("Account", "Paid by"),
            lambda t: QCoreApplication.translate("Account", t.method),
        ),
        Col(QCoreApplication.translate("Account", "Reference"), lambda t: t.reference),
        Col(
            QCoreApplication.translate("Account", "Recorded"),
            lambda t: local_time_text(t.recorded_at, zone),
        ),
        Col(QCoreApplication.translate("Account", "By"), lambda t: t.recorded_by),
    ]


class AccountPage(QWidget):
    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.listing: TopupList | None = None
        layout, _head = page_header(self, QCoreApplication.translate("Account", "Carrier account"))

        top = QHBoxLayout()
        balance_box = QGroupBox(QCoreApplication.translate("Account", "Balance"))
        balance_layout = QVBoxLayout(balance_box)
        self.balance_label = QLabel()
        self.balance_label.setObjectName("bigFigure")
        self.warning_label = QLabel()
        self.warning_label.setObjectName("errorText")
        self.spent_label = QLabel()
        self.spent_label.setObjectName("muted")
        balance_layout.addWidget(self.balance_label)
        balance_layout.addWidget(self.warning_label)
        balance_layout.addWidget(self.spent_label)
        balance_layout.addStretch(1)
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(
            QLabel(QCoreApplication.translate("Account", "Warn the cashier below USD"))
        )
        self.threshold_edit = QLineEdit()
        self.threshold_edit.setMaximumWidth(110)
        self.threshold_button = QPushButton(QCoreApplication.translate("Account", "Set"))
        threshold_row.addWidget(self.threshold_edit)
        threshold_row.addWidget(self.threshold_button)
        threshold_row.addStretch(1)
        balance_layout.addLayout(threshold_row)
        top.addWidget(balance_box, 1)

        add_box = QGroupBox(QCoreApplication.translate("Account", "Add a top-up"))
        form = QFormLayout(add_box)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("500.00")
        self.date_edit = date_edit(today(shop))
        self.method_combo = QComboBox()
        self.method_combo.addItem(QCoreApplication.translate("Account", "bank"), "bank")
        self.method_combo.addItem(QCoreApplication.translate("Account", "cash"), "cash")
        self.reference_edit = QLineEdit()
        self.add_button = QPushButton(QCoreApplication.translate("Account", "Add top-up"))
        self.add_button.setObjectName("primary")
        form.addRow(QCoreApplication.translate("Account", "Amount USD"), self.amount_edit)
        form.addRow(QCoreApplication.translate("Account", "Value date"), self.date_edit)
        form.addRow(QCoreApplication.translate("Account", "Paid by"), self.method_combo)
        form.addRow(QCoreApplication.translate("Account", "Reference"), self.reference_edit)
        form.addRow("", self.add_button)
        top.addWidget(add_box, 1)
        layout.addLayout(top)

        period = QHBoxLayout()
        period.addWidget(QLabel(QCoreApplication.translate("Account", "Top-ups from")))
        end = today(shop)
        self.from_edit = date_edit(end.replace(day=1) - timedelta(days=62))
        self.to_edit = date_edit(end)
        period.addWidget(self.from_edit)
        period.addWidget(QLabel(QCoreApplication.translate("Account", "to")))
        period.addWidget(self.to_edit)
        self.show_button = QPushButton(QCoreApplication.translate("Account", "Show"))
        period.addWidget(self.show_button)
        period.addStretch(1)
        self.sum_label = QLabel()
        self.sum_label.setObjectName("sumFigure")
        period.addWidget(self.sum_label)
        layout.addLayout(period)

        self.model: RecordTableModel[Topup] = RecordTableModel(_columns(shop_zone(shop)), self)
        self.view = record_view(self.model, alternate=True)
        layout.addWidget(self.view, 1)

        self.show_button.clicked.connect(self.refresh)
        self.add_button.clicked.connect(self.add_topup)
        self.threshold_button.clicked.connect(self.set_threshold)

    def refresh(self) -> None:
        first, last = from_qdate(self.from_edit.date()), from_qdate(self.to_edit.date())
        listing = call_service(
            self, lambda: carrier_account.topups(self.shop, self.actor, first, last)
        )
        if listing is None:
            return
        self.listing = listing
        self.model.set_rows(listing.entries)
        self.sum_label.setText(
            QCoreApplication.translate("Account", "{n} top-up(s), total USD {total}").format(
                n=len(listing.entries), total=micro_usd_text(listing.total_micro_usd)
            )
        )
        self.balance_label.setText(f"USD {micro_usd_text(listing.balance_micro_usd)}")
        self.spent_label.setText(
            QCoreApplication.translate(
                "Account", "{first} – {last}: USD {cost} charged for {n} call(s)"
            ).format(
                first=listing.date_from.isoformat(),
                last=listing.date_to.isoformat(),
                cost=micro_usd_text(-listing.calls_cost_micro_usd),
                n=listing.calls_charged,
            )
        )
        status = carrier_account.low_balance(self.shop, self.actor)
        threshold = status.threshold_micro_usd or 0
        self.threshold_edit.setText(micro_usd_text(threshold).replace("\u2009", ""))
        self.warning_label.setText(
            QCoreApplication.translate("Account", "Below the warning threshold — top up soon")
            if status.low
            else QCoreApplication.translate("Account", "Above the warning threshold")
        )
        self.warning_label.setObjectName("errorText" if status.low else "okText")
        self.balance_label.setProperty("low", status.low)
        for label in (self.warning_label, self.balance_label):
            label.style().unpolish(label)
            label.style().polish(label)

    def add_topup(self) -> bool:
        def action() -> object:
            amount = _usd_micro(self.amount_edit.text())
            return ledger.add_topup(
                self.shop,
                self.actor,
                amount,
                from_qdate(self.date_edit.date()),
                self.method_combo.currentData(),
                self.reference_edit.text(),
            )

        if call_service(self, action) is None:
            return False
        self.amount_edit.clear()
        self.reference_edit.clear()
        self.refresh()
        return True

    def set_threshold(self) -> bool:
        def action() -> object:
            micro = _usd_micro(self.threshold_edit.text())
            return settings_service.update_settings(
                self.shop, self.actor, low_balance_threshold_micro_usd=micro
            )

        if call_service(self, action) is None:
            return False
        self.refresh()
        return True
