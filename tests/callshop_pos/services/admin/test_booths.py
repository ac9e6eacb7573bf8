"""Booths: configuration, SIP digest secrets, soft removal, locking; all audited."""

from __future__ import annotations

import hashlib
from dataclasses import fields

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.booths import BillingMode, Booth, BoothDriver
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.services.admin import booths
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop


def _entries(shop: Shop) -> int:
    with shop.db.read() as s:
        return s.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_add_and_list(shop: Shop, admin: Actor) -> None:
    one = booths.add_booth(shop, admin, "Booth 1")
    two = booths.add_booth(
        shop,
        admin,
        "Booth 2",
        driver="sip",
        sip_user="booth2",
        sip_password="s3cret-pw",
        billing="prepaid",
        default_deposit_minor=1000,
        cost_cap_minor=5000,
        max_duration_s=3600,
        auto_lock=True,
    )
    assert one.driver is BoothDriver.SIMULATOR and one.billing is BillingMode.POSTPAID
    assert (one.position, two.position) == (1, 2)
    assert [b.name for b in booths.list_booths(shop)] == ["Booth 1", "Booth 2"]
    assert two.sip_ha1 == hashlib.md5(b"booth2:callshop:s3cret-pw").hexdigest()
    with shop.db.read() as s:
        stored = s.scalars(select(Booth).where(Booth.name == "Booth 2")).one()
    assert "s3cret-pw" not in repr(stored.__dict__)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"driver": "sip"}, "SIP user"),
        ({"driver": "sip", "sip_user": "b1"}, "SIP password"),
        ({"driver": "sip", "sip_user": "b 1", "sip_password": "long-enough"}, "SIP user"),
        ({"driver": "sip", "sip_user": "b1", "sip_password": "short"}, "at least 6"),
        ({"sip_user": "b1"}, "only SIP"),
        ({"driver": "isdn"}, "simulator, sip, quicknet"),
        ({"billing": "prepaid"}, "deposit above zero"),
        ({"cost_cap_minor": 0}, "above 0.00 EUR"),
        (
            {"cost_cap_minor": -500},
            r"the cost cap must be above 0.00 EUR \(empty: no cap\), not -5.00 EUR",
        ),
        ({"default_deposit_minor": -100}, "the default deposit cannot be negative, not -1.00 EUR"),
        ({"driver": "sip", "driver_settings": {"bind": "my-ata"}}, "IPv4 address"),
        ({"driver": "quicknet", "driver_settings": {"device": ""}}, "device file"),
        ({"driver_settings": {"device": "/dev/phone0"}}, "simulator booth has no driver setting"),
        ({"max_duration_s": "60"}, "whole number"),
        ({"colour": "red"}, "unknown booth setting"),
        ({"driver_settings": {"speed": 1.5}}, "float"),
        ({"driver": "quicknet", "driver_settings": {"route": "isdn"}}, "voip .* or pstn"),
        ({"driver_settings": {"route": "voip"}}, "only Quicknet booths have a route"),
    ],
)
def test_bad_booth_settings_are_refused(
    shop: Shop, admin: Actor, kwargs: dict[str, object], message: str
) -> None:
    before = _entries(shop)
    with pytest.raises((InvalidInput, TypeError), match=message):
        booths.add_booth(shop, admin, "B", **kwargs)
    assert booths.list_booths(shop, include_removed=True) == []
    assert _entries(shop) == before


def test_a_quicknet_booth_is_routed_over_voip_or_pstn(shop: Shop, admin: Actor) -> None:
    card = {"device": "/dev/phone0", "route": "voip"}
    booth = booths.add_booth(shop, admin, "Q1", driver="quicknet", driver_settings=card)
    assert booth.driver_settings == card
    changed = booths.update_booth(
        shop, admin, "Q1", driver_settings={"device": "/dev/phone0", "route": "pstn"}
    )
    assert changed.booth.driver_settings["route"] == "pstn"
    with pytest.raises(InvalidInput, match="not 'VOIP'"):
        booths.update_booth(
            shop, admin, "Q1", driver_settings={"device": "/dev/phone0", "route": "VOIP"}
        )
    assert booths.get_booth(shop, "Q1").driver_settings["route"] == "pstn"


def test_names_and_sip_users_are_unique(shop: Shop, admin: Actor) -> None:
    booths.add_booth(shop, admin, "B1", driver="sip", sip_user="u1", sip_password="secret-1")
    with pytest.raises(InvalidInput, match="already exists"):
        booths.add_booth(shop, admin, "B1")
    with pytest.raises(InvalidInput, match="another booth"):
        booths.add_booth(shop, admin, "B2", driver="sip", sip_user="u1", sip_password="secret-2")


def test_update_reports_what_changed(shop: Shop, admin: Actor) -> None:
    booths.add_booth(shop, admin, "B1", driver="sip", sip_user="u1", sip_password="secret-1")
    change = booths.update_booth(
        shop, admin, "B1", name="Cabin 1", cost_cap_minor=2000, sip_password="secret-2"
    )
    assert change.changed["name"] == ("B1", "Cabin 1")
    assert change.changed["cost_cap_minor"] == (None, 2000)
    assert "sip_password" in change.changed
    assert change.booth.sip_ha1 == booths.sip_ha1("u1", "callshop", "secret-2")
    with pytest.raises(InvalidInput, match="SIP password"):
        booths.update_booth(shop, admin, "Cabin 1", sip_user="u2")  # HA1 depends on the user
    with pytest.raises(NotFound):
        booths.update_booth(shop, admin, "B1", position=3)


def test_removal_is_soft(shop: Shop, admin: Actor) -> None:
    booths.add_booth(shop, admin, "B1")
    booths.remove_booth(shop, admin, "B1")
    assert booths.list_booths(shop) == []
    removed = booths.list_booths(shop, include_removed=True)
    assert [(b.name, b.active) for b in removed] == [("B1", False)]
    with pytest.raises(InvalidInput, match="out of service"):
        booths.set_locked(shop, admin, "B1", True)
    booths.restore_booth(shop, admin, "B1")
    assert [b.name for b in booths.list_booths(shop)] == ["B1"]


def test_locking_by_cashier_and_engine(shop: Shop, admin: Actor, operator: Actor) -> None:
    booths.add_booth(shop, admin, "B1")
    assert booths.set_locked(shop, operator, "B1", True).changed == {"locked": (False, True)}
    assert booths.set_locked(shop, SYSTEM, "B1", True).changed == {}
    assert booths.set_locked(shop, SYSTEM, "B1", False).booth.locked is False


def test_operators_cannot_configure_booths(shop: Shop, admin: Actor, operator: Actor) -> None:
    booths.add_booth(shop, admin, "B1")
    for action in (
        lambda: booths.add_booth(shop, operator, "B2"),
        lambda: booths.update_booth(shop, operator, "B1", position=5),
        lambda: booths.remove_booth(shop, operator, "B1"),
        lambda: booths.update_booth(shop, SYSTEM, "B1", position=5),
    ):
        with pytest.raises(PermissionDenied):
            action()


def test_booth_info_exposes_only_real_columns() -> None:
    assert {f.name for f in fields(booths.BoothInfo)} <= set(Booth.__table__.columns.keys())


def test_driver_settings_each_drivers_own(shop: Shop, admin: Actor) -> None:
    quick = booths.add_booth(
        shop, admin, "Q1", driver="quicknet", driver_settings={"device": "/dev/phone0"}
    )
    assert quick.driver_settings == {"device": "/dev/phone0"}
    sip = booths.add_booth(
        shop,
        admin,
        "S1",
        driver="sip",
        sip_user="s1",
        sip_password="long-enough",
        driver_settings={"bind": "192.168.1.21"},
    )
    assert sip.driver_settings == {"bind": "192.168.1.21"}
    # An empty field means "not set": it is left out.
    assert (
        booths.update_booth(shop, admin, "S1", driver_settings={"bind": ""}).booth.driver_settings
        == {}
    )
