"""The link to the central billing account: the outbox, the link state, pending price lists.

``sync_outbox`` is the transactional outbox: the row that says "send this closed
shift" (or "send this correction of a closed shift") is written in the very
transaction that closes the shift (or records the correction), with the payload as
it stood then. The sender delivers rows in ``id`` order and marks a row delivered
only on a definite acknowledgement, so a crash anywhere means "send again", never
"lost". The row's identity (kind, key, subject, time) is covered by the journal
entry of the action that wrote it, so a row deleted behind the application's back is
found by ``callshop-pos verify``; its delivery state is operational data and changes
without a journal entry (like a heartbeat).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = [
    "OutboxKind",
    "OutboxStatus",
    "PendingPriceList",
    "PriceListStatus",
    "SyncOutbox",
    "SyncState",
]


class OutboxKind(StrEnum):
    SHIFT = "shift"  # a closed shift (key: the shift's UUID)
    CORRECTION = "correction"  # a correction of a call of a closed shift


class OutboxStatus(StrEnum):
    PENDING = "pending"  # not yet acknowledged by central
    DELIVERED = "delivered"  # central acknowledged it (2xx)
    PARKED = "parked"  # central refused it for good (4xx): needs a person


class SyncOutbox(JournaledRow, Base):
    __tablename__ = "sync_outbox"
    __journal_fields__ = (
        "kind",
        "key",
        "shift_id",
        "correction_id",
        "created_at",
        "prev_seq",
        "prev_head",
    )
    __table_args__ = (
        CheckConstraint("kind IN ('shift', 'correction')", name="outbox_kind"),
        CheckConstraint("status IN ('pending', 'delivered', 'parked')", name="outbox_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(36), unique=True)  # the idempotency key (UUID)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    correction_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_corrections.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column()
    # The journal head this item vouches for (the hash of the entry that wrote it) and
    # the head sent with the item before it (None for the first item ever).
    journal_seq: Mapped[int] = mapped_column()
    journal_head: Mapped[str] = mapped_column(String(64))
    prev_seq: Mapped[int | None] = mapped_column(default=None)
    prev_head: Mapped[str | None] = mapped_column(String(64), default=None)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly what is sent
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    response: Mapped[str | None] = mapped_column(Text, default=None)  # central's answer


class SyncState(Base):
    """The link's operational state (one row, id 1): not money, not journaled."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    # The carrier account as central last reported it (micro-USD; None = never pulled).
    carrier_balance_micro_usd: Mapped[int | None] = mapped_column(BigInteger, default=None)
    carrier_balance_at: Mapped[datetime | None] = mapped_column(default=None)
    price_list_etag: Mapped[str | None] = mapped_column(String(200), default=None)


class PriceListStatus(StrEnum):
    PENDING = "pending"  # pulled, waiting for an administrator's review
    APPLIED = "applied"  # imported through the price import (margin guard included)
    DISMISSED = "dismissed"  # the administrator chose not to apply it


class PendingPriceList(JournaledRow, Base):
    """A wholesale price list published centrally, stored until an administrator
    reviews it; it changes no price until then."""

    __tablename__ = "sync_price_lists"
    __journal_fields__ = (
        "version",
        "received_at",
        "content_sha256",
        "status",
        "reviewed_at",
        "reviewed_by_id",
        "applied_version_id",
    )
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'applied', 'dismissed')", name="sync_price_list_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)  # central's version label
    etag: Mapped[str | None] = mapped_column(String(200), default=None)
    received_at: Mapped[datetime] = mapped_column()
    content: Mapped[str] = mapped_column(Text)  # the list as published (canonical JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PriceListStatus.PENDING.value)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    applied_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_list_versions.id"), default=None
    )
