"""Engine, sessions and the unit of work.

``with db.write() as s:`` is one transaction that is committed when the block ends
normally and rolled back when it raises. On SQLite it starts with ``BEGIN IMMEDIATE``
so two writers never deadlock half-way (the second waits up to the busy timeout for
the write lock). ``with db.read() as s:`` is a consistent read-only snapshot
(``REPEATABLE READ, READ ONLY`` on PostgreSQL); a flush of changes inside it is a bug
and raises.

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on. pysqlite's own
transaction handling is switched off (SQLAlchemy's documented recipe) so that the
``BEGIN`` statements are ours.

The SQLite file holds the booths' SIP HA1s and the trunk password: it is created
with mode 0600, and an existing one, its ``-wal``, ``-shm`` and ``-journal`` are
tightened to 0600 when opened (SQLite gives the ``-wal``/``-shm`` it creates the
database file's mode).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from callshop_pos.clock import Clock, SystemClock
from callshop_pos.db.migrate import upgrade
from callshop_pos.errors import CallShopError

__all__ = ["BUSY_TIMEOUT_MS", "Database", "DatabaseUnavailable", "ReadOnlySessionError"]

#: How long a writer waits for another writer's lock before giving up (SQLite).
BUSY_TIMEOUT_MS = 15_000

_WRITE_OPTION = "callshop_write"
_SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")

log = logging.getLogger("callshop_pos.db")


class DatabaseUnavailable(CallShopError):
    """The database cannot be opened or reached (message says which and why)."""


class ReadOnlySessionError(RuntimeError):
    """Changes were flushed inside ``db.read()`` — a programming error."""


class Database:
    """The shop database at ``url`` (any SQLAlchemy URL; SQLite gets the PRAGMAs above).

    ``clock`` is stored on every session (``session.info["clock"]``) so code that
    only holds a session (the audit journal) reads the same time as the services.
    """

    def __init__(self, url: str | URL, *, clock: Clock | None = None, echo: bool = False) -> None:
        self.url = make_url(url)
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            _owner_only_sqlite_files(self.url.database)
            kwargs["connect_args"] = {
                "timeout": BUSY_TIMEOUT_MS / 1000,
                "check_same_thread": False,
            }
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_recipe(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        # On a server database the snapshot is asked for explicitly: READ COMMITTED
        # (the default) gives every statement of a read its own snapshot, so a report
        # or `verify` reading several tables while the engine writes sees half of a
        # transaction. SQLite's read transaction already is one snapshot.
        read_engine = self.engine
        if self.backend == "postgresql":
            read_engine = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._read_sessions = sessionmaker(read_engine, expire_on_commit=False)
        event.listen(self._read_sessions, "before_flush", _refuse_flush)

    @classmethod
    def open(cls, url: str | URL, *, clock: Clock | None = None) -> Database:
        """Open the database, creating and migrating it to the newest schema if needed."""
        db = cls(url, clock=clock)
        try:
            upgrade(db)
        except OperationalError as exc:
            db.dispose()
            # The environment's fault (missing folder, server down, wrong password):
            # a message for the person, not a traceback.
            where = db.url.render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"cannot open the database {where}: {exc.orig}") from exc
        except BaseException:
            db.dispose()
            raise
        return db

    @property
    def backend(self) -> str:
        """``"sqlite"``, ``"postgresql"``, …"""
        return self.url.get_backend_name()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite): commit or roll back."""
        session = self._write_sessions()
        session.info["clock"] = self.clock
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; flushing changes inside it raises ReadOnlySessionError."""
        session = self._read_sessions()
        session.info["clock"] = self.clock
        session.info["read_only"] = True
        try:
            # Ending the (change-free) transaction normally keeps loaded objects
            # usable after the block; a rollback would expire them.
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (migrations, bulk work)."""
        with self._write_engine.begin() as conn:
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def _owner_only_sqlite_files(database: str | None) -> None:
    """Create the SQLite file 0600 if missing; tighten it and its side files to 0600."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = os.path.abspath(database)
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        # An empty file is an empty database; SQLite would create it 0644 (umask).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in _SQLITE_SIDE_FILES:
        name = path + suffix
        try:
            if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:  # not ours (e.g. a shared folder): say so, go on
            log.warning("cannot make %s readable by its owner only: %s", name, exc)


def _install_sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits the
        # BEGIN, so reads and writes start exactly the transactions we ask for.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _refuse_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySessionError("changes made inside db.read(); use db.write()")
