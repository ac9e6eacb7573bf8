"""The pricing the till and the line engine rate with: the active price-list version's
index and rater, loaded from the database.

This is the read side the shop context (:class:`~callshop_pos.services.context.Shop`)
builds its pricing from; changing price lists (import, edit, activate) is
:mod:`callshop_pos.services.admin.prices`, which sits above the context and the roles.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos.db.models.prices import ActivePriceList, PriceEntryRow
from callshop_pos.rating import NumberPlan, OffPeakSchedule, PriceEntry, PriceIndex, Rater
from callshop_pos.settings import Settings

__all__ = [
    "EntryValues",
    "Pricing",
    "active_version_id",
    "build_pricing",
    "load_entries",
    "load_values",
    "make_rater",
]

#: The columns of an entry in the order they are digested and compared.
EntryValues = tuple[str, str, Decimal, Decimal | None, Decimal | None, int, int, Decimal, int]


class Pricing:
    """The active price list ready for rating (immutable; swapped as a whole).

    The rater is compiled on first use, so an import returns as soon as the new
    version is stored; whoever rates next pays the compilation once.
    """

    __slots__ = ("_lock", "_rater", "_settings", "index", "version_id")

    def __init__(self, version_id: int | None, index: PriceIndex, settings: Settings) -> None:
        self.version_id = version_id
        self.index = index
        self._settings = settings
        self._rater: Rater | None = None
        self._lock = threading.Lock()

    @property
    def rater(self) -> Rater:
        """The rater of this version with the shop's settings."""
        rater = self._rater
        if rater is None:
            with self._lock:
                rater = self._rater
                if rater is None:
                    rater = self._rater = make_rater(self.index, self._settings)
        return rater

    def __repr__(self) -> str:
        return f"Pricing(version_id={self.version_id}, entries={len(self.index)})"


def active_version_id(session: Session) -> int | None:
    """The id of the active price-list version (None before the first import)."""
    return session.scalar(
        select(ActivePriceList.version_id).where(ActivePriceList.id == 1)
    )


def load_values(session: Session, version_id: int) -> list[EntryValues]:
    """The raw values of every entry of one version, ordered by code."""
    t = PriceEntryRow
    result = session.execute(
        select(
            t.code, t.country, t.wholesale_usd, t.retail, t.retail_offpeak,
            t.initial, t.increment, t.connect_fee, t.grace,
        )
        .where(t.version_id == version_id)
        .order_by(t.code)
    )
    return [tuple(r) for r in result]  # type: ignore[misc]


def load_entries(session: Session, version_id: int) -> list[PriceEntry]:
    """All entries of one version, ordered by code."""
    return [
        PriceEntry(
            country=country, code=code, wholesale_usd=whole, retail=retail,
            retail_offpeak=offpeak, initial=initial, increment=incr, connect_fee=fee,
            grace=grace,
        )
        for code, country, whole, retail, offpeak, initial, incr, fee, grace in load_values(
            session, version_id
        )
    ]


def make_rater(index: PriceIndex, settings: Settings) -> Rater:
    """A rater over ``index`` with the shop's number plan, off-peak windows and zone."""
    plan = NumberPlan(settings.country_code, settings.national_prefix, settings.intl_prefixes)
    schedule = OffPeakSchedule.parse(settings.offpeak)
    return Rater(index, plan, schedule if schedule else None, ZoneInfo(settings.timezone))


def build_pricing(session: Session, settings: Settings) -> Pricing:
    """Load the active version and build its index and rater."""
    version_id = active_version_id(session)
    entries = load_entries(session, version_id) if version_id is not None else []
    return Pricing(version_id, PriceIndex(entries, version_id), settings)
