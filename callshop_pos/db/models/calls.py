"""Calls made from the booths, their status history and corrections, engine heartbeat.

A call row is written as the call happens (started, answered, ended), each step in
its own transaction, so a crash loses nothing. It keeps the rating it was priced
with forever. Unanswered attempts are kept (``answered_at`` is NULL) but are never
payable and never counted as calls.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = [
    "Call",
    "CallChange",
    "CallCorrection",
    "CallFlag",
    "CallState",
    "CallStatus",
    "Heartbeat",
    "UnrecordedCall",
]


class CallState(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class CallStatus(StrEnum):
    UNSERVED = "unserved"  # not yet dealt with by the cashier
    PAID = "paid"
    UNPAID = "unpaid"  # served without payment (reason recorded)


class CallFlag(StrEnum):
    INTERRUPTED = "interrupted"  # engine died mid-call; finished at the last heartbeat
    UNRATED = "unrated"  # no retail price matched when the call ended
    ESTIMATED_ANSWER = "estimated_answer"  # the driver could not report the exact answer
    MANUAL_PRICE = "manual_price"  # an administrator priced an unrated call
    CORRECTED = "corrected"  # an administrator corrected it after its shift closed


class Call(JournaledRow, Base):
    __tablename__ = "calls"
    __journal_fields__ = (
        "call_ref",
        "booth",
        "number",
        "normalized",
        "destination",
        "prefix",
        "price_version_id",
        "setup_at",
        "answered_at",
        "ended_at",
        "duration_s",
        "billable_s",
        "price_minor",
        "wholesale_micro_usd",
        "offpeak",
        "end_reason",
        "end_side",
        "flags",
        "state",
        "status",
        "shift_id",
    )
    __table_args__ = (
        CheckConstraint("state IN ('in_progress', 'finished')", name="call_state"),
        CheckConstraint("status IN ('unserved', 'paid', 'unpaid')", name="call_status"),
        CheckConstraint("price_minor IS NULL OR price_minor >= 0", name="call_price_not_negative"),
        Index("ix_calls_shift_status", "shift_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The call's id on the wire (sync to central); not a journal field (see Shift.uuid).
    uuid: Mapped[str] = mapped_column(
        String(36), index=True, unique=True, default=lambda: str(uuid4())
    )
    call_ref: Mapped[str] = mapped_column(String(128), unique=True)
    booth: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[str] = mapped_column(String(64))  # as dialled
    normalized: Mapped[str | None] = mapped_column(String(32), default=None)
    destination: Mapped[str | None] = mapped_column(String(128), default=None)
    prefix: Mapped[str | None] = mapped_column(String(16), default=None)
    price_version_id: Mapped[int | None] = mapped_column(default=None)
    setup_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    duration_s: Mapped[int] = mapped_column(default=0)
    billable_s: Mapped[int] = mapped_column(default=0)
    price_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    wholesale_micro_usd: Mapped[int | None] = mapped_column(BigInteger, default=None)
    offpeak: Mapped[bool] = mapped_column(default=False)
    end_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    end_side: Mapped[str | None] = mapped_column(String(16), default=None)
    flags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated CallFlag
    state: Mapped[str] = mapped_column(String(16), default=CallState.IN_PROGRESS.value)
    status: Mapped[str] = mapped_column(String(16), default=CallStatus.UNSERVED.value)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), default=None)

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class CallChange(JournaledRow, Base):
    """One step of a call's history while its shift is open (status or price)."""

    __tablename__ = "call_changes"
    __journal_fields__ = (
        "call_id",
        "shift_id",
        "at",
        "actor_id",
        "kind",
        "old_status",
        "new_status",
        "old_price_minor",
        "new_price_minor",
        "reason",
        "payment_id",
        "refund_id",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    # None for a call still waiting for a shift (an administrator priced it meanwhile).
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    at: Mapped[datetime] = mapped_column()
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "status" or "price"
    old_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    old_price_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    new_price_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), default=None)


class CallCorrection(JournaledRow, Base):
    """An administrator's correction of a call whose shift is already closed.

    The call row and its closed shift stay exactly as they were; this visible entry
    says what the status should have been and by how much the shift's takings move.
    """

    __tablename__ = "call_corrections"
    __journal_fields__ = (
        "call_id",
        "shift_id",
        "at",
        "admin_id",
        "old_status",
        "new_status",
        "amount_minor",
        "reason",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    at: Mapped[datetime] = mapped_column()
    admin_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    old_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # change of the shift's takings
    reason: Mapped[str] = mapped_column(Text)


class Heartbeat(Base):
    """Engine liveness: one row per engine, overwritten about once a second.

    Not money, so not journaled; crash recovery reads it to date interrupted calls.
    """

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column()


class UnrecordedCall(JournaledRow, Base):
    """A call event the database refused for good, kept in full to be resolved by hand.

    The line engine writes one when a record cannot be stored however often it is
    retried (a value out of range, a broken constraint, a rating that overflows) or
    when start-up recovery cannot finish a call; the queue goes on meanwhile. One row
    per call reference and event kind (a replay adds nothing).
    """

    __tablename__ = "unrecorded_calls"
    __journal_fields__ = (
        "at",
        "booth",
        "call_ref",
        "kind",
        "event",
        "error",
        "resolved_at",
        "resolved_by",
        "resolution",
    )
    __table_args__ = (Index("ux_unrecorded_calls_ref_kind", "call_ref", "kind", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()  # when it was set aside
    booth: Mapped[str] = mapped_column(String(64))  # cut to fit: the event has it in full
    call_ref: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # started, answered, ended, recovery
    event: Mapped[str] = mapped_column(Text)  # the event as JSON, in full
    error: Mapped[str] = mapped_column(Text)  # why the database refused it
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")
