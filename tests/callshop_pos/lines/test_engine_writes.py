"""The engine's write queue over a real database: one record the database refuses for
good is set aside in full (an unrecorded call to resolve) and every call behind it is
recorded; start-up recovery sets aside what it cannot finish and goes on."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.shop_store import (
    ShopBoothStore,
    database_file_check,
    recover_interrupted,
    shop_tariff,
)
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import (
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    OffHook,
    RefuseCall,
    Registered,
)
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.lines.spill import SpillJournal
from callshop_pos.lines.tariff import Destination, Tariff
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from callshop_pos.services.unrecorded import list_unrecorded, resolve_unrecorded, set_aside
from tests.callshop_pos.lines.fakes import FakeDriver
from tests.callshop_pos.support import SeededShop

PRICES = "country,code,wholesale_usd,retail\nGermany,49,0.012,0.20\nPoison,999,0.01,1.00\n"
#: A retail price no call can be billed at (the price-list importer may refuse it:
#: it is written straight into the database).
HUGE = "99999999999999999999"


class Booths:
    """A synchronous engine (no threads) over ``shop`` with a fake driver."""

    def __init__(
        self,
        shop: Shop,
        clock: FakeClock,
        tmp: Path,
        tariff: Tariff | None = None,
        prefix: str = "r",
        spill: SpillJournal | None = None,
    ) -> None:
        self.shop, self.clock, self.driver, self.prefix = shop, clock, FakeDriver(), prefix
        self.engine = LineEngine(
            clock=clock,
            driver=self.driver,
            recorder=DatabaseCallRecorder(shop),
            store=ShopBoothStore(shop, tmp),
            tariff=(lambda: tariff) if tariff is not None else (lambda: shop_tariff(shop)),
            quarantine=lambda b, r, k, e, err: set_aside(shop, b, r, k, e, err),
            spill=spill,
            storage_check=database_file_check(shop),
        )
        self.engine.load()
        self.n = 0
        for name in ("B1",):
            self.engine.process(Registered(name, clock.now()))

    def dial(self, number: str, booth: str = "B1") -> str:
        self.n += 1
        ref = f"{self.prefix}{self.n}"
        self.engine.process(OffHook(booth, self.clock.now()))
        self.engine.process(Dialing(booth, self.clock.now(), ref, number))
        self.clock.advance(2)
        self.engine.process(Answered(booth, self.clock.now(), ref))
        return ref

    def hang_up(self, ref: str, talk_s: float, booth: str = "B1") -> None:
        self.clock.advance(talk_s)
        self.engine.tick()
        self.engine.process(
            HungUp(booth, self.clock.now(), ref, HangupReason.NORMAL, HangupSide.BOOTH)
        )
        self.engine.tick()

    def call(self, number: str, talk_s: float, booth: str = "B1") -> str:
        ref = self.dial(number, booth)
        self.hang_up(ref, talk_s, booth)
        return ref


def _calls(shop: Shop) -> dict[str, Call]:
    with shop.db.read() as s:
        calls = {c.call_ref: c for c in s.scalars(select(Call))}
        s.expunge_all()
    return calls


def _poison_stored_price(url: str, code: str, retail: str) -> None:
    """Write ``retail`` into the stored price-list line of ``code`` behind the
    application's back (the lines are zlib-compressed runs, checked only when stored)."""
    raw = create_engine(url)
    with raw.begin() as conn:
        for chunk_id, data in conn.execute(text("SELECT id, data FROM price_list_chunks")):
            lines = zlib.decompress(data).decode().split("\n")
            for i, line in enumerate(lines):
                fields = line.split("\t")
                if fields[0] == code:
                    fields[3] = retail  # code, country, wholesale, retail, ...
                    lines[i] = "\t".join(fields)
            conn.execute(
                text("UPDATE price_list_chunks SET data = :d WHERE id = :i"),
                {"d": zlib.compress("\n".join(lines).encode()), "i": chunk_id},
            )
    raw.dispose()


def _poisoned_shop(seeded: SeededShop, url: str, clock: FakeClock) -> Shop:
    import_price_list(seeded.shop, seeded.admin, PRICES, "p.csv")
    _poison_stored_price(url, "999", HUGE)
    booth_service.add_booth(seeded.shop, seeded.admin, "B1")
    open_shift(seeded.shop, seeded.operator, 0)
    return Shop.open(url, clock=clock)  # reads the price list as it is now


def test_a_call_the_database_cannot_store_is_set_aside_and_the_queue_goes_on(
    seeded: SeededShop, db_url: str, clock: FakeClock, operator: Actor, tmp_path: Path
) -> None:
    shop = _poisoned_shop(seeded, db_url, clock)
    try:
        booths = Booths(shop, clock, tmp_path)
        poison = booths.call("00999 123", 60)  # its price overflows a 64-bit integer
        good = [booths.call("0049 30 1", 60) for _ in range(3)]
        assert booths.engine.idle()  # nothing left waiting behind the bad record
        calls = _calls(shop)
        for ref in good:
            assert calls[ref].state == "finished" and calls[ref].price_minor == 20
        (bad,) = list_unrecorded(shop, operator)
        assert (bad.booth, bad.call_ref, bad.kind) == ("B1", poison, "ended")
        assert "OverflowError" in bad.error
        event = json.loads(bad.event)
        assert event["call_ref"] == poison and event["rating"]["duration_s"] == 60
        assert event["rating"]["price_minor"] > 2**63
        # Resolved by hand, with a word of how; listed no more.
        resolve_unrecorded(shop, operator, bad.id, "charged 1.00 by hand; price list fixed")
        assert list_unrecorded(shop, operator) == []
        (done,) = list_unrecorded(shop, operator, include_resolved=True)
        assert done.resolved_by == "olga"
    finally:
        shop.close()


def test_recovery_sets_aside_a_call_it_cannot_finish_and_finishes_the_others(
    seeded: SeededShop, db_url: str, clock: FakeClock, operator: Actor
) -> None:
    shop = _poisoned_shop(seeded, db_url, clock)
    try:
        rec = DatabaseCallRecorder(shop)
        for ref, number in (("bad", "00999 1"), ("good", "0049 30 1")):
            rec.call_started(CallStart("B1", ref, number, clock.now()))
            rec.call_answered(ref, clock.now())
        clock.advance(60)
        rec.heartbeat(clock.now())
        clock.advance(5)
        (finished,) = recover_interrupted(shop, rec)
        assert _calls(shop)["good"].id == finished
        (aside,) = list_unrecorded(shop, operator)
        assert (aside.call_ref, aside.kind) == ("bad", "recovery")
        assert recover_interrupted(shop, rec) == []  # again at the next start: nothing new
        assert len(list_unrecorded(shop, operator)) == 1
    finally:
        shop.close()


class LongNormalizing:
    """A tariff whose normalised number does not fit the database's column."""

    def __init__(self, inner: Tariff) -> None:
        self.inner = inner

    def look_up(self, number: str) -> Destination:
        return replace(self.inner.look_up(number), normalized="49" + "0" * 38)

    def rate(self, d: Destination, answered_at: datetime | None, s: int) -> FinishedCallRating:
        return replace(self.inner.rate(d, answered_at, s), normalized=d.normalized)

    def max_seconds(self, d: Destination, answered_at: datetime, budget: int) -> int:
        return self.inner.max_seconds(d, answered_at, budget)

    def rate_per_minute(self, d: Destination, answered_at: datetime) -> str | None:
        return self.inner.rate_per_minute(d, answered_at)


@pytest.mark.postgres
def test_postgres_refuses_a_value_for_good_and_the_queue_goes_on(
    pg_seeded: SeededShop, pg_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    shop, admin, operator = pg_seeded
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "B1")
    open_shift(shop, operator, 0)
    # A 36-digit number is refused at dial time and recorded as a refused attempt.
    plain = Booths(shop, clock, tmp_path)
    long_ref = plain.call("0049" + "1" * 32, 10)
    refusal = [c for c in plain.driver.take() if isinstance(c, RefuseCall)]
    assert [c.call_ref for c in refusal] == [long_ref]
    assert "too long" in refusal[0].detail
    # A value the database refuses (here a normalised number longer than its column)
    # is set aside; the calls behind it are recorded.
    odd = Booths(shop, clock, tmp_path, LongNormalizing(shop_tariff(shop)), "odd")
    bad = odd.call("0049 30 1", 10)
    good = Booths(shop, clock, tmp_path, prefix="ok").call("0049 30 2", 60)
    calls = _calls(shop)
    assert calls[long_ref].state == "finished" and calls[long_ref].answered_at is None
    assert calls[good].state == "finished" and calls[good].price_minor == 20
    (aside,) = list_unrecorded(shop, operator)
    assert (aside.call_ref, aside.kind) == (bad, "ended")
    assert "DataError" in aside.error or "too long" in aside.error


def test_a_database_file_moved_away_under_the_engine_loses_nothing(
    seeded: SeededShop, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    shop, admin, operator = seeded
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "B1")
    open_shift(shop, operator, 0)
    spill = SpillJournal([tmp_path / "spill"], "unsaved.jsonl")
    booths = Booths(shop, clock, tmp_path, spill=spill)
    ref = booths.dial("0049 30 1")
    path = Path(db_url.removeprefix("sqlite:///"))
    moved = path.with_name("moved.db")
    path.rename(moved)  # SQLite would go on writing to the moved file unseen
    booths.hang_up(ref, 60)
    assert booths.engine.recording_alert().ok is False and spill.count >= 1
    refused = booths.call("0049 30 2", 5)  # new calls are refused meanwhile
    assert any(isinstance(c, RefuseCall) and c.call_ref == refused for c in booths.driver.take())
    moved.rename(path)  # put back
    clock.advance(2)
    booths.engine.tick()
    assert booths.engine.recording_alert().ok and booths.engine.idle()
    calls = _calls(shop)
    assert calls[ref].state == "finished" and calls[ref].duration_s == 60
    assert calls[refused].end_reason == "denied"
    spill.close()
