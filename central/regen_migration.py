"""Regenerate central's single initial migration from the models (pre-release only):
``python -m central.regen_migration``; the tests check models and migration agree."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from central.db import MIGRATIONS, CentralDb, _alembic_config

__all__ = ["main", "regenerate"]


def regenerate() -> Path:
    versions = MIGRATIONS / "versions"
    versions.mkdir(exist_ok=True)
    for old in versions.glob("*.py"):
        if old.name != "__init__.py":
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        db = CentralDb(f"sqlite:///{Path(tmp) / 'empty.db'}")
        try:
            with db.engine.begin() as conn:
                command.revision(
                    _alembic_config(conn), message="initial", autogenerate=True, rev_id="0001"
                )
        finally:
            db.dispose()
    return versions / "0001_initial.py"


def main() -> int:
    print(f"wrote {regenerate()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
