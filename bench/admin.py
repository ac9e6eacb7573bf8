"""Administration benchmarks (python bench/admin.py [--calls N] [--rows N]).

1. Open the price list with 50,000 rows in a real QTableView (offscreen) and filter
   it keystroke by keystroke; baseline: the same with a QSortFilterProxyModel over
   the same model (Qt calls data() back once per row per keystroke).
2. A year report over 1,000,000 calls (SQLite file, 300 shifts, one still open)
   read from the closed shifts' pre-summed cells plus the open shift's calls;
   baseline: the same report as one SQL aggregation over every call.
Targets: open < 300 ms, < 50 ms per keystroke; report < 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# bench/ holds ui.py (the cashier window's bench): put the project first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def price_list(rows: int) -> None:
    from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel
    from PySide6.QtWidgets import QApplication, QTableView

    from callshop_pos.rating.pricelist import PriceEntry
    from ui.admin.price_list_model import PriceListModel

    app = QApplication.instance() or QApplication([])
    rnd = random.Random(1)
    countries = [
        "Germany",
        "Turkey",
        "United Kingdom",
        "Romania",
        "Bulgaria",
        "Greece",
        "Ukraine",
        "Italy",
        "Spain",
        "Poland",
        "Serbia",
        "France",
    ]
    entries = [
        PriceEntry(
            f"{rnd.choice(countries)} {kind}",
            str(10_000 + i),
            Decimal(rnd.randint(1_000, 900_000)).scaleb(-6),
            Decimal(rnd.randint(1, 300)).scaleb(-2),
        )
        for i, kind in ((i, rnd.choice(["fixed", "mobile", "premium"])) for i in range(rows))
    ]
    keystrokes = ["g", "ge", "ger", "germ", "germa", "german", "germany", "germany m"]

    def run(use_proxy: bool) -> tuple[float, list[float]]:
        t0 = time.perf_counter()
        model = PriceListModel(entries, usd_rate=Decimal("0.92"), minimum_margin=Decimal(10))
        view = QTableView()
        proxy = None
        if use_proxy:
            proxy = QSortFilterProxyModel()
            proxy.setSourceModel(model)
            proxy.setFilterKeyColumn(1)
            view.setModel(proxy)
        else:
            view.setModel(model)
        view.resize(1200, 800)
        view.show()
        app.processEvents()
        opened = time.perf_counter() - t0
        times = []
        for text in keystrokes:
            t = time.perf_counter()
            if proxy is not None:
                proxy.setFilterRegularExpression(
                    QRegularExpression(
                        QRegularExpression.escape(text),
                        QRegularExpression.PatternOption.CaseInsensitiveOption,
                    )
                )
            else:
                model.set_filter(text)
            app.processEvents()
            times.append(time.perf_counter() - t)
        view.close()
        view.deleteLater()
        app.processEvents()
        return opened, times

    opened, keys = run(False)
    base_open, base_keys = run(True)
    print(
        f"price list {rows} rows: open {opened * 1000:.0f} ms (target < 300), "
        f"filter max {max(keys) * 1000:.1f} ms, median {statistics.median(keys) * 1000:.1f} ms"
        f" per keystroke (target < 50)"
    )
    print(
        f"  baseline QSortFilterProxyModel: open {base_open * 1000:.0f} ms, filter max "
        f"{max(base_keys) * 1000:.1f} ms, median {statistics.median(base_keys) * 1000:.1f} ms"
        f" → {statistics.median(base_keys) / statistics.median(keys):.1f}× slower"
    )


def _fill(url: str, path: Path, calls: int) -> None:
    from callshop_pos.services.context import Shop

    Shop.open(url).close()  # creates and migrates the database
    rnd = random.Random(2)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO users (id, username, role, password_hash, active, failed_logins, "
        "created_at) VALUES (1, 'olga', 'operator', 'x', 1, 0, '2026-01-01 00:00:00')"
    )
    shifts = [
        (
            i + 1,
            1,
            "closed",
            f"2026-{1 + i // 31:02d}-01 08:00:00.000000",
            0,
            f"bench-shift-{i + 1}",
        )
        for i in range(300)
    ]
    shifts[-1] = (300, 1, "open", shifts[-1][3], 0, shifts[-1][5])  # the shift worked now
    con.executemany(
        "INSERT INTO shifts (id, operator_id, status, opened_at, "
        "opening_float_minor, uuid) VALUES (?, ?, ?, ?, ?, ?)",
        shifts,
    )
    dests = [f"Destination {i}" for i in range(300)]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    step = 364 * 86400 / calls
    fmt = "%Y-%m-%d %H:%M:%S.000000"
    rows = []
    for i in range(calls):
        start = t0 + timedelta(seconds=i * step)
        answered = rnd.random() < 0.8
        d = rnd.randint(1, 900) if answered else 0
        rows.append(
            (
                f"r{i}",
                f"Booth {i % 12 + 1}",
                "0049",
                rnd.choice(dests),
                start.strftime(fmt),
                start.strftime(fmt) if answered else None,
                (start + timedelta(seconds=d + 5)).strftime(fmt),
                d,
                d,
                rnd.randint(5, 900) if answered else None,
                rnd.randint(1000, 300000) if answered else None,
                0,
                "",
                "finished",
                rnd.choice(["paid", "paid", "paid", "unpaid", "unserved"]),
                1 + i * 300 // calls,
                f"bench-call-{i}",
            )
        )
    con.executemany(
        "INSERT INTO calls (call_ref, booth, number, destination, setup_at, answered_at, "
        "ended_at, duration_s, billable_s, price_minor, wholesale_micro_usd, offpeak, flags, "
        "state, status, shift_id, uuid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    for day, rate in (("2025-12-01", "0.92"), ("2026-04-01", "0.9123"), ("2026-09-01", "0.88")):
        con.execute(
            "INSERT INTO fx_rates (effective_on, local_per_usd, set_at, set_by) "
            "VALUES (?, ?, '2026-01-01 00:00:00', 'bench')",
            (day, rate),
        )
    con.commit()
    con.close()


def report(calls: int) -> None:
    from callshop_pos.clock import FakeClock
    from callshop_pos.services.admin.fx import usd_rates
    from callshop_pos.services.auth import Actor, Role
    from callshop_pos.services.context import Shop
    from callshop_pos.services.reports.period import (
        GroupBy,
        build_period_report,
        period_report,
    )

    tz = ZoneInfo("Europe/Sofia")
    admin = Actor(1, "bench", Role.ADMIN)
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        t = time.perf_counter()
        _fill(url, path, calls)
        print(
            f"report: {calls} calls in 300 shifts (one open) written in "
            f"{time.perf_counter() - t:.1f} s"
        )
        shop = Shop.open(url, clock=FakeClock(datetime(2027, 1, 1, tzinfo=UTC)))
        try:
            t = time.perf_counter()
            period_report(shop, admin, first, last, GroupBy.DAY)
            print(
                f"  first report (sums the 299 closed shifts once): {time.perf_counter() - t:.1f} s"
            )
            for group in GroupBy:
                t = time.perf_counter()
                result = period_report(shop, admin, first, last, group)
                elapsed = time.perf_counter() - t
                with shop.db.read() as s:
                    t = time.perf_counter()
                    direct = build_period_report(
                        s, first=first, last=last, group_by=group, tz=tz, rates=usd_rates(s)
                    )
                    baseline = time.perf_counter() - t
                same = "same figures" if direct == result else "FIGURES DIFFER"
                print(
                    f"  year report by {group.value:<11} {elapsed * 1000:6.0f} ms "
                    f"({len(result.rows)} rows, {result.total.calls} calls; target < 1000) · "
                    f"baseline one SQL pass over the calls {baseline * 1000:6.0f} ms "
                    f"({baseline / elapsed:.0f}×, {same})"
                )
        finally:
            shop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000, help="price-list rows (0: skip)")
    parser.add_argument("--calls", type=int, default=1_000_000, help="calls (0: skip)")
    args = parser.parse_args()
    if args.rows:
        price_list(args.rows)
    if args.calls:
        report(args.calls)


if __name__ == "__main__":
    main()
