"""The engine's real ports over the shop database: booths, locks, deposits, unpaid
counts, recovery, the one-engine lock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.shop_store import (
    LEGACY_STATE_FILE,
    ShopBoothStore,
    ensure_booths,
    recorded_refs,
    recover_interrupted,
    shop_tariff,
)
from callshop_pos.lines.booth import AdmissionRules, DepositCredit
from callshop_pos.lines.engine import SavedBooth
from callshop_pos.lines.engine_lock import EngineAlreadyRunning, EngineLock
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart
from callshop_pos.lines.snapshot import BillingMode
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import settle_deposit, take_deposit
from callshop_pos.services.till.shifts import open_shift

PRICES = "country,code,wholesale_usd,retail\nGermany,49,0.012,0.20\nSatellite,882,1.5,\n"


def finish(shop: Shop, ref: str, booth: str, answered: bool = True) -> None:
    recorder = DatabaseCallRecorder(shop)
    now = shop.clock.now()
    recorder.call_started(CallStart(booth, ref, "0049 30 1", now))
    tariff = shop_tariff(shop)
    dest = tariff.look_up("0049 30 1")
    if answered:
        recorder.call_answered(ref, now)
    rating = tariff.rate(dest, now if answered else None, 60 if answered else 0)
    recorder.call_ended(
        ref, now + timedelta(seconds=60), HangupReason.NORMAL, HangupSide.BOOTH, rating
    )


def test_booths_rules_and_locks_come_from_the_database(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    booth_service.add_booth(shop, admin, "B1", cost_cap_minor=500, max_duration_s=900)
    booth_service.add_booth(
        shop, admin, "P1", billing="prepaid", default_deposit_minor=1000, auto_lock=True
    )
    update_settings(shop, admin, blocked_prefixes=("3599",), allow_unrated_calls=True)
    store = ShopBoothStore(shop, tmp_path)
    b1, p1 = store.booths()
    assert (b1.name, b1.cost_cap_minor, b1.max_duration_s, b1.billing) == (
        "B1",
        500,
        900,
        BillingMode.POSTPAID,
    )
    assert (p1.billing, p1.default_deposit_minor, p1.auto_lock) == (BillingMode.PREPAID, 1000, True)
    assert store.rules() == AdmissionRules(("3599",), True)
    store.save_lock("B1", True)
    assert booth_service.get_booth(shop, "B1").locked
    assert store.saved_state()["B1"] == SavedBooth(True)


def test_deposits_come_from_the_till_and_nothing_is_kept_in_a_file(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "P1", billing="prepaid", default_deposit_minor=1000)
    store = ShopBoothStore(shop, tmp_path)
    assert store.deposits() == {}
    open_shift(shop, admin, 0)
    taken = take_deposit(shop, admin, "P1", 1000)
    finish(shop, "p1-a", "P1")  # 60 s at 0.20/min
    assert store.deposits() == {"P1": DepositCredit(taken.deposit_id, 1000, 20)}
    settle_deposit(shop, admin, "P1")
    assert ShopBoothStore(shop, tmp_path).deposits() == {}
    assert not (tmp_path / LEGACY_STATE_FILE).exists()


def test_unpaid_counts_answered_unserved_calls_of_the_open_or_next_shift(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    import_price_list(shop, admin, PRICES, "p.csv")
    for name in ("B1", "B2"):
        booth_service.add_booth(shop, admin, name)
    finish(shop, "waiting", "B1")  # no shift open: waits for the next one
    open_shift(shop, admin, 0)
    finish(shop, "a", "B1")
    finish(shop, "b", "B2")
    finish(shop, "attempt", "B2", answered=False)  # not payable
    assert ShopBoothStore(shop, tmp_path).unpaid_counts() == {"B1": 2, "B2": 1}


def test_ensure_booths_recorded_refs_and_recovery(
    shop: Shop, admin: Actor, clock: FakeClock
) -> None:
    import_price_list(shop, admin, PRICES, "p.csv")
    assert ensure_booths(shop, ["S1", "S2", "S1"], "simulator") == ["S1", "S2"]
    assert ensure_booths(shop, ["S1"], "simulator") == []
    recorder = DatabaseCallRecorder(shop)
    recorder.call_started(CallStart("S1", "open-1", "0049 30 1", clock.now()))
    recorder.call_answered("open-1", clock.now())
    recorder.heartbeat(clock.now() + timedelta(seconds=42))
    assert recorded_refs(shop, ["open-1", "never"]) == {"open-1"}
    clock.advance(60)  # restarted a minute later (an end is never put past "now")
    (call_id,) = recover_interrupted(shop, recorder)
    assert recover_interrupted(shop, recorder) == []
    with shop.db.read() as s:
        from callshop_pos.db.models.calls import Call

        call = s.get(Call, call_id)
        assert call is not None
        assert call.flag_list == ["interrupted"] and call.duration_s == 42
        assert call.price_minor == 20


def test_one_engine_per_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with EngineLock(url, tmp_path):
        with pytest.raises(EngineAlreadyRunning, match="already running"):
            EngineLock(url, tmp_path).acquire()
        other = EngineLock(f"sqlite:///{tmp_path / 'other.db'}", tmp_path).acquire()
        other.release()
    EngineLock(url, tmp_path).acquire().release()  # released with the first


@pytest.mark.postgres
def test_one_engine_per_postgres_database(pg_url: str, tmp_path: Path) -> None:
    first = EngineLock(pg_url, tmp_path / "till1").acquire()
    try:
        # Another till (its own data directory) on the same server database.
        with pytest.raises(EngineAlreadyRunning, match="another computer"):
            EngineLock(pg_url, tmp_path / "till2").acquire()
    finally:
        first.release()
    EngineLock(pg_url, tmp_path / "till2").acquire().release()


@pytest.mark.postgres
def test_postgres_lock_is_per_schema(tmp_path: Path) -> None:
    from tests.postgres import postgres_schema_url

    with postgres_schema_url() as one, postgres_schema_url() as two:
        first = EngineLock(one, tmp_path / "a").acquire()
        try:
            EngineLock(two, tmp_path / "b").acquire().release()  # another shop: fine
        finally:
            first.release()
