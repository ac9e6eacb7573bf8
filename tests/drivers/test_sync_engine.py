"""End to end: ``callshop-pos engine`` with the simulator fills a shift, the shift is
closed through the service layer, and the engine's sender delivers it to a real central
process, which holds it with the till's figures; the engine's heartbeat shows the
booths; a rewritten till chain is flagged centrally and by ``callshop-pos verify``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import SystemClock
from callshop_pos.db.models.calls import Call, CallState
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift, shift_calls
from tests.drivers.engine_support import ROOT, data_dir, engine_cmd, prepare_shop
from tests.drivers.sync_support import SHOP, central_shift, compare, rewrite_chain, running_central

pytestmark = pytest.mark.slow

SCENARIO = """booth,start,number,ring,talk
Booth A,0,0049 30 1234567,2,65
Booth A,80,0044 20 7946 0123,2,37
Booth B,1,02 987 6543,2,30
Booth B,40,001 212 555 0100,2,95
Booth C,5,0049 171 2345678,3,0
"""


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_engine_delivers_a_closed_shift_to_central(tmp_path: Path) -> None:
    prep = prepare_shop(data_dir())
    shop, admin, olga = prep.seeded.shop, prep.seeded.admin, prep.seeded.operator
    shop.close()
    shop = Shop.open(prep.url, clock=SystemClock())
    scenario = tmp_path / "scenario.csv"
    scenario.write_text(SCENARIO)
    with running_central(tmp_path) as central:
        update_settings(
            shop, admin, central_url=central.url, central_shop=SHOP, central_token=central.token
        )
        open_shift(shop, olga, 2000)
        env = dict(os.environ, CALLSHOP_SYNC_POLL_S="0.2")
        engine = subprocess.Popen(
            engine_cmd("--scenario", str(scenario), "--speed", "50"),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:

            def recorded() -> bool:
                with shop.db.read() as s:
                    done = s.scalar(
                        select(func.count(Call.id)).where(Call.state == CallState.FINISHED.value)
                    )
                return done == 5

            wait_for(recorded, "the simulator's five calls")
            calls = shift_calls(shop, olga)
            assert len(calls) == 4  # answered; the unanswered one is an attempt
            pay_calls(shop, olga, [calls[0].id, calls[1].id], 10_000)
            z = close_shift(shop, olga, 2000 + calls[0].price_minor + calls[1].price_minor)  # type: ignore[operator]

            def held() -> list[str]:
                return [r[0] for r in central.rows("SELECT shift_uuid FROM shifts")]

            wait_for(lambda: len(held()) == 1, "central to hold the shift", timeout=60)
            assert (
                compare(shop, admin, lambda u: central_shift(central.url, central.token, u), held())
                == 1
            )
            [uuid] = held()
            sent = central_shift(central.url, central.token, uuid)
            assert sent.cash_minor == z.summary.cash_minor > 0
            assert sent.discrepancy_minor == 0 and len(sent.calls) == 5
            # the engine's heartbeat: the booths it serves
            wait_for(lambda: bool(central.rows("SELECT payload FROM heartbeats")), "heartbeat")
            [payload] = central.rows("SELECT payload FROM heartbeats")
            beat = json.loads(payload[0])
            assert {b["booth"] for b in beat["booths"]} >= {"Booth A", "Booth B", "Booth C"}

            # someone rewrites the till's history consistently (hashes recomputed) …
            rewrite_chain(shop, from_seq=5)
            open_shift(shop, olga, 0)
            close_shift(shop, olga, 0)
            wait_for(lambda: len(held()) == 2, "central to hold the second shift")
            # … central accepts the next shift but flags it
            assert [r[0] for r in central.rows("SELECT kind FROM incidents")] == ["chain_break"]
            verify = subprocess.run(
                [sys.executable, str(ROOT / "main.py"), "--db", prep.url, "verify"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert verify.returncode == 3, verify.stdout + verify.stderr
            assert "another hash" in verify.stderr
        finally:
            if engine.poll() is None:
                engine.send_signal(signal.SIGTERM)
            _, err = engine.communicate(timeout=60)
            shop.close()
        assert engine.returncode == 0, err
