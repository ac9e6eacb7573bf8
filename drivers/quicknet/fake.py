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
- ``PHONE_PLAY_TONE`` fails (-1, EBUSY) while a tone is still playing.

The test side uses :meth:`lift`, :meth:`hang_up`, :meth:`press` and
:meth:`far_end_hangs_up`, and reads what the line did (tones, PSTN state, digits
dialled out).
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

__all__ = ["FLASH_WINDOW_S", "FakePhoneDevice"]

FLASH_WINDOW_S = 0.6
DTMF_BUFFER = 79
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

    def far_end_hangs_up(self) -> None:
        """The exchange breaks the loop current (wink) on the PSTN line."""
        with self._lock:
            if self.pstn_state == q.PSTN_OFF_HOOK:
                self._raise(q.EX_PSTN_WINK)

    # ------------------------------------------------------------ driver side

    def fileno(self) -> int:
        return self._ours.fileno()

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
        elif request in (q.PHONE_PLAY_STOP, q.PHONE_REC_STOP, q.PHONE_RING_STOP):
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
            self._ours.close()
            self._theirs.close()
