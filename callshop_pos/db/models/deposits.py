"""Prepaid booth deposits: the cash a customer leaves at the till before calling.

A :class:`BoothDeposit` is one customer's credit on a prepaid booth, taken in the
open shift; a booth has at most one ``open`` deposit (enforced by the database).
Every cash movement of a deposit is a :class:`DepositMovement` row: ``taken``
(cash in: the first amount and every top-up) and ``returned`` (cash out: the
unused remainder when the deposit is settled). The calls it covered are paid by
a :class:`~callshop_pos.db.models.payments.Payment` with method ``deposit``,
which moves no cash (the cash came in with the deposit). Movement rows are only
ever inserted; the deposit row changes (top-up, settlement) only in a journaled
action that covers it again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["BoothDeposit", "DepositMovement", "DepositStatus", "MovementKind"]


class DepositStatus(StrEnum):
    OPEN = "open"
    SETTLED = "settled"


class MovementKind(StrEnum):
    TAKEN = "taken"  # cash in
    RETURNED = "returned"  # cash out


class BoothDeposit(JournaledRow, Base):
    __tablename__ = "booth_deposits"
    __journal_fields__ = (
        "booth",
        "shift_id",
        "operator_id",
        "taken_at",
        "amount_minor",
        "status",
        "settled_at",
        "settled_by_id",
        "payment_id",
        "used_minor",
        "returned_minor",
    )
    __table_args__ = (
        CheckConstraint("status IN ('open', 'settled')", name="deposit_status"),
        CheckConstraint("amount_minor > 0", name="deposit_amount_positive"),
        CheckConstraint(
            "(status = 'open') = (settled_at IS NULL)", name="deposit_settled_iff_time"
        ),
        # One open deposit per booth, enforced by the database itself.
        Index(
            "uq_booth_deposits_one_open",
            "booth",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth: Mapped[str] = mapped_column(String(64), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime] = mapped_column()
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # every amount taken, top-ups too
    status: Mapped[str] = mapped_column(String(8), default=DepositStatus.OPEN.value)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    used_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)  # calls paid
    returned_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)  # cash back


class DepositMovement(JournaledRow, Base):
    __tablename__ = "deposit_movements"
    __journal_fields__ = (
        "deposit_id",
        "shift_id",
        "operator_id",
        "at",
        "kind",
        "amount_minor",
        "rounding_minor",
        "total_minor",
        "note",
    )
    __table_args__ = (
        CheckConstraint("kind IN ('taken', 'returned')", name="deposit_movement_kind"),
        CheckConstraint("amount_minor >= 0", name="deposit_movement_not_negative"),
        CheckConstraint(
            "total_minor = amount_minor + rounding_minor", name="deposit_movement_total"
        ),
        CheckConstraint("total_minor >= 0", name="deposit_movement_total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("booth_deposits.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(8))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # exact amount
    rounding_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # to the cash unit
    total_minor: Mapped[int] = mapped_column(BigInteger)  # cash that moved
    note: Mapped[str] = mapped_column(Text, default="")
