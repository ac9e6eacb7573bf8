"""The administrator's read side of prices: the whole list with wholesale prices,
its export, the version history and the USD rate in force — admin only.

:mod:`callshop_pos.services.admin.prices` serves the rating engine, which needs the list
without a user; everything that *shows* wholesale prices to a person goes through
here, so an operator is refused by the core and not merely by a hidden button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from callshop_pos.db.models.users import Role
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services.admin import fx, prices
from callshop_pos.services.admin.fx import UsdRate, rate_from, usd_rates
from callshop_pos.services.auth import Actor, require_role

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = [
    "PriceListView",
    "UsdRate",
    "current_usd_rate",
    "export_csv",
    "price_list",
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
        return rate_from(usd_rates(s), today)


def price_list(shop: Shop, actor: Actor) -> PriceListView:
    """The active price list with wholesale prices, the rate and the margin floor."""
    require_role(actor, Role.ADMIN)
    with shop.db.read() as s:
        version = prices.active_version_id(s)
    return PriceListView(
        version,
        prices.active_entries(shop, actor),
        current_usd_rate(shop, actor),
        Decimal(shop.settings.minimum_margin_percent),
    )


def export_csv(shop: Shop, actor: Actor, *, delimiter: str = ",") -> str:
    """The active version in the import format (admin only: it has wholesale prices)."""
    require_role(actor, Role.ADMIN)
    return prices.export_price_list(shop, actor, delimiter=delimiter)


def version_history(shop: Shop, actor: Actor) -> list[prices.PriceVersionInfo]:
    """Every price-list version, newest first, with who made it and when (admin only)."""
    require_role(actor, Role.ADMIN)
    return prices.versions(shop)


def today(shop: Shop) -> date:
    """The shop's local date now."""
    return shop.clock.now().astimezone(ZoneInfo(shop.settings.timezone)).date()


def usd_rate_history(shop: Shop, actor: Actor) -> list[UsdRate]:
    """Every USD→local rate ever set, newest first (admin only)."""
    require_role(actor, Role.ADMIN)
    return fx.rate_history(shop)
