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
from callshop_pos.db.models.cards import Card, CardAttempt, CardCall, CardMovement
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.card_port import ShopCardPort, recover_card_calls
from callshop_pos.engine_store.shop_store import ShopBoothStore, recover_interrupted, shop_tariff
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.cards import (
    WRONG_PIN_WINDOW_S,
    CardCheck,
    CardGrant,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)
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
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.admin import block_card, show_card
from callshop_pos.services.cards.common import CardStatus, ExpiryRule
from callshop_pos.services.cards.till import card_balance, quote_top_up, sell_card, top_up_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.booth_dues import BoothDue, booth_dues
from callshop_pos.services.till.call_status import mark_unpaid
from callshop_pos.services.till.deposits import deposit_balance, take_deposit
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift, x_report
from tests.callshop_pos.lines.fakes import FakeDriver
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.callshop_pos.support import SeededShop

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


def test_wrong_pins_still_count_after_the_engine_restarts(
    shop: Shop, pins: dict[str, str], tmp_path: Path
) -> None:
    """A restart must not hand a guesser a fresh count: the wrong PINs of the window
    since the booth's last unlock are read back from the attempts log."""
    wrong = f"*77000011112222*{NUMBER}"
    e = Engine(shop, tmp_path)
    for _n in range(5):
        e.dial(wrong, booth="B2")
        e.clock.advance(30)
    e.engine.unlock("B2")  # the cashier has seen to the booth: those five no longer count
    for _n in range(2):
        e.clock.advance(30)
        e.dial(wrong, booth="B2")
    restarted = Engine(shop, tmp_path)
    assert next(s for s in restarted.engine.snapshots() if s.booth == "B2").locked is False
    for _n in range(2):
        restarted.clock.advance(30)
        _ref, refusal = restarted.dial(wrong, booth="B2")
        assert isinstance(refusal, RefuseCall) and refusal.detail == "card refused: wrong PIN"
    assert not booth_service.get_booth(shop, "B2").locked  # 4 since the unlock
    restarted.clock.advance(30)
    restarted.dial(wrong, booth="B2")
    assert booth_service.get_booth(shop, "B2").locked  # the 5th, across the restart
    snap = next(s for s in restarted.engine.snapshots() if s.booth == "B2")
    assert snap.lock_reason == "5 wrong card PINs within 10 minutes"


def test_wrong_pins_older_than_the_window_do_not_count_after_a_restart(
    shop: Shop, pins: dict[str, str], tmp_path: Path
) -> None:
    wrong = f"*77000011112222*{NUMBER}"
    e = Engine(shop, tmp_path)
    for _n in range(4):
        e.dial(wrong, booth="B2")
    e.clock.advance(WRONG_PIN_WINDOW_S + 1)
    restarted = Engine(shop, tmp_path)
    for _n in range(4):
        restarted.dial(wrong, booth="B2")
    assert not booth_service.get_booth(shop, "B2").locked
    restarted.dial(wrong, booth="B2")
    assert booth_service.get_booth(shop, "B2").locked


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


def test_the_check_only_reads_and_the_engines_record_stores_the_attempt_and_claim(
    shop: Shop, pins: dict[str, str]
) -> None:
    """No write transaction on the booth's critical path: the port decides from one
    read and its claims in memory; the CardCheck record stores it afterwards."""
    port = ShopCardPort(shop)
    now = shop.clock.now()
    grant = port.authorize(pins["one"], "B1", "B1-1", now)
    assert isinstance(grant, CardGrant)
    card_id = grant.card_id
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CardAttempt)) == 0
        card = s.get_one(Card, card_id)
        assert (card.in_use_booth, card.first_used_at, card.status) == (None, None, "sold")
    # The claim holds at once: another booth is refused before anything is written.
    other = port.authorize(pins["one"], "B2", "B2-1", now)
    assert isinstance(other, CardRefusal) and other.reason is Refused.IN_USE
    assert other.card_id == card_id
    wrong = port.authorize("000011112222", "B2", "B2-2", now)
    assert isinstance(wrong, CardRefusal) and (wrong.reason, wrong.card_id) == (
        Refused.WRONG_PIN,
        None,
    )
    port.record_check(CardCheck("B1", "B1-1", now, "ok", card_id))
    port.record_check(CardCheck("B2", "B2-1", now, "in_use", card_id))
    port.record_check(CardCheck("B2", "B2-2", now, "wrong_pin", None))
    with shop.db.read() as s:
        attempts = s.scalars(select(CardAttempt).order_by(CardAttempt.id)).all()
        assert [(a.booth, a.ok, a.reason, a.card_id) for a in attempts] == [
            ("B1", True, "ok", card_id),
            ("B2", False, "in_use", card_id),
            ("B2", False, "wrong_pin", None),
        ]
        card = s.get_one(Card, card_id)
        assert (card.in_use_booth, card.status) == ("B1", "in_use")
        assert card.first_used_at is not None
    assert verify(shop).ok
    # An engine started now sees the stored claim until it is let go.
    assert ShopCardPort(shop).claimed() == {card_id: "B1"}
    port.settle(CardSettle("B1", "B1-1", card_id, 0, now))
    assert port.claimed() == {} and ShopCardPort(shop).claimed() == {}
    assert isinstance(port.authorize(pins["one"], "B2", "B2-3", now), CardGrant)


def test_a_claim_is_let_go_only_once_the_cards_settle_is_stored(
    shop: Shop, pins: dict[str, str]
) -> None:
    port = ShopCardPort(shop)
    now = shop.clock.now()
    grant = port.authorize(pins["one"], "B1", "B1-1", now)
    assert isinstance(grant, CardGrant)
    port.record_check(CardCheck("B1", "B1-1", now, "ok", grant.card_id))

    def away(*_args: object, **_kw: object) -> bool:
        raise OSError("database away")

    port.store.release = away  # type: ignore[method-assign]
    with pytest.raises(OSError):
        port.settle(CardSettle("B1", "B1-1", grant.card_id, 0, now))
    refused = port.authorize(pins["one"], "B2", "B2-1", now)
    assert isinstance(refused, CardRefusal) and refused.reason is Refused.IN_USE


def test_a_top_up_or_a_block_at_the_till_while_a_call_starts(
    shop: Shop, admin: Actor, operator: Actor, pins: dict[str, str]
) -> None:
    """What wins: the check reads the card as committed at that moment. A top-up or a
    block the cashier commits after it — before the engine has stored the check — is
    kept by that write (the balance and the block are not overwritten) and counts from
    the next check; the call already admitted runs on the balance it was granted and
    is debited its price."""
    update_settings(shop, admin, card_top_up=True)
    serial = pins["one_serial"]
    port = ShopCardPort(shop)
    now = shop.clock.now()
    grant = port.authorize(pins["one"], "B1", "B1-1", now)
    assert isinstance(grant, CardGrant) and grant.balance_minor == 100
    top_up_card(shop, operator, quote_top_up(shop, operator, serial, 50))
    block_card(shop, admin, serial, "lost")
    port.record_check(CardCheck("B1", "B1-1", now, "ok", grant.card_id))
    port.start_call(CardStart("B1", "B1-1", grant.card_id, now))
    view = card_balance(shop, operator, serial)
    assert (view.status, view.balance_minor, view.in_use_booth) == (
        CardStatus.BLOCKED,
        150,
        "B1",
    )
    assert view.first_used_at is not None
    port.settle(CardSettle("B1", "B1-1", grant.card_id, 40, now))  # the call it made
    view = card_balance(shop, operator, serial)
    assert (view.status, view.balance_minor, view.in_use_booth) == (
        CardStatus.BLOCKED,
        110,
        None,
    )
    again = port.authorize(pins["one"], "B1", "B1-2", now)
    assert isinstance(again, CardRefusal) and again.reason is Refused.BLOCKED
    assert verify(shop).ok


def test_a_block_committed_before_the_check_refuses_the_card(
    shop: Shop, admin: Actor, pins: dict[str, str]
) -> None:
    block_card(shop, admin, pins["one_serial"], "lost")
    port = ShopCardPort(shop)
    refused = port.authorize(pins["one"], "B1", "B1-1", shop.clock.now())
    assert isinstance(refused, CardRefusal) and refused.reason is Refused.BLOCKED
    assert port.claimed() == {}


def test_the_first_use_and_an_expiry_met_are_stored_with_the_check(
    shop: Shop, admin: Actor, operator: Actor, pins: dict[str, str], tmp_path: Path
) -> None:
    assert isinstance(shop.clock, FakeClock)
    clock, day = shop.clock, 86_400
    (serial, pin), *_ = make_batch(
        shop,
        admin,
        tmp_path / "expiring",
        quantity=1,
        expiry_rule=ExpiryRule.AFTER_FIRST_USE,
        expiry_days=30,
    ).cards
    sell_card(shop, operator, serial)
    port = ShopCardPort(shop)
    first_use = clock.now()
    grant = port.authorize(pin, "B1", "B1-1", first_use)
    assert isinstance(grant, CardGrant)
    assert show_card(shop, admin, serial).expires_at is None  # nothing written yet
    port.record_check(CardCheck("B1", "B1-1", first_use, "ok", grant.card_id))
    port.settle(CardSettle("B1", "B1-1", grant.card_id, 0, first_use))
    view = show_card(shop, admin, serial)
    assert view.status is CardStatus.IN_USE and view.expires_at is not None
    assert view.expires_at.timestamp() == first_use.timestamp() + 30 * day
    clock.advance(30 * day)
    refused = port.authorize(pin, "B1", "B1-2", clock.now())
    assert isinstance(refused, CardRefusal) and refused.reason is Refused.EXPIRED
    port.record_check(CardCheck("B1", "B1-2", clock.now(), "expired", refused.card_id))
    with shop.db.read() as s:
        assert s.get_one(Card, grant.card_id).status == "expired"  # stored, journaled
    assert verify(shop).ok


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


def test_the_engines_check_and_its_record_on_postgresql(
    pg_seeded: SeededShop, tmp_path: Path
) -> None:
    """Two booths racing through the port get the card once; the stored check keeps a
    block committed since (the card row is re-read under the write lock)."""
    shop, admin, olga = pg_seeded
    (serial, pin), *_ = make_batch(shop, admin, tmp_path / "out", quantity=1).cards
    open_shift(shop, olga, 0)
    sell_card(shop, olga, serial)
    port = ShopCardPort(shop)
    for n in range(3):
        start = threading.Barrier(2)
        outcomes: dict[str, CardGrant | CardRefusal] = {}

        def claim(
            booth: str,
            n: int = n,
            start: threading.Barrier = start,
            outcomes: dict[str, CardGrant | CardRefusal] = outcomes,
        ) -> None:
            start.wait()
            outcomes[booth] = port.authorize(pin, booth, f"{booth}-{n}", shop.clock.now())

        threads = [threading.Thread(target=claim, args=(b,)) for b in ("B1", "B2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ((booth, grant),) = [(b, o) for b, o in outcomes.items() if isinstance(o, CardGrant)]
        assert isinstance(grant, CardGrant)
        (refusal,) = [o for o in outcomes.values() if isinstance(o, CardRefusal)]
        assert refusal.reason is Refused.IN_USE
        now = shop.clock.now()
        if n == 2:  # the cashier blocks it while this call starts
            block_card(shop, admin, serial, "lost")
        port.record_check(CardCheck(booth, f"{booth}-{n}", now, "ok", grant.card_id))
        port.settle(CardSettle(booth, f"{booth}-{n}", grant.card_id, 10, now))
    view = show_card(shop, admin, serial)
    assert (view.status, view.balance_minor, view.in_use_booth) == (CardStatus.BLOCKED, 970, None)
    assert view.first_used_at is not None
