"""Price-list import at scale: time and peak memory, against the previous code in the same run.

    python bench/pricelist.py [--rows 1000000] [--baseline REV] [--skip-baseline]

A ``--rows``-row price list (generated from a seed: codes grown from the world's country
codes, 1 % without retail, 30 % with an off-peak price, a few 1/1, 30/6 and 90/60 rows)
is written to a CSV file, then each step runs in a fresh process (so its peak resident
memory, ``ru_maxrss``, is its own) on a SQLite file database, once with the code of this
tree and once with the code of git revision ``--baseline`` (extracted with
``git archive``; the compiled rating kernel is copied over when its source is the same):

1. ``import``: ``prices.import_price_list`` of the file into an empty shop — the way
   ``callshop-pos prices import`` calls it (the baseline read the whole file into
   bytes; this tree streams the open file);
2. ``re-import``: a second import of the same list with 1 % of the retail prices
   changed, on top of the first (the summary compares the two versions);
3. ``engine``: what a process holds once it rates with the imported list — the shop
   opened, the active version loaded (``shop.pricing``), the rater compiled and one call
   rated: resident memory after minus before, and the time it took.

Printed per step: wall time, the process's CPU time, its peak RSS (the whole process:
Python, SQLAlchemy and the data), and the ratios. Targets (issue #11): import < 5 s and
< 300 MB peak for 1,000,000 rows. ``price_list_lines`` refuses more than
``MAX_ROWS`` rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The last revision before streaming import and compact price-list storage.
DEFAULT_BASELINE = "c5db634"

_CODES_TEXT = (
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 "
    "62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 "
    "225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 "
    "350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 380 381 382 "
    "420 421 423 500 501 502 503 504 505 506 507 508 509 852 853 855 856 880 886 960 961 962 "
    "963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998"
)
_CODES = _CODES_TEXT.split()


def generate_csv(rows: int, path: Path, seed: int, changed_share: float = 0.0) -> None:
    """Write a ``rows``-row price list (same codes and prices for the same seed; with
    ``changed_share``, that share of the retail prices is 1 cent higher)."""
    rnd = random.Random(seed)
    codes: set[str] = set(_CODES)
    while len(codes) < rows:
        root = rnd.choice(_CODES)
        code = root + str(rnd.randrange(10 ** rnd.randint(2, 7)))
        if len(code) <= 12:
            codes.add(code)
    change = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee,grace\n"
        )
        for code in sorted(codes)[:rows]:
            wholesale = rnd.randint(800, 400_000)  # micro-USD per minute
            retail = wholesale * 17 // 10 // 100 + 2  # cents
            if changed_share and change.random() < changed_share:
                retail += 1
            roll = rnd.random()
            retail_text = "" if roll < 0.01 else f"{retail // 100}.{retail % 100:02d}"
            offpeak = ""
            if 0.01 <= roll < 0.31:
                off = retail * 3 // 4
                offpeak = f"{off // 100}.{off % 100:02d}"
            shape = rnd.random()
            block = (
                "1,1"
                if shape < 0.05
                else "30,6"
                if shape < 0.08
                else ("90,60" if shape < 0.10 else "60,60")
            )
            fee = "0.05" if rnd.random() < 0.02 else "0"
            grace = "3" if rnd.random() < 0.05 else "0"
            out.write(
                f"Destination {code[:4]},{code},{wholesale // 1_000_000}."
                f"{wholesale % 1_000_000:06d},{retail_text},{offpeak},{block},{fee},"
                f"{grace}\n"
            )


# ---- one step, in its own process -------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(step: str, db: str, csv_path: Path, streaming: bool) -> dict[str, Any]:
    from datetime import UTC, datetime

    import argon2

    try:
        from callshop_pos.services.admin import prices, users
    except ImportError:  # the baseline revision, before the services were grouped
        from callshop_pos.services import prices, users  # type: ignore[no-redef]
    from callshop_pos.services.auth import login
    from callshop_pos.services.context import Shop

    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if step == "engine":
        before = _rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        shop = Shop.open(db, hasher=cheap)
        rater = shop.pricing.rater
        rating = rater.rate("004930123456", datetime(2026, 3, 2, 12, tzinfo=UTC), 60)
        took = time.perf_counter() - wall, time.process_time() - cpu
        held = _rss_mb() - before
        shop.close()
        return {
            "wall": took[0],
            "cpu": took[1],
            "held_mb": held,
            "peak_mb": _peak_mb(),
            "rated": rating.status,
        }
    shop = Shop.open(db, hasher=cheap)
    with shop.db.read() as s:
        from sqlalchemy import text

        admins = s.execute(text("SELECT count(*) FROM users")).scalar()
    admin = (
        users.create_first_admin(shop, "bench", "bench-pass")
        if not admins
        else login(shop, "bench", "bench-pass")
    )
    wall, cpu = time.perf_counter(), time.process_time()
    if streaming:
        with csv_path.open("rb") as stream:
            info = prices.import_price_list(shop, admin, stream, csv_path.name)  # type: ignore[arg-type]
    else:
        info = prices.import_price_list(shop, admin, csv_path.read_bytes(), csv_path.name)
    took = time.perf_counter() - wall, time.process_time() - cpu
    shop.close()
    return {
        "wall": took[0],
        "cpu": took[1],
        "peak_mb": _peak_mb(),
        "entries": info.entry_count,
        "summary": info.summary,
    }


# ---- the driver ---------------------------------------------------------------------


def _baseline_tree(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", rev, "callshop_pos"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    tree = into / f"baseline-{rev}"
    tree.mkdir()
    archive_path = into / "baseline.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(tree, filter="data")
    here = ROOT / "callshop_pos" / "rating"
    there = tree / "callshop_pos" / "rating"
    same = (
        hashlib.sha256((here / "kernel.py").read_bytes()).digest()
        == hashlib.sha256((there / "kernel.py").read_bytes()).digest()
    )
    if same:
        for so in here.glob("kernel*.so"):
            shutil.copy2(so, there / so.name)
    else:
        print("  (the rating kernel differs from the baseline's: baseline runs it as Python)")
    return tree


def _run(tree: Path, step: str, db: str, csv_path: Path, streaming: bool) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            step,
            "--db",
            db,
            "--csv",
            str(csv_path),
            *(["--streaming"] if streaming else []),
        ],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if out.returncode != 0:
        raise SystemExit(f"{step} in {tree} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--streaming", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.csv, args.streaming)))
        return 0

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        first, second = tmp / "prices.csv", tmp / "prices-changed.csv"
        begin = time.perf_counter()
        generate_csv(args.rows, first, args.seed)
        generate_csv(args.rows, second, args.seed, changed_share=0.01)
        print(
            f"{args.rows:,}-row price list, {first.stat().st_size / 2**20:.0f} MB of CSV "
            f"(generated in {time.perf_counter() - begin:.0f} s)"
        )
        trees = [("this tree", ROOT, True)]
        if not args.skip_baseline:
            trees.insert(
                0, (f"baseline {args.baseline}", _baseline_tree(args.baseline, tmp), False)
            )
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for label, tree, streaming in trees:
            db = f"sqlite:///{tmp / (label.replace(' ', '-') + '.db')}"
            results[label] = {
                "import": _run(tree, "import", db, first, streaming),
                "re-import": _run(tree, "re-import", db, second, streaming),
                "engine": _run(tree, "engine", db, first, streaming),
            }
            r = results[label]
            print(f"{label}:")
            for step in ("import", "re-import"):
                print(
                    f"  {step:<9} {r[step]['wall']:6.2f} s wall, {r[step]['cpu']:6.2f} s CPU, "
                    f"peak {r[step]['peak_mb']:6.0f} MB ({r[step]['entries']:,} entries, "
                    f"{r[step]['summary']})"
                )
            e = r["engine"]
            print(
                f"  engine    {e['wall']:6.2f} s wall, {e['cpu']:6.2f} s CPU to load + compile; "
                f"holds {e['held_mb']:6.0f} MB more (peak {e['peak_mb']:.0f} MB)"
            )
        if len(results) == 2:
            base, new = (results[label] for label, _, _ in trees)
            for step in ("import", "re-import", "engine"):
                b, n = base[step], new[step]
                memory = "held_mb" if step == "engine" else "peak_mb"
                print(
                    f"{step:<9}: {b['wall'] / n['wall']:.1f}× faster (wall), "
                    f"{b['cpu'] / n['cpu']:.1f}× (CPU); memory {b[memory]:.0f} → "
                    f"{n[memory]:.0f} MB ({b[memory] / n[memory]:.1f}× less)"
                )
            assert base["import"]["summary"] == new["import"]["summary"]
            assert base["re-import"]["summary"] == new["re-import"]["summary"]
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
