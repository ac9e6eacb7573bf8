"""The rating hot loop: normalise, longest-prefix match, band, billable seconds, price.

This module is the whole per-call work of :class:`~callshop_pos.rating.rater.Rater`
and :class:`~callshop_pos.rating.numbers.NumberPlan`, written so that it runs as
plain Python *and* compiles to a C extension with mypyc (``setup.py`` compiles it
when the package is installed and a C compiler is present; see
``docs/performance.md``). Both forms run this same source and give the same results,
call by call (``tests/callshop_pos/rating/test_kernel.py`` holds them equal).

Rules for this file, so that mypyc keeps it fast and both forms keep agreeing:
everything fully typed; the per-entry constants are native classes (:class:`Band`,
:class:`Tariffs`) so the compiled loop reads them as C struct fields; money is
``int`` (mypyc's ints are exact and overflow into Python longs); no float anywhere;
no dynamic attribute tricks; the result, :class:`Rating`, is a native class too.
Keep it free of imports from the rest of the package except the few used below.

After editing this file, re-run ``python -m pip install -e .`` (or the README's
test command, which does) so the compiled module matches it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Final, final

from callshop_pos.rating.billing import round_duration
from callshop_pos.rating.offpeak import MINUTES_PER_WEEK
from callshop_pos.rating.pricelist import PriceEntry

__all__ = [
    "KEY_DIGITS",
    "RATED",
    "RATING_FIELDS",
    "UNRATED",
    "Band",
    "PrefixTable",
    "Rates",
    "Rating",
    "Tariffs",
    "WeekClock",
    "compiled",
    "make_rating",
    "normalize",
]

# 1970-01-01 was a Thursday: minute 0 of the epoch is minute 3 × 1440 of its week.
_EPOCH_WEEK_MINUTE: Final = 3 * 24 * 60
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR: Final = 3600
_OFFSET_CACHE_LIMIT: Final = 200_000

RATED: Final = "rated"
UNRATED: Final = "unrated"


_COMPILED: Final = not __file__.endswith((".py", ".pyc"))


def compiled() -> bool:
    """Whether this module is the mypyc-compiled extension (``False``: plain Python)."""
    return _COMPILED


@final
class Rating:
    """How one call was rated (amounts: ``price_minor`` in the local currency's
    minor units, ``wholesale_micro`` in micro-USD).

    ``status`` is ``"rated"`` or ``"unrated"``. An unrated call keeps everything that
    is known: ``prefix``/``country``/``wholesale_micro`` are set whenever a prefix
    matched (the carrier bills the call even if the shop has no retail price yet);
    ``billable_seconds`` is 0, ``price_minor`` and ``rate_per_minute`` are ``None``.
    ``offpeak`` is true when the off-peak rate was applied.

    Immutable like a frozen dataclass (assigning a field raises
    ``dataclasses.FrozenInstanceError``), equal to another ``Rating`` with the same
    fields, hashable, picklable. Built by the kernel from the matched entry's
    :class:`Tariffs` and the :class:`Band` applied (``prefix``, ``country`` and
    ``rate_per_minute`` are read from them), so rating a call touches no string or
    ``Decimal`` of the price list; :func:`make_rating` builds one from plain values.
    A native class when this module is compiled (``docs/performance.md``).
    """

    __slots__ = (
        "_band",
        "_tariffs",
        "billable_seconds",
        "duration_s",
        "normalized",
        "number",
        "offpeak",
        "price_minor",
        "status",
        "wholesale_micro",
    )

    def __init__(
        self,
        status: str,
        number: str,
        normalized: str | None,
        tariffs: Tariffs | None,
        duration_s: int,
        billable_seconds: int,
        price_minor: int | None,
        wholesale_micro: int | None,
        offpeak: bool,
        band: Band | None,
    ) -> None:
        if _COMPILED:
            # Native stores: they do not go through __setattr__.
            self.status = status
            self.number = number
            self.normalized = normalized
            self._tariffs = tariffs
            self.duration_s = duration_s
            self.billable_seconds = billable_seconds
            self.price_minor = price_minor
            self.wholesale_micro = wholesale_micro
            self.offpeak = offpeak
            self._band = band
        else:
            # As plain Python, past the frozen __setattr__ (as dataclasses do).
            _set = object.__setattr__
            _set(self, "status", status)
            _set(self, "number", number)
            _set(self, "normalized", normalized)
            _set(self, "_tariffs", tariffs)
            _set(self, "duration_s", duration_s)
            _set(self, "billable_seconds", billable_seconds)
            _set(self, "price_minor", price_minor)
            _set(self, "wholesale_micro", wholesale_micro)
            _set(self, "offpeak", offpeak)
            _set(self, "_band", band)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def prefix(self) -> str | None:
        """The matched price-list code (``None``: no code matched)."""
        tariffs = self._tariffs
        return None if tariffs is None else tariffs.code

    @property
    def country(self) -> str | None:
        """The matched entry's destination name."""
        tariffs = self._tariffs
        return None if tariffs is None else tariffs.country

    @property
    def rate_per_minute(self) -> Decimal | None:
        """The retail rate applied (peak or off-peak); ``None`` when unrated."""
        band = self._band
        return None if band is None else band.rate

    @property
    def is_rated(self) -> bool:
        return self.status == RATED

    def astuple(self) -> tuple[object, ...]:
        """The fields in declaration order (as ``dataclasses.astuple`` would give)."""
        return (
            self.status,
            self.number,
            self.normalized,
            self.prefix,
            self.country,
            self.duration_s,
            self.billable_seconds,
            self.price_minor,
            self.wholesale_micro,
            self.offpeak,
            self.rate_per_minute,
        )

    def asdict(self) -> dict[str, object]:
        """The fields by name, in declaration order."""
        return dict(zip(RATING_FIELDS, self.astuple(), strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rating) and self.astuple() == other.astuple()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.astuple())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.asdict().items())
        return f"Rating({fields})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (make_rating, self.astuple())


def make_rating(
    status: str,
    number: str,
    normalized: str | None,
    prefix: str | None,
    country: str | None,
    duration_s: int,
    billable_seconds: int,
    price_minor: int | None,
    wholesale_micro: int | None,
    offpeak: bool,
    rate_per_minute: Decimal | None,
) -> Rating:
    """A :class:`Rating` from plain field values (``RATING_FIELDS`` order; unpickling).

    ``prefix`` and ``country`` are both set (a code matched) or both ``None``.
    """
    if (prefix is None) != (country is None):
        raise ValueError("a rating has a prefix and a country, or neither")
    tariffs = (
        None
        if prefix is None or country is None
        else Tariffs(None, prefix, country, 0, 0, 1, 1, None, None)
    )
    band = None if rate_per_minute is None else Band(0, 0, 0, 1, rate_per_minute)
    return Rating(
        status, number, normalized, tariffs, duration_s, billable_seconds, price_minor,
        wholesale_micro, offpeak, band,
    )  # fmt: skip


RATING_FIELDS: Final = (
    "status",
    "number",
    "normalized",
    "prefix",
    "country",
    "duration_s",
    "billable_seconds",
    "price_minor",
    "wholesale_micro",
    "offpeak",
    "rate_per_minute",
)


@final
class Band:
    """One retail rate of an entry, as the integers of ``billing.tariff_constants``.

    ``price_minor(b) = (a2 + b·b2 + half) // d2`` for ``b > 0``; ``rate`` is the
    per-minute rate it came from (reported on the rating).
    """

    __slots__ = ("a2", "b2", "d2", "half", "rate")

    def __init__(self, a2: int, b2: int, half: int, d2: int, rate: Decimal) -> None:
        self.a2 = a2
        self.b2 = b2
        self.half = half
        self.d2 = d2
        self.rate = rate

    def price_minor(self, billable: int) -> int:
        """The price of ``billable`` seconds in minor units (0 for 0 s)."""
        if billable == 0:
            return 0
        return (self.a2 + billable * self.b2 + self.half) // self.d2


@final
class Tariffs:
    """One price-list entry compiled for rating (built once per price-list version).

    ``wholesale2`` is twice the wholesale rate in micro-USD per minute, so the cost of
    ``d`` seconds rounded half-up is ``(wholesale2·d + 60) // 120``. ``peak`` is
    ``None`` when the entry has no retail price (its calls are unrated); ``off`` is
    ``None`` when it has no off-peak price.
    """

    __slots__ = (
        "code",
        "country",
        "entry",
        "grace",
        "increment",
        "initial",
        "off",
        "peak",
        "wholesale2",
    )

    def __init__(
        self,
        entry: PriceEntry | None,
        code: str,
        country: str,
        wholesale2: int,
        grace: int,
        initial: int,
        increment: int,
        peak: Band | None,
        off: Band | None,
    ) -> None:
        self.entry = entry
        self.code = code
        self.country = country
        self.wholesale2 = wholesale2
        self.grace = grace
        self.initial = initial
        self.increment = increment
        self.peak = peak
        self.off = off

    def billable(self, d: int) -> int:
        """Billable seconds for ``d`` whole seconds of talk (grace, initial, increment)."""
        if d == 0 or d < self.grace:
            return 0
        initial = self.initial
        if d <= initial:
            return initial
        increment = self.increment
        return initial - (initial - d) // increment * increment


@final
class WeekClock:
    """Local minute of the week of an answer time, and whether it is off-peak.

    ``flags`` has one byte per minute of the week (Monday 00:00 first), non-zero in
    off-peak minutes (``OffPeakSchedule.flags``). Aware times are converted to ``tz``
    exactly, clock changes included; naive times are taken as local already. The
    zone's offset is cached per UTC hour that has no clock change in it.
    """

    __slots__ = ("flags", "offsets", "tz")

    def __init__(self, tz: tzinfo, flags: bytes | None) -> None:
        self.tz = tz
        self.flags = flags
        self.offsets: dict[int, int] = {}

    def _offset_at(self, utc_seconds: int) -> int:
        moment = _EPOCH + timedelta(seconds=utc_seconds)
        offset = moment.astimezone(self.tz).utcoffset()
        return 0 if offset is None else offset.days * 86400 + offset.seconds

    def minute_of_week(self, at: datetime) -> int:
        """The local minute of the week (0 = Monday 00:00) in which ``at`` falls."""
        if at.tzinfo is None:
            return at.weekday() * 1440 + at.hour * 60 + at.minute
        delta = at - _EPOCH  # exact, whatever zone ``at`` is in
        utc_seconds = delta.days * 86400 + delta.seconds
        hour = utc_seconds // _HOUR
        offsets = self.offsets
        offset = offsets.get(hour)
        if offset is None:
            first = self._offset_at(hour * _HOUR)
            if first == self._offset_at(hour * _HOUR + _HOUR - 1):
                if len(offsets) >= _OFFSET_CACHE_LIMIT:
                    offsets.clear()
                offsets[hour] = first
                offset = first
            else:  # a clock change inside this hour: no shortcut
                offset = self._offset_at(utc_seconds)
        return ((utc_seconds + offset) // 60 + _EPOCH_WEEK_MINUTE) % MINUTES_PER_WEEK

    def is_offpeak(self, at: datetime) -> bool:
        """Whether ``at`` falls in an off-peak minute (never, without a schedule)."""
        flags = self.flags
        return flags is not None and flags[self.minute_of_week(at)] != 0


def normalize(
    raw: str, rules: tuple[tuple[str, int, str], ...], separators: dict[int, int | None]
) -> str | None:
    """``NumberPlan.normalize``: the number in international digits, or ``None``.

    ``rules`` are ``(prefix, its length, replacement)`` tried in order (international
    prefixes longest first, replaced by nothing; then the national prefix, replaced
    by the country code); ``separators`` is the ``str.translate`` table that drops
    spaces, dashes, dots and parentheses.
    """
    # Keypads send plain digits: skip the (comparatively slow) translate then.
    number = raw if raw.isdigit() else raw.translate(separators)
    for prefix, size, replacement in rules:
        if number.startswith(prefix):
            if len(number) == size:
                return None  # a bare prefix is no number ("0", "00", "+")
            number = replacement + number[size:]
            break
    # isdigit() is also true for non-ASCII digits ("٣", "²"); codes are ASCII.
    if number.isdigit() and number.isascii():
        return number
    return None


#: Digits of a number that index :class:`PrefixTable`'s slot array (10**KEY slots).
KEY_DIGITS: Final = 6
_KEY_SPAN: Final = 10**KEY_DIGITS
_MASK: Final = 0xFFFF  # bit n set: some code of n digits (n > KEY_DIGITS) lies below a key


@final
class PrefixTable:
    """Longest-prefix match over the codes of one price-list version, no fallback.

    Dict probing longest code length first is the fastest pure-Python structure, but
    every probe is a cache miss into a 50,000-key table. So the first ``KEY_DIGITS``
    digits of a number index a flat array (one 64-bit slot per 6-digit key, 8 MB),
    whose slot holds the entry of the longest code of at most 6 digits that begins the
    key (precomputed) and a bit for every longer code length that occurs below the key.
    A number probes the dict only for those longer lengths — 0.4 probes per call on
    the bench's price list instead of 3.8 (``docs/performance.md``). Numbers shorter
    than a key are probed as before. Immutable once built.
    """

    __slots__ = ("entries", "probes", "slots", "table")

    def __init__(self, table: dict[str, Tariffs]) -> None:
        self.table = table
        self.entries: list[Tariffs] = list(table.values())
        lengths = sorted({len(code) for code in table}, reverse=True)
        # For numbers shorter than a key: the code lengths to try, longest first.
        self.probes: tuple[tuple[int, ...], ...] = tuple(
            tuple(length for length in lengths if length <= size) for size in range(KEY_DIGITS)
        )
        slots = array("q", bytes(8 * _KEY_SPAN))
        # Shorter codes first, so a longer code's range overrides the ranges it lies in.
        ordered = sorted(enumerate(table), key=lambda item: len(item[1]))
        for position, code in ordered:
            if len(code) <= KEY_DIGITS:
                span = 10 ** (KEY_DIGITS - len(code))
                start = int(code) * span
                slots[start : start + span] = array("q", [(position + 1) << 16]) * span
        for code in table:
            if len(code) > KEY_DIGITS:
                slots[int(code[:KEY_DIGITS])] |= 1 << len(code)
        self.slots = slots

    def match(self, normalized: str) -> Tariffs | None:
        """The entry with the longest code that begins ``normalized`` (ASCII digits)."""
        size = len(normalized)
        table = self.table
        if size < KEY_DIGITS:
            for length in self.probes[size]:
                found = table.get(normalized[:length])
                if found is not None:
                    return found
            return None
        slot: int = self.slots[int(normalized[:KEY_DIGITS])]
        longer = slot & _MASK
        if longer:
            length = size if size < 15 else 15
            while length > KEY_DIGITS:
                if longer >> length & 1:
                    found = table.get(normalized[:length])
                    if found is not None:
                        return found
                length -= 1
        position = slot >> 16
        return self.entries[position - 1] if position else None


@final
class Rates:
    """One price-list version compiled for rating, with the shop's number plan and bands.

    ``rules``/``separators``: as :func:`normalize` takes them; ``prefixes``: the
    version's codes; ``clock``: the local week and its off-peak minutes. Immutable apart
    from the clock's offset cache.
    """

    __slots__ = ("clock", "prefixes", "rules", "separators")

    def __init__(
        self,
        rules: tuple[tuple[str, int, str], ...],
        separators: dict[int, int | None],
        prefixes: PrefixTable,
        clock: WeekClock,
    ) -> None:
        self.rules = rules
        self.separators = separators
        self.prefixes = prefixes
        self.clock = clock

    def rate(self, number: str, answered_at: datetime, duration: Decimal | int) -> Rating:
        """Rate one answered call (``Rater.rate``).

        Duration in seconds (int, or Decimal rounded half-up); the band is chosen once
        by the local answer time; price = connect fee + billable/60 × rate rounded
        once half-up (0 with nothing billable); wholesale = rate × d/60 rounded
        half-up to micro-USD for every answered call, rated or not.
        """
        d = duration if type(duration) is int and duration >= 0 else round_duration(duration)
        normalized = normalize(number, self.rules, self.separators)
        if normalized is None:
            return Rating(UNRATED, number, None, None, d, 0, None, None, False, None)
        tariffs = self.prefixes.match(normalized)
        if tariffs is None:
            return Rating(UNRATED, number, normalized, None, d, 0, None, None, False, None)
        wholesale = (tariffs.wholesale2 * d + 60) // 120
        band = tariffs.peak
        if band is None:
            # Longest match has no retail price: unrated, never a shorter prefix.
            return Rating(UNRATED, number, normalized, tariffs, d, 0, None, wholesale, False, None)
        offpeak = False
        off = tariffs.off
        if off is not None and self.clock.is_offpeak(answered_at):
            band = off
            offpeak = True
        billable = tariffs.billable(d)
        price = band.price_minor(billable)
        return Rating(
            RATED, number, normalized, tariffs, d, billable, price, wholesale, offpeak, band
        )

    def rate_all(self, calls: Iterable[tuple[str, datetime, Decimal | int]]) -> list[Rating]:
        """``[self.rate(*call) for call in calls]`` (``Rater.rate_many``)."""
        ratings: list[Rating] = []
        for number, answered_at, duration in calls:
            ratings.append(self.rate(number, answered_at, duration))
        return ratings
