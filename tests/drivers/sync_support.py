"""Helpers for the sync tests against the real central service.

- :class:`AsgiTransport`: a *synchronous* httpx transport over central's ASGI app,
  in-process (httpx's own ASGI transport is async; requests run on an anyio portal);
- :class:`CentralProcess`: ``python -m central serve`` as a real uvicorn process on a
  free port of 127.0.0.1, which a test can kill (-9) and start again;
- :class:`FaultProxy`: a TCP proxy in front of it that can refuse connections, stall
  (the till times out), answer 500 itself, or forward a request and then cut the
  connection before the answer reaches the till (central stored it, the till never
  heard: "killed between send and acknowledgement");
- :func:`compare`: every closed shift of the till exactly once at central, with totals
  identical to the till's Z.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal
from sqlalchemy import create_engine, select, text

from callshop_pos import journal
from callshop_pos.db.models.journal import JournalEntry, JournalHead
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.db.models.sync import SyncOutbox
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import x_report
from callshop_wire import ClosedShift, decode

ROOT = Path(__file__).resolve().parents[2]
SHOP = "sofia-1"


class AsgiTransport(httpx.BaseTransport):
    def __init__(self, app: Callable[..., Any]) -> None:
        self._portal_cm = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def go() -> httpx.Response:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._inner.handle_async_request(forwarded)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(go)

    def close(self) -> None:
        """Kept open: every httpx client built on it closes it (see :meth:`shutdown`)."""

    def shutdown(self) -> None:
        with suppress(Exception):
            self._portal_cm.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def central_cli(db_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "central", "--db", db_url, *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class CentralProcess:
    """``python -m central serve`` on 127.0.0.1 (SQLite in ``directory``)."""

    def __init__(self, directory: Path, shop: str = SHOP) -> None:
        self.db_url = f"sqlite:///{directory / 'central.db'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "central.log"
        self.proc: subprocess.Popen[bytes] | None = None
        central_cli(self.db_url, "init")
        central_cli(self.db_url, "shop", "add", shop)
        self.token = central_cli(self.db_url, "token", "create", shop).split()[0]

    def add_shop(self, code: str) -> str:
        """Add a shop (straight into central's database, as ``shop add`` does); its token."""
        from central import auth, service
        from central.clock import SystemClock
        from central.db import CentralDb

        db = CentralDb(self.db_url)
        try:
            service.add_shop(db, SystemClock(), code, code, "Europe/Sofia")
            return auth.issue_token(db, SystemClock(), code, "till")
        finally:
            db.dispose()

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "central",
                    "--db",
                    self.db_url,
                    "serve",
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                env=_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            with suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError("central did not start:\n" + self.log.read_text())

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self.proc = None

    def rows(self, sql: str) -> list[Any]:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql)))
        finally:
            engine.dispose()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 with switchable faults (see the module docstring)."""

    MODES = ("pass", "refuse", "stall", "http500", "cut-answer")

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = "pass"
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._loop, daemon=True)
        self._accept.start()

    def _loop(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            t = threading.Thread(target=self._serve, args=(client, self.mode), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, client: socket.socket, mode: str) -> None:
        with client:
            if mode == "refuse":
                return
            if mode == "stall":
                self._stop.wait(60)
                return
            request = _read_http(client)
            if request is None:
                return
            if mode == "http500":
                client.sendall(
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: "
                    b"application/json\r\ncontent-length: 19\r\nconnection: close"
                    b'\r\n\r\n{"detail":"oops!"}\n'
                )
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
            except OSError:
                return
            with upstream:
                upstream.sendall(request)
                answer = _read_http(upstream)
                if answer is None or mode == "cut-answer":
                    return  # central has it; the till never hears
                client.sendall(answer)

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self._accept.join(5)
        for t in self._threads:
            t.join(5)


def _read_http(sock: socket.socket) -> bytes | None:
    """One HTTP/1.1 message (head + content-length body), or None if the peer closed."""
    sock.settimeout(60)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
            if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            while not body.endswith(b"0\r\n\r\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                body += chunk
        else:
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                body += chunk
        # one request per connection: ask both sides to close after it
        head = head.replace(b"Connection: keep-alive", b"Connection: close").replace(
            b"connection: keep-alive", b"connection: close"
        )
        return head + b"\r\n\r\n" + body
    except OSError:
        return None


# ------------------------------------------------------------------ comparisons


def central_shift(
    url: str,
    token: str,
    shift_uuid: str,
    transport: httpx.BaseTransport | None = None,
    shop: str = SHOP,
) -> ClosedShift:
    with httpx.Client(base_url=url, transport=transport, timeout=30) as client:
        reply = client.get(
            f"/v1/shops/{shop}/shifts/{shift_uuid}", headers={"Authorization": f"Bearer {token}"}
        )
    assert reply.status_code == 200, reply.text
    return decode(ClosedShift, reply.content)


def compare(
    shop: Shop, admin: Actor, fetch: Callable[[str], ClosedShift], held_uuids: list[str]
) -> int:
    """Every closed shift of the till is held centrally exactly once (``held_uuids`` is
    what central holds) with the figures of the till's Z. Returns how many."""
    with shop.db.read() as s:
        closed = list(
            s.scalars(
                select(Shift).where(Shift.status == ShiftStatus.CLOSED.value).order_by(Shift.id)
            )
        )
    assert sorted(held_uuids) == sorted(s.uuid for s in closed), "not exactly once"
    for shift in closed:
        z = x_report(shop, admin, shift.id)
        sent = fetch(shift.uuid)
        summary = z.summary
        assert (
            sent.till_id,
            sent.call_count,
            sent.attempts,
            sent.talk_seconds,
            sent.billable_seconds,
            sent.payments_minor,
            sent.refunds_minor,
            sent.cash_minor,
            sent.expected_minor,
            sent.counted_minor,
            sent.discrepancy_minor,
            sent.paid,
            sent.unserved,
            sent.unpaid,
            sent.unrated,
            sent.opening_float_minor,
        ) == (
            summary.id,
            summary.call_count,
            summary.attempts,
            summary.talk_seconds,
            summary.billable_seconds,
            summary.payments_minor,
            summary.refunds_minor,
            summary.cash_minor,
            summary.expected_minor,
            summary.counted_minor,
            summary.discrepancy_minor,
            summary.paid,
            summary.unserved,
            summary.unpaid,
            summary.unrated,
            summary.opening_float_minor,
        )
        assert sent.anchor.head.hash == z.journal_head
        assert sent.z.payment_count == z.payment_count
        assert sent.z.rounding_minor == z.rounding_minor
        assert sum(c.price_minor or 0 for c in sent.calls if c.answered) == sum(
            b.amount_minor for b in z.by_booth
        )
    return len(closed)


@contextmanager
def running_central(directory: Path) -> Iterator[CentralProcess]:
    central = CentralProcess(directory)
    central.start()
    try:
        yield central
    finally:
        central.stop()


def rewrite_chain(shop: Shop, from_seq: int) -> None:
    """What someone with write access to the database can do: change an old entry and
    recompute every hash after it (and the head, and the outbox's copies) consistently."""
    with shop.db.write() as s:
        entries = list(
            s.scalars(
                select(JournalEntry).where(JournalEntry.seq >= from_seq).order_by(JournalEntry.seq)
            )
        )
        old_hashes = {e.seq: e.hash for e in entries}
        changed = json.loads(entries[0].payload)
        changed["rewritten"] = True  # any change of what the entry says
        entries[0].payload = journal.canonical_json(changed)
        prev = entries[0].prev_hash
        for e in entries:
            e.prev_hash = prev
            e.hash = journal.entry_hash(e)
            prev = e.hash
        head = s.get(JournalHead, 1)
        assert head is not None
        head.hash = prev
        for row in s.scalars(select(SyncOutbox)):
            if row.journal_seq in old_hashes:
                row.journal_head = next(e.hash for e in entries if e.seq == row.journal_seq)
            if row.prev_seq in old_hashes:
                row.prev_head = next(e.hash for e in entries if e.seq == row.prev_seq)
