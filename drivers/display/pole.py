"""Customer pole display: 2 lines × 20 characters on a serial port, ESC/POS display commands.

Commands (Epson DM-D / "ESC/POS customer display" set, spoken by most pole displays):

=============  ===============  ==========================================
``ESC @``      1B 40            initialise (clears, cursor home)
``US MD1``     1F 01            overwrite mode (text replaces, no scrolling)
``ESC t n``    1B 74 n          character table (code page) ``n``
``CLR``        0C               clear the screen, cursor home
``HOM``        0B               cursor to line 1, column 1
``US $ x y``   1F 24 x y        cursor to column ``x``, line ``y`` (1-based)
=============  ===============  ==========================================

Cyrillic needs the display's Cyrillic table: CP866 (the usual one on Bulgarian
displays) or CP1251; the table number ``n`` is a setting because models differ.
CP866 has no euro sign, so amounts then show as "3.50 EUR" (see drivers/printing/escpos.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from callshop_pos.money import EUR, Currency, format_minor
from callshop_pos.receipts.ports import DeviceError
from drivers.printing.escpos import encode_text

__all__ = ["PoleDisplay", "PoleSettings", "SerialPort", "serial_opener"]

COLUMNS = 20
ESC_INIT = b"\x1b@"
OVERWRITE_MODE = b"\x1f\x01"
CLEAR = b"\x0c"
HOME = b"\x0b"


def cursor(column: int, line: int) -> bytes:
    """``US $ x y``: move the cursor (1-based column and line)."""
    return b"\x1f$" + bytes([column, line])


class SerialPort(Protocol):
    def write(self, data: bytes) -> int | None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


def serial_opener(port: str, baudrate: int = 9600) -> Callable[[], SerialPort]:
    """Open ``port`` (e.g. ``/dev/ttyUSB1``, ``COM4``) with pyserial when called."""

    def open_port() -> SerialPort:
        import serial  # noqa: PLC0415 - pyserial is loaded only when a pole display is configured

        port_obj: SerialPort = serial.Serial(port, baudrate=baudrate, timeout=1, write_timeout=2)
        return port_obj

    return open_port


@dataclass(frozen=True)
class PoleSettings:
    codepage: str = "CP866"
    codepage_number: int = 7  # ESC t n of the Cyrillic table; check the display's manual
    language: str = "bg"
    currency: Currency = EUR


_TEXTS = {
    "bg": {"due": "ЗА ПЛАЩАНЕ", "paid": "ПЛАТЕНО", "change": "РЕСТО", "welcome": "ДОБРЕ ДОШЛИ"},
    "en": {"due": "TOTAL DUE", "paid": "PAID", "change": "CHANGE", "welcome": "WELCOME"},
}


class PoleDisplay:
    """Implements the ``CustomerDisplay`` port.

    The port is opened on first use and kept; after a write error it is closed and
    reopened on the next call, so a display unplugged and plugged back recovers.
    """

    def __init__(self, open_port: Callable[[], SerialPort], settings: PoleSettings) -> None:
        self._open_port = open_port
        self.settings = settings
        self._port: SerialPort | None = None
        self._texts = _TEXTS[settings.language]

    # -- bytes (public for tests and diagnostics) ---------------------------------
    def init_bytes(self) -> bytes:
        return ESC_INIT + OVERWRITE_MODE + b"\x1bt" + bytes([self.settings.codepage_number])

    def lines_bytes(self, first: str, second: str = "") -> bytes:
        return CLEAR + HOME + self._encode(first) + cursor(1, 2) + self._encode(second)

    def amount(self, minor: int) -> str:
        currency = self.settings.currency
        try:
            currency.symbol.encode(self.settings.codepage.lower())
            symbol = currency.symbol
        except UnicodeEncodeError:
            symbol = currency.code
        return f"{format_minor(minor, currency.digits)} {symbol}"

    # -- CustomerDisplay port -----------------------------------------------------
    def show_lines(self, first: str, second: str = "") -> None:
        self._send(self.lines_bytes(first, second))

    def show_due(self, total_minor: int) -> None:
        self.show_lines(self._texts["due"], self.amount(total_minor).rjust(COLUMNS))

    def show_change(self, tendered_minor: int, change_minor: int) -> None:
        paid = self._pair(self._texts["paid"], self.amount(tendered_minor))
        change = self._pair(self._texts["change"], self.amount(change_minor))
        self.show_lines(paid, change)

    def show_welcome(self, shop_name: str) -> None:
        self.show_lines(self._texts["welcome"].center(COLUMNS), shop_name[:COLUMNS].center(COLUMNS))

    def clear(self) -> None:
        self._send(CLEAR)

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    # -- internals ----------------------------------------------------------------
    @staticmethod
    def _pair(left: str, right: str) -> str:
        room = COLUMNS - len(right) - 1
        return left[: max(room, 0)].ljust(max(room, 0)) + " " + right

    def _encode(self, text: str) -> bytes:
        # Exactly 20 characters, so the rest of a longer previous text is overwritten.
        encoded = encode_text(text[:COLUMNS], self.settings.codepage)
        return encoded[:COLUMNS].ljust(COLUMNS, b" ")

    def _send(self, data: bytes) -> None:
        try:
            if self._port is None:
                port = self._open_port()
                port.write(self.init_bytes())
                self._port = port
            self._port.write(data)
            self._port.flush()
        except (OSError, ValueError) as exc:
            # pyserial's SerialException is an OSError; the next call reopens the port.
            broken, self._port = self._port, None
            if broken is not None:
                with contextlib.suppress(OSError):
                    broken.close()
            raise DeviceError(f"customer display not available: {exc}") from exc
