"""Card batches: creation (PINs unique, never stored or logged in clear), the sheets
written once, listing, blocking, a card's history; roles."""

from __future__ import annotations

import logging
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.config import data_dir
from callshop_pos.db.models.cards import Card, CardStatus, ExpiryRule
from callshop_pos.engine_store.card_store import (
    CardGrant,
    CardRefusal,
    RefusalReason,
    ShopCardStore,
)
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.admin import (
    BatchSpec,
    block_batch,
    block_card,
    create_batch,
    list_batches,
    new_pins,
    show_card,
)
from callshop_pos.services.cards.common import check_serial, format_serial, luhn_digit
from callshop_pos.services.cards.secret import (
    KEY_FILE,
    CardKey,
    CardKeyMissing,
    card_key,
    ensure_card_key,
)
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch


def test_pins_are_unique_over_100000_and_clashes_are_drawn_again() -> None:
    key = CardKey(b"k" * 32, Path("test.key"))
    pins = new_pins(100_000, 10, key, lambda hashes: ())
    assert len({pin for pin, _ in pins}) == 100_000
    assert len({digest for _, digest in pins}) == 100_000
    assert all(len(pin) == 10 and pin.isdigit() for pin, _ in pins)
    assert all(digest == key.pin_hash(pin) for pin, digest in pins[:100])
    # A PIN space of 1,000 with 500 PINs already taken: the rest is drawn until it fits.
    taken = {key.pin_hash(f"{i:03d}") for i in range(500)}
    rest = new_pins(500, 3, key, lambda hashes: [h for h in hashes if h in taken])
    assert sorted(pin for pin, _ in rest) == [f"{i:03d}" for i in range(500, 1000)]
    with pytest.raises(InvalidInput, match="cannot be drawn"):
        new_pins(501, 3, key, lambda hashes: ())


def test_serials_carry_a_check_digit() -> None:
    serial = format_serial(1)
    assert serial == "0000000001" + luhn_digit("0000000001")
    assert check_serial(f" {serial[:4]}-{serial[4:]} ") == serial
    wrong = serial[:-1] + str((int(serial[-1]) + 1) % 10)
    with pytest.raises(InvalidInput, match="check digit"):
        check_serial(wrong)
    with pytest.raises(InvalidInput, match="not a card serial"):
        check_serial("12ab")


def test_a_batch_stores_only_keyed_hashes_and_logs_no_pin(
    shop: Shop,
    admin: Actor,
    tmp_path: Path,
    db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    printed = make_batch(shop, admin, tmp_path / "out", quantity=50, face_value_minor=500)
    batch = printed.created.batch
    assert (batch.quantity, batch.face_value_minor, batch.currency, batch.pin_length) == (
        50,
        500,
        "EUR",
        12,
    )
    assert (batch.serial_first, batch.serial_last) == (format_serial(1), format_serial(50))
    pins = [pin for _, pin in printed.cards]
    assert len(set(pins)) == 50 and all(len(p) == 12 for p in pins)
    # Use a PIN once so the engine's path is in the logs too.
    ShopCardStore(shop).authorize(pins[0], "B1", shop.clock.now())
    # Nowhere in the database file (any table, the journal) nor in the logs.
    raw = Path(db_url.removeprefix("sqlite:///")).read_bytes()
    wal = Path(db_url.removeprefix("sqlite:///") + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    for pin in pins:
        assert pin.encode() not in raw
        assert pin not in caplog.text
    # The hashes are keyed: a plain SHA-256 of the PIN is not what is stored.
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        stored = {h for (h,) in con.execute("SELECT pin_hash FROM cards")}
    key = card_key()
    assert stored == {key.pin_hash(p) for p in pins}
    # The key lives in the data directory, owner-only.
    assert key.path == data_dir() / KEY_FILE
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    assert "CardKey(" in repr(key) and key.path.read_text().strip() not in repr(key)


def test_the_sheets_are_written_once_into_a_private_folder(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    printed = make_batch(shop, admin, tmp_path / "out", quantity=2)
    folder = printed.created.folder
    assert folder.name == f"cards-{format_serial(1)}-{format_serial(2)}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in (printed.created.pdf, printed.created.csv):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert printed.created.batch.output_dir == str(folder)
    assert not list((tmp_path / "out").glob(".*partial"))


def test_a_failed_batch_leaves_no_sheets(shop: Shop, admin: Actor, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # A price list version that does not exist: refused before anything is written.
    with pytest.raises(NotFound):
        create_batch(shop, admin, BatchSpec(2, 1000, price_list_version_id=999), out)
    assert list(out.iterdir()) == []
    with pytest.raises(InvalidInput, match="does not exist"):
        create_batch(shop, admin, BatchSpec(2, 1000), tmp_path / "missing")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (BatchSpec(0, 1000), "quantity"),
        (BatchSpec(100_001, 1000), "quantity"),
        (BatchSpec(5, 0), "face value"),
        (BatchSpec(5, 1000, pin_length=9), "PIN length"),
        (BatchSpec(5, 1000, expiry_rule=ExpiryRule.FIXED_DATE), "needs its date"),
        (
            BatchSpec(5, 1000, expiry_rule=ExpiryRule.FIXED_DATE, expiry_date=date(2025, 1, 1)),
            "in the past",
        ),
        (BatchSpec(5, 1000, expiry_rule=ExpiryRule.AFTER_FIRST_USE), "number of days"),
        (BatchSpec(5, 1000, expiry_days=30), "only for"),
        (BatchSpec(5, 1000, note="=HYPERLINK(1)"), "note"),
        (BatchSpec(5, 1000, currency="E1"), "currency"),
    ],
)
def test_bad_batches_are_refused_and_change_nothing(
    shop: Shop, admin: Actor, tmp_path: Path, spec: BatchSpec, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        create_batch(shop, admin, spec, tmp_path)
    with shop.db.read() as s:
        assert s.scalar(select(func.count(Card.id))) == 0
    assert not list(tmp_path.glob("cards-*"))


def test_only_an_administrator_manages_batches(
    shop: Shop, operator: Actor, admin: Actor, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        create_batch(shop, operator, BatchSpec(1, 1000), tmp_path)
    printed = make_batch(shop, admin, tmp_path / "out", quantity=1)
    serial = printed.cards[0][0]
    for call in (
        lambda: list_batches(shop, operator),
        lambda: show_card(shop, operator, serial),
        lambda: block_card(shop, operator, serial, "lost"),
        lambda: block_batch(shop, operator, printed.batch_id, "lost"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_serials_continue_across_batches_and_batches_are_listed(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    first = make_batch(shop, admin, tmp_path / "a", quantity=2)
    second = make_batch(shop, admin, tmp_path / "b", quantity=3, note="for the summer")
    assert second.created.batch.serial_first == format_serial(3)
    open_shift(shop, operator, 0)
    sell_card(shop, operator, first.cards[0][0])
    listed = list_batches(shop, admin)
    assert [b.id for b in listed] == [second.batch_id, first.batch_id]
    assert dict(listed[1].counts) == {"created": 1, "sold": 1}
    assert listed[0].note == "for the summer"


def test_blocking_a_card_and_a_batch(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    printed = make_batch(shop, admin, tmp_path / "out", quantity=3)
    (s1, p1), (s2, p2), (s3, _) = printed.cards
    open_shift(shop, operator, 0)
    sell_card(shop, operator, s1)
    sell_card(shop, operator, s2)
    store = ShopCardStore(shop)
    view = block_card(shop, admin, s1, "reported stolen")
    assert view.status is CardStatus.BLOCKED and view.balance_minor == 1000
    assert store.authorize(p1, "B1", shop.clock.now()) == CardRefusal(RefusalReason.BLOCKED, 0)
    with pytest.raises(InvalidInput, match="already blocked"):
        block_card(shop, admin, s1, "again")
    with pytest.raises(InvalidInput, match="reason"):
        block_card(shop, admin, s2, "")
    assert isinstance(store.authorize(p2, "B1", shop.clock.now()), CardGrant)
    store.release_booth()
    blocked = block_batch(shop, admin, printed.batch_id, "a sheet was lost")
    assert blocked.blocked
    assert store.authorize(p2, "B1", shop.clock.now()) == CardRefusal(RefusalReason.BLOCKED, 0)
    with pytest.raises(InvalidInput, match="blocked"):
        sell_card(shop, operator, s3)
    assert dict(list_batches(shop, admin)[0].counts) == {"blocked": 3}
    with pytest.raises(NotFound):
        block_batch(shop, admin, 99, "no such batch")
    assert verify(shop).ok


def test_a_card_shows_its_balance_and_history(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    printed = make_batch(shop, admin, tmp_path / "out", quantity=1)
    serial, pin = printed.cards[0]
    fresh = show_card(shop, admin, serial)
    assert (fresh.status, fresh.balance_minor, fresh.history) == (CardStatus.CREATED, 0, ())
    open_shift(shop, operator, 0)
    sell_card(shop, operator, serial)
    store = ShopCardStore(shop)
    grant = store.authorize(pin, "B2", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "ref-1", 120, booth="B2")
    view = show_card(shop, admin, serial)
    assert view.status is CardStatus.IN_USE and view.balance_minor == 880
    assert [(m.kind, m.amount_minor, m.balance_after_minor) for m in view.history] == [
        ("sale", 1000, 1000),
        ("debit", -120, 880),
    ]
    assert view.history[1].call_ref == "ref-1" and view.history[1].booth == "B2"
    with pytest.raises(NotFound):
        show_card(shop, admin, format_serial(77))


def test_a_missing_key_is_an_error_once_cards_exist(
    shop: Shop, admin: Actor, tmp_path: Path
) -> None:
    printed = make_batch(shop, admin, tmp_path / "out", quantity=1)
    key = card_key()
    key.path.unlink()
    with pytest.raises(CardKeyMissing, match="restore"):
        ShopCardStore(shop).authorize(printed.cards[0][1], "B1", shop.clock.now())
    with pytest.raises(CardKeyMissing, match="restore"):
        create_batch(shop, admin, BatchSpec(1, 1000), tmp_path / "out")
    assert not key.path.exists()
    assert ensure_card_key().pin_hash("1") != key.pin_hash("1")  # a new key is new
