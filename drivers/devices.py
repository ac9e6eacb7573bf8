"""Build the printing devices from the ``devices`` setting (used by the composition root).

``build_devices(settings)`` returns the receipt printer (an ESC/POS printer, or a PDF
folder for ``pdf:/folder``), the cash drawer (the ESC/POS printer's kick port), the
pole display and the fiscal gate that the shop configured; each is ``None`` when
not configured. Nothing is opened here: ports are opened per job, so
building never fails because a device is switched off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from callshop_pos.errors import InvalidInput
from callshop_pos.receipts.devices import device_configs
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.ports import CashDrawer, ReceiptPrinter
from callshop_pos.services.till.fiscal import FiscalGate
from callshop_pos.settings import Settings
from drivers.display.pole import PoleDisplay, PoleSettings, serial_opener
from drivers.fiscal.erpnet import ErpNetFiscalPrinter, ErpNetSettings
from drivers.printing.connection import printer_connector
from drivers.printing.escpos import EscPosPrinter, EscPosSettings
from drivers.printing.pdf import PdfFolderPrinter

__all__ = ["Devices", "build_devices"]


@dataclass(frozen=True)
class Devices:
    printer: ReceiptPrinter | None
    drawer: CashDrawer | None  # the ESC/POS printer's kick port
    display: PoleDisplay | None  # CustomerDisplay
    fiscal: FiscalGate | None  # pass to pay_calls(..., fiscal=...)
    kick_on_cash: bool = True


def build_devices(settings: Settings) -> Devices:
    """The configured devices; a malformed entry raises InvalidInput/ValueError naming it."""
    configs = device_configs(settings.devices)
    if settings.printer_setup in ("system", "none"):
        # The cashier chose the system printer (the window prints there) or none.
        configs = replace(configs, printer=None)
    printer: ReceiptPrinter | None = None
    drawer: CashDrawer | None = None
    display = fiscal = None
    kick = True
    if (p := configs.printer) is not None and p.connection.startswith("pdf:"):
        folder = p.connection.removeprefix("pdf:")
        if not folder:
            raise InvalidInput("device printer: pdf: needs a folder, e.g. pdf:/srv/receipts")
        printer = PdfFolderPrinter(Path(folder), PdfRenderer(settings.language))
    elif p is not None:
        escpos = EscPosSettings(
            paper_mm=p.paper_mm,
            columns=p.columns,
            codepage=p.codepage,
            codepage_number=p.codepage_number,
            profile=p.profile,
            language=settings.language,
            cut=p.cut,
            logo=Path(p.logo) if p.logo else None,
            drawer_pin=p.drawer_pin,
        )
        printer = drawer = EscPosPrinter(printer_connector(p.connection, profile=p.profile), escpos)
        kick = p.kick_on_cash
    if (d := configs.display) is not None:
        display = PoleDisplay(
            serial_opener(d.port, d.baudrate),
            PoleSettings(
                codepage=d.codepage, codepage_number=d.codepage_number, language=settings.language
            ),
        )
    if (f := configs.fiscal) is not None:
        client = ErpNetFiscalPrinter(
            ErpNetSettings(
                base_url=f.url,
                printer_id=f.printer_id,
                print_timeout_s=float(f.print_timeout_s),
                operator=f.operator,
                operator_password=f.operator_password,
                tax_group=f.tax_group,
                item_text_max=f.item_text_max,
            )
        )
        fiscal = FiscalGate(client, f)
    return Devices(
        printer=printer, drawer=drawer, display=display, fiscal=fiscal, kick_on_cash=kick
    )
