"""The location service: which booth's ATA is registered, from where, until when.

sippy has no registrar; this is ours. One binding per booth (a booth is one analogue
port of one ATA). Used only from the SIP loop thread.

With a ``store`` file the bindings outlive the engine: every change is written to it
atomically (wall-clock expiry times), and a new engine restores the bindings that have
not run out — so after a restart a booth shows registered at once instead of offline
until its ATA's next REGISTER (up to ``max_expires_s``). A missing, unreadable or
malformed file is logged and ignored: it never stops the engine.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["Binding", "Registrar", "StoredBinding", "load_bindings"]

log = logging.getLogger("drivers.sip")
_STORE_VERSION = 1


@dataclass(frozen=True, slots=True)
class StoredBinding:
    """A binding read back from the store: what to restore and for how long."""

    booth: str
    contact: str
    source: tuple[str, int]
    remaining_s: float
    user_agent: str


def load_bindings(path: Path, now: datetime) -> list[StoredBinding]:
    """The stored bindings that have not expired at ``now`` (aware); [] on any problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("SIP: ignoring the stored registrations in %s (%s)", path, exc)
        return []
    try:
        if data.get("version") != _STORE_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        found = []
        for item in data["bindings"]:
            host, port = item["source"]
            remaining = (datetime.fromisoformat(item["expires_at"]) - now).total_seconds()
            if remaining > 0:
                found.append(
                    StoredBinding(
                        str(item["booth"]), str(item["contact"]), (str(host), int(port)),
                        remaining, str(item.get("user_agent", "")),
                    )
                )  # fmt: skip
        return found
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("SIP: ignoring the stored registrations in %s (%s)", path, exc)
        return []


@dataclass(frozen=True, slots=True)
class Binding:
    booth: str
    contact: str  # the Contact URI the ATA registered
    source: tuple[str, int]  # where the REGISTER came from (what NAT keep-alives refresh)
    expires_at: float  # on the driver clock's monotonic scale
    user_agent: str = ""


class Registrar:
    def __init__(
        self,
        monotonic: Callable[[], float],
        grace_s: float,
        *,
        store: Path | None = None,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self._monotonic = monotonic
        self._grace_s = grace_s
        self._bindings: dict[str, Binding] = {}
        self._store = store
        self._wall = wall

    def restore(self, stored: StoredBinding) -> None:
        """Put back a binding from the store (it expires when it would have)."""
        self._bindings[stored.booth] = Binding(
            stored.booth, stored.contact, stored.source,
            self._monotonic() + stored.remaining_s, stored.user_agent,
        )  # fmt: skip

    def save(self) -> None:
        """Write every binding to the store atomically (nothing without a store)."""
        if self._store is None or self._wall is None:
            return
        now, mono = self._wall(), self._monotonic()
        items: list[dict[str, Any]] = [
            {
                "booth": b.booth,
                "contact": b.contact,
                "source": list(b.source),
                "expires_at": (now + _seconds(b.expires_at - mono)).isoformat(),
                "user_agent": b.user_agent,
            }
            for b in self._bindings.values()
        ]
        text = json.dumps({"version": _STORE_VERSION, "bindings": items}, indent=1)
        tmp = self._store.with_name(self._store.name + ".tmp")
        try:
            # Owner only (0600): booth contacts and addresses; no umask decides that.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                os.fchmod(out.fileno(), 0o600)  # a leftover .tmp keeps its old mode
                out.write(text)
            os.replace(tmp, self._store)
        except OSError as exc:
            log.warning("SIP: could not store the registrations in %s (%s)", self._store, exc)

    def register(
        self, booth: str, contact: str, source: tuple[str, int], expires_s: int, user_agent: str
    ) -> bool:
        """Store or refresh the booth's binding; True if it is new or moved (worth an event)."""
        old = self._bindings.get(booth)
        self._bindings[booth] = Binding(
            booth, contact, source, self._monotonic() + expires_s, user_agent
        )
        self.save()
        return old is None or old.contact != contact or old.source != source

    def unregister(self, booth: str) -> bool:
        """Remove the binding; True if there was one."""
        gone = self._bindings.pop(booth, None) is not None
        if gone:
            self.save()
        return gone

    def binding(self, booth: str) -> Binding | None:
        return self._bindings.get(booth)

    def booths_at(self, host: str) -> tuple[str, ...]:
        """The booths registered from ``host`` (any port)."""
        return tuple(b.booth for b in self._bindings.values() if b.source[0] == host)

    def remaining_s(self, booth: str) -> int:
        found = self._bindings.get(booth)
        if found is None:
            return 0
        return max(0, round(found.expires_at - self._monotonic()))

    def expire(self) -> list[Binding]:
        """Drop and return the bindings that ran out (plus the grace period)."""
        now = self._monotonic()
        gone = [b for b in self._bindings.values() if b.expires_at + self._grace_s <= now]
        for binding in gone:
            del self._bindings[binding.booth]
        if gone:
            self.save()
        return gone

    def __len__(self) -> int:
        return len(self._bindings)


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=max(0.0, value))
