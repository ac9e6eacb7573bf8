"""The booth-line driver port.

Every booth driver (simulator, SIP ATAs, Quicknet cards) emits the same
:data:`DriverEvent` values and accepts the same :data:`DriverCommand` values.
The core never does I/O here: a driver calls the ``sink`` it was started with
(from any thread) and the engine sends commands back with :meth:`BoothDriver.send`.

Admission is asynchronous and explicit: on :class:`Dialing` the driver holds the
call (SIP: the INVITE is not forwarded to the carrier yet) until the engine answers
with :class:`AdmitCall` (optionally with a time limit) or :class:`RefuseCall`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "AdmitCall",
    "AllowCalls",
    "Answered",
    "BoothDriver",
    "DenyCalls",
    "Dialing",
    "Digit",
    "DriverCommand",
    "DriverEvent",
    "EventSink",
    "HangUpNow",
    "HangupReason",
    "HangupSide",
    "HungUp",
    "LimitCall",
    "OffHook",
    "Offline",
    "RefuseCall",
    "Registered",
    "Ringing",
]


class HangupSide(StrEnum):
    """Who ended the call."""

    BOOTH = "booth"  # the customer put the handset down / the ATA sent BYE or CANCEL
    FAR_END = "far_end"  # the called party or the carrier
    SYSTEM = "system"  # the engine: cashier hang-up, credit or time limit, refusal


class HangupReason(StrEnum):
    NORMAL = "normal"  # answered call cleared normally
    CANCELLED = "cancelled"  # booth gave up before answer
    BUSY = "busy"  # far end busy (SIP 486/600)
    NO_ANSWER = "no_answer"  # rang out (SIP 408/480/487 from the far side)
    REJECTED = "rejected"  # far end / carrier refused (other 4xx/6xx)
    CARRIER_FAILURE = "carrier_failure"  # carrier unreachable or 5xx
    DENIED = "denied"  # refused by the engine (locked, blocked prefix, no price, no credit)
    CREDIT_EXHAUSTED = "credit_exhausted"  # prepaid deposit or cost cap reached
    TIME_LIMIT = "time_limit"  # per-booth maximum call duration reached
    CASHIER = "cashier"  # cashier pressed hang up
    INTERRUPTED = "interrupted"  # engine died mid-call; finished on restart
    ERROR = "error"  # driver or device failure


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Registered:
    """The booth's line is available (SIP REGISTER accepted, card port opened)."""

    booth: str
    at: datetime
    contact: str = ""
    expires_s: int | None = None


@dataclass(frozen=True, slots=True)
class Offline:
    """The booth's line is gone (registration expired, device error)."""

    booth: str
    at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OffHook:
    """Handset lifted (only drivers that can see it: Quicknet, simulator)."""

    booth: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Digit:
    """One dialled digit (only drivers that see digits one by one)."""

    booth: str
    at: datetime
    digit: str


@dataclass(frozen=True, slots=True)
class Dialing:
    """A complete number was dialled; the driver waits for AdmitCall/RefuseCall."""

    booth: str
    at: datetime
    call_ref: str
    number: str


@dataclass(frozen=True, slots=True)
class Ringing:
    """The far end is alerting (SIP 180/183)."""

    booth: str
    at: datetime
    call_ref: str


@dataclass(frozen=True, slots=True)
class Answered:
    """The far end answered: billing starts at ``at``.

    ``estimated`` is set by drivers that cannot see the answer (a LineJACK PSTN
    line): the call is then flagged ``estimated_answer`` for the administrator.
    """

    booth: str
    at: datetime
    call_ref: str
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class HungUp:
    """The call (or the attempt) ended."""

    booth: str
    at: datetime
    call_ref: str | None
    reason: HangupReason
    side: HangupSide
    detail: str = ""  # e.g. "SIP 486 Busy Here"


DriverEvent = Registered | Offline | OffHook | Digit | Dialing | Ringing | Answered | HungUp

# -------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AllowCalls:
    """The booth may place calls (unlock)."""

    booth: str


@dataclass(frozen=True, slots=True)
class DenyCalls:
    """New calls from the booth are refused by the driver (lock)."""

    booth: str


@dataclass(frozen=True, slots=True)
class AdmitCall:
    """Let a held call proceed; ``limit_s`` = seconds of talk allowed after answer.

    ``limit_reason`` is the reason the driver reports when it cuts the call at
    the limit (credit/cost cap vs. the booth's maximum duration).
    """

    booth: str
    call_ref: str
    limit_s: int | None = None
    limit_reason: HangupReason = HangupReason.CREDIT_EXHAUSTED
    #: The number to place when it is not the one dialled: a calling-card call's
    #: number after the access code and PIN (the PIN never goes to the carrier).
    dial: str | None = None


@dataclass(frozen=True, slots=True)
class RefuseCall:
    """Refuse a held call (SIP: 403) with the reason shown to staff."""

    booth: str
    call_ref: str
    reason: HangupReason = HangupReason.DENIED
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HangUpNow:
    """End the booth's current call at once on both legs."""

    booth: str
    reason: HangupReason = HangupReason.CASHIER


@dataclass(frozen=True, slots=True)
class LimitCall:
    """Cut the current call ``limit_s`` seconds after its answer (replaces any earlier limit)."""

    booth: str
    call_ref: str
    limit_s: int
    reason: HangupReason = HangupReason.CREDIT_EXHAUSTED


DriverCommand = AllowCalls | DenyCalls | AdmitCall | RefuseCall | HangUpNow | LimitCall

EventSink = Callable[[DriverEvent], None]


@dataclass(frozen=True, slots=True)
class BoothLine:
    """What a driver needs to know about one booth it serves."""

    booth: str
    settings: dict[str, str] = field(default_factory=dict)


class BoothDriver(Protocol):
    """A source of booth lines. Implementations live in ``drivers/``.

    Optional extras the engine uses when present: ``done() -> bool`` (a finite
    driver, e.g. a simulator scenario, has emitted its last event) and
    ``watermark() -> datetime | None`` (no event stamped earlier is still to come;
    for drivers that stamp events with a time before they hand them over).
    """

    name: str

    def start(self, sink: EventSink) -> None:
        """Begin serving; events go to ``sink`` (may be called from the driver's threads)."""
        ...

    def send(self, command: DriverCommand) -> None:
        """Accept a command (thread-safe, non-blocking)."""
        ...

    def stop(self) -> None:
        """Stop serving and release every resource; calls in progress are hung up."""
        ...
