"""One booth's state machine: pure, no I/O, no threads, no clock of its own.

Every input (a driver event, a cashier command, a timer tick) comes with the
engine clock's ``now`` (UTC) and ``mono`` (monotonic seconds); every output is a
list of :data:`Effect` values the engine carries out in order (driver commands,
call records, saved booth state). So the whole behaviour is testable on a
:class:`~callshop_pos.clock.FakeClock` without a driver or a database.

States (see :class:`~callshop_pos.lines.snapshot.BoothState`): ``offline`` (no
line), ``idle``, ``off_hook`` (handset up, digits), ``dialing`` (number complete,
admission decided), ``ringing``, ``talking`` (metered from the answer), ``locked``
(idle but new calls refused). A lock taken during a call lets the call finish
unless a hang-up is asked for; the booth shows ``locked`` once it is idle.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from callshop_pos.errors import CallShopError
from callshop_pos.lines.cards import (
    WRONG_PIN_LIMIT,
    WRONG_PIN_WINDOW_S,
    CardGrant,
    CardRefusal,
    CardSettle,
    CardStart,
    Refused,
)
from callshop_pos.lines.dialplan import DEFAULT_ACCESS_CODE, CardDial, mask_dialled
from callshop_pos.lines.port import (
    AdmitCall,
    AllowCalls,
    Answered,
    DenyCalls,
    Dialing,
    Digit,
    DriverCommand,
    DriverEvent,
    HangUpNow,
    HangupReason,
    HangupSide,
    HungUp,
    LimitCall,
    OffHook,
    Offline,
    RefuseCall,
    Registered,
    Ringing,
)
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
from callshop_pos.lines.tariff import Destination, Tariff

__all__ = [
    "FORCED_END_AFTER_S",
    "LIMIT_BACKSTOP_S",
    "MAX_CALL_S",
    "MAX_NUMBER_CHARS",
    "MAX_NUMBER_DIGITS",
    "AdmissionRules",
    "BoothConfig",
    "BoothMachine",
    "DepositCredit",
    "Effect",
    "RecordAnswer",
    "RecordEnd",
    "RecordStart",
    "SaveLock",
    "SendCommand",
    "whole_seconds",
]

log = logging.getLogger(__name__)

#: The driver is expected to cut a limited call itself; the engine sends HangUpNow
#: when the call is still running this long after its limit.
LIMIT_BACKSTOP_S = 1.0
#: When a hang-up asked of the driver has no effect for this long, the engine ends
#: the call on its own (flag ``forced_end``) so the booth does not stay stuck.
FORCED_END_AFTER_S = 5.0
#: The longest call the engine bills (a booth's own maximum duration is usually far
#: lower): a driver clock that jumps, or a recovered call, is never billed beyond it.
MAX_CALL_S = 86_400
#: A dialled number longer than this (characters as dialled, or digits) is refused at
#: admission: E.164 numbers have at most 15 digits plus access and carrier prefixes,
#: and the call record keeps at most 64 characters dialled and 32 digits normalised.
MAX_NUMBER_CHARS = 64
MAX_NUMBER_DIGITS = 32


def whole_seconds(delta: timedelta) -> int:
    """Duration rounded half-up to whole seconds (negative durations count as 0)."""
    micros = delta // timedelta(microseconds=1)
    return max(0, (micros + 500_000) // 1_000_000)


@dataclass(frozen=True, slots=True)
class BoothConfig:
    """The engine's view of a booth's settings (from the booths service)."""

    name: str
    position: int = 0
    driver: str = "simulator"
    billing: BillingMode = BillingMode.POSTPAID
    default_deposit_minor: int | None = None
    cost_cap_minor: int | None = None  # postpaid: most one call may cost
    max_duration_s: int | None = None  # any booth: longest call
    auto_lock: bool = False  # lock once all of the booth's calls are paid
    locked: bool = False


@dataclass(frozen=True, slots=True)
class AdmissionRules:
    """Shop settings consulted at dial time."""

    blocked_prefixes: tuple[str, ...] = ()
    allow_unrated_calls: bool = False
    #: False while call records cannot be written (the engine sets it): new calls
    #: are refused, calls in progress go on.
    recording_ok: bool = True
    #: What a booth dials before a calling card's PIN (see lines/dialplan.py).
    card_access_code: str = DEFAULT_ACCESS_CODE


# ---------------------------------------------------------------- effects


@dataclass(frozen=True, slots=True)
class SendCommand:
    command: DriverCommand


@dataclass(frozen=True, slots=True)
class RecordStart:
    start: CallStart


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    call_ref: str
    at: datetime
    booth: str = ""


@dataclass(frozen=True, slots=True)
class RecordEnd:
    booth: str
    call_ref: str
    at: datetime
    reason: HangupReason
    side: HangupSide
    rating: FinishedCallRating
    flags: tuple[str, ...] = ()
    answered: bool = False
    detail: str = ""  # why, in words (refusal reason, SIP status ...), for the log
    card_id: int | None = None  # a calling card pays this call (never the till)


@dataclass(frozen=True, slots=True)
class SaveLock:
    booth: str
    locked: bool


Effect = SendCommand | RecordStart | RecordAnswer | RecordEnd | SaveLock | CardStart | CardSettle


@dataclass(frozen=True, slots=True)
class DepositCredit:
    """A prepaid booth's open deposit as the till's database has it (the deposits
    service): the amount taken and the prices of the calls recorded against it."""

    deposit_id: int
    deposit_minor: int
    spent_minor: int


@dataclass(slots=True)
class _Call:
    call_ref: str
    number: str
    destination: Destination
    tariff: Tariff
    setup_at: datetime
    ringing: bool = False
    answered_at: datetime | None = None
    answered_mono: float | None = None
    limit_s: int | None = None
    limit_reason: HangupReason = HangupReason.TIME_LIMIT
    flags: list[str] = field(default_factory=list)
    cut_asked_mono: float | None = None  # when the engine asked the driver to hang up
    cut_reason: HangupReason = HangupReason.CASHIER
    card: CardGrant | None = None  # the calling card paying for it


class BoothMachine:
    """State of one booth line; see the module docstring."""

    def __init__(self, config: BoothConfig, *, timer_scale: float = 1.0) -> None:
        self.config = config
        # Backstop timers are meant in real seconds; an engine clock running ``speed``
        # times faster (simulator --speed) stretches them so a loaded machine cannot
        # make the backstop overtake the driver's own, exactly stamped, cut.
        self._backstop_s = LIMIT_BACKSTOP_S * max(1.0, timer_scale)
        self._forced_end_s = FORCED_END_AFTER_S * max(1.0, timer_scale)
        self.locked = config.locked
        self.online = False
        self.driver_status = "offline"
        self.off_hook = False
        self.digits = ""
        # The prepaid credit comes from the database (sync_deposit); spent_minor also
        # counts calls finished here whose record may not be saved yet.
        self.deposit_id: int | None = None
        self.deposit_minor: int | None = None
        self.spent_minor = 0
        self.unpaid_calls = 0
        self._call: _Call | None = None
        # Calling cards: the access code (to hide a PIN being dialled), why the booth
        # was locked by the engine, and when recent wrong PINs were dialled here.
        self.access_code = DEFAULT_ACCESS_CODE
        self.lock_reason: str | None = None
        self._wrong_pins: deque[datetime] = deque()

    # ------------------------------------------------------------ queries

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def in_call(self) -> bool:
        return self._call is not None

    @property
    def talking(self) -> bool:
        return self._call is not None and self._call.answered_at is not None

    @property
    def call_ref(self) -> str | None:
        return None if self._call is None else self._call.call_ref

    @property
    def state(self) -> BoothState:
        call = self._call
        if call is not None:
            if call.answered_at is not None:
                return BoothState.TALKING
            return BoothState.RINGING if call.ringing else BoothState.DIALING
        if not self.online:
            return BoothState.OFFLINE
        if self.locked:
            return BoothState.LOCKED
        return BoothState.OFF_HOOK if self.off_hook else BoothState.IDLE

    def meter(self, mono: float) -> tuple[float, int, FinishedCallRating | None]:
        """Talk seconds so far, those seconds rounded half-up, and their rating."""
        call = self._call
        if call is None or call.answered_at is None or call.answered_mono is None:
            return 0.0, 0, None
        elapsed = max(0.0, mono - call.answered_mono)
        seconds = int(elapsed + 0.5)
        try:
            return elapsed, seconds, _rate(call, seconds)
        except Exception:  # shown unpriced; the end is recorded unrated (see _finish)
            return elapsed, seconds, None

    def credit_left(self, running_minor: int) -> int | None:
        if self.deposit_minor is None:
            return None
        return self.deposit_minor - self.spent_minor - running_minor

    def snapshot(self, mono: float, seq: int) -> BoothSnapshot:
        call = self._call
        elapsed, _seconds, rating = self.meter(mono)
        running = rating.price_minor if rating is not None else None
        rate_text = None
        if call is not None and call.answered_at is not None and call.destination.priced:
            rate_text = call.tariff.rate_per_minute(call.destination, call.answered_at)
        if call is not None:
            number: str | None = call.number
        else:  # digits still being dialled: a card's PIN among them is hidden
            number = mask_dialled(self.digits, self.access_code) if self.digits else None
        card = call.card if call is not None else None
        return BoothSnapshot(
            booth=self.name,
            position=self.config.position,
            state=self.state,
            locked=self.locked,
            driver=self.config.driver,
            driver_status=self.driver_status,
            billing=self.config.billing,
            number=number,
            destination=call.destination.name if call is not None else None,
            answered_monotonic=call.answered_mono if call is not None else None,
            elapsed_s=round(elapsed, 3),
            price_minor=running if call is not None and call.answered_at is not None else None,
            rate_per_minute=rate_text,
            credit_left_minor=self.credit_left(0 if card is not None else running or 0),
            deposit_minor=self.deposit_minor,
            unpaid_calls=self.unpaid_calls,
            seq=seq,
            card=card is not None,
            card_serial=card.serial if card is not None else None,
            card_left_minor=card.balance_minor - (running or 0) if card is not None else None,
            lock_reason=self.lock_reason if self.locked else None,
        )

    # ------------------------------------------------------- driver events

    def on_event(
        self,
        event: DriverEvent,
        tariff: Tariff,
        rules: AdmissionRules,
        now: datetime,
        mono: float,
    ) -> list[Effect]:
        """Apply one driver event; ``tariff`` is the price list in force now."""
        match event:
            case Registered():
                self.online = True
                self.driver_status = "registered"
                return [SendCommand(self._lock_command())]
            case Offline():
                # A call in progress is left to the driver: only it knows whether the
                # call really dropped (it then sends HungUp) or just the registration
                # lapsed while the call goes on (SIP). Limits and hang-up still apply.
                self.online = False
                self.driver_status = "offline"
                self.off_hook = False
                self.digits = ""
                return []
            case OffHook():
                self.online = True
                self.off_hook = True
                self.digits = ""
                return []
            case Digit():
                self.off_hook = True
                self.digits += event.digit
                return []
            case Dialing():
                self.online = True
                return self._dial(event, tariff, rules)
            case Ringing():
                if self._matches(event.call_ref):
                    assert self._call is not None
                    self._call.ringing = True
                return []
            case Answered():
                return self._answer(event, now, mono)
            case HungUp():
                return self._hung_up(event)
        return []  # pragma: no cover - DriverEvent is exhaustive

    def _matches(self, call_ref: str | None) -> bool:
        call = self._call
        return call is not None and (call_ref is None or call_ref == call.call_ref)

    def _lock_command(self) -> DriverCommand:
        return DenyCalls(self.name) if self.locked else AllowCalls(self.name)

    def _dial(self, event: Dialing, tariff: Tariff, rules: AdmissionRules) -> list[Effect]:
        number = event.number
        digits = sum(1 for c in number if c.isdigit())
        if len(number) > MAX_NUMBER_CHARS or digits > MAX_NUMBER_DIGITS:
            # Refused before the price list sees it; the attempt is kept (cut to fit).
            cut = number[:MAX_NUMBER_CHARS]
            unrateable = Destination(cut, None, None, None, False)
            start = CallStart(self.name, event.call_ref, cut, event.at)
            return _refused(
                start,
                unrateable,
                tariff,
                f"number too long ({len(number)} characters, {digits} digits)",
            )
        destination = tariff.look_up(number)
        start = CallStart(self.name, event.call_ref, number, event.at)
        if self._call is not None:
            # A second call while one runs is a driver anomaly: keep a trace, refuse it.
            return _refused(start, destination, tariff, "booth already in a call")
        self.off_hook = True
        self.digits = ""
        refusal, limit, reason = self._admission(destination, tariff, rules, event.at)
        if refusal is not None:
            return _refused(start, destination, tariff, refusal, reason)
        call = _Call(event.call_ref, event.number, destination, tariff, event.at)
        call.limit_s, call.limit_reason = limit, reason
        if not destination.priced:
            call.flags.append("unrated")
        self._call = call
        admit = (
            AdmitCall(self.name, event.call_ref)
            if limit is None
            else AdmitCall(self.name, event.call_ref, limit, reason)
        )
        return [RecordStart(start), SendCommand(admit)]

    # ------------------------------------------------------- calling cards

    def card_check_refusal(self, rules: AdmissionRules) -> str | None:
        """Why a card call dialled now is refused before its card is even checked
        (so a locked or busy booth never claims a card); None when it may be checked."""
        if self._call is not None:
            return "booth already in a call"
        if self.locked:
            return "booth locked"
        if not rules.recording_ok:
            return "calls cannot be recorded now"
        return None

    def card_dial(
        self,
        event: Dialing,
        dial: CardDial,
        outcome: CardGrant | CardRefusal | None,
        tariff: Tariff,
        rules: AdmissionRules,
        now: datetime,
    ) -> list[Effect]:
        """Admit or refuse a card call (``dial``: the parsed dialled string; ``outcome``:
        the card check, None when it was not made). The call is recorded with the
        number after the PIN, never the PIN; a granted card the call cannot use after
        all is released at once (a :class:`CardSettle` of 0)."""
        self.online = True
        grant = outcome if isinstance(outcome, CardGrant) else None
        if grant is not None and grant.tariff is not None:
            tariff = grant.tariff  # the card's own price list
        number = dial.number if dial.ok else dial.masked
        number = number[:MAX_NUMBER_CHARS]
        start = CallStart(self.name, event.call_ref, number, event.at)
        release: list[Effect] = (
            [CardSettle(self.name, event.call_ref, grant.card_id, 0, event.at)]
            if grant is not None
            else []
        )

        def refuse(
            detail: str,
            reason: HangupReason = HangupReason.DENIED,
            destination: Destination | None = None,
        ) -> list[Effect]:
            where = destination or Destination(number, None, None, None, False)
            effects = _refused(start, where, tariff, detail, reason)
            end = effects[-1]
            assert isinstance(end, RecordEnd)
            if grant is not None:
                effects[-1] = replace(end, card_id=grant.card_id)
            return effects + release

        early = self.card_check_refusal(rules)
        if early is not None:
            return refuse(early)
        if not dial.ok:
            effects = refuse(f"card call: {dial.problem}")
            return effects + (self._wrong_pin(now) if dial.bad_pin else [])
        if outcome is None:
            return refuse("calling cards cannot be used here")
        if isinstance(outcome, CardRefusal):
            reason = (
                HangupReason.CREDIT_EXHAUSTED
                if outcome.reason is Refused.EXHAUSTED
                else HangupReason.DENIED
            )
            effects = refuse(f"card refused: {outcome.detail}", reason)
            return effects + (self._wrong_pin(now) if outcome.wrong_pin else [])
        assert grant is not None
        digits = sum(1 for c in dial.number if c.isdigit())
        if len(dial.number) > MAX_NUMBER_CHARS or digits > MAX_NUMBER_DIGITS:
            return refuse(f"number too long ({len(dial.number)} characters, {digits} digits)")
        destination = tariff.look_up(dial.number)
        normalized = destination.normalized or "".join(c for c in dial.number if c.isdigit())
        for blocked in rules.blocked_prefixes:
            if blocked and (normalized.startswith(blocked) or dial.number.startswith(blocked)):
                return refuse(f"blocked prefix {blocked}", destination=destination)
        if not destination.priced:
            return refuse("no retail price: cannot bill a card", destination=destination)
        refusal, limit, reason = self._limit(destination, tariff, event.at, grant.balance_minor)
        if refusal is not None:
            return refuse(refusal, reason, destination)
        call = _Call(event.call_ref, dial.number, destination, tariff, event.at, card=grant)
        call.limit_s, call.limit_reason = limit, reason
        self._call = call
        self.off_hook = True
        self.digits = ""
        admit = AdmitCall(self.name, event.call_ref, limit, reason, dial=dial.number)
        link = CardStart(self.name, event.call_ref, grant.card_id, event.at)
        return [link, RecordStart(start), SendCommand(admit)]

    def _wrong_pin(self, now: datetime) -> list[Effect]:
        """Count a wrong PIN; the last of :data:`WRONG_PIN_LIMIT` within the window
        locks the booth until the cashier unlocks it."""
        self._wrong_pins.append(now)
        horizon = now - timedelta(seconds=WRONG_PIN_WINDOW_S)
        while self._wrong_pins and self._wrong_pins[0] <= horizon:
            self._wrong_pins.popleft()
        if len(self._wrong_pins) < WRONG_PIN_LIMIT or self.locked:
            return []
        minutes = WRONG_PIN_WINDOW_S // 60
        self.lock_reason = f"{len(self._wrong_pins)} wrong card PINs within {minutes} minutes"
        log.warning("%s locked: %s", self.name, self.lock_reason)
        return self.lock(False, 0.0)

    @property
    def wrong_pins(self) -> int:
        """Wrong PINs counted towards the lock (within the window at the last one)."""
        return len(self._wrong_pins)

    def _admission(
        self, destination: Destination, tariff: Tariff, rules: AdmissionRules, at: datetime
    ) -> tuple[str | None, int | None, HangupReason]:
        """(refusal detail or None, limit seconds or None, reason the limit cuts with)."""
        if self.locked:
            return "booth locked", None, HangupReason.DENIED
        if not rules.recording_ok:
            return "calls cannot be recorded now", None, HangupReason.DENIED
        digits = destination.normalized or "".join(c for c in destination.number if c.isdigit())
        for blocked in rules.blocked_prefixes:
            if blocked and (digits.startswith(blocked) or destination.number.startswith(blocked)):
                return f"blocked prefix {blocked}", None, HangupReason.DENIED
        if not destination.priced:
            if self.config.billing is BillingMode.PREPAID:
                return "no retail price: cannot bill against a deposit", None, HangupReason.DENIED
            if not rules.allow_unrated_calls:
                return "no retail price for this destination", None, HangupReason.DENIED
        return self._limit(destination, tariff, at)

    def _limit(
        self,
        destination: Destination,
        tariff: Tariff,
        at: datetime,
        card_balance: int | None = None,
    ) -> tuple[str | None, int | None, HangupReason]:
        """The call's limit; with ``card_balance`` the card pays: its balance is the
        budget, instead of the booth's deposit or cost cap."""
        limit: int | None = None
        reason = HangupReason.TIME_LIMIT
        budget = self._budget() if card_balance is None else max(0, card_balance)
        if budget is not None and destination.priced:
            limit = tariff.max_seconds(destination, at, budget)
            reason = HangupReason.CREDIT_EXHAUSTED
            if limit <= 0:
                if card_balance is not None:
                    what = "card balance"
                elif self.config.billing is BillingMode.PREPAID:
                    what = "deposit"
                else:
                    what = "cost cap"
                return f"{what} does not cover the first block", None, reason
        if card_balance is None and budget is None and self.config.billing is BillingMode.PREPAID:
            return "no deposit taken", None, HangupReason.CREDIT_EXHAUSTED
        max_s = self.config.max_duration_s
        if max_s is not None and (limit is None or max_s < limit):
            limit, reason = max_s, HangupReason.TIME_LIMIT
        return None, limit, reason

    def _budget(self) -> int | None:
        if self.config.billing is BillingMode.PREPAID:
            if self.deposit_minor is None:
                return None
            return max(0, self.deposit_minor - self.spent_minor)
        return self.config.cost_cap_minor

    def _answer(self, event: Answered, now: datetime, mono: float) -> list[Effect]:
        call = self._call
        if call is None or call.call_ref != event.call_ref or call.answered_at is not None:
            return []
        call.answered_at = event.at
        if event.estimated:
            call.flags.append("estimated_answer")
        # The event may reach us a little after it happened: start the meter then.
        call.answered_mono = mono - max(0.0, (now - event.at).total_seconds())
        effects: list[Effect] = [RecordAnswer(call.call_ref, event.at, self.name)]
        # The price band is chosen by the answer time, so the limit is re-checked now.
        balance = call.card.balance_minor if call.card is not None else None
        _refusal, limit, reason = self._limit(call.destination, call.tariff, event.at, balance)
        if _refusal is not None:
            call.cut_asked_mono, call.cut_reason = mono, reason
            effects.append(SendCommand(HangUpNow(self.name, reason)))
        elif limit != call.limit_s and limit is not None:
            call.limit_s, call.limit_reason = limit, reason
            effects.append(SendCommand(LimitCall(self.name, call.call_ref, limit, reason)))
        return effects

    def _hung_up(self, event: HungUp) -> list[Effect]:
        if not self._matches(event.call_ref):
            if self._call is None:
                self.off_hook = False
                self.digits = ""
            return []
        return self._finish(event.at, event.reason, event.side, (), event.detail)

    def _finish(
        self,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
        extra_flags: tuple[str, ...],
        detail: str = "",
    ) -> list[Effect]:
        call = self._call
        assert call is not None
        self._call = None
        self.off_hook = False
        self.digits = ""
        seconds = 0
        if call.answered_at is not None:
            # A driver clock that jumps is never billed beyond the longest call.
            seconds = min(MAX_CALL_S, whole_seconds(max(at, call.answered_at) - call.answered_at))
        try:
            rating = _rate(call, seconds)
        except Exception as exc:  # a price the rater cannot compute: recorded unrated
            log.error(
                "%s: call %s could not be rated (%r); recorded unrated",
                self.name,
                call.call_ref,
                exc,
            )
            rating = _unrated(call, seconds)
        flags = tuple(call.flags) + extra_flags if call.answered_at is not None else extra_flags
        effects: list[Effect] = [
            RecordEnd(
                self.name,
                call.call_ref,
                at,
                reason,
                side,
                rating,
                flags,
                answered=call.answered_at is not None,
                detail=detail,
                card_id=call.card.card_id if call.card is not None else None,
            )
        ]
        if call.card is not None:
            # The card pays the exact price (nothing for an attempt) and is released.
            amount = rating.price_minor or 0 if call.answered_at is not None else 0
            effects.append(CardSettle(self.name, call.call_ref, call.card.card_id, amount, at))
        elif self.deposit_minor is not None and rating.price_minor:
            self.spent_minor += rating.price_minor  # until the database has the call
        return effects

    # ---------------------------------------------------- cashier commands

    def lock(self, hang_up: bool, mono: float) -> list[Effect]:
        """Refuse new calls; with ``hang_up`` also end the current call now."""
        effects: list[Effect] = []
        if not self.locked:
            self.locked = True
            effects += [SaveLock(self.name, True), SendCommand(DenyCalls(self.name))]
        if hang_up and self._call is not None:
            effects += self.hang_up(mono)
        return effects

    def unlock(self) -> list[Effect]:
        self._wrong_pins.clear()  # the cashier has seen to the booth: a fresh count
        self.lock_reason = None
        if not self.locked:
            return []
        self.locked = False
        return [SaveLock(self.name, False), SendCommand(AllowCalls(self.name))]

    def hang_up(self, mono: float, reason: HangupReason = HangupReason.CASHIER) -> list[Effect]:
        """Ask the driver to end the current call (the call ends on its HungUp)."""
        call = self._call
        if call is None:
            raise CallShopError(f"{self.name}: no call to hang up")
        call.cut_asked_mono, call.cut_reason = mono, reason
        return [SendCommand(HangUpNow(self.name, reason))]

    def sync_deposit(self, credit: DepositCredit | None, unsaved_calls: bool) -> list[Effect]:
        """Take the deposit as the database has it (``None``: no open deposit).

        With ``unsaved_calls`` (a call of this booth ended here but its record is
        not saved yet) the database does not know that call's price: the spend
        kept here is not lowered then. A running call's limit follows the new credit.
        """
        if credit is None:
            self.deposit_id, self.deposit_minor, self.spent_minor = None, None, 0
            return []
        spent = credit.spent_minor
        if unsaved_calls and credit.deposit_id == self.deposit_id:
            spent = max(spent, self.spent_minor)
        changed = (credit.deposit_id, credit.deposit_minor, spent) != (
            self.deposit_id,
            self.deposit_minor,
            self.spent_minor,
        )
        self.deposit_id, self.deposit_minor, self.spent_minor = (
            credit.deposit_id,
            credit.deposit_minor,
            spent,
        )
        call = self._call
        if not changed or call is None or call.answered_at is None or call.card is not None:
            return []
        if self.config.billing is not BillingMode.PREPAID:
            return []
        refusal, limit, reason = self._limit(call.destination, call.tariff, call.answered_at)
        if refusal is None and limit is not None and limit != call.limit_s:
            call.limit_s, call.limit_reason = limit, reason
            return [SendCommand(LimitCall(self.name, call.call_ref, limit, reason))]
        return []

    def set_unpaid(self, count: int) -> list[Effect]:
        """The booth's unserved calls in the open shift; auto-lock once all are paid."""
        before, self.unpaid_calls = self.unpaid_calls, count
        if self.config.auto_lock and before > 0 and count == 0 and self._call is None:
            return self.lock(False, 0.0)
        return []

    def reconfigure(self, config: BoothConfig) -> list[Effect]:
        """New settings from the booths service (lock state is the engine's own)."""
        self.config = replace(config, locked=self.locked)
        return []

    def restore(self, locked: bool, wrong_pins: Sequence[datetime] = ()) -> None:
        """Restore the lock saved by a previous engine run, and the wrong PINs that
        still count towards it (an unlocked booth's, within the window)."""
        self.locked = locked
        self._wrong_pins = deque(() if locked else sorted(wrong_pins))

    # ---------------------------------------------------------------- timers

    def tick(self, now: datetime, mono: float) -> list[Effect]:
        """Timers: the limit backstop and the forced end of a stuck hang-up."""
        call = self._call
        if call is None:
            return []
        if call.cut_asked_mono is not None:
            if mono - call.cut_asked_mono >= self._forced_end_s:
                return self._finish(now, call.cut_reason, HangupSide.SYSTEM, ("forced_end",))
            return []
        if call.answered_mono is None or call.limit_s is None:
            return []
        if mono - call.answered_mono >= call.limit_s + self._backstop_s:
            call.cut_asked_mono, call.cut_reason = mono, call.limit_reason
            return [SendCommand(HangUpNow(self.name, call.limit_reason))]
        return []

    def next_deadline(self) -> float | None:
        """The monotonic time :meth:`tick` next has something to do, if any."""
        call = self._call
        if call is None:
            return None
        if call.cut_asked_mono is not None:
            return call.cut_asked_mono + self._forced_end_s
        if call.answered_mono is None or call.limit_s is None:
            return None
        return call.answered_mono + call.limit_s + self._backstop_s


def _rate(call: _Call, seconds: int) -> FinishedCallRating:
    return call.tariff.rate(call.destination, call.answered_at, seconds)


def _unrated(call: _Call, seconds: int) -> FinishedCallRating:
    d = call.destination
    return FinishedCallRating(
        normalized=d.normalized,
        prefix=d.prefix,
        destination=d.name,
        price_version_id=d.price_version_id,
        duration_s=seconds,
        billable_s=seconds,
        price_minor=None,
        wholesale_micro_usd=None,
        offpeak=False,
    )


def _refused(
    start: CallStart,
    destination: Destination,
    tariff: Tariff,
    detail: str,
    reason: HangupReason = HangupReason.DENIED,
) -> list[Effect]:
    rating = tariff.rate(destination, None, 0)
    return [
        RecordStart(start),
        SendCommand(RefuseCall(start.booth, start.call_ref, reason, detail)),
        RecordEnd(
            start.booth,
            start.call_ref,
            start.setup_at,
            reason,
            HangupSide.SYSTEM,
            rating,
            detail=detail,
        ),
    ]
