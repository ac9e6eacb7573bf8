"""Central's schema: the migration builds exactly the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from callshop_wire import encode
from central import service
from central.clock import FixedClock
from central.db import CentralDb, current_revision, head_revision, migrate
from central.models import Base
from tests.callshop_wire.samples import T0, make_shift
from tests.postgres import postgres_schema_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
    else:
        with postgres_schema_url() as url:
            yield url


def test_migrations_and_models_agree(empty_url: str) -> None:
    db = CentralDb(empty_url)
    try:
        assert current_revision(db) is None
        migrate(db)
        migrate(db)  # a second run changes nothing
        assert current_revision(db) == head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], "run python -m central.regen_migration"
    finally:
        db.dispose()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    db = CentralDb(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_a_call_is_held_only_under_a_shift_of_its_own_shop(empty_url: str) -> None:
    """One key from a call to (its shift, its shop): a call filed under another shop's
    shift, or under no shift, is refused by the database itself."""
    db = CentralDb(empty_url)
    try:
        migrate(db)
        clock = FixedClock(T0)
        for code in ("shop-a", "shop-b"):
            service.add_shop(db, clock, code, code, "Europe/Sofia")
        held = make_shift(shop="shop-a", calls=2)
        service.put_shift(db, clock, "shop-a", held.shift_uuid, encode(held))
        with db.engine.connect() as conn:
            shop = dict(conn.execute(text("SELECT code, id FROM shops")).all())
            shift = conn.execute(text("SELECT id FROM shifts")).scalar_one()

        def add_call(shop_id: int, shift_id: int) -> None:
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO calls (shop_id, shift_id, call_uuid, booth, number, "
                        "setup_at, ended_at, duration_s, billable_s, status) VALUES "
                        "(:shop, :shift, :uuid, 'Booth 1', '0888', :t, :t, 0, 0, 'unanswered')"
                    ),
                    {"shop": shop_id, "shift": shift_id, "uuid": str(uuid.uuid4()), "t": T0},
                )

        add_call(shop["shop-a"], shift)
        for shop_id, shift_id in ((shop["shop-b"], shift), (shop["shop-a"], shift + 1000)):
            with pytest.raises(IntegrityError):
                add_call(shop_id, shift_id)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM calls")).scalar() == 3
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgres_compresses_the_archived_payloads_with_lz4() -> None:
    with postgres_schema_url() as url:
        db = CentralDb(url)
        try:
            migrate(db)
            with db.engine.begin() as conn:
                lz4 = conn.execute(
                    text(
                        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                        "WHERE name = 'default_toast_compression'"
                    )
                ).scalar()
                if not lz4:
                    pytest.skip("this PostgreSQL server was built without lz4")
                methods = conn.execute(
                    text(
                        "SELECT c.relname, a.attcompression FROM pg_attribute a "
                        "JOIN pg_class c ON c.oid = a.attrelid "
                        "WHERE a.attname = 'payload' AND c.relname IN ('shifts', 'corrections') "
                        "AND c.relnamespace = current_schema()::regnamespace"
                    )
                ).all()
                assert dict(methods) == {"shifts": "l", "corrections": "l"}
        finally:
            db.dispose()
