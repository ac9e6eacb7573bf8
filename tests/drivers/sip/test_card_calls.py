"""Calling with a prepaid card through the real engine process, SIPp as the booth's ATA
and as the carrier: the card's balance limits the call and is debited exactly; a card
that cannot pay the first block never reaches the carrier; one card cannot talk from
two booths; five wrong PINs lock the booth.

The 300-second call runs in real time. The SIP driver cuts calls with sippy's own
credit timer on the real monotonic clock and stamps answer and end with the kernel's
arrival times (docs/sip.md: "the clock must run at real speed"); the engine's scaled
clock (``--speed``) exists for the simulator only, so there is nothing faithful to
speed up: a cut measured at 300 s must have waited 300 s.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.db.models.booths import Booth
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import Card, CardAttempt, CardCall, CardMovement
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.drivers.engine_support import ROOT, data_dir, engine_cmd, prepare_shop
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import TRUNK_PASSWORD, TRUNK_USER
from tests.drivers.sip.test_calls import UdpListener, carrier, finish
from tests.drivers.sip.test_engine_e2e import wait_listening

pytestmark = [pytest.mark.sip, pytest.mark.slow]

NUMBER = "00493012345"  # Germany: 0.20 €/min, 60/60
BOOTHS = {f"Booth {n}": (f"booth{n}", f"secret-{n}") for n in (1, 2, 3)}


@dataclass
class CardShop:
    url: str
    listen: tuple[str, int]
    pins: dict[str, str]  # name -> PIN
    engine: subprocess.Popen[str]
    out: str = ""
    err: str = ""

    def call(
        self, workdir: Path, booth: str, dialled: str, *, talk_ms: int = 1000, timeout_s: int = 60
    ) -> sipp.SippRun:
        user, secret = BOOTHS[booth]
        scenario = sipp.render("ata_call.xml", workdir, talk_ms=talk_ms)
        return sipp.start(
            scenario,
            workdir,
            remote=self.listen,
            args=("-s", dialled, "-au", user, "-ap", secret),
            timeout_s=timeout_s,
        )

    def stop(self) -> None:
        if self.engine.poll() is None:
            self.engine.send_signal(signal.SIGINT)
        self.out, self.err = self.engine.communicate(timeout=60)

    def read(self) -> Shop:
        return Shop.open(self.url)


@pytest.fixture
def card_shop(workdir: Path, trunk_port: int) -> Iterator[CardShop]:
    """Three SIP booths, sold cards of 1.00 € (two) and 0.10 €, the engine running."""
    prep = prepare_shop(
        data_dir(),
        booths={
            booth: {"driver": "sip", "sip_user": user, "sip_password": secret}
            for booth, (user, secret) in BOOTHS.items()
        },
    )
    shop, admin, operator = prep.seeded
    open_shift(shop, operator, 0)
    pins: dict[str, str] = {}
    for name, face, count in (("euro", 100, 2), ("ten_cents", 10, 1)):
        printed = make_batch(shop, admin, workdir / name, quantity=count, face_value_minor=face)
        for n, (serial, pin) in enumerate(printed.cards):
            sell_card(shop, operator, serial)
            pins[f"{name}{n}"] = pin
    shop.close()
    listen = ("127.0.0.1", sipp.free_udp_port())
    engine = subprocess.Popen(
        engine_cmd(
            "--driver",
            "sip",
            "--sip-listen",
            f"{listen[0]}:{listen[1]}",
            "--sip-trunk",
            f"sip:{TRUNK_USER}:{TRUNK_PASSWORD}@127.0.0.1:{trunk_port}",
        ),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = CardShop(prep.url, listen, pins, engine)
    try:
        wait_listening(listen)
        yield running
    finally:
        running.stop()
    assert engine.returncode == 0, running.err
    for pin in pins.values():  # never a PIN in the engine's output or log
        assert pin not in running.out and pin not in running.err


def long_carrier(workdir: Path, port: int, *, timeout_s: int) -> sipp.SippRun:
    """The carrier of tests/drivers/sip/test_calls.py, allowed a call of minutes."""
    scenario = sipp.render(
        "carrier.xml",
        workdir,
        trunk_user=TRUNK_USER,
        trunk_password=TRUNK_PASSWORD,
        ring_ms=300,
        final=200,
        final_phrase="OK",
        answer_jump='<nop hide="true" next="answer" />',
        ack_before="",
        ack_after='<recv request="ACK" />',
    )
    return sipp.start(scenario, workdir, local_port=port, timeout_s=timeout_s)


def _calls(shop: Shop) -> list[Call]:
    with shop.db.read() as s:
        found = list(s.scalars(select(Call).order_by(Call.id)))
        s.expunge_all()
    return found


@pytest.mark.long
@pytest.mark.timeout(480)
def test_one_euro_at_twenty_cents_a_minute_is_cut_at_300_s_and_debited_one_euro(
    workdir: Path, trunk_port: int, card_shop: CardShop
) -> None:
    pin = card_shop.pins["euro0"]
    trunk = long_carrier(workdir, trunk_port, timeout_s=420)
    started = time.monotonic()
    ata = card_shop.call(workdir, "Booth 1", f"*77{pin}*{NUMBER}", talk_ms=400_000, timeout_s=420)
    assert ata.wait(420) == 0, ata.describe()
    ata_log = ata.logs
    assert "bye from till" in ata_log, ata_log
    assert trunk.wait(60) == 0, trunk.describe()
    trunk_log = trunk.logs
    assert "bye received" in trunk_log
    assert 299 <= time.monotonic() - started <= 330
    # The carrier was asked for the number only: no access code, no PIN.
    (request,) = [line for line in trunk_log.splitlines() if "request INVITE" in line]
    assert f"INVITE sip:{NUMBER}@" in request and pin not in trunk_log
    time.sleep(1.0)  # the engine's writer thread
    card_shop.stop()
    shop = card_shop.read()
    try:
        (call,) = _calls(shop)
        assert call.number == NUMBER and call.booth == "Booth 1"
        assert (call.end_reason, call.end_side) == ("credit_exhausted", "system")
        assert call.answered_at is not None and call.ended_at is not None
        talk = (call.ended_at - call.answered_at).total_seconds()
        assert abs(talk - 300) <= 1.0, talk
        assert call.price_minor == 100
        with shop.db.read() as s:
            link = s.scalars(select(CardCall)).one()
            card = s.get(Card, link.card_id)
            debit = s.scalars(select(CardMovement).where(CardMovement.kind == "debit")).one()
            assert link.call_ref == call.call_ref == debit.call_ref
            assert (debit.amount_minor, debit.balance_after_minor) == (100, 0)
            assert card is not None and (card.balance_minor, card.in_use_booth) == (0, None)
    finally:
        shop.close()


def test_ten_cents_is_refused_before_the_carrier_is_called(
    workdir: Path, trunk_port: int, card_shop: CardShop
) -> None:
    trunk = UdpListener(trunk_port)  # where the carrier would be
    try:
        pin = card_shop.pins["ten_cents0"]
        ata_log = finish(card_shop.call(workdir, "Booth 2", f"*77{pin}*{NUMBER}"))
        assert "final 403" in ata_log
        assert trunk.received() == []
    finally:
        trunk.close()
    time.sleep(0.5)
    card_shop.stop()
    shop = card_shop.read()
    try:
        (call,) = _calls(shop)
        assert call.number == NUMBER and call.answered_at is None
        assert call.end_reason == "credit_exhausted"
        with shop.db.read() as s:
            assert s.scalars(select(CardMovement).where(CardMovement.kind == "debit")).all() == []
            assert all(c.in_use_booth is None for c in s.scalars(select(Card)))
    finally:
        shop.close()


def test_one_card_cannot_talk_from_two_booths_at_once(
    workdir: Path, trunk_port: int, card_shop: CardShop
) -> None:
    pin = card_shop.pins["euro1"]
    trunk = carrier(workdir, trunk_port, ring_ms=200)
    first = card_shop.call(workdir, "Booth 1", f"*77{pin}*{NUMBER}", talk_ms=6000)
    deadline = time.monotonic() + 10
    while "auth ok" not in trunk.logs and time.monotonic() < deadline:
        time.sleep(0.1)
    second_log = finish(card_shop.call(workdir, "Booth 2", f"*77{pin}*{NUMBER}"))
    assert "final 403" in second_log
    assert "booth hung up" in finish(first)
    trunk_log = finish(trunk)
    assert trunk_log.count("request INVITE") == 1
    time.sleep(0.5)
    card_shop.stop()
    shop = card_shop.read()
    try:
        calls = _calls(shop)
        assert sorted((c.booth, c.answered_at is not None) for c in calls) == [
            ("Booth 1", True),
            ("Booth 2", False),
        ]
        with shop.db.read() as s:
            attempts = [(a.booth, a.reason) for a in s.scalars(select(CardAttempt))]
            assert attempts == [("Booth 1", "ok"), ("Booth 2", "in_use")]
            (debit,) = s.scalars(select(CardMovement).where(CardMovement.kind == "debit"))
            booth1 = next(c for c in calls if c.booth == "Booth 1")
            assert debit.call_ref == booth1.call_ref and debit.amount_minor == booth1.price_minor
    finally:
        shop.close()


def test_five_wrong_pins_lock_the_booth(
    workdir: Path, trunk_port: int, card_shop: CardShop
) -> None:
    trunk = UdpListener(trunk_port)
    try:
        for n in range(5):
            log = finish(card_shop.call(workdir, "Booth 3", f"*77{n:012d}*{NUMBER}"))
            assert "final 403" in log
        # Locked now: even the right PIN is refused, by the driver, before any check.
        good = card_shop.pins["euro0"]
        assert "final 403" in finish(card_shop.call(workdir, "Booth 3", f"*77{good}*{NUMBER}"))
        assert trunk.received() == []
    finally:
        trunk.close()
    time.sleep(0.5)
    card_shop.stop()
    assert "Booth 3 locked: 5 wrong card PINs within 10 minutes" in card_shop.err
    assert "*77••••••••••00*00493012345: refused (wrong_pin)" in card_shop.err
    shop = card_shop.read()
    try:
        with shop.db.read() as s:
            booth = s.scalars(select(Booth).where(Booth.name == "Booth 3")).one()
            assert booth.locked
            reasons = [a.reason for a in s.scalars(select(CardAttempt))]
            assert reasons == ["wrong_pin"] * 5
    finally:
        shop.close()
