"""Quicknet booths on the VoIP route: 8 fake PhoneJACKs talking at once.

One process holds what the till's engine process holds: the line engine, the SIP
driver (sippy) and the Quicknet driver with its audio thread, plus the 8 fake cards
(their DSP clocks are threads here; on a real card they are hardware). SIPp is the
carrier in its own process and echoes every RTP packet (``-rtp_echo``). Sixteen more
booths ("other booths") talk on a scripted driver the whole time; the engine
publishes their running meter every 0.25 s.

Runs in the same process, same engine set-up, alternating (``--rounds`` pairs, so a
change of the shared machine's load hits both alike): **without audio** (the 8 cards
idle, the other booths talking) and **with audio** (8 calls up, 50 frames/s each way
per card). Reported per run:

* frames late: frames a card had ready for more than 20 ms before the driver read
  them (the fake stamps each frame when its DSP clock records it), and the audio
  thread's own count of reads more than 40 ms apart; gaps = frame times with nothing
  from the network to play (silence played);
* CPU: this process's CPU time over the run as a share of one core, less the fake
  cards' DSP clock threads (a real card does that in hardware; printed apart), and the
  audio thread's own share;
* metering: for the other booths, how late each running-meter snapshot came after the
  0.25 s the engine aims at (p50/p99/max), with audio against without.

    python bench/quicknet.py                # 8 cards, 2 rounds of 10 s + 10 s
    python bench/quicknet.py --cards 8 --seconds 20 --rounds 3
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.clock import SystemClock  # noqa: E402
from callshop_pos.lines.booth import AdmissionRules, BoothConfig  # noqa: E402
from callshop_pos.lines.engine import LineEngine  # noqa: E402
from callshop_pos.lines.port import (  # noqa: E402
    AdmitCall,
    Answered,
    Dialing,
    DriverCommand,
    EventSink,
    Registered,
    Ringing,
)
from callshop_pos.lines.snapshot import BoothSnapshot, BoothState  # noqa: E402
from drivers.engine_cli import freeze_startup_heap, tune_for_latency  # noqa: E402
from drivers.quicknet import ioctls as q  # noqa: E402
from drivers.quicknet.driver import QuicknetDriver, VoipRoute  # noqa: E402
from drivers.quicknet.fake import FakePhoneDevice  # noqa: E402
from drivers.registry import CombinedDriver  # noqa: E402
from drivers.sip import SipDriver  # noqa: E402
from tests.callshop_pos.lines.fakes import (  # noqa: E402
    STANDARD_ROWS,
    FakeRecorder,
    FakeStore,
    FakeTariff,
)
from tests.drivers.quicknet.carrier import carrier  # noqa: E402
from tests.drivers.sip import sipp  # noqa: E402
from tests.drivers.sip.conftest import base_config  # noqa: E402

METER_S = 0.25
OTHERS = 16


class TalkingBooths:
    """Scripted booths that dial at start and talk until the engine stops."""

    name = "scripted"

    def __init__(self, booths: list[str]) -> None:
        self.booths = booths
        self._sink: EventSink | None = None

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        now = datetime.now(UTC)
        for i, booth in enumerate(self.booths):
            sink(Registered(booth, now, "bench"))
            sink(Dialing(booth, now, f"other-{booth}-{i}", "0049301234567"))

    def send(self, command: DriverCommand) -> None:
        if isinstance(command, AdmitCall) and self._sink is not None:
            now = datetime.now(UTC)
            self._sink(Ringing(command.booth, now, command.call_ref))
            self._sink(Answered(command.booth, now, command.call_ref))

    def stop(self) -> None:
        self._sink = None


def thread_cpu(name: str) -> float:
    """CPU seconds used so far by the live threads called ``name``."""
    total = 0.0
    for thread in threading.enumerate():
        if thread.name == name and thread.ident is not None:
            try:
                total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except OSError:  # ended meanwhile
                continue
    return total


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1)))]


def run(cards: int, seconds: float, audio: bool, workdir: Path) -> dict[str, float]:
    trunk_port = sipp.free_udp_port()
    sip = SipDriver(replace(base_config(trunk_port), booths=()))
    devices = {f"P{i + 1}": FakePhoneDevice(card_type=q.CARD_PHONEJACK) for i in range(cards)}
    qn = QuicknetDriver(
        dict(devices),
        SystemClock(),
        digit_timeout_s=0.3,
        routes=dict.fromkeys(devices, "voip"),
        voip=VoipRoute(sip, trunk_host="127.0.0.1", audio_timeout_s=5.0),  # type: ignore[arg-type]
    )
    others = [f"O{i + 1}" for i in range(OTHERS)]
    scripted = TalkingBooths(others)
    route = {**dict.fromkeys(devices, "quicknet"), **dict.fromkeys(others, "scripted")}
    configs = [BoothConfig(n, i, driver=route[n]) for i, n in enumerate([*devices, *others])]
    tariff = FakeTariff(STANDARD_ROWS)
    engine = LineEngine(
        clock=SystemClock(),
        driver=CombinedDriver({"sip": sip, "quicknet": qn, "scripted": scripted}, route),
        recorder=FakeRecorder(),
        store=FakeStore(configs, AdmissionRules()),
        tariff=lambda: tariff,
        meter_every_s=METER_S,
    )
    meters: dict[str, list[float]] = {b: [] for b in others}
    measuring = threading.Event()

    def news(item: object) -> None:
        if (
            measuring.is_set()
            and isinstance(item, BoothSnapshot)
            and item.booth in meters
            and item.state is BoothState.TALKING
        ):
            meters[item.booth].append(time.monotonic())

    engine.subscribe(news)
    trunk = carrier(workdir, trunk_port, ring_ms=200, talk_ms=120000, calls=cards)
    engine.start()
    freeze_startup_heap()  # as `callshop-pos engine` does once it serves
    try:
        deadline = time.monotonic() + 20
        while any(
            s.state is not BoothState.TALKING for s in engine.snapshots() if s.booth in meters
        ):
            if time.monotonic() > deadline:
                raise SystemExit("the other booths never started talking")
            time.sleep(0.05)
        if audio:
            for name, dev in devices.items():
                while not qn.accepts_calls(name):
                    time.sleep(0.02)
                dev.lift()
                time.sleep(0.05)
                dev.press("0049301234567#")
            deadline = time.monotonic() + 30
            while qn.audio.streams() < cards:
                if time.monotonic() > deadline:
                    raise SystemExit(f"only {qn.audio.streams()} of {cards} calls have audio")
                time.sleep(0.05)
        time.sleep(1.0)  # settle
        for dev in devices.values():
            dev.read_lag_s.clear()
        cpu0, wall0 = time.process_time(), time.monotonic()
        dsp0, audio0 = thread_cpu("fake-phone-dsp"), thread_cpu("quicknet-audio")
        measuring.set()
        time.sleep(seconds)
        measuring.clear()
        wall = time.monotonic() - wall0
        dsp = (thread_cpu("fake-phone-dsp") - dsp0) / wall
        audio_cpu = (thread_cpu("quicknet-audio") - audio0) / wall
        cpu = (time.process_time() - cpu0) / wall - dsp  # the fake cards' clocks are not the till's
        lags = [lag for dev in devices.values() for lag in list(dev.read_lag_s)]
        for dev in devices.values():
            dev.hang_up()
        time.sleep(1.0)
    finally:
        engine.stop()
        trunk.stop()
        for dev in devices.values():
            dev.close()
    stats = list(qn.audio.finished.values())
    late_ms = [
        (b - a - METER_S) * 1000 for times in meters.values() for a, b in itertools.pairwise(times)
    ]
    return {
        "frames": len(lags),
        "late_frames": sum(1 for lag in lags if lag > 0.020),
        "late_reads": sum(s.late_reads for s in stats),
        "gaps": sum(s.gaps for s in stats),
        "played": sum(s.frames_played for s in stats),
        "cpu": cpu,
        "audio_cpu": audio_cpu,
        "dsp_cpu": dsp,
        "meter_p50_ms": percentile(late_ms, 0.5),
        "meter_p99_ms": percentile(late_ms, 0.99),
        "meter_max_ms": max(late_ms, default=float("nan")),
        "meters": len(late_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tune_for_latency()  # as `callshop-pos engine` does in production
    sipp.require_sipp = lambda: sipp.SIPP or sys.exit("sipp (sip-tester) is needed")  # type: ignore[assignment]
    print(
        f"{args.cards} PhoneJACK booths on the VoIP route, {OTHERS} other booths talking; "
        f"{args.seconds:g} s measured per run"
    )
    pairs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            base = run(args.cards, args.seconds, audio=False, workdir=Path(tmp))
            talk = run(args.cards, args.seconds, audio=True, workdir=Path(tmp))
            pairs.append((base, talk))
            print(f" round {n + 1}")
            for label, r in (("without audio", base), ("with audio", talk)):
                print(
                    f"  {label:14s} CPU {r['cpu'] * 100:5.1f} % of a core; other booths' meter "
                    f"late p50 {r['meter_p50_ms']:.1f} ms, p99 {r['meter_p99_ms']:.1f} ms, "
                    f"max {r['meter_max_ms']:.1f} ms ({r['meters']:.0f} meter updates)"
                )
            print(
                f"  with audio: the audio thread {talk['audio_cpu'] * 100:.1f} % of a core; "
                f"(the fake cards' clocks {talk['dsp_cpu'] * 100:.1f} %, not counted above)"
            )
            late = talk["late_frames"] / max(1, talk["frames"]) * 100
            print(
                f"  audio: {talk['frames']:.0f} card frames read, {talk['late_frames']:.0f} "
                f"more than 20 ms after the card had them ({late:.2f} %); audio thread: "
                f"{talk['late_reads']:.0f} reads > 40 ms apart; {talk['played']:.0f} echoed "
                f"frames played, {talk['gaps']:.0f} gaps (silence)"
            )
            base_p99 = base["meter_p99_ms"]
            ratio = talk["meter_p99_ms"] / base_p99 if base_p99 > 0 else float("nan")
            print(
                f"  ratios with/without audio: CPU {talk['cpu'] / max(base['cpu'], 1e-9):.1f}x, "
                f"meter p99 {ratio:.1f}x"
            )


if __name__ == "__main__":
    main()
