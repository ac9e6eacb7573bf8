"""Quicknet PhoneJACK/LineJACK cards (Linux ``ixj`` driver, ``/dev/phoneN``).

Public surface: :func:`create_quicknet_driver`, :class:`QuicknetDriver`, the device
wrapper and the faithful fake used by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from callshop_pos.clock import Clock
from drivers.quicknet.device import LinuxPhoneDevice, Phone, PhoneDevice
from drivers.quicknet.driver import QuicknetDriver, VoipRoute

__all__ = [
    "LinuxPhoneDevice",
    "Phone",
    "PhoneDevice",
    "QuicknetDriver",
    "VoipRoute",
    "create_quicknet_driver",
]


def create_quicknet_driver(
    devices: Mapping[str, str],
    clock: Clock,
    *,
    routes: Mapping[str, str] | None = None,
    voip: VoipRoute | None = None,
) -> QuicknetDriver:
    """A driver for ``{booth: "/dev/phoneN"}`` (devices are opened now); ``routes``:
    ``{booth: "voip" | "pstn"}`` (default pstn), ``voip``: the trunk for the voip ones."""
    opened: dict[str, PhoneDevice] = {}
    try:
        for booth, path in devices.items():
            opened[booth] = LinuxPhoneDevice(path)
    except BaseException:
        for device in opened.values():
            device.close()
        raise
    return QuicknetDriver(opened, clock, routes=routes, voip=voip)
