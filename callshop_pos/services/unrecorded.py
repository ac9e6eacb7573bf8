"""Unrecorded calls: call events the database refused for good, kept to be resolved.

The line engine retries a record while the database is busy or away; a record the
database refuses however often it is asked (a value out of range, a broken
constraint, a rating that overflows) is set aside here in full — the event as JSON,
the error, when — so it cannot hold up the calls behind it, and start-up recovery
does the same with a call it cannot finish. The cashier and the administrator list
them and resolve each by hand (charge the customer as shown, correct the price list,
...), saying what was done. Every step is journaled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.db.models.calls import UnrecordedCall
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.services.auth import SYSTEM, Actor, require_role
from callshop_pos.services.context import Shop

__all__ = [
    "UnrecordedView",
    "list_unrecorded",
    "resolve_unrecorded",
    "set_aside",
]

#: Longest error text kept (a database error can quote a whole statement).
MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class UnrecordedView:
    id: int
    at: datetime
    booth: str
    call_ref: str
    kind: str
    event: str  # JSON, in full
    error: str
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str


def _view(row: UnrecordedCall) -> UnrecordedView:
    return UnrecordedView(
        id=row.id,
        at=row.at,
        booth=row.booth,
        call_ref=row.call_ref,
        kind=row.kind,
        event=row.event,
        error=row.error,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        resolution=row.resolution,
    )


def set_aside(shop: Shop, booth: str, call_ref: str, kind: str, event: str, error: str) -> int:
    """Keep a refused call event (the engine's actor); returns the row id. Idempotent on
    ``(call_ref, kind)``: setting the same event aside again returns the first row."""
    with shop.db.write() as session:
        key = call_ref[:128]
        found = session.scalars(
            select(UnrecordedCall).where(
                UnrecordedCall.call_ref == key, UnrecordedCall.kind == kind[:16]
            )
        ).one_or_none()
        if found is not None:
            return found.id
        row = UnrecordedCall(
            at=shop.clock.now(),
            booth=booth[:64],
            call_ref=key,
            kind=kind[:16],
            event=event,
            error=error[:MAX_ERROR_CHARS],
            resolved_at=None,
            resolved_by=None,
            resolution="",
        )
        session.add(row)
        session.flush()
        journal.append(
            session,
            SYSTEM,
            "call.unrecorded",
            subject=row,
            payload={
                "booth": row.booth,
                "call_ref": row.call_ref,
                "kind": row.kind,
                "error": row.error,
            },
            rows=[row],
        )
        return row.id


def list_unrecorded(
    shop: Shop, actor: Actor, *, include_resolved: bool = False
) -> list[UnrecordedView]:
    """Unrecorded call events, oldest first (the open ones unless ``include_resolved``);
    for the cashier and the administrator. Changes nothing."""
    require_role(actor, Role.OPERATOR, Role.ADMIN)
    query = select(UnrecordedCall).order_by(UnrecordedCall.id)
    if not include_resolved:
        query = query.where(UnrecordedCall.resolved_at.is_(None))
    with shop.db.read() as session:
        return [_view(row) for row in session.scalars(query)]


def resolve_unrecorded(shop: Shop, actor: Actor, row_id: int, resolution: str) -> UnrecordedView:
    """Mark an unrecorded call event as dealt with, saying how (journaled)."""
    require_role(actor, Role.OPERATOR, Role.ADMIN)
    text = resolution.strip()
    if not text:
        raise InvalidInput("say how the unrecorded call was resolved")
    if len(text) > 500:
        raise InvalidInput("the resolution is at most 500 characters")
    with shop.db.write() as session:
        row = session.get(UnrecordedCall, row_id)
        if row is None:
            raise NotFound(f"no unrecorded call {row_id}")
        if row.resolved_at is not None:
            raise InvalidInput(f"unrecorded call {row_id} is already resolved")
        row.resolved_at = shop.clock.now()
        row.resolved_by = actor.username
        row.resolution = text
        journal.append(
            session,
            actor,
            "call.unrecorded_resolved",
            subject=row,
            payload={"resolution": text},
            rows=[row],
        )
        return _view(row)
