"""Central's tables (SQLAlchemy 2). Everything money-related is only ever inserted.

- ``shifts`` keeps each closed shift's canonical payload (the exact content the till
  sent, hashed for idempotency) beside the summary columns the owner's lists need;
  ``calls`` one row per call (reports by destination, wholesale cost);
- ``journal_heads`` every head a till sent, in arrival order (chain anchoring);
- ``incidents`` what the owner must look at (chain breaks, conflicting re-sends, shops
  gone silent: the only kind that is ever closed, when the shop is heard again);
- ``carrier_entries`` the carrier account: top-ups (+), call costs (−, one row per
  shift: the sum of its calls' wholesale costs), adjustments;
- ``shift_destinations`` each shift's figures by destination, summed when it arrives
  (takings, carrier cost in USD and converted at the till's rate, for the reports);
- ``heartbeats`` the newest live view per shop (not money: never summed), when the shop
  was last heard and since when it has been online without a break;
- ``price_lists`` published wholesale lists, immutable versions;
- ``central_settings`` the chain's settings (name → value), e.g. after how many
  minutes without a heartbeat a shop is an incident.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "SILENT_KIND",
    "ApiToken",
    "Base",
    "CallRow",
    "CarrierEntry",
    "CentralSetting",
    "CorrectionRow",
    "HeadRow",
    "HeartbeatRow",
    "Incident",
    "PriceListRow",
    "ShiftDestination",
    "ShiftRow",
    "Shop",
    "User",
    "UserShop",
    "UtcDateTime",
    "WebSession",
]


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("naive datetime refused: store aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        int: BigInteger().with_variant(Integer(), "sqlite"),
    }


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Sofia")
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A till's credential: ``<token_id>.<secret>``; only SHA-256 of the secret is kept
    (the secret is 256 random bits, so a slow password hash would add nothing)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('owner', 'manager')", name="user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]


class UserShop(Base):
    """The shops a manager may see (an owner sees every shop)."""

    __tablename__ = "user_shops"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)


class ShiftRow(Base):
    __tablename__ = "shifts"
    __table_args__ = (
        UniqueConstraint("shop_id", "shift_uuid", name="uq_shifts_shop_uuid"),
        Index("ix_shifts_shop_closed", "shop_id", "closed_at"),
        # the target of the calls' (shift, shop) key
        Index("uq_shifts_id_shop", "id", "shop_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    shift_uuid: Mapped[str] = mapped_column(String(36))
    till_id: Mapped[int]
    content_sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    received_at: Mapped[datetime]
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime]
    operator: Mapped[str] = mapped_column(String(128))
    currency: Mapped[str] = mapped_column(String(3))
    call_count: Mapped[int]
    attempts: Mapped[int]
    talk_seconds: Mapped[int]
    billable_seconds: Mapped[int]
    payments_minor: Mapped[int]
    refunds_minor: Mapped[int]
    cash_minor: Mapped[int]
    expected_minor: Mapped[int]
    counted_minor: Mapped[int]
    discrepancy_minor: Mapped[int]
    paid: Mapped[int]
    unserved: Mapped[int]
    unpaid: Mapped[int]
    unrated: Mapped[int]
    wholesale_micro_usd: Mapped[int]
    #: the calls' carrier cost converted at the till's USD rate of their day (schema 2)
    wholesale_cost_minor: Mapped[int] = mapped_column(default=0, server_default="0")
    #: carrier cost of calls on days without a rate (all of a version-1 shift's)
    unconverted_micro_usd: Mapped[int] = mapped_column(default=0, server_default="0")
    head_seq: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    anchored: Mapped[bool] = mapped_column(Boolean)
    incident_id: Mapped[int | None] = mapped_column(default=None)


class CallRow(Base):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("shop_id", "call_uuid", name="uq_calls_shop_uuid"),
        Index("ix_calls_shift", "shift_id"),
        # One key, checked once per call: the call's shift exists and is of the same
        # shop (which therefore exists). Two single-column keys cost PostgreSQL two
        # checks per row, 1.4 ms of a 300-call shift's ~5 ms (docs/performance.md).
        ForeignKeyConstraint(
            ["shift_id", "shop_id"],
            ["shifts.id", "shifts.shop_id"],
            name="fk_calls_shift_shop_shifts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int]
    shift_id: Mapped[int]
    call_uuid: Mapped[str] = mapped_column(String(36))
    booth: Mapped[str] = mapped_column(String(128))
    number: Mapped[str] = mapped_column(String(64))
    destination: Mapped[str | None] = mapped_column(String(128))
    setup_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime]
    duration_s: Mapped[int]
    billable_s: Mapped[int]
    price_minor: Mapped[int | None]
    wholesale_micro_usd: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16))


class ShiftDestination(Base):
    """One shift's answered calls to one destination ('' = unknown), summed at PUT."""

    __tablename__ = "shift_destinations"

    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    destination: Mapped[str] = mapped_column(String(128), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    calls: Mapped[int]
    billable_seconds: Mapped[int]
    takings_minor: Mapped[int]  # the paid calls' prices
    wholesale_micro_usd: Mapped[int]
    wholesale_cost_minor: Mapped[int]
    unconverted_micro_usd: Mapped[int]


class CorrectionRow(Base):
    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("shop_id", "correction_uuid", name="uq_corr_shop_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    correction_uuid: Mapped[str] = mapped_column(String(36))
    call_uuid: Mapped[str] = mapped_column(String(36))
    content_sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    amount_minor: Mapped[int]
    received_at: Mapped[datetime]
    #: null when it arrived inside its shift's payload (no anchor of its own)
    anchored: Mapped[bool | None] = mapped_column(Boolean, default=None)
    incident_id: Mapped[int | None] = mapped_column(default=None)


class HeadRow(Base):
    """A journal head a till sent, in the order central received them."""

    __tablename__ = "journal_heads"
    __table_args__ = (Index("ix_heads_shop_id", "shop_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    previous_seq: Mapped[int | None]
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    message_uuid: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # shift / correction
    received_at: Mapped[datetime]
    anchored: Mapped[bool] = mapped_column(Boolean)


#: the one open silence per shop (``incidents.kind`` of a shop gone silent)
SILENT_KIND = "silent"
_OPEN_SILENCE = "kind = 'silent' AND closed_at IS NULL"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_shop_at", "shop_id", "at"),
        # at most one open silence per shop, whichever worker or process raises it
        Index(
            "uq_incidents_open_silence",
            "shop_id",
            unique=True,
            sqlite_where=text(_OPEN_SILENCE),
            postgresql_where=text(_OPEN_SILENCE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    subject_uuid: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    #: a silence ends when the shop is heard again; other kinds are never closed
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class CarrierEntry(Base):
    __tablename__ = "carrier_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('topup', 'call_cost', 'adjustment')", name="carrier_kind"),
        UniqueConstraint("shop_id", "entry_uuid", name="uq_carrier_shop_uuid"),
        Index("ix_carrier_shop_at", "shop_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    entry_uuid: Mapped[str] = mapped_column(String(36))  # top-up uuid, or the shift's uuid
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    amount_micro_usd: Mapped[int]
    reference: Mapped[str] = mapped_column(Text, default="")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), default=None)
    calls: Mapped[int] = mapped_column(default=0)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class HeartbeatRow(Base):
    __tablename__ = "heartbeats"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    sent_at: Mapped[datetime]
    #: when central received the payload held here
    received_at: Mapped[datetime]
    payload: Mapped[str] = mapped_column(Text)
    #: when central last received any heartbeat of the shop, held or not (a till whose
    #: clock went back is still heard); null before revision 0003
    heard_at: Mapped[datetime | None] = mapped_column(default=None)
    #: the first heartbeat of the current unbroken run (see ``presence.ONLINE_GAP``)
    online_since: Mapped[datetime | None] = mapped_column(default=None)


class PriceListRow(Base):
    __tablename__ = "price_lists"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int]
    payload: Mapped[str] = mapped_column(Text)


class WebSession(Base):
    """A browser's login to the web pages. Only SHA-256 of the cookie's random value is
    kept; expiry is checked against the injected clock on every request."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CentralSetting(Base):
    """One setting of the chain (central serves one chain): a name and its text value."""

    __tablename__ = "central_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
