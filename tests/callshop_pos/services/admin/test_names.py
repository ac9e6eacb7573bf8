"""Names and references at the edges: bounded, printable, never a spreadsheet formula."""

from __future__ import annotations

from datetime import date

import pytest

from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin import booths, ledger, prices, users
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop

FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_like_booth_names_are_refused(shop: Shop, admin: Actor, name: str) -> None:
    with pytest.raises(InvalidInput, match="formula"):
        booths.add_booth(shop, admin, name)
    booths.add_booth(shop, admin, "Booth 9")
    with pytest.raises(InvalidInput, match="formula"):
        booths.update_booth(shop, admin, "Booth 9", name=name)
    assert [b.name for b in booths.list_booths(shop)] == ["Booth 9"]


def test_booth_names_are_bounded_and_printable(shop: Shop, admin: Actor) -> None:
    for bad in ("x" * 33, "", "   ", "a\nb", "a\x00b"):
        with pytest.raises(InvalidInput):
            booths.add_booth(shop, admin, bad)
    assert booths.add_booth(shop, admin, "Кабина 1").name == "Кабина 1"


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_like_user_names_are_refused(shop: Shop, admin: Actor, name: str) -> None:
    with pytest.raises(InvalidInput, match="formula"):
        users.add_user(shop, admin, name, "a-long-passphrase", "operator")


def test_user_names_are_bounded(shop: Shop, admin: Actor) -> None:
    for bad in ("x" * 65, "", "a b", "a\tb"):
        with pytest.raises(InvalidInput):
            users.add_user(shop, admin, bad, "a-long-passphrase", "operator")


@pytest.mark.parametrize("reference", FORMULAS)
def test_formula_like_ledger_references_are_refused(
    shop: Shop, admin: Actor, reference: str
) -> None:
    with pytest.raises(InvalidInput, match="formula"):
        ledger.add_topup(shop, admin, 10_000_000, date(2026, 1, 5), "bank", reference)
    with pytest.raises(InvalidInput, match="formula"):
        ledger.add_adjustment(shop, admin, -1_000_000, date(2026, 1, 5), reference)
    entry = ledger.add_topup(shop, admin, 10_000_000, date(2026, 1, 5), "bank", "INV 2026/1")
    assert entry.reference == "INV 2026/1"


def test_ledger_references_are_bounded(shop: Shop, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="characters"):
        ledger.add_topup(shop, admin, 10_000_000, date(2026, 1, 5), "bank", "x" * 201)


def test_formula_like_price_lists_are_refused(shop: Shop, admin: Actor) -> None:
    good = b"country,code,wholesale_usd,retail\nBulgaria,359,0.01,0.10\n"
    with pytest.raises(InvalidInput, match=r"line 3: country '=HYPERLINK\(1\)'.*formula"):
        prices.import_price_list(shop, admin, good + b"=HYPERLINK(1),49,0.01,0.2\n", "prices.csv")
    with pytest.raises(InvalidInput, match="formula"):
        prices.import_price_list(shop, admin, good, "=cmd.csv")
    with pytest.raises(InvalidInput, match="formula"):
        prices.import_price_list(shop, admin, good, "prices.csv", note="@SUM(A1)")
    assert prices.versions(shop) == []
