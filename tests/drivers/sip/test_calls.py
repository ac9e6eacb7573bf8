"""Booth calls through the SIP driver with SIPp as the booth's ATA and as the carrier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import (
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    Ringing,
)
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import BOOTHS, TRUNK_PASSWORD, TRUNK_USER

pytestmark = [pytest.mark.sip, pytest.mark.slow]

NUMBER = "0049301234567"


def carrier(workdir: Path, port: int, *, final: int = 200, phrase: str = "OK",
            ring_ms: int = 300) -> sipp.SippRun:
    scenario = sipp.render(
        "carrier.xml", workdir, trunk_user=TRUNK_USER, trunk_password=TRUNK_PASSWORD,
        ring_ms=ring_ms, final=final, final_phrase=phrase,
        answer_jump='<nop hide="true" next="answer" />' if final == 200 else "",
    )
    return sipp.start(scenario, workdir, local_port=port)


def booth_call(workdir: Path, driver: Any, *, booth: str = "Booth 1", talk_ms: int = 1000,
               number: str = NUMBER, password: str | None = None,
               local_ip: str = "127.0.0.1") -> sipp.SippRun:
    user, secret = BOOTHS[booth]
    scenario = sipp.render("ata_call.xml", workdir, talk_ms=talk_ms)
    return sipp.start(scenario, workdir, remote=driver.address, local_ip=local_ip,
                      args=("-s", number, "-au", user, "-ap", password or secret))


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
