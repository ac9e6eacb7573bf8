"""Carrier account screen services: top-ups of a period with their sum, low balance."""

from __future__ import annotations

from datetime import date

from callshop_pos.services.admin import carrier_account, ledger
from callshop_pos.services.admin import settings as settings_service


def test_topups_of_a_period_and_their_sum(shop, admin) -> None:
    for day, usd, method in (
        (date(2026, 1, 3), 100_000000, "bank"),
        (date(2026, 1, 10), 250_500000, "cash"),
        (date(2026, 1, 31), 50_000000, "bank"),
        (date(2026, 2, 1), 75_000000, "bank"),
    ):
        ledger.add_topup(shop, admin, usd, day, method, f"ref {day}")
    listing = carrier_account.topups(shop, admin, date(2026, 1, 5), date(2026, 1, 31))
    assert [t.value_date for t in listing.entries] == [date(2026, 1, 10), date(2026, 1, 31)]
    assert listing.total_micro_usd == 300_500000
    assert listing.entries[0].method == "cash" and listing.entries[0].recorded_by == "admin"
    assert listing.balance_micro_usd == 475_500000
    assert (listing.calls_cost_micro_usd, listing.calls_charged) == (0, 0)


def test_low_balance_warning_follows_the_threshold(shop, admin, operator) -> None:
    settings_service.update_settings(shop, admin, low_balance_threshold_micro_usd=20_000000)
    assert carrier_account.low_balance(shop, operator).low
    ledger.add_topup(shop, admin, 25_000000, date(2026, 1, 5), "bank")
    assert not carrier_account.low_balance(shop, operator).low
    status = carrier_account.low_balance(shop, admin)
    assert status.balance_micro_usd == 25_000000 and status.threshold_micro_usd == 20_000000
    settings_service.update_settings(shop, admin, low_balance_threshold_micro_usd=0)
    ledger.add_adjustment(shop, admin, -30_000000, date(2026, 1, 6), "carrier invoice")
    assert not carrier_account.low_balance(shop, operator).low  # 0 = warning off
