"""A call never lands in a shift after its Z, while shifts close and open under busy
booths (recording and closing run concurrently, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import rating
from tests.callshop_pos.support import SeededShop

_CYCLES = 25
_BOOTHS = 6


class _Progress:
    """Calls recorded so far; the closer waits for some before each Z, so every shift
    is closed while booths are busy (writers would otherwise starve the booths)."""

    def __init__(self) -> None:
        self.recorded = 0
        self.cond = threading.Condition()

    def one_more(self) -> None:
        with self.cond:
            self.recorded += 1
            self.cond.notify_all()

    def wait_for(self, count: int) -> None:
        with self.cond:
            self.cond.wait_for(lambda: self.recorded >= count, timeout=10)


def _record_until(
    shop: Shop,
    booth: str,
    stop: threading.Event,
    errors: list[BaseException],
    progress: _Progress,
) -> None:
    recorder = DatabaseCallRecorder(shop)
    at = shop.clock.now()
    try:
        for n in itertools.count():
            if stop.is_set():
                return
            ref = f"{booth}-{n}"
            recorder.call_started(
                CallStart(booth=booth, call_ref=ref, number="0044123", setup_at=at)
            )
            recorder.call_answered(ref, at + timedelta(seconds=2))
            recorder.call_ended(
                ref,
                at + timedelta(seconds=30),
                HangupReason.NORMAL,
                HangupSide.BOOTH,
                rating(50, 28),
            )
            progress.one_more()
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def _calls_after_their_z(shop: Shop) -> tuple[int, int, int]:
    """(calls recorded into a shift after that shift's close, closes, calls filed)."""
    closed_at: dict[int, int] = {}
    ended: list[tuple[int, int]] = []
    with shop.db.read() as s:
        for seq, action, subject, payload in s.execute(
            select(
                JournalEntry.seq, JournalEntry.action, JournalEntry.subject_id, JournalEntry.payload
            )
            .where(JournalEntry.action.in_(("shift.close", "call.ended")))
            .order_by(JournalEntry.seq)
        ):
            if action == "shift.close":
                closed_at[int(subject)] = seq
            else:
                shift_id = json.loads(payload)["shift_id"]
                if shift_id is not None:
                    ended.append((seq, shift_id))
    late = sum(1 for seq, shift in ended if shift in closed_at and seq > closed_at[shift])
    return late, len(closed_at), len(ended)


def _race(seeded: SeededShop) -> None:
    shop, admin, operator = seeded
    assert isinstance(shop.clock, FakeClock)
    update_settings(shop, admin, backup_enabled=False)  # copies at each Z: not the point
    open_shift(shop, operator, 0)
    stop = threading.Event()
    errors: list[BaseException] = []
    progress = _Progress()
    booths = [
        threading.Thread(target=_record_until, args=(shop, f"B{i}", stop, errors, progress))
        for i in range(_BOOTHS)
    ]
    for t in booths:
        t.start()
    try:
        for cycle in range(_CYCLES):
            progress.wait_for((cycle + 1) * _BOOTHS)
            close_shift(shop, operator, 0)
            open_shift(shop, operator, 0)
    finally:
        stop.set()
        for t in booths:
            t.join(60)
    assert not errors, errors
    late, closes, filed = _calls_after_their_z(shop)
    assert closes == _CYCLES and progress.recorded >= _CYCLES * _BOOTHS and filed
    assert late == 0, f"{late} of {filed} calls were filed in a shift after its Z"


def test_no_call_lands_in_a_shift_after_its_z_on_sqlite(seeded: SeededShop) -> None:
    _race(seeded)


@pytest.mark.postgres
def test_no_call_lands_in_a_shift_after_its_z_on_postgresql(pg_seeded: SeededShop) -> None:
    _race(pg_seeded)


def test_closing_waits_for_nobody_it_need_not(seeded: SeededShop, operator: Actor) -> None:
    """The lock is per shift row: recording with no shift open still works."""
    shop = seeded.shop
    recorder = DatabaseCallRecorder(shop)
    at = shop.clock.now()
    recorder.call_started(CallStart(booth="B1", call_ref="x", number="0044", setup_at=at))
    recorder.call_answered("x", at)
    recorder.call_ended(
        "x", at + timedelta(seconds=10), HangupReason.NORMAL, HangupSide.BOOTH, rating(10, 10)
    )
    opened = open_shift(shop, operator, 0)
    assert len(opened.adopted_call_ids) == 1
