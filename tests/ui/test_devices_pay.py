"""PAY with devices: print policy, drawer kick on cash, pole display, fiscal refusal.

Real widgets offscreen on a real SQLite shop; the real ESC/POS and pole-display
drivers write into python-escpos ``Dummy`` printers and a recorded port; the fiscal
device is the real ErpNet.FP client against the fake print server written from its
PROTOCOL.md (or against a port where nothing listens).
"""

from __future__ import annotations

from sqlalchemy import func, select

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.devices import FiscalSale, PrintLog
from callshop_pos.db.models.payments import Payment
from tests.drivers.fiscal.fake_erpnet import fake_erpnet
from tests.drivers.fiscal.test_payment_gate import gate_for
from tests.ui.devices_support import KICK_PIN2, Rig, build_rig
from tests.ui.support import when_dialog


def pay_one(
    qtbot, rig: Rig, price: int = 137, *, tendered: str = "5", check_print: bool | None = None
) -> dict:
    call_id = rig.calls.finish("Booth 1", price_minor=price)
    qtbot.waitUntil(lambda: rig.window.calls.model.find(call_id) is not None)
    rig.window.calls.select_calls([call_id])
    seen: dict = {"call_id": call_id}

    def pay(dialog) -> None:
        if rig.devices.display is not None:  # PAY open: the amount due on the pole
            qtbot.waitUntil(lambda: b"TOTAL DUE" in rig.pole.data)
        seen["print_visible"] = dialog.print_check.isVisible()
        if check_print is not None:
            dialog.print_check.setChecked(check_print)
        dialog.tendered_edit.setText(tendered)
        dialog.ok_button.click()
        seen["error"] = dialog.error_label.text() if dialog.error_label.isVisible() else ""

    when_dialog(rig.window, pay)
    rig.window.pay_action.trigger()
    rig.settle(qtbot)
    return seen


def print_logs(rig: Rig) -> list[tuple[str, bool, bool, str]]:
    with rig.shop.db.read() as s:
        return [
            (p.document, p.copy, p.ok, p.target)
            for p in s.scalars(select(PrintLog).order_by(PrintLog.id))
        ]


def test_policy_always_kicks_the_drawer_then_prints(qtbot, seeded) -> None:
    rig = build_rig(qtbot, seeded, print_policy="always")
    try:
        seen = pay_one(qtbot, rig)
        assert seen["print_visible"] is False  # "always" does not ask
        assert len(rig.jobs.jobs) == 2
        kick, receipt = rig.jobs.outputs()
        assert kick == KICK_PIN2  # the drawer opens first, on its own
        text = rig.jobs.text(1)
        assert "TOTAL" in text and "1.37 €" in text and "5.00 €" in text and "3.63 €" in text
        assert "COPY" not in text
        assert receipt.startswith(b"\x1b@")
        assert print_logs(rig) == [("receipt", False, True, "escpos")]
        # The pole shows what was paid and the change.
        tail = bytes(rig.pole.data[rig.pole.data.rfind(b"PAID") :])
        assert b"5.00" in tail and b"CHANGE" in tail and b"3.63" in tail
        assert rig.window.calls.model.find(seen["call_id"]).status == "paid"
    finally:
        rig.actions.close()


def test_policy_never_prints_nothing_but_the_drawer_still_opens(qtbot, seeded) -> None:
    rig = build_rig(qtbot, seeded, print_policy="never")
    try:
        seen = pay_one(qtbot, rig)
        assert seen["print_visible"] is False
        assert rig.jobs.outputs() == [KICK_PIN2]
        assert print_logs(rig) == []
    finally:
        rig.actions.close()


def test_policy_ask_prints_only_when_the_cashier_wants(qtbot, seeded) -> None:
    rig = build_rig(qtbot, seeded, print_policy="ask")
    try:
        seen = pay_one(qtbot, rig, check_print=False)
        assert seen["print_visible"] is True
        assert rig.jobs.outputs() == [KICK_PIN2]
        pay_one(qtbot, rig, price=80, check_print=True)
        assert len(rig.jobs.jobs) == 3 and "0.80 €" in rig.jobs.text(2)
        assert print_logs(rig) == [("receipt", False, True, "escpos")]
    finally:
        rig.actions.close()


def test_no_kick_for_a_free_bill_paid_with_nothing(qtbot, seeded) -> None:
    rig = build_rig(qtbot, seeded, print_policy="never")
    try:
        pay_one(qtbot, rig, price=0, tendered="0")
        assert rig.jobs.outputs() == []
    finally:
        rig.actions.close()


def test_printer_failure_keeps_the_payment_and_says_so(qtbot, seeded) -> None:
    rig = build_rig(qtbot, seeded, print_policy="always", printer_fail="[Errno 2] /dev/ttyUSB0")
    try:
        seen = pay_one(qtbot, rig)
        assert rig.window.calls.model.find(seen["call_id"]).status == "paid"
        message = rig.actions.problem_box.text()
        assert "not printed" in message and "/dev/ttyUSB0" in message
        assert "Reprint receipt" in message
        assert print_logs(rig)[-1][:3] == ("receipt", False, False)  # the failure is journaled
    finally:
        rig.actions.close()


def test_fiscal_device_unreachable_refuses_the_payment(qtbot, seeded) -> None:
    with fake_erpnet() as (url, _state):
        pass  # the print server is gone: nothing listens there any more
    rig = build_rig(qtbot, seeded, fiscal=gate_for(url), print_policy="always")
    try:
        seen = pay_one(qtbot, rig)
        assert seen["error"].startswith("Payment refused, nothing was recorded")
        assert "is not running" in seen["error"]  # the print server's own words
        with rig.shop.db.read() as s:
            assert s.scalar(select(func.count(Payment.id))) == 0
            assert s.scalar(select(Call.status).where(Call.id == seen["call_id"])) == "unserved"
        assert rig.window.calls.model.find(seen["call_id"]).status == "unserved"
        assert rig.jobs.outputs() == []  # no drawer, no receipt
        assert print_logs(rig) == []
    finally:
        rig.actions.close()


def test_fiscal_device_registers_the_sale_before_it_is_paid(qtbot, seeded) -> None:
    with fake_erpnet() as (url, state):
        rig = build_rig(qtbot, seeded, fiscal=gate_for(url), print_policy="always")
        try:
            seen = pay_one(qtbot, rig)
        finally:
            rig.actions.close()
    assert seen["error"] == ""
    (printed,) = state.printed
    assert printed["uniqueSaleNumber"] == "DT279013-0001-0000001"
    with rig.shop.db.read() as s:
        sale = s.scalars(select(FiscalSale)).one()
        assert sale.payment_id is not None
    assert "DT279013-0001-0000001" in rig.jobs.text(1)  # the receipt names the sale
