"""Every booth transition, on a fake clock with fake driver, recorder and tariff."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from callshop_pos.errors import CallShopError, NotFound
from callshop_pos.lines.booth import AdmissionRules, BoothConfig, whole_seconds
from callshop_pos.lines.engine import CallFinished, LineEngine
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    DenyCalls,
    Digit,
    HangUpNow,
    HangupReason,
    HangupSide,
    LimitCall,
    Offline,
    RefuseCall,
    Registered,
)
from callshop_pos.lines.snapshot import BillingMode, BoothState
from tests.callshop_pos.lines.fakes import STANDARD_ROWS, FakeDriver, price_minor
from tests.callshop_pos.lines.rig import Rig

ROWS = {r.code: r for r in STANDARD_ROWS}
PREPAID = BoothConfig("B1", 1, billing=BillingMode.PREPAID)


def test_whole_seconds_rounds_half_up() -> None:
    assert whole_seconds(timedelta(seconds=99.4999)) == 99
    assert whole_seconds(timedelta(seconds=99.5)) == 100
    assert whole_seconds(timedelta(seconds=-3)) == 0


def test_registration_idle_and_lock_state_sent_to_driver() -> None:
    rig = Rig(BoothConfig("B1", 1), BoothConfig("B2", 2, locked=True))
    assert rig.snap("B1").state is BoothState.IDLE
    assert rig.snap("B2").state is BoothState.LOCKED
    assert rig.driver.take() == [AllowCalls("B1"), DenyCalls("B2")]
    rig.engine.process(Offline("B1", rig.clock.now(), "registration expired"))
    assert rig.snap("B1").state is BoothState.OFFLINE
    assert rig.snap("B1").driver_status == "offline"


def test_booth_is_offline_until_its_line_registers() -> None:
    rig = Rig()
    rig.engine.process(Offline("B1", rig.clock.now()))
    assert rig.snap().state is BoothState.OFFLINE
    rig.engine.process(Registered("B1", rig.clock.now()))
    assert rig.snap().state is BoothState.IDLE


def test_off_hook_digits_and_back_on_hook() -> None:
    rig = Rig()
    from callshop_pos.lines.port import OffHook

    rig.engine.process(OffHook("B1", rig.clock.now()))
    assert rig.snap().state is BoothState.OFF_HOOK
    for d in "0049":
        rig.engine.process(Digit("B1", rig.clock.now(), d))
    assert rig.snap().number == "0049"
    rig.hang_up(None, reason=HangupReason.CANCELLED)
    assert rig.snap().state is BoothState.IDLE
    assert rig.snap().number is None
    assert rig.recorder.calls == {}


def test_answered_call_is_metered_from_answer_and_recorded_at_meter_price() -> None:
    rig = Rig()
    ref = rig.dial("0049 30 1234567")
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, None)
    assert rig.snap().state is BoothState.DIALING
    rig.ring(ref)
    assert rig.snap().state is BoothState.RINGING
    rig.advance(12)  # ringing is not billed
    assert rig.snap().price_minor is None
    rig.answer(ref)
    assert rig.snap().state is BoothState.TALKING
    assert rig.snap().destination == "Germany"
    rig.advance(100)
    snap = rig.snap()
    assert snap.elapsed_s == pytest.approx(100)
    shown = snap.price_minor
    assert shown == price_minor(ROWS["49"], 100, offpeak=False) == 40  # 120 s x 0.20/min
    assert snap.rate_per_minute == "0.20"
    rig.hang_up(ref)
    call = rig.recorder.calls[ref]
    assert call.rating is not None
    assert call.rating.duration_s == 100
    assert call.rating.price_minor == shown
    assert call.answered_at is not None and call.ended_at is not None
    assert call.reason is HangupReason.NORMAL and call.side is HangupSide.BOOTH
    assert rig.snap().state is BoothState.IDLE
    finished = [n for n in rig.news if isinstance(n, CallFinished)]
    assert finished == [CallFinished(call.call_id, "B1", ref, True, 100, 40, "normal", ())]


def test_final_price_equals_meter_at_every_second() -> None:
    rig = Rig()
    for talk in (1, 29, 30, 31, 36, 37, 95):
        ref = rig.dial("0888123456")
        rig.answer(ref)
        rig.advance(talk)
        shown = rig.snap().price_minor
        rig.hang_up(ref)
        rating = rig.recorder.calls[ref].rating
        assert rating is not None
        assert rating.price_minor == shown == price_minor(ROWS["35988"], talk, False)


def test_hang_up_while_ringing_records_an_unbilled_attempt() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.ring(ref)
    rig.advance(7)
    rig.hang_up(ref, reason=HangupReason.CANCELLED)
    call = rig.recorder.calls[ref]
    assert call.answered_at is None
    assert call.rating is not None and call.rating.duration_s == 0
    assert call.rating.price_minor == 0
    assert call.reason is HangupReason.CANCELLED
    assert rig.snap().state is BoothState.IDLE


def test_far_end_busy_and_no_answer_are_attempts() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.hang_up(ref, reason=HangupReason.BUSY, side=HangupSide.FAR_END)
    assert rig.recorder.calls[ref].reason is HangupReason.BUSY
    ref2 = rig.dial("0049301234")
    rig.ring(ref2)
    rig.advance(20)
    rig.hang_up(ref2, reason=HangupReason.NO_ANSWER, side=HangupSide.FAR_END)
    rating = rig.recorder.calls[ref2].rating
    assert rating is not None and rating.billable_s == 0


def test_locked_booth_refuses_and_records_the_attempt() -> None:
    rig = Rig(BoothConfig("B1", 1, locked=True))
    rig.driver.take()
    ref = rig.dial("0049301234")
    assert rig.driver.take() == [RefuseCall("B1", ref, HangupReason.DENIED, "booth locked")]
    call = rig.recorder.calls[ref]
    assert call.reason is HangupReason.DENIED and call.side is HangupSide.SYSTEM
    assert rig.snap().state is BoothState.LOCKED


def test_blocked_prefix_is_refused_at_dial_time() -> None:
    rig = Rig(rules=AdmissionRules(blocked_prefixes=("3599",)))
    rig.driver.take()
    ref = rig.dial("0900 12345")  # 0900... normalises to 359900...
    (refusal,) = rig.driver.take()
    assert isinstance(refusal, RefuseCall) and refusal.detail == "blocked prefix 3599"
    assert rig.recorder.calls[ref].reason is HangupReason.DENIED
    ok = rig.dial("02 9876543")
    assert isinstance(rig.driver.take()[-1], AdmitCall)
    assert ok in rig.recorder.calls


def test_unknown_destination_refused_by_default() -> None:
    rig = Rig()
    rig.driver.take()
    for number in ("00882 1234567", "0099912345", "*100#"):
        ref = rig.dial(number)
        (refusal,) = rig.driver.take()
        assert isinstance(refusal, RefuseCall), number
        assert refusal.detail == "no retail price for this destination"
        assert rig.recorder.calls[ref].reason is HangupReason.DENIED


def test_unknown_destination_allowed_is_recorded_unrated_and_shown() -> None:
    rig = Rig(rules=AdmissionRules(allow_unrated_calls=True))
    ref = rig.dial("00882 1234567")
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, None)
    rig.answer(ref)
    rig.advance(42)
    snap = rig.snap()
    assert snap.state is BoothState.TALKING
    assert snap.destination == "Satellite"
    assert snap.price_minor is None
    rig.hang_up(ref)
    call = rig.recorder.calls[ref]
    assert call.rating is not None
    assert call.rating.price_minor is None and call.rating.duration_s == 42
    assert call.flags == ("unrated",)
    finished = [n for n in rig.news if isinstance(n, CallFinished)]
    assert finished[-1].flags == ("unrated",) and finished[-1].price_minor is None


def test_prepaid_booth_without_deposit_refuses() -> None:
    rig = Rig(PREPAID)
    rig.driver.take()
    rig.dial("0049301234")
    (refusal,) = rig.driver.take()
    assert isinstance(refusal, RefuseCall) and refusal.detail == "no deposit taken"


def test_prepaid_limit_accounts_for_initial_block_and_connect_fee() -> None:
    usa = ROWS["1"]  # 0.05 connect fee, 90/60 at 0.15/min
    assert price_minor(usa, 90, False) == 28  # 0.05 + 0.225 = 0.275 -> 0.28
    rig = Rig(PREPAID)
    rig.deposit(27)
    rig.driver.take()
    rig.dial("001 212 5550100")
    (refusal,) = rig.driver.take()
    assert isinstance(refusal, RefuseCall)
    assert refusal.detail == "deposit does not cover the first block"
    rig.deposit(1)  # topped up at the till to 0.28
    ref = rig.dial("001 212 5550100")
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, 90)
    rig.hang_up(ref, reason=HangupReason.CANCELLED)


def test_top_up_during_a_call_extends_its_limit() -> None:
    rig = Rig(PREPAID)
    rig.deposit(100)
    ref = rig.dial("0049301234")
    rig.answer(ref)
    before = rig.driver.take()
    assert before[-1] == AdmitCall("B1", ref, 300)  # 1.00 at 0.20/min = 5 min
    rig.deposit(100)  # top-up at the till
    assert rig.driver.take() == [LimitCall("B1", ref, 600, HangupReason.CREDIT_EXHAUSTED)]
    assert rig.snap().deposit_minor == 200


def test_credit_follows_the_database_not_the_engine() -> None:
    rig = Rig(PREPAID)
    rig.deposit(100)
    rig.call("0049301234", 1, 60)  # 0.20 used
    assert rig.snap().credit_left_minor == 80
    # A fresh engine on the same database knows the same credit (nothing in a file).
    fresh = LineEngine(
        clock=rig.clock,
        driver=FakeDriver(),
        recorder=rig.recorder,
        store=rig.store,
        tariff=lambda: rig.tariff,
    )
    fresh.load()
    (snap,) = fresh.snapshots()
    assert (snap.deposit_minor, snap.credit_left_minor) == (100, 80)
    # The till settles: the periodic refresh drops the credit, the booth refuses again.
    rig.store.settle("B1")
    rig.advance(6)
    assert rig.snap().deposit_minor is None
    rig.driver.take()
    rig.dial("0049301234")
    (refusal,) = rig.driver.take()
    assert isinstance(refusal, RefuseCall) and refusal.detail == "no deposit taken"


def test_an_unsaved_call_still_counts_against_the_credit() -> None:
    rig = Rig(PREPAID)
    rig.deposit(100)
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.advance(60)
    rig.recorder.fail_next = 10  # the end of the call cannot be saved for now
    rig.hang_up(ref)
    assert rig.snap().credit_left_minor == 80
    rig.engine.sync_deposit("B1")  # the database does not know the call yet
    assert rig.snap().credit_left_minor == 80
    rig.recorder.fail_next = 0
    rig.advance(6)  # retried, saved, refreshed
    assert rig.recorder.calls[ref].ended_at is not None
    assert rig.snap().credit_left_minor == 80


def test_deposit_exhausted_cuts_the_call_and_credit_is_shown() -> None:
    rig = Rig(PREPAID)
    rig.deposit(100)
    ref = rig.dial("0888 123 456")  # 0.30/min, 30/6
    (admit,) = [c for c in rig.driver.take() if isinstance(c, AdmitCall)]
    limit = admit.limit_s
    assert limit is not None
    assert price_minor(ROWS["35988"], limit, False) <= 100
    assert price_minor(ROWS["35988"], limit + 1, False) > 100
    rig.answer(ref)
    rig.advance(60)
    running = price_minor(ROWS["35988"], 60, False)
    assert rig.snap().credit_left_minor == 100 - running
    # The driver should cut at the limit; this one does not, so the engine's backstop does.
    rig.advance(limit - 60 + 0.75)
    assert not [c for c in rig.driver.sent if isinstance(c, HangUpNow)]
    rig.advance(0.5)
    assert rig.driver.take()[-1] == HangUpNow("B1", HangupReason.CREDIT_EXHAUSTED)
    rig.hang_up(ref, reason=HangupReason.CREDIT_EXHAUSTED, side=HangupSide.SYSTEM)
    rating = rig.recorder.calls[ref].rating
    assert rating is not None and rating.price_minor is not None
    assert rig.snap().credit_left_minor == 100 - rating.price_minor
    assert rig.store.deposits()["B1"].spent_minor == rating.price_minor
    # What is left does not pay for another first block: refused.
    rig.driver.take()
    rig.dial("0888 123 456")
    assert isinstance(rig.driver.take()[-1], RefuseCall)


def test_driver_that_ignores_hang_up_is_ended_by_the_engine() -> None:
    rig = Rig(BoothConfig("B1", 1, max_duration_s=60))
    ref = rig.dial("0049301234")
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, 60, HangupReason.TIME_LIMIT)
    rig.answer(ref)
    rig.advance(61.25)
    assert rig.driver.take() == [HangUpNow("B1", HangupReason.TIME_LIMIT)]
    rig.advance(4.5)
    assert ref not in [r for r, c in rig.recorder.calls.items() if c.ended_at]
    rig.advance(0.75)
    call = rig.recorder.calls[ref]
    assert call.reason is HangupReason.TIME_LIMIT and call.flags == ("forced_end",)
    assert rig.snap().state is BoothState.IDLE
    rig.hang_up(ref)  # the driver's late HungUp is ignored
    assert call.reason is HangupReason.TIME_LIMIT


def test_postpaid_cost_cap_and_max_duration_take_the_smaller_limit() -> None:
    cap = BoothConfig("B1", 1, cost_cap_minor=50, max_duration_s=600)
    rig = Rig(cap)
    ref = rig.dial("0049301234")  # 0.50 at 0.20/min in 60 s steps: 2 whole minutes
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, 120)
    rig.hang_up(ref, reason=HangupReason.CANCELLED)
    short = Rig(BoothConfig("B1", 1, cost_cap_minor=500, max_duration_s=120))
    ref = short.dial("0049301234")
    assert short.driver.take()[-1] == AdmitCall("B1", ref, 120, HangupReason.TIME_LIMIT)


def test_answer_in_another_band_re_limits_the_call() -> None:
    start = datetime(2026, 3, 2, 19, 59, 50, tzinfo=UTC)  # peak until 20:00
    rig = Rig(BoothConfig("B1", 1, cost_cap_minor=60), start=start)
    ref = rig.dial("0049301234")
    assert rig.driver.take()[-1] == AdmitCall("B1", ref, 180)  # 0.60 at 0.20
    rig.ring(ref)
    rig.advance(15)
    rig.answer(ref)  # 20:00:05: off-peak 0.12/min
    assert rig.driver.take() == [LimitCall("B1", ref, 300, HangupReason.CREDIT_EXHAUSTED)]


def test_lock_during_call_lets_it_finish_then_shows_locked() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.driver.take()
    snap = rig.engine.lock("B1")
    assert snap.state is BoothState.TALKING and snap.locked
    assert rig.driver.take() == [DenyCalls("B1")]
    rig.advance(30)
    rig.hang_up(ref)
    assert rig.recorder.calls[ref].rating is not None
    assert rig.snap().state is BoothState.LOCKED
    assert rig.store.saved["B1"].locked
    unlocked = rig.engine.unlock("B1")
    assert unlocked.state is BoothState.IDLE
    assert rig.driver.take() == [AllowCalls("B1")]


def test_lock_with_hang_up_and_cashier_hang_up() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.driver.take()
    rig.engine.lock("B1", hang_up=True)
    assert rig.driver.take() == [DenyCalls("B1"), HangUpNow("B1", HangupReason.CASHIER)]
    rig.hang_up(ref, reason=HangupReason.CASHIER, side=HangupSide.SYSTEM)
    assert rig.recorder.calls[ref].reason is HangupReason.CASHIER
    with pytest.raises(CallShopError, match="no call"):
        rig.engine.hang_up("B1")
    with pytest.raises(NotFound):
        rig.engine.lock("nope")


def test_midnight_crossing_keeps_the_answer_band_and_exact_duration() -> None:
    start = datetime(2026, 3, 28, 23, 58, 0, tzinfo=UTC)
    rig = Rig(start=start)
    ref = rig.dial("0049301234")
    rig.answer(ref)  # 23:58 UTC: off-peak band
    rig.advance(185)  # ends 00:01:05 the next day
    assert rig.snap().price_minor == price_minor(ROWS["49"], 185, offpeak=True)
    rig.hang_up(ref)
    call = rig.recorder.calls[ref]
    assert call.ended_at is not None and call.ended_at.date() == start.date() + timedelta(days=1)
    assert call.rating is not None and call.rating.duration_s == 185 and call.rating.offpeak
    assert call.rating.price_minor == price_minor(ROWS["49"], 185, offpeak=True)


def test_line_offline_mid_call_leaves_the_call_to_the_driver() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.advance(20)
    rig.engine.process(Offline("B1", rig.clock.now(), "registration expired"))
    snap = rig.snap()
    assert snap.state is BoothState.TALKING and snap.driver_status == "offline"
    assert rig.recorder.calls[ref].ended_at is None  # still metered
    rig.advance(10)
    rig.hang_up(ref, side=HangupSide.FAR_END)
    call = rig.recorder.calls[ref]
    assert call.rating is not None and call.rating.duration_s == 30
    assert rig.snap().state is BoothState.OFFLINE


def test_second_dial_while_in_call_is_refused_and_stale_events_ignored() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.driver.take()
    from callshop_pos.lines.port import Dialing

    rig.engine.process(Dialing("B1", rig.clock.now(), "other", "0049111"))
    assert rig.driver.take() == [
        RefuseCall("B1", "other", HangupReason.DENIED, "booth already in a call")
    ]
    rig.hang_up("unknown-ref")
    assert rig.snap().state is BoothState.TALKING
    rig.hang_up(ref)
    assert rig.snap().state is BoothState.IDLE


def test_auto_lock_once_the_booths_calls_are_paid() -> None:
    rig = Rig(BoothConfig("B1", 1, auto_lock=True))
    rig.call("0049301234", 3, 40)
    assert rig.snap().unpaid_calls == 1  # shown as soon as it is recorded
    rig.store.unpaid["B1"] = 1
    rig.engine.refresh()
    assert rig.snap().unpaid_calls == 1 and not rig.snap().locked
    rig.store.unpaid["B1"] = 0
    rig.engine.refresh()
    assert rig.snap().state is BoothState.LOCKED
    assert rig.store.saved["B1"].locked


def test_heartbeat_at_least_every_second_while_calls_run() -> None:
    rig = Rig()
    rig.advance(10)
    assert rig.recorder.heartbeats == []  # nothing to protect while idle
    ref = rig.dial("0049301234")
    rig.answer(ref)
    rig.advance(30)
    beats = rig.recorder.heartbeats
    assert len(beats) >= 30
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(beats)]
    assert max(gaps) <= 1.0
    rig.hang_up(ref)


def test_recorder_failure_is_retried_in_order_nothing_lost() -> None:
    rig = Rig()
    rig.recorder.fail_next = 2
    ref = rig.dial("0049301234")  # call_started fails twice
    assert ref not in rig.recorder.calls
    rig.answer(ref)  # queued behind the start
    rig.advance(5)
    rig.hang_up(ref)
    call = rig.recorder.calls[ref]
    assert call.answered_at is not None and call.rating is not None
    assert call.rating.duration_s == 5
    assert rig.engine.idle()


def test_sync_deposit_rules() -> None:
    rig = Rig(BoothConfig("B1", 1), BoothConfig("P", 2, billing=BillingMode.PREPAID))
    with pytest.raises(CallShopError, match="no booth"):
        rig.engine.sync_deposit("nope")
    assert rig.engine.sync_deposit("P").credit_left_minor is None
    assert rig.deposit(500, "P").credit_left_minor == 500
    assert rig.settle("P").credit_left_minor is None


def test_estimated_answer_is_flagged_for_the_administrator() -> None:
    rig = Rig()
    ref = rig.dial("0049301234")
    from callshop_pos.lines.port import Answered

    rig.engine.process(Answered("B1", rig.clock.now(), ref, estimated=True))
    rig.advance(61)
    rig.hang_up(ref)
    call = rig.recorder.calls[ref]
    assert call.flags == ("estimated_answer",)
    assert call.rating is not None and call.rating.duration_s == 61
