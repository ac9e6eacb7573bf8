"""A real, migrated shop (admin + operator) for the administration window tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callshop_pos.clock import FakeClock
from tests.callshop_pos.support import SeededShop, make_shop


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture
def seeded(db_url: str) -> Iterator[SeededShop]:
    seeded = make_shop(db_url, FakeClock())
    try:
        yield seeded
    finally:
        seeded.shop.close()
