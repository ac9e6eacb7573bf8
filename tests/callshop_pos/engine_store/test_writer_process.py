"""The call writer process: batches written in one transaction by a child process,
acknowledged only once committed, failures classified and placed, a dead child
replaced (its batch written again, idempotently), and no child outliving its engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos import journal
from callshop_pos.clock import FakeClock, ScaledClock
from callshop_pos.db.models.calls import Call, Heartbeat
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.engine_store import writer_process
from callshop_pos.engine_store.writer_process import MAX_FAILED_STARTS, ProcessCallRecorder
from callshop_pos.lines.booth import RecordAnswer, RecordEnd, RecordStart
from callshop_pos.lines.faults import Fault, classify
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import BatchWriteError, CallStart
from callshop_pos.lines.spill import Beat, Record
from callshop_pos.services.context import Shop
from tests.callshop_pos.services.till_support import rating

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _call(ref: str, at: datetime = T0) -> list[Record]:
    return [
        RecordStart(CallStart(booth="B1", call_ref=ref, number="00441234567", setup_at=at)),
        RecordAnswer(ref, at + timedelta(seconds=3), "B1"),
        RecordEnd(
            "B1",
            ref,
            at + timedelta(seconds=63),
            HangupReason.NORMAL,
            HangupSide.BOOTH,
            rating(60, 60),
            answered=True,
        ),
    ]


@pytest.fixture
def writer(shop: Shop) -> Iterator[ProcessCallRecorder]:
    rec = ProcessCallRecorder(shop, ScaledClock(1.0, start=T0))
    try:
        yield rec
    finally:
        rec.close()


def _calls(shop: Shop) -> list[tuple[str, str, int | None]]:
    with shop.db.read() as s:
        return [
            (c.call_ref, c.state, c.price_minor) for c in s.scalars(select(Call).order_by(Call.id))
        ]


def _journal_length(shop: Shop) -> int:
    with shop.db.read() as session:
        return journal.head(session)[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (not reaped yet) is dead too
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def test_a_batch_is_written_by_the_child_in_one_transaction(
    shop: Shop, writer: ProcessCallRecorder
) -> None:
    child = writer.child_pid
    assert child is not None and child != os.getpid()
    ids = writer.write_batch([*_call("r1"), *_call("r2"), Beat(T0 + timedelta(seconds=64))])
    assert writer.batches_in_child == 1 and writer.batches_here == 0
    assert _calls(shop) == [("r1", "finished", 60), ("r2", "finished", 60)]
    # what persist_record returns: the call id of each end, None for the other records
    with shop.db.read() as s:
        by_ref = {ref: i for ref, i in s.execute(select(Call.call_ref, Call.id))}
        assert s.get(Heartbeat, "engine") is not None
        # journaled like any recorder event: 2 × started, answered, ended
        kinds = list(s.scalars(select(JournalEntry.action).order_by(JournalEntry.seq)))
    assert ids == [None, None, by_ref["r1"], None, None, by_ref["r2"], None]
    assert kinds[-6:] == ["call.started", "call.answered", "call.ended"] * 2
    # a replay of the same batch records nothing twice
    assert writer.write_batch(_call("r1")) == [None, None, by_ref["r1"]]
    assert len(_calls(shop)) == 2
    assert writer.child_pid == child  # one child for every batch


def test_the_child_stamps_the_journal_with_the_engine_clock(
    shop: Shop, writer: ProcessCallRecorder
) -> None:
    fast = ProcessCallRecorder(shop, ScaledClock(50.0, start=T0))
    try:
        time.sleep(0.2)
        fast.write_batch(_call("late"))
    finally:
        fast.close()
    with shop.db.read() as s:
        at = s.scalar(select(func.max(JournalEntry.at)))
    assert at is not None
    # ScaledClock at 50x from T0: 10 s or more of engine time have passed, not 0.2 s
    assert T0 + timedelta(seconds=9) <= at.replace(tzinfo=UTC) <= T0 + timedelta(hours=1)


def test_a_refused_record_fails_the_whole_batch_and_says_which_and_why(
    shop: Shop, writer: ProcessCallRecorder
) -> None:
    before = _journal_length(shop)
    batch = [*_call("ok1"), RecordAnswer("no-such-call", T0, "B1"), *_call("ok2")]
    with pytest.raises(BatchWriteError) as failed:
        writer.write_batch(batch)
    assert failed.value.done == 3  # the fourth record stopped it
    assert classify(failed.value.cause) is Fault.REFUSED
    assert "no-such-call" in str(failed.value.cause)
    assert _calls(shop) == []  # rolled back: nothing of the batch is in
    assert _journal_length(shop) == before
    # the child goes on with the next batch
    writer.write_batch(_call("ok1"))
    assert _calls(shop) == [("ok1", "finished", 60)]


def test_a_dead_child_fails_its_batch_as_busy_and_a_new_one_takes_the_next(
    shop: Shop, writer: ProcessCallRecorder
) -> None:
    writer.write_batch(_call("before"))
    first = writer.child_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    with pytest.raises(BatchWriteError) as failed:
        writer.write_batch(_call("during"))
    # busy: the engine writes these records again, one at a time, idempotently
    assert failed.value.done == 0 and classify(failed.value.cause) is Fault.BUSY
    assert not _alive(first)
    writer.write_batch(_call("during"))
    second = writer.child_pid
    assert second is not None and second != first
    assert _calls(shop) == [("before", "finished", 60), ("during", "finished", 60)]


def test_without_a_child_the_batches_are_written_in_this_process(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = ProcessCallRecorder(shop, ScaledClock(1.0, start=T0), start=False)
    monkeypatch.setattr(writer_process.sys, "executable", "/nonexistent/python")
    try:
        for i in range(MAX_FAILED_STARTS + 1):
            try:
                rec.write_batch(_call(f"c{i}"))
            except BatchWriteError as exc:  # a start that failed: written again later
                assert classify(exc.cause) is Fault.BUSY
        assert rec.child_pid is None
        rec.write_batch(_call("here"))
        assert rec.batches_here >= 1
        with pytest.raises(BatchWriteError) as failed:
            rec.write_batch([RecordAnswer("nope", T0, "B1")])
        assert classify(failed.value.cause) is Fault.REFUSED and failed.value.done == 0
    finally:
        rec.close()
    assert ("here", "finished", 60) in _calls(shop)


def test_the_writer_needs_a_clock_the_child_can_share(shop: Shop, clock: FakeClock) -> None:
    with pytest.raises(TypeError):
        ProcessCallRecorder(shop, clock)  # type: ignore[arg-type]


def test_the_child_dies_with_a_sigkilled_engine(db_url: str, shop: Shop) -> None:
    """A killed engine leaves no writer behind that could commit after it (and after
    the next engine's start-up recovery)."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from datetime import UTC, datetime
        from callshop_pos.clock import ScaledClock
        from callshop_pos.engine_store.writer_process import ProcessCallRecorder
        from callshop_pos.services.context import Shop
        clock = ScaledClock(1.0, start=datetime(2026, 1, 5, tzinfo=UTC))
        rec = ProcessCallRecorder(Shop.open({db_url!r}), clock)
        print(rec.child_pid, flush=True)
        time.sleep(120)
        """
    )
    engine = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert engine.stdout is not None
        child = int(engine.stdout.readline())
        assert _alive(child)
        engine.send_signal(signal.SIGKILL)
        engine.wait(30)
        deadline = time.monotonic() + 20
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if engine.poll() is None:
            engine.kill()
            engine.wait()
        if engine.stdout is not None:
            engine.stdout.close()


def test_closing_does_not_wait_for_ever_on_a_stuck_child(
    shop: Shop, writer: ProcessCallRecorder
) -> None:
    """A child stuck in a batch (here: stopped) is killed at close; the batch it had
    was never acknowledged."""
    import threading

    child = writer.child_pid
    assert child is not None
    os.kill(child, signal.SIGSTOP)
    outcome: list[object] = []

    def write() -> None:
        try:
            outcome.append(writer.write_batch(_call("stuck")))
        except BatchWriteError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    began = time.monotonic()
    writer.close(wait_s=1.0)
    assert time.monotonic() - began < 10
    thread.join(10)
    assert not thread.is_alive() and not _alive(child)
    assert len(outcome) == 1 and isinstance(outcome[0], BatchWriteError)  # not acknowledged
    assert classify(outcome[0].cause) is Fault.BUSY
