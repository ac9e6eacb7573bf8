"""Dialled numbers → international digits, the form the price list is keyed on."""

from __future__ import annotations

from dataclasses import dataclass, field

from callshop_pos.errors import InvalidInput
from callshop_pos.rating.kernel import normalize

__all__ = ["NumberPlan"]

# What people and phones put between digits: spaces (incl. no-break), tabs, dashes,
# dots and parentheses. Removing them never changes which number was dialled.
_SEPARATORS: dict[int, int | None] = str.maketrans("", "", " \t\u00a0-.()\u2010\u2011\u2012\u2013")


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class NumberPlan:
    """How numbers are dialled from the shop (settings: country code, prefixes).

    ``intl_prefixes`` are tried longest first, so ``("00", "+", "011")`` strips
    ``011`` from ``011 1 212 …`` rather than treating the number as national.
    """

    country_code: str = "359"
    national_prefix: str = "0"
    intl_prefixes: tuple[str, ...] = ("00", "+")
    _rules: tuple[tuple[str, int, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _is_digits(self.country_code):
            raise InvalidInput(f"country code must be digits, not {self.country_code!r}")
        if self.national_prefix and not _is_digits(self.national_prefix):
            raise InvalidInput(f"national prefix must be digits, not {self.national_prefix!r}")
        prefixes = tuple(self.intl_prefixes)
        for prefix in prefixes:
            if not prefix or not (prefix == "+" or _is_digits(prefix)):
                raise InvalidInput(f"international prefix must be '+' or digits, not {prefix!r}")
        # Longest first: "00" must win over a national "0", "011" over "01".
        object.__setattr__(self, "intl_prefixes", prefixes)
        # (prefix, its length, what replaces it): international prefixes longest first
        # (they are dropped), then the national prefix (it becomes the country code).
        rules = [(p, len(p), "") for p in sorted(prefixes, key=len, reverse=True)]
        if self.national_prefix:
            rules.append((self.national_prefix, len(self.national_prefix), self.country_code))
        object.__setattr__(self, "_rules", tuple(rules))

    def normalize(self, raw: str) -> str | None:
        """The number in international form (``"00 44 20-7946"`` → ``"44207946"``).

        Separators are dropped; an international prefix is removed; a leading national
        prefix becomes the country code; anything else is taken as already
        international. Returns ``None`` (the call is unrated) when what is left is
        empty or not all digits — e.g. service codes with ``*`` or ``#``.
        """
        return normalize(raw, self._rules, _SEPARATORS)

    @property
    def rules(self) -> tuple[tuple[str, int, str], ...]:
        """``(prefix, its length, replacement)`` in the order they are tried."""
        return self._rules

    @property
    def separators(self) -> dict[int, int | None]:
        """The ``str.translate`` table that drops separators from a dialled number."""
        return _SEPARATORS
