"""Command-line commands that need drivers (wired here, outside the core)."""

from __future__ import annotations

from typing import Any

from drivers.devices_cli import register as register_devices
from drivers.engine_cli import register as register_engine
from drivers.sync_cli import register as register_sync


def register(subparsers: Any) -> None:
    """Add driver-backed commands (the line engine, devices, fiscal, sync) to the CLI."""
    register_engine(subparsers)
    register_devices(subparsers)
    register_sync(subparsers)
