"""The engine process with its SQLite database on a real disk that fills up: no call is
lost. New calls are refused while nothing can be written, the records wait in the spill
journal (on another disk), the engine exits non-zero with records not in the database,
and the next start writes them back exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from callshop_pos.lines.spill import SpillJournal
from callshop_pos.services.till.shifts import open_shift
from drivers.engine_cli import EXIT_UNSAVED
from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    prepare_shop,
    recorded_calls,
    run_engine,
)

BOOTHS = 6
CALLS_PER_BOOTH = 12


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs (root only)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def scenario_text() -> str:
    lines = ["booth,start,number,ring,talk"]
    for b in range(1, BOOTHS + 1):
        t = b
        for i in range(CALLS_PER_BOOTH):
            talk = 5 + (b * 7 + i * 3) % 20
            lines.append(f"F{b},{t},0049 30 {b}{i:03d},2,{talk}")
            t += 2 + talk + 2
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@pytest.mark.tmpfs
def test_a_full_disk_loses_no_call_and_the_engine_says_so(tmp_path: Path, small_disk: Path) -> None:
    scenario = tmp_path / "traffic.csv"
    scenario.write_text(scenario_text())
    prep = prepare_shop(data_dir(), url=f"sqlite:///{small_disk / 'callshop.db'}")
    open_shift(prep.seeded.shop, prep.seeded.admin, 0)
    prep.seeded.shop.close()
    spill_dir = tmp_path / "spill"
    args = ("--scenario", str(scenario), "--speed", "10", "--spill-dir", str(spill_dir))
    log = (tmp_path / "engine.log").open("w")
    proc = subprocess.Popen(
        engine_cmd(*args, db=prep.url), cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("engine: serving"):
                break
        time.sleep(2.0)
        filler = fill(small_disk)  # the database's disk is full from now on
        time.sleep(4.0)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        log.close()
    stderr = (tmp_path / "engine.log").read_text()
    assert proc.returncode == EXIT_UNSAVED, stderr
    assert "not in the database" in stderr
    assert "new calls are refused" in stderr
    # Rate-limited: not a line per failed attempt.
    assert stderr.count("cannot be written to the database") <= 3, stderr
    files = list(spill_dir.glob("unsaved-calls-*.jsonl"))
    assert len(files) == 1
    spilled = SpillJournal([spill_dir], files[0].name).entries()
    assert any(getattr(r, "call_ref", "").startswith("scn-") for r in spilled)

    filler.unlink()  # space freed: the next start writes everything back, once
    final = run_engine(*args, "--exit-when-done", timeout=240, db=prep.url)
    assert final.returncode == 0, final.stderr
    assert "wrote back" in final.stderr
    assert not files[0].exists()
    calls = recorded_calls(prep.url)
    lines = [int(c.call_ref.rsplit("-", 1)[1]) for c in calls]
    assert len(lines) == len(set(lines)) == BOOTHS * CALLS_PER_BOOTH  # each exactly once
    assert all(c.state == "finished" for c in calls)
    refused = [c for c in calls if c.end_reason == "denied"]
    assert refused  # calls dialled while the disk was full were refused, and recorded
    assert all(c.answered_at is None for c in refused)
