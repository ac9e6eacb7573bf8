"""Quicknet LineJACK booths against the faithful fake device, through the real engine."""

from __future__ import annotations

import errno
import select
import time
from collections.abc import Iterator

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.lines.booth import AdmissionRules, BoothConfig
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.snapshot import BoothState
from drivers.quicknet import ioctls as q
from drivers.quicknet.driver import QuicknetDriver
from drivers.quicknet.fake import FLASH_WINDOW_S, FakePhoneDevice
from tests.callshop_pos.lines.fakes import STANDARD_ROWS, FakeRecorder, FakeStore, FakeTariff
from tests.waiting import wait_for


def test_ioctl_numbers_match_the_kernel_headers() -> None:
    assert q.PHONE_EXCEPTION == 0x8004719A
    assert q.PHONE_HOOKSTATE == 0x00007184
    assert q.PHONE_GET_DTMF_ASCII == 0x80047198
    assert q.PHONE_PLAY_TONE == 0x4001719B
    assert q.PHONE_CPT_STOP == 0x000071A4
    assert q.PHONE_PSTN_SET_STATE == 0x400471A4  # same nr as CPT_STOP
    assert q.IXJCTL_PORT == 0x400471D1
    assert q.IXJCTL_POTS_PSTN == 0x400471D5
    assert q.PHONE_DIALTONE == 0x71A3 and q.PHONE_BUSY == 0x71A1
    assert q.tone_index("0") == 11 and q.tone_index("*") == 10 and q.tone_index("#") == 12


def test_fake_device_is_poll_and_read_clear_faithful() -> None:
    dev = FakePhoneDevice()
    poller = select.poll()
    poller.register(dev.fileno(), select.POLLPRI)
    try:
        assert poller.poll(0) == []
        dev.press("5")  # on hook: not collected
        assert poller.poll(0) == []
        dev.lift()
        assert poller.poll(0) == [(dev.fileno(), select.POLLPRI)]
        assert dev.ioctl(q.PHONE_EXCEPTION) == q.EX_HOOKSTATE
        assert poller.poll(0) != []  # hookstate persists until PHONE_HOOKSTATE
        assert dev.ioctl(q.PHONE_HOOKSTATE) & 1 == 1
        assert poller.poll(0) == []
        dev.press("12")
        assert dev.ioctl(q.PHONE_EXCEPTION) & q.EX_DTMF_READY
        assert chr(dev.ioctl(q.PHONE_GET_DTMF_ASCII)) == "1"
        assert poller.poll(0) != []  # one digit still buffered
        assert chr(dev.ioctl(q.PHONE_GET_DTMF_ASCII)) == "2"
        assert dev.ioctl(q.PHONE_GET_DTMF_ASCII) == 0 and poller.poll(0) == []
        # Down and up again inside the flash window: a flash, not a hang-up.
        dev.hang_up()
        time.sleep(FLASH_WINDOW_S / 3)
        dev.lift()
        assert dev.ioctl(q.PHONE_EXCEPTION) == q.EX_FLASH
        assert dev.ioctl(q.PHONE_EXCEPTION) == 0  # one-shot
        assert dev.off_hook_reported
        dev.hang_up()
        assert dev.off_hook_reported  # still off hook during the window
        time.sleep(FLASH_WINDOW_S + 0.1)
        assert dev.ioctl(q.PHONE_EXCEPTION) == q.EX_HOOKSTATE
        assert dev.ioctl(q.PHONE_HOOKSTATE) & 1 == 0
        dev.ioctl(q.PHONE_SET_TONE_ON_TIME, 4 * 200)
        dev.ioctl(q.PHONE_PLAY_TONE, q.tone_index("7"))
        with pytest.raises(OSError) as err:
            dev.ioctl(q.PHONE_PLAY_TONE, q.tone_index("8"))
        assert err.value.errno == errno.EBUSY
    finally:
        dev.close()


class Booths:
    def __init__(self, configs: list[BoothConfig], rules: AdmissionRules | None = None) -> None:
        self.devices = {c.name: FakePhoneDevice() for c in configs}
        self.driver = QuicknetDriver(
            dict(self.devices),
            SystemClock(),
            digit_timeout_s=0.4,
            answer_after_s=0.3,
            tone_on_ms=10,
            tone_off_ms=10,
        )
        self.recorder = FakeRecorder()
        tariff = FakeTariff(STANDARD_ROWS)
        self.engine = LineEngine(
            clock=SystemClock(),
            driver=self.driver,
            recorder=self.recorder,
            store=FakeStore(configs, rules or AdmissionRules()),
            tariff=lambda: tariff,
        )
        self.engine.start()

    def ready(self, booth: str) -> None:
        """Wait until the engine's allow/deny for ``booth`` has reached the driver."""
        wait_for(lambda: self._started(booth))
        locked = self.state(booth) is BoothState.LOCKED
        wait_for(lambda: self.driver.accepts_calls(booth) is not locked)

    def _started(self, booth: str) -> bool:
        return self.state(booth) in (BoothState.IDLE, BoothState.LOCKED)

    def state(self, booth: str) -> BoothState:
        return next(s.state for s in self.engine.snapshots() if s.booth == booth)

    def close(self) -> None:
        self.engine.stop()
        for dev in self.devices.values():
            dev.close()


@pytest.fixture
def booths() -> Iterator[Booths]:
    b = Booths(
        [
            BoothConfig("Q1", 1),
            BoothConfig("Q2", 2, locked=True),
            BoothConfig("Q3", 3, max_duration_s=1),
        ],
        AdmissionRules(blocked_prefixes=("3599",)),
    )
    yield b
    b.close()


def test_a_whole_call_with_an_estimated_answer(booths: Booths) -> None:
    dev = booths.devices["Q1"]
    booths.ready("Q1")
    dev.lift()
    wait_for(lambda: dev.cpt == "dial")
    assert booths.state("Q1") is BoothState.OFF_HOOK
    dev.press("0049301234#")
    wait_for(lambda: dev.bridged)
    assert dev.cpt is None  # dial tone stopped at the first digit
    assert dev.pstn_state == q.PSTN_OFF_HOOK and dev.dialled_out == "0049301234"
    wait_for(lambda: booths.state("Q1") is BoothState.TALKING)
    time.sleep(1.0)
    dev.hang_up()  # seen after the 600 ms flash window
    wait_for(lambda: booths.state("Q1") is BoothState.IDLE)
    (call,) = booths.recorder.calls.values()
    wait_for(lambda: call.reason is not None)  # the writer saves it after the snapshot
    assert call.start.number == "0049301234"
    assert call.reason is HangupReason.NORMAL and call.side is HangupSide.BOOTH
    assert call.flags == ("estimated_answer",)
    assert call.rating is not None and 1 <= call.rating.duration_s <= 3
    assert dev.pstn_state == q.PSTN_ON_HOOK and not dev.bridged


def test_number_completes_after_the_inter_digit_timeout(booths: Booths) -> None:
    dev = booths.devices["Q1"]
    booths.ready("Q1")
    dev.lift()
    dev.press("02987")
    dev.press("6543")
    wait_for(lambda: dev.dialled_out == "029876543", timeout=5)
    dev.far_end_hangs_up()  # before the answer: nobody picked up
    wait_for(lambda: dev.cpt == "busy")
    (call,) = booths.recorder.calls.values()
    wait_for(lambda: call.reason is not None)
    assert call.reason is HangupReason.NO_ANSWER and call.side is HangupSide.FAR_END
    assert call.answered_at is None
    dev.hang_up()
    wait_for(lambda: booths.state("Q1") is BoothState.IDLE)


def test_locked_booth_gets_busy_tone_and_refused_numbers_too(booths: Booths) -> None:
    locked = booths.devices["Q2"]
    wait_for(lambda: booths.state("Q2") is BoothState.LOCKED)
    booths.ready("Q2")
    locked.lift()
    wait_for(lambda: locked.cpt == "busy")
    locked.press("0049301234#")
    time.sleep(0.2)
    assert booths.recorder.calls == {} and locked.pstn_state == q.PSTN_ON_HOOK
    dev = booths.devices["Q1"]
    booths.ready("Q1")
    dev.lift()
    dev.press("0900123#")  # premium (blocked prefix)
    wait_for(lambda: dev.cpt == "busy")
    (call,) = booths.recorder.calls.values()
    assert call.reason is HangupReason.DENIED and dev.pstn_state == q.PSTN_ON_HOOK


def test_engine_limit_cuts_the_pstn_line(booths: Booths) -> None:
    dev = booths.devices["Q3"]
    booths.ready("Q3")
    dev.lift()
    dev.press("0049301234#")
    wait_for(lambda: booths.state("Q3") is BoothState.TALKING)
    wait_for(lambda: dev.cpt == "busy", timeout=5)
    (call,) = booths.recorder.calls.values()
    wait_for(lambda: call.reason is not None)
    assert call.reason is HangupReason.TIME_LIMIT and call.side is HangupSide.SYSTEM
    assert call.rating is not None and call.rating.duration_s == 1
    assert dev.pstn_state == q.PSTN_ON_HOOK and not dev.bridged


def test_a_handset_lifted_before_the_engine_allows_calls_gets_busy_tone() -> None:
    """Fail closed: at start-up (or with a lock still in flight) no dial tone."""
    dev = FakePhoneDevice()
    driver = QuicknetDriver({"Q1": dev}, SystemClock(), tone_on_ms=10, tone_off_ms=10)
    events: list[object] = []
    driver.start(events.append)
    try:
        assert not driver.accepts_calls("Q1") and not driver.accepts_calls("nope")
        dev.lift()
        wait_for(lambda: dev.cpt == "busy")
        assert dev.pstn_state == q.PSTN_ON_HOOK
    finally:
        driver.stop()
        dev.close()
