"""Central under load (python bench/central.py [--shops 200] [--shifts 5] [--rate 100]).

200 simulated shops push closed shifts of 300 calls each to a real ``callshop-central``
(uvicorn, 2 workers) on PostgreSQL. First every shop sends one shift, all at once and
unmeasured (a server that has just started opens its database connections and fills its
caches; a running one has them), then two measured phases:

1. saturation — every shop sends its shifts back to back, all shops at once: shifts/s
   and calls/s the server sustains (and the queueing latency that load causes);
2. latency — ``--steady`` more shifts per shop (5: 1,000 PUTs, 10 s at 100/s), sent
   open-loop at a steady ``--rate`` shifts/s spread over the shops (tills close shifts
   at their own times): p50/p99 of each PUT.

Baseline, measured in the same run against a fresh schema: the same server storing each
call with its own INSERT statement (as naive ORM code would: ``session.add`` + flush per
row; CALLSHOP_CENTRAL_INSERT_MODE=row). Targets: >= 100 shifts/s (30,000 calls/s) and,
at 100 shifts/s offered, p99 < 500 ms.

Needs CALLSHOP_TEST_PG_URL (or --pg URL). The load generator runs on the same machine
and takes CPU from the server, so it is kept lean: payloads are encoded before the clock
starts, and each simulated shop speaks plain HTTP/1.1 on its own keep-alive connection
(a general-purpose async HTTP client cost ~1.5 ms of CPU per request here, about a
tenth of what the server spends storing the shift).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from callshop_wire import JournalHead, encode  # noqa: E402
from central import auth, service  # noqa: E402
from central.clock import SystemClock  # noqa: E402
from central.db import CentralDb, migrate  # noqa: E402
from central.models import CallRow, ShiftRow  # noqa: E402
from tests.callshop_wire.samples import make_shift  # noqa: E402


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    schema = f"bench_{secrets.token_hex(5)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


TICK = os.sysconf("SC_CLK_TCK")
#: the client drops a connection idle this long (uvicorn closes one idle 5 s: a request
#: sent on it just then would meet a closed socket, a load-generator artefact)
KEEPALIVE = 2.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def family(pid: int) -> list[int]:
    """``pid`` and its child processes (uvicorn's workers)."""
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def server_cpu(proc: subprocess.Popen[bytes], url: str) -> tuple[float, float]:
    """CPU seconds so far of uvicorn (all workers) and of its PostgreSQL backends."""
    app = sum(cpu_seconds(p) for p in family(proc.pid))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pids = (
                conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = 'callshop-bench'"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    return app, sum(cpu_seconds(p) for p in pids)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(url: str, shops: int) -> dict[str, str]:
    db = CentralDb(url)
    clock = SystemClock()
    try:
        migrate(db)
        tokens = {}
        for n in range(shops):
            code = f"shop-{n:04d}"
            service.add_shop(db, clock, code, code, "Europe/Sofia")
            tokens[code] = auth.issue_token(db, clock, code)
        return tokens
    finally:
        db.dispose()


def payloads(shops: int, shifts: int, calls: int) -> dict[str, list[tuple[str, bytes]]]:
    out: dict[str, list[tuple[str, bytes]]] = {}
    for n in range(shops):
        code = f"shop-{n:04d}"
        previous: JournalHead | None = None
        items = []
        for k in range(shifts):
            shift = make_shift(shop=code, calls=calls, seed=n * 1000 + k + 1, previous=previous)
            previous = shift.anchor.head
            items.append((f"/v1/shops/{code}/shifts/{shift.shift_uuid}", encode(shift)))
        out[code] = items
    return out


class Till:
    """One simulated shop's HTTP/1.1 connection: a PUT, its answer, kept alive; opened
    again when the server has closed it (an idle connection)."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0
        self.turn = asyncio.Lock()

    async def put(self, path: str, body: bytes) -> int:
        """Send one shift (after the shop's previous one, as a till's outbox does); its
        HTTP status."""
        async with self.turn:
            return await self._put(path, body)

    async def _put(self, path: str, body: bytes) -> int:
        for attempt in (1, 2):
            if self.writer is None or time.monotonic() - self.used > KEEPALIVE:
                await self.close()
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None and self.writer is not None
            self.writer.write(
                (
                    f"PUT {path} HTTP/1.1\r\n{self.head}Content-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode("ascii")
                + body
            )
            try:
                await self.writer.drain()
                status = await self._answer()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
                continue  # the server closed the connection first: the PUT is idempotent
            self.used = time.monotonic()
            return status
        raise AssertionError("unreachable")

    async def _answer(self) -> int:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def tills(base: str, tokens: dict[str, str]) -> dict[str, Till]:
    url = httpx.URL(base)
    assert url.port is not None
    return {code: Till(url.host, url.port, token) for code, token in tokens.items()}


async def steady(
    base: str, tokens: dict[str, str], work: list[tuple[str, str, bytes]], rate: float
) -> tuple[list[float], int]:
    """Open loop: request i starts at i / rate seconds, whatever the earlier ones do."""
    clients = tills(base, tokens)
    latencies: list[float] = []
    failures = 0
    start = time.perf_counter()

    async def one(i: int, code: str, path: str, body: bytes) -> None:
        nonlocal failures
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        t0 = time.perf_counter()
        status = await clients[code].put(path, body)
        latencies.append(time.perf_counter() - t0)
        if status != 201:
            failures += 1

    try:
        await asyncio.gather(*(one(i, *item) for i, item in enumerate(work)))
    finally:
        for client in clients.values():
            await client.close()
    return latencies, failures


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def push(
    base: str, tokens: dict[str, str], work: dict[str, list[tuple[str, bytes]]]
) -> tuple[float, list[float], int]:
    clients = tills(base, {code: tokens[code] for code in work})
    latencies: list[float] = []
    failures = 0

    async def shop(code: str) -> None:
        nonlocal failures
        for path, body in work[code]:
            t0 = time.perf_counter()
            status = await clients[code].put(path, body)
            latencies.append(time.perf_counter() - t0)
            if status != 201:
                failures += 1

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(shop(code) for code in work))
        elapsed = time.perf_counter() - t0
    finally:
        for client in clients.values():
            await client.close()
    return elapsed, latencies, failures


def serve(url: str, mode: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CALLSHOP_CENTRAL_INSERT_MODE": mode}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central",
            "--db",
            url,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"central did not start; see {log}")


def run(pg: str, mode: str, args: argparse.Namespace, log: Path) -> dict[str, float]:
    with fresh_schema(pg) as url:
        tokens = prepare(url, args.shops)
        everything = payloads(args.shops, 1 + args.shifts + args.steady, args.calls)
        warm = {code: items[:1] for code, items in everything.items()}
        work = {code: items[1 : args.shifts + 1] for code, items in everything.items()}
        # round-robin over the shops: each shop's shifts in its own order
        later = [
            (code, *items[args.shifts + 1 + k])
            for k in range(args.steady)
            for code, items in everything.items()
        ]
        server_url = (
            make_url(url)
            .update_query_dict({"application_name": "callshop-bench"})
            .render_as_string(hide_password=False)
        )
        proc, base = serve(server_url, mode, args.workers, log)
        try:
            # warm-up, not measured: every shop's first shift, all at once (each worker
            # opens its pooled database connections and fills its caches)
            *_, failures = asyncio.run(push(base, tokens, warm))
            app0, pg0 = server_cpu(proc, url)
            elapsed, latencies, measured_failures = asyncio.run(push(base, tokens, work))
            app1, pg1 = server_cpu(proc, url)
            steady_latencies, steady_failures = asyncio.run(steady(base, tokens, later, args.rate))
            failures += measured_failures + steady_failures
        finally:
            proc.terminate()
            proc.wait(60)
        db = CentralDb(url)
        try:
            with db.read() as s:
                held_shifts = s.scalar(select(func.count()).select_from(ShiftRow))
                held_calls = s.scalar(select(func.count()).select_from(CallRow))
        finally:
            db.dispose()
    total = args.shops * args.shifts
    assert failures == 0, f"{failures} PUTs failed"
    stored = args.shops * (1 + args.shifts + args.steady)
    assert held_shifts == stored and held_calls == stored * args.calls, (held_shifts, held_calls)
    return {
        "seconds": elapsed,
        "app_cpu_ms": (app1 - app0) / total * 1000,
        "pg_cpu_ms": (pg1 - pg0) / total * 1000,
        "shifts_s": total / elapsed,
        "calls_s": total * args.calls / elapsed,
        "sat_p50_ms": statistics.median(latencies) * 1000,
        "sat_p99_ms": pct(latencies, 0.99),
        "p50_ms": statistics.median(steady_latencies) * 1000,
        "p99_ms": pct(steady_latencies, 0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default=os.environ.get("CALLSHOP_TEST_PG_URL"))
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument(
        "--shifts", type=int, default=5, help="shifts per shop in the saturation phase"
    )
    parser.add_argument(
        "--rate", type=float, default=100.0, help="shifts/s offered in the latency phase"
    )
    parser.add_argument(
        "--steady", type=int, default=5, help="shifts per shop in the latency phase"
    )
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--modes",
        default="bulk,row",
        help="what to run: bulk (shipped), row (baseline); both for the ratio",
    )
    args = parser.parse_args()
    if not args.pg:
        parser.error("set CALLSHOP_TEST_PG_URL or pass --pg URL")
    log = Path(tempfile.mkdtemp(prefix="central-bench-")) / "server.log"
    print(
        f"{args.shops} shops x {args.shifts} shifts x {args.calls} calls at saturation, then "
        f"{args.shops * args.steady} more at {args.rate:g} shifts/s; uvicorn --workers "
        f"{args.workers}, "
        f"PostgreSQL; load average before: {os.getloadavg()[0]:.1f}; server log {log}"
    )
    results = {}
    for mode in args.modes.split(","):
        results[mode] = r = run(args.pg, mode, args, log)
        label = "bulk insert (shipped)" if mode == "bulk" else "one row per statement"
        print(
            f"{label:24s} saturation {r['seconds']:6.1f} s {r['shifts_s']:6.1f} shifts/s "
            f"{r['calls_s']:7.0f} calls/s (p50 {r['sat_p50_ms']:5.0f} ms, p99 "
            f"{r['sat_p99_ms']:5.0f} ms) | at {args.rate:g}/s: p50 {r['p50_ms']:5.0f} ms "
            f"p99 {r['p99_ms']:6.0f} ms"
        )
        print(
            f"{'':24s} CPU per shift: uvicorn {r['app_cpu_ms']:.1f} ms + PostgreSQL backends "
            f"{r['pg_cpu_ms']:.1f} ms -> {2000 / (r['app_cpu_ms'] + r['pg_cpu_ms']):.0f} "
            "shifts/s if two idle cores did nothing else"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if set(results) != {"bulk", "row"}:
        return 0
    ratio = results["bulk"]["shifts_s"] / results["row"]["shifts_s"]
    print(
        f"shipped / baseline: {ratio:.2f}x shifts/s; "
        f"targets: >= 100 shifts/s {'met' if results['bulk']['shifts_s'] >= 100 else 'MISSED'}"
        f", p99 < 500 ms {'met' if results['bulk']['p99_ms'] < 500 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
