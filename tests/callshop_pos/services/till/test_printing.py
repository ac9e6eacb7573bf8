"""Printing services: receipts and reports from the database, every print journaled,
reprints marked as copies, manual drawer opens with a reason counted on the Z report."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, select

from callshop_pos.db.models.devices import DrawerOpen, PrintLog
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.receipts.model import Receipt, ReportKind, ShiftReportDoc
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.ports import DeviceError
from callshop_pos.services.admin import users
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.printing import (
    open_drawer,
    print_receipt,
    print_shift_report,
    receipt_for_payment,
    receipt_pdf,
    shift_report_doc,
    shift_report_pdf,
)
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import record_call


class Printer:
    def __init__(self, fail: bool = False) -> None:
        self.receipts: list[tuple[Receipt, bool]] = []
        self.reports: list[ShiftReportDoc] = []
        self.fail = fail

    def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> None:
        if self.fail:
            raise DeviceError("receipt printer not available: paper out")
        self.receipts.append((receipt, kick_drawer))

    def print_report(self, report: ShiftReportDoc) -> None:
        self.reports.append(report)


class Drawer:
    def __init__(self, fail: bool = False) -> None:
        self.opened = 0
        self.fail = fail

    def open_drawer(self) -> None:
        if self.fail:
            raise DeviceError("receipt printer not available")
        self.opened += 1


def configure(shop: Shop, **values: object) -> None:
    shop.use_settings(shop.settings.replace(**values))


def paid(shop: Shop, operator: Actor) -> int:
    configure(
        shop,
        cash_rounding_unit=5,
        shop_name="Телефонен център",
        language="bg",
        shop_address="ул. Витоша 1; София",
        shop_vat_number="BG123456789",
    )
    open_shift(shop, operator, 5000)
    a = record_call(shop, 137, booth="B2")
    b = record_call(shop, 61, booth="B3")
    return pay_calls(shop, operator, [a, b], 500).payment_id


def actions(shop: Shop) -> list[str]:
    with shop.db.read() as s:
        return list(s.scalars(select(JournalEntry.action).order_by(JournalEntry.seq)))


def test_receipt_from_the_database(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    r = receipt_for_payment(shop, operator, pid, copy=False)
    assert r.number == f"{pid:06d}" and r.operator == "olga" and not r.is_copy
    assert [(line.booth, line.price_minor) for line in r.lines] == [("B2", 137), ("B3", 61)]
    assert (r.subtotal_minor, r.rounding_minor, r.total_minor) == (198, 2, 200)
    assert (r.tendered_minor, r.change_minor) == (500, 300)
    assert r.shop.name == "Телефонен център" and r.shop.address == ("ул. Витоша 1", "София")
    assert r.issued_at.utcoffset() is not None and r.issued_at.tzname() in ("EET", "EEST")
    assert r.bgn_equivalent_minor == 391  # 2.00 EUR × 1.95583, half-up
    assert r.fiscal_sale_number is None


def test_bgn_line_follows_the_setting(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    configure(shop, bgn_line_enabled=False)
    assert receipt_for_payment(shop, operator, pid, copy=False).bgn_equivalent_minor is None
    configure(
        shop, bgn_line_enabled=True, bgn_line_until=shop.clock.now().date().replace(year=2025)
    )
    assert receipt_for_payment(shop, operator, pid, copy=False).bgn_equivalent_minor is None


def test_print_and_reprint_are_journaled(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    printer = Printer()
    print_receipt(shop, operator, printer, pid, kick_drawer=True)
    print_receipt(shop, operator, printer, pid, copy=True)
    assert [(r.is_copy, kick) for r, kick in printer.receipts] == [(False, True), (True, False)]
    with shop.db.read() as s:
        logs = s.scalars(select(PrintLog).order_by(PrintLog.id)).all()
        assert [(p.document, p.subject_id, p.copy, p.ok) for p in logs] == [
            ("receipt", pid, False, True),
            ("receipt", pid, True, True),
        ]
    assert actions(shop)[-2:] == ["print.receipt", "print.receipt"]
    assert verify(shop).ok


def test_failed_print_is_recorded_and_reported(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    with pytest.raises(DeviceError, match="paper out"):
        print_receipt(shop, operator, Printer(fail=True), pid)
    with shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
        assert not log.ok and "paper out" in log.detail


def test_receipt_pdf_is_a_copy(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    pdf = receipt_pdf(shop, operator, PdfRenderer("bg"), pid)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "КОПИЕ" in text and "Телефонен център" in text and "2.00 €" in text
    with shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
        assert (log.copy, log.target) == (True, "pdf")


def test_other_operators_payments_are_not_visible(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    pid = paid(shop, operator)
    other = users.add_user(shop, admin, "ivan", "ivan-pass-1", Role.OPERATOR)
    with pytest.raises((PermissionDenied, NotFound)):
        receipt_for_payment(shop, Actor(other.id, other.username, other.role), pid, copy=True)
    assert receipt_for_payment(shop, admin, pid, copy=True).is_copy
    with pytest.raises(NotFound):
        receipt_for_payment(shop, admin, 999, copy=True)


def test_manual_drawer_opens_need_a_reason_and_count_on_z(shop: Shop, operator: Actor) -> None:
    paid(shop, operator)
    drawer = Drawer()
    for bad in ("", "   "):
        with pytest.raises(InvalidInput, match="reason"):
            open_drawer(shop, operator, drawer, bad)
    assert drawer.opened == 0
    with pytest.raises(DeviceError):
        open_drawer(shop, operator, Drawer(fail=True), "change for a banknote")
    first = open_drawer(shop, operator, drawer, "change for a 50 banknote")
    second = open_drawer(shop, operator, drawer, "  coins for booth 2  ")
    assert drawer.opened == 2 and (first.opens_this_shift, second.opens_this_shift) == (1, 2)
    with shop.db.read() as s:
        assert s.scalars(select(DrawerOpen.reason).order_by(DrawerOpen.id)).all() == [
            "change for a 50 banknote",
            "coins for booth 2",
        ]
    x = shift_report_doc(shop, operator, first.shift_id or 0)
    assert x.kind is ReportKind.X and x.manual_drawer_opens == 2
    close_shift(shop, operator, 5200)
    z = shift_report_doc(shop, operator, first.shift_id or 0)
    assert z.kind is ReportKind.Z and z.manual_drawer_opens == 2
    assert (z.expected_cash_minor, z.counted_cash_minor, z.discrepancy_minor) == (5200, 5200, 0)
    assert actions(shop).count("drawer.open") == 2
    assert verify(shop).ok


def test_deleting_a_drawer_open_is_detected(shop: Shop, operator: Actor) -> None:
    paid(shop, operator)
    open_drawer(shop, operator, Drawer(), "change")
    with shop.db.write() as s:  # behind the application's back
        s.execute(delete(DrawerOpen))
    assert not verify(shop).ok


def test_z_report_carries_the_hash_of_the_close(shop: Shop, operator: Actor) -> None:
    paid(shop, operator)
    z_at_close = close_shift(shop, operator, 5200)
    printer = Printer()
    doc = print_shift_report(shop, operator, printer, z_at_close.summary.id)
    assert doc.kind is ReportKind.Z and doc.is_copy  # printed again after the close
    assert doc.journal_head_hash == z_at_close.journal_head
    original = print_shift_report(shop, operator, printer, z_at_close.summary.id, copy=False)
    assert not original.is_copy
    printer.reports.remove(original)
    assert printer.reports == [doc]
    assert doc.call_count == 2 and doc.payments_count == 1
    assert [(b.booth, b.amount_minor) for b in doc.booth_totals] == [("B2", 137), ("B3", 61)]
    assert actions(shop)[-1] == "print.z_report"
    pdf = shift_report_pdf(shop, operator, PdfRenderer("bg"), z_at_close.summary.id, copy=True)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Z-ОТЧЕТ" in text and "КОПИЕ" in text and (z_at_close.journal_head or "x") in text


def test_other_local_currency_prints_its_code(shop: Shop, operator: Actor) -> None:
    pid = paid(shop, operator)
    configure(shop, currency="USD")
    r = receipt_for_payment(shop, operator, pid, copy=True)
    assert r.currency.symbol == "USD" and r.bgn_equivalent_minor is None
