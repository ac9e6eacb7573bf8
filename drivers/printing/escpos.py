"""ESC/POS thermal receipt printers (and the cash drawer on their kick port).

Built on python-escpos: its printer classes are the transports (serial through
pyserial, network port 9100, USB when pyusb is installed) and its commands cut the
paper, kick the drawer and print the logo. The document itself comes from the
core's text layout, so every printer prints exactly the columns the layout made.

Cyrillic and the euro sign. The code page is a setting:

* ``CP1251`` (Windows Cyrillic, ESC t 46 on the default profile): has Cyrillic *and*
  the euro sign (byte 0x88). The recommended choice when the printer has it.
* ``CP866`` (DOS Cyrillic, ESC t 17): has Cyrillic but **no euro sign**, so amounts
  are printed with the currency code ("3.50 EUR") instead — the layout is asked for
  that, so the columns still line up. Typographic quotes and dashes it lacks are
  replaced by their ASCII look-alikes.

Anything else the code page cannot print becomes "?" rather than stopping a
receipt half-way. The ``ESC t`` number differs between printer models; it comes from
the python-escpos profile and can be overridden with ``codepage_number``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callshop_pos.receipts.layout import (
    PaperLine,
    layout_receipt,
    layout_shift_report,
    paper_width,
)
from callshop_pos.receipts.model import Receipt, ShiftReportDoc
from callshop_pos.receipts.ports import DeviceError

__all__ = ["ESC_INIT", "EscPosPrinter", "EscPosSettings", "encode_text"]

ESC_INIT = b"\x1b@"
_MODE_BOLD = 0x08
_MODE_TALL = 0x10
SUPPORTED_CODEPAGES = ("CP1251", "CP866")

# Look-alikes for characters a Cyrillic code page may lack.
_FALLBACKS = {
    "€": "EUR",
    "„": '"',
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "№": "No",
    "·": ".",
}


def _dummy(profile: str) -> Any:
    """An in-memory python-escpos printer that collects the job's bytes."""
    from escpos.printer import Dummy  # noqa: PLC0415 - python-escpos is loaded only when a receipt is printed

    return Dummy(profile=profile)


def encode_text(text: str, codepage: str) -> bytes:
    """``text`` in ``codepage``; characters it lacks become look-alikes or "?"."""
    codec = codepage.lower()
    out = bytearray()
    for char in text:
        try:
            out += char.encode(codec)
        except UnicodeEncodeError:
            out += _FALLBACKS.get(char, "?").encode(codec, errors="replace")
    return bytes(out)


def _codepage_number(profile: str, codepage: str) -> int:
    # python-escpos loads its capability database (~1.5 s) on import: only when printing.
    from escpos.capabilities import get_profile  # noqa: PLC0415 - python-escpos is loaded only when a receipt is printed

    pages: dict[str, str] = get_profile(profile).profile_data["codePages"]
    for number, name in pages.items():
        if name.upper() == codepage.upper():
            return int(number)
    raise DeviceError(
        f"printer profile {profile!r} has no code page {codepage}; "
        "set the code page number (ESC t n) from the printer's manual"
    )


@dataclass(frozen=True)
class EscPosSettings:
    """How the shop's printer is set up (from the devices settings)."""

    paper_mm: int = 80
    columns: int | None = None  # 80 mm: 48 (default) or 42
    codepage: str = "CP1251"
    codepage_number: int | None = None  # ESC t n; default: from the profile
    profile: str = "default"
    language: str = "bg"
    cut: str = "partial"  # partial / full / none
    logo: Path | None = None
    drawer_pin: int = 2  # 2 or 5

    def __post_init__(self) -> None:
        if self.codepage.upper() not in SUPPORTED_CODEPAGES:
            raise ValueError(f"code page must be one of {', '.join(SUPPORTED_CODEPAGES)}")
        if self.cut not in ("partial", "full", "none"):
            raise ValueError("cut must be partial, full or none")
        if self.drawer_pin not in (2, 5):
            raise ValueError("the drawer is on kick pin 2 or 5")
        paper_width(self.paper_mm, self.columns)  # raises on an unsupported paper

    @property
    def width(self) -> int:
        return int(paper_width(self.paper_mm, self.columns))

    @property
    def can_print_euro(self) -> bool:
        return self.codepage.upper() == "CP1251"


class EscPosPrinter:
    """A receipt printer and cash drawer speaking ESC/POS over any python-escpos transport.

    ``connect`` returns an *open* python-escpos printer (``Serial``, ``Network``,
    ``Usb``, ``Dummy``); it is called per job and the connection is closed after it,
    so a printer switched off between receipts is found again on the next one.
    Each job is composed in memory first and sent in one write.
    """

    def __init__(self, connect: Callable[[], Any], settings: EscPosSettings) -> None:
        self._connect = connect
        self.settings = settings
        self._esc_t = (
            settings.codepage_number
            if settings.codepage_number is not None
            else _codepage_number(settings.profile, settings.codepage)
        )

    # -- documents -> bytes -------------------------------------------------------
    def receipt_bytes(self, receipt: Receipt, *, kick_drawer: bool = False) -> bytes:
        """The whole job for ``receipt``; the drawer kicks first so cash goes in while it prints."""
        lines = layout_receipt(
            receipt,
            self.settings.width,
            language=self.settings.language,
            currency_symbol=self._currency_symbol(receipt.currency.symbol, receipt.currency.code),
        )
        return self._job(lines, kick_drawer=kick_drawer, logo=True)

    def report_bytes(self, report: ShiftReportDoc) -> bytes:
        lines = layout_shift_report(
            report,
            self.settings.width,
            language=self.settings.language,
            currency_symbol=self._currency_symbol(report.currency.symbol, report.currency.code),
        )
        return self._job(lines, kick_drawer=False, logo=False)

    def drawer_bytes(self) -> bytes:
        dummy = _dummy(self.settings.profile)
        dummy.cashdraw(self.settings.drawer_pin)
        return bytes(dummy.output)

    # -- ports --------------------------------------------------------------------
    def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> None:
        self._send(self.receipt_bytes(receipt, kick_drawer=kick_drawer))

    def print_report(self, report: ShiftReportDoc) -> None:
        self._send(self.report_bytes(report))

    def open_drawer(self) -> None:
        self._send(self.drawer_bytes())

    # -- internals ----------------------------------------------------------------
    def _currency_symbol(self, symbol: str, code: str) -> str:
        try:
            symbol.encode(self.settings.codepage.lower())
        except UnicodeEncodeError:
            return code
        return symbol

    def _job(self, lines: list[PaperLine], *, kick_drawer: bool, logo: bool) -> bytes:
        settings = self.settings
        dummy = _dummy(settings.profile)
        dummy._raw(ESC_INIT + b"\x1bt" + bytes([self._esc_t]))
        if kick_drawer:
            dummy.cashdraw(settings.drawer_pin)
        if logo and settings.logo is not None:
            try:
                dummy.image(str(settings.logo), center=True)
            except (OSError, ValueError) as exc:
                raise DeviceError(f"cannot print the logo {settings.logo}: {exc}") from exc
        mode = 0
        for line in lines:
            wanted = (_MODE_BOLD if line.bold else 0) | (_MODE_TALL if line.tall else 0)
            if wanted != mode:
                dummy._raw(b"\x1b!" + bytes([wanted]))
                mode = wanted
            dummy._raw(encode_text(line.text.rstrip(), settings.codepage) + b"\n")
        if mode:
            dummy._raw(b"\x1b!\x00")
        if settings.cut == "none":
            dummy._raw(b"\n" * 4)
        else:
            dummy.cut(mode="PART" if settings.cut == "partial" else "FULL")
        return bytes(dummy.output)

    def _send(self, job: bytes) -> None:
        try:
            device = self._connect()
        except Exception as exc:  # python-escpos raises many kinds; all mean "not there"
            raise DeviceError(f"receipt printer not available: {exc}") from exc
        try:
            device._raw(job)
        except Exception as exc:
            raise DeviceError(f"receipt printer stopped while printing: {exc}") from exc
        finally:
            # Closing a dead port must not hide the real error.
            with contextlib.suppress(Exception):
                device.close()
