"""The engine as a subprocess: scenario runs, recorded calls and prices, the lock,
start-up recovery."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from callshop_pos.db.models.calls import CallState
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart
from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    expected_price,
    prepare_shop,
    recorded_calls,
    run_engine,
)

SCENARIO = """booth,start,number,ring,talk
Booth A,0,0049 30 1234567,3,65
Booth A,80,0888 123 456,5,0
Booth A,100,0888 123 456,2,37
Booth B,1,02 987 6543,4,30
Booth B,40,001 212 555 0100,2,95
Booth B,150,0044 20 7946 0123,6,4
Booth B,170,0044 20 7946 0123,1,6
Booth C,0,00882 12345678,3,20
Booth C,30,0900 12345,1,10
Booth C,50,0049 171 2345678,10,400
"""


@pytest.mark.slow
def test_scenario_run_records_every_call_at_the_independent_price(tmp_path: Path) -> None:
    prep = prepare_shop(
        data_dir(),
        booths={"Booth C": {"max_duration_s": 120}},
        blocked_prefixes=("3599",),
    )
    prep.seeded.shop.close()
    scenario = tmp_path / "scenario.csv"
    scenario.write_text(SCENARIO)
    result = run_engine("--scenario", str(scenario), "--speed", "50", "--exit-when-done")
    assert result.returncode == 0, result.stderr
    assert "10 call(s) recorded" in result.stdout
    calls = {c.call_ref.rsplit("-", 1)[1]: c for c in recorded_calls(prep.url)}
    assert len(calls) == 10
    lines = SCENARIO.strip().splitlines()[1:]
    for line_no, text in enumerate(lines, start=2):
        booth, _start, number, _ring, talk_s = text.split(",")
        talk = int(talk_s)
        call = calls[str(line_no)]
        assert call.booth == booth and call.number == number
        assert call.state == CallState.FINISHED.value
        if number.startswith("00882") or number.startswith("0900"):
            # No retail price / blocked prefix: refused at dial time, kept as an attempt.
            assert call.answered_at is None and call.end_reason == "denied", number
            continue
        if talk == 0:
            assert call.answered_at is None and call.end_reason == "no_answer"
            assert call.price_minor is None
            continue
        assert call.answered_at is not None and call.ended_at is not None
        expected_duration = min(talk, 120) if booth == "Booth C" else talk
        # Times come from the engine's scaled clock: the duration is exact.
        assert call.ended_at - call.answered_at == timedelta(seconds=expected_duration)
        assert call.duration_s == expected_duration
        assert call.price_minor == expected_price(number, expected_duration), number
        if booth == "Booth C":
            assert call.end_reason == "time_limit" and call.end_side == "system"
        else:
            assert call.end_reason == "normal"
    # UK row: 4 s is inside the 5 s grace period (free), 6 s is billed.
    assert calls["7"].price_minor == 0 and calls["7"].duration_s == 4
    assert calls["8"].price_minor == expected_price("0044", 6) == 25  # initial block 60 s
    # A second run with the same scenario records nothing again.
    again = run_engine("--scenario", str(scenario), "--speed", "50", "--exit-when-done")
    assert again.returncode == 0, again.stderr
    assert "0 call(s) recorded" in again.stdout
    assert len(recorded_calls(prep.url)) == 10


def test_second_engine_on_the_same_database_exits_with_a_message(tmp_path: Path) -> None:
    prep = prepare_shop(data_dir())
    prep.seeded.shop.close()
    first = subprocess.Popen(
        engine_cmd("--driver", "simulator", "--booths", "2"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None
        for line in first.stdout:
            if line.startswith("engine: serving"):
                break
        second = run_engine("--driver", "simulator", "--booths", "2")
        assert second.returncode == 1
        assert "already running for this database" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=20)
    assert first.returncode == 0, err
    # After a clean stop the next start is accepted.
    third = run_engine("--exit-when-done")
    assert third.returncode == 0, third.stderr


def test_start_up_recovery_finishes_interrupted_calls_once(tmp_path: Path) -> None:
    prep = prepare_shop(data_dir(), booths={"B1": {}})
    shop = prep.seeded.shop
    clock = shop.clock
    recorder = DatabaseCallRecorder(shop)
    # The crash was a few minutes ago (recovery never ends a call after "now").
    start = clock.now() - timedelta(minutes=5)
    recorder.call_started(CallStart("B1", "crashed-1", "0049 30 1234567", start))
    recorder.call_answered("crashed-1", start + timedelta(seconds=5))
    recorder.heartbeat(start + timedelta(seconds=5 + 95))
    recorder.call_started(CallStart("B1", "crashed-2", "0049 30 1234567", start))
    recorder.call_started(CallStart("B1", "done-3", "0049 30 1234567", start))
    from callshop_pos.lines.recorder import FinishedCallRating

    recorder.call_ended(
        "done-3",
        start,
        HangupReason.CANCELLED,
        HangupSide.BOOTH,
        FinishedCallRating(None, None, None, None, 0, 0, None, None, False),
    )
    shop.close()
    for _ in range(2):
        result = run_engine("--exit-when-done")
        assert result.returncode == 0, result.stderr
    calls = {c.call_ref: c for c in recorded_calls(prep.url)}
    one = calls["crashed-1"]
    assert one.state == "finished" and one.flag_list == ["interrupted"]
    assert one.end_reason == "interrupted"
    assert one.duration_s == 95 and one.price_minor == expected_price("0049", 95)
    two = calls["crashed-2"]
    assert two.state == "finished" and two.answered_at is None and "interrupted" in two.flag_list
    assert calls["done-3"].end_reason == "cancelled"


def test_clients_follow_a_running_engine_process_and_command_it(tmp_path: Path) -> None:
    import threading

    from callshop_pos.lines.engine import CallFinished
    from callshop_pos.lines.ipc import EngineClient
    from callshop_pos.lines.snapshot import BoothSnapshot
    from callshop_pos.services.admin import booths as booth_service
    from callshop_pos.services.context import Shop

    prep = prepare_shop(data_dir())
    prep.seeded.shop.close()
    scenario = tmp_path / "s.csv"
    scenario.write_text(
        "booth,start,number,ring,talk\nIPC1,0,0049 30 1234567,2,30\nIPC2,0,0049 30 7654321,2,600\n"
    )
    proc = subprocess.Popen(
        engine_cmd("--scenario", str(scenario), "--speed", "20", "--exit-when-done"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    finished: list[CallFinished] = []
    talking = threading.Event()

    def on_snapshot(snap: BoothSnapshot) -> None:
        if snap.booth == "IPC2" and snap.state.value == "talking" and snap.price_minor:
            talking.set()

    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("engine: serving"):
                break
        with EngineClient(
            data_dir(), on_snapshot=on_snapshot, on_call_finished=finished.append
        ) as client:
            assert client.wait_connected(20)
            assert talking.wait(30)  # live meter with a running price
            snap = client.lock("IPC2")
            assert snap.locked and snap.state.value == "talking"  # the call goes on
            client.hang_up("IPC2")  # ... until the cashier ends it
            proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    calls = {c.booth: c for c in recorded_calls(prep.url)}
    assert calls["IPC2"].end_reason == "cashier" and calls["IPC2"].duration_s < 600
    ids = {f.call_id for f in finished}
    assert calls["IPC2"].id in ids and ids <= {c.id for c in calls.values()}
    shop = Shop.open(prep.url)
    try:
        assert booth_service.get_booth(shop, "IPC2").locked  # saved, audited
    finally:
        shop.close()


@pytest.mark.postgres
def test_scenario_on_postgresql(tmp_path: Path) -> None:
    from tests.postgres import postgres_schema_url

    with postgres_schema_url() as pg_url:
        run_pg_scenario(pg_url, tmp_path)


def run_pg_scenario(pg_url: str, tmp_path: Path) -> None:
    prep = prepare_shop(data_dir(), url=pg_url)
    prep.seeded.shop.close()
    scenario = tmp_path / "pg.csv"
    scenario.write_text(
        "booth,start,number,ring,talk\n"
        "PG1,0,0049 30 1234567,2,61\nPG2,0,0888 123 456,1,37\nPG2,50,02 1,1,0\n"
    )
    result = run_engine("--scenario", str(scenario), "--speed", "50", "--exit-when-done", db=pg_url)
    assert result.returncode == 0, result.stderr
    calls = {c.call_ref.rsplit("-", 1)[1]: c for c in recorded_calls(pg_url)}
    assert calls["2"].duration_s == 61 and calls["2"].price_minor == expected_price("0049", 61)
    assert calls["3"].duration_s == 37 and calls["3"].price_minor == expected_price("0888", 37)
    assert calls["4"].answered_at is None and calls["4"].end_reason == "no_answer"


def test_bad_arguments_and_scenarios_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import main

    bad = tmp_path / "bad.csv"
    bad.write_text("booth,start,number,ring,talk\nB1,soon,0049 30 1,3,10\n")
    assert main.main(["engine", "--scenario", str(bad), "--exit-when-done"]) == 1
    assert "line 2: start 'soon' is not a number of seconds" in capsys.readouterr().err
    assert main.main(["engine", "--driver", "simulator", "--speed", "0"]) == 1
    assert "--speed must be above 0" in capsys.readouterr().err
    assert main.main(["engine", "--driver", "sip", "--booths", "3"]) == 1
    assert "need the simulator driver" in capsys.readouterr().err
    assert not (data_dir() / "callshop.db").exists()  # nothing was touched
