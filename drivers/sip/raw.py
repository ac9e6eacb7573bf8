"""Just-enough reading of raw SIP datagrams, for what must work even when a full
parse fails: finding the method (for rate limiting) and answering ``400 Bad Request``.
"""

from __future__ import annotations

import re

__all__ = ["bad_request", "request_method"]

_METHOD_RE = re.compile(rb"^([A-Za-z0-9.!%*_+`'~-]{1,128}) ")
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
_MAX_HEADER = 8192
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def request_method(data: bytes) -> str | None:
    """The method of a request datagram (upper-cased), or None for a response/garbage."""
    if data.startswith(b"SIP/"):
        return None
    match = _METHOD_RE.match(data)
    return match.group(1).decode("ascii").upper() if match else None


def bad_request(data: bytes, server: str, reason: str = "Bad Request") -> bytes | None:
    """A ``400`` answer to the malformed request ``data``, or None if it cannot be
    answered: not a request, an ACK (never answered), or no Via to answer along.

    Via and CSeq are what the sender matches a response with; the other mandatory
    headers are echoed when present and readable, and stood in for when not."""
    method = request_method(data)
    if method is None or method == "ACK":
        return None
    text = data.decode("utf-8", errors="replace")
    head = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    start, *lines = re.split(r"\r?\n", head)
    found: dict[str, list[str]] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        canonical = _ECHO.get(name.strip().lower())
        if canonical is None:
            continue
        value = _CONTROL.sub("?", value.strip())
        if value and len(value) <= _MAX_HEADER:
            found.setdefault(canonical, []).append(value)
    if "Via" not in found:
        return None
    parts = start.split(" ")
    uri = _CONTROL.sub("?", parts[1]) if len(parts) > 1 and parts[1] else "sip:invalid"
    stand_in = {
        "From": "<sip:anonymous@anonymous.invalid>;tag=0",
        "To": f"<{uri[:256]}>",
        "Call-ID": "invalid",
        "CSeq": f"0 {method[:32]}",
    }
    safe_reason = re.sub(r"[^ -~]", "?", reason)[:80]
    out = [f"SIP/2.0 400 {safe_reason}"]
    out.extend(f"Via: {v}" for v in found["Via"])
    for name in ("From", "To", "Call-ID", "CSeq"):
        out.append(f"{name}: {found[name][0] if name in found else stand_in[name]}")
    out.append(f"Server: {server}")
    out.append("Content-Length: 0")
    return ("\r\n".join(out) + "\r\n\r\n").encode("utf-8", errors="replace")
