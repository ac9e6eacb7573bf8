"""The fake card's audio follows the driver's rules; a PhoneJACK cannot use the PSTN route."""

from __future__ import annotations

import errno
import select
import time

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.lines.port import Offline, Registered
from drivers.quicknet import ioctls as q
from drivers.quicknet.device import Phone
from drivers.quicknet.driver import QuicknetDriver
from drivers.quicknet.fake import FakePhoneDevice
from tests.waiting import wait_for


def test_frames_only_while_recording_or_playing_sized_by_the_codec() -> None:
    dev = FakePhoneDevice(card_type=q.CARD_PHONEJACK)
    try:
        with pytest.raises(OSError) as err:
            dev.read(160)
        assert err.value.errno == errno.EINVAL  # not recording
        with pytest.raises(OSError):
            dev.write(b"\xff" * 160)  # not playing
        with pytest.raises(OSError):
            dev.ioctl(q.PHONE_REC_START)  # no codec and frame yet
        with pytest.raises(OSError):
            dev.ioctl(q.PHONE_FRAME, 25)
        size = Phone(dev).start_audio(q.CODEC_ALAW, 20)
        assert size == 160 == dev.frame_bytes
        with pytest.raises(OSError) as err:
            dev.ioctl(q.PHONE_REC_CODEC, q.CODEC_ULAW)
        assert err.value.errno == errno.EBUSY  # not while recording
        dev.speak([b"\x01" * 160])
        poller = select.poll()
        poller.register(dev.audio_fileno(), select.POLLIN)
        assert poller.poll(1000)  # a frame is ready within a frame time or so
        assert dev.read(4096) == b"\x01" * 160
        wait_for(lambda: bool(poller.poll(0)), timeout=1)
        assert dev.read(160) == b"\xd5" * 160  # A-law silence when nobody speaks
        with pytest.raises(OSError):
            dev.read(80)  # smaller than a frame
        with pytest.raises(OSError):
            dev.write(b"\xd5" * 80)  # not a whole frame
        assert dev.write(b"\x02" * 160) == 160 and dev.played == [b"\x02" * 160]
        time.sleep(0.2)  # nobody reads: the DSP keeps only its last few frames
        assert len([dev.read(160) for _ in range(4)]) == 4
        with pytest.raises(OSError) as err:
            dev.read(160)
        assert err.value.errno == errno.EAGAIN
        dev.break_audio()
        time.sleep(0.1)
        with pytest.raises(OSError):
            dev.read(160)
        Phone(dev).stop_audio()
        assert not dev.recording and not dev.playing
    finally:
        dev.close()


def test_a_phonejack_on_the_pstn_route_goes_offline_with_the_reason() -> None:
    dev = FakePhoneDevice(card_type=q.CARD_PHONEJACK)
    driver = QuicknetDriver({"P1": dev}, SystemClock(), routes={"P1": "pstn"})
    events: list[object] = []
    driver.start(events.append)
    try:
        (offline,) = [e for e in events if isinstance(e, Offline)]
        assert "no PSTN line" in offline.reason and "route to voip" in offline.reason
        assert not any(isinstance(e, Registered) for e in events)
    finally:
        driver.stop()
        dev.close()
    dev = FakePhoneDevice(card_type=q.CARD_PHONEJACK)
    driver = QuicknetDriver({"P1": dev}, SystemClock(), routes={"P1": "voip"})
    events.clear()
    driver.start(events.append)
    try:
        (offline,) = [e for e in events if isinstance(e, Offline)]
        assert "needs the SIP trunk" in offline.reason
    finally:
        driver.stop()
        dev.close()
    with pytest.raises(ValueError, match="not pstn or voip"):
        QuicknetDriver({"P1": dev}, SystemClock(), routes={"P1": "isdn"})
