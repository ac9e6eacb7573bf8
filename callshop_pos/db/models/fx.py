"""The administrator's USD → local-currency rate, dated, with full history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["FxRate"]


class FxRate(JournaledRow, Base):
    """``local_per_usd`` local-currency units buy one USD from ``effective_on`` on.

    Rows are never changed: a correction for the same day is a newer row (the one
    with the highest id wins for that day).
    """

    __tablename__ = "fx_rates"
    __journal_fields__ = ("effective_on", "local_per_usd", "set_at", "set_by")
    __table_args__ = (Index("ix_fx_rates_effective", "effective_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date)
    local_per_usd: Mapped[Decimal]
    set_at: Mapped[datetime]
    set_by: Mapped[str] = mapped_column(String(64))
