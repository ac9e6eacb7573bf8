"""The transactional outbox: written by the actions, read and acknowledged by the sender.

:func:`add_item` is called *inside* the action's write transaction, before the
action's journal entry (the row is covered by it); :func:`seal_item` then records the
entry as the journal head the item vouches for and stores the payload. A crash before
the commit leaves neither the close nor the row; after it, both.

``prev_seq``/``prev_head`` chain the items: each carries the head sent with the item
before it, so central sees a gap, a rewrite or a clone of the till's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.calls import CallCorrection
from callshop_pos.db.models.journal import JournalEntry, JournalHead
from callshop_pos.db.models.shifts import Shift
from callshop_pos.db.models.sync import OutboxKind, OutboxStatus, SyncOutbox, SyncState
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import correction_payload, shift_payload
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.settings import Settings

__all__ = [
    "OutboxItem",
    "add_item",
    "items",
    "mark_delivered",
    "mark_failed",
    "mark_parked",
    "next_pending",
    "requeue",
    "retry_parked",
    "seal_correction",
    "seal_item",
    "seal_shift",
    "state_row",
]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row as the sender and the status views see it."""

    id: int
    kind: str
    key: str
    shift_id: int
    shift_uuid: str
    created_at: datetime
    status: str
    attempts: int
    last_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    payload: bytes


def add_item(
    session: Session,
    *,
    kind: OutboxKind,
    key: str,
    shift: Shift,
    at: datetime,
    correction_id: int | None = None,
) -> SyncOutbox:
    """Add the outbox row of an action (in its transaction, before its journal entry).

    Takes the journal head's row lock first, so the previous item read here is still
    the previous one when this action's entry is appended (PostgreSQL, several tills).
    """
    session.get(JournalHead, 1, with_for_update=True)
    previous = session.execute(
        select(SyncOutbox.journal_seq, SyncOutbox.journal_head)
        .order_by(SyncOutbox.id.desc())
        .limit(1)
    ).first()
    row = SyncOutbox(
        kind=kind.value,
        key=key,
        shift_id=shift.id,
        correction_id=correction_id,
        created_at=at,
        journal_seq=0,  # sealed below, once the action's entry exists
        journal_head="",
        prev_seq=None if previous is None else previous[0],
        prev_head=None if previous is None else previous[1],
        payload="",
        status=OutboxStatus.PENDING.value,
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row


def seal_item(row: SyncOutbox, entry: JournalEntry, payload: bytes) -> None:
    """Record the action's journal entry as the head ``row`` vouches for, and its payload
    (which names that head: it is built after the entry)."""
    row.journal_seq = entry.seq
    row.journal_head = entry.hash
    row.payload = payload.decode("utf-8")


def _item(row: SyncOutbox, shift_uuid: str) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        kind=row.kind,
        key=row.key,
        shift_id=row.shift_id,
        shift_uuid=shift_uuid,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        last_attempt_at=row.last_attempt_at,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        payload=row.payload.encode("utf-8"),
    )


def next_pending(shop: Shop) -> OutboxItem | None:
    """The oldest item not yet delivered nor parked (None when there is none)."""
    with shop.db.read() as s:
        found = s.execute(
            select(SyncOutbox, Shift.uuid)
            .join(Shift, Shift.id == SyncOutbox.shift_id)
            .where(SyncOutbox.status == OutboxStatus.PENDING.value)
            .order_by(SyncOutbox.id)
            .limit(1)
        ).first()
        return None if found is None else _item(found[0], found[1])


def items(
    shop: Shop, *, status: OutboxStatus | None = None, limit: int | None = None
) -> list[OutboxItem]:
    """Outbox items in delivery order (all, or one status)."""
    stmt = select(SyncOutbox, Shift.uuid).join(Shift, Shift.id == SyncOutbox.shift_id)
    if status is not None:
        stmt = stmt.where(SyncOutbox.status == status.value)
    stmt = stmt.order_by(SyncOutbox.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with shop.db.read() as s:
        return [_item(row, uuid) for row, uuid in s.execute(stmt)]


def _changed(session: Session, statement: Update) -> int:
    """Run an UPDATE; the number of rows it changed."""
    result = session.execute(statement)
    return int(cast("CursorResult[Any]", result).rowcount)


def state_row(session: Session) -> SyncState:
    """The link-state row (created by the migration; re-created if missing)."""
    row = session.get(SyncState, 1)
    if row is None:
        row = SyncState(id=1)
        session.add(row)
        session.flush()
    return row


def mark_delivered(shop: Shop, item_id: int, response: str) -> bool:
    """Central acknowledged the item. False when another sender got there first."""
    now = shop.clock.now()
    with shop.db.write() as s:
        done = _changed(
            s,
            update(SyncOutbox)
            .where(SyncOutbox.id == item_id, SyncOutbox.status == OutboxStatus.PENDING.value)
            .values(
                status=OutboxStatus.DELIVERED.value,
                delivered_at=now,
                last_attempt_at=now,
                attempts=SyncOutbox.attempts + 1,
                response=response,
            ),
        )
        state = state_row(s)
        state.last_attempt_at = now
        state.last_success_at = now
        return bool(done)


def mark_failed(shop: Shop, item_id: int | None, error: str) -> None:
    """A try that got no definite answer (or a transient one): count it, keep the item."""
    now = shop.clock.now()
    with shop.db.write() as s:
        if item_id is not None:
            s.execute(
                update(SyncOutbox)
                .where(SyncOutbox.id == item_id, SyncOutbox.status == OutboxStatus.PENDING.value)
                .values(attempts=SyncOutbox.attempts + 1, last_attempt_at=now, last_error=error)
            )
        state = state_row(s)
        state.last_attempt_at = now
        state.last_error = error
        state.last_error_at = now


def mark_parked(shop: Shop, item_id: int, error: str) -> None:
    """Central refused the item for good: set it aside for a person; the rest go on."""
    now = shop.clock.now()
    with shop.db.write() as s:
        s.execute(
            update(SyncOutbox)
            .where(SyncOutbox.id == item_id, SyncOutbox.status == OutboxStatus.PENDING.value)
            .values(
                status=OutboxStatus.PARKED.value,
                attempts=SyncOutbox.attempts + 1,
                last_attempt_at=now,
                last_error=error,
            )
        )
        state = state_row(s)
        state.last_attempt_at = now
        state.last_error = error
        state.last_error_at = now


def requeue(shop: Shop, item_ids: Sequence[int]) -> int:
    """Put parked items back in the queue (after the cause was fixed); returns how many."""
    with shop.db.write() as s:
        return _changed(
            s,
            update(SyncOutbox)
            .where(
                SyncOutbox.id.in_(list(item_ids)),
                SyncOutbox.status == OutboxStatus.PARKED.value,
            )
            .values(status=OutboxStatus.PENDING.value),
        )


def counts(session: Session) -> dict[str, int]:
    """Items per status."""
    rows = session.execute(
        select(SyncOutbox.status, func.count(SyncOutbox.id)).group_by(SyncOutbox.status)
    )
    return {status: int(n) for status, n in rows}


def seal_shift(
    session: Session,
    row: SyncOutbox,
    entry: JournalEntry,
    shift: Shift,
    report: ShiftReport,
    settings: Settings,
) -> None:
    """Seal a closed shift's item with its payload (built from the Z report's data)."""
    payload = shift_payload(
        session,
        shift,
        report,
        settings,
        head=(entry.seq, entry.hash),
        previous=(row.prev_seq, row.prev_head),
    )
    seal_item(row, entry, payload)


def seal_correction(
    session: Session,
    row: SyncOutbox,
    entry: JournalEntry,
    correction: CallCorrection,
    shift: Shift,
) -> None:
    """Seal a correction's item with its payload."""
    payload = correction_payload(
        session,
        correction,
        shift,
        head=(entry.seq, entry.hash),
        previous=(row.prev_seq, row.prev_head),
    )
    seal_item(row, entry, payload)


def retry_parked(shop: Shop, actor: Actor, item_ids: Sequence[int]) -> int:
    """An administrator puts parked items back in the queue (journaled)."""
    require_role(actor, Role.ADMIN)
    ids = sorted(set(item_ids))
    with shop.db.write() as s:
        rows = list(
            s.scalars(
                select(SyncOutbox).where(
                    SyncOutbox.id.in_(ids), SyncOutbox.status == OutboxStatus.PARKED.value
                )
            )
        )
        missing = sorted(set(ids) - {r.id for r in rows})
        if missing:
            raise InvalidInput(
                f"no parked outbox item {', '.join(map(str, missing))} (see sync status)"
            )
        for row in rows:
            row.status = OutboxStatus.PENDING.value
        journal.append(
            s, actor, "sync.retry", payload={"items": [[r.id, r.kind, r.key] for r in rows]}
        )
        return len(rows)
