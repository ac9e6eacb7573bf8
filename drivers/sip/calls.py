"""One booth call as a back-to-back user agent: the booth's leg (A) and the carrier leg (O).

The INVITE from the booth is held after :class:`Dialing` until the engine admits or
refuses it; only an admitted call reaches the carrier, with a fresh Call-ID and the
trunk's caller identity. Answer and end times come from sippy's own time stamps on the
carrier leg (``rtime`` of the 200 OK / BYE / credit timer), so billing does not depend
on how busy the loop thread is. Runs only in the SIP thread.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from callshop_pos.lines.port import (
    Answered,
    Dialing,
    DriverEvent,
    HangupReason,
    HangupSide,
    HungUp,
    Ringing,
)
from drivers.sip.abuse import Refusal, RefusalLog
from drivers.sip.config import Trunk
from drivers.sip.sippy_adapter import SippyStack

__all__ = ["DIALOG_LINGER_S", "BoothCall", "CallOwner", "reason_for_status"]

log = logging.getLogger("drivers.sip")

# How long an ended leg stays in memory to answer a BYE that crossed ours (sippy's
# default is 32 s). Retransmissions of requests we already answered are replayed from
# the transaction manager's cache, and a late INVITE answer after our CANCEL is handled
# by sippy's Cancelling state (300 s); a BYE for a dialog that is gone gets 481. Kept
# short because every lingering call is ~130 live Python objects that each full garbage
# collection walks while holding the interpreter lock: 32 s of them at 50 calls/s made
# 115–170 ms pauses that held back the relayed 200 OK (docs/sip.md, "Timing").
DIALOG_LINGER_S = 4.0


class CallOwner(Protocol):
    """What a call needs from the driver (all used in the SIP thread)."""

    stack: SippyStack
    refusals: RefusalLog
    user_agent: str
    ring_timeout_s: int
    admission_timeout_s: float

    def at(self, rtime: Any) -> datetime: ...
    def emit(self, event: DriverEvent) -> None: ...
    def call_ended(self, call: BoothCall) -> None: ...
    def call_dead(self, call: BoothCall) -> None: ...


class _Phase(Enum):
    NEW = "new"
    HELD = "held"  # Dialing sent, waiting for AdmitCall/RefuseCall
    ADMITTED = "admitted"  # carrier leg started
    ANSWERED = "answered"
    ENDED = "ended"


def reason_for_status(code: int, got_provisional: bool) -> tuple[HangupReason, str]:
    """Map a carrier's final failure status to a hang-up reason and detail text."""
    if code in (486, 600):
        return HangupReason.BUSY, f"SIP {code} busy"
    if code == 408 and not got_provisional:
        return HangupReason.CARRIER_FAILURE, "SIP 408: the carrier did not respond"
    if code in (408, 480, 487):
        return HangupReason.NO_ANSWER, f"SIP {code} no answer"
    if code in (401, 407):
        return HangupReason.CARRIER_FAILURE, f"SIP {code}: the trunk refused our credentials"
    if code >= 500 and code < 600:
        return HangupReason.CARRIER_FAILURE, f"SIP {code} carrier failure"
    return HangupReason.REJECTED, f"SIP {code} rejected"


class BoothCall:
    def __init__(
        self, owner: CallOwner, booth: str, call_ref: str, trunk: Trunk, source: tuple[str, int]
    ) -> None:
        self.owner = owner
        self.booth = booth
        self.source = source  # the booth's address, for the refusal log
        self.call_ref = call_ref
        self.trunk = trunk
        self.number = ""
        self._phase = _Phase.NEW
        api = owner.stack.api
        self._api = api
        self.ua_a: Any = api.UA(
            owner.stack.global_config,
            event_cb=self._on_event,
            disc_cbs=(self._a_disconnected,),
            fail_cbs=(self._a_failed,),
            dead_cbs=(self._dead,),
        )
        self.ua_a.local_ua = owner.user_agent
        self.ua_a.godead_timeout = DIALOG_LINGER_S
        self.ua_o: Any = None
        self._try_event: Any = None
        self._admission_timer: Any = None
        self._refusal: tuple[HangupReason, str] | None = None
        self._system_end: tuple[HangupReason, str] | None = None  # cashier / engine hang-up
        self._limit_reason = HangupReason.CREDIT_EXHAUSTED
        self._pending_limit: int | None = None
        self._cut_by_limit = False
        self._rang = False
        self._dead_legs = 0

    # ------------------------------------------------------------ inbound

    def accept(self, req: Any, sip_t: Any) -> Any:
        """Hand the booth's INVITE to the A leg (sends 100 Trying, emits Dialing)."""
        return self.ua_a.recvRequest(req, sip_t)

    @property
    def held(self) -> bool:
        return self._phase is _Phase.HELD

    @property
    def ended(self) -> bool:
        return self._phase is _Phase.ENDED

    # ------------------------------------------------------------ commands

    def admit(self, limit_s: int | None, dial: str | None = None) -> None:
        """Place the carrier leg (to ``dial`` when given: a card call's number after
        the PIN; else to the number the booth dialled)."""
        if self._phase is not _Phase.HELD:
            log.info(
                "AdmitCall for %s %s ignored: call is %s",
                self.booth,
                self.call_ref,
                self._phase.value,
            )
            return
        self._cancel_admission_timer()
        if self._pending_limit is not None:
            limit_s = self._pending_limit
        if limit_s is not None and limit_s <= 0:
            self.refuse(HangupReason.CREDIT_EXHAUSTED, "no talk time left")
            return
        api = self._api
        ua_o = api.UA(
            self.owner.stack.global_config,
            event_cb=self._on_event,
            username=self.trunk.user,
            password=self.trunk.password,
            nh_address=self.trunk.address,
            credit_time=limit_s,
            conn_cbs=(self._o_connected,),
            disc_cbs=(self._o_disconnected,),
            fail_cbs=(self._o_failed,),
            ring_cbs=(self._o_ringing,),
            dead_cbs=(self._dead,),
            expire_time=self.owner.ring_timeout_s,
        )
        ua_o.local_ua = self.owner.user_agent
        ua_o.godead_timeout = DIALOG_LINGER_S
        sippy_credit_expires = ua_o.credit_expires

        def credit_expires(rtime: Any) -> None:
            self._cut_by_limit = True
            sippy_credit_expires(rtime)

        ua_o.credit_expires = credit_expires  # to tell a credit cut from other hang-ups
        _cid, cli, cld, body, _auth, caller_name = self._try_event.getData()
        if dial is not None:
            cld = dial  # the booth dialled an access code and a PIN before it
        if self.trunk.pass_caller_id:
            out_cli, out_name = cli, caller_name
        else:
            out_cli, out_name = self.trunk.caller_id or self.trunk.user, None
        # Call-ID None => sippy generates a new one: the booth's Call-ID stays on the LAN.
        event = api.CCEventTry((None, out_cli, cld, body, None, out_name))
        self.ua_o = ua_o
        self._phase = _Phase.ADMITTED
        ua_o.recvEvent(event)

    def refuse(
        self, reason: HangupReason, detail: str, code: int = 403, phrase: str = "Forbidden"
    ) -> None:
        if self._phase is not _Phase.HELD:
            log.info(
                "refusal of %s %s ignored: call is %s", self.booth, self.call_ref, self._phase.value
            )
            return
        self._cancel_admission_timer()
        self._refusal = (reason, detail)
        self.ua_a.recvEvent(self._api.CCEventFail((code, phrase)))

    def hang_up(self, reason: HangupReason, detail: str) -> None:
        """Cashier/engine hang-up: BYE (or CANCEL) on both legs."""
        if self._phase is _Phase.HELD:
            self.refuse(reason, detail, 480, "Temporarily Unavailable")
            return
        if self._phase is _Phase.ENDED:
            return
        self._system_end = (reason, detail)
        self.ua_a.disconnect(origin="cashier")

    def limit(self, limit_s: int, reason: HangupReason) -> None:
        """Cut the call ``limit_s`` seconds after answer (replaces an earlier limit)."""
        self._limit_reason = reason
        if self._phase in (_Phase.NEW, _Phase.HELD):
            self._pending_limit = limit_s
            return
        if self._phase is _Phase.ADMITTED:
            self.ua_o.credit_time = limit_s
            return
        if self._phase is _Phase.ANSWERED:
            now = self._api.MonoTime()
            deadline = self.ua_o.connect_ts.getOffsetCopy(limit_s)
            deadline = max(deadline, now)
            self.ua_o.resetCreditTime(now, {0: deadline})

    def admission_expired(self) -> None:
        self._admission_timer = None
        if self._phase is _Phase.HELD:
            self.owner.refusals.refuse(
                Refusal.ENGINE_TIMEOUT,
                self.source,
                f"{self.booth} {self.call_ref}: no AdmitCall/RefuseCall",
            )
            self.refuse(
                HangupReason.ERROR, "the engine did not answer in time", 503, "Service Unavailable"
            )

    # ------------------------------------------------------- sippy events

    def _on_event(self, event: Any, ua: Any) -> None:
        api = self._api
        if ua is self.ua_a:
            if self._try_event is None:
                if not isinstance(event, api.CCEventTry):
                    self.ua_a.recvEvent(api.CCEventDisconnect(rtime=event.rtime))
                    return
                self._try_event = event
                self._held(event)
                return
            if self.ua_o is not None:
                self.ua_o.recvEvent(event)
            return
        # carrier leg -> booth leg
        if isinstance(event, api.CCEventDisconnect) and not self.ua_a.isConnected():
            # a pre-answer end on the carrier side: tell the booth 487, not sippy's "500"
            event = api.CCEventFail((487, "Request Terminated"), rtime=event.rtime)
        self.ua_a.recvEvent(event)

    def _held(self, event: Any) -> None:
        cld = event.getData()[2]
        self.number = str(cld or "")
        if not self.number:
            self._phase = _Phase.HELD
            self.owner.refusals.refuse(
                Refusal.BAD_REQUEST, self.source, f"{self.booth}: INVITE without a number"
            )
            self.refuse(HangupReason.REJECTED, "no number dialled", 484, "Address Incomplete")
            return
        self._phase = _Phase.HELD
        self._admission_timer = self.owner.stack.once(
            self.admission_expired, self.owner.admission_timeout_s
        )
        self.owner.emit(Dialing(self.booth, self.owner.at(event.rtime), self.call_ref, self.number))

    def _o_ringing(self, ua: Any, rtime: Any, origin: Any, code: int) -> None:
        if self._rang or self._phase is not _Phase.ADMITTED or code not in (180, 181, 182, 183):
            return
        self._rang = True
        self.owner.emit(Ringing(self.booth, self.owner.at(rtime), self.call_ref))

    def _o_connected(self, ua: Any, rtime: Any, origin: Any) -> None:
        if self._phase is not _Phase.ADMITTED:
            return
        self._phase = _Phase.ANSWERED
        self.owner.emit(Answered(self.booth, self.owner.at(rtime), self.call_ref))

    def _o_failed(self, ua: Any, rtime: Any, origin: Any, scode: int) -> None:
        got_provisional = ua.p100_ts is not None or ua.p1xx_ts is not None
        reason, detail = reason_for_status(int(scode), got_provisional)
        self._end(rtime, reason, HangupSide.FAR_END, detail)

    def _o_disconnected(self, ua: Any, rtime: Any, origin: Any, result: Any = 0) -> None:
        if self._cut_by_limit:
            self._end(rtime, self._limit_reason, HangupSide.SYSTEM, "time limit reached")
        else:
            self._ended_by(origin, rtime)

    def _a_disconnected(self, ua: Any, rtime: Any, origin: Any, result: Any = 0) -> None:
        self._ended_by(origin, rtime)

    def _a_failed(self, ua: Any, rtime: Any, origin: Any, scode: int) -> None:
        if self._refusal is not None:
            reason, detail = self._refusal
            self._end(rtime, reason, HangupSide.SYSTEM, detail)
        else:
            reason, detail = reason_for_status(int(scode), True)
            self._end(rtime, reason, HangupSide.FAR_END, detail)

    def _ended_by(self, origin: Any, rtime: Any) -> None:
        answered = self._phase is _Phase.ANSWERED
        if origin == "cashier" and self._system_end is not None:
            reason, detail = self._system_end
            self._end(rtime, reason, HangupSide.SYSTEM, detail)
        elif origin == "caller":
            if answered:
                self._end(rtime, HangupReason.NORMAL, HangupSide.BOOTH, "booth hung up")
            else:
                self._end(
                    rtime, HangupReason.CANCELLED, HangupSide.BOOTH, "cancelled before answer"
                )
        elif origin == "callee":
            self._end(
                rtime,
                HangupReason.NORMAL if answered else HangupReason.REJECTED,
                HangupSide.FAR_END,
                "far end hung up",
            )
        elif answered:
            self._end(rtime, HangupReason.ERROR, HangupSide.SYSTEM, f"call dropped ({origin})")
        else:
            self._end(
                rtime,
                HangupReason.NO_ANSWER,
                HangupSide.FAR_END,
                f"no answer within {self.owner.ring_timeout_s} s",
            )

    def _end(self, rtime: Any, reason: HangupReason, side: HangupSide, detail: str) -> None:
        if self._phase is _Phase.ENDED:
            return
        was_dialled = self._phase is not _Phase.NEW
        self._phase = _Phase.ENDED
        self._cancel_admission_timer()
        if was_dialled:
            self.owner.emit(
                HungUp(self.booth, self.owner.at(rtime), self.call_ref, reason, side, detail)
            )
        self.owner.call_ended(self)

    def _dead(self, ua: Any) -> None:
        # sippy clears the dead leg's callbacks except these two, which point back at
        # this call: drop them so the call and its legs are freed at once, by reference
        # counting, instead of waiting as cyclic garbage for a full collection.
        ua.ring_cbs = ()
        vars(ua).pop("credit_expires", None)
        self._dead_legs += 1
        if self._dead_legs >= (2 if self.ua_o is not None else 1):
            self.owner.call_dead(self)

    def _cancel_admission_timer(self) -> None:
        timer, self._admission_timer = self._admission_timer, None
        if timer is not None:
            timer.cancel()
