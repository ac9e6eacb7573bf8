"""Demo mode: what `python main.py` sets up when nothing is configured."""

from __future__ import annotations

import argparse

from callshop_pos.services import auth
from callshop_pos.services.admin import booths
from callshop_pos.services.context import Shop
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import fast_hasher
from ui.demo import DEMO_ACCOUNTS, DEMO_BOOTHS, demo_url, demo_wanted, prepare_demo


def test_demo_only_when_nothing_is_configured(tmp_path, monkeypatch) -> None:
    args = argparse.Namespace(db=None)
    assert demo_wanted(args, tmp_path)
    assert not demo_wanted(argparse.Namespace(db="sqlite:///x.db"), tmp_path)
    monkeypatch.setenv("CALLSHOP_DB", "sqlite:///y.db")
    assert not demo_wanted(args, tmp_path)
    monkeypatch.delenv("CALLSHOP_DB")
    (tmp_path / "callshop.db").write_bytes(b"")
    assert not demo_wanted(args, tmp_path)


def test_demo_database_has_prices_booths_and_both_accounts(tmp_path) -> None:
    shop = Shop.open(demo_url(tmp_path), hasher=fast_hasher())
    try:
        prepare_demo(shop)
        prepare_demo(shop)  # a second start changes nothing
        found = booths.list_booths(shop)
        assert len(found) == DEMO_BOOTHS
        assert sum(b.billing == "prepaid" for b in found) == 2
        roles = {}
        for role, name, password in DEMO_ACCOUNTS:
            actor = auth.login(shop, name, password)
            roles[role] = actor.role.value
        assert roles == {"operator": "operator", "admin": "admin"}
        assert shop.pricing.rater.quote("00442079460000").destination == "United Kingdom London"
        assert shop.settings.cash_rounding_unit == 5
        operator = auth.login(shop, DEMO_ACCOUNTS[0][1], DEMO_ACCOUNTS[0][2])
        assert shifts.current_shift(shop, operator) is None  # the cashier opens it
    finally:
        shop.close()
