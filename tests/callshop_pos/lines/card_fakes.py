"""A faithful in-memory calling-card store for the line engine's tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from callshop_pos.lines.cards import (
    CardCheck,
    CardGrant,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)


@dataclass
class FakeCard:
    card_id: int
    serial: str
    pin: str
    balance_minor: int
    sold: bool = True
    blocked: bool = False
    expires_at: datetime | None = None
    in_use: tuple[str, str] | None = None  # (booth, call_ref)
    debits: dict[str, int] = field(default_factory=dict)  # call_ref -> amount


class FakeCards:
    """Checks and claims cards atomically (one lock), settles once per call; like the
    card service, a booth may claim again a card it holds."""

    def __init__(self) -> None:
        self.cards: dict[str, FakeCard] = {}
        self.attempts: list[tuple[str, str]] = []  # (booth, outcome)
        self.settled: list[CardSettle] = []
        self.started: list[CardStart] = []
        self.checks: list[CardCheck] = []  # the checks the engine stored
        self.written: list[CardCheck | CardStart | CardSettle] = []  # in the order written
        self._lock = threading.Lock()

    def add(self, pin: str, balance_minor: int, **kw: object) -> FakeCard:
        card_id = len(self.cards) + 1
        card = FakeCard(card_id, f"S{card_id:06d}", pin, balance_minor, **kw)  # type: ignore[arg-type]
        self.cards[pin] = card
        return card

    def authorize(
        self, pin: str, booth: str, call_ref: str, now: datetime
    ) -> CardGrant | CardRefusal:
        with self._lock:
            card = self.cards.get(pin)
            outcome: CardGrant | CardRefusal
            if card is None:
                outcome = CardRefusal(Refused.WRONG_PIN, "no such card")
            elif not card.sold:
                outcome = CardRefusal(Refused.NOT_SOLD, "card not sold", card.serial)
            elif card.blocked:
                outcome = CardRefusal(Refused.BLOCKED, "card blocked", card.serial)
            elif card.expires_at is not None and now >= card.expires_at:
                outcome = CardRefusal(Refused.EXPIRED, "card expired", card.serial)
            elif card.balance_minor <= 0:
                outcome = CardRefusal(Refused.EXHAUSTED, "no balance left", card.serial)
            elif card.in_use is not None and card.in_use[0] != booth:
                outcome = CardRefusal(
                    Refused.IN_USE, f"card in use at {card.in_use[0]}", card.serial
                )
            else:
                card.in_use = (booth, call_ref)
                outcome = CardGrant(card.card_id, card.serial, card.balance_minor)
            self.attempts.append(
                (booth, "granted" if isinstance(outcome, CardGrant) else outcome.reason.value)
            )
            return outcome

    def record_check(self, check: CardCheck) -> None:
        with self._lock:
            self.checks.append(check)
            self.written.append(check)

    def start_call(self, start: CardStart) -> None:
        with self._lock:
            self.written.append(start)
            if start.call_ref not in {s.call_ref for s in self.started}:
                self.started.append(start)

    def settle(self, settle: CardSettle) -> None:
        with self._lock:
            self.written.append(settle)
            card = next(c for c in self.cards.values() if c.card_id == settle.card_id)
            if settle.call_ref in card.debits:
                return
            card.debits[settle.call_ref] = settle.amount_minor
            card.balance_minor -= settle.amount_minor
            # Like the card service: the booth's claim is freed (not the call's).
            if card.in_use is not None and card.in_use[0] == settle.booth:
                card.in_use = None
            self.settled.append(settle)
