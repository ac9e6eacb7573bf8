"""Shifts: open, adopt waiting calls, X/Z reports, close with a cash check, list, show."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.clock import FakeClock
from callshop_pos.db.models.shifts import Shift
from callshop_pos.errors import CallShopError, InvalidInput, NotFound, PermissionDenied
from callshop_pos.services.admin import users
from callshop_pos.services.auth import SYSTEM, Actor, Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid, set_call_status
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import (
    close_shift,
    current_shift,
    list_shifts,
    open_shift,
    pending_calls,
    shift_calls,
    show_shift,
    x_report,
)
from tests.callshop_pos.services.till_support import record_call


def second_operator(shop: Shop, admin: Actor) -> Actor:
    user = users.add_user(shop, admin, "petra", "petra-pass", Role.OPERATOR)
    return Actor(user.id, user.username, user.role)


def test_open_shift_and_only_one_at_a_time(shop: Shop, operator: Actor, admin: Actor) -> None:
    assert current_shift(shop, operator) is None
    opened = open_shift(shop, operator, 5000)
    assert opened.shift.status == "open"
    assert opened.shift.operator == "olga"
    assert opened.shift.opening_float_minor == 5000
    assert opened.shift.expected_minor == 5000
    assert current_shift(shop, admin) == opened.shift
    with pytest.raises(CallShopError, match="still open"):
        open_shift(shop, admin, 0)


@pytest.mark.parametrize("bad", [-1, 100_000_001])
def test_bad_float_is_refused(shop: Shop, operator: Actor, bad: int) -> None:
    with pytest.raises(InvalidInput):
        open_shift(shop, operator, bad)
    assert current_shift(shop, operator) is None


def test_system_actor_cannot_open_a_shift(shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        open_shift(shop, SYSTEM, 0)


def test_call_without_open_shift_joins_the_next_shift(shop: Shop, operator: Actor) -> None:
    waiting = record_call(shop, 120)
    attempt = record_call(shop, None, answered=False)
    assert [c.id for c in pending_calls(shop)] == [waiting, attempt]
    opened = open_shift(shop, operator, 0)
    assert opened.adopted_call_ids == (waiting, attempt)
    assert opened.shift.call_count == 1  # the unanswered attempt is not a call
    assert opened.shift.attempts == 1
    assert opened.shift.unserved == 1
    assert [c.id for c in shift_calls(shop, operator)] == [waiting]
    assert [c.id for c in shift_calls(shop, operator, include_attempts=True)] == [waiting, attempt]
    assert pending_calls(shop) == []


def test_close_shift_computes_expected_cash_and_discrepancy(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 5000)
    a = record_call(shop, 250, booth="B1", duration_s=90)
    b = record_call(shop, 400, booth="B2", duration_s=120)
    c = record_call(shop, 130, booth="B1", duration_s=30)
    d = record_call(shop, 75, booth="B2", duration_s=20)
    pay_calls(shop, operator, [a, b], 1000)  # 6.50 taken
    pay_calls(shop, operator, [c], 130)
    set_call_status(shop, operator, c, "unpaid", reason="customer had no money after all")
    _ = d  # left unserved
    x = x_report(shop, operator)
    assert x.kind == "X"
    assert x.summary.cash_minor == 650
    report = close_shift(shop, operator, 5640)
    assert report.kind == "Z"
    s = report.summary
    assert s.status == "closed"
    assert s.payments_minor == 780 and s.refunds_minor == 130
    assert s.expected_minor == 5000 + 650
    assert s.counted_minor == 5640
    assert s.discrepancy_minor == -10
    assert (s.call_count, s.paid, s.unpaid, s.unserved) == (4, 2, 1, 1)
    assert s.talk_seconds == 260
    assert [v.id for v in report.unserved_calls] == [d]
    assert [v.id for v in report.unpaid_calls] == [c]
    booths = {b.booth: b for b in report.by_booth}
    assert booths["B1"].calls == 2 and booths["B1"].amount_minor == 380
    assert booths["B1"].paid_minor == 250
    assert booths["B2"].paid_minor == 400 and booths["B2"].unserved == 1
    statuses = {t.status: (t.count, t.amount_minor) for t in report.by_status}
    assert statuses == {"paid": (2, 650), "unpaid": (1, 130), "unserved": (1, 75)}
    with shop.db.read() as session:
        # the hash of the close itself (the Z's backup is journaled after it)
        closes = [e for e in journal.entries(session) if e.action == "shift.close"]
        assert report.journal_head == closes[-1].hash
    assert current_shift(shop, operator) is None


def test_x_report_changes_nothing(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 100)
    record_call(shop, 100)
    with shop.db.read() as session:
        before = journal.head(session)
    x_report(shop, operator)
    with shop.db.read() as session:
        assert journal.head(session) == before


def test_operator_works_only_on_own_shift(shop: Shop, operator: Actor, admin: Actor) -> None:
    petra = second_operator(shop, admin)
    open_shift(shop, operator, 0)
    call = record_call(shop, 100)
    with pytest.raises(PermissionDenied):
        pay_calls(shop, petra, [call], 100)
    with pytest.raises(PermissionDenied):
        mark_unpaid(shop, petra, [call], "no")
    with pytest.raises(PermissionDenied):
        close_shift(shop, petra, 0)
    with pytest.raises(PermissionDenied):
        x_report(shop, petra)
    # an administrator may act on anyone's shift
    pay_calls(shop, admin, [call], 100)
    report = close_shift(shop, admin, 100)
    assert report.summary.discrepancy_minor == 0
    with pytest.raises(PermissionDenied):
        show_shift(shop, petra, report.summary.id)
    assert list_shifts(shop, petra).shifts == ()


def test_list_shifts_by_period_status_and_total(
    shop: Shop, operator: Actor, admin: Actor, clock: FakeClock
) -> None:
    for day, paid in ((5, 200), (6, 300), (7, 500)):
        clock.set(clock.now().replace(day=day, hour=8))
        open_shift(shop, operator, 1000)
        pay_calls(shop, operator, [record_call(shop, paid)], paid)
        record_call(shop, 50)
        if day != 7:
            close_shift(shop, operator, 1000 + paid)
    everything = list_shifts(shop, admin)
    assert [s.opened_at.day for s in everything.shifts] == [7, 6, 5]
    assert everything.total.cash_minor == 1000
    assert everything.total.call_count == 6
    assert everything.total.unserved == 3
    period = list_shifts(shop, admin, date(2026, 1, 6), date(2026, 1, 7))
    assert [s.cash_minor for s in period.shifts] == [500, 300]
    assert period.total.cash_minor == 800
    closed = list_shifts(shop, operator, status="closed")
    assert {s.status for s in closed.shifts} == {"closed"} and len(closed.shifts) == 2
    with pytest.raises(InvalidInput):
        list_shifts(shop, admin, date(2026, 1, 7), date(2026, 1, 6))
    with pytest.raises(InvalidInput):
        list_shifts(shop, admin, status="half-open")


def test_show_shift_has_every_call(shop: Shop, operator: Actor) -> None:
    opened = open_shift(shop, operator, 0)
    a = record_call(shop, 100, booth="B1")
    record_call(shop, None, booth="B2", answered=False)
    u = record_call(shop, None, booth="B2")
    detail = show_shift(shop, operator, opened.shift.id)
    assert [c.id for c in detail.calls] == [a, u]
    assert len(detail.attempts) == 1
    assert detail.calls[1].flags == ("unrated",)
    assert detail.summary.unrated == 1
    # the summary aggregated in SQL equals the one the report computes from the rows
    assert x_report(shop, operator).summary == detail.summary == current_shift(shop, operator)
    with pytest.raises(NotFound):
        show_shift(shop, operator, 999)


def test_one_open_shift_is_enforced_by_the_database(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), shop.db.write() as session:
        first = session.scalars(select(Shift)).one()
        session.add(
            Shift(
                operator_id=first.operator_id,
                status="open",
                opened_at=first.opened_at,
                opening_float_minor=0,
            )
        )
        session.flush()
