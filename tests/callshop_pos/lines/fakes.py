"""Faithful in-memory fakes of the line engine's ports (tariff, driver, recorder, store).

The fake tariff applies DOMAIN.md's rating rules with exact decimals (grace, initial
block, increment counted from the end of the initial block, connect fee, one half-up
rounding, off-peak band chosen by the answer time), so engine tests check real money.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from callshop_pos.lines.booth import AdmissionRules, BoothConfig, DepositCredit
from callshop_pos.lines.engine import SavedBooth
from callshop_pos.lines.port import DriverCommand, EventSink, HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating, RecoveredCall
from callshop_pos.lines.tariff import Destination, unrated_rating


@dataclass(frozen=True)
class Row:
    code: str
    country: str
    retail: Decimal | None  # per minute, EUR
    offpeak: Decimal | None = None
    initial: int = 60
    increment: int = 60
    connect_fee: Decimal = Decimal(0)
    grace: int = 0
    wholesale_usd: Decimal = Decimal("0.010")


def billable(duration: int, row: Row) -> int:
    if duration == 0 or duration < row.grace:
        return 0
    if duration <= row.initial:
        return row.initial
    return row.initial + math.ceil((duration - row.initial) / row.increment) * row.increment


def price_minor(row: Row, duration: int, offpeak: bool) -> int:
    """Independent price computation (EUR cents)."""
    bill = billable(duration, row)
    if bill == 0:
        return 0
    rate = row.offpeak if offpeak and row.offpeak is not None else row.retail
    assert rate is not None
    euros = row.connect_fee + Decimal(bill) / 60 * rate
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def is_offpeak(at: datetime) -> bool:
    """Off-peak 20:00-08:00 UTC (the fake's stand-in for the settings' windows)."""
    hour = at.astimezone(UTC).hour
    return hour >= 20 or hour < 8


class FakeTariff:
    def __init__(self, rows: list[Row], version: int = 1) -> None:
        self.rows = {r.code: r for r in rows}
        self.version = version

    def look_up(self, number: str) -> Destination:
        digits = number.replace(" ", "")
        if digits.startswith("+"):
            digits = digits[1:]
        elif digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0"):
            digits = "359" + digits[1:]
        if not digits.isdigit():
            return Destination(number, None, None, None, False, self.version)
        for length in range(min(len(digits), 15), 0, -1):
            row = self.rows.get(digits[:length])
            if row is not None:
                return Destination(
                    number,
                    digits,
                    row.code,
                    row.country,
                    row.retail is not None,
                    self.version,
                    row,
                )
        return Destination(number, digits, None, None, False, self.version)

    def _row(self, destination: Destination) -> Row:
        assert isinstance(destination.entry, Row)
        return destination.entry

    def rate(
        self, destination: Destination, answered_at: datetime | None, duration_s: int
    ) -> FinishedCallRating:
        if not destination.priced:
            return unrated_rating(destination, duration_s)
        row = self._row(destination)
        offpeak = answered_at is not None and is_offpeak(answered_at) and row.offpeak is not None
        wholesale = int(
            (row.wholesale_usd * duration_s / 60 * 1_000_000).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
        return FinishedCallRating(
            normalized=destination.normalized,
            prefix=destination.prefix,
            destination=destination.name,
            price_version_id=destination.price_version_id,
            duration_s=duration_s,
            billable_s=billable(duration_s, row),
            price_minor=price_minor(row, duration_s, offpeak),
            wholesale_micro_usd=wholesale if answered_at is not None else 0,
            offpeak=offpeak,
        )

    def max_seconds(
        self, destination: Destination, answered_at: datetime, budget_minor: int
    ) -> int:
        row = self._row(destination)
        offpeak = is_offpeak(answered_at)
        lo, hi = 0, 24 * 3600
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if price_minor(row, mid, offpeak) <= budget_minor:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def rate_per_minute(self, destination: Destination, answered_at: datetime) -> str | None:
        row = self._row(destination)
        if is_offpeak(answered_at) and row.offpeak is not None:
            return str(row.offpeak)
        return None if row.retail is None else str(row.retail)


STANDARD_ROWS = [
    Row("359", "Bulgaria", Decimal("0.10")),
    Row("35988", "Bulgaria mobile", Decimal("0.30"), initial=30, increment=6),
    Row("49", "Germany", Decimal("0.20"), offpeak=Decimal("0.12")),
    Row("1", "USA", Decimal("0.15"), initial=90, increment=60, connect_fee=Decimal("0.05")),
    Row("44", "United Kingdom", Decimal("0.25"), grace=5),
    Row("882", "Satellite", None),  # no retail price yet
    Row("3599", "Bulgaria premium", Decimal("2.00")),
]


class FakeDriver:
    name = "fake"

    def __init__(self) -> None:
        self.sent: list[DriverCommand] = []
        self.sink: EventSink | None = None
        self.stopped = False
        self._lock = threading.Lock()

    def start(self, sink: EventSink) -> None:
        self.sink = sink

    def send(self, command: DriverCommand) -> None:
        with self._lock:
            self.sent.append(command)

    def stop(self) -> None:
        self.stopped = True

    def take(self) -> list[DriverCommand]:
        with self._lock:
            sent, self.sent = self.sent, []
        return sent


@dataclass
class RecordedCall:
    call_id: int
    start: CallStart
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    reason: HangupReason | None = None
    side: HangupSide | None = None
    rating: FinishedCallRating | None = None
    flags: tuple[str, ...] = ()


class FakeRecorder:
    """In-memory CallRecorder, idempotent on call_ref like the real one."""

    def __init__(self) -> None:
        self.calls: dict[str, RecordedCall] = {}
        self.heartbeats: list[datetime] = []
        self.fail_next = 0  # make the next N writes raise (database locked)

    def _maybe_fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("database is locked")

    def call_started(self, start: CallStart) -> int:
        self._maybe_fail()
        found = self.calls.get(start.call_ref)
        if found is None:
            found = self.calls[start.call_ref] = RecordedCall(len(self.calls) + 1, start)
        return found.call_id

    def call_answered(self, call_ref: str, at: datetime) -> None:
        self._maybe_fail()
        call = self.calls[call_ref]
        if call.answered_at is None:
            call.answered_at = at

    def call_ended(
        self,
        call_ref: str,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
        rating: FinishedCallRating,
        flags: tuple[str, ...] = (),
    ) -> int:
        self._maybe_fail()
        call = self.calls[call_ref]
        if call.ended_at is None:
            call.ended_at, call.reason, call.side = at, reason, side
            call.rating, call.flags = rating, flags
        return call.call_id

    def heartbeat(self, at: datetime) -> None:
        self.heartbeats.append(at)

    def calls_in_progress(self) -> list[RecoveredCall]:
        return [
            RecoveredCall(c.call_id, c.start.booth, ref)
            for ref, c in self.calls.items()
            if c.ended_at is None
        ]


@dataclass
class FakeDeposit:
    deposit_id: int
    amount_minor: int
    taken_at: datetime


@dataclass
class FakeStore:
    """The database side of the engine. Deposits behave like the deposits service:
    ``take_deposit``/``settle`` are the till; the credit used is the price of the
    booth's calls the recorder has saved as ended since the deposit was taken."""

    configs: list[BoothConfig]
    rules_: AdmissionRules = field(default_factory=AdmissionRules)
    unpaid: dict[str, int] = field(default_factory=dict)
    saved: dict[str, SavedBooth] = field(default_factory=dict)
    recorder: FakeRecorder | None = None
    open_deposits: dict[str, FakeDeposit] = field(default_factory=dict)
    _deposit_ids: int = 0

    def booths(self) -> list[BoothConfig]:
        return list(self.configs)

    def rules(self) -> AdmissionRules:
        return self.rules_

    def unpaid_counts(self) -> dict[str, int]:
        return dict(self.unpaid)

    def saved_state(self) -> dict[str, SavedBooth]:
        return dict(self.saved)

    def save_lock(self, booth: str, locked: bool) -> None:
        self.saved[booth] = SavedBooth(locked)

    def deposits(self) -> dict[str, DepositCredit]:
        # The engine thread reads while a test thread acts as the till: copy first.
        return {
            booth: DepositCredit(d.deposit_id, d.amount_minor, self._used(booth, d))
            for booth, d in list(self.open_deposits.items())
        }

    def _used(self, booth: str, deposit: FakeDeposit) -> int:
        if self.recorder is None:
            return 0
        return sum(
            c.rating.price_minor or 0
            for c in list(self.recorder.calls.values())
            if c.start.booth == booth
            and c.rating is not None
            and c.ended_at is not None
            and c.answered_at is not None
            and c.answered_at >= deposit.taken_at
        )

    def take_deposit(self, booth: str, amount_minor: int, at: datetime) -> None:
        found = self.open_deposits.get(booth)
        if found is None:
            self._deposit_ids += 1
            self.open_deposits[booth] = FakeDeposit(self._deposit_ids, amount_minor, at)
        else:
            found.amount_minor += amount_minor

    def settle(self, booth: str) -> None:
        del self.open_deposits[booth]
