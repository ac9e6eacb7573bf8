"""Refusal accounting and per-source-address abuse protection for the SIP registrar.

Every refusal goes through :meth:`RefusalLog.refuse`: it is logged with the source
address and the reason and counted. A flood is cut off by a temporary ban of the
source address: while banned, its datagrams are dropped unanswered (answering a
scanner only helps it); the drops are counted and summed up in one log line when the
ban ends, so a flood cannot flood the log as well.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable
from enum import StrEnum

from drivers.sip.config import AbuseLimits

__all__ = ["AbuseGuard", "Refusal", "RefusalLog"]

log = logging.getLogger("drivers.sip")


class Refusal(StrEnum):
    UNKNOWN_USER = "unknown_user"
    WRONG_PASSWORD = "wrong_password"
    WRONG_SOURCE = "wrong_source"  # booth bound to another source address
    BAD_NONCE = "bad_nonce"
    RATE_LIMITED = "rate_limited"  # the request that triggered a ban
    BANNED = "banned"  # datagrams dropped during a ban
    BLOCKED_USER_AGENT = "blocked_user_agent"
    LOCKED = "locked"  # booth locked by the cashier (DenyCalls)
    BUSY = "busy"  # second concurrent call of a booth
    ENGINE_REFUSED = "engine_refused"  # RefuseCall (blocked prefix, no credit, ...)
    ENGINE_TIMEOUT = "engine_timeout"  # no AdmitCall/RefuseCall in time
    NO_TRUNK = "no_trunk"
    BAD_REQUEST = "bad_request"  # malformed, answered 400
    UNPARSEABLE = "unparseable"  # malformed beyond answering, dropped
    INTERVAL_TOO_BRIEF = "interval_too_brief"
    NOT_ALLOWED = "not_allowed"  # method the till does not serve


class RefusalLog:
    """Thread-safe counters of refusals (read from any thread, written by the SIP loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def refuse(self, reason: Refusal, address: tuple[str, int] | str, detail: str = "") -> None:
        """Count a refusal and log it with the source address and the reason."""
        where = address if isinstance(address, str) else f"{address[0]}:{address[1]}"
        with self._lock:
            self._counts[f"refused.{reason.value}"] += 1
        log.warning("SIP refused %s: %s%s", where, reason.value, f" ({detail})" if detail else "")

    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self._counts[key] += n

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class AbuseGuard:
    """Sliding-window rate limit and temporary bans per source IP address.

    Used only from the SIP loop thread; ``monotonic`` is the driver clock's.
    """

    def __init__(
        self, limits: AbuseLimits, monotonic: Callable[[], float], refusals: RefusalLog
    ) -> None:
        self.limits = limits
        self._monotonic = monotonic
        self._refusals = refusals
        self._requests: dict[str, deque[float]] = {}
        self._failures: dict[str, deque[float]] = {}
        self._banned_until: dict[str, float] = {}
        self._dropped: Counter[str] = Counter()
        self._blocked = tuple(ua.lower() for ua in limits.blocked_user_agents if ua)

    def is_banned(self, host: str) -> bool:
        until = self._banned_until.get(host)
        if until is None:
            return False
        if self._monotonic() < until:
            return True
        self._lift(host)
        return False

    def drop_if_banned(self, host: str) -> bool:
        """True (and counted) if datagrams from ``host`` are to be dropped."""
        if not self.is_banned(host):
            return False
        self._dropped[host] += 1
        self._refusals.count(f"refused.{Refusal.BANNED.value}")
        return True

    def note_request(self, address: tuple[str, int], method: str) -> bool:
        """Record a new out-of-dialog request; False if it tips the address into a ban."""
        host = address[0]
        if self._over(self._requests, host, self.limits.max_requests):
            self._ban(address, Refusal.RATE_LIMITED, f"more than {self.limits.max_requests} "
                      f"requests in {self.limits.window_s:g} s, last {method}")
            return False
        return True

    def note_auth_failure(self, address: tuple[str, int]) -> None:
        """Record a 403; too many in the window ban the address."""
        if self._over(self._failures, address[0], self.limits.max_auth_failures):
            self._ban(address, Refusal.RATE_LIMITED,
                      f"more than {self.limits.max_auth_failures} authentication failures "
                      f"in {self.limits.window_s:g} s")

    def blocked_user_agent(self, user_agent: str) -> str | None:
        """The blocklist entry ``user_agent`` matches, or None."""
        lowered = user_agent.lower()
        for entry in self._blocked:
            if entry in lowered:
                return entry
        return None

    def ban(self, address: tuple[str, int], reason: Refusal, detail: str) -> None:
        """Ban ``address`` at once (e.g. a blocked scanner)."""
        self._ban(address, reason, detail)

    def sweep(self) -> None:
        """Forget idle addresses and lift expired bans (call about once a second)."""
        now = self._monotonic()
        horizon = now - self.limits.window_s
        for table in (self._requests, self._failures):
            for host in [h for h, q in table.items() if not q or q[-1] < horizon]:
                del table[host]
        for host in [h for h, t in self._banned_until.items() if t <= now]:
            self._lift(host)

    def _over(self, table: dict[str, deque[float]], host: str, limit: int) -> bool:
        now = self._monotonic()
        stamps = table.setdefault(host, deque())
        horizon = now - self.limits.window_s
        while stamps and stamps[0] < horizon:
            stamps.popleft()
        stamps.append(now)
        return len(stamps) > limit

    def _ban(self, address: tuple[str, int], reason: Refusal, detail: str) -> None:
        host = address[0]
        if self.limits.ban_s <= 0:
            self._refusals.refuse(reason, address, detail + "; bans disabled")
            return
        self._banned_until[host] = self._monotonic() + self.limits.ban_s
        self._requests.pop(host, None)
        self._failures.pop(host, None)
        self._refusals.count("bans")
        self._refusals.refuse(reason, address, f"{detail}; banned for {self.limits.ban_s:g} s")

    def _lift(self, host: str) -> None:
        del self._banned_until[host]
        dropped = self._dropped.pop(host, 0)
        log.warning("SIP ban of %s lifted; %d datagrams were dropped during the ban", host, dropped)
