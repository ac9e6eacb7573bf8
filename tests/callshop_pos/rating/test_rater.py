"""Rater: the full rating of a call (normalise, match, band, billable, price, cost)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callshop_pos.rating import (
    NumberPlan,
    OffPeakSchedule,
    PriceEntry,
    PriceIndex,
    Rater,
    billable_seconds,
    retail_price_minor,
    round_duration,
    wholesale_micro,
)

SOFIA = ZoneInfo("Europe/Sofia")
WEEKDAY_NOON = datetime(2026, 3, 4, 12, 0)  # a Wednesday, local time
WEEKDAY_NIGHT = datetime(2026, 3, 4, 21, 30)


# The shared 2-core machine can be slow: no per-example deadline (a slow example is
# not a wrong one); generation speed is not what these tests check.
_RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _entries() -> list[PriceEntry]:
    return [
        PriceEntry("Bulgaria", "359", Decimal("0.010000"), Decimal("0.10")),
        PriceEntry(
            "Bulgaria mobile", "35988", Decimal("0.030000"), Decimal("0.20"), Decimal("0.12")
        ),
        PriceEntry("Bulgaria premium", "359900", Decimal("0.5"), None),
        PriceEntry("UK", "44", Decimal("0.012"), Decimal("0.15"), initial=90, increment=60),
        PriceEntry(
            "Turkey", "90", Decimal("0.05"), Decimal("0.30"), connect_fee=Decimal("0.05"), grace=5
        ),
    ]


@pytest.fixture
def rater() -> Rater:
    return Rater(
        PriceIndex(_entries(), version_id=1),
        NumberPlan(),
        OffPeakSchedule.parse("Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00"),
        SOFIA,
    )


def test_rated_call_has_every_field(rater: Rater) -> None:
    rating = rater.rate("0888 123 456", WEEKDAY_NOON, 61)
    assert rating.status == "rated"
    assert rating.normalized == "359888123456"
    assert rating.prefix == "35988"
    assert rating.country == "Bulgaria mobile"
    assert rating.duration_s == 61
    assert rating.billable_seconds == 120
    assert rating.price_minor == 40
    assert rating.wholesale_micro == 30_500  # 0.03 × 61 / 60 = 0.0305 USD
    assert rating.offpeak is False
    assert rating.rate_per_minute == Decimal("0.20")


def test_ninety_sixty_bills_150_seconds_for_100(rater: Rater) -> None:
    rating = rater.rate("+44 20 7946 0000", WEEKDAY_NOON, 100)
    assert rating.billable_seconds == 150
    assert rating.price_minor == 38  # 150/60 × 0.15 = 0.375 → 0.38 half-up


def test_offpeak_rate_by_local_answer_time(rater: Rater) -> None:
    rating = rater.rate("0888123456", WEEKDAY_NIGHT, 60)
    assert rating.offpeak is True
    assert rating.price_minor == 12
    # 19:30 UTC on 4 March is 21:30 in Sofia: off-peak, even though 19:30 is not.
    aware = datetime(2026, 3, 4, 19, 30, tzinfo=UTC)
    assert rater.rate("0888123456", aware, 60).offpeak is True


def test_no_fallback_to_shorter_prefix_without_retail(rater: Rater) -> None:
    rating = rater.rate("0900 12345", WEEKDAY_NOON, 60)
    assert rating.status == "unrated"
    assert rating.prefix == "359900"
    assert rating.price_minor is None
    assert rating.wholesale_micro == 500_000


def test_service_codes_and_unknown_destinations_are_unrated(rater: Rater) -> None:
    assert rater.rate("*123#", WEEKDAY_NOON, 30).status == "unrated"
    unknown = rater.rate("00 999 1234", WEEKDAY_NOON, 30)
    assert unknown.status == "unrated"
    assert unknown.prefix is None and unknown.wholesale_micro is None


def test_grace_and_connect_fee(rater: Rater) -> None:
    assert rater.rate("0090 212 555", WEEKDAY_NOON, 4).price_minor == 0
    rating = rater.rate("0090 212 555", WEEKDAY_NOON, 5)
    assert rating.billable_seconds == 60
    assert rating.price_minor == 35


def test_live_meter_price_is_the_final_price(rater: Rater) -> None:
    resolved = rater.resolve("0888 123 456")
    assert resolved.entry is not None
    for seconds in (0, 1, 59, 60, 61, 3601):
        charge = rater.price_for(resolved.entry, WEEKDAY_NIGHT, seconds)
        final = rater.rate("0888 123 456", WEEKDAY_NIGHT, seconds)
        assert charge is not None
        assert (charge.billable_seconds, charge.price_minor) == (
            final.billable_seconds,
            final.price_minor,
        )


def test_fractional_durations_round_half_up(rater: Rater) -> None:
    assert rater.rate("0888123456", WEEKDAY_NOON, Decimal("60.5")).billable_seconds == 120
    assert rater.rate("0888123456", WEEKDAY_NOON, Decimal("60.49")).billable_seconds == 60
    assert rater.rate("0888123456", WEEKDAY_NOON, Decimal("0.4")).price_minor == 0


def test_zero_seconds_costs_nothing_but_is_rated(rater: Rater) -> None:
    rating = rater.rate("0090 212 555", WEEKDAY_NOON, 0)
    assert rating.status == "rated"
    assert (rating.billable_seconds, rating.price_minor, rating.wholesale_micro) == (0, 0, 0)


def test_peak_rate_when_the_row_has_no_offpeak_price(rater: Rater) -> None:
    rating = rater.rate("02 987 6543", WEEKDAY_NIGHT, 60)
    assert rating.offpeak is False
    assert rating.price_minor == 10


def test_band_is_chosen_once_by_answer_time(rater: Rater) -> None:
    # Answered at 19:59 (peak) and talking well into the off-peak evening: peak price.
    rating = rater.rate("0888123456", datetime(2026, 3, 4, 19, 59), 3600)
    assert rating.offpeak is False
    assert rating.price_minor == 1200


def test_aware_times_across_the_spring_clock_change() -> None:
    rater = Rater(
        PriceIndex(_entries()),
        NumberPlan(),
        OffPeakSchedule.parse("Sun 03:00-05:00"),
        SOFIA,
    )
    # 29 March 2026: Sofia goes from 03:00 EET to 04:00 EEST at 01:00 UTC.
    assert not rater.rate("0888123456", datetime(2026, 3, 29, 0, 59, tzinfo=UTC), 60).offpeak
    assert not rater.is_offpeak(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))  # 02:59 EET
    assert rater.is_offpeak(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 04:00 EEST
    assert rater.is_offpeak(datetime(2026, 3, 29, 1, 59, tzinfo=UTC))  # 04:59 EEST
    assert not rater.is_offpeak(datetime(2026, 3, 29, 2, 0, tzinfo=UTC))  # 05:00 EEST
    # A time given in another zone is converted, not read as local wall time.
    other = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 01:30 UTC
    assert rater.is_offpeak(other)


def test_without_a_schedule_everything_is_peak() -> None:
    rater = Rater(PriceIndex(_entries()), NumberPlan(), None, SOFIA)
    rating = rater.rate("0888123456", WEEKDAY_NIGHT, 60)
    assert rating.offpeak is False and rating.price_minor == 20
    assert not rater.is_offpeak(WEEKDAY_NIGHT)


def test_resolve_and_quote(rater: Rater) -> None:
    resolved = rater.resolve("+359 88 812 3456")
    assert resolved.normalized == "359888123456"
    assert resolved.entry is not None and resolved.entry.code == "35988"
    assert rater.resolve("*#06#") == (None, None)
    assert rater.quote("0888 123 456") == ("Bulgaria mobile", Decimal("0.20"), Decimal("0.12"))
    assert rater.quote("0900 123") == ("Bulgaria premium", None, None)
    assert rater.quote("00999") is None


def test_price_for_an_entry_without_retail_is_none(rater: Rater) -> None:
    entry = rater.resolve("0900 123").entry
    assert entry is not None
    assert rater.price_for(entry, WEEKDAY_NOON, 60) is None


def test_price_for_an_entry_from_another_version(rater: Rater) -> None:
    newer = PriceEntry("Bulgaria mobile", "35988", Decimal("0.03"), Decimal("0.50"))
    charge = rater.price_for(newer, WEEKDAY_NOON, 60)
    assert charge is not None and charge.price_minor == 50


@pytest.mark.parametrize(
    ("number", "budget", "seconds"),
    [
        ("0888123456", 20, 60),  # 0.20/min, 60/60: one minute
        ("0888123456", 39, 60),
        ("0888123456", 40, 120),
        ("0888123456", 19, 0),  # not even the first block
        ("+44 20", 37, 90),  # 90/60 at 0.15: 90 s cost 0.23 (0.225), 150 s cost 0.38
        ("+44 20", 38, 150),
        ("+44 20", 22, 0),
        ("0090 212", 35, 60),  # connect fee 0.05 + 0.30
        ("0090 212", 34, 0),
        ("0900 1", 10_000, 0),  # no retail price: prepaid cannot call it
    ],
)
def test_max_seconds_within_budget(rater: Rater, number: str, budget: int, seconds: int) -> None:
    entry = rater.resolve(number).entry
    assert entry is not None
    assert rater.max_seconds_within(entry, False, budget) == seconds
    if seconds:
        charge = rater.price_for(entry, WEEKDAY_NOON, seconds)
        assert charge is not None and charge.price_minor <= budget
        over = rater.price_for(entry, WEEKDAY_NOON, seconds + 1)
        assert over is not None and over.price_minor > budget


def test_max_seconds_within_uses_the_offpeak_rate_and_grace() -> None:
    entries = [
        PriceEntry("M", "35988", Decimal("0.03"), Decimal("0.20"), Decimal("0.12")),
        PriceEntry("G", "44", Decimal("0.01"), Decimal("6.00"), initial=1, increment=1, grace=30),
        PriceEntry("F", "1", Decimal("0.01"), Decimal("0"), connect_fee=Decimal("0.10")),
    ]
    rater = Rater(PriceIndex(entries), NumberPlan(), None, SOFIA)
    mobile, grace, free = entries
    assert rater.max_seconds_within(mobile, True, 24) == 120
    # 6.00/min per second = 0.10/s: 0.50 buys 5 s, but anything under 30 s is free.
    assert rater.max_seconds_within(grace, False, 50) == 29
    assert rater.max_seconds_within(grace, False, 400) == 40
    assert rater.max_seconds_within(free, False, 10) == 86_400
    assert rater.max_seconds_within(free, False, 9) == 0


_numbers = st.one_of(
    st.from_regex(r"(00|\+|0)?(359|44|90|1|999)[0-9 ]{0,10}", fullmatch=True),
    st.sampled_from(["*123#", "", "0", "+", "0900 123", "0888 12-34.5 (6)"]),
)
_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)
) | st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
_durations = st.integers(0, 7200) | st.decimals(
    min_value=0, max_value=7200, places=2, allow_nan=False, allow_infinity=False
)


_INDEX = PriceIndex(_entries())
_PLAN = NumberPlan()
_SCHEDULE = OffPeakSchedule.parse("Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00")
# Immutable: one rater serves every example (its offset cache is only a cache).
_RATER = Rater(_INDEX, _PLAN, _SCHEDULE, SOFIA)


@settings(max_examples=300, **_RELAXED)
@given(_numbers, _times, _durations)
def test_rate_agrees_with_the_rules_built_from_public_parts(
    number: str, answered_at: datetime, duration: Decimal | int
) -> None:
    index, plan, schedule, rater = _INDEX, _PLAN, _SCHEDULE, _RATER
    rating = rater.rate(number, answered_at, duration)

    d = round_duration(duration)
    normalized = plan.normalize(number)
    entry = None if normalized is None else index.lookup(normalized)
    local = answered_at if answered_at.tzinfo is None else answered_at.astimezone(SOFIA)
    assert rating.duration_s == d
    assert rating.normalized == normalized
    if entry is None:
        assert rating.status == "unrated" and rating.prefix is None
        assert rating.wholesale_micro is None and rating.price_minor is None
        return
    assert rating.prefix == entry.code and rating.country == entry.country
    assert rating.wholesale_micro == wholesale_micro(entry.wholesale_usd, d)
    if entry.retail is None:
        assert rating.status == "unrated" and rating.price_minor is None
        assert rating.billable_seconds == 0
        return
    offpeak = entry.retail_offpeak is not None and schedule.is_offpeak(local)
    rate = entry.retail_offpeak if offpeak else entry.retail
    assert rate is not None
    billable = billable_seconds(d, entry.grace, entry.initial, entry.increment)
    assert rating.status == "rated"
    assert rating.offpeak is offpeak
    assert rating.rate_per_minute == rate
    assert rating.billable_seconds == billable
    assert rating.price_minor == retail_price_minor(entry.connect_fee, rate, billable)
    charge = rater.price_for(entry, answered_at, duration)
    assert charge is not None
    assert (charge.billable_seconds, charge.price_minor, charge.offpeak) == (
        billable,
        rating.price_minor,
        offpeak,
    )


@settings(max_examples=50, **_RELAXED)
@given(st.lists(st.tuples(_numbers, _times, _durations), max_size=200))
def test_totals_are_exact_and_nothing_is_a_float(
    calls: list[tuple[str, datetime, Decimal | int]],
) -> None:
    rater = _RATER
    ratings = [rater.rate(*call) for call in calls]
    for rating in ratings:
        for value in rating.asdict().values():
            assert not isinstance(value, float)
    int_total = sum(r.price_minor for r in ratings if r.price_minor is not None)
    decimal_total = Decimal(0)
    for rating in ratings:
        if rating.price_minor is None or rating.rate_per_minute is None:
            continue
        entry = rater.index.get(rating.prefix or "")
        assert entry is not None
        fee = entry.connect_fee if rating.billable_seconds else Decimal(0)
        exact = fee + Decimal(rating.billable_seconds) * rating.rate_per_minute / 60
        decimal_total += exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(int_total).scaleb(-2) == decimal_total
    micro_total = sum(r.wholesale_micro for r in ratings if r.wholesale_micro is not None)
    assert isinstance(micro_total, int)


def test_rating_is_frozen(rater: Rater) -> None:
    rating = rater.rate("0888123456", WEEKDAY_NOON, 60)
    with pytest.raises(FrozenInstanceError):
        rating.price_minor = 0  # type: ignore[misc]
    assert rating == rater.rate("0888123456", WEEKDAY_NOON, 60)
    assert rating.is_rated


def test_a_new_version_is_a_new_index_and_rater() -> None:
    old = Rater(PriceIndex(_entries(), version_id=1), NumberPlan(), None, SOFIA)
    cheaper = [
        PriceEntry("Bulgaria mobile", "35988", Decimal("0.03"), Decimal("0.10"))
        if e.code == "35988"
        else e
        for e in _entries()
    ]
    new = Rater(PriceIndex(cheaper, version_id=2), NumberPlan(), None, SOFIA)
    assert old.rate("0888123456", WEEKDAY_NOON, 60).price_minor == 20
    assert new.rate("0888123456", WEEKDAY_NOON, 60).price_minor == 10
    assert new.index.version_id == 2


def test_currency_with_other_minor_digits() -> None:
    index = PriceIndex(_entries())
    three = Rater(index, NumberPlan(), None, SOFIA, digits=3)
    two = Rater(index, NumberPlan(), None, SOFIA)
    # 100 s on 90/60 at 0.15 = 0.375 exactly: 375 thousandths, 38 cents (half-up).
    assert three.rate("+44 20", WEEKDAY_NOON, 100).price_minor == 375
    assert two.rate("+44 20", WEEKDAY_NOON, 100).price_minor == 38


def test_bad_durations_are_refused(rater: Rater) -> None:
    with pytest.raises(ValueError):
        rater.rate("0888123456", WEEKDAY_NOON, -1)
    with pytest.raises(TypeError):
        rater.rate("0888123456", WEEKDAY_NOON, 1.5)  # type: ignore[arg-type]


def test_a_loaded_price_list_shares_numbers_names_and_bands() -> None:
    """What keeps a 1,000,000-entry list small in the engine: equal rates are one
    object, entries with the same rates one Band, and no second code dict is held."""
    from callshop_pos.rating import NumberPlan, PriceIndex
    from callshop_pos.rating.pricelist import entries_from_lines, price_list_lines

    rows = "".join(f"Germany,49{i:03d},0.0{i % 7},0.10,0.05\n" for i in range(300))
    entries = list(
        entries_from_lines(
            price_list_lines("country,code,wholesale_usd,retail,retail_offpeak\n" + rows)
        )
    )
    assert entries[0].retail is entries[299].retail and entries[0].country is entries[1].country
    index = PriceIndex(entries, 1)
    rater = Rater(index, NumberPlan(), None, ZoneInfo("Europe/Sofia"))
    table = rater._table
    assert table["49000"].peak is table["49299"].peak is not None
    assert table["49000"].off is table["49123"].off is not None
    assert index._by_code_built is None  # rating never needed it
    assert rater.rate("0049123456", datetime(2026, 3, 2, 12, tzinfo=UTC), 60).prefix == "49123"
    assert index.lookup("49123456") is entries[123] and index._by_code_built is not None
