"""The link's state as people see it: the cashier window's status bar and
``callshop-pos sync status``. One read transaction, a handful of small queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from callshop_pos.db.models.sync import (
    OutboxStatus,
    PendingPriceList,
    PriceListStatus,
    SyncOutbox,
    SyncState,
)
from callshop_pos.services import outbox
from callshop_pos.services.admin.settings import load_settings
from callshop_pos.services.context import Shop
from callshop_pos.sync.link import LinkConfig

__all__ = ["SyncStatus", "sync_status"]


@dataclass(frozen=True, slots=True)
class SyncStatus:
    linked: bool
    url: str
    shop: str
    pending: int  # closed shifts and corrections not yet acknowledged
    parked: int  # refused by central for good: need a person
    delivered: int
    oldest_pending_at: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    last_heartbeat_at: datetime | None
    carrier_balance_micro_usd: int | None
    carrier_balance_at: datetime | None
    pending_price_lists: int
    parked_items: tuple[outbox.OutboxItem, ...] = ()

    @property
    def error_is_current(self) -> bool:
        """True when the last error came after the last success (still unresolved)."""
        if self.last_error is None or self.last_error_at is None:
            return False
        return self.last_success_at is None or self.last_error_at > self.last_success_at


def sync_status(shop: Shop) -> SyncStatus:
    with shop.db.read() as s:
        settings = load_settings(s)
        counts = outbox.counts(s)
        oldest = s.scalar(
            select(func.min(SyncOutbox.created_at)).where(
                SyncOutbox.status == OutboxStatus.PENDING.value
            )
        )
        state = s.get(SyncState, 1)
        lists = int(
            s.scalar(
                select(func.count(PendingPriceList.id)).where(
                    PendingPriceList.status == PriceListStatus.PENDING.value
                )
            )
            or 0
        )
    parked = counts.get(OutboxStatus.PARKED.value, 0)
    link = LinkConfig.from_settings(settings)
    return SyncStatus(
        linked=link is not None,
        url=settings.central_url,
        shop=settings.central_shop,
        pending=counts.get(OutboxStatus.PENDING.value, 0),
        parked=parked,
        delivered=counts.get(OutboxStatus.DELIVERED.value, 0),
        oldest_pending_at=oldest,
        last_attempt_at=state.last_attempt_at if state else None,
        last_success_at=state.last_success_at if state else None,
        last_error=state.last_error if state else None,
        last_error_at=state.last_error_at if state else None,
        last_heartbeat_at=state.last_heartbeat_at if state else None,
        carrier_balance_micro_usd=state.carrier_balance_micro_usd if state else None,
        carrier_balance_at=state.carrier_balance_at if state else None,
        pending_price_lists=lists,
        parked_items=tuple(outbox.items(shop, status=OutboxStatus.PARKED)) if parked else (),
    )
