"""The window's composition root hands the window what it built: the shop, the line
engine link and the device factory of drivers/ (ui/ never builds devices itself)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from callshop_pos.clock import FakeClock
from callshop_pos.lines.ipc import EngineClient
from callshop_pos.services.context import Shop
from drivers.devices import build_devices
from tests.callshop_pos.support import make_shop
from ui.action_errors import LOG, LOG_FILE_NAME
from ui.bridge import EngineBridge


def test_the_window_gets_the_shop_the_engine_link_and_the_device_factory(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    make_shop(url, FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))).shop.close()
    seen: dict[str, Any] = {}

    def run_till(
        app: Any,
        shop: Shop,
        bridge: EngineBridge,
        engine: Any,
        data: Path,
        *,
        demo: bool,
        build_devices: Any,
    ) -> int:
        seen.update(
            app=app,
            shop=shop,
            bridge=bridge,
            engine=engine,
            data=data,
            demo=demo,
            build_devices=build_devices,
        )
        return 7

    monkeypatch.setattr(bootstrap, "run_till", run_till)
    monkeypatch.setattr(bootstrap, "make_application", lambda: qapp)
    monkeypatch.setattr(bootstrap, "install_excepthook", lambda: None)
    before = list(LOG.handlers)
    try:
        assert bootstrap.run_cashier_window(argparse.Namespace(data_dir=str(tmp_path), db=url)) == 7
    finally:
        for handler in [h for h in LOG.handlers if h not in before]:
            LOG.removeHandler(handler)
            handler.close()
    assert seen["build_devices"] is build_devices
    assert seen["demo"] is False and seen["data"] == tmp_path and seen["app"] is qapp
    assert isinstance(seen["engine"], EngineClient) and isinstance(seen["bridge"], EngineBridge)
    assert isinstance(seen["shop"], Shop)
    assert (tmp_path / LOG_FILE_NAME).exists()
    assert not any(isinstance(h, RotatingFileHandler) for h in LOG.handlers)


def test_outside_demo_mode_the_window_refuses_a_missing_database(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    shown: list[str] = []
    monkeypatch.setattr(bootstrap, "make_application", lambda: qapp)
    monkeypatch.setattr(bootstrap, "install_excepthook", lambda: None)
    monkeypatch.setattr(bootstrap, "show_start_problem", shown.append)
    monkeypatch.setattr(bootstrap, "run_till", lambda *a, **k: pytest.fail("no window"))
    before = list(LOG.handlers)
    try:
        code = bootstrap.run_cashier_window(
            argparse.Namespace(data_dir=str(tmp_path), db=f"sqlite:///{missing}")
        )
    finally:
        for handler in [h for h in LOG.handlers if h not in before]:
            LOG.removeHandler(handler)
            handler.close()
    assert code == 1
    assert not missing.exists()
    assert len(shown) == 1 and str(missing) in shown[0] and "callshop-pos init" in shown[0]
    assert str(missing) in capsys.readouterr().err


def test_quitting_the_demo_stops_the_demo_engine(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callshop_pos.clock import SystemClock
    from callshop_pos.lines.booth import BoothConfig
    from callshop_pos.lines.engine import LineEngine
    from callshop_pos.lines.ipc import EngineServer
    from tests.callshop_pos.lines.fakes import (
        STANDARD_ROWS,
        FakeDriver,
        FakeRecorder,
        FakeStore,
        FakeTariff,
    )
    from ui import demo

    data = tmp_path / "demo-data"
    data.mkdir()
    tariff = FakeTariff(STANDARD_ROWS)
    engine = LineEngine(
        clock=SystemClock(),
        driver=FakeDriver(),
        recorder=FakeRecorder(),
        store=FakeStore([BoothConfig("B1", 1)]),
        tariff=lambda: tariff,
    )
    stops: list[int] = []
    server = EngineServer(engine, data, on_stop=lambda: stops.append(1))
    server.start()
    monkeypatch.setattr(bootstrap, "make_application", lambda: qapp)
    monkeypatch.setattr(bootstrap, "install_excepthook", lambda: None)
    monkeypatch.setattr(bootstrap, "prepare_demo", lambda shop: None)  # no slow hashing
    monkeypatch.setattr(bootstrap, "process_alive", lambda pid: False)  # "exited"
    monkeypatch.setattr(bootstrap, "start_engine", lambda *a, **k: pytest.fail("one runs"))
    seen: dict[str, Any] = {}

    def run_till(app: Any, shop: Shop, bridge: Any, client: Any, *a: Any, **k: Any) -> int:
        seen["demo"] = k["demo"]
        assert client.wait_connected(5)
        return 0

    monkeypatch.setattr(bootstrap, "run_till", run_till)
    monkeypatch.delenv("CALLSHOP_DB", raising=False)
    assert demo.demo_wanted(argparse.Namespace(db=None), data)
    before = list(LOG.handlers)
    try:
        assert bootstrap.run_cashier_window(argparse.Namespace(data_dir=str(data), db=None)) == 0
    finally:
        for handler in [h for h in LOG.handlers if h not in before]:
            LOG.removeHandler(handler)
            handler.close()
        server.close()
        engine.stop()
    assert seen["demo"] is True
    assert stops == [1]


def test_a_shops_own_engine_keeps_running_when_the_till_quits(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    make_shop(url, FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))).shop.close()
    monkeypatch.setattr(bootstrap, "make_application", lambda: qapp)
    monkeypatch.setattr(bootstrap, "install_excepthook", lambda: None)
    monkeypatch.setattr(bootstrap, "run_till", lambda *a, **k: 0)
    monkeypatch.setattr(
        bootstrap, "stop_demo_engine", lambda *a, **k: pytest.fail("not the demo's engine")
    )
    before = list(LOG.handlers)
    try:
        assert bootstrap.run_cashier_window(argparse.Namespace(data_dir=str(tmp_path), db=url)) == 0
    finally:
        for handler in [h for h in LOG.handlers if h not in before]:
            LOG.removeHandler(handler)
            handler.close()
