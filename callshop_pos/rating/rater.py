"""Rating a call: number → destination → band → billable seconds → price and cost.

:class:`Rater` is the one place a call's money is decided. The line engine's live
meter (:meth:`Rater.resolve` at dial time, :meth:`Rater.price_for` every tick) and
the final rating (:meth:`Rater.rate`) run the same integer arithmetic, so the
running cost the customer watched is the price on the bill.

Hot-path notes (measured in ``bench/rating.py``): every entry's rates are compiled
once per price-list version into integer constants (``billing.tariff_constants``
in a :class:`~callshop_pos.rating.kernel.Tariffs`), so rating a call is string
slicing, dict probes and integer arithmetic — no ``Decimal`` context, no float, one
rounding. The per-call loop lives in :mod:`callshop_pos.rating.kernel`, which is
compiled to C with mypyc when the package is built (plain Python otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import NamedTuple

from callshop_pos.rating.billing import Tariff, round_duration, tariff_constants
from callshop_pos.rating.index import PriceIndex
from callshop_pos.rating.kernel import (
    RATED,
    UNRATED,
    Band,
    PrefixTable,
    Rates,
    Rating,
    Tariffs,
    WeekClock,
)
from callshop_pos.rating.numbers import NumberPlan
from callshop_pos.rating.offpeak import OffPeakSchedule
from callshop_pos.rating.pricelist import PriceEntry

__all__ = ["RATED", "UNRATED", "Charge", "Quote", "Rater", "Rating", "Resolved"]


class Charge(NamedTuple):
    """The price of a call so far (or in full): what the live meter shows."""

    billable_seconds: int
    price_minor: int
    offpeak: bool
    rate_per_minute: Decimal


class Resolved(NamedTuple):
    """A dialled number resolved at dial time: normalised form and matching entry."""

    normalized: str | None
    entry: PriceEntry | None


class Quote(NamedTuple):
    """The cashier's "how much to call …" answer (rates per minute, ``None`` if not set)."""

    destination: str
    rate_per_minute: Decimal | None
    offpeak_rate: Decimal | None


def _band(rate: Decimal | None, connect_fee: Decimal, digits: int) -> Band | None:
    if rate is None:
        return None
    # The constants Tariff.price_minor uses; entries were validated when built.
    a2, b2, half, d2 = tariff_constants(rate, connect_fee, digits)
    return Band(a2, b2, half, d2, rate)


def _compile(entry: PriceEntry, digits: int) -> Tariffs:
    return Tariffs(
        entry,
        entry.code,
        entry.country,
        2 * int(entry.wholesale_usd.scaleb(6)),
        entry.grace,
        entry.initial,
        entry.increment,
        _band(entry.retail, entry.connect_fee, digits),
        None if entry.retail is None else _band(entry.retail_offpeak, entry.connect_fee, digits),
    )


class _TableBuilder:
    """Builds (once per index and currency) the code → compiled-entry table.

    Entries with the same rate and connect fee (the same objects: a loaded price list
    shares equal numbers) share one :class:`Band`: a 1,000,000-entry list has a few
    thousand distinct prices, so this saves most of a hundred megabytes.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __call__(self, index: PriceIndex) -> dict[str, Tariffs]:
        digits = self.digits
        # (id(rate), id(fee)) → (rate, fee, band); the objects are kept, so ids stay theirs
        bands: dict[tuple[int, int], tuple[Decimal, Decimal, Band | None]] = {}
        get = bands.get
        table: dict[str, Tariffs] = {}
        for entry in index.entries:
            fee = entry.connect_fee
            retail = entry.retail
            peak = off = None
            if retail is not None:
                found = get((id(retail), id(fee)))
                if found is None:
                    found = bands[id(retail), id(fee)] = (retail, fee, _band(retail, fee, digits))
                peak = found[2]
                offpeak = entry.retail_offpeak
                if offpeak is not None:
                    found = get((id(offpeak), id(fee)))
                    if found is None:
                        found = bands[id(offpeak), id(fee)] = (
                            offpeak,
                            fee,
                            _band(offpeak, fee, digits),
                        )
                    off = found[2]
            table[entry.code] = Tariffs(
                entry,
                entry.code,
                entry.country,
                2 * int(entry.wholesale_usd.scaleb(6)),
                entry.grace,
                entry.initial,
                entry.increment,
                peak,
                off,
            )
        return table


class Rater:
    """Rates calls against one price-list version with the shop's settings.

    ``answered_at`` may be aware (any zone; converted to ``tz``) or naive local
    time. The band is chosen once, by the local answer time. ``digits`` is the
    number of minor-unit digits of the local currency.
    """

    def __init__(
        self,
        index: PriceIndex,
        plan: NumberPlan,
        offpeak_schedule: OffPeakSchedule | None,
        tz: tzinfo,
        digits: int = 2,
    ) -> None:
        self.index = index
        self.plan = plan
        self.offpeak_schedule = offpeak_schedule
        self.tz = tz
        self.digits = digits
        self._table: dict[str, Tariffs] = index.derived(
            ("rater-table", digits), _TableBuilder(digits)
        )
        table = self._table
        self._prefixes: PrefixTable = index.derived(
            ("rater-prefixes", digits), lambda _index: PrefixTable(table)
        )
        self._clock = WeekClock(tz, offpeak_schedule.flags if offpeak_schedule else None)
        self._rates = Rates(plan.rules, plan.separators, self._prefixes, self._clock)

    # -- time bands -------------------------------------------------------------------

    def is_offpeak(self, answered_at: datetime) -> bool:
        """Whether ``answered_at`` falls in an off-peak window (local time)."""
        return self._clock.is_offpeak(answered_at)

    # -- lookup -----------------------------------------------------------------------

    def resolve(self, number: str) -> Resolved:
        """Normalise ``number`` and find its entry (at dial time, for the live meter)."""
        normalized = self.plan.normalize(number)
        if normalized is None:
            return Resolved(None, None)
        found = self._prefixes.match(normalized)
        return Resolved(normalized, None if found is None else found.entry)

    def quote(self, number: str) -> Quote | None:
        """Destination and per-minute rates for a number, or ``None`` if it has no entry."""
        entry = self.resolve(number).entry
        if entry is None:
            return None
        offpeak = entry.retail_offpeak if entry.retail is not None else None
        return Quote(entry.country, entry.retail, offpeak)

    # -- pricing ----------------------------------------------------------------------

    def _tariffs(self, entry: PriceEntry) -> Tariffs:
        found = self._table.get(entry.code)
        if found is not None and found.entry is entry:
            return found
        return _compile(entry, self.digits)  # an entry from elsewhere: same rules

    def price_for(
        self, entry: PriceEntry, answered_at: datetime, duration_s: Decimal | int
    ) -> Charge | None:
        """The charge for ``duration_s`` of a call to ``entry`` answered at ``answered_at``.

        ``None`` when the entry has no retail price (the call will be unrated).
        This is the computation :meth:`rate` makes, for the live meter.
        """
        tariffs = self._tariffs(entry)
        band, offpeak = tariffs.peak, False
        if band is None:
            return None
        if tariffs.off is not None and self._clock.is_offpeak(answered_at):
            band, offpeak = tariffs.off, True
        billable = tariffs.billable(round_duration(duration_s))
        return Charge(billable, band.price_minor(billable), offpeak, band.rate)

    def max_seconds_within(
        self, entry: PriceEntry, offpeak: bool, budget_minor: int, limit: int = 86_400
    ) -> int:
        """The longest talk time (whole seconds, ≤ ``limit``) whose price is ≤ ``budget_minor``.

        Accounts for the initial block, increments, connect fee and grace. 0 when even
        the first block is not covered or the entry has no retail price.
        """
        tariffs = self._tariffs(entry)
        band = tariffs.off if offpeak and tariffs.off is not None else tariffs.peak
        if band is None:
            return 0
        tariff_max = Tariff(band.rate, entry.connect_fee, self.digits).max_billable_within(
            budget_minor
        )
        if tariff_max is None:
            return limit
        initial, increment = tariffs.initial, tariffs.increment
        if tariff_max < initial:
            return 0
        billable = initial + (tariff_max - initial) // increment * increment
        # Talk up to ``billable`` costs exactly that block; calls under grace are free.
        return min(limit, max(billable, tariffs.grace - 1))

    def rate(self, number: str, answered_at: datetime, duration: Decimal | int) -> Rating:
        """Rate one answered call (duration in seconds, rounded half-up to whole seconds)."""
        return self._rates.rate(number, answered_at, duration)

    def rate_many(self, calls: Iterable[tuple[str, datetime, Decimal | int]]) -> list[Rating]:
        """``[self.rate(number, answered_at, duration) for … in calls]``, faster.

        For batch rating (a CDR file, a re-rating): one loop inside the rating kernel.
        """
        return self._rates.rate_all(calls)
