"""The catch-up of report cells (a month of shifts per transaction, one pass over the
calls each) gives exactly the cells of summing each shift alone, and of a recount of
the calls in Python; it reports its progress."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, event, select

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.report_cells import ReportCell, ReportMonthCell, ReportShift
from callshop_pos.services.admin import fx
from callshop_pos.services.admin.fx import cost_minor, rate_from, usd_rates
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.cells import SUMS, refresh_cells, sum_closed_shift
from tests.callshop_pos.services.admin_data import add_shift, insert_calls, random_calls

CellKey = tuple[int, date, str, str]


def _cells(shop: Shop) -> tuple[dict[CellKey, tuple[int, ...]], dict[Any, tuple[int, ...]]]:
    with shop.db.read() as s:
        cells = {
            (c.shift_id, c.day, c.dimension, c.value): tuple(getattr(c, n) for n in SUMS)
            for c in s.scalars(select(ReportCell))
        }
        months = {
            (c.month, c.dimension, c.value): tuple(getattr(c, n) for n in SUMS)
            for c in s.scalars(select(ReportMonthCell))
        }
    return cells, months


def _forget_cells(shop: Shop) -> None:
    with shop.db.write() as s:
        for table in (ReportMonthCell, ReportCell, ReportShift):
            s.execute(delete(table))


def _recount(shop: Shop, closed: set[int]) -> dict[CellKey, tuple[int, ...]]:
    """The cells computed in Python from the call rows (the definitions of ReportRow)."""
    tz = ZoneInfo(shop.settings.timezone)
    with shop.db.read() as s:
        rates = sorted(dict(usd_rates(s)).items())
        calls = list(s.scalars(select(Call).where(Call.shift_id.in_(closed))))
    sums: dict[CellKey, Counter[str]] = {}
    for c in calls:
        assert c.ended_at is not None and c.shift_id is not None
        day = c.ended_at.astimezone(tz).date()
        rate = rate_from(rates, day)
        row: Counter[str] = Counter(attempts=1)
        if c.answered_at is not None:
            price = c.price_minor or 0
            row.update(
                calls=1,
                talk_seconds=c.duration_s,
                billable_seconds=c.billable_s or 0,
                billed_minor=price,
            )
            if c.status == "paid":
                row.update(revenue_minor=price)
            elif c.status == "unpaid":
                row.update(unpaid=1, unpaid_minor=price)
            else:
                row.update(unserved=1, unserved_minor=price)
            if c.price_minor is None:
                row.update(unrated=1)
            if c.wholesale_micro_usd is not None:
                row.update(wholesale_micro_usd=c.wholesale_micro_usd)
                if rate is None:
                    row.update(cost_without_rate=1)
                else:
                    row.update(wholesale_cost_minor=cost_minor(c.wholesale_micro_usd, rate))
        for dimension, value in (
            ("day", ""),
            ("booth", c.booth),
            ("destination", c.destination or ""),
        ):
            sums.setdefault((c.shift_id, day, dimension, value), Counter()).update(row)
    return {key: tuple(counts[n] for n in SUMS) for key, counts in sums.items()}


def _history(shop: Shop, admin: Actor, operator: Actor, seed: int) -> set[int]:
    """Random calls of twelve closed shifts (and an open one) over three months: across
    month ends and the spring clock change, some days before the first USD rate."""
    rnd = random.Random(seed)
    start = datetime(2026, 2, 20, tzinfo=UTC)
    for day, rate in (
        (date(2026, 2, 24), "0.921234"),
        (date(2026, 3, 29), "0.87"),
        (date(2026, 4, 30), "0.9"),
    ):
        fx.set_usd_rate(shop, admin, Decimal(rate), day)
    closed = {
        add_shift(shop, operator.user_id, start + timedelta(days=7 * i), closed=True)
        for i in range(12)
    }
    open_shift = add_shift(shop, operator.user_id, start + timedelta(days=84), closed=False)
    specs = []
    for i, shift_id in enumerate(sorted(closed)):  # each shift ~8 days, overlapping
        specs += random_calls(rnd, rnd.randint(0, 60), start + timedelta(days=7 * i), 8, [shift_id])
    specs += random_calls(rnd, 30, start + timedelta(days=84), 2, [open_shift, None])
    insert_calls(shop, specs)
    return closed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_catch_up_gives_the_cells_of_each_shift_summed_alone(
    shop: Shop, admin: Actor, operator: Actor, seed: int
) -> None:
    closed = _history(shop, admin, operator, seed)
    with shop.db.read() as s:
        rates = usd_rates(s)
    progress: list[tuple[int, int]] = []
    assert (
        refresh_cells(
            shop,
            shop.settings.timezone,
            rates,
            progress=lambda done, total: progress.append((done, total)),
        )
        == 12
    )
    batched = _cells(shop)
    assert batched[0] == _recount(shop, closed)
    assert len(batched[0]) > 100 and batched[1]
    # months: February, March, April, May (the shifts' first calls), each reported
    assert progress[0] == (0, 12) and progress[-1] == (12, 12)
    assert [done for done, _ in progress] == sorted({done for done, _ in progress})
    assert 4 <= len(progress) - 1 <= 5

    _forget_cells(shop)
    for shift_id in sorted(closed):  # the per-shift path: what closing a shift does
        sum_closed_shift(shop, shift_id)
    assert _cells(shop) == batched
    assert refresh_cells(shop, shop.settings.timezone, rates) == 0  # nothing left


def test_the_catch_up_follows_the_time_zone(shop: Shop, admin: Actor, operator: Actor) -> None:
    closed = _history(shop, admin, operator, 4)
    with shop.db.read() as s:
        rates = usd_rates(s)
    refresh_cells(shop, shop.settings.timezone, rates)
    update_settings(shop, admin, timezone="America/New_York")
    assert refresh_cells(shop, "America/New_York", rates) == 12  # all stale: re-summed
    assert _cells(shop)[0] == _recount(shop, closed)


def test_the_catch_up_on_postgresql(pg_seeded: Any) -> None:
    shop, admin, operator = pg_seeded
    closed = _history(shop, admin, operator, 5)
    fx.set_usd_rate(shop, admin, Decimal("0.95"), date(2026, 1, 1))  # every day
    with shop.db.read() as s:
        rates = usd_rates(s)
    assert refresh_cells(shop, shop.settings.timezone, rates) == 12
    batched = _cells(shop)
    assert batched[0] == _recount(shop, closed)
    _forget_cells(shop)
    for shift_id in sorted(closed):
        sum_closed_shift(shop, shift_id)
    assert _cells(shop) == batched


def test_the_catch_up_reads_the_calls_twice_per_month_plus_once_for_all_spans(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    """Set-based: per month one pass for the booth cells and one for the destination
    cells; the shifts' first and last days come from a single pass over all of them
    (not one more per month), and the USD rate is one CASE branch per run of days with
    the same rate, not one per day."""
    _history(shop, admin, operator, 6)
    with shop.db.read() as s:
        rates = usd_rates(s)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = shop.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        progress: list[tuple[int, int]] = []
        refresh_cells(
            shop, shop.settings.timezone, rates, progress=lambda d, t: progress.append((d, t))
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    months = len(progress) - 1
    over_calls = [st for st in statements if "\nFROM calls" in st]
    assert len(over_calls) == 1 + 2 * months
    inserts = [st for st in over_calls if st.startswith("INSERT INTO report_cells")]
    assert len(inserts) == 2 * months
    # A month has up to 31 day branches (plus the one below the first day) for the
    # local day; the rate adds one per run (at most the 3 rate changes + 1 per month).
    assert all(st.count("CASE WHEN (calls.ended_at <") <= 2 * (32 + 5) for st in inserts)
