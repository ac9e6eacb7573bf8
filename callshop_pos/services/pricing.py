"""The pricing the till and the line engine rate with: the active price-list version's
index and rater, loaded from the database.

This is the read side the shop context (:class:`~callshop_pos.services.context.Shop`)
builds its pricing from; changing price lists (import, edit, activate) is
:mod:`callshop_pos.services.admin.prices`, which sits above the context and the roles.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos.db.models.prices import ActivePriceList, PriceListChunk
from callshop_pos.rating import NumberPlan, OffPeakSchedule, PriceEntry, PriceIndex, Rater
from callshop_pos.rating.pricelist import entries_from_lines
from callshop_pos.settings import Settings

__all__ = [
    "Pricing",
    "active_version_id",
    "build_pricing",
    "chunk_texts",
    "load_entries",
    "make_rater",
    "stored_lines",
]


class Pricing:
    """The active price list ready for rating (immutable; swapped as a whole).

    The index may be given as a loader: then it is read on first use, and so is the
    rater compiled, so an import returns as soon as the new version is stored;
    whoever rates next pays the loading and compilation once.
    """

    __slots__ = ("_index", "_lock", "_rater", "_settings", "version_id")

    def __init__(
        self,
        version_id: int | None,
        index: PriceIndex | Callable[[], PriceIndex],
        settings: Settings,
    ) -> None:
        self.version_id = version_id
        self._index = index
        self._settings = settings
        self._rater: Rater | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> PriceIndex:
        """The index of this version (loaded on first use when given as a loader)."""
        index = self._index
        if not isinstance(index, PriceIndex):
            with self._lock:
                index = self._index
                if not isinstance(index, PriceIndex):
                    index = self._index = index()
        return index

    @property
    def rater(self) -> Rater:
        """The rater of this version with the shop's settings."""
        rater = self._rater
        if rater is None:
            with self._lock:
                rater = self._rater
                if rater is None:
                    index = self._index
                    if not isinstance(index, PriceIndex):
                        index = self._index = index()
                    rater = self._rater = make_rater(index, self._settings)
        return rater

    def __repr__(self) -> str:
        loaded = isinstance(self._index, PriceIndex)
        return f"Pricing(version_id={self.version_id}, loaded={loaded})"


def active_version_id(session: Session) -> int | None:
    """The id of the active price-list version (None before the first import)."""
    return session.scalar(select(ActivePriceList.version_id).where(ActivePriceList.id == 1))


def chunk_texts(session: Session, version_id: int) -> Iterator[bytes]:
    """The uncompressed chunks of one version's stored lines, in order."""
    stmt = (
        select(PriceListChunk.data)
        .where(PriceListChunk.version_id == version_id)
        .order_by(PriceListChunk.seq)
    )
    for data in session.scalars(stmt):
        yield zlib.decompress(data)


def stored_lines(session: Session, version_id: int) -> Iterator[str]:
    """The stored lines of one version, ordered by code (read a chunk at a time)."""
    for raw in chunk_texts(session, version_id):
        yield from raw.decode("utf-8").splitlines()


def load_entries(session: Session, version_id: int) -> list[PriceEntry]:
    """All entries of one version, ordered by code."""
    return list(entries_from_lines(stored_lines(session, version_id)))


def make_rater(index: PriceIndex, settings: Settings) -> Rater:
    """A rater over ``index`` with the shop's number plan, off-peak windows and zone."""
    plan = NumberPlan(settings.country_code, settings.national_prefix, settings.intl_prefixes)
    schedule = OffPeakSchedule.parse(settings.offpeak)
    return Rater(index, plan, schedule if schedule else None, ZoneInfo(settings.timezone))


def build_pricing(session: Session, settings: Settings) -> Pricing:
    """Load the active version and build its index and rater."""
    version_id = active_version_id(session)
    entries = (
        entries_from_lines(stored_lines(session, version_id)) if version_id is not None else []
    )
    return Pricing(version_id, PriceIndex(entries, version_id), settings)
