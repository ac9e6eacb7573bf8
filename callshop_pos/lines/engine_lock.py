"""Only one line engine per database.

An exclusive, non-blocking OS file lock (``fcntl.flock``) next to an SQLite
database file (or in the data directory for a server database); for PostgreSQL
also a session advisory lock held on a dedicated connection, so two tills that
share one server database cannot both run an engine. The OS releases both when
the process dies, even by ``kill -9``, so a crash never leaves a stale lock.

An SQLite file can be reached by several names (a symlink to it or to its folder, a
hard link). The lock file is named after the file's real path, and the database file
itself is ``flock``-ed too: a lock on the file's inode, which every name shares. On
Linux ``flock`` locks are independent of the POSIX record locks SQLite takes (not so
on NFS, where SQLite's WAL mode does not work anyway). The file is opened before the
engine opens the database and closed only after it closed it: closing any descriptor
of a file drops the process's POSIX locks on it, so no SQLite connection of this
process may be using the file around our ``open``/``close``. A missing database
file is created empty (SQLite takes an empty file as a new database) so that it is
locked from the start.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from callshop_pos.errors import CallShopError

__all__ = ["EngineAlreadyRunning", "EngineLock"]


class EngineAlreadyRunning(CallShopError):
    """Another line engine already serves this database."""


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(os.path.realpath(str(parsed.database)))
    return None


def _lock_path(url: str, data_dir: Path) -> Path:
    db_file = _sqlite_file(url)
    if db_file is not None:
        return db_file.with_name(db_file.name + ".engine.lock")
    parsed = make_url(url)
    digest = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()
    return data_dir / f"engine-{digest[:12]}.lock"


class EngineLock:
    """Held for the engine's lifetime: ``acquire()`` or EngineAlreadyRunning."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.path = _lock_path(url, data_dir)
        self._fd: int | None = None
        self._db_fd: int | None = None
        self._pg: Any = None

    def acquire(self) -> EngineLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise EngineAlreadyRunning(
                f"a line engine is already running for this database (pid {holder}); "
                "only one engine may serve a database"
            ) from None
        self._fd = fd
        db_file = _sqlite_file(self.url)
        if db_file is not None:
            try:
                self._lock_database_file(db_file)
            except BaseException:
                self.release()
                raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        if make_url(self.url).get_backend_name() == "postgresql":
            try:
                self._lock_postgres()
            except BaseException:
                self.release()
                raise
        return self

    def _lock_database_file(self, db_file: Path) -> None:
        """``flock`` the database file itself: its inode, whatever name reached it."""
        db_fd = os.open(db_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(db_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(db_fd)
            raise EngineAlreadyRunning(
                f"a line engine is already running for this database ({db_file}, reached "
                "through another name: a link to the same file); only one engine may "
                "serve a database"
            ) from None
        except BaseException:
            os.close(db_fd)
            raise
        self._db_fd = db_fd

    def _lock_postgres(self) -> None:
        engine = create_engine(self.url)
        conn = engine.connect()
        # The key names the shop's tables as the server sees them (database and
        # schema), so every till reaching them, by whatever host name, agrees on it.
        where = conn.execute(text("SELECT current_database() || '/' || current_schema()"))
        identity = f"callshop-pos line engine {where.scalar()}".encode()
        key = int.from_bytes(hashlib.sha256(identity).digest()[:8], "big", signed=True)
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if not got:
            conn.close()
            engine.dispose()
            raise EngineAlreadyRunning(
                "a line engine is already running for this database (on another computer?); "
                "only one engine may serve a database"
            )
        self._pg = (engine, conn)

    def release(self) -> None:
        if self._pg is not None:
            engine, conn = self._pg
            self._pg = None
            with contextlib.suppress(Exception):
                conn.close()
            engine.dispose()
        if self._db_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._db_fd, fcntl.LOCK_UN)
            os.close(self._db_fd)
            self._db_fd = None
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> EngineLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
