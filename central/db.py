"""Central's database: engine set-up, units of work and Alembic migrations.

SQLite (the default: one owner, one machine) runs in WAL mode with ``synchronous=FULL``
and starts every write with ``BEGIN IMMEDIATE``, so writers queue instead of failing
half-way; PostgreSQL (chains, several uvicorn workers) serialises what must be
serialised with row locks (``SELECT … FOR UPDATE`` on the shop). Nothing is kept in
process memory between requests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["CentralDb", "current_revision", "head_revision", "migrate"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class CentralDb:
    """An engine plus ``write()`` / ``read()`` units of work."""

    def __init__(self, url: str | URL, *, pool_size: int = 5) -> None:
        self.url = make_url(url)
        #: most connections this process opens; the API runs at most this many
        #: database calls at once and queues the rest (never a pool time-out)
        self.max_connections = 2 * pool_size
        kwargs: dict[str, Any] = {}
        if self.url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # Every connection the process may use stays open: with overflow connections
            # a burst opened and closed PostgreSQL backends all the time (a fork and a
            # login each: 6 % of the server's CPU in the benchmark's profile). No
            # pre-ping (a round trip per checkout): a connection the server dropped
            # fails its request with 503 (the till retries) and the pool is renewed.
            kwargs.update(pool_size=self.max_connections, max_overflow=0, pool_pre_ping=False)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.url.get_backend_name() == "sqlite":
            _sqlite_recipe(self.engine)
        self._writes = sessionmaker(
            self.engine.execution_options(central_write=True), expire_on_commit=False
        )
        self._reads = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writes() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        dbapi_conn.isolation_level = None  # our BEGINs, not pysqlite's
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("central_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _alembic_config(connection: Connection) -> Any:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(db: CentralDb) -> None:
    """Bring the schema to the newest revision (PostgreSQL: one migrator at a time)."""
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7425001)")
        command.upgrade(_alembic_config(conn), "head")


def current_revision(db: CentralDb) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
