"""The prepaid carrier account: top-ups, every answered call's wholesale cost, adjustments.

Amounts are signed integer micro-USD as seen by the account: a top-up adds, a call
cost subtracts, an adjustment may do either. The balance is the plain sum.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["LedgerEntry", "LedgerKind", "TopupMethod"]


class LedgerKind(StrEnum):
    TOPUP = "topup"
    CALL_COST = "call_cost"
    ADJUSTMENT = "adjustment"


class TopupMethod(StrEnum):
    BANK = "bank"
    CASH = "cash"


class LedgerEntry(JournaledRow, Base):
    __tablename__ = "ledger_entries"
    __journal_fields__ = (
        "kind",
        "at",
        "value_date",
        "amount_micro_usd",
        "method",
        "reference",
        "call_id",
        "actor_id",
    )
    __table_args__ = (
        CheckConstraint("kind IN ('topup', 'call_cost', 'adjustment')", name="ledger_kind"),
        CheckConstraint("kind != 'topup' OR amount_micro_usd > 0", name="ledger_topup_positive"),
        CheckConstraint("kind != 'call_cost' OR amount_micro_usd <= 0", name="ledger_cost_sign"),
        CheckConstraint("method IS NULL OR method IN ('bank', 'cash')", name="ledger_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(index=True)  # when it was recorded
    value_date: Mapped[date] = mapped_column(Date, index=True)  # when the money moved
    amount_micro_usd: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str | None] = mapped_column(String(8), default=None)
    reference: Mapped[str] = mapped_column(Text, default="")
    # One cost entry per call, so a replayed call_ended never charges twice.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True, default=None)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
