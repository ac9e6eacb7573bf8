"""One line engine per database file, whatever name reaches it (symlink, hard link)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from callshop_pos.db import Database
from callshop_pos.lines.engine_lock import EngineAlreadyRunning, EngineLock


def _real_shop_file(tmp_path: Path) -> Path:
    real = tmp_path / "real" / "shop.db"
    real.parent.mkdir()
    Database.open(f"sqlite:///{real}").dispose()
    return real


def _alias(tmp_path: Path, real: Path, kind: str) -> Path:
    other = tmp_path / "elsewhere"
    other.mkdir()
    if kind == "symlink":
        alias = other / "alias.db"
        alias.symlink_to(real)
    elif kind == "hard link":
        alias = other / "alias.db"
        os.link(real, alias)
    else:
        (other / "dir").symlink_to(real.parent, target_is_directory=True)
        alias = other / "dir" / "shop.db"
    return alias


@pytest.mark.parametrize("kind", ["symlink", "hard link", "symlinked folder"])
def test_one_engine_per_database_file_by_any_name(tmp_path: Path, kind: str) -> None:
    """A second engine reaching the same file through another name is refused too."""
    real = _real_shop_file(tmp_path)
    alias = _alias(tmp_path, real, kind)
    with (
        EngineLock(f"sqlite:///{real}", tmp_path / "data1"),
        pytest.raises(EngineAlreadyRunning, match="already running"),
    ):
        EngineLock(f"sqlite:///{alias}", tmp_path / "data2").acquire()
    with (
        EngineLock(f"sqlite:///{alias}", tmp_path / "data2"),
        pytest.raises(EngineAlreadyRunning, match="already running"),
    ):
        EngineLock(f"sqlite:///{real}", tmp_path / "data1").acquire()
    EngineLock(f"sqlite:///{real}", tmp_path / "data1").acquire().release()


def test_a_new_database_file_is_locked_before_it_exists(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with EngineLock(url, tmp_path):
        os.link(tmp_path / "new.db", tmp_path / "linked.db")
        with pytest.raises(EngineAlreadyRunning):
            EngineLock(f"sqlite:///{tmp_path / 'linked.db'}", tmp_path).acquire()
        Database.open(url).dispose()  # an empty file is a new database to SQLite


def test_the_engine_lock_leaves_the_database_usable(tmp_path: Path) -> None:
    real = _real_shop_file(tmp_path)
    with EngineLock(f"sqlite:///{real}", tmp_path):
        db = Database.open(f"sqlite:///{real}")
        try:
            with db.write() as s:
                s.execute(text("CREATE TABLE t (x INTEGER)"))
            with db.read() as s:
                assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0
        finally:
            db.dispose()
