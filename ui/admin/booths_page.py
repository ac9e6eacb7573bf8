"""The booths page: add, edit and remove booths; the prefixes booths may never call."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.db.models.booths import BoothDriver
from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_minor
from callshop_pos.services.admin import booths
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.admin.booths import BoothInfo
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.common import Col, RecordTableModel, call_service, minor_text, section_title
from ui.admin.page_parts import record_view

__all__ = ["BoothsPage"]


# Words shown from data; marked here so lupdate collects them.
_DATA_WORDS = (
    QT_TRANSLATE_NOOP("Booths", "postpaid"),
    QT_TRANSLATE_NOOP("Booths", "prepaid"),
)


def _columns() -> list[Col[BoothInfo]]:
    return [
        Col(QCoreApplication.translate("Booths", "Pos."), lambda b: str(b.position), True),
        Col(QCoreApplication.translate("Booths", "Booth"), lambda b: b.name),
        Col(QCoreApplication.translate("Booths", "Driver"), lambda b: b.driver.value),
        Col(
            QCoreApplication.translate("Booths", "Billing"),
            lambda b: QCoreApplication.translate("Booths", b.billing.value),
        ),
        Col(
            QCoreApplication.translate("Booths", "Deposit"),
            lambda b: minor_text(b.default_deposit_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Booths", "Cost cap"),
            lambda b: minor_text(b.cost_cap_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Booths", "Max s"),
            lambda b: "—" if b.max_duration_s is None else str(b.max_duration_s),
            True,
        ),
        Col(
            QCoreApplication.translate("Booths", "Auto-lock"),
            lambda b: QCoreApplication.translate("Booths", "yes") if b.auto_lock else "",
        ),
        Col(
            QCoreApplication.translate("Booths", "Settings"),
            lambda b: ", ".join(f"{k}: {v}" for k, v in sorted(b.driver_settings.items())),
        ),
    ]


def _money(text: str, *, optional: bool) -> int | None:
    if not text.strip():
        if optional:
            return None
        return 0
    try:
        return parse_minor(text)
    except MoneyError as exc:
        raise InvalidInput(str(exc)) from None


class BoothsPage(QWidget):
    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(QCoreApplication.translate("Booths", "Booths")))
        self.model: RecordTableModel[BoothInfo] = RecordTableModel(_columns(), self)
        self.view = record_view(self.model, pick_rows=True)
        layout.addWidget(self.view, 1)

        box = QGroupBox(QCoreApplication.translate("Booths", "Booth"))
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.position_spin = QSpinBox()
        self.position_spin.setRange(0, 999)
        self.driver_combo = QComboBox()
        for driver in BoothDriver:
            self.driver_combo.addItem(driver.value, driver.value)
        # The driver's own settings, as fields (the core checks them per driver).
        self.bind_edit = QLineEdit()
        self.bind_edit.setPlaceholderText(
            QCoreApplication.translate("Booths", "any address (e.g. 192.168.1.21)")
        )
        self.device_edit = QLineEdit()
        self.device_edit.setPlaceholderText("/dev/phone0")
        self.route_combo = QComboBox()
        self.route_combo.addItem(
            QCoreApplication.translate("Booths", "own line (LineJACK, PSTN)"), "pstn"
        )
        self.route_combo.addItem(
            QCoreApplication.translate("Booths", "VoIP through the SIP trunk"), "voip"
        )
        self.billing_combo = QComboBox()
        self.billing_combo.addItem(QCoreApplication.translate("Booths", "postpaid"), "postpaid")
        self.billing_combo.addItem(QCoreApplication.translate("Booths", "prepaid"), "prepaid")
        self.deposit_edit = QLineEdit()
        self.cap_edit = QLineEdit()
        self.cap_edit.setPlaceholderText(QCoreApplication.translate("Booths", "no cap"))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, 24 * 3600)
        self.duration_spin.setSpecialValueText(QCoreApplication.translate("Booths", "no limit"))
        self.auto_lock_check = QCheckBox(
            QCoreApplication.translate("Booths", "Lock after each call")
        )
        form.addRow(QCoreApplication.translate("Booths", "Name"), self.name_edit)
        form.addRow(
            QCoreApplication.translate("Booths", "Position in the grid"), self.position_spin
        )
        form.addRow(QCoreApplication.translate("Booths", "Driver"), self.driver_combo)
        form.addRow(
            QCoreApplication.translate("Booths", "Line card device (Quicknet)"), self.device_edit
        )
        form.addRow(QCoreApplication.translate("Booths", "Calls go out by"), self.route_combo)
        self.sip_user_edit = QLineEdit()
        self.sip_user_edit.setPlaceholderText(
            QCoreApplication.translate("Booths", "SIP booths only")
        )
        self.sip_password_edit = QLineEdit()
        self.sip_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.sip_password_edit.setPlaceholderText(
            QCoreApplication.translate("Booths", "unchanged when empty")
        )
        form.addRow(QCoreApplication.translate("Booths", "SIP user"), self.sip_user_edit)
        form.addRow(QCoreApplication.translate("Booths", "SIP password"), self.sip_password_edit)
        form.addRow(
            QCoreApplication.translate("Booths", "ATA's only address (SIP)"), self.bind_edit
        )
        form.addRow(QCoreApplication.translate("Booths", "Billing"), self.billing_combo)
        currency = shop.settings.currency
        form.addRow(
            QCoreApplication.translate("Booths", "Default deposit ({currency})").format(
                currency=currency
            ),
            self.deposit_edit,
        )
        form.addRow(
            QCoreApplication.translate("Booths", "Cost cap ({currency})").format(currency=currency),
            self.cap_edit,
        )
        self._form = form
        self.driver_combo.currentIndexChanged.connect(self._show_driver_fields)
        self._show_driver_fields()
        form.addRow(QCoreApplication.translate("Booths", "Max duration (s)"), self.duration_spin)
        form.addRow("", self.auto_lock_check)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(QCoreApplication.translate("Booths", "Add"))
        self.update_button = QPushButton(QCoreApplication.translate("Booths", "Save changes"))
        self.remove_button = QPushButton(QCoreApplication.translate("Booths", "Remove"))
        for button in (self.add_button, self.update_button, self.remove_button):
            buttons.addWidget(button)
        form.addRow("", self._wrap(buttons))
        # A short title and the explanation wrapped below it: a long title would set the
        # group's (and so the window's) minimum width.
        blocked = QGroupBox(QCoreApplication.translate("Booths", "Blocked prefixes"))
        blocked_column = QVBoxLayout(blocked)
        explained = QLabel(
            QCoreApplication.translate(
                "Booths", "Numbers starting with these are never callable from a booth."
            )
        )
        explained.setWordWrap(True)
        blocked_column.addWidget(explained)
        blocked_row = QHBoxLayout()
        self.blocked_edit = QLineEdit()
        self.blocked_edit.setPlaceholderText("900, 1900, 4470")
        self.blocked_button = QPushButton(QCoreApplication.translate("Booths", "Save"))
        blocked_row.addWidget(self.blocked_edit)
        blocked_row.addWidget(self.blocked_button)
        blocked_column.addLayout(blocked_row)
        blocked_column.addStretch(1)
        lower = QHBoxLayout()
        lower.addWidget(box, 3)
        lower.addWidget(blocked, 2)
        layout.addLayout(lower)

        self.view.selectionModel().selectionChanged.connect(self._on_select)
        self.add_button.clicked.connect(self.add_booth)
        self.update_button.clicked.connect(self.update_booth)
        self.remove_button.clicked.connect(self.remove_booth)
        self.blocked_button.clicked.connect(self.save_blocked)

    def _show_driver_fields(self, *_args: object) -> None:
        """Only the chosen driver's own fields are shown."""
        driver = self.driver_combo.currentData()
        sip = driver == BoothDriver.SIP.value
        for widget in (self.sip_user_edit, self.sip_password_edit, self.bind_edit):
            self._form.setRowVisible(widget, sip)
        quicknet = driver == BoothDriver.QUICKNET.value
        self._form.setRowVisible(self.device_edit, quicknet)
        self._form.setRowVisible(self.route_combo, quicknet)

    def driver_settings(self) -> dict[str, Any]:
        """The chosen driver's settings from its fields (empty fields: not set)."""
        driver = self.driver_combo.currentData()
        if driver == BoothDriver.SIP.value:
            return {"bind": self.bind_edit.text().strip()}
        if driver == BoothDriver.QUICKNET.value:
            return {
                "device": self.device_edit.text().strip(),
                "route": self.route_combo.currentData(),
            }
        return {}

    @staticmethod
    def _wrap(layout: QHBoxLayout) -> QWidget:
        widget = QWidget()
        widget.setLayout(layout)
        return widget

    def refresh(self) -> None:
        self.model.set_rows(booths.list_booths(self.shop))
        self.blocked_edit.setText(", ".join(self.shop.settings.blocked_prefixes))

    def selected(self) -> BoothInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _on_select(self, *_args: object) -> None:
        booth = self.selected()
        if booth is None:
            return
        self.name_edit.setText(booth.name)
        self.position_spin.setValue(booth.position)
        self.driver_combo.setCurrentIndex(self.driver_combo.findData(booth.driver.value))
        self.bind_edit.setText(str(booth.driver_settings.get("bind", "")))
        self.device_edit.setText(str(booth.driver_settings.get("device", "")))
        self.route_combo.setCurrentIndex(
            max(0, self.route_combo.findData(booth.driver_settings.get("route", "pstn")))
        )
        self.billing_combo.setCurrentIndex(self.billing_combo.findData(booth.billing.value))
        self.deposit_edit.setText(minor_text(booth.default_deposit_minor).replace("\u2009", ""))
        self.cap_edit.setText(
            ""
            if booth.cost_cap_minor is None
            else minor_text(booth.cost_cap_minor).replace("\u2009", "")
        )
        self.duration_spin.setValue(booth.max_duration_s or 0)
        self.auto_lock_check.setChecked(booth.auto_lock)
        self.sip_user_edit.setText(booth.sip_user or "")
        self.sip_password_edit.clear()

    def form_values(self) -> dict[str, Any]:
        driver_settings = self.driver_settings()
        values: dict[str, Any] = {
            "position": self.position_spin.value(),
            "driver": self.driver_combo.currentData(),
            "driver_settings": driver_settings,
            "billing": self.billing_combo.currentData(),
            "default_deposit_minor": _money(self.deposit_edit.text(), optional=False),
            "cost_cap_minor": _money(self.cap_edit.text(), optional=True),
            "max_duration_s": self.duration_spin.value() or None,
            "auto_lock": self.auto_lock_check.isChecked(),
        }
        # The password is stored only as a digest: empty means "keep the one set".
        if values["driver"] == BoothDriver.SIP.value:
            values["sip_user"] = self.sip_user_edit.text().strip()
            if self.sip_password_edit.text():
                values["sip_password"] = self.sip_password_edit.text()
        return values

    def add_booth(self) -> bool:
        done = call_service(
            self,
            lambda: booths.add_booth(
                self.shop, self.actor, self.name_edit.text(), **self.form_values()
            ),
        )
        self.refresh()
        return done is not None

    def update_booth(self) -> bool:
        booth = self.selected()
        if booth is None:
            return False

        def action() -> object:
            values = self.form_values()
            if self.name_edit.text().strip() != booth.name:
                values["name"] = self.name_edit.text()
            return booths.update_booth(self.shop, self.actor, booth.name, **values)

        done = call_service(self, action)
        self.refresh()
        return done is not None

    def remove_booth(self) -> bool:
        booth = self.selected()
        if booth is None:
            return False
        done = call_service(self, lambda: booths.remove_booth(self.shop, self.actor, booth.name))
        self.refresh()
        return done is not None

    def save_blocked(self) -> bool:
        prefixes = tuple(p.strip() for p in self.blocked_edit.text().split(",") if p.strip())
        done = call_service(
            self,
            lambda: settings_service.update_settings(
                self.shop, self.actor, blocked_prefixes=prefixes
            ),
        )
        return done is not None
