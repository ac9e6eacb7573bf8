"""Rate limit, bans, user-agent blocklist, and raw 400 answers (no network)."""

from __future__ import annotations

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
    msg = (b"INVITE sip:123@till SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.21;branch=z9hG4bKx\r\n"
           b"f: <sip:a@b>;tag=1\r\nt: <sip:123@till>\r\ni: abc\r\nCSeq: x INVITE\r\n\r\n")
    answer = bad_request(msg, "CallShop POS")
    assert answer is not None
    assert answer.startswith(b"SIP/2.0 400 Bad Request\r\n")
    for line in (b"Via: SIP/2.0/UDP 10.0.0.21;branch=z9hG4bKx", b"Call-ID: abc",
                 b"From: <sip:a@b>;tag=1", b"CSeq: x INVITE"):
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
