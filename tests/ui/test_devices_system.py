"""Without a receipt printer: receipts on the chosen system printer; a broken devices
setting does not stop the till."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QLocale
from sqlalchemy import select

from callshop_pos.db.models.devices import PrintLog
from callshop_pos.services.till import shifts
from drivers.devices import build_devices
from tests.ui.devices_support import build_rig
from tests.ui.support import FakeEngine
from tests.ui.test_devices_pay import pay_one
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.receipt_actions import attach_devices
from ui.system_printer import SystemPrinter, pdf_printer
from ui.till import Till


def test_receipt_goes_to_the_system_printer(qtbot, seeded, tmp_path: Path) -> None:
    rig = build_rig(qtbot, seeded, print_policy="always", no_devices=True)
    out = tmp_path / "receipt.pdf"
    rig.devices.system_printer = SystemPrinter(language="en", printer=pdf_printer(out))
    try:
        assert rig.devices.receipt_target == "system"
        assert not rig.actions.drawer_action.isEnabled()  # no drawer without a printer
        pay_one(qtbot, rig, price=137)
    finally:
        rig.actions.close()
    text = " ".join((PdfReader(out).pages[0].extract_text() or "").split())
    assert "TOTAL" in text and "1.37 €" in text and "COPY" not in text
    with rig.shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
        assert (log.document, log.copy, log.ok, log.target) == ("receipt", False, True, "system")


def test_a_broken_devices_setting_is_reported_and_the_till_works(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    shop.use_settings(shop.settings.replace(devices={"printer": {"connection": "lpt:1"}}))
    shifts.open_shift(shop, olga, 0)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    window = MainWindow(
        Till(shop, olga),
        bridge,
        engine,
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        today=lambda: date(2026, 1, 5),
    )
    qtbot.addWidget(window)
    actions = attach_devices(window, bridge, build_devices=build_devices)
    try:
        assert "devices are not set up correctly" in actions.problem_box.text()
        assert "'lpt'" in actions.problem_box.text()
        assert actions.devices.receipt_target is None
        assert actions.devices.fiscal is None and window.till.pay_runner is None
    finally:
        actions.close()


def test_the_window_gets_its_devices_from_the_composition_roots_factory(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    shifts.open_shift(shop, olga, 0)
    bridge = EngineBridge()
    window = MainWindow(
        Till(shop, olga),
        bridge,
        FakeEngine(bridge),
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        today=lambda: date(2026, 1, 5),
    )
    qtbot.addWidget(window)
    asked: list[object] = []

    def factory(settings):
        asked.append(settings)
        return build_devices(
            settings.replace(
                devices={"printer": {"connection": f"pdf:{Path('/nonexistent/receipts')}"}}
            )
        )

    actions = attach_devices(window, bridge, build_devices=factory)
    try:
        assert asked == [shop.settings]
        assert actions.devices.receipt_target == "escpos"
    finally:
        actions.close()
    bare = attach_devices(window, bridge)  # no factory: a till without devices
    try:
        assert bare.devices.receipt_target is None and bare.devices.drawer is None
    finally:
        bare.close()
