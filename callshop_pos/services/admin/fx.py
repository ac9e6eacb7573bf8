"""The administrator's USD → local-currency rate, dated, with history (for profit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor, require_role

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = ["UsdRate", "rate_history", "rate_on", "set_usd_rate"]

_MAX_DECIMALS = 6


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
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _MAX_DECIMALS:
        raise InvalidInput(f"the rate may have at most {_MAX_DECIMALS} decimals")
    with shop.db.write() as s:
        row = FxRate(effective_on=effective_on, local_per_usd=rate, set_at=shop.clock.now(),
                     set_by=actor.username)
        s.add(row)
        s.flush()
        journal.append(s, actor, "fx.set", subject=row,
                       payload={"effective_on": effective_on, "local_per_usd": rate},
                       rows=[row])
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
