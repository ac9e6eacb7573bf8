"""The engine's local IPC channel: live booth state out, cashier commands in.

Transport: :mod:`multiprocessing.connection` on a Unix socket in the data directory
(``engine.sock``), or on ``127.0.0.1`` with an ephemeral port when the socket path
would be too long or Unix sockets are missing. The engine writes where it listens to
``engine.address`` (JSON ``{"family": "AF_UNIX"|"AF_INET", "address": path | [host,
port], "pid": n}``) and clients read it on every (re)connect. Both sides
authenticate with the HMAC challenge of :mod:`multiprocessing.connection` using the
secret in ``engine.key`` (32 random bytes, hex; file mode 0600, created on first
start). Frames are UTF-8 JSON objects sent with ``send_bytes``/``recv_bytes``;
nothing is ever pickled. Money is integer minor units.

Engine → client::

    {"type": "hello", "protocol": 1, "engine_pid": n, "booths": [SNAPSHOT, ...]}
    {"type": "snapshot", "booth": SNAPSHOT}
    {"type": "call_finished", "call": {"call_id": n, "booth": s, "call_ref": s,
        "answered": b, "duration_s": n, "price_minor": n|null, "reason": s,
        "flags": [s, ...]}}
    {"type": "reply", "id": n, "ok": true, "result": ...}
    {"type": "reply", "id": n, "ok": false, "error": "message for the cashier",
        "kind": "not_found"|"invalid"|"refused"|"internal"}

``SNAPSHOT`` is ``dataclasses.asdict`` of :class:`~callshop_pos.lines.snapshot.BoothSnapshot`
(enums as their string values). Snapshots of one booth that queue up behind a slow
client are coalesced (only the newest is sent); ``seq`` only grows, also across
engine restarts, so a client can drop an update older than one it already has.

Client → engine (``id`` is chosen by the client and echoed in the reply)::

    {"id": n, "cmd": "ping"}                                 -> {"pid": n}
    {"id": n, "cmd": "lock", "booth": s, "hang_up": b}       -> SNAPSHOT
    {"id": n, "cmd": "unlock", "booth": s}                   -> SNAPSHOT
    {"id": n, "cmd": "hang_up", "booth": s}                  -> SNAPSHOT
    {"id": n, "cmd": "set_deposit", "booth": s, "amount_minor": n|null,
        "top_up": b}                                         -> SNAPSHOT
    {"id": n, "cmd": "refresh"}                              -> [SNAPSHOT, ...]

A client that disconnects or crashes only loses its own connection; the engine keeps
running. :class:`EngineClient` is the plain-Python client (a background thread,
callbacks, automatic reconnection with back-off); the cashier window wraps it in
its Qt bridge.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import secrets
import socket
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from multiprocessing import AuthenticationError
from multiprocessing.connection import (
    Client,
    Connection,
    Listener,
    answer_challenge,
    deliver_challenge,
)
from pathlib import Path
from typing import Any, Protocol

from callshop_pos.errors import CallShopError, InvalidInput, NotFound
from callshop_pos.lines.engine import CallFinished, EngineNews
from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState

__all__ = [
    "ADDRESS_FILE",
    "KEY_FILE",
    "PROTOCOL",
    "EngineApi",
    "EngineClient",
    "EngineServer",
    "EngineUnavailable",
    "ensure_secret",
    "read_secret",
    "snapshot_from_json",
]

log = logging.getLogger(__name__)

PROTOCOL = 1
KEY_FILE = "engine.key"
ADDRESS_FILE = "engine.address"
SOCKET_FILE = "engine.sock"
MAX_FRAME = 1 << 20
#: A client this far behind (queued messages) is disconnected rather than let grow.
MAX_BACKLOG = 10_000
_UNIX_PATH_MAX = 100  # sun_path is 108 bytes on Linux; keep a margin


class EngineUnavailable(CallShopError):
    """The line engine is not running or did not answer in time."""


class EngineApi(Protocol):
    """What the server needs of the engine (:class:`~callshop_pos.lines.engine.LineEngine`)."""

    def subscribe(self, callback: Callable[[EngineNews], None]) -> Callable[[], None]: ...

    def snapshots(self) -> list[BoothSnapshot]: ...

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot: ...

    def unlock(self, booth: str) -> BoothSnapshot: ...

    def hang_up(self, booth: str) -> BoothSnapshot: ...

    def set_deposit(
        self, booth: str, amount_minor: int | None, top_up: bool = False
    ) -> BoothSnapshot: ...

    def refresh(self) -> list[BoothSnapshot]: ...


# ------------------------------------------------------------------ secret


def ensure_secret(data_dir: Path) -> bytes:
    """The IPC secret, created (mode 0600) on first use; the mode is re-tightened."""
    path = data_dir / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        return read_secret(data_dir)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return read_secret(data_dir)


def read_secret(data_dir: Path) -> bytes:
    """The IPC secret as written by the engine (EngineUnavailable if there is none)."""
    try:
        text = (data_dir / KEY_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise EngineUnavailable("the line engine has never run here (no IPC secret)") from None
    if len(text) < 32:
        raise EngineUnavailable(f"the IPC secret in {data_dir / KEY_FILE} is damaged")
    return text.encode("ascii")


def _write_address(data_dir: Path, family: str, address: object) -> None:
    path = data_dir / ADDRESS_FILE
    tmp = path.with_suffix(".tmp")
    payload = json.dumps({"family": family, "address": address, "pid": os.getpid()})
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(payload)
    os.replace(tmp, path)


def _read_address(data_dir: Path) -> tuple[str, str | tuple[str, int]]:
    try:
        raw = json.loads((data_dir / ADDRESS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise EngineUnavailable("the line engine is not running") from None
    family = str(raw["family"])
    if family == "AF_UNIX":
        return family, str(raw["address"])
    host, port = raw["address"]
    return family, (str(host), int(port))


def _shut(conn: Connection[Any, Any]) -> None:
    """Close ``conn`` so that a thread blocked reading it wakes up (EOF) at once.

    Closing the descriptor alone does not interrupt a blocked ``read`` on Linux;
    shutting the socket down does.
    """
    with contextlib.suppress(OSError, ValueError, TypeError):
        dup = socket.socket(fileno=os.dup(conn.fileno()))
        with contextlib.suppress(OSError):
            dup.shutdown(socket.SHUT_RDWR)
        dup.close()
    with contextlib.suppress(OSError):
        conn.close()


def _wake(address: str | tuple[str, int] | None) -> None:
    """Connect once to our own listener so a thread blocked in ``accept`` returns."""
    if address is None:
        return
    with contextlib.suppress(OSError):
        if isinstance(address, str):
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(1)
                sock.connect(address)
        else:
            socket.create_connection(address, timeout=1).close()


# ------------------------------------------------------------------ frames


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _snapshot_json(snapshot: BoothSnapshot) -> dict[str, Any]:
    return asdict(snapshot)


def snapshot_from_json(raw: dict[str, Any]) -> BoothSnapshot:
    """Rebuild a :class:`BoothSnapshot` from its JSON form (unknown keys ignored)."""
    fields = set(BoothSnapshot.__dataclass_fields__)
    values = {k: v for k, v in raw.items() if k in fields}
    values["state"] = BoothState(values["state"])
    values["billing"] = BillingMode(values["billing"])
    return BoothSnapshot(**values)


def _call_json(call: CallFinished) -> dict[str, Any]:
    data = asdict(call)
    data["flags"] = list(call.flags)
    return data


def _call_from_json(raw: dict[str, Any]) -> CallFinished:
    return CallFinished(
        call_id=int(raw["call_id"]),
        booth=str(raw["booth"]),
        call_ref=str(raw["call_ref"]),
        answered=bool(raw["answered"]),
        duration_s=int(raw["duration_s"]),
        price_minor=None if raw["price_minor"] is None else int(raw["price_minor"]),
        reason=str(raw["reason"]),
        flags=tuple(str(f) for f in raw.get("flags", ())),
    )


# ------------------------------------------------------------------ server


class _Peer:
    """One connected client: a reader thread, a writer thread, a coalescing outbox."""

    def __init__(self, server: EngineServer, conn: Connection[Any, Any], number: int) -> None:
        self.server = server
        self.conn = conn
        self.number = number
        self._cond = threading.Condition()
        self._queue: deque[list[Any]] = deque()  # slots: [message]
        self._snap_slot: dict[str, list[Any]] = {}
        self._closed = False
        self._unsubscribe: Callable[[], None] | None = None

    def run(self) -> None:
        try:
            deliver_challenge(self.conn, self.server.authkey)
            answer_challenge(self.conn, self.server.authkey)
        except (AuthenticationError, EOFError, OSError) as exc:
            if not self.server._closing:
                    log.warning("IPC client %d refused: %s", self.number, exc or type(exc).__name__)
            self._close_conn()
            return
        self._unsubscribe = self.server.engine.subscribe(self.push)
        hello = {
            "type": "hello",
            "protocol": PROTOCOL,
            "engine_pid": os.getpid(),
            "booths": [_snapshot_json(s) for s in self.server.engine.snapshots()],
        }
        self.push_message(hello)
        writer = threading.Thread(
            target=self._write_loop, name=f"ipc-writer-{self.number}", daemon=True
        )
        writer.start()
        try:
            self._read_loop()
        finally:
            self.close()
            writer.join(5)

    def _read_loop(self) -> None:
        while not self._closed:
            try:
                frame = self.conn.recv_bytes(MAX_FRAME)
            except (EOFError, OSError, TypeError):  # TypeError: closed meanwhile
                return
            try:
                request = json.loads(frame.decode("utf-8"))
                if not isinstance(request, dict):
                    raise ValueError("a request is a JSON object")
            except ValueError as exc:
                self.push_message(
                    {"type": "reply", "id": None, "ok": False, "error": f"bad request: {exc}",
                     "kind": "invalid"}
                )
                continue
            self.push_message(self.server.handle(request))

    def push(self, news: EngineNews) -> None:
        """Engine thread: queue news for this client (never blocks)."""
        if isinstance(news, BoothSnapshot):
            with self._cond:
                slot = self._snap_slot.get(news.booth)
                if slot is not None:
                    slot[0] = news  # not sent yet: the newer state replaces it
                    return
            slot = [news]
            with self._cond:
                self._snap_slot[news.booth] = slot
                self._enqueue(slot)
        else:
            with self._cond:
                self._enqueue([news])

    def push_message(self, message: dict[str, Any]) -> None:
        with self._cond:
            self._enqueue([message])

    def _enqueue(self, slot: list[Any]) -> None:
        if self._closed:
            return
        if len(self._queue) >= MAX_BACKLOG:
            log.warning("IPC client %d too far behind; disconnecting it", self.number)
            self._closed = True
            self._cond.notify_all()
            return
        self._queue.append(slot)
        self._cond.notify()

    def _write_loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed:
                    break
                slot = self._queue.popleft()
                item = slot[0]
                if isinstance(item, BoothSnapshot) and self._snap_slot.get(item.booth) is slot:
                    del self._snap_slot[item.booth]
            try:
                self.conn.send_bytes(_encode(_message(item)))
            except (OSError, ValueError, TypeError):
                break
        self.close()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._close_conn()
        self.server._forget(self)

    def _close_conn(self) -> None:
        _shut(self.conn)


def _message(item: object) -> dict[str, Any]:
    if isinstance(item, BoothSnapshot):
        return {"type": "snapshot", "booth": _snapshot_json(item)}
    if isinstance(item, CallFinished):
        return {"type": "call_finished", "call": _call_json(item)}
    assert isinstance(item, dict)
    return item


class EngineServer:
    """Serves an engine to any number of local clients (see the module docstring)."""

    def __init__(self, engine: EngineApi, data_dir: Path, *, force_tcp: bool = False) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.authkey = ensure_secret(data_dir)
        self._force_tcp = force_tcp
        self._listener: Listener | None = None
        self._thread: threading.Thread | None = None
        self._peers: set[_Peer] = set()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._closing = False
        self.address: str | tuple[str, int] | None = None

    def start(self) -> None:
        """Listen and publish the address; returns at once (accepts on a thread)."""
        sock_path = self.data_dir / SOCKET_FILE
        use_unix = (
            not self._force_tcp
            and hasattr(socket, "AF_UNIX")
            and len(str(sock_path)) < _UNIX_PATH_MAX
        )
        if use_unix:
            with contextlib.suppress(FileNotFoundError):
                sock_path.unlink()  # a stale socket of a dead engine (we hold the lock)
            listener = Listener(str(sock_path), "AF_UNIX", backlog=16)
            os.chmod(sock_path, 0o600)
            self.address = str(sock_path)
            _write_address(self.data_dir, "AF_UNIX", self.address)
        else:
            listener = Listener(("127.0.0.1", 0), "AF_INET", backlog=16)
            host, port = listener.address
            self.address = (str(host), int(port))
            _write_address(self.data_dir, "AF_INET", [host, port])
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, name="ipc-accept", daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._closing:
            try:
                conn = listener.accept()
            except OSError:
                if self._closing:
                    return
                log.exception("IPC accept failed")
                continue
            peer = _Peer(self, conn, next(self._numbers))
            with self._lock:
                self._peers.add(peer)
            threading.Thread(target=peer.run, name=f"ipc-client-{peer.number}", daemon=True).start()

    def _forget(self, peer: _Peer) -> None:
        with self._lock:
            self._peers.discard(peer)

    @property
    def client_count(self) -> int:
        with self._lock:
            return len(self._peers)

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one client request on the engine; always returns a reply."""
        rid = request.get("id")
        try:
            result = self._dispatch(request)
        except NotFound as exc:
            return {"type": "reply", "id": rid, "ok": False, "error": str(exc), "kind": "not_found"}
        except (InvalidInput, KeyError, TypeError, ValueError) as exc:
            text = str(exc) if isinstance(exc, InvalidInput) else f"bad request: {exc!r}"
            return {"type": "reply", "id": rid, "ok": False, "error": text, "kind": "invalid"}
        except CallShopError as exc:
            return {"type": "reply", "id": rid, "ok": False, "error": str(exc), "kind": "refused"}
        except Exception as exc:
            log.exception("IPC request %r failed", request.get("cmd"))
            return {"type": "reply", "id": rid, "ok": False, "error": f"engine error: {exc}",
                    "kind": "internal"}
        return {"type": "reply", "id": rid, "ok": True, "result": result}

    def _dispatch(self, request: dict[str, Any]) -> object:
        cmd = request.get("cmd")
        engine = self.engine
        if cmd == "ping":
            return {"pid": os.getpid()}
        if cmd == "refresh":
            return [_snapshot_json(s) for s in engine.refresh()]
        booth = request["booth"]
        if not isinstance(booth, str):
            raise InvalidInput("booth must be a name")
        if cmd == "lock":
            return _snapshot_json(engine.lock(booth, bool(request.get("hang_up", False))))
        if cmd == "unlock":
            return _snapshot_json(engine.unlock(booth))
        if cmd == "hang_up":
            return _snapshot_json(engine.hang_up(booth))
        if cmd == "set_deposit":
            amount = request.get("amount_minor")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
                raise InvalidInput("amount_minor must be an integer number of minor units")
            top_up = bool(request.get("top_up", False))
            return _snapshot_json(engine.set_deposit(booth, amount, top_up))
        raise InvalidInput(f"unknown command {cmd!r}")

    def close(self) -> None:
        """Stop listening and disconnect every client."""
        self._closing = True
        _wake(self.address)
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.close()
        with self._lock:
            peers = list(self._peers)
        for peer in peers:
            peer.close()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(OSError):
            (self.data_dir / ADDRESS_FILE).unlink()


# ------------------------------------------------------------------ client


class EngineClient:
    """Connects to the engine in the background and keeps reconnecting.

    Callbacks run on the client's own thread and must not block: ``on_snapshot``
    (a :class:`BoothSnapshot`), ``on_call_finished`` (a
    :class:`~callshop_pos.lines.engine.CallFinished`), ``on_connection`` (True on
    connect, False on loss). Command methods block until the engine answers and
    return its answer, or raise :class:`EngineUnavailable` / the engine's
    :class:`~callshop_pos.errors.CallShopError`.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        on_snapshot: Callable[[BoothSnapshot], None] | None = None,
        on_call_finished: Callable[[CallFinished], None] | None = None,
        on_connection: Callable[[bool], None] | None = None,
        timeout_s: float = 10.0,
        max_backoff_s: float = 2.0,
    ) -> None:
        self.data_dir = data_dir
        self._on_snapshot = on_snapshot
        self._on_call_finished = on_call_finished
        self._on_connection = on_connection
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
            _shut(conn)
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

    def set_deposit(
        self, booth: str, amount_minor: int | None, top_up: bool = False
    ) -> BoothSnapshot:
        return snapshot_from_json(
            self.request("set_deposit", booth=booth, amount_minor=amount_minor, top_up=top_up)
        )

    def refresh(self) -> list[BoothSnapshot]:
        return [snapshot_from_json(s) for s in self.request("refresh")]

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
                conn.send_bytes(_encode({"id": rid, "cmd": cmd, **args}))
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
                _shut(conn)
                if was:
                    self._emit_connection(False)

    def _connect(self) -> Connection[Any, Any]:
        family, address = _read_address(self.data_dir)
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
                self._on_call_finished(_call_from_json(message["call"]))
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
