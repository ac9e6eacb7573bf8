"""Fixtures for core tests (shared by every helper's tests under tests/callshop_pos/).

- ``clock``: a FakeClock at 2026-01-05 09:00 UTC (a Monday);
- ``shop``: a fresh, migrated SQLite database in tmp with that clock, fast argon2id
  parameters, an admin (``admin`` / ``admin-pass``) and an operator
  (``olga`` / ``olga-pass``) already created;
- ``admin``, ``operator``: their Actors; ``system``: the engine's Actor;
- ``db_url``: the URL of the shop's database (for raw sqlite3 tampering);
- ``pg_url``: a PostgreSQL URL whose search path is a fresh schema (dropped after);
  skips when CALLSHOP_TEST_PG_URL is unset (fails instead when CI is set);
- ``pg_seeded``: like ``seeded`` but on that PostgreSQL schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from tests.callshop_pos.support import (
    SeededShop,
    make_shop,
    migrated_template,
)
from tests.postgres import postgres_schema_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture(scope="session")
def _schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("schema"))


@pytest.fixture
def seeded(db_url: str, clock: FakeClock, _schema_template: Path) -> Iterator[SeededShop]:
    seeded = make_shop(db_url, clock, _schema_template)
    try:
        yield seeded
    finally:
        seeded.shop.close()


@pytest.fixture
def shop(seeded: SeededShop) -> Shop:
    return seeded.shop


@pytest.fixture
def admin(seeded: SeededShop) -> Actor:
    return seeded.admin


@pytest.fixture
def operator(seeded: SeededShop) -> Actor:
    return seeded.operator


@pytest.fixture
def system() -> Actor:
    return SYSTEM


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def pg_seeded(pg_url: str, clock: FakeClock) -> Iterator[SeededShop]:
    seeded = make_shop(pg_url, clock)
    try:
        yield seeded
    finally:
        seeded.shop.close()
