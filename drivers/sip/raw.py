"""Just-enough reading of raw SIP datagrams, for what must work even when a full
parse fails: finding the method (for rate limiting) and answering ``400 Bad Request``.
"""

from __future__ import annotations

import re

__all__ = ["bad_request", "request_method"]

_METHOD_RE = re.compile(rb"^([A-Za-z][A-Za-z0-9.!%*_+`'~-]{0,31}) ")
# Headers a response must echo (RFC 3261 §8.2.6.2), with their compact forms.
_ECHO = {
    "via": "Via",
    "v": "Via",
    "from": "From",
    "f": "From",
    "to": "To",
    "t": "To",
    "call-id": "Call-ID",
    "i": "Call-ID",
    "cseq": "CSeq",
}
_MAX_HEADER = 1024


def request_method(data: bytes) -> str | None:
    """The method of a request datagram (upper-cased), or None for a response/garbage."""
    if data.startswith(b"SIP/"):
        return None
    match = _METHOD_RE.match(data)
    return match.group(1).decode("ascii").upper() if match else None


def bad_request(data: bytes, server: str, reason: str = "Bad Request") -> bytes | None:
    """A ``400`` answer to the malformed request ``data``, or None if it cannot be
    answered (not a request, an ACK, or the headers needed to match it are missing)."""
    method = request_method(data)
    if method is None or method == "ACK":
        return None
    text = data.decode("utf-8", errors="replace")
    head = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    lines = re.split(r"\r?\n", head)[1:]
    found: dict[str, list[str]] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        canonical = _ECHO.get(name.strip().lower())
        if canonical is None:
            continue
        value = value.strip()
        if not value or len(value) > _MAX_HEADER or any(ord(c) < 32 for c in value):
            continue
        found.setdefault(canonical, []).append(value)
    if not all(h in found for h in ("Via", "From", "To", "Call-ID", "CSeq")):
        return None
    safe_reason = re.sub(r"[^ -~]", "?", reason)[:80]
    out = [f"SIP/2.0 400 {safe_reason}"]
    out.extend(f"Via: {v}" for v in found["Via"])
    for name in ("From", "To", "Call-ID", "CSeq"):
        out.append(f"{name}: {found[name][0]}")
    out.append(f"Server: {server}")
    out.append("Content-Length: 0")
    return ("\r\n".join(out) + "\r\n\r\n").encode("utf-8", errors="replace")
