"""What the admin, till and engine parts of the card service share: serials, expiry,
the effective status at a given time, views of a card and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos.db.models.cards import (
    Card,
    CardBatch,
    CardMovement,
    CardStatus,
    ExpiryRule,
)
from callshop_pos.errors import InvalidInput, NotFound

__all__ = [
    "SERIAL_BODY_DIGITS",
    "BatchView",
    "CardView",
    "MovementView",
    "batch_view",
    "card_by_serial",
    "card_view",
    "check_serial",
    "effective_status",
    "expires_after_first_use",
    "expires_at_creation",
    "format_serial",
    "luhn_digit",
    "normalize_serial",
]

#: A serial is this many digits of sequence number plus one Luhn check digit.
SERIAL_BODY_DIGITS = 10


def luhn_digit(body: str) -> str:
    """The Luhn check digit of the decimal string ``body`` (catches a mistyped digit
    and most swapped neighbours when the cashier types a serial)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def format_serial(number: int) -> str:
    body = f"{number:0{SERIAL_BODY_DIGITS}d}"
    return body + luhn_digit(body)


def normalize_serial(text: str) -> str:
    """A serial as typed or scanned (spaces and dashes allowed) → its digits."""
    return "".join(ch for ch in text.strip() if ch not in " -")


def check_serial(text: str) -> str:
    """The serial's digits; a malformed serial or a wrong check digit is refused."""
    serial = normalize_serial(text)
    if not (serial.isascii() and serial.isdigit()) or len(serial) != SERIAL_BODY_DIGITS + 1:
        raise InvalidInput(f"{text!r} is not a card serial ({SERIAL_BODY_DIGITS + 1} digits)")
    if luhn_digit(serial[:-1]) != serial[-1]:
        raise InvalidInput(f"{text!r} is not a card serial (check digit wrong: mistyped?)")
    return serial


def card_by_serial(session: Session, text: str, *, lock: bool = False) -> Card:
    serial = check_serial(text)
    stmt = select(Card).where(Card.serial == serial)
    if lock:
        stmt = stmt.with_for_update()
    card = session.scalars(stmt).one_or_none()
    if card is None:
        raise NotFound(f"no card with serial {serial}")
    return card


def expires_at_creation(batch: CardBatch, created_at: datetime, tz: ZoneInfo) -> datetime | None:
    """A new card's expiry under its batch's rule (None: none yet or never)."""
    rule = ExpiryRule(batch.expiry_rule)
    if rule is ExpiryRule.FIXED_DATE:
        assert batch.expiry_date is not None  # the table's check
        return end_of_day(batch.expiry_date, tz)
    if rule is ExpiryRule.AFTER_CREATION:
        assert batch.expiry_days is not None
        return created_at + timedelta(days=batch.expiry_days)
    return None


def expires_after_first_use(batch: CardBatch, used_at: datetime) -> datetime | None:
    """The expiry set at a card's first call (rule ``after_first_use``), else None."""
    if batch.expiry_rule == ExpiryRule.AFTER_FIRST_USE.value:
        assert batch.expiry_days is not None
        return used_at + timedelta(days=batch.expiry_days)
    return None


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after ``day`` in the shop's zone, as UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def effective_status(card: Card, batch: CardBatch, now: datetime) -> CardStatus:
    """The card's status at ``now``: blocked (card or batch) wins, then expiry by the
    clock (a stored ``expired`` is only a record of it), then the stored status."""
    if card.status == CardStatus.BLOCKED.value or batch.blocked_at is not None:
        return CardStatus.BLOCKED
    if card.expires_at is not None and now >= card.expires_at:
        return CardStatus.EXPIRED
    return CardStatus(card.status)


@dataclass(frozen=True, slots=True)
class MovementView:
    id: int
    kind: str
    at: datetime
    amount_minor: int  # signed: + sale / top-up, − debit
    balance_after_minor: int
    shift_id: int | None
    call_ref: str | None
    booth: str | None


@dataclass(frozen=True, slots=True)
class CardView:
    id: int
    serial: str
    batch_id: int
    status: CardStatus  # effective at the time it was read
    face_value_minor: int
    balance_minor: int
    currency: str
    created_at: datetime
    sold_at: datetime | None
    first_used_at: datetime | None
    expires_at: datetime | None
    in_use_booth: str | None
    history: tuple[MovementView, ...] = ()


@dataclass(frozen=True, slots=True)
class BatchView:
    id: int
    created_at: datetime
    quantity: int
    face_value_minor: int
    currency: str
    pin_length: int
    serial_first: str
    serial_last: str
    expiry_rule: ExpiryRule
    expiry_date: date | None
    expiry_days: int | None
    price_list_version_id: int | None
    note: str
    blocked: bool
    output_dir: str
    counts: tuple[tuple[str, int], ...] = ()  # status → cards (effective now)


def signed(movement: CardMovement) -> int:
    return -movement.amount_minor if movement.kind == "debit" else movement.amount_minor


def movement_view(m: CardMovement) -> MovementView:
    return MovementView(
        id=m.id,
        kind=m.kind,
        at=m.at,
        amount_minor=signed(m),
        balance_after_minor=m.balance_after_minor,
        shift_id=m.shift_id,
        call_ref=m.call_ref,
        booth=m.booth,
    )


def card_view(
    card: Card, batch: CardBatch, now: datetime, movements: list[CardMovement] | None = None
) -> CardView:
    return CardView(
        id=card.id,
        serial=card.serial,
        batch_id=card.batch_id,
        status=effective_status(card, batch, now),
        face_value_minor=card.face_value_minor,
        balance_minor=card.balance_minor,
        currency=batch.currency,
        created_at=card.created_at,
        sold_at=card.sold_at,
        first_used_at=card.first_used_at,
        expires_at=card.expires_at,
        in_use_booth=card.in_use_booth,
        history=tuple(movement_view(m) for m in movements or ()),
    )


def batch_view(batch: CardBatch, counts: dict[str, int] | None = None) -> BatchView:
    return BatchView(
        id=batch.id,
        created_at=batch.created_at,
        quantity=batch.quantity,
        face_value_minor=batch.face_value_minor,
        currency=batch.currency,
        pin_length=batch.pin_length,
        serial_first=batch.serial_first,
        serial_last=batch.serial_last,
        expiry_rule=ExpiryRule(batch.expiry_rule),
        expiry_date=batch.expiry_date,
        expiry_days=batch.expiry_days,
        price_list_version_id=batch.price_list_version_id,
        note=batch.note,
        blocked=batch.blocked_at is not None,
        output_dir=batch.output_dir,
        counts=tuple(sorted((counts or {}).items())),
    )
