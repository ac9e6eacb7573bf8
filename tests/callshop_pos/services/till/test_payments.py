"""Paying calls, cash rounding, tendered/change, unpaid and refunds, pricing unrated
calls, the closed shift's immutability and administrators' corrections."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from callshop_pos import journal
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.payments import Payment, PaymentLine, Refund
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid, set_call_status
from callshop_pos.services.till.corrections import (
    correct_closed_shift_call,
    price_unrated_call,
)
from callshop_pos.services.till.payments import pay_calls, quote_payment
from callshop_pos.services.till.shifts import close_shift, current_shift, open_shift
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import SeededShop


def use_cash_unit(shop: Shop, unit: int) -> None:
    shop.use_settings(shop.settings.replace(cash_rounding_unit=unit))


def call_status(shop: Shop, call_id: int) -> str:
    with shop.db.read() as session:
        call = session.get(Call, call_id)
        assert call is not None
        return call.status


def test_pay_one_call_with_change(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 2000)
    call = record_call(shop, 137)
    result = pay_calls(shop, operator, [call], 500)
    assert result.total_minor == 137
    assert result.bill.rounding_minor == 0
    assert (result.tendered_minor, result.change_minor) == (500, 363)
    assert [c.status for c in result.calls] == ["paid"]
    assert call_status(shop, call) == "paid"
    summary = current_shift(shop, operator)
    assert summary is not None and summary.expected_minor == 2137


def test_pay_several_calls_rounding_is_its_own_line(shop: Shop, operator: Actor) -> None:
    use_cash_unit(shop, 5)
    open_shift(shop, operator, 0)
    calls = [record_call(shop, p) for p in (123, 201, 50)]  # 3.74
    bill = quote_payment(shop, operator, calls)
    assert [line.amount_minor for line in bill.lines] == [123, 201, 50]
    assert (bill.subtotal_minor, bill.rounding_minor, bill.total_minor) == (374, 1, 375)
    result = pay_calls(shop, operator, calls, 400)
    assert result.bill == bill
    assert result.change_minor == 25
    with shop.db.read() as session:
        lines = session.scalars(
            select(PaymentLine).where(PaymentLine.payment_id == result.payment_id)
        ).all()
        assert sorted((ln.kind, ln.amount_minor) for ln in lines) == [
            ("call", 50),
            ("call", 123),
            ("call", 201),
            ("rounding", 1),
        ]
        assert sum(ln.amount_minor for ln in lines) == 375


def test_the_bill_shown_is_the_bill_paid(shop: Shop, operator: Actor) -> None:
    use_cash_unit(shop, 5)
    open_shift(shop, operator, 0)
    calls = [record_call(shop, p) for p in (123, 201)]  # 3.24 -> 3.25
    shown = quote_payment(shop, operator, calls)
    result = pay_calls(shop, operator, shown, 325)
    assert result.bill == shown
    assert result.change_minor == 0


def test_a_bill_that_changed_since_it_was_shown_is_refused(shop: Shop, operator: Actor) -> None:
    use_cash_unit(shop, 5)
    open_shift(shop, operator, 0)
    calls = [record_call(shop, p) for p in (123, 201)]
    shown = quote_payment(shop, operator, calls)  # 3.25
    use_cash_unit(shop, 10)  # the rounding changes while the customer counts coins: 3.20
    with pytest.raises(InvalidInput, match="bill changed"):
        pay_calls(shop, operator, shown, 325)
    with shop.db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0
    assert [call_status(shop, c) for c in calls] == ["unserved", "unserved"]
    again = quote_payment(shop, operator, calls)
    assert pay_calls(shop, operator, again, 320).bill.total_minor == 320


def test_tendered_below_the_shown_bill_is_refused_before_the_fiscal_device(
    shop: Shop, operator: Actor
) -> None:
    class RefusingDevice:
        called = False

        def before_payment(self, *args: object) -> None:
            RefusingDevice.called = True

        def link_payment(self, *args: object) -> list[object]:
            return []

    open_shift(shop, operator, 0)
    call = record_call(shop, 300)
    shown = quote_payment(shop, operator, [call])
    with pytest.raises(InvalidInput, match="less than the total"):
        pay_calls(shop, operator, shown, 299, fiscal=RefusingDevice())
    assert not RefusingDevice.called
    assert call_status(shop, call) == "unserved"


def test_rounding_down(shop: Shop, operator: Actor) -> None:
    use_cash_unit(shop, 5)
    open_shift(shop, operator, 0)
    bill = quote_payment(shop, operator, [record_call(shop, 122)])
    assert (bill.rounding_minor, bill.total_minor) == (-2, 120)


def test_tendered_below_total_changes_nothing(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    call = record_call(shop, 300)
    with pytest.raises(InvalidInput, match="less than the total"):
        pay_calls(shop, operator, [call], 299)
    assert call_status(shop, call) == "unserved"
    with shop.db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0


@pytest.mark.parametrize("ids", [[], [1, 1]])
def test_bad_selection(shop: Shop, operator: Actor, ids: list[int]) -> None:
    open_shift(shop, operator, 0)
    record_call(shop, 100)
    with pytest.raises(InvalidInput):
        pay_calls(shop, operator, ids, 1000)


def test_unknown_call(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    with pytest.raises(NotFound):
        pay_calls(shop, operator, [42], 1000)


def test_cannot_pay_twice_or_without_shift(shop: Shop, operator: Actor) -> None:
    call = record_call(shop, 100)
    with pytest.raises(InvalidInput, match="no shift is open"):
        pay_calls(shop, operator, [call], 100)
    open_shift(shop, operator, 0)
    pay_calls(shop, operator, [call], 100)
    with pytest.raises(InvalidInput, match="already paid"):
        pay_calls(shop, operator, [call], 100)


def test_unanswered_attempt_is_not_payable(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    attempt = record_call(shop, None, answered=False)
    with pytest.raises(InvalidInput, match="never answered"):
        pay_calls(shop, operator, [attempt], 100)
    with pytest.raises(InvalidInput, match="never answered"):
        mark_unpaid(shop, operator, [attempt], "nothing")
    summary = current_shift(shop, operator)
    assert summary is not None and (summary.call_count, summary.attempts) == (0, 1)


def test_unrated_call_needs_an_admin_price(shop: Shop, operator: Actor, admin: Actor) -> None:
    open_shift(shop, operator, 0)
    call = record_call(shop, None)
    with pytest.raises(InvalidInput, match="unrated"):
        pay_calls(shop, operator, [call], 1000)
    with pytest.raises(PermissionDenied):
        price_unrated_call(shop, operator, call, 250, "looked it up")
    with pytest.raises(InvalidInput, match="reason"):
        price_unrated_call(shop, admin, call, 250, "  ")
    view = price_unrated_call(shop, admin, call, 250, "carrier rate for satellite phones")
    assert view.price_minor == 250
    assert view.flags == ("unrated", "manual_price")
    with pytest.raises(InvalidInput, match="already has a price"):
        price_unrated_call(shop, admin, call, 300, "again")
    assert pay_calls(shop, operator, [call], 250).total_minor == 250


def test_every_money_action_is_journaled(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    call = record_call(shop, 100)
    pay_calls(shop, operator, [call], 100)
    set_call_status(shop, operator, call, "unpaid", reason="refund")
    with shop.db.read() as session:
        actions = [e.action for e in journal.entries(session)]
    assert actions[-2:] == ["payment", "call.status"]
    assert "shift.open" in actions and "call.ended" in actions


# ------------------------------------------------------------------ property


_operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "unpaid", "unserved", "repay"]),
        st.integers(0, 9),
        st.integers(0, 500),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prices=st.lists(st.integers(0, 5_000), min_size=1, max_size=10),
    unit=st.sampled_from([1, 5, 10, 50]),
    ops=_operations,
)
def test_cash_totals_equal_an_independent_decimal_computation(
    shop: Shop, operator: Actor, prices: list[int], unit: int, ops: list[tuple[str, int, int]]
) -> None:
    if current_shift(shop, operator) is not None:
        close_shift(shop, operator, 0)
    use_cash_unit(shop, unit)
    open_shift(shop, operator, 1_000)
    ids = [record_call(shop, p) for p in prices]
    state = {i: "unserved" for i in ids}
    price = dict(zip(ids, prices, strict=True))
    q = Decimal(unit) / 100

    def cash(minor: int) -> Decimal:  # rounding to the cash unit, half-up, in Decimal
        return ((Decimal(minor) / 100) / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q

    expected = Decimal("10.00")
    for op, pick, extra in ops:
        cid = ids[pick % len(ids)]
        if op in ("pay", "repay") and state[cid] != "paid":
            due = cash(price[cid])
            tendered = int(due * 100) + extra
            result = pay_calls(shop, operator, [cid], tendered)
            assert Decimal(result.change_minor) / 100 == Decimal(tendered) / 100 - due
            expected += due
            state[cid] = "paid"
        elif op in ("unpaid", "unserved") and state[cid] != op:
            change = set_call_status(shop, operator, cid, op, reason="property test")
            if state[cid] == "paid":
                assert Decimal(change.refunded_minor) / 100 == cash(price[cid])
                expected -= cash(price[cid])
            state[cid] = op
    summary = current_shift(shop, operator)
    assert summary is not None
    assert Decimal(summary.expected_minor) / 100 == expected
    report = close_shift(shop, operator, int(expected * 100))
    assert report.summary.discrepancy_minor == 0
    assert report.summary.paid == sum(1 for s in state.values() if s == "paid")
    with shop.db.read() as session:
        lines_total = (
            session.scalar(
                select(func.sum(PaymentLine.amount_minor))
                .join(Payment, Payment.id == PaymentLine.payment_id)
                .where(Payment.shift_id == report.summary.id)
            )
            or 0
        )
        refunds = (
            session.scalar(
                select(func.sum(Refund.total_minor)).where(Refund.shift_id == report.summary.id)
            )
            or 0
        )
    assert 1_000 + lines_total - refunds == report.summary.expected_minor


@pytest.mark.postgres
def test_whole_shift_on_postgresql(pg_seeded: SeededShop) -> None:
    from callshop_pos.services.admin.verify import verify

    pg_shop, admin, operator = pg_seeded
    use_cash_unit(pg_shop, 5)
    waiting = record_call(pg_shop, 123)
    opened = open_shift(pg_shop, operator, 2000)
    assert opened.adopted_call_ids == (waiting,)
    with pytest.raises(InvalidInput, match="still open"):
        open_shift(pg_shop, admin, 0)
    other = record_call(pg_shop, None)
    price_unrated_call(pg_shop, admin, other, 201, "manual")
    paid = pay_calls(pg_shop, operator, [waiting, other], 500)
    assert (paid.bill.total_minor, paid.change_minor) == (325, 175)
    refund = set_call_status(pg_shop, operator, waiting, "unpaid", reason="dropped line")
    assert refund.refunded_minor == 125
    report = close_shift(pg_shop, operator, 2200)
    assert (report.summary.expected_minor, report.summary.discrepancy_minor) == (2200, 0)
    correct_closed_shift_call(pg_shop, admin, waiting, "paid", "came back and paid")
    assert verify(pg_shop).ok
