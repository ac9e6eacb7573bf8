"""Backups of the shop database (SQLite): online copies, each verified before it counts.

Everything of the shop lives in one SQLite file, so a copy of that file is a full
backup. A copy is made with SQLite's online backup API from a read transaction (the
line engine and the till keep writing; the copy is one consistent snapshot), written
as ``<name>.partial`` into the backup folder (the ``backup_dir`` setting, e.g. a USB
disk; default ``backups`` beside the database), then opened and checked with
``verify`` — journal chain, every money row, the report cells. Only a copy that
verifies is renamed to ``callshop-YYYYmmdd-HHMMSS-jSEQ.db`` and counts; the oldest
beyond ``backup_keep`` are deleted. Every copy and every failure is journaled
(``backup.made`` / ``backup.failed``) in the live database.

When: after every Z (:func:`backup_after_close`, called by ``close_shift`` after the
close has committed — a failing backup is logged, journaled and reported by
:func:`backup_problem`, never an error of the close) and daily (:func:`backup_if_due`,
run by the line engine every hour: a copy when the newest is a day old), and on demand
(``callshop-pos backup``).

Restore (:func:`restore`, ``callshop-pos restore FILE``): the copy is verified first
(a damaged or edited copy is refused), a copy older than the newest shift that may
already have left the shop is refused without ``force``, the current database is kept
as ``<name>.before-restore-….db`` beside it, the copy is written into the live
database file with the same backup API (the WAL stays consistent), and the restore is
journaled (``backup.restore``) in the restored chain.

"Older than the last synced shift": there is no sync yet, so every closed shift the
current database knows counts as possibly synced (:func:`restore_floor`); a sync module
replaces that with the newest shift the central service acknowledged.

PostgreSQL: no file to copy — use ``pg_dump`` and continuous archiving (PITR), see
``docs/backup.md``; :func:`make_backup` refuses with that advice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from callshop_pos import journal
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import SYSTEM, Actor, Role, require_role
from callshop_pos.services.context import Shop

__all__ = [
    "BACKUP_EVERY",
    "PG_ADVICE",
    "BackupFailed",
    "BackupMade",
    "BackupNotSupported",
    "DailyBackups",
    "RestoreDone",
    "RestoreRefused",
    "backup_after_close",
    "backup_due",
    "backup_folder",
    "backup_if_due",
    "backup_problem",
    "list_backups",
    "make_backup",
    "restore",
    "restore_floor",
]

_log = logging.getLogger(__name__)

#: A daily copy is due when the newest one is this old.
BACKUP_EVERY = timedelta(days=1)
_NAME = re.compile(r"^callshop-\d{8}-\d{6}(-\d+)?-j\d+\.db$")
PG_ADVICE = (
    "backups of a PostgreSQL database are made by the server: pg_dump for a copy, "
    "continuous WAL archiving for point-in-time recovery (see docs/backup.md)"
)


class BackupNotSupported(CallShopError):
    """The database is not an SQLite file (PostgreSQL: pg_dump / PITR instead)."""


class BackupFailed(CallShopError):
    """A copy could not be made or did not verify (the message says why)."""


class RestoreRefused(InvalidInput):
    """The copy is damaged, or older than what may already have left the shop."""


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    size: int
    sha256: str
    head_seq: int  # the copy's journal head
    head_hash: str
    removed: tuple[Path, ...]  # old copies deleted to keep ``backup_keep``


@dataclass(frozen=True, slots=True)
class RestoreDone:
    source: Path
    kept_as: Path  # the database as it was before the restore
    head_seq: int  # journal head of the copy (the restore entry follows it)
    newest_shift: int | None
    forced: bool


# ------------------------------------------------------------------ where


def _database_file(shop: Shop) -> Path:
    db = shop.db
    name = db.url.database
    if not db.is_sqlite or name in (None, "", ":memory:"):
        raise BackupNotSupported(
            PG_ADVICE
            if db.backend == "postgresql"
            else f"no database file to back up ({db.backend})"
        )
    return Path(str(name))


def backup_folder(shop: Shop) -> Path:
    """The folder copies go to: the ``backup_dir`` setting, else ``backups`` beside
    the database file."""
    configured = shop.settings.backup_dir.strip()
    if configured:
        return Path(configured).expanduser()
    return _database_file(shop).resolve().parent / "backups"


def list_backups(shop: Shop) -> list[Path]:
    """The verified copies in the backup folder, oldest first."""
    folder = backup_folder(shop)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name))


# ------------------------------------------------------------------ copy


def _sqlite_copy(source: Path, target: Path) -> None:
    """An online, consistent copy of ``source`` (backup API, one step)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    _fsync(target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_with_sidecars(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


@dataclass(frozen=True, slots=True)
class _Checked:
    head_seq: int
    head_hash: str
    newest_shift: int | None


def _check_copy(path: Path, shop: Shop) -> _Checked:
    """Open the copy and run ``verify`` on it; BackupFailed when it does not verify."""
    copy = Shop.open(f"sqlite:///{path}", clock=shop.clock, hasher=shop.hasher)
    try:
        report = verify(copy)
        with copy.db.read() as s:
            newest = s.scalar(
                select(func.max(Shift.id)).where(Shift.status == ShiftStatus.CLOSED.value)
            )
    finally:
        copy.close()
    if not report.ok:
        raise BackupFailed(f"the copy {path.name} does not verify: {report.describe(limit=5)}")
    return _Checked(report.head_seq, report.head_hash, newest)


def make_backup(shop: Shop, actor: Actor = SYSTEM, *, reason: str = "manual") -> BackupMade:
    """Copy the database into the backup folder, verify the copy, keep the newest
    ``backup_keep``; journaled. BackupFailed (also journaled) when anything fails."""
    source = _database_file(shop)
    try:
        made = _make(shop, source)
    except (OSError, sqlite3.Error, BackupFailed, CallShopError) as exc:
        message = str(exc) if isinstance(exc, BackupFailed) else f"{type(exc).__name__}: {exc}"
        _journal_failure(shop, actor, reason, message)
        raise BackupFailed(f"backup failed: {message}") from exc
    with shop.db.write() as s:
        journal.append(
            s,
            actor,
            "backup.made",
            payload={
                "reason": reason,
                "file": made.path.name,
                "folder": str(made.path.parent),
                "size": made.size,
                "sha256": made.sha256,
                "copy_head_seq": made.head_seq,
                "copy_head_hash": made.head_hash,
                "removed": [p.name for p in made.removed],
            },
        )
    _log.info("backup %s made (%d bytes, journal #%d)", made.path, made.size, made.head_seq)
    return made


def _make(shop: Shop, source: Path) -> BackupMade:
    folder = backup_folder(shop)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in folder.glob("callshop-*.db.partial*"):
        _remove_with_sidecars(stale)
    with shop.db.read() as s:
        seq, _hash = journal.head(s)
    stamp = shop.clock.now().strftime("%Y%m%d-%H%M%S")
    final = folder / f"callshop-{stamp}-j{seq}.db"
    n = 1
    while final.exists():
        n += 1
        final = folder / f"callshop-{stamp}-{n}-j{seq}.db"
    partial = folder / f"{final.name}.partial"
    try:
        _sqlite_copy(source, partial)
        checked = _check_copy(partial, shop)
        os.replace(partial, final)
        _fsync_dir(folder)
    finally:
        _remove_with_sidecars(partial)
    removed = _prune(folder, shop.settings.backup_keep)
    return BackupMade(
        path=final,
        size=final.stat().st_size,
        sha256=_sha256(final),
        head_seq=checked.head_seq,
        head_hash=checked.head_hash,
        removed=tuple(removed),
    )


def _prune(folder: Path, keep: int) -> list[Path]:
    copies = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
    old = copies[: max(0, len(copies) - keep)]
    for path in old:
        _remove_with_sidecars(path)
    return old


def _journal_failure(shop: Shop, actor: Actor, reason: str, message: str) -> None:
    _log.error("backup (%s) failed: %s", reason, message)
    try:
        with shop.db.write() as s:
            journal.append(
                s, actor, "backup.failed", payload={"reason": reason, "error": message[:2000]}
            )
    except Exception:  # the database itself may be what failed
        _log.exception("could not journal the failed backup")


# ------------------------------------------------------------------ when


def backup_after_close(shop: Shop, shift_id: int) -> BackupMade | None:
    """The copy after a Z. Never raises: the Z is committed and stays; a failure is
    logged and journaled and :func:`backup_problem` reports it to the till.

    With ``shop.background_backups`` (the cashier window) the copy is made by a child
    process started from a background thread and None is returned at once; otherwise
    it is made before returning (the command line, tests).
    """
    if not shop.db.is_sqlite or not shop.settings.backup_enabled:
        return None
    reason = f"Z of shift {shift_id}"
    if shop.background_backups:
        threading.Thread(
            target=_backup_in_child, args=(shop, reason), name="z-backup", daemon=True
        ).start()
        return None
    try:
        return make_backup(shop, SYSTEM, reason=reason)
    except Exception:
        _log.exception("shift %s closed, but its backup failed", shift_id)
        return None


def _child_command(shop: Shop, reason: str, *, if_due: bool) -> list[str]:
    url = shop.db.url.render_as_string(hide_password=False)
    code = (
        "import os, sys\n"
        "os.nice(10)\n"
        "from callshop_pos.cli import build_parser, run\n"
        "sys.exit(run(build_parser().parse_args(sys.argv[1:])))\n"
    )
    command = [sys.executable, "-c", code, "--db", url, "backup", "--reason", reason]
    if if_due:
        command.append("--if-due")
    return command


def _backup_in_child(
    shop: Shop,
    reason: str,
    *,
    if_due: bool = False,
    started: Callable[[subprocess.Popen[str] | None], None] | None = None,
    stopping: threading.Event | None = None,
) -> bool:
    """``callshop-pos backup`` in a child process at low priority (verifying a copy is
    CPU work that must not take this process's interpreter for seconds). The child
    journals its copy or its failure; a child that dies before that is journaled here
    — unless ``stopping`` is set: then it was ended on purpose (the engine stops; a copy
    counts only once verified, so an unfinished one is simply not there).
    ``started`` is told the child (and None when it is gone), so it can be ended.
    """
    command = _child_command(shop, reason, if_due=if_due)
    try:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        _journal_failure(shop, SYSTEM, reason, f"the backup process failed: {exc}")
        return False
    if started is not None:
        started(child)
    try:
        _out, err = child.communicate(timeout=3600)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        _journal_failure(shop, SYSTEM, reason, "the backup process took over an hour")
        return False
    finally:
        if started is not None:
            started(None)
    if child.returncode != 0:
        if stopping is not None and stopping.is_set():
            _log.info("backup (%s) ended unfinished: stopping", reason)
            return False
        error = err.strip()[-2000:] or f"exit status {child.returncode}"
        _log.error("backup (%s) failed: %s", reason, error)
        if backup_problem(shop) is None:  # the child could not even journal it
            _journal_failure(shop, SYSTEM, reason, error)
        return False
    return True


def _newest(shop: Shop, action: str) -> JournalEntry | None:
    with shop.db.read() as s:
        return s.scalars(
            select(JournalEntry)
            .where(JournalEntry.action == action)
            .order_by(JournalEntry.seq.desc())
            .limit(1)
        ).first()


def backup_due(shop: Shop, *, every: timedelta = BACKUP_EVERY) -> bool:
    """Whether the newest verified copy is ``every`` old (or there is none) and
    automatic copies are on (``backup_enabled``)."""
    if not shop.db.is_sqlite or not shop.settings.backup_enabled:
        return False
    last = _newest(shop, "backup.made")
    return last is None or shop.clock.now() - last.at >= every


def backup_if_due(shop: Shop, *, every: timedelta = BACKUP_EVERY) -> BackupMade | None:
    """A copy when the newest verified one is ``every`` old (or there is none)."""
    if not backup_due(shop, every=every):
        return None
    return make_backup(shop, SYSTEM, reason="daily")


def backup_problem(shop: Shop) -> str | None:
    """Why the newest backup attempt failed, when it did (None: the last one worked)."""
    failed = _newest(shop, "backup.failed")
    if failed is None:
        return None
    made = _newest(shop, "backup.made")
    if made is not None and made.seq > failed.seq:
        return None
    error = json.loads(failed.payload).get("error", "?")
    return f"the last backup ({failed.at:%Y-%m-%d %H:%M} UTC) failed: {error}"


class DailyBackups:
    """A thread making the daily copy (it looks every ``check_s`` seconds).

    In the line engine the copy and its verification run in a child process at low
    priority (``in_child``): verifying a year of history is CPU work that must not
    take the engine's interpreter (booth timing) for seconds.
    """

    def __init__(self, shop: Shop, *, check_s: float = 3600.0, in_child: bool = True) -> None:
        self._shop = shop
        self._check_s = check_s
        self._in_child = in_child
        self._stop = threading.Event()
        self._child: subprocess.Popen[str] | None = None
        self._child_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="daily-backups", daemon=True)

    def start(self) -> DailyBackups:
        if self._shop.db.is_sqlite:
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop looking; a copy in progress in its child process is ended (it would
        otherwise hold the engine's stop for as long as verifying takes)."""
        self._stop.set()
        with self._child_lock:
            child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
            if self._thread.is_alive():
                _log.error("the daily backup did not stop within 30 s; left behind")

    def _set_child(self, child: subprocess.Popen[str] | None) -> None:
        with self._child_lock:
            self._child = child

    def _run(self) -> None:
        while True:
            try:
                if backup_due(self._shop):
                    if self._in_child:
                        _backup_in_child(
                            self._shop,
                            "daily",
                            if_due=True,
                            started=self._set_child,
                            stopping=self._stop,
                        )
                    else:
                        backup_if_due(self._shop)
            except Exception:  # logged and journaled by make_backup; try again later
                _log.warning("daily backup failed", exc_info=True)
            if self._stop.wait(self._check_s):
                return


# ------------------------------------------------------------------ restore


def restore_floor(shop: Shop) -> int | None:
    """The newest shift a restored copy must still contain.

    The newest shift the current database closed, which is never older than the last
    shift the central service acknowledged: a closed shift not yet delivered exists
    nowhere but here, so a copy without it would lose it for good (and its absence
    would break the chain central anchors). ``--force`` is the owner's explicit
    decision to lose it.
    """
    with shop.db.read() as s:
        newest: int | None = s.scalar(
            select(func.max(Shift.id)).where(Shift.status == ShiftStatus.CLOSED.value)
        )
    return newest


def restore(shop: Shop, actor: Actor, copy: Path, *, force: bool = False) -> RestoreDone:
    """Replace the shop database with the verified ``copy`` (administrators only).

    The caller makes sure no line engine runs (the CLI holds the engine lock). ``shop``
    is closed afterwards: open the database again to go on.
    """
    require_role(actor, Role.ADMIN)
    live = _database_file(shop)
    copy = Path(copy)
    if not copy.is_file():
        raise InvalidInput(f"no backup file {copy}")
    if copy.resolve() == live.resolve():
        raise InvalidInput("that is the database itself, not a copy")
    stamp = shop.clock.now().strftime("%Y%m%d-%H%M%S")
    staged = live.with_name(f"{live.name}.restore-{stamp}")
    # Beside the database, not in the backup folder (which may be a read-only disk).
    kept = live.with_name(f"{live.stem}.before-restore-{stamp}.db")
    try:
        # Verify a private copy: opening a database may migrate it, and the user's
        # backup file is left exactly as it was (a plain file copy: nothing writes to
        # a backup, and its folder may be read-only).
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        shutil.copyfile(copy, staged)
        try:
            checked = _check_copy(staged, shop)
        except BackupFailed as exc:
            raise RestoreRefused(f"refused: {exc}") from None
        floor = restore_floor(shop)
        if floor is not None and (checked.newest_shift or 0) < floor and not force:
            have = f"shift {checked.newest_shift}" if checked.newest_shift else "no closed shift"
            raise RestoreRefused(
                f"refused: the copy ends at {have}, but shift {floor} was already closed "
                "(and may have been reported); restoring would lose it. Use --force to "
                "restore anyway"
            )
        with shop.db.read() as s:
            before_seq, before_hash = journal.head(s)
        _sqlite_copy(live, kept)
        shop.close()
        _write_into(staged, live)
    finally:
        _remove_with_sidecars(staged)
    restored = Shop.open(f"sqlite:///{live}", clock=shop.clock, hasher=shop.hasher)
    try:
        with restored.db.write() as s:
            journal.append(
                s,
                actor,
                "backup.restore",
                payload={
                    "file": str(copy),
                    "sha256": _sha256(copy),
                    "copy_head_seq": checked.head_seq,
                    "copy_head_hash": checked.head_hash,
                    "replaced_head_seq": before_seq,
                    "replaced_head_hash": before_hash,
                    "replaced_kept_as": str(kept),
                    "newest_shift": checked.newest_shift,
                    "forced": force,
                },
            )
    finally:
        restored.close()
    _log.warning("database restored from %s (the previous one kept as %s)", copy, kept)
    return RestoreDone(copy, kept, checked.head_seq, checked.newest_shift, force)


def _write_into(source: Path, live: Path) -> None:
    """Overwrite the live database's content through SQLite (WAL and locks respected)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)
    try:
        dst = sqlite3.connect(live, timeout=15)
        try:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()
