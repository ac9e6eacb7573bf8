"""The prefix index: longest match, no fallback, agreement with a brute-force scan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callshop_pos.errors import InvalidInput
from callshop_pos.rating import PriceEntry, PriceIndex

# The shared 2-core machine can be slow: no per-example deadline (a slow example is
# not a wrong one); generation speed is not what these tests check.
_RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _entry(code: str, retail: str | None = "0.10") -> PriceEntry:
    return PriceEntry(
        f"dest {code}", code, Decimal("0.01"), None if retail is None else Decimal(retail)
    )


def test_longest_prefix_wins() -> None:
    index = PriceIndex([_entry("3"), _entry("359"), _entry("35988"), _entry("35989")], version_id=7)
    found = index.lookup("359888123456")
    assert found is not None and found.code == "35988"
    found = index.lookup("35929876543")
    assert found is not None and found.code == "359"
    found = index.lookup("3")
    assert found is not None and found.code == "3"
    assert index.lookup("4420") is None
    assert index.lookup("") is None
    assert index.version_id == 7
    assert len(index) == 4
    assert index.lengths == (5, 3, 1)


def test_no_fallback_when_the_longest_match_has_no_retail() -> None:
    index = PriceIndex([_entry("359"), _entry("359900", retail=None)])
    found = index.lookup("35990012345")
    assert found is not None
    assert found.code == "359900" and found.retail is None


def test_a_number_shorter_than_the_codes() -> None:
    index = PriceIndex([_entry("359888")])
    assert index.lookup("35988") is None
    assert index.lookup("359888") is not None


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="twice"):
        PriceIndex([_entry("44"), _entry("44")])


def test_derived_values_are_built_once_per_index() -> None:
    index = PriceIndex([_entry("44")])
    calls: list[int] = []

    def build(idx: PriceIndex) -> int:
        calls.append(1)
        return len(idx)

    assert index.derived("size", build) == 1
    assert index.derived("size", build) == 1
    assert calls == [1]


def _brute_force(entries: list[PriceEntry], number: str) -> PriceEntry | None:
    best: PriceEntry | None = None
    for entry in entries:
        if number.startswith(entry.code) and (best is None or len(entry.code) > len(best.code)):
            best = entry
    return best


_DIGITS = "0123456789"
# Few digits make prefixes of one another common, which is what needs testing.
_codes = st.lists(
    st.text("0123", min_size=1, max_size=6) | st.text(_DIGITS, min_size=1, max_size=8),
    unique=True,
    max_size=60,
)
_numbers = st.lists(st.text("0123", max_size=12) | st.text(_DIGITS, max_size=16), max_size=30)


@settings(**_RELAXED)
@given(_codes, _numbers, st.data())
def test_index_agrees_with_a_brute_force_scan(
    codes: list[str], numbers: list[str], data: st.DataObject
) -> None:
    entries = [_entry(code, retail=data.draw(st.sampled_from(["0.10", None]))) for code in codes]
    index = PriceIndex(entries)
    # Numbers that extend existing codes exercise the interesting cases.
    extended = [code + suffix for code in codes[:10] for suffix in ("", "0", "12345")]
    for number in numbers + extended:
        assert index.lookup(number) is _brute_force(entries, number)
