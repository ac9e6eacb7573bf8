"""Stored settings: one row per setting that differs from its default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["SettingRow"]


class SettingRow(JournaledRow, Base):
    __tablename__ = "settings"
    __journal_fields__ = ("key", "value")

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: canonical JSON text of the value
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
