"""Alembic, driven from code: the migration scripts ship inside the package
(``callshop_pos/db/migrations``), so an installed till migrates itself on start.

Alembic is imported only when there is something to migrate: every start of the
program checks the schema revision with one query against the shipped scripts'
revision ids (read from the files), which keeps start-up and CLI commands quick.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.engine import Connection

from callshop_pos.db.models import load_all
from callshop_pos.db.models.journal import GENESIS_HASH, JournalHead

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS_DIR",
    "MigrationTarget",
    "alembic_config",
    "current_revision",
    "head_revision",
    "schema_diff",
    "shipped_head",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# Any constant works; it only has to be the same in every process of every till.
_PG_MIGRATION_LOCK = 0x43414C4C53484F50  # "CALLSHOP"

_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


class MigrationTarget(Protocol):
    """What migrating needs of a database; :class:`~callshop_pos.db.database.Database`
    is one (it migrates itself when opened, so this module must not import it)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def backend(self) -> str: ...

    def write_connection(self) -> AbstractContextManager[Connection]: ...


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for our scripts; ``connection`` is what env.py migrates."""
    from alembic.config import Config  # noqa: PLC0415 - alembic is slow to import; only when migrating

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest migration shipped with this version of the program (per Alembic)."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - alembic is slow to import; only when asked

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@cache
def shipped_head() -> str | None:
    """The newest shipped revision read straight from the script files (no Alembic);
    None when that is not clear-cut (then Alembic decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = _REVISION.search(source)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(source)
        if down is not None:
            downs.add(down.group(1))
    heads = revisions - downs
    return next(iter(heads)) if len(heads) == 1 else None


def _stored_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def current_revision(db: MigrationTarget) -> str | None:
    """The schema revision the database is at (None = empty / never migrated)."""
    with db.engine.connect() as conn:
        return _stored_revision(conn)


def upgrade(db: MigrationTarget, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``, in one write transaction.

    Concurrent starts (engine and cashier window) are safe: SQLite serialises them by
    ``BEGIN IMMEDIATE``, PostgreSQL by an advisory transaction lock; the second one
    finds the schema already current and does nothing.
    """
    load_all()
    if revision == "head":
        head = shipped_head()
        if head is not None and current_revision(db) == head:
            return
    from alembic import command  # noqa: PLC0415 - alembic is slow to import; only when migrating

    with db.write_connection() as conn:
        if db.backend == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        command.upgrade(alembic_config(conn), revision)
        if revision == "head":
            _ensure_journal_head(conn)


def _ensure_journal_head(conn: Connection) -> None:
    # Created here, not lazily by the first append: two tills appending their first
    # entries at the same moment would otherwise both try to create it.
    if conn.execute(select(JournalHead.id).where(JournalHead.id == 1)).first() is None:
        conn.execute(insert(JournalHead).values(id=1, seq=0, hash=GENESIS_HASH))


def schema_diff(db: MigrationTarget) -> list[Any]:
    """Differences between the models and the database schema (empty = in agreement)."""
    from alembic.autogenerate import compare_metadata  # noqa: PLC0415 - alembic: only for the schema check
    from alembic.migration import MigrationContext  # noqa: PLC0415 - alembic: only for the schema check

    metadata = load_all()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(ctx, metadata))
