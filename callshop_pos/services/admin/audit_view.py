"""The audit journal as the administrator reads it: filtered entries and the chain
status from the verifier, said plainly — admin only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, require_role

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = ["ChainStatus", "JournalLine", "chain_status", "journal_lines"]

#: Most entries one page of the viewer loads (newest first).
MAX_LINES = 5_000


@dataclass(frozen=True, slots=True)
class JournalLine:
    seq: int
    at: datetime
    user: str
    action: str
    subject: str
    details: str


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """``intact`` or broken at ``broken_at`` (the first broken entry), with a sentence."""

    intact: bool
    entries: int
    broken_at: int | None
    text: str


def journal_lines(
    shop: Shop,
    actor: Actor,
    *,
    user: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = MAX_LINES,
) -> list[JournalLine]:
    """Entries, newest first, filtered by user name (exact), action (prefix, e.g.
    ``"prices"``) and local dates (both included). Admin only."""
    require_role(actor, Role.ADMIN)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput("the period ends before it starts")
    tz = ZoneInfo(shop.settings.timezone)
    stmt = select(JournalEntry).order_by(JournalEntry.seq.desc()).limit(min(limit, MAX_LINES))
    if user.strip():
        stmt = stmt.where(JournalEntry.actor_name == user.strip())
    if action.strip():
        stmt = stmt.where(JournalEntry.action.startswith(action.strip(), autoescape=True))
    if date_from is not None:
        start = datetime.combine(date_from, time(0), tzinfo=tz).astimezone(UTC)
        stmt = stmt.where(JournalEntry.at >= start)
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        stmt = stmt.where(JournalEntry.at < end)
    with shop.db.read() as s:
        return [
            JournalLine(
                seq=e.seq,
                at=e.at,
                user=e.actor_name,
                action=e.action,
                subject=f"{e.subject_type} {e.subject_id}" if e.subject_type else "",
                details=e.payload if e.payload not in ("{}", "null") else "",
            )
            for e in s.scalars(stmt)
        ]


def chain_status(shop: Shop, actor: Actor) -> ChainStatus:
    """Run the verifier over the whole journal and every journaled row (admin only)."""
    require_role(actor, Role.ADMIN)
    report = verify(shop)
    if report.ok:
        return ChainStatus(
            True,
            report.entries,
            None,
            f"Intact — {report.entries} entries and {report.rows_checked} money rows check out",
        )
    first = report.first_broken
    assert first is not None
    where = f"entry {first.seq}" if first.seq is not None else "a row no entry covers"
    return ChainStatus(False, report.entries, first.seq, f"BROKEN at {where}: {first.message}")
