"""The wire of the engine's IPC channel: secret, address file, frames.

See :mod:`callshop_pos.lines.ipc` for the message schema.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import asdict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from callshop_pos.errors import CallShopError
from callshop_pos.lines.engine import CallFinished, EngineNews, RecordingAlert
from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState

__all__ = [
    "ADDRESS_FILE",
    "KEY_FILE",
    "MAX_BACKLOG",
    "MAX_FRAME",
    "PROTOCOL",
    "SOCKET_FILE",
    "EngineApi",
    "EngineUnavailable",
    "call_from_json",
    "call_json",
    "encode",
    "engine_process",
    "ensure_secret",
    "process_alive",
    "read_address",
    "read_secret",
    "recording_from_json",
    "recording_json",
    "shut",
    "snapshot_from_json",
    "snapshot_json",
    "wake",
    "write_address",
]

PROTOCOL = 1
KEY_FILE = "engine.key"
ADDRESS_FILE = "engine.address"
SOCKET_FILE = "engine.sock"
MAX_FRAME = 1 << 20
#: A client this far behind (queued messages) is disconnected rather than let grow.
MAX_BACKLOG = 10_000
UNIX_PATH_MAX = 100  # sun_path is 108 bytes on Linux; keep a margin


class EngineUnavailable(CallShopError):
    """The line engine is not running or did not answer in time."""


class EngineApi(Protocol):
    """What the server needs of the engine (:class:`~callshop_pos.lines.engine.LineEngine`)."""

    def subscribe(self, callback: Callable[[EngineNews], None]) -> Callable[[], None]: ...

    def snapshots(self) -> list[BoothSnapshot]: ...

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot: ...

    def unlock(self, booth: str) -> BoothSnapshot: ...

    def hang_up(self, booth: str) -> BoothSnapshot: ...

    def sync_deposit(self, booth: str) -> BoothSnapshot: ...

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


def write_address(data_dir: Path, family: str, address: object) -> None:
    path = data_dir / ADDRESS_FILE
    tmp = path.with_suffix(".tmp")
    payload = json.dumps({"family": family, "address": address, "pid": os.getpid()})
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(payload)
    os.replace(tmp, path)


def read_address(data_dir: Path) -> tuple[str, str | tuple[str, int]]:
    try:
        raw = json.loads((data_dir / ADDRESS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise EngineUnavailable("the line engine is not running") from None
    family = str(raw["family"])
    if family == "AF_UNIX":
        return family, str(raw["address"])
    host, port = raw["address"]
    return family, (str(host), int(port))


def engine_process(data_dir: Path) -> int | None:
    """The pid of the engine that published its address here, if that process is
    still alive; None when no engine runs (stopped cleanly: no address file; or gone
    without cleaning up: its pid is dead or a zombie)."""
    try:
        pid = int(json.loads((data_dir / ADDRESS_FILE).read_text(encoding="utf-8"))["pid"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    return pid if process_alive(pid) else None


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie has exited)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc here: kill(0) said it exists
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def shut(conn: Connection[Any, Any]) -> None:
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


def wake(address: str | tuple[str, int] | None) -> None:
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


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_json(snapshot: BoothSnapshot) -> dict[str, Any]:
    return asdict(snapshot)


def snapshot_from_json(raw: dict[str, Any]) -> BoothSnapshot:
    """Rebuild a :class:`BoothSnapshot` from its JSON form (unknown keys ignored)."""
    fields = set(BoothSnapshot.__dataclass_fields__)
    values = {k: v for k, v in raw.items() if k in fields}
    values["state"] = BoothState(values["state"])
    values["billing"] = BillingMode(values["billing"])
    return BoothSnapshot(**values)


def call_json(call: CallFinished) -> dict[str, Any]:
    data = asdict(call)
    data["flags"] = list(call.flags)
    return data


def recording_json(alert: RecordingAlert) -> dict[str, Any]:
    return asdict(alert)


def recording_from_json(raw: dict[str, Any]) -> RecordingAlert:
    return RecordingAlert(
        ok=bool(raw["ok"]),
        message=str(raw["message"]),
        unsaved=int(raw.get("unsaved", 0)),
        spilled_to=str(raw.get("spilled_to", "")),
        set_aside=int(raw.get("set_aside", 0)),
    )


def call_from_json(raw: dict[str, Any]) -> CallFinished:
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
