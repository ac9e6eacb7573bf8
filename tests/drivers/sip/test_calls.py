"""Booth calls through the SIP driver with SIPp as the booth's ATA and as the carrier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    Answered,
    DenyCalls,
    Dialing,
    HangUpNow,
    HangupReason,
    HangupSide,
    HungUp,
    LimitCall,
    RefuseCall,
    Ringing,
)
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import BOOTHS, TRUNK_PASSWORD, TRUNK_USER

pytestmark = [pytest.mark.sip, pytest.mark.slow]

NUMBER = "0049301234567"


def carrier(
    workdir: Path, port: int, *, final: int = 200, phrase: str = "OK", ring_ms: int = 300
) -> sipp.SippRun:
    scenario = sipp.render(
        "carrier.xml",
        workdir,
        trunk_user=TRUNK_USER,
        trunk_password=TRUNK_PASSWORD,
        ring_ms=ring_ms,
        final=final,
        final_phrase=phrase,
        answer_jump='<nop hide="true" next="answer" />' if final == 200 else "",
        ack_before="",
        ack_after='<recv request="ACK" />',
    )
    return sipp.start(scenario, workdir, local_port=port)


def booth_call(
    workdir: Path,
    driver: Any,
    *,
    booth: str = "Booth 1",
    talk_ms: int = 1000,
    number: str = NUMBER,
    password: str | None = None,
    local_ip: str = "127.0.0.1",
) -> sipp.SippRun:
    user, secret = BOOTHS[booth]
    scenario = sipp.render("ata_call.xml", workdir, talk_ms=talk_ms)
    return sipp.start(
        scenario,
        workdir,
        remote=driver.address,
        local_ip=local_ip,
        args=("-s", number, "-au", user, "-ap", password or secret),
    )


def finish(run: sipp.SippRun, expect_rc: int = 0) -> str:
    rc = run.wait(60)
    assert rc == expect_rc, run.describe()
    return run.logs


def test_normal_call_is_billed_from_answer_to_hang_up(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    trunk = carrier(workdir, trunk_port, ring_ms=400)
    ata = booth_call(workdir, driver, talk_ms=2000)
    assert "booth hung up" in finish(ata)
    trunk_log = finish(trunk)
    assert "auth ok" in trunk_log
    hung = engine.wait_for(HungUp)
    dialing = engine.wait_for(Dialing)
    ringing = engine.wait_for(Ringing)
    answered = engine.wait_for(Answered)
    assert dialing.number == NUMBER and dialing.booth == "Booth 1"
    assert dialing.call_ref == ringing.call_ref == answered.call_ref == hung.call_ref
    assert dialing.at <= ringing.at <= answered.at <= hung.at
    assert (hung.reason, hung.side) == (HangupReason.NORMAL, HangupSide.BOOTH)
    talk = (hung.at - answered.at).total_seconds()
    assert abs(talk - 2.0) <= 0.1, talk
    ring = (answered.at - ringing.at).total_seconds()
    assert 0.3 <= ring <= 0.6, ring
    # Nothing of the booth's identity reached the carrier.
    assert f"from {TRUNK_USER} callid" in trunk_log
    assert "booth" not in trunk_log.split("callid", 1)[1].split("\n", 1)[0]


def failed_call(
    workdir: Path,
    trunk_port: int,
    start_driver: Callable[..., Any],
    *,
    final: int,
    phrase: str,
    ring_ms: int = 200,
) -> tuple[Any, str, str]:
    driver, engine = start_driver()
    trunk = carrier(workdir, trunk_port, final=final, phrase=phrase, ring_ms=ring_ms)
    ata = booth_call(workdir, driver)
    ata_log = finish(ata)
    trunk_log = finish(trunk)
    return engine, ata_log, trunk_log


@pytest.mark.parametrize(
    ("final", "phrase", "reason"),
    [
        (486, "Busy Here", HangupReason.BUSY),
        (480, "Temporarily Unavailable", HangupReason.NO_ANSWER),
        (503, "Service Unavailable", HangupReason.CARRIER_FAILURE),
    ],
    ids=["busy", "no-answer", "carrier-503"],
)
def test_carrier_failure_is_relayed_with_its_reason(
    workdir: Path,
    trunk_port: int,
    start_driver: Callable[..., Any],
    final: int,
    phrase: str,
    reason: HangupReason,
) -> None:
    engine, ata_log, _ = failed_call(
        workdir, trunk_port, start_driver, final=final, phrase=phrase, ring_ms=300
    )
    assert f"final {final}" in ata_log
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (reason, HangupSide.FAR_END)
    assert str(final) in hung.detail
    assert engine.wait_for(Ringing).call_ref == hung.call_ref
    assert not engine.of(Answered)


def test_booth_cancels_before_answer(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    trunk = carrier(workdir, trunk_port, ring_ms=10_000)
    user, secret = BOOTHS["Booth 1"]
    scenario = sipp.render("ata_cancel.xml", workdir, ring_ms=500)
    ata = sipp.start(
        scenario, workdir, remote=driver.address, args=("-s", NUMBER, "-au", user, "-ap", secret)
    )
    assert "cancelled" in finish(ata)
    assert "cancelled" in finish(trunk)
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (HangupReason.CANCELLED, HangupSide.BOOTH)
    assert not engine.of(Answered)


def test_prepaid_limit_cuts_the_call_at_the_exact_second(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    engine.policy = lambda d: AdmitCall(d.booth, d.call_ref, limit_s=2)
    trunk = carrier(workdir, trunk_port)
    ata = booth_call(workdir, driver, talk_ms=20_000)
    assert "bye from till" in finish(ata)
    assert "bye received" in finish(trunk)
    answered = engine.wait_for(Answered)
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (HangupReason.CREDIT_EXHAUSTED, HangupSide.SYSTEM)
    talk = (hung.at - answered.at).total_seconds()
    assert abs(talk - 2.0) < 0.005, talk


def test_limit_call_during_the_call_moves_the_cut_off(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    engine.policy = lambda d: AdmitCall(d.booth, d.call_ref, limit_s=60)
    trunk = carrier(workdir, trunk_port)
    ata = booth_call(workdir, driver, talk_ms=20_000)
    answered = engine.wait_for(Answered)
    driver.send(LimitCall(answered.booth, answered.call_ref, 1, HangupReason.TIME_LIMIT))
    assert "bye from till" in finish(ata)
    finish(trunk)
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (HangupReason.TIME_LIMIT, HangupSide.SYSTEM)
    assert abs((hung.at - answered.at).total_seconds() - 1.0) < 0.005


def test_cashier_hang_up_sends_bye_on_both_legs(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    trunk = carrier(workdir, trunk_port)
    ata = booth_call(workdir, driver, talk_ms=20_000)
    answered = engine.wait_for(Answered)
    driver.send(HangUpNow("Booth 1"))
    assert "bye from till" in finish(ata)
    assert "bye received" in finish(trunk)
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (HangupReason.CASHIER, HangupSide.SYSTEM)
    assert hung.call_ref == answered.call_ref


def test_locked_booth_is_refused_403(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    driver.send(DenyCalls("Booth 1"))
    trunk = UdpListener(trunk_port)
    ata_log = finish(booth_call(workdir, driver))
    assert "final 403" in ata_log
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side, hung.call_ref) == (HangupReason.DENIED, HangupSide.SYSTEM, None)
    assert not engine.of(Dialing)
    assert driver.stats()["refused.locked"] == 1
    assert trunk.received() == []
    trunk.close()
    driver.send(AllowCalls("Booth 1"))
    carrier(workdir, trunk_port)
    assert "booth hung up" in finish(booth_call(workdir, driver, talk_ms=200))


def test_blocked_prefix_is_refused_before_the_carrier_sees_it(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    engine.policy = lambda d: RefuseCall(
        d.booth, d.call_ref, HangupReason.DENIED, "blocked prefix 0900"
    )
    trunk = UdpListener(trunk_port)
    ata_log = finish(booth_call(workdir, driver, number="09001234567"))
    assert "final 403" in ata_log
    dialing = engine.wait_for(Dialing)
    assert dialing.number == "09001234567"
    hung = engine.wait_for(HungUp)
    assert (hung.reason, hung.side) == (HangupReason.DENIED, HangupSide.SYSTEM)
    assert hung.detail == "blocked prefix 0900"
    assert driver.stats()["refused.engine_refused"] == 1
    assert trunk.received() == []
    trunk.close()


def test_second_call_of_a_busy_booth_gets_486(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    engine.policy = lambda d: None  # hold the first call at Dialing
    first = booth_call(workdir, driver, talk_ms=200)
    engine.wait_for(Dialing)
    second_log = finish(booth_call(workdir, driver))
    assert "final 486" in second_log
    assert driver.stats()["refused.busy"] == 1
    held = engine.wait_for(Dialing)
    driver.send(RefuseCall(held.booth, held.call_ref))
    assert "final 403" in finish(first)


class UdpListener:
    """Stands where the carrier would be, to prove that nothing reached it."""

    def __init__(self, port: int) -> None:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.3)

    def received(self) -> list[bytes]:
        got: list[bytes] = []
        try:
            while True:
                got.append(self.sock.recv(65535))
        except TimeoutError:
            return got

    def close(self) -> None:
        self.sock.close()


def test_stopping_the_driver_hangs_up_calls_on_both_legs(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    trunk = carrier(workdir, trunk_port)
    ata = booth_call(workdir, driver, talk_ms=20_000)
    answered = engine.wait_for(Answered)
    driver.stop()
    assert "bye from till" in finish(ata)
    assert "bye received" in finish(trunk)
    hung = engine.wait_for(HungUp)
    assert (hung.call_ref, hung.reason, hung.side) == (
        answered.call_ref,
        HangupReason.ERROR,
        HangupSide.SYSTEM,
    )
    assert "stopped" in hung.detail
