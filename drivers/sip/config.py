"""Plain configuration of the SIP booth driver (no database, no sippy).

The composition root builds a :class:`SipDriverConfig` from the booth table and the
settings; tests build one directly. Every parser here raises
:class:`~callshop_pos.errors.InvalidInput` with a message a shop owner can act on.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

from callshop_pos.errors import InvalidInput
from callshop_pos.sip_uri import parse_sip_uri

__all__ = [
    "AbuseLimits",
    "BoothAccount",
    "SipDriverConfig",
    "Trunk",
    "parse_listen",
]

_HA1_RE = re.compile(r"^[0-9a-f]{32}$")
_CALLER_ID_RE = re.compile(r"^\+?[0-9]{1,32}$")
DEFAULT_BLOCKED_USER_AGENTS = (
    "friendly-scanner",
    "sipvicious",
    "sipcli",
    "sip-scan",
    "sundayddr",
    "iWar",
    "VaxSIPUserAgent",
)


def _check_port(port: int, what: str) -> int:
    if not 0 <= port <= 65535:
        raise InvalidInput(f"{what}: port {port} is out of range 0-65535")
    return port


def _check_host(host: str, what: str) -> str:
    if not host or any(c.isspace() for c in host):
        raise InvalidInput(f"{what}: {host!r} is not a host name or IP address")
    return host


def parse_listen(text: str) -> tuple[str, int]:
    """Parse ``HOST:PORT`` (``--sip-listen``); the host must be an IPv4 address."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep or not port_text.isdigit():
        raise InvalidInput(f"--sip-listen: expected HOST:PORT such as 0.0.0.0:5060, got {text!r}")
    try:
        ipaddress.IPv4Address(host)
    except ValueError as exc:
        raise InvalidInput(f"--sip-listen: {host!r} is not an IPv4 address") from exc
    return host, _check_port(int(port_text), "--sip-listen")


@dataclass(frozen=True, slots=True)
class BoothAccount:
    """One booth's SIP credentials.

    ``ha1`` is the digest HA1, ``MD5(user:realm:password)`` in lower-case hex, so the
    password itself is never stored. ``bound_host`` (optional) is the only source IP
    address the booth's ATA may use.
    """

    booth: str
    sip_user: str
    ha1: str
    bound_host: str | None = None

    def __post_init__(self) -> None:
        if not self.booth:
            raise InvalidInput("SIP booth: the booth name is empty")
        if not self.sip_user or any(c in self.sip_user for c in ' \t"@:;<>'):
            raise InvalidInput(
                f"booth {self.booth}: {self.sip_user!r} is not a valid SIP user name"
            )
        if not _HA1_RE.match(self.ha1):
            raise InvalidInput(f"booth {self.booth}: the SIP HA1 must be 32 lower-case hex digits")
        if self.bound_host is not None:
            try:
                ipaddress.ip_address(self.bound_host)
            except ValueError as exc:
                raise InvalidInput(
                    f"booth {self.booth}: bound address {self.bound_host!r} is not an IP address"
                ) from exc


@dataclass(frozen=True, slots=True)
class Trunk:
    """The carrier's SIP trunk every booth call is placed on."""

    user: str
    password: str = field(repr=False)  # never in reprs or logs
    host: str
    port: int = 5060
    register: bool = False  # register to the carrier (some trunks need it for inbound auth)
    register_expires_s: int = 600
    caller_id: str | None = None  # user part of From sent to the carrier; default: trunk user
    pass_caller_id: bool = False  # True: send the booth's own From user (leaks booth identity)

    def __post_init__(self) -> None:
        if not self.user:
            raise InvalidInput("SIP trunk: the user name is empty")
        _check_host(self.host, "SIP trunk")
        _check_port(self.port, "SIP trunk")
        if self.register_expires_s < 60:
            raise InvalidInput("SIP trunk: the registration interval must be at least 60 s")
        if self.caller_id is not None and not _CALLER_ID_RE.match(self.caller_id):
            raise InvalidInput(
                f"SIP trunk caller ID: digits with an optional leading +, not {self.caller_id!r}"
            )

    @classmethod
    def parse(cls, text: str, **options: object) -> Trunk:
        """Parse ``sip:USER:PASSWORD@HOST:PORT`` (``--sip-trunk``); user/password may be
        %-escaped. Extra keyword options are passed to the constructor."""
        try:
            uri = parse_sip_uri(text.strip())
        except InvalidInput:
            # the value itself is not echoed: it may carry the trunk password
            raise InvalidInput(
                "--sip-trunk: expected sip:USER:PASSWORD@HOST:PORT (the value given is not "
                "shown because it may contain the password)"
            ) from None
        return cls(
            user=uri.user_text,
            password=uri.password_text,
            host=uri.host,
            port=uri.port if uri.port is not None else 5060,
            **options,  # type: ignore[arg-type]
        )

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def __str__(self) -> str:
        return f"sip:{self.user}:***@{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class AbuseLimits:
    """Per-source-address protection of the registrar (REGISTER/INVITE/OPTIONS)."""

    max_requests: int = 30  # new requests per window from one address before a ban
    window_s: float = 10.0
    max_auth_failures: int = 5  # 403s (bad user/password/address) per window before a ban
    ban_s: float = 600.0
    # case-insensitive substrings of User-Agent that are banned at once (scanners)
    blocked_user_agents: tuple[str, ...] = DEFAULT_BLOCKED_USER_AGENTS

    def __post_init__(self) -> None:
        if self.max_requests < 1 or self.max_auth_failures < 1:
            raise InvalidInput("SIP abuse limits must allow at least one request")
        if self.window_s <= 0 or self.ban_s < 0:
            raise InvalidInput("SIP abuse window must be positive and the ban not negative")


@dataclass(frozen=True, slots=True)
class SipDriverConfig:
    """Everything the SIP driver needs; plain values only."""

    booths: tuple[BoothAccount, ...]
    trunk: Trunk | None
    listen_host: str = "0.0.0.0"
    listen_port: int = 5060
    realm: str = "callshop"
    user_agent: str = "CallShop POS"
    min_expires_s: int = 60  # shorter REGISTER expiry requests get 423 Interval Too Brief
    # longer ones are cut down to this (ATAs re-register within it)
    max_expires_s: int = 600
    # where the registrations are kept across engine restarts (None: in memory only)
    bindings_path: Path | None = None
    expiry_grace_s: float = 5.0  # a booth is Offline this long after its registration ran out
    admission_timeout_s: float = 10.0  # engine silent this long after Dialing => 503
    ring_timeout_s: int = 120  # no answer from the carrier within this => cancelled
    abuse: AbuseLimits = field(default_factory=AbuseLimits)

    def __post_init__(self) -> None:
        _check_port(self.listen_port, "--sip-listen")
        seen_users: dict[str, str] = {}
        seen_booths: set[str] = set()
        for account in self.booths:
            if account.sip_user in seen_users:
                raise InvalidInput(
                    f"SIP user {account.sip_user!r} is used by booths "
                    f"{seen_users[account.sip_user]} and {account.booth}"
                )
            if account.booth in seen_booths:
                raise InvalidInput(f"booth {account.booth} has two SIP accounts")
            seen_users[account.sip_user] = account.booth
            seen_booths.add(account.booth)
        if not 1 <= self.min_expires_s <= self.max_expires_s:
            raise InvalidInput("SIP registration: need 1 <= min expiry <= max expiry")
        if self.admission_timeout_s <= 0 or self.ring_timeout_s <= 0:
            raise InvalidInput("SIP timeouts must be positive")
