"""The engine side of the IPC channel: serves one engine to many local clients."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import (
    Connection,
    Listener,
    answer_challenge,
    deliver_challenge,
)
from pathlib import Path
from typing import Any

from callshop_pos.errors import CallShopError, InvalidInput, NotFound, PermissionDenied
from callshop_pos.lines.engine import CallFinished, EngineNews, RecordingAlert
from callshop_pos.lines.ipc.wire import (
    ADDRESS_FILE,
    MAX_BACKLOG,
    MAX_FRAME,
    PROTOCOL,
    SOCKET_FILE,
    UNIX_PATH_MAX,
    EngineApi,
    call_json,
    encode,
    ensure_secret,
    recording_json,
    shut,
    snapshot_json,
    wake,
    write_address,
)
from callshop_pos.lines.snapshot import BoothSnapshot, BoothState

__all__ = [
    "HANDSHAKE_TIMEOUT_S",
    "MAX_CLIENTS",
    "MAX_PENDING_HANDSHAKES",
    "REFUSAL_LOG_INTERVAL_S",
    "EngineServer",
]

log = logging.getLogger("callshop_pos.lines.ipc")

#: A connection that has not completed the HMAC handshake this long after it was
#: accepted is dropped (the real client needs milliseconds).
HANDSHAKE_TIMEOUT_S = 5.0
#: At most this many connections wait in the handshake at once; a new one beyond it
#: pushes the oldest waiting one out, so idle connections cannot lock the window out.
MAX_PENDING_HANDSHAKES = 16
#: At most this many authenticated clients; more are refused (closed) at once.
MAX_CLIENTS = 32
#: Refused connections are logged one by one at most once per this many seconds;
#: the others are counted and summed up in one line (a flood must not flood the log).
REFUSAL_LOG_INTERVAL_S = 10.0
#: Booth states in which a call is being set up or metered.
_IN_CALL = frozenset({BoothState.DIALING, BoothState.RINGING, BoothState.TALKING})
#: The accept loop pauses this long after an unexpected error (no busy loop on EMFILE).
_ACCEPT_PAUSE_S = 0.05


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
        self._conn_lock = threading.Lock()
        self._conn_closed = False
        self._unsubscribe: Callable[[], None] | None = None
        #: ``time.monotonic()`` by which the handshake must be done; None once it is.
        self.deadline: float | None = time.monotonic() + server.handshake_timeout_s
        self.dropped_because: str | None = None

    def drop(self, because: str) -> None:
        """Cut a connection still in its handshake from another thread.

        Only shuts the socket down: the peer's own thread, blocked reading it, sees
        EOF and closes the descriptor itself (closing it here could let the number be
        reused while that thread is about to read it).
        """
        self.dropped_because = because
        with self._conn_lock:
            if self._conn_closed:
                return
            with contextlib.suppress(OSError, ValueError, TypeError):
                dup = socket.socket(fileno=os.dup(self.conn.fileno()))
                with contextlib.suppress(OSError):
                    dup.shutdown(socket.SHUT_RDWR)
                dup.close()

    def run(self) -> None:
        try:
            self._serve()
        except Exception:
            log.exception("IPC client %d failed", self.number)
        finally:
            self.close()

    def _serve(self) -> None:
        try:
            deliver_challenge(self.conn, self.server.authkey)
            answer_challenge(self.conn, self.server.authkey)
        except (AuthenticationError, EOFError, OSError, ValueError, TypeError) as exc:
            if not self.server._closing:
                reason = self.dropped_because or str(exc) or type(exc).__name__
                self.server._refused(self.number, reason)
            return
        if not self.server._authenticated(self):
            self.server._refused(self.number, f"already {self.server.max_clients} clients")
            return
        self._unsubscribe = self.server.engine.subscribe(self.push)
        hello = {
            "type": "hello",
            "protocol": PROTOCOL,
            "engine_pid": os.getpid(),
            "booths": [snapshot_json(s) for s in self.server.engine.snapshots()],
        }
        alert = getattr(self.server.engine, "recording_alert", None)
        if callable(alert):
            hello["recording"] = recording_json(alert())
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
                    {
                        "type": "reply",
                        "id": None,
                        "ok": False,
                        "error": f"bad request: {exc}",
                        "kind": "invalid",
                    }
                )
                continue
            reply = self.server.handle(request)
            stop = self.server.on_stop
            if request.get("cmd") == "stop" and reply["ok"] and stop is not None:
                log.warning(
                    "stop requested over IPC: ending %d call(s) in progress, then stopping",
                    reply["result"]["in_call"],
                )
                with self._cond:  # the reply goes out first, then the engine stops
                    self._enqueue([_Then(reply, stop)])
            else:
                self.push_message(reply)

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
                self.conn.send_bytes(encode(_message(item)))
            except (OSError, ValueError, TypeError):
                break
            finally:
                if isinstance(item, _Then):
                    item.after()
        self.close()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            unsent = [slot[0] for slot in self._queue if isinstance(slot[0], _Then)]
            self._queue.clear()
        for item in unsent:
            item.after()  # a stop asked for is done even if its reply could not go out
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._close_conn()
        self.server._forget(self)

    def _close_conn(self) -> None:
        with self._conn_lock:  # never twice: the number may belong to a new socket by then
            if not self._conn_closed:
                self._conn_closed = True
                shut(self.conn)


class _Then:
    """A reply to send, and what to do once it is sent (or could not be)."""

    __slots__ = ("after", "message")

    def __init__(self, message: dict[str, Any], after: Callable[[], None]) -> None:
        self.message = message
        self.after = after


def _message(item: object) -> dict[str, Any]:
    if isinstance(item, _Then):
        return item.message
    if isinstance(item, BoothSnapshot):
        return {"type": "snapshot", "booth": snapshot_json(item)}
    if isinstance(item, CallFinished):
        return {"type": "call_finished", "call": call_json(item)}
    if isinstance(item, RecordingAlert):
        return {"type": "recording", "alert": recording_json(item)}
    assert isinstance(item, dict)
    return item


class EngineServer:
    """Serves an engine to any number of local clients (see the module docstring).

    Before a connection has proved it knows the secret it costs little and not for
    long: it is dropped ``handshake_timeout_s`` after it was accepted, at most
    ``MAX_PENDING_HANDSHAKES`` wait at once (a newcomer pushes the oldest out), and a
    failed handshake leaves nothing behind. At most ``max_clients`` authenticated
    clients are served. The accept loop survives any error, including a thread that
    cannot be started (that one connection is closed).
    """

    def __init__(
        self,
        engine: EngineApi,
        data_dir: Path,
        *,
        force_tcp: bool = False,
        handshake_timeout_s: float = HANDSHAKE_TIMEOUT_S,
        max_clients: int = MAX_CLIENTS,
        on_stop: Callable[[], None] | None = None,
        describe: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.engine = engine
        #: ``stop`` asks the engine process to stop as SIGTERM does (None: refused).
        self.on_stop = on_stop
        #: Extra facts for ``status`` (database, driver, lock file …).
        self.describe = describe
        self.data_dir = data_dir
        self.authkey = ensure_secret(data_dir)
        self.handshake_timeout_s = handshake_timeout_s
        self.max_clients = max_clients
        self._force_tcp = force_tcp
        self._listener: Listener | None = None
        self._thread: threading.Thread | None = None
        self._watch: threading.Thread | None = None
        self._peers: set[_Peer] = set()
        self._pending: deque[_Peer] = deque()  # in the handshake, oldest first
        self._served: set[_Peer] = set()  # authenticated
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._numbers = itertools.count(1)
        self._closing = False
        self._refusal_logged_at = -REFUSAL_LOG_INTERVAL_S
        self._refusals_unlogged = 0
        self.refusals = 0
        self.address: str | tuple[str, int] | None = None

    def start(self) -> None:
        """Listen and publish the address; returns at once (accepts on a thread)."""
        sock_path = self.data_dir / SOCKET_FILE
        use_unix = (
            not self._force_tcp
            and hasattr(socket, "AF_UNIX")
            and len(str(sock_path)) < UNIX_PATH_MAX
        )
        if use_unix:
            with contextlib.suppress(FileNotFoundError):
                sock_path.unlink()  # a stale socket of a dead engine (we hold the lock)
            listener = Listener(str(sock_path), "AF_UNIX", backlog=16)
            os.chmod(sock_path, 0o600)
            self.address = str(sock_path)
            write_address(self.data_dir, "AF_UNIX", self.address)
        else:
            listener = Listener(("127.0.0.1", 0), "AF_INET", backlog=16)
            host, port = listener.address
            self.address = (str(host), int(port))
            write_address(self.data_dir, "AF_INET", [host, port])
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, name="ipc-accept", daemon=True)
        self._thread.start()
        self._watch = threading.Thread(
            target=self._watch_handshakes, name="ipc-handshake-watch", daemon=True
        )
        self._watch.start()

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
                self._stop.wait(_ACCEPT_PAUSE_S)
                continue
            except Exception:  # whatever it is, the window must still get in later
                log.exception("IPC accept failed")
                self._stop.wait(_ACCEPT_PAUSE_S)
                continue
            if self._closing:
                shut(conn)
                return
            try:
                self._admit(conn)
            except BaseException as exc:
                shut(conn)
                if not isinstance(exc, Exception):
                    log.error("IPC connection not served: %r", exc)
                else:
                    log.exception("IPC connection not served")
                self._stop.wait(_ACCEPT_PAUSE_S)

    def _admit(self, conn: Connection[Any, Any]) -> None:
        """Give an accepted connection its thread (accept thread)."""
        peer = _Peer(self, conn, next(self._numbers))
        with self._lock:
            self._peers.add(peer)
            self._pending.append(peer)
            evicted = (
                self._pending.popleft() if len(self._pending) > MAX_PENDING_HANDSHAKES else None
            )
        if evicted is not None:
            evicted.drop("too many connections waiting in the handshake")
        try:
            self._spawn(peer.run, f"ipc-client-{peer.number}")
        except BaseException:
            peer.close()
            raise

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        threading.Thread(target=target, name=name, daemon=True).start()

    def _authenticated(self, peer: _Peer) -> bool:
        """The peer passed the handshake: serve it, unless there are enough clients."""
        with self._lock:
            with contextlib.suppress(ValueError):
                self._pending.remove(peer)
            peer.deadline = None
            if peer.dropped_because is not None or len(self._served) >= self.max_clients:
                return False
            self._served.add(peer)
            return True

    def _refused(self, number: int, reason: str) -> None:
        """Log a refused connection, or count it for the next summary line."""
        now = time.monotonic()
        with self._lock:
            self.refusals += 1
            if now - self._refusal_logged_at < REFUSAL_LOG_INTERVAL_S:
                self._refusals_unlogged += 1
                return
            self._refusal_logged_at = now
        log.warning("IPC client %d refused: %s", number, reason)

    def _log_refusal_summary(self, now: float) -> None:
        with self._lock:
            count = self._refusals_unlogged
            if not count or now - self._refusal_logged_at < REFUSAL_LOG_INTERVAL_S:
                return
            self._refusals_unlogged = 0
            self._refusal_logged_at = now
        log.warning(
            "IPC: %d more connection(s) refused in the last %g s", count, REFUSAL_LOG_INTERVAL_S
        )

    def _watch_handshakes(self) -> None:
        """Drop connections whose handshake is overdue (one thread for all of them)."""
        step = min(0.5, max(0.01, self.handshake_timeout_s / 4))
        while not self._stop.wait(step):
            now = time.monotonic()
            self._log_refusal_summary(now)
            with self._lock:
                overdue = [p for p in self._pending if p.deadline is not None and p.deadline <= now]
                for peer in overdue:
                    self._pending.remove(peer)
            for peer in overdue:
                peer.drop(f"no handshake within {self.handshake_timeout_s:g} s")

    def _forget(self, peer: _Peer) -> None:
        with self._lock:
            self._peers.discard(peer)
            self._served.discard(peer)
            with contextlib.suppress(ValueError):
                self._pending.remove(peer)

    @property
    def client_count(self) -> int:
        """Connections held: authenticated clients and those still in the handshake."""
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
            return {
                "type": "reply",
                "id": rid,
                "ok": False,
                "error": f"engine error: {exc}",
                "kind": "internal",
            }
        return {"type": "reply", "id": rid, "ok": True, "result": result}

    def _dispatch(self, request: dict[str, Any]) -> object:
        cmd = request.get("cmd")
        engine = self.engine
        if cmd == "ping":
            return {"pid": os.getpid()}
        if cmd == "refresh":
            return [snapshot_json(s) for s in engine.refresh()]
        if cmd == "status":
            return self._status()
        if cmd == "stop":
            if self.on_stop is None:
                raise PermissionDenied("this engine cannot be stopped over IPC")
            return self._status()  # the peer calls on_stop once this reply is sent
        booth = request["booth"]
        if not isinstance(booth, str):
            raise InvalidInput("booth must be a name")
        if cmd == "lock":
            return snapshot_json(engine.lock(booth, bool(request.get("hang_up", False))))
        if cmd == "unlock":
            return snapshot_json(engine.unlock(booth))
        if cmd == "hang_up":
            return snapshot_json(engine.hang_up(booth))
        if cmd == "sync_deposit":
            return snapshot_json(engine.sync_deposit(booth))
        raise InvalidInput(f"unknown command {cmd!r}")

    def _status(self) -> dict[str, Any]:
        snapshots = self.engine.snapshots()
        status: dict[str, Any] = {
            "pid": os.getpid(),
            "booths": len(snapshots),
            "in_call": sum(1 for s in snapshots if s.state in _IN_CALL),
            "clients": len(self._served),
        }
        if self.describe is not None:
            status.update(self.describe())
        return status

    def close(self) -> None:
        """Stop listening and disconnect every client."""
        self._closing = True
        self._stop.set()
        wake(self.address)
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
        if self._watch is not None:
            self._watch.join(5)
        with contextlib.suppress(OSError):
            (self.data_dir / ADDRESS_FILE).unlink()
