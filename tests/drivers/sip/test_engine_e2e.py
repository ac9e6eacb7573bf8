"""End to end: SIPp booth → ``callshop-pos engine --driver sip`` → SIPp carrier → the
call recorded in the shop database with answer/end times, reason and price."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    expected_price,
    prepare_shop,
    recorded_calls,
)
from tests.drivers.sip import sipp
from tests.drivers.sip.conftest import TRUNK_PASSWORD, TRUNK_USER
from tests.drivers.sip.test_calls import carrier, finish

pytestmark = [pytest.mark.sip, pytest.mark.slow]

NUMBER = "0049301234567"


def wait_listening(address: tuple[str, int], timeout: float = 30) -> None:
    """Until the engine's SIP port answers an OPTIONS."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.3)
        host, port = sock.getsockname()
        n = 0
        while time.monotonic() < deadline:
            n += 1
            sock.sendto(
                (
                    f"OPTIONS sip:{address[0]} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK-up{n}\r\n"
                    f"From: <sip:t@{host}>;tag={n}\r\nTo: <sip:{address[0]}>\r\n"
                    f"Call-ID: up{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                ).encode(),
                address,
            )
            try:
                if sock.recv(4096).startswith(b"SIP/2.0 200"):
                    return
            except TimeoutError:
                continue
    raise AssertionError("the engine never answered on its SIP port")


def test_sipp_call_through_the_real_engine_is_recorded(workdir: Path, trunk_port: int) -> None:
    prep = prepare_shop(
        data_dir(),
        booths={
            "Booth 1": {"driver": "sip", "sip_user": "booth1", "sip_password": "secret-1"},
        },
    )
    prep.seeded.shop.close()
    listen = ("127.0.0.1", sipp.free_udp_port())
    engine = subprocess.Popen(
        engine_cmd(
            "--driver",
            "sip",
            "--sip-listen",
            f"{listen[0]}:{listen[1]}",
            "--sip-trunk",
            f"sip:{TRUNK_USER}:{TRUNK_PASSWORD}@127.0.0.1:{trunk_port}",
        ),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_listening(listen)
        trunk = carrier(workdir, trunk_port, ring_ms=300)
        scenario = sipp.render("ata_call.xml", workdir, talk_ms=1500)
        ata = sipp.start(
            scenario,
            workdir,
            remote=listen,
            args=("-s", NUMBER, "-au", "booth1", "-ap", "secret-1"),
        )
        assert "booth hung up" in finish(ata)
        assert "auth ok" in finish(trunk)
        time.sleep(0.5)  # the engine's writer thread
    finally:
        engine.send_signal(signal.SIGINT)
        out, err = engine.communicate(timeout=30)
    assert engine.returncode == 0, err
    calls = recorded_calls(prep.url)
    assert len(calls) == 1, (out, err)
    call = calls[0]
    assert (call.booth, call.number) == ("Booth 1", NUMBER)
    assert (call.end_reason, call.end_side) == ("normal", "booth")
    assert call.answered_at is not None and call.ended_at is not None
    talk = (call.ended_at - call.answered_at).total_seconds()
    assert abs(talk - 1.5) <= 0.1, talk
    assert call.setup_at < call.answered_at
    assert call.price_minor == expected_price(NUMBER, call.duration_s)
