"""Fixtures for the SIP driver tests: a running driver and a tiny stand-in engine."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import AdmitCall, Dialing, DriverCommand, DriverEvent
from drivers.sip import AbuseLimits, BoothAccount, SipDriver, SipDriverConfig, Trunk, ha1
from tests.drivers.sip import sipp
from tests.waiting import Changes, wait_for

REALM = "callshop"
BOOTHS = {"Booth 1": ("booth1", "secret-1"), "Booth 2": ("booth2", "secret-2")}
TRUNK_USER, TRUNK_PASSWORD = "shop42", "trunk-pw"

Policy = Callable[[Dialing], DriverCommand | None]


class StandInEngine:
    """Consumes driver events; answers Dialing with what ``policy`` returns."""

    def __init__(self) -> None:
        self.events: list[DriverEvent] = []
        self._cond = threading.Condition()
        self.changes = Changes()  # each event wakes wait_for
        self.driver: SipDriver | None = None
        self.policy: Policy = lambda d: AdmitCall(d.booth, d.call_ref)

    def sink(self, event: DriverEvent) -> None:
        with self._cond:
            self.events.append(event)
        self.changes.notify(event)
        if isinstance(event, Dialing) and self.driver is not None:
            command = self.policy(event)
            if command is not None:
                self.driver.send(command)

    def wait_for(self, kind: type, timeout: float = 10.0, **fields: Any) -> Any:
        """The first event of ``kind`` with matching ``fields`` (waits for it)."""
        found: list[Any] = []

        def check() -> bool:
            with self._cond:
                found[:] = [
                    e
                    for e in self.events
                    if isinstance(e, kind) and all(getattr(e, k) == v for k, v in fields.items())
                ][:1]
            return bool(found)

        try:
            wait_for(check, timeout, changes=self.changes, poll=timeout)
        except AssertionError:
            raise AssertionError(f"no {kind.__name__} {fields} in {self.of(object)}") from None
        return found[0]

    def of(self, kind: type) -> list[Any]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


def base_config(trunk_port: int, **overrides: Any) -> SipDriverConfig:
    config = SipDriverConfig(
        booths=tuple(
            BoothAccount(booth, user, ha1(user, REALM, password))
            for booth, (user, password) in BOOTHS.items()
        ),
        trunk=Trunk(TRUNK_USER, TRUNK_PASSWORD, "127.0.0.1", trunk_port),
        listen_host="127.0.0.1",
        listen_port=0,
        realm=REALM,
        min_expires_s=1,
        expiry_grace_s=0.0,
        abuse=AbuseLimits(max_requests=200, max_auth_failures=20, ban_s=30.0),
    )
    return replace(config, **overrides)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """A scratch directory for SIPp files; every SIPp started in the test is stopped."""
    sipp.require_sipp()
    yield tmp_path
    while sipp.RUNNING:
        sipp.RUNNING.pop().stop()


@pytest.fixture
def trunk_port() -> int:
    return sipp.free_udp_port()


@pytest.fixture
def start_driver(trunk_port: int) -> Iterator[Callable[..., tuple[SipDriver, StandInEngine]]]:
    """Start a driver (config overrides as keywords); stopped and checked for leaked
    threads at the end of the test."""
    before = set(threading.enumerate())
    started: list[SipDriver] = []

    def start(**overrides: Any) -> tuple[SipDriver, StandInEngine]:
        driver = SipDriver(base_config(trunk_port, **overrides))
        engine = StandInEngine()
        engine.driver = driver
        driver.start(engine.sink)
        started.append(driver)
        return driver, engine

    yield start
    for driver in started:
        driver.stop()
    leaked = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
