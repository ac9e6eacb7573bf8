"""``callshop-pos devices …`` / ``fiscal …`` in process, against local fakes."""

from __future__ import annotations

import io
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.cli import build_parser
from callshop_pos.cli import run as run_cli
from callshop_pos.clock import FakeClock
from callshop_pos.db.models.devices import DrawerOpen
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.till.shifts import open_shift
from drivers.cli import register as register_driver_commands
from tests.callshop_pos.support import ADMIN_PASSWORD, SeededShop, make_shop
from tests.drivers.fiscal.fake_erpnet import PRINTER_ID, fake_erpnet


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[SeededShop, str]]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    s = make_shop(url, FakeClock())
    try:
        yield s, url
    finally:
        s.shop.close()


def cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    parser = build_parser(extra=[register_driver_commands])
    return run_cli(parser.parse_args(["--db", url, *args]))


def test_nothing_configured(
    seeded: tuple[SeededShop, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, url = seeded
    assert cli(monkeypatch, url, "devices", "show") == 0
    out = capsys.readouterr().out
    assert "receipt printer: none" in out and "fiscal device:   off" in out
    assert cli(monkeypatch, url, "fiscal", "status") == 1
    assert "no fiscal device is configured" in capsys.readouterr().err
    assert cli(monkeypatch, url, "devices", "drawer", "--reason", "x", "--user", "admin") == 1


def test_fiscal_commands_against_the_fake_server(
    seeded: tuple[SeededShop, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (shop, admin, _), url = seeded
    with fake_erpnet() as (base, state):
        update_settings(
            shop,
            admin,
            devices={
                "fiscal": {
                    "enabled": True,
                    "url": base,
                    "printer_id": PRINTER_ID,
                    "device_serial": "DT279013",
                    "operator_code": 1,
                }
            },
        )
        assert cli(monkeypatch, url, "fiscal", "status") == 0
        assert "fiscal printer ready, device time 2026-11-26 14:05:00" in capsys.readouterr().out
        assert cli(monkeypatch, url, "fiscal", "deposit", "50.00", "--user", "admin") == 0
        assert cli(monkeypatch, url, "fiscal", "z-report", "--user", "admin") == 0
        assert cli(monkeypatch, url, "fiscal", "withdraw", "-3", "--user", "admin") == 1
    assert [p["action"] for p in state.printed] == ["deposit", "zreport"]
    with shop.db.read() as s:
        actions = s.scalars(select(JournalEntry.action).order_by(JournalEntry.seq)).all()
    assert [a for a in actions if a.startswith("fiscal.")] == ["fiscal.deposit", "fiscal.z_report"]


def test_manual_drawer_open_over_a_network_printer(
    seeded: tuple[SeededShop, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (shop, admin, operator), url = seeded
    open_shift(shop, operator, 0)
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(4096):
                received.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        update_settings(
            shop,
            admin,
            devices={"printer": {"connection": f"tcp:127.0.0.1:{server.getsockname()[1]}"}},
        )
        assert (
            cli(
                monkeypatch,
                url,
                "devices",
                "drawer",
                "--reason",
                "change for 50",
                "--user",
                "admin",
            )
            == 0
        )
        thread.join(10)
    finally:
        server.close()
    assert bytes(received) == b"\x1bp\x0022"
    with shop.db.read() as s:
        assert s.scalars(select(DrawerOpen.reason)).all() == ["change for 50"]
