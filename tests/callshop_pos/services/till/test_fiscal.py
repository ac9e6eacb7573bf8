"""The fiscal gate: sale numbers generated and stored by the till, payment refused when
the device cannot register the sale, retries never registering a sale twice, refunds
reversed with a reference to the original sale."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.devices import FiscalSale
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.payments import Payment
from callshop_pos.receipts.devices import FiscalConfig
from callshop_pos.receipts.fiscal import (
    FiscalReceiptResult,
    FiscalReversal,
    FiscalStatus,
    ReversalReason,
)
from callshop_pos.receipts.fiscal import (
    FiscalSale as FiscalSaleDoc,
)
from callshop_pos.receipts.ports import FiscalDeviceError, FiscalDeviceUnreachable
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid
from callshop_pos.services.till.fiscal import ORPHAN_AGE_S, FiscalGate
from callshop_pos.services.till.payments import pay_calls, quote_payment
from callshop_pos.services.till.printing import receipt_for_payment
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import SeededShop

CONFIG = FiscalConfig(
    url="http://127.0.0.1:1", printer_id="dt279013", device_serial="DT279013", operator_code=7
)


class FakeFiscalDevice:
    """Behaves like a fiscal printer behind ErpNet.FP: one receipt per sale number."""

    def __init__(self) -> None:
        self.reachable = True
        self.fail_next: str | None = None
        self.lose_answer = False  # prints, then the answer times out
        self.receipts: dict[str, FiscalReceiptResult] = {}
        self.sales: list[FiscalSaleDoc] = []
        self.reversals: list[FiscalReversal] = []
        self.counter = 100
        self.reports: list[tuple[str, str | None]] = []
        self.fail_reports = 0

    def status(self) -> FiscalStatus:
        if not self.reachable:
            raise FiscalDeviceUnreachable(
                "fiscal print server at http://localhost:8001 is not running"
            )
        return FiscalStatus(ok=True)

    def _print(self, key: str, amount: int) -> FiscalReceiptResult:
        if self.fail_next:
            message, self.fail_next = self.fail_next, None
            raise FiscalDeviceError(f"the fiscal receipt was not printed: {message}")
        if key not in self.receipts:
            self.counter += 1
            self.receipts[key] = FiscalReceiptResult(
                f"{self.counter:07d}", "2026-01-05T11:00:00", amount, "02279013"
            )
        if self.lose_answer:
            self.lose_answer = False
            raise FiscalDeviceUnreachable("fiscal printer did not answer: timed out")
        return self.receipts[key]

    def print_receipt(self, sale: FiscalSaleDoc) -> FiscalReceiptResult:
        self.sales.append(sale)
        return self._print(sale.unique_sale_number, sale.total_minor)

    def print_reversal(self, reversal: FiscalReversal) -> FiscalReceiptResult:
        self.reversals.append(reversal)
        amount = sum(i.unit_price_minor for i in reversal.items)
        return self._print(f"R-{reversal.original_sale_number}-{reversal.reference}", amount)

    def x_report(self, reference: str | None = None) -> FiscalStatus:
        self.reports.append(("x", reference))
        return FiscalStatus(ok=True)

    def z_report(self, reference: str | None = None) -> FiscalStatus:
        self.reports.append(("z", reference))
        if self.fail_reports:
            self.fail_reports -= 1
            raise FiscalDeviceUnreachable("fiscal printer did not answer: timed out")
        return FiscalStatus(ok=True)

    def deposit(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        return FiscalStatus(ok=True)

    def withdraw(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        return FiscalStatus(ok=True)


def nothing_paid(shop: Shop, call_ids: list[int]) -> bool:
    with shop.db.read() as s:
        statuses = s.scalars(select(Call.status).where(Call.id.in_(call_ids))).all()
        payments = s.scalar(select(func.count(Payment.id)))
    return set(statuses) == {"unserved"} and payments == 0


def setup(shop: Shop, operator: Actor) -> tuple[FakeFiscalDevice, FiscalGate, list[int]]:
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    open_shift(shop, operator, 0)
    device = FakeFiscalDevice()
    return device, FiscalGate(device, CONFIG), [record_call(shop, 137), record_call(shop, 61)]


def test_sale_registered_with_the_tills_number(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    result = pay_calls(shop, operator, calls, 500, fiscal=gate)
    (sale,) = device.sales
    assert sale.unique_sale_number == "DT279013-0007-0000001"
    assert [i.unit_price_minor for i in sale.items] == [137, 61]
    assert (sale.surcharge_minor, sale.paid_minor, sale.total_minor) == (2, 500, 200)
    with shop.db.read() as s:
        row = s.scalars(select(FiscalSale)).one()
        assert (row.payment_id, row.state, row.receipt_number) == (
            result.payment_id,
            "printed",
            "0000101",
        )
    receipt = receipt_for_payment(shop, operator, result.payment_id, copy=False)
    assert receipt.fiscal_sale_number == "DT279013-0007-0000001"
    third = record_call(shop, 50)
    pay_calls(shop, operator, [third], 50, fiscal=gate)
    assert device.sales[-1].unique_sale_number == "DT279013-0007-0000002"
    assert verify(shop).ok


def test_unreachable_device_refuses_the_payment(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    device.reachable = False
    with pytest.raises(FiscalDeviceUnreachable, match="not running"):
        pay_calls(shop, operator, calls, 500, fiscal=gate)
    assert nothing_paid(shop, calls)
    with shop.db.read() as s:
        assert s.scalar(select(func.count(FiscalSale.id))) == 0
    assert device.sales == []


def test_device_error_refuses_and_the_retry_keeps_the_number(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    device.fail_next = "E301: Out of paper"
    with pytest.raises(FiscalDeviceError, match="Out of paper"):
        pay_calls(shop, operator, calls, 500, fiscal=gate)
    assert nothing_paid(shop, calls)
    pay_calls(shop, operator, calls, 500, fiscal=gate)
    assert [s.unique_sale_number for s in device.sales] == ["DT279013-0007-0000001"] * 2
    assert len(device.receipts) == 1


def test_lost_answer_then_retry_registers_once(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    device.lose_answer = True  # the device printed, the till never heard back
    with pytest.raises(FiscalDeviceUnreachable):
        pay_calls(shop, operator, calls, 500, fiscal=gate)
    assert nothing_paid(shop, calls)
    result = pay_calls(shop, operator, calls, 1000, fiscal=gate)
    assert len(device.receipts) == 1  # the one receipt, now linked to the payment
    with shop.db.read() as s:
        assert s.scalars(select(FiscalSale.payment_id)).all() == [result.payment_id]


def test_free_calls_need_no_fiscal_receipt(shop: Shop, operator: Actor) -> None:
    device, gate, _ = setup(shop, operator)
    free = record_call(shop, 0)
    pay_calls(shop, operator, [free], 0, fiscal=gate)
    assert device.sales == []


def test_refund_is_reversed_referencing_the_original(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    pay_calls(shop, operator, calls, 500, fiscal=gate)
    change = mark_unpaid(shop, operator, [calls[0]], "customer complained: line was bad")
    (refund,) = change.refunds
    result = gate.reverse_refund(shop, operator, refund.refund_id)
    assert result is not None
    (rev,) = device.reversals
    assert rev.original_sale_number == "DT279013-0007-0000001"
    assert rev.original.receipt_number == "0000101"
    assert rev.original.fiscal_memory_serial == "02279013"
    assert rev.reference == str(refund.refund_id)
    assert [i.unit_price_minor for i in rev.items] == [refund.total_minor]
    assert gate.reverse_refund(shop, operator, refund.refund_id) == result  # once only
    assert len(device.reversals) == 1
    with shop.db.read() as s:
        kinds = s.scalars(select(FiscalSale.kind).order_by(FiscalSale.id)).all()
    assert kinds == ["sale", "reversal"]
    assert verify(shop).ok


def test_refund_of_an_unfiscalised_payment(shop: Shop, operator: Actor) -> None:
    device, gate, calls = setup(shop, operator)
    pay_calls(shop, operator, calls, 500)  # fiscal device off at the time
    change = mark_unpaid(shop, operator, [calls[0]], "bad line")
    assert gate.reverse_refund(shop, operator, change.refunds[0].refund_id) is None
    assert device.reversals == []


@pytest.mark.postgres
def test_fiscal_flow_and_prints_on_postgresql(pg_seeded: SeededShop) -> None:
    from callshop_pos.services.till.printing import open_drawer, shift_report_doc
    from callshop_pos.services.till.shifts import close_shift

    shop, _, operator = pg_seeded
    device, gate, calls = setup(shop, operator)
    device.lose_answer = True
    with pytest.raises(FiscalDeviceUnreachable):
        pay_calls(shop, operator, calls, 500, fiscal=gate)
    paid = pay_calls(shop, operator, calls, 500, fiscal=gate)
    change = mark_unpaid(shop, operator, [calls[1]], "line dropped")
    assert gate.reverse_refund(shop, operator, change.refunds[0].refund_id) is not None
    second = record_call(shop, 90)
    pay_calls(shop, operator, [second], 100, fiscal=gate)
    assert [s.unique_sale_number for s in device.sales][-1] == "DT279013-0007-0000002"

    class Drawer:
        def open_drawer(self) -> None:
            pass

    open_drawer(shop, operator, Drawer(), "change")
    close_shift(shop, operator, 0)
    z = shift_report_doc(shop, operator, paid.shift_id)
    assert z.manual_drawer_opens == 1
    assert receipt_for_payment(shop, operator, paid.payment_id, copy=True).fiscal_sale_number
    assert verify(shop).ok


def test_a_z_report_retried_after_a_failure_keeps_its_reference(
    shop: Shop, operator: Actor
) -> None:
    device, gate, calls = setup(shop, operator)
    pay_calls(shop, operator, calls, 500, fiscal=gate)
    device.fail_reports = 1
    with pytest.raises(FiscalDeviceUnreachable):
        gate.z_report(shop, operator)
    gate.z_report(shop, operator)  # the retry: the same print task, never a second Z
    first, retry = device.reports
    assert first == retry == ("z", "DT279013-s1-j0")
    gate.x_report(shop, operator)
    # After a successful Z, and after a new sale, the next Z is a new report.
    gate.z_report(shop, operator)
    pay_calls(shop, operator, [record_call(shop, 50)], 50, fiscal=gate)
    gate.z_report(shop, operator)
    references = [ref for kind, ref in device.reports if kind == "z"]
    assert len(set(references)) == 3
    assert references[2].startswith("DT279013-s1-j") and references[3].startswith("DT279013-s2-")
    with shop.db.read() as s:
        journaled = s.scalars(
            select(JournalEntry.payload).where(JournalEntry.action == "fiscal.z_report")
        ).all()
    assert len(journaled) == 3  # the failed attempt journaled nothing
    assert verify(shop).ok


def test_a_sale_printed_for_a_payment_that_never_came_is_voided_before_the_z(
    shop: Shop, operator: Actor
) -> None:
    device, gate, calls = setup(shop, operator)
    # Another till pays the same calls while this one prints its receipt: the receipt
    # is on the device, the payment here fails, nobody pays that bill again.
    gate.before_payment(shop, operator, quote_payment(shop, operator, calls), 500)
    paid_elsewhere = pay_calls(shop, operator, calls, 500)  # no fiscal hook: not printed
    (orphan,) = device.sales
    assert gate.void_orphans(shop, operator) == []  # printed just now: may still commit
    assert isinstance(shop.clock, FakeClock)
    shop.clock.advance(ORPHAN_AGE_S + 1)
    gate.z_report(shop, operator)
    (void,) = device.reversals
    assert void.reason is ReversalReason.OPERATOR_ERROR
    assert void.original_sale_number == orphan.unique_sale_number
    assert sum(i.unit_price_minor for i in void.items) == orphan.total_minor == 200
    gate.z_report(shop, operator)  # a second Z voids nothing again
    assert len(device.reversals) == 1
    # Those calls again (refunded, paid anew): a new sale, never the voided one.
    with shop.db.read() as s:
        rows = s.scalars(select(FiscalSale).order_by(FiscalSale.id)).all()
        assert [(r.kind, r.state, r.payment_id) for r in rows] == [
            ("sale", "printed", None),
            ("reversal", "printed", None),
        ]
    assert paid_elsewhere.payment_id is not None
    record = record_call(shop, 137)
    again = pay_calls(shop, operator, [record], 200, fiscal=gate)
    assert device.sales[-1].unique_sale_number == "DT279013-0007-0000002"
    with shop.db.read() as s:
        linked = s.scalars(select(FiscalSale).where(FiscalSale.payment_id == again.payment_id))
        assert [r.unique_sale_number for r in linked] == ["DT279013-0007-0000002"]
    assert verify(shop).ok


def test_a_voided_sale_is_not_reused_by_a_late_retry_of_its_bill(
    shop: Shop, operator: Actor
) -> None:
    device, gate, calls = setup(shop, operator)
    gate.before_payment(shop, operator, quote_payment(shop, operator, calls), 500)
    assert isinstance(shop.clock, FakeClock)
    shop.clock.advance(ORPHAN_AGE_S + 1)
    gate.void_orphans(shop, operator)
    result = pay_calls(shop, operator, calls, 500, fiscal=gate)  # the same bill, later
    assert [s.unique_sale_number for s in device.sales] == [
        "DT279013-0007-0000001",
        "DT279013-0007-0000002",
    ]
    with shop.db.read() as s:
        linked = s.scalars(select(FiscalSale).where(FiscalSale.payment_id == result.payment_id))
        assert [r.unique_sale_number for r in linked] == ["DT279013-0007-0000002"]
