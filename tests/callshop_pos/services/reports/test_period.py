"""Period reports: totals equal a direct computation over the calls; admin only."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from callshop_pos.db.models.report_cells import ReportMonthCell, ReportShift
from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import admin_prices, audit_view, carrier_account, fx
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.admin.fx import cost_minor, rate_from
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.export import report_csv, report_pdf
from callshop_pos.services.reports.period import GroupBy, period_report
from callshop_pos.services.till import corrections
from tests.callshop_pos.services.admin_data import T0, add_shift, insert_calls, random_calls

SOFIA = ZoneInfo("Europe/Sofia")


def _direct(specs, rates, first, last):
    """The reference: one Python pass over the calls."""
    totals = dict(attempts=0, calls=0, talk=0, revenue=0, unpaid=0, unserved=0, cost=0, micro=0)
    for c in specs:
        day = c.ended_at.astimezone(SOFIA).date()
        if not first <= day <= last:
            continue
        totals["attempts"] += 1
        if not c.answered:
            continue
        totals["calls"] += 1
        totals["talk"] += c.duration_s
        if c.status == "paid":
            totals["revenue"] += c.price_minor or 0
        totals["unpaid"] += c.status == "unpaid"
        totals["unserved"] += c.status == "unserved"
        if c.wholesale_micro_usd is not None:
            totals["micro"] += c.wholesale_micro_usd
            totals["cost"] += cost_minor(c.wholesale_micro_usd, rate_from(rates, day))
    return totals


@pytest.fixture
def filled(shop: Shop, admin: Actor, operator: Actor):
    rates = [(date(2026, 2, 1), Decimal("0.921234")), (date(2026, 3, 4), Decimal("0.87"))]
    for day, rate in rates:
        fx.set_usd_rate(shop, admin, rate, day)
    s1 = add_shift(shop, operator.user_id, T0, closed=True)
    s2 = add_shift(shop, admin.user_id, T0 + timedelta(days=3), closed=True)
    specs = random_calls(random.Random(7), 400, T0 - timedelta(days=1), 9, [s1, s2, None])
    ids = insert_calls(shop, specs)
    return specs, ids, rates


@pytest.mark.parametrize("group_by", list(GroupBy))
def test_totals_equal_a_direct_computation(shop, admin, filled, group_by) -> None:
    specs, _, rates = filled
    first, last = date(2026, 3, 1), date(2026, 3, 6)
    report = period_report(shop, admin, first, last, group_by)
    expected = _direct(specs, rates, first, last)
    t = report.total
    assert (t.attempts, t.calls, t.talk_seconds) == (
        expected["attempts"],
        expected["calls"],
        expected["talk"],
    )
    assert t.revenue_minor == expected["revenue"]
    assert (t.unpaid, t.unserved) == (expected["unpaid"], expected["unserved"])
    assert t.wholesale_micro_usd == expected["micro"]
    assert t.wholesale_cost_minor == expected["cost"]
    assert t.profit_minor == expected["revenue"] - expected["cost"]
    # every grouping adds up to the same total (cost is rounded per call)
    assert sum(r.wholesale_cost_minor for r in report.rows) == t.wholesale_cost_minor
    if group_by is GroupBy.DAY:
        assert [r.key for r in report.rows] == [
            (first + timedelta(days=i)).isoformat() for i in range(6)
        ]
    if group_by is GroupBy.OPERATOR:
        assert {r.key for r in report.rows} <= {"admin", "olga", "—"}


def test_per_day_rows_match_the_calls_of_that_local_day(shop, admin, filled) -> None:
    specs, _, rates = filled
    report = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 6), GroupBy.DAY)
    for row in report.rows:
        day = date.fromisoformat(row.key)
        assert row.revenue_minor == _direct(specs, rates, day, day)["revenue"]
        assert row.wholesale_cost_minor == _direct(specs, rates, day, day)["cost"]


def test_asr_acd_and_average(shop, admin, filled) -> None:
    report = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 6), GroupBy.BOOTH)
    t = report.total
    assert t.asr_percent == (Decimal(100 * t.calls) / t.attempts).quantize(Decimal("0.1"))
    assert abs(t.acd_seconds * t.calls - t.talk_seconds) <= t.calls


def test_a_correction_of_a_closed_shift_moves_revenue(shop, admin, filled) -> None:
    specs, ids, _ = filled
    index = next(
        i
        for i, c in enumerate(specs)
        if c.answered
        and c.price_minor
        and c.status == "unpaid"
        and c.shift_id is not None
        and date(2026, 3, 1) <= c.ended_at.astimezone(SOFIA).date() <= date(2026, 3, 6)
    )
    before = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 6), GroupBy.DAY).total
    corrections.correct_closed_shift_call(shop, admin, ids[index], "paid", "customer came back")
    after = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 6), GroupBy.DAY).total
    assert after.revenue_minor == before.revenue_minor + specs[index].price_minor
    assert after.unpaid == before.unpaid - 1


def test_calls_before_the_first_rate_are_reported_not_costed(shop, admin) -> None:
    s = add_shift(shop, admin.user_id, T0, closed=True)
    specs = random_calls(random.Random(3), 30, T0, 2, [s])
    insert_calls(shop, specs)
    report = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 3), GroupBy.DAY)
    assert report.total.wholesale_cost_minor == 0
    costed = sum(1 for c in specs if c.answered and c.wholesale_micro_usd is not None)
    assert costed > 0
    assert report.total.cost_without_rate == costed


def test_operator_is_refused_by_every_admin_service(shop, operator) -> None:
    d = date(2026, 3, 1)
    for action in (
        lambda: period_report(shop, operator, d, d, GroupBy.DAY),
        lambda: admin_prices.price_list(shop, operator),
        lambda: admin_prices.export_csv(shop, operator),
        lambda: admin_prices.version_history(shop, operator),
        lambda: admin_prices.current_usd_rate(shop, operator),
        lambda: admin_prices.usd_rate_history(shop, operator),
        lambda: fx.set_usd_rate(shop, operator, Decimal("1"), d),
        lambda: carrier_account.topups(shop, operator, d, d),
        lambda: audit_view.journal_lines(shop, operator),
        lambda: audit_view.chain_status(shop, operator),
    ):
        with pytest.raises(PermissionDenied):
            action()
    warning = carrier_account.low_balance(shop, operator)
    assert warning.balance_micro_usd is None and warning.threshold_micro_usd is None


def test_csv_and_pdf_export(shop, admin, filled) -> None:
    report = period_report(shop, admin, date(2026, 3, 1), date(2026, 3, 6), GroupBy.DESTINATION)
    text = report_csv(report)
    lines = text.strip().splitlines()
    assert lines[0].startswith("destination,attempts,calls")
    assert lines[-1].startswith("total,")
    assert len(lines) == len(report.rows) + 2
    pdf = PdfReader(io.BytesIO(report_pdf(report, shop_name="Обаждане ООД")))
    content = pdf.pages[0].extract_text()
    assert "Обаждане ООД" in content and "Germany" in content


def _direct_sql(shop: Shop, first: date, last: date, group_by: GroupBy):
    from callshop_pos.services.admin.fx import usd_rates
    from callshop_pos.services.reports.period import build_period_report

    with shop.db.read() as s:
        return build_period_report(
            s, first=first, last=last, group_by=group_by, tz=SOFIA, rates=usd_rates(s)
        )


@pytest.mark.parametrize("group_by", list(GroupBy))
def test_cells_of_closed_shifts_give_the_same_report_as_the_calls(
    shop, admin, filled, group_by
) -> None:
    first, last = date(2026, 2, 27), date(2026, 3, 10)
    assert period_report(shop, admin, first, last, group_by) == _direct_sql(
        shop, first, last, group_by
    )
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReportShift)) == 2


def test_cells_follow_new_rates_new_closed_shifts_and_the_time_zone(
    shop, admin, operator, filled
) -> None:
    first, last = date(2026, 3, 1), date(2026, 3, 6)
    period_report(shop, admin, first, last, GroupBy.DAY)  # builds the cells
    # a rate for a past day makes the cells of those days stale
    fx.set_usd_rate(shop, admin, Decimal("1.25"), date(2026, 3, 2))
    report = period_report(shop, admin, first, last, GroupBy.DESTINATION)
    assert report == _direct_sql(shop, first, last, GroupBy.DESTINATION)
    specs, _, _ = filled
    rates = [
        (date(2026, 2, 1), Decimal("0.921234")),
        (date(2026, 3, 2), Decimal("1.25")),
        (date(2026, 3, 4), Decimal("0.87")),
    ]
    assert report.total.wholesale_cost_minor == _direct(specs, rates, first, last)["cost"]
    # a shift closed later is summed by the next report
    s3 = add_shift(shop, operator.user_id, T0 + timedelta(days=4), closed=True)
    insert_calls(shop, random_calls(random.Random(11), 50, T0 + timedelta(days=4), 1, [s3]))
    assert period_report(shop, admin, first, last, GroupBy.OPERATOR) == _direct_sql(
        shop, first, last, GroupBy.OPERATOR
    )
    # another time zone: every closed shift is summed again
    settings_service.update_settings(shop, admin, timezone="America/New_York")
    ny = period_report(shop, admin, first, last, GroupBy.DAY)
    with shop.db.read() as s:
        assert set(s.scalars(select(ReportShift.tz))) == {"America/New_York"}
    assert ny.total.attempts != 0


def test_set_role_keeps_one_administrator(shop, admin, operator) -> None:
    from callshop_pos.errors import CallShopError
    from callshop_pos.services.admin import users

    with pytest.raises(PermissionDenied):
        users.set_role(shop, operator, "olga", "admin")
    assert users.set_role(shop, admin, "olga", "admin").role.value == "admin"
    assert users.set_role(shop, admin, "olga", "operator").role.value == "operator"
    with pytest.raises(CallShopError, match="last active administrator"):
        users.set_role(shop, admin, "admin", "operator")


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 2, 1), date(2026, 3, 31)),
        (date(2026, 2, 15), date(2026, 3, 31)),
        (date(2026, 2, 28), date(2026, 4, 30)),
        (date(2026, 3, 1), date(2026, 3, 4)),
    ],
)
@pytest.mark.parametrize("group_by", [GroupBy.DESTINATION, GroupBy.BOOTH])
def test_month_cells_give_the_same_report(shop, admin, filled, first, last, group_by) -> None:
    assert period_report(shop, admin, first, last, group_by) == _direct_sql(
        shop, first, last, group_by
    )
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReportMonthCell)) > 0


def test_a_shift_summed_later_refreshes_its_month(shop, admin, operator, filled) -> None:
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    before = period_report(shop, admin, first, last, GroupBy.DESTINATION)
    s3 = add_shift(shop, operator.user_id, T0 + timedelta(days=10), closed=True)
    insert_calls(shop, random_calls(random.Random(12), 40, T0 + timedelta(days=10), 1, [s3]))
    after = period_report(shop, admin, first, last, GroupBy.DESTINATION)
    assert after == _direct_sql(shop, first, last, GroupBy.DESTINATION)
    assert after.total.attempts == before.total.attempts + 40


@pytest.mark.postgres
def test_reports_on_postgresql(pg_seeded) -> None:
    shop, admin, operator = pg_seeded
    fx.set_usd_rate(shop, admin, Decimal("0.921234"), date(2026, 2, 1))
    s1 = add_shift(shop, operator.user_id, T0, closed=True)
    s2 = add_shift(shop, admin.user_id, T0 + timedelta(days=3), closed=False)
    specs = random_calls(random.Random(8), 200, T0 - timedelta(days=1), 9, [s1, s2, None])
    insert_calls(shop, specs)
    rates = [(date(2026, 2, 1), Decimal("0.921234"))]
    for group_by in GroupBy:
        for first, last in (
            (date(2026, 3, 1), date(2026, 3, 6)),
            (date(2026, 2, 1), date(2026, 3, 31)),
        ):
            report = period_report(shop, admin, first, last, group_by)
            assert report == _direct_sql(shop, first, last, group_by)
            expected = _direct(specs, rates, first, last)
            assert report.total.wholesale_cost_minor == expected["cost"]
            assert report.total.revenue_minor == expected["revenue"]


@pytest.mark.postgres
def test_reports_on_postgresql_before_any_usd_rate(pg_seeded) -> None:
    """A fresh install has no USD rate: the cells and the reports still work (the
    missing rate is a typed NULL, not ``bigint * text``)."""
    shop, admin, operator = pg_seeded
    s1 = add_shift(shop, operator.user_id, T0, closed=True)
    specs = random_calls(random.Random(9), 60, T0, 2, [s1, None])
    insert_calls(shop, specs)
    first, last = date(2026, 3, 1), date(2026, 3, 6)
    for group_by in GroupBy:
        report = period_report(shop, admin, first, last, group_by)
        assert report == _direct_sql(shop, first, last, group_by)
        in_period = [c for c in specs if first <= c.ended_at.astimezone(SOFIA).date() <= last]
        assert report.total.attempts == len(in_period)
        assert report.total.wholesale_cost_minor == 0
        assert report.total.revenue_minor == sum(
            c.price_minor or 0 for c in in_period if c.answered and c.status == "paid"
        )
    with shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReportShift)) == 1
