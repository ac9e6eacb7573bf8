"""The database call recorder: idempotent on call_ref, files calls in shifts, never
drops a call, charges the carrier ledger, and finishes interrupted calls once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callshop_pos import journal
from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.ledger import LedgerEntry
from callshop_pos.engine_store.call_recorder import (
    DatabaseCallRecorder,
    finish_interrupted,
    last_heartbeat,
)
from callshop_pos.errors import NotFound
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallRecorder, CallStart
from callshop_pos.services.admin.ledger import balance
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, current_shift, open_shift, shift_calls
from tests.callshop_pos.services.till_support import rating, record_call

PRICES = "country,code,wholesale_usd,retail,initial,increment\nUK,44,0.012,0.30,60,60\n"


def journal_length(shop: Shop) -> int:
    with shop.db.read() as session:
        return journal.head(session)[0]


def test_recorder_satisfies_the_port(shop: Shop) -> None:
    recorder: CallRecorder = DatabaseCallRecorder(shop)
    assert recorder.calls_in_progress() == []


def test_every_step_is_idempotent_on_call_ref(shop: Shop, clock: FakeClock) -> None:
    rec = DatabaseCallRecorder(shop)
    start = CallStart(booth="B1", call_ref="sip-1", number="00441234567", setup_at=clock.now())
    call_id = rec.call_started(start)
    assert rec.call_started(start) == call_id
    answered = clock.now() + timedelta(seconds=4)
    rec.call_answered("sip-1", answered)
    rec.call_answered("sip-1", answered + timedelta(seconds=9))  # replay: first one stands
    end = answered + timedelta(seconds=75)
    steps = journal_length(shop)
    args = ("sip-1", end, HangupReason.NORMAL, HangupSide.FAR_END, rating(60, 75))
    assert rec.call_ended(*args) == call_id
    assert rec.call_ended(*args) == call_id
    assert journal_length(shop) == steps + 1
    with shop.db.read() as session:
        calls = session.scalars(select(Call)).all()
        assert len(calls) == 1
        call = calls[0]
        assert call.answered_at == answered and call.ended_at == end
        assert (call.state, call.status, call.price_minor, call.duration_s) == (
            "finished",
            "unserved",
            60,
            75,
        )
        assert (call.end_reason, call.end_side) == ("normal", "far_end")
        costs = session.scalars(select(LedgerEntry)).all()
        assert [(c.kind, c.amount_micro_usd, c.call_id) for c in costs] == [
            ("call_cost", -12_000, call_id)
        ]
    assert balance(shop, SYSTEM) == -12_000
    assert rec.calls_in_progress() == []


def test_unknown_call_ref(shop: Shop, clock: FakeClock) -> None:
    rec = DatabaseCallRecorder(shop)
    with pytest.raises(NotFound):
        rec.call_answered("nope", clock.now())
    with pytest.raises(NotFound):
        rec.call_ended("nope", clock.now(), HangupReason.NORMAL, HangupSide.BOOTH, rating(1))


def test_unrated_call_is_recorded_and_flagged(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    call_id = record_call(shop, None, wholesale_micro_usd=None, flags=("estimated_answer",))
    (view,) = shift_calls(shop, operator)
    assert view.id == call_id
    assert view.price_minor is None
    assert view.flags == ("estimated_answer", "unrated")
    summary = current_shift(shop, operator)
    assert summary is not None and (summary.call_count, summary.unrated) == (1, 1)
    assert balance(shop, SYSTEM) == 0  # no wholesale rate known: nothing charged


def test_unanswered_attempt_is_kept_but_not_billed(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    attempt = record_call(shop, 100, answered=False)
    (view,) = shift_calls(shop, operator, include_attempts=True)
    assert view.id == attempt
    assert (view.answered_at, view.price_minor, view.duration_s) == (None, None, 0)
    assert shift_calls(shop, operator) == []
    assert balance(shop, SYSTEM) == 0


def test_call_running_across_close_joins_the_next_shift(
    shop: Shop, operator: Actor, clock: FakeClock
) -> None:
    first = open_shift(shop, operator, 0).shift.id
    rec = DatabaseCallRecorder(shop)
    rec.call_started(CallStart("B1", "long", "00441234567", clock.now()))
    rec.call_answered("long", clock.now())
    assert [c.call_ref for c in rec.calls_in_progress()] == ["long"]
    close_shift(shop, operator, 0)
    clock.advance(600)
    rec.call_ended("long", clock.now(), HangupReason.NORMAL, HangupSide.BOOTH, rating(300, 600))
    second = open_shift(shop, operator, 0)
    assert second.shift.id != first
    assert second.shift.call_count == 1 and second.adopted_call_ids != ()
    assert shift_calls(shop, operator, first) == []


def test_heartbeat(shop: Shop, clock: FakeClock) -> None:
    rec = DatabaseCallRecorder(shop)
    assert last_heartbeat(shop) is None
    rec.heartbeat(clock.now())
    clock.advance(1)
    rec.heartbeat(clock.now())
    assert last_heartbeat(shop) == clock.now()


def test_finish_interrupted_rates_flags_and_never_twice(
    shop: Shop, admin: Actor, operator: Actor, clock: FakeClock
) -> None:
    import_price_list(shop, admin, PRICES, "prices.csv")
    open_shift(shop, operator, 0)
    rec = DatabaseCallRecorder(shop)
    rec.call_started(CallStart("B2", "crashed", "00441234567", clock.now()))
    clock.advance(3)
    rec.call_answered("crashed", clock.now())
    for _ in range(90):  # the engine beat once a second, then died
        clock.advance(1)
        rec.heartbeat(clock.now())
    beat = clock.now()
    clock.advance(120)  # restarted two minutes later
    (lost,) = rec.calls_in_progress()
    assert lost.call_ref == "crashed" and lost.booth == "B2"
    call_id = finish_interrupted(shop, "crashed")
    assert call_id == lost.call_id
    steps = journal_length(shop)
    assert finish_interrupted(shop, "crashed", clock.now()) == call_id
    assert journal_length(shop) == steps
    (view,) = shift_calls(shop, operator)
    assert view.ended_at == beat
    assert view.duration_s == 90 and view.billable_s == 120
    assert view.price_minor == 60  # 2 minutes at 0.30
    assert view.flags == ("interrupted",)
    assert view.end_reason == "interrupted"
    assert rec.calls_in_progress() == []
    assert balance(shop, SYSTEM) == -18_000  # 90 s at 0.012 USD/min


def test_finish_interrupted_unanswered(shop: Shop, clock: FakeClock) -> None:
    rec = DatabaseCallRecorder(shop)
    rec.call_started(CallStart("B1", "ringing", "00441234567", clock.now()))
    clock.advance(10)
    finish_interrupted(shop, "ringing", clock.now())
    with shop.db.read() as session:
        call = session.scalars(select(Call)).one()
        assert (call.state, call.answered_at, call.price_minor) == ("finished", None, None)
        assert call.flags == "interrupted"
        assert session.scalar(select(func.count(LedgerEntry.id))) == 0


def test_engine_and_cashier_write_at_the_same_time(shop: Shop, operator: Actor) -> None:
    """The engine's recorder (its own thread) and the till's payments interleave safely:
    every call is recorded once, every payment lands, the journal stays intact."""
    import threading

    from callshop_pos.services.admin.verify import verify
    from callshop_pos.services.till.payments import pay_calls

    open_shift(shop, operator, 0)
    total_calls = 40
    errors: list[BaseException] = []

    def engine() -> None:
        try:
            for _ in range(total_calls):
                record_call(shop, 100, booth="B9")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=engine)
    worker.start()
    paid: set[int] = set()
    while worker.is_alive() or len(paid) < total_calls:
        waiting = [c.id for c in shift_calls(shop, operator, status="unserved")]
        if waiting:
            pay_calls(shop, operator, waiting[:3], 300)
            paid.update(waiting[:3])
        elif not worker.is_alive():
            break
    worker.join()
    assert errors == []
    assert len(paid) == total_calls
    summary = current_shift(shop, operator)
    assert summary is not None
    assert (summary.call_count, summary.paid, summary.cash_minor) == (40, 40, 4000)
    assert verify(shop).ok
