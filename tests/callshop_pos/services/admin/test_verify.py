"""Tamper detection: edits made with the sqlite3 shell are found by verify()."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from callshop_pos import journal
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.services.admin import booths, fx, prices, users
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop

PRICES = "country,code,wholesale_usd,retail\nBulgaria,359,0.010,0.20\nGermany,49,0.012,0.30\n"


@contextmanager
def sqlite_shell(db_url: str) -> Iterator[sqlite3.Connection]:
    """What someone with the database file and the sqlite3 shell can do."""
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def busy_shop(shop: Shop, admin: Actor) -> Shop:
    """A shop with some history: rates, booths, a price list, settings, users."""
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    fx.set_usd_rate(shop, admin, Decimal("0.93"), date(2026, 1, 2))
    fx.set_usd_rate(shop, admin, Decimal("0.94"), date(2026, 1, 3))
    booths.add_booth(shop, admin, "Booth 1")
    booths.add_booth(shop, admin, "Booth 2", driver="sip", sip_user="b2", sip_password="pw-123456")
    prices.import_price_list(shop, admin, PRICES, "prices.csv")
    update_settings(shop, admin, shop_name="Telecentre", cash_rounding_unit=5)
    users.add_user(shop, admin, "ivan", "secret-1", Role.OPERATOR)
    return shop


def test_an_untouched_database_verifies(busy_shop: Shop) -> None:
    report = verify(busy_shop)
    assert report.ok, report.describe()
    assert report.entries >= 10
    assert report.rows_checked >= 10
    assert "journal intact" in report.describe()


def _fx_entry_seq(shop: Shop, rate_id: int) -> int:
    with shop.db.read() as s:
        for entry in journal.entries(s):
            if entry.subject_type == "fx_rates" and entry.subject_id == str(rate_id):
                return entry.seq
    raise AssertionError("no entry")


def test_an_edited_money_row_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE fx_rates SET local_per_usd = '0.50' WHERE id = 2")
    report = verify(busy_shop)
    assert not report.ok
    first = report.first_broken
    assert first is not None and first.kind == "row-altered"
    assert first.seq == _fx_entry_seq(busy_shop, 2)
    assert "fx_rates #2" in first.message


def test_a_deleted_money_row_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("DELETE FROM fx_rates WHERE id = 3")
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["row-missing"]
    assert report.problems[0].seq == _fx_entry_seq(busy_shop, 3)


def test_an_inserted_money_row_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute(
            "INSERT INTO fx_rates (effective_on, local_per_usd, set_at, set_by) "
            "VALUES ('2026-01-04', '0.10', '2026-01-04 10:00:00.000000', 'admin')"
        )
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["row-unjournaled"]
    assert "fx_rates #4 has no journal entry" in report.problems[0].message


def test_an_edited_journal_entry_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE journal_entries SET actor_name = 'olga' WHERE seq = 4")
    report = verify(busy_shop)
    assert report.first_broken is not None
    assert report.first_broken.seq == 4 and report.first_broken.kind == "entry-altered"


def test_a_deleted_journal_entry_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("DELETE FROM journal_entries WHERE seq = 5")
    report = verify(busy_shop)
    assert report.first_broken is not None
    assert report.first_broken.seq == 5 and report.first_broken.kind == "entry-missing"


def test_a_deleted_newest_entry_is_found(busy_shop: Shop, db_url: str) -> None:
    last = verify(busy_shop).head_seq
    with sqlite_shell(db_url) as sh:
        sh.execute("DELETE FROM journal_entries WHERE seq = ?", (last,))
    report = verify(busy_shop)
    assert report.first_broken is not None and report.first_broken.seq == last


def test_an_inserted_journal_entry_is_found(busy_shop: Shop, db_url: str) -> None:
    last = verify(busy_shop).head_seq
    with sqlite_shell(db_url) as sh:
        row = sh.execute("SELECT * FROM journal_entries WHERE seq = ?", (last,)).fetchone()
        forged = (last + 1, *row[1:])
        sh.execute(f"INSERT INTO journal_entries VALUES ({','.join('?' * len(forged))})", forged)
    report = verify(busy_shop)
    assert report.first_broken is not None and report.first_broken.seq == last + 1


def test_a_consistently_forged_entry_still_breaks_the_head(busy_shop: Shop, db_url: str) -> None:
    # Appending a well-formed entry with the shell (correct previous hash and a correct
    # hash of its own) is noticed: the head row no longer names the last entry.
    before = verify(busy_shop)
    forged = JournalEntry(
        seq=before.head_seq + 1,
        at=datetime(2026, 1, 5, 12, tzinfo=UTC),
        actor_id=1,
        actor_name="admin",
        action="fx.set",
        subject_type=None,
        subject_id=None,
        payload="{}",
        rows="[]",
        prev_hash=before.head_hash,
    )
    forged.hash = journal.entry_hash(forged)
    with sqlite_shell(db_url) as sh:
        sh.execute(
            "INSERT INTO journal_entries (seq, at, actor_id, actor_name, action, payload, rows,"
            " prev_hash, hash) VALUES (?, '2026-01-05 12:00:00.000000', 1, 'admin', 'fx.set',"
            " '{}', '[]', ?, ?)",
            (forged.seq, forged.prev_hash, forged.hash),
        )
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["head"]
    assert report.first_broken is not None and report.first_broken.seq == forged.seq


def test_a_granted_admin_role_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE users SET role = 'admin' WHERE username = 'olga'")
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["row-altered"]
    assert "users #2" in report.problems[0].message


def _edit_price_chunk(db_url: str, edit: Callable[[bytes], bytes]) -> None:
    with sqlite_shell(db_url) as sh:
        ((key, data),) = sh.execute("SELECT id, data FROM price_list_chunks").fetchall()
        sh.execute("UPDATE price_list_chunks SET data = ? WHERE id = ?", (edit(data), key))


def test_an_edited_price_entry_is_found(busy_shop: Shop, db_url: str) -> None:
    def cheaper_germany(data: bytes) -> bytes:
        text = zlib.decompress(data)
        edited = text.replace(b"49\tGermany\t0.012\t0.30", b"49\tGermany\t0.012\t0.01")
        assert edited != text
        return zlib.compress(edited)

    _edit_price_chunk(db_url, cheaper_germany)
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["price-entries-altered"]


@pytest.mark.parametrize("damage", [lambda data: data[:-5], lambda data: b""])
def test_a_damaged_or_emptied_price_chunk_is_found(
    busy_shop: Shop, db_url: str, damage: Callable[[bytes], bytes]
) -> None:
    _edit_price_chunk(db_url, damage)
    report = verify(busy_shop)
    assert [p.kind for p in report.problems] == ["price-entries-altered"]


def test_an_edited_setting_is_found(busy_shop: Shop, db_url: str) -> None:
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE settings SET value = '1' WHERE key = 'cash_rounding_unit'")
    assert [p.kind for p in verify(busy_shop).problems] == ["row-altered"]


def test_removed_rows_are_recorded_as_removed(shop: Shop, admin: Actor) -> None:
    # journal.append(removed=[...]) marks a legitimate deletion; verify accepts it.
    with shop.db.write() as s:
        row = FxRate(
            effective_on=date(2026, 1, 1),
            local_per_usd=Decimal("1"),
            set_at=shop.clock.now(),
            set_by="admin",
        )
        s.add(row)
        journal.append(s, admin, "fx.set", subject=row, rows=[row])
    with shop.db.write() as s:
        row = s.get(FxRate, row.id)
        assert row is not None
        journal.append(s, admin, "fx.delete", subject=row, removed=[row])
        s.delete(row)
    assert verify(shop).ok


def test_a_float_never_reaches_the_journal(shop: Shop, admin: Actor) -> None:
    with pytest.raises(TypeError, match="float"), shop.db.write() as s:
        journal.append(s, admin, "x", payload={"amount": 1.5})
    assert verify(shop).ok


def test_concurrent_writers_keep_one_chain_on_sqlite(shop: Shop, admin: Actor) -> None:
    import threading

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                fx.set_usd_rate(shop, admin, Decimal(f"0.9{n}{i}"), date(2026, 1, 1 + i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    report = verify(shop)
    assert report.ok, report.describe()
    assert len(fx.rate_history(shop)) == 20


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("at", "2026-01-05 09:00:00.000001"),
        ("actor_id", 2),
        ("actor_name", "olga"),
        ("action", "login"),
        ("subject_type", "shifts"),
        ("subject_id", "999"),
        ("payload", "{}"),
        ("rows", "[]"),
        ("prev_hash", "0" * 64),
        ("hash", "f" * 64),
    ],
)
def test_any_field_of_an_entry_is_covered(
    busy_shop: Shop, db_url: str, column: str, value: object
) -> None:
    target = 6
    with sqlite_shell(db_url) as sh:
        sh.execute(f"UPDATE journal_entries SET {column} = ? WHERE seq = ?", (value, target))
    report = verify(busy_shop)
    assert report.first_broken is not None, column
    assert report.first_broken.seq == target, report.describe()


def test_postgres_tests_cannot_be_skipped_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.postgres import PG_ENV, postgres_url_or_skip

    monkeypatch.delenv(PG_ENV, raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        postgres_url_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="not set"):
        postgres_url_or_skip()
