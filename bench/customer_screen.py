#!/usr/bin/env python3
"""Customer screen benchmark: 64 talking booths ticking at 1920×1080.

Measures, in one run, on the offscreen Qt platform, the GUI-thread CPU time of one
tick of the customer screen (every booth's time and price refreshed and painted)
against the baseline of the cashier window's booth grid ticking the same 64
booths, so the second screen's cost is known relative to what the till already
pays. Also the CPU share at 4 ticks a second.
Run: ``QT_QPA_PLATFORM=offscreen python bench/customer_screen.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 200


def main() -> int:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
    from ui.app import load_stylesheet
    from ui.booth_grid import BoothGrid
    from ui.bridge import EngineBridge
    from ui.customer_screen import TICK_MS, CustomerScreen
    from ui.formatting import Formatter

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    load_stylesheet(app)
    fmt = Formatter(QLocale("en_IE"))
    snaps = [
        BoothSnapshot(
            booth=f"Booth {n}",
            position=n,
            state=BoothState.TALKING,
            locked=False,
            driver="sip",
            driver_status="registered",
            billing=BillingMode.POSTPAID,
            number="00493012345678",
            destination="Germany",
            elapsed_s=float(n * 7),
            price_minor=n,
            seq=1,
        )
        for n in range(1, 65)
    ]

    def meter(snap: BoothSnapshot, elapsed: float) -> int:
        return int(elapsed) // 6 * 4

    bridge = EngineBridge()
    bridge.attach()
    screen = CustomerScreen(bridge, fmt, shop_name="Bench", meter=meter)
    grid = BoothGrid(fmt)
    grid.set_meter(meter)
    for snap in snaps:
        screen.update_booth(snap)
        grid.update_booth(snap)
    screen.resize(1920, 1080)
    grid.resize(1366, 500)
    screen.show()
    grid.show()
    for _ in range(5):
        app.processEvents()

    def cpu_per_tick(tick) -> float:
        start = time.process_time()
        for _ in range(ROUNDS):
            tick()
            app.processEvents()  # the repaint is part of the cost
        return (time.process_time() - start) / ROUNDS

    baseline = cpu_per_tick(grid.tick)
    customer = cpu_per_tick(screen.tick)
    screen.close()
    grid.close()
    share = customer * 1000 / TICK_MS
    print(f"booth grid tick (baseline): {baseline * 1000:.2f} ms CPU")
    print(
        f"customer screen tick:       {customer * 1000:.2f} ms CPU "
        f"({customer / baseline:.2f}x baseline)"
    )
    print(f"customer screen at {1000 // TICK_MS}/s: {share:.1%} of one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
