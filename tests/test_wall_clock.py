"""The Sunday-night harness (tests/wall_clock) and the tests it once caught.

The whole suite is run under ``CALLSHOP_TEST_NOW`` by hand (a Sunday night, a DST
change: see docs/testing.md); here the harness itself is pinned, and the tests that used
to read the machine's clock run on a Sunday night and on a DST night in every run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import wall_clock

ROOT = Path(__file__).resolve().parent.parent


def _env(now: str) -> dict[str, str]:
    """A fresh traveller's environment: not the travel of a run this one may be part of
    (its start time, its sitecustomize on PYTHONPATH)."""
    drop = {"PYTEST_ADDOPTS", "PYTHONPATH", wall_clock.ENV_LEFT_AT}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env[wall_clock.ENV] = now
    return env


def test_destination_is_local_time_in_the_named_zone() -> None:
    when = wall_clock.destination("2026-12-13T23:30:00 Europe/Sofia")
    assert when == datetime(2026, 12, 13, 23, 30, tzinfo=ZoneInfo("Europe/Sofia"))
    assert when.weekday() == 6  # a Sunday


@pytest.mark.parametrize(
    "value", ["2026-12-13T23:30:00", "yesterday Europe/Sofia", "2026-12-13T23:30:00 Mars/Olympus"]
)
def test_a_malformed_destination_is_refused_in_words(value: str) -> None:
    with pytest.raises(SystemExit, match="CALLSHOP_TEST_NOW"):
        wall_clock.destination(value)


def test_child_processes_travel_too() -> None:
    env = _env("2026-12-13T23:30:00 Europe/Sofia")
    env["PYTHONPATH"] = str(wall_clock.SITE_DIR)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time, datetime; t = time.localtime();"
            "print(datetime.date.today().isoformat(), t.tm_hour, time.tzname[0])",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out == ["2026-12-13", "23", "EET"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "now",
    [
        "2026-12-13T23:30:00 Europe/Sofia",  # Sunday night: off-peak everywhere
        "2026-03-29T02:59:50 Europe/Sofia",  # ten seconds before the spring DST change
    ],
)
def test_the_clock_sensitive_tests_pass_on_any_night(now: str) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "tests/drivers/test_simulator.py",
            "tests/test_wall_clock.py::test_destination_is_local_time_in_the_named_zone",
        ],
        env=_env(now),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


@pytest.mark.parametrize("copy", ["a", "b"])  # two, so that each of two workers runs one
def test_this_process_is_on_the_runs_wall_clock(copy: str) -> None:
    """The process running this test (the only one, or one of the parallel workers) is on
    the run's wall clock: the machine's own, or CALLSHOP_TEST_NOW's when the run travels."""
    del copy
    import time_machine

    hatch = time_machine.escape_hatch
    value = os.environ.get(wall_clock.ENV)
    if not value:
        assert not hatch.is_travelling()
        return
    assert hatch.is_travelling()
    since_left = hatch.time.time() - float(os.environ[wall_clock.ENV_LEFT_AT])
    expected = wall_clock.destination(value) + timedelta(seconds=since_left)
    now = datetime.now().astimezone()
    assert abs((now - expected).total_seconds()) < 5, (now, expected)
    assert now.utcoffset() == expected.utcoffset()
    assert time.localtime().tm_zone == expected.tzname()


@pytest.mark.slow
def test_parallel_workers_travel_with_the_run() -> None:
    """A travelled run on parallel workers (as the whole suite runs): every worker is on
    the travelled clock, not only the process that started them."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:randomly",
            "-n",
            "2",
            "--dist",
            "load",
            "tests/test_wall_clock.py::test_this_process_is_on_the_runs_wall_clock",
        ],
        env=_env("2026-12-13T23:30:00 Europe/Sofia"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout, run.stdout[-3000:]
    workers = set(re.findall(r"^\[(gw\d+)\] .*PASSED", run.stdout, re.MULTILINE))
    assert workers == {"gw0", "gw1"}, run.stdout[-3000:]
