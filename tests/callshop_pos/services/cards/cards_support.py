"""Helpers for the card tests: a batch with known PINs (read back from its CSV)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.admin import BatchCreated, BatchSpec, create_batch
from callshop_pos.services.context import Shop


@dataclass(frozen=True)
class Printed:
    created: BatchCreated
    cards: list[tuple[str, str]]  # (serial, pin) as printed

    @property
    def batch_id(self) -> int:
        return self.created.batch.id


def make_batch(shop: Shop, admin: Actor, out: Path, **spec: object) -> Printed:
    """A batch (default: 3 cards of 10.00) and its printed serials and PINs."""
    values: dict[str, object] = {"quantity": 3, "face_value_minor": 1000}
    values.update(spec)
    out.mkdir(parents=True, exist_ok=True)
    created = create_batch(shop, admin, BatchSpec(**values), out)  # type: ignore[arg-type]
    with created.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return Printed(created, [(r["serial"], r["pin"]) for r in rows])
