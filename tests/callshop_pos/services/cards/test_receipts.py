"""A card sold or topped up at the till has a receipt like a payment's: the shop, the
card's serial (never its PIN), the amount, cash and change, the cashier, the shop's
local time; printed and reprinted (as a copy) with every print journaled."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.db.models.cards import CardMovement
from callshop_pos.db.models.devices import FiscalSale, PrintLog
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import NotFound, PermissionDenied
from callshop_pos.receipts.layout import layout_receipt, plain_text
from callshop_pos.receipts.model import ReceiptCardLine
from callshop_pos.receipts.ports import DeviceError
from callshop_pos.services.admin import users
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.cards.engine import CardGrant, authorize, debit
from callshop_pos.services.cards.till import quote_top_up, sell_card, top_up_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.fiscal import FiscalGate
from callshop_pos.services.till.payment_list import shift_card_sales
from callshop_pos.services.till.printing import (
    card_receipt,
    print_card_receipt,
)
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.cards.cards_support import Printed, make_batch
from tests.callshop_pos.services.till.test_fiscal import CONFIG, FakeFiscalDevice
from tests.callshop_pos.services.till.test_printing import Printer


@pytest.fixture
def printed(shop: Shop, admin: Actor, tmp_path: Path) -> Printed:
    return make_batch(shop, admin, tmp_path / "sheets", quantity=2, face_value_minor=1000)


def sold(shop: Shop, operator: Actor, printed: Printed) -> int:
    shop.use_settings(
        shop.settings.replace(
            shop_name="Телефонен център", shop_address="ул. Витоша 1; София", language="bg"
        )
    )
    open_shift(shop, operator, 5000)
    return sell_card(shop, operator, printed.cards[0][0], 2000).movement_id


def test_a_card_sale_has_a_receipt(shop: Shop, operator: Actor, printed: Printed) -> None:
    serial, pin = printed.cards[0]
    movement_id = sold(shop, operator, printed)
    r = card_receipt(shop, operator, movement_id, copy=False)
    assert r.number == f"K{movement_id:06d}" and r.operator == "olga" and not r.is_copy
    assert r.lines == (ReceiptCardLine(kind="sale", serial=serial, price_minor=1000),)
    assert (r.subtotal_minor, r.rounding_minor, r.total_minor) == (1000, 0, 1000)
    assert (r.tendered_minor, r.change_minor) == (2000, 1000)
    assert r.shop.name == "Телефонен център" and r.shop.address == ("ул. Витоша 1", "София")
    assert r.issued_at.tzname() == "EET" and r.issued_at.hour == 11  # 09:00 UTC in Sofia
    assert r.bgn_equivalent_minor == 1956  # 10.00 EUR × 1.95583
    for language, item, serial_label in (
        ("bg", "Предплатена фонокарта", "Сериен №"),
        ("en", "Prepaid calling card", "Serial No."),
    ):
        text = plain_text(layout_receipt(r, 42, language=language))
        assert item in text and f"{serial_label} {serial}" in text
        assert "10.00" in text and "20.00" in text and "olga" in text and "11:00" in text
        assert pin not in text


def test_a_top_up_has_a_receipt(shop: Shop, operator: Actor, printed: Printed) -> None:
    sold(shop, operator, printed)
    shop.use_settings(shop.settings.replace(card_top_up=True))
    serial = printed.cards[0][0]
    top_up = top_up_card(shop, operator, quote_top_up(shop, operator, serial, 500))
    r = card_receipt(shop, operator, top_up.movement_id, copy=False)
    assert r.lines == (ReceiptCardLine(kind="top_up", serial=serial, price_minor=500),)
    assert (r.total_minor, r.tendered_minor, r.change_minor) == (500, 500, 0)
    text = plain_text(layout_receipt(r, 42, language="en"))
    assert "Calling card top-up" in text and serial in text


def test_print_and_reprint_are_journaled(shop: Shop, operator: Actor, printed: Printed) -> None:
    movement_id = sold(shop, operator, printed)
    printer = Printer()
    print_card_receipt(shop, operator, printer, movement_id)
    print_card_receipt(shop, operator, printer, movement_id, copy=True, target="system")
    assert [(r.is_copy, r.number) for r, _kick in printer.receipts] == [
        (False, f"K{movement_id:06d}"),
        (True, f"K{movement_id:06d}"),
    ]
    with shop.db.read() as s:
        logs = s.scalars(select(PrintLog).order_by(PrintLog.id)).all()
        assert [(p.document, p.subject_id, p.copy, p.ok, p.target) for p in logs] == [
            ("card_receipt", movement_id, False, True, "escpos"),
            ("card_receipt", movement_id, True, True, "system"),
        ]
        entries = s.scalars(
            select(JournalEntry).where(JournalEntry.action == "print.card_receipt")
        ).all()
        assert [(e.subject_type, e.subject_id) for e in entries] == [
            ("card_movements", str(movement_id))
        ] * 2
    assert verify(shop).ok


def test_a_failed_print_is_journaled(shop: Shop, operator: Actor, printed: Printed) -> None:
    movement_id = sold(shop, operator, printed)
    with pytest.raises(DeviceError):
        print_card_receipt(shop, operator, Printer(fail=True), movement_id)
    with shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
        assert (log.document, log.ok) == ("card_receipt", False) and "paper out" in log.detail


def test_only_cash_movements_have_receipts(
    shop: Shop, operator: Actor, printed: Printed, system: Actor
) -> None:
    movement_id = sold(shop, operator, printed)
    grant = authorize(shop, system, printed.cards[0][1], "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    debit(shop, system, grant.card_id, "call-1", 100, booth="B1")
    with shop.db.read() as s:
        debit_id = s.scalar(select(CardMovement.id).where(CardMovement.kind == "debit"))
    assert debit_id is not None and debit_id != movement_id
    with pytest.raises(NotFound):
        card_receipt(shop, operator, debit_id, copy=True)
    with pytest.raises(NotFound):
        card_receipt(shop, operator, 999, copy=True)


def test_another_cashier_sees_no_receipt_of_my_shift(
    shop: Shop, admin: Actor, operator: Actor, printed: Printed
) -> None:
    movement_id = sold(shop, operator, printed)
    info = users.add_user(shop, admin, "ivan", "ivan-pass-1", Role.OPERATOR)
    ivan = Actor(user_id=info.id, username="ivan", role=Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        card_receipt(shop, ivan, movement_id, copy=True)
    assert card_receipt(shop, admin, movement_id, copy=True).is_copy


def test_a_closed_shift_lists_its_card_receipts(
    shop: Shop, operator: Actor, printed: Printed
) -> None:
    first = sold(shop, operator, printed)
    second = sell_card(shop, operator, printed.cards[1][0]).movement_id
    shift_id = close_shift(shop, operator, 7000).summary.id
    listed = shift_card_sales(shop, operator, shift_id)
    assert [(c.movement_id, c.serial, c.kind, c.amount_minor) for c in listed] == [
        (second, printed.cards[1][0], "sale", 1000),
        (first, printed.cards[0][0], "sale", 1000),
    ]
    assert shift_card_sales(shop, operator) == []  # no open shift


def test_a_fiscally_registered_sale_carries_its_sale_number(
    shop: Shop, operator: Actor, printed: Printed
) -> None:
    open_shift(shop, operator, 0)
    gate = FiscalGate(FakeFiscalDevice(), CONFIG)
    sale = sell_card(shop, operator, printed.cards[0][0], 1000, fiscal=gate)
    with shop.db.read() as s:
        fiscal = s.get(FiscalSale, sale.fiscal_sale_id)
        assert fiscal is not None and fiscal.unique_sale_number
        number = fiscal.unique_sale_number
    assert card_receipt(shop, operator, sale.movement_id, copy=False).fiscal_sale_number == number
