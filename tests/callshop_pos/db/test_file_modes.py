"""The shop's files hold SIP HA1s and the trunk password: only their owner may read them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from callshop_pos.config import data_dir
from callshop_pos.db.database import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def lax_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most desktops run with: new files 0644
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    db = Database.open(f"sqlite:///{path}")
    try:
        with db.read():  # the migration wrote: the WAL and its index exist
            for name in ("shop.db", "shop.db-wal", "shop.db-shm"):
                assert (tmp_path / name).exists(), name
                assert mode(tmp_path / name) == 0o600, name
    finally:
        db.dispose()


def test_an_existing_database_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    Database.open(f"sqlite:///{path}").dispose()
    for name in ("shop.db", "shop.db-wal", "shop.db-shm"):
        if (tmp_path / name).exists():
            os.chmod(tmp_path / name, 0o644)
    (tmp_path / "shop.db-wal").touch()
    os.chmod(tmp_path / "shop.db-wal", 0o644)
    db = Database.open(f"sqlite:///{path}")
    try:
        with db.read():
            pass
        for name in ("shop.db", "shop.db-wal"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        db.dispose()


def test_an_existing_data_directory_is_tightened_on_start(tmp_path: Path) -> None:
    data = tmp_path / "shop-data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    assert data_dir(data) == data
    assert mode(data) == 0o700
    fresh = data_dir(tmp_path / "new" / "data")
    assert mode(fresh) == 0o700
