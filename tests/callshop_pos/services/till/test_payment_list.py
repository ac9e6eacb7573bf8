"""shift_payments: the list the cashier reprints receipts from."""

from __future__ import annotations

import pytest

from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payment_list import shift_payments
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import record_call


def test_payments_of_the_open_shift_newest_first(shop: Shop, operator: Actor) -> None:
    assert shift_payments(shop, operator) == []
    shift = open_shift(shop, operator, 0)
    a, b, c = (
        record_call(shop, p, booth=booth) for p, booth in ((100, "B2"), (50, "B1"), (70, "B2"))
    )
    first = pay_calls(shop, operator, [a, b], 200)
    second = pay_calls(shop, operator, [c], 70)
    listed = shift_payments(shop, operator)
    assert [p.payment_id for p in listed] == [second.payment_id, first.payment_id]
    newest, oldest = listed
    assert (oldest.total_minor, oldest.tendered_minor, oldest.change_minor) == (150, 200, 50)
    assert (oldest.call_count, oldest.booths) == (2, ("B1", "B2"))
    assert (newest.call_count, newest.booths, newest.shift_id) == (1, ("B2",), shift.shift.id)
    assert [p.payment_id for p in shift_payments(shop, operator, limit=1)] == [second.payment_id]
    close_shift(shop, operator, 220)
    assert shift_payments(shop, operator) == []
    assert len(shift_payments(shop, operator, shift.shift.id)) == 2


def test_operators_see_only_their_own_shifts(shop: Shop, operator: Actor, admin: Actor) -> None:
    shift = open_shift(shop, operator, 0)
    pay_calls(shop, operator, [record_call(shop, 100)], 100)
    other = users.add_user(shop, admin, "ivan", "ivan-pass-1", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        shift_payments(shop, Actor(other.id, other.username, other.role), shift.shift.id)
    assert len(shift_payments(shop, admin, shift.shift.id)) == 1
