"""The tariff port over the rating module's :class:`~callshop_pos.rating.Rater`.

The meter and the final rating both call :meth:`Rater.rate` of the rater that was in
force when the call was dialled, so a call keeps its price-list version and the
live running price is, second for second, the price that gets recorded.
"""

from __future__ import annotations

from datetime import datetime

from callshop_pos.lines.recorder import FinishedCallRating
from callshop_pos.lines.tariff import Destination
from callshop_pos.rating import PriceEntry, Rater

__all__ = ["RaterTariff"]


class RaterTariff:
    """:class:`~callshop_pos.lines.tariff.Tariff` backed by one price-list version."""

    def __init__(self, rater: Rater, version_id: int | None) -> None:
        self.rater = rater
        self.version_id = version_id

    def look_up(self, number: str) -> Destination:
        normalized, entry = self.rater.resolve(number)
        if entry is None:
            return Destination(number, normalized, None, None, False, self.version_id)
        return Destination(
            number=number,
            normalized=normalized,
            prefix=entry.code,
            name=entry.country,
            priced=entry.retail is not None,
            price_version_id=self.version_id,
            entry=entry,
        )

    def rate(
        self, destination: Destination, answered_at: datetime | None, duration_s: int
    ) -> FinishedCallRating:
        if answered_at is None:  # never answered: nothing billed, nothing to the carrier
            return FinishedCallRating(
                normalized=destination.normalized,
                prefix=destination.prefix,
                destination=destination.name,
                price_version_id=destination.price_version_id,
                duration_s=0,
                billable_s=0,
                price_minor=0 if destination.priced else None,
                wholesale_micro_usd=None,
                offpeak=False,
            )
        rating = self.rater.rate(destination.number, answered_at, duration_s)
        return FinishedCallRating(
            normalized=rating.normalized,
            prefix=rating.prefix,
            destination=rating.country,
            price_version_id=destination.price_version_id,
            duration_s=rating.duration_s,
            billable_s=rating.billable_seconds,
            price_minor=rating.price_minor,
            wholesale_micro_usd=rating.wholesale_micro,
            offpeak=rating.offpeak,
        )

    def max_seconds(
        self, destination: Destination, answered_at: datetime, budget_minor: int
    ) -> int:
        entry = _entry(destination)
        if entry is None:
            return 0
        offpeak = self.rater.is_offpeak(answered_at)
        return self.rater.max_seconds_within(entry, offpeak, budget_minor)

    def rate_per_minute(self, destination: Destination, answered_at: datetime) -> str | None:
        entry = _entry(destination)
        if entry is None:
            return None
        charge = self.rater.price_for(entry, answered_at, 0)
        return None if charge is None else str(charge.rate_per_minute)


def _entry(destination: Destination) -> PriceEntry | None:
    entry = destination.entry
    return entry if isinstance(entry, PriceEntry) else None
