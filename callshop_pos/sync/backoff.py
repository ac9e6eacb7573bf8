"""Exponential back-off with full jitter (capped, reset on success).

The delay before retry *n* (n = 0, 1, …) is drawn uniformly from
``[0, min(cap, base × 2ⁿ)]`` ("full jitter"): many tills coming back online at the
same moment do not hammer central in lock step.
"""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["Backoff"]


class Backoff:
    """Delays for consecutive failures; :meth:`reset` after a success."""

    def __init__(
        self,
        *,
        base_s: float = 1.0,
        cap_s: float = 300.0,
        uniform: Callable[[float, float], float] | None = None,
    ) -> None:
        if base_s <= 0 or cap_s < base_s:
            raise ValueError("need 0 < base_s <= cap_s")
        self.base_s = base_s
        self.cap_s = cap_s
        self._uniform = uniform if uniform is not None else random.SystemRandom().uniform
        self.failures = 0

    def ceiling(self) -> float:
        """The largest delay the next failure may draw."""
        # 2**n grows without bound; stop doubling once past the cap (no huge ints).
        exponent = min(self.failures, 62)
        return float(min(self.cap_s, self.base_s * (2**exponent)))

    def next_delay(self, at_least_s: float = 0.0) -> float:
        """Record one more failure and return the delay before the next try.

        ``at_least_s`` is a lower bound asked by the server (``Retry-After``), still
        capped so a bad header cannot stop the till's deliveries for days.
        """
        delay = self._uniform(0.0, self.ceiling())
        self.failures += 1
        return min(self.cap_s, max(delay, at_least_s))

    def reset(self) -> None:
        self.failures = 0
