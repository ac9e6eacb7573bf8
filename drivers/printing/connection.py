"""Open an ESC/POS printer from the connection string in the devices settings.

Forms (the same for the pole display's serial port):

* ``serial:/dev/ttyUSB0`` or ``serial:COM3?baudrate=19200`` — pyserial (9600 baud default);
* ``tcp:192.168.1.50`` or ``tcp:192.168.1.50:9100`` — network printers (raw port 9100);
* ``usb:0x04b8:0x0202`` — USB vendor and product id (needs pyusb, optional);
* ``file:/dev/usb/lp0`` — a printer device node written directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

__all__ = ["parse_serial_options", "printer_connector"]


def parse_serial_options(query: str) -> dict[str, int]:
    """``baudrate=19200&timeout=2`` → ``{"baudrate": 19200, "timeout": 2}``."""
    options: dict[str, int] = {}
    for key, values in parse_qs(query, strict_parsing=bool(query)).items():
        if key not in ("baudrate", "timeout", "bytesize", "stopbits"):
            raise ValueError(f"unknown serial option {key!r}")
        try:
            options[key] = int(values[-1])
        except ValueError:
            raise ValueError(f"serial option {key} must be a whole number") from None
    return options


def printer_connector(connection: str, *, profile: str = "default") -> Callable[[], Any]:
    """A function that opens the printer named by ``connection`` (see module doc).

    The string is checked here, once, so a typo in the settings is reported when
    the settings are saved rather than at the first receipt.
    """
    kind, _, rest = connection.partition(":")
    if not rest:
        raise ValueError(f"printer connection {connection!r} must look like 'serial:/dev/ttyUSB0'")
    if kind == "serial":
        path, _, query = rest.partition("?")
        options = parse_serial_options(query)

        def open_serial() -> Any:
            from escpos.printer import Serial  # noqa: PLC0415 - python-escpos is loaded only for the configured printer

            printer = Serial(devfile=path, profile=profile, dsrdtr=False, **options)
            printer.open()
            return printer

        return open_serial
    if kind == "tcp":
        host, _, port_text = rest.partition(":")
        port = int(port_text) if port_text else 9100

        def open_network() -> Any:
            from escpos.printer import Network  # noqa: PLC0415 - python-escpos is loaded only for the configured printer

            printer = Network(host=host, port=port, timeout=10, profile=profile)
            printer.open()
            return printer

        return open_network
    if kind == "usb":
        vendor_text, _, product_text = rest.partition(":")
        vendor, product = int(vendor_text, 16), int(product_text, 16)

        def open_usb() -> Any:
            from escpos.printer import Usb  # noqa: PLC0415 - python-escpos is loaded only for the configured printer

            printer = Usb(vendor, product, profile=profile)
            printer.open()
            return printer

        return open_usb
    if kind == "file":

        def open_file() -> Any:
            from escpos.printer import File  # noqa: PLC0415 - python-escpos is loaded only for the configured printer

            printer = File(devfile=rest, profile=profile)
            printer.open()
            return printer

        return open_file
    raise ValueError(f"unknown printer connection kind {kind!r} (serial, tcp, usb or file)")
