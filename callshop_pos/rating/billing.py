"""Billing arithmetic: billable seconds, retail price and wholesale cost — exact.

Everything here is integer arithmetic on exact values: a rate ``Decimal`` is turned
once into an integer numerator over a power of ten (:class:`Tariff`), so a price is
one integer division rounded half-up, with no ``Decimal`` context or float involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "Tariff",
    "billable_seconds",
    "retail_price_minor",
    "round_duration",
    "tariff_constants",
    "wholesale_micro",
]


def _check_exact(value: object, what: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"{what} must be an int or Decimal, never a float")


def round_duration(duration: Decimal | int) -> int:
    """Whole seconds, rounded half-up (``12.5`` → 13, ``12.49`` → 12).

    Raises ``ValueError`` for a negative or non-finite duration.
    """
    _check_exact(duration, "a duration")
    if type(duration) is int:
        seconds = duration
    else:
        value = Decimal(duration)
        if not value.is_finite():
            raise ValueError(f"duration must be finite, not {duration!r}")
        try:
            seconds = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        except InvalidOperation:  # more digits than the decimal context holds
            raise ValueError(f"duration out of range: {duration!r}") from None
    if seconds < 0:
        raise ValueError(f"duration must not be negative, not {duration!r}")
    return seconds


def billable_seconds(d: int, grace: int, initial: int, increment: int) -> int:
    """Seconds charged for a call of ``d`` whole seconds.

    ``0`` if ``d == 0`` or ``d < grace``; ``initial`` if ``d <= initial``; otherwise
    ``initial + ceil((d - initial) / increment) * increment`` — increments count from
    the end of the initial block, so 100 s on 90/60 bills 150 s.
    """
    if d == 0 or d < grace:
        return 0
    if d <= initial:
        return initial
    return initial - (initial - d) // increment * increment


def _scaled(value: Decimal, scale: int) -> int:
    """``value × 10**scale`` as an int; the caller picked ``scale`` so this is exact."""
    return int(value.scaleb(scale))


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if type(exponent) is int and exponent < 0 else 0


def tariff_constants(rate: Decimal, connect_fee: Decimal, digits: int) -> tuple[int, int, int, int]:
    """``(2A, 2B, D, 2D)`` with ``price_minor(b) = (2A + b·2B + D) // 2D`` for ``b > 0``.

    ``rate = R / 10**K`` and ``fee = C / 10**K`` exactly, with ``K ≥ digits`` so the
    minor-unit denominator ``D = 60 × 10**(K - digits)`` is an integer; then
    ``A = 60·C`` and ``B = R``, and adding ``D`` before the floor division by ``2D``
    rounds half-up (all terms are non-negative). The caller checks the inputs.
    """
    k = max(_decimals(rate), _decimals(connect_fee), digits)
    d = 60 * 10 ** (k - digits)
    return 120 * _scaled(connect_fee, k), 2 * _scaled(rate, k), d, 2 * d


@dataclass(frozen=True)
class Tariff:
    """A retail rate per minute and connect fee, ready for exact integer pricing.

    ``price_minor(b) = round_half_up((connect_fee + b/60 × rate) × 10**digits)``,
    and 0 when ``b == 0``. Internally ``(A + b·B + D) // 2D`` with integer constants.
    """

    rate: Decimal
    connect_fee: Decimal = Decimal(0)
    digits: int = 2
    _a2: int = field(init=False, repr=False, compare=False)
    _b2: int = field(init=False, repr=False, compare=False)
    _d: int = field(init=False, repr=False, compare=False)
    _d2: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("rate", "connect_fee"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a non-negative finite Decimal, not {value!r}")
        if self.digits < 0:
            raise ValueError("digits must not be negative")
        a2, b2, d, d2 = tariff_constants(self.rate, self.connect_fee, self.digits)
        object.__setattr__(self, "_a2", a2)
        object.__setattr__(self, "_b2", b2)
        object.__setattr__(self, "_d", d)
        object.__setattr__(self, "_d2", d2)

    def price_minor(self, billable: int) -> int:
        """Price in minor units for ``billable`` seconds (0 for 0 s: no connect fee)."""
        if billable == 0:
            return 0
        return (self._a2 + billable * self._b2 + self._d) // self._d2

    def max_billable_within(self, budget_minor: int) -> int | None:
        """The most billable seconds whose price is ≤ ``budget_minor``.

        0 means not even one second is covered (nothing billed costs nothing);
        ``None`` means no limit (the rate is 0 and the connect fee fits).
        """
        # price(b) ≤ budget  ⇔  A2 + b·B2 + D < D2 · (budget + 1)    (for b ≥ 1)
        room = self._d2 * (budget_minor + 1) - self._d - self._a2
        if room <= 0:
            return 0
        if self._b2 == 0:
            return None
        return max(0, (room - 1) // self._b2)


def retail_price_minor(connect_fee: Decimal, rate: Decimal, billable: int, digits: int = 2) -> int:
    """Connect fee + billable/60 × rate, rounded once half-up to minor units; 0 if billable is 0."""
    return Tariff(rate, connect_fee, digits).price_minor(billable)


def wholesale_micro(rate_usd: Decimal, d: Decimal | int) -> int:
    """Wholesale cost in micro-USD: ``rate_usd × d / 60`` rounded half-up to 6 decimals.

    ``d`` is the talk time in seconds (the carrier bills per second, grace or not).
    """
    _check_exact(rate_usd, "a rate")
    _check_exact(d, "a duration")
    if type(d) is int and _decimals(rate_usd) <= 6:
        return (2 * _scaled(rate_usd, 6) * d + 60) // 120
    exact = Fraction(rate_usd) * Fraction(d) * 1_000_000 / 60
    return int((2 * exact.numerator + exact.denominator) // (2 * exact.denominator))
