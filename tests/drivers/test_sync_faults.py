"""Faults between the till and a real central process (uvicorn), each ending with the
comparison of till and central figures: every closed shift exactly once, the Z's totals.

The central service runs as ``python -m central serve`` on 127.0.0.1; a TCP proxy in
front of it refuses, stalls, answers 500 or cuts the answer off after central stored
the request. Central itself is killed (-9) and started again; ``callshop-pos sync
push`` runs as two processes at once and is killed mid-request.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.services import outbox
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, open_shift
from callshop_pos.sync.backoff import Backoff
from callshop_pos.sync.sender import Sender
from callshop_pos.sync.status import sync_status
from drivers.sync_http import HttpTransport
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import make_shop
from tests.drivers.sync_support import (
    ROOT,
    CentralProcess,
    FaultProxy,
    central_shift,
    compare,
)

pytestmark = pytest.mark.slow


@dataclass
class Rig:
    shop: Shop
    admin: Actor
    operator: Actor
    central: CentralProcess
    proxy: FaultProxy
    db_url: str
    code: str
    token: str

    def sender(self, timeout: float = 2.0) -> Sender:
        return Sender(
            self.shop,
            lambda link: HttpTransport(link.url, timeout=timeout),
            backoff=Backoff(base_s=0.01, cap_s=0.05),
        )

    def held(self) -> list[str]:
        return [
            r[0]
            for r in self.central.rows(
                "SELECT shift_uuid FROM shifts JOIN shops ON shops.id = shifts.shop_id "
                f"WHERE shops.code = '{self.code}'"
            )
        ]

    def incidents(self) -> int:
        return len(
            self.central.rows(
                "SELECT incidents.id FROM incidents JOIN shops ON shops.id = incidents.shop_id "
                f"WHERE shops.code = '{self.code}'"
            )
        )

    def compare(self) -> int:
        return compare(
            self.shop,
            self.admin,
            lambda u: central_shift(self.central.url, self.token, u, shop=self.code),
            self.held(),
        )

    def close_shift(self, price: int = 100) -> None:
        open_shift(self.shop, self.operator, 0)
        record_call(self.shop, price)
        record_call(self.shop, price + 7, booth="B2")
        close_shift(self.shop, self.operator, 0)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralProcess]:
    """One real central process for the module (tests that kill it start it again)."""
    process = CentralProcess(tmp_path_factory.mktemp("central"))
    process.start()
    try:
        yield process
    finally:
        process.stop()


_codes = iter(range(1, 1000))


@pytest.fixture
def rig(tmp_path: Path, central: CentralProcess) -> Iterator[Rig]:
    if central.proc is None or central.proc.poll() is not None:
        central.start()
    code = f"fault-{next(_codes)}"
    token = central.add_shop(code)
    proxy = FaultProxy(central.port)
    db_url = f"sqlite:///{tmp_path / 'shop.db'}"
    seeded = make_shop(db_url, FakeClock())
    update_settings(
        seeded.shop, seeded.admin, central_url=proxy.url, central_shop=code, central_token=token
    )
    try:
        yield Rig(seeded.shop, seeded.admin, seeded.operator, central, proxy, db_url, code, token)
    finally:
        seeded.shop.close()
        proxy.close()


def test_down_500_timeout_lost_answer_then_catch_up(rig: Rig) -> None:
    sender = rig.sender()
    for mode in ("refuse", "http500", "stall", "cut-answer"):
        rig.proxy.mode = mode
        rig.close_shift()
        report = sender.deliver()
        assert report.failed and report.delivered == [], mode
    # central stored the shift whose answer was cut off; the till does not know yet
    assert len(rig.held()) == 1
    status = sync_status(rig.shop)
    assert status.pending == 4 and status.error_is_current
    rig.proxy.mode = "pass"
    report = sender.deliver()
    assert len(report.delivered) == 4 and not report.failed
    assert rig.compare() == 4


def test_central_killed_and_restarted(rig: Rig) -> None:
    sender = rig.sender()
    rig.close_shift(100)
    assert len(sender.deliver().delivered) == 1
    rig.central.kill()
    rig.close_shift(200)
    rig.close_shift(300)
    report = sender.deliver()
    assert report.failed and "unreachable" in (report.error or "")
    rig.central.start()
    assert len(sender.deliver().delivered) == 2
    assert rig.compare() == 3


def test_central_killed_mid_request(rig: Rig) -> None:
    """The request reaches central, which dies before answering (stalled proxy, then
    kill -9): whatever central committed, the resend makes it exactly once."""
    rig.close_shift()
    rig.proxy.mode = "stall"
    sender = rig.sender(timeout=3.0)
    import threading

    result: list[object] = []
    t = threading.Thread(target=lambda: result.append(sender.deliver()))
    t.start()
    time.sleep(0.5)
    rig.central.kill()
    t.join(30)
    assert result and result[0].failed  # type: ignore[attr-defined]
    rig.central.start()
    rig.proxy.mode = "pass"
    assert len(rig.sender().deliver().delivered) == 1
    assert rig.compare() == 1


def _push(rig: Rig, *, quiet: bool = False) -> subprocess.Popen[str]:
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", rig.db_url, "sync", "push"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=out,
        stderr=out,
        text=True,
    )


def test_the_same_shifts_pushed_by_two_processes_at_once(rig: Rig) -> None:
    for price in (100, 200, 300, 400, 500):
        rig.close_shift(price)
    first, second = _push(rig), _push(rig)
    out = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, out
    assert sync_status(rig.shop).pending == 0
    assert rig.compare() == 5
    assert rig.incidents() == 0


def test_push_killed_mid_request_then_again(rig: Rig) -> None:
    """The till's process dies between its send and the acknowledgement."""
    rig.close_shift()
    rig.proxy.mode = "stall"  # the answer never comes back …
    push = _push(rig, quiet=True)
    time.sleep(3)
    push.kill()  # … and the process dies waiting for it
    push.wait(30)
    [item] = outbox.items(rig.shop)
    assert item.status == "pending"
    rig.proxy.mode = "pass"
    again = _push(rig, quiet=True)
    assert again.wait(120) == 0
    assert rig.compare() == 1


def test_till_killed_between_commit_and_send(rig: Rig) -> None:
    """The close committed, the engine died before sending: the outbox survives it and
    the next sender (after the restart) delivers."""
    rig.close_shift()
    rig.shop.close()
    reopened = Shop.open(rig.db_url, clock=FakeClock())
    rig.shop = reopened
    assert sync_status(reopened).pending == 1
    assert len(rig.sender().deliver().delivered) == 1
    assert rig.compare() == 1


def test_wrong_token_is_not_parked(rig: Rig) -> None:
    rig.close_shift()
    update_settings(rig.shop, rig.admin, central_token="cs_wrong")
    report = rig.sender().deliver()
    assert report.failed and "401" in (report.error or "")
    assert sync_status(rig.shop).parked == 0
    update_settings(rig.shop, rig.admin, central_token=rig.token)
    assert len(rig.sender().deliver().delivered) == 1
    assert rig.compare() == 1


def test_health_of_the_real_process(rig: Rig) -> None:
    assert httpx.get(f"{rig.central.url}/v1/health", timeout=5).status_code == 200
    assert rig.incidents() == 0
