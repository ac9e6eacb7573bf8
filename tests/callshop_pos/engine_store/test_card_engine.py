"""Card calls through the engine over the real shop database: admission from the card's
balance, the exact debit once, the call never the till's to collect, the booth's
wrong-PIN lock, concurrent use refused, and recovery after the engine was killed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import CardAttempt, CardCall, CardMovement
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.card_port import ShopCardPort, recover_card_calls
from callshop_pos.engine_store.shop_store import ShopBoothStore, recover_interrupted, shop_tariff
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.cards import CardGrant, CardRefusal, Refused
from callshop_pos.lines.engine import LineEngine
from callshop_pos.lines.port import (
    AdmitCall,
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    OffHook,
    RefuseCall,
    Registered,
)
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import card_balance, sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.booth_dues import BoothDue, booth_dues
from callshop_pos.services.till.call_status import mark_unpaid
from callshop_pos.services.till.deposits import deposit_balance, take_deposit
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift, x_report
from tests.callshop_pos.lines.fakes import FakeDriver
from tests.callshop_pos.services.cards.cards_support import make_batch

PRICES = "country,code,wholesale_usd,retail\nGermany,49,0.012,0.20\n"  # 60/60
NUMBER = "00493012345"


class Engine:
    """A synchronous engine over the shop database with the card port."""

    def __init__(self, shop: Shop, data: Path) -> None:
        assert isinstance(shop.clock, FakeClock)
        self.shop, self.clock = shop, shop.clock
        self.driver = FakeDriver()
        self.cards = ShopCardPort(shop)
        self.recorder = DatabaseCallRecorder(shop)
        self.engine = LineEngine(
            clock=self.clock,
            driver=self.driver,
            recorder=self.recorder,
            store=ShopBoothStore(shop, data),
            tariff=lambda: shop_tariff(shop),
            cards=self.cards,
        )
        self.engine.load()
        for booth in ("B1", "B2"):
            self.engine.process(Registered(booth, self.clock.now()))
        self.driver.take()
        self._n = 0

    def dial(self, dialled: str, booth: str = "B1") -> tuple[str, AdmitCall | RefuseCall]:
        self._n += 1
        ref = f"{booth}-{self._n}"
        self.engine.process(OffHook(booth, self.clock.now()))
        self.engine.process(Dialing(booth, self.clock.now(), ref, dialled))
        (answer,) = [c for c in self.driver.take() if isinstance(c, AdmitCall | RefuseCall)]
        return ref, answer

    def answer(self, ref: str, booth: str = "B1") -> None:
        self.engine.process(Answered(booth, self.clock.now(), ref))

    def hang_up(
        self, ref: str, booth: str = "B1", reason: HangupReason = HangupReason.NORMAL
    ) -> None:
        side = HangupSide.SYSTEM if reason is HangupReason.CREDIT_EXHAUSTED else HangupSide.BOOTH
        self.engine.process(HungUp(booth, self.clock.now(), ref, reason, side))

    def advance(self, seconds: float) -> None:
        for _ in range(int(seconds * 4)):
            self.clock.advance(0.25)
            self.engine.tick()


@pytest.fixture
def pins(shop: Shop, admin: Actor, operator: Actor, tmp_path: Path) -> dict[str, str]:
    """Sold cards' PINs by face value: 1.00 and 0.10."""
    import_price_list(shop, admin, PRICES, "p.csv")
    booth_service.add_booth(shop, admin, "B1", billing="prepaid", default_deposit_minor=500)
    booth_service.add_booth(shop, admin, "B2")
    open_shift(shop, operator, 0)
    found: dict[str, str] = {}
    for name, face in (("one", 100), ("ten_cents", 10)):
        printed = make_batch(shop, admin, tmp_path / name, quantity=1, face_value_minor=face)
        serial, pin = printed.cards[0]
        sell_card(shop, operator, serial)
        found[name] = pin
        found[f"{name}_serial"] = serial
    return found


def test_a_card_pays_its_call_exactly_once_and_it_is_not_the_tills(
    shop: Shop, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    take_deposit(shop, operator, "B1", 500)  # a prepaid booth's own deposit
    e.engine.sync_deposit("B1")
    ref, admit = e.dial(f"*77{pins['one']}*{NUMBER}")
    assert admit == AdmitCall("B1", ref, 300, HangupReason.CREDIT_EXHAUSTED, dial=NUMBER)
    e.answer(ref)
    e.advance(150)
    snap = e.engine.snapshots()[0]
    assert snap.card and snap.card_left_minor == 100 - 60 and snap.credit_left_minor == 500
    e.advance(150)
    e.hang_up(ref, reason=HangupReason.CREDIT_EXHAUSTED)
    with shop.db.read() as s:
        call = s.scalars(select(Call).where(Call.call_ref == ref)).one()
        assert (call.number, call.duration_s, call.price_minor) == (NUMBER, 300, 100)
        assert s.scalars(select(CardCall.call_ref)).all() == [ref]
        debits = s.scalars(select(CardMovement).where(CardMovement.kind == "debit")).all()
        assert [(m.call_ref, m.amount_minor, m.balance_after_minor) for m in debits] == [
            (ref, 100, 0)
        ]
    view = card_balance(shop, operator, pins["one_serial"])
    assert view.balance_minor == 0 and view.in_use_booth is None
    # Not among the till's calls to collect, not against the booth's deposit.
    assert ShopBoothStore(shop, tmp_path).unpaid_counts() == {}
    balance = deposit_balance(shop, "B1")
    assert balance is not None and balance.balance_minor == 500
    assert e.engine.snapshots()[0].unpaid_calls == 0
    assert verify(shop).ok


def test_ten_cents_is_refused_and_the_card_is_free_again(
    shop: Shop, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    _ref, refusal = e.dial(f"*77{pins['ten_cents']}*{NUMBER}", booth="B2")
    assert isinstance(refusal, RefuseCall)
    assert refusal.detail == "card balance does not cover the first block"
    view = card_balance(shop, operator, pins["ten_cents_serial"])
    assert (view.balance_minor, view.in_use_booth) == (10, None)
    with shop.db.read() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(CardMovement).where(CardMovement.kind == "debit")
            )
            == 0
        )
        assert s.scalars(select(CardCall)).all() == []


def test_five_wrong_pins_lock_the_booth_in_the_database_and_no_pin_is_stored(
    shop: Shop, admin: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    wrong = "000011112222"
    for _n in range(5):
        _ref, refusal = e.dial(f"*77{wrong}*{NUMBER}", booth="B2")
        assert isinstance(refusal, RefuseCall) and refusal.detail == "card refused: wrong PIN"
        e.clock.advance(60)
    assert booth_service.get_booth(shop, "B2").locked
    snap = next(s for s in e.engine.snapshots() if s.booth == "B2")
    assert snap.locked and snap.lock_reason == "5 wrong card PINs within 10 minutes"
    _ref, refusal = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    assert isinstance(refusal, RefuseCall) and refusal.detail == "booth locked"
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CardAttempt)) == 5
    e.engine.unlock("B2")  # the cashier's Unlock
    assert not booth_service.get_booth(shop, "B2").locked
    _ref, admit = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    assert isinstance(admit, AdmitCall)
    # No PIN is kept in the database, in any form but its keyed hash.
    shop.close()
    path = Path(shop.db.url.database or "")
    raw = b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*"))
    for pin in (wrong, pins["one"]):
        assert pin.encode() not in raw


def test_two_booths_racing_for_one_card_get_it_once(shop: Shop, pins: dict[str, str]) -> None:
    port = ShopCardPort(shop)
    start = threading.Barrier(2)
    outcomes: dict[str, CardGrant | CardRefusal] = {}

    def claim(booth: str) -> None:
        start.wait()
        outcomes[booth] = port.authorize(pins["one"], booth, f"{booth}-x", shop.clock.now())

    threads = [threading.Thread(target=claim, args=(b,)) for b in ("B1", "B2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    granted = [b for b, o in outcomes.items() if isinstance(o, CardGrant)]
    refused = [o for o in outcomes.values() if isinstance(o, CardRefusal)]
    assert len(granted) == 1 and [r.reason for r in refused] == [Refused.IN_USE]


def test_an_engine_killed_mid_call_debits_the_interrupted_call_once(
    shop: Shop, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    ref, admit = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    assert isinstance(admit, AdmitCall)
    e.answer(ref, booth="B2")
    e.advance(100)  # heartbeats every second; then the process is killed
    e.clock.advance(30)  # restarted 30 s later
    cards = ShopCardPort(shop)
    first = recover_card_calls(shop, cards)
    assert first.finished == (ref,) and first.debited == (ref,) and first.released == 0
    again = recover_card_calls(shop, cards)
    assert (again.finished, again.debited, again.released) == ((), (), 0)
    assert recover_interrupted(shop, DatabaseCallRecorder(shop)) == []  # already finished
    with shop.db.read() as s:
        call = s.scalars(select(Call).where(Call.call_ref == ref)).one()
        assert call.flag_list == ["interrupted"] and call.end_reason == "interrupted"
        assert 100 <= call.duration_s <= 101 and call.price_minor == 40  # two started minutes
        debits = s.scalars(select(CardMovement).where(CardMovement.kind == "debit")).all()
        assert [(m.call_ref, m.amount_minor) for m in debits] == [(ref, 40)]
    view = card_balance(shop, operator, pins["one_serial"])
    assert (view.balance_minor, view.in_use_booth) == (60, None)
    assert verify(shop).ok


def test_a_call_ended_but_not_yet_debited_is_debited_at_the_next_start(
    shop: Shop, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    ref, _admit = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    e.answer(ref, booth="B2")
    e.advance(61)
    e.cards.settle = lambda settle: (_ for _ in ()).throw(SystemExit("killed"))  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        e.hang_up(ref, booth="B2")
    view = card_balance(shop, operator, pins["one_serial"])
    assert view.balance_minor == 100 and view.in_use_booth == "B2"  # the kill's window
    done = recover_card_calls(shop, ShopCardPort(shop))
    assert done.debited == (ref,) and done.released == 0
    view = card_balance(shop, operator, pins["one_serial"])
    assert (view.balance_minor, view.in_use_booth) == (60, None)


def test_the_cashier_never_sees_a_card_call_to_serve_and_the_cards_count_it(
    shop: Shop, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    e = Engine(shop, tmp_path)
    card_ref, _ = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    e.answer(card_ref, booth="B2")
    e.advance(61)
    e.hang_up(card_ref, booth="B2")  # 0.40 from the card
    till_ref, _ = e.dial(NUMBER, booth="B2")
    e.answer(till_ref, booth="B2")
    e.advance(30)
    e.hang_up(till_ref, booth="B2")  # 0.20 for the till
    with shop.db.read() as s:
        ids = {c.call_ref: c.id for c in s.scalars(select(Call))}
    report = x_report(shop, operator)
    assert [c.call_ref for c in report.unserved_calls] == [till_ref]
    assert booth_dues(shop, operator) == {"B2": BoothDue(1, 20)}  # the tile's amount
    assert report.summary.call_count == 1
    assert (report.summary.card_calls, report.summary.card_debits_minor) == (1, 40)
    with pytest.raises(InvalidInput, match="made with a calling card"):
        pay_calls(shop, operator, [ids[card_ref]], 1000)
    with pytest.raises(InvalidInput, match="made with a calling card"):
        mark_unpaid(shop, operator, [ids[card_ref]], "left without paying")
    paid = pay_calls(shop, operator, [ids[till_ref]], 1000)
    assert paid.total_minor == 20
    z = close_shift(shop, operator, 20 + 100 + 10)  # float 0, one call, two cards sold
    assert z.summary.discrepancy_minor == 0 and z.unserved_calls == ()
    assert verify(shop).ok


def test_a_batch_with_its_own_price_list_prices_its_calls_with_it(
    shop: Shop, admin: Actor, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    own = import_price_list(shop, admin, PRICES, "cards.csv")  # 0.20 €/min
    import_price_list(shop, admin, PRICES.replace("0.20", "0.40"), "shop.csv")  # now active
    printed = make_batch(
        shop,
        admin,
        tmp_path / "own",
        quantity=1,
        face_value_minor=100,
        price_list_version_id=own.id,
    )
    serial, pin = printed.cards[0]
    sell_card(shop, operator, serial)
    e = Engine(shop, tmp_path)
    ref, admit = e.dial(f"*77{pin}*{NUMBER}")
    assert isinstance(admit, AdmitCall) and admit.limit_s == 300  # 1.00 at the card's 0.20
    _other, shop_rate = e.dial(f"*77{pins['one']}*{NUMBER}", booth="B2")
    assert (
        isinstance(shop_rate, AdmitCall) and shop_rate.limit_s == 120
    )  # the shop's 0.40: two minutes
    e.answer(ref)
    e.advance(61)
    e.hang_up(ref)
    with shop.db.read() as s:
        call = s.scalars(select(Call).where(Call.call_ref == ref)).one()
        assert (call.price_minor, call.price_version_id) == (40, own.id)
