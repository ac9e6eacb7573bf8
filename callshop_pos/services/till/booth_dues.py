"""What each booth owes now: its unserved calls of the open shift, billed as PAY would
bill them (the cash rounding included), so a booth tile shows the core's figure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from callshop_pos.db.models.calls import Call, CallState, CallStatus
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.context import Shop
from callshop_pos.services.till.calls import CallView, call_view
from callshop_pos.services.till.payments import cash_unit, compute_bill
from callshop_pos.services.till.shifts import open_shift_row

__all__ = ["BoothDue", "booth_dues"]


@dataclass(frozen=True, slots=True)
class BoothDue:
    """A booth's unserved calls: how many, and the bill of the rated ones.

    ``unrated`` calls have no price yet (an administrator prices them): they are
    counted in ``calls`` and left out of ``total_minor``."""

    calls: int
    total_minor: int
    unrated: int = 0


def booth_dues(shop: Shop, actor: Actor) -> dict[str, BoothDue]:
    """Every booth with unserved answered calls in the open shift (none without one)."""
    require_role(actor, Role.OPERATOR)
    unit = cash_unit(shop)
    by_booth: dict[str, list[CallView]] = {}
    with shop.db.read() as session:
        shift = open_shift_row(session)
        if shift is None:
            return {}
        rows = session.scalars(
            select(Call)
            .where(
                Call.shift_id == shift.id,
                Call.state == CallState.FINISHED.value,
                Call.status == CallStatus.UNSERVED.value,
                Call.answered_at.is_not(None),
                is_till_call(),  # a card's calls are paid from the card
            )
            .order_by(Call.id)
        )
        views = [call_view(c) for c in rows]
    for view in views:
        by_booth.setdefault(view.booth, []).append(view)
    dues: dict[str, BoothDue] = {}
    for booth, calls in by_booth.items():
        rated = [c for c in calls if c.price_minor is not None]
        total = compute_bill(rated, unit).total_minor if rated else 0
        dues[booth] = BoothDue(len(calls), total, len(calls) - len(rated))
    return dues
