"""Device peers for the cashier-window device tests: the real ESC/POS driver writing
into python-escpos ``Dummy`` printers, the real pole-display driver on a recorded port."""

from __future__ import annotations

from datetime import date
from typing import Any

from escpos.printer import Dummy
from PySide6.QtCore import QLocale

from callshop_pos.services.till import shifts
from callshop_pos.services.till.fiscal import FiscalGate
from drivers.devices import Devices
from drivers.display.pole import PoleDisplay, PoleSettings
from drivers.printing.escpos import EscPosPrinter, EscPosSettings
from tests.callshop_pos.support import SeededShop
from tests.ui.support import CallMaker, FakeEngine
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.receipt_actions import ReceiptActions, attach_devices
from ui.till import Till

KICK_PIN2 = b"\x1bp\x0022"  # ESC p 0 t1 t2: the drawer's kick pulse on pin 2


class PrinterJobs:
    """The printer's connection: every job opens a fresh ``Dummy``, kept to read back."""

    def __init__(self, fail: str = "") -> None:
        self.jobs: list[Dummy] = []
        self.fail = fail

    def __call__(self) -> Dummy:
        if self.fail:
            raise OSError(self.fail)
        printer = Dummy()
        self.jobs.append(printer)
        return printer

    def outputs(self) -> list[bytes]:
        return [job.output for job in self.jobs]

    def text(self, index: int) -> str:
        return self.jobs[index].output.decode("cp1251", errors="replace")


class PolePort:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class Rig:
    def __init__(
        self,
        window: MainWindow,
        actions: ReceiptActions,
        jobs: PrinterJobs,
        pole: PolePort,
        seeded: SeededShop,
    ) -> None:
        self.window = window
        self.actions = actions
        self.devices = actions.devices
        self.jobs = jobs
        self.pole = pole
        self.shop = seeded.shop
        self.operator = seeded.operator
        self.calls = CallMaker(seeded.shop, window.bridge)

    def settle(self, qtbot: Any) -> None:
        """Wait until every queued device job has been delivered."""
        qtbot.waitUntil(lambda: not self.devices.busy(), timeout=5000)


def build_rig(
    qtbot: Any,
    seeded: SeededShop,
    *,
    fiscal: FiscalGate | None = None,
    printer_fail: str = "",
    no_devices: bool = False,
    **settings: Any,
) -> Rig:
    shop, _admin, olga = seeded
    if settings:
        shop.use_settings(shop.settings.replace(**settings))
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    jobs = PrinterJobs(printer_fail)
    printer = EscPosPrinter(jobs, EscPosSettings(language="en", codepage="CP1251"))
    pole = PolePort()
    display = PoleDisplay(
        lambda: pole, PoleSettings(language="en", codepage="CP1251", codepage_number=46)
    )
    devices = Devices(printer=printer, drawer=printer, display=display, fiscal=fiscal)
    if no_devices:
        devices = Devices(printer=None, drawer=None, display=None, fiscal=None)
    window = MainWindow(
        Till(shop, olga),
        bridge,
        engine,
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        confirm=lambda _t, _x: True,
        today=lambda: date(2026, 1, 5),
    )
    actions = attach_devices(window, bridge, devices=devices)
    bridge.attach()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: len(window.grid.booths()) == 4)
    return Rig(window, actions, jobs, pole, seeded)
