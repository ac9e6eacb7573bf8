"""The simulator driver: scenario files, exact times on the engine clock, commands,
random traffic — run against the real line engine with fake recorder and tariff."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callshop_pos.clock import ScaledClock
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.booth import AdmissionRules, BoothConfig
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import HangupReason
from callshop_pos.lines.snapshot import BillingMode
from drivers.simulator import PLAUSIBLE_NUMBERS, SimulatorDriver, read_scenario
from tests.callshop_pos.lines.fakes import (
    STANDARD_ROWS,
    FakeRecorder,
    FakeStore,
    FakeTariff,
    RecordedCall,
)
from tests.waiting import Changes, wait_for

SPEED = 100.0
# Engine time starts on a Monday morning, in peak hours: the tariffs' off-peak bands
# (evenings and weekends) must not depend on when the suite runs.
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Line:
    """A threaded engine on a scaled clock, driven by a simulator."""

    def __init__(
        self,
        driver: SimulatorDriver,
        configs: list[BoothConfig],
        clock: ScaledClock,
        rules: AdmissionRules | None = None,
        speed: float = SPEED,
    ) -> None:
        self.clock = clock
        self.driver = driver
        self.recorder = FakeRecorder()
        self.store = FakeStore(configs, rules or AdmissionRules(), recorder=self.recorder)
        tariff = FakeTariff(STANDARD_ROWS)
        self.engine = LineEngine(
            clock=clock,
            driver=driver,
            recorder=self.recorder,
            store=self.store,
            tariff=lambda: tariff,
            speed=speed,
        )
        self.engine.load()
        self.changes = Changes()  # every snapshot and finished call wakes a wait_for
        self.engine.subscribe(self.changes.notify)

    def run_to_end(self) -> dict[str, RecordedCall]:
        self.engine.start()
        wait_for(lambda: self.driver.done() and self.engine.idle(), 20, changes=self.changes)
        self.engine.stop()
        return self.recorder.calls


@pytest.fixture
def scaled() -> Iterator[ScaledClock]:
    yield ScaledClock(SPEED, start=START)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_file_is_validated_with_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "booth,start,number,ring,talk\n"
        "# a comment\n"
        "B1,0,0049 30 123,3,65\n"
        "B1,x,0049,3,1\n"
        "B2,5,,3\n"
        "B3,5,0049,-1,0\n",
    )
    with pytest.raises(InvalidInput) as err:
        read_scenario(path)
    text = str(err.value)
    assert "line 4: start 'x' is not a number" in text
    assert "line 5: expected 5 fields, found 4" in text
    assert "line 6: ring must be zero or more" in text
    with pytest.raises(InvalidInput, match="header must be booth,start,number,ring,talk"):
        read_scenario(write(tmp_path, "booth,number\nB1,0049\n"))
    with pytest.raises(InvalidInput, match="cannot read scenario"):
        read_scenario(tmp_path / "missing.csv")


def test_scenario_refs_are_stable_and_content_derived(tmp_path: Path) -> None:
    text = "booth,start,number,ring,talk\nB2,10,0049 30 123,3,65\nB1,0.5,02 123,1.5,0\n"
    first = read_scenario(write(tmp_path, text))
    assert [(c.booth, str(c.start)) for c in first] == [("B1", "0.5"), ("B2", "10")]
    assert read_scenario(write(tmp_path, text)) == first
    changed = read_scenario(write(tmp_path, text.replace("65", "66")))
    assert {c.call_ref for c in changed}.isdisjoint({c.call_ref for c in first})


def test_scenario_durations_are_exact_on_the_scaled_clock(
    tmp_path: Path, scaled: ScaledClock
) -> None:
    calls = read_scenario(
        write(
            tmp_path,
            (
                "booth,start,number,ring,talk\n"
                "B1,0,0049 30 1234567,3,65\n"
                "B1,70,0888 123 456,5,0\n"
                "B2,1,02 987 6543,4.5,30\n"
                "B2,40,001 212 555 0100,2,95\n"
            ),
        )
    )
    driver = SimulatorDriver(["B1", "B2"], scaled, scenario=calls, speed=SPEED)
    line = Line(driver, [BoothConfig("B1", 1), BoothConfig("B2", 2)], scaled)
    recorded = line.run_to_end()
    assert set(recorded) == {c.call_ref for c in calls}
    by_line = {c.line: recorded[c.call_ref] for c in calls}
    for row, talk, ring in ((2, 65, 3), (4, 30, 4.5), (5, 95, 2)):
        call = by_line[row]
        assert call.answered_at is not None and call.ended_at is not None
        assert call.ended_at - call.answered_at == timedelta(seconds=talk)
        # Rings at least as scripted (longer only if admission came late under load).
        assert call.answered_at - call.start.setup_at >= timedelta(seconds=ring)
        assert call.rating is not None and call.rating.duration_s == talk
        assert call.reason is HangupReason.NORMAL
    unanswered = by_line[3]
    assert unanswered.answered_at is None and unanswered.reason is HangupReason.NO_ANSWER
    assert unanswered.ended_at - unanswered.start.setup_at >= timedelta(seconds=5)  # type: ignore[operator]
    # The scenario's spacing is kept on the engine clock.
    assert by_line[5].start.setup_at - by_line[4].start.setup_at == timedelta(seconds=39)


def test_recorded_calls_are_skipped_and_the_rest_keep_their_spacing(
    tmp_path: Path, scaled: ScaledClock
) -> None:
    calls = read_scenario(
        write(
            tmp_path,
            (
                "booth,start,number,ring,talk\n"
                "B1,0,0049 30 1,1,5\nB1,100,0049 30 2,1,5\nB1,110,0049 30 3,1,5\n"
            ),
        )
    )
    driver = SimulatorDriver(
        ["B1"], scaled, scenario=calls, speed=SPEED, skip_refs={calls[0].call_ref}
    )
    line = Line(driver, [BoothConfig("B1", 1)], scaled)
    recorded = line.run_to_end()
    assert set(recorded) == {calls[1].call_ref, calls[2].call_ref}
    gap = recorded[calls[2].call_ref].start.setup_at - recorded[calls[1].call_ref].start.setup_at
    assert gap == timedelta(seconds=10)


def test_limits_refusals_and_locks_are_honoured(tmp_path: Path, scaled: ScaledClock) -> None:
    calls = read_scenario(
        write(
            tmp_path,
            (
                "booth,start,number,ring,talk\n"
                "PRE,0,0049 30 1234567,2,400\n"  # deposit 0.50 at 0.20/min: cut at 120 s
                "MAX,0,0049 30 1234567,2,400\n"  # booth maximum 90 s
                "MAX,100,0900 123,2,10\n"  # blocked prefix: refused at dial time
                "LCK,1,0049 30 1234567,2,10\n"  # locked booth: the line refuses by itself
                "SHORT,0,0049 30 1234567,2,30\n"  # within the limit: ends normally
            ),
        )
    )
    configs = [
        BoothConfig("PRE", 1, billing=BillingMode.PREPAID),
        BoothConfig("MAX", 2, max_duration_s=90),
        BoothConfig("LCK", 3, locked=True),
        BoothConfig("SHORT", 4, max_duration_s=90),
    ]
    driver = SimulatorDriver([c.name for c in configs], scaled, scenario=calls, speed=SPEED)
    line = Line(driver, configs, scaled, AdmissionRules(blocked_prefixes=("3599",)))
    line.store.take_deposit("PRE", 50, scaled.now())  # at the till
    line.engine.sync_deposit("PRE")
    recorded = line.run_to_end()
    by_line = {c.line: recorded.get(c.call_ref) for c in calls}
    pre, cap, blocked, locked, short = (by_line[n] for n in (2, 3, 4, 5, 6))
    assert pre is not None and pre.rating is not None
    assert pre.rating.duration_s == 120 and pre.reason is HangupReason.CREDIT_EXHAUSTED
    assert pre.rating.price_minor == 40
    assert cap is not None and cap.rating is not None
    assert cap.rating.duration_s == 90 and cap.reason is HangupReason.TIME_LIMIT
    assert blocked is not None and blocked.reason is HangupReason.DENIED
    assert locked is None  # never reached the engine as a call
    assert short is not None and short.rating is not None
    assert short.rating.duration_s == 30 and short.reason is HangupReason.NORMAL
    assert line.store.deposits()["PRE"].spent_minor == 40


def test_cashier_hang_up_ends_the_call_now(scaled: ScaledClock, tmp_path: Path) -> None:
    calls = read_scenario(write(tmp_path, "booth,start,number,ring,talk\nB1,0,0049 30 1,1,3000\n"))
    driver = SimulatorDriver(["B1"], scaled, scenario=calls, speed=SPEED)
    line = Line(driver, [BoothConfig("B1", 1)], scaled)
    line.engine.start()
    try:
        wait_for(
            lambda: line.engine.snapshots()[0].state.value == "talking", 20, changes=line.changes
        )
        time.sleep(0.3)  # 30 s of talk
        line.engine.hang_up("B1")
        wait_for(lambda: driver.done() and line.engine.idle(), 20, changes=line.changes)
    finally:
        line.engine.stop()
    (call,) = line.recorder.calls.values()
    assert call.reason is HangupReason.CASHIER and call.rating is not None
    assert 25 <= call.rating.duration_s <= 300


def test_random_traffic_is_realistic() -> None:
    fast = ScaledClock(300, start=START)
    booths = [f"R{i}" for i in range(1, 7)]
    driver = SimulatorDriver(booths, fast, seed=7, speed=300, mean_idle_s=10)
    line = Line(
        driver,
        [BoothConfig(b, i) for i, b in enumerate(booths)],
        fast,
        AdmissionRules(allow_unrated_calls=True),
        speed=300,
    )
    line.engine.start()
    time.sleep(2.5)  # 12.5 minutes of shop time
    line.engine.stop()
    calls = [c for c in line.recorder.calls.values() if c.ended_at is not None]
    assert len(calls) >= 12
    reasons = {c.reason for c in calls}
    assert HangupReason.NORMAL in reasons
    assert reasons & {HangupReason.NO_ANSWER, HangupReason.BUSY, HangupReason.CANCELLED}
    for call in calls:
        assert call.start.number in PLAUSIBLE_NUMBERS
        if call.answered_at is not None:
            ring = (call.answered_at - call.start.setup_at).total_seconds()
            assert ring >= 3  # 3-20 s as drawn; longer only if admission came late
        if call.reason is HangupReason.NORMAL:
            assert call.rating is not None and 10 <= call.rating.duration_s <= 600
    assert driver.done() is False  # random traffic never ends by itself
