"""A call the till itself places on the carrier trunk (the till is the SIP user agent).

Used by booths whose audio passes through the till (a Quicknet card on the VoIP
route): there is no booth leg, only the carrier leg, with the till's own SDP offer.
Same trunk, credentials, caller-ID policy and timers as the carrier leg of an ATA
call (:mod:`drivers.sip.calls`); answer and end times come from sippy's time stamps.
Everything here runs in the SIP thread except :meth:`TrunkLeg.hang_up`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from callshop_pos.lines.port import HangupReason, HangupSide
from drivers.sip.calls import DIALOG_LINGER_S, reason_for_status
from drivers.sip.config import Trunk
from drivers.sip.sippy_adapter import SippyStack, SipStackError

__all__ = ["LegListener", "TrunkLeg"]

log = logging.getLogger("drivers.sip")


class LegListener(Protocol):
    """What the leg tells its owner (called in the SIP thread; must not block)."""

    def leg_progress(self, at: datetime, code: int) -> None:
        """180-183 from the carrier (the first one only)."""

    def leg_media(self, sdp: str | None, final: bool) -> None:
        """The carrier's SDP: early media (183, ``final`` False) or the answer's."""

    def leg_answered(self, at: datetime) -> None:
        """The carrier's 200 OK: billing starts at ``at``."""

    def leg_ended(
        self, at: datetime, reason: HangupReason, side: HangupSide, detail: str, code: int | None
    ) -> None:
        """The leg is over (``code``: the carrier's final failure status, if any)."""


class LegOwner(Protocol):
    stack: SippyStack
    user_agent: str
    ring_timeout_s: int

    def at(self, rtime: Any) -> datetime: ...
    def trunk_leg_ended(self, leg: TrunkLeg) -> None: ...


class TrunkLeg:
    def __init__(
        self, owner: LegOwner, trunk: Trunk, number: str, sdp: str, listener: LegListener
    ) -> None:
        self.owner = owner
        self.trunk = trunk
        self.number = number
        self.sdp = sdp
        self.listener = listener
        self.ua: Any = None
        self.status: int | None = None
        self._answered = False
        self._ended = False
        self._rang = False
        self._local_end: tuple[HangupReason, HangupSide, str] | None = None

    # --------------------------------------------------------------- any thread

    def hang_up(self, reason: HangupReason, side: HangupSide, detail: str = "") -> None:
        """BYE (answered) or CANCEL (ringing); the leg then reports ``leg_ended`` with
        this reason. Thread-safe; a stopped SIP driver has hung up already."""
        try:
            self.owner.stack.call(self._hang_up, reason, side, detail)
        except SipStackError:
            log.info("SIP: trunk call to %s not hung up: the SIP driver stopped", self.number)

    # --------------------------------------------------------------- SIP thread

    def start(self) -> None:
        api = self.owner.stack.api
        ua = api.UA(
            self.owner.stack.global_config,
            event_cb=self._on_event,
            username=self.trunk.user,
            password=self.trunk.password,
            nh_address=self.trunk.address,
            conn_cbs=(self._connected,),
            disc_cbs=(self._disconnected,),
            fail_cbs=(self._failed,),
            ring_cbs=(self._ringing,),
            dead_cbs=(self._dead,),
            expire_time=self.owner.ring_timeout_s,
        )
        ua.local_ua = self.owner.user_agent
        ua.godead_timeout = DIALOG_LINGER_S
        self.ua = ua
        # The booth has no identity of its own at the carrier: the trunk's caller ID.
        cli = self.trunk.caller_id or self.trunk.user
        body = api.MsgBody(self.sdp)
        ua.recvEvent(api.CCEventTry((None, cli, self.number, body, None, None)))

    def stop(self, detail: str) -> None:
        """The driver stops (SIP thread): hang up now."""
        self._hang_up(HangupReason.ERROR, HangupSide.SYSTEM, detail)

    def _hang_up(self, reason: HangupReason, side: HangupSide, detail: str) -> None:
        if self._ended or self.ua is None:
            return
        self._local_end = (reason, side, detail)
        self.ua.disconnect(origin="till")

    def _on_event(self, event: Any, ua: Any) -> None:
        api = self.owner.stack.api
        if isinstance(event, api.CCEventRing | api.CCEventConnect | api.CCEventPreConnect):
            data = event.getData()
            code = int(data[0]) if data else 0
            body = data[2] if len(data) > 2 else None
            final = not isinstance(event, api.CCEventRing)
            if body is not None or final:
                if body is not None and code != 100:
                    self.listener.leg_media(str(body), final)
                elif final:
                    self.listener.leg_media(None, final)

    def _ringing(self, ua: Any, rtime: Any, origin: Any, code: int) -> None:
        if self._rang or self._ended or code not in (180, 181, 182, 183):
            return
        self._rang = True
        self.listener.leg_progress(self.owner.at(rtime), int(code))

    def _connected(self, ua: Any, rtime: Any, origin: Any) -> None:
        if self._ended:
            return
        self._answered = True
        self.listener.leg_answered(self.owner.at(rtime))

    def _failed(self, ua: Any, rtime: Any, origin: Any, scode: int) -> None:
        if self._local_end is not None:
            self._end(rtime, *self._local_end, None)
            return
        got_provisional = ua.p100_ts is not None or ua.p1xx_ts is not None
        reason, detail = reason_for_status(int(scode), got_provisional)
        self._end(rtime, reason, HangupSide.FAR_END, detail, int(scode))

    def _disconnected(self, ua: Any, rtime: Any, origin: Any, result: Any = 0) -> None:
        if self._local_end is not None:
            self._end(rtime, *self._local_end, None)
        elif origin == "callee":
            reason = HangupReason.NORMAL if self._answered else HangupReason.REJECTED
            self._end(rtime, reason, HangupSide.FAR_END, "far end hung up", None)
        elif self._answered:
            detail = f"call dropped ({origin})"
            self._end(rtime, HangupReason.ERROR, HangupSide.SYSTEM, detail, None)
        else:
            detail = f"no answer within {self.owner.ring_timeout_s} s"
            self._end(rtime, HangupReason.NO_ANSWER, HangupSide.FAR_END, detail, None)

    def _end(
        self,
        rtime: Any,
        reason: HangupReason,
        side: HangupSide,
        detail: str,
        code: int | None,
    ) -> None:
        if self._ended:
            return
        self._ended = True
        self.status = code
        self.listener.leg_ended(self.owner.at(rtime), reason, side, detail, code)
        self.owner.trunk_leg_ended(self)

    def _dead(self, ua: Any) -> None:
        ua.ring_cbs = ()  # drop the references back to this leg (no cyclic garbage)
        ua.event_cb = None
