"""The engine's prepaid credit comes from the till's database: a deposit taken with the
deposits service sets the admission limit, calls recorded against it lower it, a
top-up raises a running call's limit, settling it makes the booth refuse again."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.shop_store import ShopBoothStore, shop_tariff
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import (
    AdmitCall,
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    LimitCall,
    OffHook,
    RefuseCall,
    Registered,
)
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import deposit_balance, settle_deposit, take_deposit
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.lines.fakes import FakeDriver

PRICES = "country,code,wholesale_usd,retail\nGermany,49,0.012,0.20\n"  # 60/60


class Till:
    """A synchronous engine over the real shop database, on the shop's FakeClock."""

    def __init__(self, shop: Shop, data: Path) -> None:
        assert isinstance(shop.clock, FakeClock)
        self.shop, self.clock, self.data = shop, shop.clock, data
        self.driver = FakeDriver()
        self.engine = LineEngine(
            clock=self.clock,
            driver=self.driver,
            recorder=DatabaseCallRecorder(shop),
            store=ShopBoothStore(shop, data),
            tariff=lambda: shop_tariff(shop),
        )
        self.engine.load()
        self.engine.process(Registered("P1", self.clock.now()))
        self.driver.take()
        self._n = 0

    def dial(self) -> tuple[str, AdmitCall | RefuseCall]:
        self._n += 1
        ref = f"p1-{self._n}"
        self.engine.process(OffHook("P1", self.clock.now()))
        self.engine.process(Dialing("P1", self.clock.now(), ref, "0049 30 123456"))
        (answer,) = [c for c in self.driver.take() if isinstance(c, AdmitCall | RefuseCall)]
        return ref, answer

    def talk(self, ref: str, seconds: int) -> None:
        self.engine.process(Answered("P1", self.clock.now(), ref))
        self.advance(seconds)
        self.engine.process(
            HungUp("P1", self.clock.now(), ref, HangupReason.NORMAL, HangupSide.BOOTH)
        )

    def advance(self, seconds: float) -> None:
        for _ in range(int(seconds * 4)):
            self.clock.advance(0.25)
            self.engine.tick()


@pytest.fixture
def till(shop: Shop, admin: Actor, operator: Actor, tmp_path: Path) -> Till:
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "P1", billing="prepaid", default_deposit_minor=100)
    open_shift(shop, operator, 0)
    return Till(shop, tmp_path)


def test_admission_limit_follows_the_database_balance(till: Till, operator: Actor) -> None:
    shop = till.shop
    _ref, refusal = till.dial()
    assert isinstance(refusal, RefuseCall) and refusal.detail == "no deposit taken"
    take_deposit(shop, operator, "P1", 100)
    till.engine.sync_deposit("P1")
    ref, admit = till.dial()
    assert isinstance(admit, AdmitCall) and admit.limit_s == 300  # 1.00 at 0.20/min
    till.talk(ref, 120)  # 0.40
    balance = deposit_balance(shop, "P1")
    assert balance is not None and balance.balance_minor == 60
    ref, admit = till.dial()
    assert isinstance(admit, AdmitCall) and admit.limit_s == 180
    # A top-up at the till raises the running call's limit.
    till.engine.process(Answered("P1", till.clock.now(), ref))
    take_deposit(shop, operator, "P1", 40)
    till.engine.sync_deposit("P1")
    assert till.driver.take() == [LimitCall("P1", ref, 300, HangupReason.CREDIT_EXHAUSTED)]
    till.advance(60)
    till.engine.process(HungUp("P1", till.clock.now(), ref, HangupReason.NORMAL, HangupSide.BOOTH))
    assert till.engine.snapshots()[0].credit_left_minor == 140 - 40 - 20
    # A new engine (restart) reads the same credit from the database.
    again = Till(shop, till.data)
    assert again.engine.snapshots()[0].credit_left_minor == 80
    settled = settle_deposit(shop, operator, "P1")
    assert (settled.used_minor, settled.returned_cash_minor) == (60, 80)
    till.engine.sync_deposit("P1")
    _ref, refusal = till.dial()
    assert isinstance(refusal, RefuseCall) and refusal.detail == "no deposit taken"
    z = close_shift(shop, operator, 60)
    assert z.summary.expected_minor == 140 - 80 and z.summary.discrepancy_minor == 0
