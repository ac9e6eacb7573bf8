"""The clock module's pure helpers."""

from __future__ import annotations

import pytest

from callshop_pos.clock import format_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (5, "0:05"),
        (245, "4:05"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (59.9, "0:59"),
        (-3, "0:00"),
        (100 * 3600, "100:00:00"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
