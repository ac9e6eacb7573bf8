"""Persistence: the shop database (engine, unit of work, models, migrations)."""

from __future__ import annotations

from callshop_pos.db.base import Base
from callshop_pos.db.database import Database, DatabaseUnavailable, ReadOnlySessionError

__all__ = ["Base", "Database", "DatabaseUnavailable", "ReadOnlySessionError"]
