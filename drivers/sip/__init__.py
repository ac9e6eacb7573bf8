"""SIP booths: the till as registrar and B2BUA for the booths' ATAs (sippy inside).

Public surface: :func:`create_sip_driver`, :class:`SipDriver` and the plain config types.
"""

from __future__ import annotations

from drivers.sip.config import AbuseLimits, BoothAccount, SipDriverConfig, Trunk, parse_listen
from drivers.sip.digest import ha1
from drivers.sip.driver import SipDriver, create_sip_driver

__all__ = [
    "AbuseLimits",
    "BoothAccount",
    "SipDriver",
    "SipDriverConfig",
    "Trunk",
    "create_sip_driver",
    "ha1",
    "parse_listen",
]
