"""What every report is made of: the grouping, the row of sums, and the SQL pieces that
compute those sums (shared by the period report and its pre-summed cells)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, literal, null

from callshop_pos.db.models.calls import Call, CallStatus
from callshop_pos.money import Currency

__all__ = [
    "ENGINE_REFUSALS",
    "GroupBy",
    "ReportRow",
    "aggregate_columns",
    "bucket",
    "currency_digits",
    "local_midnight_utc",
    "refused_by_engine",
    "row_from",
]


class GroupBy(StrEnum):
    DAY = "day"
    DESTINATION = "destination"
    BOOTH = "booth"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """Totals of one group (or of the whole period)."""

    key: str
    attempts: int = 0  # calls offered to the carrier (engine refusals are not attempts)
    calls: int = 0
    talk_seconds: int = 0
    billable_seconds: int = 0
    billed_minor: int = 0
    revenue_minor: int = 0
    unpaid: int = 0
    unpaid_minor: int = 0
    unserved: int = 0
    unserved_minor: int = 0
    unrated: int = 0
    wholesale_micro_usd: int = 0
    wholesale_cost_minor: int = 0
    cost_without_rate: int = 0  # answered calls with a cost but no USD rate on their date

    @property
    def profit_minor(self) -> int:
        return self.revenue_minor - self.wholesale_cost_minor

    @property
    def minutes(self) -> Decimal:
        """Talk time in minutes, two decimals (half-up)."""
        return (Decimal(self.talk_seconds) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def asr_percent(self) -> Decimal | None:
        """Answer-seizure ratio: answered / attempts × 100 (one decimal), None if no attempt."""
        if not self.attempts:
            return None
        return (Decimal(100 * self.calls) / self.attempts).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def acd_seconds(self) -> int | None:
        """Average call duration in whole seconds (half-up), None if no call."""
        if not self.calls:
            return None
        return (2 * self.talk_seconds + self.calls) // (2 * self.calls)

    @property
    def average_call_minor(self) -> int | None:
        """Average billed price of a call (half-up), None if no call."""
        if not self.calls:
            return None
        return (2 * self.billed_minor + self.calls) // (2 * self.calls)

    def plus(self, other: ReportRow) -> ReportRow:
        """Field-wise sum (the key of ``self`` is kept)."""
        values = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "key"
        }
        return ReportRow(self.key, **values)


def local_midnight_utc(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def bucket(
    column: Any, bounds: Sequence[datetime], values: Sequence[Any], below: Any
) -> ColumnElement[Any]:
    """A balanced CASE tree: ``values[i]`` where ``bounds[i] <= column < bounds[i+1]``.

    ``bounds`` ascend; below ``bounds[0]`` the value is ``below``. Depth is
    log2(len(bounds)), so a year of days costs about nine comparisons per row.
    """

    def tree(lo: int, hi: int, under: Any) -> Any:
        # rows in [bounds[lo], bounds[hi]) or beyond for the last one
        if hi - lo == 1:
            return values[lo]
        mid = (lo + hi) // 2
        return case((column < bounds[mid], tree(lo, mid, under)), else_=tree(mid, hi, under))

    if not bounds:
        return below if isinstance(below, ColumnElement) else literal(below)
    return case((column < bounds[0], below), else_=tree(0, len(bounds), below))


def no_rate() -> ColumnElement[Any]:
    """A missing USD rate: a NULL typed as an integer. An untyped NULL makes
    PostgreSQL read it as text, and ``bigint * text`` fails every report on a day
    with no rate (every fresh install)."""
    return cast(null(), BigInteger)


#: How the line engine ends an attempt it refused (never offered to the carrier): a
#: locked booth, a blocked prefix, no retail price, a prepaid booth without a deposit
#: or with one too small for the first block.
ENGINE_REFUSALS = ("denied", "credit_exhausted")


def refused_by_engine() -> ColumnElement[bool]:
    """An attempt the engine refused before it reached the carrier: not an attempt
    for the answer-seizure ratio (a blocked prepaid booth would otherwise lower it)."""
    return and_(
        Call.answered_at.is_(None),
        Call.end_side == "system",
        Call.end_reason.in_(ENGINE_REFUSALS),
    )


def aggregate_columns(rate_int: Any, scale: int, digits: int) -> list[Any]:
    """The SQL sums of :class:`ReportRow` (in field order) over ``calls`` rows.

    ``rate_int`` is the USD rate of each call × 10**scale (NULL when none applies).
    """
    answered = Call.answered_at.is_not(None)
    paid = and_(answered, Call.status == CallStatus.PAID.value)
    unpaid = and_(answered, Call.status == CallStatus.UNPAID.value)
    unserved = and_(answered, Call.status == CallStatus.UNSERVED.value)
    # cost = micro × R / 10**(6 + scale − digits), half-up: (2·micro·R + D) // 2D.
    divisor = 10 ** (6 + scale - digits)
    micro = Call.wholesale_micro_usd
    with_cost = and_(answered, micro.is_not(None))
    local_cost = case(
        (with_cost, (2 * micro * rate_int + divisor) // (2 * divisor)),
        else_=None,
    )
    zero = literal(0)
    return [
        func.coalesce(func.sum(case((refused_by_engine(), zero), else_=literal(1))), 0).label(
            "attempts"
        ),
        func.count(Call.answered_at).label("calls"),
        func.coalesce(func.sum(case((answered, Call.duration_s), else_=zero)), 0).label("talk"),
        func.coalesce(func.sum(case((answered, Call.billable_s), else_=zero)), 0).label("billable"),
        func.coalesce(func.sum(case((answered, Call.price_minor), else_=zero)), 0).label("billed"),
        func.coalesce(func.sum(case((paid, Call.price_minor), else_=zero)), 0).label("revenue"),
        func.coalesce(func.sum(case((unpaid, 1), else_=zero)), 0).label("unpaid"),
        func.coalesce(func.sum(case((unpaid, Call.price_minor), else_=zero)), 0).label("unpaid_m"),
        func.coalesce(func.sum(case((unserved, 1), else_=zero)), 0).label("unserved"),
        func.coalesce(func.sum(case((unserved, Call.price_minor), else_=zero)), 0).label(
            "unserved_m"
        ),
        func.coalesce(
            func.sum(case((and_(answered, Call.price_minor.is_(None)), 1), else_=zero)), 0
        ).label("unrated"),
        func.coalesce(func.sum(case((with_cost, micro), else_=zero)), 0).label("micro"),
        func.coalesce(func.sum(local_cost), 0).label("cost"),
        func.coalesce(
            func.sum(case((and_(with_cost, rate_int.is_(None)), 1), else_=zero)), 0
        ).label("no_rate"),
    ]


def row_from(key: str, values: Sequence[Any]) -> ReportRow:
    return ReportRow(key, *(int(v or 0) for v in values))


def currency_digits(code: str) -> int:
    # Every currency the shop can be configured with has cents; JPY-like ones would not.
    return Currency(code, code).digits
