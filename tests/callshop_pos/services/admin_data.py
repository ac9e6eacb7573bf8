"""Calls written straight into the shop database for the administration tests."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.shifts import Shift
from callshop_pos.services.context import Shop


@dataclass(frozen=True)
class CallSpec:
    ended_at: datetime
    answered: bool
    duration_s: int
    price_minor: int | None
    wholesale_micro_usd: int | None
    status: str
    booth: str
    destination: str
    shift_id: int | None


def random_calls(
    rnd: random.Random, n: int, start: datetime, days: int, shift_ids: Sequence[int | None]
) -> list[CallSpec]:
    specs = []
    for _ in range(n):
        ended = start + timedelta(seconds=rnd.randrange(days * 86400))
        answered = rnd.random() < 0.8
        rated = answered and rnd.random() < 0.95
        specs.append(
            CallSpec(
                ended_at=ended,
                answered=answered,
                duration_s=rnd.randint(1, 1800) if answered else 0,
                price_minor=rnd.randint(1, 5000) if rated else None,
                wholesale_micro_usd=rnd.randint(0, 3_000_000) if answered else None,
                status=rnd.choice(["paid", "paid", "unpaid", "unserved"]),
                booth=rnd.choice(["Booth 1", "Booth 2", "Booth 3"]),
                destination=rnd.choice(["Germany", "Turkey", "UK", "Romania"]),
                shift_id=rnd.choice(list(shift_ids)),
            )
        )
    return specs


def insert_calls(shop: Shop, specs: Sequence[CallSpec]) -> list[int]:
    ids = []
    with shop.db.write() as s:
        for i, spec in enumerate(specs):
            answered_at = spec.ended_at - timedelta(seconds=spec.duration_s)
            call = Call(
                call_ref=f"t-{i}-{spec.ended_at.timestamp()}",
                booth=spec.booth,
                number="0049301234",
                destination=spec.destination,
                setup_at=answered_at - timedelta(seconds=10),
                answered_at=answered_at if spec.answered else None,
                ended_at=spec.ended_at,
                duration_s=spec.duration_s,
                billable_s=spec.duration_s,
                price_minor=spec.price_minor,
                wholesale_micro_usd=spec.wholesale_micro_usd,
                state="finished",
                status=spec.status if spec.answered else "unserved",
                shift_id=spec.shift_id,
            )
            s.add(call)
            s.flush()
            ids.append(call.id)
    return ids


def add_shift(shop: Shop, operator_id: int, opened: datetime, *, closed: bool) -> int:
    with shop.db.write() as s:
        shift = Shift(
            operator_id=operator_id,
            status="closed" if closed else "open",
            opened_at=opened,
            closed_at=opened + timedelta(hours=8) if closed else None,
            opening_float_minor=0,
        )
        s.add(shift)
        s.flush()
        return shift.id


T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
