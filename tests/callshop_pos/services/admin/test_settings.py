"""The typed settings registry and its audited storage."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings


def test_defaults() -> None:
    s = Settings()
    assert s.currency == "EUR"
    assert s.country_code == "359" and s.national_prefix == "0"
    assert s.intl_prefixes == ("00", "+")
    assert s.timezone == "Europe/Sofia"
    assert s.cash_rounding_unit == 1
    assert s.sip_realm == "callshop"
    assert s.bgn_line_on(date(2026, 8, 8)) and not s.bgn_line_on(date(2026, 8, 9))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"no_such_setting": 1}, "unknown setting"),
        ({"currency": "euro"}, "3-letter"),
        ({"cash_rounding_unit": 0}, "at least 0.01"),
        ({"cash_rounding_unit": 500}, "at most 1.00, not 5.00"),
        ({"low_balance_threshold_micro_usd": -5_000_000}, "cannot be negative, not USD -5.00"),
        ({"cash_rounding_unit": 0.05}, "whole number"),
        ({"cash_rounding_unit": True}, "whole number"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"offpeak": "Mon-Fri 20:00-25:00"}, "offpeak"),
        ({"country_code": "+359"}, "digits"),
        ({"intl_prefixes": ()}, "at least one"),
        ({"blocked_prefixes": ("90", "9x")}, "not a dialling prefix"),
        ({"print_policy": "sometimes"}, "always, ask, never"),
        ({"bgn_line_until": "2026-08-08"}, "date"),
        ({"devices": {"printer": {"baud": 1.5}}}, "printer"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Settings().replace(**changes)


def test_settings_are_immutable() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.currency = "USD"  # type: ignore[misc]


def test_text_parsing_for_forms() -> None:
    reg = Settings.registry()
    assert reg["intl_prefixes"].parse("00, +, 011") == ("00", "+", "011")
    assert reg["allow_unrated_calls"].parse("yes") is True
    assert reg["bgn_line_until"].parse("") is None
    assert reg["cash_rounding_unit"].parse("5") == 5
    with pytest.raises(InvalidInput):
        reg["cash_rounding_unit"].parse("five")


def test_update_is_stored_audited_and_reloaded(shop: Shop, admin: Actor) -> None:
    change = update_settings(
        shop,
        admin,
        cash_rounding_unit=5,
        shop_name="Telecentre",
        currency="EUR",
        bgn_line_until=None,
    )
    assert set(change.changed) == {"cash_rounding_unit", "shop_name", "bgn_line_until"}
    assert change.changed["cash_rounding_unit"] == (1, 5)
    assert shop.settings.cash_rounding_unit == 5
    shop.use_settings(Settings())  # forget the cache: the database has the truth
    assert get_settings(shop) == change.settings
    with shop.db.read() as s:
        entry = s.scalars(select(JournalEntry).order_by(JournalEntry.seq.desc())).first()
    assert entry is not None and entry.action == "settings.update"
    payload = json.loads(entry.payload)
    assert payload["cash_rounding_unit"] == {"old": 1, "new": 5}
    assert payload["bgn_line_until"] == {"old": "2026-08-08", "new": None}


def test_a_bad_value_changes_nothing(shop: Shop, admin: Actor) -> None:
    with pytest.raises(InvalidInput):
        update_settings(shop, admin, shop_name="OK", cash_rounding_unit=-1)
    assert get_settings(shop) == Settings()


def test_operators_cannot_change_settings(shop: Shop, operator: Actor) -> None:
    with pytest.raises(PermissionDenied):
        update_settings(shop, operator, shop_name="Mine")
    assert get_settings(shop).shop_name == ""
