"""The port through which the line engine persists call events as they happen.

The engine calls these from its writer thread, in order; the database
implementation (``callshop_pos.engine_store.call_recorder``) writes each in its own transaction,
or — inside its optional ``batch()`` context — all of a batch in one (group commit),
so a crash loses nothing that was acknowledged; a recorder may instead offer
``write_batch(records)``, which writes a whole batch in one transaction (for instance
in a process of its own, off the engine's interpreter lock) and returns what
:func:`~callshop_pos.lines.engine.persist_record` returns for each record, or raises
:class:`BatchWriteError`. Every method is idempotent on
``call_ref`` (the driver's unique reference of the call), so a replay never records
twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from callshop_pos.lines.port import HangupReason, HangupSide

__all__ = [
    "BatchWriteError",
    "CallRecorder",
    "CallStart",
    "FinishedCallRating",
    "RecoveredCall",
]


@dataclass(frozen=True, slots=True)
class CallStart:
    booth: str
    call_ref: str
    number: str  # as dialled
    setup_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class FinishedCallRating:
    """What the engine's meter computed at hang-up (same code as the live meter)."""

    normalized: str | None
    prefix: str | None
    destination: str | None
    price_version_id: int | None
    duration_s: int  # whole seconds, half-up, from answer to end (0 if never answered)
    billable_s: int
    price_minor: int | None  # None = unrated
    wholesale_micro_usd: int | None
    offpeak: bool


@dataclass(frozen=True, slots=True)
class RecoveredCall:
    call_id: int
    booth: str
    call_ref: str


class BatchWriteError(Exception):
    """A batch was not written (its transaction rolled back): ``done`` records went
    through before ``cause`` stopped it at the next one."""

    def __init__(self, done: int, cause: BaseException) -> None:
        super().__init__(f"batch failed at record {done + 1}: {cause}")
        self.done = done
        self.cause = cause


class CallRecorder(Protocol):
    def call_started(self, start: CallStart) -> int:
        """Persist a new call attempt (state ``in_progress``); returns the call id."""
        ...

    def call_answered(self, call_ref: str, at: datetime) -> None:
        """Persist the answer time (billing starts here)."""
        ...

    def call_ended(
        self,
        call_ref: str,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
        rating: FinishedCallRating,
        flags: tuple[str, ...] = (),
    ) -> int:
        """Finish the call: answered calls become ``unserved`` in the current (or next)
        shift with the given rating; unanswered attempts are kept but not payable."""
        ...

    def heartbeat(self, at: datetime) -> None:
        """Record that the engine is alive at ``at`` (at most 1 s apart while calls run)."""
        ...

    def calls_in_progress(self) -> list[RecoveredCall]:
        """Calls left ``in_progress`` (by a crashed engine), for recovery at start-up."""
        ...
