"""A database that cannot take writes (disk full, read-only, gone): nothing is lost.

New calls are refused while records cannot be written (calls in progress go on), the
pending records go to an fsync'd spill journal that is written back once the database
takes writes again (and at the next start, exactly once), the cashier is told over
the engine's news, repeated log lines are rate-limited."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.booth import (
    AdmissionRules,
    BoothConfig,
    RecordAnswer,
    RecordEnd,
    RecordStart,
)
from callshop_pos.lines.engine import (
    LineEngine,
    RecordingAlert,
    persist_record,
    replay_spill,
)
from callshop_pos.lines.faults import Fault, classify
from callshop_pos.lines.port import AdmitCall, HangupReason, HangupSide, RefuseCall, Registered
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.lines.spill import SpillJournal, record_json
from callshop_pos.services.context import Shop
from tests.callshop_pos.lines.fakes import (
    STANDARD_ROWS,
    FakeDriver,
    FakeRecorder,
    FakeStore,
    FakeTariff,
)
from tests.callshop_pos.lines.rig import Rig


def disk_full() -> sa_exc.OperationalError:
    return sa_exc.OperationalError(
        "INSERT INTO calls ...", {}, sqlite3.OperationalError("database or disk is full")
    )


class FullDiskRecorder(FakeRecorder):
    """Raises what SQLite raises on a full disk while ``full`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.full = False
        self.attempts = 0

    def _maybe_fail(self) -> None:
        self.attempts += 1
        if self.full:
            raise disk_full()
        super()._maybe_fail()

    def heartbeat(self, at: datetime) -> None:
        self._maybe_fail()
        super().heartbeat(at)


class SpillRig(Rig):
    def __init__(self, spill_dir: Path, *configs: BoothConfig) -> None:
        self.clock = FakeClock()
        self.driver = FakeDriver()
        self.recorder = FullDiskRecorder()
        self.store = FakeStore(list(configs), AdmissionRules(), recorder=self.recorder)
        self.tariff = FakeTariff(STANDARD_ROWS)
        self.spill = SpillJournal([spill_dir], "unsaved.jsonl")
        self.engine = LineEngine(
            clock=self.clock,
            driver=self.driver,
            recorder=self.recorder,
            store=self.store,
            tariff=lambda: self.tariff,
            spill=self.spill,
        )
        self.news: list[object] = []
        self.engine.subscribe(self.news.append)
        self.engine.load()
        self._n = 0
        for config in configs:
            self.engine.process(Registered(config.name, self.clock.now()))

    def alerts(self) -> list[RecordingAlert]:
        return [n for n in self.news if isinstance(n, RecordingAlert)]


BOOTHS = (BoothConfig("B1", 1), BoothConfig("B2", 2), BoothConfig("B3", 3))


def test_a_full_disk_refuses_new_calls_spills_and_writes_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rig = SpillRig(tmp_path / "spill", *BOOTHS)
    running = rig.dial("0049301234", "B3")  # talking when the disk fills
    rig.answer(running, "B3")
    ended = rig.dial("0049301234", "B1")
    rig.answer(ended, "B1")
    rig.advance(30)
    rig.driver.take()

    rig.recorder.full = True
    rig.hang_up(ended, "B1")  # its end cannot be written
    (down,) = rig.alerts()
    assert not down.ok and "refused" in down.message and down.spilled_to
    assert rig.spill.count >= 1
    assert ended in (tmp_path / "spill" / "unsaved.jsonl").read_text()

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        refused = rig.dial("0049301234", "B2")  # a new call while nothing can be written
        (refusal,) = [c for c in rig.driver.take() if isinstance(c, RefuseCall)]
        assert refusal.call_ref == refused and "cannot be recorded" in refusal.detail
        rig.advance(60)  # the call in progress goes on, ~60 failed attempts to write back
    assert rig.snap("B3").state.value == "talking"
    assert len(caplog.records) <= 3  # rate-limited, not a line per attempt
    rig.hang_up(running, "B3")
    assert not rig.engine.idle() and rig.engine.unsaved() >= 5

    rig.recorder.full = False  # space freed
    rig.advance(1.5)
    for ref in (ended, refused, running):
        assert rig.recorder.calls[ref].ended_at is not None, ref
    assert rig.recorder.calls[ended].rating.duration_s == 30  # type: ignore[union-attr]
    assert rig.recorder.calls[running].rating.duration_s == 90  # type: ignore[union-attr]
    assert rig.alerts()[-1].ok
    assert rig.spill.files == [] and rig.engine.unsaved() == 0 and rig.engine.idle()
    admitted = rig.dial("0049301234", "B2")  # admitted again
    assert any(isinstance(c, AdmitCall) and c.call_ref == admitted for c in rig.driver.take())


def test_records_left_in_the_spill_journal_are_replayed_once_at_start(
    tmp_path: Path, shop: Shop, clock: FakeClock
) -> None:
    spill = SpillJournal([tmp_path / "a", tmp_path / "b"], "unsaved.jsonl")
    now = clock.now()
    rating = FinishedCallRating("49301", "49", "Germany", None, 61, 120, 40, None, False)
    records = [
        RecordStart(CallStart("B1", "s-1", "0049 301", now)),
        RecordAnswer("s-1", now, "B1"),
        RecordEnd("B1", "s-1", now, HangupReason.NORMAL, HangupSide.BOOTH, rating, answered=True),
    ]
    for r in records:
        assert spill.append(r)
    spill.close()
    text = (tmp_path / "a" / "unsaved.jsonl").read_text()
    # A crash while writing back: the same records are replayed twice (and a torn
    # line a crash left at the end is skipped): recorded once.
    (tmp_path / "a" / "unsaved.jsonl").write_text(text + text + '{"t": 1, "n"')
    again = SpillJournal([tmp_path / "a", tmp_path / "b"], "unsaved.jsonl")
    assert again.count == 6
    recorder = DatabaseCallRecorder(shop)
    done, failure = replay_spill(
        again, lambda r: persist_record(r, recorder, lambda b, x: None), None
    )
    assert (done, failure) == (6, None)
    assert again.files == [] and SpillJournal([tmp_path / "a"], "unsaved.jsonl").count == 0
    with shop.db.read() as s:
        assert s.scalar(select(func.count(Call.id))) == 1
        call = s.scalars(select(Call)).one()
        assert (call.state, call.duration_s, call.price_minor) == ("finished", 61, 40)
    assert [record_json(r) for r in SpillJournal([tmp_path / "a"], "x").entries()] == []


def test_a_spill_directory_that_fails_falls_back_to_the_next(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the directory should be")
    spill = SpillJournal([blocked, tmp_path / "ok"], "unsaved.jsonl")
    assert spill.append(RecordAnswer("x", datetime(2026, 1, 5), "B1"))
    spill.close()
    assert spill.files == [tmp_path / "ok" / "unsaved.jsonl"] and spill.count == 1


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (disk_full(), Fault.STORAGE),
        (
            sa_exc.OperationalError("x", {}, sqlite3.OperationalError("database is locked")),
            Fault.BUSY,
        ),
        (
            sa_exc.OperationalError(
                "x", {}, sqlite3.OperationalError("attempt to write a readonly database")
            ),
            Fault.STORAGE,
        ),
        (
            sa_exc.IntegrityError("x", {}, sqlite3.IntegrityError("NOT NULL constraint failed")),
            Fault.REFUSED,
        ),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), Fault.REFUSED),
        (KeyError("bug"), Fault.UNKNOWN),
    ],
)
def test_failures_are_classified(error: BaseException, fault: Fault) -> None:
    assert classify(error) is fault
