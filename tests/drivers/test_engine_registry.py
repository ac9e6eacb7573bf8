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
