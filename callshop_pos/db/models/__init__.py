"""The shop's tables. Every module in this package maps its tables on
:class:`callshop_pos.db.base.Base`; :func:`load_all` imports them all so the
metadata is complete (migrations, ``create_all`` and verification need that)."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from callshop_pos.db.base import Base

__all__ = ["load_all"]


def load_all() -> MetaData:
    """Import every model module of this package; return the complete metadata."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return Base.metadata
