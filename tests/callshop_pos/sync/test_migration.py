"""Migration 0002: the outbox tables, and UUIDs backfilled for existing rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text

from callshop_pos.clock import FakeClock
from callshop_pos.db.database import Database
from callshop_pos.db.migrate import alembic_config, schema_diff, upgrade
from callshop_pos.services.auth import Actor
from tests.callshop_pos.support import make_shop
from tests.callshop_pos.sync.support import close_a_busy_shift


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, db_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield db_url
        return
    from tests.postgres import postgres_schema_url

    with postgres_schema_url() as url:
        yield url


def test_existing_rows_get_unique_uuids(any_url: str, clock: FakeClock) -> None:
    seeded = make_shop(any_url, clock)
    shop = seeded.shop
    operator = Actor(seeded.operator.user_id, "olga", seeded.operator.role)
    close_a_busy_shift(shop, operator)
    shop.close()
    db = Database(any_url)
    try:
        with db.write_connection() as conn:
            command.downgrade(alembic_config(conn), "0001")
        with db.engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM calls")).keys()
            assert "uuid" not in columns
        upgrade(db)
        assert schema_diff(db) == []
        with db.engine.connect() as conn:
            for table in ("shifts", "calls", "payments"):
                values = conn.execute(text(f"SELECT uuid FROM {table}")).scalars().all()
                assert len(values) > 0
                assert all(len(v) == 36 for v in values)
                assert len(set(values)) == len(values)
            assert conn.execute(text("SELECT count(*) FROM sync_state")).scalar() == 1
    finally:
        db.dispose()
