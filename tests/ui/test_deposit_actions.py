"""Prepaid deposits from the cashier window: taken and settled through the till's
services (the shift's cash), then the engine re-reads the booth's credit."""

from __future__ import annotations

import pytest

from callshop_pos.lines.snapshot import BillingMode
from callshop_pos.services.admin import booths
from callshop_pos.services.till import shifts
from callshop_pos.services.till.deposits import deposit_balance
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.bridge import EngineBridge


@pytest.fixture
def window(qtbot, seeded: SeededShop):
    shop, admin, olga = seeded
    booths.add_booth(shop, admin, "Booth 1", billing="prepaid", default_deposit_minor=1000)
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=2, shop=shop)
    engine.publish_all()
    engine._update("Booth 1", billing=BillingMode.PREPAID)
    win = cashier_window(qtbot, shop, olga, bridge, engine, booths=2)
    qtbot.waitUntil(lambda: win.grid.tile("Booth 1").snapshot.billing is BillingMode.PREPAID)
    return win


def test_deposit_taken_then_settled_through_the_till(qtbot, window) -> None:
    shop, engine = window.till.shop, window.engine_fake
    window.grid.select_booth("Booth 1")

    def deposit(dialog) -> None:
        dialog.amount_edit.setText("10")
        dialog.ok_button.click()

    when_dialog(window, deposit)
    window.deposit_action.trigger()
    balance = deposit_balance(shop, "Booth 1")
    assert balance is not None and balance.amount_minor == 1000
    assert engine.commands[-1] == ("sync_deposit", "Booth 1")
    qtbot.waitUntil(lambda: "Credit €10.00" in window.grid.tile("Booth 1")._info.text())
    qtbot.waitUntil(lambda: window.shift_bar.expected.value.text() == "€60.00")

    call_id = window.calls_maker.finish("Booth 1", price_minor=450)
    qtbot.waitUntil(lambda: window.calls.model.find(call_id) is not None)
    window.pay_booth_action.trigger()  # with a deposit open, paying the booth settles it
    assert "Deposit €10.00, calls €4.50" in window.confirmations[-1]
    assert deposit_balance(shop, "Booth 1") is None
    assert window.calls.model.find(call_id).status == "paid"
    assert "hand back €5.50" in window.statusBar().currentMessage()
    assert ("sync_deposit", "Booth 1") in engine.commands[-3:]
    qtbot.waitUntil(lambda: window.shift_bar.expected.value.text() == "€54.50")
    qtbot.waitUntil(lambda: "Credit" not in window.grid.tile("Booth 1")._info.text())


def test_settle_without_a_deposit_is_refused(qtbot, window) -> None:
    window.grid.select_booth("Booth 1")
    seen = {}

    def warning(box) -> None:
        seen["text"] = box.text()
        box.accept()

    when_dialog(window, warning)
    window.settle_action.trigger()
    assert seen["text"] == "Booth 1 has no open deposit."
    assert window.confirmations == []


def _take_deposit(qtbot, window, amount: str = "10") -> None:
    window.grid.select_booth("Booth 1")

    def deposit(dialog) -> None:
        dialog.amount_edit.setText(amount)
        dialog.ok_button.click()

    when_dialog(window, deposit)
    window.deposit_action.trigger()
    qtbot.waitUntil(lambda: window.shift_bar.expected.value.text() == "€60.00")


def test_an_open_deposit_stays_in_expected_cash_when_a_call_changes_status(qtbot, window) -> None:
    """Issue 13 point 2: served-without-payment and back-to-unserved kept the deposit
    out of the shift bar's expected cash (the window recomputed it as float + takings)."""
    _take_deposit(qtbot, window)
    call_id = window.calls_maker.finish("Booth 2", price_minor=450)
    qtbot.waitUntil(lambda: window.calls.model.find(call_id) is not None)
    assert window.shift_bar.expected.value.text() == "€60.00"
    window.till.mark_unpaid([call_id], "Owner's call")
    assert window.calls.model.find(call_id).status == "unpaid"
    assert window.shift_bar.expected.value.text() == "€60.00"
    window.till.set_status(call_id, "unserved", "Marked by mistake")
    assert window.shift_bar.expected.value.text() == "€60.00"
    window.till.pay([call_id], 500)
    assert window.shift_bar.expected.value.text() == "€64.50"
    assert window.shift_bar.summary == window.till.current_shift()


def test_shift_report_pdf_with_an_open_deposit(qtbot, window, tmp_path) -> None:
    """Issue 13 point 1: Devices → Save shift report as PDF… did nothing (only stderr
    said why) while a deposit was open; now the PDF lists the deposit lines."""
    import io

    from pypdf import PdfReader

    from ui.receipt_actions import attach_devices

    _take_deposit(qtbot, window)
    out = tmp_path / "x.pdf"
    actions = attach_devices(window, window.bridge, save_path=lambda _s: str(out))
    try:
        actions.save_pdf_action.trigger()
    finally:
        actions.close()
    assert out.exists()
    words = " ".join(
        (PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text() or "").split()
    )
    # The report speaks the shop's language (Bulgarian by default, like the receipts).
    assert "Взети депозити (1)" in words and "10.00" in words
    assert "Неприключени депозити" in words
    assert "Saved" in window.statusBar().currentMessage()


def _figures(dialog) -> dict[str, str]:
    from PySide6.QtWidgets import QLabel

    captions = [w for w in dialog.findChildren(QLabel) if w.objectName() == "figureLabel"]
    values = [w for w in dialog.findChildren(QLabel) if w.objectName() == "figureValue"]
    return {c.text(): v.text() for c, v in zip(captions, values, strict=True)}


def test_close_shift_preview_shows_the_deposit_and_its_blocker_up_front(qtbot, window) -> None:
    """Issue 13 point 4: the X preview said float + payments − refunds, then an expected
    amount with the deposit in it; the open-deposit refusal came only after counting."""
    _take_deposit(qtbot, window)
    seen: dict[str, object] = {}

    def preview(dialog) -> None:
        seen["figures"] = _figures(dialog)
        seen["blocker"] = dialog.deposit_box.isVisible() and dialog.deposit_box.text()
        seen["count"] = dialog.counted_edit.isEnabled()
        seen["ok"] = dialog.ok_button.isEnabled()
        dialog.reject()

    when_dialog(window, preview)
    window.close_shift_action.trigger()
    figures = seen["figures"]
    assert figures["Opening float"] == "€50.00"
    assert figures["Deposits taken (1)"] == "€10.00"
    assert figures["Expected in drawer"] == "€60.00"
    assert list(figures).index("Deposits taken (1)") < list(figures).index("Expected in drawer")
    assert "Booth 1" in seen["blocker"] and "settle" in seen["blocker"].lower()
    assert seen["count"] is False and seen["ok"] is False


def test_close_shift_preview_without_deposits_has_no_deposit_lines(qtbot, window) -> None:
    seen: dict[str, object] = {}

    def preview(dialog) -> None:
        seen["figures"] = _figures(dialog)
        seen["blocker"] = dialog.deposit_box.isVisible()
        seen["count"] = dialog.counted_edit.isEnabled()
        dialog.reject()

    when_dialog(window, preview)
    window.close_shift_action.trigger()
    assert not any("eposit" in caption for caption in seen["figures"])
    assert seen["blocker"] is False and seen["count"] is True
