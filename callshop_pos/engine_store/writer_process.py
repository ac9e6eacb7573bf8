"""The engine's call writer in a process of its own: group commits off the engine's GIL.

The line engine's writer thread hands each batch of call records (what waits at the
head of its outbox) to :meth:`ProcessCallRecorder.write_batch`, which sends it to a
child process over a private socket pair; the child writes the whole batch in one
transaction through the ordinary :class:`DatabaseCallRecorder` and answers only after
the commit, so nothing is acknowledged before it is durable. The SQLAlchemy work of
the records (most of the engine's CPU at high call rates) then no longer competes with
the SIP stack for the engine process's interpreter lock.

Failure handling stays the engine's (:mod:`callshop_pos.lines.faults`): the child
classifies a failure where it happened and reports which record of the batch it
stopped at. The child dies with the engine (``PR_SET_PDEATHSIG`` on Linux, and it
exits at the end of its socket), so a SIGKILLed engine leaves no writer behind to
commit anything later; a batch it was writing when it died is rolled back or fully
committed (one transaction). If the child itself dies, the batch counts as not
written and goes again (every record is idempotent on its ``call_ref``); a new child
is started for the next batch, and when none can be started the batches are written
in the engine's own process, as before. Single records (recovery, the spill journal,
a batch being retried record by record) are always written in the engine's process.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import callshop_pos
from callshop_pos.clock import Clock, ScaledClock, SystemClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.engine import persist_record
from callshop_pos.lines.faults import ClassifiedError, Fault, classify
from callshop_pos.lines.recorder import BatchWriteError
from callshop_pos.lines.spill import Record
from callshop_pos.services.context import Shop

__all__ = ["ProcessCallRecorder", "main"]

log = logging.getLogger(__name__)

#: Child starts that failed in a row before batches are written in this process.
MAX_FAILED_STARTS = 3
#: Seconds between two reloads of the settings in the child (the engine's own
#: refresh runs every 5 s).
REFRESH_EVERY_S = 5.0


def _no_lock(booth: str, locked: bool) -> None:
    raise RuntimeError("a booth lock is never part of a batch")


class ProcessCallRecorder(DatabaseCallRecorder):
    """A :class:`DatabaseCallRecorder` whose batches are written by a child process.

    Single records are written here as by the base class. ``clock`` is the engine's
    (the child stamps the journal with the same time: a :class:`ScaledClock` is
    copied, it reads the system-wide monotonic clock).
    """

    def __init__(self, shop: Shop, clock: Clock, *, start: bool = True) -> None:
        super().__init__(shop)
        if not isinstance(clock, (SystemClock, ScaledClock)):
            raise TypeError("the call writer process needs the system clock or a ScaledClock")
        self._clock = clock
        self._url = shop.db.url.render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._failed_starts = 0
        self._closed = False
        self.batches_in_child = 0
        self.batches_here = 0
        if start:
            with self._lock:
                self._start()

    # ------------------------------------------------------------------ child

    @property
    def child_pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _start(self) -> Connection | None:
        if self._closed or self._failed_starts >= MAX_FAILED_STARTS:
            return None
        ours, theirs = socket.socketpair()
        root = str(Path(callshop_pos.__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        try:
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "callshop_pos.engine_store.writer_process",
                    str(theirs.fileno()),
                    str(os.getpid()),
                ],
                pass_fds=(theirs.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            ours.close()
            self._failed_starts += 1
            log.error("could not start the call writer process: %s", exc)
            return None
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        try:
            conn.send({"url": self._url, "clock": self._clock})
        except OSError:
            self._reap()
            self._failed_starts += 1
            return None
        self._conn = conn
        return conn

    def _reap(self) -> None:
        """Forget the child: closed, killed if it still runs, waited for (so it can
        write nothing after this)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()

    def close(self, wait_s: float = 15.0) -> None:
        """Stop the child (after the engine's writer has stopped). A child that does not
        answer within ``wait_s`` (stuck in a batch) is killed: its batch was not
        acknowledged, so it is written again at the next start (recovery, spill)."""
        idle = self._lock.acquire(timeout=wait_s)
        try:
            self._closed = True
            conn, proc = self._conn, self._proc
            if idle and conn is not None and proc is not None:
                with contextlib.suppress(OSError):
                    conn.send(None)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(wait_s)
            self._reap()
        finally:
            if idle:
                self._lock.release()

    # ------------------------------------------------------------------ batches

    def write_batch(self, records: Sequence[Record]) -> list[int | None]:
        """Write ``records`` in one transaction (see the module docstring); raises
        :class:`BatchWriteError` when that transaction did not commit."""
        with self._lock:
            conn = self._conn if self._conn is not None else self._start()
            if conn is None:
                self.batches_here += 1
                return self._write_here(records)
            try:
                conn.send(list(records))
                reply = conn.recv()
            except (EOFError, OSError, ValueError) as exc:  # ValueError: closed meanwhile
                self._reap()
                self._failed_starts += 1
                raise BatchWriteError(
                    0, ClassifiedError(Fault.BUSY, f"the call writer process stopped ({exc})")
                ) from exc
            self._failed_starts = 0
            self.batches_in_child += 1
        if reply[0] == "ok":
            ids: list[int | None] = reply[1]
            return ids
        _, done, fault, text = reply
        raise BatchWriteError(done, ClassifiedError(Fault(fault), text))

    def _write_here(self, records: Sequence[Record]) -> list[int | None]:
        ids: list[int | None] = []
        try:
            with self.batch():
                for record in records:
                    ids.append(persist_record(record, self, _no_lock))
        except Exception as exc:
            raise BatchWriteError(len(ids), exc) from exc
        return ids


# ---------------------------------------------------------------------- the child


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the engine died before that took effect
        os._exit(1)


def _serve(conn: Connection) -> None:
    config: dict[str, Any] = conn.recv()
    shop = Shop.open(config["url"], clock=config["clock"])
    recorder = DatabaseCallRecorder(shop)
    refreshed = time.monotonic()
    try:
        while True:
            try:
                records = conn.recv()
            except EOFError:
                return  # the engine is gone
            if records is None:
                return
            if time.monotonic() - refreshed >= REFRESH_EVERY_S:
                with contextlib.suppress(Exception):  # e.g. the time zone changed
                    shop.refresh()
                refreshed = time.monotonic()
            ids: list[int | None] = []
            try:
                with recorder.batch():
                    for record in records:
                        ids.append(persist_record(record, recorder, _no_lock))
            except Exception as exc:
                reply: tuple[Any, ...] = (
                    "failed",
                    len(ids),
                    classify(exc).value,
                    f"{type(exc).__name__}: {exc}",
                )
            else:
                reply = ("ok", ids)  # committed: the batch is durable
            conn.send(reply)
    finally:
        shop.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    fd, parent = int(args[0]), int(args[1])
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the engine decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    conn = Connection(fd)
    try:
        _serve(conn)
    except (EOFError, OSError):
        return 0
    finally:
        with contextlib.suppress(OSError):
            conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
