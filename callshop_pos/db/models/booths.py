"""Booths: the shop's telephone cabins and how each is connected and billed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow
from callshop_pos.lines.snapshot import BillingMode

__all__ = ["BillingMode", "Booth", "BoothDriver"]


class BoothDriver(StrEnum):
    SIMULATOR = "simulator"
    SIP = "sip"
    QUICKNET = "quicknet"


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Booth(JournaledRow, Base):
    """A booth. Removal is soft (``active = False``): its calls keep pointing at it."""

    __tablename__ = "booths"
    __journal_fields__ = (
        "name",
        "position",
        "driver",
        "driver_settings",
        "sip_user",
        "sip_ha1",
        "billing",
        "default_deposit_minor",
        "cost_cap_minor",
        "max_duration_s",
        "auto_lock",
        "locked",
        "active",
        "created_at",
        "removed_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    position: Mapped[int]
    driver: Mapped[BoothDriver] = mapped_column(_enum(BoothDriver))
    #: driver-specific options (simulator script, Quicknet device path, …)
    driver_settings: Mapped[dict[str, Any]]
    sip_user: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: SIP digest HA1 = MD5(user:realm:password); the password itself is not stored
    sip_ha1: Mapped[str | None] = mapped_column(String(32))
    billing: Mapped[BillingMode] = mapped_column(_enum(BillingMode))
    default_deposit_minor: Mapped[int] = mapped_column(default=0)
    #: hang up when the running price reaches this (None = no cap)
    cost_cap_minor: Mapped[int | None]
    #: hang up after this many seconds of talk (None = no limit)
    max_duration_s: Mapped[int | None]
    #: lock the booth after each call until the cashier unlocks it
    auto_lock: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
