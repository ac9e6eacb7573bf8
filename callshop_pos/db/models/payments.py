"""Cash taken and given back at the till: payments (with lines) and refunds.

A payment's lines are its calls plus, when the bill total was rounded to the cash
unit, one ``rounding`` line; the lines always add up to the total. A refund gives
back the money of one paid call (paid -> unpaid/unserved while the shift is open).
Rows are only ever inserted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["Payment", "PaymentLine", "PaymentLineKind", "Refund"]


class PaymentLineKind(StrEnum):
    CALL = "call"
    ROUNDING = "rounding"


class Payment(JournaledRow, Base):
    __tablename__ = "payments"
    __journal_fields__ = (
        "shift_id",
        "operator_id",
        "at",
        "subtotal_minor",
        "rounding_minor",
        "total_minor",
        "tendered_minor",
        "change_minor",
        "method",
    )
    __table_args__ = (
        CheckConstraint("total_minor = subtotal_minor + rounding_minor", name="payment_total"),
        CheckConstraint("tendered_minor >= total_minor", name="payment_tendered"),
        CheckConstraint("change_minor = tendered_minor - total_minor", name="payment_change"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The payment's id on the wire (sync to central); not a journal field (see Shift.uuid).
    uuid: Mapped[str] = mapped_column(
        String(36), index=True, unique=True, default=lambda: str(uuid4())
    )
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column()
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    rounding_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    tendered_minor: Mapped[int] = mapped_column(BigInteger)
    change_minor: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(16), default="cash")


class PaymentLine(JournaledRow, Base):
    __tablename__ = "payment_lines"
    __journal_fields__ = (
        "payment_id",
        "kind",
        "call_id",
        "amount_minor",
    )
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'rounding')", name="payment_line_kind"),
        CheckConstraint(
            "(kind = 'call') = (call_id IS NOT NULL)", name="payment_line_call_iff_call"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True, default=None)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class Refund(JournaledRow, Base):
    __tablename__ = "refunds"
    __journal_fields__ = (
        "shift_id",
        "operator_id",
        "at",
        "call_id",
        "payment_id",
        "amount_minor",
        "rounding_minor",
        "total_minor",
        "reason",
    )
    __table_args__ = (
        CheckConstraint("total_minor = amount_minor + rounding_minor", name="refund_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column()
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))  # what it reverses
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # the call's price
    rounding_minor: Mapped[int] = mapped_column(BigInteger)  # to the cash unit
    total_minor: Mapped[int] = mapped_column(BigInteger)  # cash handed back
    reason: Mapped[str] = mapped_column(Text)
