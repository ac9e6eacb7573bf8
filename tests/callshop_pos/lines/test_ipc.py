"""The engine's IPC channel: authentication, several clients, crashes, reconnection."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.errors import CallShopError, InvalidInput, NotFound
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.engine import CallFinished, LineEngine
from callshop_pos.lines.ipc import (
    KEY_FILE,
    EngineClient,
    EngineServer,
    EngineUnavailable,
    ensure_secret,
)
from callshop_pos.lines.port import (
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    Registered,
)
from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
from tests.callshop_pos.lines.fakes import (
    STANDARD_ROWS,
    FakeDriver,
    FakeRecorder,
    FakeStore,
    FakeTariff,
)
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]


class Served:
    """A threaded engine on fake ports, served over IPC."""

    def __init__(self, data: Path, *, force_tcp: bool = False) -> None:
        self.driver = FakeDriver()
        self.recorder = FakeRecorder()
        self.store = FakeStore(
            [BoothConfig("B1", 1), BoothConfig("B2", 2, billing=BillingMode.PREPAID)]
        )
        tariff = FakeTariff(STANDARD_ROWS)
        self.engine = LineEngine(
            clock=SystemClock(),
            driver=self.driver,
            recorder=self.recorder,
            store=self.store,
            tariff=lambda: tariff,
        )
        self.engine.start()
        for config in self.store.configs:
            self.emit(Registered(config.name, self.engine.clock.now()))
        self.server = EngineServer(self.engine, data, force_tcp=force_tcp)
        self.server.start()

    def emit(self, event: object) -> None:
        assert self.driver.sink is not None
        self.driver.sink(event)  # type: ignore[arg-type]

    def close(self) -> None:
        self.server.close()
        self.engine.stop()


class Recorded:
    def __init__(self) -> None:
        self.snapshots: list[BoothSnapshot] = []
        self.calls: list[CallFinished] = []
        self.connection: list[bool] = []

    def client(self, data: Path, **kw: object) -> EngineClient:
        return EngineClient(
            data,
            on_snapshot=self.snapshots.append,
            on_call_finished=self.calls.append,
            on_connection=self.connection.append,
            **kw,  # type: ignore[arg-type]
        )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d"
    path.mkdir()
    return path


@pytest.fixture
def served(data: Path) -> Iterator[Served]:
    s = Served(data)
    yield s
    s.close()


def test_secret_is_created_once_with_mode_0600(data: Path) -> None:
    key = ensure_secret(data)
    assert len(key) == 64
    assert stat.S_IMODE(os.stat(data / KEY_FILE).st_mode) == 0o600
    os.chmod(data / KEY_FILE, 0o644)
    assert ensure_secret(data) == key
    assert stat.S_IMODE(os.stat(data / KEY_FILE).st_mode) == 0o600


def test_two_clients_get_state_updates_and_call_events(served: Served, data: Path) -> None:
    a, b = Recorded(), Recorded()
    with a.client(data) as ca, b.client(data) as cb:
        assert ca.wait_connected(5) and cb.wait_connected(5)
        assert [s.booth for s in ca.booths()] == ["B1", "B2"]
        now = served.engine.clock.now()
        served.emit(Dialing("B1", now, "r1", "0049301234"))
        served.emit(Answered("B1", now, "r1"))
        for rec in (a, b):
            wait_for(
                lambda rec=rec: (
                    bool(rec.snapshots)  # type: ignore[misc]
                    and rec.snapshots[-1].state is BoothState.TALKING
                )
            )
        served.emit(HungUp("B1", now, "r1", HangupReason.NORMAL, HangupSide.BOOTH))
        for rec in (a, b):
            wait_for(lambda rec=rec: len(rec.calls) == 1)  # type: ignore[misc]
            assert rec.calls[0].call_ref == "r1" and rec.calls[0].booth == "B1"
        wait_for(lambda: ca.booths()[0].state is BoothState.IDLE)
        seqs = [s.seq for s in a.snapshots if s.booth == "B1"]
        assert seqs == sorted(seqs)


def test_commands_return_the_engines_answer(served: Served, data: Path) -> None:
    with EngineClient(data) as client:
        assert client.wait_connected(5)
        assert client.ping()["pid"] == os.getpid()
        snap = client.lock("B1")
        assert snap.locked and snap.state is BoothState.LOCKED
        # Saved by the engine's writer thread, after the reply.
        wait_for(lambda: "B1" in served.store.saved and served.store.saved["B1"].locked)
        assert client.unlock("B1").state is BoothState.IDLE
        assert client.sync_deposit("B2").credit_left_minor is None
        served.store.take_deposit("B2", 500, served.engine.clock.now())  # at the till
        assert client.sync_deposit("B2").credit_left_minor == 500
        with pytest.raises(NotFound):
            client.lock("nope")
        with pytest.raises(NotFound):
            client.sync_deposit("nope")
        with pytest.raises(InvalidInput, match="booth must be a name"):
            client.request("sync_deposit", booth=5)
        with pytest.raises(InvalidInput, match="unknown command"):
            client.request("set_deposit", booth="B2", amount_minor=500, top_up=False)
        with pytest.raises(CallShopError, match="no call"):
            client.hang_up("B1")
        with pytest.raises(InvalidInput, match="unknown command"):
            client.request("format_disk", booth="B1")
        assert [s.booth for s in client.refresh()] == ["B1", "B2"]


def test_wrong_key_is_refused_and_the_engine_serves_on(served: Served, data: Path) -> None:
    family_address = json.loads((data / "engine.address").read_text())
    with pytest.raises((AuthenticationError, EOFError, ConnectionError)):
        Client(family_address["address"], family_address["family"], authkey=b"0" * 64)
    other = data.parent / "other"
    other.mkdir()
    (other / "engine.address").write_text((data / "engine.address").read_text())
    (other / KEY_FILE).write_text("f" * 64)
    rec = Recorded()
    with rec.client(other) as bad:
        time.sleep(0.5)
        assert not bad.connected and rec.snapshots == []
        assert bad.last_error is not None
    with EngineClient(data) as good:
        assert good.wait_connected(5)
        assert good.lock("B1").locked


def test_client_crash_does_not_disturb_the_engine(served: Served, data: Path) -> None:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from callshop_pos.lines.ipc import EngineClient\n"
        "c = EngineClient(Path(sys.argv[1])).start()\n"
        "assert c.wait_connected(10)\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(data)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
        wait_for(lambda: served.server.client_count == 1)
        # Traffic for the doomed client, then kill it without any goodbye.
        now = served.engine.clock.now()
        served.emit(Dialing("B1", now, "r1", "0049301234"))
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    wait_for(lambda: served.server.client_count == 0)
    served.emit(Answered("B1", served.engine.clock.now(), "r1"))
    with EngineClient(data) as client:
        assert client.wait_connected(5)
        wait_for(lambda: client.booths()[0].state is BoothState.TALKING)
        assert client.hang_up("B1").state is BoothState.TALKING  # ends on the driver's HungUp


def test_client_reconnects_by_itself_after_engine_restart(data: Path) -> None:
    first = Served(data)
    rec = Recorded()
    client = rec.client(data, max_backoff_s=0.2).start()
    try:
        assert client.wait_connected(5)
        pid_before = client.engine_pid
        first.close()
        wait_for(lambda: not client.connected)
        with pytest.raises(EngineUnavailable):
            client.lock("B1")
        second = Served(data, force_tcp=True)  # a new address, even a new transport
        try:
            assert client.wait_connected(5)
            assert client.lock("B1").locked
            assert second.store.saved["B1"].locked
            assert rec.connection == [True, False, True]
            assert client.engine_pid == pid_before  # same test process
        finally:
            second.close()
    finally:
        client.close()


def test_client_started_before_the_engine_connects_when_it_appears(data: Path) -> None:
    client = EngineClient(data, max_backoff_s=0.1).start()
    try:
        time.sleep(0.2)
        assert not client.connected
        with pytest.raises(EngineUnavailable):
            client.ping()
        served = Served(data)
        try:
            assert client.wait_connected(5)
        finally:
            served.close()
    finally:
        client.close()


def test_bad_frames_get_an_error_reply_and_the_connection_stays(served: Served, data: Path) -> None:
    info = json.loads((data / "engine.address").read_text())
    key = (data / KEY_FILE).read_text().strip().encode()
    conn = Client(info["address"], info["family"], authkey=key)
    try:
        hello = json.loads(conn.recv_bytes())
        assert hello["type"] == "hello" and hello["protocol"] == 1
        conn.send_bytes(b"not json")
        reply = json.loads(conn.recv_bytes())
        assert reply["ok"] is False and reply["kind"] == "invalid"
        conn.send_bytes(json.dumps({"id": 7, "cmd": "lock"}).encode())
        reply = json.loads(conn.recv_bytes())
        assert reply == {
            "type": "reply",
            "id": 7,
            "ok": False,
            "kind": "invalid",
            "error": reply["error"],
        }
        conn.send_bytes(json.dumps({"id": 8, "cmd": "unlock", "booth": "B1"}).encode())
        while True:  # snapshots may interleave with the reply
            msg = json.loads(conn.recv_bytes())
            if msg["type"] == "reply":
                break
        assert msg["id"] == 8 and msg["ok"] is True
    finally:
        conn.close()


def test_slow_client_gets_coalesced_snapshots(served: Served, data: Path) -> None:
    info = json.loads((data / "engine.address").read_text())
    key = (data / KEY_FILE).read_text().strip().encode()
    conn = Client(info["address"], info["family"], authkey=key)
    try:
        json.loads(conn.recv_bytes())  # hello
        wait_for(lambda: served.server.client_count == 1)
        done = threading.Event()
        for _ in range(2000):
            served.engine.refresh()  # publishes every booth each time
        done.set()
        count = 0
        last: dict[str, int] = {}
        while conn.poll(0.3):
            msg = json.loads(conn.recv_bytes())
            count += 1
            if msg["type"] == "snapshot":
                booth = msg["booth"]
                assert booth["seq"] > last.get(booth["booth"], 0)
                last[booth["booth"]] = booth["seq"]
        assert count < 4000  # coalesced, yet the newest state arrived
        assert last["B1"] == max(s.seq for s in served.engine.snapshots() if s.booth == "B1")
    finally:
        conn.close()


def test_status_says_how_many_calls_are_in_progress(served: Served, data: Path) -> None:
    served.server.describe = lambda: {"driver": "fake"}
    with EngineClient(data) as client:
        assert client.wait_connected(5)
        now = served.engine.clock.now()
        served.emit(Dialing("B1", now, "r1", "0049301234"))
        served.emit(Answered("B1", now, "r1"))
        wait_for(lambda: client.status()["in_call"] == 1)
        status = client.status()
        assert status["pid"] == os.getpid() and status["booths"] == 2
        assert status["driver"] == "fake" and status["clients"] == 1


def test_a_stop_is_refused_unless_the_engine_allows_it(served: Served, data: Path) -> None:
    with EngineClient(data) as client:
        assert client.wait_connected(5)
        with pytest.raises(CallShopError, match="cannot be stopped"):
            client.stop()
        assert client.ping()["pid"] == os.getpid()  # still served


def test_a_stop_is_answered_first_then_the_engine_is_told(served: Served, data: Path) -> None:
    stops: list[int] = []
    stopped = threading.Event()

    def on_stop() -> None:
        # As the engine process does: it stops serving at once (closing every client).
        stops.append(1)
        served.server.close()
        stopped.set()

    served.server.on_stop = on_stop
    with EngineClient(data) as client:
        assert client.wait_connected(5)
        reply = client.stop()  # the reply arrived although the server then closed
        assert reply["in_call"] == 0 and reply["pid"] == os.getpid()
        assert stopped.wait(5)
        wait_for(lambda: not client.connected)
    assert stops == [1]


def test_engine_process_is_the_live_pid_of_the_address_file(served: Served, data: Path) -> None:
    from callshop_pos.lines.ipc import engine_process, process_alive

    assert engine_process(data) == os.getpid()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not process_alive(dead.pid)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    wait_for(lambda: not process_alive(zombie.pid))  # exited, not yet reaped: not alive
    zombie.wait()
    served.server.close()
    assert engine_process(data) is None  # a clean stop removes the address file
