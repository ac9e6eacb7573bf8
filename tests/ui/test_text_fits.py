"""Every text of the till, its dialogs and the administration pages fits its widget, in
English and in Bulgarian, on the small screens call shops use (1366×768, 1280×720)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from callshop_pos.lines.snapshot import BillingMode, BoothState
from callshop_pos.services.till import shifts
from tests.ui.support import FakeEngine, cashier_window
from tests.ui.text_fit import needs_sideways_scroll, overflowing_texts
from ui.admin.window import AdminWindow
from ui.app import load_stylesheet
from ui.bridge import EngineBridge
from ui.calls_model import StatusFilter
from ui.card_sale_dialog import CardSaleDialog
from ui.close_shift import CloseShiftDialog
from ui.deposit_dialog import DepositDialog
from ui.engine_status import EngineStatusLabel, attach_engine_status
from ui.formatting import Formatter
from ui.i18n import Languages
from ui.login import LoginDialog
from ui.open_shift import OpenShiftDialog
from ui.pay_dialog import PayDialog
from ui.sessions import SessionsDialog
from ui.unpaid_dialog import ReasonDialog

SCREENS = [(1366, 768), (1280, 720)]
#: What a booth tile must show whole: its number and its money line (credit, calls to
#: pay); only the destination and the line's driver status may end in "…".
TILE_MUST_FIT = frozenset({"tileNumber", "tileInfo"})
ADMIN_PAGES = (
    "prices",
    "fx",
    "account",
    "reports",
    "users",
    "booths",
    "cards",
    "settings",
    "audit",
)


@pytest.fixture(params=["en", "bg"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    languages = Languages(qapp)
    load_stylesheet(qapp)
    languages.apply(request.param)
    yield request.param
    languages.apply("en")
    qapp.setStyleSheet("")


def status_message_cut(window: QMainWindow) -> list[str]:
    """The status bar's key hint (shown when no other message is) against the room its
    permanent widgets leave it."""
    bar = window.statusBar()
    hint = bar.currentMessage()
    others = sum(
        w.width() for w in bar.findChildren(QWidget) if w.isVisible() and w.parentWidget() is bar
    )
    room = bar.width() - others - 2 * bar.layout().spacing() - 8
    need = bar.fontMetrics().horizontalAdvance(hint)
    return [f"status bar keys {hint!r}: {need} px in {room} px"] if need > room else []


def _shown(qtbot, widget: QWidget, size: tuple[int, int] | None = None) -> QWidget:
    qtbot.addWidget(widget)
    if size is not None:
        widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    return widget


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_till_and_its_dialogs_fit(qtbot, seeded, language, screen) -> None:
    shop = seeded.shop
    shifts.open_shift(shop, seeded.operator, 10_000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=8, shop=shop)
    engine.publish_all()
    engine._update("Booth 2", state=BoothState.TALKING, number="00493012345678", elapsed_s=75.0)
    engine._update("Booth 3", locked=True, state=BoothState.LOCKED)
    # Prepaid booths as in the demo: one without a deposit, one with credit and calls due.
    engine._update("Booth 7", billing=BillingMode.PREPAID)
    engine._update("Booth 8", billing=BillingMode.PREPAID, credit_left_minor=1000, unpaid_calls=3)
    window = cashier_window(qtbot, shop, seeded.operator, bridge, engine, booths=8)
    attach_engine_status(window, bridge, lambda: 4321)  # as the till has it
    fmt = Formatter(QLocale())
    window.fmt = fmt
    ids = [window.calls_maker.finish(f"Booth {n % 4 + 1}") for n in range(6)]
    # The longest status ("Unserved", "Необслужени"), a long number, every column shown.
    window.calls.show_status(StatusFilter.ALL)
    window.resize(*screen)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() == 6)
    QApplication.processEvents()
    problems = [f"till: {p}" for p in overflowing_texts(window, must_fit=TILE_MUST_FIT)]
    problems += [f"till: {p}" for p in needs_sideways_scroll(window.calls.table)]
    # No shift open: Open shift takes Close shift's place.
    window.close_shift_button.hide()
    window.open_shift_button.show()
    QApplication.processEvents()
    problems += [f"till, no shift: {p}" for p in overflowing_texts(window.open_shift_button)]
    window.open_shift_button.hide()
    window.close_shift_button.show()
    bridge.on_connection(False)  # the longest engine state: not reachable
    qtbot.waitUntil(lambda: "—" in window.statusBar().findChild(EngineStatusLabel).text())
    problems += [f"till, engine down: {p}" for p in overflowing_texts(window.statusBar())]
    bridge.on_connection(True)
    # The keys in the status bar are not cut by what stands at its right: the engine's
    # state and the link to central (its longest Bulgarian text shown here).
    central = QLabel(
        QApplication.translate("SyncStatus", "Central: not linked, {n} shift(s) waiting").format(
            n=12
        )
    )
    window.statusBar().addPermanentWidget(central)
    QApplication.processEvents()
    problems += [f"till: {p}" for p in status_message_cut(window)]

    till = window.till
    bill = till.quote_payment(ids[:3])
    calls = [c for c in window.calls.model.calls() if c.id in ids[:2]]
    dialogs: dict[str, QWidget] = {
        "pay": PayDialog(
            bill, fmt, lambda t: till.pay(bill, t), print_receipt=lambda r: None, parent=window
        ),
        "close shift": CloseShiftDialog(till.x_report(), fmt, till.close_shift, window),
        "open shift": OpenShiftDialog(till.open_shift, "olga", window),
        "unpaid": ReasonDialog(calls, fmt, lambda r: None, target="unpaid", parent=window),
        "unserved": ReasonDialog(calls, fmt, lambda r: None, target="unserved", parent=window),
        "deposit": DepositDialog(engine.states["Booth 1"], fmt, window),
        "sell card": CardSaleDialog(fmt, till.quote_card_sale, till.sell_card, window),
        "top up card": CardSaleDialog(
            fmt, till.quote_card_sale, till.top_up_card, window, top_up=till.quote_top_up
        ),
        "sessions": SessionsDialog(till.list_shifts, till.show_shift, fmt, parent=window),
        "login": LoginDialog(
            lambda u, p: seeded.operator, demo_accounts=[("operator", "olga", "x")]
        ),
    }
    for name, dialog in dialogs.items():
        _shown(qtbot, dialog)
        problems += [f"{name}: {p}" for p in overflowing_texts(dialog)]
        dialog.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_admin_page_fits(qtbot, seeded, language, screen) -> None:
    window = _shown(qtbot, AdminWindow(seeded.shop, seeded.admin), screen)
    problems = []
    for key in ADMIN_PAGES:
        page = window.show_page(key)
        QApplication.processEvents()
        problems += [f"{key}: {p}" for p in overflowing_texts(page)]
        problems += [f"{key} nav: {p}" for p in overflowing_texts(window.nav)]
        # The page fits the screen: the window never has to grow past it.
        needed = window.minimumSizeHint().expandedTo(window.minimumSize())
        if needed.width() > screen[0] or window.width() > screen[0]:
            problems.append(f"{key}: the window needs {needed.width()} px of {screen[0]}")
    assert problems == [], "\n".join(problems)
