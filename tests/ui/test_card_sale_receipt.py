"""A card sold at the till prints its receipt like PAY: through the configured printer
(the real ESC/POS driver into a ``Dummy``), after the drawer kick, as the print policy
says (always / ask / never), journaled; reprinted as a COPY from the receipts list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from callshop_pos.db.models.devices import PrintLog
from callshop_pos.services.till.payment_list import shift_card_sales
from callshop_pos.services.till.shifts import close_shift
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.ui.devices_support import KICK_PIN2, Rig, build_rig
from tests.ui.support import when_dialog
from tests.ui.test_devices_pay import pay_one
from ui.system_printer import SystemPrinter, pdf_printer


def print_logs(rig: Rig) -> list[tuple[str, int, bool, bool, str]]:
    with rig.shop.db.read() as s:
        return [
            (p.document, p.subject_id, p.copy, p.ok, p.target)
            for p in s.scalars(select(PrintLog).order_by(PrintLog.id))
        ]


def card_rig(qtbot: Any, seeded: Any, tmp_path: Path, policy: str) -> tuple[Rig, list[str]]:
    shop, admin, _ = seeded
    printed = make_batch(shop, admin, tmp_path / "sheets", quantity=2, face_value_minor=1000)
    rig = build_rig(qtbot, seeded, print_policy=policy, language="en")
    return rig, [serial for serial, _pin in printed.cards]


def sell_one(
    qtbot: Any, rig: Rig, serial: str, *, check_print: bool | None = None
) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def sell(dialog: Any) -> None:
        seen["print_visible"] = dialog.print_check.isVisible()
        if check_print is not None:
            dialog.print_check.setChecked(check_print)
        dialog.serial_edit.setText(serial)
        dialog.serial_edit.returnPressed.emit()
        dialog.tendered_edit.setText("20")
        dialog.ok_button.click()

    when_dialog(rig.window, sell)
    rig.window.sell_card_action.trigger()
    rig.settle(qtbot)
    return seen


def test_a_card_sale_prints_its_receipt(qtbot, seeded, tmp_path: Path) -> None:
    rig, serials = card_rig(qtbot, seeded, tmp_path, "always")
    try:
        seen = sell_one(qtbot, rig, serials[0])
        assert seen["print_visible"] is False  # "always" does not ask
        kick, _receipt = rig.jobs.outputs()
        assert kick == KICK_PIN2  # the drawer opens first, on its own
        text = rig.jobs.text(1)
        (sale,) = shift_card_sales(rig.shop, rig.operator)
        for expected in (
            "RECEIPT",
            f"K{sale.movement_id:06d}",
            "Prepaid calling card",
            f"Serial No. {serials[0]}",
            "10.00 €",
            "20.00 €",
            "olga",
            "05.01.2026 11:00",  # 09:00 UTC in the shop's time zone (Sofia)
        ):
            assert expected in text, expected
        assert "COPY" not in text
        assert print_logs(rig) == [("card_receipt", sale.movement_id, False, True, "escpos")]
    finally:
        rig.actions.close()


def test_policy_never_and_ask(qtbot, seeded, tmp_path: Path) -> None:
    rig, serials = card_rig(qtbot, seeded, tmp_path, "never")
    try:
        seen = sell_one(qtbot, rig, serials[0])
        assert seen["print_visible"] is False
        assert rig.jobs.outputs() == [KICK_PIN2]  # the drawer only
        assert print_logs(rig) == []
        rig.shop.use_settings(rig.shop.settings.replace(print_policy="ask"))
        seen = sell_one(qtbot, rig, serials[1], check_print=False)
        assert seen["print_visible"] is True
        assert rig.jobs.outputs() == [KICK_PIN2, KICK_PIN2]
        assert print_logs(rig) == []
    finally:
        rig.actions.close()


def test_a_card_receipt_is_reprinted_as_a_copy(qtbot, seeded, tmp_path: Path) -> None:
    rig, serials = card_rig(qtbot, seeded, tmp_path, "always")
    try:
        sell_one(qtbot, rig, serials[0])
        pay_one(qtbot, rig, price=137)
        (sale,) = shift_card_sales(rig.shop, rig.operator)
        seen: dict[str, Any] = {}

        def choose(dialog: Any) -> None:
            seen["rows"] = dialog.table.rowCount()
            seen["card_row"] = [dialog.table.item(1, c).text() for c in range(5)]
            dialog.table.selectRow(1)  # the card sale, older than the payment
            dialog.ok_button.click()

        when_dialog(rig.window, choose)
        rig.actions.reprint_action.trigger()
        rig.settle(qtbot)
        assert seen["rows"] == 2
        assert seen["card_row"][0] == f"K{sale.movement_id:06d}"
        assert serials[0] in seen["card_row"][2] and seen["card_row"][4] == "€10.00"
        copy = rig.jobs.text(-1)
        assert copy.count("*** COPY ***") == 2 and serials[0] in copy
        assert print_logs(rig)[-1] == ("card_receipt", sale.movement_id, True, True, "escpos")
        # From the closed session's view, too.
        shift_id = close_shift(rig.shop, rig.operator, 5000 + 1000 + 137).summary.id
        when_dialog(rig.window, choose)
        rig.window.session_reprint(shift_id)
        rig.settle(qtbot)
        assert seen["card_row"][0] == f"K{sale.movement_id:06d}"
        assert print_logs(rig)[-1] == ("card_receipt", sale.movement_id, True, True, "escpos")
        assert len(print_logs(rig)) == 4  # sale, payment, two copies
    finally:
        rig.actions.close()


def test_without_a_receipt_printer_it_goes_to_the_system_printer(
    qtbot, seeded, tmp_path: Path
) -> None:
    shop, admin, _ = seeded
    printed = make_batch(shop, admin, tmp_path / "sheets", quantity=1, face_value_minor=1000)
    rig = build_rig(qtbot, seeded, print_policy="always", no_devices=True)
    out = tmp_path / "card-receipt.pdf"
    rig.devices.system_printer = SystemPrinter(language="bg", printer=pdf_printer(out))
    serial, pin = printed.cards[0]
    try:
        sell_one(qtbot, rig, serial)
    finally:
        rig.actions.close()
    text = " ".join((PdfReader(out).pages[0].extract_text() or "").split())
    assert "Предплатена фонокарта" in text and f"Сериен № {serial}" in text
    assert "10.00 €" in text and "20.00 €" in text and pin not in text
    (sale,) = shift_card_sales(rig.shop, rig.operator)
    assert print_logs(rig) == [("card_receipt", sale.movement_id, False, True, "system")]
