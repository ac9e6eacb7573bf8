"""What the line engine needs from prepaid calling cards: the *card* port.

At admission of a dialled string that starts with the access code
(:mod:`callshop_pos.lines.dialplan`) the engine asks :meth:`CardPort.authorize` to check
the card and claim it for the booth — atomically, so one card never talks from two
booths at once. A granted card's balance is the call's budget (the same limit
mechanism as a prepaid deposit: initial block, increments and connect fee via
:meth:`~callshop_pos.lines.tariff.Tariff.max_seconds`). When the call or the attempt
ends, a :class:`CardSettle` record joins the ordered outbox right after the call's
end: it debits the exact price (0 for an unanswered attempt) and releases the claim,
idempotently per call reference, so a replay or a recovery never debits twice.

The implementation over the shop database is
:class:`callshop_pos.engine_store.card_port.ShopCardPort`; tests use a faithful fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from callshop_pos.lines.tariff import Tariff

__all__ = [
    "WRONG_PIN_LIMIT",
    "WRONG_PIN_WINDOW_S",
    "CardGrant",
    "CardPort",
    "CardRefusal",
    "CardSettle",
    "CardStart",
    "Refused",
]

#: This many wrong PINs from one booth within :data:`WRONG_PIN_WINDOW_S` lock the booth
#: until the cashier unlocks it.
WRONG_PIN_LIMIT = 5
WRONG_PIN_WINDOW_S = 600


class Refused(StrEnum):
    """Why a card was not granted."""

    WRONG_PIN = "wrong_pin"  # no card has this PIN (counts towards the booth's lock)
    NOT_SOLD = "not_sold"
    EXPIRED = "expired"
    BLOCKED = "blocked"
    EXHAUSTED = "exhausted"  # no balance left
    IN_USE = "in_use"  # talking from another booth right now
    UNAVAILABLE = "unavailable"  # the card could not be checked now (database away)


@dataclass(frozen=True, slots=True)
class CardGrant:
    """A card that may call now, claimed for the booth until its :class:`CardSettle`.

    ``tariff`` is the card's own price list when its batch has one (None: the shop's).
    """

    card_id: int
    serial: str
    balance_minor: int
    tariff: Tariff | None = None


@dataclass(frozen=True, slots=True)
class CardRefusal:
    reason: Refused
    detail: str
    serial: str | None = None

    @property
    def wrong_pin(self) -> bool:
        return self.reason is Refused.WRONG_PIN


@dataclass(frozen=True, slots=True)
class CardStart:
    """Call ``call_ref`` is made with card ``card_id``: written before the call's own
    first record, so a call of a card is never taken for the till's, even after a
    crash (reports count it apart; it is never among the cashier's unserved calls)."""

    booth: str
    call_ref: str
    card_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class CardSettle:
    """The end of a card's use by one call: debit ``amount_minor`` (the call's exact
    price; 0 for an attempt) and release the card. Idempotent on ``call_ref``."""

    booth: str
    call_ref: str
    card_id: int
    amount_minor: int
    at: datetime


class CardPort(Protocol):
    def authorize(
        self, pin: str, booth: str, call_ref: str, now: datetime
    ) -> CardGrant | CardRefusal:
        """Check the card with ``pin`` (exists, sold, not expired, not blocked, has a
        balance, not in use elsewhere) and claim it for ``booth``'s call ``call_ref``.
        Never raises for a bad card: a refusal says why."""
        ...

    def start_call(self, start: CardStart) -> None:
        """Link the call to the card (idempotent on ``call_ref``)."""
        ...

    def settle(self, settle: CardSettle) -> None:
        """Debit and release (see :class:`CardSettle`); a second call with the same
        ``call_ref`` changes nothing."""
        ...
