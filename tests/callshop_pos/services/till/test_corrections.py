"""Corrections of closed shifts as new entries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.calls import Call, CallCorrection
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid, set_call_status
from callshop_pos.services.till.corrections import (
    call_history,
    correct_closed_shift_call,
)
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift, show_shift
from tests.callshop_pos.services.till_support import record_call


def call_status(shop: Shop, call_id: int) -> str:
    with shop.db.read() as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call.status


def test_closed_shift_is_immutable_and_corrections_are_new_entries(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    opened = open_shift(shop, operator, 0)
    paid, unpaid, unserved = record_call(shop, 100), record_call(shop, 200), record_call(shop, 300)
    pay_calls(shop, operator, [paid], 100)
    mark_unpaid(shop, operator, [unpaid], "friend of the owner")
    close_shift(shop, operator, 100)
    for action in (
        lambda: pay_calls(shop, admin, [unserved], 300),
        lambda: mark_unpaid(shop, admin, [paid], "x"),
        lambda: set_call_status(shop, admin, paid, "unpaid", reason="x"),
        lambda: close_shift(shop, admin, 0),
    ):
        with pytest.raises(InvalidInput):
            action()
    with pytest.raises(PermissionDenied):
        correct_closed_shift_call(shop, operator, unserved, "paid", "found the money")
    with pytest.raises(InvalidInput, match="reason"):
        correct_closed_shift_call(shop, admin, unserved, "paid", "")
    fix = correct_closed_shift_call(shop, admin, unserved, "paid", "money was in the drawer")
    assert (fix.old_status, fix.new_status, fix.amount_minor) == ("unserved", "paid", 300)
    undo = correct_closed_shift_call(shop, admin, paid, "unpaid", "customer's money was false")
    assert undo.amount_minor == -100
    with pytest.raises(InvalidInput, match="already paid"):
        correct_closed_shift_call(shop, admin, unserved, "paid", "twice")
    detail = show_shift(shop, admin, opened.shift.id)
    # the closed shift's figures and calls are exactly as at close
    assert [c.status for c in detail.calls] == ["paid", "unpaid", "unserved"]
    assert detail.summary.cash_minor == 100 and detail.summary.discrepancy_minor == 0
    assert detail.summary.corrections_minor == 200
    with shop.db.read() as session:
        assert session.scalar(select(func.count(CallCorrection.id))) == 2
    assert [
        (h.kind, h.old_status, h.new_status, h.amount_minor, h.actor)
        for h in call_history(shop, admin, paid)
    ] == [
        ("status", "unserved", "paid", 100, "olga"),
        ("correction", "paid", "unpaid", -100, "admin"),
    ]
