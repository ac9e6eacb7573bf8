"""Quicknet PhoneJACK/LineJACK cards (Linux ``ixj`` driver, ``/dev/phoneN``).

Public surface: :func:`create_quicknet_driver`, :class:`QuicknetDriver`, the device
wrapper and the faithful fake used by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from callshop_pos.clock import Clock
from drivers.quicknet.device import LinuxPhoneDevice, Phone, PhoneDevice
from drivers.quicknet.driver import QuicknetDriver

__all__ = ["LinuxPhoneDevice", "Phone", "PhoneDevice", "QuicknetDriver", "create_quicknet_driver"]


def create_quicknet_driver(devices: Mapping[str, str], clock: Clock) -> QuicknetDriver:
    """A driver for ``{booth: "/dev/phoneN"}`` (devices are opened now)."""
    opened: dict[str, PhoneDevice] = {}
    try:
        for booth, path in devices.items():
            opened[booth] = LinuxPhoneDevice(path)
    except BaseException:
        for device in opened.values():
            device.close()
        raise
    return QuicknetDriver(opened, clock)
