"""Off-peak time bands, e.g. ``Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00``.

A window is ``DAYS HH:MM-HH:MM``. ``DAYS`` is a day (``Mon``), a range (``Mon-Fri``,
``Fri-Mon`` wraps over the week end) or ``Daily``. The days named are the days the
window *starts* on; a window whose end is before its start runs past midnight into
the next day (``Fri 20:00-08:00`` covers Friday 20:00 to Saturday 08:00). ``24:00``
is the end of the day. Windows are separated by commas (or semicolons); an empty
spec means "no off-peak band".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from callshop_pos.errors import InvalidInput

__all__ = ["MINUTES_PER_WEEK", "OffPeakError", "OffPeakSchedule", "OffPeakWindow"]

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_WINDOW = re.compile(
    r"^(?P<days>[A-Za-z]+(?:\s*-\s*[A-Za-z]+)?)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


class OffPeakError(InvalidInput):
    """An off-peak spec could not be read (the message names the bad window)."""


@dataclass(frozen=True)
class OffPeakWindow:
    """One window: weekdays it starts on (0 = Monday) and start/end minute of the day."""

    days: frozenset[int]
    start: int
    end: int

    def minutes_of_week(self) -> list[int]:
        """Every minute of the week (0 = Monday 00:00) this window covers."""
        length = (
            self.end - self.start
            if self.end > self.start
            else MINUTES_PER_DAY - self.start + self.end
        )
        covered: list[int] = []
        for day in sorted(self.days):
            begin = day * MINUTES_PER_DAY + self.start
            covered.extend((begin + m) % MINUTES_PER_WEEK for m in range(length))
        return covered


_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(name: str, window: str) -> int:
    """0 for Monday … 6 for Sunday; ``Mon``, ``mon``, ``Monday`` and ``Tues`` all work."""
    key = name.strip().lower()
    if len(key) >= 3:
        for index, full in enumerate(_FULL_DAY_NAMES):
            if full.startswith(key):
                return index
    raise OffPeakError(f"off-peak window {window!r}: unknown day {name.strip()!r} (use Mon … Sun)")


def _minute(text: str, window: str, *, is_end: bool) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if minutes >= 60 or hours > 24 or (hours == 24 and (minutes or not is_end)):
        raise OffPeakError(f"off-peak window {window!r}: bad time {text!r}")
    return hours * 60 + minutes


def _parse_window(text: str) -> OffPeakWindow:
    match = _WINDOW.match(text)
    if match is None:
        raise OffPeakError(
            f"off-peak window {text!r} not understood (expected e.g. 'Mon-Fri 20:00-08:00')"
        )
    days_text = match["days"]
    if days_text.strip().lower() in ("daily", "all"):
        days = frozenset(range(7))
    elif "-" in days_text:
        first_name, last_name = days_text.split("-")
        first, last = _day(first_name, text), _day(last_name, text)
        days = frozenset((first + i) % 7 for i in range((last - first) % 7 + 1))
    else:
        days = frozenset({_day(days_text, text)})
    start = _minute(match["start"], text, is_end=False)
    end = _minute(match["end"], text, is_end=True)
    if start == end:
        raise OffPeakError(
            f"off-peak window {text!r} is empty (start equals end; for a whole day use 00:00-24:00)"
        )
    return OffPeakWindow(days, start, end)


@dataclass(frozen=True)
class OffPeakSchedule:
    """The off-peak windows of the week; ask :meth:`is_offpeak` with a local time."""

    windows: tuple[OffPeakWindow, ...] = ()
    spec: str = ""
    # One flag per minute of the week: window edges are whole minutes, so the
    # minute an answer time falls in decides its band exactly.
    _minutes: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        flags = bytearray(MINUTES_PER_WEEK)
        for window in self.windows:
            for minute in window.minutes_of_week():
                flags[minute] = 1
        object.__setattr__(self, "_minutes", bytes(flags))

    @classmethod
    def parse(cls, spec: str) -> OffPeakSchedule:
        """Read a spec like ``Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00``; raise OffPeakError."""
        parts = [part.strip() for part in re.split(r"[,;]", spec)]
        if not any(parts):
            return cls((), "")
        if not all(parts):
            raise OffPeakError(f"off-peak spec {spec!r} has an empty window (stray comma?)")
        return cls(tuple(_parse_window(part) for part in parts), spec.strip())

    def minute_is_offpeak(self, minute_of_week: int) -> bool:
        """Whether the minute ``minute_of_week`` (0 = Monday 00:00 local) is off-peak."""
        return bool(self._minutes[minute_of_week])

    @property
    def flags(self) -> bytes:
        """One byte per minute of the week (0 = Monday 00:00), 1 when off-peak."""
        return self._minutes

    def is_offpeak(self, local: datetime) -> bool:
        """Whether the local wall-clock time ``local`` falls in an off-peak window."""
        return bool(
            self._minutes[local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute]
        )

    def __bool__(self) -> bool:
        return bool(self.windows)
