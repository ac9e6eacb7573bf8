"""Booth-driver factories: which driver serves which booths.

``create_driver(name, context)`` builds one driver by name: ``simulator`` (serves
every booth given, or the booths a scenario names), ``sip`` (the booths whose
driver is ``sip``; the SIP package is imported only when asked for) and ``quicknet``
(the booths whose driver is ``quicknet``, each on the card named in its driver settings,
``{"device": "/dev/phone0", "route": "pstn"}``; a booth with ``"route": "voip"`` calls
through the SIP driver's trunk, which is then started too) and ``auto`` (each booth by the
driver in its configuration, combined into one :class:`CombinedDriver`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from callshop_pos.clock import Clock
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.booth import BoothConfig
from callshop_pos.lines.port import BoothDriver, DriverCommand, EventSink
from drivers.simulator import ScenarioCall, SimulatorDriver

__all__ = [
    "DRIVER_NAMES",
    "CombinedDriver",
    "DriverContext",
    "DriverFactory",
    "SipOptions",
    "create_driver",
]


@dataclass(frozen=True)
class SipOptions:
    """The SIP driver's options as resolved by ``drivers.sip_cli`` (command line over
    settings over defaults). ``None`` means the SIP driver's own default."""

    listen: str = "0.0.0.0:5060"
    trunk: str | None = field(default=None, repr=False)  # sip:USER[:PASSWORD]@HOST:PORT
    # used when ``trunk`` carries no password (keeps it off the command line)
    trunk_password: str = field(default="", repr=False)
    realm: str = "callshop"
    accounts: tuple[tuple[str, str, str], ...] = ()  # (booth, sip user, HA1)
    bindings: Mapping[str, str] = field(default_factory=dict)  # booth -> only source IP
    register_trunk: bool = False
    register_expires_s: int = 600
    trunk_cli: str | None = None  # caller ID presented to the carrier; None: the trunk user
    pass_caller_id: bool = False
    ua_block: tuple[str, ...] | None = None
    rate_limit: tuple[int, float] | None = None  # (requests, window seconds)
    ban_s: float | None = None


@dataclass(frozen=True)
class DriverContext:
    """What a factory may use to build its driver."""

    clock: Clock
    booths: Sequence[BoothConfig]
    speed: float = 1.0
    scenario: Sequence[ScenarioCall] | None = None
    skip_refs: frozenset[str] = frozenset()
    seed: int | None = None
    numbers: Sequence[str] = ()
    sip: SipOptions = field(default_factory=SipOptions)
    devices: Mapping[str, str] = field(default_factory=dict)  # booth -> /dev/phoneN
    routes: Mapping[str, str] = field(default_factory=dict)  # Quicknet booth -> voip | pstn
    # The engine's data directory: where drivers keep state across restarts (None: nowhere)
    state_dir: Path | None = None


DriverFactory = Callable[[DriverContext], BoothDriver]
log = logging.getLogger("drivers.sip")


def _simulator(context: DriverContext) -> BoothDriver:
    return SimulatorDriver(
        [b.name for b in context.booths],
        context.clock,
        scenario=context.scenario,
        skip_refs=context.skip_refs,
        seed=context.seed,
        numbers=context.numbers,
        speed=context.speed,
    )


def _sip(context: DriverContext) -> BoothDriver:
    if context.speed != 1.0:
        raise InvalidInput("SIP booths run in real time: --speed is for the simulator only")
    from drivers.sip import (  # noqa: PLC0415 - sippy is loaded only when SIP booths are configured
        AbuseLimits,
        BoothAccount,
        SipDriverConfig,
        Trunk,
        create_sip_driver,
        parse_listen,
    )

    served = {b.name for b in context.booths if b.driver == "sip"}
    accounts = tuple(
        BoothAccount(booth, user, ha1, context.sip.bindings.get(booth))
        for booth, user, ha1 in context.sip.accounts
        if booth in served
    )
    options = context.sip
    host, port = parse_listen(options.listen)
    trunk = None
    if options.trunk:
        trunk = Trunk.parse(
            options.trunk,
            register=options.register_trunk,
            register_expires_s=options.register_expires_s,
            caller_id=options.trunk_cli or None,
            pass_caller_id=options.pass_caller_id,
        )
        if not trunk.password and options.trunk_password:
            trunk = replace(trunk, password=options.trunk_password)
    elif options.register_trunk or options.trunk_cli:
        raise InvalidInput(
            "SIP: trunk registration and a trunk caller ID need a trunk "
            "(--sip-trunk or the sip_trunk setting)"
        )
    defaults = AbuseLimits()
    requests, window = options.rate_limit or (defaults.max_requests, defaults.window_s)
    abuse = AbuseLimits(
        max_requests=requests,
        window_s=window,
        ban_s=defaults.ban_s if options.ban_s is None else options.ban_s,
        blocked_user_agents=(
            defaults.blocked_user_agents if options.ua_block is None else options.ua_block
        ),
    )
    bindings = None if context.state_dir is None else context.state_dir / "sip-registrations.json"
    config = SipDriverConfig(
        booths=accounts,
        trunk=trunk,
        listen_host=host,
        listen_port=port,
        realm=options.realm,
        abuse=abuse,
        bindings_path=bindings,
    )
    log.info(
        "SIP options: trunk %s, registration %s, caller ID %s, booth identity %s, "
        "rate limit %d per %g s, ban %g s, blocked user agents: %s",
        trunk or "none",  # Trunk's str() masks the password
        f"every {trunk.register_expires_s} s" if trunk and trunk.register else "off",
        (trunk.caller_id or trunk.user) if trunk else "-",
        "passed to the carrier" if options.pass_caller_id else "not passed",
        abuse.max_requests,
        abuse.window_s,
        abuse.ban_s,
        ", ".join(abuse.blocked_user_agents) or "none",
    )
    return create_sip_driver(config, context.clock)


def _quicknet(context: DriverContext, sip: BoothDriver | None = None) -> BoothDriver:
    """The Quicknet driver; with booths on the VoIP route also the SIP driver whose trunk
    they call through (``sip``: the one already built for the SIP booths, if any), and
    then both behind one :class:`CombinedDriver` unless ``sip`` was given."""
    if context.speed != 1.0:
        raise InvalidInput("Quicknet booths run in real time: --speed is for the simulator only")
    from drivers.quicknet import create_quicknet_driver  # noqa: PLC0415 - the Quicknet driver (Linux ioctls) only with those cards
    from drivers.quicknet.driver import ROUTES, VoipRoute  # noqa: PLC0415 - as above

    served = [b.name for b in context.booths if b.driver == "quicknet"]
    missing = [name for name in served if not context.devices.get(name)]
    if missing:
        raise InvalidInput(
            'Quicknet booth(s) without a device (driver settings {"device": "/dev/phone0"}): '
            + ", ".join(missing)
        )
    routes = {name: context.routes.get(name) or "pstn" for name in served}
    bad = [f"{name} ({route!r})" for name, route in routes.items() if route not in ROUTES]
    if bad:
        raise InvalidInput("Quicknet booth route(s) not voip or pstn: " + ", ".join(bad))
    voip_booths = [name for name, route in routes.items() if route == "voip"]
    voip = None
    own_sip = None
    if voip_booths:
        if sip is None:
            sip = own_sip = _sip(_only(context, []))
        trunk = getattr(getattr(sip, "config", None), "trunk", None)
        if trunk is None:
            raise InvalidInput(
                "Quicknet booth(s) on the VoIP route need the SIP trunk (--sip-trunk or the "
                "sip_trunk setting): " + ", ".join(voip_booths)
            )
        voip = VoipRoute(sip, trunk_host=trunk.host)  # type: ignore[arg-type]
    driver = create_quicknet_driver(
        {name: context.devices[name] for name in served}, context.clock, routes=routes, voip=voip
    )
    if own_sip is None:
        return driver
    return CombinedDriver({"sip": own_sip, "quicknet": driver}, dict.fromkeys(served, "quicknet"))


_FACTORIES: dict[str, DriverFactory] = {
    "simulator": _simulator,
    "sip": _sip,
    "quicknet": _quicknet,
}
DRIVER_NAMES = ("auto", *_FACTORIES)


class CombinedDriver:
    """Several drivers behind one port; commands go to the driver of their booth."""

    name = "auto"

    def __init__(self, parts: dict[str, BoothDriver], route: dict[str, str]) -> None:
        self.parts = parts
        self._route = route  # booth -> part name

    def start(self, sink: EventSink) -> None:
        for part in self.parts.values():
            part.start(sink)

    def send(self, command: DriverCommand) -> None:
        part = self.parts.get(self._route.get(command.booth, ""))
        if part is not None:
            part.send(command)

    def stop(self) -> None:
        for part in self.parts.values():
            part.stop()

    def done(self) -> bool:
        return all(getattr(p, "done", lambda: False)() for p in self.parts.values())


def create_driver(name: str, context: DriverContext) -> BoothDriver:
    """The driver called ``name`` (see the module docstring); InvalidInput if unknown."""
    if name == "auto":
        by_driver: dict[str, list[BoothConfig]] = {}
        for booth in context.booths:
            by_driver.setdefault(booth.driver, []).append(booth)
        parts: dict[str, BoothDriver] = {}
        route: dict[str, str] = {}
        # SIP first: Quicknet booths on the VoIP route call through its trunk.
        for driver_name, booths in sorted(by_driver.items(), key=lambda i: i[0] != "sip"):
            factory = _FACTORIES.get(driver_name)
            if factory is None:
                raise InvalidInput(f"unknown booth driver {driver_name!r}")
            if driver_name == "quicknet":
                built = _quicknet(_only(context, booths), parts.get("sip"))
                if isinstance(built, CombinedDriver):  # it started the SIP driver itself
                    parts.update(built.parts)
                else:
                    parts[driver_name] = built
            else:
                parts[driver_name] = factory(_only(context, booths))
            route.update({b.name: driver_name for b in booths})
        return CombinedDriver(parts, route)
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InvalidInput(f"unknown driver {name!r}; choose one of {', '.join(DRIVER_NAMES)}")
    return factory(context)


def _only(context: DriverContext, booths: list[BoothConfig]) -> DriverContext:
    return DriverContext(
        clock=context.clock,
        booths=booths,
        speed=context.speed,
        scenario=context.scenario,
        skip_refs=context.skip_refs,
        seed=context.seed,
        numbers=context.numbers,
        sip=context.sip,
        devices=context.devices,
        routes=context.routes,
        state_dir=context.state_dir,
    )
