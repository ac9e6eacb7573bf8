"""The Quicknet driver's VoIP route against an in-process trunk and far end: digits as
RFC 4733 events, an answer without SDP, media moving at the answer, the engine's limit."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    Dialing,
    DriverEvent,
    HangupReason,
    HangupSide,
    HungUp,
)
from drivers.quicknet import ioctls as q
from drivers.quicknet.driver import QuicknetDriver, VoipRoute
from drivers.quicknet.fake import FakePhoneDevice
from drivers.rtp import PT_PCMA, PT_PCMU, PT_TELEPHONE_EVENT, RtpPacket
from tests.waiting import wait_for


@dataclass
class Placed:
    number: str
    sdp: str
    listener: object
    hung_up: list[tuple[HangupReason, HangupSide, str]] = field(default_factory=list)

    def hang_up(self, reason: HangupReason, side: HangupSide, detail: str = "") -> None:
        self.hung_up.append((reason, side, detail))

    @property
    def rtp_port(self) -> int:
        found = re.search(r"m=audio (\d+) ", self.sdp)
        assert found is not None
        return int(found.group(1))


class FakeTrunk:
    def __init__(self) -> None:
        self.calls: list[Placed] = []

    def place_trunk_call(self, number: str, sdp: str, listener: object) -> Placed:
        self.calls.append(Placed(number, sdp, listener))
        return self.calls[-1]


class FarEnd:
    """A UDP socket standing for the carrier's media."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(15)  # a bound on waiting for packets (a loaded machine is slow)
        self.port = self.sock.getsockname()[1]

    def sdp(self, pt: int = PT_PCMU) -> str:
        return (
            f"v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {self.port} RTP/AVP {pt} 101\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
        )

    def packets(self, count: int) -> list[RtpPacket]:
        return [RtpPacket.decode(self.sock.recv(2048)) for _ in range(count)]

    def close(self) -> None:
        self.sock.close()


@dataclass
class Rig:
    driver: QuicknetDriver
    dev: FakePhoneDevice
    trunk: FakeTrunk
    events: list[DriverEvent]

    def call(self, digits: str = "0049301234567", *, dial: str | None = None) -> Placed:
        self.driver.send(AllowCalls("P1"))
        wait_for(lambda: self.driver.accepts_calls("P1"))
        self.dev.lift()
        wait_for(lambda: self.dev.cpt == "dial")
        self.dev.press(f"{digits}#")
        wait_for(lambda: any(isinstance(e, Dialing) for e in self.events))
        dialing = next(e for e in self.events if isinstance(e, Dialing))
        self.driver.send(AdmitCall("P1", dialing.call_ref, limit_s=self.limit_s, dial=dial))
        wait_for(lambda: bool(self.trunk.calls))
        return self.trunk.calls[-1]

    limit_s: int | None = None

    def hung_up(self) -> HungUp:
        wait_for(lambda: any(isinstance(e, HungUp) for e in self.events))
        return next(e for e in self.events if isinstance(e, HungUp))


@pytest.fixture
def rig() -> Iterator[Rig]:
    dev = FakePhoneDevice(card_type=q.CARD_PHONEJACK)
    trunk = FakeTrunk()
    driver = QuicknetDriver(
        {"P1": dev},
        SystemClock(),
        digit_timeout_s=0.3,
        routes={"P1": "voip"},
        voip=VoipRoute(trunk, rtp_host="127.0.0.1", rtp_ports=None),
    )
    events: list[DriverEvent] = []
    driver.start(events.append)
    yield Rig(driver, dev, trunk, events)
    driver.stop()
    dev.close()


def now() -> datetime:
    return datetime.now(UTC)


def test_digits_during_the_call_reach_the_far_end_as_rfc4733_events(rig: Rig) -> None:
    far = FarEnd()
    try:
        placed = rig.call()
        assert placed.number == "0049301234567"
        placed.listener.leg_media(far.sdp(), True)  # type: ignore[attr-defined]
        placed.listener.leg_answered(now())  # type: ignore[attr-defined]
        audio = far.packets(5)
        assert {p.payload_type for p in audio} == {PT_PCMU}
        assert all(len(p.payload) == 160 for p in audio)
        rig.dev.press("5")  # the customer answers the far end's voice menu
        seen: list[RtpPacket] = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            packet = far.packets(1)[0]
            seen.append(packet)
            if packet.payload_type == PT_PCMU and any(
                p.payload_type == PT_TELEPHONE_EVENT for p in seen
            ):
                break
        events = [p for p in seen if p.payload_type == PT_TELEPHONE_EVENT]
        assert events and {p.payload[0] for p in events} == {5}
        assert events[0].marker and len({p.timestamp for p in events}) == 1
        assert [bool(p.payload[1] & 0x80) for p in events][-3:] == [True, True, True]
        sequence = [p.sequence for p in [*audio, *seen]]
        assert sequence == [(sequence[0] + i) % 65536 for i in range(len(sequence))]
        assert {p.ssrc for p in [*audio, *seen]} == {audio[0].ssrc}
    finally:
        far.close()


def test_a_card_call_sends_the_trunk_only_the_number_never_the_pin(rig: Rig) -> None:
    """The engine admits a card call with ``dial`` = the number after the PIN: the VoIP
    leg's INVITE carries that, not the digits the handset collected."""
    placed = rig.call("*77123456789012*0049301234567", dial="0049301234567")
    assert placed.number == "0049301234567"
    assert "123456789012" not in placed.sdp


def test_an_answer_without_sdp_ends_the_call_with_congestion(rig: Rig) -> None:
    placed = rig.call()
    placed.listener.leg_answered(now())  # type: ignore[attr-defined]
    placed.listener.leg_media(None, True)  # type: ignore[attr-defined]
    ended = rig.hung_up()
    assert ended.reason is HangupReason.ERROR and "without SDP" in ended.detail
    wait_for(lambda: rig.dev.cpt == "busy")
    assert placed.hung_up and placed.hung_up[0][0] is HangupReason.ERROR  # BYE sent
    assert not rig.dev.recording


def test_the_answer_moves_the_media_of_the_early_media(rig: Rig) -> None:
    early, answer = FarEnd(), FarEnd()
    try:
        placed = rig.call()
        placed.listener.leg_progress(now(), 183)  # type: ignore[attr-defined]
        placed.listener.leg_media(early.sdp(), False)  # type: ignore[attr-defined]
        first = early.packets(3)
        placed.listener.leg_media(answer.sdp(), True)  # type: ignore[attr-defined]
        placed.listener.leg_answered(now())  # type: ignore[attr-defined]
        later = answer.packets(3)
        assert later[0].ssrc != first[0].ssrc  # a new stream for the new destination
    finally:
        early.close()
        answer.close()


def test_the_answer_restarts_the_card_in_the_audio_thread_not_beside_it(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer's new media restarts the card's recording and playing. Done beside the
    audio thread, a frame read just before the restart was written to a card that had
    stopped playing, and the call died ("not playing"); here the card is made slow so
    that this always happens if the restart is not the audio thread's own."""
    early, answer = FarEnd(), FarEnd()
    try:
        placed = rig.call()
        placed.listener.leg_progress(now(), 183)  # type: ignore[attr-defined]
        placed.listener.leg_media(early.sdp(), False)  # type: ignore[attr-defined]
        early.packets(3)
        read, ioctl = rig.dev.read, rig.dev.ioctl
        reading = threading.Event()

        def slow_read(size: int) -> bytes:
            frame = read(size)
            reading.set()
            time.sleep(0.05)  # between taking a frame and playing one back
            return frame

        def slow_ioctl(request: int, arg: int = 0) -> int:
            result = ioctl(request, arg)
            if request == q.PHONE_PLAY_STOP:
                time.sleep(0.1)  # between stopping and starting again
            return result

        monkeypatch.setattr(rig.dev, "read", slow_read)
        monkeypatch.setattr(rig.dev, "ioctl", slow_ioctl)
        assert reading.wait(5)  # the answer comes while the audio thread holds a frame
        placed.listener.leg_media(answer.sdp(pt=PT_PCMA), True)  # type: ignore[attr-defined]
        placed.listener.leg_answered(now())  # type: ignore[attr-defined]
        later = answer.packets(3)
        assert {p.payload_type for p in later} == {PT_PCMA}
        assert (rig.dev.rec_codec, rig.dev.play_codec) == (q.CODEC_ALAW, q.CODEC_ALAW)
        assert rig.dev.recording and rig.dev.playing
        assert not any(isinstance(e, HungUp) for e in rig.events), rig.events
    finally:
        early.close()
        answer.close()


def test_the_engines_limit_cuts_the_call_with_a_bye(rig: Rig) -> None:
    far = FarEnd()
    rig.limit_s = 1
    try:
        placed = rig.call()
        placed.listener.leg_media(far.sdp(), True)  # type: ignore[attr-defined]
        answered = now()
        placed.listener.leg_answered(answered)  # type: ignore[attr-defined]
        ended = rig.hung_up()
        assert ended.reason is HangupReason.CREDIT_EXHAUSTED and ended.side is HangupSide.SYSTEM
        assert 0.9 <= (ended.at - answered).total_seconds() <= 1.3
        assert placed.hung_up[0][0] is HangupReason.CREDIT_EXHAUSTED
        wait_for(lambda: rig.dev.cpt == "busy" and not rig.dev.recording)
    finally:
        far.close()


def test_our_rtp_follows_the_far_end_to_where_its_media_comes_from(rig: Rig) -> None:
    named, real, stranger = FarEnd(), FarEnd(), FarEnd()
    try:
        placed = rig.call()
        placed.listener.leg_media(named.sdp(), True)  # type: ignore[attr-defined]
        placed.listener.leg_answered(now())  # type: ignore[attr-defined]
        named.packets(2)  # we send where its SDP said
        ours = ("127.0.0.1", placed.rtp_port)
        voice = RtpPacket(PT_PCMU, 1, 160, 42, b"\x07" * 160).encode()
        real.sock.sendto(voice, ours)  # its media really comes from here (NAT, an SBC)
        real.packets(2)  # and from now on ours goes there
        for seq in range(2, 12):
            stranger.sock.sendto(
                RtpPacket(PT_PCMU, seq, 160 * seq, 9, b"\x09" * 160).encode(), ours
            )
            real.sock.sendto(RtpPacket(PT_PCMU, seq, 160 * seq, 42, b"\x07" * 160).encode(), ours)
            time.sleep(0.02)
        wait_for(lambda: b"\x07" * 160 in rig.dev.played)
        assert b"\x09" * 160 not in rig.dev.played  # nothing from anyone else is played
    finally:
        for far in (named, real, stranger):
            far.close()
