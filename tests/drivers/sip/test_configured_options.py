"""The shop's SIP options reach the running driver: a driver built by
``drivers.registry`` from settings plus ``--sip-…`` options presents the configured
caller ID to a SIPp carrier and bans a configured User-Agent pattern (and only that)."""

from __future__ import annotations

import argparse
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.port import HungUp
from callshop_pos.settings import Settings
from drivers import engine_cli
from drivers.registry import DriverContext, create_driver
from drivers.sip import SipDriver, ha1
from drivers.sip_cli import sip_options
from tests.drivers.sip.conftest import BOOTHS, REALM, TRUNK_PASSWORD, TRUNK_USER, StandInEngine
from tests.drivers.sip.test_calls import booth_call, carrier, finish

pytestmark = [pytest.mark.sip, pytest.mark.slow]

CLI = "+35929876543"


def register_from(host: str, driver: SipDriver, user_agent: str) -> bytes | None:
    """One REGISTER from ``host`` with ``user_agent``; the answer, or None if none came."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        sock.settimeout(0.5)
        port = sock.getsockname()[1]
        sock.sendto(
            (
                f"REGISTER sip:{driver.address[0]} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK-ua{port}\r\n"
                f"From: <sip:100@{host}>;tag={port}\r\nTo: <sip:100@{host}>\r\n"
                f"Call-ID: ua{port}@{host}\r\nCSeq: 1 REGISTER\r\n"
                f"Contact: <sip:100@{host}:{port}>\r\nUser-Agent: {user_agent}\r\n"
                f"Content-Length: 0\r\n\r\n"
            ).encode(),
            driver.address,
        )
        try:
            return sock.recv(4096)
        except TimeoutError:
            return None


def test_configured_caller_id_and_ua_blocklist_reach_the_running_driver(
    workdir: Path, trunk_port: int
) -> None:
    settings = Settings().replace(
        sip_trunk=f"sip:{TRUNK_USER}@127.0.0.1:{trunk_port}",
        sip_trunk_password=TRUNK_PASSWORD,
        sip_realm=REALM,
        sip_ua_block=("friendly-scanner",),
    )
    parser = argparse.ArgumentParser()
    engine_cli.register(parser.add_subparsers())
    args = parser.parse_args(
        [
            "engine",
            "--driver",
            "sip",
            "--sip-listen",
            "127.0.0.1:0",
            "--sip-trunk-cli",
            CLI,
            "--sip-ua-block",
            "EvilBot",
        ]
    )
    options = sip_options(settings, args, [])
    user, password = BOOTHS["Booth 1"]
    options = replace(options, accounts=(("Booth 1", user, ha1(user, REALM, password)),))
    driver = create_driver(
        "sip",
        DriverContext(
            clock=SystemClock(), booths=[BoothConfig("Booth 1", driver="sip")], sip=options
        ),
    )
    assert isinstance(driver, SipDriver)
    engine = StandInEngine()
    engine.driver = driver
    driver.start(engine.sink)
    try:
        trunk = carrier(workdir, trunk_port, ring_ms=100)
        ata = booth_call(workdir, driver, talk_ms=300)
        finish(ata)
        trunk_log = finish(trunk)
        engine.wait_for(HungUp)
        assert "auth ok" in trunk_log  # the password came from the setting
        assert f"from {CLI} callid" in trunk_log  # the configured caller ID, not the booth

        # The command line replaced the settings' blocklist: EvilBot is banned at once,
        # friendly-scanner (only in the settings) is challenged like anyone else.
        assert register_from("127.0.0.2", driver, "EvilBot/2.1") is None
        assert register_from("127.0.0.2", driver, "Grandstream HT286") is None  # banned
        answer = register_from("127.0.0.3", driver, "friendly-scanner")
        assert answer is not None and answer.startswith(b"SIP/2.0 401")
        stats = driver.stats()
        assert stats["bans"] == 1 and stats["refused.banned"] >= 1
    finally:
        driver.stop()
