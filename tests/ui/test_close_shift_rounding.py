"""The close-shift preview shows the cash rounding inside the payments (#13 point 18):
the paid calls' prices leave it out, the payments and the drawer have it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from callshop_pos.services.till import shifts
from callshop_pos.services.till.payments import pay_calls
from tests.callshop_pos.services.till_support import record_call
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.bridge import EngineBridge


def test_the_preview_has_a_rounding_line_under_the_payments(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    shifts.open_shift(shop, olga, 0)
    pay_calls(shop, olga, [record_call(shop, 123, booth="Booth 1")], 125)
    bridge = EngineBridge()
    engine = FakeEngine(bridge)
    engine.publish_all()
    window = cashier_window(qtbot, shop, olga, bridge, engine, booths=4)
    texts: list[str] = []
    when_dialog(window, lambda d: texts.extend(w.text() for w in d.findChildren(QLabel)))
    window.close_shift_action.trigger()
    payments = texts.index("Payments (1)")
    assert texts[payments + 1] == "€1.25"
    assert texts[payments + 2].strip() == "incl. cash rounding"
    assert texts[payments + 3] == "€0.02"
