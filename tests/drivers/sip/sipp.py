"""Running SIPp (Debian ``sip-tester``) as the booth's ATA or as the carrier in tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SIPP = shutil.which("sipp")


def require_sipp() -> str:
    """The sipp executable; skip (or fail on CI) when it is missing."""
    if SIPP is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("sipp (Debian package sip-tester) is required on CI")
        pytest.skip("sipp (Debian package sip-tester) is not installed; SIP tests skipped")
    return SIPP


def free_udp_port(host: str = "127.0.0.1") -> int:
    """An ephemeral UDP port the kernel just handed out (free right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def render(name: str, directory: Path, **values: object) -> Path:
    """Copy scenario ``name`` into ``directory`` with its ``@KEY@`` tokens filled in."""
    text = (SCENARIOS / name).read_text(encoding="iso-8859-1")
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    assert not left, f"unfilled tokens in {name}: {left}"
    out = directory / f"{name.removesuffix('.xml')}-{len(list(directory.glob('*.xml')))}.xml"
    out.write_text(text, encoding="iso-8859-1")
    return out


@dataclass
class SippRun:
    process: subprocess.Popen[str]
    log_file: Path
    error_file: Path

    def wait(self, timeout: float = 60.0) -> int:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        return int(self.process.returncode)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    @property
    def logs(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    @property
    def errors(self) -> str:
        return self.error_file.read_text(errors="replace") if self.error_file.exists() else ""

    def describe(self) -> str:
        out = self.process.stdout.read() if self.process.stdout else ""
        return (
            f"rc={self.process.returncode}\nlogs:\n{self.logs}\n"
            f"errors:\n{self.errors[-3000:]}\n{out[-2000:]}"
        )


RUNNING: list[SippRun] = []  # stopped by the sipp_runs fixture after each test


def start(
    scenario: Path,
    workdir: Path,
    *,
    remote: tuple[str, int] | None = None,
    local_ip: str = "127.0.0.1",
    local_port: int | None = None,
    args: tuple[str, ...] = (),
    calls: int = 1,
    timeout_s: int = 60,
) -> SippRun:
    """Start SIPp with ``scenario`` in the background (its files go to ``workdir``)."""
    exe = require_sipp()
    tag = f"{scenario.stem}-{local_port or 'any'}"
    log_file = workdir / f"{tag}.log"
    error_file = workdir / f"{tag}.err"
    cmd = [
        exe,
        "-sf",
        str(scenario),
        "-i",
        local_ip,
        "-mi",
        local_ip,
        "-p",
        str(local_port if local_port is not None else free_udp_port(local_ip)),
        "-m",
        str(calls),
        "-nostdin",
        "-trace_logs",
        "-log_file",
        str(log_file),
        "-trace_err",
        "-error_file",
        str(error_file),
        "-timeout",
        f"{timeout_s}s",
        "-timeout_error",
        *args,
    ]
    if remote is not None:
        cmd.append(f"{remote[0]}:{remote[1]}")
    proc = subprocess.Popen(
        cmd,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    run = SippRun(proc, log_file, error_file)
    RUNNING.append(run)
    return run
