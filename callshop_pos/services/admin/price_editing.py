"""Price-list arithmetic for the administrator: margins, bulk markup, the margin guard
and what changed between two versions — all exact ``Decimal``, no database.

Wholesale prices are USD per minute; retail prices are local currency per minute.
The USD→local rate turns the first into the second: ``wholesale_local = wholesale_usd
× usd_rate``. Nothing here rounds except :func:`marked_up_retail`, which rounds once,
half-up, to the step the administrator chose (0.01 or 0.05).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from callshop_pos.errors import InvalidInput
from callshop_pos.rating.pricelist import PriceEntry

__all__ = [
    "ROUNDING_STEPS",
    "PriceChange",
    "PriceListDiff",
    "below_margin",
    "diff_price_lists",
    "margin_floor",
    "margin_percent",
    "marked_up_retail",
    "wholesale_local",
    "with_markup",
]

#: The rounding steps offered for bulk markup (local currency).
ROUNDING_STEPS = (Decimal("0.01"), Decimal("0.05"))
_HUNDRED = Decimal(100)


def _check_rate(usd_rate: Decimal) -> None:
    if not isinstance(usd_rate, Decimal) or not usd_rate.is_finite() or usd_rate <= 0:
        raise InvalidInput(f"the USD rate must be a positive exact decimal, not {usd_rate!r}")


def wholesale_local(wholesale_usd: Decimal, usd_rate: Decimal) -> Decimal:
    """The carrier's price per minute in local currency (exact, unrounded)."""
    _check_rate(usd_rate)
    return wholesale_usd * usd_rate


def margin_percent(
    retail: Decimal | None, wholesale_usd: Decimal, usd_rate: Decimal
) -> Decimal | None:
    """``(retail − wholesale_local) / wholesale_local × 100``, rounded half-up to 0.1.

    ``None`` when there is no retail price or the wholesale price is zero (no margin
    can be expressed as a percentage of nothing).
    """
    if retail is None:
        return None
    cost = wholesale_local(wholesale_usd, usd_rate)
    if cost == 0:
        return None
    return ((retail - cost) * _HUNDRED / cost).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def margin_floor(
    wholesale_usd: Decimal, usd_rate: Decimal, minimum_margin_percent: Decimal
) -> Decimal:
    """The lowest retail price that keeps the minimum margin (exact, unrounded)."""
    return wholesale_local(wholesale_usd, usd_rate) * (1 + minimum_margin_percent / _HUNDRED)


def below_margin(entry: PriceEntry, usd_rate: Decimal, minimum_margin_percent: Decimal) -> bool:
    """True when the entry's retail (or off-peak retail) is under the margin floor.

    A row with no retail price is not "below margin": it is unpriced, and calls to it
    are unrated rather than sold at a loss.
    """
    floor = margin_floor(entry.wholesale_usd, usd_rate, minimum_margin_percent)
    return any(
        price is not None and price < floor for price in (entry.retail, entry.retail_offpeak)
    )


def marked_up_retail(
    wholesale_usd: Decimal, usd_rate: Decimal, markup_percent: Decimal, step: Decimal
) -> Decimal:
    """``wholesale × rate × (1 + markup %)`` rounded half-up to a multiple of ``step``.

    ``step`` is one of :data:`ROUNDING_STEPS`; the result has two decimals. A price
    that is above zero never rounds down to zero: it becomes one ``step``.
    """
    if step not in ROUNDING_STEPS:
        raise InvalidInput(f"rounding step must be one of 0.01, 0.05, not {step}")
    if not isinstance(markup_percent, Decimal) or not markup_percent.is_finite():
        raise InvalidInput(f"markup must be an exact decimal, not {markup_percent!r}")
    if markup_percent <= -100:
        raise InvalidInput("a markup of -100 % or less would give away calls")
    exact = margin_floor(wholesale_usd, usd_rate, markup_percent)
    steps = (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if steps == 0 and exact > 0:
        # Rounding a paid destination down to a free one is never what a markup means.
        steps = Decimal(1)
    return (steps * step).quantize(Decimal("0.01"))


def with_markup(
    entry: PriceEntry, usd_rate: Decimal, markup_percent: Decimal, step: Decimal
) -> PriceEntry:
    """The entry with its (peak) retail price set by :func:`marked_up_retail`.

    The off-peak price is left as it was: it is usually a deliberate discount, and
    the margin guard still checks it.
    """
    retail = marked_up_retail(entry.wholesale_usd, usd_rate, markup_percent, step)
    return replace(entry, retail=retail)


@dataclass(frozen=True, slots=True)
class PriceChange:
    """One destination whose prices differ between two versions."""

    code: str
    country: str
    old: PriceEntry | None  # None: added
    new: PriceEntry | None  # None: removed


@dataclass(frozen=True, slots=True)
class PriceListDiff:
    """What changed from one price list to another, by dialling code."""

    added: tuple[PriceChange, ...]
    removed: tuple[PriceChange, ...]
    retail_changed: tuple[PriceChange, ...]
    other_changed: tuple[PriceChange, ...]  # wholesale, increments, fees, country name

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.retail_changed or self.other_changed)

    def summary(self) -> str:
        """One line for the version history ("3 retail prices changed, 1 added")."""
        parts: list[str] = []
        if self.retail_changed:
            parts.append(f"{len(self.retail_changed)} retail price(s) changed")
        if self.other_changed:
            parts.append(f"{len(self.other_changed)} other row change(s)")
        if self.added:
            parts.append(f"{len(self.added)} added")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        return ", ".join(parts) if parts else "no changes"


def diff_price_lists(old: Iterable[PriceEntry], new: Sequence[PriceEntry]) -> PriceListDiff:
    """Compare two price lists code by code (the order of rows does not matter)."""
    before = {e.code: e for e in old}
    after = {e.code: e for e in new}
    added = tuple(PriceChange(c, e.country, None, e) for c, e in after.items() if c not in before)
    removed = tuple(PriceChange(c, e.country, e, None) for c, e in before.items() if c not in after)
    retail: list[PriceChange] = []
    other: list[PriceChange] = []
    for code, entry in after.items():
        previous = before.get(code)
        if previous is None or previous == entry:
            continue
        change = PriceChange(code, entry.country, previous, entry)
        if (previous.retail, previous.retail_offpeak) != (entry.retail, entry.retail_offpeak):
            retail.append(change)
        else:
            other.append(change)
    return PriceListDiff(added, removed, tuple(retail), tuple(other))
