"""Registration, keep-alive and abuse protection of the SIP driver (SIPp as the ATA)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import Offline, Registered
from drivers.sip import AbuseLimits, BoothAccount, SipDriver, ha1
from drivers.sip.sippy_adapter import SipStackError
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import (
    BOOTHS,
    REALM,
    TRUNK_PASSWORD,
    TRUNK_USER,
    StandInEngine,
    base_config,
)
from tests.drivers.sip.test_calls import booth_call, carrier, finish

pytestmark = [pytest.mark.sip, pytest.mark.slow]


def register(
    workdir: Path,
    driver: Any,
    *,
    booth: str = "Booth 1",
    expires: int = 600,
    password: str | None = None,
    local_ip: str = "127.0.0.1",
    local_port: int | None = None,
) -> str:
    user, secret = BOOTHS[booth]
    run = sipp.start(
        sipp.render("ata_register.xml", workdir),
        workdir,
        remote=driver.address,
        local_ip=local_ip,
        local_port=local_port,
        args=("-s", user, "-au", user, "-ap", password or secret, "-set", "expires", str(expires)),
    )
    return finish(run)


def request(
    method: str,
    target: tuple[str, int],
    local: socket.socket,
    n: int = 1,
    user_agent: str = "Grandstream HT-286",
) -> bytes:
    host, port = local.getsockname()
    return (
        f"{method} sip:{target[0]}:{target[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK-flood-{n}\r\n"
        f"From: <sip:scan@{host}>;tag=f{n}\r\n"
        f"To: <sip:booth1@{target[0]}>\r\n"
        f"Call-ID: flood-{n}@{host}\r\n"
        f"CSeq: 1 {method}\r\n"
        f"Contact: <sip:scan@{host}:{port}>\r\n"
        f"User-Agent: {user_agent}\r\n"
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def answers(sock: socket.socket, wait_s: float = 0.5) -> list[bytes]:
    sock.settimeout(wait_s)
    got: list[bytes] = []
    try:
        while True:
            got.append(sock.recv(65535))
    except TimeoutError:
        return got


def udp_from(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    return sock


def test_registration_with_digest_and_expiry(
    workdir: Path, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    assert "final 200" in register(workdir, driver, expires=1)
    registered = engine.wait_for(Registered)
    assert registered.booth == "Booth 1"
    assert registered.expires_s == 1
    assert registered.contact.startswith("sip:booth1@127.0.0.1:")
    offline = engine.wait_for(Offline, timeout=5)
    assert offline.reason == "registration expired"
    assert 0.9 <= (offline.at - registered.at).total_seconds() <= 2.5


def test_refresh_does_not_repeat_the_event_and_expires_zero_unregisters(
    workdir: Path, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    port = sipp.free_udp_port()
    register(workdir, driver, expires=600, local_port=port)
    register(workdir, driver, expires=600, local_port=port)
    assert len(engine.of(Registered)) == 1
    assert "final 200" in register(workdir, driver, expires=0, local_port=port)
    assert engine.wait_for(Offline).reason == "unregistered"


def test_wrong_password_and_unknown_user_get_403_and_are_counted(
    workdir: Path, start_driver: Callable[..., Any]
) -> None:
    driver, engine = start_driver()
    assert "final 403" in register(workdir, driver, password="guess")
    assert "final 403" in finish(booth_call(workdir, driver, password="guess"))
    stats = driver.stats()
    assert stats["refused.wrong_password"] == 2
    assert not engine.of(Registered)


def test_booth_bound_to_another_address_gets_403(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    user, secret = BOOTHS["Booth 1"]
    bound = BoothAccount("Booth 1", user, ha1(user, REALM, secret), bound_host="127.0.0.2")
    driver, engine = start_driver(booths=(bound,))
    assert "final 403" in register(workdir, driver)
    assert driver.stats()["refused.wrong_source"] == 1
    assert "final 200" in register(workdir, driver, local_ip="127.0.0.2")
    assert engine.wait_for(Registered).booth == "Booth 1"


def test_options_keep_alive_is_answered(start_driver: Callable[..., Any]) -> None:
    driver, _ = start_driver()
    with udp_from("127.0.0.1") as sock:
        sock.sendto(request("OPTIONS", driver.address, sock), driver.address)
        got = answers(sock)
    assert len(got) == 1 and got[0].startswith(b"SIP/2.0 200 OK")
    assert b"Allow: " in got[0]


def test_register_flood_is_banned_while_a_booth_keeps_working(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    limits = AbuseLimits(max_requests=20, window_s=10.0, ban_s=60.0)
    driver, engine = start_driver(abuse=limits)
    with udp_from("127.0.0.2") as flood:
        for n in range(300):
            flood.sendto(request("REGISTER", driver.address, flood, n), driver.address)
        replies = answers(flood, 1.0)
        # The scanner got its first 20 challenges, then silence.
        assert len(replies) == 20
        assert all(r.startswith(b"SIP/2.0 401") for r in replies)
        # The legitimate booth on another address registers and calls as usual.
        assert "final 200" in register(workdir, driver)
        carrier(workdir, trunk_port)
        assert "booth hung up" in finish(booth_call(workdir, driver, talk_ms=300))
        flood.sendto(request("OPTIONS", driver.address, flood, 999), driver.address)
        assert answers(flood) == []  # still banned
    stats = driver.stats()
    assert stats["bans"] == 1
    assert stats["refused.rate_limited"] == 1
    # every datagram after the ban was dropped unanswered (the kernel itself drops some
    # of a burst this fast, so only a lower bound is exact)
    assert 100 <= stats["refused.banned"] <= 300 - 20 - 1 + 1
    assert engine.wait_for(Registered).booth == "Booth 1"


def test_scanner_user_agent_is_banned_at_once(start_driver: Callable[..., Any]) -> None:
    driver, _ = start_driver()
    with udp_from("127.0.0.2") as scanner:
        scanner.sendto(
            request("OPTIONS", driver.address, scanner, 1, "friendly-scanner"), driver.address
        )
        scanner.sendto(request("OPTIONS", driver.address, scanner, 2), driver.address)
        assert answers(scanner) == []
    with udp_from("127.0.0.1") as booth:
        booth.sendto(request("OPTIONS", driver.address, booth), driver.address)
        assert len(answers(booth)) == 1
    stats = driver.stats()
    assert stats["refused.blocked_user_agent"] == 1
    assert stats["refused.banned"] == 1


def test_malformed_requests_get_400_and_garbage_is_dropped(
    start_driver: Callable[..., Any],
) -> None:
    driver, _ = start_driver()
    with udp_from("127.0.0.1") as sock:
        good = request("OPTIONS", driver.address, sock).decode()
        bad_cseq = good.replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS").encode()
        sock.sendto(bad_cseq, driver.address)
        got = answers(sock)
        assert len(got) == 1 and got[0].startswith(b"SIP/2.0 400"), got
        assert b"Call-ID: flood-1@127.0.0.1" in got[0]
        sock.sendto(b"\xff\xfe" * 40, driver.address)
        sock.sendto(good.encode().replace(b"OPTIONS sip", b"OPTIONS \xffsip"), driver.address)
        got = answers(sock)
        assert all(g.startswith(b"SIP/2.0 400") for g in got)
        time.sleep(0.1)
        sock.sendto(good.replace("flood-1", "flood-2").encode(), driver.address)
        assert answers(sock)[0].startswith(b"SIP/2.0 200 OK")
    stats = driver.stats()
    assert stats["refused.bad_request"] >= 2
    assert stats["refused.unparseable"] >= 1


def test_optional_registration_at_the_carrier(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    scenario = sipp.render(
        "carrier_registrar.xml", workdir, trunk_user=TRUNK_USER, trunk_password=TRUNK_PASSWORD
    )
    registrar = sipp.start(scenario, workdir, local_port=trunk_port)
    time.sleep(0.3)  # let SIPp bind before the driver's first REGISTER
    trunk = replace(base_config(trunk_port).trunk, register=True)  # type: ignore[arg-type]
    driver, _ = start_driver(trunk=trunk)
    assert "register auth ok" in finish(registrar)
    deadline = time.monotonic() + 5
    while driver.stats().get("trunk.registered") != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert driver.stats().get("trunk.registered") == 1


def test_wildcard_listen_answers_from_the_sip_port(start_driver: Callable[..., Any]) -> None:
    port = sipp.free_udp_port("0.0.0.0")
    driver, _ = start_driver(listen_host="0.0.0.0", listen_port=port)
    assert driver.address == ("0.0.0.0", port)
    with udp_from("127.0.0.1") as sock:
        sock.sendto(request("OPTIONS", ("127.0.0.1", port), sock), ("127.0.0.1", port))
        sock.settimeout(2)
        data, source = sock.recvfrom(65535)
    assert data.startswith(b"SIP/2.0 200 OK")
    assert source == ("127.0.0.1", port)
    assert b"0.0.0.0" not in data


def test_a_busy_port_is_a_clear_error(start_driver: Callable[..., Any]) -> None:
    with udp_from("127.0.0.1") as squatter:
        port = squatter.getsockname()[1]
        driver = SipDriver(base_config(5999, listen_port=port))
        with pytest.raises(SipStackError, match=f"cannot listen on UDP 127.0.0.1:{port}"):
            driver.start(StandInEngine().sink)
    # and the process can still run a driver afterwards
    running, _ = start_driver()
    assert running.address is not None
