"""Rater: the full rating of a call (normalise, match, band, billable, price, cost)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from callshop_pos.rating import (
    NumberPlan,
    OffPeakSchedule,
    PriceEntry,
    PriceIndex,
    Rater,
)

SOFIA = ZoneInfo("Europe/Sofia")
WEEKDAY_NOON = datetime(2026, 3, 4, 12, 0)  # a Wednesday, local time
WEEKDAY_NIGHT = datetime(2026, 3, 4, 21, 30)


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
