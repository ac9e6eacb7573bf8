"""What summing a shift for the owner's reports adds to closing it, and what it saves.

A year of calls (SQLite file, 300 shifts; ``bench/admin.py``'s data) with the 299 closed
shifts already summed; then the open shift is closed through ``shifts.close_shift``,
which sums it into the report cells right after its transaction. Printed:

- the whole close (with the summing) and the summing alone (the same shift summed
  again), so the close's own share is the difference;
- the year report right after the close (nothing left to catch up) against the lazy
  catch-up the first report used to pay (all closed shifts summed at report time).

Usage: ``python bench/close_summing.py [--calls N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run(calls: int) -> None:
    from bench.admin import _fill
    from callshop_pos.clock import FakeClock
    from callshop_pos.services.auth import Actor, Role
    from callshop_pos.services.context import Shop
    from callshop_pos.services.reports.cells import sum_closed_shift
    from callshop_pos.services.reports.period import GroupBy, period_report
    from callshop_pos.services.till import shifts

    # The copy of the database made after the Z is measured by bench/backup.py (and on
    # this unjournaled data it would not verify): left out here, so the figures stay
    # comparable with the earlier runs.
    shifts.backup_after_close = lambda shop, shift_id: None  # type: ignore[assignment]
    admin = Actor(1, "bench", Role.ADMIN)
    olga = Actor(1, "olga", Role.OPERATOR)  # the open shift's operator in _fill
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        _fill(url, path, calls)
        shop = Shop.open(url, clock=FakeClock(datetime(2027, 1, 1, tzinfo=UTC)))
        try:
            t = time.perf_counter()
            period_report(shop, admin, first, last, GroupBy.DAY)
            catch_up = time.perf_counter() - t
            per_shift = calls // 300
            print(f"{calls} calls in 300 shifts (~{per_shift} per shift)")
            print(
                f"  first report summing 299 closed shifts (what a year of closes without "
                f"reports cost before closing summed them) {catch_up:7.2f} s"
            )
            t = time.perf_counter()
            shifts.close_shift(shop, olga, 0)
            close = time.perf_counter() - t
            t = time.perf_counter()
            sum_closed_shift(shop, 300)
            summing = time.perf_counter() - t
            print(
                f"  close_shift with summing {close * 1000:7.0f} ms · summing alone "
                f"{summing * 1000:6.0f} ms ({summing / close:.0%} of the close)"
            )
            t = time.perf_counter()
            period_report(shop, admin, first, last, GroupBy.DAY)
            after = time.perf_counter() - t
            print(
                f"  year report right after the close {after * 1000:7.0f} ms "
                f"(vs {catch_up:.2f} s with the catch-up: {catch_up / after:.0f}×)"
            )
        finally:
            shop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    run(parser.parse_args().calls)


if __name__ == "__main__":
    main()
