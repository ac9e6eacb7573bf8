"""Price-list versions: import, edit, activate, export; errors change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.prices import PriceListChunk, PriceListVersion
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.rating import PriceEntry, PriceListError, parse_price_list
from callshop_pos.services.admin import prices
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop

FIRST = """country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee,grace
Bulgaria,359,0.010,0.20,,60,60,0,0
Bulgaria mobile,35988,0.045,0.40,0.30,30,6,0.05,3
Germany,49,0.012,0.30,,60,60,0,0
"""
SECOND = """code;country;retail;wholesale_usd
359;Bulgaria;0,20;0,010
35988;Bulgaria mobile;0,45;0,045
44;United Kingdom;0,35;0,011
"""


def _counts(shop: Shop) -> tuple[int, int, int]:
    with shop.db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(PriceListVersion)) or 0,
            s.scalar(select(func.sum(PriceListChunk.entry_count))) or 0,
            s.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        )


def test_import_creates_an_active_version(shop: Shop, admin: Actor) -> None:
    info = prices.import_price_list(shop, admin, FIRST, "first.csv")
    assert info.entry_count == 3 and info.active and info.source == "first.csv"
    assert info.summary == {"added": 3, "removed": 0, "changed": 0}
    entries = prices.active_entries(shop, admin)
    assert entries == sorted(parse_price_list(FIRST), key=lambda e: e.code)
    assert shop.pricing.version_id == info.id
    quote = shop.pricing.index.lookup("359888123456")
    assert quote is not None and quote.code == "35988"


def test_a_second_import_is_a_new_version_with_a_summary(shop: Shop, admin: Actor) -> None:
    first = prices.import_price_list(shop, admin, FIRST, "first.csv")
    second = prices.import_price_list(shop, admin, SECOND, "second.csv")
    assert second.id != first.id and second.based_on_id == first.id
    # 359 same; 35988 retail 0.40→0.45 and other fields to defaults; 49 removed; 44 added
    assert second.summary == {"added": 1, "removed": 1, "changed": 1}
    assert [v.id for v in prices.versions(shop)] == [second.id, first.id]
    assert [v.active for v in prices.versions(shop)] == [True, False]
    with shop.db.read() as s:
        entry = s.scalars(select(JournalEntry).order_by(JournalEntry.seq.desc())).first()
    assert entry is not None and entry.action == "prices.version"
    assert json.loads(entry.payload)["changed"] == 1
    # The old version is untouched (calls rated with it keep their prices).
    with shop.db.read() as s:
        old = prices.load_entries(s, first.id)
    assert [e.code for e in old] == ["359", "35988", "49"]


def test_a_bad_file_imports_nothing(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    before = _counts(shop)
    bad = FIRST + "Nowhere,12a,0.01,0.10\nBulgaria again,359,0.01,0.10\nX,7,-1,0.1\n"
    with pytest.raises(PriceListError) as err:
        prices.import_price_list(shop, admin, bad, "bad.csv")
    lines = [line for line, _ in err.value.errors]
    assert lines == [5, 6, 7]
    assert _counts(shop) == before
    assert [e.code for e in prices.active_entries(shop, admin)] == ["359", "35988", "49"]


def test_an_empty_file_is_refused(shop: Shop, admin: Actor) -> None:
    with pytest.raises(InvalidInput):
        prices.import_price_list(shop, admin, "country,code,wholesale_usd,retail\n", "e.csv")
    assert _counts(shop)[0] == 0


def test_operators_cannot_change_prices(shop: Shop, operator: Actor, admin: Actor) -> None:
    with pytest.raises(PermissionDenied):
        prices.import_price_list(shop, operator, FIRST, "first.csv")
    first = prices.import_price_list(shop, admin, FIRST, "first.csv")
    with pytest.raises(PermissionDenied):
        prices.activate_version(shop, operator, first.id)
    with pytest.raises(PermissionDenied):
        prices.save_edited_version(shop, operator, [], "x")


def test_edits_are_saved_as_a_new_version(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    entries = prices.active_entries(shop, admin)
    edited = [
        PriceEntry(e.country, e.code, e.wholesale_usd, Decimal("0.25")) if e.code == "359" else e
        for e in entries
    ]
    info = prices.save_edited_version(shop, admin, edited, "Bulgaria up to 0.25")
    assert info.source == "edit" and info.note == "Bulgaria up to 0.25"
    assert info.summary == {"added": 0, "removed": 0, "changed": 1}
    with pytest.raises(InvalidInput, match="note"):
        prices.save_edited_version(shop, admin, edited, "  ")
    with pytest.raises(InvalidInput, match="twice"):
        prices.save_edited_version(shop, admin, [*edited, edited[0]], "dup")


def test_an_older_version_can_be_made_active_again(shop: Shop, admin: Actor) -> None:
    first = prices.import_price_list(shop, admin, FIRST, "first.csv")
    prices.import_price_list(shop, admin, SECOND, "second.csv")
    prices.activate_version(shop, admin, first.id)
    assert shop.pricing.version_id == first.id
    assert [e.code for e in prices.active_entries(shop, admin)] == ["359", "35988", "49"]


def test_export_round_trips(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    text = prices.export_price_list(shop, admin)
    assert parse_price_list(text) == prices.active_entries(shop, admin)
    assert "0.010" in text  # decimals are kept as written


def test_pricing_follows_settings_and_other_processes(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    at = datetime(2026, 1, 5, 21, 0, tzinfo=UTC)  # Monday 23:00 in Sofia
    assert shop.pricing.rater.rate("0888123456", at, 60).price_minor == 45  # 0.05 + 0.40
    update_settings(shop, admin, offpeak="Mon-Fri 20:00-08:00")
    assert shop.pricing.rater.rate("0888123456", at, 60).price_minor == 35  # off-peak 0.30
    # Another process (e.g. the engine) sees a new import after refresh().
    from callshop_pos.services.context import Shop as ShopClass

    other = ShopClass.open(shop.db.url, clock=shop.clock, hasher=shop.hasher)
    try:
        assert other.pricing.version_id == shop.pricing.version_id
        newer = prices.import_price_list(shop, admin, SECOND, "second.csv")
        assert other.refresh() is True
        assert other.pricing.version_id == newer.id
        assert other.refresh() is False
    finally:
        other.close()


def test_confirm_sees_the_plan_and_can_cancel(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    before = _counts(shop)
    seen: list[prices.ImportPlan] = []

    def decline(plan: prices.ImportPlan) -> bool:
        seen.append(plan)
        return False

    with pytest.raises(prices.ImportCancelled):
        prices.import_price_list(shop, admin, SECOND, "second.csv", confirm=decline)
    assert seen == [prices.ImportPlan(entries=3, active=3, added=1, removed=1, changed=1)]
    assert not seen[0].drastic
    assert _counts(shop) == before
    info = prices.import_price_list(shop, admin, SECOND, "second.csv", confirm=lambda p: True)
    assert info.summary == {"added": 1, "removed": 1, "changed": 1}


def test_drastic_means_removing_at_least_half_and_ten() -> None:
    plan = prices.ImportPlan
    assert plan(entries=2, active=490, added=2, removed=490, changed=0).drastic
    assert plan(entries=10, active=20, added=0, removed=10, changed=0).drastic
    assert not plan(entries=11, active=20, added=0, removed=9, changed=0).drastic
    assert not plan(entries=2, active=9, added=0, removed=9, changed=0).drastic


def test_equal_values_written_differently_are_not_changes(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    same = FIRST.replace("0.20,,60,60,0,0", "0.2,,60,60,0.00,0").replace(",0.012,", ",0.0120,")
    assert same != FIRST
    info = prices.import_price_list(shop, admin, same, "same.csv")
    assert info.summary == {"added": 0, "removed": 0, "changed": 0}


def test_import_from_a_binary_stream_and_lazy_pricing(shop: Shop, admin: Actor) -> None:
    import io

    info = prices.import_price_list(shop, admin, io.BytesIO(FIRST.encode()), "first.csv")
    assert repr(shop.pricing) == f"Pricing(version_id={info.id}, loaded=False)"
    assert (
        shop.pricing.rater.rate("0035988123456", datetime(2026, 3, 2, 12, tzinfo=UTC), 60).prefix
        == "35988"
    )
    assert repr(shop.pricing) == f"Pricing(version_id={info.id}, loaded=True)"
    assert prices.active_entries(shop, admin) == sorted(
        parse_price_list(FIRST), key=lambda e: e.code
    )


def test_an_edited_list_has_the_same_row_limit(
    shop: Shop, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callshop_pos.rating import pricelist

    entries = parse_price_list(FIRST)
    monkeypatch.setattr(pricelist, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput, match="at most 2 rows"):
        prices.save_edited_version(shop, admin, entries, "three rows")
    assert prices.save_edited_version(shop, admin, entries[:2], "two rows").entry_count == 2


def test_a_renamed_destination_is_a_change(shop: Shop, admin: Actor) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")
    renamed = FIRST.replace("Germany,49", "Deutschland,49")
    info = prices.import_price_list(shop, admin, renamed, "renamed.csv")
    assert info.summary == {"added": 0, "removed": 0, "changed": 1}


def test_an_import_confirmed_against_a_version_that_changed_meanwhile_is_refused(
    shop: Shop, admin: Actor
) -> None:
    prices.import_price_list(shop, admin, FIRST, "first.csv")

    def meanwhile(plan: prices.ImportPlan) -> bool:
        prices.import_price_list(shop, admin, SECOND, "other.csv")  # another administrator
        return True

    with pytest.raises(InvalidInput, match="changed while you were asked"):
        prices.import_price_list(shop, admin, FIRST, "again.csv", confirm=meanwhile)
    assert [v.source for v in prices.versions(shop)] == ["other.csv", "first.csv"]
