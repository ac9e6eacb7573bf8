from __future__ import annotations

from PySide6.QtCore import QLocale, Qt

from callshop_pos.lines.snapshot import BillingMode, BoothState
from tests.ui.factories import snapshot
from ui.booth_grid import BoothGrid
from ui.formatting import Formatter


def _grid(qtbot, n: int) -> BoothGrid:
    grid = BoothGrid(Formatter(QLocale("en_US")))
    qtbot.addWidget(grid)
    for i in range(1, n + 1):
        grid.update_booth(snapshot(f"Booth {i}", i))
    grid.resize(1000, 600)
    grid.show()
    return grid


def test_tile_shows_state_in_words_and_colour_property(qtbot) -> None:
    grid = _grid(qtbot, 2)
    grid.update_booth(
        snapshot(
            "Booth 2",
            2,
            state=BoothState.TALKING,
            number="0049301234",
            destination="Germany",
            elapsed_s=65.0,
            price_minor=120,
        )
    )
    tile = grid.tile("Booth 2")
    assert tile.property("state") == "talking"
    assert tile._state.text() == "Talking"
    assert tile._destination.text() == "Germany"
    assert tile._elapsed.text() == "1:05"
    assert tile._price.text() == "€1.20"
    grid.update_booth(snapshot("Booth 2", 2, locked=True, state=BoothState.LOCKED))
    assert tile.property("state") == "locked"
    assert tile._state.text() == "Locked"
    assert tile._price.text() == ""


def test_prepaid_credit_and_driver_status(qtbot) -> None:
    grid = _grid(qtbot, 1)
    grid.update_booth(
        snapshot(
            billing=BillingMode.PREPAID,
            credit_left_minor=450,
            driver="sip",
            driver_status="offline",
            state=BoothState.OFFLINE,
        )
    )
    tile = grid.tile("Booth 1")
    assert "Credit €4.50" in tile._info.text()
    assert tile._driver.text() == "SIP offline"
    assert tile._state.text() == "Offline"


def test_meter_ticks_client_side_from_one_timer(qtbot) -> None:
    grid = _grid(qtbot, 3)
    seen: list[float] = []

    def meter(snap, elapsed: float) -> int:
        seen.append(elapsed)
        return int(elapsed) * 2

    grid.set_meter(meter)
    grid.update_booth(snapshot("Booth 1", 1, state=BoothState.TALKING, elapsed_s=10.0))
    tile = grid.tile("Booth 1")
    start = len(seen)
    # The grid's single ticker refreshes the talking tile without any engine message.
    qtbot.waitUntil(lambda: len(seen) >= start + 3, timeout=3000)
    assert seen[-1] > 10.0
    assert tile._price.text().startswith("€")
    # Only one timer ticks for all tiles.
    from PySide6.QtCore import QTimer

    assert len([t for t in grid.findChildren(QTimer) if t.isActive()]) == 1


def test_digits_pick_a_booth_and_arrows_move(qtbot) -> None:
    grid = _grid(qtbot, 12)
    with qtbot.waitSignal(grid.selected) as sig:
        qtbot.keyClick(grid, Qt.Key.Key_3)
    assert sig.args == ["Booth 3"]
    qtbot.keyClick(grid.tile("Booth 3"), Qt.Key.Key_1)
    qtbot.keyClick(grid.tile("Booth 1"), Qt.Key.Key_2)
    assert grid.current_booth == "Booth 12"
    qtbot.keyClick(grid.tile("Booth 12"), Qt.Key.Key_Left)
    assert grid.current_booth == "Booth 11"


def test_grid_scales_to_64_booths_compact(qtbot) -> None:
    grid = _grid(qtbot, 64)
    assert len(grid.booths()) == 64
    assert grid.tile("Booth 64").property("compact") is True
    assert grid._columns >= 4


def test_tile_menu_requests_actions(qtbot) -> None:
    grid = _grid(qtbot, 1)
    grid.update_booth(snapshot(state=BoothState.TALKING, elapsed_s=3.0))
    menu = grid.tile("Booth 1").build_menu()
    texts = {a.text(): a for a in menu.actions()}
    with qtbot.waitSignal(grid.action_requested) as sig:
        texts["Hang up…"].trigger()
    assert sig.args == ["Booth 1", "hang_up"]
    with qtbot.waitSignal(grid.action_requested) as sig:
        texts["Lock"].trigger()
    assert sig.args == ["Booth 1", "lock"]
    assert not texts["Take deposit…"].isEnabled()
    menu.deleteLater()
