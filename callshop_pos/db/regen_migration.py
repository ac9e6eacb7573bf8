"""Regenerate the single initial migration from the models (pre-release only).

``python -m callshop_pos.db.regen_migration`` deletes ``versions/0001_initial.py`` and
autogenerates it again against an empty SQLite database. Run it after adding or
changing a model, then run the tests (they check models and migration agree).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from callshop_pos.db.database import Database
from callshop_pos.db.migrate import MIGRATIONS_DIR, alembic_config

__all__ = ["main", "regenerate"]


def regenerate() -> Path:
    """Rewrite versions/0001_initial.py; returns its path."""
    versions = MIGRATIONS_DIR / "versions"
    versions.mkdir(exist_ok=True)
    for old in versions.glob("*.py"):
        if old.name != "__init__.py":
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'empty.db'}")
        try:
            with db.write_connection() as conn:
                command.revision(
                    alembic_config(conn), message="initial", autogenerate=True, rev_id="0001"
                )
        finally:
            db.dispose()
    return versions / "0001_initial.py"


def main() -> int:
    path = regenerate()
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
