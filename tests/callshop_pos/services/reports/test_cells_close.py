"""Closing a shift sums it into the report cells at once: the next report has nothing
to catch up on, corrections and later USD rates still show, and a failed summing
never fails the close."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from callshop_pos.db.models.report_cells import ReportCell, ReportShift
from callshop_pos.services.admin import admin_prices, fx
from callshop_pos.services.admin.fx import usd_rates
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.cells import refresh_cells
from callshop_pos.services.reports.period import (
    GroupBy,
    PeriodReport,
    build_period_report,
    period_report,
)
from callshop_pos.services.till import corrections, payments, shifts
from tests.callshop_pos.services.till_support import record_call


def _catch_up(shop: Shop) -> int:
    """What a report would (re)sum before reading the cells."""
    with shop.db.read() as s:
        rates = usd_rates(s)
    return refresh_cells(shop, shop.settings.timezone, rates)


def _from_calls(shop: Shop, day: date, group_by: GroupBy) -> PeriodReport:
    """The reference: the same report read from every call, no cells."""
    with shop.db.read() as s:
        return build_period_report(
            s,
            first=day,
            last=day,
            group_by=group_by,
            tz=ZoneInfo(shop.settings.timezone),
            rates=usd_rates(s),
        )


def _summed(shop: Shop) -> set[int]:
    with shop.db.read() as s:
        return set(s.scalars(select(ReportShift.shift_id)))


def _closed_day(shop: Shop, admin: Actor, operator: Actor) -> tuple[date, int, list[int]]:
    """A shift with three calls (two paid, one left unserved), closed by the operator."""
    day = admin_prices.today(shop)
    fx.set_usd_rate(shop, admin, Decimal("0.92"), day - timedelta(days=3))
    opened = shifts.open_shift(shop, operator, 0)
    ids = [record_call(shop, 100), record_call(shop, 250, booth="B2"), record_call(shop, 70)]
    payments.pay_calls(shop, operator, ids[:2], 350)
    shifts.close_shift(shop, operator, 350)
    return day, opened.shift.id, ids


def test_a_report_right_after_closing_needs_no_catch_up(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    day, shift_id, _ = _closed_day(shop, admin, operator)
    assert _summed(shop) == {shift_id}
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReportCell)) > 0
    assert _catch_up(shop) == 0  # nothing left for the report to sum
    for group_by in GroupBy:
        report = period_report(shop, admin, day, day, group_by)
        assert report == _from_calls(shop, day, group_by)
    assert report.total.revenue_minor == 350 and report.total.unserved_minor == 70
    assert report.total.wholesale_micro_usd == 3 * 12_000
    assert report.total.wholesale_cost_minor > 0


def test_a_correction_after_closing_shows_without_re_summing(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    day, _, ids = _closed_day(shop, admin, operator)
    corrections.correct_closed_shift_call(shop, admin, ids[2], "paid", "customer came back")
    assert _catch_up(shop) == 0  # corrections are applied on top of the cells
    report = period_report(shop, admin, day, day, GroupBy.BOOTH)
    assert report == _from_calls(shop, day, GroupBy.BOOTH)
    assert report.total.revenue_minor == 420 and report.total.unserved == 0


def test_a_later_usd_rate_for_the_day_re_sums_the_shift(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    day, _, _ = _closed_day(shop, admin, operator)
    before = period_report(shop, admin, day, day, GroupBy.DAY)
    fx.set_usd_rate(shop, admin, Decimal("1.80"), day)
    after = period_report(shop, admin, day, day, GroupBy.DAY)
    assert after == _from_calls(shop, day, GroupBy.DAY)
    assert after.total.wholesale_cost_minor > before.total.wholesale_cost_minor


def test_a_failed_summing_never_fails_the_close(
    shop: Shop,
    admin: Actor,
    operator: Actor,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def locked(_shop: Shop, _shift_id: int) -> None:
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(shifts, "sum_closed_shift", locked)
    with caplog.at_level(logging.WARNING, logger="callshop_pos.services.till.shifts"):
        day, shift_id, _ = _closed_day(shop, admin, operator)
    assert "summing it for reports failed" in caplog.text
    assert _summed(shop) == set()
    # the report catches up on its own
    report = period_report(shop, admin, day, day, GroupBy.DESTINATION)
    assert _summed(shop) == {shift_id}
    assert report == _from_calls(shop, day, GroupBy.DESTINATION)
    assert report.total.revenue_minor == 350
