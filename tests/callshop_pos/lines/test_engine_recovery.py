"""Start-up recovery of calls a crashed engine left in progress: the end is clamped to
what can be true, and a row recovery cannot finish never aborts start-up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.shop_store import recover_interrupted
from callshop_pos.lines.booth import MAX_CALL_S
from callshop_pos.lines.recorder import CallStart
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop

PRICES = "country,code,wholesale_usd,retail\nGermany,49,0.012,0.20\n"


def _duration(shop: Shop, call_id: int) -> int:
    with shop.db.read() as s:
        call = s.get(Call, call_id)
        assert call is not None and call.flag_list == ["interrupted"]
        return call.duration_s


def _interrupted_call(shop: Shop, clock: FakeClock, booth: str, ref: str) -> DatabaseCallRecorder:
    rec = DatabaseCallRecorder(shop)
    rec.call_started(CallStart(booth, ref, "0049 30 1", clock.now()))
    rec.call_answered(ref, clock.now())
    clock.advance(3)
    rec.heartbeat(clock.now())  # the engine died 3 s into the call
    return rec


def test_a_heartbeat_moved_ahead_never_bills_past_now(
    shop: Shop, admin: Actor, clock: FakeClock
) -> None:
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "B1")
    rec = _interrupted_call(shop, clock, "B1", "moved")
    rec.heartbeat(clock.now() + timedelta(hours=3))  # the heartbeat row edited 3 h ahead
    clock.advance(7)  # restarted 7 s later
    (call_id,) = recover_interrupted(shop, rec)
    assert _duration(shop, call_id) == 10  # not 10,803 s


def test_recovered_end_never_passes_the_booth_maximum_duration(
    shop: Shop, admin: Actor, clock: FakeClock
) -> None:
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "B1", max_duration_s=600)
    booth_service.add_booth(shop, admin, "B2")
    rec = _interrupted_call(shop, clock, "B1", "capped")
    _interrupted_call(shop, clock, "B2", "uncapped")
    rec.heartbeat(clock.now() + timedelta(hours=30))
    clock.advance(40 * 3600)  # the engine stayed down for 40 h
    first, second = recover_interrupted(shop, rec)
    assert _duration(shop, first) == 600
    assert _duration(shop, second) == MAX_CALL_S
    with shop.db.read() as s:
        assert s.scalars(select(Call.state)).all() == ["finished", "finished"]
