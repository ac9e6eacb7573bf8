"""The receipt printer's set-up, as the cashier chooses it once (first PAY, or
Devices → Printer set-up…): an ESC/POS printer on USB, a serial port or the network,
a system printer, a PDF folder (one file per document), or no printer.

It is stored in the shop's settings: ``printer_setup`` (which kind), ``system_printer``
(the OS printer's name) and the ``printer`` entry of ``devices`` (its connection
string; the entry's other options — paper width, code page … — are kept). Any till
user may set it up (it is a device, not a price or a permission); only these
settings change, every change is journaled (``devices.printer_setup``), and a bad
value is refused in words with nothing changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath

from callshop_pos import journal
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.settings import SettingsChange, get_settings, write_settings
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings

__all__ = [
    "PrinterChoice",
    "PrinterKind",
    "connection_for",
    "needs_setup",
    "printer_choice",
    "set_up_printer",
]


class PrinterKind(StrEnum):
    USB = "usb"  # ESC/POS over USB (vendor:product ids)
    SERIAL = "serial"  # ESC/POS on a serial port
    NETWORK = "network"  # ESC/POS on the network (raw port 9100)
    SYSTEM = "system"  # a printer the operating system knows
    PDF = "pdf"  # a folder: one PDF file per document, never overwritten
    NONE = "none"  # no receipts on paper


_ESCPOS = (PrinterKind.USB, PrinterKind.SERIAL, PrinterKind.NETWORK)
_HEX_ID = re.compile(r"^(0x)?[0-9a-fA-F]{1,4}$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$")
_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True)
class PrinterChoice:
    """The set-up form's values (only those of ``kind`` are read)."""

    kind: PrinterKind
    usb_vendor: str = ""  # hexadecimal, e.g. 04b8
    usb_product: str = ""
    serial_port: str = ""  # /dev/ttyUSB0 or COM3
    baudrate: int = 9600
    host: str = ""
    port: int = 9100
    system_name: str = ""  # empty: the default printer
    pdf_folder: str = ""


def _hex_id(text: str, what: str) -> int:
    text = text.strip()
    if not _HEX_ID.match(text):
        raise InvalidInput(
            f"the USB {what} id is a hexadecimal number such as 04b8 (see the printer's "
            f"label or `lsusb`), not {text!r}"
        )
    return int(text, 16)


def connection_for(choice: PrinterChoice) -> str | None:
    """The ``devices`` connection string of an ESC/POS or PDF choice (None for the
    others); InvalidInput saying what is wrong with a field."""
    match choice.kind:
        case PrinterKind.USB:
            vendor = _hex_id(choice.usb_vendor, "vendor")
            product = _hex_id(choice.usb_product, "product")
            return f"usb:0x{vendor:04x}:0x{product:04x}"
        case PrinterKind.SERIAL:
            port = choice.serial_port.strip()
            if not port or any(c in port for c in "?: \t"):
                raise InvalidInput(
                    f"the serial port is a device such as /dev/ttyUSB0 or COM3, not {port!r}"
                )
            if choice.baudrate not in _BAUDS:
                allowed = ", ".join(map(str, _BAUDS))
                raise InvalidInput(f"the speed must be one of {allowed} baud")
            suffix = "" if choice.baudrate == 9600 else f"?baudrate={choice.baudrate}"
            return f"serial:{port}{suffix}"
        case PrinterKind.NETWORK:
            host = choice.host.strip()
            if not _HOST.match(host):
                raise InvalidInput(
                    f"the printer's address is an IP address or host name such as "
                    f"192.168.1.50, not {host!r}"
                )
            if not 1 <= choice.port <= 65535:
                raise InvalidInput(f"the port must be 1-65535 (usually 9100), not {choice.port}")
            return f"tcp:{host}:{choice.port}"
        case PrinterKind.PDF:
            folder = choice.pdf_folder.strip()
            if not folder or not (
                PurePosixPath(folder).is_absolute() or PureWindowsPath(folder).is_absolute()
            ):
                raise InvalidInput(
                    f"choose the folder for the PDF files as a full path, such as "
                    f"/home/shop/receipts, not {folder!r}"
                )
            return f"pdf:{folder}"
        case PrinterKind.SYSTEM | PrinterKind.NONE:
            return None


def needs_setup(settings: Settings) -> bool:
    """True until the printer was set up (or a printer entry configured by hand)."""
    return settings.printer_setup == "" and "printer" not in settings.devices


def printer_choice(settings: Settings) -> PrinterChoice | None:
    """The current set-up as the form shows it (None: not set up yet)."""
    kind = settings.printer_setup
    if kind in ("system", "none"):
        return PrinterChoice(PrinterKind(kind), system_name=settings.system_printer)
    entry = settings.devices.get("printer")
    connection = entry.get("connection") if entry is not None else None
    if not isinstance(connection, str):
        return None
    scheme, _, rest = connection.partition(":")
    if scheme == "pdf":
        return PrinterChoice(PrinterKind.PDF, pdf_folder=rest)
    if scheme == "usb":
        vendor, _, product = rest.partition(":")
        return PrinterChoice(
            PrinterKind.USB,
            usb_vendor=vendor.removeprefix("0x"),
            usb_product=product.removeprefix("0x"),
        )
    if scheme == "serial":
        port, _, query = rest.partition("?")
        baud = query.removeprefix("baudrate=")
        return PrinterChoice(
            PrinterKind.SERIAL,
            serial_port=port,
            baudrate=int(baud) if baud.isdigit() else 9600,
        )
    if scheme == "tcp":
        host, _, port_text = rest.partition(":")
        return PrinterChoice(
            PrinterKind.NETWORK,
            host=host,
            port=int(port_text) if port_text.isdigit() else 9100,
        )
    return None


def set_up_printer(shop: Shop, actor: Actor, choice: PrinterChoice) -> SettingsChange:
    """Store the receipt printer's set-up (any till user; journaled)."""
    require_role(actor, Role.OPERATOR)
    if not isinstance(choice.kind, PrinterKind):
        raise InvalidInput(f"unknown printer kind {choice.kind!r}")
    connection = connection_for(choice)
    current = get_settings(shop)
    devices = {name: dict(entry) for name, entry in current.devices.items()}
    if connection is None:
        devices.pop("printer", None)
    else:
        devices["printer"] = {**devices.get("printer", {}), "connection": connection}
    setup = "escpos" if choice.kind in _ESCPOS else choice.kind.value
    system_name = choice.system_name.strip() if choice.kind is PrinterKind.SYSTEM else ""
    journal.canonical_value(devices)  # the values are plain; refuses odd types early
    return write_settings(
        shop,
        actor,
        {"printer_setup": setup, "system_printer": system_name, "devices": devices},
        action="devices.printer_setup",
    )
