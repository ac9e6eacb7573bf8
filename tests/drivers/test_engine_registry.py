"""Driver factories: by name, per booth configuration, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.clock import SystemClock
from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.port import AllowCalls, DriverCommand
from drivers.registry import CombinedDriver, DriverContext, create_driver
from drivers.simulator import SimulatorDriver


def context(*booths: BoothConfig, **kw: object) -> DriverContext:
    return DriverContext(clock=SystemClock(), booths=list(booths), **kw)  # type: ignore[arg-type]


def test_simulator_by_name_serves_every_booth() -> None:
    driver = create_driver("simulator", context(BoothConfig("A"), BoothConfig("B", driver="sip")))
    assert isinstance(driver, SimulatorDriver) and driver.booths == ["A", "B"]


def test_auto_routes_commands_to_each_booths_driver() -> None:
    driver = create_driver("auto", context(BoothConfig("A"), BoothConfig("B")))
    assert isinstance(driver, CombinedDriver) and set(driver.parts) == {"simulator"}
    sent: list[DriverCommand] = []
    part = driver.parts["simulator"]
    part.send = sent.append  # type: ignore[method-assign]
    driver.send(AllowCalls("A"))
    driver.send(AllowCalls("nobody"))
    assert sent == [AllowCalls("A")]


def test_unknown_and_misconfigured_drivers_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown driver 'isdn'"):
        create_driver("isdn", context())
    with pytest.raises(InvalidInput, match="without a device"):
        create_driver("quicknet", context(BoothConfig("Q", driver="quicknet")))
    with pytest.raises(CallShopError, match="cannot open Quicknet device"):
        create_driver(
            "quicknet",
            context(BoothConfig("Q", driver="quicknet"), devices={"Q": str(tmp_path / "phone0")}),
        )
    with pytest.raises(InvalidInput, match="real time"):
        create_driver("sip", context(BoothConfig("S", driver="sip"), speed=10.0))


def test_quicknet_booths_on_the_voip_route_call_through_the_sip_trunk(tmp_path: Path) -> None:
    from drivers.quicknet.driver import QuicknetDriver
    from drivers.registry import SipOptions
    from drivers.sip import SipDriver

    card = tmp_path / "phone0"
    card.write_bytes(b"")  # opens like a device; no ioctl is made before start()
    booths = (BoothConfig("Q", driver="quicknet"), BoothConfig("S", driver="sip"))
    plain = {"devices": {"Q": str(card)}, "routes": {"Q": "voip"}}
    with pytest.raises(InvalidInput, match=r"VoIP route need the SIP trunk.*Q"):
        create_driver("quicknet", context(booths[0], **plain))
    with pytest.raises(InvalidInput, match=r"not voip or pstn: Q \('isdn'\)"):
        create_driver(
            "quicknet", context(booths[0], devices=plain["devices"], routes={"Q": "isdn"})
        )
    sip = SipOptions(listen="127.0.0.1:0", trunk="sip:shop:pw@127.0.0.1:5090")
    alone = create_driver("quicknet", context(booths[0], sip=sip, **plain))
    assert isinstance(alone, CombinedDriver) and set(alone.parts) == {"sip", "quicknet"}
    both = create_driver("auto", context(*booths, sip=sip, **plain))
    assert isinstance(both, CombinedDriver) and set(both.parts) == {"sip", "quicknet"}
    quicknet = both.parts["quicknet"]
    assert isinstance(quicknet, QuicknetDriver) and quicknet.voip is not None
    assert quicknet.voip.trunk is both.parts["sip"]  # one trunk, one SIP stack
    assert isinstance(both.parts["sip"], SipDriver)
    pstn = create_driver("quicknet", context(booths[0], devices=plain["devices"]))
    assert isinstance(pstn, QuicknetDriver) and pstn.voip is None  # pstn by default
    for driver in (alone, both, pstn):
        for each in getattr(driver, "parts", {"q": driver}).values():
            if isinstance(each, QuicknetDriver):
                for port in each._ports.values():
                    port.phone.close()
