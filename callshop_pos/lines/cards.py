"""What the line engine needs from prepaid calling cards: the *card* port.

At admission of a dialled string that starts with the access code
(:mod:`callshop_pos.lines.dialplan`) the engine asks :meth:`CardPort.authorize` to check
the card and claim it for the booth — atomically, so one card never talks from two
booths at once. The check only reads and decides (the engine is the one writer of card
claims, so the port keeps them in memory); what it decided — the attempt and, for a
grant, the card's claim — is written afterwards by a :class:`CardCheck` record in the
engine's ordered outbox, before the call's :class:`CardStart`. A granted card's balance
is the call's budget (the same limit mechanism as a prepaid deposit: initial block,
increments and connect fee via :meth:`~callshop_pos.lines.tariff.Tariff.max_seconds`).
When the call or the attempt ends, a :class:`CardSettle` record joins the ordered outbox
right after the call's end: it debits the exact price (0 for an unanswered attempt) and
releases the claim, idempotently per call reference, so a replay or a recovery never
debits twice.

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
    "CardCheck",
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
    card_id: int | None = None  # the card refused (None: no card has the PIN)

    @property
    def wrong_pin(self) -> bool:
        return self.reason is Refused.WRONG_PIN


@dataclass(frozen=True, slots=True)
class CardCheck:
    """One PIN check at ``booth`` for call ``call_ref``, as :meth:`CardPort.authorize`
    decided it: ``reason`` is ``"ok"`` for a grant, else the :class:`Refused` value.
    Written in the engine's ordered outbox (before the call's :class:`CardStart`): the
    attempt row (never the PIN) and, for a grant, the card's claim for the booth and
    its first use. Off the call's critical path: the decision is already made."""

    booth: str
    call_ref: str
    at: datetime
    reason: str
    card_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


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
        Never raises for a bad card: a refusal says why. Need not write anything: the
        engine then saves :meth:`record_check` through its outbox."""
        ...

    def record_check(self, check: CardCheck) -> None:
        """Store a check :meth:`authorize` decided: the attempt and, for a grant, the
        claim (see :class:`CardCheck`)."""
        ...

    def start_call(self, start: CardStart) -> None:
        """Link the call to the card (idempotent on ``call_ref``)."""
        ...

    def settle(self, settle: CardSettle) -> None:
        """Debit and release (see :class:`CardSettle`); a second call with the same
        ``call_ref`` changes nothing."""
        ...
