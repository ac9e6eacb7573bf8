"""The clock port: every piece of the core asks an injected clock for the time.

Times are stored in UTC (timezone-aware ``datetime``) and shown in local time.
Tests use :class:`FakeClock`; the simulator's ``--speed F`` uses :class:`ScaledClock`.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "ScaledClock", "SystemClock", "format_duration", "utc"]


def utc(dt: datetime) -> datetime:
    """Return ``dt`` as an aware UTC datetime (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def format_duration(seconds: float) -> str:
    """Talk time as shown everywhere (till, receipts, reports, command line): ``245`` →
    ``"4:05"``, ``3725`` → ``"1:02:05"``; whole seconds, truncated, never negative."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a monotonic scale of this clock (for timers and elapsed time)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class SystemClock:
    """Wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ScaledClock:
    """A clock that runs ``speed`` times faster than real time, from ``start``."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._t0_real = time.monotonic()
        self._t0 = utc(start) if start is not None else datetime.now(UTC)

    def monotonic(self) -> float:
        return (time.monotonic() - self._t0_real) * self.speed

    def now(self) -> datetime:
        return self._t0 + timedelta(seconds=self.monotonic())

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


class FakeClock:
    """A clock that only moves when told to (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = utc(start) if start is not None else datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._mono = 0.0

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds

    def set(self, when: datetime) -> None:
        with self._lock:
            delta = (utc(when) - self._now).total_seconds()
            self._now = utc(when)
            self._mono += max(delta, 0.0)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
