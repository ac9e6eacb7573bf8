"""The receipt printer's set-up: stored as settings by any till user, checked in words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.printer_setup import (
    PrinterChoice,
    PrinterKind,
    needs_setup,
    printer_choice,
    set_up_printer,
)


def _actions(shop: Shop) -> list[str]:
    with shop.db.read() as s:
        return [e.action for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))]


def test_a_new_shop_has_no_printer_set_up(shop: Shop) -> None:
    assert needs_setup(shop.settings)
    assert printer_choice(shop.settings) is None


def test_the_cashier_chooses_a_pdf_folder(shop: Shop, operator: Actor) -> None:
    set_up_printer(shop, operator, PrinterChoice(PrinterKind.PDF, pdf_folder="/srv/receipts"))
    now = settings_service.get_settings(shop)
    assert now.printer_setup == "pdf"
    assert now.devices["printer"] == {"connection": "pdf:/srv/receipts"}
    assert not needs_setup(now)
    assert printer_choice(now) == PrinterChoice(PrinterKind.PDF, pdf_folder="/srv/receipts")
    assert _actions(shop)[-1] == "devices.printer_setup"


@pytest.mark.parametrize(
    ("choice", "connection"),
    [
        (
            PrinterChoice(PrinterKind.USB, usb_vendor="04b8", usb_product="0202"),
            "usb:0x04b8:0x0202",
        ),
        (PrinterChoice(PrinterKind.SERIAL, serial_port="/dev/ttyUSB0"), "serial:/dev/ttyUSB0"),
        (
            PrinterChoice(PrinterKind.SERIAL, serial_port="COM3", baudrate=19200),
            "serial:COM3?baudrate=19200",
        ),
        (PrinterChoice(PrinterKind.NETWORK, host="192.168.1.50"), "tcp:192.168.1.50:9100"),
    ],
)
def test_escpos_connections(
    shop: Shop, operator: Actor, choice: PrinterChoice, connection: str
) -> None:
    set_up_printer(shop, operator, choice)
    now = settings_service.get_settings(shop)
    assert now.printer_setup == "escpos"
    assert now.devices["printer"]["connection"] == connection
    assert printer_choice(now) == choice


def test_the_printers_other_options_are_kept(shop: Shop, admin: Actor, operator: Actor) -> None:
    settings_service.update_settings(
        shop,
        admin,
        devices={
            "printer": {"connection": "serial:/dev/ttyS0", "paper_mm": 58},
            "display": {"port": "/dev/ttyUSB1"},
        },
    )
    set_up_printer(shop, operator, PrinterChoice(PrinterKind.NETWORK, host="printer.local"))
    now = settings_service.get_settings(shop)
    assert now.devices["printer"] == {"connection": "tcp:printer.local:9100", "paper_mm": 58}
    assert now.devices["display"] == {"port": "/dev/ttyUSB1"}
    set_up_printer(shop, operator, PrinterChoice(PrinterKind.SYSTEM, system_name="Office"))
    now = settings_service.get_settings(shop)
    assert (now.printer_setup, now.system_printer) == ("system", "Office")
    assert "printer" not in now.devices and "display" in now.devices


def test_no_printer_is_a_choice_too(shop: Shop, operator: Actor) -> None:
    set_up_printer(shop, operator, PrinterChoice(PrinterKind.NONE))
    now = settings_service.get_settings(shop)
    assert now.printer_setup == "none"
    assert not needs_setup(now)


@pytest.mark.parametrize(
    ("choice", "words"),
    [
        (PrinterChoice(PrinterKind.USB, usb_vendor="epson", usb_product="1"), "hexadecimal"),
        (PrinterChoice(PrinterKind.SERIAL, serial_port=""), "serial port"),
        (PrinterChoice(PrinterKind.SERIAL, serial_port="/dev/x", baudrate=1234), "speed"),
        (PrinterChoice(PrinterKind.NETWORK, host="bad host"), "address"),
        (PrinterChoice(PrinterKind.NETWORK, host="10.0.0.1", port=0), "port"),
        (PrinterChoice(PrinterKind.PDF, pdf_folder="receipts"), "full path"),
    ],
)
def test_bad_values_are_refused_in_words_and_change_nothing(
    shop: Shop, operator: Actor, choice: PrinterChoice, words: str
) -> None:
    before = settings_service.get_settings(shop)
    with pytest.raises(InvalidInput, match=words):
        set_up_printer(shop, operator, choice)
    assert settings_service.get_settings(shop) == before


def test_only_till_users_set_up_the_printer(shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        set_up_printer(shop, SYSTEM, PrinterChoice(PrinterKind.NONE))


def test_operators_still_cannot_change_other_settings(shop: Shop, operator: Actor) -> None:
    with pytest.raises(PermissionDenied):
        settings_service.update_settings(shop, operator, printer_setup="none")
