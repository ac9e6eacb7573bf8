"""The first owner's report after an upgrade: summing a year of closed shifts once.

    python bench/report_catchup.py [--calls 1000000] [--baseline REV] [--skip-baseline]

``bench/admin.py``'s year (SQLite file: 1,000,000 calls in 300 shifts, one open) is
written once and copied for each run; then, each in a fresh process, the closed
shifts are summed into the report cells (``refresh_cells``, what the first
``period_report`` does) with the code of this tree and with the code of git revision
``--baseline`` (extracted with ``git archive``), and the cells of both are compared
(they must be identical). Printed: wall and CPU time of each, the ratio, how often
this tree reported progress. Target (issue #11): < 5 s for 1,000,000 calls.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASELINE = "c5db634"  # the last revision before the one-pass catch-up


def child(db: str) -> dict[str, Any]:
    import inspect
    import sqlite3

    from callshop_pos.services.context import Shop

    try:
        from callshop_pos.services.admin.fx import usd_rates
        from callshop_pos.services.reports.cells import refresh_cells
        from callshop_pos.services.reports.rows import currency_digits
    except ImportError:  # the baseline revision, before the services were grouped
        from callshop_pos.services.report_cells import refresh_cells
        from callshop_pos.services.reports_admin import (
            _currency_digits as currency_digits,
        )
        from callshop_pos.services.reports_admin import usd_rates

    shop = Shop.open(db)
    calls: list[tuple[int, int, float]] = []
    begin = time.perf_counter()
    kwargs: dict[str, Any] = {}
    if "progress" in inspect.signature(refresh_cells).parameters:
        kwargs["progress"] = lambda done, total: calls.append(
            (done, total, time.perf_counter() - begin)
        )
    wall, cpu = time.perf_counter(), time.process_time()
    settings = shop.settings
    with shop.db.read() as s:
        rates = usd_rates(s)
    summed = refresh_cells(
        shop, settings.timezone, rates, currency_digits(settings.currency), **kwargs
    )
    took = time.perf_counter() - wall, time.process_time() - cpu
    shop.close()
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    digest = hashlib.sha256()
    for table, order in (
        ("report_cells", "shift_id, day, dimension, value"),
        ("report_month_cells", "month, dimension, value"),
    ):
        for row in con.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            digest.update(repr(row[1:]).encode())
    count = con.execute("SELECT count(*) FROM report_cells").fetchone()[0]
    con.close()
    return {
        "wall": took[0],
        "cpu": took[1],
        "summed": summed,
        "cells": count,
        "digest": digest.hexdigest(),
        "progress": calls,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    sys.path.insert(0, str(ROOT))  # not in the children: they run the tree they are given
    from bench.admin import _fill
    from bench.pricelist import _baseline_tree

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "year.db"
        begin = time.perf_counter()
        _fill(f"sqlite:///{source}", source, args.calls)
        print(
            f"{args.calls:,} calls in 300 shifts (299 closed) written in "
            f"{time.perf_counter() - begin:.0f} s"
        )
        trees = [("this tree", ROOT)]
        if not args.skip_baseline:
            trees.insert(0, (f"baseline {args.baseline}", _baseline_tree(args.baseline, tmp)))
        results = {}
        for label, tree in trees:
            db = tmp / f"{label.replace(' ', '-')}.db"
            shutil.copy(source, db)
            out = subprocess.run(
                [sys.executable, __file__, "--child", f"sqlite:///{db}"],
                env=dict(os.environ, PYTHONPATH=str(tree)),
                cwd=tree,
                capture_output=True,
                text=True,
                check=False,
                timeout=3600,
            )
            if out.returncode != 0:
                raise SystemExit(f"{label} failed:\n{out.stderr[-3000:]}")
            r = results[label] = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{label}: {r['summed']} shifts summed into {r['cells']:,} cells in "
                f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU"
                + (
                    f"; progress reported {len(r['progress'])} times, first after "
                    f"{r['progress'][1][2]:.2f} s"
                    if len(r["progress"]) > 1
                    else ""
                )
            )
        if len(results) == 2:
            base, new = results.values()
            same = "identical cells" if base["digest"] == new["digest"] else "CELLS DIFFER"
            print(
                f"this tree: {base['wall'] / new['wall']:.1f}× faster (wall), "
                f"{base['cpu'] / new['cpu']:.1f}× (CPU); {same}"
            )
            if base["digest"] != new["digest"]:
                return 1
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
