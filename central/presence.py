"""Whether a shop is online, and since when: kept in the database at every heartbeat,
so every worker answers the same.

A till sends a heartbeat every :data:`HEARTBEAT_INTERVAL`. A run of heartbeats is
unbroken while no two follow each other by more than :data:`ONLINE_GAP` (four
intervals: a lost heartbeat or a slow line does not end it). ``online_since`` is the
first heartbeat of the current run; ``heard_at`` the newest heartbeat to arrive
(applied or not: an out-of-order one still shows the till is there). A shop is online
while its newest heartbeat is at most :data:`ONLINE_GAP` old, else offline since it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, update
from sqlalchemy.orm import Session

from central.models import HeartbeatRow, UtcDateTime

__all__ = ["HEARTBEAT_INTERVAL", "ONLINE_GAP", "is_online", "mark_seen"]

#: how often a till sends its heartbeat (the till's sender default)
HEARTBEAT_INTERVAL = timedelta(seconds=30)
#: a longer silence ends an online run (and shows the shop offline)
ONLINE_GAP = 4 * HEARTBEAT_INTERVAL


def mark_seen(s: Session, shop_id: int, now: datetime) -> None:
    """A heartbeat of the shop arrived at ``now`` (its row exists): one UPDATE that
    starts a new run after a gap, else keeps the run's start (row-locked, so two
    workers receiving heartbeats at once agree)."""
    at = literal(now, UtcDateTime())
    last = HeartbeatRow.heard_at
    s.execute(
        update(HeartbeatRow)
        .where(HeartbeatRow.shop_id == shop_id)
        .values(
            online_since=case(
                (
                    or_(
                        last.is_(None),
                        HeartbeatRow.online_since.is_(None),
                        last < now - ONLINE_GAP,
                    ),
                    at,
                ),
                else_=HeartbeatRow.online_since,
            ),
            heard_at=at,
        )
    )


def is_online(heard_at: datetime | None, now: datetime) -> bool:
    return heard_at is not None and now - heard_at <= ONLINE_GAP
