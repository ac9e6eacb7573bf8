"""The cashier window opens the administration window for administrators only."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QLocale

from tests.ui.support import FakeEngine
from ui.admin.window import AdminWindow
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.till import Till


def _main_window(qtbot, shop, actor) -> MainWindow:
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    win = MainWindow(
        Till(shop, actor),
        bridge,
        engine,
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        confirm=lambda t, x: True,
        today=lambda: date(2026, 1, 5),
    )
    bridge.attach()
    qtbot.addWidget(win)
    return win


@pytest.mark.parametrize("who", ["admin", "operator"])
def test_administration_action_only_for_admins(qtbot, seeded, who) -> None:
    actor = seeded.admin if who == "admin" else seeded.operator
    win = _main_window(qtbot, seeded.shop, actor)
    assert win.admin_action.isVisible() is (who == "admin")
    opened = win.open_administration()
    if who == "admin":
        assert isinstance(opened, AdminWindow) and opened.isVisible()
        qtbot.addWidget(opened)
        opened.close()
    else:
        assert opened is None
