"""Calling with a prepaid card from a booth: the engine's side, on a fake clock."""

from __future__ import annotations

import logging
from dataclasses import asdict

import pytest

from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.cards import (
    CardCheck,
    CardGrant,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    DenyCalls,
    Digit,
    HangUpNow,
    HangupReason,
    HangupSide,
    RefuseCall,
)
from callshop_pos.lines.snapshot import BillingMode, BoothState
from callshop_pos.lines.spill import record_from_json, record_json
from tests.callshop_pos.lines.card_fakes import FakeCards
from tests.callshop_pos.lines.rig import Rig

PIN = "123456789012"
OTHER_PIN = "999988887777"
NUMBER = "00493012345"  # Germany, 0.20 €/min, 60/60 (peak: FakeClock starts Monday 09:00)


def card_rig(*configs: BoothConfig, balance: int = 100) -> tuple[Rig, FakeCards]:
    cards = FakeCards()
    cards.add(PIN, balance)
    rig = Rig(*(configs or (BoothConfig("B1", 1), BoothConfig("B2", 2))), cards=cards)
    rig.driver.take()
    return rig, cards


def admitted(rig: Rig) -> AdmitCall:
    (admit,) = [c for c in rig.driver.take() if isinstance(c, AdmitCall)]
    return admit


def refused(rig: Rig) -> RefuseCall:
    commands = rig.driver.take()
    assert not [c for c in commands if isinstance(c, AdmitCall)], commands
    (refuse,) = [c for c in commands if isinstance(c, RefuseCall)]
    return refuse


def test_one_euro_at_twenty_cents_a_minute_talks_300_s_and_is_debited_one_euro(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    rig, cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    admit = admitted(rig)
    # The carrier is given the number only; the call is limited to what 1.00 € buys.
    assert admit == AdmitCall("B1", ref, 300, HangupReason.CREDIT_EXHAUSTED, dial=NUMBER)
    assert cards.cards[PIN].in_use == ("B1", ref)
    assert rig.recorder.calls[ref].start.number == NUMBER
    assert [(s.call_ref, s.card_id) for s in cards.started] == [(ref, 1)]
    rig.answer(ref)
    rig.advance(120)
    snap = rig.snap()
    assert (snap.state, snap.card, snap.card_serial) == (BoothState.TALKING, True, "S000001")
    assert snap.card_left_minor == 100 - 40  # two minutes at 0.20
    assert snap.number == NUMBER
    # The driver cuts at the limit (SIP: sippy's credit timer) ...
    rig.advance(180)
    rig.hang_up(ref, reason=HangupReason.CREDIT_EXHAUSTED, side=HangupSide.SYSTEM)
    call = rig.recorder.calls[ref]
    assert call.rating is not None and call.rating.duration_s == 300
    assert call.rating.price_minor == 100
    # ... and the card pays the exact price, once, and is free again.
    assert [s.amount_minor for s in cards.settled] == [100]
    card = cards.cards[PIN]
    assert (card.balance_minor, card.in_use) == (0, None)
    # Never counted among the cashier's unserved calls.
    assert rig.snap().unpaid_calls == 0
    assert rig.snap().card is False and rig.snap().card_left_minor is None
    # The PIN is nowhere: not in records, snapshots, logs, news.
    everything = caplog.text + repr(rig.recorder.calls) + repr(rig.news)
    assert PIN not in everything and PIN[:6] not in everything
    assert "*77••••••••••12*00493012345" in caplog.text


def test_the_engine_cuts_a_card_call_itself_when_the_driver_does_not() -> None:
    rig, _cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    assert admitted(rig).limit_s == 300
    rig.answer(ref)
    rig.advance(300.75)
    assert not [c for c in rig.driver.take() if isinstance(c, HangUpNow)]
    rig.advance(0.5)
    assert rig.driver.take() == [HangUpNow("B1", HangupReason.CREDIT_EXHAUSTED)]


def test_a_balance_below_the_first_block_is_refused_before_the_carrier() -> None:
    rig, cards = card_rig(balance=10)
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    refusal = refused(rig)
    assert refusal.call_ref == ref and refusal.reason is HangupReason.CREDIT_EXHAUSTED
    assert refusal.detail == "card balance does not cover the first block"
    # The card was claimed for the check and is released at once, nothing debited.
    card = cards.cards[PIN]
    assert (card.in_use, card.balance_minor) == (None, 10)
    assert [s.amount_minor for s in cards.settled] == [0]
    assert cards.started == []  # no call was made with the card
    call = rig.recorder.calls[ref]
    assert call.start.number == NUMBER and call.rating is not None
    assert call.rating.price_minor in (None, 0)


def test_a_card_in_use_on_one_booth_is_refused_on_another() -> None:
    rig, cards = card_rig()
    first = rig.dial(f"*77{PIN}*{NUMBER}", booth="B1")
    admitted(rig)
    rig.answer(first, booth="B1")
    rig.advance(10)
    rig.dial(f"*77{PIN}*{NUMBER}", booth="B2")
    refusal = refused(rig)
    assert refusal.booth == "B2" and "in use at B1" in refusal.detail
    assert cards.cards[PIN].in_use == ("B1", first)
    assert rig.snap("B1").state is BoothState.TALKING
    rig.hang_up(first, booth="B1")
    assert cards.cards[PIN].in_use is None
    second = rig.dial(f"*77{PIN}*{NUMBER}", booth="B2")
    assert admitted(rig).call_ref == second


@pytest.mark.parametrize(
    ("card", "reason"),
    [
        ({"sold": False}, Refused.NOT_SOLD),
        ({"blocked": True}, Refused.BLOCKED),
        ({"balance_minor": 0}, Refused.EXHAUSTED),
    ],
)
def test_unsold_blocked_and_empty_cards_are_refused(
    card: dict[str, object], reason: Refused
) -> None:
    rig, cards = card_rig()
    for key, value in card.items():
        setattr(cards.cards[PIN], key, value)
    rig.dial(f"*77{PIN}*{NUMBER}")
    refused(rig)
    assert cards.attempts == [("B1", reason.value)]
    assert not rig.snap().locked


def test_five_wrong_pins_within_ten_minutes_lock_the_booth_until_the_cashier_unlocks() -> None:
    rig, cards = card_rig()
    for _ in range(4):
        rig.dial(f"*77{OTHER_PIN}*{NUMBER}")
        refused(rig)
        rig.advance(60)
    assert not rig.snap().locked
    rig.dial(f"*7712345*{NUMBER}")  # a malformed PIN is a wrong PIN too
    assert cards.attempts[-1] == ("B1", "wrong_pin")  # and the card store logs it
    commands = rig.driver.take()
    assert isinstance(commands[0], RefuseCall) and commands[-1] == DenyCalls("B1")
    snap = rig.snap()
    assert snap.locked and snap.state is BoothState.LOCKED
    assert snap.lock_reason == "5 wrong card PINs within 10 minutes"
    assert rig.store.saved_state()["B1"].locked
    # The right PIN is refused now too, without the card even being checked.
    before = len(cards.attempts)
    rig.dial(f"*77{PIN}*{NUMBER}")
    assert refused(rig).detail == "booth locked"
    assert len(cards.attempts) == before and cards.cards[PIN].in_use is None
    # The other booth is not affected.
    rig.dial(f"*77{PIN}*{NUMBER}", booth="B2")
    assert admitted(rig).booth == "B2"
    rig.engine.unlock("B1")
    assert rig.driver.take() == [AllowCalls("B1")]
    assert rig.snap().lock_reason is None and not rig.snap().locked


def test_wrong_pins_spread_over_more_than_ten_minutes_do_not_lock() -> None:
    rig, _cards = card_rig()
    for _ in range(8):
        rig.dial(f"*77{OTHER_PIN}*{NUMBER}")
        refused(rig)
        rig.advance(151)  # the fifth within any ten minutes never comes
    assert not rig.snap().locked


def test_malformed_card_dials_never_check_a_card() -> None:
    rig, cards = card_rig()
    rig.dial(f"*77{PIN}")
    assert refused(rig).detail == "card call: no number dialled after the PIN and '*'"
    assert cards.attempts == [] and cards.cards[PIN].in_use is None


def test_a_prepaid_booth_calls_with_a_card_without_touching_its_deposit() -> None:
    rig, cards = card_rig(BoothConfig("B1", 1, billing=BillingMode.PREPAID))
    ref = rig.dial(f"*77{PIN}*{NUMBER}")  # no deposit taken: the card pays
    assert admitted(rig).limit_s == 300
    rig.deposit(500)
    assert not [c for c in rig.driver.take() if not isinstance(c, AllowCalls)]
    rig.answer(ref)
    rig.advance(61)
    assert rig.snap().credit_left_minor == 500
    rig.hang_up(ref)
    assert rig.snap().credit_left_minor == 500
    assert cards.cards[PIN].balance_minor == 100 - 40


def test_an_unanswered_card_call_debits_nothing_and_releases_the_card() -> None:
    rig, cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    admitted(rig)
    rig.ring(ref)
    rig.advance(5)
    rig.hang_up(ref, reason=HangupReason.CANCELLED)
    assert [(s.call_ref, s.amount_minor) for s in cards.settled] == [(ref, 0)]
    assert cards.cards[PIN].in_use is None


def test_pin_digits_being_dialled_are_hidden_on_the_booth_tile() -> None:
    rig, _cards = card_rig()
    from callshop_pos.lines.port import OffHook

    rig.engine.process(OffHook("B1", rig.clock.now()))
    for digit in f"*77{PIN[:8]}":
        rig.engine.process(Digit("B1", rig.clock.now(), digit))
    shown = rig.snap().number
    assert shown == "*77••••••" + PIN[6:8]
    assert PIN[:6] not in repr(rig.news)


def test_the_card_check_failing_refuses_the_call() -> None:
    class Broken(FakeCards):
        def authorize(self, *args: object) -> CardGrant | CardRefusal:  # type: ignore[override]
            raise OSError("database is away")

    rig = Rig(BoothConfig("B1", 1), cards=Broken())
    rig.driver.take()
    rig.dial(f"*77{PIN}*{NUMBER}")
    assert refused(rig).detail == "card refused: the card cannot be checked now"


def test_without_a_card_store_card_calls_are_refused() -> None:
    rig = Rig(BoothConfig("B1", 1))
    rig.driver.take()
    rig.dial(f"*77{PIN}*{NUMBER}")
    assert refused(rig).detail == "card refused: calling cards are not served"


def test_a_card_settle_survives_the_spill_journal_form() -> None:
    rig, cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    rig.answer(ref)
    rig.advance(30)
    rig.hang_up(ref)
    (settle,) = cards.settled
    assert record_from_json(record_json(settle)) == settle
    assert isinstance(settle, CardSettle) and settle.amount_minor == 20
    assert "pin" not in str(asdict(settle)).lower()


def test_every_check_is_stored_through_the_outbox_before_the_calls_link() -> None:
    """The card port only decides; the attempt and the claim are the engine's records,
    written in order: the check before the call's CardStart, the settle after."""
    rig, cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    admitted(rig)
    granted_at = rig.clock.now()
    rig.hang_up(ref)
    rig.advance(5)
    wrong = rig.dial(f"*77{OTHER_PIN}*{NUMBER}")
    refused(rig)
    assert [(type(r), r.call_ref) for r in cards.written] == [
        (CardCheck, ref),
        (CardStart, ref),
        (CardSettle, ref),
        (CardCheck, wrong),
    ]
    assert cards.checks[0] == CardCheck("B1", ref, granted_at, "ok", 1)
    assert (cards.checks[1].reason, cards.checks[1].card_id) == ("wrong_pin", None)
    for check in cards.checks:
        assert record_from_json(record_json(check)) == check
        assert set(record_json(check)) == {"kind", "booth", "call_ref", "at", "reason", "card_id"}


def test_a_card_dial_from_an_unknown_booth_is_logged_without_its_pin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from callshop_pos.lines.port import Dialing

    rig, _cards = card_rig()
    rig.engine.process(Dialing("B9", rig.clock.now(), "x1", f"*77{PIN}*{NUMBER}"))
    assert "unknown booth 'B9'" in caplog.text and PIN[:6] not in caplog.text


def test_a_card_is_not_granted_again_before_its_last_call_is_debited() -> None:
    rig, cards = card_rig()
    ref = rig.dial(f"*77{PIN}*{NUMBER}")
    rig.answer(ref)
    rig.advance(30)
    rig.recorder.fail_next = 3  # the database is busy: the end and the debit wait
    rig.hang_up(ref)
    assert cards.settled == [] and cards.cards[PIN].in_use == ("B1", ref)
    rig.driver.take()
    rig.dial(f"*77{PIN}*{NUMBER}")  # the same booth, the same card, at once
    assert refused(rig).detail == "card refused: the card's last call is still being saved"
    rig.advance(5)  # the retries get through: debit first, then the claim freed
    assert [s.amount_minor for s in cards.settled] == [20, 0]
    assert (cards.cards[PIN].balance_minor, cards.cards[PIN].in_use) == (80, None)
    # The attempt is stored as what the booth met: refused, the card in use.
    assert [(c.reason, c.card_id) for c in cards.checks] == [("ok", 1), ("in_use", 1)]
    again = rig.dial(f"*77{PIN}*{NUMBER}")
    assert admitted(rig) == AdmitCall("B1", again, 240, HangupReason.CREDIT_EXHAUSTED, dial=NUMBER)
