"""Calling with a prepaid card from a Quicknet booth (fake device, real engine)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.port import HangupReason
from callshop_pos.lines.snapshot import BoothState
from drivers.quicknet import ioctls as q
from tests.callshop_pos.lines.card_fakes import FakeCards
from tests.drivers.test_quicknet import Booths
from tests.waiting import wait_for

PIN = "123456789012"


@pytest.fixture
def booths() -> Iterator[tuple[Booths, FakeCards]]:
    cards = FakeCards()
    cards.add(PIN, 100)
    cards.add("555566667777", 10)
    b = Booths([BoothConfig("Q1", 1)])
    b.engine._cards = cards  # the Quicknet harness builds its engine without cards
    yield b, cards
    b.close()


def test_the_pin_is_never_dialled_out_on_the_pstn_line(booths: tuple[Booths, FakeCards]) -> None:
    b, cards = booths
    dev = b.devices["Q1"]
    b.ready("Q1")
    dev.lift()
    dev.press(f"*77{PIN}*0049301234#")
    wait_for(lambda: dev.bridged)
    assert dev.dialled_out == "0049301234"
    wait_for(lambda: b.state("Q1") is BoothState.TALKING)
    snap = next(s for s in b.engine.snapshots() if s.booth == "Q1")
    assert snap.card and snap.number == "0049301234"
    time.sleep(0.5)
    dev.hang_up()
    wait_for(lambda: b.state("Q1") is BoothState.IDLE)
    (call,) = b.recorder.calls.values()
    assert call.start.number == "0049301234" and call.flags == ("estimated_answer",)
    wait_for(lambda: len(cards.settled) == 1)
    assert call.rating is not None and cards.settled[0].amount_minor == call.rating.price_minor


def test_a_card_below_the_first_block_gets_busy_tone_and_no_line(
    booths: tuple[Booths, FakeCards],
) -> None:
    b, cards = booths
    dev = b.devices["Q1"]
    b.ready("Q1")
    dev.lift()
    dev.press("*77555566667777*0049301234#")
    wait_for(lambda: dev.cpt == "busy")
    assert dev.pstn_state == q.PSTN_ON_HOOK and dev.dialled_out == ""
    (call,) = b.recorder.calls.values()
    wait_for(lambda: call.reason is not None)
    assert call.reason is HangupReason.CREDIT_EXHAUSTED
    assert [s.amount_minor for s in cards.settled] == [0]
