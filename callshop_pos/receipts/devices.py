"""The printing devices as configured in the ``devices`` setting, read into typed values.

The setting holds named entries of simple values (JSON in the database); the
entries this package reads are ``printer``, ``display`` and ``fiscal``::

    {"printer": {"connection": "serial:/dev/ttyUSB0?baudrate=19200", "paper_mm": 80,
                 "codepage": "CP1251", "cut": "partial", "drawer_pin": 2},
     "display": {"port": "/dev/ttyUSB1", "codepage": "CP866", "codepage_number": 7},
     "fiscal":  {"enabled": true, "url": "http://localhost:8001", "printer_id": "dt279013",
                 "device_serial": "DT279013", "operator_code": 1}}

An absent entry means "no such device". The fiscal device is off unless its entry
says ``"enabled": true``. Building the actual drivers from these values is the
composition root's job (``drivers/devices.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callshop_pos.errors import InvalidInput
from callshop_pos.receipts.fiscal import DEVICE_SERIAL_RE

__all__ = ["DisplayConfig", "FiscalConfig", "PrinterConfig", "device_configs"]

Entry = dict[str, Any]


def _take(entry: Entry, name: str, key: str, kind: type, default: Any) -> Any:
    value = entry.get(key, default)
    if value is None:
        return default
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidInput(f"device {name}: {key} must be a whole number")
    if kind is str and not isinstance(value, str):
        raise InvalidInput(f"device {name}: {key} must be text")
    if kind is bool and not isinstance(value, bool):
        raise InvalidInput(f"device {name}: {key} must be yes or no")
    return value


def _unknown(entry: Entry, name: str, known: set[str]) -> None:
    extra = sorted(set(entry) - known)
    if extra:
        raise InvalidInput(f"device {name}: unknown option(s) {', '.join(extra)}")


@dataclass(frozen=True)
class PrinterConfig:
    connection: str
    paper_mm: int = 80
    columns: int | None = None
    codepage: str = "CP1251"
    codepage_number: int | None = None
    profile: str = "default"
    cut: str = "partial"
    logo: str = ""
    drawer_pin: int = 2
    kick_on_cash: bool = True


@dataclass(frozen=True)
class DisplayConfig:
    port: str
    baudrate: int = 9600
    codepage: str = "CP866"
    codepage_number: int = 7


@dataclass(frozen=True)
class FiscalConfig:
    url: str
    printer_id: str
    device_serial: str
    operator_code: int
    operator: str = ""
    operator_password: str = ""
    tax_group: int = 2
    item_text_max: int = 22
    print_timeout_s: int = 60


@dataclass(frozen=True)
class DeviceConfigs:
    printer: PrinterConfig | None
    display: DisplayConfig | None
    fiscal: FiscalConfig | None


def device_configs(devices: dict[str, dict[str, Any]]) -> DeviceConfigs:
    """Read the ``devices`` setting; a malformed entry is an InvalidInput naming it."""
    printer = display = fiscal = None
    if (p := devices.get("printer")) is not None:
        known = {f for f in PrinterConfig.__dataclass_fields__}
        _unknown(p, "printer", known)
        connection = _take(p, "printer", "connection", str, "")
        if not connection:
            raise InvalidInput("device printer: connection is required (e.g. serial:/dev/ttyUSB0)")
        printer = PrinterConfig(
            connection=connection,
            paper_mm=_take(p, "printer", "paper_mm", int, 80),
            columns=_take(p, "printer", "columns", int, None),
            codepage=_take(p, "printer", "codepage", str, "CP1251").upper(),
            codepage_number=_take(p, "printer", "codepage_number", int, None),
            profile=_take(p, "printer", "profile", str, "default"),
            cut=_take(p, "printer", "cut", str, "partial"),
            logo=_take(p, "printer", "logo", str, ""),
            drawer_pin=_take(p, "printer", "drawer_pin", int, 2),
            kick_on_cash=_take(p, "printer", "kick_on_cash", bool, True),
        )
    if (d := devices.get("display")) is not None:
        _unknown(d, "display", {f for f in DisplayConfig.__dataclass_fields__})
        port = _take(d, "display", "port", str, "")
        if not port:
            raise InvalidInput("device display: port is required (e.g. /dev/ttyUSB1)")
        display = DisplayConfig(
            port=port,
            baudrate=_take(d, "display", "baudrate", int, 9600),
            codepage=_take(d, "display", "codepage", str, "CP866").upper(),
            codepage_number=_take(d, "display", "codepage_number", int, 7),
        )
    f = devices.get("fiscal")
    if f is not None and _take(f, "fiscal", "enabled", bool, False):
        _unknown(f, "fiscal", {*FiscalConfig.__dataclass_fields__, "enabled"})
        serial = _take(f, "fiscal", "device_serial", str, "").upper()
        if not DEVICE_SERIAL_RE.match(serial):
            raise InvalidInput(
                "device fiscal: device_serial must be the device's 8-character serial "
                "(2 letters, 6 digits, e.g. DT279013)"
            )
        code = _take(f, "fiscal", "operator_code", int, 1)
        if not 0 <= code <= 9999:
            raise InvalidInput("device fiscal: operator_code must have at most 4 digits")
        fiscal = FiscalConfig(
            url=_take(f, "fiscal", "url", str, "http://localhost:8001"),
            printer_id=_take(f, "fiscal", "printer_id", str, serial.lower()),
            device_serial=serial,
            operator_code=code,
            operator=_take(f, "fiscal", "operator", str, ""),
            operator_password=_take(f, "fiscal", "operator_password", str, ""),
            tax_group=_take(f, "fiscal", "tax_group", int, 2),
            item_text_max=_take(f, "fiscal", "item_text_max", int, 22),
            print_timeout_s=_take(f, "fiscal", "print_timeout_s", int, 60),
        )
    return DeviceConfigs(printer=printer, display=display, fiscal=fiscal)
