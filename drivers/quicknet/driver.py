"""Quicknet booths: the handset on the POTS port; the call on a LineJACK's PSTN line
(route ``pstn``) or through the carrier's SIP trunk with the till as the user agent
(route ``voip``; the only route of a PhoneJACK, which has no line port).

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

On the VoIP route an admitted call becomes an INVITE on the trunk (``trunk``: the SIP
driver's :meth:`~drivers.sip.driver.SipDriver.place_trunk_call`) with our SDP offer
(PCMU, PCMA, 20 ms, telephone-events). Ring-back tone plays while the carrier rings
without media; a 183 with SDP (early media) or the 200 OK starts the audio: the card is
set to the answered law with 20 ms frames and the :class:`AudioPump` thread moves the
frames between card and RTP. Billing starts at the carrier's 200 OK. The handset down
sends BYE (CANCEL while ringing); the carrier's BYE, busy (486/600: busy tone) and
failures (5xx and the rest: congestion tone) end the call. Events from the SIP thread
and the audio thread are queued into this driver's thread.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import secrets
import select
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

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
from drivers.quicknet.audio import AudioPump, AudioStream
from drivers.quicknet.device import Phone, PhoneDevice
from drivers.rtp import (
    PT_PCMA,
    JitterBuffer,
    MediaAnswer,
    RtpSender,
    SdpError,
    open_rtp_socket,
    parse_sdp_answer,
    sdp_offer,
)

__all__ = ["ROUTES", "RTP_PORTS", "QuicknetDriver", "TrunkCall", "VoipRoute", "VoipTrunk"]

ROUTES = ("pstn", "voip")
FRAME_MS = 20
#: UDP ports of the calls' RTP (one even port a call; open them to the carrier only)
RTP_PORTS = range(16384, 16512, 2)


class TrunkCall(Protocol):
    def hang_up(self, reason: HangupReason, side: HangupSide, detail: str = "") -> None: ...


class VoipTrunk(Protocol):
    """The carrier trunk (the SIP driver): places a call with our SDP offer and
    reports to ``listener`` (``leg_progress``, ``leg_media``, ``leg_answered``,
    ``leg_ended``) from its own thread."""

    def place_trunk_call(self, number: str, sdp: str, listener: object) -> TrunkCall: ...


@dataclass(frozen=True)
class VoipRoute:
    """What the VoIP route needs: the trunk, the local address the carrier reaches us
    at for RTP (None: the address that routes to ``trunk_host``), the RTP ports (None:
    any free port; default :data:`RTP_PORTS`), and how long a card may deliver no
    frame before its call ends."""

    trunk: VoipTrunk
    trunk_host: str = "127.0.0.1"
    rtp_host: str | None = None
    rtp_ports: range | None = RTP_PORTS
    audio_timeout_s: float = 2.0


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
    route: str = "pstn"
    leg: TrunkCall | None = None
    media: MediaAnswer | None = None


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
        routes: Mapping[str, str] | None = None,
        voip: VoipRoute | None = None,
    ) -> None:
        self.clock = clock
        self.voip = voip
        self.digit_timeout_s = digit_timeout_s
        self.answer_after_s = answer_after_s
        self.tone_on_ms = tone_on_ms
        self.tone_off_ms = tone_off_ms
        self._ports = {
            booth: _Port(booth, Phone(dev), route=(routes or {}).get(booth, "pstn"))
            for booth, dev in ports.items()
        }
        for port in self._ports.values():
            if port.route not in ROUTES:
                raise ValueError(f"booth {port.booth}: route {port.route!r} is not pstn or voip")
        self._inbox: deque[Callable[[], None]] = deque()  # from the SIP and audio threads
        self.audio = AudioPump(self._audio_dead, timeout_s=voip.audio_timeout_s if voip else 2.0)
        self._by_fd = {p.phone.fileno(): p for p in self._ports.values()}
        self._commands: deque[DriverCommand] = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        self._sink: EventSink | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._refs = itertools.count(1)
        self._run_id = ""
        self._rtp: dict[str, socket.socket] = {}  # booth -> the RTP socket of its call

    # ------------------------------------------------------------ port

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        self._run_id = f"{int(self.clock.now().timestamp()):x}"
        for port in self._ports.values():
            try:
                port.phone.reset()
                port.phone.set_tone_times(self.tone_on_ms, self.tone_off_ms)
                card = port.phone.card_type()
                if port.route == "pstn" and card != q.CARD_LINEJACK:
                    raise OSError(
                        f"card type {card} is not a LineJACK: it has no PSTN line; "
                        "set the booth's route to voip"
                    )
                if port.route == "voip" and self.voip is None:
                    raise OSError("the VoIP route needs the SIP trunk (sip_trunk setting)")
            except OSError as exc:
                port.mode = "dead"
                self._emit(Offline(port.booth, self.clock.now(), f"Quicknet port: {exc}"))
                continue
            self._emit(Registered(port.booth, self.clock.now(), contact="quicknet"))
        self.audio.start()
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
        self.audio.stop()
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
            if port.route == "voip" and port.media is not None:
                self.audio.press(port.booth, digit)  # RFC 4733 (IVRs of the far end)
            return  # on the PSTN line digits travel in the audio; nothing to bill
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

    def _post(self, action: Callable[[], None]) -> None:
        """Run ``action`` in the driver's thread (from the SIP or the audio thread)."""
        with self._lock:
            self._inbox.append(action)
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"i")

    def _run_commands(self) -> None:
        with self._lock:
            commands = list(self._commands)
            self._commands.clear()
            inbox = list(self._inbox)
            self._inbox.clear()
        for action in inbox:
            try:
                action()
            except Exception:
                log.exception("Quicknet: a call event failed")
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
                number = port.digits if command.dial is None else command.dial  # card: no PIN
                if port.route == "voip":
                    self._place_voip(port, number)
                    return
                port.phone.pstn(off_hook=True)
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

    # ------------------------------------------------------------ VoIP route

    def _place_voip(self, port: _Port, number: str) -> None:
        assert self.voip is not None and port.call_ref is not None
        host = self.voip.rtp_host or _address_towards(self.voip.trunk_host)
        try:
            sock = open_rtp_socket(host, self.voip.rtp_ports)
        except OSError as exc:
            self._fail_voip(port, f"no RTP socket: {exc}")
            return
        offer = sdp_offer(host, sock.getsockname()[1], secrets.randbits(31))
        port.mode = "calling"
        ref = port.call_ref
        events = _LegEvents(self, port.booth, ref)
        self._rtp[port.booth] = sock
        try:
            port.leg = self.voip.trunk.place_trunk_call(number, offer, events)
        except Exception as exc:
            self._fail_voip(port, f"the SIP trunk cannot place the call: {exc}")

    def _fail_voip(self, port: _Port, detail: str) -> None:
        log.error("Quicknet VoIP call of %s: %s", port.booth, detail)
        self._end(port, HangupReason.CARRIER_FAILURE, HangupSide.SYSTEM, detail)
        port.phone.congestion_tone()
        port.mode = "busy"

    def _current(self, booth: str, ref: str) -> _Port | None:
        port = self._ports.get(booth)
        if port is None or port.call_ref != ref or port.mode == "dead":
            return None
        return port

    def _leg_progress(self, booth: str, ref: str, at: datetime, code: int) -> None:
        port = self._current(booth, ref)
        if port is None or port.mode != "calling":
            return
        port.mode = "ringing"
        if port.media is None:
            port.phone.ringback()  # the carrier's own ring-back comes as early media
        self._emit(Ringing(port.booth, at, ref))

    def _leg_media(self, booth: str, ref: str, sdp: str | None, final: bool) -> None:
        port = self._current(booth, ref)
        if port is None:
            return
        if sdp is None:
            if port.media is None:
                self._hang_up_leg(port, "the carrier answered without SDP")
            return
        try:
            media = parse_sdp_answer(sdp)
        except SdpError as exc:
            self._hang_up_leg(port, str(exc))
            return
        if port.media is not None and (media.host, media.port, media.payload_type) == (
            port.media.host,
            port.media.port,
            port.media.payload_type,
        ):
            return  # the 200 OK repeats the early media's SDP
        self._start_audio(port, media)

    def _start_audio(self, port: _Port, media: MediaAnswer) -> None:
        codec = q.CODEC_ALAW if media.payload_type == PT_PCMA else q.CODEC_ULAW
        previous, port.media = port.media, media
        port.phone.stop_tones()
        frame_bytes = FRAME_MS * q.G711_BYTES_PER_MS
        silence = (b"\xd5" if codec == q.CODEC_ALAW else b"\xff") * frame_bytes
        sender = RtpSender(media.payload_type, frame_bytes, media.dtmf_payload_type)
        if previous is not None:  # the answer's SDP differs from the early media's
            # The audio thread restarts the card itself (it is reading and playing it).
            self.audio.retarget(
                port.booth,
                (media.host, media.port),
                media.payload_type,
                silence,
                sender,
                codec=codec,
                frame_ms=FRAME_MS,
            )
            return
        port.phone.start_audio(codec, FRAME_MS)
        sock = self._rtp.pop(port.booth, None)  # from now on the audio thread's
        if sock is None:
            return
        self.audio.add(
            AudioStream(
                booth=port.booth,
                phone=port.phone,
                sock=sock,
                remote=(media.host, media.port),
                payload_type=media.payload_type,
                frame_bytes=frame_bytes,
                silence=silence,
                sender=sender,
                jitter=JitterBuffer(),
            )
        )

    def _leg_answered(self, booth: str, ref: str, at: datetime) -> None:
        port = self._current(booth, ref)
        if port is None or port.mode not in ("calling", "ringing"):
            return
        if port.mode == "calling":
            self._emit(Ringing(port.booth, at, ref))
        port.answered_at = at
        port.mode = "talking"
        if port.media is None:
            port.phone.stop_tones()
        self._emit(Answered(port.booth, at, ref))
        self._plan_cut(port)

    def _leg_ended(
        self,
        booth: str,
        ref: str,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
        detail: str,
        code: int | None,
    ) -> None:
        port = self._current(booth, ref)
        if port is None:
            return  # ended here first (handset down, cut): HungUp already sent
        port.leg = None
        self._end(port, reason, side, detail, at=at)
        if code in (486, 600) or reason is HangupReason.NORMAL or code is None:
            port.phone.busy_tone()
        else:
            port.phone.congestion_tone()
        port.mode = "busy"  # until the handset goes down

    def _hang_up_leg(self, port: _Port, detail: str) -> None:
        log.error("Quicknet VoIP call of %s: %s", port.booth, detail)
        self._end(port, HangupReason.ERROR, HangupSide.SYSTEM, detail)
        port.phone.congestion_tone()
        port.mode = "busy"

    def _audio_dead(self, booth: str, detail: str) -> None:
        """From the audio thread: the card stopped delivering frames."""

        def end() -> None:
            port = self._ports.get(booth)
            if port is not None and port.call_ref is not None and port.media is not None:
                self._end(port, HangupReason.ERROR, HangupSide.SYSTEM, detail)
                with contextlib.suppress(OSError):
                    port.phone.busy_tone()
                port.mode = "busy"

        self._post(end)

    def _stop_voip(self, port: _Port, reason: HangupReason, side: HangupSide, detail: str) -> None:
        leg, port.leg = port.leg, None
        if leg is not None:
            leg.hang_up(reason, side, detail)
        if port.media is not None:
            port.media = None
            self.audio.remove(port.booth)  # stops the card's audio, closes the RTP socket
        sock = self._rtp.pop(port.booth, None)
        if sock is not None:
            sock.close()

    def _cut(self, port: _Port, reason: HangupReason) -> None:
        self._end(port, reason, HangupSide.SYSTEM)
        port.phone.busy_tone()
        port.mode = "busy"

    def _end(
        self,
        port: _Port,
        reason: HangupReason,
        side: HangupSide,
        detail: str = "",
        *,
        at: datetime | None = None,
    ) -> None:
        ref = port.call_ref
        port.call_ref = None
        if port.route == "voip":
            self._stop_voip(port, reason, side, detail)
        else:
            with contextlib.suppress(OSError):
                port.phone.bridge(False)
                port.phone.pstn(off_hook=False)
        port.answered_at = port.answer_due = port.cut_due = None
        port.to_send.clear()
        if ref is not None:
            self._emit(HungUp(port.booth, at or self.clock.now(), ref, reason, side, detail))


class _LegEvents:
    """The trunk leg's listener: hands every event to the driver's thread."""

    def __init__(self, driver: QuicknetDriver, booth: str, ref: str) -> None:
        self._driver = driver
        self._booth = booth
        self._ref = ref

    def leg_progress(self, at: datetime, code: int) -> None:
        d = self._driver
        d._post(lambda: d._leg_progress(self._booth, self._ref, at, code))

    def leg_media(self, sdp: str | None, final: bool) -> None:
        d = self._driver
        d._post(lambda: d._leg_media(self._booth, self._ref, sdp, final))

    def leg_answered(self, at: datetime) -> None:
        d = self._driver
        d._post(lambda: d._leg_answered(self._booth, self._ref, at))

    def leg_ended(
        self, at: datetime, reason: HangupReason, side: HangupSide, detail: str, code: int | None
    ) -> None:
        d = self._driver
        d._post(lambda: d._leg_ended(self._booth, self._ref, at, reason, side, detail, code))


def _address_towards(host: str) -> str:
    """The local IPv4 address the kernel routes to ``host`` from (nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((host, 5060))
            return str(probe.getsockname()[0])
        except OSError:
            return "0.0.0.0"
