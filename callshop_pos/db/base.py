"""The one declarative ``Base`` every table of the shop database is mapped on.

Constraint names follow a fixed convention so Alembic batch migrations on SQLite
(which rebuild tables) can find and alter them by name.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase

from callshop_pos.db.types import ExactDecimal, UtcDateTime

__all__ = ["NAMING_CONVENTION", "Base"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base: ``Mapped[datetime]`` is always aware UTC, ``Mapped[Decimal]``
    is stored exactly (as text), ``Mapped[int]`` is 64-bit (money in minor units)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 - SQLAlchemy's API
        datetime: UtcDateTime(),
        Decimal: ExactDecimal(),
        # 64-bit everywhere; on SQLite plain INTEGER so an integer primary key is
        # the rowid and autoincrements (SQLite integers are 64-bit anyway).
        int: BigInteger().with_variant(Integer(), "sqlite"),
        dict[str, Any]: JSON(),
    }
