"""Column types that keep values exact and unambiguous on every database.

- :class:`UtcDateTime`: aware UTC ``datetime`` in, aware UTC ``datetime`` out — on
  SQLite (which has no time zones) it is stored as naive UTC so text order = time order.
- :class:`ExactDecimal`: a ``Decimal`` stored as its canonical text. SQLite's NUMERIC
  affinity would store rates as binary floating point; text never rounds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

__all__ = ["ExactDecimal", "UtcDateTime", "decimal_text"]


def decimal_text(value: Decimal) -> str:
    """Canonical plain text of a finite Decimal ("1.5", "100", "0.000125"; no exponent)."""
    if not value.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes (naive input is refused: it is always a bug)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A ``Decimal`` kept exactly, as canonical text (floats are refused)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected Decimal, got {type(value).__name__}")
        if not value.is_finite():
            raise ValueError(f"not a finite decimal: {value!r}")
        # Plain notation, trailing zeros kept ("0.10" stays "0.10", as typed).
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(f"stored value is not a decimal: {value!r}") from exc
