"""Call-recorder benchmark: the engine's call writer with group commit against one
transaction per record (the baseline), same process, same SQLite settings (WAL,
``synchronous=FULL``, every record journaled), same run.

Three modes: one transaction per record (the baseline), group commit in the engine's
writer thread, and group commit in the call writer process that ``callshop-pos
engine`` uses (``engine_store/writer_process.py``; its CPU is counted with this
process's and shown apart). Two measures per mode:

* **burst** — ``--calls`` calls (start, answer, end: three records each, plus
  heartbeats) handed to a running engine as fast as possible over ``--booths`` booths;
  records/s from the first event to the last call acknowledged (``CallFinished``,
  sent only once its transaction is committed), and CPU seconds per call;
* **paced** — ``--rate`` calls a second for ``--seconds`` s; the process's CPU as a
  share of one core (engine thread + writer; no driver stack: see ``bench/sip.py
  --real-engine`` for that).

Usage: ``python bench/recorder.py [--calls 2000] [--rate 5] [--seconds 10]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.clock import SystemClock  # noqa: E402
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder  # noqa: E402
from callshop_pos.engine_store.shop_store import ShopBoothStore, ensure_booths, shop_tariff  # noqa: E402
from callshop_pos.engine_store.writer_process import ProcessCallRecorder  # noqa: E402
from callshop_pos.lines.engine import CallFinished, LineEngine  # noqa: E402
from callshop_pos.lines.port import (  # noqa: E402
    Answered,
    Dialing,
    DriverCommand,
    EventSink,
    HangupReason,
    HangupSide,
    HungUp,
    OffHook,
    Registered,
)
from callshop_pos.services.till.shifts import open_shift  # noqa: E402
from callshop_pos.services.unrecorded import set_aside  # noqa: E402
from tests.drivers.engine_support import prepare_shop  # noqa: E402


class NullDriver:
    name = "bench"

    def __init__(self) -> None:
        self.sink: EventSink | None = None

    def start(self, sink: EventSink) -> None:
        self.sink = sink

    def send(self, command: DriverCommand) -> None:
        pass

    def stop(self) -> None:
        pass


class OneByOne:
    """The recorder without ``batch``: the writer falls back to one transaction each."""

    def __init__(self, inner: DatabaseCallRecorder) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "batch":
            raise AttributeError(name)
        return getattr(self._inner, name)


def run(
    mode: str, work: Path, calls: int, booths: int, rate: float, seconds: float
) -> dict[str, float]:
    data = work / mode
    data.mkdir()
    prep = prepare_shop(data)
    shop = prep.seeded.shop
    open_shift(shop, prep.seeded.admin, 0)
    names = [f"R{i}" for i in range(1, booths + 1)]
    ensure_booths(shop, names, "simulator")
    recorder: Any = DatabaseCallRecorder(shop)
    if mode == "one transaction per record":
        recorder = OneByOne(recorder)
    elif mode == "writer process":
        recorder = ProcessCallRecorder(shop, SystemClock())

    def writer_cpu() -> float:
        pid = getattr(recorder, "child_pid", None)
        if pid is None:
            return 0.0
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    driver = NullDriver()
    engine = LineEngine(
        clock=SystemClock(),
        driver=driver,
        recorder=recorder,
        store=ShopBoothStore(shop, data),
        tariff=lambda: shop_tariff(shop),
        quarantine=lambda b, r, k, e, err: set_aside(shop, b, r, k, e, err),
        refresh_every_s=3600,
    )
    done = threading.Semaphore(0)
    engine.subscribe(lambda n: done.release() if isinstance(n, CallFinished) else None)
    engine.start()
    sink = driver.sink
    assert sink is not None
    for b in names:
        sink(Registered(b, engine.clock.now()))
    while not engine.idle():
        time.sleep(0.01)

    def one_call(i: int) -> None:
        b = names[i % booths]
        ref = f"{mode[:3]}-{i}"
        now = engine.clock.now()
        sink(OffHook(b, now))
        sink(Dialing(b, now, ref, "0049 30 1234567"))
        sink(Answered(b, now, ref))
        sink(HungUp(b, now + timedelta(seconds=61), ref, HangupReason.NORMAL, HangupSide.BOOTH))

    wall0, cpu0, w0 = time.perf_counter(), time.process_time(), writer_cpu()
    for i in range(calls):
        one_call(i)
    for _ in range(calls):
        done.acquire()
    burst_wall = time.perf_counter() - wall0
    burst_writer = writer_cpu() - w0
    burst_cpu = time.process_time() - cpu0 + burst_writer

    paced = int(rate * seconds)
    wall0, cpu0, w0 = time.perf_counter(), time.process_time(), writer_cpu()
    for i in range(paced):
        due = wall0 + i / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        one_call(calls + i)
    for _ in range(paced):
        done.acquire()
    paced_wall = time.perf_counter() - wall0
    paced_writer = writer_cpu() - w0
    paced_cpu = time.process_time() - cpu0 + paced_writer
    engine.stop()
    if isinstance(recorder, ProcessCallRecorder):
        recorder.close()
    shop.close()
    return {
        "records_per_s": 3 * calls / burst_wall,
        "calls_per_s": calls / burst_wall,
        "cpu_ms_per_call": 1000 * burst_cpu / calls,
        "paced_cpu_share": paced_cpu / paced_wall,
        "writer_ms_per_call": 1000 * burst_writer / calls,
        "paced_writer_share": paced_writer / paced_wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--booths", type=int, default=64)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(
        f"recorder bench: {args.calls} calls in a burst over {args.booths} booths, then "
        f"{args.rate:g} calls/s for {args.seconds:g} s; {os.cpu_count()} CPUs, load "
        f"average {os.getloadavg()[0]:.1f} at start"
    )
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="callshop-recorder-bench-") as tmp:
        os.environ["CALLSHOP_DATA_DIR"] = tmp
        for mode in ("one transaction per record", "group commit", "writer process"):
            r = results[mode] = run(
                mode, Path(tmp), args.calls, args.booths, args.rate, args.seconds
            )
            print(
                f"  {mode:28s} burst {r['calls_per_s']:7.1f} calls/s "
                f"({r['records_per_s']:7.1f} records/s), CPU {r['cpu_ms_per_call']:.2f} "
                f"ms/call; at {args.rate:g} calls/s {100 * r['paced_cpu_share']:.1f} % "
                "of a core"
                + (
                    f" (writer process: {r['writer_ms_per_call']:.2f} ms/call, "
                    f"{100 * r['paced_writer_share']:.1f} %)"
                    if r["writer_ms_per_call"]
                    else ""
                ),
                flush=True,
            )
    base = results["one transaction per record"]
    for mode in ("group commit", "writer process"):
        new = results[mode]
        print(
            f"{mode} / baseline: burst throughput x{new['calls_per_s'] / base['calls_per_s']:.2f}"
            f", CPU per call x{new['cpu_ms_per_call'] / base['cpu_ms_per_call']:.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
