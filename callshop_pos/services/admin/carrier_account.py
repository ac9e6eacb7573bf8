"""The carrier account as the administrator and the cashier window see it.

- :func:`topups` — the top-ups of a chosen period and their sum (admin only). It
  reads only top-up rows (the ledger also holds one cost row per call, which the
  account screen does not need to load).
- :func:`low_balance` — what the cashier window polls: whether the balance is under
  the administrator's threshold. Any logged-in role may ask; operators get the
  warning without the amount (the balance reveals wholesale spending).

Top-ups themselves are booked by :func:`callshop_pos.services.admin.ledger.add_topup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos.db.models.ledger import LedgerEntry, LedgerKind
from callshop_pos.db.models.users import Role, User
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor, require_role

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = ["LowBalance", "Topup", "TopupList", "low_balance", "topups"]


@dataclass(frozen=True, slots=True)
class Topup:
    id: int
    value_date: date
    recorded_at: datetime
    amount_micro_usd: int
    method: str  # "bank" or "cash"
    reference: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class TopupList:
    """Top-ups with value dates in ``date_from``..``date_to`` (both included)."""

    date_from: date
    date_to: date
    entries: tuple[Topup, ...]
    total_micro_usd: int
    balance_micro_usd: int  # the account now
    calls_cost_micro_usd: int = 0  # charged for calls in the period (zero or negative)
    calls_charged: int = 0


@dataclass(frozen=True, slots=True)
class LowBalance:
    """The cashier window's warning. ``balance_micro_usd`` is None for operators."""

    low: bool
    threshold_micro_usd: int | None
    balance_micro_usd: int | None


def _balance(session: Session) -> int:
    total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_micro_usd), 0)))
    return int(total or 0)


def topups(shop: Shop, admin: Actor, date_from: date, date_to: date) -> TopupList:
    """The top-ups of a period with their sum, and the current balance (admin only)."""
    require_role(admin, Role.ADMIN)
    if date_from > date_to:
        raise InvalidInput("the period ends before it starts")
    stmt = (
        select(LedgerEntry, User.username)
        .outerjoin(User, User.id == LedgerEntry.actor_id)
        .where(
            LedgerEntry.kind == LedgerKind.TOPUP.value,
            LedgerEntry.value_date >= date_from,
            LedgerEntry.value_date <= date_to,
        )
        .order_by(LedgerEntry.value_date, LedgerEntry.id)
    )
    with shop.db.read() as session:
        entries = tuple(
            Topup(
                id=e.id,
                value_date=e.value_date,
                recorded_at=e.at,
                amount_micro_usd=e.amount_micro_usd,
                method=e.method or "",
                reference=e.reference,
                recorded_by=name or "",
            )
            for e, name in session.execute(stmt)
        )
        balance = _balance(session)
        cost, count = session.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount_micro_usd), 0), func.count()).where(
                LedgerEntry.kind == LedgerKind.CALL_COST.value,
                LedgerEntry.value_date >= date_from,
                LedgerEntry.value_date <= date_to,
            )
        ).one()
    return TopupList(
        date_from,
        date_to,
        entries,
        sum(t.amount_micro_usd for t in entries),
        balance,
        int(cost),
        int(count),
    )


def low_balance(shop: Shop, actor: Actor) -> LowBalance:
    """Whether the carrier account is below the low-balance threshold (cheap; poll it).

    A threshold of 0 switches the warning off.
    """
    require_role(actor, Role.OPERATOR)
    threshold = shop.settings.low_balance_threshold_micro_usd
    with shop.db.read() as session:
        balance = _balance(session)
    low = threshold > 0 and balance < threshold
    if actor.role is Role.ADMIN:
        return LowBalance(low, threshold, balance)
    return LowBalance(low, None, None)
