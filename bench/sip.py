"""SIP driver throughput and CPU with SIPp: 32 booths, rising call-attempt rates.

Each of the 32 booths is one SIPp process (its own digest credentials, at most one
call at a time, as an ATA port is); one SIPp process is the carrier (digest challenge,
answer at once). Every call: INVITE → 401 → INVITE with digest → Dialing → AdmitCall →
carrier INVITE → 401 → INVITE with digest → 200 → ACK → talk → BYE from the booth.
The rate is raised step by step until the first failed call or billing error. The CPU of
this process (the driver plus a minimal engine stand-in; SIPp runs in other processes)
is measured at 5 calls/s.

A billing error is a call that SIPp placed but the driver did not bill, billed with
another outcome than a normal hang-up by the booth, that cannot be matched to one
answered call in its booth's SIPp message log, or whose

    |billed - actual talk| > 0.1 s     (--tolerance)

where billed = HungUp.at - Answered.at as the driver reports it, and actual talk = the
time between the booth's SIPp receiving the 200 OK to its INVITE and sending its BYE,
from the time stamps of SIPp's own message trace (-trace_msg), per Call-ID. The driver
gives the booth's leg a call_ref, not its Call-ID, so each billed call is matched to
the SIPp call of the same booth whose 200 OK arrived closest to Answered.at (within
1 s; both are this machine's wall clock). SIPp's nominal talk pause (TALK_MS) is kept
as a second, informational comparison: with 33 SIPp processes on few cores, SIPp's BYE
can leave well after its nominal pause, which is not a billing error of the till.

The process is tuned as `callshop-pos engine` tunes its own (switch interval, start-up
heap frozen); every step also prints the garbage collections in this process and the
longest pause, which stops the driver's threads too (docs/sip.md, "Timing and garbage
collection").

Baseline, same run, same ramp: the 32 SIPp booths calling the SIPp carrier directly
(the most this machine's SIPp setup can do without the till in between).

    python bench/sip.py
    python bench/sip.py --seconds 10 --rates 5,20,50,80
    python bench/sip.py --real-engine --skip-baseline   # through `callshop-pos engine`

With --real-engine the calls go through a `callshop-pos engine --driver sip` process
on a fresh SQLite shop (the production call recorder included); bills are read back
from its calls table and CPU is the engine process's.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import gc
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from callshop_pos.db.models.calls import Call  # noqa: E402
from callshop_pos.lines.port import (  # noqa: E402
    AdmitCall,
    Answered,
    Dialing,
    DriverEvent,
    HangupReason,
    HangupSide,
    HungUp,
)
from callshop_pos.services.context import Shop  # noqa: E402
from drivers.engine_cli import freeze_startup_heap, tune_for_latency  # noqa: E402
from drivers.sip import (  # noqa: E402
    AbuseLimits,
    BoothAccount,
    SipDriver,
    SipDriverConfig,
    Trunk,
    ha1,
)
from tests.drivers.engine_support import engine_cmd, prepare_shop, recorded_calls  # noqa: E402
from tests.drivers.sip import sipp  # noqa: E402
from tests.drivers.sip.test_engine_e2e import wait_listening  # noqa: E402

BOOTHS = 32
REALM = "callshop"
TRUNK_USER, TRUNK_PASSWORD = "bench", "bench-pw"
TALK_MS = 100
# A billing error: a call placed but not billed, billed with the wrong reason, or whose
# billed time is off the talk time SIPp actually had (its 200 OK received -> its BYE
# sent) by more than this. The engine bills whole seconds.
BILLING_TOLERANCE_S = 0.1
RECORD_WAIT_S = 60.0  # --real-engine: how long a step's records may take to appear
NUMBER = "0049301234567"  # priced in the test price list (the real engine rates it)
MATCH_WINDOW_S = 1.0  # a billed call's Answered.at vs its SIPp booth's 200 OK arrival
TRACE_MARK = "-" * 47 + " "


@dataclass
class AtaCall:
    """One call as the booth's SIPp saw it (wall-clock seconds since the epoch)."""

    call_id: str
    answered: float | None = None  # first 200 OK to the INVITE received
    bye_sent: float | None = None  # first BYE sent

    @property
    def talk(self) -> float | None:
        if self.answered is None or self.bye_sent is None:
            return None
        return self.bye_sent - self.answered


def _header(lines: list[str], name: str) -> str:
    prefix = name.lower() + ":"
    for line in lines:
        if line.lower().startswith(prefix):
            return line[len(prefix) :].strip()
    return ""


def read_message_trace(path: Path) -> list[AtaCall]:
    """The answered calls in one SIPp -trace_msg file, in order of their 200 OK.

    Each message there starts with a line of 47 dashes and SIPp's local wall-clock time
    (``2026-11-26 14:09:11.540577``), then ``UDP message sent``/``received``."""
    calls: dict[str, AtaCall] = {}
    text = path.read_text(encoding="iso-8859-1") if path.exists() else ""
    for block in text.split("\n" + TRACE_MARK):
        lines = block.removeprefix(TRACE_MARK).splitlines()
        if len(lines) < 4:
            continue
        try:
            at = datetime.strptime(lines[0].strip(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        except ValueError:
            continue
        sent = "message sent" in lines[1]
        body = lines[3:]
        call_id = _header(body, "Call-ID")
        if not call_id:
            continue
        call = calls.setdefault(call_id, AtaCall(call_id))
        start, cseq = body[0], _header(body, "CSeq").split()
        if (
            not sent
            and start.startswith("SIP/2.0 200")
            and cseq[-1:] == ["INVITE"]
            and call.answered is None
        ):
            call.answered = at
        elif sent and start.startswith("BYE ") and call.bye_sent is None:
            call.bye_sent = at
    return sorted(
        (c for c in calls.values() if c.answered is not None), key=lambda c: c.answered or 0.0
    )


DEFAULT_RATES = (5, 10, 20, 30, 40, 50, 60, 70, 80, 100, 130, 160, 200)


class BillingCheck:
    """Stand-in engine: admits every call and checks what the driver reports."""

    def __init__(self) -> None:
        self.driver: SipDriver | None = None
        self.lock = threading.Lock()
        self.answered: dict[str, Answered] = {}
        self.errors: list[str] = []
        self.dialed: list[float] = []
        # booth -> (Answered.at, billed seconds, call_ref) of its normally ended calls
        self.billed: dict[str, list[tuple[float, float, str]]] = {}

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
                    billed = (event.at - ans.at).total_seconds()
                    self.billed.setdefault(event.booth, []).append(
                        (ans.at.timestamp(), billed, event.call_ref or "")
                    )

    def cpu_clock(self) -> float:
        """CPU seconds of the process that runs the driver (this one)."""
        return sum(self.cpu_parts())

    def cpu_parts(self) -> tuple[float, float]:
        """CPU seconds of the driver's process and of its call writer process (none)."""
        return time.process_time(), 0.0

    def collect(self, placed: int) -> None:
        """Bills arrive through :meth:`sink` as the calls end; nothing to fetch."""

    def take(self, traces: dict[str, list[AtaCall]]) -> Judged:
        """Judge this step's billed calls against the booths' SIPp traces (booth ->
        its answered calls) and start afresh."""
        with self.lock:
            billed, errors, dialed = self.billed, self.errors, sorted(self.dialed)
            self.billed, self.errors, self.dialed = {}, [], []
        span = dialed[-1] - dialed[0] if len(dialed) > 1 else 0.0
        judged = Judged(errors=errors, achieved=(len(dialed) - 1) / span if span > 0 else 0.0)
        for booth, calls in sorted(billed.items()):
            ata = traces.get(booth, [])
            starts = [c.answered or 0.0 for c in ata]
            used: set[int] = set()
            for answered_at, seconds, ref in calls:
                judged.billed += 1
                judged.nominal.append(abs(seconds - TALK_MS / 1000))
                if abs(seconds - TALK_MS / 1000) > BILLING_TOLERANCE_S:
                    judged.nominal_errors += 1
                i = bisect.bisect_left(starts, answered_at)
                near = [
                    j
                    for j in (i - 1, i)
                    if 0 <= j < len(ata)
                    and j not in used
                    and abs(starts[j] - answered_at) <= MATCH_WINDOW_S
                ]
                if not near:
                    errors.append(
                        f"{ref}: billed {seconds:.3f} s, no SIPp call of {booth} "
                        f"answered within {MATCH_WINDOW_S:g} s"
                    )
                    continue
                j = min(near, key=lambda k: abs(starts[k] - answered_at))
                used.add(j)
                talk = ata[j].talk
                if talk is None:
                    errors.append(
                        f"{ref} ({ata[j].call_id}): billed {seconds:.3f} s, SIPp sent no BYE"
                    )
                    continue
                judged.talks.append(talk)
                judged.deviations.append(abs(seconds - talk))
                if abs(seconds - talk) > BILLING_TOLERANCE_S:
                    errors.append(
                        f"{ref} ({ata[j].call_id}): billed {seconds:.3f} s, "
                        f"SIPp talked {talk:.3f} s"
                    )
        for values in (judged.deviations, judged.nominal, judged.talks):
            values.sort()
        return judged


class EngineRecords(BillingCheck):
    """The real engine's bills (``--real-engine``): each step's calls read back from the
    shop's ``calls`` table once they are all recorded (or after RECORD_WAIT_S)."""

    def __init__(self, url: str, engine: subprocess.Popen[str], log: Path) -> None:
        super().__init__()
        self.url = url
        self.engine = engine
        self.log = log
        self.placed = 0
        self.read: set[int] = set()
        self.lags: list[float] = []
        self.shop: Shop | None = None

    def _ended_calls(self) -> list[Call]:
        # one shop kept open for reading (WAL: readers never block the engine's writer);
        # opening a shop every poll could hold the writer up
        if self.shop is None:
            self.shop = Shop.open(self.url)
        with self.shop.db.read() as session:
            calls = list(session.scalars(select(Call).where(Call.ended_at.is_not(None))))
            session.expunge_all()
        return calls

    def close(self) -> None:
        if self.shop is not None:
            self.shop.close()
            self.shop = None

    def cpu_parts(self) -> tuple[float, float]:
        """CPU seconds of the engine process and of its children (the call writer)."""
        engine = _proc_cpu(self.engine.pid)
        children = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.engine.pid:
                    children += _proc_cpu(int(stat.parent.name))
        return engine, children

    def collect(self, placed: int) -> None:
        self.placed += placed
        started = time.monotonic()
        while True:
            ended = [c for c in self._ended_calls() if c.id not in self.read]
            if (
                len(self.read) + len(ended) >= self.placed
                or time.monotonic() - started > RECORD_WAIT_S
            ):
                break
            time.sleep(1.0)
        self.lags.append(time.monotonic() - started)
        with self.lock:
            for call in ended:
                self.read.add(call.id)
                if call.answered_at is None or (call.end_reason, call.end_side) != (
                    "normal",
                    "booth",
                ):
                    self.errors.append(
                        f"call {call.id}: {call.end_reason}/{call.end_side}, "
                        f"answered {call.answered_at}"
                    )
                    continue
                answered, ended_at = _utc(call.answered_at), _utc(call.ended_at)
                self.dialed.append(_utc(call.setup_at).timestamp())
                self.billed.setdefault(call.booth, []).append(
                    (answered.timestamp(), (ended_at - answered).total_seconds(), str(call.id))
                )


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class GcPauses:
    """Garbage-collection pauses in this process (they hold every thread, the SIP
    driver's included): how many, how many full (oldest generation), the longest in
    wall time and the CPU time the collector itself spent in it (the rest is the
    collecting thread waiting for a core)."""

    def __init__(self) -> None:
        self._started = (0.0, 0.0)
        self._count = self._full = 0
        self._longest = (0.0, 0.0)

    def start(self) -> None:
        gc.callbacks.append(self._callback)

    def stop(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def take(self) -> tuple[int, int, float, float]:
        """(collections, full collections, longest pause and its CPU time in s) since
        the last take."""
        figures = (self._count, self._full, *self._longest)
        self._count = self._full = 0
        self._longest = (0.0, 0.0)
        return figures

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
            return
        self._count += 1
        self._full += info["generation"] == 2
        pause = (time.perf_counter() - self._started[0], time.thread_time() - self._started[1])
        self._longest = max(self._longest, pause)


def quantile_ms(values: list[float], q: float) -> float:
    """The q-quantile of sorted ``values`` (seconds), in milliseconds."""
    return 1000 * values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


@dataclass
class Judged:
    """One step's billing: errors, and per call |billed - actual talk|, |billed -
    nominal pause| and the actual talk (SIPp's 200 OK received -> BYE sent), seconds."""

    errors: list[str]
    achieved: float
    billed: int = 0
    nominal_errors: int = 0
    deviations: list[float] = field(default_factory=list)
    nominal: list[float] = field(default_factory=list)
    talks: list[float] = field(default_factory=list)


@dataclass
class Step:
    rate: float
    attempted: int
    failed: int
    billed: int
    errors: list[str]
    cpu_share: float
    achieved: float
    judged: Judged | None
    writer_share: float = 0.0  # of cpu_share: the engine's call writer process

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors


def start_engine(
    workdir: Path, credentials: list[tuple[str, str]], trunk_port: int
) -> tuple[EngineRecords, tuple[str, int]]:
    """``callshop-pos engine --driver sip`` on a fresh SQLite shop with the booths."""
    data = workdir / "shop"
    data.mkdir()
    os.environ["CALLSHOP_DATA_DIR"] = str(data)  # the engine's lock and IPC socket
    prepared = prepare_shop(
        data,
        booths={
            f"Booth {n}": {"driver": "sip", "sip_user": user, "sip_password": password}
            for n, (user, password) in enumerate(credentials, start=1)
        },
    )
    prepared.seeded.shop.close()
    listen = ("127.0.0.1", sipp.free_udp_port())
    log = workdir / "engine.log"
    # the engine logs every call: into a file, never a pipe nobody reads while the bench
    # runs (a full pipe would block the engine's writer thread on its log line)
    with log.open("w") as stderr:
        engine = subprocess.Popen(
            engine_cmd(
                "--driver",
                "sip",
                "--sip-listen",
                f"{listen[0]}:{listen[1]}",
                "--sip-trunk",
                f"sip:{TRUNK_USER}:{TRUNK_PASSWORD}@127.0.0.1:{trunk_port}",
                # all SIPp booths share 127.0.0.1 here; real booths have their own IP
                "--sip-rate-limit",
                "100000/1",
                db=prepared.url,
            ),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    wait_listening(listen)
    return EngineRecords(prepared.url, engine, log), listen


def stop_engine(records: EngineRecords) -> None:
    records.close()
    records.engine.send_signal(signal.SIGINT)
    records.engine.wait(timeout=300)
    err = records.log.read_text(errors="replace")
    calls = recorded_calls(records.url)
    normal = sum(1 for c in calls if (c.end_reason, c.end_side) == ("normal", "booth"))
    print(
        f"engine stopped (rc {records.engine.returncode}): {len(calls)} calls in the "
        f"database, {normal} ended normally by the booth, of {records.placed} placed; "
        f"records complete {max(records.lags, default=0):.1f} s after a step at worst"
    )
    problems = [line for line in err.splitlines() if " WARNING " in line or " ERROR " in line]
    for line in problems[:10]:
        print(f"      engine: {line}")
    if records.engine.returncode != 0:
        print(err[-2000:])


def carrier_scenario(workdir: Path, caller_is_sippy: bool) -> Path:
    ack = '<recv request="ACK" />'
    return sipp.render(
        "carrier.xml",
        workdir,
        trunk_user=TRUNK_USER,
        trunk_password=TRUNK_PASSWORD,
        ring_ms=1,
        final=200,
        final_phrase="OK",
        answer_jump='<nop hide="true" next="answer" />',
        ack_before="" if caller_is_sippy else ack,
        ack_after=ack if caller_is_sippy else "",
    )


def run_step(
    workdir: Path,
    target: tuple[str, int],
    credentials: list[tuple[str, str]],
    rate: float,
    seconds: float,
    check: BillingCheck | None,
) -> Step:
    per_booth = max(3, round(rate * seconds / len(credentials)))
    period_ms = max(1, round(1000 * len(credentials) / rate))
    scenario = sipp.render("ata_call.xml", workdir, talk_ms=TALK_MS)
    cpu_clock = check.cpu_clock if check is not None else time.process_time
    parts0 = check.cpu_parts() if check is not None else (0.0, 0.0)
    cpu0, wall0 = cpu_clock(), time.monotonic()
    runs = []
    traces: dict[str, Path] = {}
    for n, (user, password) in enumerate(credentials, start=1):
        # staggered, so the booths' calls interleave evenly; every step traces its
        # messages (the baseline too, so both carry the same SIPp overhead)
        trace = workdir / f"messages-{rate:g}-{n}.log"
        trace.unlink(missing_ok=True)
        traces[f"Booth {n}"] = trace
        runs.append(
            sipp.start(
                scenario,
                workdir,
                remote=target,
                args=(
                    "-s",
                    NUMBER,
                    "-au",
                    user,
                    "-ap",
                    password,
                    "-r",
                    "1",
                    "-rp",
                    str(period_ms),
                    "-l",
                    "1",
                    "-trace_msg",
                    "-message_file",
                    str(trace),
                ),
                calls=per_booth,
                timeout_s=int(seconds * 4 + 60),
            )
        )
        time.sleep(1 / rate)
    failed = 0
    for run in runs:
        if run.wait(seconds * 4 + 60) != 0:
            failed += 1
        run.stop()
    wall = time.monotonic() - wall0
    cpu = cpu_clock() - cpu0
    parts1 = check.cpu_parts() if check is not None else (0.0, 0.0)
    attempted = per_booth * len(credentials)
    time.sleep(0.3)  # the last HungUp events
    judged: Judged | None = None
    if check is not None:
        check.collect(attempted)
        judged = check.take({booth: read_message_trace(path) for booth, path in traces.items()})
        billed, errors, achieved = judged.billed, judged.errors, judged.achieved
        if billed != attempted:
            errors.append(f"{attempted} calls placed, {billed} billed")
    else:
        billed, errors, achieved = attempted, [], attempted / wall
    for path in traces.values():
        path.unlink(missing_ok=True)
    return Step(
        rate,
        attempted,
        failed,
        billed,
        errors,
        cpu / wall if check is not None else 0.0,
        achieved,
        judged,
        max(0.0, parts1[1] - parts0[1]) / wall,
    )


def ramp(
    label: str,
    workdir: Path,
    target: tuple[str, int],
    credentials: list[tuple[str, str]],
    rates: list[float],
    seconds: float,
    check: BillingCheck | None,
    pauses: GcPauses | None,
) -> tuple[float, list[Step]]:
    best = 0.0
    steps: list[Step] = []
    for rate in rates:
        if pauses is not None:
            pauses.take()
        step = run_step(workdir, target, credentials, rate, seconds, check)
        steps.append(step)
        status = "ok" if step.ok else "FAIL"
        extra, detail = "", ""
        if (j := step.judged) is not None:
            extra = f", CPU {100 * step.cpu_share:.1f} % of one core"
            if step.writer_share:
                extra += f" (of which the call writer process {100 * step.writer_share:.1f} %)"
            detail = (
                f"      |billed-actual talk| p50 {quantile_ms(j.deviations, 0.5):.0f} ms"
                f" p99 {quantile_ms(j.deviations, 0.99):.0f} ms"
                f" max {quantile_ms(j.deviations, 1.0):.0f} ms;"
                f" SIPp actual talk p50 {quantile_ms(j.talks, 0.5):.0f} ms"
                f" max {quantile_ms(j.talks, 1.0):.0f} ms"
                f"\n      nominal (old) |billed-{TALK_MS} ms| p50"
                f" {quantile_ms(j.nominal, 0.5):.0f} ms"
                f" p99 {quantile_ms(j.nominal, 0.99):.0f} ms"
                f" max {quantile_ms(j.nominal, 1.0):.0f} ms,"
                f" {j.nominal_errors} over {1000 * BILLING_TOLERANCE_S:.0f} ms"
            )
        print(
            f"  {label}: {rate:5.0f} calls/s target, {step.achieved:6.1f} seen, "
            f"{step.attempted} calls, {step.failed} SIPp booths with failures, "
            f"{len(step.errors)} billing errors{extra}: {status}",
            flush=True,
        )
        if isinstance(check, EngineRecords) and check.lags:
            detail += f"\n      records complete {check.lags[-1]:.1f} s after the step"
        if pauses is not None:
            count, full, longest, cpu = pauses.take()
            detail += (
                f"\n      garbage collections in the driver's process: {count}"
                f" ({full} full), longest pause {1000 * longest:.0f} ms"
                f" ({1000 * cpu:.0f} ms of it CPU); {len(gc.get_objects())} objects"
                f" tracked after the step (start-up heap frozen:"
                f" {gc.get_freeze_count()})"
            )
        if detail:
            print(detail, flush=True)
        for error in step.errors[:5]:
            print(f"      {error}")
        if not step.ok:
            break
        best = rate
    return best, steps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each rate step")
    parser.add_argument("--rates", default=",".join(str(r) for r in DEFAULT_RATES))
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=BILLING_TOLERANCE_S,
        help="billing error threshold, seconds (default 0.1)",
    )
    parser.add_argument(
        "--real-engine",
        action="store_true",
        help="call through a `callshop-pos engine --driver sip` process "
        "(SQLite shop, call recorder) instead of the stand-in engine; bills "
        "are read back from the database",
    )
    args = parser.parse_args()
    globals()["BILLING_TOLERANCE_S"] = args.tolerance
    tune_for_latency()  # as `callshop-pos engine` does in production
    rates = [float(r) for r in args.rates.split(",")]
    sipp.require_sipp = lambda: sipp.SIPP or sys.exit("sipp (sip-tester) is not installed")
    credentials = [(f"booth{i}", f"secret-{i}") for i in range(1, BOOTHS + 1)]
    print(
        f"SIP bench: {BOOTHS} SIPp booths, talk {TALK_MS} ms, {args.seconds:g} s per step, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
    )
    with TemporaryDirectory(prefix="callshop-sip-bench-") as tmp:
        workdir = Path(tmp)
        trunk_port = sipp.free_udp_port()
        carrier = sipp.start(
            carrier_scenario(workdir, caller_is_sippy=True),
            workdir,
            local_port=trunk_port,
            calls=10**7,
            timeout_s=3600,
        )
        results: dict[str, Any] = {}
        try:
            if args.real_engine:
                records, listen = start_engine(workdir, credentials, trunk_port)
                try:
                    print("through `callshop-pos engine --driver sip` (recorder included):")
                    results["driver"] = ramp(
                        "engine", workdir, listen, credentials, rates, args.seconds, records, None
                    )
                finally:
                    stop_engine(records)
                return
            config = SipDriverConfig(
                booths=tuple(
                    BoothAccount(f"Booth {i}", user, ha1(user, REALM, pw))
                    for i, (user, pw) in enumerate(credentials, start=1)
                ),
                trunk=Trunk(TRUNK_USER, TRUNK_PASSWORD, "127.0.0.1", trunk_port),
                listen_host="127.0.0.1",
                listen_port=0,
                realm=REALM,
                # all SIPp booths share 127.0.0.1 here; real booths each have their own IP
                abuse=AbuseLimits(max_requests=10**7, max_auth_failures=10**7),
            )
            check = BillingCheck()
            pauses = GcPauses()
            driver = SipDriver(config)
            check.driver = driver
            driver.start(check.sink)
            assert driver.address is not None
            freeze_startup_heap()  # as `callshop-pos engine` does once it serves
            pauses.start()
            try:
                print("through the till's SIP driver:")
                results["driver"] = ramp(
                    "driver",
                    workdir,
                    driver.address,
                    credentials,
                    rates,
                    args.seconds,
                    check,
                    pauses,
                )
            finally:
                pauses.stop()
                driver.stop()
            carrier.stop()
            if not args.skip_baseline:
                print("baseline, SIPp booths straight to the SIPp carrier:")
                carrier = sipp.start(
                    carrier_scenario(workdir, caller_is_sippy=False),
                    workdir,
                    local_port=trunk_port,
                    calls=10**7,
                    timeout_s=3600,
                )
                trunk_creds = [(TRUNK_USER, TRUNK_PASSWORD)] * BOOTHS
                results["baseline"] = ramp(
                    "baseline",
                    workdir,
                    ("127.0.0.1", trunk_port),
                    trunk_creds,
                    rates,
                    args.seconds,
                    None,
                    None,
                )
        finally:
            carrier.stop()
            report(results)


def report(results: dict[str, Any]) -> None:
    if "driver" not in results:
        return
    best, steps = results["driver"]
    at5 = next((s for s in steps if s.rate == 5), None)
    print()
    print(
        f"max sustained call attempts with 0 failures through the till: {best:g} calls/s "
        f"(target >= 50)"
    )
    if at5 is not None:
        print(
            f"driver + engine CPU at 5 calls/s: {100 * at5.cpu_share:.1f} % of one "
            f"core (target < 20 %; the engine's call writer process "
            f"{100 * at5.writer_share:.1f} % of it)"
        )
    if "baseline" in results:
        base = results["baseline"][0]
        ratio = f"{best / base:.2f}" if base else "n/a"
        print(f"baseline (SIPp to SIPp) max: {base:g} calls/s; driver/baseline = {ratio}")


if __name__ == "__main__":
    main()
