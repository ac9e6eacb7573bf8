"""The audit journal's tables: the hash-chained entries and the chain head.

The head row (always ``id = 1``) is written in the same transaction as each entry:
appending locks it, so concurrent writers on PostgreSQL append one after the other,
and ``verify`` compares it with the last entry, so a truncated tail is detected.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base

#: ``prev_hash`` of the first entry (the journal head of an empty journal).
GENESIS_HASH = "0" * 64

__all__ = ["GENESIS_HASH", "JournalEntry", "JournalHead"]


class JournalEntry(Base):
    """One audited action. ``hash`` = SHA-256 over the canonical encoding of all other
    fields including ``prev_hash`` (see :mod:`callshop_pos.journal`)."""

    __tablename__ = "journal_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    #: canonical JSON text of the action's details (kept as text: the hash covers it)
    payload: Mapped[str] = mapped_column(Text)
    #: canonical JSON text: ``[[table, key, digest-or-null], ...]`` of the rows covered
    rows: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_journal_entries_subject", "subject_type", "subject_id"),
        Index("ix_journal_entries_action_at", "action", "at"),
    )

    def payload_data(self) -> Any:
        """The payload parsed back from its canonical JSON."""
        return json.loads(self.payload)


class JournalHead(Base):
    """The chain's newest entry (one row, id 1)."""

    __tablename__ = "journal_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
