"""A booth's own address is never banned outright (one spoofed datagram must not take a
booth off the air for the ban's length): it is rate-limited and an alert is raised.
Raw UDP from 127.0.0.x against the real driver, SIPp as the booth's ATA."""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import Registered
from drivers.sip import AbuseLimits, BoothAccount, ha1
from drivers.sip.abuse import SipAlert
from tests.drivers.sip.conftest import BOOTHS, REALM
from tests.drivers.sip.test_registrar import answers, register, request, udp_from

pytestmark = [pytest.mark.sip, pytest.mark.slow]

BOUND = "127.0.0.2"


def bound_booth() -> BoothAccount:
    user, secret = BOOTHS["Booth 1"]
    return BoothAccount("Booth 1", user, ha1(user, REALM, secret), bound_host=BOUND)


def one_answer(sock: socket.socket) -> bytes:
    sock.settimeout(2.0)
    return sock.recv(65535)


def wrong_password_register(sock: socket.socket, target: tuple[str, int], n: int) -> bytes:
    """REGISTER as booth1 with a made-up digest answer to a fresh challenge: a 403."""
    sock.sendto(request("REGISTER", target, sock, n), target)
    challenge = one_answer(sock)
    assert challenge.startswith(b"SIP/2.0 401"), challenge
    nonce = re.search(rb'nonce="([^"]+)"', challenge)
    assert nonce is not None
    uri = f"sip:{target[0]}:{target[1]}"
    auth = (
        f'Authorization: Digest username="booth1",realm="{REALM}",'
        f'nonce="{nonce.group(1).decode()}",uri="{uri}",'
        f'response="{"0" * 32}",algorithm=MD5\r\n'
    )
    text = request("REGISTER", target, sock, n + 1000).decode()
    text = text.replace("CSeq: 1 REGISTER\r\n", "CSeq: 2 REGISTER\r\n" + auth)
    sock.sendto(text.encode(), target)
    return one_answer(sock)


def test_a_spoofed_scanner_datagram_does_not_ban_a_registered_booth(
    workdir: Path, start_driver: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    alerts: list[SipAlert] = []
    driver, engine = start_driver()
    driver.on_alert = alerts.append
    assert "final 200" in register(workdir, driver)  # Booth 1 registered from 127.0.0.1
    engine.wait_for(Registered, booth="Booth 1")
    with udp_from("127.0.0.1") as spoofed:
        for n in range(3):
            spoofed.sendto(
                request("OPTIONS", driver.address, spoofed, n, "friendly-scanner"), driver.address
            )
        assert answers(spoofed) == []  # the scanner itself gets no answer
        spoofed.sendto(request("OPTIONS", driver.address, spoofed, 9), driver.address)
        assert len(answers(spoofed)) == 1  # but the address is not banned
    assert "final 200" in register(workdir, driver)  # the booth re-registers at once
    stats = driver.stats()
    assert "bans" not in stats and "refused.banned" not in stats
    assert stats["refused.blocked_user_agent"] == 3
    assert stats["alerts"] == 1  # one alert per address and kind, not one per datagram
    assert len(alerts) == 1 and alerts[0].host == "127.0.0.1"
    assert "Booth 1" in alerts[0].booths
    assert "not banned" in alerts[0].detail
    assert any(
        r.levelno == logging.ERROR and "Booth 1" in r.getMessage()
        for r in caplog.records
        if r.name == "drivers.sip"
    )


def test_wrong_passwords_from_a_configured_booth_address_do_not_ban_it(
    workdir: Path, start_driver: Callable[..., Any]
) -> None:
    limits = AbuseLimits(max_requests=200, max_auth_failures=5, window_s=10.0, ban_s=60.0)
    driver, engine = start_driver(booths=(bound_booth(),), abuse=limits)
    with udp_from(BOUND) as attacker:
        for n in range(7):
            assert wrong_password_register(attacker, driver.address, n * 10).startswith(
                b"SIP/2.0 403"
            )
    assert "final 200" in register(workdir, driver, local_ip=BOUND)
    assert engine.wait_for(Registered).booth == "Booth 1"
    stats = driver.stats()
    assert "bans" not in stats
    assert stats["refused.wrong_password"] == 7
    assert stats["alerts"] == 1
    # An address that is no booth's is still banned for the same.
    with udp_from("127.0.0.3") as stranger:
        for n in range(6):
            assert wrong_password_register(stranger, driver.address, n * 10).startswith(
                b"SIP/2.0 403"
            )
        stranger.sendto(request("OPTIONS", driver.address, stranger, 99), driver.address)
        assert answers(stranger) == []
    assert driver.stats()["bans"] == 1


def test_a_flood_from_a_booth_address_is_rate_limited_not_banned(
    workdir: Path, start_driver: Callable[..., Any]
) -> None:
    limits = AbuseLimits(max_requests=20, window_s=1.0, ban_s=60.0)
    driver, _ = start_driver(booths=(bound_booth(),), abuse=limits)
    with udp_from(BOUND) as flood:
        for n in range(200):
            flood.sendto(request("OPTIONS", driver.address, flood, n), driver.address)
        replies = answers(flood, 1.0)
        assert len(replies) == 20  # the rest of the burst was dropped
        time.sleep(1.1)  # one window later the address is served again
        flood.sendto(request("OPTIONS", driver.address, flood, 999), driver.address)
        assert len(answers(flood)) == 1
    assert "final 200" in register(workdir, driver, local_ip=BOUND)
    stats = driver.stats()
    assert "bans" not in stats
    assert stats["refused.rate_limited"] >= 100
    assert stats["alerts"] == 1


def test_a_scan_from_thousands_of_addresses_writes_a_few_log_lines(
    start_driver: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    driver, _ = start_driver()
    caplog.set_level(logging.INFO, logger="drivers.sip")
    caplog.clear()
    sent = 0
    for a in range(8):
        for b in range(1, 251):
            with udp_from(f"127.0.{10 + a}.{b}") as scanner:
                scanner.sendto(
                    request("OPTIONS", driver.address, scanner, 1, "sipvicious"), driver.address
                )
                sent += 1
    # A burst of 2,000 datagrams may overrun the socket's receive buffer on a busy
    # machine (the kernel drops the rest, as it would for a real scan): wait until the
    # count settles, and ask only for far more refusals than would be logged one by one.
    deadline = time.monotonic() + 10
    seen = -1
    while time.monotonic() < deadline:
        bans = driver.stats().get("bans", 0)
        if bans == sent or (bans == seen and bans > 0):
            break
        seen = bans
        time.sleep(0.5)
    bans = driver.stats()["bans"]
    assert bans >= 400, bans  # 20 × the lines a minute that are written one by one
    lines = [r.getMessage() for r in caplog.records if r.name == "drivers.sip"]
    assert len(lines) <= 40, lines[:50]
