"""Cashier polish (#13 point 10): paying a booth leaves the call list as it was, a
shift can be opened after declining to, disabled buttons look disabled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from callshop_pos.services.till import shifts
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.app import load_stylesheet
from ui.bridge import EngineBridge
from ui.calls_model import StatusFilter


def _window(qtbot, seeded: SeededShop, *, shift: bool = True):
    shop, _admin, olga = seeded
    if shift:
        shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    return cashier_window(qtbot, shop, olga, bridge, engine, booths=4)


def test_paying_a_booth_puts_the_call_list_back(qtbot, seeded) -> None:
    window = _window(qtbot, seeded)
    for booth in ("Booth 3", "Booth 3", "Booth 4", "Booth 1"):
        window.calls_maker.finish(booth, price_minor=50)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 4)
    window.grid.select_booth("Booth 3")
    when_dialog(window, lambda d: qtbot.keyClick(d.tendered_edit, Qt.Key.Key_Return))
    window.pay_booth_action.trigger()
    assert {c.status for c in window.calls.model.calls() if c.booth == "Booth 3"} == {"paid"}
    # Back to every booth's unserved calls: the two still to pay are shown.
    assert window.calls.booth_combo.currentData() is None
    assert window.calls.model.rowCount() == 2
    assert "2 shown" in window.calls.selection_label.text()


def test_paying_a_booth_keeps_the_status_the_cashier_chose(qtbot, seeded) -> None:
    window = _window(qtbot, seeded)
    window.calls_maker.finish("Booth 2", price_minor=50)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
    window.calls.show_status(StatusFilter.ALL)
    window.grid.select_booth("Booth 2")
    when_dialog(window, lambda d: d.reject())  # cancelled
    window.pay_booth_action.trigger()
    assert window.calls.booth_combo.currentData() is None
    assert window.calls.model.rowCount() == 1


def test_a_shift_can_be_opened_after_declining(qtbot, seeded) -> None:
    window = _window(qtbot, seeded, shift=False)
    assert window.open_shift_action.isEnabled()
    assert not window.close_shift_action.isEnabled()
    assert window.open_shift_action in window.menuBar().actions()[0].menu().actions()

    def open_with_float(dialog) -> None:
        dialog.float_edit.setText("50.00")
        dialog.ok_button.click()

    when_dialog(window, open_with_float)
    window.open_shift_action.trigger()
    assert window.till.current_shift() is not None
    assert window.close_shift_action.isEnabled()
    assert not window.open_shift_action.isEnabled()


def test_declined_the_open_shift_button_and_f12_open_one(qtbot, seeded) -> None:
    window = _window(qtbot, seeded, shift=False)
    # In place of Close shift, a visible Open shift button, which shows its key.
    assert window.open_shift_button.isVisibleTo(window)
    assert not window.close_shift_button.isVisibleTo(window)
    assert "F12" in window.open_shift_button.text()

    def open_with_float(dialog) -> None:
        dialog.float_edit.setText("20.00")
        dialog.ok_button.click()

    when_dialog(window, open_with_float)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.till.current_shift() is not None
    assert window.close_shift_button.isVisibleTo(window)
    assert not window.open_shift_button.isVisibleTo(window)


def test_f12_with_a_shift_open_closes_it(qtbot, seeded) -> None:
    window = _window(qtbot, seeded)
    seen: list[str] = []
    when_dialog(window, lambda d: seen.append(type(d).__name__))
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert seen == ["CloseShiftDialog"]


@pytest.fixture
def styled(qapp):
    load_stylesheet(qapp)
    yield
    qapp.setStyleSheet("")


def test_a_disabled_close_shift_button_looks_disabled(qtbot, seeded, styled) -> None:
    window = _window(qtbot, seeded)
    button = window.close_shift_button
    enabled = button.grab().toImage()
    button.setEnabled(False)
    disabled = button.grab().toImage()

    def text_colours(image) -> set[int]:
        background = image.pixel(3, image.height() // 2)
        return {
            image.pixel(x, y)
            for x in range(image.width())
            for y in range(image.height() // 3, 2 * image.height() // 3)
        } - {background}

    red = {c for c in text_colours(enabled) if (c >> 16 & 0xFF) > (c >> 8 & 0xFF) + 60}
    assert red, "the enabled close-shift button is red"
    assert not red & text_colours(disabled), "a disabled close-shift button is grey"


def test_the_admin_window_closes_with_the_till_on_logout(qtbot, seeded) -> None:
    shop, admin, _olga = seeded
    shifts.open_shift(shop, admin, 0)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = cashier_window(qtbot, shop, admin, bridge, engine, booths=4)
    admin_window = window.open_administration()
    assert admin_window is not None and admin_window.isVisible()
    window.close()  # what logging out does to the till's window
    assert not admin_window.isVisible()


def test_a_disabled_primary_button_is_grey_not_blue(qtbot, styled) -> None:
    button = QPushButton("Save changes")
    button.setObjectName("primary")
    qtbot.addWidget(button)
    button.resize(160, 40)

    def blue_pixels() -> int:
        image = button.grab().toImage()
        return sum(
            1
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
            if (c := image.pixel(x, y)) & 0xFF > (c >> 16 & 0xFF) + 80
        )

    assert blue_pixels() > 100, "an enabled primary button is blue"
    button.setEnabled(False)
    assert blue_pixels() == 0, "a disabled one is grey"
