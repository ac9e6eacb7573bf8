"""get_calls: the till's read of just-finished calls by id."""

from __future__ import annotations

from datetime import timedelta

from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.services.till.calls import get_calls


def _finish(shop, ref: str, price: int) -> int:
    recorder = DatabaseCallRecorder(shop)
    now = shop.clock.now()
    recorder.call_started(CallStart("Booth 1", ref, "0049301", now))
    recorder.call_answered(ref, now)
    rating = FinishedCallRating("49301", "49", "Germany", None, 30, 60, price, 10, False)
    return recorder.call_ended(
        ref, now + timedelta(seconds=30), HangupReason.NORMAL, HangupSide.BOOTH, rating
    )


def test_get_calls_returns_exactly_the_asked_calls(shop) -> None:
    first = _finish(shop, "a", 10)
    second = _finish(shop, "b", 20)
    _finish(shop, "c", 30)
    found = get_calls(shop, [second, first, 99999])
    assert [c.id for c in found] == [first, second]
    assert [c.price_minor for c in found] == [10, 20]
    assert found[0].status == "unserved" and found[0].answered
    assert get_calls(shop, []) == []
