"""#13 point 14: money settings are typed and shown as amounts (the shop's currency or
USD), never as "minor units" or "micro-USD"; a bad amount is refused in words."""

from __future__ import annotations

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings


def test_money_settings_say_their_currency() -> None:
    reg = Settings.registry()
    assert reg["cash_rounding_unit"].money == "local"
    assert reg["low_balance_threshold_micro_usd"].money == "usd"
    assert reg["shop_name"].money is None
    for name in ("cash_rounding_unit", "low_balance_threshold_micro_usd"):
        doc = reg[name].doc.lower()
        assert "minor unit" not in doc and "micro" not in doc


def test_amounts_are_typed_and_shown_as_amounts() -> None:
    reg = Settings.registry()
    rounding, threshold = reg["cash_rounding_unit"], reg["low_balance_threshold_micro_usd"]
    assert rounding.parse_amount("0.05") == 5
    assert rounding.parse_amount("0,10") == 10
    assert rounding.amount_text(5) == "0.05"
    assert threshold.parse_amount("25") == 25_000_000
    assert threshold.parse_amount("12.34") == 12_340_000
    assert threshold.amount_text(10_000_000) == "10.00"
    assert threshold.amount_text(1_234_567) == "1.234567"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("cash_rounding_unit", "five", "an amount such as 0.05"),
        ("cash_rounding_unit", "0.001", "at most 2 decimals"),
        ("cash_rounding_unit", "0", "at least 0.01"),
        ("cash_rounding_unit", "-0.05", "at least 0.01 and at most 1.00, not -0.05"),
        ("low_balance_threshold_micro_usd", "-5", "cannot be negative, not USD -5.00"),
        ("low_balance_threshold_micro_usd", "1.001", "at most 2 decimals"),
    ],
)
def test_bad_amounts_are_refused_in_words(name: str, text: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        Settings.registry()[name].parse_amount(text)


def test_devices_are_checked_when_saved(shop: Shop, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="device printer: paper_mm must be a whole number"):
        update_settings(
            shop, admin, devices={"printer": {"connection": "tcp:10.0.0.9", "paper_mm": "80"}}
        )
    with pytest.raises(InvalidInput, match="device display: port is required"):
        update_settings(shop, admin, devices={"display": {"baudrate": 9600}})
    assert update_settings(shop, admin, devices={"display": {"port": "/dev/ttyUSB1"}}).changed
