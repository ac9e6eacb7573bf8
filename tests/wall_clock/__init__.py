"""Run the suite as if the machine's wall clock were somewhere else.

``CALLSHOP_TEST_NOW="2026-12-13T23:30:00 Europe/Sofia" python -m pytest`` moves the wall
clock (``time.time``, ``datetime.now``, ``localtime`` ...) of the test process and of every
Python process it starts to that local time in that zone, ticking from there, and sets
the machine's time zone (``TZ``) to the zone. Monotonic clocks and sleeps are untouched,
so threads, timeouts and real peers behave as usual.

No test may depend on the machine's date, weekday, time of day or time zone; this is how
that is checked (a Sunday night, a DST change). libfaketime cannot do it here: under it
Python's ``threading`` waits never return. ``time-machine`` patches CPython's time
functions instead.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ENV = "CALLSHOP_TEST_NOW"
#: Set by the first process that travels: the real time (epoch seconds) it left at.
ENV_LEFT_AT = "CALLSHOP_TEST_NOW_LEFT_AT"
# The folder with the sitecustomize.py that starts the same travel in child processes.
SITE_DIR = Path(__file__).with_name("site")


def destination(value: str) -> datetime:
    """``"YYYY-MM-DDTHH:MM[:SS] Zone/Name"`` → an aware datetime in that zone."""
    try:
        local, zone = value.split()
        return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    except (ValueError, KeyError) as error:
        raise SystemExit(
            f"{ENV}={value!r}: expected 'YYYY-MM-DDTHH:MM:SS Zone/Name' ({error})"
        ) from None


def start_from_env() -> bool:
    """Start travelling if :data:`ENV` is set (idempotent per process)."""
    value = os.environ.get(ENV)
    if not value or getattr(start_from_env, "_started", False):
        return False
    # A test-only dependency, loaded only when asked.
    import time_machine

    target = destination(value)
    # One wall clock for the whole process tree: a child started later is as far past
    # the destination as the real clock is past the moment the first process left.
    real_now = time.time()
    left = os.environ.setdefault(ENV_LEFT_AT, repr(real_now))
    target += timedelta(seconds=max(0.0, real_now - float(left)))
    os.environ["TZ"] = str(target.tzinfo)
    time_machine.travel(target, tick=True).start()
    start_from_env._started = True  # type: ignore[attr-defined]
    return True


def export_to_children() -> None:
    """Make every Python child process (engine, CLI) travel the same way."""
    paths = [str(SITE_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
