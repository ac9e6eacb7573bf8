"""What the administrator does with cards: create a batch, list batches, show a card,
block a card or a whole batch. Each action checks the role, runs in one transaction
and journals what it wrote.

Creating a batch (:func:`create_batch`):

1. read the next serial number and generate the PINs (``secrets``), each unique in
   the batch and against every existing card's PIN hash (checked in chunks, redrawn
   on a clash) — no transaction is held meanwhile;
2. write the sheets (A4 PDF with cut marks, CSV for a printing house) into a new,
   private folder (0700, files 0600) under a temporary name — the only place the PINs
   ever exist in clear;
3. one write transaction inserts the batch and its cards (the PIN only as its HMAC)
   and journals them; the unique serial and PIN-hash indexes are the last guard;
4. the folder gets its final name. If step 3 fails the folder is deleted: no sheet
   exists for cards that do not.

The sheets are never produced again: a lost sheet means blocking the batch.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.cards import (
    Card,
    CardBatch,
    CardMovement,
    CardStatus,
    ExpiryRule,
)
from callshop_pos.db.models.prices import PriceListVersion
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.common import (
    SERIAL_BODY_DIGITS,
    BatchView,
    CardView,
    batch_view,
    card_by_serial,
    card_view,
    expires_at_creation,
    format_serial,
)
from callshop_pos.services.cards.engine import MAX_PIN_DIGITS, MIN_PIN_DIGITS
from callshop_pos.services.cards.secret import CardKey, card_key, ensure_card_key
from callshop_pos.services.cards.sheets import SheetCard, SheetSpec, write_sheets
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import MAX_CASH_MINOR, user_id
from callshop_pos.textsafe import check_name

__all__ = [
    "DEFAULT_PIN_LENGTH",
    "MAX_BATCH",
    "BatchCreated",
    "BatchSpec",
    "block_batch",
    "block_card",
    "create_batch",
    "list_batches",
    "new_pins",
    "show_card",
]

DEFAULT_PIN_LENGTH = 12
#: Most cards in one batch.
MAX_BATCH = 100_000
_CHUNK = 500  # PIN hashes checked against the database per query
_MAX_NOTE = 500
_MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What the administrator orders."""

    quantity: int
    face_value_minor: int
    currency: str | None = None  # None: the shop's currency
    pin_length: int = DEFAULT_PIN_LENGTH
    expiry_rule: ExpiryRule = ExpiryRule.NONE
    expiry_date: date | None = None  # rule fixed_date
    expiry_days: int | None = None  # rules after_first_use / after_creation
    price_list_version_id: int | None = None  # None: the shop's active price list
    note: str = ""


@dataclass(frozen=True, slots=True)
class BatchCreated:
    batch: BatchView
    folder: Path
    pdf: Path
    csv: Path


def _check_int(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} must be a whole number")
    if not low <= value <= high:
        raise InvalidInput(f"{what} must be between {low} and {high}, not {value}")
    return value


def _check_spec(spec: BatchSpec, today: date) -> None:
    _check_int(spec.quantity, "the quantity", 1, MAX_BATCH)
    _check_int(spec.face_value_minor, "the face value", 1, MAX_CASH_MINOR)
    _check_int(spec.pin_length, "the PIN length", MIN_PIN_DIGITS, MAX_PIN_DIGITS)
    rule = ExpiryRule(spec.expiry_rule)
    if rule is ExpiryRule.FIXED_DATE:
        if spec.expiry_date is None:
            raise InvalidInput("a fixed expiry needs its date")
        if spec.expiry_date < today:
            raise InvalidInput(f"the expiry date {spec.expiry_date} is in the past")
    elif spec.expiry_date is not None:
        raise InvalidInput("an expiry date is only for the fixed-date rule")
    if rule in (ExpiryRule.AFTER_FIRST_USE, ExpiryRule.AFTER_CREATION):
        if spec.expiry_days is None:
            raise InvalidInput("this expiry rule needs a number of days")
        _check_int(spec.expiry_days, "the days until expiry", 1, _MAX_DAYS)
    elif spec.expiry_days is not None:
        raise InvalidInput("a number of days is only for the 'days after' rules")
    if spec.note:
        check_name(spec.note, "the note", max_length=_MAX_NOTE)


def new_pins(
    count: int,
    length: int,
    key: CardKey,
    taken: Callable[[list[str]], Iterable[str]],
    *,
    randbelow: Callable[[int], int] = secrets.randbelow,
) -> list[tuple[str, str]]:
    """``count`` fresh ``(pin, pin_hash)`` pairs of ``length`` digits: unique among
    themselves and none whose hash ``taken`` (asked per chunk of hashes, returns the
    ones already used) reports. A clash is simply drawn again."""
    space = 10**length
    if count > space // 2:
        # Far below any real batch (10-digit PINs: 10^10), but never an endless draw.
        raise InvalidInput(f"{count} PINs of {length} digits cannot be drawn safely")
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        fresh: list[tuple[str, str]] = []
        while len(out) + len(fresh) < count:
            pin = f"{randbelow(space):0{length}d}"
            digest = key.pin_hash(pin)
            if digest not in seen:
                seen.add(digest)
                fresh.append((pin, digest))
        for start in range(0, len(fresh), _CHUNK):
            chunk = fresh[start : start + _CHUNK]
            used = set(taken([digest for _, digest in chunk]))
            out.extend(pair for pair in chunk if pair[1] not in used)
    return out


def _taken_in(session: Session) -> Callable[[list[str]], Iterable[str]]:
    def taken(hashes: list[str]) -> Iterable[str]:
        return session.scalars(select(Card.pin_hash).where(Card.pin_hash.in_(hashes))).all()

    return taken


def _next_serial_number(session: Session) -> int:
    last = session.scalar(select(func.max(CardBatch.serial_last)))
    return 1 if last is None else int(last[:SERIAL_BODY_DIGITS]) + 1


def create_batch(shop: Shop, actor: Actor, spec: BatchSpec, output_dir: Path | str) -> BatchCreated:
    """Create a batch of cards and write its sheets into a new folder under
    ``output_dir`` (see the module docstring)."""
    require_role(actor, Role.ADMIN)
    settings = shop.settings
    tz = ZoneInfo(settings.timezone)
    now = shop.clock.now()
    _check_spec(spec, now.astimezone(tz).date())
    currency = (spec.currency or settings.currency).strip().upper()
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise InvalidInput(f"{currency!r} is not a currency code (e.g. EUR)")
    base = Path(output_dir)
    if not base.is_dir():
        raise InvalidInput(f"the folder {base} does not exist")
    with shop.db.read() as session:
        # Once cards exist a missing key is an error, never replaced by a new one.
        has_cards = session.scalar(select(Card.id).limit(1)) is not None
        key = card_key(shop.data_dir) if has_cards else ensure_card_key(shop.data_dir)
        if spec.price_list_version_id is not None and (
            session.get(PriceListVersion, spec.price_list_version_id) is None
        ):
            raise NotFound(f"no price list version {spec.price_list_version_id}")
        first = _next_serial_number(session)
        pins = new_pins(spec.quantity, spec.pin_length, key, _taken_in(session))
    serials = [format_serial(first + i) for i in range(spec.quantity)]
    folder = base / f"cards-{serials[0]}-{serials[-1]}"
    if folder.exists():
        raise InvalidInput(f"{folder} exists already: sheets are never written twice")
    partial = base / f".{folder.name}.partial"
    batch_row = CardBatch(
        created_at=now,
        created_by_id=user_id(actor),
        quantity=spec.quantity,
        face_value_minor=spec.face_value_minor,
        currency=currency,
        pin_length=spec.pin_length,
        serial_first=serials[0],
        serial_last=serials[-1],
        expiry_rule=ExpiryRule(spec.expiry_rule).value,
        expiry_date=spec.expiry_date,
        expiry_days=spec.expiry_days,
        price_list_version_id=spec.price_list_version_id,
        note=spec.note.strip(),
        output_dir=str(folder),
    )
    expires = expires_at_creation(batch_row, now, tz)
    sheet = SheetSpec(
        shop_name=settings.shop_name.strip() or "CallShop",
        currency=currency,
        face_value_minor=spec.face_value_minor,
        expiry_rule=ExpiryRule(spec.expiry_rule),
        expiry_date=spec.expiry_date,
        expiry_days=spec.expiry_days,
        access_code=settings.card_access_code,
        created_at=now,
    )
    paths = write_sheets(
        partial,
        sheet,
        [SheetCard(serial, pin) for serial, (pin, _) in zip(serials, pins, strict=True)],
    )
    try:
        with shop.db.write() as session:
            session.add(batch_row)
            session.flush()
            cards = [
                Card(
                    batch_id=batch_row.id,
                    serial=serial,
                    pin_hash=digest,
                    status=CardStatus.CREATED.value,
                    face_value_minor=spec.face_value_minor,
                    balance_minor=0,
                    created_at=now,
                    expires_at=expires,
                )
                for serial, (_, digest) in zip(serials, pins, strict=True)
            ]
            session.add_all(cards)
            session.flush()
            rows: list[Base] = [batch_row, *cards]
            journal.append(
                session,
                actor,
                "card.batch.create",
                subject=batch_row,
                payload={
                    "quantity": spec.quantity,
                    "face_value_minor": spec.face_value_minor,
                    "currency": currency,
                    "serial_first": serials[0],
                    "serial_last": serials[-1],
                    "expiry_rule": batch_row.expiry_rule,
                },
                rows=rows,
            )
            view = batch_view(batch_row, {CardStatus.CREATED.value: spec.quantity})
    except IntegrityError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise InvalidInput("another batch was created at the same moment; try again") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(folder)
    return BatchCreated(
        batch=view,
        folder=folder,
        pdf=folder / paths.pdf.name,
        csv=folder / paths.csv.name,
    )


def list_batches(shop: Shop, actor: Actor) -> list[BatchView]:
    """Every batch, newest first, with its cards counted by status (effective now)."""
    require_role(actor, Role.ADMIN)
    now = shop.clock.now()
    with shop.db.read() as session:
        batches = list(session.scalars(select(CardBatch).order_by(CardBatch.id.desc())))
        counts: dict[int, dict[str, int]] = {b.id: {} for b in batches}
        stored = session.execute(
            select(Card.batch_id, Card.status, func.count(Card.id)).group_by(
                Card.batch_id, Card.status
            )
        )
        for batch_id, status, n in stored:
            counts[batch_id][status] = counts[batch_id].get(status, 0) + int(n)
        # Expired by the clock but not yet recorded as such.
        late = session.execute(
            select(Card.batch_id, Card.status, func.count(Card.id))
            .where(
                Card.expires_at.is_not(None),
                Card.expires_at <= now,
                Card.status.not_in([CardStatus.EXPIRED.value, CardStatus.BLOCKED.value]),
            )
            .group_by(Card.batch_id, Card.status)
        )
        for batch_id, status, n in late:
            per = counts[batch_id]
            per[status] -= int(n)
            per[CardStatus.EXPIRED.value] = per.get(CardStatus.EXPIRED.value, 0) + int(n)
        out = []
        for b in batches:
            per = {k: v for k, v in counts[b.id].items() if v}
            if b.blocked_at is not None:
                per = {CardStatus.BLOCKED.value: sum(per.values())}
            out.append(batch_view(b, per))
        return out


def show_card(shop: Shop, actor: Actor, serial: str) -> CardView:
    """A card with its balance and full history (administrator)."""
    require_role(actor, Role.ADMIN)
    with shop.db.read() as session:
        card = card_by_serial(session, serial)
        batch = session.get_one(CardBatch, card.batch_id)
        movements = list(
            session.scalars(
                select(CardMovement)
                .where(CardMovement.card_id == card.id)
                .order_by(CardMovement.id)
            )
        )
        return card_view(card, batch, shop.clock.now(), movements)


def _reason(reason: str) -> str:
    return check_name(reason, "the reason", max_length=_MAX_NOTE)


def block_card(shop: Shop, actor: Actor, serial: str, reason: str) -> CardView:
    """Block one card for good (lost, stolen, disputed): it can no longer call."""
    require_role(actor, Role.ADMIN)
    why = _reason(reason)
    with shop.db.write() as session:
        card = card_by_serial(session, serial, lock=True)
        if card.status == CardStatus.BLOCKED.value:
            raise InvalidInput(f"card {card.serial} is already blocked")
        old = card.status
        card.status = CardStatus.BLOCKED.value
        card.blocked_at = shop.clock.now()
        journal.append(
            session,
            actor,
            "card.block",
            subject=card,
            payload={
                "serial": card.serial,
                "reason": why,
                "old_status": old,
                "balance_minor": card.balance_minor,
            },
            rows=[card],
        )
        batch = session.get_one(CardBatch, card.batch_id)
        return card_view(card, batch, shop.clock.now())


def block_batch(shop: Shop, actor: Actor, batch_id: int, reason: str) -> BatchView:
    """Block a whole batch (a lost sheet): none of its cards can call any more.

    The batch row records it; each card's effective status is then ``blocked``
    (the card rows themselves are not rewritten, so a 100,000-card batch blocks at once)."""
    require_role(actor, Role.ADMIN)
    why = _reason(reason)
    with shop.db.write() as session:
        batch = session.get(CardBatch, batch_id, with_for_update=True)
        if batch is None:
            raise NotFound(f"no card batch {batch_id}")
        if batch.blocked_at is not None:
            raise InvalidInput(f"batch {batch_id} is already blocked")
        batch.blocked_at = shop.clock.now()
        batch.blocked_by_id = user_id(actor)
        batch.block_reason = why
        sold = session.scalar(
            select(func.count(Card.id)).where(
                Card.batch_id == batch.id, Card.status != CardStatus.CREATED.value
            )
        )
        journal.append(
            session,
            actor,
            "card.batch.block",
            subject=batch,
            payload={"reason": why, "sold_cards": int(sold or 0)},
            rows=[batch],
        )
        return batch_view(batch, {CardStatus.BLOCKED.value: batch.quantity})
