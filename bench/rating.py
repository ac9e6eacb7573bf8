"""Rating benchmark: price-list import, full rating throughput, and the SQL baseline.

    python bench/rating.py [--prefixes 50000] [--calls 1000000] [--sql-calls 50000]
                           [--workers 2] [--repeat 3] [--seed 2026]

Everything is generated from the seed: a realistic 50,000-prefix price list (country
codes extended to area/mobile ranges of 3–9 digits, some off-peak prices, a few
1/1, 30/6 and 90/60 rows, some rows without retail) and 1,000,000 answered calls
(dialled as a booth sends them: ``00…``, national ``0…``, some ``+…``, a few service
codes and unknown destinations; answer times as aware UTC over a month; durations
in whole seconds).

It prints:
* the import time of the 50,000-row CSV (``parse_price_list``), and the time to
  build the index and compile the rater's tariffs for it;
* whether the rating kernel (``callshop_pos/rating/kernel.py``) runs compiled by mypyc
  (the installed package) and, on a share of the calls, the same kernel run as plain
  Python (what a machine without a C compiler gets);
* fully rated calls per second through ``Rater.rate`` one call at a time and through
  its batch form ``Rater.rate_many`` (same results; normalise + longest-prefix
  lookup + off-peak band + billable seconds + price + wholesale cost, building the
  ``Rating``), in one process (best of ``--repeat``, interleaved) and, batch, with
  ``--workers`` forked
  processes — one per core, each rating its own share of the calls; their throughput
  is the calls over the slowest worker's loop (wall) and over its CPU time (what
  that many idle cores would give: on a loaded machine the wall figure only says
  how busy the other processes kept the cores);
* the per-call SQL approach of SQL-based billing systems on the same machine in the
  same run: an indexed SQLite table, one ``SELECT … WHERE prefix IN (…) ORDER BY
  length(prefix) DESC LIMIT 1`` per call, then the same pricing. It is slow, so it
  runs on the first ``--sql-calls`` calls and is extrapolated per call. Both sides
  must agree on every call of that subset. The ratio compares like with like: time
  per call of ``Rater.rate`` in one process against time per call of the SQL
  approach on one connection in one process, same run, both in wall-clock and in
  CPU time (either side scales the same way over cores: one process per core).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import multiprocessing
import os
import pickle
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from callshop_pos.rating import (
    NumberPlan,
    OffPeakSchedule,
    PriceEntry,
    PriceIndex,
    Rater,
    Tariff,
    billable_seconds,
    parse_price_list,
    write_price_list,
)
from callshop_pos.rating import kernel as rating_kernel

OFFPEAK = "Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00"
TZ = ZoneInfo("Europe/Sofia")

# Country codes of the world (ITU), the roots the generated prefixes grow from.
_CODES_TEXT = (
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 "
    "62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 "
    "225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 "
    "248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 "
    "291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 "
    "378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 "
    "590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 "
    "683 685 686 687 688 689 690 691 692 850 852 853 855 856 870 880 881 882 886 960 961 962 "
    "963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998 "
)
COUNTRY_CODES = tuple(_CODES_TEXT.split())


def generate_price_list(count: int, rnd: random.Random) -> list[PriceEntry]:
    """``count`` unique, realistic price rows grown from the world's country codes."""
    codes: set[str] = set(COUNTRY_CODES)
    # Big markets get most of the detail, as in real carrier decks.
    weights = [8 if len(c) == 1 else 4 if len(c) == 2 else 1 for c in COUNTRY_CODES]
    while len(codes) < count:
        root = rnd.choices(COUNTRY_CODES, weights)[0]
        extra = rnd.choices((1, 2, 3, 4, 5, 6), (3, 10, 20, 25, 15, 5))[0]
        code = root + "".join(rnd.choice("0123456789") for _ in range(extra))
        if len(code) <= 9:
            codes.add(code)
    entries = []
    for code in sorted(codes):
        wholesale = Decimal(rnd.randint(800, 400_000)).scaleb(-6)
        retail: Decimal | None = (wholesale * Decimal("1.7")).quantize(Decimal("0.0001")) + Decimal(
            "0.02"
        )
        offpeak = None
        initial = increment = 60
        roll = rnd.random()
        if roll < 0.01:
            retail = None  # no retail price yet
        elif roll < 0.31:
            assert retail is not None
            offpeak = (retail * Decimal("0.75")).quantize(Decimal("0.0001"))
        shape = rnd.random()
        if shape < 0.05:
            initial = increment = 1
        elif shape < 0.08:
            initial, increment = 30, 6
        elif shape < 0.10:
            initial, increment = 90, 60
        fee = Decimal("0.05") if rnd.random() < 0.02 else Decimal(0)
        grace = 3 if rnd.random() < 0.05 else 0
        entries.append(
            PriceEntry(
                f"Destination {code}",
                code,
                wholesale,
                retail,
                offpeak,
                initial,
                increment,
                fee,
                grace,
            )
        )
    return entries


def generate_calls(
    entries: list[PriceEntry], count: int, rnd: random.Random
) -> list[tuple[str, datetime, int]]:
    """``count`` answered calls as the engine hands them to the rater."""
    codes = [e.code for e in entries]
    start = datetime(2026, 3, 2, tzinfo=UTC)
    digits = "0123456789"
    calls = []
    for _ in range(count):
        kind = rnd.random()
        if kind < 0.97:
            code = rnd.choice(codes)
            rest = "".join(rnd.choices(digits, k=max(2, 12 - len(code))))
            full = code + rest
            if full.startswith("359") and kind < 0.30:
                number = "0" + full[3:]  # national
            elif kind < 0.90:
                number = "00" + full
            else:
                number = "+" + full
        elif kind < 0.99:
            number = "00" + "".join(rnd.choices(digits, k=12))  # possibly unknown
        else:
            number = rnd.choice(("*100#", "*123*5#", "#31#0888123456"))
        answered_at = start + timedelta(seconds=rnd.randrange(31 * 86400))
        duration = int(rnd.expovariate(1 / 150)) if rnd.random() > 0.03 else 0
        calls.append((number, answered_at, duration))
    return calls


Timing = tuple[float, float]  # (wall-clock seconds, CPU seconds of this process)


def _rate_all(
    rater: Rater, calls: list[tuple[str, datetime, int]], batch: bool = True
) -> tuple[Timing, int, int, int]:
    rate = rater.rate
    gc.disable()
    try:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        if batch:
            ratings = rater.rate_many(calls)
        else:
            ratings = [rate(number, at, d) for number, at, d in calls]
        elapsed = (time.perf_counter() - begin, time.process_time() - begin_cpu)
    finally:
        gc.enable()
    price = sum(r.price_minor or 0 for r in ratings)
    cost = sum(r.wholesale_micro or 0 for r in ratings)
    rated = sum(1 for r in ratings if r.status == "rated")
    return elapsed, price, cost, rated


def _worker(
    rater: Rater, inherited: list[tuple[str, datetime, int]], results: Any, slot: int
) -> None:
    """One forked worker: rates its share and reports (timing, totals) on ``results``."""
    # A private copy of the calls: inherited pages would otherwise be copied on first
    # write (reference counts) inside the timed loop.
    calls = pickle.loads(pickle.dumps(inherited))
    _rate_all(rater, calls[:20_000])  # touch the tables once, as a long-running engine has
    results.put((slot, _rate_all(rater, calls)))


def _plain_python_kernel(rater: Rater, calls: list[tuple[str, datetime, int]]) -> Timing:
    """The same kernel source run by the interpreter (no mypyc), over ``calls``."""
    source = Path(rating_kernel.__file__).with_name("kernel.py")
    spec = importlib.util.spec_from_file_location("bench_kernel_as_source", source)
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = pure
    spec.loader.exec_module(pure)

    def band(b: Any) -> Any:
        return None if b is None else pure.Band(b.a2, b.b2, b.half, b.d2, b.rate)

    table = {
        code: pure.Tariffs(
            t.entry,
            t.code,
            t.country,
            t.wholesale2,
            t.grace,
            t.initial,
            t.increment,
            band(t.peak),
            band(t.off),
        )
        for code, t in rater._table.items()
    }
    clock = pure.WeekClock(rater.tz, rater._clock.flags)
    prefixes = pure.PrefixTable(table)
    rates = pure.Rates(rater.plan.rules, rater.plan.separators, prefixes, clock)
    gc.disable()
    try:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        rates.rate_all(calls)
        return (time.perf_counter() - begin, time.process_time() - begin_cpu)
    finally:
        gc.enable()


def _sql_baseline(
    entries: list[PriceEntry],
    plan: NumberPlan,
    rater: Rater,
    calls: list[tuple[str, datetime, int]],
) -> tuple[Timing, int]:
    """Per-call SQL prefix query + the same pricing; returns (timing, mismatches)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "prices.sqlite")
        db.execute(
            "CREATE TABLE prices (prefix TEXT PRIMARY KEY, country TEXT, wholesale_usd TEXT, "
            "retail TEXT, retail_offpeak TEXT, initial INTEGER, increment INTEGER, "
            "connect_fee TEXT, grace INTEGER)"
        )
        db.execute("CREATE INDEX prices_prefix ON prices (prefix)")
        db.executemany(
            "INSERT INTO prices VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    e.code,
                    e.country,
                    str(e.wholesale_usd),
                    None if e.retail is None else str(e.retail),
                    None if e.retail_offpeak is None else str(e.retail_offpeak),
                    e.initial,
                    e.increment,
                    str(e.connect_fee),
                    e.grace,
                )
                for e in entries
            ],
        )
        db.commit()
        queries = {
            n: (
                "SELECT prefix, country, wholesale_usd, retail, retail_offpeak, initial, "
                "increment, connect_fee, grace FROM prices WHERE prefix IN ("
                + ",".join("?" * n)
                + ") ORDER BY length(prefix) DESC LIMIT 1"
            )
            for n in range(1, 16)
        }
        mismatches = 0
        results = []
        begin, begin_cpu = time.perf_counter(), time.process_time()
        for number, at, d in calls:
            normalized = plan.normalize(number)
            if normalized is None:
                results.append(None)
                continue
            probes = [normalized[:k] for k in range(1, min(len(normalized), 15) + 1)]
            row = db.execute(queries[len(probes)], probes).fetchone()
            if row is None or row[3] is None:
                results.append(None)
                continue
            offpeak = row[4] is not None and rater.is_offpeak(at)
            rate = Decimal(row[4] if offpeak else row[3])
            billable = billable_seconds(d, row[8], row[5], row[6])
            price = Tariff(rate, Decimal(row[7])).price_minor(billable)
            results.append(price)
        elapsed = (time.perf_counter() - begin, time.process_time() - begin_cpu)
        db.close()
    for (number, at, d), price in zip(calls, results, strict=True):
        if rater.rate(number, at, d).price_minor != price:
            mismatches += 1
    return elapsed, mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefixes", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--sql-calls", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    rnd = random.Random(args.seed)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, seed {args.seed}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    entries = generate_price_list(args.prefixes, rnd)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prices.csv"
        path.write_text(write_price_list(entries), encoding="utf-8")
        begin = time.perf_counter()
        imported = parse_price_list(path.read_bytes())
        import_s = time.perf_counter() - begin
    assert imported == entries
    print(f"import of the {len(entries):,}-row price list CSV: {import_s:.2f} s (target < 2 s)")

    plan = NumberPlan()
    schedule = OffPeakSchedule.parse(OFFPEAK)
    begin = time.perf_counter()
    index = PriceIndex(imported, version_id=1)
    rater = Rater(index, plan, schedule, TZ)
    build_s = time.perf_counter() - begin
    print(f"index + tariff compilation: {build_s:.2f} s (code lengths {index.lengths})")

    calls = generate_calls(imported, args.calls, rnd)
    n = len(calls)
    print(
        "rating kernel: "
        + (
            f"compiled by mypyc ({Path(rating_kernel.__file__).name})"
            if rating_kernel.compiled()
            else "plain Python (not compiled: no C compiler, or CALLSHOP_PURE_PYTHON=1)"
        )
    )
    # Interleaved, best of --repeat each: one call at a time, and the batch form.
    bests = {False: (float("inf"), float("inf")), True: (float("inf"), float("inf"))}
    totals: dict[bool, tuple[int, int, int]] = {}
    for _ in range(max(1, args.repeat)):
        for batch in (False, True):
            (wall, cpu), price, cost, rated = _rate_all(rater, calls, batch)
            bests[batch] = (min(bests[batch][0], wall), min(bests[batch][1], cpu))
            totals[batch] = (price, cost, rated)
    assert totals[False] == totals[True]
    for batch, label in ((False, "Rater.rate, 1 call at a time"), (True, "Rater.rate_many")):
        wall, cpu = bests[batch]
        print(
            f"{label}, 1 process: {n:,} calls in {wall:.2f} s = {n / wall:,.0f} calls/s "
            f"(CPU time {cpu:.2f} s = {n / cpu:,.0f} calls/s); {totals[batch][2]:,} rated, "
            f"price total {totals[batch][0]:,} cents, wholesale {totals[batch][1]:,} µUSD"
        )
    best, best_cpu = bests[True]
    single, single_cpu = bests[False]
    if rating_kernel.compiled():
        share = calls[: min(n, 200_000)]
        plain_us = _plain_python_kernel(rater, share)[1] / len(share) * 1e6
        compiled_us = best_cpu / n * 1e6
        print(
            f"the same kernel as plain Python, {len(share):,} calls: {plain_us:.2f} µs/call "
            f"CPU (compiled: {compiled_us:.2f} µs/call, {plain_us / compiled_us:.1f}× faster)"
        )
    totals_ = totals[True]

    if args.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        step = -(-n // args.workers)
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        workers = [
            ctx.Process(target=_worker, args=(rater, calls[i : i + step], queue, slot))
            for slot, i in enumerate(range(0, n, step))
        ]
        for worker in workers:
            worker.start()
        results = [queue.get(timeout=3600)[1] for _ in workers]
        for worker in workers:
            worker.join()
        wall = max(r[0][0] for r in results)
        assert (sum(r[1] for r in results), sum(r[2] for r in results)) == totals_[:2]
        slowest_cpu = max(r[0][1] for r in results)
        print(
            f"Rater.rate_many, {args.workers} processes (one per core, {step:,} calls each): "
            f"{n / wall:,.0f} calls/s (slowest worker's loop {wall:.2f} s; its CPU time "
            f"{slowest_cpu:.2f} s = {n / slowest_cpu:,.0f} calls/s); same totals as 1 process "
            f"(target ≥ 300,000/s on 2 cores)"
        )

    subset = calls[: args.sql_calls]
    (sql_s, sql_cpu), mismatches = _sql_baseline(imported, plan, rater, subset)
    m = len(subset)
    print(
        f"SQL per-call prefix query (SQLite, indexed) + same pricing, {m:,} calls: "
        f"{sql_s:.2f} s = {m / sql_s:,.0f} calls/s, {sql_s / m * 1e6:.1f} µs/call "
        f"(CPU {sql_cpu / m * 1e6:.1f} µs/call; extrapolated to {n:,} calls: "
        f"{sql_s / m * n:.0f} s); {mismatches} disagreements with Rater"
    )
    for label, (wall, cpu) in (
        ("Rater.rate_many", (best, best_cpu)),
        ("Rater.rate", (single, single_cpu)),
    ):
        print(
            f"ratio {label} : SQL, per call, 1 process (1 core) each = "
            f"{(sql_s / m) / (wall / n):.1f}× wall clock, {(sql_cpu / m) / (cpu / n):.1f}× "
            f"CPU time (target ≥ 20×)"
        )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
