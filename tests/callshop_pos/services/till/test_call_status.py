"""Call status in the open shift: unpaid, back to unserved, refunds."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callshop_pos.db.models.calls import Call, CallChange
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid, set_call_status
from callshop_pos.services.till.corrections import (
    call_history,
)
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import current_shift, open_shift
from tests.callshop_pos.services.till_support import record_call


def use_cash_unit(shop: Shop, unit: int) -> None:
    shop.use_settings(shop.settings.replace(cash_rounding_unit=unit))


def call_status(shop: Shop, call_id: int) -> str:
    with shop.db.read() as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call.status


def test_mark_unpaid_needs_a_reason(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    call = record_call(shop, 100)
    with pytest.raises(InvalidInput, match="reason"):
        mark_unpaid(shop, operator, [call], "   ")
    change = mark_unpaid(shop, operator, [call], "regular customer, pays tomorrow")
    assert change.refunds == ()
    assert [c.status for c in change.calls] == ["unpaid"]
    with pytest.raises(InvalidInput, match="already unpaid"):
        mark_unpaid(shop, operator, [call], "again")


def test_paid_to_unpaid_refunds_and_back_pays_again(shop: Shop, operator: Actor) -> None:
    use_cash_unit(shop, 5)
    open_shift(shop, operator, 1000)
    a, b = record_call(shop, 123), record_call(shop, 201)
    pay_calls(shop, operator, [a, b], 325)  # 3.24 → 3.25
    change = set_call_status(shop, operator, a, "unpaid", reason="wrong booth charged")
    assert [(r.call_id, r.amount_minor, r.total_minor) for r in change.refunds] == [(a, 123, 125)]
    summary = current_shift(shop, operator)
    assert summary is not None
    assert (summary.payments_minor, summary.refunds_minor, summary.expected_minor) == (
        325,
        125,
        1200,
    )
    again = set_call_status(shop, operator, a, "paid", tendered_minor=200)
    assert again.payment is not None
    assert (again.payment.total_minor, again.payment.change_minor) == (125, 75)
    summary = current_shift(shop, operator)
    assert summary is not None and summary.expected_minor == 1325
    with shop.db.read() as session:
        history = session.scalars(
            select(CallChange).where(CallChange.call_id == a).order_by(CallChange.id)
        ).all()
        assert [(h.old_status, h.new_status) for h in history] == [
            ("unserved", "paid"),
            ("paid", "unpaid"),
            ("unpaid", "paid"),
        ]
        assert history[1].refund_id is not None and history[2].payment_id is not None
    steps = call_history(shop, operator, a)
    assert [(h.kind, h.new_status, h.amount_minor, h.actor) for h in steps] == [
        ("status", "paid", 123, "olga"),
        ("status", "unpaid", -123, "olga"),
        ("status", "paid", 123, "olga"),
    ]
    assert steps[1].reason == "wrong booth charged"


def test_status_change_rules(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    call = record_call(shop, 100)
    with pytest.raises(InvalidInput, match="already unserved"):
        set_call_status(shop, operator, call, "unserved", reason="x")
    with pytest.raises(InvalidInput, match="unknown call status"):
        set_call_status(shop, operator, call, "stolen", reason="x")
    set_call_status(shop, operator, call, "paid")
    with pytest.raises(InvalidInput, match="reason"):
        set_call_status(shop, operator, call, "unserved")
    back = set_call_status(shop, operator, call, "unserved", reason="paid the wrong call")
    assert back.refunded_minor == 100


def test_quote_refund_is_the_refund_recorded(shop: Shop, operator: Actor) -> None:
    from callshop_pos.services.till.call_status import quote_refund
    from callshop_pos.services.till.calls import calls_value, get_calls

    use_cash_unit(shop, 5)
    open_shift(shop, operator, 0)
    paid = record_call(shop, 137)
    unserved = record_call(shop, 90)
    pay_calls(shop, operator, [paid], 200)
    assert quote_refund(shop, operator, [paid, unserved]) == 135  # rounded like the refund
    assert calls_value(get_calls(shop, [paid, unserved])) == 227
    before = current_shift(shop, operator)
    assert before is not None and before.refunds_minor == 0  # quoting changed nothing
    change = mark_unpaid(shop, operator, [paid, unserved], "Charged by mistake")
    assert change.refunded_minor == 135
    after = current_shift(shop, operator)
    assert after is not None and after.difference_if_counted(0) == -after.expected_minor


def test_back_to_unserved_moves_several_calls_at_once(shop: Shop, operator: Actor) -> None:
    from callshop_pos.services.admin.verify import verify
    from callshop_pos.services.till.call_status import back_to_unserved

    open_shift(shop, operator, 0)
    paid = record_call(shop, 150)
    unpaid = record_call(shop, 90)
    pay_calls(shop, operator, [paid], 150)
    mark_unpaid(shop, operator, [unpaid], "staff")
    with pytest.raises(InvalidInput, match="reason"):
        back_to_unserved(shop, operator, [paid, unpaid], " ")
    change = back_to_unserved(shop, operator, [paid, unpaid], "Marked by mistake")
    assert [c.status for c in change.calls] == ["unserved", "unserved"]
    assert change.refunded_minor == 150
    assert (call_status(shop, paid), call_status(shop, unpaid)) == ("unserved", "unserved")
    with pytest.raises(InvalidInput, match="already unserved"):
        back_to_unserved(shop, operator, [paid], "again")
    assert verify(shop).ok
