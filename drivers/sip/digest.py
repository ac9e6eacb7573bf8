"""HTTP digest authentication (RFC 2617 / RFC 3261 §22) checked against a stored HA1.

The booth table keeps only ``HA1 = MD5(user:realm:password)``, so only the MD5 family
can be verified (``MD5`` and ``MD5-sess``, with or without ``qop=auth``). Nonces are
stateless: a timestamp sealed with an HMAC under a key that lives only in memory, valid
for :attr:`NonceIssuer.lifetime_s` seconds. Old ATAs (Cisco ATA 186, BudgeTone-100)
only speak plain MD5 without qop, so the challenge offers exactly that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DigestCheck", "DigestCredentials", "NonceIssuer", "check_response", "ha1", "parse"]


def ha1(user: str, realm: str, password: str) -> str:
    """The digest HA1 a booth account stores: ``MD5(user:realm:password)`` in hex."""
    return hashlib.md5(f"{user}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class NonceIssuer:
    """Issues and validates stateless nonces (``monotonic time`` + HMAC)."""

    def __init__(self, monotonic: Callable[[], float], lifetime_s: float = 60.0) -> None:
        self._key = secrets.token_bytes(32)
        self._monotonic = monotonic
        self.lifetime_s = lifetime_s

    def issue(self) -> str:
        stamp = struct.pack(">d", self._monotonic()) + secrets.token_bytes(4)
        mac = hmac.new(self._key, stamp, "sha256").digest()[:12]
        return base64.urlsafe_b64encode(stamp + mac).decode().rstrip("=")

    def state(self, nonce: str) -> str:
        """``"valid"``, ``"stale"`` (genuine but expired) or ``"forged"``."""
        try:
            raw = base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
        except (ValueError, TypeError):
            return "forged"
        if len(raw) != 24:
            return "forged"
        stamp, mac = raw[:12], raw[12:]
        if not hmac.compare_digest(mac, hmac.new(self._key, stamp, "sha256").digest()[:12]):
            return "forged"
        (issued,) = struct.unpack(">d", stamp[:8])
        age = self._monotonic() - issued
        return "valid" if 0 <= age <= self.lifetime_s else "stale"


@dataclass(frozen=True, slots=True)
class DigestCredentials:
    """The parameters of an ``Authorization`` header."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    algorithm: str | None = None
    qop: str | None = None
    nc: str | None = None
    cnonce: str | None = None


def _split_params(text: str) -> dict[str, str]:
    """Split ``a="x, y", b=z`` respecting quotes; keys lower-cased."""
    params: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t,":
            i += 1
        eq = text.find("=", i)
        if eq < 0:
            break
        key = text[i:eq].strip().lower()
        i = eq + 1
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            end = i + 1
            value_chars: list[str] = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                value_chars.append(text[end])
                end += 1
            value = "".join(value_chars)
            i = end + 1
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            value = text[i:end].strip()
            i = end
        if key:
            params[key] = value
    return params


def parse(header_value: str) -> DigestCredentials | None:
    """Parse an ``Authorization``/``Proxy-Authorization`` value; None if not usable digest."""
    scheme, _, rest = header_value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    p = _split_params(rest)
    try:
        return DigestCredentials(
            username=p["username"],
            realm=p["realm"],
            nonce=p["nonce"],
            uri=p["uri"],
            response=p["response"].lower(),
            algorithm=p.get("algorithm"),
            qop=p.get("qop"),
            nc=p.get("nc"),
            cnonce=p.get("cnonce"),
        )
    except KeyError:
        return None


class DigestCheck(StrEnum):
    OK = "ok"
    STALE = "stale"  # right password, expired nonce: challenge again with stale=true
    BAD_NONCE = "bad_nonce"  # nonce not ours (replayed from elsewhere or forged)
    WRONG_PASSWORD = "wrong_password"
    UNSUPPORTED = "unsupported"  # algorithm/qop we cannot verify from an MD5 HA1


def check_response(
    creds: DigestCredentials, stored_ha1: str, method: str, nonces: NonceIssuer
) -> DigestCheck:
    """Verify ``creds`` for a request of ``method`` against the account's HA1."""
    algorithm = (creds.algorithm or "MD5").upper()
    if algorithm not in ("MD5", "MD5-SESS") or creds.qop not in (None, "auth"):
        return DigestCheck.UNSUPPORTED
    key = stored_ha1
    if algorithm == "MD5-SESS":
        if not creds.cnonce:
            return DigestCheck.UNSUPPORTED
        key = _md5(f"{stored_ha1}:{creds.nonce}:{creds.cnonce}")
    ha2 = _md5(f"{method}:{creds.uri}")
    if creds.qop == "auth":
        if not creds.nc or not creds.cnonce:
            return DigestCheck.UNSUPPORTED
        expected = _md5(f"{key}:{creds.nonce}:{creds.nc}:{creds.cnonce}:auth:{ha2}")
    else:
        expected = _md5(f"{key}:{creds.nonce}:{ha2}")
    if not hmac.compare_digest(expected, creds.response):
        return DigestCheck.WRONG_PASSWORD
    state = nonces.state(creds.nonce)
    if state == "stale":
        return DigestCheck.STALE
    if state != "valid":
        return DigestCheck.BAD_NONCE
    return DigestCheck.OK
