"""#13 point 14: the audit journal's details read as names and values, money as amounts."""

from __future__ import annotations

from callshop_pos.services.admin import audit_view, booths
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, open_shift


def test_details_are_key_values_with_money_formatted(
    shop: Shop, admin: Actor, operator: Actor
) -> None:
    open_shift(shop, operator, 5000)
    close_shift(shop, operator, 4990)
    line = audit_view.journal_lines(shop, admin, action="shift.close")[0]
    items = dict(line.items)
    assert items["expected"] == "50.00 EUR"
    assert items["counted"] == "49.90 EUR"
    assert items["discrepancy"] == "-0.10 EUR"
    assert items["calls"] == "0"
    assert "{" not in line.details and "expected: 50.00 EUR" in line.details


def test_nested_changes_read_as_old_to_new(shop: Shop, admin: Actor) -> None:
    settings_service.update_settings(
        shop, admin, low_balance_threshold_micro_usd=25_000_000, shop_name="Телефони"
    )
    line = audit_view.journal_lines(shop, admin, action="settings.update")[0]
    items = dict(line.items)
    assert items["low_balance_threshold"] == "10.00 USD → 25.00 USD"
    assert items["shop_name"] == "“” → “Телефони”"


def test_lists_and_empty_payloads(shop: Shop, admin: Actor) -> None:
    booths.add_booth(shop, admin, "B1", cost_cap_minor=2000)
    line = audit_view.journal_lines(shop, admin, action="booth")[0]
    items = dict(line.items)
    assert any(v.endswith("20.00 EUR") for v in items.values()), items
