"""Takings, carrier cost and profit: what is summed when a shift arrives, and the
owner's reports over periods.

Central has no exchange rate of its own. A till of schema version 2 sends, with each
closed shift, its USD rate on every local day of the shift's calls (``fx``); each
answered call's carrier cost (micro-USD) is converted at its own day's rate and rounded
half-up to the minor unit (:func:`callshop_wire.usd_converter`, the till's own
rule), and those rounded costs are summed — exactly, in integers. A call whose day had
no rate at the till (and every call of a version-1 shift) stays *unconverted*: its
cost is kept in micro-USD and any figure it belongs to has no profit, only the words
"no USD rate". Nothing is estimated.

Profit = takings − converted carrier cost, in minor units of the shift's currency (the
owner's reports keep each currency apart: amounts are never added across currencies):
by day and by shop the takings are the shifts' cash (payments − refunds); by
destination they are the paid calls' prices (a refund or rounding belongs to no
destination).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from callshop_wire import ClosedShift
from central.models import ShiftDestination

__all__ = [
    "ReportRow",
    "destination_rows",
    "shift_cost_columns",
    "store_destinations",
]


def _converted(p: ClosedShift) -> list[tuple[str, int, int | None]]:
    """(destination, micro-USD, converted minor or None) of each answered call with a
    carrier cost (converted once, when the payload was checked)."""
    return [
        (c.destination or "", c.wholesale_micro_usd, converted)
        for c, converted in zip(p.calls, p.converted_costs(), strict=True)
        if c.answered_at is not None and c.wholesale_micro_usd is not None
    ]


def shift_cost_columns(p: ClosedShift) -> dict[str, int]:
    """The shift row's converted and unconverted carrier cost."""
    cost = unconverted = 0
    for _, micro, converted in _converted(p):
        if converted is None:
            unconverted += micro
        else:
            cost += converted
    return {"wholesale_cost_minor": cost, "unconverted_micro_usd": unconverted}


_INSERT_DESTINATIONS = insert(cast(Table, ShiftDestination.__table__))


def store_destinations(s: Session, shop_id: int, shift_id: int, p: ClosedShift) -> None:
    """Insert the shift's figures by destination (one Core executemany; not the ORM's
    bulk insert, which costs more to set up than the few rows cost to send)."""
    rows = destination_rows(shop_id, shift_id, p)
    if rows:
        s.connection().execute(_INSERT_DESTINATIONS, rows)


def destination_rows(shop_id: int, shift_id: int, p: ClosedShift) -> list[dict[str, Any]]:
    """The shift's answered calls summed by destination ('' when unknown)."""
    sums: dict[str, list[int]] = {}
    for c in p.calls:
        if c.answered_at is None:
            continue
        row = sums.setdefault(c.destination or "", [0, 0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += c.billable_s
        if c.status == "paid":
            row[2] += c.price_minor or 0
    for destination, micro, converted in _converted(p):
        row = sums[destination]
        row[3] += micro
        if converted is None:
            row[5] += micro
        else:
            row[4] += converted
    return [
        {
            "shift_id": shift_id,
            "destination": destination,
            "shop_id": shop_id,
            "calls": v[0],
            "billable_seconds": v[1],
            "takings_minor": v[2],
            "wholesale_micro_usd": v[3],
            "wholesale_cost_minor": v[4],
            "unconverted_micro_usd": v[5],
        }
        for destination, v in sums.items()
    ]


@dataclass
class ReportRow:
    """One line of a report, of the shifts in one currency (``currency``: a report
    never adds amounts of different currencies); ``profit_minor`` is None while any of
    its carrier cost could not be converted (a day without a USD rate at the till)."""

    key: str
    #: ISO 4217 code of every amount in minor units of the row
    currency: str
    shifts: int = 0
    calls: int = 0
    billable_seconds: int = 0
    takings_minor: int = 0
    wholesale_micro_usd: int = 0
    wholesale_cost_minor: int = 0
    unconverted_micro_usd: int = 0
    #: of ``takings_minor``: corrections made to the shifts' calls after they closed
    corrections_minor: int = 0

    @property
    def has_rate(self) -> bool:
        return self.unconverted_micro_usd == 0

    @property
    def profit_minor(self) -> int | None:
        return self.takings_minor - self.wholesale_cost_minor if self.has_rate else None
