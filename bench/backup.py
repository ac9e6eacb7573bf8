"""What the backups and verify's recounts cost on a year of calls.

Data: ``bench/admin.py``'s year (SQLite file, N calls in 300 shifts, 299 closed and
summed into the report cells). Printed, each against a baseline measured in the same
run:

- the online copy (SQLite backup API) of the whole file, against a plain file copy;
- verify's recount of the report cells and month cells, and of the closed shifts' Z
  figures, against the per-row digest pass verify already makes over the same calls
  (every call row's journal digest computed, as for a journaled database).

Usage: ``python bench/backup.py [--calls N]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run(calls: int) -> None:
    from sqlalchemy import select

    from bench.admin import _fill
    from callshop_pos import journal
    from callshop_pos.clock import FakeClock
    from callshop_pos.db.models.calls import Call
    from callshop_pos.services import backups
    from callshop_pos.services.admin.verify import _Checker
    from callshop_pos.services.auth import Actor, Role
    from callshop_pos.services.context import Shop
    from callshop_pos.services.reports.period import GroupBy, period_report

    admin = Actor(1, "bench", Role.ADMIN)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        _fill(url, path, calls)
        shop = Shop.open(url, clock=FakeClock(datetime(2027, 1, 1, tzinfo=UTC)))
        try:
            period_report(shop, admin, date(2026, 1, 1), date(2026, 12, 31), GroupBy.BOOTH)
            size = path.stat().st_size
            print(f"{calls} calls in 300 shifts, database {size / 1e6:.0f} MB")

            t = time.perf_counter()
            shutil.copyfile(path, Path(tmp) / "plain.db")
            plain = time.perf_counter() - t
            t = time.perf_counter()
            backups._sqlite_copy(path, Path(tmp) / "online.db")
            online = time.perf_counter() - t
            print(
                f"  online copy (backup API) {online:6.2f} s · baseline plain file copy "
                f"{plain:6.2f} s ({online / plain:.1f}×)"
            )

            fields = list(Call.__journal_fields__)
            checker = _Checker()
            with shop.db.read() as s:
                t = time.perf_counter()
                n = 0
                stmt = select(Call.id, *(getattr(Call, f) for f in fields)).execution_options(
                    yield_per=2000
                )
                for row in s.execute(stmt):
                    journal.digest_of("calls", str(row[0]), dict(zip(fields, row[1:], strict=True)))
                    n += 1
                digests = time.perf_counter() - t
                t = time.perf_counter()
                checker.report_cells(s)
                cells = time.perf_counter() - t
                t = time.perf_counter()
                checker.shift_sums(s)
                sums = time.perf_counter() - t
            assert not [p for p in checker.problems if p.kind == "report-cells"], checker.problems
            print(
                f"  verify: report cells recount {cells:6.2f} s · Z figures recount "
                f"{sums:6.2f} s · baseline digest pass over the {n} calls {digests:6.2f} s "
                f"(recounts = {(cells + sums) / digests:.0%} of it)"
            )
        finally:
            shop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    run(parser.parse_args().calls)


if __name__ == "__main__":
    main()
