"""The in-memory longest-prefix index of one price-list version.

A dict from code to entry, probed with the number's prefixes from the longest code
length present down to the shortest — the fastest pure-Python structure measured
for this (see ``bench/rating.py``). An index is immutable: a new price-list version
gets a new index, and holders swap their single reference to it, which is atomic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeVar

from callshop_pos.errors import InvalidInput
from callshop_pos.rating.pricelist import PriceEntry

__all__ = ["PriceIndex"]

T = TypeVar("T")


class PriceIndex:
    """Longest-prefix lookup over one price-list version (immutable once built)."""

    __slots__ = ("_by_code_built", "_derived", "_entries", "_lengths", "_lock", "version_id")

    def __init__(self, entries: Iterable[PriceEntry], version_id: int | str | None = None) -> None:
        self._entries = tuple(entries)
        codes = {entry.code for entry in self._entries}
        if len(codes) != len(self._entries):
            seen: set[str] = set()
            for entry in self._entries:
                if entry.code in seen:
                    raise InvalidInput(f"price list has code {entry.code} twice")
                seen.add(entry.code)
        #: Only lengths that occur are probed, longest first.
        self._lengths = tuple(sorted({len(code) for code in codes}, reverse=True))
        del codes
        # The code → entry dict is built on first use: rating uses the rater's own
        # table, so a long-running engine does not hold a second million-key dict.
        self._by_code_built: dict[str, PriceEntry] | None = None
        self._derived: dict[Hashable, Any] = {}
        self._lock = threading.RLock()  # a derived value may use the dict below
        self.version_id = version_id

    @property
    def _by_code(self) -> dict[str, PriceEntry]:
        by_code = self._by_code_built
        if by_code is None:
            with self._lock:
                by_code = self._by_code_built
                if by_code is None:
                    by_code = self._by_code_built = {e.code: e for e in self._entries}
        return by_code

    @property
    def entries(self) -> tuple[PriceEntry, ...]:
        """The entries, in the order given."""
        return self._entries

    @property
    def lengths(self) -> tuple[int, ...]:
        """The distinct code lengths, longest first."""
        return self._lengths

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[PriceEntry]:
        return iter(self._entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> PriceEntry | None:
        """The entry with exactly this code, if any."""
        return self._by_code.get(code)

    def lookup(self, normalized: str) -> PriceEntry | None:
        """The entry with the longest code that is a prefix of ``normalized``, or ``None``.

        There is deliberately no fallback: if the longest match has no retail price
        the caller gets that entry and the call is unrated, never billed at a
        shorter (e.g. whole-country) prefix's price.
        """
        get = self._by_code.get
        size = len(normalized)
        for length in self._lengths:
            if length <= size:
                entry = get(normalized[:length])
                if entry is not None:
                    return entry
        return None

    def derived(self, key: Hashable, build: Callable[[PriceIndex], T]) -> T:
        """A value computed once per index from its entries (e.g. a rater's tariffs).

        Built on first request under a lock and kept for the life of the index, so
        every rater of one price-list version shares it.
        """
        try:
            value: T = self._derived[key]
            return value
        except KeyError:
            pass
        with self._lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            value = self._derived[key]
        return value

    def __repr__(self) -> str:
        return f"PriceIndex(version_id={self.version_id!r}, codes={len(self._by_code)})"
