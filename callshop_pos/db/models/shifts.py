"""Shifts (the original's "sessions"): one operator's stretch at the till.

Only one shift is open at a time (a partial unique index enforces it). When a
shift closes, its expected cash, counted cash and discrepancy are stored once and
never change again; later corrections are separate rows (``CallCorrection``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["Shift", "ShiftStatus"]


class ShiftStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Shift(JournaledRow, Base):
    __tablename__ = "shifts"
    __journal_fields__ = (
        "operator_id",
        "status",
        "opened_at",
        "closed_at",
        "closed_by_id",
        "opening_float_minor",
        "payments_minor",
        "refunds_minor",
        "expected_minor",
        "counted_minor",
        "discrepancy_minor",
    )
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="shift_status"),
        CheckConstraint("opening_float_minor >= 0", name="shift_float_not_negative"),
        # One open shift per shop, enforced by the database itself.
        Index(
            "uq_shifts_one_open",
            "status",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The shift's id on the wire (central's idempotency key). Not a journal field (that
    # would change the digest of every shift closed before it existed); the journal
    # vouches for it through the outbox row written at close.
    uuid: Mapped[str] = mapped_column(
        String(36), index=True, unique=True, default=lambda: str(uuid4())
    )
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), default=ShiftStatus.OPEN.value)
    opened_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    opening_float_minor: Mapped[int] = mapped_column(BigInteger)
    # Filled once, at close (Z report): never updated afterwards.
    payments_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    refunds_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    expected_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    counted_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    discrepancy_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
