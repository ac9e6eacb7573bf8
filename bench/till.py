"""Till throughput: recording calls, taking payments, X/Z reports (SQLite file, WAL, FULL).

    python bench/till.py [--calls 2000] [--payments 500]

Every recorder event and every payment is one durable write transaction with its
audit-journal entry. The baseline, measured in the same run on the same kind of
database file, is the bare minimum a durable write costs: one single-row INSERT
committed per transaction through the sqlite3 module with the same PRAGMAs.
Ratios = our cost / the baseline's (lower is better; 1.0 would be "free" on top of
the fsync).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher, Type

from callshop_pos.clock import FakeClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift, x_report


def baseline_per_tx(path: Path, n: int) -> float:
    """Seconds per durable single-row write transaction (bare sqlite3)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    t0 = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (f"row {i}", i))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed / n


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--payments", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline_per_tx(Path(tmp) / "baseline.db", 1000)
        clock = FakeClock()
        hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
        shop = Shop.open(f"sqlite:///{Path(tmp) / 'shop.db'}", clock=clock, hasher=hasher)
        admin = users.create_first_admin(shop, "admin", "admin-pass")
        users.add_user(shop, admin, "olga", "olga-pass", Role.OPERATOR)
        open_shift(shop, admin, 5000)
        rec = DatabaseCallRecorder(shop)
        event_times: list[float] = []
        ids: list[int] = []
        t_all = time.perf_counter()
        for i in range(args.calls):
            ref = f"bench-{i}"
            t0 = time.perf_counter()
            rec.call_started(CallStart(f"B{i % 16}", ref, "00441234567", clock.now()))
            t1 = time.perf_counter()
            clock.advance(3)
            rec.call_answered(ref, clock.now())
            t2 = time.perf_counter()
            clock.advance(60 + i % 300)
            rating = FinishedCallRating(
                "441234567", "44", "UK", None, 60 + i % 300, 120, 100 + i % 50, 12_000, False
            )
            ids.append(
                rec.call_ended(ref, clock.now(), HangupReason.NORMAL, HangupSide.BOOTH, rating)
            )
            t3 = time.perf_counter()
            event_times += [t1 - t0, t2 - t1, t3 - t2]
        record_total = time.perf_counter() - t_all
        pay_times: list[float] = []
        for cid in ids[: args.payments]:
            t0 = time.perf_counter()
            pay_calls(shop, admin, [cid], 10_000)
            pay_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        x_report(shop, admin)
        x_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        close_shift(shop, admin, 0)
        z_time = time.perf_counter() - t0
        clock.advance(timedelta(hours=1).total_seconds())
        shop.close()

    ev_med = statistics.median(event_times)
    pay_med = statistics.median(pay_times)
    print(f"baseline durable write transaction: {base * 1000:.2f} ms")
    print(
        f"recorder: {args.calls} calls (3 events each) in {record_total:.1f} s = "
        f"{args.calls / record_total:.0f} calls/s; event median {ev_med * 1000:.2f} ms, "
        f"p99 {pct(event_times, 0.99) * 1000:.2f} ms ({ev_med / base:.1f}x baseline)"
    )
    print(
        f"pay_calls: median {pay_med * 1000:.2f} ms, p99 {pct(pay_times, 0.99) * 1000:.2f} ms "
        f"({pay_med / base:.1f}x baseline)"
    )
    print(
        f"X report over {args.calls} calls: {x_time * 1000:.0f} ms; "
        f"close shift (Z): {z_time * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
