"""Plain values for GUI tests: booth snapshots and calls as the core produces them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState

if TYPE_CHECKING:
    from callshop_pos.services.till.calls import CallView

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def snapshot(booth: str = "Booth 1", position: int = 1, **changes: Any) -> BoothSnapshot:
    base = BoothSnapshot(
        booth=booth,
        position=position,
        state=BoothState.IDLE,
        locked=False,
        driver="simulator",
        driver_status="registered",
        billing=BillingMode.POSTPAID,
    )
    return replace(base, **changes)


def call(call_id: int, booth: str = "Booth 1", **changes: Any) -> CallView:
    from callshop_pos.services.till.calls import CallView

    answered = T0 + timedelta(minutes=call_id)
    base = CallView(
        id=call_id,
        call_ref=f"ref-{call_id}",
        booth=booth,
        number="00493012345678",
        normalized="493012345678",
        destination="Germany",
        prefix="49",
        price_version_id=1,
        setup_at=answered - timedelta(seconds=10),
        answered_at=answered,
        ended_at=answered + timedelta(seconds=95),
        duration_s=95,
        billable_s=120,
        price_minor=60,
        offpeak=False,
        end_reason="normal",
        end_side="booth",
        flags=(),
        state="finished",
        status="unserved",
        shift_id=1,
    )
    return replace(base, **changes)
