"""Rate limit, bans, user-agent blocklist, and raw 400 answers (no network)."""

from __future__ import annotations

import logging

import pytest

from callshop_pos.clock import FakeClock
from drivers.sip import AbuseLimits
from drivers.sip.abuse import AbuseGuard, Refusal, RefusalLog
from drivers.sip.raw import bad_request, request_method
from drivers.sip.registrar import Registrar

SCANNER = ("10.0.0.66", 5060)
BOOTH = ("10.0.0.21", 5060)


def test_flood_from_one_address_is_banned_for_a_while_others_unaffected() -> None:
    clock = FakeClock()
    log = RefusalLog()
    guard = AbuseGuard(AbuseLimits(max_requests=3, window_s=10, ban_s=60), clock.monotonic, log)
    assert all(guard.note_request(SCANNER, "REGISTER") for _ in range(3))
    assert not guard.note_request(SCANNER, "REGISTER")
    assert guard.drop_if_banned(SCANNER[0])
    assert not guard.drop_if_banned(BOOTH[0])
    assert guard.note_request(BOOTH, "INVITE")
    clock.advance(61)
    guard.sweep()
    assert not guard.drop_if_banned(SCANNER[0])
    assert log.snapshot() == {"bans": 1, "refused.rate_limited": 1, "refused.banned": 1}


def test_requests_spread_over_time_are_not_a_flood() -> None:
    clock = FakeClock()
    guard = AbuseGuard(AbuseLimits(max_requests=3, window_s=10), clock.monotonic, RefusalLog())
    for _ in range(20):
        assert guard.note_request(BOOTH, "REGISTER")
        clock.advance(4)


def test_repeated_auth_failures_ban_and_scanners_are_recognised() -> None:
    clock = FakeClock()
    log = RefusalLog()
    guard = AbuseGuard(AbuseLimits(max_auth_failures=2), clock.monotonic, log)
    guard.note_auth_failure(SCANNER)
    guard.note_auth_failure(SCANNER)
    assert not guard.is_banned(SCANNER[0])
    guard.note_auth_failure(SCANNER)
    assert guard.is_banned(SCANNER[0])
    assert guard.blocked_user_agent("friendly-scanner") == "friendly-scanner"
    assert guard.blocked_user_agent("SIPVicious 0.3") == "sipvicious"
    assert guard.blocked_user_agent("Grandstream HT286 1.1.0.45") is None
    log.refuse(Refusal.LOCKED, BOOTH, "test")
    assert log.snapshot()["refused.locked"] == 1


def test_raw_400_echoes_what_the_sender_matches_on() -> None:
    msg = (
        b"INVITE sip:123@till SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.21;branch=z9hG4bKx\r\n"
        b"f: <sip:a@b>;tag=1\r\nt: <sip:123@till>\r\ni: abc\r\nCSeq: x INVITE\r\n\r\n"
    )
    answer = bad_request(msg, "CallShop POS")
    assert answer is not None
    assert answer.startswith(b"SIP/2.0 400 Bad Request\r\n")
    for line in (
        b"Via: SIP/2.0/UDP 10.0.0.21;branch=z9hG4bKx",
        b"Call-ID: abc",
        b"From: <sip:a@b>;tag=1",
        b"CSeq: x INVITE",
    ):
        assert line in answer
    assert bad_request(b"ACK sip:x SIP/2.0\r\nVia: a\r\n\r\n", "x") is None
    assert bad_request(b"SIP/2.0 200 OK\r\n\r\n", "x") is None
    assert bad_request(b"INVITE sip:x SIP/2.0\r\nTo: x\r\n\r\n", "x") is None  # no Via
    assert request_method(b"register sip:x SIP/2.0") == "REGISTER"
    assert request_method(b"\x00\x01") is None


def test_registrar_expiry_and_moves() -> None:
    clock = FakeClock()
    registrar = Registrar(clock.monotonic, grace_s=5)
    assert registrar.register("Booth 1", "sip:b1@10.0.0.21", BOOTH, 60, "HT286")
    assert not registrar.register("Booth 1", "sip:b1@10.0.0.21", BOOTH, 60, "HT286")
    assert registrar.register("Booth 1", "sip:b1@10.0.0.22", ("10.0.0.22", 5060), 60, "HT286")
    clock.advance(64)
    assert registrar.expire() == []
    clock.advance(1)
    assert [b.booth for b in registrar.expire()] == ["Booth 1"]
    assert len(registrar) == 0


def test_a_scan_from_50000_addresses_is_logged_as_a_burst_and_one_summary(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    log = RefusalLog(clock.monotonic, interval_s=60, burst=20)
    caplog.set_level(logging.WARNING, logger="drivers.sip")
    for n in range(50_000):
        log.refuse(Refusal.UNKNOWN_USER, (f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", 5060))
    assert len(caplog.records) == 20
    log.flush_due()  # not yet: the interval is not over
    assert len(caplog.records) == 20
    clock.advance(60)
    log.flush_due()
    assert len(caplog.records) == 21
    summary = caplog.records[-1].getMessage()
    assert "49980 more refusal(s)" in summary and "unknown_user 49980" in summary
    assert "from 49980 address(es)" in summary
    assert log.snapshot() == {"refused.unknown_user": 50_000}
    log.refuse(Refusal.UNKNOWN_USER, ("10.9.9.9", 5060))  # a new interval logs again
    assert len(caplog.records) == 22


def test_a_booth_address_is_rate_limited_and_alerted_never_banned() -> None:
    clock = FakeClock()
    log = RefusalLog(clock.monotonic)
    alerts = []
    guard = AbuseGuard(
        AbuseLimits(max_requests=3, window_s=10, max_auth_failures=2, ban_s=600),
        clock.monotonic,
        log,
        protected=lambda host: ("Booth 1",) if host == BOOTH[0] else (),
        alert=alerts.append,
    )
    guard.ban(BOOTH, Refusal.BLOCKED_USER_AGENT, "user agent 'friendly-scanner'")
    assert not guard.is_banned(BOOTH[0])
    assert all(guard.note_request(BOOTH, "REGISTER") for _ in range(3))
    assert not any(guard.note_request(BOOTH, "REGISTER") for _ in range(1000))
    assert not guard.is_banned(BOOTH[0])
    clock.advance(10.5)
    assert guard.note_request(BOOTH, "REGISTER")  # the window slid on
    for _ in range(5):
        guard.note_auth_failure(BOOTH)
    assert not guard.is_banned(BOOTH[0])
    assert [(a.kind, a.booths) for a in alerts] == [
        (Refusal.BLOCKED_USER_AGENT, ("Booth 1",)),
        (Refusal.RATE_LIMITED, ("Booth 1",)),
    ]
    clock.advance(61)  # the same alert is raised again after a while
    assert [guard.note_request(BOOTH, "REGISTER") for _ in range(4)] == [True] * 3 + [False]
    assert len(alerts) == 3
    stats = log.snapshot()
    assert "bans" not in stats and stats["alerts"] == 3
