"""The calls as the till, the reports and the receipts see them (read-only views).

The engine records calls (:mod:`callshop_pos.engine_store.call_recorder`); the
services read them back as :class:`CallView` values, which carry no wholesale cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callshop_pos.db.models.calls import Call
from callshop_pos.services.context import Shop

__all__ = ["CallView", "call_view", "calls_value", "get_calls"]


@dataclass(frozen=True, slots=True)
class CallView:
    """A call as the till and the reports show it (money in minor units).

    It deliberately has no wholesale cost: the till's views go to operators, who never
    see what a call cost the shop (that is in the owner's reports, admin only).
    """

    id: int
    call_ref: str
    booth: str
    number: str
    normalized: str | None
    destination: str | None
    prefix: str | None
    price_version_id: int | None
    setup_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_s: int
    billable_s: int
    price_minor: int | None
    offpeak: bool
    end_reason: str | None
    end_side: str | None
    flags: tuple[str, ...]
    state: str
    status: str
    shift_id: int | None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def rated(self) -> bool:
        return self.price_minor is not None


def call_view(call: Call) -> CallView:
    return CallView(
        id=call.id,
        call_ref=call.call_ref,
        booth=call.booth,
        number=call.number,
        normalized=call.normalized,
        destination=call.destination,
        prefix=call.prefix,
        price_version_id=call.price_version_id,
        setup_at=call.setup_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        duration_s=call.duration_s,
        billable_s=call.billable_s,
        price_minor=call.price_minor,
        offpeak=call.offpeak,
        end_reason=call.end_reason,
        end_side=call.end_side,
        flags=tuple(call.flag_list),
        state=call.state,
        status=call.status,
        shift_id=call.shift_id,
    )


def get_calls(shop: Shop, call_ids: Sequence[int]) -> list[CallView]:
    """The calls with these ids, by id (unknown ids are left out; changes nothing).

    The till uses it to show a call the moment the engine reports it finished,
    without re-reading the whole shift.
    """
    ids = sorted({int(i) for i in call_ids})
    if not ids:
        return []
    with shop.db.read() as session:
        rows = session.scalars(select(Call).where(Call.id.in_(ids)).order_by(Call.id))
        return [call_view(c) for c in rows]


def calls_value(calls: Iterable[CallView]) -> int:
    """The priced value of ``calls`` (unrated ones count nothing), as the till shows a
    selection's worth before an action."""
    return sum(c.price_minor or 0 for c in calls)
