"""Alembic, driven from code: the migration scripts ship inside the package
(``callshop_pos/db/migrations``), so an installed till migrates itself on start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from callshop_pos.db.database import Database
from callshop_pos.db.models import load_all

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "schema_diff",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# Any constant works; it only has to be the same in every process of every till.
_PG_MIGRATION_LOCK = 0x43414C4C53484F50  # "CALLSHOP"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for our scripts; ``connection`` is what env.py migrates."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest migration shipped with this version of the program."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    """The schema revision the database is at (None = empty / never migrated)."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``, in one write transaction.

    Concurrent starts (engine and cashier window) are safe: SQLite serialises them by
    ``BEGIN IMMEDIATE``, PostgreSQL by an advisory transaction lock; the second one
    finds the schema already current and does nothing.
    """
    load_all()
    if db.backend != "sqlite" and current_revision(db) == head_revision() and revision == "head":
        return
    with db.write_connection() as conn:
        if db.backend == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        command.upgrade(alembic_config(conn), revision)
        if revision == "head":
            _ensure_journal_head(conn)


def _ensure_journal_head(conn: Connection) -> None:
    # Created here, not lazily by the first append: two tills appending their first
    # entries at the same moment would otherwise both try to create it.
    from callshop_pos.db.models.journal import JournalHead
    from callshop_pos.journal import GENESIS_HASH

    if conn.execute(select(JournalHead.id).where(JournalHead.id == 1)).first() is None:
        conn.execute(insert(JournalHead).values(id=1, seq=0, hash=GENESIS_HASH))


def schema_diff(db: Database) -> list[Any]:
    """Differences between the models and the database schema (empty = in agreement)."""
    metadata = load_all()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(ctx, metadata))
