"""Group commit: the call writer saves what queued up in one transaction, acknowledges
nothing before it is committed, and a batch with a bad record falls back to one
record at a time (the bad one set aside, the others recorded)."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from callshop_pos.clock import FakeClock, SystemClock
from callshop_pos.db.models.calls import Call
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.shop_store import ShopBoothStore, shop_tariff
from callshop_pos.engine_store.writer_process import ProcessCallRecorder
from callshop_pos.lines.engine import CallFinished, LineEngine, persist_record
from callshop_pos.lines.port import (
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    OffHook,
    Registered,
)
from callshop_pos.lines.recorder import CallStart
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.unrecorded import list_unrecorded, set_aside
from tests.callshop_pos.lines.fakes import FakeDriver
from tests.callshop_pos.lines.test_engine_writes import _poisoned_shop
from tests.callshop_pos.support import SeededShop


def test_a_batch_is_one_transaction(shop: Shop, clock: FakeClock) -> None:
    rec = DatabaseCallRecorder(shop)
    commits: list[int] = []
    event.listen(shop.db.engine, "commit", lambda conn: commits.append(1))
    with rec.batch():
        for i in range(5):
            rec.call_started(CallStart("B1", f"b{i}", "0049 30 1", clock.now()))
        rec.heartbeat(clock.now())
    assert len(commits) == 1
    try:
        with rec.batch():
            rec.call_started(CallStart("B1", "gone", "0049 30 1", clock.now()))
            raise RuntimeError("the batch fails")
    except RuntimeError:
        pass
    with shop.db.read() as s:
        assert s.scalar(select(func.count(Call.id))) == 5  # nothing of the failed batch


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_records_queued_behind_a_busy_database_are_saved_together(
    seeded: SeededShop,
    db_url: str,
    clock: FakeClock,
    operator: Actor,
    tmp_path: Path,
    writer: str,
) -> None:
    """Also with the batches written by the call writer process (as the production
    engine does): the same records recorded, the same one set aside."""
    shop = _poisoned_shop(seeded, db_url, SystemClock())  # type: ignore[arg-type]
    recorder = (
        ProcessCallRecorder(shop, SystemClock())
        if writer == "process"
        else DatabaseCallRecorder(shop)
    )
    try:
        for i in range(2, 7):
            booth_service.add_booth(shop, seeded.admin, f"B{i}")
        commits: list[int] = []
        event.listen(shop.db.engine, "commit", lambda conn: commits.append(1))
        finished: list[CallFinished] = []
        driver = FakeDriver()
        engine = LineEngine(
            clock=SystemClock(),
            driver=driver,
            recorder=recorder,
            store=ShopBoothStore(shop, tmp_path),
            tariff=lambda: shop_tariff(shop),
            quarantine=lambda b, r, k, e, err: set_aside(shop, b, r, k, e, err),
            refresh_every_s=3600,
        )
        engine.subscribe(lambda n: finished.append(n) if isinstance(n, CallFinished) else None)
        engine.start()
        assert driver.sink is not None
        sink, now = driver.sink, engine.clock.now
        booths = [f"B{i}" for i in range(1, 7)]
        for b in booths:
            sink(Registered(b, now()))
        while not engine.idle():
            time.sleep(0.01)
        commits.clear()
        holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database for a while
        for i, b in enumerate(booths):
            ref = f"q{i}"
            sink(OffHook(b, now()))
            sink(Dialing(b, now(), ref, "00999 1" if i == 3 else "0049 30 1"))
            sink(Answered(b, now(), ref))
        for i, b in enumerate(booths):
            sink(
                HungUp(
                    b, now() + timedelta(seconds=60), f"q{i}", HangupReason.NORMAL, HangupSide.BOOTH
                )
            )
        time.sleep(0.5)
        assert not any(f.call_ref.startswith("q") for f in finished)  # nothing acknowledged
        holder.execute("COMMIT")
        holder.close()
        deadline = time.monotonic() + 30
        while not engine.idle() and time.monotonic() < deadline:
            time.sleep(0.02)
        engine.stop()
        with shop.db.read() as s:
            states = {r: st for r, st in s.execute(select(Call.call_ref, Call.state))}
        assert {f"q{i}" for i in range(6) if i != 3} <= {
            r for r, st in states.items() if st == "finished"
        }
        assert [(u.call_ref, u.kind) for u in list_unrecorded(shop, operator)] == [("q3", "ended")]
        # 18 records (and heartbeats): far fewer transactions than records.
        if isinstance(recorder, ProcessCallRecorder):
            assert recorder.batches_in_child >= 1 and recorder.batches_here == 0
            assert len(commits) + recorder.batches_in_child < 12
        else:
            assert len(commits) < 12, len(commits)
        assert sorted(f.call_ref for f in finished if f.call_ref.startswith("q")) == [
            "q0",
            "q1",
            "q2",
            "q4",
            "q5",
        ]
    finally:
        if isinstance(recorder, ProcessCallRecorder):
            recorder.close()
        shop.close()


class _CountingBatches(DatabaseCallRecorder):
    """A recorder with ``write_batch`` (as the call writer process offers it)."""

    def __init__(self, shop: Shop) -> None:
        super().__init__(shop)
        self.batches: list[list[str]] = []

    def write_batch(self, records: list[Any]) -> list[int | None]:
        self.batches.append([type(r).__name__ for r in records])
        with self.batch():
            return [persist_record(r, self, lambda b, locked: None) for r in records]


def test_a_recorder_with_write_batch_takes_single_records_too(
    seeded: SeededShop, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    """At a shop's usual rate records come one at a time: they go to ``write_batch``
    (the writer process) as well, not through the engine's own process."""
    shop = _poisoned_shop(seeded, db_url, clock)  # a price list, B1, a shift open
    try:
        rec = _CountingBatches(shop)
        engine = LineEngine(
            clock=clock,
            driver=FakeDriver(),
            recorder=rec,
            store=ShopBoothStore(shop, tmp_path),
            tariff=lambda: shop_tariff(shop),
        )
        engine.load()
        now = clock.now
        engine.process(Registered("B1", now()))
        engine.process(OffHook("B1", now()))
        engine.process(Dialing("B1", now(), "s1", "0049 30 1"))
        assert ["RecordStart"] in rec.batches  # alone, and through write_batch
        engine.process(Answered("B1", now(), "s1"))
        assert rec.batches[-1] == ["RecordAnswer"]
        assert all(len(b) == 1 for b in rec.batches)
        with shop.db.read() as s:
            call = s.scalars(select(Call)).one()
            assert call.call_ref == "s1" and call.answered_at is not None
    finally:
        shop.close()
