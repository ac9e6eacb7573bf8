"""Pre-summed figures of closed shifts, for fast period reports (derived data).

A closed shift never changes (corrections are separate rows), so its calls can be
summed once per local day and per booth / destination. ``report_shifts`` says which
shifts are summed, in which time zone and at which USD rates; a change of either
makes the sums stale and they are rebuilt from the calls. Nothing here is money of
record: deleting both tables loses nothing (they are rebuilt on the next report).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base

__all__ = ["ReportCell", "ReportMonthCell", "ReportShift"]


class ReportShift(Base):
    """One closed shift whose calls are summed into ``report_cells``."""

    __tablename__ = "report_shifts"

    shift_id: Mapped[int] = mapped_column(
        ForeignKey("shifts.id"), primary_key=True, autoincrement=False
    )
    tz: Mapped[str] = mapped_column(String(64))
    #: canonical JSON ``{"YYYY-MM-DD": "rate" | null}`` for every local day summed
    rates: Mapped[str] = mapped_column(Text)
    built_at: Mapped[datetime]


class ReportCell(Base):
    """The calls of one shift that ended on one local day, for one dimension value.

    ``dimension`` is ``day`` (``value`` empty: the whole day), ``booth`` or
    ``destination``. Columns are the sums of :class:`ReportRow` in
    ``callshop_pos.services.reports.period``.
    """

    __tablename__ = "report_cells"
    __table_args__ = (Index("ix_report_cells_dimension_day", "dimension", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    dimension: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(BigInteger)
    calls: Mapped[int] = mapped_column(BigInteger)
    talk_seconds: Mapped[int] = mapped_column(BigInteger)
    billable_seconds: Mapped[int] = mapped_column(BigInteger)
    billed_minor: Mapped[int] = mapped_column(BigInteger)
    revenue_minor: Mapped[int] = mapped_column(BigInteger)
    unpaid: Mapped[int] = mapped_column(BigInteger)
    unpaid_minor: Mapped[int] = mapped_column(BigInteger)
    unserved: Mapped[int] = mapped_column(BigInteger)
    unserved_minor: Mapped[int] = mapped_column(BigInteger)
    unrated: Mapped[int] = mapped_column(BigInteger)
    wholesale_micro_usd: Mapped[int] = mapped_column(BigInteger)
    wholesale_cost_minor: Mapped[int] = mapped_column(BigInteger)
    cost_without_rate: Mapped[int] = mapped_column(BigInteger)


class ReportMonthCell(Base):
    """The cells of one calendar month summed over all summed shifts, per booth or
    destination: a year's report by destination reads twelve of these per destination
    instead of one per shift and day. Rebuilt whenever a shift of that month is summed.
    """

    __tablename__ = "report_month_cells"
    __table_args__ = (Index("ix_report_month_cells_dimension_month", "dimension", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    dimension: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(BigInteger)
    calls: Mapped[int] = mapped_column(BigInteger)
    talk_seconds: Mapped[int] = mapped_column(BigInteger)
    billable_seconds: Mapped[int] = mapped_column(BigInteger)
    billed_minor: Mapped[int] = mapped_column(BigInteger)
    revenue_minor: Mapped[int] = mapped_column(BigInteger)
    unpaid: Mapped[int] = mapped_column(BigInteger)
    unpaid_minor: Mapped[int] = mapped_column(BigInteger)
    unserved: Mapped[int] = mapped_column(BigInteger)
    unserved_minor: Mapped[int] = mapped_column(BigInteger)
    unrated: Mapped[int] = mapped_column(BigInteger)
    wholesale_micro_usd: Mapped[int] = mapped_column(BigInteger)
    wholesale_cost_minor: Mapped[int] = mapped_column(BigInteger)
    cost_without_rate: Mapped[int] = mapped_column(BigInteger)
