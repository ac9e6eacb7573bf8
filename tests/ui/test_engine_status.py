"""The line engine's state in the window (#13 point 9): running, stopped or not
reachable, live in the status bar; quitting says what happens to the engine."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QCloseEvent

from callshop_pos.services.till import shifts
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window
from ui.app import CashierApp
from ui.bridge import EngineBridge
from ui.engine_status import EngineState, attach_engine_status
from ui.till import Till


class Probe:
    """What the data directory says: the pid of a live engine process, or None."""

    def __init__(self) -> None:
        self.pid: int | None = None

    def __call__(self) -> int | None:
        return self.pid


def test_running_stopped_and_not_reachable_live(qtbot, seeded: SeededShop) -> None:
    shop, _admin, olga = seeded
    shifts.open_shift(shop, olga, 0)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = cashier_window(qtbot, shop, olga, bridge, engine, booths=4)
    probe = Probe()
    label = attach_engine_status(window, bridge, probe, interval_ms=20)
    assert label in window.statusBar().findChildren(type(label))
    assert label.state is EngineState.RUNNING and "running" in label.text()

    probe.pid = 4321  # the engine's process is alive but the connection is gone
    bridge.on_connection(False)
    qtbot.waitUntil(lambda: label.state is EngineState.UNREACHABLE)
    assert "not reachable" in label.text() and "4321" in label.toolTip()
    assert label.objectName() == "engine_unreachable"

    probe.pid = None  # ... then it exits: seen without any new connection event
    qtbot.waitUntil(lambda: label.state is EngineState.STOPPED)
    assert "stopped" in label.text() and "callshop-pos engine" in label.toolTip()

    bridge.on_connection(True)  # started again
    qtbot.waitUntil(lambda: label.state is EngineState.RUNNING)
    assert label.objectName() == "engine_running"


class _Spontaneous(QCloseEvent):
    """A close as the window manager sends it (the cashier clicked ×)."""

    def spontaneous(self) -> bool:
        return True


@pytest.fixture
def cashier(qtbot, qapp, seeded: SeededShop, tmp_path):
    shop, _admin, olga = seeded
    shifts.open_shift(shop, olga, 0)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    app = CashierApp(qapp, shop, bridge, engine, tmp_path / "data")
    app.switch_language("en")
    app.till = Till(shop, olga)
    asked: list[str] = []
    answers: list[bool] = []
    app.ask = lambda title, text: asked.append(text) or answers.pop(0)  # type: ignore[func-returns-value]
    window = app.show_window()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(window.grid.booths()) == 4)
    return app, window, asked, answers


def test_quitting_says_the_engine_keeps_metering_and_may_be_cancelled(cashier) -> None:
    _app, window, asked, answers = cashier
    answers.append(False)  # Cancel
    event = _Spontaneous()
    window.closeEvent(event)
    assert not event.isAccepted() and window.isVisible()
    assert len(asked) == 1
    assert "keeps running" in asked[0] and "metered" in asked[0]
    assert "callshop-pos engine stop" in asked[0]
    answers.append(True)  # Quit
    event = _Spontaneous()
    window.closeEvent(event)
    assert event.isAccepted() and len(asked) == 2


def test_in_demo_mode_quitting_says_the_demo_engine_stops(cashier) -> None:
    app, window, asked, answers = cashier
    app.demo = True
    answers.append(True)
    window.closeEvent(_Spontaneous())
    assert "stops with the till" in asked[0] and "recorded" in asked[0]


def test_the_till_closing_its_own_window_asks_nothing(cashier) -> None:
    app, window, asked, _answers = cashier
    app.switch_language("bg")  # rebuilds (closes) the window
    assert asked == []
    assert app.window is not None and app.window is not window
    app.window.close()
    assert asked == []
    app.languages.apply("en")


def test_no_engine_connected_nothing_to_say(cashier) -> None:
    app, window, asked, _answers = cashier
    app.bridge.connected = False
    event = _Spontaneous()
    window.closeEvent(event)
    assert event.isAccepted() and asked == []


def test_the_status_bar_speaks_bulgarian(qtbot, qapp) -> None:
    from zoneinfo import ZoneInfo

    from callshop_pos.sync.status import SyncStatus
    from ui.i18n import Languages
    from ui.sync_status import describe

    languages = Languages(qapp)
    languages.apply("bg")
    try:
        bridge = EngineBridge()
        window = _window_for_status(qtbot)
        label = attach_engine_status(window, bridge, lambda: None)
        assert label.text() == "■ Линиите са спрени"
        bridge.on_connection(True)
        qtbot.waitUntil(lambda: label.state is EngineState.RUNNING)
        assert label.text() == "● Линиите работят"
        status = SyncStatus(
            linked=False,
            url="",
            shop="",
            pending=2,
            parked=0,
            delivered=0,
            oldest_pending_at=None,
            last_attempt_at=None,
            last_success_at=None,
            last_error=None,
            last_error_at=None,
            last_heartbeat_at=None,
            carrier_balance_micro_usd=None,
            carrier_balance_at=None,
            pending_price_lists=0,
        )
        assert (
            describe(status, ZoneInfo("Europe/Sofia"))[0] == "Централа: няма връзка, 2 смени чакат"
        )
    finally:
        languages.apply("en")


def _window_for_status(qtbot):
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    return window
