"""The one parser of the carrier trunk's SIP URI: ``sip[s]:USER[:PASSWORD]@HOST[:PORT]``.

The ``sip_trunk`` setting, the engine's ``--sip-trunk`` option and the SIP driver's
trunk all read the URI here, so a value one of them accepts the others accept too.
USER and PASSWORD are kept as written (%-escapes included; :meth:`SipUri.user_text`
and :meth:`SipUri.password_text` decode them); HOST is a name, an IPv4 address or a
bracketed IPv6 address; PORT is 0-65535 when given. Error messages never repeat the
text, since it may carry the password: callers add what they may show
(:func:`mask_password`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from callshop_pos.errors import InvalidInput

__all__ = ["SipUri", "mask_password", "parse_sip_uri"]

_URI_RE = re.compile(
    r"^(?P<scheme>sips?):(?P<user>[^:@\s]+)(?::(?P<password>[^@]*))?"
    r"@(?P<host>\[[^\]\s]+\]|[^:;\s\[\]@]+)(?::(?P<port>\d{1,5}))?$"
)
# Lenient: only to show a value that did not parse without its password.
_SHAPE_RE = re.compile(r"^(?P<head>sips?:[^:@]*)(?P<password>:[^@]*)?(?P<rest>@.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SipUri:
    """A parsed trunk URI (``password`` None: none given; never in reprs)."""

    scheme: str
    user: str
    password: str | None = field(repr=False)
    host: str  # brackets of an IPv6 address removed
    port: int | None

    @property
    def user_text(self) -> str:
        return unquote(self.user)

    @property
    def password_text(self) -> str:
        return unquote(self.password or "")

    def without_password(self) -> str:
        """The URI as written, minus the password."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}:{self.user}@{host}{port}"


def parse_sip_uri(text: str) -> SipUri:
    """Parse ``text`` (no surrounding spaces); InvalidInput without echoing it."""
    match = _URI_RE.match(text)
    if match is None or (match["port"] and int(match["port"]) > 65535):
        raise InvalidInput("expected sip:USER[:PASSWORD]@HOST[:PORT]")
    port = int(match["port"]) if match["port"] else None
    return SipUri(
        scheme=match["scheme"],
        user=match["user"],
        password=match["password"],
        host=match["host"].strip("[]"),
        port=port,
    )


def mask_password(text: str) -> str | None:
    """``text`` with its password replaced by ``***``, to show in a message; None when
    it is not shaped like a SIP URI at all (then where a password is cannot be told)."""
    match = _SHAPE_RE.match(text)
    if match is None:
        return None
    return match["head"] + (":***" if match["password"] is not None else "") + match["rest"]
