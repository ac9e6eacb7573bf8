"""Exact money: integer minor units end to end, ``Decimal`` only for rates.

A float reaching this module is a bug, so every entry point refuses floats.
Amounts of the local currency are ``int`` minor units (cents for EUR). Wholesale
amounts in USD are ``int`` micro-dollars (6 decimals). Per-minute rates are exact
``Decimal`` values. Rounding is always half-up (away from zero on ties), once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "BGN_PER_EUR",
    "EUR",
    "USD_MICRO_DIGITS",
    "Currency",
    "MoneyError",
    "bgn_to_eur",
    "eur_to_bgn",
    "format_minor",
    "minor_to_decimal",
    "parse_decimal",
    "parse_minor",
    "round_to_unit",
    "to_minor",
]

#: The fixed conversion rate of the Bulgarian lev to the euro (1 EUR = 1.95583 BGN).
BGN_PER_EUR = Decimal("1.95583")
#: Wholesale USD amounts are kept as integer micro-dollars.
USD_MICRO_DIGITS = 6


class MoneyError(ValueError):
    """An amount could not be read or is not allowed (message says why)."""


@dataclass(frozen=True)
class Currency:
    """A currency: ISO code, symbol and number of minor-unit digits."""

    code: str
    symbol: str
    digits: int = 2

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.digits)


EUR = Currency("EUR", "€", 2)
BGN = Currency("BGN", "лв.", 2)
USD = Currency("USD", "$", 2)


_ASCII_NUMBER = frozenset("0123456789.")


def _check_not_float(value: object) -> None:
    if isinstance(value, float):
        raise TypeError("money must never be a float; use int minor units or Decimal")


def parse_decimal(text: str, *, allow_comma: bool = False) -> Decimal:
    """Read a plain decimal number ("12.50", or "12,50" when ``allow_comma``).

    Signs, exponents, thousands separators, NaN and infinity are refused, and so are
    digits other than ASCII 0-9 (``"١٠٠"`` is not 100: ``str.isdigit`` and ``Decimal``
    would both take it). The one parser of amounts typed or read anywhere.
    """
    _check_not_float(text)
    s = text.strip()
    if allow_comma and "," in s:
        if "." in s:
            raise MoneyError(f"ambiguous number {text!r}: both ',' and '.'")
        s = s.replace(",", ".")
    if not s:
        raise MoneyError("empty number")
    body = s[1:] if s[0] in "+-" else s
    if not body or not all(c in _ASCII_NUMBER for c in body) or body.count(".") > 1:
        raise MoneyError(f"not a number: {text!r}")
    if body in (".",):
        raise MoneyError(f"not a number: {text!r}")
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - guarded above
        raise MoneyError(f"not a number: {text!r}") from exc


def to_minor(amount: Decimal | int, digits: int = 2) -> int:
    """Round an exact amount half-up to ``digits`` decimals and return minor units."""
    _check_not_float(amount)
    d = Decimal(amount)
    return int(d.scaleb(digits).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def minor_to_decimal(minor: int, digits: int = 2) -> Decimal:
    """Minor units back to an exact ``Decimal`` with ``digits`` decimals."""
    _check_not_float(minor)
    return Decimal(minor).scaleb(-digits)


def parse_minor(text: str, digits: int = 2, *, allow_comma: bool = True) -> int:
    """Read an amount typed by a person ("12.5", "12,50") as minor units.

    More decimals than the currency has is an error, not a silent rounding.
    """
    d = parse_decimal(text, allow_comma=allow_comma)
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        raise MoneyError(f"{text!r} has more than {digits} decimals")
    return to_minor(d, digits)


def format_minor(minor: int, digits: int = 2) -> str:
    """Plain machine format: ``1234`` → ``"12.34"``, ``-5`` → ``"-0.05"``."""
    _check_not_float(minor)
    if digits == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 10**digits)
    return f"{sign}{q}.{r:0{digits}d}"


def round_to_unit(minor: int, unit: int) -> int:
    """Round an amount half-up to a cash unit (e.g. 5 for 0.05); unit 1 or 0 = no rounding."""
    if unit <= 1:
        return minor
    sign = -1 if minor < 0 else 1
    q, r = divmod(abs(minor), unit)
    if 2 * r >= unit:
        q += 1
    return sign * q * unit


def eur_to_bgn(eur_minor: int) -> int:
    """The BGN equivalent of a EUR amount (multiply by 1.95583, half-up, 2 decimals)."""
    return to_minor(minor_to_decimal(eur_minor, 2) * BGN_PER_EUR, 2)


def bgn_to_eur(bgn: Decimal) -> Decimal:
    """Convert a BGN amount (e.g. an old price) to EUR: divide, half-up to 2 decimals."""
    _check_not_float(bgn)
    return (Decimal(bgn) / BGN_PER_EUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
