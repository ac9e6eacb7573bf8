"""Rating a call: number → destination → band → billable seconds → price and cost.

:class:`Rater` is the one place a call's money is decided. The line engine's live
meter (:meth:`Rater.resolve` at dial time, :meth:`Rater.price_for` every tick) and
the final rating (:meth:`Rater.rate`) run the same integer arithmetic, so the
running cost the customer watched is the price on the bill.

Hot-path notes (measured in ``bench/rating.py``): every entry's rates are compiled
once per price-list version into integer constants (``billing.tariff_constants``,
shared with ``billing.Tariff``), so rating a call is string slicing, dict probes and
integer arithmetic — no ``Decimal`` context, no float, one rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import NamedTuple

from callshop_pos.rating.billing import Tariff, round_duration, tariff_constants
from callshop_pos.rating.index import PriceIndex
from callshop_pos.rating.numbers import NumberPlan
from callshop_pos.rating.offpeak import MINUTES_PER_WEEK, OffPeakSchedule
from callshop_pos.rating.pricelist import PriceEntry

__all__ = ["RATED", "UNRATED", "Charge", "Quote", "Rater", "Rating", "Resolved"]

RATED = "rated"
UNRATED = "unrated"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# 1970-01-01 was a Thursday: minute 0 of the epoch is minute 3 × 1440 of its week.
_EPOCH_WEEK_MINUTE = 3 * 24 * 60
_HOUR = 3600
_OFFSET_CACHE_LIMIT = 200_000
# Probe lists are precomputed for numbers up to this many digits (E.164 has ≤ 15).
_PROBE_SIZES = 41


class _RatingFields(NamedTuple):
    status: str
    number: str
    normalized: str | None
    prefix: str | None
    country: str | None
    duration_s: int
    billable_seconds: int
    price_minor: int | None
    wholesale_micro: int | None
    offpeak: bool
    rate_per_minute: Decimal | None


class Rating(_RatingFields):
    """How one call was rated (amounts: ``price_minor`` in the local currency's
    minor units, ``wholesale_micro`` in micro-USD).

    ``status`` is ``"rated"`` or ``"unrated"``. An unrated call keeps everything that
    is known: ``prefix``/``country``/``wholesale_micro`` are set whenever a prefix
    matched (the carrier bills the call even if the shop has no retail price yet);
    ``billable_seconds`` is 0, ``price_minor`` and ``rate_per_minute`` are ``None``.
    ``offpeak`` is true when the off-peak rate was applied.

    Immutable like a frozen dataclass (assigning a field raises
    ``dataclasses.FrozenInstanceError``) and equal only to another ``Rating``. It is
    a tuple underneath because that is the cheapest object to build and keep: a
    batch of a million ratings is a third of the memory and time of dataclass
    instances with a ``__dict__`` (see ``docs/performance.md``).
    """

    __slots__ = ()

    @property
    def is_rated(self) -> bool:
        return self[0] == RATED

    @property
    def __dict__(self) -> dict[str, object]:  # type: ignore[override]
        """The fields by name, so ``vars(rating)`` works as it does on a dataclass."""
        return dict(zip(self._fields, self, strict=True))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return tuple.__hash__(self)


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


# A compiled tariff: (2A, 2B, D, 2D, rate) of billing.Tariff, flattened for speed.
_Band = tuple[int, int, int, int, Decimal]
# A compiled entry: (entry, code, country, 2 × wholesale micro-USD per minute,
# grace, initial, increment, peak band or None, off-peak band or None).
_Compiled = tuple[PriceEntry, str, str, int, int, int, int, _Band | None, _Band | None]


def _band(rate: Decimal | None, connect_fee: Decimal, digits: int) -> _Band | None:
    if rate is None:
        return None
    # The constants Tariff.price_minor uses; entries were validated when built.
    a2, b2, d, d2 = tariff_constants(rate, connect_fee, digits)
    return (a2, b2, d, d2, rate)


def _compile(entry: PriceEntry, digits: int) -> _Compiled:
    return (
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
    """Builds (once per index and currency) the code → compiled-entry table."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __call__(self, index: PriceIndex) -> dict[str, _Compiled]:
        return {entry.code: _compile(entry, self.digits) for entry in index.entries}


def _billable_and_price(
    band: _Band, grace: int, initial: int, increment: int, d: int
) -> tuple[int, int]:
    """Billable seconds and price for ``d`` whole seconds — the one pricing routine."""
    if d == 0 or d < grace:
        return 0, 0
    billable = initial if d <= initial else initial - (initial - d) // increment * increment
    a2, b2, half, d2, _rate = band
    return billable, (a2 + billable * b2 + half) // d2


# Builds a Rating from its field tuple without NamedTuple.__new__'s argument handling.
_new = tuple.__new__


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
        self._table: dict[str, _Compiled] = index.derived(
            ("rater-table", digits), _TableBuilder(digits)
        )
        self._lengths = index.lengths
        # Code lengths worth probing for a number of each length (longest first).
        self._probes = tuple(
            tuple(length for length in self._lengths if length <= size)
            for size in range(_PROBE_SIZES)
        )
        self._normalize = plan.normalize
        self._flags = offpeak_schedule.flags if offpeak_schedule else None
        # UTC hour → offset of tz in seconds, for hours with no offset change.
        self._offsets: dict[int, int] = {}

    # -- time bands -------------------------------------------------------------------

    def _offset_at(self, utc_seconds: int) -> int:
        moment = _EPOCH + timedelta(seconds=utc_seconds)
        offset = moment.astimezone(self.tz).utcoffset()
        return 0 if offset is None else offset.days * 86400 + offset.seconds

    def _local_minute_of_week(self, at: datetime) -> int:
        if at.tzinfo is None:
            return at.weekday() * 1440 + at.hour * 60 + at.minute
        delta = at - _EPOCH  # exact, whatever zone ``at`` is in
        utc_seconds = delta.days * 86400 + delta.seconds
        hour = utc_seconds // _HOUR
        offset = self._offsets.get(hour)
        if offset is None:
            first = self._offset_at(hour * _HOUR)
            if first == self._offset_at(hour * _HOUR + _HOUR - 1):
                if len(self._offsets) >= _OFFSET_CACHE_LIMIT:
                    self._offsets.clear()
                self._offsets[hour] = offset = first
            else:  # a clock change inside this hour: no shortcut
                offset = self._offset_at(utc_seconds)
        return ((utc_seconds + offset) // 60 + _EPOCH_WEEK_MINUTE) % MINUTES_PER_WEEK

    def is_offpeak(self, answered_at: datetime) -> bool:
        """Whether ``answered_at`` falls in an off-peak window (local time)."""
        flags = self._flags
        return flags is not None and bool(flags[self._local_minute_of_week(answered_at)])

    # -- lookup -----------------------------------------------------------------------

    def _match(self, normalized: str) -> _Compiled | None:
        get = self._table.get
        size = len(normalized)
        for length in self._probes[size if size < _PROBE_SIZES else -1]:
            found = get(normalized[:length])
            if found is not None:
                return found
        return None

    def resolve(self, number: str) -> Resolved:
        """Normalise ``number`` and find its entry (at dial time, for the live meter)."""
        normalized = self._normalize(number)
        if normalized is None:
            return Resolved(None, None)
        found = self._match(normalized)
        return Resolved(normalized, None if found is None else found[0])

    def quote(self, number: str) -> Quote | None:
        """Destination and per-minute rates for a number, or ``None`` if it has no entry."""
        entry = self.resolve(number).entry
        if entry is None:
            return None
        offpeak = entry.retail_offpeak if entry.retail is not None else None
        return Quote(entry.country, entry.retail, offpeak)

    # -- pricing ----------------------------------------------------------------------

    def _compiled(self, entry: PriceEntry) -> _Compiled:
        found = self._table.get(entry.code)
        if found is not None and found[0] is entry:
            return found
        return _compile(entry, self.digits)  # an entry from elsewhere: same rules

    def _band_for(self, compiled: _Compiled, answered_at: datetime) -> tuple[_Band | None, bool]:
        *_, peak, off = compiled
        if (
            off is not None
            and self._flags is not None
            and self._flags[self._local_minute_of_week(answered_at)]
        ):
            return off, True
        return peak, False

    def price_for(
        self, entry: PriceEntry, answered_at: datetime, duration_s: Decimal | int
    ) -> Charge | None:
        """The charge for ``duration_s`` of a call to ``entry`` answered at ``answered_at``.

        ``None`` when the entry has no retail price (the call will be unrated).
        This is the computation :meth:`rate` makes, for the live meter.
        """
        compiled = self._compiled(entry)
        band, offpeak = self._band_for(compiled, answered_at)
        if band is None:
            return None
        grace, initial, increment = compiled[4:7]
        billable, price = _billable_and_price(
            band, grace, initial, increment, round_duration(duration_s)
        )
        return Charge(billable, price, offpeak, band[4])

    def max_seconds_within(
        self, entry: PriceEntry, offpeak: bool, budget_minor: int, limit: int = 86_400
    ) -> int:
        """The longest talk time (whole seconds, ≤ ``limit``) whose price is ≤ ``budget_minor``.

        Accounts for the initial block, increments, connect fee and grace. 0 when even
        the first block is not covered or the entry has no retail price.
        """
        compiled = self._compiled(entry)
        _entry, _code, _country, _w2, grace, initial, increment, peak, off = compiled
        band = off if offpeak and off is not None else peak
        if band is None:
            return 0
        tariff_max = Tariff(band[4], entry.connect_fee, self.digits).max_billable_within(
            budget_minor
        )
        if tariff_max is None:
            return limit
        if tariff_max < initial:
            return 0
        billable = initial + (tariff_max - initial) // increment * increment
        # Talk up to ``billable`` costs exactly that block; calls under grace are free.
        return min(limit, max(billable, grace - 1))

    def rate(self, number: str, answered_at: datetime, duration: Decimal | int) -> Rating:
        """Rate one answered call (duration in seconds, rounded half-up to whole seconds)."""
        # This is the hot path of batch rating: lookups, band and pricing are inlined
        # copies of _match/_band_for/_billable_and_price (the tests hold them equal).
        d = duration if type(duration) is int and duration >= 0 else round_duration(duration)
        normalized = self._normalize(number)
        if normalized is None:
            return _new(Rating, (UNRATED, number, None, None, None, d, 0, None, None, False, None))
        get = self._table.get
        compiled = None
        size = len(normalized)
        for length in self._probes[size if size < _PROBE_SIZES else -1]:
            compiled = get(normalized[:length])
            if compiled is not None:
                break
        if compiled is None:
            return _new(
                Rating, (UNRATED, number, normalized, None, None, d, 0, None, None, False, None)
            )
        _entry, code, country, w2, grace, initial, increment, band, off = compiled
        if band is None:
            # Longest match has no retail price: unrated, never a shorter prefix.
            return _new(
                Rating,
                (
                    UNRATED,
                    number,
                    normalized,
                    code,
                    country,
                    d,
                    0,
                    None,
                    (w2 * d + 60) // 120,
                    False,
                    None,
                ),
            )
        offpeak = False
        if off is not None:
            flags = self._flags
            if flags is not None and flags[self._local_minute_of_week(answered_at)]:
                band = off
                offpeak = True
        if d == 0 or d < grace:
            billable = price = 0
        else:
            billable = initial
            if d > initial:
                billable -= (initial - d) // increment * increment
            price = (band[0] + billable * band[1] + band[2]) // band[3]
        return _new(
            Rating,
            (
                RATED,
                number,
                normalized,
                code,
                country,
                d,
                billable,
                price,
                (w2 * d + 60) // 120,
                offpeak,
                band[4],
            ),
        )

    def rate_many(self, calls: Iterable[tuple[str, datetime, Decimal | int]]) -> list[Rating]:
        """``[self.rate(number, answered_at, duration) for … in calls]``, faster.

        For batch rating (a CDR file, a re-rating): the same rules and results as
        :meth:`rate`, with the per-call method call and attribute look-ups hoisted
        out of the loop (≈ 12 % less CPU per call, ``docs/performance.md``).
        """
        # An inlined copy of rate(); tests hold the two equal call by call.
        normalize = self._normalize
        get = self._table.get
        probes = self._probes
        flags = self._flags
        minute_of_week = self._local_minute_of_week
        new = _new
        ratings: list[Rating] = []
        append = ratings.append
        for number, answered_at, duration in calls:
            d = duration if type(duration) is int and duration >= 0 else round_duration(duration)
            normalized = normalize(number)
            if normalized is None:
                append(
                    new(Rating, (UNRATED, number, None, None, None, d, 0, None, None, False, None))
                )
                continue
            compiled = None
            size = len(normalized)
            for length in probes[size if size < _PROBE_SIZES else -1]:
                compiled = get(normalized[:length])
                if compiled is not None:
                    break
            if compiled is None:
                append(
                    new(
                        Rating,
                        (UNRATED, number, normalized, None, None, d, 0, None, None, False, None),
                    )
                )
                continue
            _entry, code, country, w2, grace, initial, increment, band, off = compiled
            if band is None:
                append(
                    new(
                        Rating,
                        (
                            UNRATED,
                            number,
                            normalized,
                            code,
                            country,
                            d,
                            0,
                            None,
                            (w2 * d + 60) // 120,
                            False,
                            None,
                        ),
                    )
                )
                continue
            offpeak = False
            if off is not None and flags is not None and flags[minute_of_week(answered_at)]:
                band = off
                offpeak = True
            if d == 0 or d < grace:
                billable = price = 0
            else:
                billable = initial
                if d > initial:
                    billable -= (initial - d) // increment * increment
                price = (band[0] + billable * band[1] + band[2]) // band[3]
            append(
                new(
                    Rating,
                    (
                        RATED,
                        number,
                        normalized,
                        code,
                        country,
                        d,
                        billable,
                        price,
                        (w2 * d + 60) // 120,
                        offpeak,
                        band[4],
                    ),
                )
            )
        return ratings
