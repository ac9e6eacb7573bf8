"""The line engine: one thread that owns every booth state machine.

Drivers hand events to :meth:`LineEngine.submit` from any thread; cashier commands
(:meth:`lock`, :meth:`hang_up`, ...) arrive from IPC threads. Both go through one
queue, so the booth machines are only ever touched by the engine thread. Each
effect a machine produces is carried out at once and in order: driver commands go
straight to the driver; call events join an ordered outbox that the call-writer
thread saves through the :class:`~callshop_pos.lines.recorder.CallRecorder` right
after the booth's new state is published (so a slow disk never delays a snapshot or
an admission): what waits at the head of the outbox goes in one transaction when the
recorder offers ``batch()`` (group commit), and is acknowledged only once committed.
A failure is classified (:mod:`callshop_pos.lines.faults`): a busy database is
retried in order; a record refused for good is set aside in full (``quarantine``, the
unrecorded calls) and the queue goes on; while the database cannot take writes, new
calls are refused and the records go to the spill journal
(:mod:`callshop_pos.lines.spill`) until it can. Nothing is dropped or reordered.
Without the thread (synchronous use) the outbox is written inline.

Subscribers receive a :class:`~callshop_pos.lines.snapshot.BoothSnapshot` whenever a
booth changes (and about every ``meter_every_s`` while it talks, for the running
price), a :class:`CallFinished` when a call has been recorded, and a
:class:`RecordingAlert` when records stop or start again reaching the database.

Tests drive the engine without its thread: :meth:`process` and :meth:`tick` run
one step on the caller's thread with a :class:`~callshop_pos.clock.FakeClock`.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Protocol, TypeVar

from callshop_pos.clock import Clock
from callshop_pos.errors import NotFound
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
from callshop_pos.lines.cards import (
    CardCheck,
    CardGrant,
    CardPort,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)
from callshop_pos.lines.dialplan import CardDial, mask_dialled, parse_card_dial
from callshop_pos.lines.faults import Fault, classify
from callshop_pos.lines.port import BoothDriver, Dialing, DriverEvent, HangupReason, RefuseCall
from callshop_pos.lines.recorder import BatchWriteError, CallRecorder
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.lines.spill import Beat, Record, SpillJournal, record_json
from callshop_pos.lines.tariff import Tariff

__all__ = [
    "BoothStore",
    "CallFinished",
    "EngineNews",
    "LineEngine",
    "Quarantine",
    "RecordingAlert",
    "SavedBooth",
    "persist_record",
    "replay_spill",
]

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


@dataclass(frozen=True, slots=True)
class RecordingAlert:
    """Whether call records reach the database, for the cashier's window.

    ``ok`` False: records cannot be written (``message`` says why); they are kept in
    the spill journal ``spilled_to`` (``unsaved`` of them) and new calls are refused
    until the database takes them again. ``set_aside`` counts the records of this run
    the database refused for good (unrecorded calls to resolve).
    """

    ok: bool
    message: str
    unsaved: int = 0
    spilled_to: str = ""
    set_aside: int = 0


EngineNews = BoothSnapshot | CallFinished | RecordingAlert

#: Sets a record the database refused for good aside: (booth, call_ref, kind, the
#: record as JSON, error) -> anything (the unrecorded-calls service).
Quarantine = Callable[[str, str, str, str, str], object]


@dataclass(frozen=True, slots=True)
class SavedBooth:
    """What the engine keeps of a booth across restarts (prepaid credit is not kept
    here: it is the till's money and lives in the database, see :meth:`BoothStore.deposits`)."""

    locked: bool
    #: wrong card PINs that count towards the booth's lock: within the window and since
    #: the booth was last unlocked (a restart must not hand a guesser a fresh count)
    wrong_pins: tuple[datetime, ...] = ()


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


_Beat = Beat
#: Most records the call writer commits in one transaction.
BATCH_MAX = 256


class _Step(Enum):
    DONE = "done"  # the record is dealt with: take it off the outbox
    AGAIN = "again"  # look at the same record again now (e.g. spilling started)
    RETRY = "retry"  # keep it first and retry later


class _Throttle:
    """Logs a repeated message at most once per ``every_s`` (with a count of the rest)."""

    def __init__(self, every_s: float = 30.0) -> None:
        self.every_s = every_s
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def log(self, level: int, key: str, msg: str, *args: object, exc_info: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.every_s:
                self._skipped[key] = self._skipped.get(key, 0) + 1
                return
            skipped = self._skipped.pop(key, 0)
            self._last[key] = now
        if skipped:
            msg += f" ({skipped} more like this in the last {self.every_s:.0f} s)"
        log.log(level, msg, *args, exc_info=exc_info)


def persist_record(
    record: Record,
    recorder: CallRecorder,
    save_lock: Callable[[str, bool], None],
    cards: CardPort | None = None,
) -> int | None:
    """Write one record through the ports; returns the call id of a recorded end."""
    if isinstance(record, (CardCheck, CardStart, CardSettle)):
        if cards is None:
            raise RuntimeError("a calling-card record to write, but no card store")
        if isinstance(record, CardCheck):
            cards.record_check(record)
        elif isinstance(record, CardStart):
            cards.start_call(record)
        else:
            cards.settle(record)
    elif isinstance(record, Beat):
        recorder.heartbeat(record.at)
    elif isinstance(record, RecordStart):
        recorder.call_started(record.start)
    elif isinstance(record, RecordAnswer):
        recorder.call_answered(record.call_ref, record.at)
    elif isinstance(record, RecordEnd):
        return recorder.call_ended(
            record.call_ref, record.at, record.reason, record.side, record.rating, record.flags
        )
    elif isinstance(record, SaveLock):
        save_lock(record.booth, record.locked)
    return None


def _aside(quarantine: Quarantine | None, record: Record, error: BaseException) -> bool:
    """Set ``record`` aside; False when that failed for a reason worth retrying."""
    data = record_json(record)
    text = json.dumps(data, sort_keys=True)
    why = f"{type(error).__name__}: {error}"
    if quarantine is None or isinstance(record, (Beat, SaveLock)):
        log.error("%s refused for good and dropped (%s): %s", data["kind"], why, text)
        return True
    try:
        quarantine(str(data["booth"]), str(data["call_ref"]), str(data["kind"]), text, why)
    except Exception as exc:
        if classify(exc) in (Fault.BUSY, Fault.STORAGE):
            return False
        log.exception("could not set aside the refused record %s (%s)", text, why)
        return True
    log.error(
        "%s of call %s (booth %s) refused by the database for good (%s): set aside "
        "as an unrecorded call to resolve",
        data["kind"],
        data["call_ref"],
        data["booth"],
        why,
    )
    return True


def replay_spill(
    spill: SpillJournal,
    write: Callable[[Record], object],
    quarantine: Quarantine | None,
    start: int = 0,
) -> tuple[int, BaseException | None]:
    """Write the spilled records from the ``start``-th on, in order; clears the journal
    when all are in. Returns (records done, the failure that stopped it or None)."""
    records = spill.entries()
    done = start
    for record in records[start:]:
        try:
            write(record)
        except Exception as exc:
            fault = classify(exc)
            if fault in (Fault.BUSY, Fault.STORAGE) or not _aside(quarantine, record, exc):
                return done, exc
        done += 1
    if len(spill.entries()) == done:  # nothing appended meanwhile
        spill.clear()
    return done, None


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
        quarantine: Quarantine | None = None,
        spill: SpillJournal | None = None,
        spill_after_failures: int = 3,
        retry_every_s: float = 1.0,
        storage_check: Callable[[], None] | None = None,
        cards: CardPort | None = None,
    ) -> None:
        self.clock = clock
        self._cards = cards
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
        self._outbox: deque[Record] = deque()
        self._quarantine = quarantine
        self._storage_check = storage_check
        self._spill = spill
        self._spill_after = max(1, spill_after_failures)
        self._retry_every_s = retry_every_s
        # Writer state (the writer thread's, or the caller's in synchronous use):
        # spilling = records go to the spill journal, new calls are refused.
        self._spilling = spill is not None and spill.count > 0
        self._replayed = 0  # spilled records already written back in this pass
        self._failures = 0  # failed attempts at the outbox's first record
        self._single_left = 0  # records to write one at a time (a batch of them failed)
        self._batch_cap = BATCH_MAX  # most records in the next batch
        self._next_try = 0.0  # engine-clock time of the next attempt after a failure
        self._spilled_ends: set[str] = set()  # booths with an end in the journal
        self._set_aside = 0
        self._throttle = _Throttle()
        self._alert = RecordingAlert(True, "calls are recorded")
        if self._spilling:
            assert spill is not None
            self._alert = RecordingAlert(
                False,
                "call records of an earlier run wait in the spill journal",
                spill.count,
                spill.where,
            )
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
                machine.restore(state.locked, state.wrong_pins)
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
            # A write may be waiting for a busy database (SQLite waits up to 15 s):
            # give the writer time to finish it and spill the rest.
            writer.join(max(timeout, 30.0))
            self._writer = None

    def idle(self) -> bool:
        """True when every submitted item is processed, no call runs, nothing is pending."""
        with self._pending_lock:
            pending = self._pending
        with self._outbox_cond:
            unsaved = len(self._outbox) + (1 if self._spilling else 0)
        return pending == 0 and unsaved == 0 and not any(b.in_call for b in self._booths.values())

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
            return self._command(booth, lambda m: m.sync_deposit(credit, booth in unsaved))

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
            shown = (
                replace(event, number=mask_dialled(event.number, self._rules.card_access_code))
                if isinstance(event, Dialing)
                else event
            )
            log.warning("event for unknown booth %r ignored: %r", event.booth, shown)
            return
        had_call = machine.in_call
        rules = self._rules if not self._spilling else replace(self._rules, recording_ok=False)
        machine.access_code = rules.card_access_code
        dial = (
            parse_card_dial(event.number, rules.card_access_code)
            if isinstance(event, Dialing)
            else None
        )
        if dial is not None:
            assert isinstance(event, Dialing)
            effects = self._card_dialing(machine, event, dial, rules)
        else:
            effects = machine.on_event(event, self._tariff(), rules, self.clock.now(), self._mono())
        self._carry_out(effects)
        if machine.in_call and not had_call:
            self._heartbeat()
        self._publish(machine.name)
        self._flush_inline()

    def _card_dialing(
        self, machine: BoothMachine, event: Dialing, dial: CardDial, rules: AdmissionRules
    ) -> list[Effect]:
        """A card call: the card is checked (and claimed) only when the booth could place
        the call at all and the dialled string is well formed; every attempt is logged
        with the PIN masked."""
        now = self.clock.now()
        outcome: CardGrant | CardRefusal | None = None
        checked = False  # the card port decided (not: not asked, or failed)
        # A malformed PIN is checked too: the card store logs it as a wrong PIN.
        if (dial.ok or dial.bad_pin) and machine.card_check_refusal(rules) is None:
            if self._cards is None:
                outcome = CardRefusal(Refused.UNAVAILABLE, "calling cards are not served")
            else:
                try:
                    outcome = self._cards.authorize(dial.pin, machine.name, event.call_ref, now)
                    checked = True
                except Exception as exc:  # the database away: refuse, never guess
                    self._throttle.log(
                        logging.ERROR, "card", "calling card could not be checked: %s", exc
                    )
                    outcome = CardRefusal(Refused.UNAVAILABLE, "the card cannot be checked now")
        extra: list[Effect] = []
        if isinstance(outcome, CardGrant) and self._settle_pending(outcome.card_id):
            # The card's last call is not debited yet (its records wait in the outbox):
            # the balance read now is stale. Refuse, and free the claim after that debit.
            extra = [CardSettle(machine.name, event.call_ref, outcome.card_id, 0, now)]
            outcome = CardRefusal(
                Refused.IN_USE,
                "the card's last call is still being saved",
                outcome.serial,
                outcome.card_id,
            )
        if outcome is not None and checked:
            # The check is decided; its attempt row and the card's claim are written
            # through the ordered outbox (before the call's CardStart), not on the
            # booth's critical path.
            self._save(
                CardCheck(
                    machine.name,
                    event.call_ref,
                    now,
                    "ok" if isinstance(outcome, CardGrant) else outcome.reason.value,
                    outcome.card_id,
                )
            )
        effects = machine.card_dial(event, dial, outcome, self._tariff(), rules, now) + extra
        admitted = machine.call_ref == event.call_ref
        if isinstance(outcome, CardGrant):
            result = "granted" if admitted else "granted, call refused"
            serial: str | None = outcome.serial
        elif isinstance(outcome, CardRefusal):
            result, serial = f"refused ({outcome.reason.value})", outcome.serial
        else:
            result, serial = "not checked", None
        refused = next(
            (
                e.command.detail
                for e in effects
                if isinstance(e, SendCommand) and isinstance(e.command, RefuseCall)
            ),
            "",
        )
        log.info(
            "%s: card call %s: %s%s%s%s",
            machine.name,
            dial.masked,
            result,
            f", card {serial}" if serial else "",
            f": {refused}" if refused else "",
            f"; booth locked ({machine.lock_reason})"
            if machine.lock_reason and machine.locked
            else "",
        )
        return effects

    def _settle_pending(self, card_id: int) -> bool:
        """Whether a debit of card ``card_id`` still waits in the outbox."""
        with self._outbox_cond:
            return any(isinstance(r, CardSettle) and r.card_id == card_id for r in self._outbox)

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

    def _command(self, booth: str, action: Callable[[BoothMachine], list[Effect]]) -> BoothSnapshot:
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
            if isinstance(effect, RecordEnd) and effect.answered and effect.card_id is None:
                machine = self._booths.get(effect.booth)
                if machine is not None:
                    # Shown at once; the next refresh brings the count from the database.
                    machine.unpaid_calls += 1
            self._save(effect)
        self._flush_inline()

    def _save(self, item: Record) -> None:
        with self._outbox_cond:
            self._outbox.append(item)
            self._outbox_cond.notify()

    def _flush_inline(self) -> None:
        if self._writer is None:
            self._flush_outbox()

    # -------------------------------------------------------- the writer

    def recording_alert(self) -> RecordingAlert:
        """Whether call records reach the database now (see :class:`RecordingAlert`)."""
        return self._alert

    def unsaved(self) -> int:
        """Records not in the database: waiting in memory or in the spill journal."""
        with self._outbox_cond:
            waiting = len(self._outbox)
        return waiting + (self._spill.count - self._replayed if self._spill is not None else 0)

    def _flush_outbox(self) -> bool:
        """Save the outbox in order; False if a record must wait (it stays first)."""
        if self._spilling and self._mono() >= self._next_try and not self._leave_spill():
            self._next_try = self._mono() + self._retry_every_s
        while True:
            with self._outbox_cond:
                if not self._outbox:
                    return True
                item = self._outbox[0]
            if self._spilling:
                step = self._spill_one(item)
            elif self._mono() < self._next_try:
                return False  # the last attempt failed: wait before the next one
            elif not self._single_left and self._write_batch() is not None:
                continue  # written, or to be written again in smaller pieces
            else:
                try:
                    self._persist(item)
                    step = _Step.DONE
                except Exception as exc:
                    step = self._failed(item, exc)
                if step is _Step.DONE and self._single_left:
                    self._single_left -= 1
            if step is _Step.RETRY:
                self._next_try = self._mono() + self._retry_every_s
                return False
            if step is _Step.DONE:
                self._failures = 0
                with self._outbox_cond:
                    self._outbox.popleft()

    def _write_batch(self) -> bool | None:
        """Write the records at the head of the outbox in one transaction (group commit):
        True when done (they are off the outbox and acknowledged), None when there is
        no batch to write (fewer than two records — one for a recorder with
        ``write_batch`` — or a recorder without batches). On a
        failure (False) the records before the bad one go again together next, then it
        alone through :meth:`_failed`; when the database is busy or away they go one
        at a time (retried, or spilled)."""
        write_many = getattr(self._recorder, "write_batch", None)
        batch_of = getattr(self._recorder, "batch", None)
        if write_many is None and batch_of is None:
            return None
        cap, self._batch_cap = self._batch_cap, BATCH_MAX
        if cap == 0:  # the first record broke the last batch: alone, through _failed
            self._single_left = 1
            return None
        with self._outbox_cond:
            batch: list[Record] = []
            for item in self._outbox:
                # A lock is saved by the booths service in its own transaction, a card
                # debit by the card store in its own.
                if (
                    isinstance(item, (SaveLock, CardCheck, CardStart, CardSettle))
                    or len(batch) >= cap
                ):
                    break
                batch.append(item)
        # A recorder writing batches elsewhere (its own process) takes single records
        # too; one written here in place of a batch only pays a transaction per record.
        if len(batch) < (1 if write_many is not None else 2):
            return None
        ids: list[int | None] = []
        try:
            try:
                if write_many is not None:
                    ids = list(write_many(batch))
                else:
                    assert batch_of is not None
                    with batch_of():
                        for item in batch:
                            ids.append(
                                persist_record(
                                    item, self._recorder, self._store.save_lock, self._cards
                                )
                            )
            except BatchWriteError as failed:
                ids = [None] * failed.done  # went through before the bad one
                raise failed.cause from failed
            if self._storage_check is not None:
                self._storage_check()
        except Exception as exc:
            if classify(exc) in (Fault.REFUSED, Fault.UNKNOWN) and len(ids) < len(batch):
                # The records before the bad one go again together, then it alone.
                self._batch_cap = len(ids)
            else:  # the database is busy or away: one at a time, retried or spilled
                self._single_left = len(batch)
            log.debug("batch of %d records failed at record %d (%s)", len(batch), len(ids) + 1, exc)
            return False
        with self._outbox_cond:
            for _ in batch:
                self._outbox.popleft()
        self._failures = 0
        for item, call_id in zip(batch, ids, strict=True):
            self._acknowledge(item, call_id)
        return True

    def _failed(self, item: Record, exc: Exception) -> _Step:
        fault = classify(exc)
        self._failures += 1
        # An unexplained failure is retried for ever unless it can be set aside.
        given_up = (
            fault is Fault.UNKNOWN
            and self._failures >= self._spill_after
            and self._quarantine is not None
        )
        if fault is Fault.REFUSED or given_up:
            if _aside(self._quarantine, item, exc):
                if not isinstance(item, (Beat, SaveLock)):
                    self._set_aside += 1
                    self._publish_alert(
                        RecordingAlert(
                            not self._spilling,
                            f"a call of {getattr(item, 'booth', '?')} could not be recorded: "
                            "see the unrecorded calls",
                            self.unsaved(),
                            "",
                            self._set_aside,
                        )
                    )
                return _Step.DONE
            fault = Fault.STORAGE  # could not even set it aside: the database is away
        if isinstance(item, Beat) and fault is not Fault.STORAGE:
            self._throttle.log(logging.WARNING, "beat", "heartbeat not saved: %s", exc)
            return _Step.DONE
        if fault is Fault.STORAGE or self._failures >= self._spill_after:
            if self._spill is not None:
                self._enter_spill(exc)
                return _Step.AGAIN
            self._throttle.log(
                logging.ERROR,
                "down",
                "call records cannot be saved (%s); %d waiting in memory",
                exc,
                self.unsaved(),
            )
            self._publish_alert(
                RecordingAlert(
                    False,
                    f"call records cannot be saved: {exc}",
                    self.unsaved(),
                    "",
                    self._set_aside,
                )
            )
            return _Step.RETRY
        self._throttle.log(
            logging.WARNING, "busy", "could not save %s (%s); will retry", type(item).__name__, exc
        )
        return _Step.RETRY

    def _enter_spill(self, exc: BaseException) -> None:
        assert self._spill is not None
        self._spilling = True
        self._next_try = self._mono() + self._retry_every_s
        self._throttle.log(
            logging.ERROR,
            "spill",
            "call records cannot be written to the "
            "database (%s): new calls are refused; records go to %s until it "
            "takes them again",
            exc,
            self._spill.where,
        )
        self._publish_alert(
            RecordingAlert(
                False,
                f"call records cannot be written to the database ({exc}); new calls are "
                "refused until it takes them again",
                self.unsaved(),
                self._spill.where,
                self._set_aside,
            )
        )

    def _spill_one(self, item: Record) -> _Step:
        spill = self._spill
        if spill is None or not spill.append(item):
            self._throttle.log(
                logging.CRITICAL,
                "nowhere",
                "call records can be kept neither "
                "in the database nor in a spill journal; %d in memory only",
                self.unsaved(),
            )
            return _Step.RETRY
        if isinstance(item, RecordEnd):
            self._spilled_ends.add(item.booth)
        return _Step.DONE

    def _leave_spill(self) -> bool:
        """Write the spill journal back; True (and spilling ends) when all is in."""
        spill = self._spill
        assert spill is not None
        done, exc = replay_spill(spill, self._persist, self._quarantine, self._replayed)
        self._replayed = done
        if exc is not None:
            self._throttle.log(
                logging.ERROR,
                "still",
                "the database still cannot take call records (%s); %d kept in %s",
                exc,
                self.unsaved(),
                spill.where,
            )
            return False
        if spill.count:  # records were appended while replaying: next time
            return False
        log.warning(
            "the database takes call records again: %d spilled record(s) written; "
            "new calls are admitted",
            done,
        )
        self._spilling = False
        self._replayed = 0
        self._failures = 0
        self._spilled_ends.clear()
        self._publish_alert(
            RecordingAlert(True, "calls are recorded again", 0, "", self._set_aside)
        )
        return True

    def _publish_alert(self, alert: RecordingAlert) -> None:
        self._alert = alert
        self._notify(alert)

    def _write_loop(self) -> None:
        while True:
            with self._outbox_cond:
                while not self._outbox and not self._writer_stop and not self._spilling:
                    self._outbox_cond.wait()
                stopping = self._writer_stop
                if not self._outbox and stopping and not self._spilling:
                    return
            if self._flush_outbox() and not self._spilling:
                continue
            if stopping:
                if self._spill is not None and not self._spilling and self._outbox:
                    self._enter_spill(
                        RuntimeError("the engine stops and they are still not written")
                    )
                    self._flush_outbox()
                left = self.unsaved()
                if left:
                    log.error(
                        "stopping with %d call record(s) not in the database%s; calls "
                        "still open are finished as interrupted at the next start",
                        left,
                        f" (kept in {self._spill.where}, replayed at the next start)"
                        if self._spill is not None and not self._outbox
                        else "",
                    )
                return
            # The database is busy or away: sleep until the next attempt is due.
            wait = max(0.05, (self._next_try - self._mono()) / self._speed)
            with self._outbox_cond:
                if not self._writer_stop:
                    self._outbox_cond.wait(min(wait, self._retry_every_s))

    def _persist(self, effect: Record) -> None:
        call_id = persist_record(effect, self._recorder, self._store.save_lock, self._cards)
        if self._storage_check is not None:
            # A database file removed or replaced under the engine still takes writes
            # (SQLite writes to the old file): count them as not saved.
            self._storage_check()
        self._acknowledge(effect, call_id)

    def _acknowledge(self, effect: Record, call_id: int | None) -> None:
        """Tell the subscribers about a record that is in the database now."""
        if isinstance(effect, RecordEnd):
            assert call_id is not None
            self.calls_recorded += 1
            log.info(
                "%s: call %s ended, %s%s (%s s, price %s)",
                effect.booth,
                effect.call_ref,
                effect.reason.value,
                f": {effect.detail}" if effect.detail else "",
                effect.rating.duration_s,
                effect.rating.price_minor,
            )
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
        except Exception as exc:
            self._throttle.log(
                logging.ERROR, "refresh", "could not re-read booths and settings: %s", exc
            )
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
            waiting = {e.booth for e in self._outbox if isinstance(e, RecordEnd)}
        return frozenset(waiting | self._spilled_ends)

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
