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
    {"type": "recording", "alert": {"ok": b, "message": s, "unsaved": n,
        "spilled_to": s, "set_aside": n}}
        (call records stopped or started again reaching the database; ``ok`` false:
        new calls are refused and the records wait in the spill journal
        ``spilled_to``; ``set_aside``: records refused for good this run, listed as
        unrecorded calls. The hello carries the state at connection as "recording".)
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
    {"id": n, "cmd": "sync_deposit", "booth": s}             -> SNAPSHOT
        (re-read the booth's deposit from the database after the till took,
        topped up or settled it: the money itself is never sent to the engine)
    {"id": n, "cmd": "refresh"}                              -> [SNAPSHOT, ...]
    {"id": n, "cmd": "status"}                               -> STATUS
    {"id": n, "cmd": "stop"}                                 -> STATUS
        (``STATUS``: {"pid": n, "booths": n, "in_call": n, "clients": n, "database": s,
        "driver": s, "started_at": s, "calls_recorded": n}. ``stop`` stops the engine
        as SIGTERM does, once the reply is sent: calls in progress are ended and
        recorded, then the process exits; ``callshop-pos engine stop`` waits for that.)

A client that disconnects or crashes only loses its own connection; the engine keeps
running. Before the handshake a connection is cheap and short-lived: it is dropped
``HANDSHAKE_TIMEOUT_S`` (5 s) after it was accepted; at most
``MAX_PENDING_HANDSHAKES`` (16) wait at once, a newcomer pushing the oldest out (idle
connections cannot lock the window out, nor hold a thread each); a failed handshake
leaves nothing behind; at most ``MAX_CLIENTS`` (32) authenticated clients are served.
Refused connections are logged at most once per 10 s plus one summary line with the
count. The accept loop survives any error (a thread that cannot be started costs only
that connection). :class:`EngineClient` is the plain-Python client (a background thread,
callbacks, automatic reconnection with back-off); the cashier window wraps it in
its Qt bridge.
"""

from callshop_pos.lines.ipc.client import EngineClient
from callshop_pos.lines.ipc.server import EngineServer
from callshop_pos.lines.ipc.wire import (
    ADDRESS_FILE,
    KEY_FILE,
    PROTOCOL,
    EngineApi,
    EngineUnavailable,
    engine_process,
    ensure_secret,
    process_alive,
    read_secret,
    snapshot_from_json,
)

__all__ = [
    "ADDRESS_FILE",
    "KEY_FILE",
    "PROTOCOL",
    "EngineApi",
    "EngineClient",
    "EngineServer",
    "EngineUnavailable",
    "engine_process",
    "ensure_secret",
    "process_alive",
    "read_secret",
    "snapshot_from_json",
]
