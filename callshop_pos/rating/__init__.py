"""Exact rating: price lists, number normalisation, billing rules, time bands, the rater.

Pure Python, no database: the persistence layer stores price-list versions and
builds a :class:`PriceIndex` per version; the line engine rates with a :class:`Rater`.
"""

from callshop_pos.rating.billing import (
    Tariff,
    billable_seconds,
    retail_price_minor,
    round_duration,
    wholesale_micro,
)
from callshop_pos.rating.index import PriceIndex
from callshop_pos.rating.numbers import NumberPlan
from callshop_pos.rating.offpeak import OffPeakError, OffPeakSchedule
from callshop_pos.rating.pricelist import (
    PriceEntry,
    PriceListError,
    parse_price_list,
    write_price_list,
)
from callshop_pos.rating.rater import Charge, Quote, Rater, Rating, Resolved

__all__ = [
    "Charge",
    "NumberPlan",
    "OffPeakError",
    "OffPeakSchedule",
    "PriceEntry",
    "PriceIndex",
    "PriceListError",
    "Quote",
    "Rater",
    "Rating",
    "Resolved",
    "Tariff",
    "billable_seconds",
    "parse_price_list",
    "retail_price_minor",
    "round_duration",
    "wholesale_micro",
    "write_price_list",
]
