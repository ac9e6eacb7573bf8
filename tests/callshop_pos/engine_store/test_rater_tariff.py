"""The engine on the real Rater: meter == final price, limits consistent with prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from callshop_pos.engine_store.rater_tariff import RaterTariff
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.port import AdmitCall
from callshop_pos.lines.snapshot import BillingMode
from callshop_pos.rating import NumberPlan, OffPeakSchedule, PriceEntry, PriceIndex, Rater
from tests.callshop_pos.lines.rig import Rig

ENTRIES = [
    PriceEntry("Germany", "49", Decimal("0.012"), Decimal("0.20"), Decimal("0.12")),
    PriceEntry("USA", "1", Decimal("0.008"), Decimal("0.15"), None, 90, 60, Decimal("0.05"), 0),
    PriceEntry("Bulgaria mobile", "35988", Decimal("0.05"), Decimal("0.30"), None, 30, 6),
    PriceEntry("Satellite", "882", Decimal("1.5"), None),
]


def make_tariff() -> RaterTariff:
    rater = Rater(
        PriceIndex(ENTRIES, version_id=7),
        NumberPlan(),
        OffPeakSchedule.parse("Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00"),
        ZoneInfo("Europe/Sofia"),
    )
    return RaterTariff(rater, 7)


def test_look_up_resolves_destinations() -> None:
    tariff = make_tariff()
    de = tariff.look_up("0049 30 123")
    assert (de.normalized, de.prefix, de.name, de.priced, de.price_version_id) == (
        "4930123",
        "49",
        "Germany",
        True,
        7,
    )
    sat = tariff.look_up("00882 123")
    assert sat.prefix == "882" and not sat.priced
    odd = tariff.look_up("*100#")
    assert odd.normalized is None and not odd.priced


@pytest.mark.parametrize("talk", [1, 29, 30, 31, 59, 60, 61, 95, 181])
def test_meter_equals_recorded_price_on_the_real_rater(talk: int) -> None:
    rig = Rig(start=datetime(2026, 3, 4, 10, 0, tzinfo=UTC))  # Wednesday, peak in Sofia
    rig.tariff = make_tariff()  # type: ignore[assignment]
    ref = rig.dial("0888 123 456")
    rig.answer(ref)
    rig.advance(talk)
    shown = rig.snap().price_minor
    rig.hang_up(ref)
    rating = rig.recorder.calls[ref].rating
    assert rating is not None and rating.price_minor == shown
    assert rating.duration_s == talk and rating.price_version_id == 7
    assert rating.wholesale_micro_usd == (50_000 * talk + 30) // 60


def test_prepaid_limit_on_the_real_rater_is_the_last_affordable_second() -> None:
    rig = Rig(
        BoothConfig("B1", 1, billing=BillingMode.PREPAID),
        start=datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
    )
    tariff = make_tariff()
    rig.tariff = tariff  # type: ignore[assignment]
    rig.deposit(100)
    rig.dial("001 212 555 0100")
    (admit,) = [c for c in rig.driver.take() if isinstance(c, AdmitCall)]
    assert admit.limit_s is not None
    dest = tariff.look_up("001 212 555 0100")
    at = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert (tariff.rate(dest, at, admit.limit_s).price_minor or 0) <= 100
    assert (tariff.rate(dest, at, admit.limit_s + 1).price_minor or 0) > 100


def test_unanswered_attempt_and_unrated_call() -> None:
    tariff = make_tariff()
    dest = tariff.look_up("0049301")
    attempt = tariff.rate(dest, None, 0)
    assert attempt.price_minor == 0 and attempt.wholesale_micro_usd is None
    sat = tariff.look_up("00882 555")
    rating = tariff.rate(sat, datetime(2026, 3, 4, 10, 0, tzinfo=UTC), 60)
    assert rating.price_minor is None and rating.wholesale_micro_usd == 1_500_000
    assert tariff.max_seconds(sat, datetime(2026, 3, 4, tzinfo=UTC), 1000) == 0
    assert tariff.rate_per_minute(dest, datetime(2026, 3, 4, 10, 0, tzinfo=UTC)) == "0.20"
    assert tariff.rate_per_minute(dest, datetime(2026, 3, 7, 10, 0, tzinfo=UTC)) == "0.12"


@pytest.mark.parametrize(
    "answer_utc",
    [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # Sofia 02:59 EET -> 04:01 EEST
        datetime(2026, 10, 25, 0, 59, tzinfo=UTC),  # Sofia 03:59 EEST -> 03:01 EET
    ],
)
def test_calls_across_a_dst_change_are_timed_in_utc(answer_utc: datetime) -> None:
    rig = Rig(start=answer_utc)
    rig.tariff = make_tariff()  # type: ignore[assignment]
    ref = rig.dial("0049 30 1234567")
    rig.answer(ref)
    rig.advance(120)
    shown = rig.snap().price_minor
    rig.hang_up(ref)
    rating = rig.recorder.calls[ref].rating
    assert rating is not None and rating.duration_s == 120
    assert rating.offpeak  # both are Sundays: off-peak all day
    assert rating.price_minor == shown == 24  # 2 min x 0.12
