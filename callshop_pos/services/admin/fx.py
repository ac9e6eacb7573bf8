"""The USD → local-currency rate: the one place that sets it (admin only, with its
plausibility guards), its dated history, and the exact conversion of a wholesale cost
(micro-USD) to local minor units that the reports and the carrier ledger use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor, require_role

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = [
    "MAX_USD_RATE",
    "UsdRate",
    "cost_minor",
    "rate_from",
    "rate_history",
    "rate_on",
    "rate_scale",
    "set_usd_rate",
    "usd_rates",
]

_MAX_DECIMALS = 6
#: Above this a USD rate is surely a typing error (no currency the shop uses comes near).
MAX_USD_RATE = Decimal(1000)


@dataclass(frozen=True, slots=True)
class UsdRate:
    id: int
    effective_on: date
    local_per_usd: Decimal
    set_at: datetime
    set_by: str


def _view(row: FxRate) -> UsdRate:
    return UsdRate(row.id, row.effective_on, row.local_per_usd, row.set_at, row.set_by)


def set_usd_rate(shop: Shop, actor: Actor, rate: Decimal, effective_on: date) -> UsdRate:
    """Record that one USD costs ``rate`` local units from ``effective_on`` (admin only).

    Nothing is overwritten: a correction for the same day is a newer row that wins.
    """
    require_role(actor, Role.ADMIN)
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise InvalidInput("the rate must be an exact decimal number")
    if rate <= 0:
        raise InvalidInput("the rate must be above zero")
    if rate > MAX_USD_RATE:
        raise InvalidInput(f"a USD rate above {MAX_USD_RATE} is surely a typing error")
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _MAX_DECIMALS:
        raise InvalidInput(f"the rate may have at most {_MAX_DECIMALS} decimals")
    with shop.db.write() as s:
        row = FxRate(
            effective_on=effective_on,
            local_per_usd=rate,
            set_at=shop.clock.now(),
            set_by=actor.username,
        )
        s.add(row)
        s.flush()
        journal.append(
            s,
            actor,
            "fx.set",
            subject=row,
            payload={"effective_on": effective_on, "local_per_usd": rate},
            rows=[row],
        )
        return _view(row)


def rate_on(shop: Shop, day: date) -> Decimal | None:
    """The rate in force on ``day``: the newest dated on or before it (None if none)."""
    stmt = (
        select(FxRate.local_per_usd)
        .where(FxRate.effective_on <= day)
        .order_by(FxRate.effective_on.desc(), FxRate.id.desc())
        .limit(1)
    )
    with shop.db.read() as s:
        return s.scalar(stmt)


def rate_history(shop: Shop) -> list[UsdRate]:
    """Every rate ever set, newest effective date first (corrections after originals)."""
    stmt = select(FxRate).order_by(FxRate.effective_on.desc(), FxRate.id.desc())
    with shop.db.read() as s:
        return [_view(r) for r in s.scalars(stmt)]


# ---- the rate history and exact cost conversion (reports, ledger, tests' reference)


def usd_rates(session: Session) -> list[tuple[date, Decimal]]:
    """Every dated USD→local rate, oldest first (same-day corrections after the original)."""
    stmt = select(FxRate.effective_on, FxRate.local_per_usd).order_by(
        FxRate.effective_on, FxRate.id
    )
    return [(day, rate) for day, rate in session.execute(stmt)]


def rate_from(rates: Sequence[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The USD→local rate in force on ``day``: the newest one dated on or before it
    (of several for the same date, the later in ``rates`` wins)."""
    best: tuple[date, Decimal] | None = None
    for since, rate in rates:
        if since <= day and (best is None or since >= best[0]):
            best = (since, rate)
    return None if best is None else best[1]


def rate_scale(rates: Iterable[Decimal]) -> int:
    scale = 0
    for rate in rates:
        exponent = rate.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            scale = max(scale, -exponent)
    return scale


def cost_minor(micro_usd: int, rate: Decimal, digits: int = 2) -> int:
    """``micro_usd`` USD converted at ``rate``, rounded half-up to minor units."""
    exact = Decimal(micro_usd) * rate / Decimal(10) ** (6 - digits)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
