"""Alerts of the booth line drivers (abuse from a booth's own address) are journaled."""

from __future__ import annotations

import pytest

from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import audit_view, booths
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop


def test_an_alert_is_journaled_by_the_engine_only(shop: Shop, admin: Actor) -> None:
    booths.record_line_alert(
        shop,
        SYSTEM,
        booths=("Booth 1",),
        source="10.0.0.21",
        kind="blocked_user_agent",
        detail="user agent 'friendly-scanner'",
    )
    lines = audit_view.journal_lines(shop, admin, action="booth.alert")
    assert len(lines) == 1
    assert "10.0.0.21" in str(lines[0]) and "Booth 1" in str(lines[0])
    with pytest.raises(PermissionDenied):
        booths.record_line_alert(shop, admin, booths=(), source="x", kind="k", detail="d")
