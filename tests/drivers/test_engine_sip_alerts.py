"""The engine journals the SIP driver's alerts without making the SIP thread wait."""

from __future__ import annotations

import time
from pathlib import Path

from callshop_pos.clock import FakeClock
from callshop_pos.services.admin import audit_view
from drivers.engine_cli import journal_sip_alerts
from drivers.sip.abuse import Refusal, SipAlert
from tests.callshop_pos.support import make_shop


def test_sip_alerts_reach_the_journal(tmp_path: Path) -> None:
    seeded = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    try:
        record = journal_sip_alerts(seeded.shop)
        record(
            SipAlert(
                "10.0.0.21",
                ("Booth 1",),
                Refusal.BLOCKED_USER_AGENT,
                "user agent 'friendly-scanner'; not banned",
            )
        )
        deadline = time.monotonic() + 10
        lines: list[audit_view.JournalLine] = []
        while not lines and time.monotonic() < deadline:
            lines = audit_view.journal_lines(seeded.shop, seeded.admin, action="booth.alert")
            time.sleep(0.05)
        assert len(lines) == 1
        assert "friendly-scanner" in lines[0].details and lines[0].user == "system"
    finally:
        seeded.shop.close()
