"""The client side of the IPC channel (plain Python; the cashier window wraps it)."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection
from pathlib import Path
from typing import Any

from callshop_pos.errors import CallShopError, InvalidInput, NotFound
from callshop_pos.lines.engine import CallFinished, RecordingAlert
from callshop_pos.lines.ipc.wire import (
    MAX_FRAME,
    EngineUnavailable,
    call_from_json,
    encode,
    read_address,
    read_secret,
    recording_from_json,
    shut,
    snapshot_from_json,
)
from callshop_pos.lines.snapshot import BoothSnapshot

__all__ = ["EngineClient"]

log = logging.getLogger("callshop_pos.lines.ipc")


class EngineClient:
    """Connects to the engine in the background and keeps reconnecting.

    Callbacks run on the client's own thread and must not block: ``on_snapshot``
    (a :class:`BoothSnapshot`), ``on_call_finished`` (a
    :class:`~callshop_pos.lines.engine.CallFinished`), ``on_connection`` (True on
    connect, False on loss), ``on_recording`` (a
    :class:`~callshop_pos.lines.engine.RecordingAlert`: at connection and whenever
    call records stop or start again reaching the database). Command methods block
    until the engine answers and return its answer, or raise
    :class:`EngineUnavailable` / the engine's :class:`~callshop_pos.errors.CallShopError`.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        on_snapshot: Callable[[BoothSnapshot], None] | None = None,
        on_call_finished: Callable[[CallFinished], None] | None = None,
        on_connection: Callable[[bool], None] | None = None,
        on_recording: Callable[[RecordingAlert], None] | None = None,
        timeout_s: float = 10.0,
        max_backoff_s: float = 2.0,
    ) -> None:
        self.data_dir = data_dir
        self._on_snapshot = on_snapshot
        self._on_call_finished = on_call_finished
        self._on_connection = on_connection
        self._on_recording = on_recording
        self.timeout_s = timeout_s
        self.max_backoff_s = max_backoff_s
        self._conn: Connection[Any, Any] | None = None
        self._send_lock = threading.Lock()
        self._replies: dict[int, Future[Any]] = {}
        self._ids = itertools.count(1)
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: dict[str, BoothSnapshot] = {}
        self._state_lock = threading.Lock()
        self.engine_pid: int | None = None
        self.last_error: str | None = None

    # -- life cycle

    def start(self) -> EngineClient:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="engine-client", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        conn = self._conn
        if conn is not None:
            shut(conn)
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> EngineClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._connected.wait(timeout)

    def booths(self) -> list[BoothSnapshot]:
        """The newest snapshot of every booth received so far."""
        with self._state_lock:
            found = list(self._latest.values())
        return sorted(found, key=lambda s: (s.position, s.booth))

    # -- commands

    def ping(self) -> dict[str, Any]:
        result = self.request("ping")
        assert isinstance(result, dict)
        return result

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot:
        return snapshot_from_json(self.request("lock", booth=booth, hang_up=hang_up))

    def unlock(self, booth: str) -> BoothSnapshot:
        return snapshot_from_json(self.request("unlock", booth=booth))

    def hang_up(self, booth: str) -> BoothSnapshot:
        return snapshot_from_json(self.request("hang_up", booth=booth))

    def sync_deposit(self, booth: str) -> BoothSnapshot:
        """Have the engine re-read ``booth``'s deposit from the database."""
        return snapshot_from_json(self.request("sync_deposit", booth=booth))

    def refresh(self) -> list[BoothSnapshot]:
        return [snapshot_from_json(s) for s in self.request("refresh")]

    def status(self) -> dict[str, Any]:
        """The engine's pid, booths, calls in progress, database, driver …"""
        result = self.request("status")
        assert isinstance(result, dict)
        return result

    def stop(self) -> dict[str, Any]:
        """Ask the engine to stop (as SIGTERM does: calls in progress are ended and
        recorded, then it exits); its status as it was when asked."""
        result = self.request("stop")
        assert isinstance(result, dict)
        return result

    def request(self, cmd: str, **args: Any) -> Any:
        """Send one command and wait for the engine's reply."""
        conn = self._conn
        if conn is None or not self.connected:
            raise EngineUnavailable("the line engine is not connected")
        rid = next(self._ids)
        future: Future[Any] = Future()
        self._replies[rid] = future
        try:
            with self._send_lock:
                conn.send_bytes(encode({"id": rid, "cmd": cmd, **args}))
            reply = future.result(self.timeout_s)
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(f"the line engine connection failed: {exc}") from None
        except FutureTimeout:
            raise EngineUnavailable("the line engine did not answer in time") from None
        finally:
            self._replies.pop(rid, None)
        if reply.get("ok"):
            return reply.get("result")
        message = str(reply.get("error") or "the engine refused")
        if reply.get("kind") == "not_found":
            raise NotFound(message)
        if reply.get("kind") == "invalid":
            raise InvalidInput(message)
        raise CallShopError(message)

    # -- background thread

    def _run(self) -> None:
        backoff = 0.05
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except (EngineUnavailable, OSError, EOFError, AuthenticationError) as exc:
                self.last_error = str(exc) or type(exc).__name__
                self._stop.wait(backoff)
                backoff = min(self.max_backoff_s, backoff * 2)
                continue
            backoff = 0.05
            self.last_error = None
            self._conn = conn
            try:
                self._receive(conn)
            finally:
                self._conn = None
                was = self._connected.is_set()
                self._connected.clear()
                for future in list(self._replies.values()):
                    if not future.done():
                        future.set_exception(EngineUnavailable("the line engine went away"))
                shut(conn)
                if was:
                    self._emit_connection(False)

    def _connect(self) -> Connection[Any, Any]:
        family, address = read_address(self.data_dir)
        authkey = read_secret(self.data_dir)
        return Client(address, family, authkey=authkey)

    def _receive(self, conn: Connection[Any, Any]) -> None:
        while not self._stop.is_set():
            try:
                frame = conn.recv_bytes(MAX_FRAME * 64)
            except (EOFError, OSError, TypeError):  # TypeError: closed by close()
                return
            try:
                message = json.loads(frame.decode("utf-8"))
                self._dispatch(message)
            except Exception:  # a callback bug must not kill the connection
                log.exception("engine message not handled")

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "snapshot":
            self._snapshot(snapshot_from_json(message["booth"]))
        elif kind == "call_finished":
            if self._on_call_finished is not None:
                self._on_call_finished(call_from_json(message["call"]))
        elif kind == "recording":
            if self._on_recording is not None:
                self._on_recording(recording_from_json(message["alert"]))
        elif kind == "reply":
            future = self._replies.get(message.get("id") or -1)
            if future is not None and not future.done():
                future.set_result(message)
        elif kind == "hello":
            self.engine_pid = message.get("engine_pid")
            with self._state_lock:
                self._latest.clear()  # a new engine run: its state replaces ours
            self._connected.set()
            self._emit_connection(True)
            for raw in message.get("booths", []):
                self._snapshot(snapshot_from_json(raw))
            recording = message.get("recording")
            if recording is not None and self._on_recording is not None:
                self._on_recording(recording_from_json(recording))

    def _snapshot(self, snap: BoothSnapshot) -> None:
        with self._state_lock:
            old = self._latest.get(snap.booth)
            if old is not None and old.seq > snap.seq:
                return
            self._latest[snap.booth] = snap
        if self._on_snapshot is not None:
            self._on_snapshot(snap)

    def _emit_connection(self, up: bool) -> None:
        if self._on_connection is not None:
            try:
                self._on_connection(up)
            except Exception:
                log.exception("connection callback failed")
