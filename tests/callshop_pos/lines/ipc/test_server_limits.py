"""The IPC server before authentication: bounded threads, time and memory; an accept
loop that nothing kills."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from callshop_pos.lines.engine import EngineNews
from callshop_pos.lines.ipc import EngineClient, EngineServer
from callshop_pos.lines.ipc.server import MAX_PENDING_HANDSHAKES
from callshop_pos.lines.snapshot import BoothSnapshot


class QuietEngine:
    """The least an :class:`EngineServer` needs: no booths, no news."""

    def subscribe(self, callback: Callable[[EngineNews], None]) -> Callable[[], None]:
        return lambda: None

    def snapshots(self) -> list[BoothSnapshot]:
        return []

    def refresh(self) -> list[BoothSnapshot]:
        return []

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot:
        raise AssertionError("not used")

    unlock = hang_up = sync_deposit = lock


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d"
    path.mkdir()
    return path


def serve(data: Path, **kw: float | int) -> EngineServer:
    server = EngineServer(QuietEngine(), data, **kw)  # type: ignore[arg-type]
    server.start()
    return server


@pytest.fixture
def server(data: Path) -> Iterator[EngineServer]:
    s = serve(data, handshake_timeout_s=30.0)
    yield s
    s.close()


def raw_connection(server: EngineServer) -> socket.socket:
    address = server.address
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(address)
    else:
        assert address is not None
        sock = socket.create_connection(address)
    return sock


def peer_count(server: EngineServer) -> int:
    return server.client_count


def test_many_idle_connections_do_not_hold_a_thread_each(server: EngineServer, data: Path) -> None:
    before = threading.active_count()
    idle = [raw_connection(server) for _ in range(150)]
    try:
        # Each idle connection that got past the pending cap was dropped again.
        wait_for(lambda: threading.active_count() <= before + MAX_PENDING_HANDSHAKES + 2)
        wait_for(lambda: peer_count(server) <= MAX_PENDING_HANDSHAKES)
        # The window still gets in while they are all still open.
        with EngineClient(data) as window:
            assert window.wait_connected(5)
            assert window.ping()["pid"] > 0
    finally:
        for sock in idle:
            sock.close()


def test_a_stalled_handshake_is_dropped_after_the_timeout(data: Path) -> None:
    server = serve(data, handshake_timeout_s=0.3)
    try:
        sock = raw_connection(server)
        sock.settimeout(5)
        started = time.monotonic()
        received = b""
        while True:  # the challenge, then EOF when the server gives up on us
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        waited = time.monotonic() - started
        assert received, "the server sends its challenge first"
        assert 0.2 <= waited < 3, waited
        wait_for(lambda: peer_count(server) == 0)
        sock.close()
    finally:
        server.close()


def test_failed_handshakes_leave_nothing_behind(server: EngineServer) -> None:
    address = server.address
    assert address is not None
    family = "AF_UNIX" if isinstance(address, str) else "AF_INET"
    for _ in range(20):
        with pytest.raises((Exception,)):
            Client(address, family, authkey=b"0" * 64)
    wait_for(lambda: peer_count(server) == 0)


def test_a_thread_that_cannot_start_does_not_kill_the_accept_loop(
    server: EngineServer, data: Path
) -> None:
    real = server._spawn
    failures: list[str] = []

    def spawn_once_failing(target: Callable[[], None], name: str) -> None:
        if not failures:
            failures.append(name)
            raise RuntimeError("can't start new thread")
        real(target, name)

    server._spawn = spawn_once_failing  # type: ignore[method-assign]
    first = raw_connection(server)
    first.settimeout(5)
    assert first.recv(4096) == b""  # closed at once: no thread to serve it
    first.close()
    assert failures
    wait_for(lambda: peer_count(server) == 0)
    with EngineClient(data) as window:
        assert window.wait_connected(5)
        assert window.ping()["pid"] > 0


def test_anything_raised_while_accepting_leaves_the_loop_accepting(
    server: EngineServer, data: Path
) -> None:
    real = server._admit
    calls: list[object] = []

    def admit_once_failing(conn: object) -> None:
        calls.append(conn)
        if len(calls) == 1:
            raise MemoryError("out of memory, once")
        real(conn)  # type: ignore[arg-type]

    server._admit = admit_once_failing  # type: ignore[method-assign]
    raw_connection(server).close()
    wait_for(lambda: len(calls) == 1)
    with EngineClient(data) as window:
        assert window.wait_connected(5)


def test_clients_beyond_the_cap_are_refused_and_the_rest_served(data: Path) -> None:
    server = serve(data, max_clients=2)
    try:
        with EngineClient(data) as a, EngineClient(data) as b:
            assert a.wait_connected(5) and b.wait_connected(5)
            third = EngineClient(data, max_backoff_s=0.05)
            with third:
                time.sleep(0.5)
                assert not third.connected
            assert a.ping()["pid"] > 0 and b.ping()["pid"] > 0
            wait_for(lambda: server.client_count == 2)
        wait_for(lambda: server.client_count == 0)
        with EngineClient(data) as c:
            assert c.wait_connected(5)
    finally:
        server.close()


def test_a_flood_of_refused_connections_is_logged_in_a_few_lines(
    server: EngineServer, caplog: pytest.LogCaptureFixture
) -> None:
    idle = [raw_connection(server) for _ in range(100)]
    try:
        wait_for(lambda: server.refusals >= 100 - MAX_PENDING_HANDSHAKES)
    finally:
        for sock in idle:
            sock.close()
    lines = [r for r in caplog.records if r.name == "callshop_pos.lines.ipc"]
    assert 1 <= len(lines) <= 3, [r.getMessage() for r in lines]
