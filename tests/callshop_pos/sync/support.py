"""Helpers for the sync tests: a shift with every kind of row, closed through the services."""

from __future__ import annotations

from dataclasses import dataclass

from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till.call_status import mark_unpaid, set_call_status
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import record_call


@dataclass(frozen=True)
class ClosedFixture:
    shift_id: int
    report: ShiftReport
    paid: int
    unpaid: int
    unserved: int
    refunded: int


def close_a_busy_shift(shop: Shop, operator: Actor, *, counted: int | None = None) -> ClosedFixture:
    """Open a shift; record paid, unpaid, unserved, refunded, unrated calls and an
    unanswered attempt; close it (counted cash = expected unless given)."""
    opened = open_shift(shop, operator, 5000)
    paid = record_call(shop, 150, booth="B1")
    unpaid = record_call(shop, 230, booth="B2")
    unserved = record_call(shop, 70, booth="B1")
    refunded = record_call(shop, 333, booth="B2", duration_s=95)
    record_call(shop, None, booth="B1")  # unrated
    record_call(shop, None, booth="B2", answered=False)  # an attempt
    pay_calls(shop, operator, [paid], 200)
    pay_calls(shop, operator, [refunded], 333)
    set_call_status(shop, operator, refunded, "unserved", reason="line was bad")
    mark_unpaid(shop, operator, [unpaid], "owner's friend")
    expected = 5000 + 150  # the refunded payment went back out
    report = close_shift(shop, operator, expected if counted is None else counted)
    return ClosedFixture(opened.shift.id, report, paid, unpaid, unserved, refunded)
