"""#13 point 16: each booth tile shows what the booth owes (the core's figure); a cashier
hands over to the next operator in one step; a user logging in while someone else's
shift is open is told whose it is and offered the hand-over; a low carrier balance
warns the cashier."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QLocale

from callshop_pos.lines.snapshot import BoothState
from callshop_pos.services.admin import ledger, users
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.till import shifts
from callshop_pos.services.till.booth_dues import booth_dues
from tests.callshop_pos.support import OPERATOR_PASSWORD, SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.app import CashierApp
from ui.bridge import EngineBridge
from ui.carrier_warning import CarrierWarning
from ui.formatting import Formatter
from ui.handover import HandOverDialog, ShiftOwnerDialog, hand_over_to_me, settle_shift_owner
from ui.till import Till


def _window(qtbot: Any, seeded: SeededShop, *, shift: bool = True) -> Any:
    shop, _admin, olga = seeded
    if shift:
        shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    return cashier_window(qtbot, shop, olga, bridge, engine, booths=4)


def _petra(seeded: SeededShop) -> Actor:
    user = users.add_user(seeded.shop, seeded.admin, "petra", "petra-pass", Role.OPERATOR)
    return Actor(user.id, user.username, user.role)


def test_booth_tile_shows_the_amount_due_from_the_core(qtbot, seeded) -> None:
    settings_service.update_settings(seeded.shop, seeded.admin, cash_rounding_unit=5)
    window = _window(qtbot, seeded)
    window.calls_maker.finish("Booth 2", price_minor=62)
    window.calls_maker.finish("Booth 2", price_minor=61)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 2)
    due = booth_dues(seeded.shop, seeded.operator)["Booth 2"]
    assert due.total_minor == 125  # 1.23 rounded to the cash unit, by the core
    tile = window.grid.tile("Booth 2")
    # A free booth shows it across the tile; during a call, on the info line.
    assert tile._number.text() == f"To pay {window.fmt.money(125)} (2 calls)"
    assert window.grid.tile("Booth 1")._number.text() == ""
    engine = window.engine_fake
    engine._update("Booth 2", state=BoothState.TALKING, number="00441234567")
    qtbot.waitUntil(lambda: tile._number.text() == "00441234567")
    assert tile._info.text() == f"2 to pay: {window.fmt.money(125)}"
    engine._update("Booth 2", state=BoothState.IDLE, number=None)
    qtbot.waitUntil(lambda: tile._number.text().startswith("To pay"))
    # Paid: the tile's amount goes at once.
    window.till.pay([c.id for c in window.calls.model.calls()], 200)
    assert tile._number.text() == "" and "to pay" not in tile._info.text()


def test_hand_over_from_the_window_closes_and_opens_for_the_next(qtbot, seeded) -> None:
    petra = _petra(seeded)
    window = _window(qtbot, seeded)
    switched: list[Actor] = []
    window.user_switch_requested.connect(switched.append)

    def hand(dialog: HandOverDialog) -> None:
        assert dialog.user_edit.isEnabled()
        dialog.counted_edit.setText("50.00")
        dialog.user_edit.setText("petra")
        dialog.password_edit.setText("wrong")
        dialog.ok_button.click()
        assert dialog.isVisible()  # refused in words, nothing changed
        assert dialog.error_label.text()
        assert shifts.current_shift(seeded.shop, petra).operator == "olga"  # type: ignore[union-attr]
        dialog.password_edit.setText("petra-pass")
        dialog.ok_button.click()

    when_dialog(window, hand)
    window.hand_over_action.trigger()
    now = shifts.current_shift(seeded.shop, petra)
    assert now is not None and now.operator == "petra"
    assert now.opening_float_minor == 5000
    assert [a.username for a in switched] == ["petra"]


def test_another_user_logging_in_is_told_whose_shift_it_is(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    petra = _petra(seeded)
    shifts.open_shift(shop, olga, 3000)
    till = Till(shop, petra)
    owner = shifts.shift_owner(shop, petra)
    assert owner is not None
    dialog = ShiftOwnerDialog(owner, till.actor.username)
    qtbot.addWidget(dialog)
    assert "olga" in dialog.text_label.text()
    assert dialog.hand_over_button.text() and dialog.logout_button.text()


def test_hand_over_to_the_user_who_logged_in(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    petra = _petra(seeded)
    shifts.open_shift(shop, olga, 3000)
    till = Till(shop, petra)
    seen: list[Any] = []
    till.changed.connect(seen.append)
    report = shifts.x_report(shop, olga)
    dialog = HandOverDialog(_fmt(), hand_over_to_me(till), report=report, outgoing="olga")
    qtbot.addWidget(dialog)
    assert not dialog.user_edit.isEnabled() and dialog.user_edit.text() == "olga"
    dialog.counted_edit.setText("30.00")
    dialog.float_edit.setText("20.00")
    dialog.password_edit.setText(OPERATOR_PASSWORD)
    dialog.ok_button.click()
    assert dialog.result_value is not None
    now = shifts.current_shift(shop, petra)
    assert now is not None and now.operator == "petra" and now.opening_float_minor == 2000
    kinds = [type(c).__name__ for c in seen]
    assert kinds == ["ShiftReport", "ShiftOpened"]


def test_low_carrier_balance_warns_the_cashier(qtbot, seeded) -> None:
    shop, admin, olga = seeded
    settings_service.update_settings(shop, admin, low_balance_threshold_micro_usd=50_000_000)
    label = CarrierWarning(shop, olga)
    qtbot.addWidget(label)
    label.refresh()
    assert "carrier" in label.text().lower()
    ledger.add_topup(shop, admin, 100_000_000, date(2026, 1, 5), "bank")
    label.refresh()
    assert label.text() == ""


def _fmt() -> Formatter:
    return Formatter(QLocale("en_US"))


def test_login_into_someone_elses_shift_offers_the_hand_over(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    petra = _petra(seeded)
    shifts.open_shift(shop, olga, 3000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = cashier_window(qtbot, shop, petra, bridge, engine, booths=4)
    # Not silently in olga's shift: the window shows none, its actions are off.
    assert window.shift_bar.summary is None
    assert not window.pay_booth_action.isEnabled()
    seen: list[str] = []

    def confirm(dialog: HandOverDialog) -> None:
        seen.append(dialog.user_edit.text())
        dialog.counted_edit.setText("30.00")
        dialog.password_edit.setText(OPERATOR_PASSWORD)
        dialog.ok_button.click()

    def told(dialog: ShiftOwnerDialog) -> None:
        seen.append(dialog.text_label.text())
        when_dialog(window, confirm)
        dialog.hand_over_button.click()

    when_dialog(window, told)
    assert settle_shift_owner(window, window.till)
    assert "olga" in seen[0] and seen[1] == "olga"
    now = shifts.current_shift(shop, petra)
    assert now is not None and now.operator == "petra" and now.opening_float_minor == 3000
    assert window.shift_bar.summary is not None and window.shift_bar.summary.operator == "petra"


def test_logging_out_instead_changes_nothing(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    petra = _petra(seeded)
    opened = shifts.open_shift(shop, olga, 3000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = cashier_window(qtbot, shop, petra, bridge, engine, booths=4)
    when_dialog(window, lambda d: d.logout_button.click())
    assert not settle_shift_owner(window, window.till)
    now = shifts.current_shift(shop, olga)
    assert now is not None and now.id == opened.shift.id


def test_after_the_hand_over_the_window_is_the_next_operators(qtbot, qapp, seeded, tmp_path):
    shop, _admin, olga = seeded
    _petra(seeded)
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=2)
    engine.publish_all()
    cashier = CashierApp(qapp, shop, bridge, engine, tmp_path / "data")
    cashier.switch_language("en")
    cashier.till = Till(shop, olga)
    window = cashier.show_window()
    qtbot.addWidget(window)

    def hand(dialog: HandOverDialog) -> None:
        dialog.counted_edit.setText("50.00")
        dialog.user_edit.setText("petra")
        dialog.password_edit.setText("petra-pass")
        dialog.ok_button.click()

    when_dialog(window, hand)
    window.hand_over_action.trigger()
    qtbot.waitUntil(lambda: cashier.window is not window)
    new = cashier.window
    assert new is not None
    qtbot.addWidget(new)
    assert cashier.till is not None and cashier.till.actor.username == "petra"
    assert new.shift_bar.summary is not None and new.shift_bar.summary.operator == "petra"
    assert new.close_shift_action.isEnabled()
