"""Central under load (python bench/central.py [--shops 200] [--shifts 3] [--calls 300]).

200 simulated shops push closed shifts of 300 calls each, all at once, to a real
``callshop-central`` (uvicorn, 2 workers) on PostgreSQL: shifts/s, calls/s and the
latency of each PUT (p50/p99). Baseline, measured in the same run against a fresh
schema: the same server storing each call with its own INSERT statement (as naive ORM
code would: ``session.add`` + flush per row; CALLSHOP_CENTRAL_INSERT_MODE=row).
Targets: >= 100 shifts/s (30,000 calls/s) and p99 < 500 ms.

Needs CALLSHOP_TEST_PG_URL (or --pg URL). The load generator runs on the same machine
and takes CPU from the server; payloads are encoded before the clock starts.
"""

from __future__ import annotations

import argparse
import asyncio
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


async def push(base: str, tokens: dict[str, str], work: dict[str, list[tuple[str, bytes]]]
               ) -> tuple[float, list[float], int]:
    limits = httpx.Limits(max_connections=len(work), max_keepalive_connections=len(work))
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def shop(code: str) -> None:
            nonlocal failures
            headers = {"Authorization": f"Bearer {tokens[code]}",
                       "Content-Type": "application/json"}
            for path, body in work[code]:
                t0 = time.perf_counter()
                response = await client.put(path, content=body, headers=headers)
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 201:
                    failures += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(shop(code) for code in work))
        elapsed = time.perf_counter() - t0
    return elapsed, latencies, failures


def serve(url: str, mode: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CALLSHOP_CENTRAL_INSERT_MODE": mode}
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "--db", url, "serve", "--port", str(port),
         "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
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
        work = payloads(args.shops, args.shifts, args.calls)
        proc, base = serve(url, mode, args.workers, log)
        try:
            # warm-up: one shift from another shop set would skew nothing; use health
            elapsed, latencies, failures = asyncio.run(push(base, tokens, work))
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
    assert held_shifts == total and held_calls == total * args.calls, (held_shifts, held_calls)
    latencies.sort()
    return {
        "seconds": elapsed,
        "shifts_s": total / elapsed,
        "calls_s": total * args.calls / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default=os.environ.get("CALLSHOP_TEST_PG_URL"))
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--shifts", type=int, default=3, help="shifts per shop")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.pg:
        parser.error("set CALLSHOP_TEST_PG_URL or pass --pg URL")
    log = Path(tempfile.mkdtemp(prefix="central-bench-")) / "server.log"
    print(f"{args.shops} shops x {args.shifts} shifts x {args.calls} calls, "
          f"uvicorn --workers {args.workers}, PostgreSQL; server log {log}")
    results = {}
    for mode in ("bulk", "row"):
        results[mode] = r = run(args.pg, mode, args, log)
        label = "bulk insert (shipped)" if mode == "bulk" else "one row per statement"
        print(f"{label:24s} {r['seconds']:6.1f} s  {r['shifts_s']:6.1f} shifts/s  "
              f"{r['calls_s']:8.0f} calls/s  p50 {r['p50_ms']:6.0f} ms  "
              f"p99 {r['p99_ms']:6.0f} ms")
    ratio = results["bulk"]["shifts_s"] / results["row"]["shifts_s"]
    print(f"shipped / baseline: {ratio:.2f}x shifts/s; "
          f"targets: >= 100 shifts/s {'met' if results['bulk']['shifts_s'] >= 100 else 'MISSED'}"
          f", p99 < 500 ms {'met' if results['bulk']['p99_ms'] < 500 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
