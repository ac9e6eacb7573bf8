"""Price-list versions: immutable sets of price entries, and the active-version pointer.

A version is never changed after it is written; an import or an edit in the admin
screen writes a new version and moves the pointer. Calls keep the version they were
rated with. A version's entries are stored compactly (see :class:`PriceListChunk`);
``content_digest`` (over all entries) is covered by the audit journal, so an entry
edited in the database is detected by ``verify``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["ActivePriceList", "PriceListChunk", "PriceListVersion"]


class PriceListVersion(JournaledRow, Base):
    __tablename__ = "price_list_versions"
    __journal_fields__ = (
        "created_at",
        "created_by",
        "source",
        "note",
        "entry_count",
        "content_digest",
        "based_on_id",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    #: file name of an import, or "edit" for a version saved from the admin screen
    source: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    entry_count: Mapped[int]
    #: SHA-256 over the canonical encoding of all entries (see services.admin.prices)
    content_digest: Mapped[str] = mapped_column(String(64))
    #: the version that was active when this one was made (for the change summary)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("price_list_versions.id"))
    #: ``{"added": n, "removed": n, "changed": n}`` against ``based_on``
    summary: Mapped[dict[str, Any]]


class PriceListChunk(Base):
    """A run of a version's entries, in their stored form, compressed.

    The entries of a version, sorted by code, one line each (fields separated by
    tabs, see ``callshop_pos.rating.pricelist.entry_line``), are cut into runs of up
    to ``services.admin.prices.CHUNK_ENTRIES`` lines; each run is stored zlib-compressed in
    one row. A 1,000,000-entry version is ~50 rows and ~5 MB instead of a million
    rows (which took longer to insert than to read and check the whole file).
    ``content_digest`` is the SHA-256 of the uncompressed runs in ``seq`` order.
    """

    __tablename__ = "price_list_chunks"
    __table_args__ = (UniqueConstraint("version_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("price_list_versions.id"), index=True)
    seq: Mapped[int]
    entry_count: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ActivePriceList(JournaledRow, Base):
    """Which version rates calls now (one row, id 1)."""

    __tablename__ = "price_list_active"
    __journal_fields__ = ("version_id", "activated_at", "activated_by")

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version_id: Mapped[int] = mapped_column(ForeignKey("price_list_versions.id"))
    activated_at: Mapped[datetime]
    activated_by: Mapped[str] = mapped_column(String(64))
