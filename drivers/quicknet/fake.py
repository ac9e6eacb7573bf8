"""A fake ``/dev/phoneN`` that behaves like the ``ixj`` kernel driver (TELEPHONY.md §1.8).

Faithful where the driver's logic depends on it:

- ``PHONE_EXCEPTION`` returns the pending bits and clears the one-shot ones (flash,
  wink, PSTN ring, caller id); ``dtmf_ready`` stays until the DTMF buffer is empty,
  ``hookstate`` until ``PHONE_HOOKSTATE`` is read;
- the descriptor polls ``POLLPRI`` (``select`` exception set) exactly while bits are
  pending: an AF_UNIX socket pair with one out-of-band byte, as on Linux ≥ 5.15;
- an on-hook is reported only after the 600 ms flash window; lifting the handset
  again inside it sets ``flash`` instead;
- DTMF digits are buffered (79 at most) only while off hook; ``PHONE_GET_DTMF_ASCII``
  pops one or returns 0;
- ``PHONE_PLAY_TONE`` fails (-1, EBUSY) while a tone is still playing;
- audio: ``PHONE_REC_CODEC``/``PHONE_PLAY_CODEC`` (µ-law, A-law) and ``PHONE_FRAME``
  (10/20/30 ms) set the frame size (8 bytes a millisecond: 160 bytes for 20 ms);
  ``PHONE_REC_START`` starts the card's clock: one frame of the microphone every frame
  time, ``read()`` returns one whole frame (``EAGAIN`` when none is ready, ``EINVAL``
  while not recording or for a buffer smaller than a frame); the record buffer holds a
  few frames and drops the oldest when nobody reads (as the DSP does);
  ``write()`` takes exactly one frame and only while playing (``EINVAL`` otherwise);
  the codec cannot change while recording/playing.

The test side uses :meth:`lift`, :meth:`hang_up`, :meth:`press`,
:meth:`far_end_hangs_up`, :meth:`speak` (frames for the microphone; silence otherwise)
and :meth:`break_audio` (the DSP stops delivering frames), and reads what the line did
(tones, PSTN state, digits dialled out, :attr:`played` frames, :attr:`read_lag_s`).
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections import deque
from collections.abc import Callable

from drivers.quicknet import ioctls as q

__all__ = ["FLASH_WINDOW_S", "SILENCE", "FakePhoneDevice"]

FLASH_WINDOW_S = 0.6
DTMF_BUFFER = 79
RECORD_BUFFER_FRAMES = 4  # frames the DSP keeps for a reader that is late
#: one byte of digital silence per codec (µ-law 0xFF, A-law 0xD5)
SILENCE = {q.CODEC_ULAW: b"\xff", q.CODEC_ALAW: b"\xd5"}
_CODE_TO_ASCII = {code: digit for digit, code in q.DTMF_CODES.items()}


class FakePhoneDevice:
    def __init__(
        self, monotonic: Callable[[], float] = time.monotonic, card_type: int = q.CARD_LINEJACK
    ) -> None:
        self._now = monotonic
        self.card = card_type
        self._lock = threading.RLock()
        self._ours, self._theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._urgent = False
        self._ex = 0
        self._off_hook = False  # what the driver reports
        self._handset_up = False  # what the customer did
        self._pending_on_hook: threading.Timer | None = None
        self._dtmf: deque[int] = deque()
        self.port = q.PORT_POTS
        self.pstn_state = q.PSTN_ON_HOOK
        self.bridged = False
        self.cpt: str | None = None  # "dial", "busy", "ringback" or None
        self._tone_on = 0.1
        self._tone_off = 0.1
        self._tone_until = 0.0
        self.dialled_out = ""  # DTMF tones sent while the PSTN line was off hook
        self.calls: list[int] = []  # every ioctl request, for tests
        self.cpt_cadence_ms: tuple[int, int] | None = None  # tone times when busy started
        # audio
        self.rec_codec: int | None = None
        self.play_codec: int | None = None
        self.frame_ms: int | None = None
        self.recording = False
        self.playing = False
        self.played: list[bytes] = []  # every frame written, in order
        self.read_lag_s: list[float] = []  # per frame read: how long it waited in the card
        self.overruns = 0  # frames the DSP dropped because nobody read them in time
        self._mic: deque[bytes] = deque()
        self._audio_r, self._audio_w = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._audio_r.setblocking(False)
        self._audio_w.setblocking(False)
        self._ready: deque[float] = deque()  # when each buffered frame was recorded
        self._clock: threading.Thread | None = None
        self._clock_stop = threading.Event()
        self._dead_audio = False
        self.dtmf_oob = False

    # ------------------------------------------------------------ customer side

    def lift(self) -> None:
        with self._lock:
            self._handset_up = True
            if self._pending_on_hook is not None:  # back up inside the window: a flash
                self._pending_on_hook.cancel()
                self._pending_on_hook = None
                self._raise(q.EX_FLASH)
                return
            if not self._off_hook:
                self._off_hook = True
                self._raise(q.EX_HOOKSTATE)

    def hang_up(self) -> None:
        with self._lock:
            self._handset_up = False
            if self._off_hook and self._pending_on_hook is None:
                timer = threading.Timer(FLASH_WINDOW_S, self._commit_on_hook)
                timer.daemon = True
                self._pending_on_hook = timer
                timer.start()

    def _commit_on_hook(self) -> None:
        with self._lock:
            self._pending_on_hook = None
            if not self._handset_up:
                self._off_hook = False
                self._dtmf.clear()
                self._ex &= ~q.EX_DTMF_READY
                self._raise(q.EX_HOOKSTATE)

    def press(self, keys: str) -> None:
        with self._lock:
            for key in keys:
                if not self._off_hook or len(self._dtmf) >= DTMF_BUFFER:
                    continue  # digits are only collected while off hook
                self._dtmf.append(q.DTMF_CODES[key.upper()])
                self._raise(q.EX_DTMF_READY)

    def speak(self, frames: list[bytes]) -> None:
        """Frames for the microphone side, recorded one per frame time (silence when
        there is nothing queued)."""
        with self._lock:
            self._mic.extend(frames)

    def break_audio(self) -> None:
        """The DSP stops delivering frames (a card fault): reads get ``EAGAIN`` forever."""
        with self._lock:
            self._dead_audio = True

    @property
    def tone_times_ms(self) -> tuple[int, int]:
        """The tone on/off times now set (``PHONE_SET_TONE_ON_TIME``/``OFF_TIME``)."""
        with self._lock:
            return (round(self._tone_on * 1000), round(self._tone_off * 1000))

    @property
    def frame_bytes(self) -> int:
        with self._lock:
            return (self.frame_ms or 0) * q.G711_BYTES_PER_MS

    def far_end_hangs_up(self) -> None:
        """The exchange breaks the loop current (wink) on the PSTN line."""
        with self._lock:
            if self.pstn_state == q.PSTN_OFF_HOOK:
                self._raise(q.EX_PSTN_WINK)

    # ------------------------------------------------------------ driver side

    def fileno(self) -> int:
        return self._ours.fileno()

    def audio_fileno(self) -> int:
        return self._audio_r.fileno()

    def read(self, size: int) -> bytes:
        with self._lock:
            if not self.recording:
                raise OSError(errno.EINVAL, "not recording (PHONE_REC_START first)")
            if size < self.frame_bytes:
                raise OSError(errno.EINVAL, f"buffer smaller than a frame ({self.frame_bytes})")
            try:
                frame = self._audio_r.recv(self.frame_bytes)
            except BlockingIOError:
                raise OSError(errno.EAGAIN, "no frame ready") from None
            self.read_lag_s.append(self._now() - self._ready.popleft())
            return frame

    def write(self, frame: bytes) -> int:
        with self._lock:
            if not self.playing:
                raise OSError(errno.EINVAL, "not playing (PHONE_PLAY_START first)")
            if len(frame) != self.frame_bytes:
                raise OSError(
                    errno.EINVAL, f"a frame is {self.frame_bytes} bytes, not {len(frame)}"
                )
            self.played.append(bytes(frame))
            return len(frame)

    def _record_clock(self, stop: threading.Event, frame_s: float) -> None:
        """The DSP: one frame of the microphone every frame time, on the card's clock."""
        due = time.monotonic()
        while not stop.is_set():
            due += frame_s
            delay = due - time.monotonic()
            if delay > 0 and stop.wait(delay):
                return
            with self._lock:
                if not self.recording or self._dead_audio:
                    continue
                size = self.frame_bytes
                frame = self._mic.popleft() if self._mic else self._silence(size)
                while len(self._ready) >= RECORD_BUFFER_FRAMES:  # overrun: oldest lost
                    with contextlib.suppress(BlockingIOError):
                        self._audio_r.recv(size)
                    self._ready.popleft()
                    self.overruns += 1
                try:
                    self._audio_w.send(frame[:size].ljust(size, b"\0"))
                except OSError:
                    return  # closed
                self._ready.append(self._now())

    def _silence(self, size: int) -> bytes:
        return SILENCE.get(self.rec_codec or q.CODEC_ULAW, b"\xff") * size

    def _start_recording(self) -> None:
        if self.rec_codec is None or self.frame_ms is None:
            raise OSError(errno.EINVAL, "PHONE_REC_CODEC and PHONE_FRAME first")
        if self.recording:
            return
        self.recording = True
        self._clock_stop = threading.Event()
        self._clock = threading.Thread(
            target=self._record_clock,
            args=(self._clock_stop, self.frame_ms / 1000),
            name="fake-phone-dsp",
            daemon=True,
        )
        self._clock.start()

    def _stop_recording(self) -> None:
        self.recording = False
        self._clock_stop.set()
        self._clock = None
        while self._ready:  # the DSP's buffer is flushed
            self._ready.popleft()
            with contextlib.suppress(OSError):
                self._audio_r.recv(4096)

    def ioctl(self, request: int, arg: int = 0) -> int:
        with self._lock:
            self.calls.append(request)
            return self._ioctl(request, arg)

    def _ioctl(self, request: int, arg: int) -> int:  # noqa: C901 - one branch per ioctl, like the kernel driver's switch
        if request == q.PHONE_EXCEPTION:
            bits = self._ex
            self._set_ex(self._ex & ~q.EX_CLEARED_ON_READ)
            return bits
        if request == q.PHONE_HOOKSTATE:
            self._set_ex(self._ex & ~q.EX_HOOKSTATE)
            return 1 if self._off_hook else 0
        if request in (q.PHONE_GET_DTMF_ASCII, q.PHONE_DTMF_READY):
            if request == q.PHONE_DTMF_READY:
                return 1 if self._ex & q.EX_DTMF_READY else 0
            if not self._dtmf or not self._off_hook:
                return 0
            code = self._dtmf.popleft()
            if not self._dtmf:
                self._set_ex(self._ex & ~q.EX_DTMF_READY)
            return ord(_CODE_TO_ASCII[code])
        if request == q.PHONE_DIALTONE:
            self.cpt = "dial"
        elif request == q.PHONE_BUSY:
            self.cpt = "busy"
            self.cpt_cadence_ms = (round(self._tone_on * 1000), round(self._tone_off * 1000))
        elif request == q.PHONE_RINGBACK:
            self.cpt = "ringback"
        elif request == q.PHONE_CPT_STOP:
            self.cpt = None
        elif request == q.PHONE_PSTN_SET_STATE:
            if arg not in (q.PSTN_ON_HOOK, q.PSTN_RINGING, q.PSTN_OFF_HOOK, 3):
                raise OSError(errno.EINVAL, "bad PSTN state")
            self.pstn_state = arg
            if arg == q.PSTN_ON_HOOK:
                self.bridged = False
        elif request == q.PHONE_PSTN_GET_STATE:
            return self.pstn_state
        elif request == q.IXJCTL_PORT:
            if arg != q.PORT_QUERY:
                self.port = arg
            return self.port
        elif request == q.IXJCTL_POTS_PSTN:
            self.bridged = bool(arg)
        elif request == q.IXJCTL_CARDTYPE:
            return self.card
        elif request == q.PHONE_SET_TONE_ON_TIME:
            self._tone_on = arg / 4000
        elif request == q.PHONE_SET_TONE_OFF_TIME:
            self._tone_off = arg / 4000
        elif request == q.PHONE_PLAY_TONE:
            now = self._now()
            if now < self._tone_until:
                raise OSError(errno.EBUSY, "a tone is already playing")
            digit = _CODE_TO_ASCII.get(arg)
            if digit is None:
                raise OSError(errno.EINVAL, "bad tone")
            self._tone_until = now + self._tone_on + self._tone_off
            if self.pstn_state == q.PSTN_OFF_HOOK:
                self.dialled_out += digit
        elif request == q.PHONE_GET_TONE_STATE:
            return 1 if self._now() < self._tone_until else 0
        elif request in (q.PHONE_REC_CODEC, q.PHONE_PLAY_CODEC):
            if arg not in SILENCE:
                raise OSError(errno.EINVAL, f"codec {arg} not supported by the fake")
            if (self.recording and request == q.PHONE_REC_CODEC) or (
                self.playing and request == q.PHONE_PLAY_CODEC
            ):
                raise OSError(errno.EBUSY, "stop recording/playing before changing the codec")
            if request == q.PHONE_REC_CODEC:
                self.rec_codec = arg
            else:
                self.play_codec = arg
        elif request == q.PHONE_FRAME:
            if arg not in q.FRAME_MS:
                raise OSError(errno.EINVAL, f"frame of {arg} ms")
            if self.recording or self.playing:
                raise OSError(errno.EBUSY, "stop recording/playing before changing the frame")
            self.frame_ms = arg
        elif request == q.PHONE_REC_START:
            self._start_recording()
        elif request == q.PHONE_REC_STOP:
            self._stop_recording()
        elif request == q.PHONE_PLAY_START:
            if self.play_codec is None or self.frame_ms is None:
                raise OSError(errno.EINVAL, "PHONE_PLAY_CODEC and PHONE_FRAME first")
            self.playing = True
        elif request == q.PHONE_PLAY_STOP:
            self.playing = False
        elif request == q.PHONE_DTMF_OOB:
            self.dtmf_oob = bool(arg)
        elif request == q.PHONE_RING_STOP:
            pass
        else:
            raise OSError(errno.ENOTTY, f"ioctl {request:#x} not supported by the fake")
        return 0

    # ------------------------------------------------------------ POLLPRI

    def _raise(self, bit: int) -> None:
        self._set_ex(self._ex | bit)

    def _set_ex(self, bits: int) -> None:
        self._ex = bits
        if bits and not self._urgent:
            self._theirs.send(b"!", socket.MSG_OOB)
            self._urgent = True
        elif not bits and self._urgent:
            with contextlib.suppress(OSError):
                self._ours.recv(1, socket.MSG_OOB)
            self._urgent = False

    @property
    def off_hook_reported(self) -> bool:
        with self._lock:
            return self._off_hook

    def close(self) -> None:
        with self._lock:
            if self._pending_on_hook is not None:
                self._pending_on_hook.cancel()
            self._stop_recording()
            self._ours.close()
            self._theirs.close()
            self._audio_r.close()
            self._audio_w.close()
