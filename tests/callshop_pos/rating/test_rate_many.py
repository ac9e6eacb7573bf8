"""Rater.rate_many: the batch form of Rater.rate gives exactly the same ratings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callshop_pos.rating import Rating
from tests.callshop_pos.rating.test_rater import (
    _RATER,
    _RELAXED,
    WEEKDAY_NOON,
    _durations,
    _numbers,
    _times,
)


@settings(max_examples=100, **_RELAXED)
@given(st.lists(st.tuples(_numbers, _times, _durations), max_size=60))
def test_rate_many_equals_rate_call_by_call(
    calls: list[tuple[str, datetime, Decimal | int]],
) -> None:
    batch = _RATER.rate_many(calls)
    assert batch == [_RATER.rate(*call) for call in calls]
    assert all(type(rating) is Rating for rating in batch)


def test_rate_many_accepts_any_iterable_and_refuses_bad_durations() -> None:
    calls = ((number, WEEKDAY_NOON, 60) for number in ("0888123456", "*123#", "0044 20 7946"))
    ratings = _RATER.rate_many(calls)
    assert [r.status for r in ratings] == [
        _RATER.rate(n, WEEKDAY_NOON, 60).status for n in ("0888123456", "*123#", "0044 20 7946")
    ]
    assert _RATER.rate_many([]) == []
    with pytest.raises(ValueError):
        _RATER.rate_many([("0888123456", WEEKDAY_NOON, Decimal(-1))])
