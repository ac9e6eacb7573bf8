"""The sync state in the cashier window's status bar: read off the GUI thread, shown
without ever blocking the window."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from callshop_pos.services.admin.settings import update_settings
from callshop_pos.sync.status import SyncStatus
from tests.callshop_pos.support import SeededShop
from tests.callshop_pos.sync.support import close_a_busy_shift
from ui.sync_status import SyncStatusLabel, attach_sync_status, describe

SOFIA = ZoneInfo("Europe/Sofia")
T1 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)


def status(**kw: object) -> SyncStatus:
    base: dict[str, object] = dict(
        linked=True,
        url="https://central.example",
        shop="sofia-1",
        pending=0,
        parked=0,
        delivered=5,
        oldest_pending_at=None,
        last_attempt_at=T1,
        last_success_at=T1,
        last_error=None,
        last_error_at=None,
        last_heartbeat_at=None,
        carrier_balance_micro_usd=None,
        carrier_balance_at=None,
        pending_price_lists=0,
    )
    base.update(kw)
    return SyncStatus(**base)  # type: ignore[arg-type]


def test_texts() -> None:
    assert describe(status(linked=False), SOFIA)[0] == ""
    assert describe(status(linked=False, pending=2), SOFIA)[0] == (
        "Central: not linked, 2 shift(s) waiting"
    )
    assert describe(status(), SOFIA)[0] == "Central: all sent · last sent 2026-01-05 11:00"
    text, tip, problem = describe(
        status(pending=3, last_error="central unreachable: refused", last_error_at=T2), SOFIA
    )
    assert text == "Central: 3 waiting · offline since 2026-01-05 12:30" and problem
    assert "central unreachable: refused" in tip
    text, _, problem = describe(status(parked=1), SOFIA)
    assert "1 refused" in text and problem


def test_a_slow_read_never_blocks_the_window(qtbot: QtBot) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow_read() -> SyncStatus:
        calls.append(1)
        release.wait(10)
        return status(pending=1)

    window = QMainWindow()
    qtbot.addWidget(window)
    label = SyncStatusLabel(slow_read, SOFIA, window, interval_ms=20)
    window.statusBar().addPermanentWidget(label)
    window.show()
    qtbot.wait(200)  # the GUI thread keeps running its event loop meanwhile
    assert label.text() == "" and len(calls) == 1  # one read at a time, no pile-up
    release.set()
    qtbot.waitUntil(lambda: label.text().startswith("Central: 1 waiting"), timeout=5000)
    window.close()
    label.close_worker()


def test_attached_to_a_window_it_shows_the_shop_state(qtbot: QtBot, seeded: SeededShop) -> None:
    shop = seeded.shop
    close_a_busy_shift(shop, seeded.operator)
    update_settings(
        shop, seeded.admin, central_url="http://127.0.0.1:9", central_shop="s-1", central_token="t"
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    label = attach_sync_status(window, shop)
    window.show()
    qtbot.waitUntil(lambda: label.text() == "Central: 1 waiting", timeout=5000)
    assert "http://127.0.0.1:9 (shop s-1)" in label.toolTip()
    window.close()
    label.close_worker()


def test_a_failing_read_is_shown_not_raised(qtbot: QtBot) -> None:
    def broken() -> SyncStatus:
        raise RuntimeError("database unreachable")

    window = QMainWindow()
    qtbot.addWidget(window)
    label = SyncStatusLabel(broken, SOFIA, window)
    window.statusBar().addPermanentWidget(label)
    window.show()
    qtbot.waitUntil(lambda: label.text() == "Central: status unknown", timeout=5000)
    assert "database unreachable" in label.toolTip()
    window.close()
    label.close_worker()
