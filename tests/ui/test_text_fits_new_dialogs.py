"""The hand-over, whose-shift, printer set-up and closed-session dialogs fit their texts
in English and Bulgarian (the checks of tests/ui/test_text_fits.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QWidget

from callshop_pos.services.admin import users
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.till import shifts
from callshop_pos.services.till.printer_setup import PrinterChoice, PrinterKind
from tests.ui.text_fit import overflowing_texts
from ui.app import load_stylesheet
from ui.formatting import Formatter
from ui.handover import HandOverDialog, ShiftOwnerDialog, hand_over_to_me, hand_over_to_next
from ui.i18n import Languages
from ui.printer_setup import PrinterSetupDialog
from ui.sessions import ShiftDetailDialog
from ui.till import Till


@pytest.fixture(params=["en", "bg"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    languages = Languages(qapp)
    load_stylesheet(qapp)
    languages.apply(request.param)
    yield request.param
    languages.apply("en")
    qapp.setStyleSheet("")


def test_new_dialogs_fit(qtbot, seeded, language) -> None:
    shop, admin, olga = seeded
    user = users.add_user(shop, admin, "petra", "petra-pass", Role.OPERATOR)
    petra = Actor(user.id, user.username, user.role)
    shifts.open_shift(shop, olga, 5000)
    fmt = Formatter(QLocale())
    olga_till, petra_till = Till(shop, olga), Till(shop, petra)
    owner = shifts.shift_owner(shop, petra)
    assert owner is not None
    detail = shifts.show_shift(shop, olga, owner.shift_id)
    dialogs: dict[str, QWidget] = {
        "hand over": HandOverDialog(
            fmt, hand_over_to_next(olga_till), report=shifts.x_report(shop, olga)
        ),
        "hand over to me": HandOverDialog(
            fmt, hand_over_to_me(petra_till), owner=owner, outgoing="olga"
        ),
        "whose shift": ShiftOwnerDialog(owner, "petra", fmt, admin=True),
        "session": ShiftDetailDialog(
            detail, fmt, reprint_receipt=lambda _i: None, reprint_report=lambda _i: None
        ),
    }
    for kind in PrinterKind:
        dialogs[f"printer {kind.value}"] = PrinterSetupDialog(
            lambda _c: None, current=PrinterChoice(kind), system_printers=["Office laser"]
        )
    problems: list[str] = []
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        problems += [f"{name}: {p}" for p in overflowing_texts(dialog)]
        dialog.close()
    assert problems == [], "\n".join(problems)
