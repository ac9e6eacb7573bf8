"""Prepaid-card money in reports, counted apart from the calls paid at the till.

- *sales* and *top-ups* are cash taken at the till in a shift (``card_movements`` with
  the shift's id): they are in the shift's expected cash;
- *debits* are the calls made with cards (their price taken from the card's balance):
  no cash moves; a debit belongs to the shift open when the call ended (if any).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from callshop_pos.db.models.cards import CardMovement, CardMovementKind

__all__ = ["CardCash", "card_cash", "card_totals_between"]


@dataclass(frozen=True, slots=True)
class CardCash:
    sales: int = 0  # cards sold
    sales_minor: int = 0  # their face values (cash in)
    top_ups: int = 0
    top_ups_minor: int = 0  # cash in
    debits: int = 0  # card calls debited
    debits_minor: int = 0  # taken from card balances (no cash)

    @property
    def cash_in_minor(self) -> int:
        """What card sales and top-ups brought into the drawer."""
        return self.sales_minor + self.top_ups_minor

    def plus(self, other: CardCash) -> CardCash:
        return CardCash(
            self.sales + other.sales,
            self.sales_minor + other.sales_minor,
            self.top_ups + other.top_ups,
            self.top_ups_minor + other.top_ups_minor,
            self.debits + other.debits,
            self.debits_minor + other.debits_minor,
        )


def _sums(session: Session, *where: ColumnElement[bool]) -> CardCash:
    def count(kind: CardMovementKind) -> ColumnElement[int]:
        return func.count(case((CardMovement.kind == kind.value, 1)))

    def total(kind: CardMovementKind) -> ColumnElement[int]:
        return func.coalesce(
            func.sum(case((CardMovement.kind == kind.value, CardMovement.amount_minor), else_=0)),
            0,
        )

    row = session.execute(
        select(
            count(CardMovementKind.SALE),
            total(CardMovementKind.SALE),
            count(CardMovementKind.TOP_UP),
            total(CardMovementKind.TOP_UP),
            count(CardMovementKind.DEBIT),
            total(CardMovementKind.DEBIT),
        ).where(*where)
    ).one()
    return CardCash(*(int(v or 0) for v in row))


def card_cash(session: Session, shift_id: int) -> CardCash:
    """The card figures of one shift (one indexed query)."""
    return _sums(session, CardMovement.shift_id == shift_id)


def card_totals_between(session: Session, start: datetime, end: datetime) -> CardCash:
    """The card figures of ``start`` ≤ time < ``end`` (period reports)."""
    return _sums(session, CardMovement.at >= start, CardMovement.at < end)
