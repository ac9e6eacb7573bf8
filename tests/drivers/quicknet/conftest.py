"""The SIP tests' fixtures (SIPp scratch directory, trunk port) for the VoIP route."""

from __future__ import annotations

from tests.drivers.sip.conftest import trunk_port, workdir

__all__ = ["trunk_port", "workdir"]
