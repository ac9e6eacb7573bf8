"""Plausibility (#13 point 13): a minus sign in a money field, an implausible tender
and an empty reason are refused in words, never dropped or ignored silently."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt

from callshop_pos.services.till.payments import Bill, BillLine
from tests.ui.factories import snapshot
from ui.amount_edit import AmountEdit
from ui.deposit_dialog import DepositDialog
from ui.formatting import Formatter
from ui.pay_dialog import PayDialog

FMT = Formatter(QLocale("en_US"))


def _bill(total: int = 65) -> Bill:
    lines = (BillLine(1, "Booth 1", "0049301", "Germany", 95, 120, total),)
    return Bill(lines, total, 0, total, 1)


def test_a_minus_sign_is_kept_and_refused(qtbot) -> None:
    edit = AmountEdit()
    qtbot.addWidget(edit)
    edit.setText("-10")
    assert edit.text() == "-10"  # not silently dropped
    assert edit.amount() is None
    assert "negative" in (edit.problem() or "")
    edit.setText("10")
    assert edit.amount() == 1000 and edit.problem() is None


def test_a_negative_deposit_is_refused_in_words(qtbot) -> None:
    dialog = DepositDialog(snapshot("Booth 1", 1), FMT)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount_edit.setText("-10")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.isVisible() and "negative" in dialog.error_label.text()
    dialog.amount_edit.setText("10")
    assert dialog.ok_button.isEnabled() and not dialog.error_label.isVisible()


def test_pay_refuses_a_negative_or_implausible_tender(qtbot) -> None:
    paid = []
    dialog = PayDialog(_bill(65), FMT, paid.append)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tendered_edit.setText("-5")
    assert not dialog.ok_button.isEnabled()
    assert "negative" in dialog.error_label.text()
    dialog.tendered_edit.setText("9999999")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.isVisible() and "€9,999,999.00" in dialog.error_label.text()
    qtbot.keyClick(dialog.tendered_edit, Qt.Key.Key_Return)
    assert paid == []
    dialog.tendered_edit.setText("50")
    assert dialog.ok_button.isEnabled() and not dialog.error_label.isVisible()


def test_enter_with_an_empty_reason_says_what_is_missing(qtbot) -> None:
    from ui.unpaid_dialog import ReasonDialog

    applied = []
    dialog = ReasonDialog([], FMT, applied.append, target="unpaid")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason_combo.setEditText("")
    qtbot.keyClick(dialog.reason_combo.lineEdit(), Qt.Key.Key_Return)
    assert applied == [] and dialog.isVisible()
    assert dialog.error_label.isVisible() and "reason" in dialog.error_label.text().lower()
    dialog.reason_combo.setEditText("Owner's call")
    assert not dialog.error_label.isVisible()
