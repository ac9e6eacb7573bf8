"""What the outbox adds to closing a shift (python bench/sync_close.py [--calls N] [--runs N]).

Closes shifts of N calls (half paid) on a SQLite file and times ``close_shift``;
baseline, in the same run and interleaved with it (shift by shift, so machine load
hits both alike): the same close with the outbox's payload left empty (the row is
still written). The difference is the payload — every call, payment and Z figure as
central receives it, checked against the shared schema. The close holds the
database's write lock, which the line engine waits on, so this is the figure that
matters. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()

    from callshop_pos.clock import FakeClock
    from callshop_pos.services import outbox
    from callshop_pos.services.till.payments import pay_calls
    from callshop_pos.services.till.shifts import close_shift, open_shift
    from tests.callshop_pos.services.till_support import record_call
    from tests.callshop_pos.support import make_shop

    real = outbox.seal_shift

    def empty(session, row, entry, shift, report, settings):  # type: ignore[no-untyped-def]
        outbox.seal_item(row, entry, b"{}")

    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        seeded = make_shop(
            f"sqlite:///{Path(tmp) / 'shop.db'}", FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
        )
        shop, olga = seeded.shop, seeded.operator
        for n in range(2 * args.runs + 1):
            with_payload = n % 2 == 1
            outbox.seal_shift = real if with_payload else empty  # type: ignore[assignment]
            open_shift(shop, olga, 0)
            ids = [record_call(shop, 100 + i % 50) for i in range(args.calls)]
            for start in range(0, args.calls // 2, 10):
                pay_calls(
                    shop,
                    olga,
                    ids[start : start + 10],
                    sum(100 + i % 50 for i in range(start, start + 10)),
                )
            t0 = time.perf_counter()
            close_shift(shop, olga, 0)
            if n:  # the first close warms caches up
                times[with_payload].append(time.perf_counter() - t0)
        shop.close()
    outbox.seal_shift = real  # type: ignore[assignment]
    b, f = statistics.median(times[False]), statistics.median(times[True])
    print(f"close_shift, {args.calls} calls, median of {args.runs} each, interleaved:")
    print(f"  baseline (outbox row, empty payload): {b * 1000:8.1f} ms")
    print(f"  with the payload for central:         {f * 1000:8.1f} ms")
    print(f"  ratio: {f / b:.2f}x (payload adds {(f - b) * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
