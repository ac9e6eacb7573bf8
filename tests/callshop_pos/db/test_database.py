"""The database platform: migrations, SQLite PRAGMAs, transactions, column types."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, select, text
from sqlalchemy.exc import IntegrityError

from callshop_pos.clock import FakeClock
from callshop_pos.db import Database, DatabaseUnavailable, ReadOnlySessionError
from callshop_pos.db.migrate import (
    current_revision,
    head_revision,
    schema_diff,
    shipped_head,
    upgrade,
)
from callshop_pos.db.models import load_all
from callshop_pos.db.models.devices import PrintLog
from callshop_pos.db.models.fx import FxRate
from callshop_pos.db.types import decimal_text


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


def test_open_creates_and_migrates_an_empty_database(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        assert current_revision(db) == head_revision() is not None
        tables = set(inspect(db.engine).get_table_names())
        assert set(load_all().tables) <= tables
        assert "alembic_version" in tables
        # A second open finds the schema current and changes nothing.
        Database.open(_url(tmp_path)).dispose()
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_migrations_and_models_agree(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        assert schema_diff(db) == []
    finally:
        db.dispose()


def print_log_documents(db: Database) -> list[str]:
    """Which documents the migrated print log's check constraint lets in."""
    accepted = []
    for document in ("receipt", "card_receipt", "x_report", "z_report", "bogus"):
        try:
            with db.write() as session:
                session.add(
                    PrintLog(
                        at=datetime(2026, 1, 5, tzinfo=UTC),
                        document=document,
                        subject_id=1,
                        copy=False,
                        target="escpos",
                        ok=True,
                        detail="",
                    )
                )
        except IntegrityError:
            continue
        accepted.append(document)
    return accepted


def test_the_print_log_takes_card_receipts_after_the_migration(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        assert print_log_documents(db) == ["receipt", "card_receipt", "x_report", "z_report"]
    finally:
        db.dispose()


def test_schema_diff_sees_a_missing_table(tmp_path: Path) -> None:
    # The agreement check above must be able to fail.
    db = Database.open(_url(tmp_path))
    try:
        with db.write_connection() as conn:
            conn.exec_driver_sql("DROP TABLE fx_rates")
        assert any(d[0] == "add_table" and d[1].name == "fx_rates" for d in schema_diff(db))
    finally:
        db.dispose()


def test_sqlite_pragmas_are_in_effect(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        db.dispose()


def test_writes_begin_immediate_and_reads_begin_deferred(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.write() as s:
            s.execute(text("SELECT 1"))
        with db.read() as s:
            s.execute(text("SELECT 1"))
        assert seen == ["BEGIN IMMEDIATE", "BEGIN"]
    finally:
        db.dispose()


def test_a_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    order: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def first() -> None:
        with db.write() as s:
            s.execute(text("SELECT 1"))
            first_in.set()
            release.wait(5)
            order.append("first commits")

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert first_in.wait(5)
        # A plain sqlite3 connection cannot take the write lock meanwhile …
        raw = sqlite3.connect(tmp_path / "shop.db", timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            raw.execute("BEGIN IMMEDIATE")
        raw.close()
        # … but reading is not blocked (WAL).
        with db.read() as s:
            assert s.execute(text("SELECT 1")).scalar() == 1
        threading.Timer(0.2, release.set).start()
        with db.write() as s:
            s.execute(text("SELECT 1"))  # the transaction (and its lock) starts here
            order.append("second writes")
    finally:
        release.set()
        thread.join(5)
        db.dispose()
    assert order == ["first commits", "second writes"]


def test_a_failing_unit_of_work_rolls_back(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path), clock=FakeClock())
    try:
        with pytest.raises(RuntimeError), db.write() as s:
            s.add(
                FxRate(
                    effective_on=datetime(2026, 1, 1).date(),
                    local_per_usd=Decimal("0.9"),
                    set_at=datetime.now(UTC),
                    set_by="x",
                )
            )
            s.flush()
            raise RuntimeError("boom")
        with db.read() as s:
            assert s.scalars(select(FxRate)).all() == []
    finally:
        db.dispose()


def test_read_sessions_refuse_changes(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        with pytest.raises(ReadOnlySessionError), db.read() as s:
            s.add(
                FxRate(
                    effective_on=datetime(2026, 1, 1).date(),
                    local_per_usd=Decimal("1"),
                    set_at=datetime.now(UTC),
                    set_by="x",
                )
            )
            s.flush()
    finally:
        db.dispose()


def test_datetimes_come_back_aware_utc_and_decimals_exact(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    sofia_winter = timezone(timedelta(hours=2))
    at = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=sofia_winter)
    try:
        with db.write() as s:
            s.add(
                FxRate(
                    effective_on=at.date(), local_per_usd=Decimal("0.853210"), set_at=at, set_by="x"
                )
            )
        with db.read() as s:
            row = s.scalars(select(FxRate)).one()
        assert row.set_at == at and row.set_at.tzinfo == UTC
        assert row.local_per_usd == Decimal("0.853210")
        assert str(row.local_per_usd) == "0.853210"
        with db.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT local_per_usd, set_at FROM fx_rates").one()
        assert stored[0] == "0.853210"  # text, never a binary float
        assert stored[1].startswith("2026-03-29 01:30:15.123456")  # UTC
    finally:
        db.dispose()


def test_naive_datetimes_and_floats_are_refused(tmp_path: Path) -> None:
    db = Database.open(_url(tmp_path))
    try:
        with pytest.raises(Exception, match="naive"), db.write() as s:
            s.add(
                FxRate(
                    effective_on=datetime(2026, 1, 1).date(),
                    local_per_usd=Decimal("1"),
                    set_at=datetime(2026, 1, 1),
                    set_by="x",
                )
            )
            s.flush()
        with pytest.raises(Exception, match="Decimal"), db.write() as s:
            s.add(
                FxRate(
                    effective_on=datetime(2026, 1, 1).date(),
                    local_per_usd=0.85,  # type: ignore[arg-type]
                    set_at=datetime.now(UTC),
                    set_by="x",
                )
            )
            s.flush()
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.10", "0.1"), ("100", "100"), ("1E+2", "100"), ("-0.0", "0"), ("0.000125", "0.000125")],
)
def test_decimal_text_is_canonical(value: str, expected: str) -> None:
    assert decimal_text(Decimal(value)) == expected


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    db = Database(_url(tmp_path))
    try:
        assert current_revision(db) is None
        upgrade(db)
        upgrade(db)
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_the_quick_head_check_agrees_with_alembic() -> None:
    assert shipped_head() == head_revision() is not None


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot open the database"):
        Database.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'shop.db'}")
