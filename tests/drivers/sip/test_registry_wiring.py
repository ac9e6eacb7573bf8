"""The engine's driver registry builds the SIP driver from the booths' accounts."""

from __future__ import annotations

from callshop_pos.clock import SystemClock
from callshop_pos.lines.booth import BoothConfig
from drivers.registry import DriverContext, SipOptions, create_driver
from drivers.sip import SipDriver, ha1


def test_registry_passes_accounts_trunk_and_bound_addresses() -> None:
    digest = ha1("booth1", "callshop", "pw")
    context = DriverContext(
        clock=SystemClock(),
        booths=[
            BoothConfig("Booth 1", driver="sip"),
            BoothConfig("Booth 2", driver="sip"),
            BoothConfig("Sim", driver="simulator"),
        ],
        sip=SipOptions(
            listen="127.0.0.1:5099",
            trunk="sip:shop42:pw@carrier.example:5080",
            accounts=(
                ("Booth 1", "booth1", digest),
                ("Booth 2", "booth2", digest),
                ("Sim", "sim", digest),
            ),
            bindings={"Booth 1": "192.168.1.21"},
        ),
    )
    driver = create_driver("sip", context)
    assert isinstance(driver, SipDriver)
    accounts = {a.booth: a for a in driver.config.booths}
    assert set(accounts) == {"Booth 1", "Booth 2"}  # only the booths driven by SIP
    assert accounts["Booth 1"].bound_host == "192.168.1.21"
    assert accounts["Booth 2"].bound_host is None
    assert driver.config.trunk is not None
    assert driver.config.trunk.address == ("carrier.example", 5080)
    assert (driver.config.listen_host, driver.config.listen_port) == ("127.0.0.1", 5099)
