"""SIP driver throughput and CPU with SIPp: 32 booths, rising call-attempt rates.

Each of the 32 booths is one SIPp process (its own digest credentials, at most one
call at a time, as an ATA port is); one SIPp process is the carrier (digest challenge,
answer at once). Every call: INVITE → 401 → INVITE with digest → Dialing → AdmitCall →
carrier INVITE → 401 → INVITE with digest → 200 → ACK → talk → BYE from the booth.
The rate is raised step by step until the first failed call or billing error (a call
whose Answered/HungUp pair is missing, not a normal booth hang-up, or whose billed
time is off SIPp's talk time by more than 0.1 s). The CPU of this process (the driver
plus a minimal engine stand-in; SIPp runs in other processes) is measured at 5 calls/s.

Baseline, same run, same ramp: the 32 SIPp booths calling the SIPp carrier directly
(the most this machine's SIPp setup can do without the till in between).

    python bench/sip.py
    python bench/sip.py --seconds 10 --rates 5,20,50,80
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.lines.port import (  # noqa: E402
    AdmitCall,
    Answered,
    Dialing,
    DriverEvent,
    HangupReason,
    HangupSide,
    HungUp,
)
from drivers.sip import (  # noqa: E402
    AbuseLimits,
    BoothAccount,
    SipDriver,
    SipDriverConfig,
    Trunk,
    ha1,
)
from tests.drivers.sip import sipp  # noqa: E402

BOOTHS = 32
REALM = "callshop"
TRUNK_USER, TRUNK_PASSWORD = "bench", "bench-pw"
TALK_MS = 100
# A billing error: a call placed but not billed, billed with the wrong reason, or whose
# billed time is off SIPp's talk time by more than this. The engine bills whole seconds.
BILLING_TOLERANCE_S = 0.1
DEFAULT_RATES = (5, 10, 20, 30, 40, 50, 60, 70, 80, 100, 130, 160, 200)


class BillingCheck:
    """Stand-in engine: admits every call and checks what the driver reports."""

    def __init__(self) -> None:
        self.driver: SipDriver | None = None
        self.lock = threading.Lock()
        self.answered: dict[str, Answered] = {}
        self.errors: list[str] = []
        self.billed = 0
        self.dialed: list[float] = []
        self.deviations: list[float] = []

    def sink(self, event: DriverEvent) -> None:
        if isinstance(event, Dialing) and self.driver is not None:
            with self.lock:
                self.dialed.append(event.at.timestamp())
            self.driver.send(AdmitCall(event.booth, event.call_ref))
            return
        with self.lock:
            if isinstance(event, Answered):
                self.answered[event.call_ref] = event
            elif isinstance(event, HungUp):
                ans = self.answered.pop(event.call_ref or "", None)
                if ans is None:
                    self.errors.append(f"{event.call_ref}: ended {event.reason} unanswered")
                elif (event.reason, event.side) != (HangupReason.NORMAL, HangupSide.BOOTH):
                    self.errors.append(f"{event.call_ref}: {event.reason}/{event.side}")
                else:
                    talk = (event.at - ans.at).total_seconds()
                    deviation = abs(talk - TALK_MS / 1000)
                    self.deviations.append(deviation)
                    if deviation > BILLING_TOLERANCE_S:
                        self.errors.append(f"{event.call_ref}: billed {talk:.3f} s")
                    self.billed += 1

    def take(self) -> tuple[int, list[str], float, list[float]]:
        """Billed calls, billing errors, the call-attempt rate the driver saw, and each
        call's |billed - talk| in seconds."""
        with self.lock:
            billed, errors, dialed = self.billed, self.errors, sorted(self.dialed)
            deviations = sorted(self.deviations)
            self.billed, self.errors, self.dialed, self.deviations = 0, [], [], []
        span = dialed[-1] - dialed[0] if len(dialed) > 1 else 0.0
        return billed, errors, (len(dialed) - 1) / span if span > 0 else 0.0, deviations


@dataclass
class Step:
    rate: float
    attempted: int
    failed: int
    billed: int
    errors: list[str]
    cpu_share: float
    achieved: float
    deviations: list[float]

    def deviation_ms(self, q: float) -> float:
        d = self.deviations
        return 1000 * d[min(len(d) - 1, int(q * len(d)))] if d else 0.0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors


def carrier_scenario(workdir: Path, caller_is_sippy: bool) -> Path:
    ack = '<recv request="ACK" />'
    return sipp.render(
        "carrier.xml", workdir, trunk_user=TRUNK_USER, trunk_password=TRUNK_PASSWORD,
        ring_ms=1, final=200, final_phrase="OK", answer_jump='<nop hide="true" next="answer" />',
        ack_before="" if caller_is_sippy else ack, ack_after=ack if caller_is_sippy else "",
    )


def run_step(workdir: Path, target: tuple[str, int], credentials: list[tuple[str, str]],
             rate: float, seconds: float, check: BillingCheck | None) -> Step:
    per_booth = max(3, round(rate * seconds / len(credentials)))
    period_ms = max(1, round(1000 * len(credentials) / rate))
    scenario = sipp.render("ata_call.xml", workdir, talk_ms=TALK_MS)
    cpu0, wall0 = time.process_time(), time.monotonic()
    runs = []
    for user, password in credentials:  # staggered, so the booths' calls interleave evenly
        runs.append(sipp.start(scenario, workdir, remote=target,
                               args=("-s", "4930123456", "-au", user, "-ap", password,
                                     "-r", "1", "-rp", str(period_ms), "-l", "1"),
                               calls=per_booth, timeout_s=int(seconds * 4 + 60)))
        time.sleep(1 / rate)
    failed = 0
    for run in runs:
        if run.wait(seconds * 4 + 60) != 0:
            failed += 1
        run.stop()
    wall = time.monotonic() - wall0
    cpu = time.process_time() - cpu0
    attempted = per_booth * len(credentials)
    time.sleep(0.3)  # the last HungUp events
    deviations: list[float] = []
    if check is not None:
        billed, errors, achieved, deviations = check.take()
        if billed != attempted:
            errors.append(f"{attempted} calls placed, {billed} billed")
    else:
        billed, errors, achieved = attempted, [], attempted / wall
    return Step(rate, attempted, failed, billed, errors,
                cpu / wall if check is not None else 0.0, achieved, deviations)


def ramp(label: str, workdir: Path, target: tuple[str, int],
         credentials: list[tuple[str, str]], rates: list[float], seconds: float,
         check: BillingCheck | None) -> tuple[float, list[Step]]:
    best = 0.0
    steps: list[Step] = []
    for rate in rates:
        step = run_step(workdir, target, credentials, rate, seconds, check)
        steps.append(step)
        status = "ok" if step.ok else "FAIL"
        extra = (f", CPU {100 * step.cpu_share:.1f} % of one core, |billed-talk| p50 "
                 f"{step.deviation_ms(0.5):.0f} ms p99 {step.deviation_ms(0.99):.0f} ms max "
                 f"{step.deviation_ms(1.0):.0f} ms" if check else "")
        print(f"  {label}: {rate:5.0f} calls/s target, {step.achieved:6.1f} seen, "
              f"{step.attempted} calls, {step.failed} SIPp booths with failures, "
              f"{len(step.errors)} billing errors{extra}: {status}", flush=True)
        for error in step.errors[:5]:
            print(f"      {error}")
        if not step.ok:
            break
        best = rate
    return best, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each rate step")
    parser.add_argument("--rates", default=",".join(str(r) for r in DEFAULT_RATES))
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--tolerance", type=float, default=BILLING_TOLERANCE_S,
                        help="billing error threshold, seconds (default 0.1)")
    args = parser.parse_args()
    globals()["BILLING_TOLERANCE_S"] = args.tolerance
    # as `callshop-pos engine` does in production (drivers/engine_cli.tune_for_latency)
    sys.setswitchinterval(0.001)
    rates = [float(r) for r in args.rates.split(",")]
    sipp.require_sipp = lambda: sipp.SIPP or sys.exit("sipp (sip-tester) is not installed")
    credentials = [(f"booth{i}", f"pw-{i}") for i in range(1, BOOTHS + 1)]
    print(f"SIP bench: {BOOTHS} SIPp booths, talk {TALK_MS} ms, {args.seconds:g} s per step, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    with TemporaryDirectory(prefix="callshop-sip-bench-") as tmp:
        workdir = Path(tmp)
        trunk_port = sipp.free_udp_port()
        carrier = sipp.start(carrier_scenario(workdir, caller_is_sippy=True), workdir,
                             local_port=trunk_port, calls=10**7, timeout_s=3600)
        results: dict[str, Any] = {}
        try:
            config = SipDriverConfig(
                booths=tuple(BoothAccount(f"Booth {i}", user, ha1(user, REALM, pw))
                             for i, (user, pw) in enumerate(credentials, start=1)),
                trunk=Trunk(TRUNK_USER, TRUNK_PASSWORD, "127.0.0.1", trunk_port),
                listen_host="127.0.0.1", listen_port=0, realm=REALM,
                # all SIPp booths share 127.0.0.1 here; real booths each have their own IP
                abuse=AbuseLimits(max_requests=10**7, max_auth_failures=10**7),
            )
            check = BillingCheck()
            driver = SipDriver(config)
            check.driver = driver
            driver.start(check.sink)
            assert driver.address is not None
            try:
                print("through the till's SIP driver:")
                results["driver"] = ramp("driver", workdir, driver.address, credentials,
                                         rates, args.seconds, check)
            finally:
                driver.stop()
            carrier.stop()
            if not args.skip_baseline:
                print("baseline, SIPp booths straight to the SIPp carrier:")
                carrier = sipp.start(carrier_scenario(workdir, caller_is_sippy=False), workdir,
                                     local_port=trunk_port, calls=10**7, timeout_s=3600)
                trunk_creds = [(TRUNK_USER, TRUNK_PASSWORD)] * BOOTHS
                results["baseline"] = ramp("baseline", workdir, ("127.0.0.1", trunk_port),
                                           trunk_creds, rates, args.seconds, None)
        finally:
            carrier.stop()
    best, steps = results["driver"]
    at5 = next((s for s in steps if s.rate == 5), None)
    print()
    print(f"max sustained call attempts with 0 failures through the driver: {best:g} calls/s "
          f"(target >= 50)")
    if at5 is not None:
        print(f"driver + stand-in engine CPU at 5 calls/s: {100 * at5.cpu_share:.1f} % of one "
              f"core (target < 20 %)")
    if "baseline" in results:
        base = results["baseline"][0]
        ratio = f"{best / base:.2f}" if base else "n/a"
        print(f"baseline (SIPp to SIPp) max: {base:g} calls/s; driver/baseline = {ratio}")


if __name__ == "__main__":
    main()
