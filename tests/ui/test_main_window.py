"""The cashier's main window driven through real widgets on a real (SQLite) shop."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from callshop_pos.lines.snapshot import BoothState
from callshop_pos.services.till import call_status, shifts
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.bridge import EngineBridge
from ui.calls_model import StatusFilter


@pytest.fixture
def window(qtbot, seeded: SeededShop):
    shop, _admin, olga = seeded
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    return cashier_window(qtbot, shop, olga, bridge, engine, booths=4)


def test_calls_arrive_the_moment_they_end(qtbot, window) -> None:
    assert window.calls.model.rowCount() == 0
    window.calls_maker.finish("Booth 2", price_minor=120)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    call = window.calls.model.call_at(0)
    assert call.booth == "Booth 2" and call.price_minor == 120
    qtbot.waitUntil(lambda: window.shift_bar.calls.value.text() == "1")
    assert window.shift_bar.unserved.value.text() == "1"


def test_pay_one_call_with_tendered_and_change(qtbot, window) -> None:
    call_id = window.calls_maker.finish("Booth 1", price_minor=137)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    window.calls.select_calls([call_id])
    seen = {}

    def pay(dialog) -> None:
        assert dialog.total_label.text() == "$1.37" or dialog.total_label.text() == "€1.37"
        dialog.tendered_edit.setText("5")
        seen["change"] = dialog.change_label.text()
        qtbot.keyClick(dialog.tendered_edit, Qt.Key.Key_Return)

    when_dialog(window, pay)
    qtbot.keyClick(window.calls.table, Qt.Key.Key_F2)
    assert seen["change"] == "€3.63"
    assert window.calls.model.find(call_id).status == "paid"
    assert window.calls.model.rowCount() == 0  # the unserved view no longer shows it
    assert window.shift_bar.cash.value.text() == "€1.37"
    assert window.shift_bar.expected.value.text() == "€51.37"
    assert ("refresh",) in window.engine_fake.commands


def test_pay_several_calls_total_and_short_tender_refused(qtbot, window) -> None:
    ids = [
        window.calls_maker.finish(f"Booth {b}", price_minor=p)
        for b, p in ((1, 100), (2, 250), (1, 75))
    ]
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 3)
    window.calls.select_calls(ids)
    assert len(window.calls.selected_calls()) == 3
    seen = {}

    def pay(dialog) -> None:
        seen["lines"] = dialog.lines_model.rowCount()
        seen["total"] = dialog.total_label.text()
        dialog.tendered_edit.setText("4")
        seen["short_enabled"] = dialog.ok_button.isEnabled()
        seen["short_text"] = dialog.change_label.text()
        dialog.tendered_edit.setText("10,00")
        seen["change"] = dialog.change_label.text()
        dialog.ok_button.click()

    when_dialog(window, pay)
    window.pay_action.trigger()
    assert seen == {
        "lines": 3,
        "total": "€4.25",
        "short_enabled": False,
        "short_text": "€0.25",
        "change": "€5.75",
    }
    assert {c.status for c in window.calls.model.calls()} == {"paid"}
    assert window.shift_bar.unserved.value.text() == "0"


def test_pay_all_unserved_calls_of_a_booth_with_one_key(qtbot, window) -> None:
    window.calls_maker.finish("Booth 3", price_minor=40)
    window.calls_maker.finish("Booth 3", price_minor=60)
    window.calls_maker.finish("Booth 4", price_minor=99)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 3)
    window.grid.select_booth("Booth 3")
    seen = {}

    def pay(dialog) -> None:
        seen["total"] = dialog.total_label.text()
        qtbot.keyClick(dialog.tendered_edit, Qt.Key.Key_Return)  # empty = exact amount

    when_dialog(window, pay)
    qtbot.keyClick(window.grid.tile("Booth 3"), Qt.Key.Key_F3)
    assert seen["total"] == "€1.00"
    statuses = {(c.booth, c.status) for c in window.calls.model.calls()}
    assert statuses == {("Booth 3", "paid"), ("Booth 4", "unserved")}


def test_unpaid_needs_a_reason(qtbot, window) -> None:
    call_id = window.calls_maker.finish(price_minor=80)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    window.calls.select_calls([call_id])
    seen = {}

    def unpaid(dialog) -> None:
        seen["enabled_empty"] = dialog.ok_button.isEnabled()
        dialog.reason_combo.setEditText("Собственик")  # Cyrillic: setText, never keyClicks
        seen["enabled"] = dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    when_dialog(window, unpaid)
    qtbot.keyClick(window.calls.table, Qt.Key.Key_F4)
    assert seen == {"enabled_empty": False, "enabled": True}
    assert window.calls.model.find(call_id).status == "unpaid"
    assert window.shift_bar.unpaid.value.text() == "1"
    # The reason reached the core's history.
    with window.till.shop.db.read() as s:
        from callshop_pos.db.models.calls import CallChange

        change = s.query(CallChange).filter_by(call_id=call_id).one()
        assert change.reason == "Собственик"


def test_paid_then_unpaid_refunds_the_money(qtbot, window) -> None:
    call_id = window.calls_maker.finish(price_minor=150)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    window.till.pay([call_id], 200)
    assert window.shift_bar.cash.value.text() == "€1.50"
    window.calls.show_status(StatusFilter.ALL)
    window.calls.select_calls([call_id])
    seen = {}

    def unpaid(dialog) -> None:
        seen["refund"] = dialog.refund_label.text()
        dialog.reason_combo.setEditText("Charged by mistake")
        dialog.ok_button.click()

    when_dialog(window, unpaid)
    window.unpaid_action.trigger()
    assert "€1.50" in seen["refund"]
    assert window.calls.model.find(call_id).status == "unpaid"
    assert window.shift_bar.cash.value.text() == "€0.00"
    assert window.shift_bar.expected.value.text() == "€50.00"


def test_booth_lock_and_hang_up_reach_the_engine(qtbot, window) -> None:
    engine = window.engine_fake
    window.grid.select_booth("Booth 2")
    qtbot.keyClick(window.grid.tile("Booth 2"), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert ("lock", "Booth 2") in engine.commands
    qtbot.waitUntil(lambda: window.grid.tile("Booth 2").property("state") == "locked")
    window.lock_action.trigger()
    assert ("unlock", "Booth 2") in engine.commands
    engine._update("Booth 2", state=BoothState.TALKING, elapsed_s=30.0, number="0049301")
    qtbot.waitUntil(lambda: window.grid.tile("Booth 2").is_talking)
    window.hang_up_action.trigger()
    assert ("hang_up", "Booth 2") in engine.commands
    assert window.confirmations and "Booth 2" in window.confirmations[0]
    # Deposits: tests/ui/test_deposit_actions.py (they go through the till first).


def test_close_shift_with_discrepancy_then_z_report(qtbot, window) -> None:
    paid = window.calls_maker.finish(price_minor=300)
    window.calls_maker.finish("Booth 2", number="0044207", destination="UK", price_minor=90)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 2)
    window.till.pay([paid], 300)
    seen = {}

    def close(dialog) -> None:
        seen["warning"] = dialog.unserved_box.text()
        dialog.counted_edit.setText("52.50")
        seen["difference"] = dialog.discrepancy_label.text()
        seen["style"] = dialog.discrepancy_label.objectName()
        dialog.ok_button.click()
        seen["z"] = dialog.z_discrepancy_label.text()
        dialog.done_button.click()

    def decline_new_shift(dialog) -> None:
        seen["asked_to_open"] = True
        dialog.reject()

    when_dialog(window, close)
    # After the Z report the window asks for a new shift; decline it.
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: when_dialog(window, decline_new_shift))
    qtbot.keyClick(window.calls.table, Qt.Key.Key_F12)
    assert "1 call(s) are still unserved" in seen["warning"] and "0044207" in seen["warning"]
    assert seen["difference"] == "Short by €0.50"
    assert seen["style"] == "discrepancyShort"
    assert seen["z"] == "Short by €0.50"
    assert seen.get("asked_to_open") is True
    assert shifts.current_shift(window.till.shop, window.till.actor) is None
    assert window.calls.model.rowCount() == 0
    listing = shifts.list_shifts(window.till.shop, window.till.actor)
    assert listing.shifts[0].discrepancy_minor == -50


def test_sessions_list_filters_by_date_and_opens_a_session(qtbot, window) -> None:
    window.calls_maker.finish(price_minor=120)
    seen = {}

    def sessions(dialog) -> None:
        seen["rows"] = dialog.model.rowCount()  # one shift + the total row
        seen["total"] = dialog.model.data(dialog.model.index(1, 1))
        dialog.set_period(date(2025, 12, 1), date(2025, 12, 31))
        seen["rows_december"] = dialog.model.rowCount()
        dialog.set_period(date(2026, 1, 1), date(2026, 1, 31))
        detail = dialog.open_row(0)
        seen["detail_calls"] = detail.calls_model.rowCount()
        seen["detail_title"] = detail.windowTitle()
        detail.reject()
        dialog.reject()

    when_dialog(window, sessions)
    qtbot.keyClick(window.calls.table, Qt.Key.Key_F9)
    assert seen["rows"] == 2 and seen["total"] == "Total"
    assert seen["rows_december"] == 1  # only the (empty) total row
    assert seen["detail_calls"] == 1
    assert seen["detail_title"].startswith("Session")


def test_other_status_changes_as_the_core_allows(qtbot, window) -> None:
    call_id = window.calls_maker.finish(price_minor=50)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    call_status.mark_unpaid(window.till.shop, window.till.actor, [call_id], "test")
    window.reload_shift()
    window.calls.show_status(StatusFilter.UNPAID)
    window.calls.select_calls([call_id])

    def back(dialog) -> None:
        dialog.reason_combo.setEditText("customer came back")
        dialog.ok_button.click()

    when_dialog(window, back)
    window.unserved_action.trigger()
    assert window.calls.model.find(call_id).status == "unserved"


def test_shift_bar_figures_follow_the_changes_exactly(qtbot, window) -> None:
    """The bar moves by change values; after every step it equals a fresh read."""
    shop, actor = window.till.shop, window.till.actor

    def fresh():
        return shifts.current_shift(shop, actor)

    a = window.calls_maker.finish("Booth 1", price_minor=120, seconds=61)
    b = window.calls_maker.finish("Booth 2", price_minor=75, seconds=20)
    c = window.calls_maker.finish("Booth 3", price_minor=None, seconds=5)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 3)
    assert window.shift_bar.summary == fresh()
    window.till.pay([a, b], 500)
    assert window.shift_bar.summary == fresh()
    window.till.mark_unpaid([a], "staff")  # paid → unpaid: refund
    assert window.shift_bar.summary == fresh()
    window.till.set_status(a, "paid", "came back")
    assert window.shift_bar.summary == fresh()
    window.till.set_status(b, "unserved", "wrong booth")
    assert window.shift_bar.summary == fresh()
    window.till.mark_unpaid([c, b], "goodwill")
    assert window.shift_bar.summary == fresh()


def test_pay_hands_the_payment_to_the_print_hook(qtbot, window) -> None:
    printed = []
    window.set_print_receipt(printed.append)
    first = window.calls_maker.finish("Booth 1", price_minor=120)
    second = window.calls_maker.finish("Booth 1", price_minor=35)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 2)
    window.calls.select_calls([first, second])

    def pay(dialog) -> None:
        assert dialog.print_check.isVisible() and dialog.print_check.isChecked()
        dialog.tendered_edit.setText("2")
        dialog.ok_button.click()

    when_dialog(window, pay)
    window.pay_action.trigger()
    assert len(printed) == 1
    result = printed[0]
    assert result.total_minor == 155 and result.tendered_minor == 200
    assert result.change_minor == 45
    assert sorted(c.id for c in result.calls) == [first, second]


def test_refund_announced_is_the_refund_recorded_with_cash_rounding(qtbot, window) -> None:
    """The served-without-payment dialog added up the calls' prices itself (1.37); the
    till refunds each call rounded to the cash unit (1.35). It shows the core's figure."""
    shop = window.till.shop
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    call_id = window.calls_maker.finish(price_minor=137)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    window.till.pay([call_id], 200)
    window.calls.show_status(StatusFilter.ALL)
    window.calls.select_calls([call_id])
    seen = {}

    def unpaid(dialog) -> None:
        seen["refund"] = dialog.refund_label.text()
        dialog.reason_combo.setEditText("Charged by mistake")
        dialog.ok_button.click()

    when_dialog(window, unpaid)
    window.unpaid_action.trigger()
    refunded = window.till.current_shift().refunds_minor
    assert refunded == 135
    assert "€1.35" in seen["refund"]
