"""What each booth owes: the core's sum of its unserved calls, as PAY would bill it."""

from __future__ import annotations

import pytest

from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.booth_dues import BoothDue, booth_dues
from callshop_pos.services.till.call_status import mark_unpaid
from callshop_pos.services.till.payments import pay_calls, quote_payment
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.till_support import record_call


def test_no_shift_no_dues(shop: Shop, operator: Actor) -> None:
    record_call(shop, 100, booth="B1")
    assert booth_dues(shop, operator) == {}


def test_dues_per_booth_as_pay_would_bill_them(shop: Shop, operator: Actor, admin: Actor) -> None:
    settings_service.update_settings(shop, admin, cash_rounding_unit=5)
    open_shift(shop, operator, 0)
    a1 = record_call(shop, 123, booth="B1")
    a2 = record_call(shop, 201, booth="B1")
    b1 = record_call(shop, 99, booth="B2")
    c1 = record_call(shop, 50, booth="B3")
    record_call(shop, None, booth="B4", answered=False)  # an attempt owes nothing
    pay_calls(shop, operator, [c1], 50)
    dues = booth_dues(shop, operator)
    assert set(dues) == {"B1", "B2"}
    bill = quote_payment(shop, operator, [a1, a2])
    assert dues["B1"] == BoothDue(calls=2, total_minor=bill.total_minor)
    assert dues["B1"].total_minor == 325  # 3.24 rounded to 0.05
    assert dues["B2"] == BoothDue(calls=1, total_minor=100)
    mark_unpaid(shop, operator, [b1], "walked out")
    assert "B2" not in booth_dues(shop, operator)


def test_unrated_calls_are_counted_but_owe_nothing_known(shop: Shop, operator: Actor) -> None:
    open_shift(shop, operator, 0)
    record_call(shop, None, booth="B1")
    record_call(shop, 80, booth="B1")
    due = booth_dues(shop, operator)["B1"]
    assert due.calls == 2
    assert due.unrated == 1
    assert due.total_minor == 80


def test_only_till_users_read_dues(shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        booth_dues(shop, SYSTEM)
