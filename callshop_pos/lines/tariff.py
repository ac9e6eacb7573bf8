"""What the line engine needs from rating: the *tariff* port.

The engine rates the live meter, the admission limit and the finished call with
the same object, so the price on the meter at hang-up is the price recorded.
:class:`callshop_pos.engine_store.rater_tariff.RaterTariff` implements it over the shop's
current :class:`~callshop_pos.rating.Rater`; tests use a small faithful fake.

A :class:`Destination` is resolved once, at dial time, and kept for the whole
call: a call keeps the price-list version it was admitted under even if a new
version is imported while it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from callshop_pos.lines.recorder import FinishedCallRating

__all__ = ["Destination", "Tariff", "unrated_rating"]


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a dialled number goes, as far as the price list knows."""

    number: str  # as dialled
    normalized: str | None  # None: not a rateable number (contains * or #, empty ...)
    prefix: str | None  # longest matching code, None when nothing matched
    name: str | None  # country / destination name
    priced: bool  # True when the matching row has a retail price
    price_version_id: int | None = None
    entry: object = None  # the rater's own entry; opaque to the engine


class Tariff(Protocol):
    def look_up(self, number: str) -> Destination:
        """Resolve a dialled number (never raises for odd numbers: unpriced instead)."""
        ...

    def rate(
        self, destination: Destination, answered_at: datetime | None, duration_s: int
    ) -> FinishedCallRating:
        """Rate ``duration_s`` whole seconds of talk answered at ``answered_at`` (UTC;
        ``None`` for an attempt that was never answered: nothing to pay).

        An unpriced destination gives ``price_minor=None`` (recorded *unrated*)."""
        ...

    def max_seconds(
        self, destination: Destination, answered_at: datetime, budget_minor: int
    ) -> int:
        """The longest talk (whole seconds) whose price stays within ``budget_minor``;
        0 when not even the initial block plus connect fee fit."""
        ...

    def rate_per_minute(self, destination: Destination, answered_at: datetime) -> str | None:
        """The per-minute retail rate in force at ``answered_at``, as a decimal string."""
        ...


def unrated_rating(destination: Destination, duration_s: int) -> FinishedCallRating:
    """The rating recorded for a call that has no retail price."""
    return FinishedCallRating(
        normalized=destination.normalized,
        prefix=destination.prefix,
        destination=destination.name,
        price_version_id=destination.price_version_id,
        duration_s=duration_s,
        billable_s=0,
        price_minor=None,
        wholesale_micro_usd=None,
        offpeak=False,
    )
