"""Digest verification against a stored HA1 (RFC 2617 vectors and our nonces)."""

from __future__ import annotations

import hashlib

from callshop_pos.clock import FakeClock
from drivers.sip import digest
from drivers.sip.digest import DigestCheck, NonceIssuer


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def answer(
    user: str,
    password: str,
    realm: str,
    nonce: str,
    method: str,
    uri: str,
    qop: str | None = None,
    algorithm: str | None = None,
) -> str:
    """What a UA (e.g. an ATA) sends, computed independently of the code under test."""
    key = md5(f"{user}:{realm}:{password}")
    cnonce, nc = "0a4f113b", "00000001"
    if algorithm == "MD5-sess":
        key = md5(f"{key}:{nonce}:{cnonce}")
    ha2 = md5(f"{method}:{uri}")
    response = (
        md5(f"{key}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}") if qop else md5(f"{key}:{nonce}:{ha2}")
    )
    value = (
        f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
        f'response="{response}"'
    )
    if algorithm:
        value += f", algorithm={algorithm}"
    if qop or algorithm == "MD5-sess":
        value += f', qop={qop or "auth"}, nc={nc}, cnonce="{cnonce}"'
    return value


def test_rfc2617_example_response() -> None:
    # RFC 2617 §3.5 (HTTP, but the same digest): Mufasa / Circle Of Life.
    creds = digest.parse(
        'Digest username="Mufasa", realm="testrealm@host.com", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, '
        'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1"'
    )
    assert creds is not None
    stored = digest.ha1("Mufasa", "testrealm@host.com", "Circle Of Life")

    class AnyNonce(NonceIssuer):
        def state(self, nonce: str) -> str:
            return "valid"

    assert digest.check_response(creds, stored, "GET", AnyNonce(FakeClock().monotonic)) is (
        DigestCheck.OK
    )


def test_plain_md5_qop_and_sess_are_accepted_and_a_wrong_password_is_not() -> None:
    clock = FakeClock()
    nonces = NonceIssuer(clock.monotonic, lifetime_s=60)
    stored = digest.ha1("booth1", "callshop", "secret")
    uri = "sip:0049301234567@192.168.1.10"
    for qop, algorithm in ((None, None), ("auth", None), (None, "MD5"), ("auth", "MD5-sess")):
        nonce = nonces.issue()
        ok = digest.parse(
            answer("booth1", "secret", "callshop", nonce, "INVITE", uri, qop, algorithm)
        )
        bad = digest.parse(
            answer("booth1", "guess", "callshop", nonce, "INVITE", uri, qop, algorithm)
        )
        assert ok is not None and bad is not None
        assert digest.check_response(ok, stored, "INVITE", nonces) is DigestCheck.OK
        assert digest.check_response(bad, stored, "INVITE", nonces) is DigestCheck.WRONG_PASSWORD
        # the response is bound to the method
        assert digest.check_response(ok, stored, "REGISTER", nonces) is (DigestCheck.WRONG_PASSWORD)


def test_nonces_expire_and_cannot_be_forged() -> None:
    clock = FakeClock()
    nonces = NonceIssuer(clock.monotonic, lifetime_s=60)
    stored = digest.ha1("booth1", "callshop", "secret")
    nonce = nonces.issue()
    creds = digest.parse(answer("booth1", "secret", "callshop", nonce, "REGISTER", "sip:x"))
    assert creds is not None
    clock.advance(61)
    assert digest.check_response(creds, stored, "REGISTER", nonces) is DigestCheck.STALE
    other = NonceIssuer(clock.monotonic)  # another till / a restart: different key
    forged = digest.parse(
        answer("booth1", "secret", "callshop", other.issue(), "REGISTER", "sip:x")
    )
    assert forged is not None
    assert digest.check_response(forged, stored, "REGISTER", nonces) is DigestCheck.BAD_NONCE
    assert nonces.state("!!!") == "forged"


def test_unverifiable_schemes() -> None:
    assert digest.parse("Basic dXNlcjpwdw==") is None
    assert digest.parse('Digest username="x"') is None
    creds = digest.parse(
        'Digest username="a", realm="r", nonce="n", uri="u", response="x", algorithm=SHA-256'
    )
    assert creds is not None
    assert (
        digest.check_response(creds, "0" * 32, "INVITE", NonceIssuer(FakeClock().monotonic))
        is DigestCheck.UNSUPPORTED
    )
