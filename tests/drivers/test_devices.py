"""The devices setting turns into drivers (nothing is opened while building)."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.ports import DeviceError
from callshop_pos.settings import Settings
from drivers.devices import build_devices
from drivers.printing.escpos import EscPosPrinter
from drivers.printing.pdf import PdfFolderPrinter


def test_nothing_configured_means_no_devices_and_fiscal_off() -> None:
    devices = build_devices(Settings())
    assert (devices.printer, devices.drawer, devices.display, devices.fiscal) == (None,) * 4
    off = Settings({"devices": {"fiscal": {"enabled": False, "device_serial": "DT279013"}}})
    assert build_devices(off).fiscal is None


def test_full_configuration() -> None:
    settings = Settings(
        {
            "language": "bg",
            "devices": {
                "printer": {
                    "connection": "serial:/dev/ttyUSB0?baudrate=19200",
                    "paper_mm": 58,
                    "codepage": "cp866",
                    "kick_on_cash": False,
                },
                "display": {"port": "/dev/ttyUSB1", "codepage_number": 17},
                "fiscal": {
                    "enabled": True,
                    "url": "http://127.0.0.1:8001",
                    "device_serial": "dt279013",
                    "operator_code": 3,
                },
            },
        }
    )
    devices = build_devices(settings)
    assert isinstance(devices.printer, EscPosPrinter) and devices.drawer is devices.printer
    assert devices.printer.settings.width == 32
    assert devices.printer.settings.codepage == "CP866" and not devices.kick_on_cash
    assert devices.display is not None and devices.display.settings.codepage_number == 17
    assert devices.fiscal is not None
    assert devices.fiscal.config.device_serial == "DT279013"
    assert devices.fiscal.config.printer_id == "dt279013"


@pytest.mark.parametrize(
    "entry",
    [
        {"printer": {"paper_mm": 80}},
        {"printer": {"connection": "pdf:"}},
        {"printer": {"connection": "lpt:1"}},
        {"printer": {"connection": "serial:/dev/x", "colour": "red"}},
        {"printer": {"connection": "serial:/dev/x", "paper_mm": "80"}},
        {"display": {"baudrate": 9600}},
        {"fiscal": {"enabled": True, "device_serial": "DT27901"}},
        {"fiscal": {"enabled": True, "device_serial": "DT279013", "operator_code": 10000}},
    ],
)
def test_bad_entries_are_refused(entry: dict[str, dict[str, object]]) -> None:
    with pytest.raises((InvalidInput, ValueError)):
        build_devices(Settings({"devices": entry}))


def test_pdf_folder_printer_never_overwrites(tmp_path: Path) -> None:
    from callshop_pos.receipts.samples import sample_receipt, sample_shift_report

    folder = tmp_path / "receipts"
    devices = build_devices(Settings({"devices": {"printer": {"connection": f"pdf:{folder}"}}}))
    assert isinstance(devices.printer, PdfFolderPrinter) and devices.drawer is None
    devices.printer.print_receipt(sample_receipt(), kick_drawer=True)
    devices.printer.print_receipt(sample_receipt().as_copy())
    devices.printer.print_receipt(sample_receipt().as_copy())
    devices.printer.print_report(sample_shift_report())
    assert sorted(p.name for p in folder.iterdir()) == [
        "receipt-000123-copy-2.pdf",
        "receipt-000123-copy.pdf",
        "receipt-000123.pdf",
        "z-report-318.pdf",
    ]
    assert (folder / "receipt-000123.pdf").read_bytes().startswith(b"%PDF")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(DeviceError, match="cannot write the PDF"):
        PdfFolderPrinter(blocked, PdfRenderer()).print_receipt(sample_receipt())


@pytest.mark.parametrize("setup", ["system", "none"])
def test_a_printer_entry_is_not_used_when_the_set_up_says_otherwise(setup: str) -> None:
    settings = Settings(
        {"printer_setup": setup, "devices": {"printer": {"connection": "tcp:10.0.0.9"}}}
    )
    devices = build_devices(settings)
    assert devices.printer is None and devices.drawer is None
    assert build_devices(settings.replace(printer_setup="escpos")).printer is not None
