"""Quicknet booths on the VoIP route: the fake card, through the real engine and the SIP
driver, to SIPp as the carrier with RTP echo (``-rtp_echo``)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.lines.booth import AdmissionRules, BoothConfig
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import DriverEvent, EventSink, HangupReason, HangupSide, HungUp
from callshop_pos.lines.snapshot import BoothState
from drivers.quicknet import ioctls as q
from drivers.quicknet.device import CONGESTION_MS
from drivers.quicknet.driver import RTP_PORTS, QuicknetDriver, VoipRoute
from drivers.quicknet.fake import SILENCE, FakePhoneDevice
from drivers.registry import CombinedDriver
from drivers.sip import SipDriver
from tests.callshop_pos.lines.fakes import STANDARD_ROWS, FakeRecorder, FakeStore, FakeTariff
from tests.drivers.quicknet.carrier import NUMBER, carrier, finish
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import base_config
from tests.waiting import wait_for

pytestmark = [pytest.mark.sip, pytest.mark.slow]


class TapDriver(CombinedDriver):
    """The combined driver, keeping every event it hands to the engine."""

    events: list[DriverEvent]

    def start(self, sink: EventSink) -> None:
        self.events = []

        def tap(event: DriverEvent) -> None:
            self.events.append(event)
            sink(event)

        super().start(tap)


@dataclass
class Shop:
    sip: SipDriver
    quicknet: QuicknetDriver
    engine: LineEngine
    recorder: FakeRecorder
    devices: dict[str, FakePhoneDevice]
    tap: TapDriver

    def hung_up(self, booth: str) -> HungUp:
        found: list[HungUp] = []

        def seen() -> bool:
            found[:] = [e for e in self.tap.events if isinstance(e, HungUp) and e.booth == booth][
                :1
            ]
            return bool(found)

        wait_for(seen, timeout=10)
        return found[0]

    def state(self, booth: str) -> BoothState:
        return next(s.state for s in self.engine.snapshots() if s.booth == booth)

    def ready(self, booth: str) -> None:
        wait_for(lambda: self.state(booth) is BoothState.IDLE)
        wait_for(lambda: self.quicknet.accepts_calls(booth))

    def dial(self, booth: str, number: str = NUMBER) -> FakePhoneDevice:
        dev = self.devices[booth]
        self.ready(booth)
        dev.lift()
        wait_for(lambda: dev.cpt == "dial")
        dev.press(number + "#")
        return dev

    def call(self) -> object:
        """The one call recorded, once its end is saved (the writer thread saves it
        after the snapshot that shows the booth idle)."""
        wait_for(lambda: len(self.recorder.calls) == 1)
        (call,) = self.recorder.calls.values()
        wait_for(lambda: call.reason is not None)
        return call


def frames(count: int, start: int = 1) -> list[bytes]:
    """Distinct frames (never digital silence) for the microphone side."""
    return [bytes([(start + k) % 250 + 1]) * 160 for k in range(count)]


def assert_echoed_in_order(dev: FakePhoneDevice, spoken: list[bytes]) -> None:
    """What came back to the speaker is what the microphone said, in order: all of it,
    but for frames the card itself dropped because the machine stalled the reader
    (``overruns``; a loaded CI machine) or the network path lost."""
    back = [f for f in spoken_back(dev) if f in spoken]
    positions = [spoken.index(f) for f in back]
    assert positions == sorted(set(positions)), "frames out of order or repeated"
    missing = len(spoken) - len(back)
    assert missing <= dev.overruns + len(spoken) // 20, (missing, dev.overruns)


def spoken_back(dev: FakePhoneDevice) -> list[bytes]:
    silence = SILENCE[dev.play_codec or q.CODEC_ULAW] * 160
    return [f for f in dev.played if f != silence]


@pytest.fixture
def shop(
    workdir: Path, trunk_port: int, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Shop]]:
    before = set(threading.enumerate())
    made: list[Shop] = []

    def make(
        booths: dict[str, int] | None = None,
        *,
        sip_booths: bool = False,
        max_duration_s: int | None = None,
        audio_timeout_s: float = 1.0,
    ) -> Shop:
        cards = booths or {"P1": q.CARD_PHONEJACK}
        config = base_config(trunk_port)
        if not sip_booths:
            config = replace(config, booths=())
        sip = SipDriver(config)
        devices = {name: FakePhoneDevice(card_type=card) for name, card in cards.items()}
        qn = QuicknetDriver(
            dict(devices),
            SystemClock(),
            digit_timeout_s=0.5,
            tone_on_ms=10,
            tone_off_ms=10,
            routes=dict.fromkeys(cards, "voip"),
            voip=VoipRoute(sip, trunk_host="127.0.0.1", audio_timeout_s=audio_timeout_s),
        )
        route = {name: "quicknet" for name in cards}
        configs = [
            BoothConfig(name, i + 1, driver="quicknet", max_duration_s=max_duration_s)
            for i, name in enumerate(cards)
        ]
        if sip_booths:
            configs.append(BoothConfig("Booth 1", 10, driver="sip"))
            route["Booth 1"] = "sip"
        recorder = FakeRecorder()
        tariff = FakeTariff(STANDARD_ROWS)
        tap = TapDriver({"sip": sip, "quicknet": qn}, route)
        engine = LineEngine(
            clock=SystemClock(),
            driver=tap,
            recorder=recorder,
            store=FakeStore(configs, AdmissionRules()),
            tariff=lambda: tariff,
        )
        engine.start()
        made.append(Shop(sip, qn, engine, recorder, devices, tap))
        return made[-1]

    yield make
    for each in made:
        each.engine.stop()
        for dev in each.devices.values():
            dev.close()
    time.sleep(0.1)
    leaked = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


def test_the_microphone_comes_back_to_the_speaker_in_order_billed_from_the_200_ok(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop()
    trunk = carrier(workdir, trunk_port, ring_ms=400, codec="PCMA")
    dev = s.devices["P1"]
    spoken = frames(100)  # 2 s of audio
    dev.speak(spoken)
    s.dial("P1")
    wait_for(lambda: dev.cpt == "ringback", timeout=5)  # 180 without SDP: our ring-back
    wait_for(lambda: s.state("P1") is BoothState.TALKING, timeout=5)
    # the card was set to the answered law with 20 ms frames, digits out of band
    wait_for(lambda: dev.playing)  # the 200 OK's SDP follows its answer event; play starts last
    assert (dev.rec_codec, dev.play_codec, dev.frame_ms) == (q.CODEC_ALAW, q.CODEC_ALAW, 20)
    assert dev.recording and dev.playing and dev.dtmf_oob and dev.cpt is None
    wait_for(lambda: len(spoken_back(dev)) + dev.overruns >= len(spoken), timeout=10)
    assert_echoed_in_order(dev, spoken)
    time.sleep(0.5)
    dev.hang_up()  # seen after the 600 ms flash window: BYE
    logs = finish(trunk)
    assert "auth ok" in logs and "bye received" in logs
    offered = re.search(r"offer m=audio (\d+) RTP/AVP 0 8 101", logs)
    assert offered is not None and int(offered.group(1)) in RTP_PORTS, logs
    wait_for(lambda: s.state("P1") is BoothState.IDLE)
    call = s.call()
    assert call.reason is HangupReason.NORMAL and call.side is HangupSide.BOOTH  # type: ignore[attr-defined]
    assert call.flags == ()  # type: ignore[attr-defined]  # the carrier's answer, not estimated
    assert call.start.number == NUMBER  # type: ignore[attr-defined]
    talk = (call.ended_at - call.answered_at).total_seconds()  # type: ignore[attr-defined]
    assert 2.0 <= talk <= 5.0, talk
    wait_for(lambda: not dev.recording and not dev.playing)


def test_far_end_hangs_up_after_the_talk_time(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop()
    trunk = carrier(workdir, trunk_port, talk_ms=1500, codec="PCMU")
    dev = s.dial("P1")
    assert "bye sent" in finish(trunk)
    wait_for(lambda: dev.cpt == "busy", timeout=5)
    call = s.call()
    wait_for(lambda: call.reason is not None)  # type: ignore[attr-defined]
    assert call.reason is HangupReason.NORMAL and call.side is HangupSide.FAR_END  # type: ignore[attr-defined]
    talk = (call.ended_at - call.answered_at).total_seconds()  # type: ignore[attr-defined]
    assert abs(talk - 1.5) <= 0.2, talk  # from SIPp's 200 OK to its BYE
    assert dev.rec_codec == q.CODEC_ULAW
    wait_for(lambda: not dev.recording)
    dev.hang_up()
    wait_for(lambda: s.state("P1") is BoothState.IDLE)


def test_handset_down_while_ringing_cancels(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop()
    trunk = carrier(workdir, trunk_port, ring_ms=10000)
    dev = s.dial("P1")
    wait_for(lambda: dev.cpt == "ringback", timeout=5)
    wait_for(lambda: s.state("P1") is BoothState.RINGING)
    dev.hang_up()
    assert "cancelled" in finish(trunk)
    call = s.call()
    wait_for(lambda: call.reason is not None)  # type: ignore[attr-defined]
    assert call.reason is HangupReason.CANCELLED and call.side is HangupSide.BOOTH  # type: ignore[attr-defined]
    assert call.answered_at is None  # type: ignore[attr-defined]
    assert dev.cpt is None


@pytest.mark.parametrize(
    ("code", "phrase", "reason", "congestion"),
    [
        (486, "Busy Here", HangupReason.BUSY, False),
        (503, "Service Unavailable", HangupReason.CARRIER_FAILURE, True),
    ],
)
def test_carrier_failures_become_busy_or_congestion_tone(
    workdir: Path,
    trunk_port: int,
    shop: Callable[..., Shop],
    code: int,
    phrase: str,
    reason: HangupReason,
    congestion: bool,
) -> None:
    s = shop()
    trunk = carrier(workdir, trunk_port, final=code, phrase=phrase)
    dev = s.dial("P1")
    finish(trunk)
    wait_for(lambda: dev.cpt == "busy", timeout=5)
    call = s.call()
    wait_for(lambda: call.reason is not None)  # type: ignore[attr-defined]
    assert call.reason is reason and call.side is HangupSide.FAR_END  # type: ignore[attr-defined]
    assert str(code) in s.hung_up("P1").detail
    fast = (CONGESTION_MS, CONGESTION_MS)
    assert (dev.cpt_cadence_ms == fast) is congestion
    dev.hang_up()
    wait_for(lambda: s.state("P1") is BoothState.IDLE)
    wait_for(lambda: dev.cpt is None)  # handset down: tone stopped
    assert dev.tone_times_ms == (10, 10)  # and the DTMF tone times are back


def test_early_media_plays_before_the_answer(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop()
    trunk = carrier(workdir, trunk_port, ring_ms=1500, codec="PCMU", early_media=True)
    dev = s.devices["P1"]
    spoken = frames(40)
    dev.speak(spoken)
    s.dial("P1")
    wait_for(lambda: s.state("P1") is BoothState.RINGING, timeout=5)
    wait_for(lambda: len(spoken_back(dev)) >= 10, timeout=5)
    assert s.state("P1") is BoothState.RINGING  # media before the 200 OK
    assert dev.cpt != "ringback"  # the carrier's own ring-back plays instead of ours
    wait_for(lambda: s.state("P1") is BoothState.TALKING, timeout=5)
    wait_for(lambda: len(spoken_back(dev)) + dev.overruns >= len(spoken), timeout=5)
    assert_echoed_in_order(dev, spoken)
    dev.hang_up()
    assert "bye received" in finish(trunk)


def test_a_card_that_stops_delivering_frames_ends_the_call(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop(audio_timeout_s=0.5)
    trunk = carrier(workdir, trunk_port)
    dev = s.dial("P1")
    wait_for(lambda: s.state("P1") is BoothState.TALKING, timeout=5)
    time.sleep(0.3)
    dev.break_audio()
    assert "bye received" in finish(trunk)
    call = s.call()
    wait_for(lambda: call.reason is not None)  # type: ignore[attr-defined]
    assert call.reason is HangupReason.ERROR and call.side is HangupSide.SYSTEM  # type: ignore[attr-defined]
    assert "no audio frame for 0.5 s" in s.hung_up("P1").detail
    wait_for(lambda: dev.cpt == "busy")
    assert not dev.recording and not dev.playing


def test_a_phonejack_and_an_ata_call_at_the_same_time_through_one_trunk(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    s = shop(sip_booths=True)
    trunk = carrier(workdir, trunk_port, ring_ms=300, calls=2)
    dev = s.devices["P1"]
    dev.speak(frames(150))
    s.dial("P1", "0049301111111")
    wait_for(lambda: s.state("P1") is BoothState.TALKING, timeout=5)
    ata = sipp.start(
        sipp.render("ata_call.xml", workdir, talk_ms=1500),
        workdir,
        remote=s.sip.address,
        args=("-s", "0049302222222", "-au", "booth1", "-ap", "secret-1"),
    )
    wait_for(lambda: s.state("Booth 1") is BoothState.TALKING, timeout=10)
    assert s.state("P1") is BoothState.TALKING
    assert "booth hung up" in finish(ata)
    wait_for(lambda: len(spoken_back(dev)) >= 100, timeout=10)
    dev.hang_up()
    logs = finish(trunk)
    assert logs.count("auth ok") == 2 and logs.count("bye received") == 2
    wait_for(lambda: len(s.recorder.calls) == 2)
    wait_for(lambda: all(c.reason is not None for c in s.recorder.calls.values()))
    by_number = {c.start.number: c for c in s.recorder.calls.values()}
    assert by_number["0049301111111"].start.booth == "P1"
    assert by_number["0049302222222"].start.booth == "Booth 1"
    for call in by_number.values():
        assert call.reason is HangupReason.NORMAL and call.answered_at is not None


def test_sipps_own_rtp_stream_is_played_in_order(
    workdir: Path, trunk_port: int, shop: Callable[..., Shop]
) -> None:
    """SIPp's RTP (its sequence numbers, timestamps and SSRC) into our jitter buffer."""
    s = shop()
    sent = frames(60)
    audio = workdir / "far-end.pcma"
    audio.write_bytes(b"".join(sent))
    trunk = carrier(workdir, trunk_port, codec="PCMA", talk_ms=3000, stream=audio)
    dev = s.dial("P1")
    assert "bye sent" in finish(trunk)
    heard = [f for f in spoken_back(dev) if f in sent]
    positions = [sent.index(f) for f in heard]
    assert positions == sorted(set(positions)) and len(heard) >= len(sent) - 2, positions
