"""Simulated booth lines for the demo and the tests.

Two modes: **random traffic** (seeded; numbers from the active price list or a
plausible built-in list; ring 3–20 s; talk 10 s–10 min; some busy, unanswered and
abandoned attempts) and a **scenario** CSV ``booth,start,number,ring,talk`` (offset
of the call from the start, ring seconds, talk seconds; ``talk`` 0 = no answer).

The simulator lives on the engine's clock: every event is stamped with its
*scheduled* time on that clock (start + ring = answer, answer + talk = hang-up) and
emitted once the clock has reached it, so with ``--speed F`` the recorded durations
are exactly the scenario's talk seconds. It honours the engine's commands like a
real line: a refused call ends, a limited call is cut at answer + limit, a hang-up
ends the call now, a denied booth refuses new calls itself.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import heapq
import itertools
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from callshop_pos.clock import Clock
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    Answered,
    DenyCalls,
    Dialing,
    DriverCommand,
    DriverEvent,
    EventSink,
    HangUpNow,
    HangupReason,
    HangupSide,
    HungUp,
    LimitCall,
    OffHook,
    RefuseCall,
    Registered,
    Ringing,
)

__all__ = [
    "PLAUSIBLE_NUMBERS",
    "ScenarioCall",
    "SimulatorDriver",
    "numbers_for_codes",
    "read_scenario",
]

#: Used when no price list is active: Bulgarian fixed and mobile, and the usual
#: destinations of a Sofia call shop.
PLAUSIBLE_NUMBERS = (
    "02 987 6543",
    "032 645 123",
    "052 612 345",
    "0888 123 456",
    "0878 654 321",
    "0899 765 432",
    "0049 30 1234567",
    "0049 171 2345678",
    "0044 20 7946 0123",
    "0033 1 4567 8901",
    "0039 06 1234 5678",
    "0034 91 123 4567",
    "001 212 555 0100",
    "0090 212 123 4567",
    "0030 21 0123 4567",
    "0040 21 123 4567",
    "007 495 123 4567",
    "00380 44 123 4567",
    "0043 1 234 5678",
    "0031 20 123 4567",
)
_HEADER = ("booth", "start", "number", "ring", "talk")


@dataclass(frozen=True, slots=True)
class ScenarioCall:
    """One scripted call; times in seconds (exact decimals)."""

    line: int
    booth: str
    start: Decimal
    number: str
    ring: Decimal
    talk: Decimal
    call_ref: str = ""


def _seconds(text: str, what: str, line: int, errors: list[str]) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        errors.append(f"line {line}: {what} {text!r} is not a number of seconds")
        return Decimal(0)
    if not value.is_finite() or value < 0:
        errors.append(f"line {line}: {what} must be zero or more seconds, not {text!r}")
        return Decimal(0)
    return value


def read_scenario(path: Path) -> list[ScenarioCall]:
    """Read and validate a scenario file; every problem is reported with its line.

    Blank lines and lines starting with ``#`` are skipped. Each call gets a stable
    reference derived from the file's content and its line, so a restarted engine
    can tell which scripted calls are already recorded.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read scenario {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"scenario {path} is not UTF-8 text") from None
    digest = hashlib.sha256(raw).hexdigest()[:10]
    errors: list[str] = []
    calls: list[ScenarioCall] = []
    lines = [
        (n, ln)
        for n, ln in enumerate(text.splitlines(), 1)
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not lines:
        raise InvalidInput(f"scenario {path} is empty")
    header = [h.strip().lower() for h in next(csv.reader([lines[0][1]]))]
    if tuple(header) != _HEADER:
        raise InvalidInput(
            f"scenario {path} line {lines[0][0]}: header must be {','.join(_HEADER)}"
        )
    for line, row in ((n, next(csv.reader([ln]))) for n, ln in lines[1:]):
        if len(row) != len(_HEADER):
            errors.append(f"line {line}: expected 5 fields, found {len(row)}")
            continue
        booth, start, number, ring, talk = (field.strip() for field in row)
        if not booth or len(booth) > 32:
            errors.append(f"line {line}: booth name must be 1-32 characters")
        if not number or len(number) > 64:
            errors.append(f"line {line}: number must be 1-64 characters")
        calls.append(
            ScenarioCall(
                line,
                booth,
                _seconds(start, "start", line, errors),
                number,
                _seconds(ring, "ring", line, errors),
                _seconds(talk, "talk", line, errors),
                f"scn-{digest}-{line}",
            )
        )
    if errors:
        shown = "\n  ".join(errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise InvalidInput(f"scenario {path} not accepted:\n  {shown}{more}")
    return sorted(calls, key=lambda c: (c.start, c.line))


def numbers_for_codes(codes: Iterable[str], rng: random.Random, per_code: int = 1) -> list[str]:
    """Plausible dialled numbers for price-list codes (Bulgarian ones in national form)."""
    found: list[str] = []
    for code in codes:
        for _ in range(per_code):
            rest = "".join(rng.choice("0123456789") for _ in range(max(4, 11 - len(code))))
            if code.startswith("359"):
                found.append("0" + code[3:] + rest)
            else:
                found.append("00" + code + rest)
    return found


def _delta(seconds: Decimal | float) -> timedelta:
    return timedelta(microseconds=int(Decimal(seconds) * 1_000_000))


@dataclass(slots=True)
class _Call:
    call_ref: str
    number: str
    ring: timedelta
    talk: timedelta | None  # None: not answered (rings out)
    outcome: HangupReason  # how an unanswered attempt ends
    start: datetime
    admitted: bool = False
    answered_at: datetime | None = None
    limit_s: int | None = None
    limit_reason: HangupReason = HangupReason.CREDIT_EXHAUSTED
    token: int = 0  # bumps whenever the call's pending timers become stale
    on_done: Callable[[], None] | None = None


@dataclass(slots=True)
class _Line:
    name: str
    allowed: bool = True
    call: _Call | None = None
    waiting: deque[ScenarioCall] = field(default_factory=deque)


class SimulatorDriver:
    """See the module docstring. ``speed`` = clock seconds per real second."""

    name = "simulator"

    def __init__(
        self,
        booths: Sequence[str],
        clock: Clock,
        *,
        scenario: Sequence[ScenarioCall] | None = None,
        skip_refs: Iterable[str] = (),
        seed: int | None = None,
        numbers: Sequence[str] = (),
        speed: float = 1.0,
        mean_idle_s: float = 45.0,
    ) -> None:
        self.clock = clock
        self.speed = speed
        self._lines = {name: _Line(name) for name in booths}
        skip = set(skip_refs)
        self._scenario = [c for c in (scenario or ()) if c.call_ref not in skip]
        for call in self._scenario:
            self._lines.setdefault(call.booth, _Line(call.booth))
        self._scripted = scenario is not None
        self._rng = random.Random(seed)
        self._numbers = list(numbers) or list(PLAUSIBLE_NUMBERS)
        self._mean_idle_s = mean_idle_s
        self._cond = threading.Condition()
        self._commands: deque[DriverCommand] = deque()
        self._timers: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._sink: EventSink | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._left = len(self._scenario)
        self._serial = itertools.count(1)
        self._run_id = ""
        self._settled: datetime | None = None

    @property
    def booths(self) -> list[str]:
        return list(self._lines)

    # ------------------------------------------------------------- port

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        epoch = self.clock.now()
        self._run_id = f"{int(epoch.timestamp() * 1000):x}"
        for line in self._lines.values():
            self._emit(Registered(line.name, epoch, contact="simulator"))
        if self._scripted:
            base = min((c.start for c in self._scenario), default=Decimal(0))
            for call in self._scenario:
                # Calls already recorded by an earlier run are skipped; the rest keep
                # their spacing but start without the gap the skipped ones left.
                at = epoch + _delta(call.start - base)
                self._at(at, functools.partial(self._scripted_start, call, at))
        else:
            for line in self._lines.values():
                self._schedule_random(line, epoch)
        self._thread = threading.Thread(target=self._run, name="simulator", daemon=True)
        self._thread.start()

    def send(self, command: DriverCommand) -> None:
        with self._cond:
            self._commands.append(command)
            self._cond.notify()

    def stop(self) -> None:
        """Hang up what is running (recorded as ended by the system) and stop."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def watermark(self) -> datetime | None:
        """No event stamped before this time is still to come (None: not yet known).

        Events carry their *scheduled* times and may be handed over a little after
        them; the engine's heartbeat never claims a time past this watermark, so a
        crash never bills an interrupted call beyond a hang-up not yet emitted."""
        return self._settled

    def done(self) -> bool:
        """Scenario mode: every scripted call has ended (random traffic never ends)."""
        with self._cond:
            return self._scripted and self._left == 0

    # ------------------------------------------------------------- loop

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    break
                if not self._commands:
                    self._cond.wait(self._wait_s())
                commands = list(self._commands)
                self._commands.clear()
            for command in commands:
                self._apply(command)
            now = self.clock.now()
            while self._timers and self._timers[0][0] <= now:
                _at, _n, action = heapq.heappop(self._timers)
                action()
            # Every event stamped up to ``now`` has been handed over; what is still
            # to come is stamped later (the timers left are all due after ``now``).
            self._settled = now
        now = self.clock.now()
        for line in self._lines.values():
            if line.call is not None:
                self._end(line, now, HangupReason.ERROR, HangupSide.SYSTEM, "simulator stopped")

    def _wait_s(self) -> float:
        if not self._timers:
            return 0.2
        ahead = (self._timers[0][0] - self.clock.now()).total_seconds() / self.speed
        return min(0.2, max(0.0, ahead))

    def _at(self, at: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self._timers, (at, next(self._order), action))

    def _emit(self, event: DriverEvent) -> None:
        sink = self._sink
        if sink is not None:
            sink(event)

    # ------------------------------------------------------------- calls

    def _scripted_start(self, spec: ScenarioCall, at: datetime) -> None:
        line = self._lines[spec.booth]
        if line.call is not None:  # overlapping script lines: wait for the booth
            line.waiting.append(spec)
            return
        talk = _delta(spec.talk) if spec.talk > 0 else None
        self._begin(
            line,
            at,
            spec.call_ref,
            spec.number,
            _delta(spec.ring),
            talk,
            HangupReason.NO_ANSWER,
            self._scripted_done,
        )

    def _scripted_done(self) -> None:
        with self._cond:
            self._left -= 1

    def _schedule_random(self, line: _Line, after: datetime) -> None:
        idle = 5 + self._rng.expovariate(1 / self._mean_idle_s)
        at = after + _delta(round(idle, 3))
        self._at(at, lambda: self._random_start(line, at))

    def _random_start(self, line: _Line, at: datetime) -> None:
        rng = self._rng
        number = rng.choice(self._numbers)
        ring = _delta(round(rng.uniform(3, 20), 1))
        roll = rng.random()
        talk: timedelta | None = None
        outcome = HangupReason.NO_ANSWER
        if roll < 0.72:  # answered: log-uniform 10 s .. 10 min (most calls are short)
            talk = _delta(round(math.exp(rng.uniform(math.log(10), math.log(600)))))
        elif roll < 0.82:
            ring, outcome = _delta(round(rng.uniform(0.5, 2), 1)), HangupReason.BUSY
        elif roll < 0.90:
            outcome = HangupReason.CANCELLED
        ref = f"sim-{self._run_id}-{next(self._serial)}"

        def next_one() -> None:
            self._schedule_random(line, self.clock.now())

        self._begin(line, at, ref, number, ring, talk, outcome, next_one)

    def _begin(
        self,
        line: _Line,
        at: datetime,
        ref: str,
        number: str,
        ring: timedelta,
        talk: timedelta | None,
        outcome: HangupReason,
        on_done: Callable[[], None],
    ) -> None:
        """Start a call whose handset goes up at ``at`` (its scheduled time)."""
        self._emit(OffHook(line.name, at))
        if not line.allowed:
            # A locked booth: the line refuses the call itself (busy tone).
            self._emit(
                HungUp(line.name, at, None, HangupReason.DENIED, HangupSide.SYSTEM, "booth locked")
            )
            on_done()
            self._next_waiting(line)
            return
        line.call = _Call(ref, number, ring, talk, outcome, at, on_done=on_done)
        self._emit(Dialing(line.name, at, ref, number))

    def _admitted(self, line: _Line, call: _Call) -> None:
        call.admitted = True
        self._emit(Ringing(line.name, max(call.start, self.clock.now()), call.call_ref))
        due = max(call.start + call.ring, self.clock.now())
        token = call.token
        if call.talk is None:
            if call.outcome is HangupReason.CANCELLED:
                reason, side = HangupReason.CANCELLED, HangupSide.BOOTH
            else:
                reason, side = call.outcome, HangupSide.FAR_END
            self._at(due, lambda: self._timed_end(line, call, token, due, reason, side))
        else:
            self._at(due, lambda: self._answer(line, call, token, due))

    def _answer(self, line: _Line, call: _Call, token: int, at: datetime) -> None:
        if line.call is not call or call.token != token:
            return
        call.answered_at = at
        self._emit(Answered(line.name, at, call.call_ref))
        self._plan_end(line, call)

    def _plan_end(self, line: _Line, call: _Call) -> None:
        assert call.answered_at is not None and call.talk is not None
        call.token += 1
        token = call.token
        end = call.answered_at + call.talk
        reason, side = HangupReason.NORMAL, HangupSide.BOOTH
        if call.limit_s is not None and timedelta(seconds=call.limit_s) < call.talk:
            end = call.answered_at + timedelta(seconds=call.limit_s)
            reason, side = call.limit_reason, HangupSide.SYSTEM
        self._at(end, lambda: self._timed_end(line, call, token, end, reason, side))

    def _timed_end(
        self,
        line: _Line,
        call: _Call,
        token: int,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
    ) -> None:
        if line.call is call and call.token == token:
            self._end(line, at, reason, side)

    def _end(
        self, line: _Line, at: datetime, reason: HangupReason, side: HangupSide, detail: str = ""
    ) -> None:
        call = line.call
        assert call is not None
        line.call = None
        call.token += 1
        self._emit(HungUp(line.name, at, call.call_ref, reason, side, detail))
        if call.on_done is not None:
            call.on_done()
        self._next_waiting(line)

    def _next_waiting(self, line: _Line) -> None:
        if line.waiting and not self._stopping:
            spec = line.waiting.popleft()
            now = self.clock.now()
            self._at(now, lambda: self._scripted_start(spec, now))

    # ------------------------------------------------------------- commands

    def _apply(self, command: DriverCommand) -> None:
        line = self._lines.get(command.booth)
        if line is None:
            return
        call = line.call
        match command:
            case AllowCalls():
                line.allowed = True
            case DenyCalls():
                line.allowed = False
            case AdmitCall() if call is not None and call.call_ref == command.call_ref:
                call.limit_s, call.limit_reason = command.limit_s, command.limit_reason
                if not call.admitted:
                    self._admitted(line, call)
            case RefuseCall() if call is not None and call.call_ref == command.call_ref:
                self._end(line, self.clock.now(), command.reason, HangupSide.SYSTEM, command.detail)
            case LimitCall() if call is not None and call.call_ref == command.call_ref:
                call.limit_s, call.limit_reason = command.limit_s, command.reason
                if call.answered_at is not None:
                    self._plan_end(line, call)
            case HangUpNow() if call is not None:
                self._end(line, self.clock.now(), command.reason, HangupSide.SYSTEM)
            case _:
                pass  # a command for a call that has already ended
