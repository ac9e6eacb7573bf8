"""The cashier's window is told over IPC when call records cannot be written."""

from __future__ import annotations

from pathlib import Path

from callshop_pos.clock import SystemClock
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.engine import LineEngine, RecordingAlert
from callshop_pos.lines.ipc import EngineClient, EngineServer
from callshop_pos.lines.port import Answered, Dialing, HangupReason, HangupSide, HungUp
from callshop_pos.lines.spill import SpillJournal
from tests.callshop_pos.lines.fakes import STANDARD_ROWS, FakeDriver, FakeStore, FakeTariff
from tests.callshop_pos.lines.test_engine_spill import FullDiskRecorder
from tests.callshop_pos.lines.test_ipc import wait_for


def test_the_window_hears_that_records_cannot_be_written_and_when_they_can(
    tmp_path: Path,
) -> None:
    driver, recorder = FakeDriver(), FullDiskRecorder()
    tariff = FakeTariff(STANDARD_ROWS)
    spill = SpillJournal([tmp_path / "spill"], "unsaved.jsonl")
    engine = LineEngine(
        clock=SystemClock(),
        driver=driver,
        recorder=recorder,
        store=FakeStore([BoothConfig("B1", 1)]),
        tariff=lambda: tariff,
        spill=spill,
        retry_every_s=0.1,
    )
    engine.start()
    (tmp_path / "d").mkdir()
    server = EngineServer(engine, tmp_path / "d")
    server.start()
    heard: list[RecordingAlert] = []
    client = EngineClient(tmp_path / "d", on_recording=heard.append).start()
    try:
        assert client.wait_connected(5)
        wait_for(lambda: bool(heard) and heard[-1].ok)  # the state at connection time
        recorder.full = True
        assert driver.sink is not None
        now = engine.clock.now
        driver.sink(Dialing("B1", now(), "c1", "0049301234"))
        driver.sink(Answered("B1", now(), "c1"))
        driver.sink(HungUp("B1", now(), "c1", HangupReason.NORMAL, HangupSide.BOOTH))
        wait_for(lambda: not heard[-1].ok)
        assert heard[-1].unsaved >= 1 and "spill" in heard[-1].spilled_to
        # A window that connects now hears it at once.
        late: list[RecordingAlert] = []
        other = EngineClient(tmp_path / "d", on_recording=late.append).start()
        try:
            wait_for(lambda: bool(late) and not late[-1].ok)
        finally:
            other.close()
        recorder.full = False
        wait_for(lambda: heard[-1].ok)
        assert recorder.calls["c1"].ended_at is not None
    finally:
        client.close()
        server.close()
        engine.stop()
        spill.close()
