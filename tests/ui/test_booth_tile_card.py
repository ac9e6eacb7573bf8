"""A booth tile while a calling card pays the call: "Card … left", going down live."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
from tests.ui.factories import snapshot
from ui.booth_tile import BoothTile
from ui.formatting import Formatter


def test_a_card_call_shows_the_card_and_its_balance_live(qtbot) -> None:
    snap = snapshot(
        billing=BillingMode.PREPAID,
        credit_left_minor=500,
        state=BoothState.TALKING,
        number="00493012345",
        elapsed_s=61.0,
        price_minor=40,
        card=True,
        card_serial="00000000018",
        card_left_minor=60,
    )
    tile = BoothTile(snap, Formatter(QLocale("en_US")))
    qtbot.addWidget(tile)
    assert tile._info.text() == "Card €0.60 left"  # not the booth's deposit
    assert "Calling card 00000000018" in tile.toolTip()

    def meter(s: BoothSnapshot, elapsed: float) -> int | None:
        return 60 if elapsed >= 120 else s.price_minor  # a third minute started

    tile.set_meter(meter)
    tile.tick(tile._received + 60)
    assert tile._info.text() == "Card €0.40 left"


def test_a_booth_locked_for_wrong_pins_says_why(qtbot) -> None:
    snap = snapshot(
        locked=True,
        state=BoothState.LOCKED,
        lock_reason="5 wrong card PINs within 10 minutes",
    )
    tile = BoothTile(snap, Formatter(QLocale("en_US")))
    qtbot.addWidget(tile)
    assert tile._state.text() == "Locked"
    assert "5 wrong card PINs" in tile.toolTip()
