"""The audit journal as the administrator reads it: filtered entries and the chain
status from the verifier, said plainly — admin only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput
from callshop_pos.money import format_minor
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.settings import Settings

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = ["ChainStatus", "JournalLine", "chain_status", "detail_items", "journal_lines"]

#: Most entries one page of the viewer loads (newest first).
MAX_LINES = 5_000


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One entry as the administrator reads it: ``items`` are its details as (name,
    value) pairs in plain words (money as amounts with their currency, a change as
    "old → new"); ``details`` is the same on one line."""

    seq: int
    at: datetime
    user: str
    action: str
    subject: str
    details: str
    items: tuple[tuple[str, str], ...] = ()
    raw: str = ""  # the stored payload (JSON), for the record


_MONEY_SUFFIXES = (("_micro_usd", "usd"), ("_minor", "local"))


def _amount(value: int, money: str, currency: str) -> str:
    if money == "usd":
        whole = format_minor(value, 6)
        head, _, tail = whole.partition(".")
        return f"{head}.{tail.rstrip('0').ljust(2, '0')} USD"
    return f"{format_minor(value, 2)} {currency}"


def _plain(value: Any, money: str | None, currency: str, *, quote: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and money is not None:
        return _amount(value, money, currency)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, money, currency) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v, money, currency)}" for k, v in sorted(value.items()))
    if isinstance(value, str) and quote:
        return f"“{value}”"
    return str(value)


def _name_and_money(key: str) -> tuple[str, str | None]:
    registry = Settings.registry()
    for suffix, money in _MONEY_SUFFIXES:
        if key.endswith(suffix):
            return key.removesuffix(suffix), money
    if key in registry:
        return key, registry[key].money
    return key, None


def detail_items(payload: Any, currency: str) -> tuple[tuple[str, str], ...]:
    """A journal payload as (name, value) pairs in plain words."""
    if not isinstance(payload, dict):
        return () if payload in (None, {}, []) else (("details", _plain(payload, None, currency)),)
    items: list[tuple[str, str]] = []
    for key, value in payload.items():
        name, money = _name_and_money(str(key))
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            old = _plain(value["old"], money, currency, quote=True)
            new = _plain(value["new"], money, currency, quote=True)
            items.append((name, f"{old} → {new}"))
        elif isinstance(value, dict) and value:
            for sub, inner in value.items():
                sub_name, sub_money = _name_and_money(str(sub))
                items.append((f"{name}.{sub_name}", _plain(inner, sub_money or money, currency)))
        else:
            items.append((name, _plain(value, money, currency)))
    return tuple(items)


def _line(e: JournalEntry, currency: str) -> JournalLine:
    raw = e.payload if e.payload not in ("{}", "null") else ""
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw
    items = detail_items(payload, currency)
    return JournalLine(
        seq=e.seq,
        at=e.at,
        user=e.actor_name,
        action=e.action,
        subject=f"{e.subject_type} {e.subject_id}" if e.subject_type else "",
        details=" · ".join(f"{k}: {v}" for k, v in items),
        items=items,
        raw=raw,
    )


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
    currency = shop.settings.currency
    with shop.db.read() as s:
        return [_line(e, currency) for e in s.scalars(stmt)]


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
