"""Billing-grade time stamps: a datagram is stamped when the kernel received it, not when
a (possibly stalled) Python thread got round to it; ended calls leave memory quickly."""

from __future__ import annotations

import gc
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callshop_pos.lines.port import HungUp
from drivers.sip.calls import DIALOG_LINGER_S
from drivers.sip.sippy_adapter import SO_TIMESTAMPNS, SippyStack, arrival_age_s
from tests.drivers.sip.test_calls import booth_call, carrier, finish

linux_only = pytest.mark.skipif(
    SO_TIMESTAMPNS is None, reason="kernel receive time stamps (SO_TIMESTAMPNS) are Linux-only"
)


def _stamp(seconds: float) -> tuple[int, int, bytes]:
    assert SO_TIMESTAMPNS is not None
    whole = int(seconds)
    nanoseconds = round((seconds - whole) * 1e9)
    data = struct.pack("@ll", whole, nanoseconds)  # struct timespec
    return (socket.SOL_SOCKET, SO_TIMESTAMPNS, data)


@linux_only
def test_arrival_age_is_read_from_the_kernel_stamp() -> None:
    now = 1_790_000_000.25
    assert arrival_age_s([_stamp(now - 0.125)], now) == pytest.approx(0.125, abs=1e-6)
    assert arrival_age_s([], now) == 0.0  # no stamp: the datagram counts as just arrived
    other = (socket.IPPROTO_IP, 8, b"\x00" * 16)
    assert arrival_age_s([other, _stamp(now - 0.5)], now) == pytest.approx(0.5, abs=1e-6)
    # a wall clock stepped between the stamp and our reading: not trusted
    assert arrival_age_s([_stamp(now + 2.0)], now) == 0.0
    assert arrival_age_s([_stamp(now - 3600.0)], now) == 0.0


def _cpu_per_item() -> float:
    """Seconds of this thread's CPU that one item of ``sum(range(n))`` takes. Measured on
    the thread's CPU clock: on a busy machine (a parallel test run) the measuring loop
    is preempted, and on the wall clock it would seem slower and the stall come short."""
    n = 100_000
    while True:
        started = time.thread_time()
        sum(range(n))
        spent = time.thread_time() - started
        if spent > 0.01:
            return spent / n
        n *= 2


def _hold_the_interpreter(seconds: float, per_item: float) -> tuple[float, float]:
    """Keep every other Python thread of this process from running for at least
    ``seconds``, as a full garbage collection does: one long C loop that never releases
    the lock (longer when the machine is busy)."""
    started = time.monotonic()
    sum(range(int(seconds / per_item)))
    return started, time.monotonic()


SENDER = """
import socket, sys, time
host, port, at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("ready", flush=True)
while time.monotonic() < at:
    time.sleep(0.0005)
s.sendto(sys.stdin.buffer.read(), (host, port))
print(time.monotonic(), flush=True)
"""

OPTIONS = (
    "OPTIONS sip:till@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-stamp-1;rport\r\n"
    "From: <sip:probe@127.0.0.1>;tag=probe1\r\n"
    "To: <sip:till@127.0.0.1>\r\n"
    "Call-ID: stamp-test-1@127.0.0.1\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n\r\n"
)


@linux_only
@pytest.mark.skipif(
    bool(os.environ.get("CALLSHOP_TEST_NOW")),
    reason="the kernel stamps datagrams on the machine's real clock; under a travelled wall "
    "clock (tests/wall_clock) the driver rightly distrusts the stamp and uses 'now'",
)
def test_a_datagram_is_stamped_at_arrival_while_the_process_is_stalled() -> None:
    seen: list[tuple[float, float]] = []  # (handled at, rtime), monotonic seconds
    handled = threading.Event()

    def on_request(req: Any, sip_t: Any) -> Any:
        seen.append((time.monotonic(), float(req.rtime.monot)))
        handled.set()
        return (req.genResponse(200, "OK"), None, None)

    stack = SippyStack(
        "127.0.0.1",
        0,
        "stamp-test",
        on_request=on_request,
        screen=lambda data, address: True,
        on_malformed=lambda *a: None,
    )
    host, port = stack.start(lambda: None)
    try:
        # Another process sends the request in the middle of a 0.4 s stall of this one
        # (a thread of ours could not send while the stall holds the interpreter).
        send_at = time.monotonic() + 1.0
        sender = subprocess.Popen(
            [sys.executable, "-c", SENDER, host, str(port), repr(send_at)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=False,
        )
        assert sender.stdin is not None and sender.stdout is not None
        assert sender.stdout.readline().strip() == b"ready"
        sender.stdin.write(OPTIONS.encode())
        sender.stdin.close()
        per_item = _cpu_per_item()
        while time.monotonic() < send_at - 0.15:
            time.sleep(0.005)
        stall_start, stall_end = _hold_the_interpreter(0.4, per_item)
        sent = float(sender.stdout.readline())
        sender.stdout.close()
        assert sender.wait(10) == 0
        assert handled.wait(5), "the request was not handled"
        handled_at, rtime = seen[0]
        assert stall_start < sent < stall_end - 0.1, (stall_start, sent, stall_end)
        assert handled_at - sent > 0.1  # it really waited for the stall...
        assert abs(rtime - sent) < 0.02, (rtime - sent, stall_end - sent)  # ...stamped on time
    finally:
        stack.stop(lambda: None)


def test_an_ended_call_leaves_memory_after_the_dialog_linger_without_cyclic_garbage(
    workdir: Path, trunk_port: int, start_driver: Callable[..., Any]
) -> None:
    # sippy keeps an ended leg 32 s by default, and its requests and our calls formed
    # reference cycles (~180 objects a call) that only a full garbage collection, which
    # stops every thread, could free. Now the call is freed when its legs die.
    driver, engine = start_driver()
    gc.collect()
    gc.disable()
    try:
        trunk = carrier(workdir, trunk_port, ring_ms=50)
        ata = booth_call(workdir, driver, talk_ms=200)
        assert "booth hung up" in finish(ata)
        finish(trunk)
        hung = engine.wait_for(HungUp)
        ended = time.monotonic()
        call = driver._lingering and next(iter(driver._lingering))
        assert call and call.ua_a.godead_timeout == call.ua_o.godead_timeout == DIALOG_LINGER_S
        del call
        while driver._lingering and time.monotonic() - ended < DIALOG_LINGER_S + 5:
            time.sleep(0.1)
        assert not driver._lingering, f"{hung.call_ref} held {time.monotonic() - ended:.1f} s"
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        sip_garbage = [
            type(o).__qualname__
            for o in gc.garbage
            if type(o).__module__.startswith(("sippy.", "drivers.sip."))
        ]
        assert not sip_garbage, sorted(set(sip_garbage))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_empty_retransmission_cache_entries_share_one_object() -> None:
    stack = SippyStack(
        "127.0.0.1",
        0,
        "cache-test",
        on_request=lambda req, t: None,
        screen=lambda data, address: True,
        on_malformed=lambda *a: None,
    )
    stack.start(lambda: None)
    try:
        import sippy.SipTransactionManager as tm_module

        entry = tm_module.SipTMRetransmitO
        assert entry() is entry()
        assert entry().data is None
        full = entry("server", b"SIP/2.0 200 OK", ("127.0.0.1", 5060), None, 0)
        assert full is not entry() and full.data == b"SIP/2.0 200 OK"
    finally:
        stack.stop(lambda: None)


def test_sippy_reads_its_clocks_without_ctypes() -> None:
    """sippy's MonoTime and nonces read the same clocks through ``time.clock_gettime``
    (a ctypes read costs ~7 µs and hands the interpreter lock over every time)."""
    from sippy.Time import clock_dtime

    stack = SippyStack(
        "127.0.0.1",
        0,
        "clock-test",
        on_request=lambda req, t: None,
        screen=lambda data, address: True,
        on_malformed=lambda *a: None,
    )
    stack.start(lambda: None)
    try:
        import sippy.Security.SipNonce
        import sippy.Time.MonoTime

        mono_module = sippy.Time.MonoTime
        assert mono_module.clock_getdtime is time.clock_gettime
        assert sippy.Security.SipNonce.clock_getntime is time.clock_gettime_ns
        # The same clocks (their ids kept as sippy has them): the monotonic one against
        # sippy's own ctypes read; the wall clock against time.time(), so that a suite
        # run on another wall clock (tests/wall_clock) compares like with like.
        mono = clock_dtime.CLOCK_MONOTONIC
        assert abs(time.clock_gettime(mono) - clock_dtime.clock_getdtime(mono)) < 0.5
        assert abs(time.clock_gettime(clock_dtime.CLOCK_REALTIME) - time.time()) < 0.5
        a, b = mono_module.MonoTime(), mono_module.MonoTime()
        assert b.monot >= a.monot and abs(a.realt - time.time()) < 5
    finally:
        stack.stop(lambda: None)
