"""The Devices menu: reprint marked COPY, drawer open needs a reason, customer screen,
Z report at the close (paper and A4 PDF), refunds reversed on the fiscal device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from sqlalchemy import select

from callshop_pos.db.models.devices import DrawerOpen, PrintLog
from callshop_pos.errors import InvalidInput
from callshop_pos.services.till.payment_list import shift_payments
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.drivers.fiscal.fake_erpnet import fake_erpnet
from tests.drivers.fiscal.test_payment_gate import gate_for
from tests.ui.devices_support import KICK_PIN2, Rig, build_rig
from tests.ui.support import when_dialog
from tests.ui.test_devices_pay import pay_one
from ui.calls_model import StatusFilter


@pytest.fixture
def rig(qtbot, seeded) -> Iterator[Rig]:
    rig = build_rig(qtbot, seeded, print_policy="always")
    yield rig
    rig.actions.close()


def test_reprint_is_marked_copy_and_journaled(qtbot, rig: Rig) -> None:
    pay_one(qtbot, rig, price=137)
    pay_one(qtbot, rig, price=250)
    first, second = shift_payments(rig.shop, rig.operator)[::-1]
    seen: dict = {}

    def choose(dialog) -> None:
        seen["rows"] = dialog.table.rowCount()
        seen["top"] = dialog.table.item(0, 0).text()
        dialog.table.selectRow(1)  # the older payment
        dialog.ok_button.click()

    when_dialog(rig.window, choose)
    rig.actions.reprint_action.trigger()
    rig.settle(qtbot)
    assert seen == {"rows": 2, "top": f"{second.payment_id:06d}"}
    copy = rig.jobs.text(-1)
    assert copy.count("*** COPY ***") == 2  # at the top and at the bottom
    assert f"{first.payment_id:06d}" in copy and "1.37 €" in copy
    assert not rig.jobs.outputs()[-1].startswith(b"\x1b@\x1bt\x2e" + KICK_PIN2)  # no kick
    with rig.shop.db.read() as s:
        last = s.scalars(select(PrintLog).order_by(PrintLog.id.desc())).first()
        assert last is not None and (last.subject_id, last.copy, last.ok) == (
            first.payment_id,
            True,
            True,
        )


def test_drawer_open_needs_a_reason(qtbot, rig: Rig) -> None:
    seen: dict = {}

    def no_reason(dialog) -> None:
        seen["empty"] = dialog.ok_button.isEnabled()
        dialog.reason_combo.setEditText("   ")
        seen["blank"] = dialog.ok_button.isEnabled()
        dialog.accept()  # Enter on a blank reason
        seen["still_open"] = dialog.isVisible()

    when_dialog(rig.window, no_reason)
    rig.actions.drawer_action.trigger()
    assert seen == {"empty": False, "blank": False, "still_open": True}
    assert rig.jobs.outputs() == []

    def reason(dialog) -> None:
        dialog.reason_combo.setEditText("Размяна на банкнота")
        seen["enabled"] = dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    when_dialog(rig.window, reason)
    rig.actions.drawer_action.trigger()
    rig.settle(qtbot)
    assert seen["enabled"] is True
    assert rig.jobs.outputs() == [KICK_PIN2]
    with rig.shop.db.read() as s:
        assert s.scalars(select(DrawerOpen.reason)).all() == ["Размяна на банкнота"]
    assert "1 manual open" in rig.window.statusBar().currentMessage()
    with pytest.raises(InvalidInput, match="reason"):
        rig.devices.open_drawer("  ")


def test_customer_screen_on_off_with_due_and_change(qtbot, rig: Rig) -> None:
    rig.actions.customer_screen_action.trigger()
    screen = rig.actions.customer_screen
    assert screen is not None and screen.isVisible()
    assert rig.actions.customer_screen_action.isChecked()
    assert sorted(screen.booths()) == ["Booth 1", "Booth 2", "Booth 3", "Booth 4"]
    seen: dict = {}
    call_id = rig.calls.finish("Booth 2", price_minor=350)
    qtbot.waitUntil(lambda: rig.window.calls.model.find(call_id) is not None)
    rig.window.calls.select_calls([call_id])

    def pay(dialog) -> None:
        seen["due"] = screen.message()
        dialog.tendered_edit.setText("5")
        dialog.ok_button.click()

    when_dialog(rig.window, pay)
    rig.window.pay_action.trigger()
    rig.settle(qtbot)
    assert seen["due"] == "To pay: €3.50"
    assert "1.50" in screen.message() and "5.00" in screen.message()
    rig.actions.customer_screen_action.trigger()
    assert rig.actions.customer_screen is None
    assert not rig.actions.customer_screen_action.isChecked()


def test_close_shift_prints_z_and_saves_the_a4_pdf(qtbot, rig: Rig, tmp_path: Path) -> None:
    pay_one(qtbot, rig, price=137)
    before = len(rig.jobs.jobs)
    target = tmp_path / "z.pdf"
    rig.actions._save_path = lambda suggested: str(target)
    seen: dict = {}

    def close(dialog) -> None:
        dialog.counted_edit.setText("51.37")
        dialog.ok_button.click()
        buttons = {b.text(): b for b in dialog.findChildren(type(dialog.done_button))}
        seen["buttons"] = sorted(buttons)
        buttons["Save A4 PDF…"].click()
        dialog.done_button.click()

    def decline_new_shift(dialog) -> None:
        seen["asked_to_open"] = True
        dialog.reject()

    when_dialog(rig.window, close)
    # After the Z report the window asks for a new shift; decline it.
    QTimer.singleShot(0, lambda: when_dialog(rig.window, decline_new_shift))
    rig.window.close_shift_action.trigger()
    assert seen.get("asked_to_open") is True
    rig.settle(qtbot)
    z = rig.jobs.text(before)
    assert "Z" in z and "COPY" not in z  # the original Z at the close
    assert "Print Z report again (copy)" in seen["buttons"]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(target).pages)
    assert "51.37" in text
    with rig.shop.db.read() as s:
        logs = [
            (p.document, p.copy, p.target)
            for p in s.scalars(
                select(PrintLog)
                .where(PrintLog.document == "z_report")
                # the receipt printer logs from its worker, maybe after the PDF
                .order_by(PrintLog.copy, PrintLog.id)
            )
        ]
    assert logs == [("z_report", False, "escpos"), ("z_report", True, "pdf")]


def mark_unpaid(qtbot, rig: Rig, call_id: int) -> None:
    """The cashier marks a paid call "served without payment" (the till refunds it)."""
    rig.window.calls.show_status(StatusFilter.ALL)
    rig.window.calls.select_calls([call_id])

    def unpaid(dialog) -> None:
        dialog.reason_combo.setEditText("customer complained")
        dialog.ok_button.click()

    when_dialog(rig.window, unpaid)
    rig.window.unpaid_action.trigger()
    rig.settle(qtbot)


def test_refund_is_reversed_on_the_fiscal_device(qtbot, seeded) -> None:
    with fake_erpnet() as (url, state):
        rig = build_rig(qtbot, seeded, fiscal=gate_for(url), print_policy="never")
        try:
            seen = pay_one(qtbot, rig, price=137)
            mark_unpaid(qtbot, rig, seen["call_id"])
        finally:
            rig.actions.close()
    assert rig.window.calls.model.find(seen["call_id"]).status == "unpaid"
    assert len(state.printed) == 2  # the sale, then its reversal
    assert rig.devices.pending_reversals == []


def close_the_shift(qtbot, rig: Rig, counted: str) -> None:
    def close(dialog) -> None:
        dialog.counted_edit.setText(counted)
        dialog.ok_button.click()
        dialog.done_button.click()

    when_dialog(rig.window, close)
    QTimer.singleShot(0, lambda: when_dialog(rig.window, lambda d: d.reject()))
    rig.window.close_shift_action.trigger()
    rig.settle(qtbot)


def test_failed_reversal_is_kept_and_retried(qtbot, seeded) -> None:
    with fake_erpnet() as (url, state):
        rig = build_rig(qtbot, seeded, fiscal=gate_for(url), print_policy="never")
        try:
            seen = pay_one(qtbot, rig, price=137)
            state.device_error = {"code": "E201", "text": "Paper out"}
            mark_unpaid(qtbot, rig, seen["call_id"])
            message = rig.actions.problem_box.text()
            assert "did not print its reversal" in message and "Paper out" in message
            assert len(rig.devices.pending_reversals) == 1
            assert rig.actions.retry_action.isEnabled()
            rig.actions.retry_action.trigger()
            rig.settle(qtbot)
            assert rig.devices.pending_reversals == []
            assert not rig.actions.retry_action.isEnabled()
            rig.actions.fiscal_x_action.trigger()
            rig.settle(qtbot)
            close_the_shift(qtbot, rig, "50")
        finally:
            rig.actions.close()
    actions = [p["action"] for p in state.printed]
    assert actions == ["receipt", "reversalreceipt", "xreport", "zreport"]


def test_a_card_sale_opens_the_drawer(qtbot, rig: Rig, seeded, tmp_path: Path) -> None:
    serial = make_batch(rig.shop, seeded.admin, tmp_path / "sheets", quantity=1).cards[0][0]
    before = len(rig.jobs.outputs())

    def sell(dialog) -> None:
        dialog.serial_edit.setText(serial)
        assert dialog.look_up()
        dialog.tendered_edit.setText("20")
        dialog.ok_button.click()

    when_dialog(rig.window, sell)
    rig.window.sell_card_action.trigger()
    rig.settle(qtbot)
    kicks = [out for out in rig.jobs.outputs()[before:] if KICK_PIN2 in out]
    assert len(kicks) == 1
