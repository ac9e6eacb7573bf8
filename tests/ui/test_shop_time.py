"""Every time on screen is the shop's wall-clock time (its ``timezone`` setting), as on
receipts, the Z report and the CLI — never the PC's own zone."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale

from callshop_pos.clock import FakeClock
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import make_shop
from tests.ui.support import FakeEngine
from ui.app import CashierApp
from ui.bridge import EngineBridge
from ui.calls_model import CallColumn
from ui.formatting import Formatter
from ui.till import Till

KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+05:30 all year, unlike any PC's zone here


@pytest.fixture
def pc_in_utc(monkeypatch: pytest.MonkeyPatch):
    """The PC's own zone pinned to UTC, so a time shown in it is recognisable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_formatter_shows_times_in_the_given_zone(pc_in_utc) -> None:
    fmt = Formatter(QLocale("en_GB"), zone=KOLKATA)
    instant = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert fmt.time(instant) == "14:30:00"
    assert fmt.date_time(instant).endswith("14:30")
    assert fmt.today(FakeClock(datetime(2026, 1, 5, 20, 0, tzinfo=UTC))).isoformat() == "2026-01-06"


def test_the_till_shows_the_shops_time(qtbot, qapp, tmp_path, pc_in_utc) -> None:
    seeded = make_shop(
        f"sqlite:///{tmp_path / 'shop.db'}", FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    )
    try:
        update_settings(seeded.shop, seeded.admin, timezone="Asia/Kolkata")
        shifts.open_shift(seeded.shop, seeded.operator, 1000)
        bridge = EngineBridge()
        engine = FakeEngine(bridge, booths=2)
        engine.publish_all()
        cashier = CashierApp(qapp, seeded.shop, bridge, engine, tmp_path / "data")
        cashier.switch_language("en")
        cashier.till = Till(seeded.shop, seeded.operator)
        window = cashier.show_window()
        qtbot.addWidget(window)
        assert window.shift_bar.opened.value.text().endswith("14:30")
        from tests.ui.support import CallMaker

        CallMaker(seeded.shop, bridge).finish("Booth 1")
        qtbot.waitUntil(lambda: window.calls.model.rowCount() == 1)
        model = window.calls.model
        assert model.data(model.index(0, CallColumn.ANSWERED)) == "14:30:00"
        assert window._today().isoformat() == "2026-01-05"
    finally:
        seeded.shop.close()


def test_admin_pages_show_the_shops_time(qtbot, tmp_path, pc_in_utc) -> None:
    from decimal import Decimal

    from callshop_pos.services.admin import fx
    from ui.admin.window import AdminWindow

    seeded = make_shop(
        f"sqlite:///{tmp_path / 'shop.db'}", FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    )
    try:
        update_settings(seeded.shop, seeded.admin, timezone="Asia/Kolkata")
        fx.set_usd_rate(seeded.shop, seeded.admin, Decimal("0.92"), datetime(2026, 1, 5).date())
        window = AdminWindow(seeded.shop, seeded.admin)
        qtbot.addWidget(window)
        page = window.show_page("fx")
        texts = [page.model.data(page.model.index(0, c)) for c in range(page.model.columnCount())]
        assert "2026-01-05 14:30" in texts, texts
        audit = window.show_page("audit")
        from PySide6.QtCore import Qt

        when = next(
            c
            for c in range(audit.model.columnCount())
            if audit.model.headerData(c, Qt.Orientation.Horizontal) == "When"
        )
        column = [
            audit.model.data(audit.model.index(r, when)) for r in range(audit.model.rowCount())
        ]
        assert column and all(str(t).endswith("14:30") for t in column), column
    finally:
        seeded.shop.close()
