"""One Quicknet port: every ioctl the driver uses, behind a small typed wrapper.

:class:`PhoneDevice` is what the driver needs of a device (an fd to poll for
``POLLPRI`` and ``ioctl``); :class:`LinuxPhoneDevice` is the real ``/dev/phoneN``;
:class:`~drivers.quicknet.fake.FakePhoneDevice` reproduces the kernel driver's
semantics for tests. :class:`Phone` turns raw ioctls into named operations.
"""

from __future__ import annotations

import errno
import fcntl
import os
from typing import Protocol

from callshop_pos.errors import CallShopError
from drivers.quicknet import ioctls as q

__all__ = ["CONGESTION_MS", "LinuxPhoneDevice", "Phone", "PhoneDevice"]

CONGESTION_MS = 250  # on and off time of the congestion tone


class PhoneDevice(Protocol):
    def fileno(self) -> int:
        """A descriptor that polls ``POLLPRI`` while exception bits are set."""
        ...

    def ioctl(self, request: int, arg: int = 0) -> int:
        """The ioctl's return value; OSError when the driver returns -1."""
        ...

    def audio_fileno(self) -> int:
        """A descriptor that polls ``POLLIN`` while a recorded frame is ready (on the
        card: the same descriptor as :meth:`fileno`)."""
        ...

    def read(self, size: int) -> bytes:
        """One recorded frame (``read()`` on the device; non-blocking)."""
        ...

    def write(self, frame: bytes) -> int:
        """Play one frame (``write()`` on the device)."""
        ...

    def close(self) -> None: ...


class LinuxPhoneDevice:
    """``/dev/phoneN`` of the Linux ``ixj`` driver."""

    def __init__(self, path: str) -> None:
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        except OSError as exc:
            raise CallShopError(f"cannot open Quicknet device {path}: {exc.strerror}") from None
        self.path = path

    def fileno(self) -> int:
        return self._fd

    def ioctl(self, request: int, arg: int = 0) -> int:
        return int(fcntl.ioctl(self._fd, request, arg))

    def audio_fileno(self) -> int:
        return self._fd

    def read(self, size: int) -> bytes:
        return os.read(self._fd, size)

    def write(self, frame: bytes) -> int:
        return os.write(self._fd, frame)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class Phone:
    """Named operations on one port (POTS handset, and the PSTN line of a LineJACK)."""

    def __init__(self, device: PhoneDevice) -> None:
        self.device = device
        self._tone_ms = (90, 90)  # DTMF tone on/off times (PSTN dialling)
        self._congestion = False  # tone times changed for the congestion cadence

    def fileno(self) -> int:
        return self.device.fileno()

    def reset(self) -> None:
        """chan_phone's ``mkif``: POTS port, everything stopped, PSTN on hook."""
        d = self.device
        d.ioctl(q.IXJCTL_PORT, q.PORT_POTS)
        for request in (q.PHONE_PLAY_STOP, q.PHONE_REC_STOP, q.PHONE_RING_STOP, q.PHONE_CPT_STOP):
            d.ioctl(request)
        self.pstn(off_hook=False)

    def card_type(self) -> int:
        return self.device.ioctl(q.IXJCTL_CARDTYPE)

    def exceptions(self) -> int:
        """Pending exception bits (reading clears the one-shot ones)."""
        return self.device.ioctl(q.PHONE_EXCEPTION)

    def off_hook(self) -> bool:
        """Current POTS hook state (and clears the hook-changed bit)."""
        return bool(self.device.ioctl(q.PHONE_HOOKSTATE) & 1)

    def digits(self) -> str:
        """Every buffered DTMF digit, in order."""
        found: list[str] = []
        while True:
            code = self.device.ioctl(q.PHONE_GET_DTMF_ASCII)
            if not code:
                return "".join(found)
            found.append(chr(code))

    def dial_tone(self) -> None:
        self.device.ioctl(q.PHONE_DIALTONE)

    def busy_tone(self) -> None:
        self.stop_tones()
        self.device.ioctl(q.PHONE_BUSY)

    def stop_tones(self) -> None:
        self.device.ioctl(q.PHONE_CPT_STOP)
        if self._congestion:
            self._congestion = False
            self._tone_times(*self._tone_ms)

    def set_tone_times(self, on_ms: int, off_ms: int) -> None:
        self._tone_ms = (on_ms, off_ms)
        self._tone_times(on_ms, off_ms)

    def _tone_times(self, on_ms: int, off_ms: int) -> None:
        # Units of 250 µs (OPAL passes ms × 4).
        self.device.ioctl(q.PHONE_SET_TONE_ON_TIME, on_ms * 4)
        self.device.ioctl(q.PHONE_SET_TONE_OFF_TIME, off_ms * 4)

    def play_digit(self, digit: str) -> bool:
        """Start one DTMF tone; False while the previous one still plays."""
        try:
            self.device.ioctl(q.PHONE_PLAY_TONE, q.tone_index(digit))
        except OSError as exc:
            if exc.errno in (errno.EBUSY, errno.EAGAIN, errno.EPERM, errno.EINVAL):
                return False
            raise
        return True

    def tone_playing(self) -> bool:
        return bool(self.device.ioctl(q.PHONE_GET_TONE_STATE))

    def ringback(self) -> None:
        self.stop_tones()
        self.device.ioctl(q.PHONE_RINGBACK)

    def congestion_tone(self) -> None:
        """The ``ixj`` driver has no congestion tone of its own: its busy tone at the
        faster congestion cadence (250 ms on/off); the DTMF tone times come back with
        the next :meth:`stop_tones`."""
        self.stop_tones()
        self._congestion = True
        self._tone_times(CONGESTION_MS, CONGESTION_MS)
        self.device.ioctl(q.PHONE_BUSY)

    def start_audio(self, codec: int, frame_ms: int) -> int:
        """Record and play ``codec`` (``CODEC_ULAW``/``CODEC_ALAW``) in ``frame_ms``
        frames; returns the frame size in bytes."""
        d = self.device
        d.ioctl(q.PHONE_REC_STOP)
        d.ioctl(q.PHONE_PLAY_STOP)
        d.ioctl(q.PHONE_REC_CODEC, codec)
        d.ioctl(q.PHONE_PLAY_CODEC, codec)
        d.ioctl(q.PHONE_FRAME, frame_ms)
        d.ioctl(q.PHONE_DTMF_OOB, 1)  # digits go as RFC 4733 events, not in the audio
        d.ioctl(q.PHONE_REC_START)
        d.ioctl(q.PHONE_PLAY_START)
        return frame_ms * q.G711_BYTES_PER_MS

    def stop_audio(self) -> None:
        self.device.ioctl(q.PHONE_REC_STOP)
        self.device.ioctl(q.PHONE_PLAY_STOP)

    def pstn(self, *, off_hook: bool) -> None:
        state = q.PSTN_OFF_HOOK if off_hook else q.PSTN_ON_HOOK
        self.device.ioctl(q.PHONE_PSTN_SET_STATE, state)

    def bridge(self, on: bool) -> None:
        """Relay the handset straight onto the PSTN line (LineJACK)."""
        self.device.ioctl(q.IXJCTL_POTS_PSTN, 1 if on else 0)

    def close(self) -> None:
        self.device.close()
