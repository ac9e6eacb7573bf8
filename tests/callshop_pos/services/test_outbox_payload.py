"""The closed shift's payload carries the till's USD rate of each local day of its calls
and the carrier cost converted at it (schema version 2), so central reports profit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.sync import SyncOutbox
from callshop_pos.services.admin import fx
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import for_shop
from callshop_pos.services.reports.period import build_period_report
from callshop_pos.services.reports.rows import GroupBy
from callshop_pos.services.till.shifts import close_shift, open_shift
from callshop_wire import ClosedShift, decode
from tests.callshop_pos.services.till_support import record_call


def sent_shift(shop: Shop) -> ClosedShift:
    with shop.db.read() as s:
        row = s.scalars(select(SyncOutbox).where(SyncOutbox.kind == "shift")).one()
    return decode(ClosedShift, for_shop(row.payload.encode(), "shop-1"))


def test_each_call_is_converted_at_its_local_days_rate(
    shop: Shop, operator: Actor, admin: Actor, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    fx.set_usd_rate(shop, admin, Decimal("0.95"), date(2026, 1, 6))
    clock.set(datetime(2026, 1, 5, 21, 50, tzinfo=UTC))  # 23:50 in Sofia
    open_shift(shop, operator, 0)
    record_call(shop, 100, wholesale_micro_usd=1_234_567)  # ends 23:51:05 on the 5th
    record_call(shop, 100, wholesale_micro_usd=None)  # cost not known: not converted
    record_call(shop, None, answered=False)  # an attempt costs nothing
    clock.set(datetime(2026, 1, 5, 22, 10, tzinfo=UTC))  # 00:10 on the 6th
    record_call(shop, 100, wholesale_micro_usd=2_000_000)
    record_call(shop, 100, wholesale_micro_usd=5_263)  # 0.4999985 cents: rounds down
    record_call(shop, 100, wholesale_micro_usd=5_264)  # 0.500080 cents: rounds up
    close_shift(shop, operator, 0)
    sent = sent_shift(shop)
    assert "does not match the schema" not in caplog.text
    assert sent.schema_version == 2 and sent.fx is not None
    assert sent.fx.minor_digits == 2
    assert sent.local_day_rates() == {
        date(2026, 1, 5): Decimal("0.92"),
        date(2026, 1, 6): Decimal("0.95"),
    }
    # 1,234,567 µUSD × 0.92 = 113.580164 cents → 114; 2,000,000 × 0.95 = 190 cents;
    # 5,263 × 0.95 = 0.4999985 → 0; 5,264 × 0.95 = 0.50008 → 1
    assert sent.fx.wholesale_cost_minor == 114 + 190 + 0 + 1
    # the till's own period report converts the same calls to the same cost
    with shop.db.read() as s:
        own = build_period_report(
            s,
            first=date(2026, 1, 5),
            last=date(2026, 1, 6),
            group_by=GroupBy.DAY,
            tz=ZoneInfo("Europe/Sofia"),
            rates=fx.usd_rates(s),
        )
    assert [r.wholesale_cost_minor for r in own.rows] == [114, 191]
    assert own.total.wholesale_cost_minor == sent.fx.wholesale_cost_minor


def test_days_without_a_rate_are_sent_as_such(
    shop: Shop, operator: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    open_shift(shop, operator, 0)
    record_call(shop, 100, wholesale_micro_usd=1_000_000)
    close_shift(shop, operator, 0)
    sent = sent_shift(shop)
    assert "does not match the schema" not in caplog.text
    assert sent.fx is not None
    assert sent.local_day_rates() == {date(2026, 1, 5): None}
    assert sent.fx.wholesale_cost_minor == 0


def test_a_shift_without_costed_calls_lists_no_day(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    open_shift(shop, operator, 0)
    record_call(shop, None, answered=False)
    close_shift(shop, operator, 0)
    sent = sent_shift(shop)
    assert sent.fx is not None and sent.fx.rates == () and sent.fx.wholesale_cost_minor == 0
