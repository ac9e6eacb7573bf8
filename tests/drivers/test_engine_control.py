"""``callshop-pos engine status`` and ``engine stop`` against a real engine process
(simulator): the stop is the clean one, and the call in progress is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from callshop_pos.lines.ipc import ensure_secret
from callshop_pos.lines.ipc.wire import write_address
from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    expected_price,
    prepare_shop,
    recorded_calls,
)
from tests.waiting import wait_for


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "engine", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


def test_status_and_stop_of_a_running_engine_with_a_call_in_progress(tmp_path: Path) -> None:
    prep = prepare_shop(data_dir())
    prep.seeded.shop.close()
    scenario = tmp_path / "s.csv"
    scenario.write_text("booth,start,number,ring,talk\nCTL1,0,0049 30 1234567,1,3600\n")
    proc = subprocess.Popen(
        engine_cmd("--scenario", str(scenario), "--speed", "10"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("engine: serving"):
                break

        def talking() -> bool:
            done = cli("status", "--json")
            return done.returncode == 0 and json.loads(done.stdout)["in_call"] == 1

        wait_for(talking, timeout=30)
        status = cli("status")
        assert status.returncode == 0, status.stderr
        assert status.stdout.startswith(f"line engine: running (pid {proc.pid}: 1 booth(s)")
        assert "1 call(s) in progress" in status.stdout and "callshop.db" in status.stdout

        stop = cli("stop")
        assert stop.returncode == 0, stop.stderr
        assert "1 call(s) in progress are ended and recorded first" in stop.stdout
        assert stop.stdout.rstrip().endswith("line engine: stopped")
        # When `engine stop` returns, the engine has exited, cleanly.
        assert proc.wait(timeout=5) == 0
        rest = proc.stdout.read()
        assert "engine: stopped; 1 call(s) recorded in this run" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    (call,) = recorded_calls(prep.url)
    assert call.state == "finished" and call.answered_at is not None
    assert 0 < call.duration_s < 3600
    assert call.price_minor == expected_price("0049", call.duration_s)

    after = cli("status")
    assert after.returncode == 3 and "line engine: stopped" in after.stdout
    again = cli("stop")
    assert again.returncode == 0 and "not running" in again.stdout


def test_an_engine_that_does_not_answer_is_not_reachable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from drivers import engine_cli
    from main import main

    data = data_dir()
    ensure_secret(data)
    # A live process (this one) published an address where nothing listens.
    write_address(data, "AF_UNIX", str(data / "nothing.sock"))
    monkeypatch.setattr(engine_cli, "CONNECT_TIMEOUT_S", 0.3)
    assert main(["engine", "status"]) == 1
    assert f"not reachable (pid {os.getpid()}" in capsys.readouterr().out
    assert main(["engine", "stop"]) == 1
    assert f"kill -TERM {os.getpid()}" in capsys.readouterr().err
