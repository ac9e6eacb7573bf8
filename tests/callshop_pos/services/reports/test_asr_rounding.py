"""Reports (#13 point 18): attempts the line engine refused (a prepaid booth without
deposit, a locked booth …) are not attempts for ASR; revenue (call prices) and the
cash rounding of the bills are reported apart, each labelled."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.report_cells import ReportCell, ReportShift
from callshop_pos.receipts.layout import layout_shift_report, plain_text
from callshop_pos.receipts.model import ReportKind
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.export import report_pdf
from callshop_pos.services.reports.period import GroupBy, period_report
from callshop_pos.services.till import shifts
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.receipt_builders import build_shift_report
from tests.callshop_pos.services.till_support import record_call


def _refused(shop: Shop, reason: str, *, booth: str = "Booth 8") -> None:
    """An attempt the engine refused: recorded, never answered, ended by the system."""
    call_id = record_call(shop, None, booth=booth, answered=False)
    with shop.db.write() as s:
        s.execute(
            update(Call).where(Call.id == call_id).values(end_reason=reason, end_side="system")
        )


def _day(shop: Shop):
    assert isinstance(shop.clock, FakeClock)
    return shop.clock.now().date()


@pytest.mark.parametrize("closed", [False, True], ids=["open shift", "closed shift (cells)"])
def test_engine_refusals_are_not_attempts(
    shop: Shop, admin: Actor, operator: Actor, closed: bool
) -> None:
    shifts.open_shift(shop, operator, 0)
    record_call(shop, 100)  # answered
    record_call(shop, None, answered=False)  # rang out at the far end: an attempt
    _refused(shop, "credit_exhausted")  # prepaid booth, no deposit
    _refused(shop, "denied")  # locked booth / blocked prefix
    if closed:
        shifts.close_shift(shop, operator, 100)
    day = _day(shop)
    total = period_report(shop, admin, day, day, GroupBy.BOOTH).total
    assert (total.calls, total.attempts) == (1, 2)
    assert str(total.asr_percent) == "50.0"


def test_cells_summed_under_the_old_meaning_are_summed_again(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    shifts.open_shift(shop, operator, 0)
    record_call(shop, 100)
    _refused(shop, "credit_exhausted")
    shifts.close_shift(shop, operator, 100)
    day = _day(shop)
    assert period_report(shop, admin, day, day, GroupBy.DAY).total.attempts == 1
    # As an older version left them: refusals counted, no version in the marker.
    with shop.db.write() as s:
        s.execute(update(ReportCell).values(attempts=2))
        for marker in s.scalars(select(ReportShift)):
            rates = json.loads(marker.rates)
            rates.pop("_sums")
            marker.rates = json.dumps(rates)
    assert period_report(shop, admin, day, day, GroupBy.DAY).total.attempts == 1
    assert period_report(shop, admin, day, day, GroupBy.BOOTH).total.attempts == 1


def test_revenue_and_cash_rounding_are_reported_apart(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    shifts.open_shift(shop, operator, 0)
    a, b = record_call(shop, 123), record_call(shop, 201)
    pay_calls(shop, operator, [a], 125)  # 1.23 -> 1.25: +2
    pay_calls(shop, operator, [b], 200)  # 2.01 -> 2.00: -1
    day = _day(shop)
    report = period_report(shop, admin, day, day, GroupBy.DAY)
    assert report.total.revenue_minor == 324  # call prices
    assert report.cash_rounding_minor == 1
    assert report.revenue_with_rounding_minor == 325  # = the cash taken
    summary = shifts.current_shift(shop, operator)
    assert summary is not None and summary.cash_minor == 325
    # A payment belongs to the period of its own time.
    later = day + timedelta(days=1)
    assert period_report(shop, admin, later, later, GroupBy.DAY).cash_rounding_minor == 0
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")


def test_the_x_report_shows_the_rounding_inside_the_payments(shop: Shop, operator: Actor) -> None:
    shop.use_settings(shop.settings.replace(cash_rounding_unit=5))
    shifts.open_shift(shop, operator, 0)
    pay_calls(shop, operator, [record_call(shop, 123)], 125)
    report = shifts.x_report(shop, operator)
    assert report.rounding_minor == 2
    doc = build_shift_report(report, settings=shop.settings, manual_drawer_opens=0)
    assert doc.kind is ReportKind.X and doc.rounding_minor == 2
    text = plain_text(layout_shift_report(doc, 42, language="en"))
    lines = text.splitlines()
    payments = next(i for i, line in enumerate(lines) if line.startswith("Payments (1)"))
    assert lines[payments + 1].strip().startswith("incl. cash rounding")
    assert "0.02" in lines[payments + 1]
    bg = plain_text(layout_shift_report(doc, 42, language="bg"))
    assert "в т.ч. закръгляне" in bg
