"""SIGKILL the engine at random moments of a 300-call scenario, restart it each time:
every call is recorded exactly once and the money matches an independent computation."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.support import ADMIN_PASSWORD
from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    expected_price,
    prepare_shop,
    recorded_calls,
    run_engine,
)

NUMBERS = (
    "0049 30 1234567",
    "001 212 555 0100",
    "02 987 6543",
    "0888 123 456",
    "0044 20 7946 0123",
)
BOOTHS = 10
CALLS_PER_BOOTH = 30
SPEED = "100"


def make_scenario(rng: random.Random) -> tuple[str, dict[int, tuple[str, int]]]:
    lines = ["booth,start,number,ring,talk"]
    plan: dict[int, tuple[str, int]] = {}  # file line -> (number, talk)
    rows: list[tuple[str, int, str, int, int]] = []
    for b in range(1, BOOTHS + 1):
        t = rng.randint(0, 5)
        for _ in range(CALLS_PER_BOOTH):
            ring = rng.randint(1, 6)
            talk = 0 if rng.random() < 0.15 else rng.randint(1, 60)
            rows.append((f"K{b}", t, rng.choice(NUMBERS), ring, talk))
            t += ring + talk + rng.randint(1, 3)
    for n, (booth, start, number, ring, talk) in enumerate(rows, start=2):
        lines.append(f"{booth},{start},{number},{ring},{talk}")
        plan[n] = (number, talk)
    return "\n".join(lines) + "\n", plan


def kill_mid_run(scenario: Path, delay: float) -> None:
    proc = subprocess.Popen(
        engine_cmd("--scenario", str(scenario), "--speed", SPEED, "--exit-when-done"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("engine: serving"):
                break
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rng = random.Random(20260105)
    text, plan = make_scenario(rng)
    assert len(plan) == 300
    scenario = tmp_path / "traffic.csv"
    scenario.write_text(text)
    prep = prepare_shop(data_dir())
    shift = open_shift(prep.seeded.shop, prep.seeded.admin, 5000).shift.id
    prep.seeded.shop.close()

    # Two kills at random moments, then a run to the end (each start costs seconds of
    # imports and migration checks, so more kills mostly add start-up time).
    for _ in range(2):
        kill_mid_run(scenario, rng.uniform(0.3, 3.0))
    final = run_engine(
        "--scenario", str(scenario), "--speed", SPEED, "--exit-when-done", timeout=120
    )
    assert final.returncode == 0, final.stderr

    calls = recorded_calls(prep.url)
    by_line = {int(c.call_ref.rsplit("-", 1)[1]): c for c in calls}
    assert len(calls) == len(by_line) == 300  # each scripted call exactly once
    assert set(by_line) == set(plan)
    interrupted = 0
    expected_total = 0
    for line, (number, talk) in plan.items():
        call = by_line[line]
        assert call.state == "finished", line
        if "interrupted" in call.flag_list:
            interrupted += 1
            assert call.end_reason == "interrupted"
            # Ended at the last heartbeat, which never passes a hang-up still queued:
            # the customer is never billed beyond the real end.
            assert call.duration_s <= talk, (line, call.duration_s, talk)
            if call.answered_at is None:
                assert call.price_minor is None
                continue
        elif talk == 0:
            assert call.answered_at is None and call.end_reason == "no_answer", line
            continue
        else:
            assert call.duration_s == talk and call.end_reason == "normal", line
        price = expected_price(number, call.duration_s)
        assert call.price_minor == price, (line, number, call.duration_s)
        assert price is not None
        expected_total += price
    assert interrupted >= 1  # the kills did land mid-call
    assert sum(c.price_minor or 0 for c in calls) == expected_total

    # The shift report shows every answered call once, with its flags.
    shown = subprocess.run(
        [*engine_cmd()[:2], "shifts", "show", str(shift), "--format", "json", "--user", "admin"],
        cwd=ROOT,
        input=ADMIN_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    answered = [c for c in calls if c.answered_at is not None]
    assert report["call_count"] == len(answered)
    flagged = {c["id"]: c["flags"] for c in report["calls"]}
    for call in answered:
        assert flagged[call.id] == call.flag_list
    assert sum(1 for f in flagged.values() if "interrupted" in f) >= 1
