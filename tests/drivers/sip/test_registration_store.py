"""Registrations kept across engine restarts (the registrar's store file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import Registered
from drivers.sip.registrar import Registrar, StoredBinding, load_bindings
from tests.drivers.sip.test_registrar import register

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clocks:
    def __init__(self) -> None:
        self.mono = 100.0
        self.wall = NOW

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)


def test_every_change_is_stored_and_read_back_until_it_expires(tmp_path: Path) -> None:
    store = tmp_path / "sip-registrations.json"
    clocks = Clocks()
    registrar = Registrar(lambda: clocks.mono, 5.0, store=store, wall=lambda: clocks.wall)
    registrar.register("Booth 1", "sip:b1@10.0.0.5:5060", ("10.0.0.5", 5060), 600, "HT-286")
    registrar.register("Booth 2", "sip:b2@10.0.0.6:5060", ("10.0.0.6", 5060), 60, "")
    clocks.advance(30)
    (one, two) = load_bindings(store, clocks.wall)
    assert one == StoredBinding(
        "Booth 1", "sip:b1@10.0.0.5:5060", ("10.0.0.5", 5060), 570.0, "HT-286"
    )
    assert (two.booth, two.remaining_s) == ("Booth 2", 30.0)
    assert [b.booth for b in load_bindings(store, clocks.wall + timedelta(seconds=31))] == [
        "Booth 1"
    ]
    registrar.unregister("Booth 1")
    assert [b.booth for b in load_bindings(store, clocks.wall)] == ["Booth 2"]
    clocks.advance(40)  # Booth 2 ran out (plus the grace period)
    assert [b.booth for b in registrar.expire()] == ["Booth 2"]
    assert json.loads(store.read_text())["bindings"] == []
    assert not store.with_name(store.name + ".tmp").exists()


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{",
        "[]",
        '{"version": 2, "bindings": []}',
        '{"version": 1}',
        '{"version": 1, "bindings": [{"booth": "B"}]}',
        '{"version": 1, "bindings": [{"booth": "B", "contact": "c", "source": ["h", "x"],'
        ' "expires_at": "2026-11-26T13:00:00+00:00"}]}',
        '{"version": 1, "bindings": [{"booth": "B", "contact": "c", "source": ["h", 1],'
        ' "expires_at": "tomorrow"}]}',
    ],
)
def test_a_damaged_store_is_ignored(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = tmp_path / "sip-registrations.json"
    store.write_text(content)
    assert load_bindings(store, NOW) == []
    assert "ignoring the stored registrations" in caplog.text
    assert load_bindings(tmp_path / "missing.json", NOW) == []


@pytest.mark.sip
def test_a_restarted_driver_shows_the_booth_registered_at_once(
    workdir: Path, start_driver: Callable[..., Any], tmp_path: Path
) -> None:
    store = tmp_path / "sip-registrations.json"
    driver, engine = start_driver(bindings_path=store)
    assert "final 200" in register(workdir, driver, expires=600)
    engine.wait_for(Registered, booth="Booth 1")
    driver.stop()
    # The next engine: no REGISTER from the ATA, yet the booth is registered.
    again, engine2 = start_driver(bindings_path=store)
    restored = engine2.wait_for(Registered, booth="Booth 1")
    assert 590 <= restored.expires_s <= 600
    assert again.registrar.binding("Booth 1") is not None
    assert [b.booth for b in engine2.of(Registered)] == ["Booth 1"]
