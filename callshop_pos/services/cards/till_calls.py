"""Which calls are the till's: every booth call except those a calling card paid.

A call made with a card is linked to it in ``card_calls`` before the call's first
record is written (the line engine's ``CardStart``), so the link exists whenever the
call row does, also after a crash. The card pays the call (its debit, in the card's
movements); the cashier never collects it: it is never among the shift's calls to
serve, pay or mark unpaid, nor in the call figures of the X/Z and period reports,
nor against a prepaid booth's deposit. The card figures count it instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import CardCall

__all__ = ["card_call_refs", "is_till_call"]


def is_till_call() -> ColumnElement[bool]:
    """A condition on ``Call``: not made with a calling card."""
    return ~exists().where(CardCall.call_ref == Call.call_ref)


def card_call_refs(session: Session, refs: Iterable[str]) -> set[str]:
    """Those of ``refs`` that are calls made with a card."""
    wanted = list(dict.fromkeys(refs))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(session.scalars(select(CardCall.call_ref).where(CardCall.call_ref.in_(chunk))))
    return found
