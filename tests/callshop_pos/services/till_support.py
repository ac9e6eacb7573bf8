"""Helpers for the till tests: record calls through the real recorder on the fake clock."""

from __future__ import annotations

import itertools
from datetime import timedelta

from callshop_pos.clock import FakeClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.services.context import Shop

_refs = itertools.count(1)


def rating(
    price_minor: int | None,
    duration_s: int = 60,
    *,
    billable_s: int | None = None,
    wholesale_micro_usd: int | None = 12_000,
    destination: str | None = "United Kingdom",
) -> FinishedCallRating:
    return FinishedCallRating(
        normalized="441234567",
        prefix="44",
        destination=destination,
        price_version_id=None,
        duration_s=duration_s,
        billable_s=0 if price_minor is None else duration_s if billable_s is None else billable_s,
        price_minor=price_minor,
        wholesale_micro_usd=wholesale_micro_usd,
        offpeak=False,
    )


def record_call(
    shop: Shop,
    price_minor: int | None = 100,
    *,
    booth: str = "B1",
    duration_s: int = 60,
    answered: bool = True,
    wholesale_micro_usd: int | None = 12_000,
    flags: tuple[str, ...] = (),
) -> int:
    """Start, (answer,) and end one call at the shop clock's now; the clock moves on."""
    assert isinstance(shop.clock, FakeClock)
    recorder = DatabaseCallRecorder(shop)
    ref = f"test-{next(_refs)}"
    start = shop.clock.now()
    recorder.call_started(
        CallStart(booth=booth, call_ref=ref, number="00441234567", setup_at=start)
    )
    shop.clock.advance(5)
    if answered:
        recorder.call_answered(ref, shop.clock.now())
        shop.clock.advance(duration_s)
    end = shop.clock.now()
    call_id = recorder.call_ended(
        ref,
        end,
        HangupReason.NORMAL if answered else HangupReason.NO_ANSWER,
        HangupSide.BOOTH,
        rating(price_minor, duration_s if answered else 0, wholesale_micro_usd=wholesale_micro_usd),
        flags,
    )
    shop.clock.advance(1)
    return call_id


def later(shop: Shop, seconds: float = 60) -> None:
    assert isinstance(shop.clock, FakeClock)
    shop.clock.advance(timedelta(seconds=seconds).total_seconds())
