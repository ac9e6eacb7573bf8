"""The prepaid carrier account: top-ups, call costs, adjustments, balance and history.

One account pays for all the shop's calls. A top-up (bank transfer or cash) adds
to it; every answered call's wholesale cost is charged to it when the call ends
(:func:`record_call_cost`, called by the call recorder); an administrator may book a
signed adjustment (e.g. the carrier's own invoice differs). Balance = the sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.models.ledger import LedgerEntry, LedgerKind, TopupMethod
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.fx import cost_minor, rate_from
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.context import Shop
from callshop_pos.textsafe import check_name

__all__ = [
    "LedgerEntryView",
    "LedgerHistory",
    "add_adjustment",
    "add_topup",
    "balance",
    "ledger_history",
    "record_call_cost",
]

#: Largest single top-up accepted (USD 1,000,000): larger is surely a typing error.
MAX_TOPUP_MICRO_USD = 1_000_000 * 1_000_000
#: Longest top-up reference or adjustment reason.
MAX_REFERENCE_LENGTH = 200


@dataclass(frozen=True, slots=True)
class LedgerEntryView:
    id: int
    kind: str
    at: datetime
    value_date: date
    amount_micro_usd: int
    method: str | None
    reference: str
    call_id: int | None


@dataclass(frozen=True, slots=True)
class LedgerHistory:
    """The entries of a period (by value date, both ends included) with their sums."""

    date_from: date | None
    date_to: date | None
    entries: tuple[LedgerEntryView, ...]
    opening_balance_micro_usd: int  # before date_from
    topups_micro_usd: int
    costs_micro_usd: int  # negative or zero
    adjustments_micro_usd: int
    closing_balance_micro_usd: int  # at the end of date_to
    topup_count: int
    call_count: int
    #: The period's call costs in local minor units, each converted at the USD→local
    #: rate in force on its date (rounded per call, as the owner's reports do); costs
    #: dated before the first rate are left out and counted in ``costs_without_rate``.
    costs_local_minor: int
    costs_without_rate: int


def _view(entry: LedgerEntry) -> LedgerEntryView:
    return LedgerEntryView(
        id=entry.id,
        kind=entry.kind,
        at=entry.at,
        value_date=entry.value_date,
        amount_micro_usd=entry.amount_micro_usd,
        method=entry.method,
        reference=entry.reference,
        call_id=entry.call_id,
    )


def local_date(shop: Shop, at: datetime) -> date:
    """The shop's calendar date of a UTC instant."""
    return at.astimezone(ZoneInfo(shop.settings.timezone)).date()


def record_call_cost(session: Session, call: Call, tz: tzinfo) -> LedgerEntry | None:
    """Charge a finished, answered call's wholesale cost to the carrier account (once).

    Returns the new entry (for the caller's journal entry), or None when there is
    nothing to charge (unanswered, no wholesale rate known, or already charged).
    """
    if call.answered_at is None or call.wholesale_micro_usd is None or call.ended_at is None:
        return None
    if session.scalars(select(LedgerEntry.id).where(LedgerEntry.call_id == call.id)).first():
        return None
    when = call.ended_at
    entry = LedgerEntry(
        kind=LedgerKind.CALL_COST.value,
        at=when,
        value_date=when.astimezone(tz).date(),
        amount_micro_usd=-call.wholesale_micro_usd,
        method=None,
        reference=f"call {call.call_ref}",
        call_id=call.id,
    )
    session.add(entry)
    session.flush()
    return entry


def add_topup(
    shop: Shop,
    admin: Actor,
    amount_micro_usd: int,
    value_date: date,
    method: TopupMethod | str,
    reference: str = "",
) -> LedgerEntryView:
    """Record a top-up of the carrier account (administrators only)."""
    require_role(admin, Role.ADMIN)
    if isinstance(amount_micro_usd, bool) or not isinstance(amount_micro_usd, int):
        raise TypeError("amount_micro_usd must be an int (micro-USD)")
    if amount_micro_usd <= 0:
        raise InvalidInput("a top-up must be a positive amount")
    if amount_micro_usd > MAX_TOPUP_MICRO_USD:
        raise InvalidInput("a top-up above USD 1,000,000 is not accepted")
    try:
        method_value = TopupMethod(method).value
    except ValueError:
        raise InvalidInput(f"top-up method must be 'bank' or 'cash', not {method!r}") from None
    if reference.strip():
        reference = check_name(reference, "the reference", max_length=MAX_REFERENCE_LENGTH)
    with shop.db.write() as session:
        entry = LedgerEntry(
            kind=LedgerKind.TOPUP.value,
            at=shop.clock.now(),
            value_date=value_date,
            amount_micro_usd=amount_micro_usd,
            method=method_value,
            reference=reference.strip(),
            actor_id=admin.user_id,
        )
        session.add(entry)
        session.flush()
        journal.append(
            session,
            admin,
            "ledger.topup",
            subject=entry,
            payload={
                "amount_micro_usd": amount_micro_usd,
                "value_date": value_date.isoformat(),
                "method": method_value,
                "reference": entry.reference,
            },
            rows=[entry],
        )
        return _view(entry)


def add_adjustment(
    shop: Shop, admin: Actor, amount_micro_usd: int, value_date: date, reason: str
) -> LedgerEntryView:
    """Book a signed correction of the carrier account (administrators only; reason required)."""
    require_role(admin, Role.ADMIN)
    if isinstance(amount_micro_usd, bool) or not isinstance(amount_micro_usd, int):
        raise TypeError("amount_micro_usd must be an int (micro-USD)")
    if amount_micro_usd == 0:
        raise InvalidInput("an adjustment of zero changes nothing")
    if not reason.strip():
        raise InvalidInput("an adjustment needs a reason")
    reason = check_name(reason, "the reason", max_length=MAX_REFERENCE_LENGTH)
    with shop.db.write() as session:
        entry = LedgerEntry(
            kind=LedgerKind.ADJUSTMENT.value,
            at=shop.clock.now(),
            value_date=value_date,
            amount_micro_usd=amount_micro_usd,
            reference=reason.strip(),
            actor_id=admin.user_id,
        )
        session.add(entry)
        session.flush()
        journal.append(
            session,
            admin,
            "ledger.adjustment",
            subject=entry,
            payload={"amount_micro_usd": amount_micro_usd, "reason": entry.reference},
            rows=[entry],
        )
        return _view(entry)


def balance(shop: Shop, actor: Actor) -> int:
    """The carrier account balance in micro-USD (top-ups − call costs ± adjustments).

    Administrators (and :data:`~callshop_pos.services.auth.SYSTEM`) only: the balance
    reveals what the calls cost. Operators get the low-balance flag from
    :func:`callshop_pos.services.admin.carrier_account.low_balance` instead.
    """
    require_role(actor, Role.ADMIN, Role.SYSTEM)
    with shop.db.read() as session:
        return _sum(session)


def _sum(session: Session, *where: ColumnElement[bool]) -> int:
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount_micro_usd), 0)).where(*where)
    return int(session.scalar(stmt) or 0)


def ledger_history(
    shop: Shop, admin: Actor, date_from: date | None = None, date_to: date | None = None
) -> LedgerHistory:
    """Entries with value dates in ``[date_from, date_to]`` and their sums (administrators)."""
    require_role(admin, Role.ADMIN)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput("the period ends before it starts")
    conds: list[ColumnElement[bool]] = []
    if date_from is not None:
        conds.append(LedgerEntry.value_date >= date_from)
    if date_to is not None:
        conds.append(LedgerEntry.value_date <= date_to)
    with shop.db.read() as session:
        entries = session.scalars(
            select(LedgerEntry).where(*conds).order_by(LedgerEntry.value_date, LedgerEntry.id)
        ).all()
        opening = _sum(session, LedgerEntry.value_date < date_from) if date_from is not None else 0
        rates = [
            (r.effective_on, r.local_per_usd)
            for r in session.scalars(select(FxRate).order_by(FxRate.id))
        ]
    views = tuple(_view(e) for e in entries)
    topups = sum(e.amount_micro_usd for e in views if e.kind == LedgerKind.TOPUP.value)
    costs = sum(e.amount_micro_usd for e in views if e.kind == LedgerKind.CALL_COST.value)
    adjustments = sum(e.amount_micro_usd for e in views if e.kind == LedgerKind.ADJUSTMENT.value)
    local, without_rate = 0, 0
    for e in views:
        if e.kind == LedgerKind.CALL_COST.value:
            rate = rate_from(rates, e.value_date)
            if rate is None:
                without_rate += 1
            else:
                local += cost_minor(-e.amount_micro_usd, rate)
    return LedgerHistory(
        date_from=date_from,
        date_to=date_to,
        entries=views,
        opening_balance_micro_usd=opening,
        topups_micro_usd=topups,
        costs_micro_usd=costs,
        adjustments_micro_usd=adjustments,
        closing_balance_micro_usd=opening + topups + costs + adjustments,
        topup_count=sum(1 for e in views if e.kind == LedgerKind.TOPUP.value),
        call_count=sum(1 for e in views if e.kind == LedgerKind.CALL_COST.value),
        costs_local_minor=local,
        costs_without_rate=without_rate,
    )
