"""The ``sip`` booth driver: registrar + B2BUA for the booths' ATAs, over sippy.

Threading: sippy runs its own event loop in one thread (see :mod:`sippy_adapter`).
The engine calls :meth:`SipDriver.send` from any thread; commands cross into the SIP
thread with ``ED2.callFromThread`` and nothing else is shared except the refusal
counters (locked). Events are delivered to the sink from the SIP thread.
"""

from __future__ import annotations

import itertools
import logging
import secrets
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from callshop_pos.clock import Clock, SystemClock
from callshop_pos.lines.dialplan import mask_any_card_dial
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    DenyCalls,
    DriverCommand,
    DriverEvent,
    EventSink,
    HangUpNow,
    HangupReason,
    LimitCall,
    Offline,
    RefuseCall,
    Registered,
)
from drivers.sip import digest, raw
from drivers.sip.abuse import AbuseGuard, Refusal, RefusalLog, SipAlert
from drivers.sip.calls import BoothCall
from drivers.sip.config import BoothAccount, SipDriverConfig
from drivers.sip.inbound import RequestRouter, rate_limited_method
from drivers.sip.registrar import Registrar, load_bindings
from drivers.sip.sippy_adapter import SippyStack, SipStackError
from drivers.sip.trunk_leg import LegListener, TrunkLeg

__all__ = ["SipDriver", "create_sip_driver"]

log = logging.getLogger("drivers.sip")


class SipDriver:
    """A :class:`~callshop_pos.lines.port.BoothDriver` for SIP ATAs.

    ``clock`` supplies event time stamps; it must run at real speed (SIP timers do).
    """

    name = "sip"

    def __init__(self, config: SipDriverConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.user_agent = config.user_agent
        self.ring_timeout_s = config.ring_timeout_s
        self.admission_timeout_s = config.admission_timeout_s
        self.refusals = RefusalLog(self.clock.monotonic)
        #: Called (SIP thread) with every :class:`SipAlert`; must not block.
        self.on_alert: Callable[[SipAlert], None] | None = None
        self._alerts: deque[SipAlert] = deque(maxlen=100)
        self._bound: dict[str, tuple[str, ...]] = {}
        for account in config.booths:
            if account.bound_host is not None:
                self._bound[account.bound_host] = (
                    *self._bound.get(account.bound_host, ()),
                    account.booth,
                )
        self.guard = AbuseGuard(
            config.abuse,
            self.clock.monotonic,
            self.refusals,
            protected=self._booths_at,
            alert=self._alerted,
        )
        self.registrar = Registrar(
            self.clock.monotonic, config.expiry_grace_s,
            store=config.bindings_path, wall=self.clock.now,
        )  # fmt: skip
        self.nonces = digest.NonceIssuer(self.clock.monotonic)
        self.stack = SippyStack(
            config.listen_host,
            config.listen_port,
            config.user_agent,
            on_request=self._on_request,
            screen=self._screen,
            on_malformed=self._malformed,
        )
        self._router = RequestRouter(self)
        self._sink: EventSink | None = None
        self._denied: set[str] = set()
        self._active: dict[str, BoothCall] = {}  # booth -> its current call
        self._lingering: set[BoothCall] = set()  # ended, legs not yet dead
        self._trunk_legs: set[TrunkLeg] = set()  # calls the till places itself
        self._sequence = itertools.count(1)
        self._sweeper: Any = None
        self._upstream: Any = None  # registration at the carrier, if the trunk wants one
        self.address: tuple[str, int] | None = None

    # ----------------------------------------------------- BoothDriver API

    def start(self, sink: EventSink) -> None:
        """Bind the UDP socket and start serving; raises SipStackError if it cannot."""
        if self._sink is not None:
            raise SipStackError("the SIP driver is already running")
        self._sink = sink
        try:
            self.address = self.stack.start(self._loop_started)
        except SipStackError:
            self._sink = None
            raise
        log.info(
            "SIP registrar/B2BUA listening on udp:%s:%d, trunk %s",
            self.address[0],
            self.address[1],
            self.config.trunk or "none",
        )

    def send(self, command: DriverCommand) -> None:
        """Queue a command for the SIP thread (thread-safe, non-blocking)."""
        try:
            self.stack.call(self._command, command)
        except SipStackError:
            log.warning("SIP driver not running; %r dropped", command)

    def stop(self) -> None:
        """Hang up every call (BYE/CANCEL both legs), close the socket, join the thread."""
        if self._sink is None:
            return
        self.stack.stop(self._shutting_down)
        self._sink = None
        self._active.clear()
        self._lingering.clear()

    def stats(self) -> dict[str, int]:
        """Counters: ``refused.<reason>``, ``bans``, ``alerts``, ``trunk.registered``,
        ``trunk.register_failed`` (thread-safe snapshot)."""
        return self.refusals.snapshot()

    def alerts(self) -> list[SipAlert]:
        """The latest alerts (at most 100), oldest first."""
        return list(self._alerts)

    def place_trunk_call(self, number: str, sdp: str, listener: LegListener) -> TrunkLeg:
        """Place a call on the trunk with the till as the user agent (a booth whose audio
        passes through the till); thread-safe. The engine has admitted it already."""
        if self.config.trunk is None:
            raise SipStackError("no SIP trunk configured")
        leg = TrunkLeg(self, self.config.trunk, number, sdp, listener)
        self.stack.call(self._start_trunk_leg, leg)
        return leg

    def _start_trunk_leg(self, leg: TrunkLeg) -> None:
        self._trunk_legs.add(leg)
        leg.start()

    def trunk_leg_ended(self, leg: TrunkLeg) -> None:
        self._trunk_legs.discard(leg)

    def _booths_at(self, host: str) -> tuple[str, ...]:
        """The booths whose own address ``host`` is: bound to it, or registered from it."""
        found = self._bound.get(host, ())
        return (*found, *(b for b in self.registrar.booths_at(host) if b not in found))

    def _alerted(self, alert: SipAlert) -> None:
        self._alerts.append(alert)
        handler = self.on_alert
        if handler is not None:
            handler(alert)

    # ------------------------------------------------------- SIP thread

    def _loop_started(self) -> None:
        self._restore_bindings()
        self._sweeper = self.stack.repeat(self._sweep, 0.5)
        trunk = self.config.trunk
        if trunk is not None and trunk.register:
            self._upstream = self.stack.register_upstream(
                trunk.user,
                trunk.password,
                trunk.address,
                trunk.register_expires_s,
                self._trunk_registered,
                self._trunk_refused,
            )

    def _restore_bindings(self) -> None:
        """Registrations a previous engine stored that have not run out: registered now."""
        path = self.config.bindings_path
        if path is None:
            return
        booths = {account.booth for account in self.config.booths}
        now = self.clock.now()
        restored = [b for b in load_bindings(path, now) if b.booth in booths]
        for stored in restored:
            self.registrar.restore(stored)
            self.emit(Registered(stored.booth, now, stored.contact, round(stored.remaining_s)))
        self.registrar.save()  # drops what ran out or belongs to a removed booth
        if restored:
            log.info("SIP: %d registration(s) restored from %s", len(restored), path)

    def _trunk_registered(self) -> None:
        self.refusals.count("trunk.registered")
        log.info("SIP: registered at the carrier %s", self.config.trunk)

    def _trunk_refused(self, status: str) -> None:
        self.refusals.count("trunk.register_failed")
        log.error("SIP: the carrier refused our registration (%s); retrying in 60 s", status)

    def _shutting_down(self) -> None:
        if self._upstream is not None:
            self._upstream.stopregister()
            self._upstream = None
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for call in list(self._active.values()):
            call.hang_up(HangupReason.ERROR, "the till's line engine stopped")
        for leg in list(self._trunk_legs):
            leg.stop("the till's line engine stopped")

    def _sweep(self) -> None:
        self.guard.sweep()
        self.refusals.flush_due()
        for binding in self.registrar.expire():
            self.emit(Offline(binding.booth, self.clock.now(), "registration expired"))

    def at(self, rtime: Any) -> datetime:
        """Wall-clock time of a sippy time stamp, on the injected clock."""
        return self.clock.now() - timedelta(seconds=self.stack.age_s(rtime))

    def emit(self, event: DriverEvent) -> None:
        sink = self._sink
        if sink is None:
            return
        try:
            sink(event)
        except Exception:
            log.exception("the engine's event sink failed on %r", event)

    def booth_allowed(self, booth: str) -> bool:
        return booth not in self._denied

    def booth_busy(self, booth: str) -> bool:
        return booth in self._active

    def place_call(self, account: BoothAccount, req: Any, sip_t: Any) -> Any:
        assert self.config.trunk is not None
        ref = f"{account.booth}-{next(self._sequence)}-{secrets.token_hex(3)}"
        host, port = req.getSource()
        call = BoothCall(self, account.booth, ref, self.config.trunk, (str(host), int(port)))
        self._active[account.booth] = call
        self._lingering.add(call)
        return call.accept(req, sip_t)

    def call_ended(self, call: BoothCall) -> None:
        if self._active.get(call.booth) is call:
            del self._active[call.booth]

    def call_dead(self, call: BoothCall) -> None:
        self._lingering.discard(call)
        self.call_ended(call)

    def _on_request(self, req: Any, sip_t: Any) -> Any:
        return self._router.handle(req, sip_t)

    def _screen(self, data: bytes, address: tuple[str, int]) -> bool:
        if self.guard.drop_if_banned(address[0]):
            return False
        method = raw.request_method(data)
        if rate_limited_method(method):
            return self.guard.note_request(address, method or "")
        return True

    def _malformed(self, data: bytes, address: tuple[str, int], problem: str) -> bytes | None:
        answer = raw.bad_request(data, self.user_agent)
        why = Refusal.BAD_REQUEST if answer is not None else Refusal.UNPARSEABLE
        self.refusals.refuse(why, address, problem)
        return answer

    def _command(self, command: DriverCommand) -> None:
        match command:
            case AllowCalls(booth=booth):
                self._denied.discard(booth)
            case DenyCalls(booth=booth):
                self._denied.add(booth)
            case AdmitCall(booth=booth, call_ref=ref, limit_s=limit_s):
                call = self._call(booth, ref)
                if call is not None:
                    call.admit(limit_s, command.dial)
            case RefuseCall(booth=booth, call_ref=ref, reason=reason, detail=detail):
                call = self._call(booth, ref)
                if call is not None:
                    if call.held:
                        self.refusals.refuse(
                            Refusal.ENGINE_REFUSED,
                            call.source,
                            f"{mask_any_card_dial(call.number)}: {reason.value} {detail}".strip(),
                        )
                    call.refuse(reason, detail or reason.value)
            case LimitCall(booth=booth, call_ref=ref, limit_s=limit_s, reason=reason):
                call = self._call(booth, ref)
                if call is not None:
                    call.limit(limit_s, reason)
            case HangUpNow(booth=booth, reason=reason):
                call = self._active.get(booth)
                if call is not None:
                    call.hang_up(reason, f"hung up by the till ({reason.value})")
            case _:
                log.warning("SIP driver: unknown command %r", command)

    def _call(self, booth: str, ref: str) -> BoothCall | None:
        call = self._active.get(booth)
        if call is None or call.call_ref != ref:
            log.info("SIP: no current call %s on booth %s (already ended?)", ref, booth)
            return None
        return call


def create_sip_driver(config: SipDriverConfig, clock: Clock | None = None) -> SipDriver:
    """Factory for the driver registry: a SIP driver for ``config`` (not started)."""
    return SipDriver(config, clock)
