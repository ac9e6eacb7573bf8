"""The till's confirm dialogs (built with ``ui.dialog_parts``): their OK / Cancel row,
their error line, their tab order and their Bulgarian texts, dialog by dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from callshop_pos.clock import FakeClock
from callshop_pos.errors import InvalidInput
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till import shifts
from callshop_pos.services.till.payments import Bill, BillLine
from tests.callshop_pos.support import make_shop
from tests.ui.factories import call, snapshot
from tests.ui.widget_facts import bulgarian, tab_order
from ui.close_shift import CloseShiftDialog
from ui.deposit_dialog import DepositDialog
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter
from ui.i18n import Languages
from ui.login import LoginDialog
from ui.open_shift import OpenShiftDialog
from ui.pay_dialog import PayDialog
from ui.unpaid_dialog import ReasonDialog

FMT = Formatter(QLocale("en_US"))
_CANCEL = "QPushButton:Cancel"


def _bill() -> Bill:
    lines = tuple(BillLine(i, f"Booth {i}", "0049301", "Germany", 95, 120, 60 + i) for i in (1, 2))
    return Bill(lines, 121, 0, 121, 1)


@pytest.fixture(scope="module")
def x_report() -> Iterator[ShiftReport]:
    """The X report of a real shop's freshly opened shift."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        seeded = make_shop(f"sqlite:///{folder}/shop.db", FakeClock())
        try:
            shifts.open_shift(seeded.shop, seeded.operator, 1000)
            yield shifts.x_report(seeded.shop, seeded.operator)
        finally:
            seeded.shop.close()


def _refuse(*_args: object) -> object:
    raise InvalidInput("refused by the core")


@dataclass(frozen=True)
class Case:
    build: Callable[[ShiftReport], QDialog]
    context: str  # the tr() context of the OK text
    ok_text: str
    ok_enabled: bool
    tabs: list[str]
    error_line: bool = True


CASES = {
    "login": Case(
        lambda _r: LoginDialog(_refuse),
        "LoginDialog",
        "Log in",
        True,
        ["user_edit", "password_edit", "ok_button", _CANCEL],
    ),
    "open shift": Case(
        lambda _r: OpenShiftDialog(_refuse, "olga"),
        "OpenShiftDialog",
        "Open shift",
        True,
        ["float_edit", "ok_button", _CANCEL],
    ),
    "unpaid": Case(
        lambda _r: ReasonDialog([call(1), call(2, status="paid")], FMT, _refuse, refund_minor=60),
        "ReasonDialog",
        "Confirm",
        False,
        ["reason_combo", "QLineEdit:", "ok_button", _CANCEL],
    ),
    "unserved": Case(
        lambda _r: ReasonDialog([call(1)], FMT, _refuse, target="unserved"),
        "ReasonDialog",
        "Confirm",
        False,
        ["reason_combo", "QLineEdit:", "ok_button", _CANCEL],
    ),
    "pay": Case(
        lambda _r: PayDialog(_bill(), FMT, _refuse, print_receipt=lambda _p: None),
        "PayDialog",
        "Pay  (Enter)",
        True,
        [
            "tendered_edit",
            "QPushButton:E&xact",
            "QPushButton:€5.00",
            "QPushButton:€10.00",
            "QPushButton:€20.00",
            "QPushButton:€50.00",
            "print_check",
            "ok_button",
            _CANCEL,
        ],
    ),
    "deposit": Case(
        lambda _r: DepositDialog(snapshot(), FMT),
        "DepositDialog",
        "Take deposit",
        False,
        ["amount_edit", "ok_button", _CANCEL],
        error_line=False,
    ),
    "close shift": Case(
        lambda r: CloseShiftDialog(r, FMT, _refuse),
        "CloseShiftDialog",
        "Close shift (Z report)",
        False,
        ["counted_edit", "ok_button", _CANCEL],
    ),
}


@pytest.fixture
def languages(qapp) -> Iterator[Languages]:
    langs = Languages(qapp)
    yield langs
    langs.apply("en")


def _box(dialog: QDialog) -> QDialogButtonBox:
    box = dialog.ok_button.parent()
    assert isinstance(box, QDialogButtonBox)
    return box


@pytest.mark.parametrize("name", CASES)
def test_confirm_row_error_line_and_tab_order(qtbot, x_report, name) -> None:
    case = CASES[name]
    dialog = case.build(x_report)
    qtbot.addWidget(dialog)
    ok = dialog.ok_button
    assert ok.text() == case.ok_text
    assert ok.isDefault() and ok.isEnabled() is case.ok_enabled
    assert _box(dialog).standardButtons() == (
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if case.error_line:
        line = dialog.error_label
        assert line.objectName() == "errorText" and line.wordWrap()
        assert line.isHidden() and line.text() == ""
    assert tab_order(dialog) == case.tabs


@pytest.mark.parametrize("name", CASES)
def test_cancel_rejects(qtbot, x_report, name) -> None:
    dialog = CASES[name].build(x_report)
    qtbot.addWidget(dialog)
    dialog.show()
    cancel = _box(dialog).button(QDialogButtonBox.StandardButton.Cancel)
    with qtbot.waitSignal(dialog.rejected):
        cancel.click()
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize("name", CASES)
def test_ok_text_is_translated_in_its_own_context(qtbot, x_report, languages, name) -> None:
    case = CASES[name]
    languages.apply("bg")
    dialog = case.build(x_report)
    qtbot.addWidget(dialog)
    expected = bulgarian("callshop", case.context, case.ok_text)
    assert expected and dialog.ok_button.text() == expected


def test_pay_button_keeps_its_style_name(qtbot) -> None:
    dialog = PayDialog(_bill(), FMT, _refuse)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.objectName() == "payButton"


@pytest.mark.parametrize("name", ["unpaid", "pay", "close shift", "open shift"])
def test_the_cores_refusal_is_shown_and_the_dialog_stays(qtbot, x_report, name) -> None:
    dialog = CASES[name].build(x_report)
    qtbot.addWidget(dialog)
    dialog.show()
    if isinstance(dialog, ReasonDialog):
        dialog.reason_combo.setCurrentIndex(1)
    elif isinstance(dialog, CloseShiftDialog):
        dialog.counted_edit.setText("10.00")
    elif isinstance(dialog, OpenShiftDialog):
        dialog.float_edit.setText("50.00")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "refused by the core"
    assert dialog.isVisible() and dialog.result() == 0


def test_deposit_ok_follows_the_amount(qtbot) -> None:
    dialog = DepositDialog(snapshot(), FMT)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount_edit.setText("5.00")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert dialog.amount() == 500
    assert isinstance(dialog.ok_button, QPushButton)


def test_confirm_buttons_on_a_bare_dialog(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    done: list[str] = []
    buttons, ok = confirm_buttons(dialog, "Go", lambda: done.append("ok"), enabled=False)
    assert ok is buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert (ok.text(), ok.isDefault(), ok.isEnabled()) == ("Go", True, False)
    ok.setEnabled(True)
    ok.click()
    assert done == ["ok"] and dialog.result() == 0  # OK runs the action, nothing more
    with qtbot.waitSignal(dialog.rejected):
        buttons.button(QDialogButtonBox.StandardButton.Cancel).click()


def test_error_line_is_hidden_until_shown(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    line = error_line()
    line.setParent(dialog)
    dialog.show()
    assert not line.isVisible() and line.wordWrap() and line.objectName() == "errorText"
    show_error(line, "Booth 3 is locked")
    assert line.isVisible() and line.text() == "Booth 3 is locked"
