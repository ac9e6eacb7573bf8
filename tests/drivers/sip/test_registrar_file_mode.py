"""sip-registrations.json (booth contacts and addresses) is readable by its owner only."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from callshop_pos.clock import FakeClock
from drivers.sip.registrar import Registrar


def test_the_registration_store_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        store = tmp_path / "sip-registrations.json"
        registrar = Registrar(clock.monotonic, 5, store=store, wall=clock.now)
        registrar.register("Booth 1", "sip:b1@10.0.0.21", ("10.0.0.21", 5060), 60, "HT286")
        assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
        os.chmod(store, 0o644)  # written by an older version
        registrar.register("Booth 1", "sip:b1@10.0.0.22", ("10.0.0.22", 5060), 60, "HT286")
        assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
    finally:
        os.umask(old)
