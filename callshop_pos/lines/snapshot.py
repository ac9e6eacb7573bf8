"""Live booth state as the engine publishes it to clients (cashier window, displays).

Plain, JSON-friendly values: the IPC layer sends ``asdict(snapshot)``; money is in
integer minor units.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["BillingMode", "BoothSnapshot", "BoothState"]


class BoothState(StrEnum):
    OFFLINE = "offline"
    IDLE = "idle"
    OFF_HOOK = "off_hook"
    DIALING = "dialing"
    RINGING = "ringing"
    TALKING = "talking"
    LOCKED = "locked"


class BillingMode(StrEnum):
    POSTPAID = "postpaid"
    PREPAID = "prepaid"


@dataclass(frozen=True, slots=True)
class BoothSnapshot:
    booth: str
    position: int
    state: BoothState
    locked: bool
    driver: str  # "simulator", "sip", "quicknet"
    driver_status: str  # e.g. "registered", "offline"
    billing: BillingMode
    number: str | None = None  # as dialled
    destination: str | None = None
    answered_monotonic: float | None = None  # engine clock; clients compute elapsed
    elapsed_s: float = 0.0  # talk seconds at snapshot time
    price_minor: int | None = None  # running price at snapshot time (None = unrated)
    rate_per_minute: str | None = None  # decimal string, for client-side ticking
    credit_left_minor: int | None = None  # prepaid deposit remaining
    deposit_minor: int | None = None
    unpaid_calls: int = 0  # finished, unserved calls of this booth in the open shift
    seq: int = 0  # increases with every change, so clients drop stale updates
    card: bool = False  # the current call is paid by a calling card
    card_serial: str | None = None  # that card's serial (printed on it, not secret)
    card_left_minor: int | None = None  # the card's balance less the running price
    lock_reason: str | None = None  # why the engine locked the booth (wrong card PINs)
