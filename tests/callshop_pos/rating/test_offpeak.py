"""Off-peak windows: weekdays, weekends, windows running past midnight, bad specs."""

from __future__ import annotations

from datetime import datetime

import pytest

from callshop_pos.rating import OffPeakError, OffPeakSchedule

SPEC = "Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00"
SCHEDULE = OffPeakSchedule.parse(SPEC)


def _at(day: int, hhmm: str) -> datetime:
    """2026-03-02 is a Monday; ``day`` 0..6 = Mon..Sun of that week (7 = next Monday)."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 3, 2 + day, hours, minutes)


@pytest.mark.parametrize(
    ("day", "time", "offpeak"),
    [
        (0, "12:00", False),  # Monday noon
        (0, "19:59", False),
        (0, "20:00", True),  # window opens on the minute
        (0, "23:59", True),
        (1, "00:00", True),  # Monday's window runs past midnight into Tuesday
        (1, "07:59", True),
        (1, "08:00", False),  # and closes at its end
        # Monday early morning: Sunday's window ends at 24:00 and Monday's starts at
        # 20:00 — the days named are the days a window starts on, so this is peak.
        (0, "07:59", False),
        (4, "21:00", True),  # Friday evening
        (5, "07:00", True),  # Saturday early: Friday's window and Saturday's whole day
        (5, "12:00", True),  # Saturday
        (6, "23:59", True),  # Sunday
    ],
)
def test_standard_schedule(day: int, time: str, offpeak: bool) -> None:
    assert SCHEDULE.is_offpeak(_at(day, time)) is offpeak


def test_days_named_are_the_days_a_window_starts_on() -> None:
    schedule = OffPeakSchedule.parse("Fri 20:00-08:00")
    assert schedule.is_offpeak(_at(4, "20:00"))
    assert schedule.is_offpeak(_at(5, "07:59"))  # Saturday morning, Friday's window
    assert not schedule.is_offpeak(_at(5, "20:00"))  # Saturday's evening is not named
    assert not schedule.is_offpeak(_at(4, "07:59"))  # Thursday's night is not named
    # A whole-day window ends at midnight; it does not run into the next day.
    assert not OffPeakSchedule.parse("Sat-Sun 00:00-24:00").is_offpeak(_at(0, "00:00"))


def test_sunday_window_wraps_into_monday() -> None:
    schedule = OffPeakSchedule.parse("Sun 22:00-06:00")
    assert schedule.is_offpeak(_at(6, "23:00"))
    assert schedule.is_offpeak(_at(7, "05:59"))
    assert not schedule.is_offpeak(_at(7, "06:00"))


def test_wrapping_day_ranges_daily_and_names() -> None:
    assert OffPeakSchedule.parse("Fri-Mon 12:00-13:00").is_offpeak(_at(0, "12:30"))
    assert not OffPeakSchedule.parse("Fri-Mon 12:00-13:00").is_offpeak(_at(1, "12:30"))
    daily = OffPeakSchedule.parse("Daily 22:00-06:00")
    assert all(daily.is_offpeak(_at(day, "23:00")) for day in range(7))
    assert OffPeakSchedule.parse("saturday 09:30-10:00").is_offpeak(_at(5, "09:45"))
    assert OffPeakSchedule.parse("Mon-Fri 20:00-08:00; Sat-Sun 00:00-24:00").windows


def test_empty_spec_means_no_offpeak() -> None:
    schedule = OffPeakSchedule.parse("  ")
    assert not schedule
    assert not any(schedule.is_offpeak(_at(day, "23:00")) for day in range(7))


@pytest.mark.parametrize(
    "spec",
    [
        "Mon-Fri 20:00",
        "Mon-Fri 20:00-25:00",
        "Mon-Fri 20:60-08:00",
        "Mon-Fri 24:00-08:00",
        "Mon-Fri 24:30-08:00",
        "Funday 20:00-08:00",
        "Mo 20:00-08:00",
        "Mon-Fri 08:00-08:00",
        "Mon-Fri 20:00-08:00,",
        "20:00-08:00",
        "Mon-Fri-Sat 20:00-08:00",
    ],
)
def test_bad_specs_are_explained(spec: str) -> None:
    with pytest.raises(OffPeakError, match="off-peak"):
        OffPeakSchedule.parse(spec)
