"""Render times of the central service's web pages (the owner's remote view).

20 shops, each with two closed shifts a day for a month (1,200 shifts, SQLite file),
a heartbeat from every shop, one 200-call shift for the session view. Each page is
requested in-process through httpx's ASGI transport as a logged-in owner (cookie,
database-held session), median of ``--repeat`` requests. The baseline, measured in the
same run, is the same session list for a period with no shift (the fixed cost of a
page: session lookup, query, template); every figure is printed with its ratio to it.

Usage: ``python bench/central_pages.py [--shops 20] [--days 30] [--repeat 15]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run(shops: int, days: int, repeat: int) -> None:
    from callshop_wire import encode
    from central import auth, service
    from central.api import create_app
    from central.clock import FixedClock
    from central.db import CentralDb, migrate
    from central.models import ShiftRow, Shop
    from tests.callshop_wire.samples import make_heartbeat, make_shift
    from tests.central.client import ApiClient
    from tests.central.support import fast_hasher
    from tests.central.web.pages import login

    now = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = CentralDb(f"sqlite:///{Path(tmp) / 'central.db'}")
        migrate(db)
        clock = FixedClock(now)
        hasher = fast_hasher()
        codes = [f"shop-{i:02d}" for i in range(shops)]
        for code in codes:
            service.add_shop(db, clock, code, f"Shop {code}", "Europe/Sofia")
        auth.add_user(db, clock, hasher, "boss", "owner-pass", "owner")
        with db.write() as s:
            ids = {c: s.query(Shop).filter_by(code=c).one().id for c in codes}
            for code in codes:
                for day in range(days):
                    for half in range(2):
                        opened = now - timedelta(days=day, hours=14 - 7 * half)
                        s.add(
                            ShiftRow(
                                shop_id=ids[code],
                                shift_uuid=str(uuid.uuid4()),
                                till_id=1,
                                content_sha256="0" * 64,
                                payload="{}",
                                received_at=opened,
                                opened_at=opened,
                                closed_at=opened + timedelta(hours=7),
                                operator="olga",
                                currency="EUR",
                                call_count=120,
                                attempts=10,
                                talk_seconds=30_000,
                                billable_seconds=30_500,
                                payments_minor=25_000,
                                refunds_minor=100,
                                cash_minor=24_900,
                                expected_minor=29_900,
                                counted_minor=29_880,
                                discrepancy_minor=-20,
                                paid=100,
                                unserved=12,
                                unpaid=8,
                                unrated=0,
                                wholesale_micro_usd=5_000_000,
                                head_seq=day,
                                head_hash="0" * 64,
                                anchored=True,
                            )
                        )
        big = make_shift(shop=codes[0], calls=200, seed=99)
        service.put_shift(db, clock, codes[0], big.shift_uuid, encode(big))
        for code in codes:
            service.receive_heartbeat(db, clock, code, encode(make_heartbeat(code, now)))
        app = create_app(db, clock=clock, hasher=hasher)
        with ApiClient(app) as web:
            assert login(web, "boss", "owner-pass").status_code == 303

            def median_ms(url: str) -> float:
                assert web.get(url).status_code == 200, url
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    answer = web.get(url)
                    times.append(time.perf_counter() - start)
                    assert answer.status_code == 200
                return statistics.median(times) * 1000

            base = median_ms("/sessions?period=custom&from=2025-01-01&to=2025-01-02")
            rows = [
                ("baseline: session list of an empty period", base),
                (
                    f"session list, this month ({shops * 2 * days} shifts, {shops} shops)",
                    median_ms("/sessions?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
                (f"session list, today ({shops * 2} shifts)", median_ms("/sessions?period=today")),
                (
                    "CSV of the month",
                    median_ms("/sessions.csv?period=custom&from=2026-03-01&to=2026-03-31"),
                ),
                (f"Now page ({shops} shops with heartbeats)", median_ms("/now")),
                ("Now live block (poll, 200)", median_ms("/now/live")),
                (
                    "session view (200 calls)",
                    median_ms(f"/shops/{codes[0]}/sessions/{big.shift_uuid}"),
                ),
            ]
        db.dispose()
    print(f"{'page':<58} {'median':>9} {'× baseline':>11}")
    for name, ms in rows:
        print(f"{name:<58} {ms:>7.1f} ms {ms / base:>10.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    run(args.shops, args.days, args.repeat)


if __name__ == "__main__":
    main()
