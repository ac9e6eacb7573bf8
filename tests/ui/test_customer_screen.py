"""The customers' screen follows the engine's booth snapshots through the real bridge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale

from callshop_pos.lines.snapshot import BoothState
from tests.ui.factories import snapshot
from ui.bridge import EngineBridge
from ui.customer_screen import CustomerScreen, other_screen
from ui.formatting import Formatter


def make(qtbot, **kw) -> tuple[CustomerScreen, EngineBridge]:
    bridge = EngineBridge()
    screen = CustomerScreen(bridge, Formatter(QLocale("en_IE")), shop_name="Vitosha Calls", **kw)
    qtbot.addWidget(screen)
    bridge.attach()
    return screen, bridge


def test_every_booth_with_live_time_and_running_price(qtbot) -> None:
    screen, bridge = make(qtbot)
    bridge.on_snapshot(
        snapshot(
            "Booth 1",
            1,
            state=BoothState.TALKING,
            number="0049301234",
            destination="Germany",
            elapsed_s=125.0,
            price_minor=75,
            seq=1,
        )
    )
    bridge.on_snapshot(snapshot("Booth 2", 2, seq=1))
    bridge.on_snapshot(snapshot("Booth 3", 3, state=BoothState.LOCKED, locked=True, seq=1))
    qtbot.waitUntil(lambda: len(screen.booths()) == 3)
    talking = screen.card("Booth 1")
    assert talking.price_label.text() == "€0.75"
    assert talking.elapsed_label.text().endswith("2:05")
    assert talking.destination_label.text() == "Germany"
    assert "0049301234" not in talking.destination_label.text()  # never the number itself
    assert screen.card("Booth 2").state_label.text() == "Free"
    assert screen.card("Booth 2").price_label.text() == ""
    assert screen.card("Booth 3").state_label.text() == "Closed"
    assert screen.shop_label.text() == "Vitosha Calls"
    # A newer snapshot moves the price; a stale one (lower seq) is ignored by the bridge.
    bridge.on_snapshot(
        snapshot(
            "Booth 1",
            1,
            state=BoothState.TALKING,
            number="0049301234",
            destination="Germany",
            elapsed_s=190.0,
            price_minor=110,
            seq=3,
        )
    )
    bridge.on_snapshot(
        snapshot(
            "Booth 1",
            1,
            state=BoothState.TALKING,
            number="0049301234",
            destination="Germany",
            elapsed_s=100.0,
            price_minor=60,
            seq=2,
        )
    )
    with qtbot.waitSignal(
        bridge.booth_updated, timeout=2000, check_params_cb=lambda s: s.booth == "Booth 2"
    ):
        # Queued behind the stale update: once this arrives, that one was handled.
        bridge.on_snapshot(snapshot("Booth 2", 2, seq=2))
    assert talking.price_label.text() == "€1.10"
    # The call ends: the booth waits for payment.
    bridge.on_snapshot(snapshot("Booth 1", 1, unpaid_calls=1, seq=4))
    qtbot.waitUntil(lambda: talking.price_label.text() == "")
    assert talking.note_label.text() == "Please pay at the counter"


def test_meter_ticks_between_snapshots(qtbot) -> None:
    """Between snapshots the price comes from the meter (the shop's rater in the app)."""
    seen: list[float] = []

    def meter(snap, elapsed: float) -> int:
        seen.append(elapsed)
        return 40 + int(elapsed)  # one cent a second on top of the connection fee

    screen, bridge = make(qtbot, meter=meter)
    bridge.on_snapshot(
        snapshot("Booth 1", 1, state=BoothState.TALKING, elapsed_s=10.0, price_minor=50, seq=1)
    )
    qtbot.waitUntil(lambda: screen.booths() == ["Booth 1"])
    screen.resize(800, 450)
    screen.show()
    card = screen.card("Booth 1")
    first = len(seen)
    qtbot.waitUntil(lambda: len(seen) >= first + 2, timeout=3000)  # the ticker at work
    assert card.price_label.text() == f"€0.{40 + int(seen[-1]):02d}"
    screen.close()


def test_amount_due_then_paid_and_change(qtbot) -> None:
    screen, _bridge = make(qtbot)
    screen.show()
    assert screen.message() == ""
    screen.show_due(350)
    assert screen.message() == "To pay: €3.50"
    screen.show_change(500, 150)
    assert "Paid €5.00" in screen.message() and "Your change €1.50" in screen.message()
    screen.clear_message()
    assert screen.message() == ""
    screen.close()


def test_placed_as_a_window_when_there_is_one_screen(qtbot) -> None:
    screen, _bridge = make(qtbot)
    assert other_screen(screen.screen()) is None  # offscreen: one screen
    screen.show_on_customer_side(screen.screen())
    assert screen.isVisible() and not screen.isFullScreen()
    screen.close()


@pytest.mark.parametrize("cashier_screen", ["unknown", "primary"])
def test_one_monitor_never_covers_the_till(qtbot, cashier_screen) -> None:
    from PySide6.QtGui import QGuiApplication

    screen, _bridge = make(qtbot)
    monitor = QGuiApplication.primaryScreen()
    # The till's screen may not be known yet (window not shown): still one monitor.
    till_screen = None if cashier_screen == "unknown" else monitor
    assert other_screen(till_screen) is None
    screen.show_on_customer_side(till_screen)
    assert screen.isVisible() and not screen.isFullScreen()
    area = monitor.availableGeometry()
    # A window the cashier can move aside, at most half the monitor each way.
    assert screen.width() <= area.width() // 2 and screen.height() <= area.height() // 2 + 40
    screen.close()
