"""Backups: an online copy at every Z and daily, verified before it counts, N kept;
restore verifies, refuses an older copy without force, and is journaled."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.shifts import Shift
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.errors import PermissionDenied
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart
from callshop_pos.services import backups
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import later, rating, record_call
from tests.callshop_pos.support import fast_hasher
from tests.waiting import wait_for


def _actions(shop: Shop, prefix: str = "backup.") -> list[str]:
    with shop.db.read() as s:
        return list(
            s.scalars(
                select(JournalEntry.action)
                .where(JournalEntry.action.like(f"{prefix}%"))
                .order_by(JournalEntry.seq)
            )
        )


def _z(shop: Shop, operator: Actor, calls: int = 2) -> None:
    open_shift(shop, operator, 0)
    for _ in range(calls):
        record_call(shop, 100)
    close_shift(shop, operator, 0)
    later(shop, 3600)


@pytest.fixture
def usb(shop: Shop, admin: Actor, tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    update_settings(shop, admin, backup_dir=str(folder), backup_keep=3)
    return folder


def test_every_z_leaves_a_verified_copy(shop: Shop, operator: Actor, usb: Path) -> None:
    _z(shop, operator)
    (copy,) = backups.list_backups(shop)
    assert copy.parent == usb and copy.stat().st_mode & 0o077 == 0
    assert _actions(shop) == ["backup.made"]
    with Shop.open(f"sqlite:///{copy}", hasher=fast_hasher()) as restored:
        assert verify(restored).ok
        with restored.db.read() as s:
            assert s.get(Shift, 1) is not None and s.get(Shift, 1).status == "closed"


def test_only_the_newest_n_copies_are_kept(shop: Shop, operator: Actor, usb: Path) -> None:
    for _ in range(5):
        _z(shop, operator)
    names = [p.name for p in backups.list_backups(shop)]
    assert len(names) == 3 and names == sorted(names)
    assert not list(usb.glob("*.partial*"))
    assert _actions(shop) == ["backup.made"] * 5


def test_a_backup_failure_never_blocks_or_undoes_the_z(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the USB disk should be")
    update_settings(shop, admin, backup_dir=str(blocker / "backups"))
    open_shift(shop, operator, 0)
    record_call(shop, 100)
    report = close_shift(shop, operator, 100)
    assert report.kind == "Z"
    with shop.db.read() as s:
        assert s.get(Shift, 1) is not None and s.get(Shift, 1).status == "closed"
    assert _actions(shop) == ["backup.failed"]
    problem = backups.backup_problem(shop)
    assert problem is not None and "failed" in problem
    assert verify(shop).ok
    # the disk is back: the next copy clears the warning
    update_settings(shop, admin, backup_dir=str(tmp_path / "usb"))
    backups.make_backup(shop, admin)
    assert backups.backup_problem(shop) is None


def test_a_copy_that_does_not_verify_does_not_count(
    shop: Shop, operator: Actor, usb: Path, db_url: str
) -> None:
    _z(shop, operator)
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("UPDATE shifts SET counted_minor = 5 WHERE id = 1")
    conn.close()
    with pytest.raises(backups.BackupFailed, match="does not verify"):
        backups.make_backup(shop)
    assert len(backups.list_backups(shop)) == 1  # the good one from the Z
    assert not list(usb.glob("*.partial*"))
    assert _actions(shop)[-1] == "backup.failed"


def test_a_daily_copy_when_the_last_is_a_day_old(shop: Shop, usb: Path) -> None:
    assert backups.backup_if_due(shop) is not None
    assert backups.backup_if_due(shop) is None
    later(shop, 23 * 3600)
    assert backups.backup_if_due(shop) is None
    later(shop, 3600)
    assert backups.backup_if_due(shop) is not None
    assert len(backups.list_backups(shop)) == 2


@pytest.mark.parametrize("in_child", [False, True], ids=["in-process", "child-process"])
def test_the_daily_thread_makes_the_first_copy_at_once(
    shop: Shop, usb: Path, in_child: bool
) -> None:
    daily = backups.DailyBackups(shop, check_s=3600, in_child=in_child).start()
    try:
        for _ in range(600):
            if backups.list_backups(shop):
                break
            threading.Event().wait(0.05)
    finally:
        daily.stop()
    assert len(backups.list_backups(shop)) == 1


def test_stopping_ends_a_daily_copy_still_running_and_journals_no_failure(
    shop: Shop, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's stop must not wait for a slow copy (verifying a year of history at
    nice 10 on a busy machine): the child is ended, and that is not a failed backup."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    monkeypatch.setattr(backups, "_child_command", lambda *_a, **_k: sleeper)
    daily = backups.DailyBackups(shop, check_s=3600, in_child=True).start()
    wait_for(lambda: daily._child is not None)
    child = daily._child
    assert child is not None and child.poll() is None
    daily.stop()
    assert child.poll() is not None  # ended, not left running
    assert not daily._thread.is_alive()
    assert backups.backup_problem(shop) is None
    assert backups.list_backups(shop) == []


def test_copies_are_consistent_while_calls_are_recorded(shop: Shop, usb: Path) -> None:
    stop = threading.Event()
    recorder = DatabaseCallRecorder(shop)
    at = shop.clock.now()

    def booth() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            recorder.call_started(
                CallStart(booth="B1", call_ref=f"r{n}", number="0044", setup_at=at)
            )
            recorder.call_ended(
                f"r{n}", at, HangupReason.NO_ANSWER, HangupSide.BOOTH, rating(None, 0)
            )

    t = threading.Thread(target=booth)
    t.start()
    try:
        for _ in range(5):
            backups.make_backup(shop)  # each one verified
            later(shop, 1)
    finally:
        stop.set()
        t.join()
    assert len(backups.list_backups(shop)) == 3


def test_restore_verifies_refuses_older_copies_and_is_journaled(
    shop: Shop, admin: Actor, operator: Actor, usb: Path, db_url: str
) -> None:
    _z(shop, operator)
    (first,) = backups.list_backups(shop)
    _z(shop, operator)
    # the copy ends at shift 1, shift 2 is closed: refused without force
    with pytest.raises(backups.RestoreRefused, match="shift 2 was already closed"):
        backups.restore(shop, admin, first)
    with pytest.raises(PermissionDenied):
        backups.restore(shop, operator, first, force=True)
    done = backups.restore(shop, admin, first, force=True)
    assert done.forced and done.newest_shift == 1 and done.kept_as.exists()
    assert done.kept_as.parent == Path(db_url.removeprefix("sqlite:///")).parent
    live = Shop.open(db_url, hasher=fast_hasher())
    try:
        report = verify(live)
        assert report.ok, report.describe()
        with live.db.read() as s:
            assert s.get(Shift, 2) is None
        assert _actions(live)[-1] == "backup.restore"
    finally:
        live.close()
    # the database as it was is kept, and verifies too
    with Shop.open(f"sqlite:///{done.kept_as}", hasher=fast_hasher()) as before:
        assert verify(before).ok
        with before.db.read() as s:
            assert s.get(Shift, 2) is not None


def test_restore_refuses_a_damaged_copy(
    shop: Shop, admin: Actor, operator: Actor, usb: Path, db_url: str
) -> None:
    _z(shop, operator)
    (copy,) = backups.list_backups(shop)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("UPDATE payments SET total_minor = 0")
    conn.execute("UPDATE shifts SET counted_minor = 1")
    conn.close()
    edited = copy.read_bytes()
    with pytest.raises(backups.RestoreRefused, match="does not verify"):
        backups.restore(shop, admin, copy, force=True)
    assert copy.read_bytes() == edited  # the user's file is left as it was
    assert _actions(shop, "backup.restore") == []


def test_postgresql_backups_are_the_servers_job(pg_url: str) -> None:
    with Shop.open(pg_url, hasher=fast_hasher()) as pg_shop:
        with pytest.raises(backups.BackupNotSupported, match="pg_dump"):
            backups.make_backup(pg_shop)
        assert backups.backup_after_close(pg_shop, 1) is None


def test_the_window_makes_the_z_copy_in_the_background(
    shop: Shop, operator: Actor, usb: Path
) -> None:
    shop.background_backups = True
    _z(shop, operator)  # returns at once; a child process copies and verifies
    for t in [t for t in threading.enumerate() if t.name == "z-backup"]:
        t.join(120)
    (copy,) = backups.list_backups(shop)
    assert _actions(shop) == ["backup.made"]
    with Shop.open(f"sqlite:///{copy}", hasher=fast_hasher()) as restored:
        assert verify(restored).ok


def test_automatic_copies_can_be_switched_off(
    shop: Shop, admin: Actor, operator: Actor, usb: Path
) -> None:
    update_settings(shop, admin, backup_enabled=False)
    _z(shop, operator)
    assert backups.backup_if_due(shop) is None
    assert backups.list_backups(shop) == [] and _actions(shop) == []
    backups.make_backup(shop, admin)  # by hand it still works
    assert len(backups.list_backups(shop)) == 1
