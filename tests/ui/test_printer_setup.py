"""#13 point 15: with no printer set up, the first PAY offers the set-up once (not the
system print dialog); the choice is kept in the shop's settings; a PDF folder gets one
file per receipt; the Devices menu changes it; a closed session's receipts reprint
from its view."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale

from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.till import shifts
from callshop_pos.services.till.payment_list import shift_payments
from drivers.devices import build_devices
from tests.callshop_pos.support import SeededShop
from tests.ui.support import CallMaker, FakeEngine, when_dialog
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.printer_setup import PrinterSetupDialog
from ui.receipt_actions import ReceiptActions, attach_devices
from ui.sessions import SessionsDialog, ShiftDetailDialog
from ui.till import Till


def _till(qtbot: Any, seeded: SeededShop) -> tuple[MainWindow, ReceiptActions]:
    shop, _admin, olga = seeded
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = MainWindow(
        Till(shop, olga),
        bridge,
        engine,
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        confirm=lambda _t, _x: True,
        today=lambda: date(2026, 1, 5),
    )
    actions = attach_devices(window, bridge, build_devices=build_devices)
    bridge.attach()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: len(window.grid.booths()) == 4)
    return window, actions


def _pay(qtbot: Any, window: MainWindow, maker: CallMaker, then: Any = None) -> None:
    call_id = maker.finish("Booth 1", price_minor=137)
    qtbot.waitUntil(lambda: window.calls.model.find(call_id) is not None)
    window.calls.select_calls([call_id])

    def pay(dialog: Any) -> None:
        if then is not None:
            when_dialog(window, then)
        dialog.tendered_edit.setText("5")
        dialog.ok_button.click()

    when_dialog(window, pay)
    window.pay_action.trigger()


def test_first_pay_offers_the_set_up_once_and_a_pdf_folder_keeps_every_receipt(
    qtbot, seeded, tmp_path: Path
) -> None:
    shop = seeded.shop
    settings_service.update_settings(shop, seeded.admin, print_policy="always")
    shifts.open_shift(shop, seeded.operator, 0)
    folder = tmp_path / "receipts"
    offered: list[str] = []

    def set_up(dialog: Any) -> None:
        assert isinstance(dialog, PrinterSetupDialog)
        offered.append(dialog.windowTitle())
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("pdf"))
        dialog.folder_edit.setText("relative/folder")
        dialog.ok_button.click()  # refused in words by the core
        assert dialog.isVisible() and "full path" in dialog.error_label.text()
        dialog.folder_edit.setText(str(folder))
        dialog.ok_button.click()

    window, actions = _till(qtbot, seeded)
    maker = CallMaker(shop, window.bridge)
    try:
        _pay(qtbot, window, maker, set_up)
        _pay(qtbot, window, maker)  # no second offer
        qtbot.waitUntil(lambda: not actions.devices.busy(), timeout=5000)
    finally:
        actions.close()
    assert offered == ["Printer set-up"]
    assert settings_service.get_settings(shop).printer_setup == "pdf"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["receipt-000001.pdf", "receipt-000002.pdf"]
    # The next login prints there at once: the choice is the shop's setting.
    window2, actions2 = _till(qtbot, seeded)
    try:
        assert actions2.devices.receipt_target == "escpos"  # the PDF folder printer
        maker.bridge = window2.bridge
        _pay(qtbot, window2, maker)
        qtbot.waitUntil(lambda: not actions2.devices.busy(), timeout=5000)
    finally:
        actions2.close()
    assert len(list(folder.iterdir())) == 3


def test_no_printer_is_asked_once_and_kept(qtbot, seeded) -> None:
    shop = seeded.shop
    settings_service.update_settings(shop, seeded.admin, print_policy="always")
    shifts.open_shift(shop, seeded.operator, 0)
    offers: list[int] = []

    def none(dialog: Any) -> None:
        offers.append(1)
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("none"))
        dialog.ok_button.click()

    window, actions = _till(qtbot, seeded)
    maker = CallMaker(shop, window.bridge)
    try:
        _pay(qtbot, window, maker, none)
        _pay(qtbot, window, maker, none)
    finally:
        actions.close()
    window2, actions2 = _till(qtbot, seeded)
    try:
        maker.bridge = window2.bridge
        _pay(qtbot, window2, maker, none)
    finally:
        actions2.close()
    assert offers == [1]
    assert settings_service.get_settings(shop).printer_setup == "none"


def test_devices_menu_changes_the_set_up(qtbot, seeded, tmp_path: Path) -> None:
    shifts.open_shift(seeded.shop, seeded.operator, 0)
    window, actions = _till(qtbot, seeded)
    assert actions.printer_setup_action in actions.menu.actions()

    def network(dialog: Any) -> None:
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("network"))
        dialog.host_edit.setText("127.0.0.1")
        dialog.ok_button.click()

    try:
        when_dialog(window, network)
        actions.printer_setup_action.trigger()
        assert actions.devices.printer is not None and actions.devices.drawer is not None
        assert actions.drawer_action.isEnabled()
        now = settings_service.get_settings(seeded.shop)
        assert now.devices["printer"]["connection"] == "tcp:127.0.0.1:9100"
    finally:
        actions.close()


def test_a_closed_sessions_receipt_reprints_from_its_view(qtbot, seeded, tmp_path: Path) -> None:
    shop, _admin, olga = seeded
    folder = tmp_path / "pdf"
    settings_service.update_settings(
        shop,
        seeded.admin,
        printer_setup="pdf",
        print_policy="never",
        devices={"printer": {"connection": f"pdf:{folder}"}},
    )
    shifts.open_shift(shop, olga, 0)
    window, actions = _till(qtbot, seeded)
    try:
        _pay(qtbot, window, CallMaker(shop, window.bridge))
        shift_id = window.till.current_shift().id  # type: ignore[union-attr]
        shifts.close_shift(shop, olga, 137)
        assert len(shift_payments(shop, olga, shift_id)) == 1
        sessions = SessionsDialog(
            window.till.list_shifts,
            window.till.show_shift,
            window.fmt,
            today=date(2026, 1, 5),
            reprint_receipt=window.session_reprint,
            reprint_report=window.session_report,
        )
        qtbot.addWidget(sessions)
        sessions.set_period(date(2000, 1, 1), date(2100, 1, 1))
        detail = sessions.open_row(0)
        assert isinstance(detail, ShiftDetailDialog)
        assert detail.reprint_button.isVisibleTo(detail)

        def choose(dialog: Any) -> None:
            dialog.ok_button.click()

        when_dialog(window, choose)
        detail.reprint_button.click()
        detail.report_button.click()
        qtbot.waitUntil(lambda: not actions.devices.busy(), timeout=5000)
        detail.close()
    finally:
        actions.close()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["receipt-000001-copy.pdf", f"z-report-{shift_id}-copy.pdf"]
