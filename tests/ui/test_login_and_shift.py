"""Login (with the core's lockout) and opening a shift, on a real shop."""

from __future__ import annotations

from PySide6.QtCore import Qt

from callshop_pos.services import auth
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import OPERATOR_PASSWORD, SeededShop
from ui.login import LoginDialog
from ui.open_shift import OpenShiftDialog
from ui.till import Till


def _login_dialog(qtbot, seeded: SeededShop, **kw) -> LoginDialog:
    dialog = LoginDialog(lambda n, p: auth.login(seeded.shop, n, p), **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_login_accepts_the_right_password(qtbot, seeded) -> None:
    dialog = _login_dialog(qtbot, seeded)
    qtbot.keyClicks(dialog.user_edit, "olga")
    qtbot.keyClicks(dialog.password_edit, OPERATOR_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.username == "olga"


def test_wrong_password_then_lockout_message_from_the_core(qtbot, seeded) -> None:
    dialog = _login_dialog(qtbot, seeded)
    dialog.user_edit.setText("olga")
    for _ in range(5):
        dialog.password_edit.setText("wrong")
        dialog.ok_button.click()
        assert dialog.isVisible()
        assert dialog.password_edit.text() == ""
    assert "locked" in dialog.error_label.text()
    # Even the right password is refused while the account is locked.
    dialog.password_edit.setText(OPERATOR_PASSWORD)
    dialog.ok_button.click()
    assert dialog.actor is None
    assert "locked for another" in dialog.error_label.text()
    assert dialog.error_label.isVisibleTo(dialog)


def test_demo_credentials_only_in_demo_mode(qtbot, seeded) -> None:
    plain = _login_dialog(qtbot, seeded)
    assert not hasattr(plain, "demo_label")
    demo = _login_dialog(qtbot, seeded, demo_accounts=[("operator", "olga", OPERATOR_PASSWORD)])
    assert "olga" in demo.demo_label.text() and OPERATOR_PASSWORD in demo.demo_label.text()
    assert demo.user_edit.text() == "olga"


def test_open_shift_with_opening_float(qtbot, seeded) -> None:
    till = Till(seeded.shop, seeded.operator)
    dialog = OpenShiftDialog(till.open_shift, "olga")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.float_edit.setText("abc")  # refused by the validator: stays empty
    dialog.float_edit.setText("")
    dialog.ok_button.click()
    assert dialog.error_label.isVisibleTo(dialog)
    assert shifts.current_shift(seeded.shop, seeded.operator) is None
    dialog.float_edit.setText("75,50")
    with qtbot.waitSignal(till.changed) as changed:
        qtbot.keyClick(dialog.float_edit, Qt.Key.Key_Return)
    assert changed.args[0].shift.opening_float_minor == 7550
    summary = shifts.current_shift(seeded.shop, seeded.operator)
    assert summary is not None and summary.expected_minor == 7550


def test_second_shift_is_refused_with_the_core_message(qtbot, seeded) -> None:
    shifts.open_shift(seeded.shop, seeded.admin, 0)
    till = Till(seeded.shop, seeded.operator)
    dialog = OpenShiftDialog(till.open_shift, "olga")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.float_edit.setText("10")
    dialog.ok_button.click()
    assert "still open" in dialog.error_label.text()
    assert dialog.isVisible()
