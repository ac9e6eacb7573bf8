"""Where things live: data directory and database URL.

Order of precedence: explicit argument (``--db URL``), then the environment
(``CALLSHOP_DB``, ``CALLSHOP_DATA_DIR``), then the user's data directory.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["DEMO_DATABASE", "SHOP_DATABASE", "data_dir", "database_url"]

APP_NAME = "callshop-pos"

log = logging.getLogger("callshop_pos.config")


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory (created, mode 0700 where the platform allows; an existing one
    that others may read is tightened to 0700: it holds the database and secrets)."""
    raw = (
        override or os.environ.get("CALLSHOP_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False)
    )
    path = Path(raw)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o700)
    except OSError as exc:  # not ours: say so, go on
        log.warning("cannot make the data directory %s private: %s", path, exc)
    return path


#: The shop's database in the data directory, when nothing else is configured.
SHOP_DATABASE = "callshop.db"
#: The demo's database, beside the shop's in the data directory (``ui.demo``).
DEMO_DATABASE = "demo.db"


def database_url(
    explicit: str | None = None, *, data: Path | None = None, demo: bool = True
) -> str:
    """The SQLAlchemy URL of the shop database.

    ``--db``, then ``CALLSHOP_DB``, then ``callshop.db`` in the data directory. While
    that file does not exist but the demo's ``demo.db`` does (demo mode: the window
    made it), the demo's: the window and every command use the same database by
    default. ``demo=False`` (``init``, which creates the shop's own) skips the demo's.
    """
    if explicit:
        return explicit
    env = os.environ.get("CALLSHOP_DB")
    if env:
        return env
    folder = data or data_dir()
    shop = folder / SHOP_DATABASE
    if demo and not shop.exists() and (folder / DEMO_DATABASE).exists():
        return f"sqlite:///{folder / DEMO_DATABASE}"
    return f"sqlite:///{shop}"
