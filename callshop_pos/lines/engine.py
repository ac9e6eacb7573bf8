"""The line engine: one thread that owns every booth state machine.

Drivers hand events to :meth:`LineEngine.submit` from any thread; cashier commands
(:meth:`lock`, :meth:`hang_up`, ...) arrive from IPC threads. Both go through one
queue, so the booth machines are only ever touched by the engine thread. Each
effect a machine produces is carried out at once and in order: driver commands go
straight to the driver; call events join an ordered outbox that the call-writer
thread saves through the :class:`~callshop_pos.lines.recorder.CallRecorder`, one
transaction each, right after the booth's new state is published (so a slow disk
never delays a snapshot or an admission). A recorder failure (database briefly
locked or unreachable) leaves the record first in the outbox and it is retried;
nothing is dropped or reordered. Without the thread (synchronous use) the outbox is
written inline.

Subscribers receive a :class:`~callshop_pos.lines.snapshot.BoothSnapshot` whenever a
booth changes (and about every ``meter_every_s`` while it talks, for the running
price) and a :class:`CallFinished` when a call has been recorded.

Tests drive the engine without its thread: :meth:`process` and :meth:`tick` run
one step on the caller's thread with a :class:`~callshop_pos.clock.FakeClock`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from callshop_pos.clock import Clock
from callshop_pos.errors import CallShopError, NotFound
from callshop_pos.lines.booth import (
    AdmissionRules,
    BoothConfig,
    BoothMachine,
    DepositCredit,
    Effect,
    RecordAnswer,
    RecordEnd,
    RecordStart,
    SaveLock,
    SendCommand,
)
from callshop_pos.lines.port import BoothDriver, DriverEvent, HangupReason
from callshop_pos.lines.recorder import CallRecorder
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.lines.tariff import Tariff

__all__ = ["BoothStore", "CallFinished", "EngineNews", "LineEngine", "SavedBooth"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CallFinished:
    """A call (or an unanswered attempt) has been recorded."""

    call_id: int
    booth: str
    call_ref: str
    answered: bool
    duration_s: int
    price_minor: int | None
    reason: str
    flags: tuple[str, ...] = ()


EngineNews = BoothSnapshot | CallFinished


@dataclass(frozen=True, slots=True)
class SavedBooth:
    """What the engine keeps of a booth across restarts (prepaid credit is not kept
    here: it is the till's money and lives in the database, see :meth:`BoothStore.deposits`)."""

    locked: bool


class BoothStore(Protocol):
    """Where the engine reads booth settings and saves booth state (the database)."""

    def booths(self) -> list[BoothConfig]:
        """Every booth served, in display order."""
        ...

    def rules(self) -> AdmissionRules:
        """The admission settings in force now."""
        ...

    def unpaid_counts(self) -> dict[str, int]:
        """Unserved finished calls per booth in the open shift."""
        ...

    def saved_state(self) -> dict[str, SavedBooth]:
        """Lock state saved by earlier runs."""
        ...

    def save_lock(self, booth: str, locked: bool) -> None: ...

    def deposits(self) -> dict[str, DepositCredit]:
        """Every prepaid booth's open deposit and what its recorded calls used."""
        ...


class _Stop:
    pass


@dataclass(frozen=True, slots=True)
class _Beat:
    at: datetime


@dataclass(slots=True)
class _Job:
    run: Callable[[], object]
    future: Future[object]


class LineEngine:
    """See the module docstring."""

    def __init__(
        self,
        *,
        clock: Clock,
        driver: BoothDriver,
        recorder: CallRecorder,
        store: BoothStore,
        tariff: Callable[[], Tariff],
        heartbeat_s: float = 1.0,
        meter_every_s: float = 1.0,
        refresh_every_s: float = 5.0,
        speed: float = 1.0,
    ) -> None:
        self.clock = clock
        self.driver = driver
        self._recorder = recorder
        self._store = store
        self._tariff = tariff
        self._heartbeat_s = heartbeat_s
        self._meter_every_s = meter_every_s
        self._refresh_every_s = refresh_every_s
        self._speed = speed  # engine-clock seconds per real second (ScaledClock)
        self._queue: queue.SimpleQueue[DriverEvent | _Job | _Stop] = queue.SimpleQueue()
        self._booths: dict[str, BoothMachine] = {}
        self._rules = AdmissionRules()
        # Ordered persistence: written inline (synchronous use, tests) or by the writer
        # thread once started, so a slow disk never delays admission or live state.
        self._outbox: deque[Effect | _Beat] = deque()
        self._outbox_cond = threading.Condition()
        self._writer: threading.Thread | None = None
        self._writer_stop = False
        self._subscribers: list[Callable[[EngineNews], None]] = []
        self._sub_lock = threading.Lock()
        self._latest: dict[str, BoothSnapshot] = {}
        # Snapshot sequence numbers keep growing across engine restarts (clients drop
        # an update older than one they have): start from the wall clock in µs.
        self._seq = time.time_ns() // 1000
        self._last_heartbeat: float | None = None
        self._last_meter = 0.0
        self._last_refresh = 0.0
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._pending_lock = threading.Lock()
        # Time stamps of driver events submitted but not yet processed (FIFO, like the
        # queue): a heartbeat never claims a time past the oldest of them, so a crash
        # never bills an interrupted call beyond a hang-up that was still queued.
        self._unprocessed: deque[datetime] = deque()
        self.calls_recorded = 0

    # ----------------------------------------------------------- life cycle

    def load(self) -> None:
        """Read booths, rules and saved state from the store (before :meth:`start`)."""
        saved = self._store.saved_state()
        self._rules = self._store.rules()
        for config in self._store.booths():
            machine = BoothMachine(config, timer_scale=self._speed)
            state = saved.get(config.name)
            if state is not None:
                machine.restore(state.locked)
            self._booths[config.name] = machine
        self._apply_unpaid(self._store.unpaid_counts())
        self._apply_deposits(self._store.deposits(), frozenset())
        self._last_refresh = self.clock.monotonic()
        for name in self._booths:
            self._publish(name)

    def start(self) -> None:
        """Start the engine thread and the driver."""
        if self._thread is not None:
            raise RuntimeError("engine already started")
        if not self._booths:
            self.load()
        self._writer = threading.Thread(target=self._write_loop, name="call-writer", daemon=True)
        self._writer.start()
        self._thread = threading.Thread(target=self._run, name="line-engine", daemon=True)
        self._thread.start()
        self.driver.start(self.submit)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the driver (its calls end and are recorded), drain, stop the thread."""
        self.driver.stop()
        thread = self._thread
        if thread is None:
            return
        self._queue.put(_Stop())
        thread.join(timeout)
        self._thread = None
        writer = self._writer
        if writer is not None:
            with self._outbox_cond:
                self._writer_stop = True
                self._outbox_cond.notify_all()
            writer.join(timeout)
            self._writer = None

    def idle(self) -> bool:
        """True when every submitted item is processed, no call runs, nothing is pending."""
        with self._pending_lock:
            pending = self._pending
        with self._outbox_cond:
            unsaved = len(self._outbox)
        return pending == 0 and unsaved == 0 and not any(
            b.in_call for b in self._booths.values()
        )

    # ------------------------------------------------------------ interface

    def submit(self, event: DriverEvent) -> None:
        """The drivers' event sink (thread-safe, never blocks)."""
        with self._pending_lock:
            self._pending += 1
            self._unprocessed.append(event.at)
        self._queue.put(event)

    def subscribe(self, callback: Callable[[EngineNews], None]) -> Callable[[], None]:
        """Call ``callback`` with every news item: snapshots from the engine thread,
        :class:`CallFinished` from the call writer once the call is saved. It must be
        thread-safe and must not block. Returns a function that unsubscribes."""
        with self._sub_lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._sub_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def snapshots(self) -> list[BoothSnapshot]:
        """The latest published snapshot of every booth, in display order."""
        with self._sub_lock:
            found = list(self._latest.values())
        return sorted(found, key=lambda s: (s.position, s.booth))

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot:
        return self._in_loop(lambda: self._command(booth, lambda m: m.lock(hang_up, self._mono())))

    def unlock(self, booth: str) -> BoothSnapshot:
        return self._in_loop(lambda: self._command(booth, lambda m: m.unlock()))

    def hang_up(self, booth: str) -> BoothSnapshot:
        return self._in_loop(
            lambda: self._command(booth, lambda m: m.hang_up(self._mono(), HangupReason.CASHIER))
        )

    def sync_deposit(self, booth: str) -> BoothSnapshot:
        """Re-read ``booth``'s deposit from the database (after the till took, topped
        up or settled it); a running call's limit follows the new credit."""

        def run() -> BoothSnapshot:
            if booth not in self._booths:
                raise NotFound(f"no booth named {booth!r}")
            unsaved = self._unsaved_ends()
            credit = self._store.deposits().get(booth)
            return self._command(
                booth, lambda m: m.sync_deposit(credit, booth in unsaved)
            )

        return self._in_loop(run)

    def refresh(self) -> list[BoothSnapshot]:
        """Re-read booths, settings and unpaid counts (after a payment, a settings change)."""

        def run() -> list[BoothSnapshot]:
            self._refresh()
            return self.snapshots()

        return self._in_loop(run)

    # --------------------------------------------------- synchronous steps

    def process(self, event: DriverEvent) -> None:
        """Handle one driver event now, on the caller's thread (tests, engine loop)."""
        machine = self._booths.get(event.booth)
        if machine is None:
            log.warning("event for unknown booth %r ignored: %r", event.booth, event)
            return
        had_call = machine.in_call
        effects = machine.on_event(
            event, self._tariff(), self._rules, self.clock.now(), self._mono()
        )
        self._carry_out(effects)
        if machine.in_call and not had_call:
            self._heartbeat()
        self._publish(machine.name)
        self._flush_inline()

    def tick(self) -> None:
        """Timers: limits, heartbeat, meter updates, outbox retries, periodic refresh."""
        mono = self._mono()
        now = self.clock.now()
        self._flush_inline()  # retries what could not be saved (synchronous use)
        for machine in self._booths.values():
            effects = machine.tick(now, mono)
            if effects:
                self._carry_out(effects)
                self._publish(machine.name)
        if any(b.in_call for b in self._booths.values()) and (
            self._last_heartbeat is None or mono - self._last_heartbeat >= self._heartbeat_s
        ):
            self._heartbeat()
        if mono - self._last_meter >= self._meter_every_s:
            self._last_meter = mono
            for machine in self._booths.values():
                if machine.talking:
                    self._publish(machine.name)
        if mono - self._last_refresh >= self._refresh_every_s:
            self._refresh()

    # -------------------------------------------------------------- inside

    def _mono(self) -> float:
        return self.clock.monotonic()

    def _in_loop(self, run: Callable[[], T]) -> T:
        """Run ``run`` on the engine thread (inline when the thread is not running)."""
        if self._thread is None or threading.current_thread() is self._thread:
            return run()
        future: Future[object] = Future()
        with self._pending_lock:
            self._pending += 1
        self._queue.put(_Job(run, future))
        result = future.result(timeout=30)
        return result  # type: ignore[return-value]

    def _command(
        self, booth: str, action: Callable[[BoothMachine], list[Effect]]
    ) -> BoothSnapshot:
        machine = self._booths.get(booth)
        if machine is None:
            raise NotFound(f"no booth named {booth!r}")
        self._carry_out(action(machine))
        snapshot = self._publish(booth)
        self._flush_inline()
        return snapshot

    def _carry_out(self, effects: list[Effect]) -> None:
        """Driver commands go out at once; records join the ordered outbox."""
        for effect in effects:
            if isinstance(effect, SendCommand):
                try:
                    self.driver.send(effect.command)
                except Exception:  # a driver bug must not stop the engine
                    log.exception("driver refused %r", effect.command)
                continue
            if isinstance(effect, RecordEnd) and effect.answered:
                machine = self._booths.get(effect.booth)
                if machine is not None:
                    # Shown at once; the next refresh brings the count from the database.
                    machine.unpaid_calls += 1
            self._save(effect)
        self._flush_inline()

    def _save(self, item: Effect | _Beat) -> None:
        with self._outbox_cond:
            self._outbox.append(item)
            self._outbox_cond.notify()

    def _flush_inline(self) -> None:
        if self._writer is None:
            self._flush_outbox()

    def _flush_outbox(self) -> bool:
        """Save the outbox in order; False if an item failed (it stays first)."""
        while True:
            with self._outbox_cond:
                if not self._outbox:
                    return True
                item = self._outbox[0]
            try:
                self._persist(item)
            except CallShopError as exc:
                # Refused for good (e.g. a booth taken out of service meanwhile):
                # retrying cannot help and must not hold up every later record.
                log.error("could not save %r: %s", item, exc)
            except Exception:
                if isinstance(item, _Beat):
                    log.exception("heartbeat not saved")
                else:
                    log.exception("could not save %s; will retry", type(item).__name__)
                    return False
            with self._outbox_cond:
                self._outbox.popleft()

    def _write_loop(self) -> None:
        while True:
            with self._outbox_cond:
                while not self._outbox and not self._writer_stop:
                    self._outbox_cond.wait()
                if not self._outbox:
                    return
                stopping = self._writer_stop
            if not self._flush_outbox():
                if stopping:
                    log.error("stopping with %d unsaved record(s); calls still open are "
                              "finished as interrupted at the next start", len(self._outbox))
                    return
                with self._outbox_cond:
                    self._outbox_cond.wait(1.0)  # the database is busy or away: retry

    def _persist(self, effect: Effect | _Beat) -> None:
        if isinstance(effect, _Beat):
            self._recorder.heartbeat(effect.at)
            return
        if isinstance(effect, RecordStart):
            self._recorder.call_started(effect.start)
        elif isinstance(effect, RecordAnswer):
            self._recorder.call_answered(effect.call_ref, effect.at)
        elif isinstance(effect, RecordEnd):
            call_id = self._recorder.call_ended(
                effect.call_ref, effect.at, effect.reason, effect.side, effect.rating, effect.flags
            )
            self.calls_recorded += 1
            log.info("%s: call %s ended, %s%s (%s s, price %s)", effect.booth, effect.call_ref,
                     effect.reason.value, f": {effect.detail}" if effect.detail else "",
                     effect.rating.duration_s, effect.rating.price_minor)
            rating = effect.rating
            self._notify(
                CallFinished(
                    call_id=call_id,
                    booth=effect.booth,
                    call_ref=effect.call_ref,
                    answered=effect.answered,
                    duration_s=rating.duration_s,
                    price_minor=rating.price_minor,
                    reason=effect.reason.value,
                    flags=effect.flags,
                )
            )
        elif isinstance(effect, SaveLock):
            self._store.save_lock(effect.booth, effect.locked)

    def _heartbeat(self) -> None:
        self._last_heartbeat = self._mono()
        at = self.clock.now()
        with self._pending_lock:
            if self._unprocessed:
                at = min(at, self._unprocessed[0])
        watermark = getattr(self.driver, "watermark", None)
        if callable(watermark):  # drivers that stamp events before handing them over
            settled = watermark()
            if isinstance(settled, datetime):
                at = min(at, settled)
        # Saved in order after everything before it, so ends already in the outbox
        # are on disk first; only events not yet processed can bound it.
        self._save(_Beat(at))

    def _refresh(self) -> None:
        self._last_refresh = self._mono()
        # Taken before the read: a call saved meanwhile may or may not be in it.
        unsaved = self._unsaved_ends()
        try:
            configs = self._store.booths()
            self._rules = self._store.rules()
            unpaid = self._store.unpaid_counts()
            credits = self._store.deposits()
        except Exception:
            log.exception("could not re-read booths and settings")
            return
        for config in configs:
            machine = self._booths.get(config.name)
            if machine is None:
                self._booths[config.name] = BoothMachine(config, timer_scale=self._speed)
            else:
                machine.reconfigure(config)
        self._apply_unpaid(unpaid)
        self._apply_deposits(credits, unsaved)
        for name in self._booths:
            self._publish(name)

    def _unsaved_ends(self) -> frozenset[str]:
        """Booths with a finished call whose record is still waiting in the outbox."""
        with self._outbox_cond:
            return frozenset(e.booth for e in self._outbox if isinstance(e, RecordEnd))

    def _apply_deposits(self, credits: dict[str, DepositCredit], unsaved: frozenset[str]) -> None:
        for name, machine in self._booths.items():
            self._carry_out(machine.sync_deposit(credits.get(name), name in unsaved))

    def _apply_unpaid(self, unpaid: dict[str, int]) -> None:
        for name, machine in self._booths.items():
            self._carry_out(machine.set_unpaid(unpaid.get(name, 0)))

    def _publish(self, booth: str) -> BoothSnapshot:
        self._seq += 1
        snap = self._booths[booth].snapshot(self._mono(), self._seq)
        with self._sub_lock:
            self._latest[booth] = snap
        self._notify(snap)
        return snap

    def _notify(self, news: EngineNews) -> None:
        with self._sub_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(news)
            except Exception:
                log.exception("subscriber failed")

    def _wait_s(self) -> float:
        """Real seconds until the next timer is due (at most 0.25 s)."""
        mono = self._mono()
        due = [self._last_meter + self._meter_every_s, self._last_refresh + self._refresh_every_s]
        if any(b.in_call for b in self._booths.values()):
            due.append((self._last_heartbeat or mono) + self._heartbeat_s)
        due += [d for b in self._booths.values() if (d := b.next_deadline()) is not None]
        wait = (min(due) - mono) / self._speed
        return min(0.25, max(0.0, wait))

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self._wait_s())
            except queue.Empty:
                item = None
            try:
                if isinstance(item, _Stop):
                    self._drain()
                    return
                if item is not None:
                    self._handle(item)
                self.tick()
            except Exception:  # the engine must survive any single bad item
                log.exception("line engine step failed")

    def _handle(self, item: DriverEvent | _Job) -> None:
        try:
            if isinstance(item, _Job):
                try:
                    item.future.set_result(item.run())
                except BaseException as exc:  # handed to the caller's thread
                    item.future.set_exception(exc)
            else:
                self.process(item)
        finally:
            with self._pending_lock:
                self._pending -= 1
                if not isinstance(item, _Job) and self._unprocessed:
                    self._unprocessed.popleft()

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, _Stop):
                self._handle(item)
        self._flush_inline()

