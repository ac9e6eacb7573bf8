"""The reports page (#13 point 18): ASR without the attempts the engine refused, and
revenue next to the cash rounding, both said in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import update

from callshop_pos.db.models.calls import Call
from callshop_pos.services.reports.period import GroupBy
from callshop_pos.services.till import shifts
from callshop_pos.services.till.payments import pay_calls
from tests.callshop_pos.services.till_support import record_call
from ui.admin.window import AdminWindow


def test_the_page_shows_revenue_rounding_and_asr_labelled(qtbot, seeded) -> None:
    shop, admin, olga = seeded
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    shifts.open_shift(shop, olga, 0)
    a, b = record_call(shop, 123, booth="Booth 1"), record_call(shop, 201, booth="Booth 1")
    pay_calls(shop, olga, [a], 125)
    pay_calls(shop, olga, [b], 200)
    record_call(shop, None, booth="Booth 1", answered=False)  # rang out: an attempt
    refused = record_call(shop, None, booth="Booth 1", answered=False)
    with shop.db.write() as s:  # the prepaid booth had no deposit: refused by the engine
        s.execute(
            update(Call)
            .where(Call.id == refused)
            .values(end_reason="credit_exhausted", end_side="system")
        )
    window = AdminWindow(shop, admin)
    qtbot.addWidget(window)
    page = window.show_page("reports")
    day = shop.clock.now().date()
    page.set_period(day, day, GroupBy.BOOTH)
    report = page.run()
    assert report is not None
    headers = [
        page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())
    ]
    total_row = page.model.rowCount() - 1
    cells = dict(
        zip(
            headers,
            (page.model.data(page.model.index(total_row, c)) for c in range(len(headers))),
            strict=True,
        )
    )
    assert cells["Calls"] == "2" and cells["Attempts"] == "3" and cells["ASR"] == "66.7 %"
    text = page.summary.text()
    assert "revenue 3.24" in text
    assert "revenue is call prices, without cash rounding" in text
    assert "cash rounding of the period's payments 0.01, revenue with it 3.25" in text
    assert "ASR counts only attempts that reached the carrier" in text
