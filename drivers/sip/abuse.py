"""Refusal accounting and per-source-address abuse protection for the SIP registrar.

Every refusal goes through :meth:`RefusalLog.refuse`: it is counted and logged with
the source address and the reason — the first ``LOG_BURST`` per ``LOG_INTERVAL_S``
one by one, the rest summed up in one line per interval (a scan from 50,000
addresses must not write 50,000 lines). A flood is cut off by a temporary ban of the
source address: while banned, its datagrams are dropped unanswered (answering a
scanner only helps it); the drops are counted and summed up when the ban ends.

A booth's own address (the one it is bound to in its settings, or the one it is
registered from) is never banned: a single spoofed datagram with a scanner's
User-Agent, or a few wrong passwords sent with that source address, would otherwise
take the booth off the air for the ban's length. Such an address is rate-limited
instead (requests over the limit are dropped until the window has slid on) and an
alert is raised (:class:`SipAlert`: logged as an error, counted as ``alerts``, handed
to the driver's ``on_alert``), once per address and kind per ``ALERT_REPEAT_S``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from drivers.sip.config import AbuseLimits

__all__ = [
    "ALERT_REPEAT_S",
    "LOG_BURST",
    "LOG_INTERVAL_S",
    "AbuseGuard",
    "Refusal",
    "RefusalLog",
    "SipAlert",
]

log = logging.getLogger("drivers.sip")

#: Refusals logged one by one per interval; the rest go into one summary line.
LOG_BURST = 20
LOG_INTERVAL_S = 60.0
#: The same alert (address and kind) is raised again at most this often.
ALERT_REPEAT_S = 60.0
#: Distinct addresses remembered for one summary line (beyond: "at least").
_MAX_SUMMARY_HOSTS = 100_000


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


@dataclass(frozen=True, slots=True)
class SipAlert:
    """Abuse seen from a booth's own address: not banned, rate-limited; someone should look."""

    host: str
    booths: tuple[str, ...]  # the booths bound to or registered from ``host``
    kind: Refusal  # what it did: RATE_LIMITED, BLOCKED_USER_AGENT, WRONG_PASSWORD, ...
    detail: str

    def __str__(self) -> str:
        return (
            f"SIP alert: {self.kind.value} from {self.host}, the address of "
            f"{', '.join(self.booths)}: {self.detail}"
        )


class RefusalLog:
    """Thread-safe counters of refusals (read from any thread, written by the SIP loop),
    and the refusal log lines, aggregated beyond ``burst`` per ``interval_s``."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        interval_s: float = LOG_INTERVAL_S,
        burst: int = LOG_BURST,
    ) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._monotonic = monotonic
        self._interval_s = interval_s
        self._burst = burst
        self._window_start = monotonic()
        self._logged = 0
        self._unlogged: Counter[str] = Counter()
        self._unlogged_hosts: set[str] = set()

    def refuse(self, reason: Refusal, address: tuple[str, int] | str, detail: str = "") -> None:
        """Count a refusal and log it with the source address and the reason."""
        where = address if isinstance(address, str) else f"{address[0]}:{address[1]}"
        with self._lock:
            self._counts[f"refused.{reason.value}"] += 1
        host = address if isinstance(address, str) else address[0]
        self.note(
            reason.value,
            host,
            "SIP refused %s: %s%s",
            where,
            reason.value,
            f" ({detail})" if detail else "",
        )

    def note(self, kind: str, host: str, message: str, *args: object) -> None:
        """Log a line about ``host`` — or, past the burst, count it for the summary."""
        self.flush_due()
        with self._lock:
            if self._logged >= self._burst:
                self._unlogged[kind] += 1
                if len(self._unlogged_hosts) < _MAX_SUMMARY_HOSTS:
                    self._unlogged_hosts.add(host)
                return
            self._logged += 1
        log.warning(message, *args)

    def flush_due(self) -> None:
        """At the end of an interval: one summary line of what was not logged in it."""
        now = self._monotonic()
        with self._lock:
            if now - self._window_start < self._interval_s:
                return
            elapsed = now - self._window_start
            self._window_start = now
            self._logged = 0
            unlogged, self._unlogged = self._unlogged, Counter()
            hosts, self._unlogged_hosts = self._unlogged_hosts, set()
        if unlogged:
            many = "at least " if len(hosts) >= _MAX_SUMMARY_HOSTS else ""
            log.warning(
                "SIP: %d more refusal(s) in the last %.0f s not logged one by one (%s), "
                "from %s%d address(es)",
                sum(unlogged.values()),
                elapsed,
                ", ".join(f"{kind} {n}" for kind, n in unlogged.most_common()),
                many,
                len(hosts),
            )

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
        self,
        limits: AbuseLimits,
        monotonic: Callable[[], float],
        refusals: RefusalLog,
        *,
        protected: Callable[[str], tuple[str, ...]] = lambda host: (),
        alert: Callable[[SipAlert], None] | None = None,
    ) -> None:
        """``protected(host)`` names the booths whose own address ``host`` is (never
        banned); ``alert`` receives what such an address did instead."""
        self.limits = limits
        self._monotonic = monotonic
        self._refusals = refusals
        self._protected = protected
        self._alert = alert
        self._requests: dict[str, deque[float]] = {}
        self._failures: dict[str, deque[float]] = {}
        self._banned_until: dict[str, float] = {}
        self._dropped: Counter[str] = Counter()
        self._alerted: dict[tuple[str, Refusal], float] = {}
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
            self._ban(
                address,
                Refusal.RATE_LIMITED,
                f"more than {self.limits.max_requests} "
                f"requests in {self.limits.window_s:g} s, last {method}",
            )
            return False
        return True

    def note_auth_failure(self, address: tuple[str, int]) -> None:
        """Record a 403; too many in the window ban the address."""
        if self._over(self._failures, address[0], self.limits.max_auth_failures):
            self._ban(
                address,
                Refusal.RATE_LIMITED,
                f"more than {self.limits.max_auth_failures} authentication failures "
                f"in {self.limits.window_s:g} s",
                counted=True,
            )

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
        """Count one more event of ``host``; True if it is over ``limit`` in the window
        (then it is not kept: a flood from an address that is not banned stays small)."""
        now = self._monotonic()
        stamps = table.setdefault(host, deque())
        horizon = now - self.limits.window_s
        while stamps and stamps[0] < horizon:
            stamps.popleft()
        if len(stamps) >= limit:
            return True
        stamps.append(now)
        return False

    def _ban(
        self, address: tuple[str, int], reason: Refusal, detail: str, counted: bool = False
    ) -> None:
        """Ban the address, or alert if it is a booth's; ``counted``: the request itself
        was already counted as refused (a 403)."""
        host = address[0]
        booths = self._protected(host)
        if booths:
            if not counted:
                self._refusals.refuse(reason, address, detail + "; a booth's address, not banned")
            self._raise_alert(host, booths, reason, detail)
            return
        if self.limits.ban_s <= 0:
            self._refusals.refuse(reason, address, detail + "; bans disabled")
            return
        self._banned_until[host] = self._monotonic() + self.limits.ban_s
        self._requests.pop(host, None)
        self._failures.pop(host, None)
        self._refusals.count("bans")
        self._refusals.refuse(reason, address, f"{detail}; banned for {self.limits.ban_s:g} s")

    def _raise_alert(self, host: str, booths: tuple[str, ...], kind: Refusal, detail: str) -> None:
        now = self._monotonic()
        last = self._alerted.get((host, kind))
        if last is not None and now - last < ALERT_REPEAT_S:
            return
        if len(self._alerted) > 1000:  # only booth addresses get here; keep it small anyway
            self._alerted = {k: t for k, t in self._alerted.items() if now - t < ALERT_REPEAT_S}
        self._alerted[(host, kind)] = now
        self._refusals.count("alerts")
        alert = SipAlert(
            host,
            booths,
            kind,
            f"{detail}; not banned (a booth's own address), rate-limited instead",
        )
        log.error("%s", alert)
        if self._alert is not None:
            try:
                self._alert(alert)
            except Exception:
                log.exception("SIP alert handler failed on %s", alert)

    def _lift(self, host: str) -> None:
        del self._banned_until[host]
        dropped = self._dropped.pop(host, 0)
        self._refusals.note(
            "ban_lifted",
            host,
            "SIP ban of %s lifted; %d datagrams were dropped during the ban",
            host,
            dropped,
        )
