"""Hand-over: the outgoing operator's close and the next operator's open in one step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callshop_pos.db.models.booths import BillingMode
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.shifts import Shift
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin import booths, users
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import SYSTEM, Actor, Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import take_deposit
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import (
    current_shift,
    hand_over,
    open_shift,
    shift_owner,
)
from tests.callshop_pos.services.till_support import record_call


def _petra(shop: Shop, admin: Actor) -> Actor:
    user = users.add_user(shop, admin, "petra", "petra-pass", Role.OPERATOR)
    return Actor(user.id, user.username, user.role)


def test_hand_over_closes_and_opens_for_the_next_operator(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    petra = _petra(shop, admin)
    open_shift(shop, operator, 5000)
    call = record_call(shop, 120)
    pay_calls(shop, operator, [call], 200)
    done = hand_over(shop, operator, petra, 5110)
    assert done.closed.kind == "Z"
    assert done.closed.summary.operator == "olga"
    assert done.closed.summary.counted_minor == 5110
    assert done.closed.summary.discrepancy_minor == -10
    assert done.opened.shift.operator == "petra"
    # The cash stays in the drawer: the next shift's float is what was counted.
    assert done.opened.shift.opening_float_minor == 5110
    now = current_shift(shop, petra)
    assert now is not None and now.operator == "petra"
    with shop.db.read() as s:
        actions = [e.action for e in s.scalars(select(JournalEntry).order_by(JournalEntry.seq))]
    close = actions.index("shift.close")
    assert actions[close : close + 3] == ["shift.close", "shift.open", "shift.handover"]
    assert verify(shop).ok


def test_hand_over_with_a_different_float(shop: Shop, operator: Actor, admin: Actor) -> None:
    petra = _petra(shop, admin)
    open_shift(shop, operator, 5000)
    done = hand_over(shop, operator, petra, 5000, opening_float_minor=2000)
    assert done.opened.shift.opening_float_minor == 2000


def test_hand_over_is_refused_whole_when_the_close_is(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    petra = _petra(shop, admin)
    shift = open_shift(shop, operator, 0).shift
    booths.add_booth(
        shop, admin, "P1", billing=BillingMode.PREPAID.value, default_deposit_minor=1000
    )
    take_deposit(shop, operator, "P1", 1000)
    with pytest.raises(InvalidInput, match="deposit still open"):
        hand_over(shop, operator, petra, 1000)
    now = current_shift(shop, operator)
    assert now is not None and now.id == shift.id and now.status == "open"


def test_only_the_shifts_operator_or_an_admin_hands_it_over(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    petra = _petra(shop, admin)
    open_shift(shop, operator, 0)
    with pytest.raises(PermissionDenied):
        hand_over(shop, petra, admin, 0)  # petra cannot close olga's shift
    with pytest.raises(PermissionDenied):
        hand_over(shop, operator, SYSTEM, 0)  # the engine is no till user
    with pytest.raises(InvalidInput, match="another user"):
        hand_over(shop, operator, operator, 0)
    assert current_shift(shop, operator) is not None
    with shop.db.read() as s:
        assert len(list(s.scalars(select(Shift)))) == 1
    done = hand_over(shop, admin, petra, 0)
    assert done.opened.shift.operator == "petra"


def test_bad_float_refuses_the_whole_hand_over(shop: Shop, operator: Actor, admin: Actor) -> None:
    petra = _petra(shop, admin)
    open_shift(shop, operator, 0)
    with pytest.raises(InvalidInput):
        hand_over(shop, operator, petra, 0, opening_float_minor=-5)
    now = current_shift(shop, operator)
    assert now is not None and now.operator == "olga"


def test_shift_owner_says_whose_shift_is_open(shop: Shop, operator: Actor, admin: Actor) -> None:
    petra = _petra(shop, admin)
    assert shift_owner(shop, petra) is None
    opened = open_shift(shop, operator, 0)
    owner = shift_owner(shop, petra)
    assert owner is not None
    assert (owner.shift_id, owner.operator, owner.is_yours) == (opened.shift.id, "olga", False)
    assert owner.opened_at == opened.shift.opened_at
    mine = shift_owner(shop, operator)
    assert mine is not None and mine.is_yours


def test_hand_over_on_postgresql(pg_seeded) -> None:
    shop, admin, olga = pg_seeded
    petra = _petra(shop, admin)
    open_shift(shop, olga, 1000)
    done = hand_over(shop, olga, petra, 1000)
    now = current_shift(shop, petra)
    assert now is not None and now.id == done.opened.shift.id and now.operator == "petra"
    assert verify(shop).ok
