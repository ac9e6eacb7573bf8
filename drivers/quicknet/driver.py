"""Quicknet LineJACK booths: the handset on the POTS port, the call on the PSTN line.

One thread polls every port's descriptor for ``POLLPRI`` (the ``ixj`` exception
bits, TELEPHONY.md §1.4) plus a wake-up pipe for engine commands, and runs the POTS
state machine of §1.7: off hook → dial tone → DTMF digits (dial tone stops at the
first) → number complete on ``#`` or after the inter-digit timeout → ``Dialing``
(held until the engine admits or refuses it) → the PSTN line goes off hook, the
digits are sent as DTMF tones, the handset is bridged onto the line → ``Ringing``.

A LineJACK reports no answer from the exchange (no polarity-reversal event), so the
answer is *estimated* a fixed time after the last digit (``answer_after_s``) and
the call is flagged ``estimated_answer`` for the administrator. The call ends when
the handset goes on hook (after the 600 ms flash window), on a loop-current break
(wink: the far end hung up), or on the engine's hang-up / limit (PSTN on hook,
busy tone to the handset until it is put down). A locked booth gets busy tone as
soon as the handset is lifted.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import select
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from callshop_pos.clock import Clock
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    Answered,
    DenyCalls,
    Dialing,
    Digit,
    DriverCommand,
    DriverEvent,
    EventSink,
    HangUpNow,
    HangupReason,
    HangupSide,
    HungUp,
    LimitCall,
    OffHook,
    Offline,
    RefuseCall,
    Registered,
    Ringing,
)
from drivers.quicknet import ioctls as q
from drivers.quicknet.device import Phone, PhoneDevice

__all__ = ["QuicknetDriver"]

log = logging.getLogger("drivers.quicknet")


@dataclass(slots=True)
class _Port:
    booth: str
    phone: Phone
    # Fail closed: a handset lifted before the engine has said AllowCalls (start-up, a
    # lock command still in flight) gets the busy tone, never a dial tone.
    allowed: bool = False
    mode: str = "idle"  # idle, collecting, held, sending, ringing, talking, busy
    digits: str = ""
    digit_deadline: float | None = None
    to_send: deque[str] = field(default_factory=deque)
    call_ref: str | None = None
    answer_due: float | None = None
    answered_at: datetime | None = None
    limit_s: int | None = None
    limit_reason: HangupReason = HangupReason.CREDIT_EXHAUSTED
    cut_due: float | None = None


class QuicknetDriver:
    """A :class:`~callshop_pos.lines.port.BoothDriver` over Quicknet ports."""

    name = "quicknet"

    def __init__(
        self,
        ports: dict[str, PhoneDevice],
        clock: Clock,
        *,
        digit_timeout_s: float = 4.0,
        answer_after_s: float = 8.0,
        tone_on_ms: int = 90,
        tone_off_ms: int = 90,
    ) -> None:
        self.clock = clock
        self.digit_timeout_s = digit_timeout_s
        self.answer_after_s = answer_after_s
        self.tone_on_ms = tone_on_ms
        self.tone_off_ms = tone_off_ms
        self._ports = {booth: _Port(booth, Phone(dev)) for booth, dev in ports.items()}
        self._by_fd = {p.phone.fileno(): p for p in self._ports.values()}
        self._commands: deque[DriverCommand] = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        self._sink: EventSink | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._refs = itertools.count(1)
        self._run_id = ""

    # ------------------------------------------------------------ port

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        self._run_id = f"{int(self.clock.now().timestamp()):x}"
        for port in self._ports.values():
            try:
                port.phone.reset()
                port.phone.set_tone_times(self.tone_on_ms, self.tone_off_ms)
                if port.phone.card_type() != q.CARD_LINEJACK:
                    raise OSError("not a LineJACK: there is no PSTN line to place calls on")
            except OSError as exc:
                port.mode = "dead"
                self._emit(Offline(port.booth, self.clock.now(), f"Quicknet port: {exc}"))
                continue
            self._emit(Registered(port.booth, self.clock.now(), contact="quicknet"))
        self._thread = threading.Thread(target=self._run, name="quicknet", daemon=True)
        self._thread.start()

    def send(self, command: DriverCommand) -> None:
        with self._lock:
            self._commands.append(command)
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"c")

    def accepts_calls(self, booth: str) -> bool:
        """Whether a handset lifted on ``booth`` now gets a dial tone (the engine's last
        AllowCalls/DenyCalls as applied by the driver thread; False before the first)."""
        port = self._ports.get(booth)
        return port is not None and port.mode != "dead" and port.allowed

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"s")
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        for port in self._ports.values():
            if port.call_ref is not None:
                self._end(port, HangupReason.ERROR, HangupSide.SYSTEM, "driver stopped")
            with contextlib.suppress(OSError):
                port.phone.pstn(off_hook=False)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    # ------------------------------------------------------------ loop

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._wake_r, select.POLLIN)
        for fd, each in self._by_fd.items():
            if each.mode != "dead":
                poller.register(fd, select.POLLPRI)
        while not self._stopping:
            try:
                ready = poller.poll(50)
            except InterruptedError:
                continue
            for fd, _mask in ready:
                if fd == self._wake_r:
                    with contextlib.suppress(BlockingIOError, OSError):
                        os.read(self._wake_r, 512)
                    continue
                found = self._by_fd.get(fd)
                if found is not None:
                    self._guard(found, self._exception, found)
            self._run_commands()
            for port in self._ports.values():
                if port.mode != "dead":
                    self._guard(port, self._timers, port)

    def _guard(self, port: _Port, action: object, *args: object) -> None:
        """A device error takes that port out of service, never the others."""
        try:
            action(*args)  # type: ignore[operator]
        except OSError as exc:
            log.exception("Quicknet port of %s failed", port.booth)
            if port.call_ref is not None:
                self._end(port, HangupReason.ERROR, HangupSide.SYSTEM, f"device error: {exc}")
            port.mode = "dead"
            self._emit(Offline(port.booth, self.clock.now(), f"device error: {exc}"))

    def _emit(self, event: DriverEvent) -> None:
        if self._sink is not None:
            self._sink(event)

    # ------------------------------------------------------------ device events

    def _exception(self, port: _Port) -> None:
        if port.mode == "dead":
            return
        bits = port.phone.exceptions()
        if bits & q.EX_HOOKSTATE:
            if port.phone.off_hook():
                self._lifted(port)
            else:
                self._put_down(port)
        if bits & q.EX_DTMF_READY:
            for digit in port.phone.digits():
                self._digit(port, digit)
        if bits & q.EX_PSTN_WINK and port.mode in ("ringing", "talking", "sending"):
            answered = port.answered_at is not None
            reason = HangupReason.NORMAL if answered else HangupReason.NO_ANSWER
            self._end(port, reason, HangupSide.FAR_END, "loop current break")
            port.phone.busy_tone()
            port.mode = "busy"
        # EX_FLASH: a hook flash is not a hang-up; nothing to do for a booth.

    def _lifted(self, port: _Port) -> None:
        now = self.clock.now()
        self._emit(OffHook(port.booth, now))
        if not port.allowed:
            port.phone.busy_tone()
            port.mode = "busy"
            self._emit(
                HungUp(
                    port.booth, now, None, HangupReason.DENIED, HangupSide.SYSTEM, "booth locked"
                )
            )
            return
        port.phone.dial_tone()
        port.mode, port.digits, port.digit_deadline = "collecting", "", None

    def _put_down(self, port: _Port) -> None:
        port.phone.stop_tones()
        if port.call_ref is not None:
            answered = port.answered_at is not None
            reason = HangupReason.NORMAL if answered else HangupReason.CANCELLED
            self._end(port, reason, HangupSide.BOOTH)
        elif port.mode == "collecting":
            self._emit(
                HungUp(port.booth, self.clock.now(), None, HangupReason.CANCELLED, HangupSide.BOOTH)
            )
        port.mode, port.digits, port.digit_deadline = "idle", "", None

    def _digit(self, port: _Port, digit: str) -> None:
        if port.mode != "collecting":
            return  # digits during a call travel in the audio; nothing to bill
        if not port.digits:
            port.phone.stop_tones()
        self._emit(Digit(port.booth, self.clock.now(), digit))
        if digit == "#":
            self._dial(port)
            return
        port.digits += digit
        port.digit_deadline = self.clock.monotonic() + self.digit_timeout_s

    def _dial(self, port: _Port) -> None:
        port.digit_deadline = None
        if not port.digits:
            port.phone.busy_tone()
            port.mode = "busy"
            return
        port.call_ref = f"qn-{self._run_id}-{port.booth}-{next(self._refs)}"
        port.mode = "held"
        self._emit(Dialing(port.booth, self.clock.now(), port.call_ref, port.digits))

    # ------------------------------------------------------------ timers

    def _timers(self, port: _Port) -> None:
        mono = self.clock.monotonic()
        if port.mode == "collecting" and port.digit_deadline is not None:
            if mono >= port.digit_deadline:
                self._dial(port)
        elif port.mode == "sending":
            self._send_digits(port)
        elif port.mode == "ringing" and port.answer_due is not None and mono >= port.answer_due:
            assert port.call_ref is not None
            port.answered_at = self.clock.now()
            port.mode = "talking"
            self._emit(Answered(port.booth, port.answered_at, port.call_ref, estimated=True))
            self._plan_cut(port)
        elif port.mode == "talking" and port.cut_due is not None and mono >= port.cut_due:
            self._cut(port, port.limit_reason)

    def _send_digits(self, port: _Port) -> None:
        while port.to_send:
            if not port.phone.play_digit(port.to_send[0]):
                return  # the previous tone still plays: next loop
            port.to_send.popleft()
            return
        if port.phone.tone_playing():
            return
        port.phone.bridge(True)
        port.mode = "ringing"
        port.answer_due = self.clock.monotonic() + self.answer_after_s
        assert port.call_ref is not None
        self._emit(Ringing(port.booth, self.clock.now(), port.call_ref))

    def _plan_cut(self, port: _Port) -> None:
        if port.limit_s is None or port.answered_at is None:
            port.cut_due = None
            return
        talked = (self.clock.now() - port.answered_at).total_seconds()
        port.cut_due = self.clock.monotonic() + port.limit_s - talked

    # ------------------------------------------------------------ commands

    def _run_commands(self) -> None:
        with self._lock:
            commands = list(self._commands)
            self._commands.clear()
        for command in commands:
            port = self._ports.get(command.booth)
            if port is not None and port.mode != "dead":
                self._guard(port, self._command, port, command)

    def _command(self, port: _Port, command: DriverCommand) -> None:
        match command:
            case AllowCalls():
                port.allowed = True
            case DenyCalls():
                port.allowed = False
            case AdmitCall() if command.call_ref == port.call_ref and port.mode == "held":
                port.limit_s, port.limit_reason = command.limit_s, command.limit_reason
                port.phone.pstn(off_hook=True)
                number = port.digits if command.dial is None else command.dial  # card: no PIN
                port.to_send = deque(d for d in number if d in q.DTMF_CODES)
                port.mode = "sending"
                self._send_digits(port)
            case RefuseCall() if command.call_ref == port.call_ref:
                self._end(port, command.reason, HangupSide.SYSTEM, command.detail)
                port.phone.busy_tone()
                port.mode = "busy"
            case LimitCall() if command.call_ref == port.call_ref:
                port.limit_s, port.limit_reason = command.limit_s, command.reason
                self._plan_cut(port)
            case HangUpNow() if port.call_ref is not None:
                self._cut(port, command.reason)
            case _:
                pass

    def _cut(self, port: _Port, reason: HangupReason) -> None:
        self._end(port, reason, HangupSide.SYSTEM)
        port.phone.busy_tone()
        port.mode = "busy"

    def _end(self, port: _Port, reason: HangupReason, side: HangupSide, detail: str = "") -> None:
        ref = port.call_ref
        port.call_ref = None
        with contextlib.suppress(OSError):
            port.phone.bridge(False)
            port.phone.pstn(off_hook=False)
        port.answered_at = port.answer_due = port.cut_due = None
        port.to_send.clear()
        if ref is not None:
            self._emit(HungUp(port.booth, self.clock.now(), ref, reason, side, detail))
