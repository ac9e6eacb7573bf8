"""Central's schema: the migration builds exactly the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from central.db import CentralDb, current_revision, head_revision, migrate
from central.models import Base
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
