"""Recording calls as they happen: the database side of the engine's CallRecorder port.

Each event is one small write transaction, idempotent on ``call_ref``, journaled,
so a crash loses nothing and a replay records nothing twice. A finished call
joins the open shift, or the next one opened; an unanswered attempt is kept but
is never payable; an unrated call is recorded unrated and flagged, never dropped.
Every answered call's wholesale cost goes to the carrier ledger at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.clock import utc
from callshop_pos.db.base import Base
from callshop_pos.db.models.calls import Call, CallFlag, CallState, CallStatus, Heartbeat
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.engine_store.rater_tariff import RaterTariff
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating, RecoveredCall
from callshop_pos.rating import round_duration
from callshop_pos.services.admin.ledger import record_call_cost
from callshop_pos.services.auth import SYSTEM
from callshop_pos.services.context import Shop

__all__ = [
    "ENGINE_HEARTBEAT",
    "DatabaseCallRecorder",
    "finish_interrupted",
    "last_heartbeat",
]

#: The heartbeat row of the line engine.
ENGINE_HEARTBEAT = "engine"


def _by_ref(session: Session, call_ref: str) -> Call | None:
    return session.scalars(select(Call).where(Call.call_ref == call_ref)).one_or_none()


def _open_shift_id(session: Session) -> int | None:
    """The open shift, its row locked FOR SHARE until the call's transaction ends.

    ``close_shift`` locks the same row FOR UPDATE, so on PostgreSQL a close waits for
    the calls being filed in its shift, and a call being filed waits for a close in
    progress and then no longer sees that shift open — never a call after the Z.
    A close that committed meanwhile is re-checked with a fresh statement (READ
    COMMITTED gives each statement a new snapshot), so a shift opened right after it
    gets the call. SQLite serialises writers anyway (the clause is not rendered).
    """
    stmt = select(Shift.id).where(Shift.status == ShiftStatus.OPEN.value).with_for_update(read=True)
    found = session.scalars(stmt).one_or_none()
    if found is None and session.get_bind().dialect.name != "sqlite":
        found = session.scalars(stmt).one_or_none()
    return found


def _merge_flags(existing: list[str], extra: tuple[str, ...]) -> str:
    merged = list(existing)
    for flag in extra:
        if flag and flag not in merged:
            if "," in flag:
                raise InvalidInput(f"bad call flag {flag!r}")
            merged.append(flag)
    return ",".join(merged)


def _finish(
    session: Session,
    call: Call,
    at: datetime,
    reason: str,
    side: str,
    rating: FinishedCallRating,
    flags: tuple[str, ...],
) -> None:
    """Store the engine's rating as given and file the call in the open shift (if any)."""
    if rating.duration_s < 0 or rating.billable_s < 0:
        raise InvalidInput("call duration and billable seconds cannot be negative")
    if rating.price_minor is not None and rating.price_minor < 0:
        raise InvalidInput("a call price cannot be negative")
    answered = call.answered_at is not None
    call.ended_at = utc(at)
    call.end_reason = reason
    call.end_side = side
    call.normalized = rating.normalized
    call.prefix = rating.prefix
    call.destination = rating.destination
    call.price_version_id = rating.price_version_id
    call.offpeak = rating.offpeak
    call.duration_s = rating.duration_s if answered else 0
    call.billable_s = rating.billable_s if answered else 0
    call.price_minor = rating.price_minor if answered else None
    call.wholesale_micro_usd = rating.wholesale_micro_usd if answered else None
    extra = tuple(flags)
    if answered and rating.price_minor is None:
        extra += (CallFlag.UNRATED.value,)
    call.flags = _merge_flags(call.flag_list, extra)
    call.state = CallState.FINISHED.value
    call.status = CallStatus.UNSERVED.value
    # A call belongs to the shift open when it ends (never to one closed meanwhile);
    # with none open it waits for the next one (open_shift adopts it).
    call.shift_id = _open_shift_id(session)


class DatabaseCallRecorder:
    """The :class:`~callshop_pos.lines.recorder.CallRecorder` writing to the shop database."""

    def __init__(self, shop: Shop) -> None:
        self._shop = shop
        self._local = threading.local()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every record written inside (on this thread) is one transaction, committed
        when the block ends normally and rolled back entirely when it raises."""
        with self._shop.db.write() as session:
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    @contextmanager
    def _write(self) -> Iterator[Session]:
        session: Session | None = getattr(self._local, "session", None)
        if session is not None:
            yield session
            return
        with self._shop.db.write() as session:
            yield session

    def call_started(self, start: CallStart) -> int:
        with self._write() as session:
            existing = _by_ref(session, start.call_ref)
            if existing is not None:
                return existing.id
            call = Call(
                call_ref=start.call_ref,
                booth=start.booth,
                number=start.number,
                setup_at=utc(start.setup_at),
                state=CallState.IN_PROGRESS.value,
                status=CallStatus.UNSERVED.value,
                flags="",
            )
            session.add(call)
            session.flush()
            journal.append(
                session,
                SYSTEM,
                "call.started",
                subject=call,
                payload={"call_ref": call.call_ref, "booth": call.booth, "number": call.number},
                rows=[call],
            )
            return call.id

    def call_answered(self, call_ref: str, at: datetime) -> None:
        with self._write() as session:
            call = _by_ref(session, call_ref)
            if call is None:
                raise NotFound(f"no call with reference {call_ref!r}")
            if call.answered_at is not None or call.state != CallState.IN_PROGRESS.value:
                return  # a replay: the first answer time stands
            call.answered_at = utc(at)
            journal.append(
                session,
                SYSTEM,
                "call.answered",
                subject=call,
                payload={"call_ref": call_ref, "answered_at": call.answered_at.isoformat()},
                rows=[call],
            )

    def call_ended(
        self,
        call_ref: str,
        at: datetime,
        reason: HangupReason,
        side: HangupSide,
        rating: FinishedCallRating,
        flags: tuple[str, ...] = (),
    ) -> int:
        with self._write() as session:
            call = _by_ref(session, call_ref)
            if call is None:
                raise NotFound(f"no call with reference {call_ref!r}")
            if call.state == CallState.FINISHED.value:
                return call.id  # a replay: recorded once only
            _finish(session, call, at, str(reason), str(side), rating, flags)
            rows: list[Base] = [call]
            cost = record_call_cost(session, call, ZoneInfo(self._shop.settings.timezone))
            if cost is not None:
                rows.append(cost)
            journal.append(
                session,
                SYSTEM,
                "call.ended",
                subject=call,
                payload={
                    "call_ref": call_ref,
                    "reason": str(reason),
                    "price_minor": call.price_minor,
                    "duration_s": call.duration_s,
                    "shift_id": call.shift_id,
                    "flags": call.flag_list,
                },
                rows=rows,
            )
            return call.id

    def heartbeat(self, at: datetime) -> None:
        with self._write() as session:
            beat = session.get(Heartbeat, ENGINE_HEARTBEAT)
            if beat is None:
                session.add(Heartbeat(name=ENGINE_HEARTBEAT, at=utc(at)))
            else:
                beat.at = utc(at)

    def calls_in_progress(self) -> list[RecoveredCall]:
        with self._shop.db.read() as session:
            rows = session.execute(
                select(Call.id, Call.booth, Call.call_ref)
                .where(Call.state == CallState.IN_PROGRESS.value)
                .order_by(Call.id)
            ).all()
        return [RecoveredCall(call_id=i, booth=b, call_ref=r) for i, b, r in rows]


def last_heartbeat(shop: Shop) -> datetime | None:
    """When the engine last said it was alive (None if it never did)."""
    with shop.db.read() as session:
        beat = session.get(Heartbeat, ENGINE_HEARTBEAT)
        return beat.at if beat is not None else None


def _whole_seconds(start: datetime, end: datetime) -> int:
    """Seconds from ``start`` to ``end``, half-up, never negative (exact: no floats)."""
    delta = end - start
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return max(0, round_duration(Decimal(micros) / 1_000_000))


def finish_interrupted(shop: Shop, call_ref: str, end_at: datetime | None = None) -> int:
    """Finish a call a crashed engine left in progress (start-up recovery).

    The call ends at ``end_at`` (default: the engine's last heartbeat; if there is
    none, at its answer or set-up time, so nothing is billed that cannot be shown),
    is rated with the shop's current rater, flagged ``interrupted`` and filed like
    any finished call. A call already finished is returned untouched: never twice.
    """
    with shop.db.read() as session:
        call = _by_ref(session, call_ref)
        if call is None:
            raise NotFound(f"no call with reference {call_ref!r}")
        call_id, number, finished = call.id, call.number, call.state == CallState.FINISHED.value
        answered_at, setup_at = call.answered_at, call.setup_at
    if finished:
        return call_id
    if end_at is None:
        end_at = last_heartbeat(shop)
    start = answered_at or setup_at
    end = utc(end_at) if end_at is not None and utc(end_at) >= start else start
    pricing = shop.pricing
    tariff = RaterTariff(pricing.rater, pricing.version_id)
    destination = tariff.look_up(number)
    duration = _whole_seconds(answered_at, end) if answered_at is not None else 0
    rating = tariff.rate(destination, answered_at, duration)
    return DatabaseCallRecorder(shop).call_ended(
        call_ref,
        end,
        HangupReason.INTERRUPTED,
        HangupSide.SYSTEM,
        rating,
        (CallFlag.INTERRUPTED.value,),
    )
