"""The settings page: every setting of the typed registry, grouped as the receipt,
money, dialling and devices sections; values are parsed and validated by the core."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings
from ui.admin.common import call_service
from ui.admin.devices_form import LABEL_WIDTH, DevicesForm
from ui.admin.page_parts import page_header

__all__ = ["SECTIONS", "SettingsPage"]


# Words shown from data; marked here so lupdate collects them.
_DATA_WORDS = (
    QT_TRANSLATE_NOOP("Settings", "Shop (receipt header)"),
    QT_TRANSLATE_NOOP("Settings", "Money"),
    QT_TRANSLATE_NOOP("Settings", "Number normalisation and rating"),
    QT_TRANSLATE_NOOP("Settings", "Booths and printing"),
    QT_TRANSLATE_NOOP("Settings", "Devices"),
    QT_TRANSLATE_NOOP("Settings", "Central billing account"),
    QT_TRANSLATE_NOOP("Settings", "Other"),
)

#: Which settings each section shows (the rest go to "Other").
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Shop (receipt header)",
        ("shop_name", "shop_address", "shop_vat_number", "language", "timezone"),
    ),
    (
        "Money",
        (
            "currency",
            "bgn_line_enabled",
            "bgn_line_until",
            "cash_rounding_unit",
            "minimum_margin_percent",
            "low_balance_threshold_micro_usd",
        ),
    ),
    (
        "Number normalisation and rating",
        ("country_code", "national_prefix", "intl_prefixes", "offpeak", "allow_unrated_calls"),
    ),
    (
        "Booths and printing",
        (
            "auto_lock_after_pay",
            "print_policy",
            "printer_setup",
            "system_printer",
            "sip_realm",
            "sip_listen",
            "sip_trunk",
            "sip_trunk_password",
            "sip_register_trunk",
            "sip_register_expires_s",
            "sip_trunk_cli",
            "sip_pass_caller_id",
            "sip_ua_block",
            "sip_rate_limit",
            "sip_ban_seconds",
        ),
    ),
    ("Devices", ("devices",)),
    ("Central billing account", ("central_url", "central_shop", "central_token")),
)
_CHOICES = {
    "language": ("en", "bg"),
    "print_policy": ("always", "ask", "never"),
    "printer_setup": ("", "escpos", "system", "pdf", "none"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _WheelGuard(QObject):
    """The wheel over an editor that does not have the focus scrolls the page instead
    of changing the setting under the pointer (click an editor to use its wheel)."""

    def __init__(self, scroll: QScrollArea, parent: QObject) -> None:
        super().__init__(parent)
        self._scroll = scroll

    def guard(self, editor: QWidget) -> None:
        editor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus by wheel
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            QCoreApplication.sendEvent(self._scroll.verticalScrollBar(), event)
            return True
        return False


class SettingsPage(QWidget):
    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        outer, head = page_header(self, QCoreApplication.translate("Settings", "Settings"))
        self.save_button = QPushButton(QCoreApplication.translate("Settings", "Save settings"))
        self.save_button.setObjectName("primary")
        head.addWidget(self.save_button)
        scroll = QScrollArea()
        self._wheel_guard = _WheelGuard(scroll, self)
        scroll.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.editors: dict[str, QWidget] = {}
        #: The currency shown beside each amount's field ("EUR", "USD").
        self.currency_labels: dict[str, QLabel] = {}
        registry = Settings.registry()
        shown: set[str] = set()
        sections = [
            *SECTIONS,
            ("Other", tuple(n for n in registry if all(n not in s for _, s in SECTIONS))),
        ]
        for title, wanted in sections:
            names = tuple(n for n in wanted if n in registry)
            if not names:
                continue
            box = QGroupBox(QCoreApplication.translate("Settings", title))
            form = QFormLayout(box)
            for name in names:
                setting = registry[name]
                editor: QWidget
                if name in _CHOICES:
                    combo = QComboBox()
                    for choice in _CHOICES[name]:
                        text = choice or QCoreApplication.translate("Settings", "(not set up)")
                        combo.addItem(text, choice)
                    editor = combo
                elif isinstance(setting.default, bool):
                    editor = QCheckBox()
                elif name == "devices":
                    editor = DevicesForm()
                else:
                    editor = QLineEdit()
                    if setting.secret:  # the trunk password is typed, never shown
                        editor.setEchoMode(QLineEdit.EchoMode.Password)
                editor.setToolTip(setting.doc)
                self._wheel_guard.guard(editor)
                label = QLabel(QCoreApplication.translate("Settings", setting.doc))
                label.setWordWrap(True)
                label.setMinimumWidth(LABEL_WIDTH)  # a wrapped label gets the lines it needs
                if setting.money is not None:  # an amount: typed as one, with its currency
                    unit = QLabel("USD" if setting.money == "usd" else shop.settings.currency)
                    self.currency_labels[name] = unit
                    row = QWidget()
                    line = QHBoxLayout(row)
                    line.setContentsMargins(0, 0, 0, 0)
                    line.addWidget(editor, 1)
                    line.addWidget(unit)
                    form.addRow(label, row)
                elif name == "devices":
                    form.addRow(label)
                    form.addRow(editor)
                else:
                    form.addRow(label, editor)
                self.editors[name] = editor
                shown.add(name)
            layout.addWidget(box)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        current = settings_service.get_settings(self.shop)
        registry = Settings.registry()
        for name, editor in self.editors.items():
            value = getattr(current, name)
            if isinstance(editor, DevicesForm):
                editor.set_value(value)
            elif registry[name].money is not None and isinstance(editor, QLineEdit):
                editor.setText(registry[name].amount_text(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(_text(value))

    def unsaved(self) -> bool:
        """True when an editor differs from the saved settings (or cannot be read)."""
        current = settings_service.get_settings(self.shop)
        try:
            values = self.values()
        except CallShopError:
            return True
        return any(getattr(current, name) != value for name, value in values.items())

    def values(self) -> dict[str, Any]:
        """Every editor's value, parsed by its setting (InvalidInput on a bad one)."""
        registry = Settings.registry()
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, DevicesForm):
                out[name] = registry[name].validate(editor.value())
            elif registry[name].money is not None and isinstance(editor, QLineEdit):
                out[name] = registry[name].parse_amount(editor.text())
            elif isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QLineEdit):
                out[name] = registry[name].parse(editor.text())
        return out

    def save(self) -> bool:
        def action() -> object:
            current = settings_service.get_settings(self.shop)
            changed = {n: v for n, v in self.values().items() if getattr(current, n) != v}
            if not changed:
                raise InvalidInput(QCoreApplication.translate("Settings", "Nothing has changed"))
            return settings_service.update_settings(self.shop, self.actor, **changed)

        return call_service(self, action) is not None
