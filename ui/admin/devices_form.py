"""The ``devices`` setting as a form: the receipt printer, the customer pole display and
the fiscal printer, one group each, a field per option (instead of typing JSON).

The fields are the options the core reads (``callshop_pos.receipts.devices``: the
``PrinterConfig``, ``DisplayConfig`` and ``FiscalConfig`` dataclasses), each with a
label in words; an empty field is "not set" (the option's default, shown greyed).
The core checks the whole entry when the settings are saved and says what is wrong.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.receipts.devices import DisplayConfig, FiscalConfig, PrinterConfig

__all__ = ["DEVICE_KINDS", "DevicesForm"]

DeviceMap = dict[str, dict[str, Any]]

#: Each device entry: its title and its options (name, label, kind, default).
_TITLES = {
    "printer": QT_TRANSLATE_NOOP("Devices", "Receipt printer (ESC/POS or PDF folder)"),
    "display": QT_TRANSLATE_NOOP("Devices", "Customer pole display"),
    "fiscal": QT_TRANSLATE_NOOP("Devices", "Fiscal printer (ErpNet.FP)"),
}
_LABELS = {
    ("printer", "connection"): QT_TRANSLATE_NOOP(
        "Devices",
        "Connection (serial:/dev/ttyUSB0, tcp:192.168.1.50, usb:0x04b8:0x0202, pdf:/folder)",
    ),
    ("printer", "paper_mm"): QT_TRANSLATE_NOOP("Devices", "Paper width (mm)"),
    ("printer", "columns"): QT_TRANSLATE_NOOP("Devices", "Characters per line"),
    ("printer", "codepage"): QT_TRANSLATE_NOOP("Devices", "Code page"),
    ("printer", "codepage_number"): QT_TRANSLATE_NOOP("Devices", "Code page number"),
    ("printer", "profile"): QT_TRANSLATE_NOOP("Devices", "Printer model profile"),
    ("printer", "cut"): QT_TRANSLATE_NOOP("Devices", "Paper cut (partial, full, none)"),
    ("printer", "logo"): QT_TRANSLATE_NOOP("Devices", "Logo image file"),
    ("printer", "drawer_pin"): QT_TRANSLATE_NOOP("Devices", "Cash drawer pin (2 or 5)"),
    ("printer", "kick_on_cash"): QT_TRANSLATE_NOOP("Devices", "Open the drawer for cash payments"),
    ("display", "port"): QT_TRANSLATE_NOOP("Devices", "Serial port"),
    ("display", "baudrate"): QT_TRANSLATE_NOOP("Devices", "Speed (baud)"),
    ("display", "codepage"): QT_TRANSLATE_NOOP("Devices", "Code page"),
    ("display", "codepage_number"): QT_TRANSLATE_NOOP("Devices", "Code page number"),
    ("fiscal", "enabled"): QT_TRANSLATE_NOOP("Devices", "A fiscal printer registers every sale"),
    ("fiscal", "url"): QT_TRANSLATE_NOOP("Devices", "ErpNet.FP server address"),
    ("fiscal", "printer_id"): QT_TRANSLATE_NOOP("Devices", "Printer id on the server"),
    ("fiscal", "device_serial"): QT_TRANSLATE_NOOP("Devices", "Device serial (e.g. DT279013)"),
    ("fiscal", "operator_code"): QT_TRANSLATE_NOOP("Devices", "Operator code"),
    ("fiscal", "operator"): QT_TRANSLATE_NOOP("Devices", "Operator name"),
    ("fiscal", "operator_password"): QT_TRANSLATE_NOOP("Devices", "Operator password"),
    ("fiscal", "tax_group"): QT_TRANSLATE_NOOP("Devices", "Tax group"),
    ("fiscal", "item_text_max"): QT_TRANSLATE_NOOP("Devices", "Item text length"),
    ("fiscal", "print_timeout_s"): QT_TRANSLATE_NOOP("Devices", "Print timeout (seconds)"),
}


@dataclasses.dataclass(frozen=True)
class _Option:
    device: str
    name: str
    kind: type  # int, str or bool
    default: Any


def _options(device: str, config: type) -> tuple[_Option, ...]:
    out: list[_Option] = []
    extra = (_Option("fiscal", "enabled", bool, False),) if device == "fiscal" else ()
    out.extend(extra)
    for field in dataclasses.fields(config):
        annotation = str(field.type)
        kind: type = bool if "bool" in annotation else int if "int" in annotation else str
        default = None if field.default is dataclasses.MISSING else field.default
        out.append(_Option(device, field.name, kind, default))
    return tuple(out)


DEVICE_KINDS: dict[str, tuple[_Option, ...]] = {
    "printer": _options("printer", PrinterConfig),
    "display": _options("display", DisplayConfig),
    "fiscal": _options("fiscal", FiscalConfig),
}


#: Labels are at least this wide, so a wrapped one needs few lines (and gets them).
LABEL_WIDTH = 280


def _tr(text: str) -> str:
    return QCoreApplication.translate("Devices", text)


class DevicesForm(QWidget):
    """Edits the ``devices`` setting; :meth:`value` gives it back as the core stores it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[tuple[str, str], QLineEdit | QCheckBox] = {}
        self._options = {(o.device, o.name): o for opts in DEVICE_KINDS.values() for o in opts}
        self._original: DeviceMap = {}
        for device, options in DEVICE_KINDS.items():
            box = QGroupBox(_tr(str(_TITLES[device])))
            form = QFormLayout(box)
            for option in options:
                label = _tr(str(_LABELS.get((device, option.name), option.name)))
                widget: QLineEdit | QCheckBox
                if option.kind is bool:
                    widget = QCheckBox()
                    widget.setChecked(bool(option.default))
                else:
                    widget = QLineEdit()
                    if option.default not in (None, ""):
                        widget.setPlaceholderText(str(option.default))
                    if option.name.endswith("password"):
                        widget.setEchoMode(QLineEdit.EchoMode.Password)
                self.fields[(device, option.name)] = widget
                if isinstance(widget, QCheckBox):  # its own text: no wrapped label beside it
                    widget.setText(label)
                    form.addRow(widget)
                    continue
                caption = QLabel(label)
                caption.setWordWrap(True)
                caption.setMinimumWidth(LABEL_WIDTH)
                form.addRow(caption, widget)
            layout.addWidget(box)

    def set_value(self, devices: DeviceMap) -> None:
        self._original = {name: dict(entry) for name, entry in devices.items()}
        for (device, name), widget in self.fields.items():
            option = self._options[(device, name)]
            entry = devices.get(device, {})
            value = entry.get(name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(option.default) if value is None else bool(value))
            else:
                widget.setText("" if value is None else str(value))

    def value(self) -> DeviceMap:
        """The entries as typed: empty fields left out; a number field that is not a
        number is passed on as typed, so the core refuses it in words."""
        out: DeviceMap = {
            name: dict(entry) for name, entry in self._original.items() if name not in DEVICE_KINDS
        }
        for device, options in DEVICE_KINDS.items():
            original = self._original.get(device, {})
            entry: dict[str, Any] = {
                k: v for k, v in original.items() if (device, k) not in self._options
            }
            for option in options:
                widget = self.fields[(device, option.name)]
                if isinstance(widget, QCheckBox):
                    checked = widget.isChecked()
                    if checked != bool(option.default) or option.name in original:
                        entry[option.name] = checked
                    continue
                text = widget.text().strip()
                if not text:
                    continue
                digits = text.removeprefix("-")
                if option.kind is int and digits.isascii() and digits.isdigit():
                    entry[option.name] = int(text)
                else:
                    entry[option.name] = text
            typed = any(
                not isinstance(self.fields[(device, k)], QCheckBox)
                for k in entry
                if (device, k) in self.fields
            )
            unchanged = device in self._original and entry == self._original[device]
            if typed or entry.get("enabled") is True or unchanged:
                out[device] = entry
        return out
