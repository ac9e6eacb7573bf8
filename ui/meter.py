"""The live meter of a talking booth, computed in the window from the snapshot.

The engine sends a snapshot when something changes, not every tick; between
snapshots the window prices the elapsed talk time itself with the shop's
:class:`~callshop_pos.rating.Rater` — the same integer routine the engine uses for
the final price — so the tile ticks smoothly and never disagrees with the bill.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from callshop_pos.clock import Clock
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.rating import PriceEntry, Rater

__all__ = ["LiveMeter"]


class LiveMeter:
    """``meter(snapshot, elapsed)`` → running price in minor units (None = unrated)."""

    def __init__(self, rater: Callable[[], Rater], clock: Clock) -> None:
        self._rater = rater
        self._clock = clock
        self._entries: dict[tuple[int, str], PriceEntry | None] = {}

    def __call__(self, snapshot: BoothSnapshot, elapsed: float) -> int | None:
        number = snapshot.number
        if not number:
            return snapshot.price_minor
        rater = self._rater()
        key = (id(rater), number)
        if key not in self._entries:
            if len(self._entries) > 512:
                self._entries.clear()
            self._entries[key] = rater.resolve(number).entry
        entry = self._entries[key]
        if entry is None:
            return snapshot.price_minor
        seconds = int(elapsed)
        answered = self._clock.now() - timedelta(seconds=seconds)
        charge = rater.price_for(entry, answered, seconds)
        if charge is None:
            return snapshot.price_minor
        # Never show less than the engine last said (it knows the exact answer time).
        if snapshot.price_minor is not None and snapshot.elapsed_s >= seconds:
            return snapshot.price_minor
        return charge.price_minor
