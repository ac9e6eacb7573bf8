"""The till's sync against the real central service (its ASGI app, in-process): closed
shifts and corrections arrive exactly once with the Z's figures, repeats are answered
the same, a rewritten or restored till chain is flagged centrally and by ``verify``,
heartbeats, the carrier balance and wholesale price lists."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.sync import SyncOutbox
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services import outbox
from callshop_pos.services.admin import fx
from callshop_pos.services.admin.prices import active_entries, import_price_list
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.corrections import correct_closed_shift_call
from callshop_pos.services.till.shifts import close_shift, open_shift
from callshop_pos.sync.anchors import check_heads
from callshop_pos.sync.link import LinkConfig
from callshop_pos.sync.prices import apply_list, pending_lists, pull_price_list, review_list
from callshop_pos.sync.remote import fetch_balance, fetch_heads, send_heartbeat
from callshop_pos.sync.sender import Sender
from callshop_pos.sync.status import sync_status
from drivers.sync_http import HttpTransport
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import make_shop
from tests.callshop_pos.sync.support import close_a_busy_shift
from tests.central.support import Central, make_central
from tests.drivers.sync_support import SHOP, AsgiTransport, compare, rewrite_chain

CENTRAL_URL = "http://central.test"


@dataclass
class Rig:
    shop: Shop
    admin: Actor
    operator: Actor
    central: Central
    asgi: AsgiTransport

    def sender(self) -> Sender:
        return Sender(self.shop, lambda link: HttpTransport(link.url, transport=self.asgi))

    def link(self) -> LinkConfig:
        found = LinkConfig.from_settings(self.shop.settings)
        assert found is not None
        return found

    def owner(self, method: str, path: str, **kw: object) -> httpx.Response:
        with httpx.Client(base_url=CENTRAL_URL, transport=self.asgi) as client:
            return client.request(method, path, headers=self.central.owner(), **kw)  # type: ignore[arg-type]

    def held(self) -> list[str]:
        return [str(r) for r in self.central.db_rows("SELECT shift_uuid FROM shifts")]

    def fetch(self, shift_uuid: str):  # type: ignore[no-untyped-def]
        from tests.drivers.sync_support import central_shift

        return central_shift(CENTRAL_URL, self.central.tokens[SHOP], shift_uuid, self.asgi)

    def compare(self) -> int:
        return compare(self.shop, self.admin, self.fetch, self.held())


def _rows(central: Central, sql: str) -> list[object]:
    from sqlalchemy import text

    with central.db.engine.connect() as conn:
        return [r[0] if len(r) == 1 else tuple(r) for r in conn.execute(text(sql))]


Central.db_rows = _rows  # type: ignore[attr-defined]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    central = make_central(f"sqlite:///{tmp_path / 'central.db'}")
    seeded = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    asgi = AsgiTransport(central.app())
    update_settings(
        seeded.shop,
        seeded.admin,
        central_url=CENTRAL_URL,
        central_shop=SHOP,
        central_token=central.tokens[SHOP],
    )
    try:
        yield Rig(seeded.shop, seeded.admin, seeded.operator, central, asgi)
    finally:
        asgi.shutdown()
        seeded.shop.close()
        central.db.dispose()


def close_simple(rig: Rig, price: int = 100) -> None:
    open_shift(rig.shop, rig.operator, 0)
    record_call(rig.shop, price)
    close_shift(rig.shop, rig.operator, 0)


def test_shifts_and_corrections_arrive_exactly_once_with_the_z_figures(rig: Rig) -> None:
    fx_ = close_a_busy_shift(rig.shop, rig.operator, counted=5100)  # 50 short
    correct_closed_shift_call(rig.shop, rig.admin, fx_.unserved, "paid", "found it")
    close_simple(rig)
    report = rig.sender().deliver()
    assert len(report.delivered) == 3 and not report.failed and not report.parked
    assert rig.compare() == 2
    assert _rows(rig.central, "SELECT count(*) FROM corrections") == [1]
    # every head anchored: no incident
    assert _rows(rig.central, "SELECT count(*) FROM incidents") == [0]
    # the same items sent again (a second till process, a retry after a lost answer):
    # answered as the first time, nothing doubles
    for item in outbox.items(rig.shop):
        outbox_row_back_to_pending(rig.shop, item.id)
    again = rig.sender().deliver()
    assert len(again.delivered) == 3
    assert rig.compare() == 2
    assert _rows(rig.central, "SELECT count(*) FROM corrections") == [1]
    # the carrier account was debited the wholesale cost of every pushed call
    balance = fetch_balance(rig.sender(), rig.link())
    assert balance.balance_micro_usd == -12_000 * 6  # six answered calls at 0.012 USD


def outbox_row_back_to_pending(shop: Shop, item_id: int) -> None:
    with shop.db.write() as s:
        s.execute(update(SyncOutbox).where(SyncOutbox.id == item_id).values(status="pending"))


def test_an_altered_payload_is_refused_and_parked(rig: Rig) -> None:
    close_simple(rig)
    close_simple(rig)
    sender = rig.sender()
    assert len(sender.deliver().delivered) == 2
    first = outbox.items(rig.shop)[0]
    with rig.shop.db.write() as s:
        row = s.get(SyncOutbox, first.id)
        assert row is not None
        data = json.loads(row.payload)
        data["counted_minor"] += 1000  # counted cash "corrected" after the close
        data["discrepancy_minor"] += 1000
        row.payload = json.dumps(data)
        row.status = "pending"
    report = sender.deliver()
    assert report.parked == [first.key] and not report.failed
    status = sync_status(rig.shop)
    assert status.parked == 1 and "409" in (status.parked_items[0].last_error or "")
    assert len(_rows(rig.central, "SELECT kind FROM incidents")) == 1
    # central still holds the original figures
    assert rig.fetch(first.key).counted_minor == 0
    assert rig.compare() == 2


def test_a_restored_backup_is_flagged_centrally_and_by_verify(rig: Rig, tmp_path: Path) -> None:
    close_simple(rig, 100)
    rig.sender().deliver()
    backup = tmp_path / "backup.db"
    source = sqlite3.connect(str(tmp_path / "shop.db"))
    target = sqlite3.connect(str(backup))
    source.backup(target)
    source.close()
    target.close()
    close_simple(rig, 200)
    rig.sender().deliver()
    assert check_heads(rig.shop, fetch_heads(rig.sender(), rig.link())).ok
    rig.shop.close()
    # the till's database is restored from the backup taken before shift 2
    restored = Shop.open(f"sqlite:///{backup}", clock=FakeClock(datetime(2026, 1, 6, tzinfo=UTC)))
    rig.shop = restored
    try:
        check = check_heads(restored, fetch_heads(rig.sender(), rig.link()))
        assert not check.ok
        assert "missing here" in check.problems[0]
        # the next shift from the restored till links to shift 1, not to shift 2
        open_shift(restored, rig.operator, 0)
        record_call(restored, 300)
        close_shift(restored, rig.operator, 0)
        report = rig.sender().deliver()
        assert len(report.delivered) == 1  # accepted …
        incidents = _rows(rig.central, "SELECT kind FROM incidents")
        assert len(incidents) == 1  # … but flagged
        anchored = _rows(rig.central, "SELECT anchored FROM shifts ORDER BY id")
        assert anchored == [True, True, False]
    finally:
        restored.close()


def test_a_rewritten_chain_is_flagged_centrally(rig: Rig) -> None:
    from callshop_pos.services.admin.verify import verify

    close_simple(rig, 100)
    rig.sender().deliver()
    rewrite_chain(rig.shop, from_seq=3)
    assert verify(rig.shop).ok  # consistent rewrite: the local check alone cannot see it
    check = check_heads(rig.shop, fetch_heads(rig.sender(), rig.link()))
    assert not check.ok and "another hash" in check.problems[0]
    close_simple(rig, 150)
    assert len(rig.sender().deliver().delivered) == 1
    assert len(_rows(rig.central, "SELECT id FROM incidents")) == 1
    assert _rows(rig.central, "SELECT anchored FROM shifts ORDER BY id") == [True, False]


def test_clock_skew_changes_nothing(rig: Rig) -> None:
    """The till's clock is a day and a half off central's: times are facts about the
    till; central records its own receive time beside them."""
    assert isinstance(rig.shop.clock, FakeClock)
    rig.shop.clock.set(datetime(2026, 3, 31, 3, 0, tzinfo=UTC))  # central: 03-29 09:00
    close_simple(rig)
    rig.shop.clock.set(datetime(2025, 12, 1, 3, 0, tzinfo=UTC))
    close_simple(rig)
    assert len(rig.sender().deliver().delivered) == 2
    assert rig.compare() == 2
    received = _rows(rig.central, "SELECT received_at FROM shifts")
    closed = _rows(rig.central, "SELECT closed_at FROM shifts")
    assert received != closed


def test_heartbeat_reaches_central(rig: Rig) -> None:
    from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState

    open_shift(rig.shop, rig.operator, 1000)
    record_call(rig.shop, 120)
    booths = [
        BoothSnapshot(
            "B1",
            1,
            BoothState.TALKING,
            False,
            "simulator",
            "registered",
            BillingMode.POSTPAID,
            number="0044123",
            elapsed_s=65.4,
            price_minor=40,
        ),
        BoothSnapshot(
            "B2", 2, BoothState.IDLE, False, "simulator", "registered", BillingMode.POSTPAID
        ),
    ]
    send_heartbeat(rig.sender(), rig.link(), booths)
    [payload] = _rows(rig.central, "SELECT payload FROM heartbeats")
    data = json.loads(str(payload))
    assert data["open_shift"]["call_count"] == 1
    assert data["open_shift"]["unserved_minor"] == 120
    assert data["open_shift"]["expected_minor"] == 1000
    assert [(b["booth"], b["state"], b["talk_seconds"]) for b in data["booths"]] == [
        ("B1", "talking", 65),
        ("B2", "idle", 0),
    ]
    # what the amounts are in: the shop's own currency (the owner's live view says so)
    assert (data["schema_version"], data["currency"]) == (2, "EUR")
    assert sync_status(rig.shop).last_heartbeat_at == rig.shop.clock.now()


PRICES = "country,code,wholesale_usd,retail\nUnited Kingdom,44,0.010,0.30\nGermany,49,0.012,0.25\n"


def test_wholesale_list_waits_for_review_and_goes_through_the_margin_guard(rig: Rig) -> None:
    shop, admin = rig.shop, rig.admin
    import_price_list(shop, admin, PRICES, "prices.csv")
    fx.set_usd_rate(shop, admin, Decimal("1.80"), shop.clock.now().date())
    published = rig.owner(
        "POST",
        "/v1/price-lists/wholesale",
        json={
            "schema_version": 1,
            "version": 1,
            "published_at": "2026-03-29T08:00:00Z",
            "entries": [
                {"code": "44", "country": "United Kingdom", "wholesale_usd": "0.011"},
                {"code": "49", "country": "Germany", "wholesale_usd": "0.200"},
                {"code": "33", "country": "France", "wholesale_usd": "0.015"},
            ],
        },
    )
    assert published.status_code == 201, published.text
    sender = rig.sender()
    list_id = pull_price_list(sender, rig.link())
    assert list_id is not None
    assert pull_price_list(sender, rig.link()) is None  # ETag: 304, nothing new
    # not applied: the active prices are unchanged
    assert {e.code: e.wholesale_usd for e in active_entries(shop, admin)} == {
        "44": Decimal("0.010"),
        "49": Decimal("0.012"),
    }
    assert sync_status(shop).pending_price_lists == 1
    review = review_list(shop, admin, list_id)
    assert [c[0] for c in review.changed] == ["44", "49"] and review.added == ("33",)
    assert review.below_margin == ("49",)  # 0.200 USD × 1.80 × 1.10 > 0.25
    with pytest.raises(InvalidInput, match="margin guard"):
        apply_list(shop, admin, list_id)
    with pytest.raises(PermissionDenied):
        apply_list(shop, rig.operator, list_id, accept_below_margin=True)
    info = apply_list(shop, admin, list_id, accept_below_margin=True)
    entries = {e.code: e for e in active_entries(shop, admin)}
    assert str(entries["49"].wholesale_usd) == "0.200" and str(entries["49"].retail) == "0.25"
    assert entries["33"].retail is None
    [listed] = pending_lists(shop, admin)
    assert listed.status == "applied" and listed.applied_version_id == info.id


def test_an_oversized_shift_is_parked_and_the_rest_go_on(tmp_path: Path) -> None:
    central = make_central(f"sqlite:///{tmp_path / 'central.db'}")
    seeded = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    shop, admin, olga = seeded.shop, seeded.admin, seeded.operator
    close_a_busy_shift(shop, olga)  # large: six calls, payments, a refund
    open_shift(shop, olga, 0)
    close_shift(shop, olga, 0)  # small: no calls
    big, small = (len(i.payload) for i in outbox.items(shop))
    assert small < big
    asgi = AsgiTransport(central.app(max_body=small + 200))
    update_settings(
        shop, admin, central_url=CENTRAL_URL, central_shop=SHOP, central_token=central.tokens[SHOP]
    )
    try:
        report = Sender(shop, lambda link: HttpTransport(link.url, transport=asgi)).deliver()
        first, second = outbox.items(shop)
        assert report.parked == [first.key] and report.delivered == [second.key]
        status = sync_status(shop)
        assert status.parked == 1 and "413" in (status.parked_items[0].last_error or "")
    finally:
        asgi.shutdown()
        shop.close()
        central.db.dispose()
