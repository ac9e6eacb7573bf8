"""The location service: which booth's ATA is registered, from where, until when.

sippy has no registrar; this is ours. One binding per booth (a booth is one analogue
port of one ATA). Used only from the SIP loop thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Binding", "Registrar"]


@dataclass(frozen=True, slots=True)
class Binding:
    booth: str
    contact: str  # the Contact URI the ATA registered
    source: tuple[str, int]  # where the REGISTER came from (what NAT keep-alives refresh)
    expires_at: float  # on the driver clock's monotonic scale
    user_agent: str = ""


class Registrar:
    def __init__(self, monotonic: Callable[[], float], grace_s: float) -> None:
        self._monotonic = monotonic
        self._grace_s = grace_s
        self._bindings: dict[str, Binding] = {}

    def register(
        self, booth: str, contact: str, source: tuple[str, int], expires_s: int, user_agent: str
    ) -> bool:
        """Store or refresh the booth's binding; True if it is new or moved (worth an event)."""
        old = self._bindings.get(booth)
        self._bindings[booth] = Binding(
            booth, contact, source, self._monotonic() + expires_s, user_agent
        )
        return old is None or old.contact != contact or old.source != source

    def unregister(self, booth: str) -> bool:
        """Remove the binding; True if there was one."""
        return self._bindings.pop(booth, None) is not None

    def binding(self, booth: str) -> Binding | None:
        return self._bindings.get(booth)

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
        return gone

    def __len__(self) -> int:
        return len(self._bindings)
