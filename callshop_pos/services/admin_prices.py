"""The administrator's read side of prices: the whole list with wholesale prices,
its export, the version history and the USD rate in force — admin only.

:mod:`callshop_pos.services.prices` serves the rating engine, which needs the list
without a user; everything that *shows* wholesale prices to a person goes through
here, so an operator is refused by the core and not merely by a hidden button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services import prices
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.reports_admin import rate_on, usd_rates

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = [
    "PriceListView",
    "UsdRate",
    "current_usd_rate",
    "export_csv",
    "price_list",
    "set_usd_rate",
    "today",
    "usd_rate_history",
    "version_history",
]


@dataclass(frozen=True, slots=True)
class PriceListView:
    """What the price-list screen opens with."""

    version_id: int | None
    entries: list[PriceEntry]
    usd_rate: Decimal | None  # in force today; None before the first rate is set
    minimum_margin_percent: Decimal


def current_usd_rate(shop: Shop, actor: Actor) -> Decimal | None:
    """The USD→local rate in force on the shop's today (admin only)."""
    require_role(actor, Role.ADMIN)
    today = shop.clock.now().astimezone(ZoneInfo(shop.settings.timezone)).date()
    with shop.db.read() as s:
        return rate_on(usd_rates(s), today)


def price_list(shop: Shop, actor: Actor) -> PriceListView:
    """The active price list with wholesale prices, the rate and the margin floor."""
    require_role(actor, Role.ADMIN)
    with shop.db.read() as s:
        version = prices.active_version_id(s)
    return PriceListView(
        version,
        prices.active_entries(shop),
        current_usd_rate(shop, actor),
        Decimal(shop.settings.minimum_margin_percent),
    )


def export_csv(shop: Shop, actor: Actor, *, delimiter: str = ",") -> str:
    """The active version in the import format (admin only: it has wholesale prices)."""
    require_role(actor, Role.ADMIN)
    return prices.export_price_list(shop, delimiter=delimiter)


def version_history(shop: Shop, actor: Actor) -> list[prices.PriceVersionInfo]:
    """Every price-list version, newest first, with who made it and when (admin only)."""
    require_role(actor, Role.ADMIN)
    return prices.versions(shop)


def today(shop: Shop) -> date:
    """The shop's local date now."""
    return shop.clock.now().astimezone(ZoneInfo(shop.settings.timezone)).date()


@dataclass(frozen=True, slots=True)
class UsdRate:
    id: int
    effective_on: date
    rate: Decimal
    set_at: datetime
    set_by: str


def usd_rate_history(shop: Shop, actor: Actor) -> list[UsdRate]:
    """Every USD→local rate ever set, newest first (admin only)."""
    require_role(actor, Role.ADMIN)
    stmt = select(FxRate).order_by(FxRate.effective_on.desc(), FxRate.id.desc())
    with shop.db.read() as s:
        return [
            UsdRate(r.id, r.effective_on, r.local_per_usd, r.set_at, r.set_by)
            for r in s.scalars(stmt)
        ]


def set_usd_rate(shop: Shop, actor: Actor, rate: Decimal, effective_on: date) -> UsdRate:
    """Set how much local currency one USD costs from ``effective_on`` on (admin only).

    Nothing is overwritten: a second rate for the same day is a newer row that wins.
    """
    require_role(actor, Role.ADMIN)
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise InvalidInput("the USD rate must be a positive number")
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise InvalidInput("the USD rate has more than 6 decimals")
    if rate > 1000:
        raise InvalidInput("a USD rate above 1000 is surely a typing error")
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
            payload={"effective_on": effective_on.isoformat(), "local_per_usd": str(rate)},
            rows=[row],
        )
        return UsdRate(row.id, row.effective_on, row.local_per_usd, row.set_at, row.set_by)
