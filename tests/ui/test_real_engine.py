"""The cashier window against a real line engine process (simulator scenario)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from callshop_pos.lines.ipc import EngineClient
from callshop_pos.services import auth
from callshop_pos.services.context import Shop
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import fast_hasher
from ui.bridge import EngineBridge
from ui.demo import DEMO_ACCOUNTS, demo_url, prepare_demo
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.till import Till

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = """booth,start,number,ring,talk
Booth 1,0,00493012345678,1,65
Booth 2,2,00442079460000,1,30
"""


@pytest.mark.slow
def test_calls_and_commands_through_a_real_engine(qtbot, tmp_path) -> None:
    data = Path(os.environ["CALLSHOP_DATA_DIR"])
    url = demo_url(data)
    shop = Shop.open(url, hasher=fast_hasher())
    prepare_demo(shop)
    actor = auth.login(shop, DEMO_ACCOUNTS[0][1], DEMO_ACCOUNTS[0][2])
    shifts.open_shift(shop, actor, 5000)
    scenario = tmp_path / "scenario.csv"
    scenario.write_text(SCENARIO, encoding="utf-8")
    log = tmp_path / "engine.log"
    with log.open("wb") as out:
        engine = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "--data-dir",
                str(data),
                "--db",
                url,
                "engine",
                "--driver",
                "simulator",
                "--scenario",
                str(scenario),
                "--speed",
                "20",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    bridge = EngineBridge()
    client = EngineClient(
        data,
        on_snapshot=bridge.on_snapshot,
        on_call_finished=bridge.on_call_finished,
        on_connection=bridge.on_connection,
    )
    try:
        window = MainWindow(
            Till(shop, actor),
            bridge,
            client,
            Formatter(QLocale("en_US")),
            quote=lambda n: shop.pricing.rater.quote(n),  # noqa: PLW0108
            today=date.today,
        )
        qtbot.addWidget(window)
        bridge.attach()
        window.show()
        client.start()
        qtbot.waitUntil(lambda: bridge.connected or engine.poll() is not None, timeout=60_000)
        assert engine.poll() is None, log.read_text(errors="replace")
        qtbot.waitUntil(lambda: "Booth 2" in window.grid.booths(), timeout=30_000)
        # Both scripted calls end, are recorded and priced by the engine, and show up.
        qtbot.waitUntil(lambda: window.calls.model.rowCount() == 2, timeout=60_000)
        by_booth = {c.booth: c for c in window.calls.model.calls()}
        assert by_booth["Booth 1"].duration_s == 65 and by_booth["Booth 1"].billable_s == 120
        assert by_booth["Booth 1"].price_minor == 10  # 2 min × 0.05 (sample list, Germany)
        assert by_booth["Booth 2"].destination == "United Kingdom London"
        assert window.shift_bar.summary is not None
        assert window.shift_bar.summary.call_count == 2
        # A lock from the window reaches the engine, which answers with the new state.
        window.grid.select_booth("Booth 2")
        window.lock_action.trigger()
        qtbot.waitUntil(lambda: window.grid.tile("Booth 2").snapshot.locked, timeout=30_000)
        window.lock_action.trigger()
        qtbot.waitUntil(lambda: not window.grid.tile("Booth 2").snapshot.locked, timeout=30_000)
    finally:
        client.close()
        engine.terminate()
        try:
            engine.wait(30)
        except subprocess.TimeoutExpired:
            engine.kill()
            engine.wait(10)
        shop.close()
