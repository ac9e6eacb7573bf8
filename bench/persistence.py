"""Persistence benchmark: price-list import into the database, and verify.

Prints, from one run on the same machine:

* the full ``prices.import_price_list`` of a 50,000-row CSV into SQLite (parse,
  validate, store the version, journal entry) — target < 2 s (``bench/pricelist.py``
  measures imports of up to 1,000,000 rows against the previous code);
* ``verify`` over a journal of N entries each covering one money row (rows/s).

Usage: ``python bench/persistence.py [--rows 50000] [--entries 20000]``
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.fx import FxRate
from callshop_pos.journal import append
from callshop_pos.rating import parse_price_list
from callshop_pos.services.admin import prices, users
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.context import Shop


def price_csv(rows: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    codes: set[str] = set()
    while len(codes) < rows:
        codes.add(
            str(rnd.randint(1, 99))
            + "".join(str(rnd.randint(0, 9)) for _ in range(rnd.randint(0, 6)))
        )
    lines = ["country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee"]
    for code in sorted(codes):
        w = Decimal(rnd.randint(1000, 200000)) / 1_000_000
        lines.append(f"Dest {code},{code},{w},{(w * 3).quantize(Decimal('0.01'))},,60,60,0")
    return "\n".join(lines) + "\n"


def new_shop(directory: Path, name: str) -> tuple[Shop, object]:
    shop = Shop.open(
        f"sqlite:///{directory / name}",
        clock=FakeClock(),
        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    admin = users.create_first_admin(shop, "admin", "admin-pass")
    return shop, admin


def bench_import(directory: Path, rows: int) -> None:
    data = price_csv(rows)
    begin, cpu = time.perf_counter(), time.process_time()
    parse_price_list(data)
    parse_s, parse_cpu = time.perf_counter() - begin, time.process_time() - cpu
    shop, admin = new_shop(directory, "import.db")
    begin, cpu = time.perf_counter(), time.process_time()
    info = prices.import_price_list(shop, admin, data, "bench.csv")  # type: ignore[arg-type]
    ours, ours_cpu = time.perf_counter() - begin, time.process_time() - cpu
    assert info.entry_count == rows
    shop.close()

    # CPU time as well: on a shared, loaded machine wall time overstates the cost.
    print(
        f"price-list import, {rows} rows, full service call: {ours:.2f} s "
        f"(CPU {ours_cpu:.2f} s) (target < 2 s)"
    )
    print(
        f"  parse_price_list alone (entries as objects, not what the import does): "
        f"{parse_s:.2f} s (CPU {parse_cpu:.2f} s)"
    )


def bench_verify(directory: Path, entries: int) -> None:
    shop, admin = new_shop(directory, "verify.db")
    day = date(2020, 1, 1)
    batch = 1000
    for start in range(0, entries, batch):
        with shop.db.write() as s:
            for i in range(start, min(entries, start + batch)):
                row = FxRate(
                    effective_on=day + timedelta(days=i % 3000),
                    local_per_usd=Decimal("0.9"),
                    set_at=shop.clock.now(),
                    set_by="admin",
                )
                s.add(row)
                append(s, admin, "fx.set", subject=row, rows=[row])  # type: ignore[arg-type]
    begin, cpu = time.perf_counter(), time.process_time()
    report = verify(shop)
    took, took_cpu = time.perf_counter() - begin, time.process_time() - cpu
    assert report.ok, report.describe()
    print(
        f"verify, {report.entries} journal entries / {report.rows_checked} money rows: "
        f"{took:.2f} s, CPU {took_cpu:.2f} s ({report.entries / took_cpu:,.0f} entries per "
        "CPU second)"
    )
    shop.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_import(Path(tmp), args.rows)
        bench_verify(Path(tmp), args.entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
