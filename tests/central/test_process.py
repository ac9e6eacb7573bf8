"""A real ``callshop-central serve`` process killed with SIGKILL mid-request and
restarted: every shift ends up held exactly once, with the till's figures."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from callshop_wire import ClosedShift, decode, encode
from central.db import CentralDb
from central.models import CallRow, ShiftRow
from tests.callshop_wire.samples import make_shift
from tests.central.server import Server
from tests.central.support import make_central
from tests.postgres import postgres_schema_url

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
    else:
        with postgres_schema_url() as url:
            yield url


def held(url: str) -> tuple[int, int]:
    db = CentralDb(url)
    try:
        with db.read() as s:
            return (
                int(s.scalar(select(func.count()).select_from(ShiftRow)) or 0),
                int(s.scalar(select(func.count()).select_from(CallRow)) or 0),
            )
    finally:
        db.dispose()


def put(server: Server, token: str, shift: ClosedShift, content: Any = None) -> httpx.Response:
    return httpx.put(
        f"{server.url}/v1/shops/{shift.shop}/shifts/{shift.shift_uuid}",
        content=encode(shift) if content is None else content,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )


def test_killed_mid_request_then_retried_holds_the_shift_once(db_url: str, tmp_path: Path) -> None:
    central = make_central(db_url)
    token = central.tokens["sofia-1"]
    central.db.dispose()
    server = Server(db_url, tmp_path / "server.log").start()
    shift = make_shift(calls=300)
    body = encode(shift)
    outcome: list[object] = []
    first_chunk_sent = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        first_chunk_sent.set()
        time.sleep(5)  # the server is killed while it waits for the rest
        yield body[len(body) // 2 :]

    def send() -> None:
        try:
            outcome.append(put(server, token, shift, content=slow_body()))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    sender = threading.Thread(target=send)
    try:
        sender.start()
        assert first_chunk_sent.wait(30)
        time.sleep(0.3)
        server.kill()
        sender.join(30)
        assert outcome and isinstance(outcome[0], httpx.HTTPError)  # no answer: send again
        assert held(db_url) == (0, 0)  # nothing half-stored

        server.start()
        first = put(server, token, shift)
        assert first.status_code == 201, first.text
        again = put(server, token, shift)  # the till did not see the first answer
        assert again.status_code == 201 and again.content == first.content
        assert again.headers["Idempotent-Replayed"] == "true"
        assert held(db_url) == (1, 300)
        got = httpx.get(
            f"{server.url}/v1/shops/sofia-1/shifts/{shift.shift_uuid}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert decode(ClosedShift, got.content) == shift
    finally:
        server.stop()


def test_kills_at_random_moments_under_load_lose_and_double_nothing(
    db_url: str, tmp_path: Path
) -> None:
    central = make_central(db_url)
    token = central.tokens["sofia-1"]
    central.db.dispose()
    server = Server(db_url, tmp_path / "server.log").start()
    shifts = [make_shift(seed=n, calls=120) for n in range(1, 13)]
    acknowledged: set[int] = set()
    try:
        for kill_after in (0.15, 0.4, 0.8):
            stop = threading.Event()

            def pump(stop: threading.Event = stop) -> None:
                for i, shift in enumerate(shifts):
                    if stop.is_set():
                        return
                    try:
                        if put(server, token, shift).status_code == 201:
                            acknowledged.add(i)
                    except httpx.HTTPError:
                        return

            worker = threading.Thread(target=pump)
            worker.start()
            time.sleep(kill_after)
            server.kill()
            stop.set()
            worker.join(60)
            server.start()
        # the tills resend everything not acknowledged — and, not knowing, some that were
        for shift in shifts:
            assert put(server, token, shift).status_code == 201
        assert held(db_url) == (len(shifts), sum(len(s.calls) for s in shifts))
        for shift in shifts:
            got = httpx.get(
                f"{server.url}/v1/shops/sofia-1/shifts/{shift.shift_uuid}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            copy = decode(ClosedShift, got.content)
            assert (copy.cash_minor, copy.counted_minor, copy.call_count, copy.unserved) == (
                shift.cash_minor,
                shift.counted_minor,
                shift.call_count,
                shift.unserved,
            )
    finally:
        server.stop()
