"""Prepaid calling cards: batches, cards, their money movements, card calls, PIN attempts.

A :class:`CardBatch` is what an administrator orders at once (quantity, face value,
PIN length, expiry rule); its :class:`Card` rows carry a printed, never secret serial
and the keyed hash of the PIN (HMAC-SHA-256 with the installation's card key, a file
outside the database: the database alone reveals no PIN). A card is created with no
money; every change of its balance is one :class:`CardMovement` row — ``sale``
(cash in at the till: the face value becomes the balance), ``top_up`` (cash in) and
``debit`` (a call made with the card, once per call reference) — so a card's
balance always equals its sales and top-ups minus its debits (``verify`` checks it).
Movement rows are only ever inserted; a card row changes only in a journaled action
that covers it again, except the booth lock columns (``in_use_*``: which booth is
calling with it right now), which are not money and not journal fields.

:class:`CardCall` links a booth call (its ``call_ref``) to the card it was made with,
written when the call starts, so the call is never among the cashier's unserved calls
and reports count it apart. :class:`CardAttempt` logs every PIN check from a booth
(never the PIN): the wrong-PIN booth lock counts them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = [
    "Card",
    "CardAttempt",
    "CardBatch",
    "CardCall",
    "CardMovement",
    "CardMovementKind",
    "CardStatus",
    "ExpiryRule",
]


class ExpiryRule(StrEnum):
    NONE = "none"
    FIXED_DATE = "fixed_date"  # the end of ``expiry_date`` in the shop's time zone
    AFTER_FIRST_USE = "after_first_use"  # ``expiry_days`` after the first call
    AFTER_CREATION = "after_creation"  # ``expiry_days`` after the batch was made


class CardStatus(StrEnum):
    CREATED = "created"  # printed, not sold: carries no money
    SOLD = "sold"  # sold at the till, never used
    IN_USE = "in_use"  # used at least once, balance left
    EXHAUSTED = "exhausted"  # balance 0 after a call
    EXPIRED = "expired"  # recorded when noticed (the clock decides, see services.cards)
    BLOCKED = "blocked"  # by an administrator (card or whole batch)


class CardMovementKind(StrEnum):
    SALE = "sale"  # cash in: the face value becomes the balance
    TOP_UP = "top_up"  # cash in
    DEBIT = "debit"  # a call's price, once per call


class CardBatch(JournaledRow, Base):
    __tablename__ = "card_batches"
    __journal_fields__ = (
        "created_at",
        "created_by_id",
        "quantity",
        "face_value_minor",
        "currency",
        "pin_length",
        "serial_first",
        "serial_last",
        "expiry_rule",
        "expiry_date",
        "expiry_days",
        "price_list_version_id",
        "note",
        "blocked_at",
        "blocked_by_id",
        "block_reason",
    )
    __table_args__ = (
        CheckConstraint("quantity > 0", name="card_batch_quantity_positive"),
        CheckConstraint("face_value_minor > 0", name="card_batch_face_value_positive"),
        CheckConstraint("pin_length >= 10", name="card_batch_pin_length"),
        CheckConstraint(
            "expiry_rule IN ('none', 'fixed_date', 'after_first_use', 'after_creation')",
            name="card_batch_expiry_rule",
        ),
        CheckConstraint(
            "(expiry_rule = 'fixed_date') = (expiry_date IS NOT NULL)",
            name="card_batch_expiry_date_iff_fixed",
        ),
        CheckConstraint(
            "(expiry_rule IN ('after_first_use', 'after_creation')) = (expiry_days IS NOT NULL)",
            name="card_batch_expiry_days_iff_days",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quantity: Mapped[int] = mapped_column()
    face_value_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    pin_length: Mapped[int] = mapped_column(default=12)
    serial_first: Mapped[str] = mapped_column(String(16))
    serial_last: Mapped[str] = mapped_column(String(16))
    expiry_rule: Mapped[str] = mapped_column(String(16), default=ExpiryRule.NONE.value)
    expiry_date: Mapped[date | None] = mapped_column(default=None)
    expiry_days: Mapped[int | None] = mapped_column(default=None)
    # None: calls are priced with the shop's active price list.
    price_list_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_list_versions.id"), default=None
    )
    note: Mapped[str] = mapped_column(Text, default="")
    blocked_at: Mapped[datetime | None] = mapped_column(default=None)
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    block_reason: Mapped[str] = mapped_column(Text, default="")
    # Where the sheets (PDF + CSV) were written, once; not a journal field (a path).
    output_dir: Mapped[str] = mapped_column(Text, default="")


class Card(JournaledRow, Base):
    __tablename__ = "cards"
    __journal_fields__ = (
        "batch_id",
        "serial",
        "pin_hash",
        "status",
        "face_value_minor",
        "balance_minor",
        "created_at",
        "sold_at",
        "first_used_at",
        "expires_at",
        "blocked_at",
    )
    __table_args__ = (
        CheckConstraint(
            "status IN ('created', 'sold', 'in_use', 'exhausted', 'expired', 'blocked')",
            name="card_status",
        ),
        CheckConstraint("balance_minor >= 0", name="card_balance_not_negative"),
        CheckConstraint(
            "status <> 'created' OR balance_minor = 0", name="card_unsold_carries_no_money"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("card_batches.id"), index=True)
    serial: Mapped[str] = mapped_column(String(16), unique=True)
    # hex HMAC-SHA-256 of the PIN under the installation's card key (services.cards.secret)
    pin_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CardStatus.CREATED.value)
    face_value_minor: Mapped[int] = mapped_column(BigInteger)
    balance_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column()
    sold_at: Mapped[datetime | None] = mapped_column(default=None)
    first_used_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    blocked_at: Mapped[datetime | None] = mapped_column(default=None)
    # The booth calling with the card right now (None: free). Not money, not journaled.
    in_use_booth: Mapped[str | None] = mapped_column(String(64), default=None)
    in_use_since: Mapped[datetime | None] = mapped_column(default=None)


class CardMovement(JournaledRow, Base):
    __tablename__ = "card_movements"
    __journal_fields__ = (
        "card_id",
        "kind",
        "at",
        "amount_minor",
        "balance_after_minor",
        "shift_id",
        "operator_id",
        "tendered_minor",
        "change_minor",
        "call_ref",
        "booth",
        "requested_minor",
        "fiscal_sale_id",
    )
    __table_args__ = (
        CheckConstraint("kind IN ('sale', 'top_up', 'debit')", name="card_movement_kind"),
        CheckConstraint("amount_minor >= 0", name="card_movement_not_negative"),
        CheckConstraint("balance_after_minor >= 0", name="card_movement_balance"),
        CheckConstraint(
            "(kind = 'debit') = (call_ref IS NOT NULL)", name="card_movement_call_iff_debit"
        ),
        CheckConstraint(
            "kind = 'debit' OR (shift_id IS NOT NULL AND operator_id IS NOT NULL "
            "AND tendered_minor IS NOT NULL AND change_minor = tendered_minor - amount_minor)",
            name="card_movement_cash_in_shift",
        ),
        # A call is debited once, whatever the engine replays after a crash.
        Index(
            "uq_card_movements_debit_call",
            "call_ref",
            unique=True,
            sqlite_where=text("kind = 'debit'"),
            postgresql_where=text("kind = 'debit'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The movement's id on the wire (sync to central); not a journal field (see Shift.uuid).
    uuid: Mapped[str] = mapped_column(
        String(36), index=True, unique=True, default=lambda: str(uuid4())
    )
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column()
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # always >= 0; kind gives the sign
    balance_after_minor: Mapped[int] = mapped_column(BigInteger)
    # Sales and top-ups: the till's shift and cashier; debits: the shift open then (if any).
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), index=True, default=None)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    tendered_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    change_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    call_ref: Mapped[str | None] = mapped_column(String(128), default=None)
    booth: Mapped[str | None] = mapped_column(String(64), default=None)
    # Debits: the call's price; more than ``amount_minor`` only if the balance ran short.
    requested_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    fiscal_sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("fiscal_sales.id"), unique=True, default=None
    )


class CardCall(JournaledRow, Base):
    """A booth call made with a card (written when it starts)."""

    __tablename__ = "card_calls"
    __journal_fields__ = ("card_id", "call_ref", "booth", "at")

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    call_ref: Mapped[str] = mapped_column(String(128), unique=True)
    booth: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()


class CardAttempt(Base):
    """One PIN check from a booth: its outcome, never the PIN. Append-only log."""

    __tablename__ = "card_attempts"
    __table_args__ = (Index("ix_card_attempts_booth_at", "booth", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    booth: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(String(32))  # "ok" or a refusal code
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), default=None)
